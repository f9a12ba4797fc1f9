"""Events: what is organised, by whom, when, and who registered.

Times are stored in UTC; `time_zone` is the organiser's, in which the event was entered and
in which its dates are shown beside the viewer's own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models import Ecosystem, Organisation, Partnership
from community.models.languages import content_language_field
from community.models.moderation import Moderated


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    SEMINAR = "seminar", _("Capacity-building seminar")
    CONFERENCE = "conference", _("Conference")
    MATCHMAKING = "matchmaking", _("Matchmaking event")
    COMMUNITY = "community", _("Community event")


class RegistrationMode(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVAL = "approval", _("By approval")
    CLOSED = "closed", _("Closed")


class RoomFormat(models.TextChoices):
    # A large webinar: the stream on a stage, with chat, Q&A, polls and raised hands.
    STAGE = "stage", _("Webinar room (stream, chat, Q&A, polls)")
    # Up to 8 people in a peer-to-peer video call, with the same chat and hands.
    VIDEO = "video", _("Small video room (up to 8 people)")
    NONE = "none", _("No online room")


class Event(Moderated):
    """An event. Organised by an organisation or a partnership, or by staff (neither set).

    Staff events are published at once; events the community submits are moderated like
    news (`Moderated.status`). `cancelled_at` set: the event is cancelled and stays listed
    as such. `room_ended_at` set: a host ended the live room.
    """

    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True)  # community.richtext
    language = content_language_field()
    organiser_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organising organisation"),
    )
    organiser_partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organising partnership"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_created",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    online = models.BooleanField(_("online"), default=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, related_name="events", blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_mode = models.CharField(
        _("registration"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.OPEN,
    )
    room_format = models.CharField(
        _("online room"), max_length=10, choices=RoomFormat.choices, default=RoomFormat.STAGE
    )
    # PeerTube, YouTube or Vimeo (webinars.embeds); shown on the room's stage.
    stream_url = models.URLField(_("stream address"), blank=True)
    recording_url = models.URLField(_("recording address"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    room_ended_at = models.DateTimeField(null=True, blank=True)
    # Room settings the hosts change live.
    chat_muted = models.BooleanField(default=False)
    chat_slow_mode_seconds = models.PositiveSmallIntegerField(default=0)
    chat_messages_per_minute = models.PositiveSmallIntegerField(default=10)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(organiser_organisation__isnull=True)
                | Q(organiser_partnership__isnull=True),
                name="event_one_organiser",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/events/{self.slug}/"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Speaker(models.Model):
    """A speaker as shown on the event page; linked to an account when they have one (then
    they join the room as a speaker)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    bio = models.TextField(_("about"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class EventRole(models.TextChoices):
    HOST = "host", _("Host")
    SPEAKER = "speaker", _("Speaker")


class EventPerson(models.Model):
    """Someone with a role in the room beyond attending: a host or a speaker (hosts may
    promote an attendee to speaker live)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=10, choices=EventRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.event}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PENDING = "pending", _("Awaiting approval")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Declined")


class Registration(models.Model):
    """One person's registration. The waiting list is ordered by `waitlisted_at`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_unique"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.user} → {self.event} ({self.status})"


class RoomRemoval(models.Model):
    """A person a host removed from the room: their sockets are cut and they cannot rejoin."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="removals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="room_removal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} removed from {self.event_id}"
