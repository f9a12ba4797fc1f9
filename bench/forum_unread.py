"""The forums' unread counts for a person who tracks 20,000 topics, on PostgreSQL, against a
bare primary-key query measured in the same run.

    python bench/forum_unread.py                 # 20,000 topics, 5 runs of 30 queries each
    python bench/forum_unread.py --quick         # 2,000 topics, to see that everything runs
    python bench/forum_unread.py --explain       # also print PostgreSQL's plans

A fresh database `clusterhub_live_<random>` on the server of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/…; `--sqlite`: a SQLite file), migrated, dropped at the
end. The data (`build`): one FCAN-like forum with 4 groups and `--topics` topics, 1-15 posts
each (about 7 on average, bodies of a few sentences, 3 % deleted, 1 % hidden, 5 % by the
person), 200 other people; the person has a ReadState and a TopicSubscription on every topic
(read to the end 60 %, part-way 25 %, at the first post 15 %, and never before their own
last post, as posting moves it there; tracking 80 %, watching 15 %, muted 5 %), and the
others 300 read states each. Each topic's `last_post_id` is set as the services keep it.
Queries, interleaved, each timed end to end through the ORM (build, compile, execute, fetch):

- `pk`: `Topic.objects.filter(pk=…).values_list("pk").first()` — the floor;
- `by_group`: `unread_by_group(person, forum)` — the forum page's counts (every topic);
- `group_page`: `topics_of_group(person, group)[:100]` — a group page's first 100 topics with
  their `unread`.

Printed per run: the load average at its start, p50 and p95 of each; then the median and
range of the runs' p50 and p95 (goal: by_group p95 ≤ 50 ms). Never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterhub_bench"
GOAL_P95_S = 0.050

SENTENCES = [
    "Thanks for sharing the call text, we read it with our board this morning.",
    "Our members in the automotive sector would be interested in a joint application.",
    "The deadline for the COSME follow-up is in March; we should agree on roles before.",
    "Wir haben ähnliche Erfahrungen mit der Internationalisierung nach Japan gemacht.",
    "Nous pouvons partager le modèle de convention de consortium utilisé l'an dernier.",
    "¿Alguien ha participado ya en una misión a Canadá con el programa Euroclusters?",
    "Possiamo organizzare una call la settimana prossima per allineare le attività.",
    "The matchmaking platform worked well for SMEs, less so for research partners.",
    "Please see the attached summary of the last steering committee meeting.",
    "I agree with the previous point; the budget line for travel is too small.",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def build(*, topics: int, others: int = 200, reads_each: int = 300, seed: int = 11) -> Any:
    """Create the bench's forum and people (Django set up, an empty or any database). Returns
    (person, forum, groups)."""
    from django.db import transaction
    from django.db.models import Max, OuterRef, Subquery
    from django.utils import timezone

    from community.models import User
    from forums.models import (
        Forum,
        ForumGroup,
        ForumKind,
        ForumMember,
        Post,
        ReadState,
        SubscriptionLevel,
        Topic,
        TopicSubscription,
    )

    rng = random.Random(seed)
    tag = f"{rng.randrange(16**6):06x}"
    now = timezone.now()
    with transaction.atomic():
        people = User.objects.bulk_create(
            [
                User(
                    email=f"unread-{tag}-{n}@example.org",
                    full_name=f"Reader {tag} {n}",
                    email_verified=True,
                    password="!",  # noqa: S106 - unusable, nobody logs in
                )
                for n in range(others + 1)
            ]
        )
        person, authors = people[0], people[1:]
        forum = Forum.objects.create(
            kind=ForumKind.FCAN, name=f"Bench forum {tag}", slug=f"bench-unread-{tag}"
        )
        ForumMember.objects.bulk_create([ForumMember(forum=forum, user=p) for p in people])
        groups = ForumGroup.objects.bulk_create(
            [
                ForumGroup(forum=forum, name=name, slug=f"g{n}", position=n)
                for n, name in enumerate(
                    ["General updates", "Funding", "Digitalisation", "Green economy"]
                )
            ]
        )
        made: list[Any] = []
        for start in range(0, topics, 2000):
            made += Topic.objects.bulk_create(
                [
                    Topic(
                        group=groups[n % len(groups)],
                        title=f"Topic {n}: {rng.choice(SENTENCES)[:60]}",
                        author=rng.choice(authors),
                        last_activity_at=now,
                    )
                    for n in range(start, min(topics, start + 2000))
                ]
            )
        batch: list[Any] = []
        per_topic: dict[int, int] = {}

        def flush() -> None:
            Post.objects.bulk_create(batch)
            batch.clear()

        for topic in made:
            count = rng.randint(1, 15) if rng.random() < 0.9 else rng.randint(1, 3)
            per_topic[topic.pk] = count
            for _ in range(count):
                body = " ".join(rng.sample(SENTENCES, rng.randint(1, 4)))
                roll = rng.random()
                batch.append(
                    Post(
                        topic=topic,
                        author=person if rng.random() < 0.05 else rng.choice(authors),
                        body=body,
                        body_html=f"<p>{body}</p>",
                        deleted_at=now if roll < 0.03 else None,
                        hidden=0.03 <= roll < 0.04,
                    )
                )
            if len(batch) >= 5000:
                flush()
        flush()
        # What the services keep (forums.services.topic_last_post): each topic's last
        # visible post.
        visible = Post.objects.filter(deleted_at__isnull=True, hidden=False)
        Topic.objects.filter(pk__in=[t.pk for t in made]).update(
            last_post_id=Subquery(
                visible.filter(topic=OuterRef("pk")).order_by("-pk").values("pk")[:1]
            )
        )
        # Posting moves the author's read position to their post: the person's position is
        # at or past their own last visible post.
        own_last = dict(
            visible.filter(topic__in=made, author=person)
            .order_by()
            .values_list("topic_id")
            .annotate(last=Max("pk"))
        )
        # Each topic's post ids, in order, to place read positions.
        ids: dict[int, list[int]] = {}
        for topic_id, post_id in (
            Post.objects.filter(topic__in=made).order_by("pk").values_list("topic_id", "pk")
        ):
            ids.setdefault(topic_id, []).append(post_id)
        states, subs = [], []
        for topic in made:
            posts = ids[topic.pk]
            roll = rng.random()
            if roll < 0.60:
                position = posts[-1]
            elif roll < 0.85:
                position = posts[rng.randrange(len(posts))]
            else:
                position = posts[0]
            position = max(position, own_last.get(topic.pk, 0))
            states.append(ReadState(user=person, topic=topic, last_read_post_id=position))
            level = rng.random()
            subs.append(
                TopicSubscription(
                    user=person,
                    topic=topic,
                    level=SubscriptionLevel.TRACKING
                    if level < 0.80
                    else SubscriptionLevel.WATCHING
                    if level < 0.95
                    else SubscriptionLevel.MUTED,
                )
            )
        for other in authors:
            for topic in rng.sample(made, min(reads_each, len(made))):
                posts = ids[topic.pk]
                states.append(
                    ReadState(user=other, topic=topic, last_read_post_id=rng.choice(posts))
                )
        ReadState.objects.bulk_create(states, batch_size=5000)
        TopicSubscription.objects.bulk_create(subs, batch_size=5000)
    return person, forum, groups


def scenarios(person: Any, forum: Any, groups: list[Any]) -> dict[str, Callable[[], Any]]:
    from forums.models import Topic
    from forums.selectors.forums import topics_of_group, unread_by_group

    topic_ids = list(Topic.objects.filter(group__forum=forum).values_list("pk", flat=True))
    rng = random.Random(3)
    return {
        "pk": lambda: Topic.objects.filter(pk=rng.choice(topic_ids)).values_list("pk").first(),
        "by_group": lambda: unread_by_group(person, forum),
        "group_page": lambda: list(topics_of_group(person, rng.choice(groups))[:100]),
    }


def measure(runs: int, each: int, fns: dict[str, Callable[[], Any]]) -> list[dict[str, Any]]:
    from django.db import reset_queries

    for fn in fns.values():  # warm the caches and the connection
        fn()
    results = []
    for n in range(runs):
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {name: [] for name in fns}
        for _ in range(each):
            for name, fn in fns.items():
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
            reset_queries()
        row = {"load": load, **{name: (pct(t, 50), pct(t, 95)) for name, t in times.items()}}
        results.append(row)
        print(
            f"  run {n + 1}/{runs}: load {load:.2f}; "
            + "; ".join(
                f"{name} p50 {row[name][0] * 1000:.2f} ms, p95 {row[name][1] * 1000:.2f} ms"
                for name in fns
            ),
            flush=True,
        )
    return results


def explain(fns: dict[str, Callable[[], Any]]) -> None:
    """PostgreSQL's plan of the statements each query runs (EXPLAIN ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in ("by_group", "group_page"):
        with CaptureQueriesContext(connection) as captured:
            fns[name]()
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print(f"\n  EXPLAIN {name}:")
                for (line,) in cursor.fetchall():
                    print(f"    {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 topics, 3 runs")
    parser.add_argument("--topics", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--each", type=int, default=30, help="queries of each kind per run")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    if args.quick:
        args.topics, args.runs, args.each = 2000, 3, 10

    from tests.realtime.harness import LiveDatabase, base_env

    base_url = "" if args.sqlite else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    with LiveDatabase(base_url) as db:
        os.environ.update({**base_env(), **db.env(), "DJANGO_SETTINGS_MODULE": "config.settings"})
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.db import connection

        started = time.monotonic()
        person, forum, groups = build(topics=args.topics)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        from forums.models import Post, ReadState, TopicSubscription

        print(
            f"Forum unread counts, {db.kind}: {args.topics:,} topics, "
            f"{Post.objects.count():,} posts, {ReadState.objects.count():,} read states "
            f"({ReadState.objects.filter(user=person).count():,} the person's), "
            f"{TopicSubscription.objects.filter(user=person).count():,} subscriptions; "
            f"built in {time.monotonic() - started:.0f} s; "
            f"load average at start {os.getloadavg()[0]:.2f} (shared machine: noisy)",
            flush=True,
        )
        fns = scenarios(person, forum, groups)
        results = measure(args.runs, args.each, fns)
        print(
            f"\n  {args.runs} runs of {args.each} each: median of the runs (min-max); "
            f"goal by_group p95 ≤ {GOAL_P95_S * 1000:.0f} ms"
        )
        floor_p95 = statistics.median(r["pk"][1] * 1000 for r in results)
        for name in ("pk", "by_group", "group_page"):
            p50s = [r[name][0] * 1000 for r in results]
            p95s = [r[name][1] * 1000 for r in results]
            print(
                f"  {name:11} p50 {statistics.median(p50s):8.2f} ms "
                f"({min(p50s):.2f}-{max(p50s):.2f})   p95 {statistics.median(p95s):8.2f} ms "
                f"({min(p95s):.2f}-{max(p95s):.2f})   "
                f"p95 vs pk {statistics.median(p95s) / floor_p95:.0f}x"
            )
        loads = " ".join(f"{r['load']:.1f}" for r in results)
        print(f"  load at each run's start: {loads}")
        if args.explain:
            explain(fns)
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
