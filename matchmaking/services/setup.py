"""The organiser sets up an event's matchmaking: its rules (`MatchmakingSetup`) and its
meeting schedule (`MeetingSlot`s generated from a day, a time span, a length and breaks).

Preconditions of every function: the caller checked that the user organises the event
(matchmaking.selectors.dashboard.organiser_event_get_for).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matchmaking.models import MatchmakingSetup, Meeting, MeetingSlot, ProposedSlot, RequestStatus
from webinars.models import Event

# A schedule longer than this is a typo, not a plan (a slot every 5 minutes for 24 hours).
MAX_SLOTS_PER_RUN = 288


def setup_save(
    *,
    event: Event,
    meeting_cap: int | None = None,
    request_ttl_hours: int | None = None,
    requests_open: bool | None = None,
    sessions: Iterable[Event] | None = None,
) -> MatchmakingSetup:
    """Create or change the event's matchmaking rules; what is None stays as it is.
    `sessions`: the programme's events, whose registered attendees cannot meet at the same
    time (the event itself is not one of its sessions)."""
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        setup, _created = MatchmakingSetup.objects.get_or_create(event=event)
        if meeting_cap is not None:
            if meeting_cap < 1:
                raise ValidationError({"meeting_cap": _("Allow at least one meeting.")})
            setup.meeting_cap = meeting_cap
        if request_ttl_hours is not None:
            if request_ttl_hours < 1:
                raise ValidationError(
                    {"request_ttl_hours": _("A request waits at least one hour.")}
                )
            setup.request_ttl_hours = request_ttl_hours
        if requests_open is not None:
            setup.requests_open = requests_open
        setup.save()
        if sessions is not None:
            chosen = list(sessions)
            if any(session.pk == event.pk for session in chosen):
                raise ValidationError(
                    {"sessions": _("The matchmaking event cannot be one of its own sessions.")}
                )
            setup.sessions.set(chosen)
    return setup


def setup_for(event: Event) -> MatchmakingSetup:
    """The event's rules, the defaults when the organiser has not saved any yet (unsaved)."""
    return MatchmakingSetup.objects.filter(event=event).first() or MatchmakingSetup(event=event)


@dataclass(frozen=True)
class Break:
    starts: time
    ends: time


@dataclass
class SlotsGenerated:
    created: list[MeetingSlot]
    # Slots of the plan that overlapped a slot the event already had (left as they were).
    skipped: int


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def slots_generate(
    *,
    event: Event,
    day: date,
    starts: time,
    ends: time,
    length_minutes: int,
    gap_minutes: int = 0,
    breaks: Sequence[Break] = (),
) -> SlotsGenerated:
    """Meeting slots of `length_minutes` on `day` from `starts` to `ends`, wall-clock times
    in the event's time zone, `gap_minutes` apart, none inside a break (a slot that would
    run into a break starts after it). The span must lie inside the event's start and end.
    A slot that would overlap one the event already has is skipped, so running the same plan
    twice changes nothing. Holds the event's row lock while it writes."""
    if length_minutes < 5:
        raise ValidationError({"length_minutes": _("A meeting lasts at least 5 minutes.")})
    if gap_minutes < 0:
        raise ValidationError({"gap_minutes": _("The pause between meetings cannot be negative.")})
    if ends <= starts:
        raise ValidationError({"ends": _("The end must be after the start.")})
    for pause in breaks:
        if pause.ends <= pause.starts:
            raise ValidationError({"breaks": _("A break must end after it starts.")})
    zone = ZoneInfo(event.time_zone)
    first, last = _local(day, starts, zone), _local(day, ends, zone)
    if first < event.starts_at or last > event.ends_at:
        raise ValidationError(_("The meeting times must lie inside the event's start and end."))
    pauses = sorted((_local(day, b.starts, zone), _local(day, b.ends, zone)) for b in breaks)
    plan: list[tuple[datetime, datetime]] = []
    at = first
    length, gap = timedelta(minutes=length_minutes), timedelta(minutes=gap_minutes)
    while at + length <= last:
        clash = next((p for p in pauses if at < p[1] and at + length > p[0]), None)
        if clash is not None:
            at = clash[1]
            continue
        plan.append((at, at + length))
        at = at + length + gap
        if len(plan) > MAX_SLOTS_PER_RUN:
            raise ValidationError(_("That would make too many slots at once."))
    if not plan:
        raise ValidationError(_("No meeting fits between that start and end."))

    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        existing = list(
            MeetingSlot.objects.filter(
                event=event, starts_at__lt=plan[-1][1], ends_at__gt=plan[0][0]
            ).values_list("starts_at", "ends_at")
        )
        created, skipped = [], 0
        for slot_start, slot_end in plan:
            if any(slot_start < e_end and slot_end > e_start for e_start, e_end in existing):
                skipped += 1
                continue
            created.append(
                MeetingSlot.objects.create(event=event, starts_at=slot_start, ends_at=slot_end)
            )
    return SlotsGenerated(created=created, skipped=skipped)


def slots_delete(*, event: Event, slot_ids: Iterable[int]) -> int:
    """Delete the event's slots `slot_ids`, all or none: none when a meeting (even a
    cancelled one, which keeps its history) uses one, or a pending request proposed it (its
    people hold that time). Returns how many were deleted."""
    ids = set(slot_ids)
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        slots = list(MeetingSlot.objects.filter(event=event, pk__in=ids))
        if len(slots) != len(ids):
            raise ValidationError({"slots": _("Some of these slots are not the event's.")})
        if Meeting.objects.filter(slot__in=slots).exists():
            raise ValidationError({"slots": _("A meeting uses one of these slots.")})
        if ProposedSlot.objects.filter(
            slot__in=slots, request__status=RequestStatus.PENDING
        ).exists():
            raise ValidationError({"slots": _("A pending request proposes one of these slots.")})
        MeetingSlot.objects.filter(pk__in=[slot.pk for slot in slots]).delete()
    return len(slots)
