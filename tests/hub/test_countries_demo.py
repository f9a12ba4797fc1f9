"""The demo's country and In focus pages: every EU member state and the strategic third
countries with their rows, the In focus pages gathering real demo content; the same again
on a rerun."""

import pytest
from django.core.management import call_command
from django.test import Client

from hub.demo_countries import EU, POLICY_AREAS, STRATEGIC
from hub.models import CountryPage, CountryPageItem, FocusPage
from hub.models.countries import EU_MEMBER_STATES
from hub.selectors.focus import focus_gathered

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_adds_country_and_focus_pages():
    _seed()
    assert set(EU) == EU_MEMBER_STATES
    assert CountryPage.objects.filter(country__in=EU_MEMBER_STATES).count() == 27
    for page in CountryPage.objects.filter(country__in=EU_MEMBER_STATES):
        kinds = {item.kind for item in page.items.all()}
        assert {"programme", "support", "contact"} <= kinds, page.country
        assert page.overview
    strategic = CountryPage.objects.filter(strategic=True)
    assert {str(p.country.code) for p in strategic} == set(STRATEGIC)
    assert {"CA", "JP", "KR", "IN", "BR", "MX", "UA", "MA", "TN", "ZA", "US", "SG", "CL"} <= set(
        STRATEGIC
    )
    for page in strategic:
        assert page.items.filter(kind="cooperation").exists(), page.country
    # Links are web addresses; contacts are offices, never a person's e-mail.
    assert not CountryPageItem.objects.exclude(link__startswith="https://").exists()
    assert FocusPage.objects.filter(kind="policy").count() == len(POLICY_AREAS) == 4
    assert FocusPage.objects.filter(kind="ecosystem").count() == 14
    digital = FocusPage.objects.get(slug="digital-transition")
    counts = {block.key: block.count for block in focus_gathered(digital)}
    assert counts["organisations"] > 0
    assert counts["calls"] > 0
    html = Client().get("/countries/de/").content.decode()
    assert "go-cluster" in html
    assert Client().get("/countries/").status_code == 200
    assert Client().get("/focus/green-transition/").status_code == 200
    _seed()
    assert CountryPage.objects.count() == 27 + len(STRATEGIC)
    assert FocusPage.objects.count() == 18
