from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebinarsConfig(AppConfig):
    name = "webinars"
    verbose_name = _("Events")

    def ready(self) -> None:
        from realtime.topics import register_topic
        from webinars.selectors.rooms import (
            backstage_can_subscribe,
            room_can_subscribe,
            room_sees_names,
        )
        from webinars.services.attendance import attendance_record

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

        # --- room slice: chat and host controls (webinars/actions/rooms.py) ---
        from webinars.actions.rooms import register_actions as register_room_actions

        register_room_actions()

        # --- questions, polls and raised hands (qa slice) ---------------------------------
        from notifications.outbox import register_drain
        from webinars.actions import hands as hand_actions
        from webinars.actions import polls as poll_actions
        from webinars.actions import questions as question_actions
        from webinars.services.polls import poll_results_drain

        question_actions.register_actions()
        poll_actions.register_actions()
        hand_actions.register_actions()
        # Poll results, coalesced: at most one `poll.results` per poll per interval.
        register_drain("webinar.poll_results", poll_results_drain)
