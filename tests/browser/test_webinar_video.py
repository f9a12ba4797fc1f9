"""Two people hold a video call in a small room: two Chromium browsers with fake camera and
microphone join the call of `/events/<slug>/room/`, and each peer connection reaches
"connected" over loopback (webinars/static/webinars/video.js; docs/realtime.md "Video
calls"). Then mute and leave travel to the other side; screenshots (English and French,
desktop and phone) and axe-core on the page in a call.

No STUN or TURN server: host candidates on loopback only, nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
    shot,
)
from tests.browser.test_accessibility import AXE, BLOCKING, RUN_AXE, WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]

EVENT_CODE = """
from community.models import Ecosystem, User
from community.models.taxonomy import ECOSYSTEMS
for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
from tests.factories import EventFactory, RegistrationFactory
event = EventFactory(room_format="video", title="Cluster twinning call")
for user_id in params["ids"]:
    RegistrationFactory(event=event, user=User.objects.get(pk=user_id))
result = {"id": event.pk, "slug": event.slug}
"""

RECONNECT_MS = 90_000
CONNECTED = ".video-tile[data-peer][data-state='connected']"
# Frames decoded from the other side: the fake camera's picture reached us.
VIDEO_PLAYS = """() => [...document.querySelectorAll('.video-tile[data-peer] video')]
  .some((v) => v.videoWidth > 0 && v.readyState >= 2)"""


@pytest.fixture(scope="module")
def media_browsers() -> Iterator[list[Any]]:
    """Two Chromium processes with a fake camera and microphone, no permission prompt."""
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


def open_page(browser: Any, viewport: dict[str, int], locale: str) -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.grant_permissions(["camera", "microphone"])
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def set_language(page: Any, server: LiveServer, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])


def axe_violations(page: Any) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    return [
        f"{v['impact']} {v['id']} ({v['help']}) at {v['targets']}: {v['html']}"
        for v in page.evaluate(RUN_AXE, WCAG_TAGS)
        if v["impact"] in BLOCKING
    ]


def test_two_browsers_hold_a_call_over_loopback(site_server: LiveServer, media_browsers):
    from playwright.sync_api import expect

    anna, marc = make_people(site_server, "Anna Lindqvist", "Marc Dubois")
    event = site_server.django(EVENT_CODE, ids=[anna["id"], marc["id"]])
    room_url = f"{site_server.url}/events/{event['slug']}/room/"
    page_a = open_page(media_browsers[0], DESKTOP, "en-GB")
    page_b = open_page(media_browsers[1], PHONE, "fr-FR")
    for page, person, language in ((page_a, anna, "en"), (page_b, marc, "fr")):
        # The login form in English (the helper reads its labels), then the page's language.
        set_language(page, site_server, "en")
        log_in(page, site_server, person["email"])
        set_language(page, site_server, language)
        page.goto(room_url)
        expect(page.locator("#room-video")).to_have_attribute("data-call", "idle")

    page_a.locator("#room-video-join").click()
    expect(page_a.locator("#room-video")).to_have_attribute("data-call", "joined")
    page_b.locator("#room-video-join").click()
    expect(page_b.locator("#room-video")).to_have_attribute("data-call", "joined")

    # One peer connection each way, connected over loopback, the other's video playing.
    for page, other in ((page_a, "Marc Dubois"), (page_b, "Anna Lindqvist")):
        expect(page.locator(CONNECTED)).to_have_count(1)
        expect(page.locator(CONNECTED)).to_contain_text(other)
        page.wait_for_function(VIDEO_PLAYS)
    expect(page_a.locator("#room-video-live")).to_contain_text("Marc Dubois joined the call.")

    # Mute: the button says it is pressed, the other side shows it.
    page_a.locator("#room-video-mic").click()
    expect(page_a.locator("#room-video-mic")).to_have_attribute("aria-pressed", "true")
    expect(page_b.locator(".video-tile[data-peer] .video-flags")).not_to_have_text("")

    # Screenshots and axe while in the call: English on a desktop, French on a phone, then
    # the other way round.
    findings: list[str] = []
    for page, name in ((page_a, "en-desktop"), (page_b, "fr-phone")):
        findings += [f"{name}: {line}" for line in axe_violations(page)]
        page.locator("#room-video").scroll_into_view_if_needed()
        shot(page, f"webinar-video-{name}")
    page_a.set_viewport_size(PHONE)
    page_b.set_viewport_size(DESKTOP)
    for page, name in ((page_a, "en-phone"), (page_b, "fr-desktop")):
        findings += [f"{name}: {line}" for line in axe_violations(page)]
        page.locator("#room-video").scroll_into_view_if_needed()
        shot(page, f"webinar-video-{name}")
        width = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert width <= 0, f"{name}: the page is {width}px wider than the screen"
    assert not findings, "\n".join(findings)

    # Leaving: the other side drops the tile and says so.
    page_b.locator("#room-video-leave").click()
    expect(page_b.locator("#room-video")).to_have_attribute("data-call", "idle")
    expect(page_a.locator(".video-tile[data-peer]")).to_have_count(0)
    expect(page_a.locator("#room-video-live")).to_contain_text("Marc Dubois left the call.")

    # Joining again starts a fresh connection.
    page_b.locator("#room-video-join").click()
    for page in (page_a, page_b):
        expect(page.locator(CONNECTED)).to_have_count(1)

    # The server restarts (a deploy): both sockets reconnect as new peers and the call is
    # negotiated afresh, with new peer ids, by itself.
    before = page_a.locator(CONNECTED).get_attribute("data-peer")
    site_server.restart()
    for page in (page_a, page_b):
        # live.js reconnects with jittered backoff while daphne starts: give it time.
        expect(page.locator(".video-tile[data-peer]")).not_to_have_attribute(
            "data-peer", before, timeout=RECONNECT_MS
        )
        expect(page.locator(CONNECTED)).to_have_count(1, timeout=RECONNECT_MS)
        expect(page.locator("#room-video")).to_have_attribute("data-call", "joined")
    assert page_a.locator(CONNECTED).get_attribute("data-peer") != before
    for page in (page_a, page_b):
        page.context.close()
