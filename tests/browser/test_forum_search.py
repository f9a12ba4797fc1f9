"""Forum search as a person uses it: the box on the forums index, the results with the
words marked, a filter, and the page in French; axe-core on a desktop and a phone."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    log_in,
    make_people,
    shot,
)
from tests.browser.test_accessibility import RECORD_CSP_VIOLATIONS, Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORUM_CODE = """
from community.models import User
from forums.models import ForumKind
from forums.services.forums import forum_create
from forums.services.topics import post_reply, topic_create

anna = User.objects.get(pk=params["anna"])
forum = forum_create(kind=ForumKind.COMMUNITY, name="Open " + params["tag"])
groups = list(forum.groups.all())
topic = topic_create(
    author=anna, group=groups[0], title="Förderung für Wasserstoff 2027",
    body="Hat jemand schon eine **Förderung** für Elektrolyseure beantragt? "
    "Die Frist endet im März.",
)
post_reply(author=anna, topic=topic, body="Un événement sur l'hydrogène aura lieu à Lyon : "
           "inscriptions ouvertes jusqu'au 15 janvier, programme complet sur le site.")
for i in range(3):
    topic_create(author=anna, group=groups[-1], title=f"Hydrogen valley {i}",
                 body="Hydrogen refuelling stations along the corridor, phase " + str(i))
result = {"forum": forum.slug}
"""


@pytest.fixture(scope="module")
def forum(site_server: LiveServer) -> dict[str, Any]:
    (anna,) = make_people(site_server, "Anna Berg")
    made = site_server.django(FORUM_CODE, anna=anna["id"], tag=secrets.token_hex(2))
    return {"anna": anna, **made}


def _page(browser: Any, viewport: dict[str, int], locale: str) -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


def test_a_person_searches_from_the_forums_index(
    site_server: LiveServer, browser: Any, forum: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page = _page(browser, DESKTOP, "en-GB")
    log_in(page, site_server, forum["anna"]["email"])
    page.goto(f"{site_server.url}/forums/")
    page.get_by_role("search", name="Search the forums").get_by_role("searchbox").fill("forderung")
    page.get_by_role("search", name="Search the forums").get_by_role("button").click()
    results = page.locator(".search-results > li")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark").first).to_have_text("Förderung")
    expect(page.get_by_role("status")).to_have_text("1 post found")
    # Accents typed or not, the French reply; then a date filter that leaves nothing.
    page.get_by_label("Words").fill("evenement hydrogene")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("événement")
    page.get_by_label("From").fill("2099-01-01")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("0 posts found")
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_search_pages_pass_axe_in_english_and_french(
    site_server: LiveServer, browser: Any, forum: dict[str, Any], size: str
) -> None:
    from playwright.sync_api import expect

    audit = Audit(size)
    viewport = PHONE if size == "phone" else DESKTOP
    for locale in ("en-GB", "fr-FR"):
        page = _page(browser, viewport, locale)
        language = locale[:2]
        page.goto(f"{site_server.url}/forums/")
        audit.check(page, f"forums-index-{language}")
        page.goto(f"{site_server.url}/forums/{forum['forum']}/")
        page.locator(".group-list a").first.click()
        expect(page.get_by_role("main").get_by_role("search")).to_be_visible()
        audit.check(page, f"forum-group-{language}")
        page.goto(f"{site_server.url}/forums/search/?q=hydrogen&page_size=2")
        expect(page.locator(".search-results mark").first).to_be_visible()
        audit.check(page, f"forum-search-{language}")
        page.goto(f"{site_server.url}/forums/search/?q=hydrogen&since=nope")
        expect(page.locator(".form-errors")).to_be_visible()
        audit.check(page, f"forum-search-error-{language}")
        shot(page, f"forum-search-error-{size}-{language}")
        page.context.close()
    audit.assert_clean()
