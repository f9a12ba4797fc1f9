"""Registration through the services: capacity, the waiting list, approval, notifications."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from tests.factories import EventFactory, MembershipFactory, RegistrationFactory, UserFactory
from webinars.models import Registration, RegistrationStatus
from webinars.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
)


def _upcoming(**kwargs):
    starts = timezone.now() + timedelta(days=3)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs)


def _organiser(event):
    return MembershipFactory(organisation=event.organiser_organisation, role="admin").user


def _statuses(event):
    return dict(Registration.objects.filter(event=event).values_list("user_id", "status"))


def _kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_open_registration_fills_places_then_waitlists_and_notifies(ecosystems):
    event = _upcoming(capacity=2)
    people = [UserFactory() for _ in range(4)]
    results = [registration_create(event=event, user=p).status for p in people]
    assert results == ["registered", "registered", "waitlisted", "waitlisted"]
    assert _kinds(people[0]) == ["event.registration"]
    assert _kinds(people[3]) == ["event.registration"]
    # Registering again changes nothing.
    assert registration_create(event=event, user=people[2]).status == "waitlisted"
    assert Registration.objects.filter(event=event).count() == 4


def test_a_cancellation_moves_the_first_waiting_person_up(ecosystems):
    event = _upcoming(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        registration_create(event=event, user=person)
    registration_cancel(event=event, user=first)
    assert _statuses(event) == {
        first.pk: "cancelled",
        second.pk: "registered",
        third.pk: "waitlisted",
    }
    assert "event.promoted" in _kinds(second)
    assert "event.promoted" not in _kinds(third)
    # A waitlisted person leaving frees no place.
    registration_cancel(event=event, user=third)
    assert _statuses(event)[third.pk] == "cancelled"
    with pytest.raises(ValidationError):
        registration_cancel(event=event, user=third)
    # Coming back after a cancellation is a new registration at the end of the line.
    assert registration_create(event=event, user=first).status == "waitlisted"


def test_by_approval_people_wait_until_an_organiser_decides(ecosystems):
    event = _upcoming(capacity=1, registration_mode="approval")
    organiser = _organiser(event)
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for person in (a, b, c):
        assert registration_create(event=event, user=person).status == "pending"
    ra, rb, rc = (Registration.objects.get(event=event, user=p) for p in (a, b, c))
    assert registration_approve(registration=ra, user=organiser).status == "registered"
    assert registration_approve(registration=rb, user=organiser).status == "waitlisted"
    assert registration_decline(registration=rc, user=organiser).status == "rejected"
    assert "event.approved" in _kinds(a)
    assert "event.declined" in _kinds(c)
    with pytest.raises(ValidationError):
        registration_create(event=event, user=c)  # declined people cannot come back alone
    # Declining a registered person hands the place to the waiting list.
    registration_decline(registration=ra, user=organiser)
    assert _statuses(event)[b.pk] == "registered"


def test_an_outsider_cannot_approve(ecosystems):
    from django.core.exceptions import PermissionDenied

    event = _upcoming(registration_mode="approval")
    registration = registration_create(event=event, user=UserFactory())
    with pytest.raises(PermissionDenied):
        registration_approve(registration=registration, user=UserFactory())
    registration.refresh_from_db()
    assert registration.status == "pending"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_mode": "closed"}, "closed"),
        ({"status": "draft"}, "not published"),
        ({"cancelled_at": timezone.now()}, "cancelled"),
    ],
)
def test_registration_is_refused_when_the_event_does_not_take_it(ecosystems, change, message):
    event = _upcoming(**change)
    with pytest.raises(ValidationError, match=message):
        registration_create(event=event, user=UserFactory())
    assert not Registration.objects.filter(event=event).exists()


def test_a_finished_event_takes_no_registration(ecosystems):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError, match="over"):
        registration_create(event=event, user=UserFactory())


def test_raising_the_capacity_moves_people_up(ecosystems):
    from webinars.services.events import event_update

    event = _upcoming(capacity=1)
    organiser = _organiser(event)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        registration_create(event=event, user=person)
    event_update(event=event, user=organiser, capacity=2)
    assert [_statuses(event)[p.pk] for p in people] == ["registered", "registered", "waitlisted"]


def test_the_waiting_list_order_is_the_order_people_came(ecosystems):
    event = _upcoming(capacity=1)
    holder = RegistrationFactory(event=event).user
    now = timezone.now()
    late = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=now - timedelta(minutes=1)
    ).user
    early = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=now - timedelta(minutes=5)
    ).user
    registration_cancel(event=event, user=holder)
    statuses = _statuses(event)
    assert statuses[early.pk] == "registered"
    assert statuses[late.pk] == "waitlisted"


POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks: SQLite's shared in-memory test database locks whole tables",
)


def _run_at_once(jobs):
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
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


@POSTGRES_ONLY
def test_thirty_people_registering_at_once_for_ten_places(transactional_db, ecosystems):
    event = _upcoming(capacity=10)
    people = [UserFactory() for _ in range(30)]
    _run_at_once([lambda p=p: registration_create(event=event, user=p) for p in people])
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 10
    assert statuses.count(RegistrationStatus.WAITLISTED) == 20


@POSTGRES_ONLY
def test_cancellations_and_registrations_at_once_never_overfill(transactional_db, ecosystems):
    event = _upcoming(capacity=10)
    holders = [UserFactory() for _ in range(10)]
    waiting = [UserFactory() for _ in range(5)]
    for person in holders + waiting:
        registration_create(event=event, user=person)
    newcomers = [UserFactory() for _ in range(10)]
    jobs = [lambda p=p: registration_cancel(event=event, user=p) for p in holders[:5]]
    jobs += [lambda p=p: registration_create(event=event, user=p) for p in newcomers]
    _run_at_once(jobs)
    statuses = _statuses(event)
    registered = [pk for pk, s in statuses.items() if s == "registered"]
    assert len(registered) == 10
    # The five who waited got the five freed places before any newcomer.
    assert all(statuses[p.pk] == "registered" for p in waiting)
    assert all(statuses[p.pk] == "waitlisted" for p in newcomers)
