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


# --- Deleting -----------------------------------------------------------------------------


def _withdrawn(user):
    return list(Notification.objects.filter(recipient=user, kind="call.withdrawn"))


def test_the_author_deletes_a_published_call_with_what_hangs_on_it(world):
    from hub.models import Call, CallReminderSent

    author, follower = world.people["author"], world.people["other"]
    call = world.calls["published"]
    follow = services.call_follow(call=call, user=follower)
    services.call_follow(call=call, user=author)  # the author is not told of their own act
    CallReminderSent.objects.create(follow=follow, reminder="7d", deadline=call.deadline)
    services.call_tag_listing(call=call, listing=world.listing, user=author)
    services.call_delete(call=call, user=author)
    assert not Call.objects.filter(pk=call.pk).exists()
    assert not CallFollow.objects.filter(call_id=call.pk).exists()
    assert not CallReminderSent.objects.filter(follow_id=follow.pk).exists()
    assert not CallListing.objects.filter(call_id=call.pk).exists()
    world.listing.refresh_from_db()  # the listing itself stays
    [note] = _withdrawn(follower)
    assert note.verb == f"The call “{call.title}” that you follow was withdrawn"
    # Kept as a sentence, so it is shown in each reader's language.
    assert note.data["sentence"] == {
        "msgid": "The call “%(title)s” that you follow was withdrawn",
        "params": {"title": call.title},
    }
    assert note.url == "/calls/"
    assert (note.actor, note.target_id) == (author, "")
    assert _withdrawn(author) == []
    # The author deleting their own call is no moderation decision.
    assert not CallModerationLogEntry.objects.filter(decision="deleted").exists()


def test_nobody_is_told_of_a_call_that_was_not_published(world):
    call = world.calls["rejected"]
    CallFollow.objects.create(call=call, user=world.people["other"])  # followed before take-down
    services.call_delete(call=call, user=world.people["author"])
    assert _withdrawn(world.people["other"]) == []


def test_staff_deleting_someones_call_is_logged_and_the_log_outlives_it(world):
    staff, author = world.people["staff"], world.people["author"]
    call = services.call_publish(call=world.calls["pending"], user=staff)
    title, pk = call.title, call.pk
    services.call_delete(call=call, user=staff, reason="  Duplicate of another call  ")
    entries = CallModerationLogEntry.objects.filter(call_title=title).order_by("created_at", "pk")
    assert [(e.decision, e.call_id, e.moderator) for e in entries] == [
        ("published", None, staff),
        ("deleted", None, staff),
    ]
    assert entries[1].reason == "Duplicate of another call"
    assert str(entries[1]) == f"Deleted: {title}"
    told = Notification.objects.filter(recipient=author, kind="call.reviewed").order_by("pk")
    assert told.last().verb == f"Your call {title} was deleted by our moderators: " + (
        "Duplicate of another call"
    )
    assert told.last().url == "/calls/"
    assert not type(call).objects.filter(pk=pk).exists()


def test_staff_deleting_without_a_reason_still_tells_the_author(world):
    staff, author = world.people["staff"], world.people["author"]
    call = world.calls["draft"]
    services.call_delete(call=call, user=staff)
    entry = CallModerationLogEntry.objects.get(decision="deleted")
    assert (entry.call_title, entry.reason) == (call.title, "")
    [note] = Notification.objects.filter(recipient=author, kind="call.reviewed")
    assert note.verb == f"Your call {call.title} was deleted by our moderators"


def test_staff_deleting_their_own_call_is_not_a_decision(world):
    from tests.hub.conftest import make_call

    staff = world.people["staff"]
    call = make_call(status="published", author=staff, organisation=None)
    services.call_delete(call=call, user=staff)
    assert not CallModerationLogEntry.objects.exists()


@pytest.mark.parametrize("role", ["member", "other"])
def test_only_the_author_and_staff_delete(world, role):
    from hub.models import Call

    call = world.calls["published"]
    with pytest.raises(PermissionDenied):
        services.call_delete(call=call, user=world.people[role])
    assert Call.objects.filter(pk=call.pk).exists()


def test_a_call_deleted_meanwhile_is_refused(world):
    from hub.models import Call

    call = world.calls["draft"]
    stale = Call.objects.get(pk=call.pk)
    services.call_delete(call=call, user=world.people["staff"])
    with pytest.raises(ValidationError):
        services.call_delete(call=stale, user=world.people["author"])
