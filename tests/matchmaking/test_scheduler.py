"""The solver's invariants on random instances (matchmaking/scheduler.py): nobody twice in a
slot, no busy slot used, caps kept, only the pairs given are placed, each at most once; and
it places at least as many pairs as the greedy baseline."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.scheduler import Pair, Problem, schedule_greedy, schedule_solve


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    people = draw(st.integers(min_value=2, max_value=12))
    slots = [f"s{i}" for i in range(draw(st.integers(min_value=1, max_value=6)))]
    candidates = [(a, b) for a in range(people) for b in range(a + 1, people)]
    chosen = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=25))
    keys = [f"p{a}-{b}" for a, b in chosen]
    pairs = [
        Pair(
            key=f"p{a}-{b}",
            a=a,
            b=b,
            busy=draw(st.frozensets(st.sampled_from(slots))),
            held=draw(
                st.dictionaries(
                    st.sampled_from(slots),
                    st.frozensets(st.sampled_from(keys), min_size=1, max_size=2),
                    max_size=2,
                )
            ),
        )
        for a, b in chosen
    ]
    busy = {
        person: draw(st.frozensets(st.sampled_from(slots), max_size=len(slots)))
        for person in range(people)
    }
    caps = draw(st.dictionaries(st.integers(0, people - 1), st.integers(min_value=0, max_value=4)))
    return Problem(pairs=pairs, slots=slots, busy=busy, caps=caps)


def _check(problem: Problem, placements: dict) -> None:
    pairs = {pair.key: pair for pair in problem.pairs}
    seen: set[tuple[object, object]] = set()
    count: Counter[object] = Counter()
    for key, slot in placements.items():
        assert key in pairs, "only pairs given (mutual requests) are placed"
        assert slot in problem.slots
        pair = pairs[key]
        assert slot not in pair.busy, "a slot the pair may not use"
        for other in pair.held.get(slot, ()):
            assert other in placements, "a slot held for a pair that is not placed"
        for person in (pair.a, pair.b):
            assert slot not in problem.busy.get(person, ()), "a busy slot used"
            assert (person, slot) not in seen, "a person twice in one slot"
            seen.add((person, slot))
            count[person] += 1
    for person, cap in problem.caps.items():
        assert count[person] <= cap, "a cap exceeded"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_solver_keeps_every_rule_and_never_places_fewer_than_greedy(problem: Problem):
    solution = schedule_solve(problem, time_limit=5, workers=1)
    greedy = schedule_greedy(problem)
    _check(problem, solution.placements)
    _check(problem, greedy.placements)
    assert solution.status in {"optimal", "empty"}
    assert solution.placed >= greedy.placed
    if solution.bound is not None:
        assert solution.placed == solution.bound  # optimal: the bound is met


def test_it_prefers_more_pairs_over_earlier_slots_and_then_earlier_slots():
    # Greedy puts a-b at s0, which then leaves a-c nowhere (c is busy at s1): one pair.
    # The optimum moves a-b to s1 and a-c to s0: two pairs.
    problem = Problem(
        pairs=[Pair("ab", "a", "b"), Pair("ac", "a", "c")],
        slots=["s0", "s1", "s2"],
        busy={"c": {"s1", "s2"}},
    )
    assert schedule_greedy(problem).placed == 1
    solution = schedule_solve(problem, workers=1)
    assert solution.placements == {"ab": "s1", "ac": "s0"}
    assert solution.status == "optimal"


def test_a_slot_held_for_another_pair_is_free_only_if_that_pair_is_placed():
    # a holds s0 for the pair a-c; a-b may take s0 only if a-c is placed (elsewhere).
    held = {"s0": frozenset({"ac"})}
    both = Problem(
        pairs=[Pair("ab", "a", "b", held=held), Pair("ac", "a", "c")],
        slots=["s0", "s1"],
        busy={"b": {"s1"}},
    )
    assert schedule_solve(both, workers=1).placements == {"ab": "s0", "ac": "s1"}
    # c is busy all day: a-c cannot be placed, so s0 stays held and a-b has no slot.
    alone = Problem(
        pairs=[Pair("ab", "a", "b", held=held), Pair("ac", "a", "c")],
        slots=["s0", "s1"],
        busy={"b": {"s1"}, "c": {"s0", "s1"}},
    )
    assert schedule_solve(alone, workers=1).placements == {}


def test_caps_left_and_an_empty_problem():
    problem = Problem(
        pairs=[Pair(1, "a", "b"), Pair(2, "a", "c"), Pair(3, "b", "c")],
        slots=["s0", "s1", "s2"],
        caps={"a": 1, "c": 0},
    )
    solution = schedule_solve(problem, workers=1)
    assert solution.placed == 1
    assert set(solution.placements) <= {1, 2}
    assert 2 not in solution.placements  # c has no meeting left
    empty = schedule_solve(Problem(pairs=[], slots=["s0"]))
    assert (empty.placed, empty.status) == (0, "empty")
