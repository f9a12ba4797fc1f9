"""A cluster manager writes her organisation's description with the editor: toolbar buttons
and typed markdown, a preview rendered by the server, saved as markdown and shown as the
preview showed it. Without JavaScript the field is a plain textarea with a short help text.
The editor pages pass axe on a desktop and a phone, in English and French, make no request
outside the site and break no CSP rule. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page, shot
from tests.browser.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAST_CODE = """
from community.models import Organisation, OrganisationMembership, User
organisation = Organisation.objects.create(
    name=f"Hydrogen Valley {params['tag']}", slug=f"hydrogen-valley-{params['tag']}",
    country="DE", city="Hamburg", type="cluster", status="published",
    description="Hydrogen for **ports**.",
)
OrganisationMembership.objects.create(
    organisation=organisation, user_id=params["anna"], role="admin"
)
result = organisation.slug
"""

STORED_CODE = """
from community.models import Organisation
result = Organisation.objects.get(slug=params["slug"]).description
"""

TYPED = "## Our plan\n\n- buses\n- ferries\n\nSee [our site](https://example.eu) <b>now</b>"


@pytest.fixture(scope="module")
def cast(site_server: LiveServer) -> dict[str, Any]:
    (anna,) = make_people(site_server, "Anna Berg")
    slug = site_server.django(CAST_CODE, anna=anna["id"], tag=secrets.token_hex(2))
    return {"anna": anna, "slug": slug}


def _outside_requests(page: Any, server: LiveServer) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((server.url, "data:", "blob:"))
            else outside.append(request.url)
        ),
    )
    return outside


def test_the_editor_previews_with_the_server_and_saves_markdown(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, DESKTOP)
    outside = _outside_requests(page, site_server)
    log_in(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/organisations/{cast['slug']}/edit/")

    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar).to_be_visible()
    for name in ("Bold", "Italic", "Heading", "Bulleted list", "Numbered list", "Quote", "Link"):
        expect(toolbar.get_by_role("button", name=name)).to_have_attribute("tabindex", "0")
    editor = page.get_by_role("textbox", name="description")
    expect(editor).to_be_visible()

    # Replace the text: select all, type markdown, then make one word bold with the toolbar.
    editor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(TYPED + "\n\n")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.insert_text("strong")
    # Keyboard: Tab from the editor's toolbar reaches the Preview button, Enter presses it.
    preview_button = toolbar.get_by_role("button", name="Preview")
    preview_button.focus()
    page.keyboard.press("Enter")
    expect(preview_button).to_have_attribute("aria-pressed", "true")
    preview = page.get_by_role("region", name="Preview of the text as it will be shown")
    expect(preview.get_by_role("heading", name="Our plan", level=2)).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_count(2)
    expect(preview.get_by_role("link", name="our site")).to_have_attribute(
        "href", "https://example.eu"
    )
    expect(preview.locator("strong")).to_have_text("strong")
    expect(preview).to_contain_text("<b>now</b>")  # typed HTML is text, never markup
    expect(toolbar.get_by_role("button", name="Bold")).to_be_disabled()
    preview_html = preview.inner_html()
    shot(page, "editor-preview-desktop")

    page.keyboard.press("Enter")  # the Preview button still has the focus: back to editing
    expect(preview_button).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Save").last.click()
    page.wait_for_url(f"{site_server.url}/organisations/{cast['slug']}/")
    stored = site_server.django(STORED_CODE, slug=cast["slug"])
    assert stored == TYPED + "\n\n**strong**"
    shown = page.locator(".org-description")
    assert shown.inner_html().replace("\n", "") == preview_html.replace("\n", "")
    assert outside == []
    page.context.close()


def test_without_javascript_the_field_is_a_textarea_with_help(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    log_in_no_js(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/organisations/{cast['slug']}/edit/")
    field = page.get_by_role("textbox", name="Description")
    expect(field).to_be_visible()
    expect(field).to_have_accessible_description("You can use **bold**, *italic*, lists and links.")
    expect(page.get_by_role("toolbar")).to_have_count(0)
    context.close()


def log_in_no_js(page: Any, server: LiveServer, email: str) -> None:
    from tests.browser.conftest import PASSWORD

    page.goto(f"{server.url}/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)


@pytest.mark.parametrize(("size", "language"), [("desktop", "en"), ("phone", "fr")])
def test_editor_pages_pass_axe(
    site_server: LiveServer, browser: Any, cast: dict[str, Any], size: str, language: str
) -> None:
    from playwright.sync_api import expect

    audit = Audit(size)
    page = audit.page(browser)
    outside = _outside_requests(page, site_server)
    log_in(page, site_server, cast["anna"]["email"])
    if language != "en":
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": site_server.url}]
        )
    for name, path in (
        ("organisation-edit", f"/organisations/{cast['slug']}/edit/"),
        ("news-new", "/news/new/"),
        ("listing-new", "/xchange/listings/new/"),
    ):
        page.goto(f"{site_server.url}{path}")
        expect(page.get_by_role("toolbar").first).to_be_visible()
        audit.check(page, f"editor-{language}-{name}")
    page.get_by_role("toolbar").first.get_by_role("button").last.click()
    expect(page.locator(".editor-preview-active")).to_be_visible()
    audit.check(page, f"editor-{language}-listing-preview", full_page=False)
    page.context.close()
    assert outside == []
    audit.assert_clean()


LOGO_CODE = """
import io
from PIL import Image
from community.models import Organisation
organisation = Organisation.objects.get(slug=params["slug"])
with organisation.logo.open("rb") as stored:
    image = Image.open(io.BytesIO(stored.read())).convert("RGB")
