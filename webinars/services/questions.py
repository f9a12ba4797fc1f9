"""Writes of a room's questions: ask, upvote and take it back, answer, pin, hide.

Callers fetch the event through the room gate (`webinars.selectors.rooms.room_get_for`: the
person is in the room and it is open) and the question through
`webinars.selectors.questions.question_get_for`; host-only services re-check
`room_is_host` themselves and raise PermissionDenied. Every function runs in one
transaction and appends its live events in it (`realtime.events.event_append`, broadcast
after commit). Asking and upvoting lock the event row first and check the room gate again
under that lock (`room_lock_for`), like the chat: a host's removal and the room's end lock
the same row, so nothing a removed person sends after the removal committed is stored.
Lock order: the event row, then the question row (then its upvotes).

- `webinar_room:<event id>`: `question.created`, `question.updated`, `question.hidden`,
  with the author left out of anonymous questions; `question.updated` of a hidden question
  goes to the backstage only (attendees dropped it on `question.hidden`);
- `webinar_backstage:<event id>` (hosts): `question.author`, who asked an anonymous one,
  and `question.updated` of a hidden question (with its author).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.events import event_append
from webinars.models import Event, Question, QuestionUpvote
from webinars.selectors.questions import question_payload
from webinars.selectors.rooms import (
    RoomRole,
    backstage_topic,
    room_is_host,
    room_is_open,
    room_role,
    room_topic,
)

MAX_BODY_LENGTH = 1000
MAX_ANSWER_LENGTH = 5000
MAX_CLIENT_ID_LENGTH = 64


def clean_client_id(client_id: str | None) -> str:
    client_id = (client_id or "").strip()
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ValidationError(
            {"client_id": _("The client id is limited to %(n)s characters.") % {"n": 64}}
        )
    return client_id


def require_host(user: Any, event: Event) -> None:
    if not room_is_host(user, event):
        raise PermissionDenied(_("Only the room's hosts may do this."))


def room_lock_for(*, user: Any, event_id: int) -> tuple[Event, RoomRole]:
    """Lock the event row and return it with `user`'s room role, checked under the lock.

    Must run inside a transaction. A host's removal (`room_person_remove`) and the room's
    end (`room_end`) lock the same row, so a write that passes this check was ordered
    before them. Raises Http404 when `user` is not in the room or it is not open.
    """
    locked = Event.objects.select_for_update().get(pk=event_id)
    role = room_role(user, locked)
    if role is None or not room_is_open(locked):
        raise Http404
    return locked, role


def _append_updated(question: Question) -> None:
    """`question.updated` on the room, or on the backstage only (with its author) while the
    question is hidden: attendees must not see the answer or edits of a hidden question."""
    if question.hidden_at is not None:
        event_append(
            topic=backstage_topic(question.event_id),
            type="question.updated",
            data=dict(question_payload(question)),
        )
        return
    event_append(
        topic=room_topic(question.event_id),
        type="question.updated",
        data=dict(question_payload(question, public=True)),
    )


def question_ask(
    *, author: Any, event: Event, body: str, anonymous: bool = False, client_id: str = ""
) -> tuple[Question, bool]:
    """Ask a question in the room of `event`; idempotent on (author, client_id): a retry
    answers `(stored question, False)`.

    The room gate is checked again under the event row's lock (Http404: removed, not in the
    room, room closed). Side effects: `question.created` on the room (no author when
    anonymous) and, when anonymous, `question.author` on the backstage.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a question.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {"body": _("A question is limited to %(n)s characters.") % {"n": MAX_BODY_LENGTH}}
        )
    client_id = clean_client_id(client_id)
    try:
        with transaction.atomic():
            event, _role = room_lock_for(user=author, event_id=event.pk)
            if client_id:
                stored = Question.objects.filter(author=author, client_id=client_id).first()
                if stored is not None:
                    return _same_event(stored, event), False
            question = Question.objects.create(
                event=event, author=author, body=body, anonymous=anonymous, client_id=client_id
            )
            event_append(
                topic=room_topic(event.pk),
                type="question.created",
                data=dict(question_payload(question, public=True)),
            )
            if anonymous:
                event_append(
                    topic=backstage_topic(event.pk),
                    type="question.author",
                    data={"id": question.pk, "author": question_payload(question)["author"]},
                )
    except IntegrityError:
        # A concurrent retry with the same client id stored it first.
        stored = Question.objects.filter(author=author, client_id=client_id).first()
        if stored is None:
            raise
        return _same_event(stored, event), False
    return question, True


