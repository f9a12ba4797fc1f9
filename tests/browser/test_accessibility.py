"""The pages changed lately pass axe-core's WCAG 2.1 A/AA rules, on a desktop and a phone.

Each page is visited as the person who uses it (a visitor, a cluster manager who is a group
conversation's admin, staff), in the state people meet it in: the login page with the
limiter's wait message, registration with its errors, the people picker with its list open.
axe-core (node_modules/axe-core, pinned in package.json) is evaluated in the page through
Playwright's evaluate, which the page's Content-Security-Policy does not govern, so the page
runs under its real nonce-only CSP (a browser context with bypass_csp would hide a script
without its nonce). The test fails on any violation of impact "serious" or "critical", on a
page wider than the phone's screen, and on any CSP violation the page reports; the failure
lists every finding with its targets. Screenshots of every page go to test-artifacts/.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    log_in,
    make_people,
    new_page,
    shot,
)
from tests.realtime.harness import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# Before any page script: collect every CSP violation the page reports.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
    html: v.nodes[0].html.slice(0, 300), why: v.nodes[0].failureSummary,
  }));
}
"""

PAGE_WIDTH = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

CAST_CODE = """
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from community.models import Organisation, OrganisationMembership, User
from community.services.news import news_create
from community.services.organisations import (
    organisation_create, organisation_publish, organisation_submit_for_review,
)
from messaging.services.conversations import conversation_open
from notifications.services import notify

anna, marc, lena = (User.objects.get(pk=pk) for pk in params["people"])
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save()

buffer = io.BytesIO()
Image.new("RGB", (240, 120), (11, 79, 138)).save(buffer, format="PNG")
logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
profile = {
    "type": "cluster", "country": "DE", "city": "Hamburg",
    "description": "Hydrogen for ports, buses and steel, from research to the quay.",
    "website": "https://hydrogen-valley.example.org", "contact_email": "hello@example.org",
    "ecosystems": ["energy-renewables"], "primary_ecosystem": "energy-renewables",
}
valley = organisation_create(
    user=anna, data={**profile, "name": f"Hydrogen Valley {params['tag']}", "logo": logo}
)
for person in (marc, lena):
    OrganisationMembership.objects.create(organisation=valley, user=person, role="member")
organisation_submit_for_review(organisation=valley, user=anna)
organisation_publish(
    organisation=valley, user=staff,
    reason="Part of the Hamburg regional hydrogen programme; members listed on its site.",
)
waiting = organisation_create(user=marc, data={**profile, "name": f"Port Cluster {params['tag']}"})
organisation_submit_for_review(organisation=waiting, user=marc)

for n in range(3):
    news_create(
        author=staff, title=f"Call for hydrogen pilots, round {n + 1}",
        summary="Ports and bus operators can apply until the end of the month.",
    )
group, _new = conversation_open(
    creator=anna, participants=[marc], title="Hydrogen buses",
    first_message="Shall we meet in Brussels next week?",
)
(notification,) = notify(
    recipients=[anna], kind="organisation.reviewed", verb=f"{valley.name} is published.",
    actor=staff, target=valley, url=f"/organisations/{valley.slug}/",
)
from community.models import Partnership
from forums.services.forums import forum_for_partnership
from forums.services.topics import post_reply, topic_create
partnership = Partnership.objects.create(
    kind="escp_4i", name=f"Blue Ports {params['tag']}", slug=f"blue-ports-{params['tag']}",
    coordinator=valley,
)
forum = forum_for_partnership(partnership)
topic = topic_create(
    author=anna, group=forum.groups.get(slug="funding"), title="Horizon call",
    body="Who applies with us? **Deadline** in May.",
)
post_reply(author=marc, topic=topic, body="We do, with two SMEs.")
# The information hub's kinds in the staff queue and log: a library suggestion waiting, a
# library decision and a call decision.
from datetime import timedelta
from django.utils import timezone
from hub.models import Call
from hub.services.calls import call_reject
from hub.services.library import item_create, item_publish
item_create(
    user=marc, item_type="guide", title="Guide to hydrogen clusters", countries=["DE", "NL"],
    url="https://example.org/hydrogen-guide",
)
item_publish(
    item=item_create(
        user=lena, item_type="study", title="Port logistics study",
        url="https://example.org/port-study",
    ),
    user=staff,
)
call = Call.objects.create(
    title="Blue ports call", slug=f"blue-ports-call-{params['tag']}", kind="funding",
    summary="Money for ports.", deadline=timezone.now() + timedelta(days=30),
    time_zone="Europe/Brussels", official_url="https://example.org/call", author=anna,
    organisation=valley, status="needs_review", submitted_at=timezone.now(),
)
call_reject(call=call, user=staff, reason="The official link is missing.")
result = {
    "organisation": valley.slug, "group": group.pk, "notification": notification.pk,
    "forum": forum.get_absolute_url(),
    "forum_group": forum.groups.get(slug="funding").get_absolute_url(),
    "topic": topic.get_absolute_url(),
}
"""


