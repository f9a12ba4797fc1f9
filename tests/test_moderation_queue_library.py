"""Library suggestions in the one staff moderation queue (config/pages/moderation.py): listed
as their own kind, filtered by any of their countries, published in bulk and rejected with a
reason through hub.services.library (so the library's log and the suggester's notification
happen as on /library/moderation/), and counted in the queue's and the staff home's totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import ModerationStatus
from hub.models import LibraryItem, LibraryModerationLogEntry
from hub.services.library import item_create, item_reject
from notifications.models import Notification
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _suggest(title: str, *, by=None, countries=(), days_ago: int = 1) -> LibraryItem:
    item = item_create(
        user=by or UserFactory(full_name="Sara Suggester"),
        item_type="guide",
        title=title,
        countries=countries,
        url="https://example.org/guide",
    )
    LibraryItem.objects.filter(pk=item.pk).update(
        submitted_at=timezone.now() - timedelta(days=days_ago)
    )
    item.refresh_from_db()
    return item


def _queue(client: Client, query: str = "") -> str:
    response = client.get(f"/moderation/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_suggestion_waits_in_the_queue_as_its_own_kind(staff_client):
    item = _suggest("Guide to cluster twinning", days_ago=3)
    NewsItemFactory(
        title="Recent news",
        status=ModerationStatus.NEEDS_REVIEW,
        published_at=None,
        submitted_at=timezone.now() - timedelta(days=1),
    )
    html = _queue(staff_client)
    assert "Guide to cluster twinning" in html
    assert f'href="{item.get_absolute_url()}"' in html
    assert "Sara Suggester" in html  # who suggested it
    assert f'value="library:{item.pk}"' in html
    assert f"/moderation/library/{item.pk}/reject/" in html
    assert html.index("Guide to cluster twinning") < html.index("Recent news")  # oldest first
    assert '<option value="library">Library suggestions</option>' in html
    alone = _queue(staff_client, "?kind=library")
    assert "Guide to cluster twinning" in alone
    assert "Recent news" not in alone
    assert "Guide to cluster twinning" not in _queue(staff_client, "?kind=news")


def test_published_suggestions_leave_and_rejected_ones_show_under_rejected(staff_client, staff):
    waiting = _suggest("Waiting guide")
    refused = _suggest("Refused guide")
    item_reject(item=refused, user=staff, reason="Behind a paywall")
    item_create(user=staff, item_type="study", title="Staff study", url="https://example.org/s")
    html = _queue(staff_client, "?kind=library")
    assert "Waiting guide" in html
    assert "Refused guide" not in html
    assert "Staff study" not in html  # staff additions are published at once
    rejected = _queue(staff_client, "?kind=library&status=rejected")
    assert "Refused guide" in rejected
    assert "Behind a paywall" in rejected
    assert "Waiting guide" not in rejected
    assert f'value="library:{waiting.pk}"' not in rejected


def test_a_suggestion_matches_any_of_its_countries(staff_client):
    _suggest("Nordic guide", countries=["SE", "DK"])
    _suggest("Iberian guide", countries=["ES", "PT"])
    _suggest("Guide for everyone")
    danish = _queue(staff_client, "?country=DK")
    assert "Nordic guide" in danish
    assert "Iberian guide" not in danish
    assert "Guide for everyone" not in danish
    swedish = _queue(staff_client, "?kind=library&country=SE")
    assert "Nordic guide" in swedish


def test_bulk_publish_goes_through_the_library_service(
    staff_client, staff, django_capture_on_commit_callbacks
):
    suggester = UserFactory()
    item = _suggest("Guide to smart specialisation", by=suggester)
    left_alone = _suggest("Another guide")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/moderation/publish/",
            {"items": [f"library:{item.pk}"], "next": "/moderation/?kind=library"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/moderation/?kind=library"
    item.refresh_from_db()
    assert item.status == ModerationStatus.PUBLISHED
    assert item.reviewed_by == staff
    assert LibraryItem.objects.get(pk=left_alone.pk).status == ModerationStatus.NEEDS_REVIEW
    entry = LibraryModerationLogEntry.objects.get(item=item)
    assert (entry.decision, entry.moderator) == ("published", staff)
    assert Notification.objects.filter(recipient=suggester, kind="library.reviewed").exists()
    listed = Client().get("/library/").content.decode()
    assert "Guide to smart specialisation" in listed
    assert "Another guide" not in listed
    # Published twice (a second tab): refused with a message, nothing logged twice.
    again = staff_client.post(
        "/moderation/publish/", {"items": [f"library:{item.pk}"]}, follow=True
    )
    assert "Only an item waiting for review can be published." in again.content.decode()
    assert LibraryModerationLogEntry.objects.filter(item=item).count() == 1


def test_reject_from_the_queue_asks_for_a_reason_then_records_it(
    staff_client, staff, django_capture_on_commit_callbacks
):
    suggester = UserFactory()
    item = _suggest("Guide with a broken link", by=suggester)
    url = f"/moderation/library/{item.pk}/reject/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Reject the library suggestion “Guide with a broken link”" in page.content.decode()
    empty = staff_client.post(url, {"reason": "   ", "next": "/moderation/?kind=library"})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    item.refresh_from_db()
    assert item.status == ModerationStatus.NEEDS_REVIEW
    assert not LibraryModerationLogEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            url, {"reason": "The link is broken.", "next": "/moderation/?kind=library"}
        )
    assert done.status_code == 302
    assert done["Location"] == "/moderation/?kind=library"
    item.refresh_from_db()
    assert item.status == ModerationStatus.REJECTED
    assert item.rejection_reason == "The link is broken."
    entry = LibraryModerationLogEntry.objects.get(item=item)
    assert (entry.decision, entry.reason, entry.moderator) == (
        "rejected",
        "The link is broken.",
        staff,
    )
    assert Notification.objects.filter(recipient=suggester, kind="library.reviewed").exists()


@pytest.mark.parametrize("role", ["member", "visitor"])
def test_no_one_but_staff_sees_or_decides(client, role):
    item = _suggest("Private guide")
    if role == "member":
        client.force_login(MembershipFactory(organisation=OrganisationFactory()).user)
    assert client.get("/moderation/?kind=library").status_code == 404
    assert client.post("/moderation/publish/", {"items": [f"library:{item.pk}"]}).status_code == 404
    assert client.get(f"/moderation/library/{item.pk}/reject/").status_code == 404
    rejected = client.post(f"/moderation/library/{item.pk}/reject/", {"reason": "No"})
    assert rejected.status_code == 404
    item.refresh_from_db()
    assert item.status == ModerationStatus.NEEDS_REVIEW
    assert not LibraryModerationLogEntry.objects.exists()


def test_suggestions_count_once_in_the_queue_and_on_the_staff_home(staff_client):
    _suggest("Guide one")
    _suggest("Guide two")
    html = _queue(staff_client)
    assert "2 items wait for review" in html
    assert "library suggestions 2" in html
    home = staff_client.get("/").content.decode()
    assert home.count("2 library suggestions") == 1
    assert 'href="/moderation/?kind=library"' in home


def test_a_long_reason_from_the_queue_is_kept_whole(staff_client):
    """The queue's form, the apps' forms and API and their services share one limit
    (community.models.moderation.REASON_MAX_LENGTH): the library's service used to cut a
    reason the queue had accepted at 2,000 characters without a word."""
    from community.models.moderation import REASON_MAX_LENGTH

    item = _suggest("Guide with a long story")
    reason = ("The figures on page 4 contradict the source. " * 200)[:REASON_MAX_LENGTH].strip()
    assert len(reason) > 2000
    url = f"/moderation/library/{item.pk}/reject/"
    assert staff_client.post(url, {"reason": reason}).status_code == 302
    item.refresh_from_db()
    assert item.rejection_reason == reason
    assert LibraryModerationLogEntry.objects.get().reason == reason
    too_long = staff_client.post(url, {"reason": "x" * (REASON_MAX_LENGTH + 1)})
    assert too_long.status_code == 400
