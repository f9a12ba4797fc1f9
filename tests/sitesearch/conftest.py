"""A small world for the site search: something of every kind whose title holds the word
"Zephyrine", once where everyone may open it and once where only some may.

People: `anonymous` (None), `member` (of the published organisation `org`, which is in the
partnership, and of the draft organisation), `outsider` (signed in, no organisation), `staff`,
and `partner` (who talks privately with `member`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from community.models import ModerationStatus
from community.search import organisation_search_text
from forums.models import ForumKind
from forums.services import moderation, topics
from forums.services.forums import forum_create, forum_for_partnership
from hub.models import Call, LibraryItem
from hub.services.library import item_search_text
from messaging.models import Message, Participant
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
from tests.factories import (
    EventFactory,
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    PartnershipFactory,
    StaffFactory,
    UserFactory,
)


@dataclass
class World:
    people: dict[str, Any]
    org: Any
    # kind -> title -> the viewers (keys of `people`) who may open it
    expected: dict[str, dict[str, set[str]]] = field(default_factory=dict)


EVERYONE = {"anonymous", "member", "outsider", "staff", "partner"}


def organisation(**fields: Any) -> Any:
    org = OrganisationFactory(**fields)
    org.search_text = organisation_search_text(org)
    org.save(update_fields=["search_text"])
    return org


def call(*, title: str, status: str, author: Any, org: Any) -> Call:
    now = timezone.now()
    return Call.objects.create(
        title=title,
        slug=f"call-{Call.objects.count()}",
        kind="funding",
        programme="Horizon Europe",
        funder="European Commission",
        summary="Money for clusters.",
        body="Apply **now**.",
        deadline=now + timedelta(days=20),
        time_zone="Europe/Brussels",
        official_url="https://ec.europa.eu/call",
        author=author,
        organisation=org,
        status=status,
        published_at=now if status == ModerationStatus.PUBLISHED else None,
    )


@pytest.fixture
def world(ecosystems) -> World:
    org = organisation(name="Zephyrine Cluster", city="Zürich", country="CH")
    draft_org = organisation(name="Zephyrine Draft Cluster", status=ModerationStatus.DRAFT)
    member = MembershipFactory(organisation=org, role="member").user
    MembershipFactory(organisation=draft_org, user=member, role="admin")
    partner = UserFactory(full_name="Paula Partner")
    people = {
        "anonymous": None,
        "member": member,
        "outsider": UserFactory(full_name="Otto Outsider"),
        "staff": StaffFactory(),
        "partner": partner,
    }
    world = World(people=people, org=org)
    staff_and_member = {"member", "staff"}
    world.expected["organisations"] = {
        "Zephyrine Cluster": EVERYONE,
        "Zephyrine Draft Cluster": staff_and_member,
    }

    NewsItemFactory(title="Zephyrine news", organisation=org)
    NewsItemFactory(
        title="Zephyrine draft news",
        organisation=org,
        author=member,
        status=ModerationStatus.DRAFT,
        published_at=None,
    )
    NewsItemFactory(
        title="Zephyrine pending news",
        organisation=organisation(),
        status=ModerationStatus.NEEDS_REVIEW,
        published_at=None,
    )
    world.expected["news"] = {
        "Zephyrine news": EVERYONE,
        "Zephyrine draft news": staff_and_member,
        "Zephyrine pending news": {"staff"},
    }

    ListingFactory(title="Zephyrine offer", organisation=org, author=member)
    ListingFactory(title="Zephyrine closed offer", organisation=org, author=member, status="closed")
    ListingFactory(
        title="Zephyrine expired offer",
        organisation=org,
        author=member,
        valid_until=timezone.localdate() - timedelta(days=3),
    )
    world.expected["listings"] = {
        "Zephyrine offer": EVERYONE,
        "Zephyrine closed offer": staff_and_member,
        "Zephyrine expired offer": staff_and_member,
    }

    call(title="Zephyrine call", status=ModerationStatus.PUBLISHED, author=member, org=org)
    call(title="Zephyrine draft call", status=ModerationStatus.DRAFT, author=member, org=org)
    call(
        title="Zephyrine rejected call",
        status=ModerationStatus.REJECTED,
        author=people["staff"],
        org=organisation(),
    )
    world.expected["calls"] = {
        "Zephyrine call": EVERYONE,
        "Zephyrine draft call": staff_and_member,
        "Zephyrine rejected call": {"staff"},
    }

    EventFactory(title="Zephyrine webinar", organiser_organisation=org)
    EventFactory(
        title="Zephyrine draft webinar",
        organiser_organisation=org,
        created_by=member,
        status=ModerationStatus.DRAFT,
    )
    world.expected["events"] = {
        "Zephyrine webinar": EVERYONE,
        "Zephyrine draft webinar": staff_and_member,
    }

    # Library items: one found only by the text extracted from its PDF; a suggestion waiting
    # for review (its suggester and staff); another person's rejected suggestion.
    for title, status, suggester, text in [
        ("Cluster toolkit", ModerationStatus.PUBLISHED, None, "Annex on the zephyrine method"),
        ("Zephyrine mapping", ModerationStatus.NEEDS_REVIEW, member, ""),
        ("Zephyrine study", ModerationStatus.REJECTED, people["outsider"], ""),
    ]:
        item = LibraryItem.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            item_type="toolkit",
            url="https://example.org/doc",
            status=status,
            suggested_by=suggester,
            extracted_text=text,
            published_at=timezone.now() if status == ModerationStatus.PUBLISHED else None,
        )
        item.search_text = item_search_text(item)
        item.save(update_fields=["search_text"])
    world.expected["library"] = {
        "Cluster toolkit": EVERYONE,
        "Zephyrine mapping": staff_and_member,
        "Zephyrine study": {"outsider", "staff"},
    }

    partnership = PartnershipFactory(coordinator=org)
    partnership.members.add(org)
    members_only = forum_for_partnership(partnership)
    community = forum_create(kind=ForumKind.COMMUNITY, name="Open discussion")
    topics.topic_create(
        author=member,
        group=members_only.groups.get(slug="funding"),
        title="Zephyrine members-only plans",
        body="Confidential budget",
    )
    topics.topic_create(
        author=member,
        group=community.groups.first(),
        title="Zephyrine open plans",
        body="Public budget",
    )
    hidden = topics.topic_create(
        author=member,
        group=community.groups.first(),
        title="Zephyrine hidden plans",
        body="Spam budget",
    )
    moderation.topic_moderate(
        moderator=people["staff"], topic=hidden, verb="hide_topic", reason="Spam"
    )
    deleted = topics.topic_create(
        author=member,
        group=community.groups.first(),
        title="Zephyrine deleted plans",
        body="Oops",
    )
    topics.post_delete(user=member, post=deleted.posts.get())
    world.expected["forum_posts"] = {
        "Zephyrine members-only plans": staff_and_member,
        "Zephyrine open plans": EVERYONE,
        "Zephyrine hidden plans": {"staff"},
    }

    conversation, _ = conversation_open(creator=member, participants=[partner], title="Talks")
    message_send(sender=member, conversation=conversation, body="Zephyrine meeting", client_id="1")
    gone, _ = message_send(
        sender=partner, conversation=conversation, body="Zephyrine deleted", client_id="2"
    )
    Message.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    left, _ = conversation_open(creator=partner, participants=[member], title="Old talks")
    message_send(sender=partner, conversation=left, body="Zephyrine old", client_id="3")
    Participant.objects.filter(conversation=left, user=member).update(left_at=timezone.now())
    # A message's title is its conversation's: the body is what differs.
    world.expected["messages"] = {
        "Talks:Zephyrine meeting": {"member", "partner"},
        "Old talks:Zephyrine old": {"partner"},
    }
    return world
