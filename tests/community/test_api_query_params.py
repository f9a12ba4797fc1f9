"""Query parameters the schema refuses are refused with a 400 that names them."""

import pytest

from community.api.pagination import PageNumberPagination
from community.services.accounts import api_token_create
from tests.factories import NewsItemFactory, OrganisationFactory, PartnershipFactory, UserFactory


def error_fields(response):
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "invalid"
    return body["fields"]


@pytest.mark.parametrize("query", ["page=x", "page=0", "page_size=abc", "page_size=-1"])
def test_a_malformed_page_or_page_size_is_refused_by_name(client, db, query):
    name = query.split("=")[0]
    assert name in error_fields(client.get(f"/api/v1/news/?{query}"))


def test_page_size_over_the_maximum_is_capped_and_an_empty_page_is_the_first(
    client, ecosystems, monkeypatch
):
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 2)
    NewsItemFactory.create_batch(3)
    body = client.get("/api/v1/news/?page=&page_size=1000").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert "page=2" in body["next"]


def test_a_page_past_the_last_is_not_found(client, db):
    assert client.get("/api/v1/news/?page=2").status_code == 404


def test_an_unknown_partnership_kind_is_refused(client, ecosystems):
    PartnershipFactory()
    assert "kind" in error_fields(client.get("/api/v1/partnerships/?kind=spaceships"))
    assert client.get("/api/v1/partnerships/?kind=").json()["count"] == 1  # empty: no filter


@pytest.mark.parametrize("path", ["/api/v1/news/", "/api/v1/organisations/"])
def test_an_empty_country_is_no_filter(client, ecosystems, path):
    NewsItemFactory(country="DE")
    OrganisationFactory(country="FR")
    everything = client.get(path).json()["count"]
    assert everything == 1
    response = client.get(f"{path}?country=")
    assert response.status_code == 200
    assert response.json()["count"] == everything


@pytest.mark.parametrize(
    "query", ["", "?user_ids=", "?user_ids=a,b", "?user_ids=99999999999999999999"]
)
def test_a_presence_query_needs_user_ids(client, db, query):
    _, key = api_token_create(user=UserFactory())
    response = client.get(f"/api/v1/xchange/presence/{query}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert "user_ids" in error_fields(response)
