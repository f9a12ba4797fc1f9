"""Reads of participants and the gates around them.

Who may browse an event's participants: its participants (a registered person, not
withdrawn), its organisers and staff. Everyone else gets 404, for the list and for each
profile, so who takes part does not leak. A withdrawn participant is hidden from others (404)
but still sees their own profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Value
from django.http import Http404

from community.folding import Fold, fold
from matchmaking.models import Participant
from messaging.models import Listing
from messaging.selectors.listings import listing_live_q
from webinars.models import Event, EventKind
from webinars.selectors.events import (
    _active,
    event_can_manage,
    event_get_by_slug_for,
    event_list_for,
)


def matchmaking_event_get_for(user: Any, slug: str) -> Event:
    """The matchmaking event `user` may see; Http404 otherwise (or for another kind)."""
    event = event_get_by_slug_for(user, slug)
    if event.kind != EventKind.MATCHMAKING:
        raise Http404
    return event


def participant_active_of(user: Any, event: Event) -> Participant | None:
    """`user`'s participant at `event` if they take part now (not withdrawn)."""
    if not _active(user):
        return None
    return Participant.objects.filter(event=event, user=user, withdrawn_at__isnull=True).first()


def participant_can_browse(user: Any, event: Event) -> bool:
    if not _active(user):
        return False
    if event_can_manage(user, event):  # organisers and staff
        return True
    return participant_active_of(user, event) is not None


def participants_event_get_for(user: Any, slug: str) -> Event:
    """The matchmaking event whose participants `user` may browse; Http404 otherwise."""
    event = matchmaking_event_get_for(user, slug)
    if not participant_can_browse(user, event):
        raise Http404
    return event


def live_listings_prefetch() -> Prefetch:
    """A participant's listings that anyone may still see (open, not expired, organisation
    published: messaging's rule): one attached then closed or expired is no longer shown."""
    return Prefetch(
        "listings",
        queryset=Listing.objects.filter(listing_live_q())
        .select_related("organisation")
        .order_by("pk"),
    )


@dataclass(frozen=True)
class ParticipantFilters:
    q: str = ""
    ecosystem: str = ""
    country: str = ""
    organisation_type: str = ""
    offers: str = ""
    looking_for: str = ""


def _folded_contains(field: str, text: str) -> Q:
    return Q(**{f"{field}__fold__contains": Fold(Value(text))})


def participant_list(
    event: Event, filters: ParticipantFilters | None = None
) -> QuerySet[Participant]:
    """The event's participants (not withdrawn), filtered. Precondition: the caller passed
    the gate (participants_event_get_for)."""
    filters = filters or ParticipantFilters()
    rows = (
        Participant.objects.filter(event=event, withdrawn_at__isnull=True)
        .select_related("user", "organisation", "event")
        .prefetch_related("ecosystems", live_listings_prefetch())
    )
    if filters.q.strip():
        for word in (fold(filters.q) or "").split()[:8]:
            rows = rows.filter(search_text__contains=word)
    if filters.ecosystem:
        rows = rows.filter(ecosystems__slug=filters.ecosystem)
    if filters.country:
        rows = rows.filter(country=filters.country.upper())
    if filters.organisation_type:
        rows = rows.filter(organisation_type=filters.organisation_type)
    if filters.offers.strip():
        rows = rows.filter(_folded_contains("offer", filters.offers.strip()))
    if filters.looking_for.strip():
        rows = rows.filter(_folded_contains("looking_for", filters.looking_for.strip()))
    return rows.distinct().order_by("user__full_name", "pk")


def participant_get_for(user: Any, participant_id: int | str) -> Participant:
    """A participant's profile `user` may see: any active participant of an event whose
    participants they may browse, or their own; Http404 otherwise."""
    if not _active(user):
        raise Http404
    try:
        participant = (
            Participant.objects.select_related("user", "organisation", "event")
            .prefetch_related("ecosystems", live_listings_prefetch())
            .get(pk=int(participant_id))
        )
    except (Participant.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if participant.user_id == user.pk:
        return participant
    if participant.withdrawn_at is not None:
        raise Http404
    if not event_list_for(user).filter(pk=participant.event_id).exists():
        raise Http404
    if not participant_can_browse(user, participant.event):
        raise Http404
    return participant


def participant_own_get_for(user: Any, slug: str) -> Participant:
    """`user`'s own participant at the matchmaking event `slug`, to edit; Http404 unless
    they take part (registered, not withdrawn)."""
    event = matchmaking_event_get_for(user, slug)
    participant = participant_active_of(user, event)
    if participant is None:
        raise Http404
    return participant
