from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from newsletter import demo
        from newsletter.services.sending import newsletter_drain
        from notifications.outbox import register_drain

        # Issue deliveries and the purge of expired subscription requests, on every pass
        # of the worker (or of the server without Redis: notifications/outbox.py).
        register_drain("newsletter.deliveries", newsletter_drain)
        demo.connect()
