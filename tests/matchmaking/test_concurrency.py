"""Accepting at the same time, on PostgreSQL (real row locks; SQLite's shared in-memory test
database locks whole tables, so these are skipped there): each thread has its own database
connection and answers through the services, as 50 server processes would."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matchmaking.models import Booking, BookingKind, Meeting, ProposedSlot
from matchmaking.services.requests import request_accept, request_create, request_propose
from tests.matchmaking.meet_support import add_participant, make_world

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks: SQLite's shared in-memory test database locks whole tables",
)
PEOPLE = 50


def _run_at_once(jobs):
    """Run `jobs` in threads released together; answer (successes, refusals)."""
    barrier = threading.Barrier(len(jobs))
    done: list[object] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            done.append(job())
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return done, refused


def _overlaps_of(user_id):
    rows = list(
        Booking.objects.filter(user_id=user_id)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    return [(a, b) for a, b in itertools.pairwise(rows) if b[0] < a[1]]


@POSTGRES_ONLY
def test_fifty_people_accepting_one_slot_of_one_person_make_exactly_one_meeting(
    transactional_db, ecosystems
):
    world = make_world(people=1, slots=PEOPLE + 1)
    star = world.people[0]
    contested = world.slots[0]
    requests = []
    for i in range(PEOPLE):
        fan = add_participant(world)
        request = request_create(requester=fan, recipient=star, slots=[world.slots[i + 1]])
        # The star offers every fan the same slot. The services would refuse the second
        # offer (a held slot); written past them, as a lost hold would leave it, so that
        # only the accepts' locks and the database's overlap guard stand between the fans.
        ProposedSlot.objects.create(request=request, slot=contested, proposed_by=star)
        requests.append(request)
    jobs = [lambda r=r: request_accept(request=r, slot=contested, by=r.requester) for r in requests]
    done, refused = _run_at_once(jobs)
    assert len(done) == 1
    assert len(refused) == PEOPLE - 1
    assert Meeting.objects.filter(slot=contested).count() == 1
    assert Meeting.objects.count() == 1
    assert Booking.objects.filter(user=star.user, kind=BookingKind.MEETING).count() == 1
    assert _overlaps_of(star.user_id) == []


@POSTGRES_ONLY
def test_fifty_people_accepting_at_once_never_pass_the_cap(transactional_db, ecosystems):
    world = make_world(people=1, slots=2 * PEOPLE, meeting_cap=1)
    star = world.people[0]
    requests = []
    for i in range(PEOPLE):
        fan = add_participant(world)
        request = request_create(requester=fan, recipient=star, slots=[world.slots[2 * i]])
        request_propose(request=request, slot=world.slots[2 * i + 1], by=star)
        requests.append((request, world.slots[2 * i + 1]))
    jobs = [lambda r=r, s=s: request_accept(request=r, slot=s, by=r.requester) for r, s in requests]
    done, refused = _run_at_once(jobs)
    assert len(done) == 1
    assert len(refused) == PEOPLE - 1
    assert Meeting.objects.count() == 1
