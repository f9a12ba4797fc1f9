"""An event whose room is open now, with one person of each role, shared by the event tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import (
    EventFactory,
    EventPersonFactory,
    MembershipFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)
from webinars.models import Event, RoomRemoval


@dataclass
class Room:
    event: Event
    organiser: Any  # admin of the organising organisation
    host: Any  # EventPerson host
    speaker: Any  # EventPerson speaker
    attendee: Any  # registered
    other_attendee: Any  # registered
    waitlisted: Any
    pending: Any  # registration awaiting approval
    outsider: Any  # signed in, not registered
    removed: Any  # registered, then removed by a host
    staff: Any

    @property
    def topic(self) -> str:
        return f"webinar_room:{self.event.pk}"


@pytest.fixture
def room(ecosystems) -> Room:
    event = EventFactory()
    organiser = MembershipFactory(
        organisation=event.organiser_organisation,
        user=UserFactory(full_name="Olivia Organiser"),
        role="admin",
    ).user
    host = EventPersonFactory(event=event, user=UserFactory(full_name="Hugo Host")).user
    speaker = EventPersonFactory(
        event=event, role="speaker", user=UserFactory(full_name="Sara Speaker")
    ).user
    attendee = RegistrationFactory(event=event, user=UserFactory(full_name="Anna Attendee")).user
    other = RegistrationFactory(event=event, user=UserFactory(full_name="Bruno Attendee")).user
    waitlisted = RegistrationFactory(
        event=event, status="waitlisted", user=UserFactory(full_name="Wendy Waiting")
    ).user
    pending = RegistrationFactory(
        event=event, status="pending", user=UserFactory(full_name="Piet Pending")
    ).user
    removed = RegistrationFactory(event=event, user=UserFactory(full_name="Rex Removed")).user
    RoomRemoval.objects.create(event=event, user=removed, removed_by=host)
    return Room(
        event=event,
        organiser=organiser,
        host=host,
        speaker=speaker,
        attendee=attendee,
        other_attendee=other,
        waitlisted=waitlisted,
        pending=pending,
        outsider=UserFactory(full_name="Otto Outsider"),
        removed=removed,
        staff=StaffFactory(full_name="Sam Staff"),
    )
