"""A matchmaking event with two participants, an organiser, an outsider and staff, shared by
the participants, agenda, outcomes, meeting room and reminders tests (not a conftest: the
other matchmaking test modules keep their own fixtures). A module uses it by importing
`world_fixture`, which pytest knows as the fixture `world`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from community.models import Ecosystem
from matchmaking.models import (
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    RequestStatus,
)
from matchmaking.services.bookings import meeting_book
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)
from webinars.models import Event


@dataclass
class World:
    event: Event
    organiser: Any
    anna: Any  # registered, member of "Hydrogène Valley" (FR, energy)
    marc: Any  # registered, member of "Agri Nord" (DE, agri-food)
    outsider: Any  # signed in, not registered
    staff: Any

    def participant(self, user: Any) -> Participant:
        return Participant.objects.get(event=self.event, user=user)


@pytest.fixture(name="world")
def world_fixture(db: None, ecosystems: None) -> World:
    return make_world()


def make_world() -> World:
    """The world itself (for async tests, which build it with sync_to_async)."""
    event = EventFactory(
        kind="matchmaking",
        title="Matchmaking days",
        slug="matchmaking-days",
        starts_at=timezone.now() + dt.timedelta(days=2),
        ends_at=timezone.now() + dt.timedelta(days=2, hours=8),
        time_zone="Europe/Paris",
    )
    organiser = MembershipFactory(organisation=event.organiser_organisation, role="admin").user
    hydrogen = OrganisationFactory(
        name="Hydrogène Valley",
        country="FR",
        type="cluster",
        cooperation_interests="Partners for electrolysers",
        ecosystems=[Ecosystem.objects.get(slug="energy-renewables")],
    )
    agri = OrganisationFactory(
        name="Agri Nord",
        country="DE",
        type="cluster_member",
        cooperation_interests="Food processing",
        ecosystems=[Ecosystem.objects.get(slug="agri-food")],
    )
    anna = MembershipFactory(organisation=hydrogen, user__full_name="Anna Dupont").user
    marc = MembershipFactory(organisation=agri, user__full_name="Marc Weber").user
    RegistrationFactory(event=event, user=anna)
    RegistrationFactory(event=event, user=marc)
    return World(
        event=event,
        organiser=organiser,
        anna=anna,
        marc=marc,
        outsider=UserFactory(),
        staff=StaffFactory(),
    )


def book_meeting(
    world: World, starts_at: dt.datetime, *, minutes: int = 20, requester: Any = None
) -> Meeting:
    """A confirmed meeting of anna and marc at a new slot (through the booking primitives)."""
    requester = requester or world.anna
    other = world.marc if requester == world.anna else world.anna
    slot = MeetingSlot.objects.create(
        event=world.event, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes)
    )
    with transaction.atomic():
        request = MeetingRequest.objects.create(
            event=world.event,
            requester=world.participant(requester),
            recipient=world.participant(other),
            expires_at=timezone.now() + dt.timedelta(days=1),
            status=RequestStatus.ACCEPTED,
        )
        return meeting_book(request=request, slot=slot)
