"""The site search's matching, grouping, counts, pages and refusals (API and page), and its
snippets against the XSS corpora. Access is tests/sitesearch/test_access.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from community.models import ModerationStatus
from sitesearch.selectors import search as search_module
from sitesearch.selectors.registry import kinds
from tests.factories import ListingFactory, NewsItemFactory
from tests.sitesearch.conftest import organisation
from tests.xss_support import ALL_PAYLOADS, CORPORA, page_problems, sample

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def _groups(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {g["kind"]: g for g in response.json()["groups"]}


def _errors(response):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "invalid"
    return body["fields"]


# --- Matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Île-de-France Cluster", "ile"), ("Ile Cluster", "Île"), ("Zürich Cluster", "zurich"),
     ("Zurich Cluster", "ZÜRICH"), ("Hydrogène Valley", "hydrogene")],
)  # fmt: skip
def test_accents_and_case_are_ignored_both_ways(api_client, ecosystems, stored, typed):
    organisation(name=stored)
    NewsItemFactory(title=f"{stored} news")
    ListingFactory(title=f"{stored} offer")
    groups = _groups(api_client, q=typed)
    assert [r["title"] for r in groups["organisations"]["results"]] == [stored]
    assert [r["title"] for r in groups["news"]["results"]] == [f"{stored} news"]
    assert [r["title"] for r in groups["listings"]["results"]] == [f"{stored} offer"]


def test_a_city_is_found_by_its_other_names_as_in_the_directory(api_client, ecosystems):
    organisation(name="Alpine Robotics", city="Zürich", country="CH")
    groups = _groups(api_client, q="Zurich")
    assert [r["title"] for r in groups["organisations"]["results"]] == ["Alpine Robotics"]


def test_every_word_must_match(api_client, ecosystems):
    NewsItemFactory(title="Hydrogen valleys in Bavaria")
    NewsItemFactory(title="Hydrogen in Spain")
    groups = _groups(api_client, q="hydrogen bavaria")
    assert [r["title"] for r in groups["news"]["results"]] == ["Hydrogen valleys in Bavaria"]


# --- Grouping, counts, ranking, pages ----------------------------------------------------


def test_groups_carry_their_count_and_a_link_to_more(api_client, world, monkeypatch):
    for n in range(7):
        NewsItemFactory(title=f"Zephyrine bulletin {n}")
    groups = _groups(api_client, q="zephyrine")
    news = groups["news"]
    assert news["count"] == 8  # the seven and "Zephyrine news"
    assert len(news["results"]) == search_module.GROUP_SIZE
    assert news["next"].endswith("/api/v1/search/?q=zephyrine&kind=news")
    assert groups["events"]["next"] is None  # one event: all shown
    assert all(r["kind"] == g for g, group in groups.items() for r in group["results"])
    # Count stops at MAX_RESULTS and says so.
    monkeypatch.setattr(search_module, "MAX_RESULTS", 6)
    news = _groups(api_client, q="zephyrine")["news"]
    assert (news["count"], news["capped"]) == (6, True)


def test_a_kind_pages_through_its_results(api_client, ecosystems, monkeypatch):
    monkeypatch.setattr(search_module, "PAGE_SIZE", 3)
    for n in range(7):
        NewsItemFactory(title=f"Quokka report {n}")
    first = api_client.get(URL, {"q": "quokka", "kind": "news"}).json()
    [group] = first["groups"]
    assert (first["kind"], first["page"], group["count"], len(group["results"])) == (
        "news", 1, 7, 3,
    )  # fmt: skip
    assert group["previous"] is None
    third = api_client.get(group["next"].replace("page=2", "page=3")).json()
    assert len(third["groups"][0]["results"]) == 1
    assert third["groups"][0]["next"] is None
    assert api_client.get(URL, {"q": "quokka", "kind": "news", "page": 4}).status_code == 404


def test_a_group_whose_best_title_holds_the_query_comes_first(api_client, ecosystems):
    # Organisations come before news when both or neither hold the words in a title...
    organisation(name="Baltic Maritime", description="Offshore wind power.")
    NewsItemFactory(title="Offshore wind power", summary="News.")
    assert list(_groups(api_client, q="offshore wind power")) == ["news", "organisations"]
    assert list(_groups(api_client, q="baltic")) == ["organisations"]


def test_within_a_kind_a_title_match_comes_before_a_text_match(api_client, ecosystems):
    NewsItemFactory(title="A report", summary="About the axolotl economy.")
    NewsItemFactory(title="Axolotl economy", summary="A report.")
    titles = [r["title"] for r in _groups(api_client, q="axolotl economy")["news"]["results"]]
    assert titles == ["Axolotl economy", "A report"]


def test_a_result_has_what_a_client_needs(api_client, world):
    news = _groups(api_client, q="zephyrine")["news"]["results"][0]
    assert set(news) == {
        "kind", "id", "title", "title_html", "snippet", "url", "date", "context", "status",
    }  # fmt: skip
    assert news["title_html"] == "<mark>Zephyrine</mark> news"
    assert news["url"].startswith("/news/")
    assert news["status"] == ""


def test_staff_see_the_state_of_what_is_not_public(api_client, world):
    api_client.force_authenticate(world.people["staff"])
    statuses = {
        r["title"]: r["status"] for r in _groups(api_client, q="zephyrine")["news"]["results"]
    }
    assert statuses["Zephyrine news"] == ""
    assert statuses["Zephyrine pending news"] == str(ModerationStatus.NEEDS_REVIEW.label)


def test_each_group_costs_a_bounded_number_of_queries(
    api_client, world, django_assert_max_num_queries
):
    for n in range(30):
        NewsItemFactory(title=f"Zephyrine bulletin {n}")
    api_client.force_authenticate(world.people["member"])
    with django_assert_max_num_queries(60):
        api_client.get(URL, {"q": "zephyrine"})


# --- Refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "   "}, "q"), ({"q": "x", "kind": "spells"}, "kind"),
     ({"q": "x", "kind": "news", "page": "0"}, "page"),
     ({"q": "x", "kind": "news", "page": "two"}, "page"), ({"q": "x", "page": "2"}, "page")],
)  # fmt: skip
def test_bad_parameters_are_refused_by_name(api_client, db, params, field):
    assert field in _errors(api_client.get(URL, params))


def test_the_page_shows_bad_parameters_as_errors(client, db):
    response = client.get("/search/", {"q": " ", "kind": "spells"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "spells" in html


def test_the_page_without_a_query_is_an_empty_form(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'id="site-search-q"' in response.content.decode()


def test_the_page_groups_and_links_to_more(client, world):
    for n in range(7):
        NewsItemFactory(title=f"Zephyrine bulletin {n}")
    html = client.get("/search/", {"q": "zephyrine"}).content.decode()
    assert 'id="group-news"' in html
    assert "?q=zephyrine&amp;kind=news" in html
    page = client.get("/search/", {"q": "zephyrine", "kind": "news"}).content.decode()
    assert page.count('class="search-hit"') == 8


def test_the_header_search_box_leads_to_the_search(client, db):
    html = client.get("/directory/").content.decode()
    form = re.search(r'<form[^>]*class="header-search"[^>]*>', html)
    assert form is not None
    assert 'action="/search/"' in form.group(0)
    assert 'name="q"' in html


def test_every_kind_is_offered_on_the_page(client, db):
    html = client.get("/search/").content.decode()
    for kind in kinds():
        assert f'value="{kind}"' in html


# --- XSS ---------------------------------------------------------------------------------

CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)
ALLOWED_IN_RESULTS = {"section", "h2", "span", "ol", "li", "h3", "a", "mark", "p", "time"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _results_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    region = html.split('<section class="search-group"', 1)[1].split("</main>", 1)[0]
    parser = _Tags()
    parser.feed('<section class="search-group"' + region)
    return parser.tags


def _check_results(html: str) -> None:
    assert page_problems(html) == []
    for tag, attrs in _results_tags(html):
        assert tag in ALLOWED_IN_RESULTS, tag
        assert all(not name.startswith("on") and name != "style" for name, _ in attrs)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_escaped_in_the_results(client, ecosystems, path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    NewsItemFactory(
        title=f"Zephyrine {first}"[:200], summary=f"Zephyrine {first}"[:500], body=text[:100_000]
    )
    ListingFactory(title=f"Zephyrine {first}"[:200], description=text[:20_000])
    html = client.get("/search/", {"q": "zephyrine"}).content.decode()
    assert 'id="group-news"' in html
    _check_results(html)
    body = client.get(URL, {"q": "zephyrine"}).json()
    for group in body["groups"]:
        for hit in group["results"]:
            for field in ("title_html", "snippet"):
                assert not set(re.findall(r"</?([a-zA-Z][^\s/>]*)", hit[field])) - {"mark"}


@pytest.mark.parametrize("payload", sample(ALL_PAYLOADS, 40))
def test_a_payload_as_the_query_and_the_title_is_escaped(client, ecosystems, payload):
    NewsItemFactory(title=payload[:200], summary=payload[:500])
    response = client.get("/search/", {"q": payload})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert page_problems(html) == []
    if 'class="search-group"' in html:
        _check_results(html)
