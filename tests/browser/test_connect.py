"""Finding and talking, by clicking only, in real browsers against a real daphne.

Anna (desktop) finds an offer on ClusterXchange, clicks "Contact", types, sends, and sees
her message in the conversation; then the header's "Messages" link takes her to her
conversations, where it is listed. Clara, the offering organisation's contact, has the site
open on a phone: her "Messages" count goes up live when Anna's message arrives. Anna also
messages the organisation from its profile. The pages met on the way pass axe-core's
WCAG 2.1 A/AA rules on desktop and phone, in English and in French; screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    log_in,
    make_people,
    new_page,
    shot,
)
from tests.browser.test_accessibility import RECORD_CSP_VIOLATIONS, Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP_CODE = """
from community.models import Ecosystem, Organisation, OrganisationMembership, Partnership, User
from messaging.models import Listing

clara = User.objects.get(pk=params["clara"])
digital, _ = Ecosystem.objects.get_or_create(slug="digital", defaults={"name": "Digital"})
organisation = Organisation.objects.create(
    name="Lyon Hydrogen Cluster", slug="lyon-hydrogen-" + params["tag"], acronym="LHC",
    type="cluster", country="FR", city="Lyon", status="published",
    description="<p>Hydrogen in the Auvergne-Rhône-Alpes region.</p>",
    members_total=40, members_sme=30, members_research=10, management_fte=2,
)
OrganisationMembership.objects.create(organisation=organisation, user=clara, role="admin")
Partnership.objects.create(
    kind="escp_4i", name="Hydrogen Alliance Europe", slug="h2-alliance-" + params["tag"],
    coordinator=organisation,
)
listing = Listing.objects.create(
    organisation=organisation, author=clara, kind="offer", category="technology",
    title="Electrolyser test bench " + params["tag"],
    description="<p>Time on our 1 MW electrolyser test bench.</p>", status="open",
    search_text="Electrolyser test bench",
)
result = {"organisation": organisation.slug, "listing": listing.pk, "title": listing.title}
"""


def french_page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


@pytest.fixture(scope="module")
def cast(site_server: LiveServer) -> dict[str, Any]:
    anna, clara, lucie = make_people(site_server, "Anna Berg", "Clara Roux", "Lucie Martin")
    made = site_server.django(SETUP_CODE, clara=clara["id"], tag=anna["email"][5:11])
    return {"anna": anna, "clara": clara, "lucie": lucie, **made}


def test_from_a_listing_to_a_conversation_and_from_the_header_to_the_conversations(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    clara = new_page(browser, PHONE)
    log_in(clara, site_server, cast["clara"]["email"])
    clara.goto(f"{site_server.url}/")
    clara_link = clara.locator("#inbox-link")
    expect(clara_link).to_have_attribute("aria-label", "Messages")
    expect(clara_link.locator(".inbox-link-count")).to_be_hidden()

    anna = new_page(browser, DESKTOP)
    log_in(anna, site_server, cast["anna"]["email"])
    anna.get_by_role("navigation", name="Main").get_by_role("link", name="ClusterXchange").click()
    shot(anna, "connect-desktop-browse")
    # The card's link names its listing: "Contact: <title>".
    contact = re.compile(rf"^Contact\s*:\s*{re.escape(cast['title'])}$")
    anna.get_by_role("link", name=contact).click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Contact Lyon Hydrogen Cluster")
    expect(anna.get_by_text("Clara Roux")).to_be_visible()
    box = anna.get_by_label("Your message to the organisation")
    expect(box).to_be_focused()
    shot(anna, "connect-desktop-contact")
    box.fill("Hello Clara, could we book two days on the test bench in March?")
    anna.get_by_role("button", name="Send").click()
    anna.wait_for_url(re.compile(r"/xchange/conversations/\d+/$"))
    expect(anna.locator("#message-list")).to_contain_text("two days on the test bench")
    shot(anna, "connect-desktop-conversation")

    # Clara's count went up live, on the page she already had open.
    expect(clara_link).to_have_attribute("aria-label", "Messages, 1 unread")
    expect(clara_link.locator(".inbox-link-count")).to_have_text("1")
    shot(clara, "connect-phone-header-count")

    # From the header to her conversations: the new one is listed.
    anna.get_by_role("link", name=re.compile(r"^Messages")).click()
    anna.wait_for_url(re.compile(r"/xchange/conversations/$"))
    expect(anna.locator("#inbox-list")).to_contain_text("Clara Roux")
    expect(anna.locator("#inbox-list")).to_contain_text("two days on the test bench")
    shot(anna, "connect-desktop-inbox")

    # Contact again: back in the same conversation, the message box focused.
    anna.goto(f"{site_server.url}/xchange/listings/{cast['listing']}/")
    anna.get_by_role("complementary").get_by_role("link", name="Contact", exact=True).click()
    anna.wait_for_url(re.compile(r"/xchange/conversations/\d+/#write$"))
    expect(anna.get_by_label("Message", exact=True)).to_be_focused()

    # "Message this organisation" from its profile: a conversation about no listing.
    anna.goto(f"{site_server.url}/organisations/{cast['organisation']}/")
    expect(anna.get_by_role("heading", name="Offers and demands")).to_be_visible()
    expect(anna.get_by_role("link", name="Hydrogen Alliance Europe")).to_be_visible()
    shot(anna, "connect-desktop-profile", full_page=True)
    anna.get_by_role("link", name="Message this organisation").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Message Lyon Hydrogen Cluster")
    anna.get_by_label("Your message to the organisation").fill("And a general question.")
    anna.get_by_role("button", name="Send").click()
    expect(anna.locator("#message-list")).to_contain_text("And a general question.")
    expect(clara_link).to_have_attribute("aria-label", "Messages, 2 unread")

    # Clara reads one: her count goes down live.
    clara_link.click()
    clara.get_by_role("link", name=re.compile("Anna Berg")).first.click()
    expect(clara.locator("#message-list")).to_contain_text("Anna Berg")
    expect(clara_link).to_have_attribute("aria-label", "Messages, 1 unread")
    anna.context.close()
    clara.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_new_pages_pass_axe_in_english_and_french(
    site_server: LiveServer, browser: Any, cast: dict[str, Any], size: str
) -> None:
    from playwright.sync_api import expect

    audit = Audit(size)
    viewport = PHONE if size == "phone" else DESKTOP
    profile = f"{site_server.url}/organisations/{cast['organisation']}/"

    visitor = audit.page(browser)
    visitor.goto(profile)
    expect(visitor.get_by_role("link", name="Log in to message")).to_be_visible()
    audit.check(visitor, "connect-profile-visitor")
    visitor.context.close()

    for language in ("en", "fr"):
        page = audit.page(browser) if language == "en" else french_page(browser, viewport)
        log_in_any(page, site_server, cast["lucie"]["email"])
        page.goto(profile)
        expect(page.locator(".org-message a.button")).to_be_visible()
        audit.check(page, f"connect-{language}-profile")
        page.goto(f"{site_server.url}/xchange/organisations/{cast['organisation']}/message/")
        expect(page.locator("textarea")).to_be_focused()
        audit.check(page, f"connect-{language}-message")
        page.goto(f"{site_server.url}/xchange/listings/{cast['listing']}/contact/")
        expect(page.locator("textarea")).to_be_focused()
        audit.check(page, f"connect-{language}-contact")
        page.goto(f"{site_server.url}/xchange/")
        audit.check(page, f"connect-{language}-browse")
        page.goto(f"{site_server.url}/xchange/conversations/new/")
        # The picker, not the header's language select (a combobox too), in either language.
        field = page.locator("#people-q")
        field.press_sequentially("lyon hydro")
        found = page.locator("#people-q-listbox").get_by_role("option")
        # Clara (a contact, so findable by her organisation's name) and the organisation.
        expect(found).to_have_count(2)
        audit.check(page, f"connect-{language}-picker-organisation", full_page=False)
        found.filter(has_text=re.compile("Lyon Hydrogen Cluster \\(LHC\\)")).click()
        expect(page.locator("[data-picked]")).to_contain_text("Clara Roux")
        page.context.close()
    audit.assert_clean()


def log_in_any(page: Any, server: LiveServer, email: str) -> None:
    """The login form in any language: by field names rather than labels."""
    from tests.browser.conftest import PASSWORD

    page.goto(f"{server.url}/account/login/")
    page.locator("input[name=username], input[name=email]").first.fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
