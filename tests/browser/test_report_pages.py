"""The pages after an event — the attendance report, the Q&A archive and the follow-up in the
partnership's forum — in Chromium with realistic data (about twenty people from clusters in
several countries, tabs and reconnects, an hour of attendance, questions), in English and
French, on a desktop and a phone: no axe-core violation (WCAG 2.1 A/AA) at all, no CSP
violation, nothing wider than the phone. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in, make_people, shot
from tests.browser.test_accessibility import (
    AXE,
    PAGE_WIDTH,
    RECORD_CSP_VIOLATIONS,
    RUN_AXE,
    WCAG_TAGS,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA_CODE = """
from datetime import timedelta
from django.utils import timezone
from community.models import Ecosystem, Organisation, OrganisationMembership, Partnership, User
from community.models.taxonomy import ECOSYSTEMS
from forums.services.forums import forum_for_partnership
from webinars.models import Event, Question, Registration
from webinars.services.attendance import attendance_record

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
eco = {e.slug: e for e in Ecosystem.objects.all()}

def organisation(name, country, kind, ecosystem):
    return Organisation.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), type=kind, country=country,
        city="x", description="A cluster.", status="published",
        primary_ecosystem=eco[ecosystem],
    )

organiser = User.objects.get(pk=params["organiser"])
coordinator = organisation("Flanders Hydrogen Cluster", "BE", "cluster", "energy-renewables")
OrganisationMembership.objects.create(organisation=coordinator, user=organiser, role="admin")
partnership = Partnership.objects.create(
    kind=Partnership._meta.get_field("kind").choices[0][0], name="Hydrogen Valleys Partnership",
    slug="hydrogen-valleys", coordinator=coordinator,
)
forum_for_partnership(partnership)
start = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
event = Event.objects.create(
    kind="webinar", title="Hydrogen valleys: funding the first projects",
    slug="hydrogen-valleys-funding", summary="Funding hydrogen valleys.",
    organiser_partnership=partnership, starts_at=start, ends_at=start + timedelta(hours=1),
    status="published", created_by=organiser,
)
groups = [
    ("Wallonie Energie Cluster", "BE", "cluster", "energy-renewables", 6),
    ("Bavarian Mobility Network", "DE", "cluster", "mobility-transport-automotive", 5),
    ("Pôle Chimie Lyon", "FR", "cluster", "energy-intensive", 5),
    ("Tecnologie Verdi Torino", "IT", "cluster_member", "digital", 2),
    ("Clúster Marítimo Vigo", "ES", "cluster_project", "mobility-transport-automotive", 1),
]
first_names = ["Anna", "Bruno", "Chloé", "David", "Elena", "Fabian", "Greta", "Hugo", "Inès",
               "Jonas", "Katrin", "Luca", "Marie", "Nils", "Olga", "Paolo", "Quentin", "Rita",
               "Sven", "Teresa"]
people = []
n = 0
for name, country, kind, ecosystem, size in groups:
    org = organisation(name, country, kind, ecosystem)
    for _ in range(size):
        person = User.objects.create(
            email=f"p{n}-{params['tag']}@example.org", full_name=f"{first_names[n]} Example{n}",
            email_verified=True,
        )
        OrganisationMembership.objects.create(organisation=org, user=person, role="member")
        Registration.objects.create(event=event, user=person, status="registered")
        people.append(person)
        n += 1
for k in range(6):  # registered, never came
    person = User.objects.create(
        email=f"absent{k}-{params['tag']}@example.org", full_name=f"Absent {k}"
    )
    Registration.objects.create(event=event, user=person, status="registered")
key = str(event.pk)
def visit(person, socket, a, b):
    attendance_record("join", person.pk, key, socket, start + timedelta(minutes=a))
    if b is not None:
        attendance_record("leave", person.pk, key, socket, start + timedelta(minutes=b))
visit(organiser, "org", -10, 62)
for i, person in enumerate(people):
    a = (i * 7) % 12 - 3
    b = 60 - (i * 11) % 25
    if i % 4 == 0:  # a reconnect
        visit(person, f"s{i}a", a, a + 15)
        visit(person, f"s{i}b", a + 18, b)
    elif i % 5 == 1:  # two tabs
        visit(person, f"s{i}a", a, b - 10)
        visit(person, f"s{i}b", a + 5, b)
    else:
        visit(person, f"s{i}", a, b)
visit(people[3], "dead-process", 40, None)  # a server died: closed at the room's end
questions = [
    ("Which Horizon Europe calls fit hydrogen valleys best?", 9,
     "The Clean Hydrogen Partnership's calls; see the slides.", False),
    ("Can a valley combine ERDF and national funding?", 6,
     "Yes, as long as costs are not funded twice.", False),
    ("Is there a minimum size for a valley?", 4, "", True),
    ("How do we find industrial offtakers early?", 3, "", False),
    ("Will the slides be shared?", 2, "Yes, with the recording.", False),
]
for i, (body, up, answer, anonymous) in enumerate(questions):
    Question.objects.create(
        event=event, author=people[i], body=body, upvote_count=up, anonymous=anonymous,
        answer=answer, answered_at=start + timedelta(minutes=30 + i) if answer else None,
        answered_by=organiser if answer else None,
    )
event.recording_url = "https://video.example.org/w/hydrogen-valleys"
event.save()
result = {"slug": event.slug}
"""


@pytest.fixture(scope="module")
def report_site(site_server):
    (organiser,) = make_people(site_server, "Olivia Organiser")
    data = site_server.django(DATA_CODE, organiser=organiser["id"], tag="r")
    return site_server, organiser, data["slug"]


def _check(page: Any, name: str) -> list[str]:
    findings = []
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(AXE.read_text())
    for v in page.evaluate(RUN_AXE, WCAG_TAGS):
        findings.append(f"{name}: {v['id']} ({v['impact']}) {v['help']} {v['targets'][:3]}")
    if page.evaluate(PAGE_WIDTH) > 0:
        findings.append(f"{name}: wider than the screen")
    for violation in page.evaluate("window.__cspViolations"):
        findings.append(f"{name}: CSP {violation}")
    shot(page, name, full_page=True)
    return findings


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_pages_after_an_event_are_accessible(browser, report_site, language, size):
    server, organiser, slug = report_site
    context = browser.new_context(
        viewport=DESKTOP if size == "desktop" else PHONE,
        locale="fr-FR" if language == "fr" else "en-GB",
    )
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    try:
        log_in_as = organiser["email"]
        if language == "fr":
            # The login form's labels are French here: log in in English, then switch.
            en = browser.new_context(viewport=DESKTOP, locale="en-GB")
            en_page = en.new_page()
            log_in(en_page, server, log_in_as)
            context.add_cookies(en.cookies())
            en.close()
        else:
            log_in(page, server, log_in_as)
        findings = []
        page.goto(f"{server.url}/events/{slug}/report/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("svg[role=img] title").count() == 1
        assert page.locator("table.report-people tbody tr").count() == 20
        page.locator(".report-data summary").click()
        findings += _check(page, f"report-{language}-{size}")
        page.goto(f"{server.url}/events/{slug}/archive/")
        findings += _check(page, f"archive-{language}-{size}")
        page.goto(f"{server.url}/events/{slug}/report/forum/")
        findings += _check(page, f"followup-{language}-{size}")
        assert findings == []
    finally:
        context.close()
