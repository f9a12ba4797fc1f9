"""A new post reaches its readers' sockets at its own commit, before the notifications are
written (in a second transaction): the readers of a busy topic do not wait for the
watchers' notifications (docs/decisions.md, "Forum notifications after the post's commit")."""

from __future__ import annotations

import pytest

from forums.services import topics
from notifications.models import Notification
from realtime import events as realtime_events


@pytest.mark.django_db(transaction=True)
def test_the_post_is_broadcast_before_its_notifications_are_written(place, monkeypatch):
    topic = topics.topic_create(author=place.anna, group=place.group, title="Call", body="Hi")
    seen: list[tuple[str, str, int]] = []
    broadcast = realtime_events.broadcast_event

    def recording(event):
        seen.append((event.topic, event.type, Notification.objects.count()))
        broadcast(event)

    monkeypatch.setattr(realtime_events, "broadcast_event", recording)
    topics.post_reply(author=place.marc, topic=topic, body="Hello @[Anna Berg]")

    on_topic = [(t, n) for name, t, n in seen if name == f"forum_topic:{topic.pk}"]
    assert on_topic == [("post.created", 0), ("topic.updated", 0)]
    # Then the mention, in its own transaction: Anna's badge event follows.
    assert Notification.objects.filter(recipient=place.anna, kind="forum.mention").count() == 1
    assert (f"user:{place.anna.pk}", "notification.created", 1) in seen
