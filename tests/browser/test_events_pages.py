"""The event pages in a real browser: axe-core (WCAG 2.1 A/AA) clean, no sideways scrolling,
no CSP refusal, in English and French, on a desktop and a phone; registering and joining
the waiting list by clicking, without any JavaScript of ours needed.

Screenshots land in test-artifacts/ (events-<size>-<lang>-<page>.png).
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people
from tests.browser.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAST_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import User
from tests.factories import MembershipFactory, OrganisationFactory
from webinars.services.events import SpeakerInput, event_cancel, event_create
from webinars.services.registrations import registration_create

organiser, anna, bruno, carla = (User.objects.get(pk=pk) for pk in params["people"])
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save()
valley = OrganisationFactory(name=f"Hydrogen Valley {params['tag']}", slug=f"h2-{params['tag']}")
MembershipFactory(organisation=valley, user=organiser, role="admin")
day = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
common = {"user": staff, "organiser_organisation": valley, "time_zone": "Europe/Lisbon"}
webinar = event_create(
    **common, kind="webinar", title="Hydrogen valleys: what works",
    summary="Three clusters on moving hydrogen from pilots to ports.",
    description="## Agenda\\n\\n1. Welcome\\n2. Three short talks\\n3. **Questions**",
    starts_at=day, ends_at=day + timedelta(hours=1, minutes=30), capacity=2,
    ecosystems=["energy-renewables"],
    speakers=[SpeakerInput(name="Ana Lopes", affiliation="H2 Iberia"),
              SpeakerInput(name="Jan Novak", affiliation="CzechInvest")],
)
conference = event_create(
    **common, kind="conference", title="European cluster conference",
    summary="Two days of talks and meetings.", online=False, venue="Square", city="Brussels",
    country="BE", starts_at=day + timedelta(days=4), ends_at=day + timedelta(days=5, hours=8),
    registration_mode="approval",
)
gone = event_create(
    **common, kind="seminar", title="Scaling up, cancelled",
    summary="A capacity-building seminar.", starts_at=day + timedelta(days=1),
    ends_at=day + timedelta(days=1, hours=2),
)
event_cancel(event=gone, user=staff, reason="The trainer is ill.")
for person in (anna, bruno, carla):
    registration_create(event=webinar, user=person)
registration_create(event=conference, user=anna)
result = {"webinar": webinar.slug, "month": day.strftime("%Y-%m")}
"""


@pytest.fixture(scope="module")
def events_cast(site_server: LiveServer) -> dict[str, Any]:
    people = make_people(
        site_server, "Olivia Organiser", "Anna Berg", "Bruno Costa", "Carla Dinu", "Sam Staff"
    )
    made = site_server.django(
        CAST_CODE,
        people=[p["id"] for p in people[:4]],
        staff=people[4]["id"],
        tag=secrets.token_hex(2),
    )
    return {"organiser": people[0], "carla": people[3], **made}


def _context(browser: Any, size: str, lang: str, state: Any = None) -> Any:
    context = browser.new_context(
        viewport=PHONE if size == "phone" else DESKTOP,
        locale="fr-FR" if lang == "fr" else "en-GB",
        storage_state=state,
    )
    context.set_default_timeout(30_000)
    return context


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_event_pages_pass_axe_in_english_and_french(
    site_server: LiveServer, browser: Any, events_cast: dict[str, Any], size: str
) -> None:
    audit = Audit(size)
    login = _context(browser, size, "en")
    page = login.new_page()
    log_in(page, site_server, events_cast["organiser"]["email"])
    state = login.storage_state()
    login.close()
    url, slug = site_server.url, events_cast["webinar"]
    pages = {
        "list": "/events/",
        "calendar": f"/events/calendar/?month={events_cast['month']}",
        "detail": f"/events/{slug}/",
        "form": "/events/new/",
        "edit": f"/events/{slug}/edit/",
        "registrations": f"/events/{slug}/registrations/",
    }
    for lang in ("en", "fr"):
        context = _context(browser, size, lang, state)
        page = context.new_page()
        page.add_init_script(
            "window.__cspViolations = []; document.addEventListener("
            "'securitypolicyviolation', (e) => window.__cspViolations.push("
            "`${e.violatedDirective} ${e.blockedURI}`));"
        )
        for name, path in pages.items():
            response = page.goto(url + path)
            assert response is not None
            assert response.status == 200, (name, response.status)
            assert page.locator("html").get_attribute("lang") == lang
            audit.check(page, f"events-{lang}-{name}")
        context.close()
    audit.assert_clean()


def test_a_person_joins_the_waiting_list_then_leaves_it(
    site_server: LiveServer, browser: Any, events_cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    dana = make_people(site_server, "Dana Eklund")[0]
    context = _context(browser, "desktop", "en")
    page = context.new_page()
    log_in(page, site_server, dana["email"])
    page.goto(f"{site_server.url}/events/{events_cast['webinar']}/")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are on the waiting list (position 2).")).to_be_visible()
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    context.close()
