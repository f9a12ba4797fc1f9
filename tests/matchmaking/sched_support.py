"""Test data of the organiser's side: a matchmaking event with its organiser, participants,
slots and requests, made with the models and matchmaking.services.bookings (the request
services are another part's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from matchmaking.models import MeetingRequest, MeetingSlot, Participant, RequestStatus
from matchmaking.services.bookings import meeting_book, slot_hold
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory

# Tomorrow, 08:00 UTC (09:00 in Brussels in winter, 10:00 in summer).
DAY = (timezone.now() + dt.timedelta(days=1)).date()
START = dt.datetime.combine(DAY, dt.time(8, 0), tzinfo=dt.UTC)


@dataclass
class World:
    event: Any
    organiser: Any
    slots: list[MeetingSlot]


def matchmaking_world(slots: int = 4) -> World:
    organisation = OrganisationFactory()
    organiser = MembershipFactory(organisation=organisation, role="admin").user
    event = EventFactory(
        kind="matchmaking",
        organiser_organisation=organisation,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=10),
        time_zone="Europe/Brussels",
    )
    made = [
        MeetingSlot.objects.create(
            event=event,
            starts_at=START + dt.timedelta(minutes=30 * i),
            ends_at=START + dt.timedelta(minutes=30 * i + 20),
        )
        for i in range(slots)
    ]
    return World(event=event, organiser=organiser, slots=made)


def participant(event: Any, **fields: Any) -> Participant:
    return Participant.objects.create(event=event, user=UserFactory(), **fields)


def ask(
    requester: Participant, recipient: Participant, *slots: MeetingSlot, **fields: Any
) -> MeetingRequest:
    """A pending request from `requester` to `recipient`, holding `slots` for both."""
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(hours=48))
    request = MeetingRequest.objects.create(
        event=requester.event, requester=requester, recipient=recipient, **fields
    )
    for slot in slots:
        slot_hold(request=request, slot=slot, proposed_by=requester)
    return request


def meet(requester: Participant, recipient: Participant, slot: MeetingSlot) -> Any:
    """A confirmed meeting of an accepted request."""
    request = ask(requester, recipient)
    meeting = meeting_book(request=request, slot=slot)
    MeetingRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.ACCEPTED, answered_at=timezone.now()
    )
    return meeting
