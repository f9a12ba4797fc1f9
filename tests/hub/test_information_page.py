"""The information hub's front page (/info/, config/pages/information.py): every part of the
hub linked with a figure of what a visitor may open in it, the calls closing soonest, the
latest news and library items; drafts and closed calls stay out; French; the main menu's
"Information" entry is current on every part of the hub."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import ModerationStatus
from hub.models import LibraryItem, Trend
from tests.factories import NewsItemFactory, OrganisationFactory, UserFactory
from tests.hub.conftest import make_call

pytestmark = pytest.mark.django_db


def _library(title: str, status: str) -> LibraryItem:
    return LibraryItem.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        item_type="toolkit",
        url="https://example.org/doc",
        status=status,
        publisher="ECCP",
    )


@pytest.fixture
def hub_content(ecosystems):
    author, org = UserFactory(), OrganisationFactory()
    make_call(status="published", author=author, organisation=org, days=3, title="Soon call")
    make_call(status="published", author=author, organisation=org, days=40, title="Later call")
    make_call(status="published", author=author, organisation=org, days=-2, title="Closed call")
    make_call(status="needs_review", author=author, organisation=org, title="Pending call")
    NewsItemFactory(title="Cluster news")
    NewsItemFactory(title="Draft news", status=ModerationStatus.DRAFT, published_at=None)
    _library("Cluster toolkit", ModerationStatus.PUBLISHED)
    _library("Suggested study", ModerationStatus.NEEDS_REVIEW)
    Trend.objects.create(title="Hydrogen valleys", slug="hydrogen-valleys")


def test_the_page_links_every_part_with_what_a_visitor_may_open(hub_content):
    html = Client().get("/info/").content.decode()
    for url in (
        "/news/",
        "/calls/",
        "/library/",
        "/countries/",
        "/focus/",
        "/trends/",
        "/desk/",
        "/newsletter/",
    ):
        assert f'href="{url}"' in html
    assert "2 open, 1 closing within a week" in html
    assert "1 document" in html
    assert "1 news item" in html
    assert "1 trend" in html
    assert html.index("Soon call") < html.index("Later call")
    for hidden in ("Closed call", "Pending call", "Draft news", "Suggested study"):
        assert hidden not in html
    assert "Cluster news" in html
    assert "Cluster toolkit" in html


def test_the_page_speaks_french_and_the_menu_marks_the_hub_current(hub_content):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    html = client.get("/info/").content.decode()
    assert "Appels qui clôturent bientôt" in html
    assert "Tous les appels ouverts" in html
    assert "1 document" in html
    for path in ("/info/", "/library/", "/calls/", "/news/", "/trends/", "/newsletter/"):
        page = Client().get(path).content.decode()
        assert 'href="/info/" aria-current="page"' in page, path
    assert 'href="/info/" aria-current="page"' not in Client().get("/directory/").content.decode()


def test_the_page_costs_the_same_queries_whatever_it_holds(hub_content):
    client = Client()
    client.get("/info/")
    with CaptureQueriesContext(connection) as few:
        client.get("/info/")
    for n in range(5):
        _library(f"More toolkit {n}", ModerationStatus.PUBLISHED)
        NewsItemFactory(title=f"More news {n}")
    with CaptureQueriesContext(connection) as more:
        client.get("/info/")
    assert len(more) == len(few)
