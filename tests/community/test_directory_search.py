"""Directory search: every filter alone and combined, text search, sort, errors, the API list
(served by the organisations viewset, which mixes in DirectoryListMixin)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from community.models import Ecosystem, ModerationStatus, Organisation, Tag, TagKind
from community.models.taxonomy import ECOSYSTEMS
from community.search import (
    apply_text_search,
    organisation_search_text,
    organisation_search_vector,
)
from community.selectors.directory import organisation_search
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    return {e.slug: e for e in Ecosystem.objects.all()}


def make(*, ecosystems=(), tags=(), **fields):
    """An organisation with its search text kept, as the services keep it."""
    eco = [Ecosystem.objects.get(slug=s) for s in ecosystems]
    if eco:
        fields.setdefault("primary_ecosystem", eco[0])
    org = OrganisationFactory(ecosystems=eco or None, **fields)
    if tags:
        org.tags.set(
            [
                Tag.objects.get_or_create(
                    kind=TagKind.TECHNOLOGY, slug=t.lower().replace(" ", "-"), defaults={"name": t}
                )[0]
                for t in tags
            ]
        )
    org.search_text = organisation_search_text(org)
    org.save(update_fields=["search_text"])
    return org


def names(params):
    return [o.name for o in organisation_search(params=params)]


def api_names(client, query=""):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


# --- Filters, each alone --------------------------------------------------------------


def test_country_one_and_several():
    make(name="Alpha", country="DE")
    make(name="Beta", country="FR")
    make(name="Gamma", country="IT")
    assert names({"country": "FR"}) == ["Beta"]
    assert names({"country": ["DE", "IT"]}) == ["Alpha", "Gamma"]


def test_nuts2_region_ignores_case():
    make(name="Catalan", country="ES", nuts2="ES51")
    make(name="Madrid", country="ES", nuts2="ES30")
    assert names({"nuts2": "es51"}) == ["Catalan"]


def test_ecosystem_matches_any_of_an_organisations_ecosystems_once():
    make(name="Both", ecosystems=["digital", "health"])
    make(name="Health only", ecosystems=["health"])
    make(name="Tourism", ecosystems=["tourism"])
    assert names({"ecosystem": "health"}) == ["Both", "Health only"]
    # An organisation in both chosen ecosystems appears once.
    assert names({"ecosystem": ["digital", "health"]}) == ["Both", "Health only"]


def test_type():
    make(name="Cluster", type="cluster")
    make(name="Project", type="cluster_project")
    assert names({"type": "cluster_project"}) == ["Project"]


def test_label_specific_any_and_valid_only():
    today = timezone.localdate()
    make(name="Gold valid", label="gold", label_valid_until=today + datetime.timedelta(days=30))
    make(name="Gold expired", label="gold", label_valid_until=today - datetime.timedelta(days=1))
    make(name="Silver open-ended", label="silver", label_valid_until=None)
    make(name="No label", label="")
    assert names({"label": "gold"}) == ["Gold expired", "Gold valid"]
    assert names({"label": "any"}) == ["Gold expired", "Gold valid", "Silver open-ended"]
    assert names({"label_valid": "on"}) == ["Gold valid", "Silver open-ended"]
    assert names({"label": "gold", "label_valid": "1"}) == ["Gold valid"]
    assert names({"label_valid": "false"}) == [
        "Gold expired", "Gold valid", "No label", "Silver open-ended"
    ]  # fmt: skip


def test_size_ranges_and_min_max():
    make(name="Small", members_total=49)
    make(name="Medium low", members_total=50)
    make(name="Medium high", members_total=249)
    make(name="Large", members_total=250)
    assert names({"size": "small"}) == ["Small"]
    assert names({"size": "medium"}) == ["Medium high", "Medium low"]
    assert names({"size": "large"}) == ["Large"]
    assert names({"members_min": "100"}) == ["Large", "Medium high"]
    assert names({"members_max": "50"}) == ["Medium low", "Small"]
    assert names({"members_min": "50", "members_max": "249"}) == ["Medium high", "Medium low"]


def test_tag_by_slug_or_name():
    make(name="H2", tags=["Hydrogen"])
    make(name="Bots", tags=["Robotics"])
    assert names({"tag": "hydrogen"}) == ["H2"]
    assert names({"tag": "Robotics"}) == ["Bots"]


# --- Combined ---------------------------------------------------------------------------


def test_filters_combine_with_and():
    make(name="Match", country="ES", ecosystems=["digital"], type="cluster", members_total=80)
    make(name="Wrong country", country="FR", ecosystems=["digital"], members_total=80)
    make(name="Wrong ecosystem", country="ES", ecosystems=["health"], members_total=80)
    make(name="Too small", country="ES", ecosystems=["digital"], members_total=10)
    params = {"country": "ES", "ecosystem": "digital", "size": "medium", "type": "cluster"}
    assert names(params) == ["Match"]


def test_text_search_combines_with_filters():
    make(name="Robotics Hub Madrid", country="ES", ecosystems=["digital"])
    make(name="Robotics Hub Paris", country="FR", ecosystems=["digital"])
    make(name="Wine cluster", country="ES", ecosystems=["agri-food"])
    assert names({"q": "robotics", "country": "ES", "ecosystem": "digital"}) == [
        "Robotics Hub Madrid"
    ]


# --- Text search ------------------------------------------------------------------------


def test_all_words_must_match_and_name_matches_rank_first():
    make(name="Aardvark Partners", description="<p>Hydrogen valley projects in the north.</p>")
    make(name="Hydrogen Valley Cluster", description="<p>Fuel cells.</p>")
    make(name="Solar Cluster", description="<p>Hydrogen storage only.</p>")
    result = names({"q": "hydrogen valley"})
    assert result == ["Hydrogen Valley Cluster", "Aardvark Partners"]


def test_search_finds_tags_ecosystems_city_and_country():
    make(name="One", tags=["Cybersecurity"])
    make(name="Two", city="Tampere", country="FI")
    make(name="Three", ecosystems=["tourism"])
    assert names({"q": "cybersecurity"}) == ["One"]
    assert names({"q": "tampere"}) == ["Two"]
    assert names({"q": "Finland"}) == ["Two"]
    assert names({"q": "tourism"}) == ["Three"]


def test_excluded_word_and_phrase():
    make(name="Green Steel", description="<p>Low carbon steel making.</p>")
    make(name="Steel Works", description="<p>Classic blast furnace steel.</p>")
    assert names({"q": "steel -furnace"}) == ["Green Steel"]
    assert names({"q": '"carbon steel"'}) == ["Green Steel"]


def test_name_substring_finds_partial_and_non_english_names():
    make(name="Münchner Kreis Mobilität")
    make(name="Other")
    assert names({"q": "Münchner"}) == ["Münchner Kreis Mobilität"]
    assert names({"q": "nchner kre"}) == ["Münchner Kreis Mobilität"]


def test_relevance_is_the_default_sort_with_q_and_name_without():
    make(name="Zeta hydrogen cluster")
    make(name="Alpha", description="<p>Some hydrogen work.</p>")
    assert names({"q": "hydrogen"}) == ["Zeta hydrogen cluster", "Alpha"]
    assert names({"q": "hydrogen", "sort": "name"}) == ["Alpha", "Zeta hydrogen cluster"]
    assert names({"sort": "relevance"}) == ["Alpha", "Zeta hydrogen cluster"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_stems_english_words():
    make(name="Alpha", description="<p>Industrial robotics for factories.</p>")
    assert names({"q": "robots factory"}) == ["Alpha"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_search_uses_the_stored_document_and_its_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'org_search_document'")
        if cursor.fetchone() is None:
            pytest.skip("migrations did not run (--nomigrations)")
    make(name="Alpha", description="<p>Hydrogen.</p>")
    # The text match alone: on a one-row table the planner would rather use the status index.
    query = apply_text_search(Organisation.objects.all(), "hydrogen").query
    sql, params = query.sql_with_params()
    assert "to_tsvector" not in sql  # the stored column, not a per-row computation
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "org_search_document" in plan, plan


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_stored_document_is_the_search_vector_expression():
    """The generated column and organisation_search_vector() must stay the same document."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'org_search_document'")
        if cursor.fetchone() is None:
            pytest.skip("migrations did not run (--nomigrations)")
    make(name="Münchner Robotik", tags=["Hydrogen"], description="<p>Fuel cells & robots.</p>")
    row = (
        Organisation.objects.annotate(
            expected=organisation_search_vector(),
            stored=RawSQL("search_document::text", []),
        )
        .values("expected", "stored")
        .get()
    )
    assert row["stored"] == str(row["expected"])


