"""The /directory/ and /map/ pages: filters form, results, errors, links, static assets."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from community.models import ModerationStatus
from tests.community.test_directory_search import ecosystems, make  # noqa: F401

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def assert_csp_clean(page: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"


def test_directory_lists_published_with_count_and_links(client):
    make(name="Hydrogen Valley", country="ES", ecosystems=["energy-renewables"], label="gold")
    make(name="Solar Spain", country="ES", ecosystems=["energy-renewables"])
    make(name="Secret Draft", country="ES", status=ModerationStatus.DRAFT)
    response = client.get("/directory/?country=ES&ecosystem=energy-renewables&sort=name")
    assert response.status_code == 200
    page = html(response)
    assert "2 organisations" in page
    assert "Hydrogen Valley" in page
    assert "Solar Spain" in page
    assert "Secret Draft" not in page
    query = "country=ES&amp;ecosystem=energy-renewables&amp;sort=name"
    assert f'href="/api/v1/organisations/export.csv?{query}"' in page
    assert f'href="/api/v1/organisations/export.json?{query}"' in page
    assert f'href="/map/?{query}"' in page
    # The form keeps the chosen filters.
    assert re.search(r'value="ES"[^>]*checked', page)  # the countries are checkboxes
    assert re.search(r'value="energy-renewables"[^>]*checked', page)
    assert_csp_clean(page)


def test_directory_search_box_and_labels(client):
    make(name="Robotics Hub")
    make(name="Wine Cluster")
    page = html(client.get("/directory/?q=robotics"))
    assert "1 organisation" in page
    assert "Robotics Hub" in page
    assert "Wine Cluster" not in page
    # Every input has a label.
    for input_id in re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', page):
        assert f'for="{input_id}"' in page, input_id


def test_directory_paginates_and_keeps_the_query(client):
    for i in range(25):
        make(name=f"Org {i:02d}", country="FR")
    page = html(client.get("/directory/?country=FR"))
    assert "25 organisations" in page
    assert "Page 1 of 2" in page
    assert 'href="?country=FR&amp;page=2"' in page
    second = html(client.get("/directory/?country=FR&page=2"))
    assert "Org 24" in second
    assert "Org 00" not in second


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("ecosystem=space-mining", "ecosystem", "space-mining is not one of the available"),
        ("country=XX", "country", "XX is not one of the available"),
        ("members_min=lots", "members_min", "Enter a whole number"),
        ("sort=random", "sort", "random is not one of the available"),
    ],
)
def test_directory_shows_filter_errors_in_the_form(client, query, field, message):
    make(name="Anything")
    response = client.get(f"/directory/?{query}")
    assert response.status_code == 400
    page = html(response)
    assert "Some filters could not be used" in page
    assert message in page
    assert f'id="{field}-errors"' in page
    if field != "ecosystem":
        assert re.search(rf'<[^>]*name="{field}"[^>]*aria-invalid="true"', page)
    assert "Anything" not in page


def test_directory_page_query_count_is_bounded(client, django_assert_max_num_queries):
    for i in range(20):
        make(name=f"Org {i}", ecosystems=["digital", "health"])
    with django_assert_max_num_queries(10):
        response = client.get("/directory/?ecosystem=digital")
    assert response.status_code == 200


def test_map_page_passes_config_by_data_attributes(client, settings):
    settings.MAP_TILE_URL = ""
    response = client.get("/map/?country=DE")
    assert response.status_code == 200
    page = html(response)
    assert 'data-points-url="/api/v1/organisations/map/?country=DE"' in page
    assert 'data-world-url="/static/data/world/countries-50m.json"' in page
    assert 'data-tile-url=""' in page
    assert 'href="/directory/?country=DE"' in page
    for asset in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/markercluster/leaflet.markercluster.js",
        "vendor/markercluster/MarkerCluster.css",
        "vendor/markercluster/MarkerCluster.Default.css",
        "vendor/topojson-client/topojson-client.min.js",
        "js/map.js",
        "css/directory.css",
    ]:
        assert f"/static/{asset}" in page
        assert finders.find(asset), asset
    assert finders.find("vendor/leaflet/images/marker-icon.png")
    assert finders.find("data/world/countries-50m.json")
    assert_csp_clean(page)


def test_map_page_uses_tiles_when_configured(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example"
    page = html(client.get("/map/"))
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert 'data-tile-attribution="© Example"' in page


def test_map_page_shows_filter_errors(client):
    response = client.get("/map/?ecosystem=nope")
    assert response.status_code == 400
    page = html(response)
    assert "nope is not one of the available" in page
    assert "data-points-url" not in page


@pytest.mark.django_db
def test_a_valid_search_without_results_says_so_and_keeps_the_exports(client):
    response = client.get("/directory/?q=nothingmatchesthisword")
    assert response.status_code == 200
    body = response.content.decode()
    assert "0 organisations" in body
    assert "No results: correct the filters" not in body
    assert "Export CSV" in body
