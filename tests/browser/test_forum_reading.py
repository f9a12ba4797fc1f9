"""Reading a forum topic in real browsers against a real daphne: who is reading now, a reply
arriving unread and becoming read once on screen, an outsider's 404, and one person's two
devices — reading on one clears the unread badge on the other within 2 s. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, LiveServer, log_in, make_people, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORUM_CODE = """
from community.models import Organisation, OrganisationMembership, Partnership, User
from forums.services.forums import forum_for_partnership
from forums.services.topics import post_reply, topic_create
tag = params["tag"]
organisation = Organisation.objects.create(
    name=f"Ports Cluster {tag}", slug=f"ports-{tag}", type="cluster", country="FR",
    status="published",
)
for key in params["members"]:
    OrganisationMembership.objects.create(organisation=organisation, user_id=key, role="member")
partnership = Partnership.objects.create(
    kind="escp_4i", name=f"Blue Ports {tag}", slug=f"blue-ports-{tag}", coordinator=organisation
)
forum = forum_for_partnership(partnership)
group = forum.groups.get(slug="funding")
author = User.objects.get(pk=params["author"])
topic = topic_create(author=author, group=group, title="Horizon call", body=params["body"])
replies = [post_reply(author=author, topic=topic, body=text)[0].pk for text in params["replies"]]
result = {"topic": topic.pk, "group": group.get_absolute_url(), "replies": replies}
"""


def _forum(
    server: LiveServer, *, members: list[int], author: int, replies=(), body="Who applies?"
) -> dict[str, Any]:
    return server.django(
        FORUM_CODE,
        tag=secrets.token_hex(3),
        members=members,
        author=author,
        replies=list(replies),
        body=body,
    )


def _news_from_marc(server: LiveServer, *replies: str) -> tuple[Any, Any, dict[str, Any]]:
    """Anna and Marc, members; Marc's topic with `replies`, all unread for Anna."""
    anna_user, marc_user = make_people(server, "Anna Berg", "Marc Dupont")
    made = _forum(
        server, members=[anna_user["id"], marc_user["id"]], author=marc_user["id"], replies=replies
    )
    return anna_user, marc_user, made


# A first post taller than the window: a reply below it is off screen until scrolled to.
LONG_BODY = "\n\n".join(f"Point {n}: budget, partners and deadlines." for n in range(40))


def _is_read(response: Any) -> bool:
    """The answer to a read position sent by forum-reading.js."""
    return bool(response.url.endswith("/read/") and response.ok)


