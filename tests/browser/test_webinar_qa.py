"""Questions, polls and raised hands in a live webinar room, in two real browsers: an
attendee registers on the event's page, joins the room from it and asks, the host sees it
live and answers; a poll's results update in both; the
attendee's network is cut while the host answers another question and closes the poll, and
once it is back the attendee sees everything missed. Both pages pass axe-core (WCAG 2.1 AA)
with no CSP violation; screenshots (en and fr, desktop and phone, host and attendee) go to
test-artifacts/."""

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
    shot,
)
from tests.browser.test_accessibility import AXE, RECORD_CSP_VIOLATIONS, WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOM_CODE = """
from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from community.models import User
from tests.factories import EventFactory, EventPersonFactory

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
host, attendee = (User.objects.get(pk=pk) for pk in params["people"])
event = EventFactory(title="Clusters going international")
EventPersonFactory(event=event, user=host)
result = {"slug": event.slug, "id": event.pk}
"""


def _page(browser: Any, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB") -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


class Network:
    """The attendee's network, between the page and the server's socket. Chromium's offline
    emulation (`context.set_offline`) blocks new requests but leaves an established
    WebSocket open, so the socket goes through Playwright's WebSocket route, which cuts it
    for real (the page sees it close, as after a dropped connection) and refuses new ones
    until the network is back."""

    def __init__(self) -> None:
        self.down = False
        self.sockets: list[tuple[Any, Any]] = []

    def route(self, ws: Any) -> None:
        if self.down:
            ws.close(code=4000, reason="offline")
            return
        self.sockets.append((ws, ws.connect_to_server()))

    def cut(self, page: Any) -> None:
        self.down = True
        page.context.set_offline(True)
        for ws, server in self.sockets:
            ws.close(code=4000, reason="network cut")
            server.close()
        self.sockets.clear()

    def restore(self, page: Any) -> None:
        self.down = False
        page.context.set_offline(False)


def _enter(
    page: Any,
    server: LiveServer,
    email: str,
    slug: str,
    language: str | None = None,
    *,
    register: bool = False,
) -> None:
    """Log in and open the room; with `register`, first register on the event's page and
    follow its "Join the room" link, as an attendee does."""
    log_in(page, server, email)
    if language:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": server.url}]
        )
    if register:
        page.goto(f"{server.url}/events/{slug}/")
        page.get_by_role("button", name="Register", exact=True).click()
        page.locator(".reg-status.reg-registered").wait_for()
        page.get_by_role("link", name="Join the room").click()
        page.wait_for_url(f"**/events/{slug}/room/")
    else:
        page.goto(f"{server.url}/events/{slug}/room/")
    page.locator("#room-connection[data-status='online']").wait_for()
    # Each panel loaded its snapshot.
    page.locator("#room-qa-empty, #room-qa-list li").first.wait_for()


# axe-core over this slice's panels (the rest of the page is the room slice's to check).
RUN_AXE = """
async (tags) => {
  const context = {include: [["#room-qa"], ["#room-polls"], ["#room-hands"]]};
  const results = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}
"""


def _audit(page: Any, name: str) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]}"
        for v in page.evaluate(RUN_AXE, WCAG_TAGS)
    ]
    assert not found, f"{name}: " + "; ".join(found)
    assert page.evaluate("() => window.__cspViolations") == [], name
    width = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert width <= 0, f"{name}: the page is {width}px wider than the screen"


def _panels(page: Any, name: str) -> None:
    """Screenshots of the three panels (they sit in the side column)."""
    page.locator("#room-qa").scroll_into_view_if_needed()
    shot(page, f"{name}-qa")
    page.locator("#room-polls").scroll_into_view_if_needed()
    shot(page, f"{name}-polls")
    page.locator("#room-hands").scroll_into_view_if_needed()
    shot(page, f"{name}-hands")