@pytest.fixture(scope="module")
def cast(site_server: LiveServer) -> dict[str, Any]:
    """Anna admins a published organisation (with a logo) and a group conversation with Marc;
    Lena is their colleague, not in the group; another profile waits for staff."""
    anna, marc, lena, staff = make_people(
        site_server, "Anna Berg", "Marc Lindqvist", "Lena Novak", "Sofia Staff"
    )
    made = site_server.django(
        CAST_CODE,
        people=[anna["id"], marc["id"], lena["id"]],
        staff=staff["id"],
        tag=secrets.token_hex(2),
    )
    return {"anna": anna, "lena": lena, "staff": staff, **made}


class Audit:
    """Runs axe (and the width and CSP checks) on pages and keeps what it found."""

    def __init__(self, size: str) -> None:
        self.size = size
        self.axe_source = AXE.read_text()
        self.findings: list[str] = []

    def page(self, browser: Any) -> Any:
        page = new_page(browser, PHONE if self.size == "phone" else DESKTOP)
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        return page

    def check(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe_source)
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            line = (
                f"[{self.size}] {name}: {violation['impact']} {violation['id']} "
                f"({violation['help']}) at {json.dumps(violation['targets'])}; first: "
                f"{violation['html']} ({violation['why']})"
            )
            self.findings.append(("FAIL " if violation["impact"] in BLOCKING else "note ") + line)
        overflow = page.evaluate(PAGE_WIDTH)
        if overflow > 0:
            self.findings.append(f"FAIL [{self.size}] {name}: {overflow}px wider than the screen")
        for csp in page.evaluate("() => window.__cspViolations"):
            self.findings.append(f"FAIL [{self.size}] {name}: CSP refused {csp}")
        if full_page:  # from the top, or a sticky header lands mid-picture
            page.evaluate("() => window.scrollTo(0, 0)")
        return shot(page, f"a11y-{self.size}-{name}", full_page=full_page)

    def assert_clean(self) -> None:
        failures = [line for line in self.findings if line.startswith("FAIL")]
        assert not failures, "\n".join(self.findings)


def _wait_for_listbox(page: Any, field: Any, typed: str) -> None:
    from playwright.sync_api import expect

    field.press_sequentially(typed)
    options = page.get_by_role("listbox", name="People found").get_by_role("option")
    expect(options).to_have_count(1)
    field.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")


