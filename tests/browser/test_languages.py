"""The language switcher in Chromium: a visitor whose browser asks for French switches to
German and back, without JavaScript being needed for it; a logged-in person's choice is
saved. Screenshots go to test-artifacts/languages-*.png (desktop and phone)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    log_in,
    make_people,
    shot,
)

pytestmark = [pytest.mark.browser]


def french_page(browser: Any, viewport: dict[str, int], *, javascript: bool = True) -> Any:
    context = browser.new_context(viewport=viewport, locale="fr-FR", java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


# Every control of the header's bar (the search box apart), visible ones only.
BAR_CONTROLS = """() => [...document.querySelectorAll(
  '.site-header .brand, .site-header .inbox-link, .site-header .bell, #lang-select,'
  + ' .nav-toggle, #site-nav li')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => {
    const r = el.getBoundingClientRect();
    return [el.className || el.tagName, r.top, r.bottom];
  })"""


def assert_one_bar_row(page: Any, where: str) -> None:
    """The bar's controls share one row (no menu entry wraps); the site search may sit on a
    row of its own below them (on a phone always, on a desktop when the bar is full)."""
    controls = page.evaluate(BAR_CONTROLS)
    assert controls, where
    middles = [(top + bottom) / 2 for _name, top, bottom in controls]
    assert max(middles) - min(middles) < 24, f"{where}: {controls}"
    search = page.locator(".header-search").bounding_box()
    header = page.locator(".site-header").bounding_box()
    assert search is not None
    assert header is not None
    below = search["y"] >= max(bottom for _n, _t, bottom in controls) - 1
    assert header["height"] < 80 + (search["height"] + 16 if below else 0), where


def switch_to(page: Any, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).select_option(value)
    page.locator("form.lang-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", value)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_french_visitor_switches_to_german_and_back(
    browser: Any, site_server: LiveServer, javascript: bool
) -> None:
    page = french_page(browser, DESKTOP, javascript=javascript)
    page.goto(f"{site_server.url}/directory/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    select = page.locator("#lang-select")
    assert select.input_value() == "fr"
    assert page.locator("#lang-select option[lang=de]").inner_text() == "Deutsch"

    switch_to(page, "Langue", "de")
    assert page.url.endswith("/directory/")  # back on the same page
    assert page.locator("#lang-select").input_value() == "de"
    assert page.get_by_role("button", name="Sprache wechseln").is_visible()
    if javascript:
        shot(page, "languages-desktop-de")

    page.goto(f"{site_server.url}/map/")  # the choice holds on the next page
    assert page.locator("html").get_attribute("lang") == "de"

    switch_to(page, "Sprache", "fr")
    assert page.locator("#lang-select").input_value() == "fr"
    page.context.close()


def test_the_switcher_fits_on_a_phone(browser: Any, site_server: LiveServer) -> None:
    page = french_page(browser, PHONE)
    page.goto(f"{site_server.url}/")
    switch_to(page, "Langue", "de")
    for selector in ["#lang-select", "form.lang-switch button", ".nav-toggle", ".brand"]:
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    shot(page, "languages-phone-de")
    # One row: the switcher sits beside the brand and the menu button (the search below).
    assert_one_bar_row(page, "phone, de")
    page.context.close()


def test_a_logged_in_persons_choice_is_saved(browser: Any, site_server: LiveServer) -> None:
    [anna] = make_people(site_server, "Anna Novak")
    page = french_page(browser, DESKTOP)
    page.goto(f"{site_server.url}/")
    switch_to(page, "Langue", "en")  # log_in() reads the form's English labels
    log_in(page, site_server, anna["email"])
    switch_to(page, "Language", "it")
    saved = site_server.django(
        "from community.models import User\nresult = User.objects.get(pk=params['id']).language",
        id=anna["id"],
    )
    assert saved == "it"
    page.goto(f"{site_server.url}/account/")
    assert page.locator("html").get_attribute("lang") == "it"
    shot(page, "languages-account-it")
    page.set_viewport_size(PHONE)
    shot(page, "languages-account-it-phone")
    # Logged in, the bell joins them: still one row.
    assert_one_bar_row(page, "phone, it, signed in")
    page.context.close()


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_signed_in_desktop_header_keeps_one_row(
    browser: Any, site_server: LiveServer, language: str
) -> None:
    """Seven sections, a person's links, Messages, the bell and the switcher: one row at
    1280 px in the languages with the longest words (the site search may take a second)."""
    [person] = make_people(site_server, "Maximiliane Zimmermann-Schwarz")
    page = french_page(browser, DESKTOP)
    page.goto(f"{site_server.url}/")
    switch_to(page, "Langue", "en")
    log_in(page, site_server, person["email"])
    switch_to(page, "Language", language)
    page.goto(f"{site_server.url}/events/")
    shot(page, f"languages-header-{language}")
    assert_one_bar_row(page, f"desktop, {language}")
    page.context.close()
