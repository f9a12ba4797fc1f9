"""Meeting requests, meetings, and the time each person has given (bookings).

The rule "no person is ever in two meetings, or in a meeting and a registered session, at
the same time, and a pending request holds its slots for both people" is kept by the
database, not only by the services: every meeting, every held slot of a pending request and
every registered session of the event's programme is a `Booking` row of the person, and two
rows of one person may not overlap in time unless both are sessions (two parallel sessions
of a programme are a choice the attendee makes, not a conflict). On PostgreSQL an exclusion
constraint says so; on SQLite a trigger does (migration 0002; docs/decisions.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaking.models.participants import MeetingSlot, Participant
from webinars.models import Event


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class MeetingRequest(models.Model):
    """`requester` asks `recipient` for a meeting at one of the proposed slots."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="received")
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="mm_request_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="mm_request_not_self"
            ),
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(status="pending"),
                name="mm_request_one_pending_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.pk}: {self.requester_id} → {self.recipient_id}"


class ProposedSlot(models.Model):
    """A slot one side proposed for a request (the requester up to three; the recipient may
    propose another)."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="slots")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "slot"], name="mm_proposed_slot_once"),
        ]

    def __str__(self) -> str:
        return f"slot {self.slot_id} for request {self.request_id}"


class MeetingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingOutcome(models.TextChoices):
    UNKNOWN = "", _("Not reported")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")


class Meeting(models.Model):
    """Two participants meet at a slot: an accepted request (or a placement of the
    organiser's schedule). Its video room is the topic `meeting_call:<id>`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.PROTECT, related_name="meetings")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.CONFIRMED
    )
    cancelled_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(
        max_length=10, choices=MeetingOutcome.choices, default=MeetingOutcome.UNKNOWN, blank=True
    )
    follow_up_planned = models.BooleanField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at", "id"]

    def __str__(self) -> str:
        return f"meeting {self.pk}"


class BookingKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    HOLD = "hold", _("Held for a request")
    SESSION = "session", _("Session")


class Booking(models.Model):
    """Time a person has given: a meeting, a slot held by a pending request, or a registered
    session of the programme. The database refuses two overlapping bookings of one person
    unless both are sessions (see the module's docstring)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=BookingKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="bookings"
    )
    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    session = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "starts_at"], name="mm_booking_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="mm_booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="meeting", meeting__isnull=False)
                    | Q(kind="hold", request__isnull=False)
                    | Q(kind="session", session__isnull=False)
                ),
                name="mm_booking_kind_has_its_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user_id} at {self.starts_at:%Y-%m-%d %H:%M}"
