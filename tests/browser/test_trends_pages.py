"""The trend universe in a real browser against a real daphne, in French: the chart is drawn
from the page's data (one circle per trend and ecosystem), its numbers are the table's, it is
operated with the keyboard (arrow keys move, the details panel follows, Enter opens the
trend), the filters redraw chart and table together, and a manager says their organisation
works on a trend. axe-core finds nothing serious on desktop and phone, nothing is wider than
the phone, and screenshots are kept in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, LiveServer, log_in, make_people
from tests.browser.test_accessibility import Audit
from tests.browser.test_webinar_video import set_language

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from community.models import Ecosystem, Organisation, OrganisationMembership, User
from community.models.taxonomy import ECOSYSTEMS
from community.search import organisation_search_text
from hub.demo_trends import demo_trends

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
demo_trends(progress=lambda text: None)
energy = Ecosystem.objects.get(slug="energy-renewables")
manager = User.objects.get(pk=params["manager"])
cluster = Organisation.objects.create(
    name="Hidrógeno Aragón", slug=f"hidrogeno-aragon-{params['tag']}", type="cluster",
    country="ES", city="Zaragoza", status="published", primary_ecosystem=energy,
    description="Green hydrogen producers and users in Aragon.",
    members_total=30, members_sme=20, members_research=5, management_fte=1,
)
cluster.ecosystems.add(energy)
cluster.search_text = organisation_search_text(cluster)
cluster.save()
OrganisationMembership.objects.create(organisation=cluster, user=manager, role="admin")
result = {"cluster": cluster.name}
"""

# The phone test alone (the first test seeds the same trends on the module's server).
PHONE_CODE = """
from community.models import Ecosystem
from community.models.taxonomy import ECOSYSTEMS
from hub.demo_trends import demo_trends
from hub.models import Trend

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
if not Trend.objects.exists():
    demo_trends(progress=lambda text: None)
result = None
"""

STAFF_CODE = """
from community.models import User
User.objects.filter(pk=params["id"]).update(is_staff=True)
result = None
"""

READ_TABLE = """() => {
  const table = document.querySelector("[data-trend-table]");
  const heads = [...table.tHead.rows[0].cells].slice(1).map((c) => c.dataset.ecosystem);
  const cells = {};
  for (const row of table.tBodies[0].rows) {
    [...row.cells].slice(1).forEach((cell, i) => {
      const text = cell.textContent.trim();
      cells[`${row.dataset.trend}|${heads[i]}`] = /^[0-5]$/.test(text) ? text : "";
    });
  }
  return cells;
}"""

