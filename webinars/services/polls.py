"""Writes of a room's polls: create (a draft), open, close, vote; and the coalesced results.

Hosts create, open and close (PermissionDenied otherwise); everyone in the room votes while
a poll is open. Callers fetch the event through the room gate and the poll through
`webinars.selectors.polls.poll_get_for`. Lock order: the event row (a vote only: it
re-checks the room gate under it, like the chat, so no vote of a removed person is stored
after the removal committed), then the poll row, then its votes.

Live events (docs/realtime.md, "Questions, polls and raised hands"):

- `webinar_backstage:<id>`: `poll.created` (a draft); `poll.results` of a poll whose results
  are hidden until it closes (hosts see them all along);
- `webinar_room:<id>`: `poll.opened`, `poll.closed` (with the final counts), and
  `poll.results` of a poll shown live. Attendees never get counts of a hidden-results poll
  before it closes.

A vote appends no event itself: it marks the poll `results_pending` (in the same
transaction, under the poll's row lock). The outbox drain `poll_results_drain` (run by the
worker, or by the server process without Redis) appends one `poll.results` per poll at most
every WEBINAR_POLL_RESULTS_INTERVAL seconds, with the counts read under the same lock, so a
thousand votes make a few events, every event has its seq, and the last counts always go
out (a vote after the drain's read marks the poll again).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.events import event_append
from webinars.models import Event, Poll, PollOption, PollResults, PollStatus, PollVote
from webinars.selectors.polls import poll_counts, poll_payload
from webinars.selectors.rooms import backstage_topic, room_topic
from webinars.services.questions import clean_client_id, require_host, room_lock_for

MAX_QUESTION_LENGTH = 300
MAX_OPTION_LENGTH = 200
MIN_OPTIONS = 2
MAX_OPTIONS = 10


def _interval() -> float:
    return float(getattr(settings, "WEBINAR_POLL_RESULTS_INTERVAL", 1.0))


def _clean(question: str, options: list[str]) -> tuple[str, list[str]]:
    errors: dict[str, str] = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = _("Write the poll's question.")
    elif len(question) > MAX_QUESTION_LENGTH:
        errors["question"] = _("A poll's question is limited to %(n)s characters.") % {
            "n": MAX_QUESTION_LENGTH
        }
    texts = [(o or "").strip() for o in options]
    texts = [t for t in texts if t]
    if not MIN_OPTIONS <= len(texts) <= MAX_OPTIONS:
        errors["options"] = _("A poll has between %(min)s and %(max)s options.") % {
            "min": MIN_OPTIONS,
            "max": MAX_OPTIONS,
        }
    elif any(len(t) > MAX_OPTION_LENGTH for t in texts):
        errors["options"] = _("An option is limited to %(n)s characters.") % {
            "n": MAX_OPTION_LENGTH
        }
    elif len({t.casefold() for t in texts}) != len(texts):
        errors["options"] = _("Two options say the same.")
    if errors:
        raise ValidationError(errors)
    return question, texts


def poll_create(
    *,
    host: Any,
    event: Event,
    question: str,
    options: list[str],
    multiple: bool = False,
    results: str = PollResults.LIVE,
    open_now: bool = False,
    client_id: str = "",
) -> tuple[Poll, bool]:
    """Create a poll as a draft (only hosts see it), or open it at once (`open_now`).
    Idempotent on (host, client_id): a retry answers `(stored poll, False)`.

    Precondition: `event` came through the room gate. Hosts only (PermissionDenied).
    Side effects: `poll.created` on the backstage; with `open_now`, `poll.opened` too.
    """
    require_host(host, event)
    question, texts = _clean(question, options)
    if results not in PollResults.values:
        raise ValidationError({"results": _("Choose when the results are shown.")})
    client_id = clean_client_id(client_id)
    if client_id:
        stored = Poll.objects.filter(created_by=host, client_id=client_id).first()
        if stored is not None:
            return stored, False
    try:
        with transaction.atomic():
            poll = Poll.objects.create(
                event=event,
                question=question,
                multiple=multiple,
                results=results,
                created_by=host,
                client_id=client_id,
            )
            PollOption.objects.bulk_create(
                PollOption(poll=poll, text=text, position=i) for i, text in enumerate(texts)
            )
            poll = Poll.objects.prefetch_related("options").get(pk=poll.pk)
            event_append(
                topic=backstage_topic(event.pk),
                type="poll.created",
                data=dict(poll_payload(poll, counts=True)),
            )
    except IntegrityError:
        stored = Poll.objects.filter(created_by=host, client_id=client_id).first()
        if stored is None:
            raise
        return stored, False
    if open_now:
        poll = poll_open(host=host, poll=poll)
    return poll, True


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().get(pk=poll.pk)


def _reload(poll: Poll) -> Poll:
    return Poll.objects.prefetch_related("options").get(pk=poll.pk)


def poll_open(*, host: Any, poll: Poll) -> Poll:
    """Open a draft poll for votes. Hosts only. Side effect: `poll.opened` on the room
    (counts only when the results are shown live). Opening an open poll changes nothing."""
    require_host(host, poll.event)
    with transaction.atomic():
        locked = _locked(poll)
        if locked.status == PollStatus.OPEN:
            return _reload(locked)
        if locked.status != PollStatus.DRAFT:
            raise ValidationError({"poll": _("This poll is closed.")})
        locked.status = PollStatus.OPEN
        locked.opened_at = timezone.now()
        locked.save(update_fields=["status", "opened_at"])
        poll = _reload(locked)
        event_append(
            topic=room_topic(poll.event_id),
            type="poll.opened",
            data=dict(poll_payload(poll, counts=poll.results == PollResults.LIVE)),
        )
    return poll


def poll_close(*, host: Any, poll: Poll) -> Poll:
    """Close an open poll: no more votes; everyone gets the final counts. Hosts only.
    Side effect: `poll.closed` on the room with the counts (whatever the results mode).
    Closing a closed poll changes nothing."""
    require_host(host, poll.event)
    with transaction.atomic():
        locked = _locked(poll)
        if locked.status == PollStatus.CLOSED:
            return _reload(locked)
        if locked.status != PollStatus.OPEN:
            raise ValidationError({"poll": _("Open the poll first.")})
        locked.status = PollStatus.CLOSED
        locked.closed_at = timezone.now()
        # The final counts travel with `poll.closed`: nothing left for the drain.
        locked.results_pending = False
        locked.save(update_fields=["status", "closed_at", "results_pending"])
        poll = _reload(locked)
        event_append(
            topic=room_topic(poll.event_id),
            type="poll.closed",
            data=dict(poll_payload(poll, counts=True)),
        )
    return poll


def poll_vote(*, user: Any, poll: Poll, option_ids: list[int]) -> list[int]:
    """Replace `user`'s choice in an open poll with `option_ids` (an empty list takes the
    vote back); a single-choice poll takes exactly one. Returns the chosen option ids.

    Locks the event row and re-checks the room gate (Http404: removed, not in the room,
    room closed), then locks the poll row, so one person's concurrent votes leave exactly
    one choice (single choice) and the counts stay exact. Side effect: marks the poll's
    results pending (see the module docstring); no event of its own.
    """
    chosen = sorted(set(option_ids))
    if not poll.multiple and len(chosen) > 1:
        raise ValidationError({"options": _("Choose one option.")})
    with transaction.atomic():
        room_lock_for(user=user, event_id=poll.event_id)
        locked = _locked(poll)
        if locked.status != PollStatus.OPEN:
            raise ValidationError({"poll": _("This poll is not open for votes.")})
        valid = set(PollOption.objects.filter(poll=locked).values_list("pk", flat=True))
        if not set(chosen) <= valid:
            raise ValidationError({"options": _("Choose among the poll's options.")})
        current = sorted(
            PollVote.objects.filter(poll=locked, user=user).values_list("option_id", flat=True)
        )
        if current == chosen:
            return chosen
        PollVote.objects.filter(poll=locked, user=user).exclude(option_id__in=chosen).delete()
        PollVote.objects.bulk_create(
            PollVote(poll=locked, option_id=option_id, user=user)
            for option_id in chosen
            if option_id not in current
        )
        if not locked.results_pending:
            Poll.objects.filter(pk=locked.pk).update(results_pending=True)
    return chosen


def poll_results_publish(*, poll: Poll) -> bool:
    """Append `poll.results` with the counts now if votes changed them since the last one
    (room for a poll shown live, backstage for one whose results wait for the close).
    Returns whether it appended. Takes the poll's row lock."""
    with transaction.atomic():
        locked = Poll.objects.select_for_update().filter(pk=poll.pk).first()
        if locked is None or not locked.results_pending:
            return False
        locked.results_pending = False
        locked.results_sent_at = timezone.now()
        locked.save(update_fields=["results_pending", "results_sent_at"])
        if locked.status != PollStatus.OPEN:
            return False
        counts, voters = poll_counts(locked)
        topic = (
            room_topic(locked.event_id)
            if locked.results == PollResults.LIVE
            else backstage_topic(locked.event_id)
        )
        event_append(
            topic=topic,
            type="poll.results",
            data={"id": locked.pk, "counts": counts, "voters": voters},
        )
    return True


def poll_results_drain(limit: int) -> int:
    """The outbox drain (notifications.outbox): publish the pending results of up to
    `limit` polls whose last `poll.results` is older than the interval. Safe with several
    workers (rows claimed with skip_locked)."""
    due = timezone.now() - timedelta(seconds=_interval())
    handled = 0
    with transaction.atomic():
        polls = list(
            Poll.objects.select_for_update(skip_locked=True)
            .filter(results_pending=True)
            .filter(Q(results_sent_at__isnull=True) | Q(results_sent_at__lte=due))
            .order_by("pk")[:limit]
        )
        for poll in polls:
            # Nested: the row is already locked by this transaction.
            handled += poll_results_publish(poll=poll)
    return handled
