from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # Planted pairs and the event in progress on top of `manage.py seed_demo`'s data
        # (after messaging's and webinars' receivers: this app comes after them).
        from matchmaking import demo

        demo.connect()