def test_questions_polls_and_hands_between_two_browsers(site_server, browser):
    from playwright.sync_api import expect

    server = site_server
    host_person, attendee_person = make_people(server, "Hugo Host", "Anna Attendee")
    room = server.django(ROOM_CODE, people=[host_person["id"], attendee_person["id"]])
    host = _page(browser)
    attendee = _page(browser)
    network = Network()
    attendee.route_web_socket(re.compile(r"/ws/"), network.route)
    _enter(host, server, host_person["email"], room["slug"])
    _enter(attendee, server, attendee_person["email"], room["slug"], register=True)

    # The attendee asks; the host sees it live and answers it.
    attendee.get_by_label("Your question").fill("How do we apply for the exchange?")
    attendee.locator("#room-qa-form").get_by_role("button", name="Ask").click()
    host_question = host.locator("#room-qa-list li", has_text="How do we apply")
    expect(host_question).to_be_visible()
    expect(host.locator("#room-qa-live")).to_contain_text("New question from Anna Attendee")
    host_question.get_by_text("Answer", exact=True).click()
    host_question.get_by_label("Written answer (optional)").fill("Through the call page.")
    host_question.get_by_role("button", name="Mark answered").click()
    attendee_question = attendee.locator("#room-qa-list li", has_text="How do we apply")
    expect(attendee_question).to_contain_text("Through the call page.")
    expect(attendee.locator("#room-qa-live")).to_contain_text("Answered")

    # An anonymous question: the host sees who asked, nobody else would.
    attendee.get_by_label("Your question").fill("Is there a fee?")
    attendee.get_by_label("Ask anonymously").check()
    attendee.locator("#room-qa-form").get_by_role("button", name="Ask").click()
    expect(host.locator("#room-qa-list li", has_text="Is there a fee?")).to_contain_text(
        "Anonymous (asked by Anna Attendee)"
    )
    expect(attendee.locator("#room-qa-list li", has_text="Is there a fee?")).to_contain_text(
        "Anonymous (you)"
    )

    # The host opens a poll; the attendee votes; the results update in both.
    host.locator("#room-poll-new summary").click()
    host.get_by_label("Question", exact=True).fill("Which call suits you?")
    host.get_by_label("Option 1", exact=True).fill("Horizon Europe")
    host.get_by_label("Option 2", exact=True).fill("Interreg")
    host.locator("#room-poll-form").get_by_role("button", name="Open now").click()
    attendee_poll = attendee.locator("#room-polls-list li", has_text="Which call suits you?")
    expect(attendee_poll).to_be_visible()
    attendee_poll.get_by_role("radio", name="Interreg").check()
    attendee_poll.get_by_role("button", name="Vote").click()
    host_poll = host.locator("#room-polls-list li", has_text="Which call suits you?")
    expect(host_poll.locator("dd").nth(1)).to_contain_text("1 vote")
    expect(attendee_poll.locator("dd").nth(1)).to_contain_text("1 vote")

    # The attendee raises a hand: the host's queue shows it.
    attendee.locator("#room-hand-toggle").click()
    expect(attendee.locator("#room-hands-status")).to_contain_text("number 1 in the queue")
    expect(host.locator("#room-hands-queue li")).to_contain_text("Anna Attendee")

    for page, who in ((host, "host"), (attendee, "attendee")):
        _audit(page, f"room-qa-{who}-desktop")
        _panels(page, f"room-qa-{who}-desktop")

    # The attendee's network is cut while the host answers and closes the poll.
    network.cut(attendee)
    expect(attendee.locator("#room-connection")).not_to_have_attribute("data-status", "online")
    fee = host.locator("#room-qa-list li", has_text="Is there a fee?")
    fee.get_by_text("Answer", exact=True).click()
    fee.get_by_label("Written answer (optional)").fill("No, it is free.")
    fee.get_by_role("button", name="Mark answered").click()
    expect(fee).to_contain_text("No, it is free.")
    host_poll.get_by_role("button", name="Close the poll").click()
    expect(host_poll).to_contain_text("Closed")
    host.locator("#room-hands-queue li").get_by_role("button", name="Give the floor").click()
    expect(host.locator("#room-hands-queue li")).to_have_count(0)
    network.restore(attendee)

    # Back online: everything missed arrives, without reloading the page.
    expect(attendee.locator("#room-connection")).to_have_attribute("data-status", "online")
    expect(attendee.locator("#room-qa-list li", has_text="Is there a fee?")).to_contain_text(
        "No, it is free."
    )
    expect(attendee_poll).to_contain_text("Closed")
    expect(attendee_poll.locator("form.room-poll-vote")).to_have_count(0)
    expect(attendee.locator("#room-hands-status")).to_contain_text("Your hand is down")
    expect(attendee.locator("#room-hands-live")).to_contain_text("A host gave you the floor")

    # Phones, and French.
    for page, who in ((host, "host"), (attendee, "attendee")):
        page.set_viewport_size(PHONE)
        _audit(page, f"room-qa-{who}-phone")
        _panels(page, f"room-qa-{who}-phone")
    french = _page(browser)
    _enter(french, server, attendee_person["email"], room["slug"], language="fr")
    assert french.locator("html").get_attribute("lang") == "fr"
    expect(french.locator("#room-polls-list li")).to_have_count(1)
    _audit(french, "room-qa-attendee-fr")
    _panels(french, "room-qa-attendee-fr-desktop")
    french_host = _page(browser, viewport=PHONE)
    _enter(french_host, server, host_person["email"], room["slug"], language="fr")
    _audit(french_host, "room-qa-host-fr-phone")
    _panels(french_host, "room-qa-host-fr-phone")
    for page in (host, attendee, french, french_host):
        page.context.close()
