from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from forums.selectors.forums import group_can_subscribe, topic_can_subscribe
        from notifications.kinds import register_kind
        from realtime.topics import register_topic

        # `forum_topic:<id>` and `forum_group:<id>`: the forum's readers only. A topic's
        # subscribers see who is reading it (realtime/presence.py).
        register_topic("forum_topic", gate=topic_can_subscribe, presence=True)
        register_topic("forum_group", gate=group_can_subscribe)
        register_kind("forum.reply", _("A reply in a forum topic you follow"), push=True)
        register_kind("forum.mention", _("Someone mentioned you in a forum"), push=True, email=True)
        register_kind("forum.topic", _("A new topic in a forum group you watch"))
        # A new partnership gets its forum; a departing organisation loses the live topics.
        from forums import receivers

        receivers.connect()
        # Forums and posts on top of `manage.py seed_demo`'s community data.
        from forums import demo

        demo.connect()
