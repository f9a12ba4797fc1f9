"""The event log: what each live topic said, in order, for clients that were away."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models


class TopicCounter(models.Model):
    """The last sequence number handed out for a topic.

    Rows are only ever touched by `realtime.events.event_append`, with an upsert that keeps
    the row locked until the writing transaction commits; that is what makes per-topic
    sequence numbers gap-free and committed in order.
    """

    topic = models.CharField(max_length=120, primary_key=True)
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.topic}@{self.last_seq}"


class Event(models.Model):
    """One persistent event on a topic. Ephemeral signals (typing, presence) are not here."""

    topic = models.CharField(max_length=120)
    seq = models.BigIntegerField()
    type = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["topic", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "seq"], name="event_topic_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}#{self.seq} {self.type}"

    def to_frame(self) -> dict[str, Any]:
        return {
            "type": "event",
            "topic": self.topic,
            "seq": self.seq,
            "event": self.type,
            "data": self.data,
            "ts": self.created_at.isoformat().replace("+00:00", "Z"),
        }


def api_token_model() -> type[models.Model]:
    """The model of the API tokens socket tickets are issued with (REALTIME_API_TOKEN_MODEL):
    it has a `user` foreign key, and deleting a token revokes it. Not imported, so that the
    live layer depends on no app (docs/architecture.md)."""
    return apps.get_model(settings.REALTIME_API_TOKEN_MODEL)
