"""The worker's cost per chat message: `message_notifications_drain` on a P1-like backlog.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterhub_notify_bench \\
        python bench/notify_drain.py [--rounds 10] [--messages 50] [--profile]

P1 of bench/live.py (200 users in 100 one-to-one pairs, 50 messages/s) leaves the worker a
backlog like this one: each pass finds up to 50 messages of random pairs, from either side,
some conversations with two or more of them, and most recipients already holding an unread
`message.new` notification of that conversation (the bench's clients never read), so the
notification is coalesced (group key) rather than created. This script builds that state
(new users and pairs each run, one warm-up message per pair drained first), then for each
round sends `--messages` messages with `message_send` and times one drain pass in this
process: CPU time (`time.process_time`, so waits for PostgreSQL do not count) and
statements (`CaptureQueriesContext`) per message. Printed, never asserted; `--profile`
prints the top of a cProfile (CPU clock) of all the passes.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterhub_notify_bench"
sys.path.insert(0, str(ROOT))

from bench.search import ensure_database  # noqa: E402  (the path above first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)

    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from community.models import User
    from messaging.models import Conversation, Message, Participant
    from messaging.services.messages import message_notifications_drain, message_send

    # Messages left pending by an earlier, interrupted run would join the first pass.
    Message.objects.filter(notify_pending=True).update(notify_pending=False)
    tag = secrets.token_hex(3)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{tag}-u{n}@example.org",
                full_name=f"Drain {tag} {n}",
                password=UNUSABLE_PASSWORD_PREFIX,
            )
            for n in range(2 * args.pairs)
        ]
    )
    pairs = []
    for n in range(args.pairs):
        a, b = users[2 * n], users[2 * n + 1]
        conversation = Conversation.objects.create(
            is_group=False, created_by_id=a.pk, title=f"{tag} {n}"
        )
        Participant.objects.bulk_create(
            [Participant(conversation=conversation, user=u) for u in (a, b)]
        )
        pairs.append((conversation, a, b))
    rng = random.Random(args.seed)

    def send_one(conversation: Conversation, a: User, b: User) -> None:
        sender = a if rng.random() < 0.5 else b
        message_send(
            sender=sender, conversation=conversation, body="Hello", client_id=secrets.token_hex(8)
        )

    for pair in pairs:  # the steady state: an unread notification in every conversation
        send_one(*pair)
    while message_notifications_drain(limit=args.messages):
        pass

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
    cpu_ms, statements = [], []
    # As the worker broadcasts (with REDIS_URL set: the Redis layer, one loop and connection).
    from realtime.events import background_publisher

    publisher = background_publisher()
    publisher.__enter__()
    for _ in range(args.rounds):
        for _ in range(args.messages):
            send_one(*rng.choice(pairs))
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            if profiler is not None:
                profiler.enable()
            handled = message_notifications_drain(limit=args.messages)
            if profiler is not None:
                profiler.disable()
            spent = time.process_time() - start
        assert handled == args.messages, handled
        cpu_ms.append(spent * 1000 / handled)
        statements.append(len(queries) / handled)
    publisher.__exit__(None, None, None)
    print(
        f"{args.rounds} passes of {args.messages} messages ({connection.vendor}): CPU per message "
        f"median {statistics.median(cpu_ms):.2f} ms (min {min(cpu_ms):.2f}, max "
        f"{max(cpu_ms):.2f}); statements per message {statistics.median(statements):.2f}"
    )
    if profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
