"""The foundation's promise, end to end in Chromium against a real daphne and a real mailbox:

register, verify the email address (the link is read from an SMTP server the site sends to),
create an organisation, submit it; staff publish it; it appears in the directory and on the map.

Before publication the profile is in neither the directory nor the map, and its page answers
404 to an anonymous visitor. Screenshots go to test-artifacts/onboarding-*.png.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    LiveServer,
    Mailbox,
    log_in,
    new_page,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAFF_CODE = """
from community.models import User
user = User(email=params["email"], full_name="Sam Staff", email_verified=True, is_staff=True)
user.set_password(params["password"])
user.save()
result = user.pk
"""

STATUS_CODE = """
from community.models import Organisation, User
org = Organisation.objects.get(slug=params["slug"])
result = {
    "status": org.status,
    "verified": User.objects.get(email=params["email"]).email_verified,
}
"""

MAP_API = "/api/v1/organisations/map/"


def verification_link(message: Any, origin: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(re.escape(origin) + r"/account/verify/[^\s/]+/", body)
    assert len(found) == 1, body
    return str(found[0])


def status_of(page: Any, url: str) -> int:
    """Open `url` in `page`; the HTTP status of the document."""
    response = page.goto(url)
    assert response is not None
    return int(response.status)


def directory_cards(page: Any, name: str) -> Any:
    return page.locator("ol.org-list li.org-card h3 a", has_text=name)


def test_register_verify_create_submit_publish_then_listed_and_mapped(
    site_server_with_mail: LiveServer, mail_server: Mailbox, browser: Any
) -> None:
    from playwright.sync_api import expect

    server = site_server_with_mail
    tag = secrets.token_hex(3)
    email = f"clara-{tag}@example.org"
    name = f"Danube Hydrogen Valley {tag}"
    country = "AT"

    # --- 1. Register through the real form ---------------------------------------------
    clara = new_page(browser, DESKTOP)
    clara.goto(f"{server.url}/account/register/")
    clara.get_by_label("Email address").fill(email)
    clara.get_by_label("Full name").fill("Clara Huber")
    clara.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    clara.get_by_label("Password again").fill(PASSWORD)
    clara.get_by_label("Country").select_option(country)
    shot(clara, "onboarding-1-register")
    clara.get_by_role("button", name="Create account").click()
    # The same answer whether or not the address has an account: nobody is logged in yet.
    clara.wait_for_url(f"{server.url}/account/register/sent/")
    expect(clara.get_by_role("heading", name="Check your email")).to_be_visible()
    log_in(clara, server, email)

    # Not verified yet: the organisation form is refused.
    assert status_of(clara, f"{server.url}/organisations/new/") == 403
    shot(clara, "onboarding-2-unverified")

    # --- 2. The verification email reached the mailbox; its link confirms the address ----
    message = mail_server.wait_for(email, "Confirm your email address")
    link = verification_link(message, server.url)
    clara.goto(link)
    clara.wait_for_url(f"{server.url}/account/")
    expect(clara.locator(".message-success")).to_contain_text(
        f"your email address {email} is confirmed"
    )
    shot(clara, "onboarding-3-verified")

    # --- 3. Create the organisation (a draft) -------------------------------------------
    clara.goto(f"{server.url}/organisations/new/")
    form = clara.locator("form.org-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Acronym").fill("DHV")
    form.get_by_label("Type").select_option("cluster")
    # The description is a markdown editor (EasyMDE) labelled like the field.
    form.get_by_role("textbox", name="Description").focus()
    clara.keyboard.insert_text(
        "A cluster of hydrogen producers, users and researchers along the Danube."
    )
    form.get_by_label("Website").fill("https://dhv.example.org")
    form.get_by_label("Country").select_option(country)
    form.get_by_label("City", exact=True).fill("Linz")
    # The pin: found by the city's name, not typed coordinates.
    form.get_by_label("Find a city on the map").fill("Linz")
    form.get_by_role("button", name="Find", exact=True).click()
    form.get_by_role("button", name="Linz (AT)").click()
    expect(form.locator("input[name=latitude]")).to_have_value(re.compile(r"^48\.3"))
    form.get_by_label("Energy-intensive industries").check()
    form.get_by_label("Energy-renewables").check()
    form.get_by_label("Primary ecosystem").select_option(label="Energy-renewables")
    form.get_by_label("SME members").fill("12")
    form.get_by_label("Research members").fill("5")
    form.get_by_label("Cluster management staff (FTE)").fill("1.5")
    form.get_by_label("Contact email").fill(f"office-{tag}@dhv.example.org")
    clara.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the shot
    shot(clara, "onboarding-4-form", full_page=True)
    form.get_by_role("button", name="Create draft").click()
    clara.wait_for_url(re.compile(r"/organisations/[\w-]+/$"))
    slug = clara.url.rstrip("/").rsplit("/", 1)[1]
    assert slug != "new"
    expect(clara.get_by_role("heading", level=1)).to_contain_text(name)
    expect(clara.locator(".org-owner")).to_contain_text("This profile is a draft")
    expect(clara.locator(".org-checklist-verdict")).to_have_text("Meets the checklist")
    shot(clara, "onboarding-5-draft", full_page=True)

    # --- 4. Submit for review -----------------------------------------------------------
    clara.get_by_role("button", name="Submit for review").click()
    expect(clara.locator(".message-success")).to_contain_text(
        "Submitted. Staff will review the profile"
    )
    expect(clara.locator(".org-owner")).to_contain_text("Submitted for review on")
    expect(clara.get_by_role("button", name="Submit for review")).to_have_count(0)
    assert server.django(STATUS_CODE, slug=slug, email=email) == {
        "status": "needs_review",
        "verified": True,
    }
    shot(clara, "onboarding-6-submitted")

    # --- 5. Not public yet: not in the directory, not on the map, 404 for a visitor -------
    visitor = new_page(browser, PHONE)
    assert status_of(visitor, f"{server.url}/organisations/{slug}/") == 404
    visitor.goto(f"{server.url}/directory/?q={name}")
    expect(visitor.locator(".results-count")).to_be_visible()
    expect(directory_cards(visitor, name)).to_have_count(0)
    with visitor.expect_response(lambda r: MAP_API in r.url) as hidden_info:
        visitor.goto(f"{server.url}/map/?country={country}")
    hidden = hidden_info.value
    assert hidden.status == 200
    assert [f["id"] for f in hidden.json()["features"]] == []
    shot(visitor, "onboarding-7-not-on-map-phone", full_page=True)

    # --- 6. Staff see it with its checklist in the moderation queue, and publish it ------
    staff_email = f"sam-{tag}@example.org"
    server.django(STAFF_CODE, email=staff_email, password=PASSWORD)
    staff = new_page(browser, DESKTOP)
    log_in(staff, server, staff_email)
    staff.goto(f"{server.url}/moderation/")
    # One short line per item (config/templates/moderation/queue.html); several are
    # published at once by ticking them.
    entry = staff.locator("li.queue-line", has_text=name)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Austria")
    expect(entry).to_contain_text("meets the checklist")
    shot(staff, "onboarding-8-moderation", full_page=True)
    entry.get_by_role("checkbox").check()
    staff.get_by_role("button", name="Publish selected").click()
    expect(staff.locator(".message-success")).to_be_visible()
    expect(staff.locator("li.queue-line", has_text=name)).to_have_count(0)
    shot(staff, "onboarding-9-published")
    assert server.django(STATUS_CODE, slug=slug, email=email)["status"] == "published"
    # Clara, its admin, is told by email.
    mail_server.wait_for(email, f"{name} is now published")

    # --- 7. Public: the profile page, the directory, the map -----------------------------
    assert status_of(visitor, f"{server.url}/organisations/{slug}/") == 200
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(name)
    expect(visitor.locator(".org-owner")).to_have_count(0)

    visitor.goto(f"{server.url}/directory/?q={name}")
    card = directory_cards(visitor, name)
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("href", f"/organisations/{slug}/")
    shot(visitor, "onboarding-10-directory-phone", full_page=True)

    mapper = new_page(browser, DESKTOP)
    with mapper.expect_response(lambda r: MAP_API in r.url) as shown_info:
        mapper.goto(f"{server.url}/map/?country={country}")
    shown = shown_info.value
    assert shown.status == 200
    assert f"country={country}" in shown.url
    features = shown.json()["features"]
    assert [f["id"] for f in features] == [slug]
    assert features[0]["properties"]["name"] == name
    lon, lat = features[0]["geometry"]["coordinates"]
    assert (round(lat, 4), round(lon, 4)) == (48.3064, 14.2861)  # Linz in GeoNames
    expect(mapper.locator("#map-status")).to_have_text("1 organisation on the map")
    marker = mapper.locator(f'.leaflet-marker-icon[title="{name}"]')
    expect(marker).to_be_visible()
    marker.click()
    popup = mapper.locator(".leaflet-popup .map-popup")
    expect(popup).to_contain_text(name)
    expect(popup.get_by_role("link", name="Open the profile")).to_have_attribute(
        "href", f"/organisations/{slug}/"
    )
    shot(mapper, "onboarding-11-map")

    for page in (clara, visitor, staff, mapper):
        page.context.close()