def _same_event(question: Question, event: Event) -> Question:
    if question.event_id != event.pk:
        raise ValidationError(
            {"client_id": _("This client id was already used for another question.")}
        )
    return question


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("author").get(pk=question.pk)


def question_upvote(*, user: Any, question: Question) -> tuple[Question, bool]:
    """Upvote `question` once; a repeat changes nothing. Returns (question, changed).

    Precondition: `question` came through `question_get_for` (visible to `user`). Locks the
    event row and re-checks the room gate (Http404), then locks the question row, so
    concurrent upvotes are counted one by one; the unique (question, user) constraint backs
    it. Side effect: `question.updated` when it changed.
    """
    with transaction.atomic():
        room_lock_for(user=user, event_id=question.event_id)
        question = _locked(question)
        if question.hidden_at is not None:
            raise ValidationError({"question": _("This question was hidden.")})
        if QuestionUpvote.objects.filter(question=question, user=user).exists():
            return question, False
        QuestionUpvote.objects.create(question=question, user=user)
        Question.objects.filter(pk=question.pk).update(upvote_count=F("upvote_count") + 1)
        question.upvote_count += 1
        _append_updated(question)
    return question, True


def question_unupvote(*, user: Any, question: Question) -> tuple[Question, bool]:
    """Take back one's upvote of `question`; nothing happens without one. Returns
    (question, changed). Same locks, gate and event as `question_upvote`."""
    with transaction.atomic():
        room_lock_for(user=user, event_id=question.event_id)
        question = _locked(question)
        deleted, _rows = QuestionUpvote.objects.filter(question=question, user=user).delete()
        if not deleted:
            return question, False
        Question.objects.filter(pk=question.pk).update(upvote_count=F("upvote_count") - 1)
        question.upvote_count -= 1
        _append_updated(question)
    return question, True


def question_answer(
    *, host: Any, question: Question, answered: bool = True, answer: str = ""
) -> Question:
    """Mark `question` answered, with an optional written answer (or, `answered=False`,
    not answered any more: the answer is cleared). Hosts only (PermissionDenied).
    Side effect: `question.updated`."""
    require_host(host, question.event)
    answer = (answer or "").strip()
    if len(answer) > MAX_ANSWER_LENGTH:
        raise ValidationError(
            {"answer": _("An answer is limited to %(n)s characters.") % {"n": MAX_ANSWER_LENGTH}}
        )
    with transaction.atomic():
        question = _locked(question)
        if answered:
            question.answered_at = question.answered_at or timezone.now()
            question.answered_by = host
            question.answer = answer
        else:
            question.answered_at = None
            question.answered_by = None
            question.answer = ""
        question.save(update_fields=["answered_at", "answered_by", "answer"])
        _append_updated(question)
    return question


def question_pin(*, host: Any, question: Question, pinned: bool = True) -> Question:
    """Pin `question` to the top of the list (or unpin it). Hosts only.
    Side effect: `question.updated` when it changed."""
    require_host(host, question.event)
    with transaction.atomic():
        question = _locked(question)
        if (question.pinned_at is not None) == pinned:
            return question
        question.pinned_at = timezone.now() if pinned else None
        question.save(update_fields=["pinned_at"])
        _append_updated(question)
    return question


def question_hide(*, host: Any, question: Question, hidden: bool = True) -> Question:
    """Hide `question` from everyone but the hosts (or show it again). Hosts only.
    Side effect: `question.hidden` (attendees drop it) or, shown again, `question.updated`
    with the whole question."""
    require_host(host, question.event)
    with transaction.atomic():
        question = _locked(question)
        if (question.hidden_at is not None) == hidden:
            return question
        question.hidden_at = timezone.now() if hidden else None
        question.hidden_by = host if hidden else None
        question.save(update_fields=["hidden_at", "hidden_by"])
        if hidden:
            event_append(
                topic=room_topic(question.event_id),
                type="question.hidden",
                data={"id": question.pk, "hidden": True},
            )
        else:
            _append_updated(question)
    return question
