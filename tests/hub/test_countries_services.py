"""The country page service: staff only, creates or changes, rows replaced in order, links
checked, nothing written when any field is invalid; and the selectors' groups."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from hub.models import CountryPage
from hub.selectors.countries import country_get, country_index, country_summaries
from hub.services.countries import country_page_save, link_clean

pytestmark = pytest.mark.django_db


def test_staff_create_a_page_with_rows_in_order(country_world):
    staff = country_world.people["staff"]
    page = country_page_save(
        user=staff,
        code="es",
        overview="  Spain's **AEI**.\r\n",
        language="es",
        items=[
            {"kind": "programme", "name": "AEI", "link": "https://www.ipyme.org"},
            {"kind": "contact", "name": "Cluster desk", "link": "mailto:aei@example.es"},
        ],
    )
    assert (str(page.country.code), page.overview, page.language) == (
        "ES",
        "Spain's **AEI**.",
        "es",
    )
    assert [(i.position, i.name) for i in page.items.all()] == [(0, "AEI"), (1, "Cluster desk")]
    assert page.updated_by == staff
    # Fields left out keep their value; rows given replace the rows.
    country_page_save(user=staff, code="ES", items=[{"kind": "support", "name": "Vouchers"}])
    page.refresh_from_db()
    assert page.overview == "Spain's **AEI**."
    assert [i.name for i in page.items.all()] == ["Vouchers"]


@pytest.mark.parametrize("role", ["member", "visitor", "anonymous"])
def test_only_staff_write(country_world, role):
    from django.contrib.auth.models import AnonymousUser

    user = country_world.people[role] or AnonymousUser()
    with pytest.raises(PermissionDenied):
        country_page_save(user=user, code="DE", overview="Hacked")
    assert CountryPage.objects.get(country="DE").overview.startswith("Germany")


def test_invalid_input_writes_nothing(country_world):
    staff = country_world.people["staff"]
    with pytest.raises(ValidationError) as caught:
        country_page_save(
            user=staff,
            code="DE",
            overview="New text",
            language="klingon",
            items=[
                {"kind": "rumour", "name": ""},
                {"kind": "contact", "name": "x", "link": "javascript:alert(1)"},
            ],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"language", "items"}
    assert len(errors["items"]) == 3  # the kind, the name, the link
    page = CountryPage.objects.get(country="DE")
    assert page.overview.startswith("Germany")
    assert page.items.count() == 2
    with pytest.raises(Http404):
        country_page_save(user=staff, code="XX", overview="Nowhere")


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://example.org/x", True),
        ("mailto:desk@example.org", True),
        ("", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.org", False),
        ("mailto:nobody", False),
    ],
)
def test_links(link, ok):
    if ok:
        assert link_clean(link) == link
    else:
        with pytest.raises(ValidationError):
            link_clean(link)


def test_the_groups(country_world):
    groups = {g.key: [c.code for c in g.countries] for g in country_index()}
    assert len(groups["eu"]) == 27
    assert groups["third"][0] == "JP"  # the strategic ones first
    assert [c.code for c in country_summaries(group="europe")] == []
    view = country_get("de")
    assert (view.code, view.group, view.organisation_count, view.event_count) == ("DE", "eu", 2, 2)
    assert country_get("ua").group == "europe"
    with pytest.raises(Http404):
        country_get("eu")
