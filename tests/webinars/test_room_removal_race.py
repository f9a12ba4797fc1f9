"""A host's removal while the person writes: nothing from them is stored after the cut.

Every room write (a chat message, a question, a raised hand…) locks the event row and only
then checks the writer's role; the removal locks the same row first. So a write either
commits before the removal (made while they were in) or waits for it and is refused. Also:
raised hands at once count the queue one by one under that lock. PostgreSQL only: the
test needs real row locks (SQLite's shared test database locks whole tables).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.http import Http404

from tests.factories import RegistrationFactory
from tests.webinars.qa_support import logged
from webinars.models import ChatMessage, HandRaise, Question, RoomRemoval
from webinars.selectors.rooms import room_get_for
from webinars.services import chat as chat_services
from webinars.services import hands as hand_services
from webinars.services import questions as question_services
from webinars.services import rooms as room_services

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks: SQLite's shared in-memory test database locks whole tables",
)


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def _during_removal(room, write: Callable[[], object]) -> list[object]:
    """Run `write` (as the attendee) while a removal of the attendee holds the event row's
    lock; release the removal once `write` waits on that lock. Returns its outcome."""
    removal_holds_lock = threading.Event()
    release_removal = threading.Event()
    writer_pid: list[int] = []
    outcome: list[object] = []

    def remove() -> None:
        try:
            with transaction.atomic():
                room_services.room_person_remove(
                    host=room.host, event=room.event, user=room.attendee
                )
                removal_holds_lock.set()
                release_removal.wait(10)
        finally:
            connection.close()

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                writer_pid.append(cursor.fetchone()[0])
            write()
            outcome.append("stored")
        except Http404:
            outcome.append("refused")
        except BaseException as exc:  # pragma: no cover - reported below
            outcome.append(exc)
        finally:
            connection.close()

    remover = threading.Thread(target=remove)
    remover.start()
    assert removal_holds_lock.wait(10)
    writer = threading.Thread(target=run)
    writer.start()
    # Wait for the writer to block on the event row the removal holds (a poll of what
    # PostgreSQL says it is doing, with a deadline; not a sleep as synchronisation).
    deadline = time.monotonic() + 10
    while not (writer_pid and _waiting_on_a_lock(writer_pid[0])):
        assert time.monotonic() < deadline, "the writer never waited for the removal's lock"
        assert not outcome, outcome
        time.sleep(0.01)
    release_removal.set()
    remover.join(10)
    writer.join(10)
    return outcome


def test_a_message_sent_during_the_removal_waits_for_it_and_is_refused(transactional_db, room):
    outcome = _during_removal(
        room,
        lambda: chat_services.chat_send(
            user=room.attendee, event=room.event, body="Sent as I was removed", client_id="r"
        ),
    )
    assert outcome == ["refused"]
    assert RoomRemoval.objects.filter(event=room.event, user=room.attendee).exists()
    assert not ChatMessage.objects.filter(author=room.attendee).exists()


def test_a_stream_of_messages_stops_at_the_removal(transactional_db, room):
    """Many sends racing one removal: every stored message was created before the removal
    committed, none after."""
    room.event.chat_messages_per_minute = 0
    room.event.save()
    removed = threading.Event()
    stored_after: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            for n in range(200):
                try:
                    message, _ = chat_services.chat_send(
                        user=room.attendee, event=room.event, body=f"m{n}", client_id=f"s{n}"
                    )
                except Http404:
                    return
                if removed.is_set():
                    # The removal had committed before this send returned: only allowed if
                    # the message was stored before the removal row existed.
                    stored_after.append(message.pk)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sender)
    thread.start()
    while not ChatMessage.objects.filter(author=room.attendee).exists():  # it has started
        assert thread.is_alive(), errors
        time.sleep(0.005)
    removal = room_services.room_person_remove(host=room.host, event=room.event, user=room.attendee)
    removed.set()
    thread.join(30)
    assert not errors
    assert not thread.is_alive()
    late = ChatMessage.objects.filter(author=room.attendee, created_at__gt=removal.removed_at)
    assert not late.exists()
    # At most the one send in flight when the removal committed got through, and it was
    # stored (created_at) before the removal.
    assert len(stored_after) <= 1


def test_slow_mode_holds_against_concurrent_sends_of_one_person(transactional_db, room):
    """Eight sends of one person at once under slow mode: exactly one is stored (the pace is
    counted inside the event row's lock, so they cannot all see an empty history)."""
    room.event.chat_slow_mode_seconds = 60
    room.event.save()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def send(n: int) -> None:
        try:
            start.wait(10)
            chat_services.chat_send(
                user=room.attendee, event=room.event, body=f"m{n}", client_id=f"p{n}"
            )
            outcomes.append("stored")
        except chat_services.ChatWaitError:
            outcomes.append("wait")
        except BaseException as exc:  # pragma: no cover - reported below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["stored"] + ["wait"] * 7
    assert ChatMessage.objects.filter(author=room.attendee).count() == 1


def test_a_question_asked_during_the_removal_waits_for_it_and_is_refused(transactional_db, room):
    event = room_get_for(room.attendee, room.event.pk)  # the gate passed before the removal
    outcome = _during_removal(
        room,
        lambda: question_services.question_ask(
            author=room.attendee, event=event, body="Asked as I was removed", client_id="q"
        ),
    )
    assert outcome == ["refused"]
    assert RoomRemoval.objects.filter(event=room.event, user=room.attendee).exists()
    assert not Question.objects.filter(author=room.attendee).exists()
    assert not logged(room.topic, "question.created")


def test_a_hand_raised_during_the_removal_is_refused(transactional_db, room):
    event = room_get_for(room.attendee, room.event.pk)
    outcome = _during_removal(
        room, lambda: hand_services.hand_raise(user=room.attendee, event=event)
    )
    assert outcome == ["refused"]
    assert not HandRaise.objects.filter(user=room.attendee).exists()
    assert not logged(room.topic, "hand.raised")


def test_hands_raised_at_once_count_the_queue_one_by_one(transactional_db, room):
    """Eight people raise at the same moment: each `hand.raised` says a different queue
    length, 1 to 8 (counted under the event row's lock, not each in its own snapshot)."""
    people = [RegistrationFactory(event=room.event).user for _ in range(8)]
    start = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def raise_hand(user) -> None:
        try:
            start.wait(10)
            hand_services.hand_raise(user=user, event=room.event)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_hand, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    lengths = [data["queue_length"] for _, data in logged(room.topic, "hand.raised")]
    assert lengths == list(range(1, len(people) + 1))
