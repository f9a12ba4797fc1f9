"""bench/matchmaking_scheduler.py measures what it says: its generated event has the
issue's size, its mutual pairs really are mutual and distinct, nobody's time is booked
twice, and the solver's figures it prints come from a solution that keeps every rule.
Figures are never asserted (the machine is shared)."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.matchmaking_scheduler import PEOPLE, REQUESTS, SHAPES, SLOTS, generate_product
from matchmaking.scheduler import schedule_solve


@pytest.mark.parametrize("shape", SHAPES)
def test_the_generated_event_has_the_issues_size_and_no_double_booking(shape):
    instance = SHAPES[shape](seed=1, mutual=450)
    pairs = instance.problem.pairs
    assert len(pairs) == 450
    assert 2 * len(pairs) + len(instance.one_way) == REQUESTS
    people = {frozenset((p.a, p.b)) for p in pairs} | {frozenset(d) for d in instance.one_way}
    assert len(people) == len(pairs) + len(instance.one_way)  # every pair of people once
    assert {x for pair in people for x in pair} <= set(range(PEOPLE))
    # One thing per person per slot: sessions, meetings and holds never collide.
    taken: Counter[tuple[int, int]] = Counter()
    for person, slots in instance.sessions.items():
        taken.update((person, s) for s in slots)
    for a, b, s in instance.meetings:
        taken.update([(a, s), (b, s)])
    for (a, b), s in instance.holds.items():
        taken.update([(a, s), (b, s)])
    assert max(taken.values()) == 1
    assert instance.problem.slots == list(range(SLOTS))


def test_the_product_shaped_event_keeps_the_products_rules():
    # Every request holds a slot free for both people (request_create refuses one with
    # none); a mutual pair holds two, one per request; 100 meetings already confirmed.
    instance = generate_product(seed=3, mutual=450)
    directions = {(p.a, p.b) for p in instance.problem.pairs}
    directions |= {(p.b, p.a) for p in instance.problem.pairs} | set(instance.one_way)
    assert set(instance.holds) == directions
    assert len(instance.meetings) == 100


@pytest.mark.parametrize("shape", SHAPES)
def test_the_solution_measured_keeps_the_rules(shape):
    instance = SHAPES[shape](seed=2, mutual=300)
    solution = schedule_solve(instance.problem, time_limit=3, workers=1)
    busy, caps = instance.problem.busy, instance.problem.caps
    seen: set[tuple[int, int]] = set()
    count: Counter[int] = Counter()
    by_key = {p.key: p for p in instance.problem.pairs}
    for key, slot in solution.placements.items():
        pair = by_key[key]
        assert slot not in pair.busy
        for person in (pair.a, pair.b):
            assert slot not in busy.get(person, ())
            assert (person, slot) not in seen
            seen.add((person, slot))
            count[person] += 1
    assert all(count[p] <= cap for p, cap in caps.items())
    assert solution.placed > 0
