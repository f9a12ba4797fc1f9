"""Forum moderation in real browsers against daphne: staff merge a topic from its page while
a member reads it, and the member's page says where it went without a reload; the moderation
pages (topic panel with move and merge, the forum's log and suspensions, the FCAN's members,
a group's notification level, a suspended person's topic) pass axe-core on a desktop and a
phone, in English and in French. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, LiveServer, log_in, make_people
from tests.browser.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAST_CODE = """
import datetime
from django.utils import timezone
from community.models import Organisation, OrganisationMembership, Partnership, User
from forums.models import ForumKind
from forums.services.forums import forum_create, forum_for_partnership, forum_member_add
from forums.services.moderation import suspension_create, topic_moderate
from forums.services.topics import post_reply, topic_create
staff = User.objects.get(pk=params["staff"])
User.objects.filter(pk=staff.pk).update(is_staff=True)
staff.is_staff = True
organisation = Organisation.objects.create(
    name="Hydrogen Valley Cluster", slug="hydrogen-valley", type="cluster", country="DE",
    status="published",
)
for key in ("anna", "sid"):
    OrganisationMembership.objects.create(
        organisation=organisation, user_id=params[key], role="member"
    )
partnership = Partnership.objects.create(
    kind="escp_4i", name="Blue Ports", slug="blue-ports", coordinator=organisation
)
forum = forum_for_partnership(partnership)
group = forum.groups.get(slug="funding")
anna = User.objects.get(pk=params["anna"])
target = topic_create(author=anna, group=group, title="Horizon call", body="Who applies?")
source = topic_create(author=staff, group=group, title="Horizon call (again)", body="Same call.")
post_reply(author=anna, topic=source, body="We apply with two SMEs.")
topic_moderate(moderator=staff, topic=target, verb="pin", reason="Important call")
sid = User.objects.get(pk=params["sid"])
suspension_create(moderator=staff, forum=forum, user=sid,
                  until=timezone.now() + datetime.timedelta(days=5), reason="Heated replies")
fcan = forum_create(kind=ForumKind.FCAN, name="Forum of Cluster Associations and Networks")
forum_member_add(by=staff, forum=fcan, user=anna)
result = {
    "forum": forum.slug, "fcan": fcan.slug, "group": group.get_absolute_url(),
    "target": target.pk, "source": source.pk,
}
"""


def _context(browser: Any, viewport: dict[str, int], locale: str) -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(scope="module")
def cast(site_server: LiveServer) -> dict[str, Any]:
    staff, anna, sid = make_people(site_server, "Sam Staff", "Anna Berg", "Sid Sauer")
    made = site_server.django(CAST_CODE, staff=staff["id"], anna=anna["id"], sid=sid["id"])
    return {**made, "staff": staff, "anna": anna, "sid": sid}


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_moderation_pages_are_accessible(
    site_server: LiveServer, browser: Any, cast: dict[str, Any], size: str, locale: str
) -> None:
    from playwright.sync_api import expect

    audit = Audit(size)
    viewport = PHONE if size == "phone" else DESKTOP
    lang = locale[:2]
    # The login form is read in English; the pages after it in the people's saved language.
    site_server.django(
        "from community.models import User\n"
        "User.objects.filter(pk__in=params['ids']).update(language=params['lang'])",
        ids=[cast["staff"]["id"], cast["sid"]["id"]],
        lang=lang,
    )
    staff = _context(browser, viewport, "en-GB").new_page()
    staff.add_init_script("window.__cspViolations = [];")
    log_in(staff, site_server, cast["staff"]["email"])
    for name, path in (
        ("topic-moderation", f"/forums/topics/{cast['target']}/"),
        ("forum-moderation", f"/forums/{cast['forum']}/moderation/"),
        ("fcan-members", f"/forums/{cast['fcan']}/members/?q=sid"),
    ):
        staff.goto(f"{site_server.url}{path}")
        expect(staff.locator("html")).to_have_attribute("lang", lang)
        audit.check(staff, f"{name}-{lang}")
    sid = _context(browser, viewport, "en-GB").new_page()
    sid.add_init_script("window.__cspViolations = [];")
    log_in(sid, site_server, cast["sid"]["email"])
    sid.goto(f"{site_server.url}/forums/topics/{cast['target']}/")
    expect(sid.locator("#suspension-notice")).to_be_visible()
    audit.check(sid, f"topic-suspended-{lang}")
    sid.goto(f"{site_server.url}{cast['group']}")
    expect(sid.locator("#suspension-notice")).to_be_visible()
    audit.check(sid, f"group-level-{lang}")
    audit.assert_clean()
    staff.context.close()
    sid.context.close()


def test_a_merge_reaches_the_reader_live(
    site_server: LiveServer, browser: Any, cast: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    site_server.django(
        "from community.models import User\n"
        "User.objects.filter(pk__in=params['ids']).update(language='en')",
        ids=[cast["staff"]["id"], cast["anna"]["id"]],
    )
    anna = _context(browser, PHONE, "en-GB").new_page()
    log_in(anna, site_server, cast["anna"]["email"])
    anna.goto(f"{site_server.url}/forums/topics/{cast['source']}/")
    expect(anna.locator("#post-list li.post")).to_have_count(2)
    staff = _context(browser, DESKTOP, "en-GB").new_page()
    log_in(staff, site_server, cast["staff"]["email"])
    staff.goto(f"{site_server.url}/forums/topics/{cast['source']}/")
    staff.get_by_label("Merge into topic number").fill(str(cast["target"]))
    staff.locator("#id_merge-reason").fill("Same call")
    staff.get_by_role("button", name="Merge", exact=True).click()
    staff.wait_for_url(f"**/forums/topics/{cast['target']}/")
    expect(staff.locator("#post-list li.post")).to_have_count(3)
    # Anna never reloaded: her page says where the posts went, with a link there.
    status = anna.locator("#topic-status")
    expect(status).to_contain_text("A moderator merged this topic into another one.")
    expect(status.get_by_role("link", name="Go there")).to_have_attribute(
        "href", f"/forums/topics/{cast['target']}/"
    )
    anna.screenshot(path="test-artifacts/forum-merge-live-phone.png")
    anna.context.close()
    staff.context.close()
