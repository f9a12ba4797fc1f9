"""Reads and the access gates of events.

Who sees an event: a published one, everyone (visitors included); a draft, one awaiting
review or a rejected one, its organisers and staff. Who organises (`event_can_manage`): staff;
the admins and editors of the organising organisation; for a partnership's event, the admins
and editors of the partnership's coordinator; for a staff event, staff only. Whatever a person
may not see answers Http404, so its existence does not leak.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, Exists, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    Partnership,
)
from community.spreadsheets import BYTE_ORDER_MARK, spreadsheet_cell
from webinars.models import Event, EventModerationLogEntry, Registration, RegistrationStatus

MANAGER_ROLES = (OrganisationRole.ADMIN, OrganisationRole.EDITOR)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_is_staff(user: Any) -> bool:
    return _active(user) and bool(user.is_staff)


def _managed_organisations(user: Any) -> Any:
    return OrganisationMembership.objects.filter(user=user, role__in=MANAGER_ROLES).values(
        "organisation_id"
    )


def _managed_q(user: Any) -> Q:
    """The events `user` organises (not for staff, who manage every event)."""
    organisations = _managed_organisations(user)
    return Q(organiser_organisation__in=organisations) | Q(
        organiser_partnership__coordinator__in=organisations
    )


def event_list_for(user: Any) -> QuerySet[Event]:
    """The events `user` may see: published ones, and the ones they organise."""
    events = Event.objects.select_related("organiser_organisation", "organiser_partnership")
    if user_is_staff(user):
        return events
    visible = Q(status=ModerationStatus.PUBLISHED)
    if _active(user):
        visible |= _managed_q(user) | Q(created_by=user)
    return events.filter(visible)


def events_upcoming_published(*conditions: Q | Exists) -> QuerySet[Event]:
    """Published events not cancelled and not over, matching `conditions`, soonest first,
    with their organisers (the public lists of other apps: country and In focus pages)."""
    return (
        Event.objects.filter(
            *conditions,
            status=ModerationStatus.PUBLISHED,
            cancelled_at__isnull=True,
            ends_at__gt=timezone.now(),
        )
        .select_related("organiser_organisation", "organiser_partnership")
        .order_by("starts_at", "pk")
    )


def event_get_for(user: Any, event_id: int | str) -> Event:
    """The event, if `user` may see it; Http404 otherwise."""
    try:
        return event_list_for(user).get(pk=int(event_id))
    except (Event.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def event_get_by_slug_for(user: Any, slug: str) -> Event:
    try:
        return event_list_for(user).get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None


def event_can_manage(user: Any, event: Event) -> bool:
    """Edit the event, manage its registrations and speakers, read its report; host its room."""
    if user_is_staff(user):
        return True
    if not _active(user):
        return False
    if event.organiser_organisation_id is None and event.organiser_partnership_id is None:
        return False  # a staff event
    return Event.objects.filter(_managed_q(user), pk=event.pk).exists()


def registration_for(user: Any, event: Event) -> Registration | None:
    """`user`'s registration to `event` in any status, or None."""
    if not _active(user):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()


# --- events slice: who may organise, lists with filters, the month grid, registrations ------


ACTIVE_STATUSES = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
)


def event_organisations_for(user: Any) -> QuerySet[Organisation]:
    """The published organisations `user` may organise events for (as an admin or editor)."""
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=ModerationStatus.PUBLISHED,
        memberships__user=user,
        memberships__role__in=MANAGER_ROLES,
    ).order_by("name")


def event_partnerships_for(user: Any) -> QuerySet[Partnership]:
    """The partnerships `user` may organise events for: those whose coordinator they manage."""
    if not _active(user):
        return Partnership.objects.none()
    return Partnership.objects.filter(
        coordinator__status=ModerationStatus.PUBLISHED,
        coordinator__in=_managed_organisations(user),
    ).order_by("name")


def event_can_create(user: Any) -> bool:
    """Staff, and the admins and editors of a published organisation (which includes the
    coordinators of partnerships)."""
    return user_is_staff(user) or event_organisations_for(user).exists()


@dataclass(frozen=True)
class EventFilters:
    """The list's filters (the page and the API read the same ones)."""

    kind: str = ""
    ecosystem: str = ""  # an ecosystem slug
    organiser: str = ""  # "organisation:<slug>", "partnership:<slug>" or "staff"
    date_from: date | None = None
    date_to: date | None = None
    mode: str = ""  # "online" or "onsite"
    past: bool = False


