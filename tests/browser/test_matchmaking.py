"""Issue 13's acceptance test, through the real pages in two Chromium browsers: Anna opens
Marc's participant page and asks him for a meeting (a message, a slot about to start); Marc
accepts it on his requests page; both agendas show the meeting (the other person and the
time); both open the meeting page, join its video room, and each RTCPeerConnection reaches
"connected" over loopback (fake camera and microphone, no STUN or TURN).

Both people saved French as their language (config.middleware.PersonLocaleMiddleware), so
every page is checked in French: axe-core (WCAG 2.1 A/AA, as test_accessibility.py) must find
nothing serious or critical on the participant list, the request form, the requests page, the
agenda and the meeting page, and each of them is photographed at 1280x800 and 390x844 into
/tmp/mm-shots/. The selectors are structural (ids, names, hrefs), not English words.

The slot starts a little under 5 minutes after the data is made: the room opens 5 minutes
before the slot (matchmaking/selectors meeting_call_get_for), so it is open at once, and a
request can still be sent and accepted (a slot that has started cannot).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    log_in,
    make_people,
)
from tests.browser.test_webinar_video import (
    CONNECTED,
    MEDIA_ARGS,
    axe_violations,
    open_page,
    set_language,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path("/tmp/mm-shots")
ZONE = "Europe/Brussels"  # settings.TIME_ZONE: the zone of a person without delivery settings
MESSAGE = "Bonjour Marc, parlons de vos électrolyseurs et d'un projet commun."

WORLD_CODE = """
import datetime as dt
from django.utils import timezone
from community.models import Ecosystem, User
from community.models.taxonomy import ECOSYSTEMS
for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
from matchmaking.models import MatchmakingSetup, MeetingSlot, Participant
from tests.factories import (
    EventFactory, MembershipFactory, OrganisationFactory, RegistrationFactory,
)
now = timezone.now().replace(microsecond=0)
event = EventFactory(
    kind="matchmaking",
    title="Journées de rencontres",
    starts_at=now - dt.timedelta(hours=1),
    ends_at=now + dt.timedelta(hours=8),
    time_zone=params["zone"],
)
MatchmakingSetup.objects.create(event=event)
# Opens the room at once (5 minutes before), still to come while the request is answered.
start = now + dt.timedelta(minutes=4, seconds=50)
slot = MeetingSlot.objects.create(
    event=event, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
)
MeetingSlot.objects.create(
    event=event, starts_at=now + dt.timedelta(hours=2),
    ends_at=now + dt.timedelta(hours=2, minutes=20),
)
organisations = {
    "anna": OrganisationFactory(name="Hydrogène Vallée", country="FR", type="cluster"),
    "marc": OrganisationFactory(name="Agri Nord", country="DE", type="cluster_member"),
}
ids = {}
for key, user_id in params["people"].items():
    user = User.objects.get(pk=user_id)
    MembershipFactory(organisation=organisations[key], user=user)
    RegistrationFactory(event=event, user=user)
    ids[key] = Participant.objects.get(event=event, user=user).pk
    # The saved language: every page after the login is in French.
    user.language = "fr"
    user.save(update_fields=["language"])
result = {"slug": event.slug, "participants": ids, "slot_start": slot.starts_at.isoformat()}
"""


@pytest.fixture(scope="module")
def media_browsers() -> Iterator[list[Any]]:
    """Two Chromium processes with a fake camera and microphone, no permission prompt (as
    test_webinar_video.py: one process per person, like two machines)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browsers = [
            playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *MEDIA_ARGS]
            )
            for _ in range(2)
        ]
        try:
            yield browsers
        finally:
            for browser in browsers:
                browser.close()


def check_page(page: Any, name: str, findings: list[str]) -> None:
    """axe-core on the page as it is, then screenshots at desktop and phone sizes (the
    viewport goes back to what it was)."""
    findings.extend(f"{name}: {v}" for v in axe_violations(page))
    before = page.viewport_size
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        if size == "phone":
            wider = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if wider > 0:
                findings.append(f"{name}: the page is {wider}px wider than the phone's screen")
    page.set_viewport_size(before)


