from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from community.page_sections import register_page_section
        from community.profile_sections import register_profile_section
        from matchmaking import demo
        from matchmaking.models import MatchmakingSetup
        from matchmaking.selectors.agenda import meeting_call_can_subscribe, meeting_feed_entries
        from matchmaking.services import meetings, participants, sessions
        from matchmaking.services.reminders import meeting_reminders_drain
        from matchmaking.services.requests import requests_expire_drain
        from matchmaking.views import suggestions
        from messaging.models import Listing
        from notifications.kinds import register_kind
        from notifications.outbox import register_drain
        from realtime.topics import register_topic
        from webinars.calendar_sources import register_feed_source
        from webinars.models import Event, Registration

        # A registration for a matchmaking event makes (or withdraws) a participant.
        post_save.connect(
            participants.registration_saved,
            sender=Registration,
            dispatch_uid="matchmaking_participant",
        )
        post_save.connect(
            participants.listing_saved, sender=Listing, dispatch_uid="mm_participant_listing"
        )
        # Meeting requests and meetings (matchmaking/services/requests.py, meetings.py).
        register_kind(
            "meeting.requested", _("Someone asks you for a meeting"), push=True, email=True
        )
        register_kind(
            "meeting.accepted", _("A meeting you asked for is accepted"), push=True, email=True
        )
        register_kind("meeting.declined", _("A meeting you asked for is declined"), email=True)
        register_kind("meeting.proposed", _("Another time is proposed for your meeting"), push=True)
        register_kind(
            "meeting.cancelled",
            _("A meeting or a meeting request is cancelled"),
            push=True,
            email=True,
        )
        register_kind("meeting.expired", _("A meeting request expired without an answer"))
        # Unanswered requests expire and free their slots, on every worker pass.
        register_drain("matchmaking.requests_expire", requests_expire_drain)
        # The programme's sessions in each person's time (matchmaking/services/sessions.py).
        post_save.connect(
            sessions.registration_saved, sender=Registration, dispatch_uid="mm_session_registration"
        )
        post_save.connect(
            sessions.session_event_saved, sender=Event, dispatch_uid="mm_session_event"
        )
        # A cancelled matchmaking event ends its pending requests and meetings.
        post_save.connect(meetings.event_saved, sender=Event, dispatch_uid="mm_event_cancelled")
        m2m_changed.connect(
            sessions.sessions_changed,
            sender=MatchmakingSetup.sessions.through,
            dispatch_uid="mm_session_programme",
        )

        # Planted pairs and the event in progress on top of `manage.py seed_demo`'s data
        # (after messaging's and webinars' receivers: this app comes after them).
        demo.connect()
        # "Suggested for you" on the organisation profile, the listing page and the event
        # page, through each app's registry (they do not import matchmaking).
        register_profile_section("main", suggestions.organisation_section)
        register_page_section("listing", suggestions.listing_section)
        register_page_section("event", suggestions.event_section)
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
        # The organiser's auto-scheduler placed one of your mutual requests
        # (matchmaking.services.scheduling.schedule_draft_apply).
        register_kind(
            "meeting.scheduled",
            _("The organisers scheduled a meeting you both asked for"),
            push=True,
            email=True,
        )
