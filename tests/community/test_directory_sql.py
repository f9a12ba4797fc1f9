"""On PostgreSQL the API list reads its rows with the statement `directory_sql` writes out
(community/filters.py) instead of the queryset `directory_queryset` builds. These tests hold
the two equal: the same rows (every column of an item), in the same order, with the same
count, for every parameter of the filter set, on every page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from community.filters import clean_directory_params, directory_fields, directory_queryset
from community.selectors.directory import (
    DirectorySqlResult,
    _list_item_rows,
    organisation_directory,
    published_organisations,
)
from tests.community import test_directory_params
from tests.community.test_directory_params import QUERIES
from tests.community.test_directory_search import ecosystems, make  # noqa: F401

directory = test_directory_params.directory  # the filter set's fixture, shared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the SQL is PostgreSQL's; SQLite uses the ORM"
    ),
]

# Text that must reach the statement as data, never as SQL or as a LIKE pattern.
AWKWARD = [
    "q=100%25",
    "q=hydro_gen",
    "q=back%5Cslash",
    "q=it's",
    "q=%22%22",
    "q=hydrogen OR tourism",
    "q=-hydrogen",
    "q=Bilbao",
    "q=D%C3%BCsseldorf",
    "tag=' OR 1=1 --",
    "nuts2= de21 ",
]


@pytest.fixture
def directory_with_ties(directory):
    """The filter set's organisations and two more that tie on members and country with
    others, so each order's tie-breaks decide."""
    make(name="Aragón Hydrogen Foundation", country="ES", ecosystems=["tourism"], members_total=80)
    make(name="Zaragoza Logistics", country="ES", ecosystems=["digital"], members_total=12)


def orm_rows(query: str) -> list[dict]:
    cleaned = clean_directory_params(QueryDict(query))
    return _list_item_rows(directory_queryset(published_organisations(), cleaned))


@pytest.mark.parametrize("query", QUERIES + AWKWARD)
def test_the_statement_reads_what_the_queryset_reads(directory_with_ties, query):
    result = organisation_directory(params=QueryDict(query))
    assert isinstance(result, DirectorySqlResult)
    expected = orm_rows(query)
    assert result[0:100] == expected
    assert result.recount() == len(expected)
    # Every page of two, as the paginator slices it (offset and limit).
    for start in range(0, len(expected) + 2, 2):
        assert result[start : start + 2] == expected[start : start + 2]


def test_every_parameter_of_the_filter_set_is_compared():
    """A filter added to the filter set fails here until a query above uses it (and so the
    comparison above checks that the statement applies it too)."""
    used = {name for query in QUERIES + AWKWARD for name in QueryDict(query)}
    assert set(directory_fields()) <= used


def test_the_queries_find_something(directory_with_ties):
    found = [len(orm_rows(q)) for q in QUERIES + AWKWARD]
    assert sum(1 for n in found if n) >= len(found) // 2
    assert len(set(found)) >= 4


def test_a_page_is_one_statement_and_the_count_another(client, directory):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/organisations/?country=DE&q=hydrogen")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    statements = [
        q["sql"] for q in queries.captured_queries if "community_organisation" in q["sql"]
    ]
    assert len(statements) == 1
    assert "ARRAY(SELECT e.ecosystem_id" in statements[0]


@pytest.mark.parametrize("query", ["q=hydrogen&sort=members", "country=DE&country=ES", ""])
def test_the_api_list_is_the_same_through_either_path(client, directory, monkeypatch, query):
    """The response itself: the statement's rows make the same JSON as the queryset's."""
    fast = client.get(f"/api/v1/organisations/?{query}").json()
    monkeypatch.setattr("community.selectors.directory.has_stored_document", lambda: False)
    slow = client.get(f"/api/v1/organisations/?{query}").json()
    assert fast == slow
    assert fast["results"]
