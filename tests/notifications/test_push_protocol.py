"""The pieces of a push message, and the strictness of the local push service that checks them.

The push service is only worth trusting if it refuses what real push services refuse: each
protocol error below is sent on purpose and must be rejected.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from io import StringIO
from types import SimpleNamespace

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from py_vapid import Vapid02

from notifications import push
from notifications.push import (
    MAX_PLAINTEXT,
    PushRequest,
    VapidSigner,
    push_encrypt,
    push_payload,
    push_request,
    push_send,
    push_service_origin,
    push_topic,
    push_ttl,
    push_urgency,
    retry_after_seconds,
    vapid_public_key,
)
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    PushService,
    push_service_fixture,
    vapid_fixture,
)


def fake_notification(**overrides):
    fields = {
        "pk": 42,
        "kind": "conversation.added",
        "verb": "Eva added you to “Hydrogen valleys”",
        "url": "/xchange/conversations/9/",
        "group_key": "",
        "data": {"body": "Welcome!"},
        "created_at": datetime(2026, 5, 4, 10, 0, tzinfo=UTC),
    }
    return SimpleNamespace(**{**fields, **overrides})


# --- Payload and headers -----------------------------------------------------------------


def test_payload_is_what_the_service_worker_shows():
    # The worker builds it in the recipient's language (tests/community/test_languages.py).
    with translation.override("en"):
        payload = json.loads(push_payload(fake_notification()))
    assert payload == {
        "title": "Eva added you to “Hydrogen valleys”",
        "body": "Welcome!",
        "tag": "notification-42",
        "lang": "en",
        "timestamp": 1777888800000,
        "data": {"url": "/xchange/conversations/9/", "id": 42, "kind": "conversation.added"},
    }
    grouped = json.loads(push_payload(fake_notification(group_key="conversation:9", url="")))
    assert grouped["tag"] == "conversation:9"
    assert grouped["data"]["url"] == "/"


@hypothesis_settings(max_examples=60, deadline=None)
@given(body=st.text(max_size=12_000), verb=st.text(max_size=255))
def test_payload_always_fits_and_stays_json(body, verb):
    encoded = push_payload(fake_notification(verb=verb, data={"body": body}))
    assert len(encoded) <= MAX_PLAINTEXT
    payload = json.loads(encoded)
    assert payload["title"] == verb
    if payload["body"] != body:
        assert payload["body"] == "" or payload["body"].endswith("…")
        assert body.startswith(payload["body"].removesuffix("…"))
        # Cut, not emptied: what is kept fills the room unless only whitespace was trimmed.
        if body[: len(payload["body"]) + 16].strip():
            assert len(encoded) > MAX_PLAINTEXT - 16 or payload["body"] == ""


def test_topic_urgency_and_ttl(settings):
    topic = push_topic(fake_notification(group_key="conversation:9"))
    assert len(topic) == 32
    assert base64.urlsafe_b64decode(topic + "=" * (-len(topic) % 4))
    assert topic == push_topic(fake_notification(group_key="conversation:9", pk=7))
    assert topic != push_topic(fake_notification(group_key="conversation:10"))
    assert push_topic(fake_notification()) == push_topic(fake_notification(pk=1))  # by kind
    assert push_urgency("message.new") == "high"
    assert push_urgency("listing.interest") == "normal"
    settings.WEBPUSH_TTL = 3600
    settings.WEBPUSH_TTL_BY_KIND = {"webinar.starting": 0}
    assert push_ttl("message.new") == 3600
    assert push_ttl("webinar.starting") == 0


@pytest.mark.parametrize(
    ("endpoint", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        (
            "https://updates.push.services.mozilla.com:443/wpush/v2/x",
            "https://updates.push.services.mozilla.com",
        ),
        ("HTTPS://Push.Example:8443/p/1?x=y", "https://push.example:8443"),
        ("http://127.0.0.1:39123/push/1", "http://127.0.0.1:39123"),
        ("http://user:pw@127.0.0.1/push/1", "http://127.0.0.1"),
    ],
)
def test_the_jwt_audience_is_the_endpoint_origin_with_its_port(endpoint, origin):
    assert push_service_origin(endpoint) == origin


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 04 May 2026 10:02:00 GMT", now=now) == 120
    assert retry_after_seconds("Mon, 04 May 2026 09:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


# --- VAPID keys -----------------------------------------------------------------------------


def test_private_key_as_pem_raw_or_one_line_pem(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    raw = base64.urlsafe_b64encode(key.private_numbers().private_value.to_bytes(32, "big"))
    public = push.public_key_of(key)
    for value in (pem, raw.decode().rstrip("="), pem.replace("\n", "\\n")):
        settings.WEBPUSH_VAPID_PRIVATE_KEY = value
        settings.WEBPUSH_VAPID_PUBLIC_KEY = ""
        assert vapid_public_key() == public
    settings.WEBPUSH_VAPID_PUBLIC_KEY = push.public_key_of(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ImproperlyConfigured, match="not the public key"):
        vapid_public_key()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "dG9vIHNob3J0"
    with pytest.raises(ImproperlyConfigured):
        vapid_public_key()


def test_vapid_keys_command_creates_the_file_once(settings, tmp_path):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    settings.WEBPUSH_VAPID_PUBLIC_KEY = ""
    settings.WEBPUSH_VAPID_FILE = tmp_path / "var" / "vapid.json"
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="vapid_keys --if-missing"):
        vapid_public_key()

    call_command("vapid_keys", "--if-missing", stdout=StringIO())
    stored = json.loads(settings.WEBPUSH_VAPID_FILE.read_text())
    assert settings.WEBPUSH_VAPID_FILE.stat().st_mode & 0o077 == 0  # private to its owner
    call_command("vapid_keys", "--if-missing", stdout=StringIO())
    assert json.loads(settings.WEBPUSH_VAPID_FILE.read_text()) == stored
    assert vapid_public_key() == stored["public_key"]
    with pytest.raises(CommandError, match="exists"):
        call_command("vapid_keys", stdout=StringIO())

    out = StringIO()
    call_command("vapid_keys", "--print", stdout=out)
    assert "WEBPUSH_VAPID_PRIVATE_KEY=" in out.getvalue()
    assert json.loads(settings.WEBPUSH_VAPID_FILE.read_text()) == stored


def test_the_embedded_default_creates_keys_on_first_use(settings, tmp_path):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    settings.WEBPUSH_VAPID_FILE = tmp_path / "vapid.json"
    settings.DEBUG = True
    key = vapid_public_key()
    assert json.loads(settings.WEBPUSH_VAPID_FILE.read_text())["public_key"] == key


def test_one_jwt_per_origin_renewed_before_it_expires(vapid):
    signer = VapidSigner()
    first = signer.authorization("https://push.example/a", now=1000)
    assert signer.authorization("https://push.example/b", now=1000 + 3600) == first
    assert signer.authorization("https://other.example/a", now=1000) != first
    assert signer.authorization("https://push.example/a", now=1000 + 11 * 3600 + 1) != first


# --- The push service refuses what real ones refuse ---------------------------------------


def send(service, subscription, *, notification=None, **header_changes):
    notification = notification or fake_notification()
    device = SimpleNamespace(
        endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
    )
    request = push_request(notification, device, signer=VapidSigner())
    headers = {**request.headers, **header_changes}
    headers = {k: v for k, v in headers.items() if v is not None}
    with httpx.Client() as client:
        return push_send(client, PushRequest(request.endpoint, headers, request.body))


def jwt_header(vapid_keys, claims):
    key = push.private_key_load(vapid_keys["private_key"])
    return Vapid02(private_key=key).sign(claims)["Authorization"]


def test_our_request_is_accepted(push_service, vapid):
    subscription = push_service.subscribe(application_server_key=vapid["public_key"])
    result = send(push_service, subscription)
    assert (result.status_code, result.error) == (201, "")
    [received] = push_service.received
    assert received.valid
    assert received.payload["title"] == "Eva added you to “Hydrogen valleys”"


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"Authorization": None}, 401, "no VAPID"),
        ({"TTL": None}, 400, "TTL"),
        ({"TTL": "-1"}, 400, "TTL"),
        ({"Urgency": "urgent"}, 400, "Urgency"),
        ({"Topic": "a" * 33}, 400, "Topic"),
        ({"Topic": "has spaces"}, 400, "Topic"),
        ({"Content-Encoding": "aesgcm"}, 415, "aes128gcm"),
    ],
)
def test_protocol_errors_are_refused(push_service, vapid, change, status, reason):
    subscription = push_service.subscribe()
    result = send(push_service, subscription, **change)
    assert result.status_code == status
    assert reason in push_service.received[-1].error


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        # What the `webpush` package sends for an endpoint on a non-default port.
        (lambda origin, now: {"aud": "http://127.0.0.1", "exp": now + 60}, "not the origin"),
        (lambda origin, now: {"aud": origin, "exp": now - 1}, "expired"),
        (lambda origin, now: {"aud": origin, "exp": now + 25 * 3600}, "24 hours"),
    ],
)
def test_bad_vapid_claims_are_refused(push_service, vapid, claims, reason):
    subscription = push_service.subscribe()
    values = claims(push_service.origin, int(time.time()))
    header = jwt_header(vapid, {**values, "sub": "mailto:a@clusterhub.test"})
    assert send(push_service, subscription, Authorization=header).status_code == 403
    assert reason in push_service.received[-1].error


def test_a_subject_must_be_a_mailto_or_https_uri(push_service, vapid):
    subscription = push_service.subscribe()
    key = push.private_key_load(vapid["private_key"])
    # py-vapid itself refuses such a sub; sign without its check, as a careless server would.
    header = Vapid02(private_key=key, conf={"no-strict": True}).sign(
        {"aud": push_service.origin, "sub": "admin", "exp": int(time.time()) + 60}
    )["Authorization"]
    assert send(push_service, subscription, Authorization=header).status_code == 403
    assert "sub" in push_service.received[-1].error


def test_a_forged_signature_or_a_foreign_key_is_refused(push_service, vapid):
    subscription = push_service.subscribe(application_server_key=vapid["public_key"])
    good = jwt_header(vapid, {"aud": push_service.origin, "sub": "mailto:a@clusterhub.test"})
    other = push.vapid_keys_generate()
    forged = good.replace(good.split("k=")[1], other["public_key"])
    assert send(push_service, subscription, Authorization=forged).status_code == 403
    assert "k is not the applicationServerKey" in push_service.received[-1].error
    open_subscription = push_service.subscribe()
    assert send(push_service, open_subscription, Authorization=forged).status_code == 403
    assert "signature" in push_service.received[-1].error


def test_a_body_for_another_device_or_too_large_is_refused(push_service, vapid):
    mine, other = push_service.subscribe(), push_service.subscribe()
    device = SimpleNamespace(endpoint=mine.endpoint, p256dh=other.p256dh, auth=other.auth)
    request = push_request(fake_notification(), device, signer=VapidSigner())
    with httpx.Client() as client:
        assert push_send(client, request).status_code == 400
        assert "cannot decrypt" in push_service.received[-1].error
        big = push_encrypt(b"x" * 4100, p256dh=mine.p256dh, auth=mine.auth)
        too_large = PushRequest(mine.endpoint, request.headers, big)
        assert push_send(client, too_large).status_code == 413


def test_pywebpush_encryption_decrypts_there_too(push_service, vapid):
    """Interoperability: the reference library's aes128gcm body is accepted and decrypted."""
    pywebpush = pytest.importorskip("pywebpush")
    subscription = push_service.subscribe()
    body = pywebpush.WebPusher(subscription.to_json()).encode(b'{"title":"hi"}', "aes128gcm")[
        "body"
    ]
    ours = push_request(
        fake_notification(),
        SimpleNamespace(
            endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
        ),
        signer=VapidSigner(),
    )
    with httpx.Client() as client:
        result = push_send(client, PushRequest(subscription.endpoint, ours.headers, body))
    assert result.status_code == 201
    assert push_service.received[-1].payload == {"title": "hi"}


def test_an_unknown_subscription_answers_404(push_service, vapid):
    subscription = push_service.subscribe()
    push_service.unsubscribe(subscription)
    assert send(push_service, subscription).status_code == 404
