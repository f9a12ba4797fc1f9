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

        # Demo events on top of `manage.py seed_demo`'s community data (bench slice).
        from webinars import demo

        demo.connect()
