"""Delivery through the worker to a real local push service (tests/notifications/push_service.py).

Devices are registered the way a browser does it — GET the VAPID key, subscribe with a real
P-256 key pair and auth secret, POST `subscription.toJSON()` — and every push is checked and
decrypted by the push service as a browser's push service and user agent would.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Delivery, DeliveryStatus, Notification, PushSubscription
from notifications.push import MAX_PLAINTEXT, push_topic
from notifications.services import (
    notification_delete,
    notification_mark,
    notify,
    preference_set,
    push_subscription_save,
)
from notifications.tasks import Sender, deliveries_drain
from tests.factories import UserFactory
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    PushService,
    Reply,
    Subscription,
    allow_local_push_services,
    push_service_fixture,
    vapid_fixture,
)

pytestmark = pytest.mark.django_db


def register_device(user, service: PushService) -> Subscription:
    """What config/static/js/push.js does in a browser."""
    api = APIClient()
    api.force_authenticate(user)
    key = api.get("/api/v1/notifications/push/key/")
    assert key.status_code == 200
    subscription = service.subscribe(application_server_key=key.json()["public_key"])
    response = api.post(
        "/api/v1/notifications/push/subscriptions/", subscription.to_json(), format="json"
    )
    assert response.status_code == 201, response.content
    return subscription


@pytest.fixture
def sender():
    value = Sender()
    yield value
    value.close()


def drain(sender, at=None):
    moment = at or timezone.now()
    return deliveries_drain(sender=sender, clock=lambda: moment)


def test_push_reaches_the_device_signed_encrypted_and_with_its_headers(
    push_service, vapid, sender, settings
):
    marc = UserFactory()
    device = register_device(marc, push_service)
    [notification] = notify(
        recipients=[marc],
        kind="message.new",
        verb="Anna Novak sent you a message",
        url="/xchange/conversations/7/",
        data={"body": "Are you coming to Lyon on Thursday?"},
        group_key="conversation:7",
    )
    # A chat message waits 10 s for the person to read it in the open conversation.
    assert drain(sender) == {}
    assert push_service.received == []

    assert drain(sender, at=timezone.now() + timedelta(seconds=11)) == {"sent": 1}

    [request] = push_service.received
    assert request.valid, request.error
    assert request.status == 201
    assert request.subscription_id == device.id
    # RFC 8292: the JWT verified with k; aud is the endpoint's origin, port included.
    assert request.claims["aud"] == push_service.origin
    assert request.claims["sub"] == settings.WEBPUSH_SUBJECT
    assert time.time() < request.claims["exp"] <= time.time() + 24 * 3600
    assert request.vapid_key == vapid["public_key"]
    # RFC 8291: the body decrypted with the device's private key and auth secret.
    payload = request.payload
    assert payload["title"] == "Anna Novak sent you a message"
    assert payload["body"] == "Are you coming to Lyon on Thursday?"
    assert payload["tag"] == "conversation:7"
    assert payload["data"] == {
        "url": "/xchange/conversations/7/",
        "id": notification.pk,
        "kind": "message.new",
    }
    # RFC 8030 headers.
    assert request.headers["ttl"] == str(settings.WEBPUSH_TTL)
    assert request.headers["urgency"] == "high"
    assert request.headers["topic"] == push_topic(notification)
    assert len(request.headers["topic"]) <= 32
    assert request.headers["content-encoding"] == "aes128gcm"

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 1, 201)
    assert delivery.sent_at is not None
    assert PushSubscription.objects.get().last_success_at is not None
    # Nothing is sent twice.
    assert drain(sender, at=timezone.now() + timedelta(minutes=5)) == {}
    assert len(push_service.received) == 1


def test_run_worker_once_sends_push_and_email(push_service, vapid, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = UserFactory(full_name="Marc Dubois")
    register_device(owner, push_service)
    [notification] = notify(
        recipients=[owner],
        kind="listing.interest",
        verb="Baltic Food Cluster is interested in your offer",
        url="/xchange/listings/3/",
        data={"body": "We run a pilot line for plant proteins."},
    )

    call_command("run_worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115

    [request] = push_service.accepted()
    assert request.headers["urgency"] == "normal"
    assert request.payload["title"] == "Baltic Food Cluster is interested in your offer"
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert email.subject == "Baltic Food Cluster is interested in your offer"
    assert "We run a pilot line for plant proteins." in email.body
    assert f"{settings.SITE_URL}/xchange/listings/3/" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert f'href="{settings.SITE_URL}/xchange/listings/3/"' in html
    assert "Marc Dubois" in html
    assert sorted(Delivery.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("push", "sent"),
    ]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_long_message_is_cut_to_fit_never_the_json(push_service, vapid, sender):
    marc = UserFactory()
    register_device(marc, push_service)
    text = 'Line "one" \\ été 😀!\n' * 500  # 10,000 characters, escapes and 4-byte UTF-8
    assert len(text) == 10_000
    notify(recipients=[marc], kind="conversation.added", verb="Eva added you", data={"body": text})

    drain(sender)

    [request] = push_service.accepted()
    assert len(request.plaintext) <= MAX_PLAINTEXT
    assert request.body_size <= 4096
    payload = json.loads(request.plaintext)
    assert payload["title"] == "Eva added you"
    assert payload["body"].endswith("…")
    assert text.startswith(payload["body"][:-1])
    assert len(payload["body"]) > 1000  # cut, not dropped


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(push_service, vapid, sender, status):
    marc = UserFactory()
    device = register_device(marc, push_service)
    kept = register_device(marc, push_service)
    if status == 404:
        push_service.unsubscribe(device)  # the push service really forgot it
    else:
        push_service.script(device, Reply(410))
    notify(recipients=[marc], kind="conversation.added", verb="First")
    notify(recipients=[marc], kind="conversation.added", verb="Second")

    drain(sender)

    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    gone = Delivery.objects.filter(status=DeliveryStatus.GONE)
    assert gone.count() == 2  # the pending one for the same device too
    assert [r.status for r in push_service.received if r.subscription_id == device.id] == [status]
    assert len(push_service.accepted(kept)) == 2


def test_429_and_503_are_retried_with_backoff_then_sent(push_service, vapid, sender, settings):
    settings.DELIVERY_RETRY_BASE = 30
    marc = UserFactory()
    device = register_device(marc, push_service)
    push_service.script(device, Reply(429, {"Retry-After": "120"}), Reply(503))
    notify(recipients=[marc], kind="conversation.added", verb="Hello")
    t0 = timezone.now()

    assert drain(sender, at=t0) == {"pending": 1}
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_status_code) == (1, 429)
    assert delivery.claimed_until is None
    # Retry-After wins over the 30 s back-off.
    assert delivery.due_at == t0 + timedelta(seconds=120)
    assert drain(sender, at=t0 + timedelta(seconds=119)) == {}

    t1 = delivery.due_at
    assert drain(sender, at=t1) == {"pending": 1}
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    # Doubling: 60 s, plus at most 10 % jitter.
    assert t1 + timedelta(seconds=60) <= delivery.due_at <= t1 + timedelta(seconds=66)

    assert drain(sender, at=delivery.due_at) == {"sent": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 3, 201)
    assert [r.status for r in push_service.received] == [429, 503, 201]
    assert all(r.valid for r in push_service.received)
    # Each attempt is freshly encrypted (new salt and sender key), the same message inside.
    assert len({r.plaintext for r in push_service.received}) == 1


def test_gives_up_after_the_maximum_attempts(push_service, vapid, sender, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    marc = UserFactory()
    device = register_device(marc, push_service)
    push_service.script(device, Reply(503), Reply(500), Reply(502), Reply(201))
    notify(recipients=[marc], kind="conversation.added", verb="Hello")

    at = timezone.now()
    for expected in ("pending", "pending", "failed"):
        assert drain(sender, at=at) == {expected: 1}
        delivery = Delivery.objects.get()
        at = delivery.due_at
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 502)
    assert drain(sender, at=at + timedelta(days=1)) == {}
    assert [r.status for r in push_service.received] == [503, 500, 502]
    assert PushSubscription.objects.filter(endpoint=device.endpoint).exists()


def test_a_network_error_is_retried(vapid, sender, settings):
    allow_local_push_services(settings)
    marc = UserFactory()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    push_subscription_save(
        user=marc,
        endpoint=f"http://127.0.0.1:{port}/push/nobody",
        p256dh=_any_p256dh(),
        auth="AAAAAAAAAAAAAAAAAAAAAA",
    )
    notify(recipients=[marc], kind="conversation.added", verb="Hello")

    assert drain(sender) == {"pending": 1}
    delivery = Delivery.objects.get()
    assert delivery.last_status_code is None
    assert "ConnectError" in delivery.last_error
    assert delivery.due_at > timezone.now()


def _any_p256dh() -> str:
    with PushService() as service:
        return service.subscribe().p256dh


def test_a_refused_request_fails_without_retrying(push_service, vapid, sender):
    """403: the device subscribed with another server's key (RFC 8292 §4.2)."""
    marc = UserFactory()
    device = push_service.subscribe(application_server_key="another-servers-key")
    push_subscription_save(
        user=marc, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
    )
    notify(recipients=[marc], kind="conversation.added", verb="Hello")

    assert drain(sender) == {"failed": 1}
    [request] = push_service.received
    assert request.status == 403
    assert (Delivery.objects.get().attempts, Delivery.objects.get().last_status_code) == (1, 403)