READ_CHART = """() => Object.fromEntries([...document.querySelectorAll("svg.trend-chart .cell")]
  .map((g) => [`${g.dataset.trend}|${g.dataset.ecosystem}`, g.dataset.impact]))"""


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => ({trend: document.activeElement.dataset.trend,"
        " ecosystem: document.activeElement.dataset.ecosystem})"
    )


def test_the_chart_is_drawn_keyboard_operable_and_matches_the_table(
    site_server: LiveServer, browser
):
    from playwright.sync_api import expect

    manager, analyst = make_people(site_server, "Lucia Ortega", "Ines Varga")
    site_server.django(STAFF_CODE, id=analyst["id"])
    world = site_server.django(WORLD_CODE, manager=manager["id"], tag=manager["email"][6:12])
    audit = Audit("desktop")
    page = audit.page(browser)
    set_language(page, site_server, "fr")
    page.goto(f"{site_server.url}/trends/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Univers des tendances")).to_be_visible()
    cells = page.locator("svg.trend-chart .cell")
    expect(cells).to_have_count(15 * 14)
    chart, table = page.evaluate(READ_CHART), page.evaluate(READ_TABLE)
    assert chart == table
    assert chart["hydrogen-valleys|energy-renewables"] == "5"
    assert chart["quantum-technologies|agri-food"] == ""  # not scored
    audit.check(page, "trends-universe")

    # The keyboard: one tab stop, arrows move, the panel and the tooltip follow.
    first = page.locator("svg.trend-chart .cell[tabindex='0']")
    expect(first).to_have_count(1)
    first.focus()
    start = _focused(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = _focused(page)
    assert moved["ecosystem"] == "agri-food"
    assert moved["trend"] != start["trend"]
    expect(page.locator("svg.trend-chart .cell[tabindex='0']")).to_have_count(1)
    details = page.locator("[data-trend-details]")
    expect(details.locator("h3 a")).to_have_attribute("href", f"/trends/{moved['trend']}/")
    expect(details).to_contain_text("Impact sur : Agroalimentaire")
    expect(details).to_contain_text("Court terme (moins de 3 ans)")
    expect(page.locator("[data-trend-tooltip]")).to_be_visible()
    page.keyboard.press("End")
    assert _focused(page)["ecosystem"] == "tourism"
    shot_path = audit.check(page, "trends-universe-focused", full_page=False)
    assert shot_path.exists()

    # The filters redraw the chart and the table together, without a reload.
    page.get_by_label("Horizon", exact=True).select_option("short")
    page.get_by_label("Écosystème", exact=True).select_option("energy-renewables")
    expect(cells).to_have_count(15)
    expect(page).to_have_url(f"{site_server.url}/trends/?horizon=short&ecosystem=energy-renewables")
    chart, table = page.evaluate(READ_CHART), page.evaluate(READ_TABLE)
    assert chart == table
    assert len(table) == 15
    # One ecosystem: the strongest trends for it first, unscored ones last.
    column = page.locator("[data-trend-table] tbody td").all_inner_texts()
    impacts = [int(text) if text.strip().isdigit() else -1 for text in column]
    assert impacts == sorted(impacts, reverse=True)
    assert impacts[0] == 3
    expect(page.locator("[data-trend-caption-horizon]")).to_have_text(
        "Court terme (moins de 3 ans)"
    )
    audit.check(page, "trends-filtered")

    # Enter opens the trend.
    page.locator("svg.trend-chart .cell[tabindex='0']").focus()
    page.keyboard.press("Control+End")
    assert _focused(page)["trend"] == page.locator(
        "[data-trend-table] tbody tr"
    ).last.get_attribute("data-trend")
    page.keyboard.press("Control+Home")
    assert _focused(page)["trend"] == page.locator(
        "[data-trend-table] tbody tr"
    ).first.get_attribute("data-trend")
    page.locator("svg.trend-chart .cell[data-trend='hydrogen-valleys']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_server.url}/trends/hydrogen-valleys/")
    expect(page.get_by_role("heading", name="Hydrogen valleys", exact=True)).to_be_visible()
    audit.check(page, "trend-detail")

    # A manager says their organisation works on it, and sees it listed.
    set_language(page, site_server, "en")
    log_in(page, site_server, manager["email"])
    set_language(page, site_server, "fr")
    page.goto(f"{site_server.url}/trends/hydrogen-valleys/")
    page.get_by_role("button", name="Nous travaillons sur ce sujet").click()
    working = page.locator("#working")
    expect(working.locator(".trend-orgs")).to_contain_text(world["cluster"])
    audit.check(page, "trend-detail-manager")
    page.goto(f"{site_server.url}/trends/mine/")
    expect(page.get_by_role("heading", name="Hydrogen valleys")).to_be_visible()
    audit.check(page, "trends-mine")
    page.context.close()

    # Staff edit a trend's scores in the form.
    page = audit.page(browser)
    log_in(page, site_server, analyst["email"])
    set_language(page, site_server, "fr")
    page.goto(f"{site_server.url}/trends/circular-textiles/edit/")
    textiles = page.locator("select[name='score__textiles__short']")
    expect(textiles).to_have_value("3")
    textiles.select_option("4")
    audit.check(page, "trend-form")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{site_server.url}/trends/circular-textiles/")
    expect(page.locator(".trend-score-table")).to_contain_text("Textile")
    page.context.close()
    audit.assert_clean()


def test_the_universe_on_a_phone(site_server: LiveServer, browser):
    from playwright.sync_api import expect

    site_server.django(PHONE_CODE)
    audit = Audit("phone")
    page = audit.page(browser)
    assert page.viewport_size == PHONE
    set_language(page, site_server, "fr")
    page.goto(f"{site_server.url}/trends/")
    cells = page.locator("svg.trend-chart .cell")
    expect(cells).to_have_count(15 * 14)
    # The grid scrolls inside its box beside the trends' names; the page itself is not
    # wider than the phone.
    scroll = page.locator("[data-trend-chart] .trend-chart-cells")
    assert scroll.evaluate("(el) => el.scrollWidth > el.clientWidth")
    page.locator("svg.trend-chart .cell[tabindex='0']").focus()
    page.keyboard.press("End")
    expect(page.locator("[data-trend-details] h3")).to_be_visible()
    audit.check(page, "trends-universe")
    page.goto(f"{site_server.url}/trends/circular-textiles/")
    audit.check(page, "trend-detail")
    page.goto(f"{site_server.url}/trends/?ecosystem=textiles")
    expect(cells).to_have_count(15)
    audit.check(page, "trends-filtered")
    page.context.close()
    audit.assert_clean()
