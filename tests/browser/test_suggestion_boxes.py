"""The "Suggested for you" boxes, in a real browser against a real daphne: the page arrives
with the box hidden, matchmaking/suggestions.js fills it from the REST API, and what a
person sees is a link with its reasons, in their language.

Sofia's organisation (a Spanish hydrogen cluster) asks for testing capacity for its
electrolysers; a German lab offers time on an electrolyser test bench, an Italian cluster
the qualification of alkaline electrolysers. Sofia saved French
as her language. On the home page the listings box shows the offer with at least one
reason, in French; on the lab's profile the organisations box is filled too (another
organisation, never the one being viewed). axe-core finds nothing serious with the boxes
filled, on desktop and phone.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people
from tests.browser.test_webinar_video import axe_violations, open_page, set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from community.models import Ecosystem, Organisation, OrganisationMembership, User
from community.models.taxonomy import ECOSYSTEMS
from messaging.models import Listing

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
energy = Ecosystem.objects.get(slug="energy-renewables")
tag = params["tag"]


def organisation(name, country, city, description):
    made = Organisation.objects.create(
        name=name, slug=f"{name.lower().replace(' ', '-')}-{tag}", type="cluster",
        country=country, city=city, status="published", description=description,
        members_total=30, members_sme=20, members_research=5, management_fte=1,
    )
    made.ecosystems.add(energy)
    return made


sofia = User.objects.get(pk=params["sofia"])
sofia.language = "fr"
sofia.save(update_fields=["language"])
cluster = organisation(
    "Hidrogeno Aragon", "ES", "Zaragoza", "<p>Hydrogen producers and users in Aragon.</p>"
)
OrganisationMembership.objects.create(organisation=cluster, user=sofia, role="admin")
Listing.objects.create(
    organisation=cluster, author=sofia, kind="demand", category="technology",
    title="Testing capacity for electrolysers",
    description="<p>We need hours on a test bench to qualify our alkaline electrolysers.</p>",
    status="open", search_text="testing capacity for electrolysers",
)
lab = organisation(
    "Rhein Wasserstoff Labor", "DE", "Karlsruhe",
    "<p>A test laboratory for electrolysers and fuel cells.</p>",
)
offer = Listing.objects.create(
    organisation=lab, author=User.objects.create(email=f"lab-{tag}@example.org"),
    kind="offer", category="technology", title="Electrolyser test bench",
    description="<p>Time on our 1 MW electrolyser test bench, with engineers.</p>",
    status="open", search_text="electrolyser test bench",
)
piemonte = organisation(
    "Idrogeno Piemonte", "IT", "Torino", "<p>Electrolyser makers and test sites in Piedmont.</p>"
)
Listing.objects.create(
    organisation=piemonte, author=User.objects.create(email=f"pie-{tag}@example.org"),
    kind="offer", category="technology", title="Qualification of alkaline electrolysers",
    description="<p>Our test site qualifies alkaline electrolysers for industry.</p>",
    status="open", search_text="qualification of alkaline electrolysers",
)
result = {"offer": offer.get_absolute_url(), "lab": lab.get_absolute_url()}
"""


def filled_box(page: Any, kind: str) -> Any:
    from playwright.sync_api import expect

    box = page.locator(f"section[data-suggestions*='kind={kind}&']")
    expect(box).to_be_visible()
    expect(box.locator("[data-suggestions-list] > li.suggestion").first).to_be_visible()
    return box


def test_the_boxes_fill_with_reasons_in_the_persons_language(site_server: LiveServer, browser):
    from playwright.sync_api import expect

    (sofia,) = make_people(site_server, "Sofia Navarro")
    world = site_server.django(WORLD_CODE, sofia=sofia["id"], tag=sofia["email"][6:12])
    page = open_page(browser, DESKTOP, "fr-FR")
    set_language(page, site_server, "en")  # the login helper reads English labels
    log_in(page, site_server, sofia["email"])
    page.context.clear_cookies(name="django_language")

    page.goto(f"{site_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    listings = filled_box(page, "listings")
    item = listings.locator(f"li.suggestion:has(a[href='{world['offer']}'])")
    expect(item).to_contain_text("Electrolyser test bench")
    reasons = item.locator("ul.reasons > li")
    assert reasons.count() >= 1
    # The reasons arrive translated: French words, not the English sentence.
    text = " ".join(reasons.all_inner_texts())
    assert "your demand" not in text, text
    assert "votre" in text, text
    for suggestion in listings.locator("li.suggestion").all():
        assert suggestion.locator("ul.reasons > li").count() >= 1
    findings = [f"home: {v}" for v in axe_violations(page)]

    page.goto(f"{site_server.url}{world['lab']}")
    organisations = filled_box(page, "organisations")
    hrefs = [a.get_attribute("href") for a in organisations.locator("li.suggestion > a").all()]
    assert world["lab"] not in hrefs
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        findings += [f"profile {viewport['width']}: {v}" for v in axe_violations(page)]
    assert not findings, "\n".join(findings)
    page.context.close()
