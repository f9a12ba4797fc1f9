"""Open-data export (CSV, JSON) and the map's GeoJSON: same filters, published only."""

from __future__ import annotations

import csv
import io
import json

import pytest

from community.api import directory as directory_api
from community.models import ModerationStatus
from community.serializers.directory import EXPORT_COLUMNS
from tests.community.test_directory_search import ecosystems, make  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume"),
]

CSV = "/api/v1/organisations/export.csv"
JSON = "/api/v1/organisations/export.json"
MAP = "/api/v1/organisations/map/"


def body(response) -> str:
    return b"".join(response).decode("utf-8")


def read_csv(response):
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def orgs():
    make(
        name="Basque Digital",
        slug="basque-digital",
        country="ES",
        nuts2="ES21",
        city="Bilbao",
        ecosystems=["digital", "electronics"],
        tags=["Robotics", "AI"],
        label="gold",
        members_total=120,
        contact_email="secret@example.org",
        contact_name="Private Person",
    )
    make(name="Berlin Health", slug="berlin-health", country="DE", ecosystems=["health"])
    make(name="Draft Cluster", slug="draft-cluster", status=ModerationStatus.DRAFT)
    make(name="Review Cluster", slug="review-cluster", status=ModerationStatus.NEEDS_REVIEW)


def test_csv_export_has_the_open_data_columns_and_published_rows_only(client, orgs):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Total-Count"] == "2"
    assert response["X-Export-Truncated"] == "false"
    rows = read_csv(response)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert [r["slug"] for r in rows] == ["basque-digital", "berlin-health"]
    basque = rows[0]
    assert basque["country"] == "ES"
    assert basque["nuts2"] == "ES21"
    assert basque["ecosystems"] == "digital;electronics"
    assert basque["tags"] == "ai;robotics"
    assert basque["label"] == "gold"
    assert basque["members_total"] == "120"
    assert basque["profile_url"].endswith("/organisations/basque-digital/")
    text = json.dumps(rows)
    assert "secret@example.org" not in text
    assert "Private Person" not in text


def test_csv_export_applies_the_filters_and_sort(client, orgs):
    rows = read_csv(client.get(f"{CSV}?country=DE"))
    assert [r["slug"] for r in rows] == ["berlin-health"]
    rows = read_csv(client.get(f"{CSV}?sort=members"))
    assert [r["slug"] for r in rows] == ["basque-digital", "berlin-health"]


def test_csv_cells_that_look_like_formulas_are_defused(client):
    make(name='=HYPERLINK("http://evil")', slug="formula")
    rows = read_csv(client.get(CSV))
    assert rows[0]["name"].startswith("'=")


def test_json_export_streams_records_and_says_how_many(client, orgs):
    response = client.get(f"{JSON}?ecosystem=digital")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(body(response))
    assert data["count"] == 1
    assert data["exported"] == 1
    assert data["truncated"] is False
    assert data["limit"] == directory_api.EXPORT_MAX_ROWS
    assert data["columns"] == EXPORT_COLUMNS
    [record] = data["results"]
    assert record["slug"] == "basque-digital"
    assert record["ecosystems"] == ["digital", "electronics"]
    assert set(record) == set(EXPORT_COLUMNS)


def test_exports_stop_at_the_cap_and_say_so(client, orgs, monkeypatch):
    monkeypatch.setattr(directory_api, "EXPORT_MAX_ROWS", 1)
    response = client.get(CSV)
    assert response["X-Total-Count"] == "2"
    assert response["X-Export-Limit"] == "1"
    assert response["X-Export-Truncated"] == "true"
    assert len(read_csv(response)) == 1
    data = json.loads(body(client.get(JSON)))
    assert (data["count"], data["exported"], data["truncated"]) == (2, 1, True)
    assert len(data["results"]) == 1


@pytest.mark.parametrize("url", [CSV, JSON, MAP])
def test_bad_filters_answer_400_on_exports_and_map(client, url):
    response = client.get(f"{url}?ecosystem=nope")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("ecosystem: ")


@pytest.mark.parametrize("url", [CSV, JSON, MAP])
def test_anyone_may_export_even_asking_for_csv(client, orgs, url):
    response = client.get(url, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


def test_export_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    for i in range(40):
        make(name=f"Org {i}", ecosystems=["digital", "health"], tags=["AI", "Solar"])
    with django_assert_max_num_queries(8):
        rows = read_csv(client.get(CSV))
    assert len(rows) == 40


# --- Map ----------------------------------------------------------------------------------


def test_map_is_a_geojson_feature_collection_of_published_points(client, orgs):
    make(name="Nowhere", slug="nowhere", latitude=None, longitude=None)
    response = client.get(MAP)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in data["features"]) == ["basque-digital", "berlin-health"]
    feature = next(f for f in data["features"] if f["id"] == "basque-digital")
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.4, 52.52]}
    assert feature["properties"] == {
        "name": "Basque Digital",
        "type": "cluster",
        "country": "ES",
        "label": "gold",
        "ecosystem": "digital",
    }


def test_map_applies_the_filters(client, orgs):
    data = client.get(f"{MAP}?country=DE&q=health").json()
    assert [f["id"] for f in data["features"]] == ["berlin-health"]


def test_map_is_cacheable_and_revalidates_with_etag(client, orgs):
    first = client.get(MAP)
    assert "max-age" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(MAP, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    make(name="New one", slug="new-one")
    changed = client.get(MAP, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_map_query_count_is_constant(client, django_assert_max_num_queries):
    for i in range(30):
        make(name=f"Org {i}", ecosystems=["digital", "health"])
    with django_assert_max_num_queries(3):
        data = client.get(f"{MAP}?ecosystem=health").json()
    assert len(data["features"]) == 30
