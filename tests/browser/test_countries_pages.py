"""Country and In focus pages in a real browser, in French, on a desktop and a phone: the
country list, an EU member state's page (Germany: its policy, programmes, organisations and
calls), a strategic third country's page (Japan, with its cooperation opportunities), the In
focus list and a policy area, and the staff's editors. axe finds nothing serious, nothing is
wider than the screen, the CSP refuses nothing; screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, log_in, make_people
from tests.browser.test_accessibility import Audit
from tests.browser.test_webinar_video import set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from community.models import Ecosystem, Organisation, Tag, User
from community.models.taxonomy import ECOSYSTEMS
from hub.demo_countries import demo_countries, demo_focus

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
Tag.objects.get_or_create(kind="technology", slug="hydrogen", defaults={"name": "Hydrogen"})
energy = Ecosystem.objects.get(slug="energy-renewables")
for name, city, members in (
    ("Bayern Innovativ", "Nürnberg", 320), ("Wasserstoff Cluster Sachsen", "Dresden", 85),
    ("Energieagentur NRW Netzwerk", "Düsseldorf", 140),
):
    made, _new = Organisation.objects.get_or_create(
        slug=name.lower().replace(" ", "-"),
        defaults=dict(
            name=name, type="cluster", country="DE", city=city, status="published",
            description="A cluster.", members_total=members, members_sme=members - 20,
            members_research=20, management_fte=2,
        ),
    )
    made.ecosystems.add(energy)
demo_countries(progress=lambda line: None)
demo_focus(progress=lambda line: None)
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save(update_fields=["is_staff"])
result = {}
"""

PAGES = [
    ("countries", "/countries/", "Pays"),
    ("country-de", "/countries/de/", "Politique de clusters"),
    ("country-jp", "/countries/jp/", "Possibilités de coopération"),
    ("focus", "/focus/", "À la une"),
    ("focus-green", "/focus/green-transition/", "Green transition"),
]
STAFF_PAGES = [
    ("country-edit", "/countries/de/edit/", "Modifier la page"),
    ("focus-edit", "/focus/green-transition/edit/", "Modifier la page"),
]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_country_and_focus_pages_in_french(site_server: LiveServer, browser: Any, size: str):
    from playwright.sync_api import expect

    (staff,) = make_people(site_server, "Claire Staff")
    site_server.django(WORLD_CODE, staff=staff["id"])
    audit = Audit(size)
    page = audit.page(browser)
    set_language(page, site_server, "fr")
    for name, path, text in PAGES:
        page.goto(f"{site_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("main")).to_contain_text(text)
        audit.check(page, f"countries-{name}")
    page.goto(f"{site_server.url}/countries/de/")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="go-cluster")).to_be_visible()
    expect(main.get_by_role("link", name="Bayern Innovativ")).to_be_visible()
    expect(main).to_contain_text("Voir les 3 organisations (Allemagne) dans l’annuaire")  # noqa: RUF001
    set_language(page, site_server, "en")  # the login helper reads English labels
    log_in(page, site_server, staff["email"])
    set_language(page, site_server, "fr")
    for name, path, text in STAFF_PAGES:
        page.goto(f"{site_server.url}{path}")
        expect(page.get_by_role("main")).to_contain_text(text)
        audit.check(page, f"countries-{name}")
    page.context.close()
    audit.assert_clean()