def test_a_rolled_back_transaction_sends_nothing(push_service, vapid, sender):
    marc = UserFactory()
    register_device(marc, push_service)

    class RolledBackError(Exception):
        pass

    def failing_write():
        with transaction.atomic():
            notify(recipients=[marc], kind="conversation.added", verb="Never happened")
            raise RolledBackError

    with pytest.raises(RolledBackError):
        failing_write()

    assert drain(sender, at=timezone.now() + timedelta(hours=1)) == {}
    assert push_service.received == []
    assert not Notification.objects.exists()


def test_read_before_the_push_is_due_sends_nothing(push_service, vapid, sender):
    marc = UserFactory()
    register_device(marc, push_service)
    [read] = notify(recipients=[marc], kind="message.new", verb="Seen in the chat")
    notification_mark(user=marc, ids=[read.pk], unread=False)

    assert drain(sender, at=timezone.now() + timedelta(seconds=11)) == {}
    assert push_service.received == []
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


def test_a_notification_read_or_deleted_after_claiming_is_skipped(push_service, vapid, sender):
    """The worker looks again just before sending, not only when it claims."""
    marc = UserFactory()
    register_device(marc, push_service)
    [read] = notify(recipients=[marc], kind="conversation.added", verb="Read meanwhile")
    [deleted] = notify(recipients=[marc], kind="listing.updated", verb="x")  # in-app only
    [gone] = notify(recipients=[marc], kind="conversation.added", verb="Deleted meanwhile")
    # Marked read by a direct update, so the pending rows stay pending (as in the instant
    # between the worker's claim and its send).
    Notification.objects.filter(pk=read.pk).update(unread=False)
    Notification.objects.filter(pk=gone.pk).update(unread=False, deleted_at=timezone.now())

    assert drain(sender) == {"skipped": 2}
    assert push_service.received == []
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {"read before delivery"}
    assert notification_delete(user=marc, ids=[deleted.pk]) == 1


