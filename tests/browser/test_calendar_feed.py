"""The calendar feed page in Chromium: the address to copy, the copy button, a reset that
ends the old address; axe-core clean on a desktop and a phone, in English and French.
Screenshots: test-artifacts/calendar-feed-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, log_in, make_people, shot
from tests.browser.test_accessibility import AXE, RUN_AXE, WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVENT_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import Organisation
from webinars.models import Event, Registration
starts = timezone.now() + timedelta(days=3)
event = Event.objects.create(
    kind="webinar", title="Clusters and the green transition", slug="green-" + params["tag"],
    summary="How clusters help their members cut emissions.", starts_at=starts,
    ends_at=starts + timedelta(hours=1), status="published",
)
Registration.objects.create(event=event, user_id=params["user"], status="registered")
result = {"uid": f"event-{event.pk}@"}
"""


def _audit(page: Any, name: str) -> list[str]:
    """Every axe finding (whatever its impact), and any sideways scrolling."""
    page.evaluate(AXE.read_text())
    problems = [
        f"{name}: {v['impact']} {v['id']} {v['targets']}" for v in page.evaluate(RUN_AXE, WCAG_TAGS)
    ]
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{name}: {overflow}px wider than the screen")
    return problems


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_calendar_feed_page(site_server, browser, locale, size):
    from playwright.sync_api import expect

    (person,) = make_people(site_server, "Clara Calendar")
    made = site_server.django(EVENT_CODE, user=person["id"], tag=f"{size}-{locale}".lower())
    context = browser.new_context(
        viewport=DESKTOP if size == "desktop" else PHONE,
        locale=locale,
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in_any_language(page, site_server, person["email"], locale)
        page.goto(f"{site_server.url}/events/calendar/feed/")
        field = page.locator("#feed-url")
        address = field.input_value()
        assert "/events/feed/" in address
        assert address.endswith(".ics")
        feed = page.request.get(address.replace("http://127.0.0.1:8000", site_server.url))
        assert feed.status == 200
        assert made["uid"] in feed.text()

        page.locator("#feed-copy").click()
        expect(page.locator("#feed-copy-status")).not_to_be_empty()
        assert page.evaluate("() => navigator.clipboard.readText()") == address
        problems = _audit(page, f"{size} {locale}")
        shot(page, f"calendar-feed-{size}-{locale[:2]}", full_page=True)
        assert not problems, problems

        page.locator(".feed-reset button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#feed-url").input_value() != address
        expect(page.locator(".messages")).to_be_visible()
        gone = page.request.get(address.replace("http://127.0.0.1:8000", site_server.url))
        assert gone.status == 404
        problems = _audit(page, f"{size} {locale} after reset")
        shot(page, f"calendar-feed-{size}-{locale[:2]}-reset")
        assert not problems, problems
    finally:
        context.close()


def log_in_any_language(page: Any, server: Any, email: str, locale: str) -> None:
    if locale.startswith("en"):
        log_in(page, server, email)
        return
    from tests.browser.conftest import PASSWORD

    page.goto(f"{server.url}/account/login/")
    page.locator("input[type=email], input[name=username]").first.fill(email)
    page.locator("input[type=password]").first.fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
