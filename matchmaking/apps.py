from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from matchmaking.services.participants import registration_saved
        from webinars.models import Registration

        # A registration for a matchmaking event makes (or withdraws) a participant.
        post_save.connect(
            registration_saved, sender=Registration, dispatch_uid="matchmaking_participant"
        )
