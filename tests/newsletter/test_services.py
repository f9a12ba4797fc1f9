"""Subscribing with double opt-in, and sending an issue through the worker's drain."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsletter.models import (
    Delivery,
    DeliveryState,
    Issue,
    IssueState,
    Subscriber,
    SubscriberState,
    SubscriptionRequest,
)
from newsletter.services import sending
from newsletter.services.subscriptions import (
    Topics,
    subscriber_from_token,
    subscriber_token,
    subscriber_unsubscribe,
    subscription_confirm,
    subscription_member_subscribe,
    subscription_request,
    subscription_requests_purge,
)
from notifications.outbox import outbox_drain
from tests.factories import UserFactory
from tests.newsletter.backends import RefusingBackend
from tests.newsletter.conftest import subscribe

pytestmark = pytest.mark.django_db


def _token(message) -> str:
    return re.search(r"/newsletter/confirm/([^/]+)/", message.body).group(1)


def test_a_request_stores_no_subscriber_until_confirmed(
    ecosystems, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(
            email="Ana@Example.org", language="fr", topics=Topics(["digital"], ["fr"], True, False)
        )
    assert not Subscriber.objects.exists()
    request = SubscriptionRequest.objects.get()
    token = _token(mail.outbox[0])
    assert request.token_hash != token
    assert len(request.token_hash) == 64
    assert "Confirmez" in mail.outbox[0].subject  # in the language asked for
    subscriber = subscription_confirm(token=token)
    assert subscriber.email == "ana@example.org"
    assert subscriber.language == "fr"
    assert Topics.of(subscriber) == Topics(["digital"], ["FR"], True, False)
    assert not SubscriptionRequest.objects.exists()
    with pytest.raises(ValidationError):
        subscription_confirm(token=token)  # used once


def test_an_expired_request_cannot_be_confirmed_and_is_purged(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="a@example.org", language="en", topics=Topics())
    token = _token(mail.outbox[0])
    later = timezone.now() + timedelta(hours=49)
    with pytest.raises(ValidationError):
        subscription_confirm(token=token, now=later)
    assert subscription_requests_purge(now=later) == 1
    assert not SubscriptionRequest.objects.exists()


def test_a_repeated_request_for_a_subscribed_address_reveals_nothing(
    db, django_capture_on_commit_callbacks
):
    subscribe("known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="known@example.org", language="en", topics=Topics())
    # No request is stored; the owner of the address gets their links, nobody else learns.
    assert not SubscriptionRequest.objects.exists()
    assert "already" in mail.outbox[0].subject
    assert "/newsletter/preferences/" in mail.outbox[0].body


def test_bad_topics_are_refused(ecosystems):
    with pytest.raises(ValidationError):
        subscription_request(email="a@example.org", language="xx", topics=Topics())
    with pytest.raises(ValidationError):
        subscription_request(email="a@example.org", language="en", topics=Topics(["nope"]))
    with pytest.raises(ValidationError):
        subscription_request(email="a@example.org", language="en", topics=Topics(countries=["ZZ"]))
    assert not SubscriptionRequest.objects.exists()


def test_a_member_with_a_verified_address_subscribes_at_once(
    db, django_capture_on_commit_callbacks
):
    member = UserFactory(email="m@example.org", email_verified=True)
    assert subscription_member_subscribe(user=member, language="de", topics=Topics()).user == member
    other = UserFactory(email="u@example.org", email_verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert subscription_member_subscribe(user=other, language="de", topics=Topics()) is None
    assert not Subscriber.objects.filter(email="u@example.org").exists()
    assert SubscriptionRequest.objects.filter(email="u@example.org").exists()


def test_tokens_are_signed_and_die_with_the_subscriber(db):
    subscriber = subscribe("t@example.org")
    token = subscriber_token(subscriber)
    assert subscriber_from_token(token) == subscriber
    assert subscriber_from_token(token[:-1] + "x") is None
    assert subscriber_from_token(f"{subscriber.pk}.t@example.org") is None
    subscriber_unsubscribe(subscriber=subscriber)
    assert subscriber_from_token(token) is None


def test_sending_delivers_once_in_each_language_with_unsubscribe_headers(issue, staff_user):
    subscribe("en@example.org", "en")
    subscribe("fr@example.org", "fr")
    subscribe("de@example.org", "de")  # no German text: English
    sending.issue_send(issue=issue, user=staff_user)
    assert Delivery.objects.filter(state=DeliveryState.QUEUED).count() == 3
    outbox_drain()
    outbox_drain()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert by_to["fr@example.org"].subject == "Numéro de mars"
    assert by_to["de@example.org"].subject == "March issue"
    fr = by_to["fr@example.org"]
    assert "Appel ouvert" in fr.alternatives[0][0] or "Appel" in fr.alternatives[0][0]
    assert "<strong>clusters</strong>" in fr.alternatives[0][0]
    assert fr.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.match(
        r"<(https://hub\.example/newsletter/unsubscribe/[^>]+/)>",
        fr.extra_headers["List-Unsubscribe"],
    )
    assert url
    assert url.group(1) in fr.body
    issue.refresh_from_db()
    assert issue.state == IssueState.SENT
    assert sending.issue_counts(issue)["sent"] == 3


def test_topic_filtering(issue, items, staff_user):
    everything = subscribe("all@example.org")
    digital = subscribe("digital@example.org", ecosystems=["digital"])
    calls = subscribe("calls@example.org", calls=True)
    spain = subscribe("es@example.org", countries=["ES"])  # the call is open to every country
    nothing = subscribe("none@example.org", ecosystems=["tourism"])
    sending.issue_send(issue=issue, user=staff_user)
    outbox_drain()
    body = {m.to[0]: m.body for m in mail.outbox}
    assert all(t in body[everything.email] for t in ("Digital news", "Big call", "A webinar"))
    assert "Digital news" in body[digital.email]
    assert "Big call" not in body[digital.email]
    assert "Big call" in body[calls.email]
    assert "A webinar" not in body[calls.email]
    assert "Big call" in body[spain.email]
    assert "Digital news" not in body[spain.email]
    assert nothing.email not in body
    assert Delivery.objects.get(subscriber=nothing).state == DeliveryState.SKIPPED


def test_a_refused_recipient_is_bounced_and_not_sent_again(issue, staff_user):
    subscribe("ok@example.org")
    bounce = subscribe("bounce@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    outbox_drain()
    assert [m.to[0] for m in mail.outbox] == ["ok@example.org"]
    assert Delivery.objects.get(subscriber=bounce).state == DeliveryState.BOUNCED
    bounce.refresh_from_db()
    assert bounce.state == SubscriberState.BOUNCED
    assert sending.issue_counts(issue)["bounced"] == 1


def test_a_failing_server_loses_nothing(issue, staff_user):
    subscribe("a@example.org")
    subscribe("b@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    RefusingBackend.FAIL = True
    outbox_drain()
    assert Delivery.objects.filter(state=DeliveryState.QUEUED, claimed_until=None).count() == 2
    RefusingBackend.FAIL = False
    outbox_drain()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_a_worker_killed_mid_batch_leaves_its_rows_to_the_next_after_the_lease(
    issue, staff_user, settings
):
    """A worker that claimed a batch and died (its rows stay claimed and queued): the next
    pass takes them once the lease has passed, and what was sent is not sent again."""
    for n in range(5):
        subscribe(f"s{n}@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    claimed, token = sending.deliveries_claim(limit=5, now=timezone.now())
    state = sending._Pass()
    state.topics = sending._subscriber_topics([d.subscriber for d in claimed])
    from django.core.mail import get_connection

    for delivery in claimed[:2]:  # two sent, then the worker dies
        sending.delivery_send(delivery, token, state, get_connection())
    assert sending.deliveries_run() == {}  # the rest are still leased
    settings.NEWSLETTER_LEASE_SECONDS = 0
    Delivery.objects.filter(state=DeliveryState.QUEUED).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    outbox_drain()
    assert sorted(m.to[0] for m in mail.outbox) == [f"s{n}@example.org" for n in range(5)]
    assert Issue.objects.get(pk=issue.pk).state == IssueState.SENT


def test_a_sent_issue_cannot_be_sent_or_changed_again(issue, staff_user):
    from newsletter.services.issues import issue_delete, issue_update

    sending.issue_send(issue=issue, user=staff_user)
    with pytest.raises(ValidationError):
        sending.issue_send(issue=issue, user=staff_user)
    with pytest.raises(ValidationError):
        issue_update(issue=issue, user=staff_user, items=[])
    with pytest.raises(ValidationError):
        issue_delete(issue=issue, user=staff_user)


def test_unsubscribing_marks_the_report_and_skips_queued(issue, staff_user):
    first = subscribe("u@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    outbox_drain()
    subscriber_unsubscribe(subscriber=first)
    assert sending.issue_counts(issue)["unsubscribed"] == 1
    assert not Subscriber.objects.exists()


def test_test_send_goes_to_the_editor_only(issue, staff_user):
    subscribe("x@example.org")
    sending.issue_send_test(issue=issue, user=staff_user, language="fr")
    assert [m.to[0] for m in mail.outbox] == ["editor@example.org"]
    assert mail.outbox[0].subject.startswith("[Test]") or "Test" in mail.outbox[0].subject
    assert not Delivery.objects.exists()


def _parsed(data: bytes):
    from email import message_from_bytes, policy

    return message_from_bytes(data, policy=policy.default)


def _parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.is_multipart() is False
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_wire_template_gives_the_same_e_mail_as_building_it(issue, language):
    """The worker fills a serialised rendering (sending._Wire) instead of building a MIME
    message per subscriber: the result must be the message the per-message way builds."""
    subscriber = subscribe("o'brien+news@example.org", language)
    items = sending.issue_items(issue)
    wire = sending._Wire(sending.issue_render(issue, language, items))
    links = sending.subscriber_links(subscriber)
    message_id = "<newsletter.1.2@hub.example>"
    filled = wire.fill(subscriber.email, links, message_id)
    assert filled is not None  # this rendering takes the fast way
    built = sending._personalise(wire.rendered, subscriber.email, links, message_id).message()
    fast, slow = _parsed(filled), _parsed(built.as_bytes(linesep="\r\n"))
    for header in (
        "Subject", "From", "To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post",
        "List-Id", "MIME-Version",
    ):  # fmt: skip
        assert str(fast[header]).strip() == str(slow[header]).strip(), header
    assert fast.get_content_type() == slow.get_content_type() == "multipart/alternative"
    assert fast["To"] == subscriber.email
    assert fast["Message-ID"] == message_id
    assert fast["List-Unsubscribe"] == f"<{links['unsubscribe_url']}>"
    assert _parts(fast) == _parts(slow)
    text = _parts(fast)["text/plain"]
    assert links["unsubscribe_url"] in text
    assert links["preferences_url"] in text
    assert sending.RECIPIENT_MARK not in filled.decode()
    assert "__NEWSLETTER" not in filled.decode()


def test_the_wire_template_steps_aside_when_it_cannot_be_filled_verbatim(issue, staff_user):
    subscriber = subscribe("plain@example.org")
    links = sending.subscriber_links(subscriber)
    items = sending.issue_items(issue)
    wire = sending._Wire(sending.issue_render(issue, "en", items))
    # An address that is not ASCII must be encoded in the header: the per-message way.
    assert wire.fill("jos\u00e9@example.org", links, "<a@b>") is None
    # A line over 998 characters makes the body quoted-printable: marks are not verbatim.
    issue.texts.filter(language="en").update(editorial="x" * 1200)
    long = sending._Wire(sending.issue_render(issue, "en", items))
    assert long.data is None
    assert long.fill(subscriber.email, links, "<a@b>") is None


@pytest.mark.parametrize(
    "email", ["plain@example.org", "o'brien+news@example.org", "100%#{a}@example.org"]
)
def test_subscriber_links_are_the_urls_reverse_gives(db, email):
    from django.urls import reverse

    subscriber = subscribe(email)
    token = subscriber_token(subscriber)
    links = sending.subscriber_links(subscriber)
    for name, key in (
        ("newsletter-unsubscribe", "unsubscribe_url"),
        ("newsletter-preferences", "preferences_url"),
    ):
        assert links[key] == "https://hub.example" + reverse(name, kwargs={"token": token})


def test_a_delivery_sent_again_carries_the_same_message_id(issue, staff_user, settings):
    """A worker killed between the server's "250 OK" and its commit sends that delivery
    again: the copy has the first one's Message-ID, so mail clients see one message."""
    subscribe("twice@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    outbox_drain()
    first = mail.outbox[0].extra_headers["Message-ID"]
    delivery = Delivery.objects.get()
    assert first == sending.delivery_message_id(delivery)
    # The commit that marked it sent is lost with the worker: the row is queued again.
    Delivery.objects.update(state=DeliveryState.QUEUED, sent_at=None, claimed_until=None)
    outbox_drain()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].extra_headers["Message-ID"] == first
    assert sending.delivery_message_id(Delivery(pk=delivery.pk + 1, issue=issue)) != first


