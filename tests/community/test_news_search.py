"""News search: `q` over title, summary and body, on the API, the list page and the schema."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401  (read by the skipif conditions)
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ecosystem, ModerationStatus
from tests.factories import NewsItemFactory


@pytest.fixture
def news(db):
    energy = Ecosystem.objects.get(slug="energy-renewables")
    items = {
        "title": NewsItemFactory(title="Hydrogen valleys in Spain", country="ES"),
        "summary": NewsItemFactory(
            title="Ports of the North Sea", summary="Green hydrogen for shipping."
        ),
        "body": NewsItemFactory(
            title="A year of cluster work", body="<p>We also tested <b>hydrogen</b> buses.</p>"
        ),
        "other": NewsItemFactory(
            title="Textile recycling", summary="Fibres and looms.", country="ES"
        ),
        "draft": NewsItemFactory(
            title="Hydrogen secrets", status=ModerationStatus.DRAFT, published_at=None
        ),
    }
    items["summary"].ecosystems.set([energy])
    items["other"].ecosystems.set([energy])
    return items


def titles(params: dict[str, str]) -> list[str]:
    response = APIClient().get("/api/v1/news/", params)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_q_finds_published_news_by_title_summary_or_body_title_hits_first(news):
    found = titles({"q": "hydrogen"})
    assert found[0] == "Hydrogen valleys in Spain"
    assert sorted(found[1:]) == ["A year of cluster work", "Ports of the North Sea"]


def test_q_is_case_insensitive_and_every_word_must_match(news):
    assert titles({"q": "HYDROGEN shipping"}) == ["Ports of the North Sea"]
    assert titles({"q": "hydrogen looms"}) == []


def test_q_excludes_words_and_matches_phrases(news):
    assert "Hydrogen valleys in Spain" not in titles({"q": "hydrogen -spain"})
    assert titles({"q": '"green hydrogen"'}) == ["Ports of the North Sea"]


def test_q_combines_with_the_other_filters(news):
    assert titles({"q": "hydrogen", "ecosystem": "energy-renewables"}) == ["Ports of the North Sea"]
    assert titles({"q": "hydrogen", "country": "es"}) == ["Hydrogen valleys in Spain"]


def test_an_empty_q_lists_everything_published(news):
    assert len(titles({"q": "  "})) == 4


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_stems_english_words(news):
    assert titles({"q": "testing"}) == ["A year of cluster work"]  # "tested"


def test_the_schema_documents_q():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/v1/news/"]["get"]["parameters"]
    [q] = [p for p in parameters if p["name"] == "q"]
    assert q["in"] == "query"
    assert "title" in q["description"]


def test_the_news_page_searches(news):
    page = Client().get("/news/", {"q": "hydrogen shipping"})
    html = page.content.decode()
    assert 'name="q"' in html
    assert 'value="hydrogen shipping"' in html
    assert "Ports of the North Sea" in html
    assert "Hydrogen valleys in Spain" not in html
    assert "Textile recycling" not in html
