"""Where a push may go: the push services a deploy allows, never a private address.

A push subscription's endpoint is a URL the client chooses, and the delivery worker POSTs
to it: without these checks anyone could make the server send requests into its own
network (SSRF). Registration refuses what the worker would refuse; the worker checks again
on every delivery, on the addresses it then connects to, and gives a refused device up.
The local push service (tests/notifications/push_service.py) shows what really arrived.
"""

from __future__ import annotations

import json
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Delivery, DeliveryStatus, PushSubscription
from notifications.push import push_client
from notifications.push_targets import host_allowed
from notifications.services import notify
from notifications.tasks import Sender, deliveries_drain
from tests.factories import UserFactory
from tests.notifications.push_service import (  # noqa: F401 (fixtures)
    PushService,
    push_service_fixture,
    vapid_fixture,
)
from tests.notifications.test_push_delivery import register_device
from tests.test_deploy_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/notifications/push/subscriptions/"


@pytest.fixture
def keys():
    """The keys of a real browser-side subscription (only the endpoint varies here)."""
    with PushService() as service:
        return service.subscribe().to_json()["keys"]


def register(user, endpoint, keys):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(SUBSCRIPTIONS, {"endpoint": endpoint, "keys": keys}, format="json")


@pytest.fixture
def sender():
    value = Sender()
    yield value
    value.close()


@pytest.mark.parametrize(
    ("endpoint", "what"),
    [
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://10.1.2.3/push/x", "private"),
        ("https://127.0.0.1/push/x", "loopback"),
        ("https://[::1]/push/x", "loopback"),
        ("https://[fe80::1]/push/x", "link-local"),
        ("https://[fd12:3456::1]/push/x", "unique-local"),
        ("https://[::ffff:10.0.0.1]/push/x", "private"),
        ("https://0.0.0.0/push/x", "unspecified"),
        ("https://224.0.0.1/push/x", "multicast"),
        ("https://240.0.0.1/push/x", "reserved"),
        ("https://localhost/push/x", "loopback"),  # a name that resolves to 127.0.0.1
    ],
)
def test_a_private_address_is_refused_at_registration(settings, keys, endpoint, what):
    # On the allow-list, so that the address is what is refused.
    settings.WEBPUSH_ALLOWED_HOSTS = [urlsplit(endpoint).hostname]
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = False
    marc = UserFactory()

    response = register(marc, endpoint, keys)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert list(error["fields"]) == ["endpoint"]
    assert what in error["message"], error["message"]
    assert not PushSubscription.objects.exists()

    # A staging deploy with its own push service on the private network allows it.
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = True
    assert register(marc, endpoint, keys).status_code == 201


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("https://push.example.org/abc", "push.example.org is not a push service"),
        ("https://fcm.googleapis.com.evil.example/abc", "is not a push service"),
        ("https://evilnotify.windows.com/w/?token=1", "is not a push service"),
        ("https://fcm.googleapis.com:8443@10.0.0.1/abc", "is not a push service"),
        ("http://fcm.googleapis.com/fcm/send/abc", "https"),
        ("ftp://fcm.googleapis.com/abc", "https"),
    ],
)
def test_an_endpoint_outside_the_allowed_push_services_is_refused(keys, endpoint, message):
    marc = UserFactory()

    response = register(marc, endpoint, keys)

    assert response.status_code == 400, response.content
    assert message in response.json()["error"]["message"]
    assert not PushSubscription.objects.exists()


def test_the_default_allow_list_names_the_browsers_push_services():
    allowed = django_settings.WEBPUSH_ALLOWED_HOSTS
    for host in [
        "fcm.googleapis.com",  # Chrome, Edge on Android, Opera, Samsung Internet
        "updates.push.services.mozilla.com",  # Firefox
        "web.push.apple.com",  # Safari
        "wns2-par02p.notify.windows.com",  # Edge on Windows
        "FCM.googleapis.com.",  # host names are case-insensitive; a final dot is the root
    ]:
        assert host_allowed(host, allowed), host
    for host in [
        "googleapis.com",
        "fcm.googleapis.com.evil.example",
        "evilnotify.windows.com",
        "push.apple.com.evil.example",
        "127.0.0.1",
        "localhost",
    ]:
        assert not host_allowed(host, allowed), host


