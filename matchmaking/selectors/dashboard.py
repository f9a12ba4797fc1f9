"""The organiser's reads: the gates of the organiser's side and the dashboard's figures.

Who is an organiser: whoever manages the event (webinars.selectors.events.event_can_manage:
staff, the organising organisation's admins and editors, the partnership coordinator's).
Only matchmaking events have an organiser's side. Anyone else gets Http404, so neither the
event's drafts nor its figures leak.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from matchmaking.models import (
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSlot,
    MeetingStatus,
    ProposedSlot,
    RequestStatus,
    ScheduleDraft,
)
from webinars.models import Event, EventKind
from webinars.selectors.events import event_can_manage, event_get_by_slug_for, event_list_for

PENDING_LIST_SIZE = 50


def organiser_event_get_for(user: Any, slug: str) -> Event:
    """The matchmaking event `slug`, if `user` organises it; Http404 otherwise."""
    event = event_get_by_slug_for(user, slug)
    if event.kind != EventKind.MATCHMAKING or not event_can_manage(user, event):
        raise Http404
    return event


def draft_get_for(user: Any, draft_id: int | str) -> ScheduleDraft:
    """The schedule draft, if `user` organises its event; Http404 otherwise."""
    try:
        draft = ScheduleDraft.objects.select_related("event").get(pk=int(draft_id))
    except (ScheduleDraft.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if draft.event.kind != EventKind.MATCHMAKING or not event_can_manage(user, draft.event):
        raise Http404
    return draft


def session_choices_for(user: Any, event: Event) -> QuerySet[Event]:
    """The events `user` may make sessions of `event`'s programme: the ones they may see
    that take place while it does (others cannot clash with a meeting)."""
    return (
        event_list_for(user)
        .filter(starts_at__lt=event.ends_at, ends_at__gt=event.starts_at)
        .exclude(pk=event.pk)
        .order_by("starts_at", "pk")
    )


def slot_list(event: Event) -> QuerySet[MeetingSlot]:
    return MeetingSlot.objects.filter(event=event).order_by("starts_at")


def slots_in_use(event: Event) -> set[int]:
    """The event's slots a meeting (of any status) or a pending request uses."""
    used = set(Meeting.objects.filter(event=event).values_list("slot_id", flat=True))
    used |= set(
        ProposedSlot.objects.filter(
            request__event=event, request__status=RequestStatus.PENDING
        ).values_list("slot_id", flat=True)
    )
    return used


def draft_list(event: Event) -> QuerySet[ScheduleDraft]:
    return ScheduleDraft.objects.filter(event=event).order_by("-created_at", "-id")


def draft_placements(draft: ScheduleDraft) -> list[Any]:
    return list(
        draft.placements.select_related(
            "slot", "request__requester__user", "request__recipient__user"
        ).order_by("slot__starts_at", "id")
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Figures:
    """Counts of requests (by their status now: a pending one past its expiry counts as
    expired) and of meetings, and the held rates."""

    requests_pending: int = 0
    requests_accepted: int = 0
    requests_declined: int = 0
    requests_cancelled: int = 0
    requests_expired: int = 0
    meetings_confirmed: int = 0
    meetings_held: int = 0
    meetings_no_show: int = 0
    meetings_cancelled: int = 0

    @property
    def held_rate(self) -> float | None:
        """Held of the meetings whose outcome is known: held / (held + no-show)."""
        return _rate(self.meetings_held, self.meetings_held + self.meetings_no_show)

    @property
    def held_of_accepted(self) -> float | None:
        """Held of the accepted requests: held / accepted."""
        return _rate(self.meetings_held, self.requests_accepted)


@dataclass
class PendingRequest:
    request: MeetingRequest
    age: timedelta


@dataclass
class Dashboard:
    event: Event
    totals: Figures
    # Requests count on the day they were sent, meetings on their slot's day (event's zone).
    days: list[tuple[date, Figures]] = field(default_factory=list)
    pending: list[PendingRequest] = field(default_factory=list)
    pending_total: int = 0


def _request_status(status: str, expires_at: datetime, now: datetime) -> str:
    if status == RequestStatus.PENDING and expires_at <= now:
        return RequestStatus.EXPIRED
    return status


def dashboard_for(event: Event, *, now: datetime | None = None) -> Dashboard:
    """The organiser's figures of `event`, in total and per day (in the event's time zone),
    and the oldest pending requests first. Four queries, whatever the event's size."""
    now = now or timezone.now()
    zone = ZoneInfo(event.time_zone)
    totals = Figures()
    per_day: dict[date, Figures] = defaultdict(Figures)

    requests = MeetingRequest.objects.filter(event=event).values_list(
        "status", "expires_at", "created_at"
    )
    for status, expires_at, created_at in requests:
        name = f"requests_{_request_status(status, expires_at, now)}"
        day = created_at.astimezone(zone).date()
        for figures in (totals, per_day[day]):
            setattr(figures, name, getattr(figures, name) + 1)

    meetings = Meeting.objects.filter(event=event).values_list(
        "status", "outcome", "slot__starts_at"
    )
    for status, outcome, starts_at in meetings:
        counts: Counter[str] = Counter()
        if status == MeetingStatus.CANCELLED:
            counts["meetings_cancelled"] += 1
        else:
            counts["meetings_confirmed"] += 1
            if outcome == MeetingOutcome.HELD:
                counts["meetings_held"] += 1
            elif outcome == MeetingOutcome.NO_SHOW:
                counts["meetings_no_show"] += 1
        day = starts_at.astimezone(zone).date()
        for figures in (totals, per_day[day]):
            for name, n in counts.items():
                setattr(figures, name, getattr(figures, name) + n)

    pending_qs = MeetingRequest.objects.filter(
        event=event, status=RequestStatus.PENDING, expires_at__gt=now
    )
    oldest = pending_qs.select_related("requester__user", "recipient__user").order_by(
        "created_at", "id"
    )[:PENDING_LIST_SIZE]
    return Dashboard(
        event=event,
        totals=totals,
        days=sorted(per_day.items()),
        pending=[PendingRequest(request=r, age=now - r.created_at) for r in oldest],
        pending_total=pending_qs.count(),
    )
