"""News pages: list, filters, detail, posting form, moderation page and the Atom feed."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from community.models import Ecosystem, NewsItem
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def member(db):
    return MembershipFactory(organisation=OrganisationFactory(slug="sea-cluster")).user


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(StaffFactory())
    return client


class Collector(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def test_list_is_newest_first_paginated_and_filtered(client):
    now = timezone.now()
    for n in range(14):
        NewsItemFactory(title=f"Item {n:02d}", published_at=now - timedelta(hours=n))
    NewsItemFactory(title="Hidden draft", status="draft", published_at=None)
    page1 = client.get("/news/").content.decode()
    assert page1.index("Item 00") < page1.index("Item 11")
    assert "Item 12" not in page1
    assert "Hidden draft" not in page1
    assert "Page 1 of 2" in page1
    page2 = client.get("/news/?page=2").content.decode()
    assert "Item 12" in page2
    assert "Item 13" in page2
    health = Ecosystem.objects.get(slug="health")
    tagged = NewsItemFactory(title="Health in Spain", country="ES")
    tagged.ecosystems.set([health])
    filtered = client.get("/news/?ecosystem=health&country=es").content.decode()
    assert "Health in Spain" in filtered
    assert "Item 00" not in filtered
    assert (
        client.get("/news/?ecosystem=health&country=FR").content.decode().count('news-card"') == 0
    )


def test_list_links_the_atom_feed_in_head(client):
    html = client.get("/news/").content.decode()
    head = html[: html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="ClusterHub news (Atom)" '
        'href="/news/feed/">' in head
    )


def test_list_page_query_count(client, django_assert_max_num_queries):
    ecosystems = list(Ecosystem.objects.all()[:2])
    for _ in range(12):
        NewsItemFactory(organisation=OrganisationFactory()).ecosystems.set(ecosystems)
    # count, page, ecosystems prefetch, ecosystems for the filter
    with django_assert_max_num_queries(5):
        response = client.get("/news/")
    assert response.status_code == 200


def test_detail_shows_published_item_and_its_organisation(client):
    organisation = OrganisationFactory(name="Blue Sea Cluster")
    item = NewsItemFactory(title="Harbour day", organisation=organisation, country="PT")
    html = client.get(f"/news/{item.slug}/").content.decode()
    assert "Harbour day" in html
    assert "Blue Sea Cluster" in html
    assert "Portugal" in html
    assert "Edit" not in html


def test_author_sees_draft_status_and_actions(member_client, member):
    item = NewsItemFactory(
        author=member,
        organisation=member.memberships.get().organisation,
        status="rejected",
        published_at=None,
        rejection_reason="Too promotional.",
    )
    html = member_client.get(f"/news/{item.slug}/").content.decode()
    assert "Too promotional." in html
    assert f"/news/{item.slug}/edit/" in html
    assert f"/news/{item.slug}/submit/" in html
    assert f"/news/{item.slug}/publish/" not in html


def test_script_in_body_is_not_executable_on_the_page(member_client, client):
    payload = (
        '<p>Hello</p><script>alert("x")</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">click</a><iframe src="https://evil.example"></iframe>'
        "<svg onload=alert(1)></svg><style>body{display:none}</style>"
    )
    response = member_client.post(
        "/news/new/",
        {
            "title": "Hostile",
            "summary": '"><script>alert(2)</script>',
            "body": payload,
            "organisation": "sea-cluster",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    item = NewsItem.objects.get()
    NewsItem.objects.filter(pk=item.pk).update(status="published", published_at=timezone.now())
    html = client.get(f"/news/{item.slug}/").content.decode()
    page = parse(html)
    assert page.script_text == []  # no inline script at all
    # The site's own icons are SVG (the header's search button); the article has none.
    article = parse(html[html.index("<main") : html.index("</main>")])
    assert not {tag for tag, _attrs in article.tags} & {"iframe", "style", "svg"}
    for tag, attrs in page.tags:
        assert tag not in {"iframe", "style"}, tag
        assert not (tag == "img" and attrs.get("src") == "x")
        if tag == "script":
            # Our static files, or Django's JavaScript catalogue (config/urls.py).
            assert attrs.get("src", "").startswith(("/static/", "/jsi18n/"))
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # the summary is escaped text


def png(size_bytes_padding: int = 0) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile(
        "p.png", buffer.getvalue() + b"\0" * size_bytes_padding, content_type="image/png"
    )


def test_form_errors_keep_what_was_typed_and_store_nothing(member_client):
    response = member_client.post(
        "/news/new/",
        {
            "title": "",
            "summary": "My careful summary",
            "body": "<p>Long text I do not want to lose</p>",
            "organisation": "sea-cluster",
            "ecosystems": ["digital", "space-mining"],
            "image": png(20 * 1024 * 1024),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Unknown ecosystem" in html or "Select a valid choice" in html
    assert "limit is 2.0 MB" in html
    assert "My careful summary" in html
    assert "Long text I do not want to lose" in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title-errors"' in html
    assert not NewsItem.objects.exists()


def test_edit_page_updates_and_resubmits(member_client, member):
    item = NewsItemFactory(
        author=member,
        organisation=member.memberships.get().organisation,
        status="rejected",
        published_at=None,
    )
    response = member_client.post(
        f"/news/{item.slug}/edit/",
        {
            "title": "Better title",
            "summary": "S",
            "body": "",
            "organisation": "sea-cluster",
            "ecosystems": ["digital"],
            "country": "IE",
            "image": png(),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.country.code) == ("Better title", "needs_review", "IE")
    assert item.image
    assert list(item.ecosystems.values_list("slug", flat=True)) == ["digital"]


def test_staff_post_is_published_at_once(staff_client, client):
    response = staff_client.post(
        "/news/new/", {"title": "Platform news", "summary": "S", "body": "", "organisation": ""}
    )
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.status == "published"
    assert item.organisation is None
    assert "Platform news" in client.get("/news/").content.decode()


def test_moderation_page_publishes_and_rejects(
    staff_client, member, django_capture_on_commit_callbacks
):
    organisation = member.memberships.get().organisation
    first = NewsItemFactory(
        title="First", author=member, organisation=organisation, status="needs_review",
        published_at=None, submitted_at=timezone.now(),
    )  # fmt: skip
    second = NewsItemFactory(
        title="Second", author=member, organisation=organisation, status="needs_review",
        published_at=None, submitted_at=timezone.now(),
    )  # fmt: skip
    html = staff_client.get("/moderation/news/", follow=True).content.decode()
    assert "First" in html
    assert "Second" in html
    response = staff_client.post(f"/news/{first.slug}/publish/", {"next": "queue"})
    assert response["Location"] == "/moderation/news/"
    empty_reason = staff_client.post(f"/news/{second.slug}/reject/", {"reason": ""})
    assert empty_reason.status_code == 302
    assert NewsItem.objects.get(pk=second.pk).status == "needs_review"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/news/{second.slug}/reject/", {"reason": "Duplicate", "next": "queue"})
    assert NewsItem.objects.get(pk=first.pk).status == "published"
    assert NewsItem.objects.get(pk=second.pk).status == "rejected"
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Duplicate" in mail.outbox[0].body
    assert "Nothing to review" in staff_client.get("/moderation/?kind=news").content.decode()


def test_delete_asks_then_deletes(member_client, member):
    item = NewsItemFactory(
        author=member,
        organisation=member.memberships.get().organisation,
        status="draft",
        published_at=None,
    )
    assert b"cannot be undone" in member_client.get(f"/news/{item.slug}/delete/").content
    assert member_client.post(f"/news/{item.slug}/delete/").status_code == 302
    assert not NewsItem.objects.exists()


# --- Atom feed -------------------------------------------------------------------------


def test_feed_is_atom_with_published_items_only(client):
    now = timezone.now()
    for n in range(55):
        NewsItemFactory(title=f"Pub {n}", published_at=now - timedelta(minutes=n))
    NewsItemFactory(title="Secret draft", status="draft", published_at=None)
    NewsItemFactory(title="Secret review", status="needs_review", published_at=None)
    NewsItemFactory(title="Secret rejected", status="rejected", published_at=None)
    response = client.get("/news/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Pub 0"
    assert "Pub 50" not in titles
    assert not [t for t in titles if t and t.startswith("Secret")]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    first = NewsItem.objects.get(title="Pub 0")
    assert link.get("href", "").endswith(f"/news/{first.slug}/")


def test_feed_query_count(client, django_assert_max_num_queries):
    for _ in range(20):
        NewsItemFactory(organisation=OrganisationFactory())
    with django_assert_max_num_queries(3):
        assert client.get("/news/feed/").status_code == 200
