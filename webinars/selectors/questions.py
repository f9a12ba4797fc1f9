"""Reads of a room's questions: the gate of one question, the lists, the hosts' queue, and
the payload every reader gets (docs/realtime.md, "Questions, polls and raised hands").

Who sees what: everyone in the room sees the questions no host hid, with the author unless
the question is anonymous (its author sees it is theirs: `mine`); the room's hosts see every
question, hidden ones too, and every author.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from community.models import object_id
from webinars.events import QuestionPayload, QuestionUserRef
from webinars.models import Event, Question, QuestionUpvote
from webinars.selectors.rooms import (
    backstage_topic,
    room_is_host,
    room_seq,
    room_topic,
    topic_seq,
)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def user_ref(user: Any) -> QuestionUserRef | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def live_seqs(event: Event, *, host: bool) -> dict[str, Any]:
    """The live topics of the room and their seqs, for a REST snapshot."""
    data: dict[str, Any] = {"topic": room_topic(event.pk), "seq": room_seq(event.pk)}
    if host:
        backstage = backstage_topic(event.pk)
        data.update(backstage=backstage, backstage_seq=topic_seq(backstage))
    return data


def question_payload(question: Question, *, public: bool = False) -> QuestionPayload:
    """A question as events and REST show it; `public`: as attendees see it (the author of
    an anonymous question left out)."""
    author = None if public and question.anonymous else user_ref(question.author)
    return {
        "id": question.pk,
        "event": question.event_id,
        "body": question.body,
        "anonymous": question.anonymous,
        "author": author,
        "client_id": question.client_id,
        "created_at": question.created_at.isoformat(),
        "upvote_count": question.upvote_count,
        "answered": question.answered_at is not None,
        "answered_at": _iso(question.answered_at),
        "answer": question.answer,
        "pinned": question.pinned_at is not None,
        "hidden": question.hidden_at is not None,
    }


def questions_for(user: Any, event: Event) -> QuerySet[Question]:
    """The questions `user` may see in the room of `event` (already through the gate)."""
    questions = Question.objects.filter(event=event).select_related("author")
    if not room_is_host(user, event):
        questions = questions.filter(hidden_at__isnull=True)
    return questions


def question_queue(questions: QuerySet[Question]) -> QuerySet[Question]:
    """The hosts' order: pinned first, then unanswered before answered, then the most
    upvoted, then the oldest."""
    return questions.annotate(
        _pinned=Case(When(pinned_at__isnull=False, then=Value(0)), default=Value(1)),
        _answered=Case(
            When(answered_at__isnull=False, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("_pinned", "_answered", "-upvote_count", "created_at", "pk")


def question_get_for(user: Any, event: Event, question_id: Any) -> Question:
    """The question of `event`'s room that `user` may see; Http404 otherwise."""
    pk = object_id(question_id)
    if pk is None:
        raise Http404
    question = questions_for(user, event).filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def question_rows_for(user: Any, event: Event, *, queue: bool = False) -> list[dict[str, Any]]:
    """What `user` sees of the room's questions: each with `mine` and `upvoted`."""
    host = room_is_host(user, event)
    questions = questions_for(user, event)
    if queue:
        questions = question_queue(questions)
    rows = list(questions)
    upvoted = set(
        QuestionUpvote.objects.filter(user=user, question__in=[q.pk for q in rows]).values_list(
            "question_id", flat=True
        )
    )
    result = []
    for question in rows:
        data: dict[str, Any] = dict(question_payload(question, public=not host))
        mine = question.author_id == user.pk
        if mine:
            data["author"] = user_ref(question.author)
        data.update(mine=mine, upvoted=question.pk in upvoted)
        result.append(data)
    return result


def question_row_for(user: Any, question: Question) -> dict[str, Any]:
    """One question as `user` sees it, with `mine` and `upvoted` (an answer's body)."""
    host = room_is_host(user, question.event)
    data: dict[str, Any] = dict(question_payload(question, public=not host))
    mine = question.author_id == user.pk
    if mine:
        data["author"] = user_ref(question.author)
    upvoted = QuestionUpvote.objects.filter(question=question, user=user).exists()
    data.update(mine=mine, upvoted=upvoted)
    return data
