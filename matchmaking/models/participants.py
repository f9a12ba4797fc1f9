"""Who takes part in a matchmaking event, and the event's meeting schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models import Ecosystem, Organisation
from messaging.models import Listing
from webinars.models import Event


class MatchmakingSetup(models.Model):
    """An event's matchmaking rules, set by its organiser (one per matchmaking event)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="matchmaking")
    # Accepted meetings per participant; a participant's own `meeting_cap` may lower it.
    meeting_cap = models.PositiveSmallIntegerField(_("meetings per participant"), default=12)
    # A pending request holds its slots for both people for at most this long.
    request_ttl_hours = models.PositiveSmallIntegerField(
        _("hours a request waits for an answer"), default=48
    )
    requests_open = models.BooleanField(_("requests open"), default=True)
    # The programme's sessions: events whose registered attendees cannot have a meeting at
    # the same time (their registrations become `Booking` rows of kind "session").
    sessions = models.ManyToManyField(Event, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"matchmaking of {self.event_id}"


class MeetingSlot(models.Model):
    """One time in the event's meeting schedule (e.g. 10:00 to 10:20)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="mm_slot_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="mm_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%H:%M}"


class Participant(models.Model):
    """A person registered for a matchmaking event, with what they offer and look for.
    Prefilled from their organisation when they register; theirs to edit afterwards."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="matchmaking_participations",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    offer = models.TextField(_("what we offer"), blank=True)
    looking_for = models.TextField(_("what we look for"), blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, related_name="+", blank=True)
    country = CountryField(_("country"), blank=True)
    # The organisation's type when prefilled (community.models.OrganisationType), for filters.
    organisation_type = models.CharField(_("organisation type"), max_length=30, blank=True)
    listings = models.ManyToManyField(Listing, related_name="participations", blank=True)
    # Lower than the event's cap if the person wants fewer meetings; null: the event's cap.
    meeting_cap = models.PositiveSmallIntegerField(null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    # Set when the person's registration ends (cancelled, declined): hidden from others,
    # no new requests; their history stays.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="mm_participant_once"),
        ]

    def __str__(self) -> str:
        return f"participant {self.user_id} of {self.event_id}"


class NoThanks(models.Model):
    """`participant` said no thanks to `other`: no request between them, either way."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "other"], name="mm_no_thanks_once"),
            models.CheckConstraint(
                condition=~Q(participant=F("other")), name="mm_no_thanks_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} said no thanks to {self.other_id}"
