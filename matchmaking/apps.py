from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from matchmaking.models import MatchmakingSetup
        from matchmaking.services import sessions
        from matchmaking.services.requests import requests_expire_drain
        from notifications.kinds import register_kind
        from notifications.outbox import register_drain
        from webinars.models import Event, Registration

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
        m2m_changed.connect(
            sessions.sessions_changed,
            sender=MatchmakingSetup.sessions.through,
            dispatch_uid="mm_session_programme",
        )

        # Planted pairs and the event in progress on top of `manage.py seed_demo`'s data
        # (after messaging's and webinars' receivers: this app comes after them).
        from matchmaking import demo

        demo.connect()
        # "Suggested for you" on the organisation profile, the listing page and the event
        # page, through each app's registry (they do not import matchmaking).
        from community.profile_sections import register_profile_section
        from matchmaking.views import suggestions
        from messaging.page_sections import register_listing_section
        from webinars.page_sections import register_event_section

        register_profile_section("main", suggestions.organisation_section)
        register_listing_section(suggestions.listing_section)
        register_event_section(suggestions.event_section)
