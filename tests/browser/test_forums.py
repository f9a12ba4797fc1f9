"""Two members of a partnership in two browsers against a real daphne: Marc replies in a
forum topic and Anna sees the post appear without reloading; Anna reacts and Marc sees the
count; on the group page a new topic is announced as "1 new topic — show" and shown on
request, without moving the list. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORUM_CODE = """
from community.models import Organisation, OrganisationMembership, Partnership, User
from forums.services.forums import forum_for_partnership
from forums.services.topics import topic_create
organisation = Organisation.objects.create(
    name="Hydrogen Valley Cluster", slug="hydrogen-valley", type="cluster", country="DE",
    status="published",
)
for key in ("anna", "marc"):
    OrganisationMembership.objects.create(
        organisation=organisation, user_id=params[key], role="member"
    )
partnership = Partnership.objects.create(
    kind="escp_4i", name="Blue Ports", slug="blue-ports", coordinator=organisation
)
forum = forum_for_partnership(partnership)
group = forum.groups.get(slug="funding")
topic = topic_create(author=User.objects.get(pk=params["anna"]), group=group,
                     title="Horizon call", body="Who applies with us?")
result = {"topic": topic.pk, "group": group.get_absolute_url()}
"""

NEW_TOPIC_CODE = """
from community.models import User
from forums.models import ForumGroup
from forums.services.topics import topic_create
group = ForumGroup.objects.get(forum__slug="blue-ports", slug="funding")
topic_create(author=User.objects.get(pk=params["marc"]), group=group,
             title="Interreg deadlines", body="Dates inside.")
"""


def test_a_reply_and_a_reaction_appear_live(site_server: LiveServer, browser: Any) -> None:
    from playwright.sync_api import expect

    anna_user, marc_user = make_people(site_server, "Anna Berg", "Marc Dupont")
    made = site_server.django(FORUM_CODE, anna=anna_user["id"], marc=marc_user["id"])
    url = f"{site_server.url}/forums/topics/{made['topic']}/"
    anna, marc = new_page(browser, DESKTOP), new_page(browser, PHONE)
    log_in(anna, site_server, anna_user["email"])
    log_in(marc, site_server, marc_user["email"])
    anna.goto(url)
    marc.goto(url)
    expect(anna.locator("#post-list li.post")).to_have_count(1)

    # Marc replies through the page's form, typing into the codebase's markdown editor.
    editor = marc.get_by_role("textbox", name="Your reply")
    expect(editor).to_be_visible()
    editor.focus()
    marc.keyboard.insert_text("We do, **with two SMEs**.")
    marc.get_by_role("button", name="Post the reply").click()
    expect(marc.locator("#post-list li.post")).to_have_count(2)

    # Anna never reloaded: the post arrived on the live topic.
    reply = anna.locator("#post-list li.post", has_text="We do, with two SMEs.")
    expect(reply).to_have_count(1)
    expect(reply.locator("strong", has_text="with two SMEs")).to_have_count(1)
    expect(anna.locator("#topic-status")).to_have_text("New post by Marc Dupont")

    # Anna reacts; Marc sees the count without reloading.
    reply.locator("button.reaction[data-emoji='🎉']").click()
    marc_reply = marc.locator("#post-list li.post", has_text="We do, with two SMEs.")
    expect(marc_reply.locator("button.reaction[data-emoji='🎉'] .reaction-count")).to_have_text("1")
    shot(anna, "forum-topic-live")

    # The group page announces a new topic instead of moving the list.
    anna.goto(f"{site_server.url}{made['group']}")
    expect(anna.locator("#topic-list li[data-id]")).to_have_count(1)
    site_server.django(NEW_TOPIC_CODE, marc=marc_user["id"])
    expect(anna.get_by_role("button", name="1 new topic — show")).to_be_visible()
    expect(anna.locator("#topic-list li[data-id]")).to_have_count(1)
    anna.get_by_role("button", name="1 new topic — show").click()
    expect(anna.locator("#topic-list li[data-id]").first).to_contain_text("Interreg deadlines")
    shot(anna, "forum-group-new-topics")
