"""Search for Europe: accents, case, exonyms and stemming on every search box, on both
backends (community.search, community.folding, community.place_names).

Run on SQLite (no DATABASE_URL) and on PostgreSQL (DATABASE_URL set); both must pass.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from community.folding import fold
from community.models import Organisation
from community.place_names import other_names
from community.search import apply_text_search
from tests.community.test_directory_search import ecosystems, make  # noqa: F401
from tests.factories import (
    ListingFactory,
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.messaging.conversation_support import API as XCHANGE
from tests.messaging.conversation_support import api, one_to_one, send

pytestmark = pytest.mark.django_db

DIRECTORY = "/api/v1/organisations/"
HYDROGEN_SPELLINGS = ["hydrogène", "hydrogene", "Hydrogen", "HYDROGÈNE", "Hydrogéne"]


def directory(query: str) -> set[str]:
    response = Client().get(DIRECTORY, {"q": query})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def directory_page(query: str) -> str:
    response = Client().get("/directory/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def hydrogen():
    return {
        make(name="Pôle Hydrogène Rhône-Alpes", city="Lyon", country="FR").name,
        make(name="Hydrogen Valley Cluster", city="Aberdeen", country="GB").name,
        make(
            name="Energy North",
            city="Hamburg",
            country="DE",
            description="<p>Grüner Wasserstoff, green HYDROGEN for ports.</p>",
        ).name,
    }


@pytest.fixture
def cities():
    """Profiles whose city is written in the local language, or in another one."""
    return {
        "munich": {
            make(name="Bavarian Robotics", city="München", country="DE").name,
            make(name="Isar Photonics", city="Munich", country="DE").name,
        },
        "brussels": {
            make(name="Capital Digital", city="Bruxelles", country="BE").name,
            make(name="Zenne Logistics", city="Brussel", country="BE").name,
            make(name="EU Energy Forum", city="Brussels", country="BE").name,
        },
        "other": {
            make(name="Spree Mobility", city="Berlin", country="DE").name,
            make(name="Factories of the Future", city="Torino", country="IT").name,
        },
    }


# --- Folding ----------------------------------------------------------------------------


def test_the_sql_function_folds_as_python_does():
    """`clusterhub_fold` in SQL (unaccent on PostgreSQL, fold() on SQLite) agrees with fold()."""
    samples = [
        "Hydrogène", "HYDROGÈNE", "München", "Straße", "Łódź", "Ærøskøbing", "Œuvre",
        "Þórshöfn", "İstanbul", "Čeština", "Ñandú", "Señor Ünal", "Άθήνα", "plain ascii",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for text in samples:
            cursor.execute("SELECT clusterhub_fold(%s)", [text])
            assert cursor.fetchone()[0] == fold(text), text
    assert fold("HYDROGÈNE") == fold("hydrogene") == "hydrogene"
    assert fold("Straße") == "strasse"


# --- Directory: accents and case -----------------------------------------------------------


def test_directory_finds_every_spelling_of_hydrogen_alike(hydrogen):
    make(name="Solar Cluster", description="<p>Photovoltaics.</p>")
    for query in HYDROGEN_SPELLINGS:
        assert directory(query) == hydrogen, query


def test_directory_page_finds_aeronautics_without_accents():
    make(name="Aéronautique Occitanie", country="FR", city="Toulouse")
    make(name="Textile Nord", country="FR")
    page = directory_page("aeronautique")
    assert "Aéronautique Occitanie" in page
    assert "Textile Nord" not in page
    assert "Aéronautique Occitanie" in directory_page("AÉRONAUTIQUE")


def test_a_french_plural_is_found_by_its_singular():
    make(name="Occitanie Hub", description="<p>Le réseau des clusters aéronautiques.</p>")
    make(name="Other Hub", description="<p>Réseau des clusters textiles.</p>")
    assert directory("aéronautique") == {"Occitanie Hub"}
    assert directory("aeronautique cluster") == {"Occitanie Hub"}


def test_name_substring_ignores_accents_and_ranks_first():
    make(name="Münchner Kreis Mobilität")
    make(name="Other", description="<p>Mobilität in the city.</p>")
    assert [o.name for o in apply_text_search(Organisation.objects.all(), "munchner kre")] == [
        "Münchner Kreis Mobilität"
    ]
    response = Client().get(DIRECTORY, {"q": "mobilitat"})
    assert [row["name"] for row in response.json()["results"]] == [
        "Münchner Kreis Mobilität",
        "Other",
    ]


# --- Directory: place names ---------------------------------------------------------------


def test_munich_finds_what_munchen_finds(cities):
    assert directory("München") == cities["munich"]
    for query in ("Munich", "munchen", "MUENCHEN", "Monachium"):
        assert directory(query) == cities["munich"], query


def test_brussels_bruxelles_and_brussel_find_the_same_profiles(cities):
    for query in ("Brussels", "Bruxelles", "Brussel", "bruselas"):
        assert directory(query) == cities["brussels"], query


def test_a_place_name_combines_with_other_words_and_exclusions(cities):
    make(name="Isar Hydrogen", city="München", country="DE")
    assert directory("hydrogen Munich") == {"Isar Hydrogen"}
    assert directory("Munich -hydrogen") == cities["munich"]
    assert directory("Munich or Bruxelles") == cities["munich"] | cities["brussels"] | {
        "Isar Hydrogen"
    }


def test_other_names_are_whole_words_not_substrings(cities):
    """Turin's other name "Tori" must not find "Factories" (a substring) in another city."""
    assert "tori" in other_names("Turin") or "torino" in other_names("Turin")
    assert directory("Turin") == {"Factories of the Future"}
    make(name="Histories of Lyon", city="Lyon", country="FR")
    assert "Histories of Lyon" not in directory("Turin")


