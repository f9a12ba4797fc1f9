"""News API: creation rules, moderation flow, filters, bad input, emails, query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from community.models import Ecosystem, NewsItem
from community.models.taxonomy import ECOSYSTEMS
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
)


@pytest.fixture(autouse=True)
def ecosystems(db):
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture
def member(db):
    return MembershipFactory(organisation=OrganisationFactory(slug="solar-cluster")).user


@pytest.fixture
def member_api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.fixture
def staff_api(db):
    client = APIClient()
    client.force_authenticate(StaffFactory())
    return client


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_member_creates_draft_with_everything(member_api, member):
    response = member_api.post(
        "/api/v1/news/",
        {
            "title": "Solar days 2026",
            "summary": "Three days of solar.",
            "body": "<p>Come <strong>along</strong>.</p>",
            "organisation": "solar-cluster",
            "ecosystems": ["energy-renewables", "digital"],
            "country": "es",
            "image": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["slug"] == "solar-days-2026"
    assert data["status"] == "draft"
    assert data["organisation"] == {
        "slug": "solar-cluster",
        "name": member.memberships.get().organisation.name,
    }
    assert sorted(data["ecosystems"]) == ["digital", "energy-renewables"]
    assert data["country"] == "ES"
    assert data["image"].endswith(".png")
    assert data["published_at"] is None
    item = NewsItem.objects.get(slug="solar-days-2026")
    assert item.author == member
    assert item.body == "<p>Come <strong>along</strong>.</p>"


def test_create_with_submit_goes_to_review_and_slugs_are_unique(member_api):
    payload = {"title": "Feed", "summary": "S", "organisation": "solar-cluster", "submit": True}
    first = member_api.post("/api/v1/news/", payload, format="json").json()
    second = member_api.post("/api/v1/news/", payload, format="json").json()
    assert first["status"] == "needs_review"
    # "feed" is a page (/news/feed/), so no item may take that slug.
    assert first["slug"] == "feed-2"
    assert second["slug"] == "feed-3"


def test_list_shows_published_only_newest_first_with_filters(member_api, db):
    now = timezone.now()
    digital = Ecosystem.objects.get(slug="digital")
    old = NewsItemFactory(title="Old", published_at=now - timedelta(days=3), country="FR")
    new = NewsItemFactory(title="New", published_at=now - timedelta(days=1), country="DE")
    new.ecosystems.set([digital])
    NewsItemFactory(title="Draft", status="draft", published_at=None)
    NewsItemFactory(title="Waiting", status="needs_review", published_at=None)
    anonymous = APIClient()
    titles = [i["title"] for i in anonymous.get("/api/v1/news/").json()["results"]]
    assert titles == ["New", "Old"]
    assert [
        i["slug"] for i in anonymous.get("/api/v1/news/?ecosystem=digital").json()["results"]
    ] == [new.slug]
    assert [i["slug"] for i in anonymous.get("/api/v1/news/?country=fr").json()["results"]] == [
        old.slug
    ]
    assert anonymous.get("/api/v1/news/?ecosystem=nope").json()["results"] == []


def test_mine_lists_own_items_in_every_status(member_api):
    member_api.post(
        "/api/v1/news/",
        {"title": "Mine", "summary": "S", "organisation": "solar-cluster"},
        format="json",
    )
    NewsItemFactory(title="Someone else's")
    results = member_api.get("/api/v1/news/?mine=true").json()["results"]
    assert [(i["title"], i["status"]) for i in results] == [("Mine", "draft")]
    assert APIClient().get("/api/v1/news/?mine=true").json()["results"] == []


def test_reject_then_publish_emails_the_author_after_commit(
    member_api, staff_api, member, django_capture_on_commit_callbacks
):
    slug = member_api.post(
        "/api/v1/news/",
        {"title": "Expo", "summary": "S", "organisation": "solar-cluster", "submit": True},
        format="json",
    ).json()["slug"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_api.post(f"/api/v1/news/{slug}/reject/", {"reason": "Add the venue."})
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "Add the venue."
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "Add the venue." in mail.outbox[0].body
    assert "Expo" in mail.outbox[0].subject
    member_api.post(f"/api/v1/news/{slug}/submit/")
    with django_capture_on_commit_callbacks(execute=True):
        published = staff_api.post(f"/api/v1/news/{slug}/publish/").json()
    assert published["status"] == "published"
    assert published["rejection_reason"] == ""
    assert len(mail.outbox) == 2
    assert f"/news/{slug}/" in mail.outbox[1].body


def test_reject_needs_a_reason(member_api, staff_api):
    slug = member_api.post(
        "/api/v1/news/",
        {"title": "T", "summary": "S", "organisation": "solar-cluster", "submit": True},
        format="json",
    ).json()["slug"]
    response = staff_api.post(f"/api/v1/news/{slug}/reject/", {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert NewsItem.objects.get(slug=slug).status == "needs_review"


def test_publishing_twice_is_a_clear_400(staff_api):
    item = NewsItemFactory()
    response = staff_api.post(f"/api/v1/news/{item.slug}/publish/")
    assert response.status_code == 400
    assert "already published" in response.json()["error"]["message"]


def test_moderation_queue_lists_items_in_review_oldest_first(staff_api):
    now = timezone.now()
    later = NewsItemFactory(status="needs_review", published_at=None, submitted_at=now)
    earlier = NewsItemFactory(
        status="needs_review", published_at=None, submitted_at=now - timedelta(hours=1)
    )
    NewsItemFactory(status="draft", published_at=None)
    results = staff_api.get("/api/v1/moderation/news/").json()["results"]
    assert [i["slug"] for i in results] == [earlier.slug, later.slug]


# --- Bad input -------------------------------------------------------------------------


def test_html_in_body_is_kept_as_typed_and_shown_as_text(member_api):
    response = member_api.post(
        "/api/v1/news/",
        {
            "title": "XSS",
            "summary": "<b>not html</b>",
            "body": '<p onclick="x()">Hi<script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
            "organisation": "solar-cluster",
        },
        format="json",
    )
    assert response.status_code == 201
    item = NewsItem.objects.get()
    assert item.body.startswith('<p onclick="x()">Hi')
    shown = member_api.get(f"/api/v1/news/{item.slug}/").json()["body_html"]
    assert shown.startswith('<p>&lt;p onclick="x()"&gt;Hi&lt;script&gt;')
    for bad in ("<script", "<img", "<a ", "<p onclick"):
        assert bad not in shown


def test_twenty_megabyte_image_is_refused_and_nothing_is_stored(member_api):
    huge = SimpleUploadedFile(
        "huge.png", png_bytes() + b"\0" * (20 * 1024 * 1024), content_type="image/png"
    )
    response = member_api.post(
        "/api/v1/news/",
        {"title": "Big", "summary": "S", "organisation": "solar-cluster", "image": huge},
        format="multipart",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "image" in error["fields"]
    assert "limit is 2.0 MB" in error["message"]
    assert not NewsItem.objects.exists()


def test_twenty_megabyte_image_on_edit_keeps_the_stored_item(member_api):
    slug = member_api.post(
        "/api/v1/news/",
        {"title": "Keep", "summary": "Kept", "organisation": "solar-cluster"},
        format="json",
    ).json()["slug"]
    huge = SimpleUploadedFile("huge.png", b"\0" * (20 * 1024 * 1024), content_type="image/png")
    response = member_api.patch(
        f"/api/v1/news/{slug}/", {"title": "Changed", "image": huge}, format="multipart"
    )
    assert response.status_code == 400
    item = NewsItem.objects.get(slug=slug)
    assert (item.title, item.summary, bool(item.image)) == ("Keep", "Kept", False)


def test_a_renamed_non_image_is_refused(member_api):
    fake = SimpleUploadedFile("x.png", b"MZ\x90\0 not an image", content_type="image/png")
    response = member_api.post(
        "/api/v1/news/",
        {"title": "Fake", "summary": "S", "organisation": "solar-cluster", "image": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]
    assert not NewsItem.objects.exists()


def test_unknown_ecosystem_is_a_clear_400(member_api):
    response = member_api.post(
        "/api/v1/news/",
        {
            "title": "T",
            "summary": "S",
            "organisation": "solar-cluster",
            "ecosystems": ["digital", "space-mining"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Unknown ecosystem “space-mining”" in response.json()["error"]["message"]
    assert not NewsItem.objects.exists()


def test_missing_title_is_a_clear_400(member_api):
    response = member_api.post(
        "/api/v1/news/", {"summary": "S", "organisation": "solar-cluster"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith("title:")
    assert "title" in error["fields"]
    assert not NewsItem.objects.exists()


def test_blanking_the_title_on_edit_loses_nothing(member_api):
    slug = member_api.post(
        "/api/v1/news/",
        {"title": "Stay", "summary": "S", "organisation": "solar-cluster"},
        format="json",
    ).json()["slug"]
    response = member_api.patch(
        f"/api/v1/news/{slug}/", {"title": "", "summary": "New"}, format="json"
    )
    assert response.status_code == 400
    item = NewsItem.objects.get(slug=slug)
    assert (item.title, item.summary) == ("Stay", "S")


def test_unknown_organisation_and_country_are_clear_400s(member_api):
    response = member_api.post(
        "/api/v1/news/", {"title": "T", "summary": "S", "organisation": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "No published organisation “nope”" in response.json()["error"]["message"]
    response = member_api.post(
        "/api/v1/news/",
        {"title": "T", "summary": "S", "organisation": "solar-cluster", "country": "XX"},
        format="json",
    )
    assert response.status_code == 400
    assert "country" in response.json()["error"]["fields"]
    assert not NewsItem.objects.exists()


def test_member_must_name_the_organisation(member_api):
    response = member_api.post("/api/v1/news/", {"title": "T", "summary": "S"}, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()["error"]["fields"]


def test_unknown_slug_is_404(member_api):
    assert member_api.get("/api/v1/news/nope/").status_code == 404
    assert member_api.post("/api/v1/news/nope/submit/").status_code == 404


# --- Query counts ----------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_items(django_assert_max_num_queries):
    ecosystems = list(Ecosystem.objects.all()[:3])
    for _ in range(30):
        item = NewsItemFactory(organisation=OrganisationFactory())
        item.ecosystems.set(ecosystems)
    client = APIClient()
    # count + page + ecosystems prefetch
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/news/?page_size=30")
    assert len(response.json()["results"]) == 30


def test_moderation_queue_query_count(staff_api, django_assert_max_num_queries):
    for _ in range(20):
        NewsItemFactory(
            status="needs_review", published_at=None, organisation=OrganisationFactory()
        )
    with django_assert_max_num_queries(3):
        response = staff_api.get("/api/v1/moderation/news/")
    assert response.json()["count"] == 20
