"""Builders shared by the requests and meetings tests: a matchmaking event with its setup,
its schedule and participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from matchmaking.models import MatchmakingSetup, MeetingSlot, Participant
from tests.factories import EventFactory, MembershipFactory, UserFactory


@dataclass
class World:
    event: object
    setup: MatchmakingSetup
    slots: list[MeetingSlot]
    people: list[Participant]
    organiser: object
    extra: dict = field(default_factory=dict)


def start_of_schedule() -> dt.datetime:
    return timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)


def make_world(*, people: int = 3, slots: int = 6, minutes: int = 20, **setup) -> World:
    t0 = start_of_schedule()
    event = EventFactory(
        kind="matchmaking", starts_at=t0 - dt.timedelta(hours=1), ends_at=t0 + dt.timedelta(days=1)
    )
    matchmaking = MatchmakingSetup.objects.create(event=event, **setup)
    schedule = [
        MeetingSlot.objects.create(
            event=event,
            starts_at=t0 + dt.timedelta(minutes=minutes * i),
            ends_at=t0 + dt.timedelta(minutes=minutes * (i + 1)),
        )
        for i in range(slots)
    ]
    participants = [
        Participant.objects.create(event=event, user=UserFactory()) for _ in range(people)
    ]
    organiser = MembershipFactory(organisation=event.organiser_organisation, role="admin").user
    return World(event, matchmaking, schedule, participants, organiser)


def add_participant(world: World) -> Participant:
    person = Participant.objects.create(event=world.event, user=UserFactory())
    world.people.append(person)
    return person