def test_request_accept_agenda_and_video_room(site_server: LiveServer, media_browsers):
    from playwright.sync_api import expect

    anna, marc = make_people(site_server, "Anna Lindqvist", "Marc Dubois")
    world = site_server.django(
        WORLD_CODE, people={"anna": anna["id"], "marc": marc["id"]}, zone=ZONE
    )
    slug, ids = world["slug"], world["participants"]
    start = dt.datetime.fromisoformat(world["slot_start"]).astimezone(ZoneInfo(ZONE))
    hour = start.strftime("%H:%M")
    page_a = open_page(media_browsers[0], DESKTOP, "fr-FR")
    page_b = open_page(media_browsers[1], DESKTOP, "fr-FR")
    for page, person in ((page_a, anna), (page_b, marc)):
        # The login form in English (the helper reads its labels); the saved French after it.
        set_language(page, site_server, "en")
        log_in(page, site_server, person["email"])
        page.context.clear_cookies(name="django_language")
    findings: list[str] = []
    base = f"{site_server.url}/matchmaking"

    # Anna finds Marc in the participant list and opens his page.
    page_a.goto(f"{base}/{slug}/")
    expect(page_a.locator("html")).to_have_attribute("lang", "fr")
    marc_link = page_a.locator(f"main a[href$='/participants/{ids['marc']}/']").first
    expect(marc_link).to_contain_text("Marc Dubois")
    check_page(page_a, "participants", findings)
    marc_link.click()
    expect(page_a.get_by_role("heading", level=1)).to_have_text("Marc Dubois")

    # ... and asks him for a meeting: a message and the slot about to start.
    page_a.locator(f"a.button[href$='/participants/{ids['marc']}/request/']").click()
    form = page_a.locator("main form.form-card")
    expect(form).to_be_visible()
    check_page(page_a, "request-form", findings)
    form.locator("input[name='slots']").first.check()
    form.locator("textarea[name='message']").fill(MESSAGE)
    form.locator("button[type='submit']").click()
    page_a.wait_for_url("**/matchmaking/requests/*/")
    expect(page_a.locator(".mm-message")).to_contain_text(MESSAGE)
    request_path = page_a.url.removeprefix(site_server.url)

    # Marc sees it on his requests page, opens it and accepts the proposed time.
    page_b.goto(f"{base}/{slug}/requests/")
    received = page_b.locator(f"main a[href='{request_path}']").first
    expect(received).to_be_visible()
    expect(page_b.locator("main")).to_contain_text("Anna Lindqvist")
    check_page(page_b, "requests", findings)
    received.click()
    expect(page_b.locator(".mm-message")).to_contain_text(MESSAGE)
    accept = page_b.locator("form:has(input[name='action'][value='accept'])")
    accept.locator("button[type='submit']").click()
    expect(page_b.locator("#mm-meeting")).to_be_visible()
    expect(page_b.locator("form:has(input[name='action'][value='accept'])")).to_have_count(0)

    # Both agendas show the meeting: with the other person, at the slot's time.
    meeting_links = []
    for page, other, name in ((page_a, marc, "agenda"), (page_b, anna, None)):
        page.goto(f"{base}/{slug}/agenda/")
        item = page.locator("li.agenda-meeting")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(other["name"])
        expect(item.locator("time")).to_contain_text(hour)
        if name:
            check_page(page, name, findings)
        meeting_links.append(item.locator("a[href*='/matchmaking/meetings/']"))

    # Both open the meeting page from their agenda: the room is open; both join the call.
    for page, link in zip((page_a, page_b), meeting_links, strict=True):
        link.click()
        page.wait_for_url("**/matchmaking/meetings/*/")
        expect(page.locator("#room-video")).to_have_attribute("data-call", "idle")
    assert page_a.url == page_b.url
    check_page(page_a, "meeting", findings)
    for page in (page_a, page_b):
        page.locator("#room-video-join").click()
        expect(page.locator("#room-video")).to_have_attribute("data-call", "joined")
    # Each side sees the other's tile with its peer connection "connected" (video.js writes
    # RTCPeerConnection.connectionState into data-state).
    for page, other in ((page_a, marc), (page_b, anna)):
        expect(page.locator(CONNECTED)).to_have_count(1, timeout=45_000)
        expect(page.locator(CONNECTED)).to_contain_text(other["name"])
    check_page(page_b, "meeting-in-call", findings)

    assert not findings, "\n".join(findings)
    for page in (page_a, page_b):
        page.context.close()