def test_what_was_sent_stays_in_the_archive_when_an_item_is_deleted(issue, items, staff_user):
    """The items are frozen as the issue is queued (IssueItem.snapshot): deleting a call
    or editing news afterwards changes neither the rest of the send nor the archive."""
    from django.test import Client

    from hub.services.calls import call_delete

    subscribe("first@example.org")
    subscribe("second@example.org")
    sending.issue_send(issue=issue, user=staff_user)
    call_delete(call=items["call"], user=staff_user)
    items["news"].title = "Renamed afterwards"
    items["news"].save()
    outbox_drain()
    assert len(mail.outbox) == 2
    assert all("Big call" in m.body and "Digital news" in m.body for m in mail.outbox)
    assert all("Renamed afterwards" not in m.body for m in mail.outbox)
    issue.refresh_from_db()
    archive = Client().get(issue.get_absolute_url()).content.decode()
    assert "Big call" in archive
    assert "Digital news" in archive
    staff = Client()
    staff.force_login(staff_user)
    api = staff.get(f"/api/v1/newsletter/issues/{issue.pk}/").json()
    assert {i["title"] for i in api["items"]} == {"Digital news", "Big call", "A webinar"}
    assert next(i for i in api["items"] if i["title"] == "Big call")["id"] is None


def test_an_item_deleted_from_a_draft_leaves_it(issue, items, staff_user):
    from hub.services.calls import call_delete

    subscribe("reader@example.org")
    call_delete(call=items["call"], user=staff_user)
    sending.issue_send(issue=issue, user=staff_user)
    assert issue.items.count() == 2
    outbox_drain()
    assert "Big call" not in mail.outbox[0].body
    assert "Digital news" in mail.outbox[0].body
