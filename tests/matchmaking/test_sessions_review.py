"""Review of matchmaking/services/sessions.py through the services: a cancelled session
frees everyone's time; a session listed by two programmes is one booking per person; a
waiting-list promotion that clashes with a meeting passes over that person."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaking.models import Booking, BookingKind
from matchmaking.services.requests import request_accept, request_create
from notifications.models import Notification
from tests.factories import EventFactory, MembershipFactory, UserFactory
from tests.matchmaking.meet_support import make_world
from webinars.models import Registration, RegistrationStatus
from webinars.services.events import event_cancel
from webinars.services.registrations import registration_cancel, registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return make_world()


@pytest.fixture
def session(world):
    """A session of the programme during the first two slots."""
    t0 = world.slots[0].starts_at
    talk = EventFactory(starts_at=t0, ends_at=t0 + dt.timedelta(minutes=40))
    world.setup.sessions.add(talk)
    return talk


def _meet(a, b, slot):
    return request_accept(
        request=request_create(requester=a, recipient=b, slots=[slot]), slot=slot, by=b
    )


def _session_bookings(user):
    return Booking.objects.filter(user=user, kind=BookingKind.SESSION)


def test_cancelling_a_session_frees_its_registered_peoples_time(world, session):
    a, b, _c = world.people
    registration_create(event=session, user=a.user)
    assert _session_bookings(a.user).count() == 1
    organiser = MembershipFactory(organisation=session.organiser_organisation, role="admin").user
    event_cancel(event=session, user=organiser, reason="Speaker ill")
    assert not _session_bookings(a.user).exists()
    # The time is free: a may meet b then.
    _meet(b, a, world.slots[1])
    # Nothing books the cancelled session again: neither a registration save nor the
    # programme taking it in again.
    registration = Registration.objects.get(user=a.user, event=session)
    registration.save()
    world.setup.sessions.remove(session)
    world.setup.sessions.add(session)
    assert not Booking.objects.filter(session=session).exists()


def test_a_session_in_two_programmes_is_one_booking_per_person(world, session):
    other = make_world()
    other.setup.sessions.add(session)
    a = world.people[0]
    registration_create(event=session, user=a.user)
    assert _session_bookings(a.user).count() == 1
    # Leaving one programme keeps the booking while the other still lists the session.
    world.setup.sessions.remove(session)
    booked = _session_bookings(a.user).get()
    assert booked.event_id == other.setup.event_id
    # Listed again: still one.
    world.setup.sessions.add(session)
    assert _session_bookings(a.user).count() == 1
    # Cleared from one programme: kept; from the last one too: gone.
    other.setup.sessions.clear()
    assert _session_bookings(a.user).get().event_id == world.setup.event_id
    world.setup.sessions.remove(session)
    assert not _session_bookings(a.user).exists()


def test_a_session_added_to_a_second_programme_keeps_its_people_booked(world, session):
    a = world.people[0]
    registration_create(event=session, user=a.user)
    other = make_world()
    other.setup.sessions.add(session)
    assert _session_bookings(a.user).count() == 1
    registration_cancel(event=session, user=a.user)
    assert not _session_bookings(a.user).exists()
    registration_create(event=session, user=a.user)
    assert _session_bookings(a.user).count() == 1


def test_a_clashing_promotion_passes_over_that_person_and_keeps_the_cancellation(world, session):
    a, b, c = world.people
    d = UserFactory()
    session.capacity = 1
    session.save()
    registration_create(event=session, user=a.user)
    registration_create(event=session, user=b.user)  # first on the waiting list
    registration_create(event=session, user=d)  # second
    _meet(b, c, world.slots[1])  # b has a meeting during the session
    registration_cancel(event=session, user=a.user)
    status = dict(Registration.objects.filter(event=session).values_list("user_id", "status"))
    assert status == {
        a.user.pk: RegistrationStatus.CANCELLED,
        b.user.pk: RegistrationStatus.WAITLISTED,  # passed over, still first in line
        d.pk: RegistrationStatus.REGISTERED,
    }
    assert not _session_bookings(b.user).exists()
    assert _session_bookings(d).count() == 1
    assert Notification.objects.filter(recipient=d, kind="event.promoted").exists()
    assert not Notification.objects.filter(recipient=b.user, kind="event.promoted").exists()
