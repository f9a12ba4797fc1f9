"""After the event: the attendance report and the Q&A archive, and who may read them.

Attendance (docs/architecture.md, "Attendance"): the live layer records one AttendanceSpan
per socket and stretch of time (webinars.services.attendance). Here a person's attendance is
the union of their spans: tabs open at once and reconnects that overlap count once, and the
report lists the merged intervals.

A span still open when the report is read was either a socket still in the room or one a
dead server process never closed. It is counted until the earliest of: the moment a host
ended the room (`room_ended_at`), the room's closing time (the event's end + the grace,
`room_closes_at`), and now (a running room). So a finished event's report never grows, and
during the event an open span counts as present now.

Gates: the report is for the room's hosts (its organisers, EventPerson hosts, staff:
`room_is_host`); the archive for everyone with a role in the room (hosts, speakers, people
with a `registered` registration, not someone a host removed), once the event is over
(hosts see it at any time). Everyone else gets 404. Why the archive is not public: the
questions were asked before the room's audience, not the world (docs/decisions.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import ModerationStatus, OrganisationMembership
from webinars.models import (
    AttendanceSpan,
    Event,
    Question,
    Registration,
    RegistrationStatus,
)
from webinars.selectors.events import event_get_by_slug_for, event_get_for
from webinars.selectors.rooms import (
    RoomRole,
    room_closes_at,
    room_is_host,
    room_role,
    room_roles_of,
)

# No group of fewer people than this is shown in the breakdowns by organisation.
MIN_GROUP_SIZE = 5
# The chart and its table have at most about this many points.
TIMELINE_POINTS = 40


# --- gates -------------------------------------------------------------------------------


def report_can_read(user: Any, event: Event) -> bool:
    return room_is_host(user, event)


def report_get_for(user: Any, event_id: int | str) -> Event:
    """The event whose report `user` may read (its room's hosts); Http404 otherwise."""
    event = event_get_for(user, event_id)
    if not report_can_read(user, event):
        raise Http404
    return event


def report_get_by_slug_for(user: Any, slug: str) -> Event:
    event = event_get_by_slug_for(user, slug)
    if not report_can_read(user, event):
        raise Http404
    return event


def event_is_over(event: Event, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return event.room_ended_at is not None or event.ends_at <= now


def archive_can_read(user: Any, event: Event) -> bool:
    """Hosts at any time; speakers and registered people once the event is over."""
    role = room_role(user, event)
    if role is None:
        return False
    return role == RoomRole.HOST or event_is_over(event)


def archive_get_by_slug_for(user: Any, slug: str) -> Event:
    event = event_get_by_slug_for(user, slug)
    if not archive_can_read(user, event):
        raise Http404
    return event


def archive_get_for(user: Any, event_id: int | str) -> Event:
    event = event_get_for(user, event_id)
    if not archive_can_read(user, event):
        raise Http404
    return event


# --- attendance --------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime
    # The end is not a recorded leave: the span was open (see the module docstring).
    open: bool = False

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class PersonAttendance:
    user_id: int
    name: str
    role: str
    intervals: list[Interval]

    @property
    def seconds(self) -> float:
        return sum(i.seconds for i in self.intervals)

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)

    @property
    def first_joined_at(self) -> datetime:
        return self.intervals[0].start

    @property
    def last_left_at(self) -> datetime:
        return self.intervals[-1].end


@dataclass
class BreakdownRow:
    label: str
    count: int
    merged: bool = False  # the "Other" row


@dataclass
class Breakdown:
    rows: list[BreakdownRow]
    # Too few people to show anything without revealing a group of fewer than MIN_GROUP_SIZE.
    suppressed: bool = False


@dataclass
class AttendanceReport:
    event: Event
    registered: int
    people: list[PersonAttendance]
    timeline: list[tuple[datetime, int]]
    until: datetime  # open spans are counted until then
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)

    @property
    def unique_attendees(self) -> int:
        return len(self.people)

    @property
    def average_seconds(self) -> float:
        return sum(p.seconds for p in self.people) / len(self.people) if self.people else 0.0

    @property
    def average_minutes(self) -> int:
        return round(self.average_seconds / 60)

    @property
    def peak(self) -> int:
        return max((n for _, n in self.timeline), default=0)