centre = image.getpixel((image.width // 2, image.height // 2))
result = {"size": list(image.size), "centre": list(centre)}
"""


def test_a_new_logo_is_cut_to_the_square_chosen_with_the_keyboard(
    site_server: LiveServer, browser: Any, cast: dict[str, Any], tmp_path: Any
) -> None:
    import io

    from PIL import Image
    from playwright.sync_api import expect

    image = Image.new("RGB", (400, 200), (200, 0, 0))
    image.paste((0, 0, 200), (200, 0, 400, 200))  # left red, right blue
    path = tmp_path / "wide-logo.png"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())

    audit = Audit("desktop")
    page = audit.page(browser)
    log_in(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/organisations/{cast['slug']}/edit/")
    page.get_by_label("Logo", exact=True).set_input_files(str(path))
    crop = page.get_by_role("group", name="Choose the part of the image shown as the logo")
    expect(crop.get_by_role("img", name="Preview of the logo as it will be shown")).to_be_visible()
    horizontal = crop.get_by_role("slider", name="Horizontal position")
    horizontal.focus()
    page.keyboard.press("End")  # all the way right: the blue half
    expect(page.locator("input[name=logo_crop]")).to_have_value(
        "0.500000,0.000000,0.500000,1.000000"
    )
    crop.scroll_into_view_if_needed()
    shot(page, "logo-crop-desktop")
    audit.check(page, "logo-crop", full_page=False)
    page.get_by_role("button", name="Save").last.click()
    page.wait_for_url(f"{site_server.url}/organisations/{cast['slug']}/")
    stored = site_server.django(LOGO_CODE, slug=cast["slug"])
    assert stored == {"size": [200, 200], "centre": [0, 0, 200]}
    page.context.close()
    audit.assert_clean()


PIN_CODE = """
from community.models import Organisation
o = Organisation.objects.get(slug=params["slug"])
result = [o.city, o.latitude, o.longitude]
"""


def test_the_location_is_set_by_searching_a_city_and_by_clicking_the_map(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    audit = Audit("phone")
    page = audit.page(browser)
    outside = _outside_requests(page, site_server)
    log_in(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/organisations/{cast['slug']}/edit/")
    search = page.get_by_label("Find a city on the map")
    search.fill("munchen")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Munich (DE)").click()
    expect(page.locator("input[name=latitude]")).to_have_value("48.13743")
    expect(
        page.get_by_role("status").filter(has_text="Pinned at 48.13743, 11.57549.")
    ).to_be_visible()
    page.get_by_role(
        "application", name="Map: where the organisation is"
    ).scroll_into_view_if_needed()
    audit.check(page, "location-picker", full_page=False)

    # A click elsewhere on the map moves the pin there.
    page.get_by_role("application", name="Map: where the organisation is").click(
        position={"x": 220, "y": 60}
    )
    expect(page.locator("input[name=latitude]")).not_to_have_value("48.13743")
    pinned = float(page.locator("input[name=latitude]").input_value())
    assert pinned > 48.14  # above the centre: further north
    page.get_by_role("button", name="Save").last.click()
    page.wait_for_url(f"{site_server.url}/organisations/{cast['slug']}/")
    city, latitude, _longitude = site_server.django(PIN_CODE, slug=cast["slug"])
    assert latitude == pytest.approx(pinned, abs=1e-5)
    assert city == "Hamburg"
    assert outside == []
    page.context.close()
    audit.assert_clean()


def test_target_countries_are_picked_by_filtering_a_checkbox_list(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, DESKTOP)
    log_in(page, site_server, cast["anna"]["email"])
    page.goto(f"{site_server.url}/xchange/listings/new/")
    countries = page.get_by_role("group", name="Target countries (optional)")
    search = countries.get_by_role("searchbox", name="Type to filter the list")
    search.fill("zzz")
    expect(countries.get_by_role("status")).to_have_text(
        "Nothing matches; clear the filter to see the whole list."
    )
    search.fill("fran")
    expect(countries.get_by_role("checkbox")).to_have_count(1)
    countries.get_by_role("checkbox", name="France").check()
    countries.get_by_role("searchbox").fill("ital")
    # The ticked country stays in view next to what the filter finds.
    expect(countries.get_by_role("checkbox", name="France")).to_be_checked()
    expect(countries.get_by_role("checkbox", name="Italy")).to_be_visible()
    shot(page, "country-picker-desktop")
    page.context.close()
