"""Both XSS corpora (tests/data/xss/) in a real Chromium, in every rich-text field of the
information hub: a call's text, a library item's abstract, a country page's overview, an In
focus page's introduction, a trend's description, an enquiry's question and the desk's
answer (seen by staff), and a sent newsletter issue's editorial in the archive. The payloads
are stored with the models, past the services' input cleaning, so what is tested is the one
render-time sanitiser every page shows rich text through. Nothing runs: no dialog opens,
`alert`, `confirm`, `prompt` and `print` are never called, the page reports no CSP violation,
and the rendered text holds no script, no event handler and no javascript:/data: link."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, LiveServer, log_in, make_people, new_page, shot
from tests.browser.test_forum_xss import SENTINEL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORLD_CODE = """
from datetime import date, timedelta
from django.utils import timezone
from community.models import Ecosystem, Organisation, User
from community.models.taxonomy import ECOSYSTEMS
from hub.models import Call, CountryPage, Enquiry, EnquiryMessage, FocusPage, LibraryItem, Trend
from newsletter.models import Issue, IssueText
from tests.xss_support import ALL_PAYLOADS, OWASP_PAYLOADS

for position, (slug, name) in enumerate(ECOSYSTEMS):
    Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
text = "\\n\\n".join(OWASP_PAYLOADS + ALL_PAYLOADS[::10])
title = " ".join(OWASP_PAYLOADS[7].split())[:120]
staff = User.objects.get(pk=params["staff"])
staff.is_staff = True
staff.save(update_fields=["is_staff"])
now = timezone.now()
org = Organisation.objects.create(name="XSS Lab", slug="xss-lab", type="cluster",
                                  country="DK", status="published")
call = Call.objects.create(
    slug="xss-call", title=title, kind="funding", programme="P", funder="F", summary="S",
    body=text, deadline=now + timedelta(days=9), time_zone="Europe/Brussels",
    official_url="https://ec.europa.eu/", author=staff, organisation=org, status="published",
    published_at=now)
item = LibraryItem.objects.create(slug="xss-item", title=title, item_type="study",
    abstract=text, url="https://example.org/", status="published", published_at=now)
CountryPage.objects.update_or_create(country="DK", defaults={"overview": text})
focus = FocusPage.objects.create(slug="xss-focus", kind="policy", title="Resilience",
                                 intro=text, published=True)
trend = Trend.objects.create(slug="xss-trend", title=title[:120], summary="S", description=text)
enquiry = Enquiry.objects.create(name="Visitor", email="v@example.org", country="JP",
                                 subject=title, question=text)
EnquiryMessage.objects.create(enquiry=enquiry, kind="answer", author=staff, body=text)
issue = Issue.objects.create(state="sent", period_start=date.today() - timedelta(days=30),
                             period_end=date.today(), sent_at=now, created_by=staff)
IssueText.objects.create(issue=issue, language="en", subject=title, editorial=text)
result = {"pages": [
    call.get_absolute_url(), item.get_absolute_url(), "/countries/dk/",
    focus.get_absolute_url(), trend.get_absolute_url(), enquiry.get_absolute_url(),
    issue.get_absolute_url(),
]}
"""

DOM_PROBLEMS = """
() => {
  const problems = [];
  for (const root of document.querySelectorAll("main .rich-text, main h1")) {
    for (const node of [root, ...root.querySelectorAll("*")]) {
      const tag = node.tagName.toLowerCase();
      if (["script", "iframe", "object", "embed", "svg", "math", "img", "form", "style",
           "base"].includes(tag)) problems.push(`<${tag}>`);
      for (const attr of node.attributes) {
        if (attr.name.startsWith("on")) problems.push(`${tag}[${attr.name}]`);
      }
      for (const name of ["href", "src", "action", "formaction", "xlink:href"]) {
        const value = node.getAttribute(name);
        if (value === null) continue;
        let scheme = "";
        try { scheme = new URL(value, document.baseURI).protocol; } catch (error) { continue; }
        if (["javascript:", "vbscript:", "data:"].includes(scheme)) {
          problems.push(`${tag}[${name}]=${value}`);
        }
      }
    }
  }
  return problems;
}
"""


def test_every_rich_text_field_of_the_hub_runs_nothing(
    site_server: LiveServer, browser: Any
) -> None:
    (staff,) = make_people(site_server, "Claire Staff")
    made = site_server.django(WORLD_CODE, staff=staff["id"])
    page = new_page(browser, DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(SENTINEL)
    log_in(page, site_server, staff["email"])
    for path in made["pages"]:
        response = page.goto(f"{site_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        assert page.locator("main .rich-text").count() >= 1, path
        # The payloads are there, shown as text.
        assert "alert" in page.locator("main .rich-text").first.inner_text(), path
        for body in page.locator("main .rich-text").all()[:3]:
            if body.is_visible():  # handlers tied to hovering would run now
                body.hover(position={"x": 5, "y": 5})
        assert dialogs == [], path
        assert page.evaluate("() => window.__xssCalls") == [], path
        assert page.evaluate("() => window.__cspViolations") == [], path
        assert page.evaluate(DOM_PROBLEMS) == [], path
    shot(page, "hub-xss-last")
    # The sentinels are live: a script that does run is seen by them.
    page.evaluate("() => alert('control')")
    assert dialogs == ["control"]
