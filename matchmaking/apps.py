from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from matchmaking.selectors.agenda import meeting_call_can_subscribe, meeting_feed_entries
        from matchmaking.services.participants import registration_saved
        from matchmaking.services.reminders import meeting_reminders_drain
        from notifications.kinds import register_kind
        from notifications.outbox import register_drain
        from realtime.topics import register_topic
        from webinars.calendar_sources import register_feed_source
        from webinars.models import Registration

        # A registration for a matchmaking event makes (or withdraws) a participant.
        post_save.connect(
            registration_saved, sender=Registration, dispatch_uid="matchmaking_participant"
        )
        # `meeting_call:<meeting id>`: the video room of a confirmed meeting, for its two
        # people, from 5 minutes before the slot to 15 minutes after it (docs/realtime.md,
        # "Video calls": the same protocol as `webinar_call`, at most 2 people).
        register_topic(
            "meeting_call",
            gate=meeting_call_can_subscribe,
            presence=True,
            max_people=2,
            directed_signals={"hello", "offer", "answer", "ice", "media"},
            signal_rate=(100, 10.0),
        )
        # Meetings in each person's calendar feed, beside their events.
        register_feed_source(meeting_feed_entries)
        # Reminders 15 minutes before each meeting, on every worker pass.
        register_kind(
            "meeting.starting", _("A matchmaking meeting of yours is about to start"), push=True
        )
        register_drain("matchmaking.meeting_reminders", meeting_reminders_drain)
