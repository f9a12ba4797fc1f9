"""What happens in an event's live room: chat, questions and upvotes, polls and votes,
raised hands, and attendance (each socket's time in the room).

Every change is appended to the room's live topic `webinar_room:<event id>` in the same
transaction (docs/realtime.md, "Webinar rooms"); uniqueness rules live here as constraints,
so a retried or concurrent write cannot count twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webinars.models.events import Event


class ChatMessage(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="chat_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.CharField(max_length=1000)
    # The sender's id for this write: a retry finds the stored message.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.body[:40]}"


class Question(models.Model):
    """A question for the speakers. `anonymous`: other attendees do not see who asked;
    hosts always do."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.CharField(max_length=1000)
    anonymous = models.BooleanField(default=False)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept equal to the number of QuestionUpvote rows by the upvote services (same transaction).
    upvote_count = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)  # a written answer, optional
    pinned_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~Q(client_id=""),
                name="question_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class QuestionUpvote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_upvote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ▲ {self.question_id}"


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PollResults(models.TextChoices):
    LIVE = "live", _("Shown live")
    AFTER_CLOSE = "after_close", _("Shown when the poll closes")


class Poll(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=300)
    multiple = models.BooleanField(default=False)  # several options may be chosen
    status = models.CharField(max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT)
    results = models.CharField(max_length=12, choices=PollResults.choices, default=PollResults.LIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # (qa slice) The creating host's id for this write: a retry finds the stored poll.
    client_id = models.CharField(max_length=64, blank=True)
    # (qa slice) Votes changed the counts since the last `poll.results` event; the outbox
    # drain (webinars/services/polls.py) appends one at most every
    # WEBINAR_POLL_RESULTS_INTERVAL seconds per poll, with the counts at that moment.
    results_pending = models.BooleanField(default=False)
    results_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~Q(client_id=""),
                name="poll_client_id_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["results_pending"],
                condition=Q(results_pending=True),
                name="poll_results_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["poll_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    """One chosen option of one person. A single-choice poll holds at most one per person:
    the vote services lock the poll row and replace the person's choice."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="poll_vote_unique"),
        ]
        indexes = [models.Index(fields=["poll", "user"], name="poll_vote_poll_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"


class HandStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    LOWERED = "lowered", _("Lowered")


class HandRaise(models.Model):
    """A raised hand. The queue is the raised ones by `raised_at`, first come first served;
    it lives in the database, so it survives a reconnect or a server restart."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="hands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=HandStatus.choices, default=HandStatus.RAISED)
    raised_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event_id", "raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status="raised"),
                name="hand_raised_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.status})"


class AttendanceSpan(models.Model):
    """One socket's time in the room: from its subscription to `webinar_room:<id>` to its
    unsubscribe, disconnect or access cut. A person's attendance is the union of their spans
    (across reconnects and tabs)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    socket = models.CharField(max_length=100)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "joined_at", "pk"]
        constraints = [
            # One open span per socket: a repeated join (resubscribe) keeps it, and a socket
            # that unsubscribes and joins again opens a second span (webinars.services.attendance).
            models.UniqueConstraint(
                fields=["event", "socket"],
                condition=Q(left_at__isnull=True),
                name="attendance_socket_open_unique",
            ),
        ]
        indexes = [models.Index(fields=["event", "user"], name="attendance_event_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.joined_at} to {self.left_at}"
