"""A partnership forum with a member, an outsider and a moderator, shared by the forum tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from forums.models import Forum, ForumGroup, ForumKind
from forums.services.forums import forum_create, forum_for_partnership
from tests.factories import MembershipFactory, PartnershipFactory, StaffFactory, UserFactory


@dataclass
class Place:
    forum: Forum
    group: ForumGroup
    anna: Any  # member (her organisation belongs to the partnership)
    marc: Any  # member (the coordinator's organisation)
    olga: Any  # outsider
    staff: Any


@pytest.fixture
def place(ecosystems) -> Place:
    partnership = PartnershipFactory()
    anna = MembershipFactory(user=UserFactory(full_name="Anna Berg")).user
    partnership.members.add(anna.memberships.get().organisation)
    marc = MembershipFactory(
        organisation=partnership.coordinator, user=UserFactory(full_name="Marc Dubois")
    ).user
    olga = UserFactory(full_name="Olga Nowak")
    forum = forum_for_partnership(partnership)
    return Place(
        forum=forum,
        group=forum.groups.get(slug="funding"),
        anna=anna,
        marc=marc,
        olga=olga,
        staff=StaffFactory(full_name="Sam Staff"),
    )


@pytest.fixture
def community_forum(db) -> Forum:
    return forum_create(kind=ForumKind.COMMUNITY, name="Open discussion")
