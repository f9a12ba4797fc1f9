"""A small trend universe for the trend tests: two trends (one scored), an organisation with
its admin, editor and plain member, another organisation with its admin, a member of no
organisation, and staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from community.models import Organisation
from community.search import organisation_search_text
from hub.models import Horizon, Trend, TrendEngagement, TrendScore
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory, UserFactory


@dataclass
class TrendWorld:
    hydrogen: Trend
    textiles: Trend
    organisation: Organisation
    other_organisation: Organisation
    people: dict[str, Any]


def index(organisation: Organisation) -> Organisation:
    """Store the profile's search text, as community's services do on every change."""
    organisation.search_text = organisation_search_text(organisation)
    organisation.save(update_fields=["search_text"])
    return organisation


def make_trend_world() -> TrendWorld:
    hydrogen = Trend.objects.create(
        slug="hydrogen-valleys",
        title="Hydrogen valleys",
        summary="Regional hydrogen ecosystems.",
        description="Green **hydrogen** for industry.",
        language="en",
        keywords=["hydrogen", "Wasserstoff"],
    )
    for ecosystem, horizon, impact in [
        ("energy-renewables", Horizon.SHORT, 3),
        ("energy-renewables", Horizon.MEDIUM, 5),
        ("energy-renewables", Horizon.LONG, 5),
        ("mobility-transport-automotive", Horizon.MEDIUM, 3),
        ("digital", Horizon.LONG, 1),
    ]:
        TrendScore.objects.create(
            trend=hydrogen, ecosystem_id=ecosystem, horizon=horizon, impact=impact
        )
    textiles = Trend.objects.create(
        slug="circular-textiles",
        title="Circular textiles",
        summary="Recycling fibre to fibre.",
        keywords=["textile recycling"],
    )
    organisation = index(OrganisationFactory(name="Nordwind Cluster"))
    other = index(OrganisationFactory(name="Rhône Hydrogène"))
    people = {
        "visitor": None,
        "member": MembershipFactory(organisation=organisation, role="member").user,
        "editor": MembershipFactory(organisation=organisation, role="editor").user,
        "manager": MembershipFactory(organisation=organisation, role="admin").user,
        "other_manager": MembershipFactory(organisation=other, role="admin").user,
        "outsider": UserFactory(),
        "staff": StaffFactory(),
    }
    TrendEngagement.objects.create(trend=hydrogen, organisation=other)
    return TrendWorld(
        hydrogen=hydrogen,
        textiles=textiles,
        organisation=organisation,
        other_organisation=other,
        people=people,
    )