def _visitor_pages(audit: Audit, browser: Any, server: LiveServer, cast: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = audit.page(browser)
    page.goto(f"{server.url}/account/login/")
    audit.check(page, "login")
    # A fresh address with no account: six wrong passwords spend the (account, address)
    # budget (LOGIN_PAIR_FAILURES=5) without locking the address for the other logins.
    nobody = f"nobody-{secrets.token_hex(3)}@example.org"
    for _attempt in range(6):
        page.get_by_label("Email address").fill(nobody)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("main").get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    expect(page.get_by_text("Too many")).to_be_visible()
    audit.check(page, "login-wait")

    page.goto(f"{server.url}/account/register/")
    audit.check(page, "register")
    page.get_by_role("main").get_by_role("button").last.click()
    page.wait_for_load_state()
    audit.check(page, "register-errors")
    page.goto(f"{server.url}/account/register/sent/")
    audit.check(page, "register-sent")

    page.goto(f"{server.url}/news/?q=hydrogen")
    expect(page.get_by_role("main").get_by_role("searchbox")).to_have_value("hydrogen")
    audit.check(page, "news")
    page.goto(f"{server.url}/organisations/{cast['organisation']}/")
    expect(page.locator("img.org-logo")).to_be_visible()
    audit.check(page, "organisation")
    for slug in ("privacy", "help"):
        page.goto(f"{server.url}/{slug}/")
        audit.check(page, f"page-{slug}")
    page.context.close()


def _manager_pages(audit: Audit, browser: Any, server: LiveServer, cast: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = audit.page(browser)
    log_in(page, server, cast["anna"]["email"])
    for name, path in (
        ("home-member", "/"),
        ("password-change", "/account/password/"),
        ("account-delete", "/account/delete/"),
        ("notification-open", f"/notifications/{cast['notification']}/open/"),
        ("forums", "/forums/"),
        ("forum", cast["forum"]),
        ("forum-group", cast["forum_group"]),
        ("forum-topic", cast["topic"]),
    ):
        page.goto(f"{server.url}{path}")
        audit.check(page, name)

    page.goto(f"{server.url}/xchange/conversations/new/")
    audit.check(page, "conversation-new")
    field = page.get_by_role("combobox", name="Find people by name or organisation")
    _wait_for_listbox(page, field, "lindq")
    audit.check(page, "conversation-new-picker", full_page=False)

    page.goto(f"{server.url}/xchange/conversations/{cast['group']}/")
    expect(page.locator("#message-list")).to_contain_text("Brussels")
    # Open on a wide screen (conversation.js); on a phone, people open it themselves.
    if not page.locator("#conversation-info").evaluate("(details) => details.open"):
        page.get_by_text("Participants and settings").click()
    audit.check(page, "conversation-group")
    field = page.get_by_role("combobox", name="Find people by name or organisation")
    _wait_for_listbox(page, field, "novak")
    audit.check(page, "conversation-group-picker", full_page=False)
    page.context.close()


def _staff_pages(audit: Audit, browser: Any, server: LiveServer, cast: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = audit.page(browser)
    log_in(page, server, cast["staff"]["email"])
    page.goto(f"{server.url}/moderation/")
    expect(page.get_by_role("main")).to_contain_text("Port Cluster")
    expect(page.get_by_role("main")).to_contain_text("Guide to hydrogen clusters")
    audit.check(page, "moderation-queue")
    page.get_by_role("main").get_by_role("link", name="Reject…").first.click()
    page.get_by_role("button", name="Reject and send the reason").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    audit.check(page, "moderation-reject-error")
    page.goto(f"{server.url}/")
    audit.check(page, "home-staff")
    page.goto(f"{server.url}/moderation/log/")
    expect(page.get_by_role("main")).to_contain_text("Hamburg regional hydrogen programme")
    expect(page.get_by_role("main")).to_contain_text("The official link is missing.")
    expect(page.get_by_role("main")).to_contain_text("Port logistics study")
    audit.check(page, "moderation-log")
    page.goto(f"{server.url}/moderation/log/?kind=call")
    expect(page.get_by_role("main")).not_to_contain_text("Port logistics study")
    audit.check(page, "moderation-log-calls")
    page.goto(f"{server.url}{cast['topic']}")
    expect(page.get_by_role("main")).to_contain_text("Moderation log")
    audit.check(page, "forum-topic-staff")
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_changed_pages_pass_axe_on_desktop_and_phone(
    site_server: LiveServer, browser: Any, cast: dict[str, Any], size: str
) -> None:
    audit = Audit(size)
    _visitor_pages(audit, browser, site_server, cast)
    _manager_pages(audit, browser, site_server, cast)
    _staff_pages(audit, browser, site_server, cast)
    audit.assert_clean()
