"""A small world of calls for the hub tests: an organisation with its members, another
organisation, staff, and a call in each state (draft, waiting, rejected, published open,
published closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from community.models import ModerationStatus
from hub.models import Call
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, StaffFactory
from tests.hub.library_world import library  # noqa: F401  (the library tests' fixture)


@dataclass
class World:
    organisation: Any
    other_organisation: Any
    people: dict[str, Any]
    calls: dict[str, Call]
    listing: Any  # a live listing of the author's organisation
    other_listing: Any  # a live listing of the other organisation


def make_call(
    *, status: str, author: Any, organisation: Any, days: float = 20, **extra: Any
) -> Call:
    now = timezone.now()
    n = Call.objects.count()
    defaults: dict[str, Any] = {
        "title": f"Call {n} ({status})",
        "slug": f"call-{status}-{n}",
        "kind": "funding",
        "programme": "Horizon Europe",
        "funder": "European Commission",
        "summary": "Money for clusters.",
        "body": "Apply **now**.",
        "deadline": now + timedelta(days=days),
        "time_zone": "Europe/Brussels",
        "official_url": "https://ec.europa.eu/call",
        "author": author,
        "organisation": organisation,
        "status": status,
        "published_at": now if status == ModerationStatus.PUBLISHED else None,
        "submitted_at": now if status == ModerationStatus.NEEDS_REVIEW else None,
    }
    defaults.update(extra)
    return Call.objects.create(**defaults)


@pytest.fixture
def world(ecosystems) -> World:
    organisation = OrganisationFactory()
    other = OrganisationFactory()
    author = MembershipFactory(organisation=organisation, role="member").user
    people = {
        "anonymous": None,
        "author": author,
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "other": MembershipFactory(organisation=other, role="admin").user,
        "staff": StaffFactory(),
    }
    calls = {
        "draft": make_call(status="draft", author=author, organisation=organisation),
        "pending": make_call(status="needs_review", author=author, organisation=organisation),
        "rejected": make_call(
            status="rejected", author=author, organisation=organisation, rejection_reason="No link"
        ),
        "published": make_call(status="published", author=author, organisation=organisation),
        "closed": make_call(status="published", author=author, organisation=organisation, days=-2),
    }
    return World(
        organisation=organisation,
        other_organisation=other,
        people=people,
        calls=calls,
        listing=ListingFactory(organisation=organisation, author=author),
        other_listing=ListingFactory(organisation=other, author=people["other"]),
    )


# The country and In focus pages' world (tests/hub/countries_world.py).
from tests.hub.countries_world import country_world  # noqa: E402, F401
