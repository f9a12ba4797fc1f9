# ruff: noqa: RUF001  (French typographic apostrophes in the demo texts)
"""The information hub's front page (/info/) in a real browser, in French and German, on a
desktop and a phone: every part's card, the calls closing soon, the latest news and library
items; the main menu's "Informations" entry is current. axe finds nothing serious, nothing
is wider than the screen, the CSP refuses nothing; screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer
from tests.browser.test_accessibility import Audit
from tests.browser.test_webinar_video import set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import NewsItem, Organisation, User
from hub.models import Call, LibraryItem, Trend

org, _new = Organisation.objects.get_or_create(
    slug="pole-sante", defaults=dict(name="Pôle Santé", type="cluster", country="FR",
    city="Lyon", status="published", description="Un pôle.")
)
author = User.objects.get(pk=params["author"])
now = timezone.now()
for n, (title, days) in enumerate((("Appel Horizon Europe : santé numérique", 4),
                                   ("Interreg Europe du Nord-Ouest", 30))):
    Call.objects.get_or_create(slug=f"call-{n}", defaults=dict(
        title=title, kind="funding", programme="Horizon Europe", funder="Commission européenne",
        summary="Des fonds.", body="Postulez.", deadline=now + timedelta(days=days),
        time_zone="Europe/Brussels", official_url="https://ec.europa.eu/", author=author,
        organisation=org, status="published", published_at=now, language="fr"))
NewsItem.objects.get_or_create(slug="news-1", defaults=dict(
    title="Le Pôle Santé ouvre un bureau à Bruxelles", summary="Un bureau.", body="Un bureau.",
    organisation=org, status="published", published_at=now, language="fr"))
LibraryItem.objects.get_or_create(slug="toolkit", defaults=dict(
    title="Boîte à outils de l’internationalisation des clusters", item_type="toolkit",
    url="https://example.org/", status="published", published_at=now, publisher="ECCP",
    language="fr"))
Trend.objects.get_or_create(slug="hydrogen-valleys", defaults=dict(title="Hydrogen valleys"))
result = {}
"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_information_hub_front_page(site_server: LiveServer, browser: Any, size: str):
    from playwright.sync_api import expect

    from tests.browser.conftest import make_people

    (author,) = make_people(site_server, "Amélie Auteur")
    site_server.django(WORLD_CODE, author=author["id"])
    audit = Audit(size)
    page = audit.page(browser)
    for language, heading, closing in (
        ("fr", "Centre d’information", "Appels qui clôturent bientôt"),
        ("de", "Informationszentrum", "Bald endende Aufrufe"),
    ):
        set_language(page, site_server, language)
        page.goto(f"{site_server.url}/info/")
        main = page.get_by_role("main")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(main.get_by_role("heading", name=closing)).to_be_visible()
        expect(main).to_contain_text("Appel Horizon Europe : santé numérique")
        expect(main).to_contain_text("Boîte à outils de l’internationalisation")
        expect(main.locator(".info-part")).to_have_count(8)
        current = page.locator('#site-nav a[aria-current="page"]')
        expect(current).to_have_attribute("href", "/info/")
        audit.check(page, f"information-{language}")
    audit.assert_clean()
