"""What a person meets on the paths of issue 10's home, moderation and trust parts: the
personal home, the moderation queue and its reject page, the site's own pages, focus after
a failed form, the bell's name and the focus ring on the header. Screenshots on desktop and
phone, in English and French, go to test-artifacts/."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, LiveServer, log_in, make_people, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAST_CODE = """
from django.utils import timezone
from community.models import NewsItem, User
from community.services.organisations import (
    organisation_create, organisation_publish, organisation_submit_for_review,
)
from messaging.services.conversations import conversation_open
from messaging.services.listings import listing_create, listing_follow
from messaging.services.messages import message_send

anna, marc, staff = (User.objects.get(pk=pk) for pk in params["people"])
staff.is_staff = True
staff.save()
profile = {
    "type": "cluster", "country": "FR", "city": "Lyon",
    "description": "Chemistry and environment cluster of the Auvergne-Rhône-Alpes region.",
    "website": "https://axelera.example.org", "contact_email": "hello@example.org",
    "ecosystems": ["energy-intensive"], "primary_ecosystem": "energy-intensive",
}
mine = organisation_create(user=anna, data={**profile, "name": f"Chimie Lyon {params['tag']}"})
organisation_submit_for_review(organisation=mine, user=anna)
other = organisation_create(user=marc, data={**profile, "name": f"Port Cluster {params['tag']}"})
organisation_submit_for_review(organisation=other, user=marc)
harbour = organisation_create(user=marc, data={**profile, "name": f"Harbour {params['tag']}"})
organisation_submit_for_review(organisation=harbour, user=marc)
organisation_publish(organisation=harbour, user=staff, reason="Regional programme.")
listing = listing_create(
    author=marc, organisation=harbour, kind="offer", category="expertise",
    title="Hydrogen refuelling know-how", description="We share what we learnt.",
)
listing_follow(listing=listing, user=anna)
conversation, _new = conversation_open(creator=marc, participants=[anna])
message_send(sender=marc, conversation=conversation, body="Bonjour Anna !", client_id="c1")
NewsItem.objects.create(
    title="Hydrogen valley opens", slug=f"hv-{params['tag']}", summary="A new valley.",
    author=marc, organisation=other, status="needs_review", submitted_at=timezone.now(),
)
result = {"conversation": conversation.pk, "other": other.name, "mine": mine.name}
"""


@pytest.fixture(scope="module")
def cast(site_server: LiveServer) -> dict[str, Any]:
    anna, marc, staff = make_people(site_server, "Anna Morel", "Marc Weber", "Sofia Staff")
    made = site_server.django(
        CAST_CODE, people=[anna["id"], marc["id"], staff["id"]], tag=secrets.token_hex(2)
    )
    return {"anna": anna, "marc": marc, "staff": staff, **made}


def page_for(browser: Any, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB") -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def relative_luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


RGB = r"(value) => value.match(/[\d.]+/g).map(Number)"


def test_the_personal_home_shows_what_waits(site_server, browser, cast) -> None:
    from playwright.sync_api import expect

    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_for(browser, viewport)
        log_in(page, site_server, cast["anna"]["email"])
        page.goto(f"{site_server.url}/")
        main = page.get_by_role("main")
        expect(main.get_by_role("link", name="Marc Weber")).to_have_attribute(
            "href", f"/xchange/conversations/{cast['conversation']}/"
        )
        expect(main.get_by_role("link", name="Hydrogen refuelling know-how")).to_be_visible()
        expect(main).to_contain_text(cast["mine"])
        expect(main).to_contain_text("Needs review")
        expect(page.locator("#site-nav")).not_to_contain_text("soon")
        shot(page, f"home-member-{size}", full_page=True)
        page.context.close()


def test_home_and_queue_in_french_on_a_phone(site_server, browser, cast) -> None:
    from playwright.sync_api import expect

    for who, path in (("anna", "/"), ("staff", "/"), ("staff", "/moderation/")):
        page = page_for(browser, PHONE)
        log_in(page, site_server, cast[who]["email"])  # log_in reads English labels
        # Then French, as the language switcher's cookie chooses it.
        page.context.add_cookies(
            [{"name": "django_language", "value": "fr", "url": site_server.url}]
        )
        page.goto(f"{site_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        mine = "Bienvenue" if path == "/" else "attendent une validation"
        expect(page.get_by_role("main")).to_contain_text(mine)
        shot(page, f"fr-phone-{who}{path.replace('/', '-')}", full_page=True)
        page.context.close()


def test_staff_reject_on_its_own_page_and_focus_lands_on_the_error(
    site_server, browser, cast
) -> None:
    from playwright.sync_api import expect

    page = page_for(browser)
    log_in(page, site_server, cast["staff"]["email"])
    page.goto(f"{site_server.url}/")
    expect(page.get_by_role("main")).to_contain_text("Waiting in moderation")
    shot(page, "home-staff-desktop", full_page=True)
    page.get_by_role("link", name="Open the moderation queue").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=cast["other"]).first).to_be_visible()
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 2500, height  # one line per item, not a form per item
    shot(page, "moderation-queue-desktop", full_page=True)
    main.get_by_role("link", name=f"Reject… {cast['other']}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cast["other"])
    page.get_by_role("button", name="Reject and send the reason").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This field is required.")
    shot(page, "moderation-reject-error-desktop", full_page=True)
    page.get_by_label("Reason for rejection").fill("Please add an English page to your website.")
    page.get_by_role("button", name="Reject and send the reason").click()
    expect(page.get_by_role("status")).to_contain_text("is rejected")
    expect(page.get_by_role("main").get_by_role("link", name=cast["other"])).to_have_count(0)
    page.context.close()


def test_focus_moves_to_the_error_summary_of_a_failed_form(site_server, browser) -> None:
    from playwright.sync_api import expect

    page = page_for(browser)
    page.goto(f"{site_server.url}/account/register/")
    page.get_by_role("main").get_by_role("button").last.click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    page.context.close()


def test_bell_name_contains_its_text_and_the_focus_ring_stands_out(
    site_server, browser, cast
) -> None:
    from playwright.sync_api import expect

    page = page_for(browser)
    log_in(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/news/")
    bell = page.locator("#bell")
    name = bell.get_attribute("aria-label") or ""
    visible = bell.inner_text().strip()
    assert visible in name, (visible, name)  # WCAG 2.5.3 label in name
    # Keyboard focus on a header link: its outline against the header's background.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    brand = page.locator(".site-header .brand")
    expect(brand).to_be_focused()
    outline = page.evaluate(RGB, brand.evaluate("(e) => getComputedStyle(e).outlineColor"))
    header = page.locator(".site-header")
    background = page.evaluate(RGB, header.evaluate("(e) => getComputedStyle(e).backgroundColor"))
    ratio = contrast(outline, background)
    assert ratio >= 3, (outline, background, ratio)
    page.context.close()


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE"])
def test_site_pages_in_the_readers_language(site_server, browser, locale) -> None:
    from playwright.sync_api import expect

    language = locale[:2]
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_for(browser, viewport, locale)
        page.goto(f"{site_server.url}/")
        footer = page.locator("footer")
        footer.locator('a[href="/privacy/"]').click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expected = {"fr": "Politique de confidentialité", "de": "Datenschutzerklärung"}
        expect(page.get_by_role("heading", level=1)).to_have_text(expected[language])
        shot(page, f"privacy-{language}-{size}", full_page=True)
        page.context.close()
