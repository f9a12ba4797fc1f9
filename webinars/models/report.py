"""After the event: which questions of the room were posted as topics in a forum.

webinars does not import forums (docs/architecture.md): the topic is kept by its id and
address, written by the page that gathers both apps (config/pages/event_followup.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from webinars.models.rooms import Question


class QuestionForumTopic(models.Model):
    """A question of the room posted as a forum topic: at most once (the record makes the
    posting idempotent, whoever posts it and however often the form is sent)."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="forum_topic")
    topic_id = models.PositiveBigIntegerField()
    topic_url = models.CharField(max_length=300)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id"]

    def __str__(self) -> str:
        return f"question {self.question_id} → topic {self.topic_id}"