def test_the_worker_does_not_post_to_a_device_that_now_points_at_a_private_address(
    push_service, vapid, sender, settings
):
    marc = UserFactory()
    device = register_device(marc, push_service)  # allowed when it registered (staging)
    other = register_device(marc, push_service)
    # Stored pointing elsewhere on the host since: a name on the allow list that resolves
    # to loopback.
    settings.WEBPUSH_ALLOWED_HOSTS = [*settings.WEBPUSH_ALLOWED_HOSTS, "localhost"]
    PushSubscription.objects.filter(endpoint=other.endpoint).update(
        endpoint=other.endpoint.replace("127.0.0.1", "localhost")
    )
    notify(recipients=[marc], kind="conversation.added", verb="First")
    notify(recipients=[marc], kind="conversation.added", verb="Second")
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = False  # the deploy no longer allows it

    outcome = deliveries_drain(sender=sender)

    assert push_service.received == []
    # The first delivery to each device fails and takes the other one with it.
    assert outcome["failed"] == 2
    assert "sent" not in outcome
    assert "pending" not in outcome
    disabled = PushSubscription.objects.exclude(disabled_at=None)
    assert disabled.count() == 2
    for subscription in disabled:
        assert "loopback" in subscription.disabled_reason
    # Its owner sees why.
    owner = APIClient()
    owner.force_authenticate(marc)
    listed = {row["endpoint"]: row for row in owner.get(SUBSCRIPTIONS).json()}
    assert "loopback" in listed[device.endpoint]["disabled_reason"]
    assert listed[device.endpoint]["disabled_at"] is not None
    # Every delivery to the two devices failed, none waits for a retry.
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert all("loopback" in d.last_error for d in Delivery.objects.all())
    later = timezone.now() + timedelta(days=1)
    assert deliveries_drain(sender=sender, clock=lambda: later) == {}
    # A disabled device gets nothing new until its owner registers it again.
    notify(recipients=[marc], kind="conversation.added", verb="Third")
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    assert push_service.received == []

    # Allowed again (and registered again by its owner): the device is back.
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = True
    again = APIClient()
    again.force_authenticate(marc)
    assert again.post(SUBSCRIPTIONS, device.to_json(), format="json").status_code == 201
    assert PushSubscription.objects.get(endpoint=device.endpoint).disabled_at is None
    notify(recipients=[marc], kind="conversation.added", verb="Fourth")
    assert deliveries_drain(sender=sender) == {"sent": 1}
    [request] = push_service.accepted(device)
    assert request.payload["title"] == "Fourth"


def test_the_worker_refuses_a_host_taken_off_the_allow_list(push_service, vapid, sender, settings):
    marc = UserFactory()
    register_device(marc, push_service)
    notify(recipients=[marc], kind="conversation.added", verb="Hello")
    settings.WEBPUSH_ALLOWED_HOSTS = ["fcm.googleapis.com"]

    assert deliveries_drain(sender=sender) == {"failed": 1}

    assert push_service.received == []
    assert "is not a push service" in PushSubscription.objects.get().disabled_reason


def test_another_persons_endpoint_is_refused_and_left_to_its_owner(push_service, vapid):
    marc, eva = UserFactory(), UserFactory()
    device = register_device(marc, push_service)
    before = PushSubscription.objects.values().get()
    stolen = push_service.subscribe()  # other keys, same endpoint
    body = {"endpoint": device.endpoint, "keys": stolen.to_json()["keys"]}

    response = register(eva, device.endpoint, body["keys"])

    assert response.status_code == 400, response.content
    message = response.json()["error"]["message"]
    assert "registered to another account" in message
    assert marc.email not in json.dumps(response.json())
    assert PushSubscription.objects.values().get() == before
    eva_api = APIClient()
    eva_api.force_authenticate(eva)
    assert eva_api.get(SUBSCRIPTIONS).json() == []


def test_the_owner_registering_again_updates_the_keys(push_service, vapid, keys):
    marc = UserFactory()
    device = register_device(marc, push_service)

    again = register(marc, device.endpoint, keys)
    assert again.status_code == 201, again.content
    assert register(marc, device.endpoint, keys).status_code == 201  # idempotent

    [subscription] = PushSubscription.objects.all()
    assert (subscription.user, subscription.p256dh, subscription.auth) == (
        marc,
        keys["p256dh"],
        keys["auth"],
    )


def test_push_settings_come_from_the_environment():
    code = (
        "import json;from django.conf import settings as s;"
        "print(json.dumps([s.WEBPUSH_ALLOW_HTTP, s.WEBPUSH_ALLOWED_HOSTS,"
        "s.WEBPUSH_ALLOW_PRIVATE_ADDRESSES, s.WEBPUSH_CHAT_GRACE_SECONDS]))"
    )

    def read(env):
        result = run_manage("shell", "-c", code, env=env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    staging = {
        **PRODUCTION_ENV,  # DEBUG=0
        "WEBPUSH_ALLOW_HTTP": "1",
        "WEBPUSH_ALLOWED_HOSTS": "push.staging.example, .push.internal",
        "WEBPUSH_ALLOW_PRIVATE_ADDRESSES": "1",
        "WEBPUSH_CHAT_GRACE_SECONDS": "3",
    }
    assert read(staging) == [True, ["push.staging.example", ".push.internal"], True, 3.0]
    # Nothing set, even with DEBUG on: https only, the browsers' services, public addresses.
    allow_http, hosts, private, grace = read({"DEBUG": "1"})
    assert (allow_http, private, grace) == (False, False, 10.0)
    assert "fcm.googleapis.com" in hosts


@pytest.fixture
def tls_push_service(tmp_path, monkeypatch):
    """An https server on 127.0.0.1 with a certificate for "localhost" only, trusted
    through SSL_CERT_FILE; records the server name (SNI) each connection asked for."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(Encoding.PEM))
    key_path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    server_names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda _socket, server_name, _context: server_names.append(server_name)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server_names
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified_for_the_host_name_on_the_checked_address(tls_push_service, settings):
    """The worker connects to the address it checked, yet TLS still names and verifies the
    host: SNI is "localhost", and the certificate must be valid for it."""
    port, server_names = tls_push_service
    settings.WEBPUSH_ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES = True
    with push_client() as client:
        assert client.post(f"https://localhost:{port}/push/x", content=b"").status_code == 201
        assert server_names == ["localhost"]
        # The same server by its address: its certificate does not name 127.0.0.1.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client.post(f"https://127.0.0.1:{port}/push/x", content=b"")
