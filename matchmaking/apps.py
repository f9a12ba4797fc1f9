from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from notifications.kinds import register_kind

        # The organiser's auto-scheduler placed one of your mutual requests
        # (matchmaking.services.scheduling.schedule_draft_apply).
        register_kind(
            "meeting.scheduled",
            _("The organisers scheduled a meeting you both asked for"),
            push=True,
            email=True,
        )
