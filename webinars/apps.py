from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebinarsConfig(AppConfig):
    name = "webinars"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.conf import settings

        from notifications.kinds import register_kind
        from notifications.outbox import register_drain
        from realtime.topics import register_topic
        from webinars.actions import hands, polls, questions, rooms
        from webinars.selectors.calls import call_can_subscribe
        from webinars.selectors.rooms import (
            backstage_can_subscribe,
            room_can_subscribe,
            room_sees_names,
        )
        from webinars.services.attendance import attendance_record
        from webinars.services.polls import poll_results_drain
        from webinars.services.reminders import reminders_drain

        # `webinar_room:<event id>`: everyone in the room (docs/realtime.md, "Webinar rooms").
        # Everyone sees how many are in; hosts see who. Each socket's time in the room is
        # recorded for the attendance report.
        register_topic(
            "webinar_room",
            gate=room_can_subscribe,
            presence=True,
            presence_names=room_sees_names,
            presence_hook=attendance_record,
        )
        # `webinar_backstage:<event id>`: the hosts only (who asked an anonymous question,
        # draft polls, what hosts hid).
        register_topic("webinar_backstage", gate=backstage_can_subscribe)
        # `webinar_call:<event id>`: a peer-to-peer call of up to WEBINAR_CALL_CAPACITY people
        # in a video room (docs/realtime.md, "Video calls"). Signals are addressed to one
        # peer (WebRTC offer, answer, ICE candidates); re-checked whenever the room is.
        register_topic(
            "webinar_call",
            gate=call_can_subscribe,
            presence=True,
            max_people=settings.WEBINAR_CALL_CAPACITY,
            directed_signals={"hello", "offer", "answer", "ice", "media"},
            signal_rate=(100, 10.0),
            recheck_with={"webinar_room"},
        )
        # Socket actions `room.*`: chat and host controls, questions, polls, raised hands.
        for actions in (rooms, questions, polls, hands):
            actions.register_actions()

        # Registration and an event's changes.
        register_kind("event.registration", _("Your registration for an event"), email=True)
        register_kind("event.promoted", _("A place for you at an event"), push=True, email=True)
        register_kind("event.approved", _("The organisers approved your registration"), email=True)
        register_kind("event.declined", _("The organisers declined your registration"), email=True)
        register_kind(
            "event.cancelled", _("An event you registered for is cancelled"), push=True, email=True
        )
        register_kind(
            "event.rescheduled",
            _("An event you registered for changed its time"),
            push=True,
            email=True,
        )
        register_kind(
            "event.reviewed", _("A moderator's decision on an event you submitted"), email=True
        )
        # Reminders before events (webinars/services/reminders.py), on every worker pass.
        register_kind(
            "event.reminder",
            _("A reminder the day before an event you take part in"),
            push=True,
            email=True,
        )
        register_kind("event.starting", _("An event you take part in is about to start"), push=True)
        register_drain("event.reminders", reminders_drain)
        # Poll results, coalesced: at most one `poll.results` per poll per interval.
        register_drain("webinar.poll_results", poll_results_drain)
        # Demo events on top of `manage.py seed_demo`'s community data.
        from webinars import demo

        demo.connect()
