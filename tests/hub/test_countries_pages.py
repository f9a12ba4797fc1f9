"""Country pages through HTTP and the API: the list in its groups, a page gathering the
directory, partnerships, events and calls, a page for a country nobody wrote about, the
staff's editor, 400s naming the parameter, and every XSS corpus file in each rich-text field."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from hub.models import CountryPage
from tests.xss_support import CORPORA, page_problems

pytestmark = pytest.mark.django_db


def test_the_list_groups_the_countries_and_marks_the_strategic_ones(country_world):
    html = Client().get("/countries/").content.decode()
    eu, rest = html.split('id="group-eu"', 1)[1].split('id="group-third"', 1)
    assert "Germany" in eu
    assert "France" in eu
    assert "Austria" in eu
    assert "Japan" in rest
    assert "Strategic partner" in rest
    assert "2 organisations" in eu  # Germany: the hidden draft is not counted


def test_a_country_page_gathers_what_the_community_knows(country_world):
    html = Client().get("/countries/de/").content.decode()
    assert "<strong>clusters</strong>" in html
    assert 'href="https://www.clusterplattform.de"' in html
    assert "go-cluster" in html
    assert 'href="mailto:desk@example.org"' in html
    assert "Bayern Innovativ" in html
    assert "Silicon Saxony" in html
    assert "Hidden Cluster" not in html
    assert "/directory/?country=DE" in html
    assert "Digital Health Alliance" in html
    assert "French Only" not in html
    assert "Berlin Cluster Days" in html
    assert "Webinar from Munich" in html
    for absent in ("Cancelled Forum", "Past Summit", "Pending Meetup", "Lyon Health Day"):
        assert absent not in html
    assert "German SME call" in html
    assert "Call for all" in html
    for absent in ("French regional call", "Old call", "Draft call"):
        assert absent not in html
    assert "/calls/?country=DE" in html


def test_a_country_without_a_policy_page_is_still_useful(country_world):
    html = Client().get("/countries/fr/").content.decode()
    assert "No policy overview has been written" in html
    assert "Pôle Santé" in html
    assert "Digital Health Alliance" in html
    assert "French regional call" in html
    assert "Lyon Health Day" in html
    html = Client().get("/countries/jp/").content.decode()
    assert "Third country of strategic interest" in html
    assert "EU-Japan cluster matchmaking" in html


def test_codes_in_capitals_redirect_and_unknown_codes_are_not_found(country_world):
    response = Client().get("/countries/DE/")
    assert (response.status_code, response["Location"]) == (301, "/countries/de/")
    assert Client().get("/countries/zz/").status_code == 404
    assert Client().get("/countries/germany/").status_code == 404
    assert APIClient().get("/api/v1/countries/zz/").status_code == 404


def test_staff_edit_a_country_page_with_its_rows(country_world):
    client = Client()
    client.force_login(country_world.people["staff"])
    assert client.get("/countries/it/edit/").status_code == 200
    data = {
        "overview": "Italy has *Cluster Tecnologici Nazionali*.",
        "language": "en",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-kind": "programme",
        "items-0-name": "Cluster Tecnologici Nazionali",
        "items-0-link": "https://www.mur.gov.it",
        "items-1-kind": "contact",
        "items-1-name": "Ministry cluster desk",
        "items-1-link": "mailto:cluster@example.it",
        "items-2-kind": "",
    }
    response = client.post("/countries/it/edit/", data)
    assert response.status_code == 302
    page = CountryPage.objects.get(country="IT")
    assert [(i.kind, i.name) for i in page.items.all()] == [
        ("programme", "Cluster Tecnologici Nazionali"),
        ("contact", "Ministry cluster desk"),
    ]
    # A bad link is a form error and loses nothing stored.
    data["items-0-link"] = "javascript:alert(1)"
    data["overview"] = "Changed"
    response = client.post("/countries/it/edit/", data)
    assert response.status_code == 400
    assert "Give a web address" in response.content.decode()
    page.refresh_from_db()
    assert page.overview == "Italy has *Cluster Tecnologici Nazionali*."
    assert page.items.count() == 2


def test_the_api_lists_and_filters_countries(country_world):
    client = APIClient()
    rows = client.get("/api/v1/countries/").json()
    germany = next(r for r in rows if r["code"] == "DE")
    assert germany == {
        "code": "DE",
        "name": "Germany",
        "group": "eu",
        "strategic": False,
        "has_policy": True,
        "organisation_count": 2,
        "url": "/countries/de/",
    }
    assert len([r for r in rows if r["group"] == "eu"]) == 27
    strategic = client.get("/api/v1/countries/?strategic=true").json()
    assert [r["code"] for r in strategic] == ["JP"]
    assert {r["group"] for r in client.get("/api/v1/countries/?group=third").json()} == {"third"}
    response = client.get("/api/v1/countries/?group=mars")
    assert response.status_code == 400
    assert "group" in response.json()["error"]["fields"]
    response = client.get("/api/v1/countries/?strategic=perhaps")
    assert response.status_code == 400
    assert "strategic" in response.json()["error"]["fields"]


def test_the_api_shows_a_country_page(country_world):
    data = APIClient().get("/api/v1/countries/de/").json()
    assert data["has_policy"]
    assert data["group"] == "eu"
    assert (
        data["overview_html"]
        == "<p>Germany supports <strong>clusters</strong> through go-cluster.</p>"
    )
    assert [i["name"] for i in data["items"]] == ["go-cluster", "Cluster policy desk"]
    assert data["organisations"]["count"] == 2
    assert data["organisations"]["directory_url"] == "/directory/?country=DE"
    assert [p["name"] for p in data["partnerships"]] == ["Digital Health Alliance"]
    assert data["events"]["count"] == 2
    assert {c["title"] for c in data["calls"]["items"]} == {"German SME call", "Call for all"}
    empty = APIClient().get("/api/v1/countries/pe/").json()
    assert (empty["has_policy"], empty["overview"], empty["updated_at"]) == (False, "", None)


def test_staff_change_a_country_through_the_api(country_world):
    client = APIClient()
    client.force_authenticate(country_world.people["staff"])
    response = client.patch(
        "/api/v1/countries/ca/",
        {
            "overview": "Canada's **Global Innovation Clusters**.",
            "strategic": True,
            "items": [
                {"kind": "cooperation", "name": "EU-Canada cluster mission", "link": ""},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["strategic"] is True
    response = client.patch(
        "/api/v1/countries/ca/",
        {
            "items": [
                {"kind": "gossip", "name": "x"},
                {"kind": "contact", "name": "y", "link": "ftp://x"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert "items" in response.json()["error"]["fields"]
    page = CountryPage.objects.get(country="CA")
    assert [i.name for i in page.items.all()] == ["EU-Canada cluster mission"]


def test_the_pages_speak_french(country_world):
    with translation.override("en"):
        client = Client(headers={"accept-language": "fr"})
        html = client.get("/countries/").content.decode()
        assert "États membres de l’UE" in html  # noqa: RUF001
        html = client.get("/countries/de/").content.decode()
        assert "Allemagne" in html
        assert "Politique de clusters" in html


CORPUS_FILES = sorted(
    path for path in CORPORA.rglob("*") if path.is_file() and path.suffix in {".txt", ".md"}
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_xss_corpus_file_is_harmless_in_a_country_page(country_world, path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")[:50_000]
    page = country_world.germany
    page.overview = text
    page.save()
    item = page.items.first()
    item.description = text
    item.name = text[:200]
    item.save()
    html = Client().get("/countries/de/").content.decode()
    assert page_problems(html) == []
    data = APIClient().get("/api/v1/countries/de/").json()
    assert page_problems(data["overview_html"]) == []
    assert page_problems(data["items"][0]["description_html"]) == []


def test_the_lists_and_pages_make_a_bounded_number_of_queries(
    country_world, django_assert_max_num_queries
):
    client = APIClient()
    with django_assert_max_num_queries(6):
        client.get("/api/v1/countries/")
    with django_assert_max_num_queries(20):
        client.get("/api/v1/countries/de/")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/focus/")
    with django_assert_max_num_queries(20):
        client.get("/api/v1/focus/digital-transition/")
    with django_assert_max_num_queries(25):
        Client().get("/countries/de/")


def test_staff_see_country_and_focus_pages_in_the_admin(country_world):
    staff = country_world.people["staff"]
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    page = country_world.germany
    assert client.get(f"/admin/hub/countrypage/{page.pk}/change/").status_code == 200
    focus = country_world.focus["digital"]
    assert client.get(f"/admin/hub/focuspage/{focus.pk}/change/").status_code == 200
