"""The call services: creating in the call's time zone, moderation with its log, following,
tagging a listing, and the rules they re-check themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.richtext import render_markdown
from hub.models import CallFollow, CallListing, CallModerationLogEntry
from hub.services import calls as services
from notifications.models import Notification

pytestmark = pytest.mark.django_db

# Wall-clock time, as a form sends it: the service reads it in the call's time zone.
DEADLINE = dt.datetime(2030, 3, 5, 17, 0)  # noqa: DTZ001


def _create(author, organisation, **extra):
    fields = {
        "author": author,
        "kind": "funding",
        "title": "Cluster excellence",
        "summary": "Grants for clusters.",
        "deadline": DEADLINE,
        "time_zone": "Europe/Helsinki",
        "official_url": "https://example.org/call",
        "organisation": organisation,
    }
    fields.update(extra)
    return services.call_create(**fields)


def test_a_member_creates_a_draft_whose_deadline_is_read_in_the_calls_zone(world):
    call = _create(
        world.people["author"],
        world.organisation,
        budget_amount=Decimal("60000"),
        eligible_countries=["fi", "EE"],
        body="<script>alert(1)</script>**bold**",
    )
    assert call.status == "draft"
    assert call.deadline == DEADLINE.replace(tzinfo=ZoneInfo("Europe/Helsinki"))
    assert call.deadline.astimezone(dt.UTC).hour == 15  # 17:00 in Helsinki (UTC+2 in March)
    assert sorted(c.code for c in call.eligible_countries) == ["EE", "FI"]
    # Stored as typed (the markdown subset); shown through the one renderer.
    assert (
        render_markdown(call.body)
        == "<p>&lt;script&gt;alert(1)&lt;/script&gt;<strong>bold</strong></p>"
    )


def test_staff_calls_are_published_at_once(world):
    call = _create(world.people["staff"], None)
    assert call.status == "published"
    assert call.published_at is not None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "//example.org", "example"]
)
def test_only_http_and_https_official_pages(world, url):
    with pytest.raises(ValidationError) as caught:
        _create(world.people["author"], world.organisation, official_url=url)
    assert "official_url" in caught.value.message_dict


def test_unknown_time_zone_and_country_are_refused(world):
    with pytest.raises(ValidationError) as caught:
        _create(world.people["author"], world.organisation, time_zone="Mars/Olympus")
    assert "time_zone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _create(world.people["author"], world.organisation, eligible_countries=["XX"])
    assert "eligible_countries" in caught.value.message_dict


def test_one_may_post_only_for_ones_own_published_organisation(world):
    with pytest.raises(PermissionDenied):
        _create(world.people["author"], world.other_organisation)
    with pytest.raises(ValidationError):
        _create(world.people["author"], None)


def test_publish_and_reject_are_logged_and_tell_the_author(world):
    staff, author = world.people["staff"], world.people["author"]
    call = services.call_publish(call=world.calls["pending"], user=staff)
    assert call.status == "published"
    entry = CallModerationLogEntry.objects.get(call=call)
    assert (entry.decision, entry.moderator) == ("published", staff)
    assert Notification.objects.filter(recipient=author, kind="call.reviewed").count() == 1
    call = services.call_reject(call=call, user=staff, reason="Expired link")
    assert (call.status, call.rejection_reason, call.published_at) == (
        "rejected",
        "Expired link",
        None,
    )
    assert CallModerationLogEntry.objects.filter(call=call, decision="rejected").count() == 1
    with pytest.raises(ValidationError):
        services.call_reject(call=world.calls["draft"], user=staff, reason="")


def test_only_staff_moderate(world):
    with pytest.raises(PermissionDenied):
        services.call_publish(call=world.calls["pending"], user=world.people["author"])
    with pytest.raises(PermissionDenied):
        services.call_reject(call=world.calls["pending"], user=world.people["member"], reason="x")


def test_update_keeps_the_status_and_resubmitting_a_rejected_call(world):
    author = world.people["author"]
    call = services.call_update(
        call=world.calls["rejected"], user=author, title="Better", time_zone="Europe/Lisbon"
    )
    assert (call.title, call.status) == ("Better", "rejected")
    call = services.call_submit(call=call, user=author)
    assert call.status == "needs_review"
    with pytest.raises(PermissionDenied):  # waiting for review: the author may not edit it
        services.call_update(call=call, user=author, title="Again")


def test_following_is_idempotent_and_only_for_open_published_calls(world):
    person = world.people["other"]
    services.call_follow(call=world.calls["published"], user=person)
    services.call_follow(call=world.calls["published"], user=person)
    assert CallFollow.objects.filter(user=person).count() == 1
    for name in ("closed", "draft"):
        with pytest.raises(ValidationError):
            services.call_follow(call=world.calls[name], user=world.people["staff"])
    services.call_unfollow(call=world.calls["published"], user=person)
    assert not CallFollow.objects.filter(user=person).exists()


def test_tagging_needs_a_listing_one_may_edit(world):
    call = world.calls["published"]
    tag = services.call_tag_listing(call=call, listing=world.listing, user=world.people["author"])
    assert (
        services.call_tag_listing(call=call, listing=world.listing, user=world.people["author"])
        == tag
    )
    with pytest.raises(PermissionDenied):
        services.call_tag_listing(
            call=call, listing=world.other_listing, user=world.people["author"]
        )
    with pytest.raises(PermissionDenied):
        services.call_tag_listing(
            call=world.calls["closed"], listing=world.listing, user=world.people["author"]
        )
    with pytest.raises(PermissionDenied):
        services.call_untag_listing(tag=tag, user=world.people["other"])
    services.call_untag_listing(tag=tag, user=world.people["staff"])
    assert not CallListing.objects.exists()
