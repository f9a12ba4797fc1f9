"""The one staff moderation queue (config/pages/moderation.py): profiles, news and reported
messages, paged and filtered, bulk publish through the services, reject with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from community.models import ModerationLogEntry, ModerationStatus, NewsItem, Organisation
from messaging.models import MessageReport
from messaging.services.conversations import conversation_open
from messaging.services.messages import message_send
from tests.factories import (
    MembershipFactory,
    NewsItemFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _waiting_profile(days_ago: int, **kwargs) -> Organisation:
    return OrganisationFactory(
        status=ModerationStatus.NEEDS_REVIEW,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


def _waiting_news(days_ago: int, **kwargs) -> NewsItem:
    return NewsItemFactory(
        status=ModerationStatus.NEEDS_REVIEW,
        published_at=None,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


def _report(days_ago: int = 0) -> MessageReport:
    sender, reporter = UserFactory(), UserFactory()
    conversation, _new = conversation_open(creator=sender, participants=[reporter])
    message, _created = message_send(
        sender=sender, conversation=conversation, body="Buy now", client_id=str(sender.pk)
    )
    return MessageReport.objects.create(
        message=message,
        reporter=reporter,
        reason="Spam",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


# --- who may -----------------------------------------------------------------------------

ROLES = ["staff", "member", "visitor"]


def _as(client, role):
    if role == "staff":
        client.force_login(StaffFactory())
    elif role == "member":
        organisation = OrganisationFactory()
        client.force_login(MembershipFactory(organisation=organisation, role="admin").user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["queue", "bulk_publish", "reject_page", "reject"])
def test_access_matrix(client, role, action):
    profile = _waiting_profile(1)
    news = _waiting_news(1)
    client = _as(client, role)
    if action == "queue":
        response = client.get("/moderation/")
    elif action == "bulk_publish":
        response = client.post(
            "/moderation/publish/", {"items": [f"profile:{profile.pk}", f"news:{news.pk}"]}
        )
    elif action == "reject_page":
        response = client.get(f"/moderation/profile/{profile.pk}/reject/")
    else:
        response = client.post(f"/moderation/news/{news.pk}/reject/", {"reason": "No"})
    expected = {"queue": 200, "bulk_publish": 302, "reject_page": 200, "reject": 302}[action]
    assert response.status_code == (expected if role == "staff" else 404)
    changed = {
        Organisation.objects.get(pk=profile.pk).status,
        NewsItem.objects.get(pk=news.pk).status,
    } != {ModerationStatus.NEEDS_REVIEW}
    assert changed == (role == "staff" and action in ("bulk_publish", "reject"))


# --- the list ----------------------------------------------------------------------------


def test_one_queue_oldest_first_with_every_kind(staff_client):
    newest = _waiting_profile(1, name="Newest Profile")
    oldest = _waiting_news(9, title="Oldest News")
    middle = _report(days_ago=5)
    OrganisationFactory(name="Published Profile")
    html = staff_client.get("/moderation/").content.decode()
    positions = [
        html.index("Oldest News"),
        html.index(f"/admin/messaging/messagereport/{middle.pk}/change/"),
        html.index("Newest Profile"),
    ]
    assert positions == sorted(positions)
    assert "Published Profile" not in html
    newest_first = staff_client.get("/moderation/?sort=newest").content.decode()
    assert newest_first.index("Newest Profile") < newest_first.index("Oldest News")
    assert f'value="profile:{newest.pk}"' in html
    assert f'value="news:{oldest.pk}"' in html
    assert "3 items wait for review" in html


def test_filters_by_kind_status_and_country(staff_client):
    _waiting_profile(2, name="French Cluster", country="FR")
    _waiting_profile(2, name="German Cluster", country="DE")
    _waiting_news(1, title="Some News", country="FR")
    OrganisationFactory(
        name="Rejected Cluster", status=ModerationStatus.REJECTED, rejection_reason="No site"
    )
    profiles = staff_client.get("/moderation/?kind=profile").content.decode()
    assert "French Cluster" in profiles
    assert "German Cluster" in profiles
    assert "Some News" not in profiles
    french = staff_client.get("/moderation/?country=FR").content.decode()
    assert "French Cluster" in french
    assert "Some News" in french
    assert "German Cluster" not in french
    rejected = staff_client.get("/moderation/?status=rejected").content.decode()
    assert "Rejected Cluster" in rejected
    assert "No site" in rejected
    assert "French Cluster" not in rejected
    assert staff_client.get("/moderation/?kind=nonsense").status_code == 400


def test_pages_of_twenty_and_short(staff_client, django_assert_max_num_queries):
    for days in range(45):
        _waiting_profile(days + 1)
    # Session, person, the header's two counts (bell, Messages) and its topic: 5 of them.
    # One count per source of the heading's line (flagged forum posts added the twelfth,
    # events the thirteenth, open calls the fourteenth, library suggestions the fifteenth).
    with django_assert_max_num_queries(15):
        first = staff_client.get("/moderation/").content.decode()
    assert first.count('class="queue-line"') == 20
    assert "Page 1 of 3" in first
    # No rejection box per item: the reason is asked for on the reject page only.
    assert "<textarea" in first
    assert first.count("<textarea") == 1
    third = staff_client.get("/moderation/?page=3").content.decode()
    assert third.count('class="queue-line"') == 5


# --- bulk publish ------------------------------------------------------------------------


def test_bulk_publish_goes_through_the_services_and_the_log(
    staff_client, django_capture_on_commit_callbacks
):
    admin = UserFactory()
    profile = _waiting_profile(3)
    MembershipFactory(organisation=profile, user=admin, role="admin")
    news = _waiting_news(2)
    left_alone = _waiting_profile(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/moderation/publish/",
            {"items": [f"profile:{profile.pk}", f"news:{news.pk}"], "next": "/moderation/?x=1"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/moderation/?x=1"
    assert Organisation.objects.get(pk=profile.pk).status == ModerationStatus.PUBLISHED
    assert NewsItem.objects.get(pk=news.pk).status == ModerationStatus.PUBLISHED
    assert Organisation.objects.get(pk=left_alone.pk).status == ModerationStatus.NEEDS_REVIEW
    log = ModerationLogEntry.objects.all()
    assert {(e.organisation_id, e.news_item_id, e.decision) for e in log} == {
        (profile.pk, None, "published"),
        (None, news.pk, "published"),
    }
    assert admin.email in [address for m in mail.outbox for address in m.to]
    html = staff_client.get("/moderation/").content.decode()
    assert "2 items are published." in html


def test_bulk_publish_keeps_a_failing_profile_without_a_reason(staff_client):
    failing = _waiting_profile(3, management_fte=0)
    response = staff_client.post(
        "/moderation/publish/", {"items": [f"profile:{failing.pk}"]}, follow=True
    )
    assert "does not meet the ECCP checklist" in response.content.decode()
    assert Organisation.objects.get(pk=failing.pk).status == ModerationStatus.NEEDS_REVIEW
    staff_client.post(
        "/moderation/publish/", {"items": [f"profile:{failing.pk}"], "reason": "Regional lead"}
    )
    assert Organisation.objects.get(pk=failing.pk).status == ModerationStatus.PUBLISHED
    assert ModerationLogEntry.objects.get().reason == "Regional lead"


def test_bulk_publish_refuses_nonsense_and_offsite_next(staff_client):
    response = staff_client.post(
        "/moderation/publish/", {"items": ["profile:x", "evil:1"], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/moderation/"


# --- reject --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["profile", "news"])
def test_reject_asks_for_a_reason_then_sends_it(
    staff_client, kind, django_capture_on_commit_callbacks
):
    author = UserFactory()
    if kind == "profile":
        item = _waiting_profile(2)
        MembershipFactory(organisation=item, user=author, role="admin")
    else:
        item = _waiting_news(2, author=author)
    url = f"/moderation/{kind}/{item.pk}/reject/?next=/moderation/%3Fkind%3D{kind}"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    empty = staff_client.post(url, {"reason": "  ", "next": f"/moderation/?kind={kind}"})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "data-error-summary" in html
    assert "This field is required." in html
    item.refresh_from_db()
    assert item.status == ModerationStatus.NEEDS_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            url, {"reason": "Add an English page.", "next": f"/moderation/?kind={kind}"}
        )
    assert done.status_code == 302
    assert done["Location"] == f"/moderation/?kind={kind}"
    item.refresh_from_db()
    assert item.status == ModerationStatus.REJECTED
    assert item.rejection_reason == "Add an English page."
    assert ModerationLogEntry.objects.get().reason == "Add an English page."
    assert any("Add an English page." in m.body for m in mail.outbox)


def test_reject_of_an_unknown_kind_or_item_is_404(staff_client):
    assert staff_client.get("/moderation/report/1/reject/").status_code == 404
    assert staff_client.get("/moderation/profile/999999/reject/").status_code == 404


# --- events (events slice) ----------------------------------------------------------------


def test_submitted_events_wait_in_the_queue_and_are_published_from_it(staff_client):
    from tests.factories import EventFactory
    from webinars.models import EventModerationLogEntry

    event = EventFactory(status=ModerationStatus.NEEDS_REVIEW, title="Port hydrogen day")
    alone = staff_client.get("/moderation/?kind=event").content.decode()
    assert "Port hydrogen day" in alone
    everything = staff_client.get("/moderation/").content.decode()
    assert "Port hydrogen day" in everything
    staff_client.post("/moderation/publish/", {"items": [f"event:{event.pk}"]})
    event.refresh_from_db()
    assert event.status == ModerationStatus.PUBLISHED
    assert EventModerationLogEntry.objects.filter(event=event, decision="published").exists()
