# ruff: noqa: RUF001  (French typographic apostrophes in the test data)
"""A call's page in a real browser: the deadline countdown (hub/static/hub/calls.js) follows
the clock to the deadline and then says the call is closed, in English and in French; and
deleting a call through its confirmation page, as its author and as staff, in French on a
desktop and a phone, with axe-core, the width and the CSP checked on the confirmation page.

The browser's clock is Playwright's (page.clock): installed before the page loads and moved
with fast_forward, which runs the countdown's timer as the real clock would, without waiting.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import PHONE, TIMEOUT_MS, LiveServer, log_in, make_people
from tests.browser.test_accessibility import RECORD_CSP_VIOLATIONS, Audit
from tests.browser.test_webinar_video import set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP_TALL = {"width": 1280, "height": 900}

WORLD_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import Organisation, OrganisationMembership, User
from hub.models import Call, CallFollow

author, follower, staff = (User.objects.get(pk=pk) for pk in params["people"])
staff.is_staff = True
staff.save()
org = Organisation.objects.create(
    name=f"Pôle Hydrogène {params['tag']}", slug=f"pole-hydrogene-{params['tag']}",
    type="cluster", country="FR", city="Lyon", status="published", description="Un pôle.",
)
OrganisationMembership.objects.create(organisation=org, user=author, role="member")
now = timezone.now()
calls = {}
for name in params["calls"]:
    call = Call.objects.create(
        title=f"Appel {name} : vallées de l’hydrogène {params['tag']}",
        slug=f"appel-{name}-{params['tag']}", kind="funding", programme="Horizon Europe",
        funder="Commission européenne", summary="Des fonds pour les pôles.",
        body="Postulez **avant** la date limite.", deadline=now + timedelta(days=10),
        time_zone="Europe/Brussels", official_url="https://ec.europa.eu/", author=author,
        organisation=org, status="published", published_at=now, language="fr",
    )
    CallFollow.objects.create(call=call, user=follower)
    calls[name] = {"slug": call.slug, "title": call.title, "deadline": call.deadline.isoformat()}
result = calls
"""

EXISTS_CODE = """
from hub.models import Call
result = Call.objects.filter(slug=params["slug"]).exists()
"""


def _world(server: LiveServer, *calls: str) -> tuple[dict[str, Any], dict[str, Any]]:
    author, follower, staff = make_people(server, "Amelie Auteur", "Felix Suiveur", "Sofia Staff")
    made = server.django(
        WORLD_CODE,
        people=[author["id"], follower["id"], staff["id"]],
        calls=list(calls),
        tag=secrets.token_hex(2),
    )
    return {"author": author, "staff": staff}, made


# Before the deadline by 2 days, 3 hours, 10 minutes and 30 seconds.
BEFORE = timedelta(days=2, hours=3, minutes=10, seconds=30)
TEXTS = {
    "en": {
        "start": "Closes in 2 days, 3 hours",
        "hours": "Closes in 3 hours, 10 minutes",
        "last": "Closes in 0 hours, 1 minute",
        "closed": "Closed",
    },
    "fr": {
        "start": "Clôture dans 2 jours et 3 heures",
        "hours": "Clôture dans 3 heures et 10 minutes",
        "last": "Clôture dans 0 heure et 1 minute",
        "closed": "Clôturée",
    },
}


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_countdown_follows_the_clock_and_says_when_the_call_is_closed(
    site_server: LiveServer, browser: Any, language: str
) -> None:
    from playwright.sync_api import expect

    _people, calls = _world(site_server, "countdown")
    call = calls["countdown"]
    deadline = datetime.fromisoformat(call["deadline"])
    context = browser.new_context(viewport=DESKTOP_TALL, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    set_language(page, site_server, language)
    page.clock.install(time=deadline - BEFORE)
    page.goto(f"{site_server.url}/calls/{call['slug']}/")
    assert page.locator("html").get_attribute("lang") == language
    panel = page.locator(".call-deadline")
    countdown = page.locator("[data-call-countdown] strong")
    texts = TEXTS[language]
    # The server wrote "… 9 days, 23 hours" (its own clock): the script replaced it at once.
    expect(countdown).to_have_text(texts["start"])
    expect(panel).not_to_have_class("call-deadline call-closed")

    page.clock.fast_forward(_ms(timedelta(days=2)))
    expect(countdown).to_have_text(texts["hours"])
    page.clock.fast_forward(_ms(timedelta(hours=3, minutes=10)))
    expect(countdown).to_have_text(texts["last"])  # 30 seconds left: never "0 minutes"
    page.clock.fast_forward(_ms(timedelta(seconds=31)))
    expect(countdown).to_have_text(texts["closed"])
    expect(panel).to_have_class("call-deadline call-closed")
    # And it stays closed: the clock going on changes nothing.
    page.clock.fast_forward(_ms(timedelta(hours=1)))
    expect(countdown).to_have_text(texts["closed"])
    context.close()


def _page(browser: Any, size: str) -> Any:
    context = browser.new_context(
        viewport=PHONE if size == "phone" else DESKTOP_TALL, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    return page


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_author_and_staff_delete_calls_through_the_confirmation_page_in_french(
    site_server: LiveServer, browser: Any, size: str
) -> None:
    from playwright.sync_api import expect

    people, calls = _world(site_server, "auteur", "personnel")
    audit = Audit(size)

    # The author: from the call's page to the confirmation, then back to the list.
    page = _page(browser, size)
    log_in(page, site_server, people["author"]["email"])
    set_language(page, site_server, "fr")
    call = calls["auteur"]
    page.goto(f"{site_server.url}/calls/{call['slug']}/")
    page.get_by_role("main").get_by_role("link", name="Supprimer", exact=True).click()
    page.wait_for_url(f"**/calls/{call['slug']}/delete/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Supprimer définitivement « {call['title']} »")
    expect(main.get_by_role("textbox")).to_have_count(0)  # no reason to give
    audit.check(page, "call-delete-author-fr")
    main.get_by_role("button", name="Supprimer").click()
    page.wait_for_url(f"{site_server.url}/calls/")
    expect(page.locator(".messages .message-success")).to_contain_text(call["title"])
    expect(page.get_by_role("main")).not_to_contain_text(call["title"])  # gone from the list
    assert site_server.django(EXISTS_CODE, slug=call["slug"]) is False
    page.context.close()

    # Staff delete someone else's call, with a reason for the author.
    page = _page(browser, size)
    log_in(page, site_server, people["staff"]["email"])
    set_language(page, site_server, "fr")
    call = calls["personnel"]
    page.goto(f"{site_server.url}/calls/{call['slug']}/delete/")
    reason = page.get_by_role("main").get_by_role("textbox")
    expect(reason).to_be_visible()
    audit.check(page, "call-delete-staff-fr")
    reason.fill("Appel publié deux fois.")
    page.get_by_role("main").get_by_role("button", name="Supprimer").click()
    page.wait_for_url(f"{site_server.url}/calls/")
    expect(page.locator(".messages .message-success")).to_contain_text(call["title"])
    assert site_server.django(EXISTS_CODE, slug=call["slug"]) is False
    page.context.close()
    audit.assert_clean()
