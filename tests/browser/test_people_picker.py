"""A cluster manager finds a colleague by typing part of their name in "new conversation",
chooses them with the keyboard, starts the conversation and lands in it. A stranger with a
matching name is never offered.

Screenshots of the open picker (desktop and phone) go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COLLEAGUES_CODE = """
from community.models import Organisation, OrganisationMembership, User
organisation = Organisation.objects.create(
    name="Hydrogen Valley Cluster", slug=f"hydrogen-valley-{params['anna']}", country="DE",
    type="cluster", status="published",
)
for pk, role in ((params["anna"], "admin"), (params["marc"], "member")):
    OrganisationMembership.objects.create(organisation=organisation, user_id=pk, role=role)
"""

CONVERSATION_CODE = """
from messaging.models import Conversation
conversation = Conversation.objects.get(participants__user_id=params["marc"])
result = {
    "id": conversation.pk,
    "people": sorted(conversation.participants.values_list("user_id", flat=True)),
}
"""


def _open_picker(page: Any, server: LiveServer, typed: str) -> Any:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/xchange/conversations/new/")
    field = page.get_by_role("combobox", name="Find people by name or organisation")
    field.press_sequentially(typed)
    listbox = page.get_by_role("listbox", name="People found")
    expect(listbox).to_be_visible()
    return field, listbox


def test_a_cluster_manager_finds_a_colleague_and_starts_a_conversation(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna, marc, _stranger = make_people(
        site_server, "Anna Berg", "Marc Lindqvist", "Marcel Lindqvist"
    )
    site_server.django(COLLEAGUES_CODE, anna=anna["id"], marc=marc["id"])

    page = new_page(browser, DESKTOP)
    log_in(page, site_server, anna["email"])
    field, listbox = _open_picker(page, site_server, "lindq")
    options = listbox.get_by_role("option")
    # Marc is her colleague; Marcel, a stranger with the same name, is not offered.
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Marc Lindqvist")
    expect(options.first).to_contain_text("Hydrogen Valley Cluster")
    expect(page.get_by_role("status").filter(has_text="People found")).to_be_visible()
    assert "@" not in listbox.inner_text()

    field.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    shot(page, "people-picker-desktop")
    field.press("Enter")
    expect(listbox).to_be_hidden()
    chosen = page.get_by_role("checkbox", name="Marc Lindqvist")
    expect(chosen).to_be_checked()
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    shot(page, "people-picker-chosen")

    page.get_by_label("First message").fill("Hello Marc, shall we meet in Brussels?")
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url(lambda url: "/conversations/new/" not in url)
    stored = site_server.django(CONVERSATION_CODE, marc=marc["id"])
    assert page.url.endswith(f"/xchange/conversations/{stored['id']}/")
    assert stored["people"] == sorted([anna["id"], marc["id"]])
    expect(page.locator("#message-list")).to_contain_text("shall we meet in Brussels?")

    phone = new_page(browser, PHONE)
    log_in(phone, site_server, anna["email"])
    _field, phone_listbox = _open_picker(phone, site_server, "hydrogen")
    expect(phone_listbox.get_by_role("option")).to_have_count(1)
    shot(phone, "people-picker-phone")


def test_without_javascript_the_picker_is_a_name_search(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna, marc = make_people(site_server, "Anna Berg", "Marc Lindqvist")
    site_server.django(COLLEAGUES_CODE, anna=anna["id"], marc=marc["id"])
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    log_in(page, site_server, anna["email"])
    page.goto(f"{site_server.url}/xchange/conversations/new/")
    page.get_by_label("Title").fill("Hydrogen buses")
    page.get_by_label("Find people by name or organisation").fill("lindq")
    page.get_by_role("button", name="Find").click()
    found = page.get_by_role("checkbox", name="Marc Lindqvist")
    expect(found).not_to_be_checked()
    expect(page.get_by_label("Title")).to_have_value("Hydrogen buses")
    shot(page, "people-picker-nojs-phone", full_page=True)
    found.check()
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url(lambda url: "/conversations/new/" not in url)
    stored = site_server.django(CONVERSATION_CODE, marc=marc["id"])
    assert page.url.endswith(f"/xchange/conversations/{stored['id']}/")
    expect(page.locator("h1")).to_contain_text("Hydrogen buses")
    context.close()
