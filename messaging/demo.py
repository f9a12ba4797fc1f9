"""ClusterXchange demo data, added on top of the community's by `manage.py seed_demo`.

Listings for every demo organisation that has people, and a few conversations between the
demo logins (with read receipts and notifications), all written through the services, so
the demo shows what the product does. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.models import ModerationStatus, Organisation, OrganisationMembership, User
from community.signals import demo_seeded
from messaging.models import ListingCategory, ListingKind
from messaging.services.inbox import conversation_mark_read
from messaging.services.listings import listing_create, listing_express_interest, listing_follow
from messaging.services.messages import message_send

# (kind, category, title pattern, description pattern); {topic} and {city} are filled in.
TEMPLATES: list[tuple[str, str, str, str]] = [
    (
        ListingKind.OFFER,
        ListingCategory.EXPERTISE,
        "Expertise in {topic} for SMEs",
        "Our members have delivered **{topic}** projects for more than 40 SMEs. We offer "
        "workshops, audits and mentoring to clusters that want to start in this field.",
    ),
    (
        ListingKind.DEMAND,
        ListingCategory.PROJECT_PARTNERSHIP,
        "Partners wanted: {topic} consortium for a Horizon Europe call",
        "We are building a consortium on **{topic}** and look for two clusters from other "
        "regions with research members and pilot sites. Deadline for expressions of interest: "
        "end of next month.",
    ),
    (
        ListingKind.OFFER,
        ListingCategory.HOSTING,
        "Study visit to {city}: {topic} in practice",
        "We host a three-day study visit for cluster managers and SMEs: company visits, a "
        "matchmaking session and a workshop on {topic}. Travel costs can be covered by "
        "ClusterXchange.",
    ),
    (
        ListingKind.DEMAND,
        ListingCategory.TECHNOLOGY,
        "Looking for {topic} technology providers",
        "Several of our SMEs need proven {topic} solutions. We want to meet technology "
        "providers from other clusters for a B2B session.",
    ),
    (
        ListingKind.OFFER,
        ListingCategory.FUNDING_CONSORTIUM,
        "Open places in our {topic} funding consortium",
        "Our Single Market Programme consortium on {topic} has two open places for clusters "
        "from Central and Eastern Europe.",
    ),
]

TOPICS = {
    "aerospace-defence": "drone testing",
    "agri-food": "precision farming",
    "construction": "timber construction",
    "cultural-creative": "immersive media",
    "digital": "artificial intelligence",
    "electronics": "chip design",
    "energy-intensive": "low-carbon steel",
    "energy-renewables": "green hydrogen",
    "health": "medical devices",
    "mobility-transport-automotive": "battery recycling",
    "proximity-social-economy": "social innovation",
    "retail": "digital retail",
    "textiles": "circular textiles",
    "tourism": "sustainable tourism",
}

# Who talks with whom in the demo: (interested person, listing owner's admin, messages).
CONVERSATIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "anna.schmidt",
        "marie.dubois",
        [
            (
                "anna.schmidt",
                "Hello Marie, our members in Munich would like to join. Is there still room?",
            ),
            (
                "marie.dubois",
                "Hi Anna! Yes, two places are left. Could you send a short profile of them?",
            ),
            ("anna.schmidt", "Here it is: three SMEs working on **PEM electrolysers**."),
        ],
    ),
    (
        "javier.garcia",
        "anna.schmidt",
        [
            (
                "javier.garcia",
                "Buenos días Anna, we are interested in your offer for our aerospace SMEs.",
            ),
        ],
    ),
]


def _listing_authors() -> list[tuple[Organisation, User]]:
    rows = (
        OrganisationMembership.objects.filter(
            organisation__status=ModerationStatus.PUBLISHED,
            user__is_active=True,
            user__email_verified=True,
        )
        .select_related("organisation", "organisation__primary_ecosystem", "user")
        .order_by("organisation__slug", "created_at")
    )
    seen: dict[int, tuple[Organisation, User]] = {}
    for membership in rows:
        seen.setdefault(membership.organisation_id, (membership.organisation, membership.user))
    return list(seen.values())


def demo_xchange(*, seed: int, today: dt.date, progress: Callable[[str], Any]) -> None:
    rng = random.Random(seed * 7919 + 1)
    # Closing dates must lie ahead of the real today, whatever date the demo is built around.
    opens_until = max(today, timezone.localdate())
    authors = _listing_authors()
    listings = []
    with transaction.atomic():
        for organisation, author in authors:
            ecosystem = organisation.primary_ecosystem
            topic = TOPICS.get(ecosystem.slug if ecosystem else "", "digital transformation")
            for kind, category, title, description in rng.sample(TEMPLATES, k=rng.randint(1, 2)):
                listings.append(
                    listing_create(
                        author=author,
                        organisation=organisation,
                        kind=kind,
                        category=category,
                        title=title.format(topic=topic, city=organisation.city or "our region"),
                        description=description.format(topic=topic),
                        ecosystems=[ecosystem] if ecosystem else [],
                        valid_until=opens_until + dt.timedelta(days=rng.randint(30, 240)),
                    )
                )
        people = {
            u.email.split("@")[0]: u
            for u in User.objects.filter(email__endswith="@clusterhub.example")
        }
        for visitor_name, owner_name, lines in CONVERSATIONS:
            visitor, owner = people.get(visitor_name), people.get(owner_name)
            if visitor is None or owner is None:
                continue
            theirs = [
                listing
                for listing in listings
                if listing.organisation.memberships.filter(user=owner).exists()
            ]
            if not theirs:
                continue
            listing = theirs[0]
            listing_follow(listing=listing, user=visitor)
            _, first_text = lines[0]
            conversation, _created = listing_express_interest(
                user=visitor, listing=listing, message=first_text, client_id=f"demo-{visitor_name}"
            )
            last = None
            for n, (name, text) in enumerate(lines[1:], start=1):
                last, _ = message_send(
                    sender=people[name],
                    conversation=conversation,
                    body=text,
                    client_id=f"demo-{visitor_name}-{n}",
                )
            if last is not None:
                conversation_mark_read(user=owner, conversation=conversation, message_id=last.pk)
    progress(f"ClusterXchange: {len(listings)} listings, {len(CONVERSATIONS)} conversations")


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_xchange(seed=seed, today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="messaging.demo")