def report_until(event: Event, now: datetime | None = None) -> datetime:
    """Until when an open span counts: the earliest of the room's end, its closing time
    (event end + grace) and now."""
    now = now or timezone.now()
    candidates = [room_closes_at(event), now]
    if event.room_ended_at is not None:
        candidates.append(event.room_ended_at)
    return min(candidates)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of `intervals`, sorted: overlapping or touching ones become one (open if
    the end it keeps was an estimate)."""
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if interval.end <= interval.start:
            continue
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            if interval.end > last.end:
                merged[-1] = Interval(last.start, interval.end, interval.open)
            continue
        merged.append(interval)
    return merged


def attendance_people(event: Event, *, until: datetime) -> list[PersonAttendance]:
    """Each person who was in the room, with their merged intervals, by first join."""
    by_user: dict[int, list[Interval]] = {}
    names: dict[int, str] = {}
    spans = AttendanceSpan.objects.filter(event=event, joined_at__lt=until).select_related("user")
    for span in spans:
        is_open = span.left_at is None or span.left_at > until
        end = until if is_open else span.left_at
        assert end is not None
        by_user.setdefault(span.user_id, []).append(Interval(span.joined_at, end, is_open))
        names[span.user_id] = span.user.display_name
    # Their role now, as the room sees it: whoever is not a host or speaker (a person who
    # cancelled after attending, or was removed) counts as an attendee.
    roles = room_roles_of(event, list(by_user))
    people = []
    for user_id, intervals in by_user.items():
        merged = merge_intervals(intervals)
        if merged:
            role = roles.get(user_id, RoomRole.ATTENDEE).value
            people.append(PersonAttendance(user_id, names[user_id], role, merged))
    people.sort(key=lambda p: (p.first_joined_at, p.name.casefold(), p.user_id))
    return people


def attendance_timeline(
    people: list[PersonAttendance], *, points: int = TIMELINE_POINTS
) -> list[tuple[datetime, int]]:
    """How many people were present at regular moments from the first join to the last
    leave: whole minutes apart, at most about `points` of them, the last at the end."""
    if not people:
        return []
    start = min(p.first_joined_at for p in people).replace(second=0, microsecond=0)
    end = max(p.last_left_at for p in people)
    minutes = max(1, math.ceil((end - start).total_seconds() / 60 / points))
    step = timedelta(minutes=minutes)
    moments = []
    at = start
    while at < end:
        moments.append(at)
        at += step
    moments.append(end)
    timeline = []
    for moment in moments:
        present = sum(
            1
            for p in people
            if any(
                i.start <= moment < i.end or (moment == end and i.end == end) for i in p.intervals
            )
        )
        timeline.append((moment, present))
    return timeline


# --- breakdowns by organisation ----------------------------------------------------------


def suppress_small_groups(counts: dict[str, int], *, other_label: str) -> Breakdown:
    """The groups of `counts` with no group of fewer than MIN_GROUP_SIZE shown.

    Groups under the threshold are merged into one "Other" row. That row must itself hold
    at least MIN_GROUP_SIZE people and at least two groups: otherwise the total attendance
    shown above minus the rows shown would give a small group back by subtraction (with a
    known list of categories, one merged group is as good as named). So while it does not,
    the smallest shown group joins it; if that leaves nothing but "Other", the
    breakdown is suppressed as a whole. The rows then always add up to the number of people counted,
    and no row, nor any difference of shown figures, is a single group under the threshold.
    """
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [(label, n) for label, n in ordered if n >= MIN_GROUP_SIZE]
    other = [(label, n) for label, n in ordered if n < MIN_GROUP_SIZE]
    if other:
        while shown and (sum(n for _, n in other) < MIN_GROUP_SIZE or len(other) < 2):
            other.append(shown.pop())
        if not shown:  # one row holding everyone says nothing
            return Breakdown(rows=[], suppressed=True)
    rows = [BreakdownRow(label, n) for label, n in shown]
    if other:
        rows.append(BreakdownRow(other_label, sum(n for _, n in other), merged=True))
    return Breakdown(rows=rows)


BREAKDOWN_KINDS = ("organisation_type", "ecosystem", "country")


def attendance_breakdowns(user_ids: list[int]) -> dict[str, Breakdown]:
    """The attendees by their organisation's type, primary ecosystem and country.

    Each person counts once, for their first organisation (the earliest membership of a
    published one); people with none count as "No organisation profile". Small groups are
    merged (suppress_small_groups)."""
    first: dict[int, Any] = {}
    memberships = (
        OrganisationMembership.objects.filter(
            user_id__in=user_ids, organisation__status=ModerationStatus.PUBLISHED
        )
        .select_related("organisation__primary_ecosystem")
        .order_by("user_id", "created_at", "pk")
    )
    for membership in memberships:
        first.setdefault(membership.user_id, membership.organisation)
    none = _("No organisation profile")
    unknown = _("Not stated")
    getters: dict[str, Callable[[Any], str]] = {
        "organisation_type": lambda o: o.get_type_display(),
        "ecosystem": lambda o: o.primary_ecosystem.label if o.primary_ecosystem else unknown,
        "country": lambda o: o.country.name if o.country else unknown,
    }
    other = _("Other (groups of fewer than %(n)s combined)") % {"n": MIN_GROUP_SIZE}
    breakdowns = {}
    for kind, label_of in getters.items():
        counts = Counter(label_of(first[pk]) if pk in first else none for pk in user_ids)
        breakdowns[kind] = suppress_small_groups(dict(counts), other_label=other)
    return breakdowns


def attendance_report(event: Event, *, now: datetime | None = None) -> AttendanceReport:
    """Everything the report page, its CSV and its API show."""
    until = report_until(event, now)
    people = attendance_people(event, until=until)
    return AttendanceReport(
        event=event,
        registered=Registration.objects.filter(
            event=event, status=RegistrationStatus.REGISTERED
        ).count(),
        people=people,
        timeline=attendance_timeline(people),
        until=until,
        breakdowns=attendance_breakdowns([p.user_id for p in people]),
    )


# --- the Q&A archive -----------------------------------------------------------------------


def archive_questions(user: Any, event: Event) -> QuerySet[Question]:
    """The questions of the room as `user` may see them after the event: hidden ones for
    hosts only; most upvoted first, then oldest."""
    questions = Question.objects.filter(event=event).select_related("author", "answered_by")
    if not room_is_host(user, event):
        questions = questions.filter(hidden_at__isnull=True)
    return questions.order_by("-upvote_count", "created_at", "pk")


def question_author_shown(user: Any, event: Event, question: Question, *, host: bool) -> str:
    """The asker's name as `user` sees it: nobody's but the hosts' see an anonymous one."""
    if question.anonymous and not host:
        return ""
    return question.author.display_name


def unanswered_questions(event: Event) -> QuerySet[Question]:
    """The questions a follow-up may take up: not answered, not hidden."""
    return (
        Question.objects.filter(event=event, answered_at__isnull=True, hidden_at__isnull=True)
        .select_related("forum_topic")
        .order_by("-upvote_count", "created_at", "pk")
    )


def archive_questions_for(user: Any, event: Any) -> list[dict[str, Any]]:
    """The archive's questions as the page and the API show them to `user`."""
    host = room_is_host(user, event)
    return [
        {
            "id": q.pk,
            "body": q.body,
            "author": question_author_shown(user, event, q, host=host),
            "anonymous": q.anonymous,
            "created_at": q.created_at,
            "upvotes": q.upvote_count,
            "answered": q.answered_at is not None,
            "answered_at": q.answered_at,
            "answer": q.answer,
            "hidden": q.hidden_at is not None,
        }
        for q in archive_questions(user, event)
    ]
