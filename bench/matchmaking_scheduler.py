"""The organiser's auto-scheduler (matchmaking/scheduler.py) at the issue's size, against a
baseline measured in the same run.

    python bench/matchmaking_scheduler.py [--runs 5] [--seed 13] [--time-limit 10]
                                          [--shape product|stress|both] [--no-e2e]

1. Generates an event in memory, in two shapes, each with 300 participants, 12 slots and
   1,500 pending requests, of which `--mutual` pairs (default 450, so 900 requests) asked
   each other and the other 600 went one way. Who is asked follows a skewed popularity
   (log-normal weights: a few people are asked by many), as at real brokerage events.
   Before the scheduler runs, 30 % of people registered for 1 to 3 sessions, 100 meetings
   are confirmed, and 20 % of people chose a cap lower than the event's 12 (4 to 8).
   - `product` (the goal's instance): the requests are made one by one under the product's
     rules. Each holds a slot free for both people; a request with none is refused (as
     services.requests.request_create refuses it) and its requester asks someone else.
   - `stress`: an event the product could not hold. Requests are chosen without regard to
     time, so popular people are asked by more people than they have slots. Holds are then
     given where time is left: every one-way request, half the mutual ones. It shows how the
     solver and the baseline compare when time is scarce.
2. Solves each `--runs` times with CP-SAT (time limit `--time-limit` s, 2 workers: the shared
   machine's cores) and once with the baseline, greedy first-fit (pairs in request order,
   each at its earliest slot free for both, while both have cap left). Prints the median
   and spread (min to max) of the seconds, the % of mutual pairs placed, and the solver's
   proven upper bound (what any placement could reach). Goals: ≤ 10 s, ≥ 95 % placed.
   Printed, never asserted.
3. Then once end to end on SQLite (a throw-away file): the first shape's event written with
   the models, then matchmaking.services.scheduling.schedule_draft_run and
   schedule_draft_apply, timed.

Needs no PostgreSQL and no Redis.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaking.scheduler import Pair, Problem, schedule_greedy, schedule_solve  # noqa: E402

PEOPLE, REQUESTS, SLOTS = 300, 1500, 12
EVENT_CAP = 12


@dataclass
class Instance:
    problem: Problem
    mutual: int
    one_way: list[tuple[int, int]]
    holds: dict[tuple[int, int], int]  # (requester, recipient) → the slot its request holds
    sessions: dict[int, set[int]]
    meetings: list[tuple[int, int, int]]  # (a, b, slot)
    own_caps: dict[int, int]


def build(
    mutual_pairs: list[tuple[int, int]],
    one_way: list[tuple[int, int]],
    holds: dict[tuple[int, int], int],
    sessions: dict[int, set[int]],
    meetings: list[tuple[int, int, int]],
    own_caps: dict[int, int],
) -> Instance:
    """The scheduler's problem for this state of the event, as the service builds it: busy
    are sessions, meetings and the slots one-way requests hold; a slot a mutual request
    holds is free for its own pair, and for the two people's other pairs only if the
    holding pair is placed too."""
    busy: dict[int, set[int]] = defaultdict(set)
    for person, taken in sessions.items():
        busy[person] |= taken
    confirmed: dict[int, int] = defaultdict(int)
    for a, b, slot in meetings:
        for person in (a, b):
            busy[person].add(slot)
            confirmed[person] += 1
    for a, b in one_way:
        if (a, b) in holds:
            busy[a].add(holds[a, b])
            busy[b].add(holds[a, b])
    key_of = {d: (a, b) for a, b in mutual_pairs for d in ((a, b), (b, a))}
    mutual_holds: dict[int, list[tuple[tuple[int, int], int]]] = defaultdict(list)
    for direction, slot in holds.items():
        if direction in key_of:
            for person in direction:
                mutual_holds[person].append((direction, slot))
    caps = {
        p: max(min(EVENT_CAP, own_caps.get(p, EVENT_CAP)) - confirmed[p], 0) for p in range(PEOPLE)
    }
    problem_pairs = []
    for a, b in mutual_pairs:
        own = {(a, b), (b, a)}
        waits: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for person in (a, b):
            for direction, slot in mutual_holds[person]:
                if direction not in own:
                    waits[slot].add(key_of[direction])
        held = {slot: frozenset(keys) for slot, keys in waits.items()}
        problem_pairs.append(Pair(key=(a, b), a=a, b=b, held=held))
    problem = Problem(pairs=problem_pairs, slots=list(range(SLOTS)), busy=busy, caps=caps)
    return Instance(problem, len(mutual_pairs), one_way, holds, sessions, meetings, own_caps)


@dataclass
class Start:
    """What both shapes draw first: who is popular, sessions (30 % of people, 1 to 3 slots
    running), own caps (20 %, 4 to 8), and each person's time taken so far."""

    rng: random.Random
    popularity: list[float]
    sessions: dict[int, set[int]]
    own_caps: dict[int, int]
    occupied: dict[int, set[int]]

    @classmethod
    def draw(cls, seed: int) -> Start:
        rng = random.Random(seed)
        popularity = [rng.lognormvariate(0, 0.7) for _ in range(PEOPLE)]
        sessions: dict[int, set[int]] = {}
        for person in rng.sample(range(PEOPLE), PEOPLE * 30 // 100):
            start, length = rng.randrange(SLOTS), rng.randint(1, 3)
            sessions[person] = set(range(start, min(start + length, SLOTS)))
        own_caps = {p: rng.randint(4, 8) for p in rng.sample(range(PEOPLE), PEOPLE // 5)}
        occupied: dict[int, set[int]] = defaultdict(set)
        for person, in_session in sessions.items():
            occupied[person] |= in_session
        return cls(rng, popularity, sessions, own_caps, occupied)

    def free(self, a: int, b: int) -> list[int]:
        return [s for s in range(SLOTS) if s not in self.occupied[a] and s not in self.occupied[b]]


def generate_product(seed: int, mutual: int = 450) -> Instance:
    """An event the product can hold: requests made one by one under its rules. Every
    request holds a slot free for both people (services.requests.request_create refuses a
    request with none, and the database refuses a second booking of a person's time), so
    the requester of a refused request asks someone else; a mutual pair is a request and
    the other person's request back, each holding its own slot."""
    start = Start.draw(seed)
    rng, popularity, occupied, free = start.rng, start.popularity, start.occupied, start.free

    taken: set[frozenset[int]] = set()
    meetings: list[tuple[int, int, int]] = []
    holds: dict[tuple[int, int], int] = {}
    mutual_pairs: list[tuple[int, int]] = []
    one_way: list[tuple[int, int]] = []
    made = attempts = 0
    while made < REQUESTS and attempts < 1_000_000:
        attempts += 1
        a = rng.randrange(PEOPLE)
        b = rng.choices(range(PEOPLE), weights=popularity)[0]
        key = frozenset((a, b))
        if a == b or key in taken:
            continue
        common = free(a, b)
        if len(meetings) < 100:
            if common:
                slot = rng.choice(common)
                meetings.append((a, b, slot))
                occupied[a].add(slot)
                occupied[b].add(slot)
                taken.add(key)
            continue
        both_ways = len(mutual_pairs) < mutual and (
            rng.random() < (mutual - len(mutual_pairs)) * 2 / (REQUESTS - made)
        )
        if len(common) < (2 if both_ways else 1):
            continue  # refused: no time free for both; the requester asks someone else
        if not both_ways and len(one_way) >= REQUESTS - 2 * mutual:
            continue
        chosen = rng.sample(common, 2 if both_ways else 1)
        directions = [(a, b), (b, a)] if both_ways else [(a, b)]
        for direction, slot in zip(directions, chosen, strict=True):
            holds[direction] = slot
            occupied[a].add(slot)
            occupied[b].add(slot)
        (mutual_pairs if both_ways else one_way).append((a, b))
        taken.add(key)
        made += len(directions)
    return build(mutual_pairs, one_way, holds, start.sessions, meetings, start.own_caps)


def generate(seed: int, mutual: int = 450) -> Instance:
    """The stress instance, which the product could not hold: requests chosen without regard
    to time (popular people are asked more often than they have slots), then holds given
    where time is left; half the mutual requests hold nothing."""
    start = Start.draw(seed)
    rng, popularity, occupied = start.rng, start.popularity, start.occupied

    def free_slot(a: int, b: int) -> int | None:
        free = start.free(a, b)
        return rng.choice(free) if free else None

    # Distinct unordered pairs, the person asked chosen by popularity.
    def pairs(count: int, taken: set[frozenset[int]]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        while len(out) < count:
            a = rng.randrange(PEOPLE)
            b = rng.choices(range(PEOPLE), weights=popularity)[0]
            key = frozenset((a, b))
            if a != b and key not in taken:
                taken.add(key)
                out.append((a, b))
        return out

    taken: set[frozenset[int]] = set()
    met = pairs(100, taken)
    mutual_pairs = pairs(mutual, taken)
    one_way = pairs(REQUESTS - 2 * mutual, taken)

    meetings: list[tuple[int, int, int]] = []
    for a, b in met:
        slot = free_slot(a, b)
        if slot is not None:
            occupied[a].add(slot)
            occupied[b].add(slot)
            meetings.append((a, b, slot))
    holds: dict[tuple[int, int], int] = {}
    for a, b in one_way:
        slot = free_slot(a, b)
        if slot is not None:
            holds[a, b] = slot
            occupied[a].add(slot)
            occupied[b].add(slot)
    for a, b in mutual_pairs:
        for direction in ((a, b), (b, a)):
            if rng.random() < 0.5:
                slot = free_slot(a, b)
                if slot is not None:
                    holds[direction] = slot
                    occupied[a].add(slot)
                    occupied[b].add(slot)
    return build(mutual_pairs, one_way, holds, start.sessions, meetings, start.own_caps)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
    )


def pure(args: argparse.Namespace, shape: str) -> Instance:
    instance = SHAPES[shape](args.seed, args.mutual)
    n = instance.mutual
    print(
        f"\n{shape} instance: {PEOPLE} participants, {SLOTS} slots, {REQUESTS} requests, "
        f"{n} mutual pairs "
        f"({2 * n} requests), {len(instance.meetings)} meetings and "
        f"{sum(len(s) for s in instance.sessions.values())} session slots already booked, "
        f"{len(instance.holds)} requests holding a slot"
    )
    greedy = schedule_greedy(instance.problem)
    print(
        f"baseline greedy first-fit: {greedy.placed}/{n} pairs placed ({pct(greedy.placed, n)}) "
        f"in {greedy.seconds * 1000:.1f} ms"
    )
    seconds, placed, statuses, bounds = [], [], [], []
    for run in range(args.runs):
        solution = schedule_solve(
            instance.problem, time_limit=args.time_limit, workers=args.workers, seed=run
        )
        seconds.append(solution.seconds)
        placed.append(solution.placed)
        statuses.append(solution.status)
        bounds.append(solution.bound or 0)
        print(
            f"  run {run + 1}: {solution.placed}/{n} placed ({pct(solution.placed, n)}), "
            f"{solution.status}, bound {solution.bound}, {solution.seconds:.2f} s"
        )
    best_bound = min(bounds)
    median_placed = statistics.median(placed)
    print(
        f"CP-SAT ({args.workers} workers, limit {args.time_limit:g} s), {args.runs} runs: "
        f"{spread(seconds)}; placed median {median_placed:g}/{n} "
        f"({pct(int(median_placed), n)}), min {min(placed)}, max {max(placed)}; "
        f"status {', '.join(sorted(set(statuses)))}; proven upper bound {best_bound} "
        f"({pct(best_bound, n)}: no placement can do better)"
    )
    # Where the missing pairs go: the bound again without each kind of constraint.
    relaxed = dataclasses.replace(
        instance.problem,
        pairs=[dataclasses.replace(p, held={}) for p in instance.problem.pairs],
    )
    strict = dataclasses.replace(
        instance.problem,
        pairs=[
            dataclasses.replace(p, busy=frozenset(p.held), held={}) for p in instance.problem.pairs
        ],
    )
    steps = [
        ("if the other mutual requests' holds were always busy (the first version)", strict),
        ("without the slots held by the two people's other mutual requests", relaxed),
        (
            "and without any booking (sessions, meetings, other holds)",
            dataclasses.replace(relaxed, busy={}),
        ),
        ("and without caps", dataclasses.replace(relaxed, busy={}, caps={})),
    ]
    tightest = best_bound
    for label, problem in steps:
        found = schedule_solve(problem, time_limit=args.time_limit, workers=args.workers)
        print(
            f"  {label}: {found.placed}/{n} placed ({pct(found.placed, n)}), "
            f"{found.status}, bound {found.bound}"
        )
        if problem is not strict and found.bound is not None:
            tightest = min(tightest, found.bound)  # a relaxation's bound holds here too
    print(
        f"tightest proven upper bound {tightest} ({pct(tightest, n)}); CP-SAT reaches "
        f"{pct(int(median_placed), tightest)} of it"
    )
    goals = (
        f"goals: ≤ 10 s {'met' if statistics.median(seconds) <= 10 else 'NOT met'}, "
        f"≥ 95 % placed {'met' if median_placed >= 0.95 * n else 'NOT met'}"
        if shape == "product"
        else "not the goal's instance (the product could not hold it)"
    )
    print(f"CP-SAT vs greedy: +{median_placed - greedy.placed:g} pairs; {goals}")
    return instance


SHAPES = {"product": generate_product, "stress": generate}


def end_to_end(instance: Instance, time_limit: float) -> None:
    """The same instance written to a throw-away SQLite database and scheduled through the
    services: the draft, then applying it."""
    workdir = tempfile.mkdtemp(prefix="mm-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from community.models import User
    from matchmaking.models import (
        Booking,
        BookingKind,
        MatchmakingSetup,
        Meeting,
        MeetingRequest,
        MeetingSlot,
        Participant,
        ProposedSlot,
        RequestStatus,
    )
    from matchmaking.services.scheduling import schedule_draft_apply, schedule_draft_run
    from webinars.models import Event, EventKind

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    day = (timezone.now() + dt.timedelta(days=2)).replace(hour=8, minute=0, second=0)
    day = day.replace(microsecond=0)
    organiser = User.objects.create(email="organiser@bench.example", is_staff=True)
    event = Event.objects.create(
        kind=EventKind.MATCHMAKING,
        title="Bench brokerage",
        slug="bench-brokerage",
        starts_at=day,
        ends_at=day + dt.timedelta(hours=10),
        status="published",
    )
    MatchmakingSetup.objects.create(event=event, meeting_cap=EVENT_CAP)
    slots = MeetingSlot.objects.bulk_create(
        MeetingSlot(
            event=event,
            starts_at=day + dt.timedelta(minutes=30 * s),
            ends_at=day + dt.timedelta(minutes=30 * s + 25),
        )
        for s in range(SLOTS)
    )
    users = User.objects.bulk_create(
        User(email=f"p{i}@bench.example", full_name=f"Person {i}") for i in range(PEOPLE)
    )
    people = Participant.objects.bulk_create(
        Participant(event=event, user=u, meeting_cap=instance.own_caps.get(i))
        for i, u in enumerate(users)
    )
    sessions = {}
    for _person, taken in instance.sessions.items():
        for s in taken:
            if s not in sessions:
                sessions[s] = Event.objects.create(
                    kind=EventKind.SEMINAR,
                    title=f"Session {s}",
                    slug=f"bench-session-{s}",
                    starts_at=slots[s].starts_at,
                    ends_at=slots[s].ends_at,
                    status="published",
                )
    Booking.objects.bulk_create(
        Booking(
            user=users[person],
            event=event,
            kind=BookingKind.SESSION,
            starts_at=slots[s].starts_at,
            ends_at=slots[s].ends_at,
            session=sessions[s],
        )
        for person, taken in instance.sessions.items()
        for s in taken
    )
    expires = timezone.now() + dt.timedelta(hours=48)
    for a, b, s in instance.meetings:
        request = MeetingRequest.objects.create(
            event=event,
            requester=people[a],
            recipient=people[b],
            expires_at=expires,
            status=RequestStatus.ACCEPTED,
        )
        meeting = Meeting.objects.create(
            event=event,
            request=request,
            slot=slots[s],
            requester=people[a],
            recipient=people[b],
        )
        Booking.objects.bulk_create(
            Booking(
                user=users[p],
                event=event,
                kind=BookingKind.MEETING,
                starts_at=slots[s].starts_at,
                ends_at=slots[s].ends_at,
                meeting=meeting,
            )
            for p in (a, b)
        )
    directions = [(a, b) for a, b in instance.one_way] + [
        d for pair in instance.problem.pairs for d in ((pair.a, pair.b), (pair.b, pair.a))
    ]
    requests = MeetingRequest.objects.bulk_create(
        MeetingRequest(event=event, requester=people[a], recipient=people[b], expires_at=expires)
        for a, b in directions
    )
    by_direction = dict(zip(directions, requests, strict=True))
    ProposedSlot.objects.bulk_create(
        ProposedSlot(request=by_direction[d], slot=slots[s], proposed_by=people[d[0]])
        for d, s in instance.holds.items()
    )
    Booking.objects.bulk_create(
        Booking(
            user=users[p],
            event=event,
            kind=BookingKind.HOLD,
            starts_at=slots[s].starts_at,
            ends_at=slots[s].ends_at,
            request=by_direction[d],
        )
        for d, s in instance.holds.items()
        for p in d
    )
    print(f"end to end on SQLite: data written in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    draft = schedule_draft_run(event=event, user=organiser, time_limit=time_limit)
    run_s = time.perf_counter() - started
    figures = draft.figures
    print(
        f"  schedule_draft_run: {figures['pairs_placed']}/{figures['pairs_considered']} pairs "
        f"placed ({pct(figures['pairs_placed'], figures['pairs_considered'])}), "
        f"{figures['solver_status']}, solver {figures['seconds']:.2f} s, "
        f"whole service {run_s:.2f} s"
    )
    started = time.perf_counter()
    report = schedule_draft_apply(draft=draft, user=organiser)
    print(
        f"  schedule_draft_apply: {len(report.meetings)} meetings booked, "
        f"{len(report.skipped)} skipped, {time.perf_counter() - started:.2f} s "
        f"(a transaction and two notifications per meeting)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--mutual", type=int, default=450)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both")
    parser.add_argument("--no-e2e", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    if 2 * args.mutual > REQUESTS or not math.isfinite(args.time_limit):
        parser.error("--mutual: at most 750 pairs in 1,500 requests")
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    instances = {shape: pure(args, shape) for shape in shapes}
    if not args.no_e2e:
        end_to_end(instances[shapes[0]], args.time_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