def event_filter(
    events: QuerySet[Event], filters: EventFilters, *, by_time: bool = True
) -> QuerySet[Event]:
    """`events` narrowed by `filters`: upcoming (not yet ended) soonest first by default,
    past ones latest first when `filters.past`. `by_time=False` leaves out the upcoming/past
    split and the dates (the month grid has its own)."""
    if by_time:
        now = timezone.now()
        if filters.past:
            events = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
        else:
            events = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.ecosystem:
        events = events.filter(
            pk__in=Event.ecosystems.through.objects.filter(
                ecosystem__slug=filters.ecosystem
            ).values("event_id")
        )
    if filters.organiser:
        kind, _sep, slug = filters.organiser.partition(":")
        if kind == "organisation":
            events = events.filter(organiser_organisation__slug=slug)
        elif kind == "partnership":
            events = events.filter(organiser_partnership__slug=slug)
        elif kind == "staff":
            events = events.filter(
                organiser_organisation__isnull=True, organiser_partnership__isnull=True
            )
        else:
            events = events.none()
    if by_time and filters.date_from:
        events = events.filter(ends_at__gte=_day_start(filters.date_from))
    if by_time and filters.date_to:
        events = events.filter(starts_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.mode == "online":
        events = events.filter(online=True)
    elif filters.mode == "onsite":
        events = events.filter(online=False)
    return events


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def event_list_page_for(user: Any, filters: EventFilters) -> QuerySet[Event]:
    """What the list shows `user`: the visible events matching `filters`, with what a line
    needs loaded."""
    return event_filter(event_list_for(user), filters).prefetch_related("ecosystems")


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    today: bool
    events: list[Event] = field(default_factory=list)


def event_month_grid(
    user: Any, month: date, filters: EventFilters | None = None
) -> list[list[CalendarDay]]:
    """The weeks (Monday first) covering `month`, each day with the events `user` may see
    that take place on it in the current time zone (an event spanning days is on each)."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    events = event_list_for(user).filter(
        starts_at__lt=_day_start(grid_end + timedelta(days=1)),
        ends_at__gt=_day_start(grid_start),
    )
    if filters is not None:
        events = event_filter(events, filters, by_time=False)
    today = timezone.localdate()
    days: dict[date, CalendarDay] = {}
    day = grid_start
    while day <= grid_end:
        days[day] = CalendarDay(day=day, in_month=day.month == first.month, today=day == today)
        day += timedelta(days=1)
    for event in events.order_by("starts_at", "pk"):
        start = timezone.localtime(event.starts_at).date()
        # An event ending at midnight does not take place on the next day.
        end = timezone.localtime(event.ends_at - timedelta(microseconds=1)).date()
        day = max(start, grid_start)
        while day <= min(end, grid_end):
            days[day].events.append(event)
            day += timedelta(days=1)
    ordered = list(days.values())
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def registration_list_for_organiser(event: Event, *, status: str = "") -> QuerySet[Registration]:
    """The registrations of `event` (the caller checked `event_can_manage`), in the order
    they came, optionally of one status. The waiting list comes in its own order."""
    rows = Registration.objects.filter(event=event).select_related("user")
    if status:
        rows = rows.filter(status=status)
    if status == RegistrationStatus.WAITLISTED:
        return rows.order_by("waitlisted_at", "pk")
    return rows.order_by("created_at", "pk")


def registration_get_for_organiser(
    user: Any, event: Event, registration_id: int | str
) -> Registration:
    """A registration of `event` that `user` organises; Http404 otherwise."""
    if not event_can_manage(user, event):
        raise Http404
    try:
        return Registration.objects.select_related("user").get(event=event, pk=int(registration_id))
    except (Registration.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def registration_counts(event: Event) -> dict[str, int]:
    """How many registrations `event` has in each status (every status present, 0 if none)."""
    counts = {status.value: 0 for status in RegistrationStatus}
    for status, n in (
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        counts[status] = n
    return counts


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    waiting = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    )
    at = registration.waitlisted_at
    if at is None:  # not stamped (older rows): after everyone stamped, then by id
        ahead = waiting.filter(Q(waitlisted_at__isnull=False) | Q(pk__lt=registration.pk))
    else:
        ahead = waiting.filter(
            Q(waitlisted_at__lt=at) | Q(waitlisted_at=at, pk__lt=registration.pk)
        )
    return ahead.count() + 1


def registrations_csv(event: Event) -> str:
    """The registrations of `event` as CSV (the caller checked `event_can_manage`), in the
    active language, times in the event's own time zone (named in the header), with a byte
    order mark for spreadsheets; cells that would run as formulas are defused."""
    zone = ZoneInfo(event.time_zone)
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Status"),
            _("Registered on (%(zone)s)") % {"zone": event.time_zone},
            _("Waiting since (%(zone)s)") % {"zone": event.time_zone},
        ]
    )

    def local(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

    for row in registration_list_for_organiser(event):
        writer.writerow(
            [
                spreadsheet_cell(row.user.display_name),
                spreadsheet_cell(row.user.email),
                row.get_status_display(),
                local(row.created_at),
                local(row.waitlisted_at),
            ]
        )
    return out.getvalue()


def event_moderation_rows(*, status: str = "waiting", country: str = "") -> QuerySet[Event, Any]:
    """The staff queue's rows for events (the four columns of community.selectors.moderation's
    sources, in their order): submitted events waiting for review, or rejected ones."""
    wanted = ModerationStatus.REJECTED if status == "rejected" else ModerationStatus.NEEDS_REVIEW
    rows = Event.objects.filter(status=wanted)
    if country:
        rows = rows.filter(country=country)
    # Event has a field called `kind`, so the column is named otherwise: a union takes its
    # names from its first part, which must not be this one.
    return rows.order_by().values(
        queue_kind=Value("event", output_field=CharField()),
        item_id=F("pk"),
        at=Coalesce(F("submitted_at"), F("created_at")),
        country_code=F("country"),
    )


def events_by_id(ids: list[int]) -> dict[int, Event]:
    return Event.objects.select_related(
        "organiser_organisation", "organiser_partnership", "created_by"
    ).in_bulk(ids)


def event_log_entries_by_id(ids: list[int]) -> dict[int, EventModerationLogEntry]:
    return EventModerationLogEntry.objects.select_related("event", "moderator").in_bulk(ids)


def event_waiting_count() -> int:
    return Event.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count()