# --- Sort -------------------------------------------------------------------------------


def test_sorts():
    old = timezone.now() - datetime.timedelta(days=10)
    make(name="Bravo", country="FR", members_total=10, created_at=old)
    make(name="Alpha", country="IT", members_total=300, created_at=old - datetime.timedelta(1))
    make(name="Charlie", country="DE", members_total=50)
    assert names({"sort": "name"}) == ["Alpha", "Bravo", "Charlie"]
    assert names({"sort": "newest"}) == ["Charlie", "Bravo", "Alpha"]
    assert names({"sort": "members"}) == ["Alpha", "Charlie", "Bravo"]
    assert names({"sort": "country"}) == ["Charlie", "Bravo", "Alpha"]


# --- Only published ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [ModerationStatus.DRAFT, ModerationStatus.NEEDS_REVIEW, ModerationStatus.REJECTED]
)
def test_unpublished_never_listed(client, status):
    make(name="Public hydrogen")
    make(name="Hidden hydrogen", status=status)
    assert names({}) == ["Public hydrogen"]
    assert names({"q": "hidden"}) == []
    assert api_names(client) == ["Public hydrogen"]
    assert api_names(client, "q=hidden") == []


# --- API --------------------------------------------------------------------------------


def test_api_list_item_is_compact_and_complete(client):
    make(
        name="Basque Digital",
        acronym="BD",
        country="ES",
        city="Bilbao",
        ecosystems=["digital", "electronics"],
        label="silver",
        members_total=120,
        slug="basque-digital",
    )
    response = client.get(LIST)
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item == {
        "slug": "basque-digital",
        "name": "Basque Digital",
        "acronym": "BD",
        "type": "cluster",
        "country": "ES",
        "country_name": "Spain",
        "city": "Bilbao",
        "primary_ecosystem": "digital",
        "ecosystems": ["digital", "electronics"],
        "label": "silver",
        "members_total": 120,
        "logo_url": None,
        "url": "http://testserver/organisations/basque-digital/",
    }


