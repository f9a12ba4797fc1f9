"""The site search never shows what its person may not open: for each kind, each person
(visitor, member, outsider, staff, a conversation's other participant) sees exactly the
results the kind's own gate lets them open. Through the API, the page and the selectors."""

from __future__ import annotations

import pytest

from sitesearch.selectors.registry import kinds
from sitesearch.selectors.search import search_overview as overview
from sitesearch.selectors.search import search_params

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"
VIEWERS = ["anonymous", "member", "outsider", "staff", "partner"]


def _titles(client, kind: str) -> set[str]:
    response = client.get(URL, {"q": "zephyrine", "kind": kind})
    assert response.status_code == 200, response.content
    [group] = response.json()["groups"]
    if kind == "messages":  # the conversation's title, and the body in the snippet
        return {
            f"{r['title']}:{r['snippet'].replace('<mark>', '').replace('</mark>', '')}"
            for r in group["results"]
        }
    return {r["title"] for r in group["results"]}


def _client_for(api_client, world, viewer):
    person = world.people[viewer]
    if person is not None:
        api_client.force_authenticate(person)
    return api_client


def test_every_kind_is_covered_by_the_matrix(world):
    assert set(world.expected) == set(kinds())


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    "kind",
    [
        "organisations",
        "news",
        "listings",
        "calls",
        "library",
        "events",
        "forum_posts",
        "messages",
    ],
)
def test_each_person_sees_exactly_what_they_may_open(api_client, world, kind, viewer):
    client = _client_for(api_client, world, viewer)
    expected = {title for title, who in world.expected[kind].items() if viewer in who}
    assert _titles(client, kind) == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_overview_shows_the_same_as_the_kind_pages(api_client, world, viewer):
    client = _client_for(api_client, world, viewer)
    body = client.get(URL, {"q": "zephyrine"}).json()
    counts = {g["kind"]: g["count"] for g in body["groups"]}
    expected = {
        kind: len([t for t, who in titles.items() if viewer in who])
        for kind, titles in world.expected.items()
    }
    assert counts == {k: n for k, n in expected.items() if n}


def test_the_issues_three_cases(world):
    """A members-only forum post, another person's message, an unpublished profile."""
    params = search_params({"q": "zephyrine"})
    outsider = {
        g.kind: {h.title for h in g.hits} for g in overview(world.people["outsider"], params)
    }
    assert "Zephyrine members-only plans" not in outsider["forum_posts"]
    assert "messages" not in outsider
    assert "Zephyrine Draft Cluster" not in outsider["organisations"]
    staff = {g.kind: {h.title for h in g.hits} for g in overview(world.people["staff"], params)}
    assert "messages" not in staff  # staff read nobody's conversations


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_page_shows_what_the_api_shows(client, world, viewer):
    if world.people[viewer] is not None:
        client.force_login(world.people[viewer])
    html = client.get("/search/", {"q": "zephyrine"}).content.decode()
    for titles in world.expected.values():
        for title, who in titles.items():
            shown = title.split(":")[-1]
            assert (shown in html.replace("<mark>", "").replace("</mark>", "")) == (
                viewer in who
            ), (title, viewer)
