"""Web Push delivery (P6): from the notifying commit to a decrypted push, on PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_bench python bench/push.py

1. Migrates the bench database, starts the local RFC 8030/8291/8292 push service of the
   tests (tests/notifications/push_service.py: verifies every VAPID JWT and decrypts every
   body) and one `manage.py run_worker` process with its default poll interval.
2. Latency: commits `--messages` notifications one at a time (random gaps, so commits do not
   line up with the worker's polls) and measures commit → decrypted at the push service.
   Goal: p95 ≤ 1 s (printed, never asserted).
3. Burst: commits `--burst` notifications in one transaction and measures until the last
   one is decrypted (throughput of one worker).
4. Encryption cost per message, in this process: our path (payload, aes128gcm, a VAPID JWT
   reused per origin) against pywebpush 2.5 (`WebPusher.encode` plus a JWT signed per
   message, as `pywebpush.webpush()` does), and the bare encryption of each.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterhub_bench"
BENCH_EMAIL = "bench-push@clusterhub.test"


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')  # name from our own setting
    print(f"  created database {name}")


# The local push service listens on 127.0.0.1 over http: allowed as a staging deploy with
# its own push service would allow it (docs/operations.md).
LOCAL_PUSH_SERVICE_ENV = {
    "WEBPUSH_ALLOWED_HOSTS": "127.0.0.1",
    "WEBPUSH_ALLOW_HTTP": "1",
    "WEBPUSH_ALLOW_PRIVATE_ADDRESSES": "1",
}


def setup_django(url: str, keys: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["WEBPUSH_VAPID_PRIVATE_KEY"] = keys["private_key"]
    os.environ["WEBPUSH_VAPID_PUBLIC_KEY"] = keys["public_key"]
    os.environ.update(LOCAL_PUSH_SERVICE_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def figures(label: str, values_ms: list[float]) -> str:
    return (
        f"  {label:<34} n={len(values_ms):>4}  p50={percentile(values_ms, 50):8.1f} ms  "
        f"p95={percentile(values_ms, 95):8.1f} ms  p99={percentile(values_ms, 99):8.1f} ms"
    )


def start_worker(url: str, keys: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WEBPUSH_VAPID_PRIVATE_KEY": keys["private_key"],
        "WEBPUSH_VAPID_PUBLIC_KEY": keys["public_key"],
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def delivery_figures(args: argparse.Namespace, url: str, keys: dict[str, str]) -> None:
    from django.db import transaction

    from community.models import User
    from notifications.models import Delivery
    from notifications.services import notify, push_subscription_save
    from tests.notifications.push_service import PushService

    user, _ = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"full_name": "Bench"})
    user.notifications.all().delete()
    user.push_subscriptions.all().delete()
    Delivery.objects.filter(status="pending").update(status="skipped", last_error="bench reset")

    with PushService() as service:
        device = service.subscribe(application_server_key=keys["public_key"])
        push_subscription_save(
            user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
        )
        worker = start_worker(url, keys)
        try:

            def committed(verb: str, count: int = 1) -> tuple[float, set[int]]:
                with transaction.atomic():
                    ids = {
                        notify(recipients=[user], kind="conversation.added", verb=verb)[0].pk
                        for _ in range(count)
                    }
                return time.perf_counter(), ids

            def decrypted_ids() -> set[int]:
                return {r.payload["data"]["id"] for r in service.accepted()}

            # Warm-up: the worker has started and sent once.
            _, ids = committed("warm-up")
            if not service.wait_for(lambda _: ids <= decrypted_ids(), timeout=120):
                print("  the worker did not deliver the warm-up push within 120 s")
                return

            latencies = []
            rng = random.Random(6)
            for n in range(args.messages):
                time.sleep(rng.uniform(0, 0.3))  # pacing between commits, not synchronisation
                start, ids = committed(f"Latency {n}")
                if not service.wait_for(lambda _, ids=ids: ids <= decrypted_ids(), timeout=30):
                    print(f"  message {n} not delivered within 30 s")
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
            print(figures("commit -> decrypted push", latencies))
            print("  goal: p95 ≤ 1000 ms (printed, not asserted)")

            start, ids = committed("Burst", args.burst)
            if service.wait_for(lambda _: ids <= decrypted_ids(), timeout=300):
                wall = time.perf_counter() - start
                print(
                    f"  burst of {args.burst} in one commit: all decrypted after {wall:.2f} s "
                    f"({args.burst / wall:.0f} pushes/s, one worker)"
                )
            invalid = [r for r in service.received if not r.valid]
            print(f"  push service: {len(service.received)} requests, {len(invalid)} refused")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        user.notifications.all().delete()
        user.push_subscriptions.all().delete()


def encryption_figures(args: argparse.Namespace) -> None:
    from types import SimpleNamespace

    from django.utils import timezone
    from py_vapid import Vapid02

    from notifications.push import (
        VapidSigner,
        private_key_load,
        push_encrypt,
        push_payload,
        push_request,
        push_service_origin,
    )
    from tests.notifications.push_service import PushService, decrypt_aes128gcm

    try:
        import pywebpush
    except ImportError:
        print("  pywebpush is not installed (requirements-dev.txt); no baseline")
        return

    with PushService() as service:
        device = service.subscribe()
    notification = SimpleNamespace(
        pk=1,
        kind="message.new",
        verb="Anna Novak sent you a message",
        url="/xchange/conversations/7/",
        group_key="conversation:7",
        data={"body": "Are you coming to Lyon on Thursday? " * 8},
        created_at=timezone.now(),
    )
    payload = push_payload(notification)
    info = device.to_json()
    signer = VapidSigner()
    vapid = Vapid02(private_key=private_key_load(os.environ["WEBPUSH_VAPID_PRIVATE_KEY"]))
    subject = "mailto:admin@clusterhub.test"
    # Both paths produce bodies the push service decrypts to the same payload.
    ours = push_request(notification, device, signer=signer).body
    theirs = pywebpush.WebPusher(info).encode(payload, "aes128gcm")["body"]
    assert decrypt_aes128gcm(ours, device) == decrypt_aes128gcm(theirs, device) == payload

    def per_message_us(work, rounds: int) -> float:
        for _ in range(20):
            work()
        best = float("inf")
        for _ in range(5):  # best of five runs: least disturbed by the other processes
            start = time.perf_counter()
            for _ in range(rounds):
                work()
            best = min(best, (time.perf_counter() - start) / rounds)
        return best * 1e6

    def ours_full() -> None:
        push_request(notification, device, signer=signer)

    def pywebpush_full() -> None:
        pywebpush.WebPusher(info).encode(push_payload(notification), "aes128gcm")
        vapid.sign(
            {
                "aud": push_service_origin(device.endpoint),
                "exp": int(time.time()) + 12 * 3600,
                "sub": subject,
            }
        )

    def ours_encrypt() -> None:
        push_encrypt(payload, p256dh=device.p256dh, auth=device.auth)

    def pywebpush_encrypt() -> None:
        pywebpush.WebPusher(info).encode(payload, "aes128gcm")

    rounds = args.rounds
    full_ours, full_theirs = (
        per_message_us(ours_full, rounds),
        per_message_us(pywebpush_full, rounds),
    )
    enc_ours, enc_theirs = (
        per_message_us(ours_encrypt, rounds),
        per_message_us(pywebpush_encrypt, rounds),
    )
    print(f"  per message, payload {len(payload)} bytes, best of 5 x {rounds}:")
    print(f"    ours  (payload + aes128gcm + cached JWT)   {full_ours:8.1f} µs")
    print(f"    pywebpush (encode + JWT signed each time)  {full_theirs:8.1f} µs")
    print(f"    ratio ours / pywebpush                     {full_ours / full_theirs:8.2f}")
    print(
        f"    encryption only: ours {enc_ours:.1f} µs, pywebpush {enc_theirs:.1f} µs, "
        f"ratio {enc_ours / enc_theirs:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--messages", type=int, default=100, help="latency samples")
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=300, help="encryptions per timing run")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"== Web Push delivery (P6): {args.messages} messages, burst {args.burst}")
    ensure_database(url)
    keys = fresh_vapid_keys()  # before Django: the settings read them from the environment
    setup_django(url, keys)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    encryption_figures(args)
    delivery_figures(args, url, keys)
    return 0


def fresh_vapid_keys() -> dict[str, str]:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"private_key": pem, "public_key": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


if __name__ == "__main__":
    sys.exit(main())
