"""A live webinar room in two browsers against a real daphne (room basics).

Hugo hosts on a desktop, Anna attends on a phone: Anna's chat message appears on Hugo's
page live; Hugo removes Anna and within 2 seconds Anna's page says so and stops her
writing. Then the room page as host and as attendee, desktop and phone, English and French:
axe-core (WCAG 2.1 A/AA: no serious or critical finding), no CSP violation, no page wider
than the phone, and screenshots in test-artifacts/.
"""

from __future__ import annotations

import time
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
from tests.browser.test_accessibility import (
    AXE,
    BLOCKING,
    PAGE_WIDTH,
    RECORD_CSP_VIOLATIONS,
    RUN_AXE,
    WCAG_TAGS,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOM_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import User
from webinars.models import Event, EventPerson, Registration
now = timezone.now()
event = Event.objects.create(
    kind="webinar", title="Hydrogen valleys: what works", slug=f"hydrogen-{params['tag']}",
    summary="Three cluster managers on hydrogen valleys.", status="published",
    starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1),
    stream_url="https://stream.example.org/live",
)
EventPerson.objects.create(event=event, user_id=params["host"], role="host")
for pk in params["attendees"]:
    Registration.objects.create(event=event, user_id=pk, status="registered")
result = {"id": event.pk, "url": f"/events/{event.slug}/room/"}
"""


def _room(server: LiveServer, host: dict[str, Any], *attendees: dict[str, Any]) -> dict[str, Any]:
    import secrets

    return server.django(
        ROOM_CODE,
        tag=secrets.token_hex(3),
        host=host["id"],
        attendees=[a["id"] for a in attendees],
    )


def _page(browser: Any, viewport: dict[str, int], locale: str = "en-GB") -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


def _live(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#room-connection")).to_have_attribute("data-status", "online")


def test_attendee_chats_and_the_host_removes_them(site_server: LiveServer, browser: Any) -> None:
    from playwright.sync_api import expect

    hugo, anna = make_people(site_server, "Hugo Host", "Anna Attendee")
    room = _room(site_server, hugo, anna)
    host = _page(browser, DESKTOP)
    log_in(host, site_server, hugo["email"])
    host.goto(site_server.url + room["url"])
    _live(host)
    attendee = _page(browser, PHONE)
    log_in(attendee, site_server, anna["email"])
    attendee.goto(site_server.url + room["url"])
    _live(attendee)
    expect(attendee.locator("#room-people-count")).to_have_text("2 people in the room")

    # Anna writes (Enter sends, from the keyboard); Hugo sees it live, with her name.
    attendee.get_by_label("Your message").fill("Where can I find the slides?")
    attendee.get_by_label("Your message").press("Enter")
    expect(attendee.locator("#room-chat-list li", has_text="Where can I find")).to_have_count(1)
    message = host.locator("#room-chat-list li", has_text="Where can I find the slides?")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Anna Attendee")
    expect(host.locator("#room-chat-live")).to_contain_text("Where can I find the slides?")

    # Hugo sees Anna among the people, as an attendee, and removes her.
    person = host.locator(f"#room-people-list li[data-user-id='{anna['id']}']")
    expect(person.locator(".badge")).to_have_text("Attendee")
    me = host.locator(f"#room-people-list li[data-user-id='{hugo['id']}'] .badge")
    expect(me).to_have_text("Host")
    host.on("dialog", lambda dialog: dialog.accept())
    started = time.monotonic()
    person.get_by_role("button", name="Remove Anna Attendee from the room").click()
    notice = attendee.locator("#room-notice")
    expect(notice).to_have_text(
        "A host removed you from this room. You cannot rejoin it.", timeout=2000
    )
    assert time.monotonic() - started < 2.5  # the click's own round trip included
    expect(attendee.get_by_label("Your message")).to_be_disabled()
    expect(host.locator("#room-people-list li", has_text="Anna Attendee")).to_have_count(0)
    shot(attendee, "webinar-room-removed-phone")
    # She cannot come back.
    response = attendee.goto(site_server.url + room["url"])
    assert response.status == 404
    host.context.close()
    attendee.context.close()


def _audit(page: Any, name: str, axe_source: str) -> list[str]:
    problems = []
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
        if violation["impact"] in BLOCKING:
            problems.append(f"{name}: {violation['id']} {violation['targets']} {violation['why']}")
    if page.evaluate(PAGE_WIDTH) > 0:
        problems.append(f"{name}: wider than the screen")
    problems.extend(f"{name}: CSP {v}" for v in page.evaluate("() => window.__cspViolations"))
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, name, full_page=True)
    return problems


def test_the_room_page_is_accessible_in_english_and_french(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    hugo, anna, bruno = make_people(site_server, "Hugo Host", "Anna Attendee", "Bruno Berg")
    room = _room(site_server, hugo, anna, bruno)
    axe_source = AXE.read_text()
    problems: list[str] = []
    # Bruno is there with a message, so the lists are not empty.
    other = _page(browser, DESKTOP)
    log_in(other, site_server, bruno["email"])
    other.goto(site_server.url + room["url"])
    _live(other)
    other.get_by_label("Your message").fill("Hello from Hamburg!")
    other.get_by_role("button", name="Send", exact=True).click()
    expect(other.locator("#room-chat-list li")).to_have_count(1)
    for lang in ("en", "fr"):
        for who, person in (("host", hugo), ("attendee", anna)):
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page = _page(browser, viewport)
                log_in_as(page, site_server, person["email"], lang)
                page.goto(site_server.url + room["url"])
                _live(page)
                expect(page.locator("#room-chat-list li")).to_have_count(1)
                if who == "host":
                    expect(page.locator("#room-people-list li")).to_have_count(2)
                problems += _audit(page, f"webinar-room-{who}-{size}-{lang}", axe_source)
                page.context.close()
    other.context.close()
    # Before it opens, a registered person is told when.
    later = _room(site_server, hugo, anna)
    site_server.django(LATER_CODE, id=later["id"])
    for lang in ("en", "fr"):
        page = _page(browser, PHONE)
        log_in_as(page, site_server, anna["email"], lang)
        page.goto(site_server.url + later["url"])
        expect(page.locator("#room-closed")).to_be_visible()
        problems += _audit(page, f"webinar-room-not-yet-phone-{lang}", axe_source)
        page.context.close()
    assert not problems, "\n".join(problems)


LATER_CODE = """
from datetime import timedelta
from django.utils import timezone
from webinars.models import Event
start = timezone.now() + timedelta(days=1)
Event.objects.filter(pk=params["id"]).update(starts_at=start, ends_at=start + timedelta(hours=1))
"""


def log_in_as(page: Any, server: LiveServer, email: str, lang: str) -> None:
    """Log in (the form is English), then switch the language with the site's cookie."""
    log_in(page, server, email)
    if lang != "en":
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": server.url}])
