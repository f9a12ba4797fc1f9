"""The trend pages and API: the universe's table (the chart's no-JS fallback) and its
filters, the chart's data, a trend's page with what links to it and who works on it, "we work
on this", staff's form, the manager's page, the API's answers and 400s, and every XSS corpus
file rendered as a trend's description."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from hub.models import Trend, TrendEngagement, TrendScore
from tests.factories import MembershipFactory, NewsItemFactory, OrganisationFactory
from tests.hub.trends_support import make_trend_world
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw(ecosystems):
    return make_trend_world()


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _table(html: str) -> list[list[str]]:
    """The table's rows as the text of their cells (header row first)."""
    table = html.split("data-trend-table", 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def test_the_universe_table_shows_the_highest_impact_by_default(tw):
    html = _client().get("/trends/").content.decode()
    rows = _table(html)
    assert rows[0][0] == "Trend"
    assert len(rows[0]) == 15
    assert rows[0][1] == "Aerospace & defence"
    textiles, hydrogen = rows[1], rows[2]
    assert textiles[0] == "Circular textiles"
    assert set(textiles[1:]) == {"\u2013 not scored"}
    energy = rows[0].index("Energy-renewables")
    assert hydrogen[energy] == "5"
    assert hydrogen[rows[0].index("Digital")] == "1"
    assert 'href="/trends/hydrogen-valleys/"' in html


def test_the_table_follows_the_filters_and_ignores_bad_values(tw):
    rows = _table(
        _client().get("/trends/?horizon=short&ecosystem=energy-renewables").content.decode()
    )
    assert rows == [
        ["Trend", "Energy-renewables"],
        ["Hydrogen valleys", "3"],
        ["Circular textiles", "\u2013 not scored"],
    ]
    rows = _table(_client().get("/trends/?horizon=soon&ecosystem=<x>").content.decode())
    assert len(rows[0]) == 15


def test_the_chart_data_is_on_the_page_with_a_nonce(tw):
    tw.hydrogen.summary = "</script><script>alert(1)</script>"
    tw.hydrogen.save()
    html = _client().get("/trends/").content.decode()
    assert page_problems(html) == []
    data = json.loads(html.split('id="trend-matrix">', 1)[1].split("</script>", 1)[0])
    assert [e["slug"] for e in data["ecosystems"]][:2] == ["aerospace-defence", "agri-food"]
    hydrogen = next(t for t in data["trends"] if t["slug"] == "hydrogen-valleys")
    assert hydrogen["impacts"]["energy-renewables"] == {"short": 3, "medium": 5, "long": 5}
    assert hydrogen["summary"] == "</script><script>alert(1)</script>"
    assert 'src="/static/hub/trends.js"' in html


def test_a_trend_page_shows_scores_news_organisations_and_who_works_on_it(tw):
    NewsItemFactory(title="Wasserstoff in Bayern")
    html = _client().get("/trends/hydrogen-valleys/").content.decode()
    assert "Green <strong>hydrogen</strong> for industry." in html
    assert "Wasserstoff in Bayern" in html
    assert tw.other_organisation.name in html.split('id="working"', 1)[1].split("</section>", 1)[0]
    scores = html.split('id="scores-title"', 1)[1].split("</table>", 1)[0]
    assert "Energy-renewables" in scores
    assert "Health" not in scores
    assert "We work on this" not in html
    assert _client().get("/trends/nope/").status_code == 404


def test_a_manager_says_their_organisation_works_on_a_trend_and_sees_peers(tw):
    manager = _client(tw.people["manager"])
    page = manager.get("/trends/hydrogen-valleys/").content.decode()
    assert "We work on this" in page
    response = manager.post(
        "/trends/hydrogen-valleys/work/", {"organisation": tw.organisation.slug, "action": "add"}
    )
    assert response.status_code == 302
    assert TrendEngagement.objects.filter(trend=tw.hydrogen, organisation=tw.organisation).exists()
    working = manager.get("/trends/hydrogen-valleys/").content.decode().split('id="working"', 1)[1]
    assert tw.organisation.name in working
    assert "Remove" in working
    mine = manager.get("/trends/mine/").content.decode()
    assert "Hydrogen valleys" in mine
    assert tw.other_organisation.name in mine
    manager.post(
        "/trends/hydrogen-valleys/work/", {"organisation": tw.organisation.slug, "action": "remove"}
    )
    assert not TrendEngagement.objects.filter(
        trend=tw.hydrogen, organisation=tw.organisation
    ).exists()
    # A bad form loses nothing and says why.
    response = manager.post(
        "/trends/hydrogen-valleys/work/", {"organisation": "", "action": "x"}, follow=True
    )
    assert "Choose one of your organisations." in response.content.decode()


def test_staff_create_and_edit_a_trend_with_the_form(tw):
    staff = _client(tw.people["staff"])
    assert staff.get("/trends/new/").status_code == 200
    data = {
        "title": "AI at the edge",
        "summary": "Models on devices.",
        "description": "Runs **locally**.",
        "language": "en",
        "keywords": "edge AI, tinyML\nembedded AI",
        "score__digital__short": "4",
        "score__digital__long": "5",
        "score__health__medium": "",
    }
    response = staff.post("/trends/new/", data)
    assert response.status_code == 302
    trend = Trend.objects.get(title="AI at the edge")
    assert trend.keywords == ["edge AI", "tinyML", "embedded AI"]
    assert {(s.ecosystem_id, s.horizon, s.impact) for s in trend.scores.all()} == {
        ("digital", "short", 4),
        ("digital", "long", 5),
    }
    form = staff.get(f"/trends/{trend.slug}/edit/").content.decode()
    assert re.search(
        r'name="score__digital__short"[^>]*>.*?<option value="4" selected>', form, re.S
    )
    data.update({"score__digital__short": "", "score__health__medium": "2", "title": "Edge AI"})
    assert staff.post(f"/trends/{trend.slug}/edit/", data).status_code == 302
    trend.refresh_from_db()
    assert trend.title == "Edge AI"
    assert {(s.ecosystem_id, s.horizon, s.impact) for s in trend.scores.all()} == {
        ("digital", "long", 5),
        ("health", "medium", 2),
    }


def test_the_form_names_bad_input_and_keeps_the_trend(tw):
    staff = _client(tw.people["staff"])
    response = staff.post(
        "/trends/hydrogen-valleys/edit/",
        {"title": "", "summary": "s", "keywords": "ab", "score__digital__short": "9"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"title", "score__digital__short"}
    response = staff.post(
        "/trends/hydrogen-valleys/edit/", {"title": "T", "summary": "s", "keywords": "ab"}
    )
    assert response.status_code == 400
    assert "keywords" in response.context["form"].errors
    tw.hydrogen.refresh_from_db()
    assert tw.hydrogen.title == "Hydrogen valleys"
    assert TrendScore.objects.filter(trend=tw.hydrogen).count() == 5


def test_the_api_lists_trends_with_scores_and_filters(tw, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        answer = _api().get("/api/v1/trends/").json()
    slugs = [t["slug"] for t in answer["results"]]
    assert slugs == ["circular-textiles", "hydrogen-valleys"]
    hydrogen = answer["results"][1]
    assert {"ecosystem": "energy-renewables", "horizon": "medium", "impact": 5} in hydrogen[
        "scores"
    ]
    answer = (
        _api().get("/api/v1/trends/?ecosystem=mobility-transport-automotive&min_impact=3").json()
    )
    assert [t["slug"] for t in answer["results"]] == ["hydrogen-valleys"]
    detail = _api().get("/api/v1/trends/hydrogen-valleys/").json()
    assert detail["description_html"] == "<p>Green <strong>hydrogen</strong> for industry.</p>"
    assert detail["organisations"] == [
        {"slug": tw.other_organisation.slug, "name": tw.other_organisation.name}
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("ecosystem=nowhere", "ecosystem"),
        ("horizon=soon", "horizon"),
        ("min_impact=9", "min_impact"),
        ("min_impact=2.5", "min_impact"),
        ("min_impact=x", "min_impact"),
    ],
)
def test_the_api_names_invalid_parameters(tw, query, parameter):
    response = _api().get(f"/api/v1/trends/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["error"]["fields"]


def test_staff_write_through_the_api(tw):
    staff = _api(tw.people["staff"])
    response = staff.post(
        "/api/v1/trends/",
        {
            "title": "Quantum sensing",
            "summary": "Sensors.",
            "keywords": ["quantum"],
            "scores": [{"ecosystem": "digital", "horizon": "long", "impact": 4}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["scores"] == [{"ecosystem": "digital", "horizon": "long", "impact": 4}]
    response = staff.patch(
        "/api/v1/trends/quantum-sensing/",
        {
            "scores": [
                {"ecosystem": "digital", "horizon": "long", "impact": None},
                {"ecosystem": "health", "horizon": "short", "impact": 2},
            ]
        },
        format="json",
    )
    assert response.json()["scores"] == [{"ecosystem": "health", "horizon": "short", "impact": 2}]
    for body, field in [
        ({"scores": [{"ecosystem": "nowhere", "horizon": "long", "impact": 1}]}, "scores"),
        ({"scores": [{"ecosystem": "digital", "horizon": "long", "impact": 6}]}, "scores"),
        ({"keywords": ["ab"]}, "keywords"),
        ({"tags": ["No such tag"]}, "tags"),
        ({"title": ""}, "title"),
    ]:
        response = staff.patch("/api/v1/trends/quantum-sensing/", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], response.json()
    assert Trend.objects.get(slug="quantum-sensing").scores.count() == 1
    assert staff.delete("/api/v1/trends/quantum-sensing/").status_code == 204


def test_organisations_working_on_a_trend_through_the_api(tw):
    manager = _api(tw.people["manager"])
    url = "/api/v1/trends/circular-textiles/organisations/"
    response = manager.post(url, {"organisation": tw.organisation.slug}, format="json")
    assert response.status_code == 201
    assert _api().get(url).json() == [{"slug": tw.organisation.slug, "name": tw.organisation.name}]
    assert manager.post(url, {"organisation": "nope"}, format="json").status_code == 404
    assert manager.post(url, {"organisation": ""}, format="json").status_code == 400
    TrendEngagement.objects.create(trend=tw.hydrogen, organisation=tw.organisation)
    peers = manager.get(f"/api/v1/trends/peers/?organisation={tw.organisation.slug}").json()
    assert {p["trend"]["slug"]: [o["slug"] for o in p["others"]] for p in peers} == {
        "circular-textiles": [],
        "hydrogen-valleys": [tw.other_organisation.slug],
    }
    assert manager.get("/api/v1/trends/peers/").status_code == 400
    assert manager.delete(f"{url}{tw.organisation.slug}/").status_code == 204
    assert _api().get(url).json() == []


def test_the_pages_speak_french(tw):
    with translation.override("en"):
        client = Client(headers={"accept-language": "fr"})
        html = client.get("/trends/").content.decode()
        assert "Univers des tendances" in html
        assert "Énergies renouvelables" in html or "Énergie" in html
        catalogue = client.get("/jsi18n/").content.decode()
        assert "non \\u00e9valu\\u00e9" in catalogue or "non évalué" in catalogue


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_as_a_trend_description(tw, path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")[:50_000]
    tw.hydrogen.description = text
    tw.hydrogen.summary = text[:300]
    tw.hydrogen.title = text[:120]
    tw.hydrogen.save()
    for url in ("/trends/hydrogen-valleys/", "/trends/"):
        html = _client().get(url).content.decode()
        assert page_problems(html) == [], url
    body = _client().get("/trends/hydrogen-valleys/").content.decode()
    body = body.split('class="rich-text"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body.lower()
    assert " on" not in "".join(part.split(">", 1)[0] for part in body.split("<")[1:]).lower()
    api = _api().get("/api/v1/trends/hydrogen-valleys/").json()
    assert "<script" not in api["description_html"].lower()


def test_the_pages_take_a_bounded_number_of_queries(tw, django_assert_max_num_queries):
    from hub.models import Horizon

    for n in range(20):
        trend = Trend.objects.create(slug=f"trend-{n}", title=f"Trend {n}", summary="s")
        TrendScore.objects.create(
            trend=trend, ecosystem_id="digital", horizon=Horizon.SHORT, impact=n % 6
        )
    client = _client()
    with django_assert_max_num_queries(12):
        assert client.get("/trends/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/trends/hydrogen-valleys/").status_code == 200


def test_my_trends_page_costs_the_same_queries_however_many_organisations(
    tw, django_assert_max_num_queries
):
    manager = tw.people["manager"]
    client = _client(manager)

    def manage_one_more() -> None:
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, user=manager, role="admin")
        TrendEngagement.objects.create(trend=tw.hydrogen, organisation=organisation)

    manage_one_more()
    with django_assert_max_num_queries(30) as few:
        assert client.get("/trends/mine/").status_code == 200
    for _ in range(4):
        manage_one_more()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/trends/mine/").content.decode()
    assert html.count("Hydrogen valleys") >= 5
