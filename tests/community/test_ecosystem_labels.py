"""The 14 industrial ecosystems are shown in the reader's language (names are msgids)."""

from __future__ import annotations

import re

import pytest

from tests.community.test_directory_search import ecosystems, make  # noqa: F401

pytestmark = pytest.mark.django_db


def card_and_filter(client, language: str) -> tuple[str, str]:
    page = client.get("/directory/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    badge = re.search(r'<span class="badge badge-ecosystem">([^<]*)</span>', page)
    label = re.search(r'value="agri-food"[^>]*>\s*<label[^>]*>([^<]*)</label>', page)
    assert badge, page
    assert label, page
    return badge.group(1), label.group(1)


def test_directory_card_and_filter_show_the_ecosystem_in_the_page_language(client):
    make(name="Lyon Food Valley", ecosystems=["agri-food"])
    assert card_and_filter(client, "fr") == ("Agroalimentaire", "Agroalimentaire")
    assert "Agri-food" not in client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert card_and_filter(client, "en") == ("Agri-food", "Agri-food")


def test_cached_filter_choices_follow_each_request_language(client):
    make(name="Lyon Food Valley", ecosystems=["agri-food"])
    assert card_and_filter(client, "fr")[1] == "Agroalimentaire"
    # The choices are cached now; the next reader's language still wins.
    assert card_and_filter(client, "de")[1] == "Agrar- und Ernährungswirtschaft"
    assert card_and_filter(client, "it")[1] == "Agroalimentare"


def test_news_filter_select_is_translated(client):
    page = client.get("/news/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="agri-food">Agroalimentario</option>' in page
    assert ">Agri-food<" not in page
