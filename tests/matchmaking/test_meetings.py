"""Meetings through the services: cancelling one gives both people their time back; the
programme's sessions take a registered person's time and refuse a registration, a move of
the session or a programme change that would overlap a meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matchmaking.models import Booking, BookingKind, Meeting, MeetingStatus
from matchmaking.services.meetings import meeting_cancel
from matchmaking.services.requests import request_accept, request_create
from notifications.models import Notification
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.matchmaking.meet_support import add_participant, make_world
from webinars.models import Registration, RegistrationStatus
from webinars.services.registrations import registration_cancel, registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ecosystems):
    return make_world()


def _meet(world, a, b, slot):
    return request_accept(
        request=request_create(requester=a, recipient=b, slots=[slot]), slot=slot, by=b
    )


def test_cancelling_a_meeting_frees_both_and_tells_the_other(world):
    a, b, c = world.people
    meeting = _meet(world, a, b, world.slots[0])
    with pytest.raises(PermissionDenied):
        meeting_cancel(meeting=meeting, by=c)
    meeting_cancel(meeting=meeting, by=b, reason="Flight changed")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert (meeting.cancelled_by_id, meeting.cancel_reason) == (b.pk, "Flight changed")
    assert not Booking.objects.filter(meeting=meeting).exists()
    assert Notification.objects.filter(recipient=a.user, kind="meeting.cancelled").exists()
    assert not Notification.objects.filter(recipient=b.user, kind="meeting.cancelled").exists()
    with pytest.raises(ValidationError, match="already cancelled"):
        meeting_cancel(meeting=meeting, by=a)
    # The time is free again: c may now meet b then.
    assert _meet(world, c, b, world.slots[0]).status == MeetingStatus.CONFIRMED


def test_a_meeting_that_started_cannot_be_cancelled(world):
    a, b, _c = world.people
    meeting = _meet(world, a, b, world.slots[0])
    slot = world.slots[0]
    slot.starts_at = timezone.now() - dt.timedelta(minutes=5)
    slot.ends_at = timezone.now() + dt.timedelta(minutes=15)
    slot.save()
    with pytest.raises(ValidationError, match="started"):
        meeting_cancel(meeting=meeting, by=a)


def test_a_cancelled_meeting_no_longer_counts_for_the_cap(ecosystems):
    world = make_world(meeting_cap=1)
    a, b, c = world.people
    meeting = _meet(world, a, b, world.slots[0])
    meeting_cancel(meeting=meeting, by=a)
    assert _meet(world, c, b, world.slots[1]).status == MeetingStatus.CONFIRMED


@pytest.fixture
def session(world):
    """A session of the programme during the first two slots."""
    t0 = world.slots[0].starts_at
    talk = EventFactory(starts_at=t0, ends_at=t0 + dt.timedelta(minutes=40))
    world.setup.sessions.add(talk)
    return talk


def test_registering_for_a_session_books_the_time_and_cancelling_frees_it(world, session):
    a, b, _c = world.people
    registration_create(event=session, user=a.user)
    booked = Booking.objects.get(user=a.user, kind=BookingKind.SESSION)
    assert (booked.session, booked.event) == (session, world.event)
    assert (booked.starts_at, booked.ends_at) == (session.starts_at, session.ends_at)
    # Held: no meeting request of a at that time.
    with pytest.raises(ValidationError, match="already has"):
        request_create(requester=b, recipient=a, slots=[world.slots[1]])
    registration_cancel(event=session, user=a.user)
    assert not Booking.objects.filter(user=a.user).exists()
    request_create(requester=b, recipient=a, slots=[world.slots[1]])


def test_a_person_with_a_meeting_then_cannot_register_for_the_session(world, session):
    a, b, _c = world.people
    _meet(world, a, b, world.slots[1])
    with pytest.raises(ValidationError, match="meeting"):
        registration_create(event=session, user=b.user)
    assert not Registration.objects.filter(user=b.user).exists()
    assert Meeting.objects.count() == 1


def test_the_registration_page_refuses_with_a_message_not_a_500(world, session, client):
    a, b, _c = world.people
    _meet(world, a, b, world.slots[0])
    client.force_login(a.user)
    response = client.post(f"/events/{session.slug}/register/", follow=True)
    assert response.status_code == 200
    assert "matchmaking meeting" in response.content.decode()
    assert not Registration.objects.filter(user=a.user, event=session).exists()


def test_moving_a_session_moves_its_bookings_unless_it_would_overlap_a_meeting(world, session):
    a, b, _c = world.people
    registration_create(event=session, user=a.user)
    _meet(world, b, a, world.slots[3])
    later = world.slots[2].starts_at
    session.starts_at, session.ends_at = later, later + dt.timedelta(minutes=20)
    session.save()
    booked = Booking.objects.get(user=a.user, kind=BookingKind.SESSION)
    assert booked.starts_at == later
    session.starts_at = world.slots[3].starts_at
    session.ends_at = world.slots[3].ends_at
    with pytest.raises(ValidationError, match="new time"):
        session.save()


def test_adding_a_session_to_the_programme_books_its_registered_people(world):
    a, _b, _c = world.people
    t0 = world.slots[4].starts_at
    talk = EventFactory(starts_at=t0, ends_at=t0 + dt.timedelta(minutes=20))
    RegistrationFactory(event=talk, user=a.user, status=RegistrationStatus.REGISTERED)
    RegistrationFactory(event=talk, user=UserFactory(), status=RegistrationStatus.WAITLISTED)
    world.setup.sessions.add(talk)
    assert list(Booking.objects.values_list("user_id", "kind")) == [(a.user_id, "session")]
    world.setup.sessions.remove(talk)
    assert not Booking.objects.exists()


def test_the_registration_api_refuses_with_a_400_not_a_500(world, session, api_client):
    a, b, _c = world.people
    _meet(world, a, b, world.slots[1])
    api_client.force_authenticate(b.user)
    response = api_client.post(f"/api/v1/events/{session.pk}/registration/")
    assert response.status_code == 400
    assert "matchmaking meeting" in response.json()["error"]["message"]
    assert not Registration.objects.filter(user=b.user, event=session).exists()


def test_withdrawing_from_the_event_ends_what_was_pending_and_planned(world):
    """A person whose registration ends takes their requests and coming meetings with them:
    the others are told, and every held slot and booked time goes back."""
    a, b, c = world.people
    registration = RegistrationFactory(event=world.event, user=a.user, status="registered")
    meeting = _meet(world, a, b, world.slots[0])
    sent = request_create(requester=a, recipient=c, slots=[world.slots[1]])
    d = add_participant(world)
    received = request_create(requester=d, recipient=a, slots=[world.slots[2]])
    before = Notification.objects.count()
    registration.status = RegistrationStatus.CANCELLED
    registration.save()  # as webinars' registration_cancel does, in its transaction
    meeting.refresh_from_db()
    sent.refresh_from_db()
    received.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert (sent.status, received.status) == ("cancelled", "declined")
    assert not Booking.objects.filter(user=a.user).exists()
    assert not Booking.objects.filter(kind=BookingKind.HOLD).exists()
    told = Notification.objects.order_by("pk")[before:]
    assert sorted(n.recipient_id for n in told) == sorted([b.user_id, c.user_id, d.user_id])


def test_cancelling_the_matchmaking_event_ends_its_requests_and_meetings(world):
    from webinars.services.events import event_cancel

    a, b, c = world.people
    meeting = _meet(world, a, b, world.slots[0])
    pending = request_create(requester=c, recipient=a, slots=[world.slots[1]])
    event_cancel(event=world.event, user=world.organiser, reason="Venue closed")
    meeting.refresh_from_db()
    pending.refresh_from_db()
    assert (meeting.status, pending.status) == (MeetingStatus.CANCELLED, "cancelled")
    assert not Booking.objects.filter(event=world.event).exclude(kind=BookingKind.SESSION).exists()
    with pytest.raises(ValidationError, match="cancelled"):
        request_create(requester=b, recipient=c, slots=[world.slots[2]])
