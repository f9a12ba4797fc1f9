from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Information hub")

    def ready(self) -> None:
        from hub import demo
        from hub.services.reminders import call_reminders_drain
        from notifications.kinds import register_kind
        from notifications.outbox import register_drain

        register_kind(
            "call.reviewed", _("A moderator's decision on a call you submitted"), email=True
        )
        # Reminders to a call's followers a week and a day before its deadline
        # (hub/services/reminders.py), on every worker pass.
        register_kind(
            "call.deadline",
            _("A reminder before the deadline of a call you follow"),
            push=True,
            email=True,
        )
        register_drain("call.reminders", call_reminders_drain)
        # Demo calls on top of `manage.py seed_demo`'s community and ClusterXchange data.
        demo.connect()
        # The trend universe's demo (hub/demo_trends.py).
        from hub import demo_trends

        demo_trends.connect()
