"""The API list validates its parameters and builds its query without a FilterSet per request
(`clean_directory_params`, `directory_queryset`, community/filters.py). These tests hold it
to the filter set the pages, the export and the map still use: the same rows in the same
order for every filter and sort, and word for word the same errors, in every language."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone, translation

from community.filters import clean_directory_params, directory_fields
from community.selectors.directory import (
    directory_count_key,
    directory_filterset,
    organisation_directory,
    organisation_search,
)
from tests.community.test_directory_search import ecosystems, make  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    """Organisations that each filter, the text search and every sort tell apart."""
    today = timezone.localdate()
    make(
        name="Hydrogen Valley Bayern",
        country="DE",
        nuts2="DE21",
        city="München",
        type="cluster",
        ecosystems=["energy-renewables", "digital"],
        tags=["Hydrogen"],
        label="gold",
        label_valid_until=today + datetime.timedelta(days=30),
        members_total=320,
    )
    make(
        name="Pôle Hydrogène Lyon",
        country="FR",
        nuts2="FRK2",
        city="Lyon",
        type="cluster",
        ecosystems=["energy-renewables"],
        tags=["Batteries"],
        label="silver",
        label_valid_until=today - datetime.timedelta(days=1),
        members_total=80,
    )
    make(
        name="Digital Basque",
        country="ES",
        nuts2="ES21",
        city="Bilbao",
        type="support_body",
        ecosystems=["digital"],
        tags=["Artificial intelligence"],
        members_total=12,
        description="Digital twins for hydrogen plants.",
    )
    make(name="Turismo Sevilla", country="ES", ecosystems=["tourism"], members_total=49)
    make(name="Munich Robotics", country="DE", city="München", members_total=250)


QUERIES = [
    "",
    "country=DE",
    "country=DE&country=ES",
    "country=",
    "nuts2=es21",
    "ecosystem=digital",
    "ecosystem=digital&ecosystem=tourism",
    "type=cluster",
    "label=any",
    "label=gold",
    "label_valid=on",
    "label_valid=false",
    "size=small",
    "size=medium",
    "size=large",
    "members_min=0",
    "members_min=50&members_max=320",
    "tag=hydrogen",
    "tag=Artificial Intelligence",
    "q=hydrogen",
    "q=hydrogène",
    "q=munich",
    "q=hydrogen -lyon",
    "q=%22hydrogen valley%22",
    "q=   ",
    "q=hydrogen&sort=relevance",
    "q=hydrogen&sort=members",
    "sort=newest",
    "sort=members",
    "sort=country",
    "sort=name",
    "country=DE&ecosystem=energy-renewables&q=hydrogen",
    "country=ES&size=small&sort=members",
    "unknown=1&country=FR",
]


@pytest.mark.parametrize("query", QUERIES)
def test_same_rows_in_the_same_order_as_the_filter_set(directory, query):
    params = QueryDict(query)
    expected = [o.slug for o in organisation_search(params=params)]
    rows = organisation_directory(params=params)[0:100]
    assert [row["slug"] for row in rows] == expected
    # The count is cached under the key the filter set's page uses too.
    filterset = directory_filterset(params=params)
    assert filterset.is_valid()
    assert organisation_directory(params=params).count_key == directory_count_key(
        filterset.form.cleaned_data
    )


def test_the_queries_tell_the_organisations_apart(directory):
    """The matrix above would prove little if most queries found everything or nothing."""
    sizes = {len(list(organisation_search(params=QueryDict(q)))) for q in QUERIES}
    assert len(sizes) >= 4
    assert 0 < len(list(organisation_search(params=QueryDict("q=hydrogen")))) < 5


def test_a_plain_mapping_is_read_as_the_query_string_would_be(directory):
    mapping = {"country": ["DE", "ES"], "members_min": 12, "q": "hydrogen"}
    query = QueryDict("country=DE&country=ES&members_min=12&q=hydrogen")
    assert [r["slug"] for r in organisation_directory(params=mapping)[0:100]] == [
        r["slug"] for r in organisation_directory(params=query)[0:100]
    ]


BAD = [
    "ecosystem=space-mining",
    "country=XX",
    "country=DE&country=ZZ",
    "members_min=many",
    "members_max=-3",
    "sort=popularity",
    "size=huge",
    "label=platinum",
    "type=club",
    "members_min=300&members_max=10",
    "nuts2=TOOLONG",
    "q=" + "x" * 201,
    "tag=" + "t" * 91,
    "country=XX&members_min=many&sort=popularity&type=club",
]


def form_errors(params: QueryDict) -> dict[str, list[str]]:
    filterset = directory_filterset(params=params)
    assert not filterset.is_valid()
    return {field: list(errors) for field, errors in filterset.form.errors.items()}


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@pytest.mark.parametrize("query", BAD)
def test_the_same_errors_as_the_form_in_the_same_order(query, language):
    params = QueryDict(query)
    with translation.override(language):
        expected = form_errors(params)
        with pytest.raises(ValidationError) as raised:
            clean_directory_params(params)
        assert raised.value.message_dict == expected
        assert list(raised.value.message_dict) == list(expected)


def test_an_error_is_translated_in_the_requests_language():
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        clean_directory_params(QueryDict("members_min=300&members_max=10"))
    (message,) = raised.value.message_dict["members_max"]
    with translation.override("en"):
        english = form_errors(QueryDict("members_min=300&members_max=10"))["members_max"][0]
    assert message != english


def test_the_fields_are_built_once_and_keep_no_state_between_requests():
    fields = directory_fields()
    with pytest.raises(ValidationError):
        clean_directory_params(QueryDict("country=XX&members_min=many"))
    assert directory_fields() is fields
    # A valid request after an invalid one is valid: nothing of the errors stayed behind.
    assert clean_directory_params(QueryDict("country=DE&members_min=3"))["members_min"] == 3


def test_the_directory_page_still_lists_its_countries_first(client, directory):
    """Building the API's fields must not touch the filter set's own (the page changes the
    country choices of its copy)."""
    directory_fields()
    page = client.get("/directory/").content.decode()
    assert page.index("In the directory") < page.index("Other countries")
