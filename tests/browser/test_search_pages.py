"""The site search as a person uses it: a word typed in the header's box, the results grouped
by kind with their counts, the matched words marked, "more of this kind", and the pages in
French on a desktop and a phone, with axe-core and screenshots (test-artifacts/)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, LiveServer, log_in, make_people
from tests.browser.test_accessibility import RECORD_CSP_VIOLATIONS, Audit
from tests.browser.test_webinar_video import set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from datetime import timedelta

from django.utils import timezone

from community.models import (
    Ecosystem, NewsItem, Organisation, OrganisationMembership, User,
)
from community.models.taxonomy import ECOSYSTEMS
from community.search import organisation_search_text
from forums.models import ForumKind
from forums.services.forums import forum_create
from forums.services.topics import topic_create
from messaging.models import Listing
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
energy = Ecosystem.objects.get(slug="energy-renewables")
tag = params["tag"]
word = "Hydrogène" + tag  # one word no other test's data holds
anna = User.objects.get(pk=params["anna"])
bruno = User.objects.get(pk=params["bruno"])
cluster = Organisation.objects.create(
    name=f"{word} Île-de-France", slug=f"h2-idf-{tag}", type="cluster", country="FR",
    city="Paris", status="published", members_total=30, members_sme=20, members_research=5,
    management_fte=1, language="fr",
    description=f"Le pôle {word} réunit producteurs et utilisateurs d'hydrogène en Île-de-France.",
)
cluster.ecosystems.add(energy)
cluster.search_text = organisation_search_text(cluster)
cluster.save(update_fields=["search_text"])
OrganisationMembership.objects.create(organisation=cluster, user=anna, role="admin")
Listing.objects.create(
    organisation=cluster, author=anna, kind="offer", category="technology",
    title=f"Banc d'essai {word}", description=f"Des heures sur notre banc {word} à Paris.",
    status="open", search_text=f"banc d'essai {word}".lower(), language="fr",
)
for n in range(7):
    NewsItem.objects.create(
        title=f"{word} : nouvelles du corridor {n}", slug=f"h2-news-{tag}-{n}",
        summary=f"Le corridor {word} avance, étape {n}.", body="Détails.",
        status="published", published_at=timezone.now() - timedelta(days=n), language="fr",
    )
NewsItem.objects.create(
    title=f"<script>alert(1)</script> {word}", slug=f"h2-xss-{tag}",
    summary=f"<img src=x onerror=alert(2)> {word}", body="x", status="published",
    published_at=timezone.now() - timedelta(days=30),
)
forum = forum_create(kind=ForumKind.COMMUNITY, name="Ouvert " + tag)
topic_create(author=anna, group=forum.groups.first(), title=f"Qui travaille sur {word} ?",
             body=f"Nous cherchons des partenaires {word} pour un projet.")
conversation, _ = conversation_open(creator=anna, participants=[bruno], title="Projet H2")
message_send(sender=bruno, conversation=conversation, body=f"On parle de {word} demain ?",
             client_id="h2-" + tag)
result = {"word": word}
"""


@pytest.fixture(scope="module")
def world(site_server: LiveServer) -> dict[str, Any]:
    anna, bruno = make_people(site_server, "Anna Berg", "Bruno Costa")
    made = site_server.django(
        WORLD_CODE, anna=anna["id"], bruno=bruno["id"], tag=secrets.token_hex(3)
    )
    return {"anna": anna, "bruno": bruno, **made}


def _page(browser: Any, viewport: dict[str, int], locale: str) -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


def _log_in(page: Any, server: LiveServer, email: str) -> None:
    """Log in through the English form (log_in reads English labels), then let the
    browser's language choose the pages' again."""
    set_language(page, server, "en")
    log_in(page, server, email)
    page.context.clear_cookies(name="django_language")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_person_searches_from_the_header_in_french(
    site_server: LiveServer, browser: Any, world: dict[str, Any], size: str
) -> None:
    from playwright.sync_api import expect

    audit = Audit(size)
    page = _page(browser, PHONE if size == "phone" else DESKTOP, "fr-FR")
    _log_in(page, site_server, world["anna"]["email"])
    page.goto(f"{site_server.url}/directory/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    header = page.get_by_role("search", name="Rechercher sur le site")
    expect(header).to_be_visible()
    audit.check(page, "header-search-fr", full_page=False)
    # Typed without the accent, in capitals: found all the same.
    header.get_by_role("searchbox").fill(world["word"].replace("è", "e").upper())
    header.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/search/?q=*")
    groups = page.locator("section.search-group")
    expect(groups.first).to_be_visible()
    kinds = [g.get_attribute("id") for g in groups.all()]
    assert set(kinds) == {
        "group-organisations", "group-listings", "group-news", "group-forum_posts",
        "group-messages",
    }, kinds  # fmt: skip
    news = page.locator("#group-news")
    expect(news.locator("h2 .count")).to_have_text("8")
    expect(news.locator(".search-hit")).to_have_count(5)
    expect(news.locator("mark").first).to_contain_text("Hydrogène")
    # The payloads are text on the page, not markup.
    expect(page.get_by_text("<script>alert(1)</script>", exact=False)).to_have_count(0)
    audit.check(page, "search-results-fr")
    news.get_by_role("link", name="Plus de résultats dans « Actualités »").click()
    page.wait_for_url("**kind=news*")
    expect(page.locator(".search-hit")).to_have_count(8)
    expect(page.get_by_text("<script>alert(1)</script>", exact=False)).to_be_visible()
    audit.check(page, "search-kind-fr")
    page.goto(f"{site_server.url}/search/?q=+")
    expect(page.locator(".form-errors")).to_be_visible()
    audit.check(page, "search-error-fr")
    page.context.close()
    audit.assert_clean()


def test_the_header_fits_a_phone_in_german(
    site_server: LiveServer, browser: Any, world: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    audit = Audit("phone")
    page = _page(browser, PHONE, "de-DE")
    _log_in(page, site_server, world["anna"]["email"])
    page.goto(f"{site_server.url}/")
    header = page.get_by_role("search", name="Website durchsuchen")
    expect(header).to_be_visible()
    audit.check(page, "header-search-de", full_page=False)
    page.set_viewport_size({"width": 1100, "height": 800})
    expect(header).to_be_visible()
    audit.check(page, "header-search-de-1100", full_page=False)
    page.context.close()
    audit.assert_clean()
