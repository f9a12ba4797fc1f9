"""Reads of a room's polls: the gate of one poll, the lists, the counts, and the payload.

Who sees what: hosts see every poll (drafts too) and its counts at any time; everyone else in
the room sees open and closed polls, with counts when the poll shows its results live, or
once it is closed (`after_close`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from community.models import object_id
from webinars.events import PollPayload
from webinars.models import Event, Poll, PollResults, PollStatus, PollVote
from webinars.selectors.rooms import room_is_host


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def poll_counts(poll: Poll) -> tuple[dict[str, int], int]:
    """(votes per option id, as strings; how many people voted)."""
    counts = {str(option.pk): 0 for option in poll.options.all()}
    for option_id, n in (
        PollVote.objects.filter(poll=poll)
        .values("option_id")
        .annotate(n=Count("pk"))
        .values_list("option_id", "n")
    ):
        counts[str(option_id)] = n
    voters = PollVote.objects.filter(poll=poll).values("user_id").distinct().count()
    return counts, voters


def poll_results_visible(poll: Poll) -> bool:
    """Whether attendees may see the counts now."""
    return poll.status == PollStatus.CLOSED or (
        poll.status == PollStatus.OPEN and poll.results == PollResults.LIVE
    )


def polls_counts(polls: list[Poll]) -> dict[int, tuple[dict[str, int], int]]:
    """`poll_counts` of several polls in two queries (their options prefetched)."""
    result = {p.pk: ({str(o.pk): 0 for o in p.options.all()}, 0) for p in polls}
    votes = PollVote.objects.filter(poll__in=[p.pk for p in polls])
    for poll_id, option_id, n in votes.values_list("poll_id", "option_id").annotate(n=Count("pk")):
        result[poll_id][0][str(option_id)] = n
    for poll_id, voters in votes.values_list("poll_id").annotate(v=Count("user_id", distinct=True)):
        result[poll_id] = (result[poll_id][0], voters)
    return result


def poll_payload(
    poll: Poll, *, counts: bool, known: tuple[dict[str, int], int] | None = None
) -> PollPayload:
    """A poll as events and REST show it; `counts`: with its counts (else null), `known`
    when they were read already (`polls_counts`)."""
    data: PollPayload = {
        "id": poll.pk,
        "event": poll.event_id,
        "question": poll.question,
        "multiple": poll.multiple,
        "results": poll.results,
        "status": poll.status,
        "options": [{"id": o.pk, "text": o.text} for o in poll.options.all()],
        "counts": None,
        "voters": None,
        "opened_at": _iso(poll.opened_at),
        "closed_at": _iso(poll.closed_at),
    }
    if counts:
        data["counts"], data["voters"] = known if known is not None else poll_counts(poll)
    return data


def polls_for(user: Any, event: Event) -> QuerySet[Poll]:
    polls = Poll.objects.filter(event=event).prefetch_related("options")
    if not room_is_host(user, event):
        polls = polls.exclude(status=PollStatus.DRAFT)
    return polls


def poll_get_for(user: Any, event: Event, poll_id: Any) -> Poll:
    """The poll of `event`'s room that `user` may see (no drafts but for hosts); Http404."""
    pk = object_id(poll_id)
    if pk is None:
        raise Http404
    poll = polls_for(user, event).filter(pk=pk).first()
    if poll is None:
        raise Http404
    return poll


def my_votes(user: Any, poll: Poll) -> list[int]:
    return sorted(PollVote.objects.filter(poll=poll, user=user).values_list("option_id", flat=True))


def poll_rows_for(user: Any, event: Event) -> list[dict[str, Any]]:
    """What `user` sees of the room's polls, each with `my_votes`."""
    host = room_is_host(user, event)
    polls = list(polls_for(user, event))
    mine: dict[int, list[int]] = {}
    for poll_id, option_id in PollVote.objects.filter(
        user=user, poll__in=[p.pk for p in polls]
    ).values_list("poll_id", "option_id"):
        mine.setdefault(poll_id, []).append(option_id)
    shown = [p for p in polls if host or poll_results_visible(p)]
    counted = polls_counts(shown) if shown else {}
    rows = []
    for poll in polls:
        data: dict[str, Any] = dict(
            poll_payload(poll, counts=poll.pk in counted, known=counted.get(poll.pk))
        )
        data["my_votes"] = sorted(mine.get(poll.pk, []))
        rows.append(data)
    return rows


def poll_data(user: Any, poll: Any) -> dict[str, Any]:
    """The poll as `user` sees it: counts for hosts or when its results are shown, and
    their own votes."""
    host = room_is_host(user, poll.event)
    data: dict[str, Any] = dict(poll_payload(poll, counts=host or poll_results_visible(poll)))
    data["my_votes"] = my_votes(user, poll)
    return data