def test_place_names_come_from_the_geonames_file():
    assert {"munchen", "muenchen"} <= set(other_names("Munich"))
    assert {"brussels", "brussel"} <= set(other_names("Bruxelles"))
    assert "koln" in other_names("Cologne")
    assert "sevilla" in other_names("Seville")
    assert "milano" in other_names("Milan")
    assert "lisboa" in other_names("Lisbon")
    assert "praha" in other_names("Prague")
    assert "warszawa" in other_names("Warsaw")
    assert other_names("hydrogen") == ()
    # Another city's own name is not an exonym: München is not "Monaco".
    assert "monaco" not in other_names("München")


def test_the_expansion_costs_no_query(django_assert_num_queries, cities):
    directory("robotics")  # warm the per-process caches (ecosystem list, stored-column check)
    with django_assert_num_queries(1) as plain:  # the rows, with their ecosystems
        directory("robotics")
    with django_assert_num_queries(len(plain.captured_queries)):
        directory("München")


# --- Stemming per language ----------------------------------------------------------------


def test_a_profile_in_french_is_stemmed_in_french():
    make(name="Pôle Nord", language="fr", description="<p>Entreprises industrielles.</p>")
    make(name="North Pole", language="en", description="<p>Shipping.</p>")
    assert directory("industriel") == {"Pôle Nord"}


# --- News, listings, people, messages -----------------------------------------------------


def news_titles(query: str) -> set[str]:
    response = Client().get("/api/v1/news/", {"q": query})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_news_search_ignores_accents_and_knows_place_names():
    NewsItemFactory(title="Hydrogène vert en Rhône-Alpes")
    NewsItemFactory(title="Ports", summary="Green HYDROGEN for shipping.")
    NewsItemFactory(title="Réunion à Bruxelles", body="<p>Les clusters européens.</p>")
    NewsItemFactory(title="Recycled fibres")
    for query in HYDROGEN_SPELLINGS:
        assert news_titles(query) == {"Hydrogène vert en Rhône-Alpes", "Ports"}, query
    assert news_titles("Brussels") == {"Réunion à Bruxelles"}
    assert news_titles("europeens") == {"Réunion à Bruxelles"}
    page = Client().get("/news/", {"q": "reunion"}).content.decode()
    assert "Réunion à Bruxelles" in page
    assert "Recycled fibres" not in page


def test_listing_search_ignores_accents():
    ListingFactory(title="Stockage de l'hydrogène")
    ListingFactory(title="Textile recycling")
    for query in ("hydrogene", "HYDROGÈNE", "Hydrogène"):
        response = Client().get(f"{XCHANGE}listings/", {"q": query})
        assert response.status_code == 200
        assert [r["title"] for r in response.json()["results"]] == ["Stockage de l'hydrogène"]


def test_people_picker_ignores_accents_and_case():
    viewer = UserFactory()
    zoe = MembershipFactory(
        organisation=OrganisationFactory(name="Pôle Véhicule du Futur"),
        role="admin",
        user__full_name="Zoë Müller",
    ).user
    MembershipFactory(
        organisation=OrganisationFactory(name="Other"), role="admin", user__full_name="Zoe Smith"
    )
    for query in ("zoe muller", "MÜLLER", "Zoë Müller", "pole vehicule", "VÉHICULE zoe"):
        response = api(viewer).get(f"{XCHANGE}people/", {"q": query})
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["results"]] == [zoe.pk], query


def test_inbox_search_ignores_accents():
    anna, lea = UserFactory(), UserFactory()
    conversation = one_to_one(anna, lea)
    send(lea, conversation, "Rendez-vous à la Réunion de München")
    send(lea, conversation, "Autre chose")
    for query in ("reunion", "RÉUNION", "munchen"):
        response = api(anna).get(f"{XCHANGE}search/", {"q": query})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == 1, query


# --- PostgreSQL: the index still answers -------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("query", ["hydrogène", "München hydrogen", "Bruxelles -steel"])
def test_postgres_answers_from_the_gin_index(query):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'org_search_document'")
        if cursor.fetchone() is None:
            pytest.skip("migrations did not run (--nomigrations)")
    make(name="Alpha", description="<p>Hydrogen.</p>")
    sql, params = apply_text_search(Organisation.objects.all(), query).query.sql_with_params()
    assert "to_tsvector" not in sql  # the stored column, not a per-row computation
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "org_search_document" in plan, plan
    assert "org_name_fold_trgm" in plan, plan