def test_disabled_since_is_skipped_and_a_device_is_not_moved(push_service, vapid, sender):
    marc, eva = UserFactory(), UserFactory()
    device = register_device(marc, push_service)
    notify(recipients=[marc], kind="conversation.added", verb="Before the change")
    preference_set(user=marc, kind="conversation.added", channel="push", enabled=False)
    assert drain(sender) == {"skipped": 1}
    assert Delivery.objects.get().last_error == "disabled since"

    preference_set(user=marc, kind="conversation.added", channel="push", enabled=True)
    notify(recipients=[marc], kind="conversation.added", verb="For Marc only")
    # Eva cannot take Marc's device over: his push still reaches it (test_push_targets.py).
    with pytest.raises(ValidationError):
        push_subscription_save(
            user=eva, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
        )
    assert drain(sender) == {"sent": 1}
    [request] = push_service.accepted(device)
    assert request.payload["title"] == "For Marc only"


def test_two_passes_never_send_a_claimed_row(push_service, vapid, sender):
    """A second worker (here: a second pass) skips what the first one holds a lease on."""
    from notifications.tasks import deliveries_claim

    marc = UserFactory()
    register_device(marc, push_service)
    for n in range(3):
        notify(recipients=[marc], kind="conversation.added", verb=f"n{n}")
    now = timezone.now()
    held = deliveries_claim(limit=2, lease=timedelta(seconds=60), now=now)
    assert len(held) == 2

    assert drain(sender, at=now) == {"sent": 1}
    assert len(push_service.received) == 1
    # After the lease, the rows the first worker never finished are taken over.
    assert drain(sender, at=now + timedelta(seconds=61)) == {"sent": 2}
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [1, 2, 2]
    assert len({r.payload["data"]["id"] for r in push_service.received}) == 3
