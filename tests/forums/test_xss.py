"""Topic titles, posts and display names against the XSS corpora (tests/data/xss/:
PayloadsAllTheThings and the OWASP filter evasion cheat sheet).

Every payload of both corpora goes through the one renderer (`render_markdown`, as a post
body is stored) in several markdown contexts; a fixed representative subset is stored
through the real services (as a topic title, a post body, the author's display name, and a
linked listing's title and organisation name, shown as a card) and read back through the
real pages and the REST API. The HTML is re-parsed as a browser would
(tests/xss_support.py): no script the page did not put there, no event-handler attribute,
no javascript:, vbscript: or data: URL.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from community.models import Organisation
from community.richtext import render_markdown
from forums import events
from forums.services import topics
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.xss_support import (
    ALL_PAYLOADS,
    OWASP_PAYLOADS,
    PAT_PAYLOADS,
    harmful_outputs,
    page_problems,
    problems_in,
    sample,
)

# Stored through the services and read through pages: every other OWASP block and every
# 40th PayloadsAllTheThings line (about 120 payloads; the renderer sees all of them). Each
# service call writes events and notifications, so the whole corpus would take minutes.
STORED = sample(OWASP_PAYLOADS, 2) + sample(PAT_PAYLOADS, 40)
TITLE_MAX = 200
NAME_MAX = 150
CONTEXTS = [
    "{}",
    "Before {} after",
    "> {}",
    "**{}**",
    "- {}",
    "`{}`",
    "[a link]({})",
    "[{}](https://ok.example/)",
    "<{}>",
]


def test_the_corpora_are_committed_and_complete():
    assert len(PAT_PAYLOADS) > 2600
    assert len(OWASP_PAYLOADS) > 100
    assert any("<SCRIPT" in p for p in OWASP_PAYLOADS)
    assert len(STORED) > 100


def test_the_checks_catch_what_they_should():
    assert problems_in('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert problems_in("<img src=x onerror=alert(1)>")
    assert problems_in('<a href="data:text/html,<script>alert(1)</script>">x</a>')
    assert problems_in('<a href="vbscript:msgbox(1)">x</a>')
    page = '<script nonce="abc">ok()</script><p>hi</p>'
    assert page_problems(page) == []
    assert page_problems(page + "<script>alert(1)</script>")
    assert page_problems(page + '<div onmouseover="x()">')
    assert page_problems(page + '<meta http-equiv="refresh" content="0;url=javascript:x">')


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_payload_renders_harmless(context):
    failures = harmful_outputs(render_markdown, ALL_PAYLOADS, context)
    assert failures == [], failures[:5]


def test_all_payloads_at_once_render_harmless():
    # Payloads that open a construct (a comment, a tag, a fence) and the ones after it.
    rendered = render_markdown("\n".join(ALL_PAYLOADS))
    assert problems_in(rendered) == []


@pytest.fixture
def stored(community_forum, place):
    """A community forum with one topic per stored payload as its title (over the groups,
    100 a group as the group page shows), and a topic whose posts are the payloads, written
    by people whose names are payloads, one of them linking a listing whose title and
    organisation's name are payloads."""
    groups = list(community_forum.groups.all())
    reader = place.marc
    titles = []
    for n, payload in enumerate(STORED):
        title = " ".join(payload.split())[:TITLE_MAX] or "x"
        topic = topics.topic_create(
            author=reader, group=groups[n // 100 % len(groups)], title=title, body="t"
        )
        titles.append(topic)
    thread = topics.topic_create(
        author=reader, group=groups[0], title="Payload posts", body="Start"
    )
    organisation = OrganisationFactory(name=STORED[1][:200])
    listing = ListingFactory(organisation=organisation, title=STORED[2][:200])
    authors = [UserFactory(full_name=p[:NAME_MAX]) for p in STORED[:40]]
    posts = []
    for n, payload in enumerate(STORED):
        body = payload if n % 7 else f"{payload}\n\n/xchange/listings/{listing.pk}/"
        post, _created = topics.post_reply(
            author=authors[n % len(authors)], topic=thread, body=body
        )
        posts.append(post)
    return {"titles": titles, "thread": thread, "posts": posts, "groups": groups}


def _page(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.content.decode()


@pytest.mark.django_db
def test_stored_payloads_are_harmless_on_pages_in_the_api_and_live(
    client, api_client, stored, place
):
    client.force_login(place.anna)
    thread = stored["thread"]
    page = _page(client, thread.get_absolute_url())
    assert page_problems(page) == []
    # The payloads are there, as text: the checks looked at the real thing.
    assert page.count('class="listing-card ') == len(range(0, len(STORED), 7))
    names = {p.author.display_name for p in stored["posts"]}
    assert all(escape(name) in page for name in names)
    for group in stored["groups"]:
        page = _page(client, group.get_absolute_url())
        assert page_problems(page) == [], group
    for topic in stored["titles"][::10]:
        page = _page(client, topic.get_absolute_url())
        assert page_problems(page) == [], topic.title
        assert f">{escape(topic.title)}</h1>" in page
    assert page_problems(_page(client, "/forums/")) == []
    assert page_problems(_page(client, stored["groups"][0].forum.get_absolute_url())) == []

    api_client.force_authenticate(place.anna)

    thread = stored["thread"]
    url = f"/api/v1/forums/topics/{thread.pk}/posts/"
    checked = 0
    while url:
        answer = api_client.get(url).json()
        for post in answer["results"]:
            assert problems_in(post["body_html"]) == [], post["body"]
            checked += 1
        url = answer["next"]
    assert checked == len(STORED) + 1
    for post in stored["posts"]:
        # What `post.created` carried to every open page of the topic.
        assert problems_in(events.post_payload(post)["body_html"]) == [], post.body


@pytest.mark.django_db
def test_an_organisation_name_payload_stays_text_on_a_card(client, place):
    failures = []
    organisation = OrganisationFactory()
    listing = ListingFactory(organisation=organisation)
    topic = topics.topic_create(
        author=place.anna, group=place.group, title="Card", body=f"/xchange/listings/{listing.pk}/"
    )
    client.force_login(place.marc)
    MembershipFactory(organisation=organisation)
    for payload in OWASP_PAYLOADS[::4]:
        Organisation.objects.filter(pk=organisation.pk).update(name=payload[:200])
        page = _page(client, topic.get_absolute_url())
        found = page_problems(page)
        if found:
            failures.append((payload, found))
    assert failures == []
