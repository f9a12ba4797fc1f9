"""An uploaded file never runs as a script of the site, in Chromium against a real daphne.

A cluster manager uploads a GIF that is also JavaScript, named gadget.js, as the logo of
their organisation through the real edit form. The page then tries to run it with
<script src="/media/...">, and the same for a polyglot left untouched in MEDIA_ROOT (as an
upload stored before re-encoding would be): the CSP refuses both, nothing runs. And the
pages with scripts still work under the nonce-only script-src (no CSP violation at all).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page
from tests.community.test_upload_safety import polyglot_gif

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ORGANISATION_CODE = """
from community.models import User
from community.services.organisations import organisation_create
user = User.objects.get(pk=params["user"])
organisation = organisation_create(user=user, data={
    "name": "Polyglot Valley", "type": "cluster", "country": "AT", "city": "Linz",
    "description": "Images, only images.", "website": "https://polyglot.example.org",
    "ecosystems": ["digital"], "primary_ecosystem": "digital",
})
result = organisation.slug
"""

# Before any page script: collect every CSP violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push({uri: event.blockedURI, directive: event.violatedDirective});
});
"""

# Add <script src=url> to the page; "load" if the browser ran it, "error" if it refused.
RUN_AS_SCRIPT = """
(url) => new Promise((resolve) => {
  const script = document.createElement("script");
  script.src = url;
  script.onload = () => resolve("load");
  script.onerror = () => resolve("error");
  document.head.append(script);
})
"""


def watched_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:
    page = new_page(browser, viewport)
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def test_an_uploaded_polyglot_never_runs_as_a_script(site_server: LiveServer, browser: Any) -> None:
    from playwright.sync_api import expect

    (person,) = make_people(site_server, "Petra Gruber")
    slug = site_server.django(ORGANISATION_CODE, user=person["id"])
    legacy = Path(site_server.env["MEDIA_ROOT"]) / "logos" / "legacy.gif"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(polyglot_gif())

    page = watched_page(browser)
    log_in(page, site_server, person["email"])
    page.goto(f"{site_server.url}/organisations/{slug}/edit/")
    page.get_by_label("Logo").set_input_files(
        {"name": "gadget.js", "mimeType": "text/javascript", "buffer": polyglot_gif()}
    )
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{site_server.url}/organisations/{slug}/")
    logo = page.locator("img.org-logo")
    expect(logo).to_have_attribute("src", re.compile(r"^/media/logos/.+/[0-9a-f]{32}\.gif$"))
    assert page.evaluate("(img) => img.complete && img.naturalWidth", logo.element_handle())
    src = str(logo.get_attribute("src"))

    for url in (src, "/media/logos/legacy.gif"):
        assert page.evaluate(RUN_AS_SCRIPT, url) == "error", url
        assert page.evaluate("window.__pwned") is None
    violations = page.evaluate("window.__violations")
    assert {(v["uri"], v["directive"]) for v in violations} == {
        (f"{site_server.url}{src}", "script-src-elem"),
        (f"{site_server.url}/media/logos/legacy.gif", "script-src-elem"),
    }


def test_pages_with_scripts_run_them_under_the_nonce_policy(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    (person,) = make_people(site_server, "Nina Nonce")
    page = watched_page(browser, PHONE)
    log_in(page, site_server, person["email"])

    page.goto(f"{site_server.url}/")  # nav.js: the menu button opens the menu
    page.locator(".nav-toggle").click()
    expect(page.locator(".nav-toggle")).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("window.__violations") == []

    page.goto(f"{site_server.url}/map/")  # Leaflet and map.js draw the map
    expect(page.locator("#map.leaflet-container")).to_have_count(1)
    assert page.evaluate("window.__violations") == []

    page.goto(f"{site_server.url}/api/docs/")  # Swagger UI renders the schema
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ClusterHub API")
    assert page.evaluate("window.__violations") == []