def test_api_filters_search_and_sort(client):
    make(name="Hydrogen North", country="DE", members_total=10)
    make(name="Hydrogen South", country="DE", members_total=500)
    make(name="Hydrogen West", country="FR", members_total=900)
    assert api_names(client, "q=hydrogen&country=DE&sort=members") == [
        "Hydrogen South",
        "Hydrogen North",
    ]


def test_api_pagination_counts_and_caps_page_size(client):
    for i in range(5):
        make(name=f"Org {i}")
    body = client.get(f"{LIST}?page_size=2&page=2").json()
    assert body["count"] == 5
    assert [r["name"] for r in body["results"]] == ["Org 2", "Org 3"]
    assert body["next"]
    assert body["previous"]
    assert len(client.get(f"{LIST}?page_size=1000").json()["results"]) == 5  # capped at 100


@pytest.mark.parametrize(
    ("query", "param", "words"),
    [
        ("ecosystem=space-mining", "ecosystem", "space-mining"),
        ("country=XX", "country", "XX"),
        ("country=DE&country=ZZ", "country", "ZZ"),
        ("members_min=many", "members_min", "number"),
        ("members_max=-3", "members_max", "greater than or equal to 0"),
        ("sort=popularity", "sort", "popularity"),
        ("size=huge", "size", "huge"),
        ("label=platinum", "label", "platinum"),
        ("type=club", "type", "club"),
        ("members_min=300&members_max=10", "members_max", "below the minimum"),
        ("nuts2=TOOLONG", "nuts2", "at most 4"),
    ],
)
def test_api_malformed_filter_answers_400_naming_the_parameter(client, query, param, words):
    make(name="Any")
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith(f"{param}: ")
    assert words in error["message"]
    assert param in error["fields"]


def test_api_list_query_count_is_bounded(client, django_assert_max_num_queries):
    for i in range(30):
        make(name=f"Org {i}", ecosystems=["digital", "health", "tourism"], tags=["AI"])
    with django_assert_max_num_queries(6):
        response = client.get(f"{LIST}?page_size=100&ecosystem=digital&ecosystem=health&q=org")
    assert response.json()["count"] == 30


def test_api_list_is_public(client):
    make(name="Open")
    assert client.get(LIST).status_code == 200
