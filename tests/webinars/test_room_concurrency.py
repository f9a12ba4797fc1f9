"""Concurrent writes in a room, on PostgreSQL (real row locks; SQLite's shared in-memory test
database locks whole tables, so these are skipped there): many people upvoting one question,
one person upvoting many times at once, one person changing a single-choice vote many times
at once. Each writer is a thread with its own database connection, all released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.factories import RegistrationFactory, UserFactory
from webinars.models import PollVote, Question, QuestionUpvote
from webinars.selectors.polls import poll_counts
from webinars.services import polls, questions

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks: SQLite's shared in-memory test database locks tables",
    ),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 50


def _at_once(jobs: list[Callable[[], Any]]) -> None:
    """Run every job in its own thread, released together; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]


def test_fifty_people_upvoting_one_question_at_once_count_fifty(room):
    question, _ = questions.question_ask(author=room.attendee, event=room.event, body="Q?")
    people = [
        RegistrationFactory(event=room.event, user=UserFactory()).user for _ in range(WRITERS)
    ]
    _at_once(
        [
            lambda user=user: questions.question_upvote(user=user, question=question)
            for user in people
        ]
    )
    question.refresh_from_db()
    assert question.upvote_count == WRITERS
    assert QuestionUpvote.objects.filter(question=question).count() == WRITERS


def test_one_persons_fifty_concurrent_upvotes_count_once(room):
    question, _ = questions.question_ask(author=room.attendee, event=room.event, body="Q?")
    _at_once(
        [
            lambda: questions.question_upvote(user=room.other_attendee, question=question)
            for _ in range(WRITERS)
        ]
    )
    question.refresh_from_db()
    assert question.upvote_count == 1
    assert QuestionUpvote.objects.filter(question=question).count() == 1
    assert Question.objects.get(pk=question.pk).upvote_count == 1


def test_one_persons_fifty_concurrent_vote_changes_leave_exactly_one_vote(room):
    poll, _ = polls.poll_create(
        host=room.host,
        event=room.event,
        question="Which?",
        options=["A", "B", "C", "D", "E"],
        open_now=True,
    )
    options = [o.pk for o in poll.options.all()]
    choices = [options[i % len(options)] for i in range(WRITERS)]
    _at_once(
        [
            lambda option=option: polls.poll_vote(
                user=room.attendee, poll=poll, option_ids=[option]
            )
            for option in choices
        ]
    )
    assert PollVote.objects.filter(poll=poll, user=room.attendee).count() == 1
    counts, voters = poll_counts(poll)
    assert (sum(counts.values()), voters) == (1, 1)
