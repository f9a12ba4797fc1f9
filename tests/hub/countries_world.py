"""A small world for the country and In focus tests: German and French organisations (one
unpublished), a partnership with a German member, events held in or organised from Germany
(one cancelled, one past, one waiting for review), calls eligible in Germany or everywhere
or only in France, news in an ecosystem, a stored page for Germany and a strategic one for
Japan, and In focus pages (one unpublished). Import the fixture into a test module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from community.models import Ecosystem, PartnershipMembership, Tag
from hub.models import CountryPage, CountryPageItem, FocusPage
from tests.factories import (
    EventFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    PartnershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.hub.conftest import make_call


@dataclass
class CountryWorld:
    people: dict[str, Any]
    organisations: dict[str, Any]
    partnership: Any
    events: dict[str, Any]
    calls: dict[str, Any]
    news: Any
    germany: CountryPage
    japan: CountryPage
    focus: dict[str, FocusPage]


@pytest.fixture
def country_world(ecosystems) -> CountryWorld:
    digital = Ecosystem.objects.get(slug="digital")
    health = Ecosystem.objects.get(slug="health")
    hydrogen = Tag.objects.create(kind="technology", name="Hydrogen", slug="hydrogen")
    big = OrganisationFactory(name="Bayern Innovativ", country="DE", members_total=300)
    small = OrganisationFactory(name="Silicon Saxony", country="DE", members_total=40)
    hidden = OrganisationFactory(name="Hidden Cluster", country="DE", status="draft")
    french = OrganisationFactory(
        name="Pôle Santé", country="FR", ecosystems=[health], primary_ecosystem=health
    )
    french.tags.add(hydrogen)
    member = MembershipFactory(organisation=big, role="admin").user
    partnership = PartnershipFactory(name="Digital Health Alliance", coordinator=french)
    PartnershipMembership.objects.create(partnership=partnership, organisation=big)
    PartnershipMembership.objects.create(partnership=partnership, organisation=french)
    lonely = PartnershipFactory(name="French Only", coordinator=french)
    PartnershipMembership.objects.create(partnership=lonely, organisation=french)
    soon = timezone.now() + timedelta(days=10)
    events = {
        "held": EventFactory(
            title="Berlin Cluster Days",
            country="DE",
            city="Berlin",
            online=False,
            organiser_organisation=french,
            starts_at=soon,
            ends_at=soon + timedelta(hours=8),
        ),
        "organised": EventFactory(
            title="Webinar from Munich",
            organiser_organisation=big,
            starts_at=soon + timedelta(days=1),
            ends_at=soon + timedelta(days=1, hours=1),
        ),
        "cancelled": EventFactory(
            title="Cancelled Forum", organiser_organisation=big, cancelled_at=timezone.now()
        ),
        "past": EventFactory(
            title="Past Summit",
            organiser_organisation=big,
            starts_at=timezone.now() - timedelta(days=5),
            ends_at=timezone.now() - timedelta(days=4),
        ),
        "pending": EventFactory(
            title="Pending Meetup", organiser_organisation=big, status="needs_review"
        ),
        "french": EventFactory(title="Lyon Health Day", organiser_organisation=french),
    }
    events["held"].ecosystems.add(digital)
    events["french"].ecosystems.add(health)
    staff = StaffFactory()
    calls = {
        "germany": make_call(
            status="published",
            author=staff,
            organisation=None,
            title="German SME call",
            eligible_countries=["DE", "AT"],
        ),
        "everyone": make_call(
            status="published", author=staff, organisation=None, title="Call for all"
        ),
        "france": make_call(
            status="published",
            author=staff,
            organisation=None,
            title="French regional call",
            eligible_countries=["FR"],
        ),
        "closed": make_call(
            status="published", author=staff, organisation=None, title="Old call", days=-3
        ),
        "draft": make_call(status="draft", author=staff, organisation=None, title="Draft call"),
    }
    calls["everyone"].ecosystems.add(digital)
    calls["closed"].ecosystems.add(digital)
    news = NewsItemFactory(title="Digital clusters grow")
    news.ecosystems.add(digital)
    NewsItemFactory(title="Unpublished digital news", status="draft").ecosystems.add(digital)
    germany = CountryPage.objects.create(
        country="DE", overview="Germany supports **clusters** through go-cluster.", language="en"
    )
    CountryPageItem.objects.create(
        page=germany,
        kind="programme",
        name="go-cluster",
        description="The federal excellence programme.",
        link="https://www.clusterplattform.de",
    )
    CountryPageItem.objects.create(
        page=germany, kind="contact", name="Cluster policy desk", link="mailto:desk@example.org"
    )
    japan = CountryPage.objects.create(country="JP", strategic=True, overview="Japan.")
    CountryPageItem.objects.create(
        page=japan, kind="cooperation", name="EU-Japan cluster matchmaking", position=0
    )
    focus_digital = FocusPage.objects.create(
        slug="digital-transition", kind="policy", title="Digital transition", intro="Go *digital*."
    )
    focus_digital.ecosystems.add(digital)
    focus_hydrogen = FocusPage.objects.create(
        slug="hydrogen-economy", kind="policy", title="Hydrogen economy"
    )
    focus_hydrogen.tags.add(hydrogen)
    draft = FocusPage.objects.create(
        slug="resilience", kind="policy", title="Resilience", published=False
    )
    return CountryWorld(
        people={
            "anonymous": None,
            "member": member,
            "visitor": UserFactory(),
            "staff": staff,
        },
        organisations={"big": big, "small": small, "hidden": hidden, "french": french},
        partnership=partnership,
        events=events,
        calls=calls,
        news=news,
        germany=germany,
        japan=japan,
        focus={"digital": focus_digital, "hydrogen": focus_hydrogen, "draft": draft},
    )