def test_two_readers_see_each_other_and_a_reply_arrives_unread_then_read(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna_user, marc_user, olga_user = make_people(
        site_server, "Anna Berg", "Marc Dupont", "Olga Nowak"
    )
    made = _forum(
        site_server,
        members=[anna_user["id"], marc_user["id"]],
        author=anna_user["id"],
        body=LONG_BODY,
    )
    url = f"{site_server.url}/forums/topics/{made['topic']}/"
    anna, marc = new_page(browser, DESKTOP), new_page(browser, PHONE)
    log_in(anna, site_server, anna_user["email"])
    log_in(marc, site_server, marc_user["email"])
    anna.goto(url)
    expect(anna.locator("#post-list li.post")).to_have_count(1)
    marc.goto(url)

    # Who is reading: each sees the other, by name, not themselves.
    expect(anna.locator("#topic-readers")).to_have_text("Marc Dupont is also reading")
    expect(marc.locator("#topic-readers")).to_have_text("Anna Berg is also reading")

    # Marc replies through the form.
    editor = marc.get_by_role("textbox", name="Your reply")
    editor.focus()
    marc.keyboard.insert_text("Count us in.")
    marc.get_by_role("button", name="Post the reply").click()
    expect(marc.locator("#post-list li.post")).to_have_count(2)

    # Anna never reloaded: the reply arrives unread, right after the "new" line...
    reply = anna.locator("#post-list li.post", has_text="Count us in.")
    expect(reply).to_have_class(re.compile(r"\bis-unread\b"))
    expect(anna.locator("#unread + li.post")).to_have_text(re.compile("Count us in."))
    expect(anna.locator("#unread")).to_have_text("New since your last visit")
    expect(anna.locator("#topic-status")).to_have_text("New post by Marc Dupont")
    shot(anna, "forum-reading-unread")
    # ... and stays unread while off screen; once it has been on screen, the mark goes and
    # the server has it.
    assert not reply.is_visible() or not reply.evaluate(
        "(li) => li.getBoundingClientRect().top < window.innerHeight"
    )
    expect(reply).to_have_class(re.compile(r"\bis-unread\b"))
    with anna.expect_response(_is_read) as sent:
        reply.scroll_into_view_if_needed()
        expect(reply).not_to_have_class(re.compile(r"\bis-unread\b"))
    reply_id = int(reply.get_attribute("data-id") or 0)
    assert (sent.value.json()["last_read_post_id"], sent.value.json()["unread"]) == (reply_id, 0)

    def anna_position() -> int:
        answer = anna.request.get(f"{site_server.url}/api/v1/forums/topics/{made['topic']}/")
        return int(answer.json()["last_read_post_id"])

    assert anna_position() == reply_id

    # Marc leaves: his name goes from Anna's page.
    marc.context.close()
    expect(anna.locator("#topic-readers")).to_be_hidden()
    shot(anna, "forum-reading-alone")

    # Someone who is not a member gets a 404 for the topic page.
    olga = new_page(browser, DESKTOP)
    log_in(olga, site_server, olga_user["email"])
    response = olga.goto(url)
    assert response is not None
    assert response.status == 404
    assert "Horizon call" not in olga.content()
    olga.context.close()
    anna.context.close()


def test_reading_on_one_device_clears_the_unread_badge_on_the_other(
    site_server: LiveServer, browser: Any
) -> None:
    from playwright.sync_api import expect

    anna_user, _marc_user, made = _news_from_marc(site_server, "First news", "Second news")
    phone, laptop = new_page(browser, PHONE), new_page(browser, DESKTOP)
    log_in(phone, site_server, anna_user["email"])
    log_in(laptop, site_server, anna_user["email"])

    # The phone shows the group: the topic has new posts.
    phone.goto(f"{site_server.url}{made['group']}")
    row = phone.locator(f"#topic-list li[data-id='{made['topic']}']")
    expect(row).to_have_class(re.compile(r"\bis-unread\b"))
    expect(row.locator(".unread-link")).to_contain_text("3 new")
    expect(phone.locator("#group-unread")).to_have_text("1 topic with new posts")
    shot(phone, "forum-reading-group-unread")

    # The laptop opens the topic at the jump link's anchor: the "new" line has the focus,
    # and what is on screen is read (in batches; the last one leaves nothing unread).
    with laptop.expect_response(_is_read) as first:
        laptop.goto(f"{site_server.url}/forums/topics/{made['topic']}/#unread")
        expect(laptop.locator("#unread")).to_be_focused()
    answer = first.value.json()
    while answer["unread"]:
        with laptop.expect_response(_is_read) as more:
            pass
        answer = more.value.json()
    assert answer["last_read_post_id"] == made["replies"][-1]
    expect(laptop.locator("#post-list li.post.is-unread")).to_have_count(0)

    # Within 2 s the phone, never reloaded, has no unread badge left.
    expect(row).not_to_have_class(re.compile(r"\bis-unread\b"), timeout=2000)
    expect(row.locator(".unread-link")).to_have_count(0, timeout=2000)
    expect(phone.locator("#group-unread")).to_be_hidden(timeout=2000)
    shot(phone, "forum-reading-group-read")
    phone.context.close()
    laptop.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_topic_page_with_readers_and_new_posts_is_accessible_in_english_and_french(
    site_server: LiveServer, browser: Any, size: str
) -> None:
    from playwright.sync_api import expect

    from tests.browser.test_accessibility import Audit

    anna_user, marc_user, made = _news_from_marc(
        site_server, "Budget: 2 M€, 40 % for SMEs.", "Deadline 15 March."
    )
    url = f"{site_server.url}/forums/topics/{made['topic']}/"
    marc = new_page(browser, DESKTOP)
    log_in(marc, site_server, marc_user["email"])
    marc.goto(url)
    audit = Audit(size)
    for language, reading in [("en", "Marc Dupont is also reading"), ("fr", "Marc Dupont lit")]:
        anna = audit.page(browser)
        log_in(anna, site_server, anna_user["email"])
        anna.context.add_cookies(
            [{"name": "django_language", "value": language, "url": site_server.url}]
        )
        anna.goto(url)
        expect(anna.locator("#topic-readers")).to_contain_text(reading)
        expect(anna.locator("#unread")).to_be_visible()
        expect(anna.locator("#unread-jump")).to_be_visible()
        audit.check(anna, f"forum-reading-{language}", full_page=False)
        anna.context.close()
        # The English visit read the posts: unread again for the French one.
        site_server.django(
            "from forums.models import ReadState\n"
            "ReadState.objects.filter(user_id=params['user']).update(last_read_post_id=0)",
            user=anna_user["id"],
        )
    marc.context.close()
    audit.assert_clean()
