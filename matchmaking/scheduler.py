"""The auto-scheduler's solver: place mutual requests in the event's meeting slots.

Pure: plain data in, plain data out, no ORM, so the service (matchmaking.services.scheduling)
and the benchmark (bench/matchmaking_scheduler.py) run the same function.

The model, for OR-Tools CP-SAT:

- a boolean x[pair, slot] for each pair and each slot where neither person is busy (a
  meeting, a slot held by another request, a registered session: the caller leaves out
  the holds of the pair's own two requests, which the meeting would replace);
- each pair at most once: sum over slots of x[pair, ·] <= 1;
- each person at most one meeting per slot: sum over their pairs of x[·, slot] <= 1;
- each person's cap (what they have left: the cap minus confirmed meetings):
  sum over their pairs and slots of x <= cap;
- a slot one of the pair's people holds for another mutual pair Q (`Pair.held`) is free
  only if Q is placed too (placing Q accepts its requests and releases their holds):
  x[pair, slot] <= sum over slots of x[Q, ·];
- maximise the number of pairs placed, then prefer earlier slots: lexicographically, in
  two phases (the most pairs; then, keeping that many, the least sum of slot indexes).
  One weighted objective would do the same in theory, but CP-SAT proves the plain count
  far sooner (measured in bench/matchmaking_scheduler.py with 700 pairs: the weighted form
  ran into its 10 s limit with a loose bound).

The greedy first-fit placement (`schedule_greedy`) is the benchmark's baseline and the
solver's starting hint, so a run stopped by its time limit is never worse than greedy.
Slots are assumed not to overlap one another (matchmaking.services.setup never makes
overlapping ones).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

# The caller's ids of people, pairs and slots: anything hashable (ints, strings).
Key = Any


@dataclass(frozen=True)
class Pair:
    """Two people who requested each other; `key` identifies the pair for the caller.
    `busy`: slots this pair may not use beyond its people's own. `held`: slot → the keys of
    the other pairs whose requests hold that slot for one of these two people; the slot is
    free for this pair only if all of those pairs are placed too."""

    key: Key
    a: Key
    b: Key
    busy: frozenset[Key] = frozenset()
    held: Mapping[Key, frozenset[Key]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    pairs: Sequence[Pair]
    # In time order: earlier slots first (the tie-break prefers them).
    slots: Sequence[Key]
    # person → the slots where they already have something.
    busy: Mapping[Key, frozenset[Key] | set[Key]] = field(default_factory=dict)
    # person → how many more meetings they may have; a person not listed: no limit.
    caps: Mapping[Key, int] = field(default_factory=dict)


@dataclass
class Solution:
    # pair key → slot
    placements: dict[Key, Key]
    # "optimal", "feasible" (time limit reached with a placement), "greedy" (the baseline),
    # "empty" (nothing to place) or "unknown" (the solver found nothing in time: no placement).
    status: str
    seconds: float
    considered: int
    # The solver's proven upper bound of pairs placeable (None when not known).
    bound: int | None = None

    @property
    def placed(self) -> int:
        return len(self.placements)


def _free_slots(problem: Problem, pair: Pair) -> list[int]:
    busy_a = problem.busy.get(pair.a, ())
    busy_b = problem.busy.get(pair.b, ())
    return [
        index
        for index, slot in enumerate(problem.slots)
        if slot not in busy_a and slot not in busy_b and slot not in pair.busy
    ]


def _usable(problem: Problem, pair: Pair) -> bool:
    return pair.a != pair.b and problem.caps.get(pair.a, 1) > 0 and problem.caps.get(pair.b, 1) > 0


def schedule_greedy(problem: Problem) -> Solution:
    """First fit: pairs in the order given, each at its earliest slot free for both people
    (and while both have cap left). The baseline the solver is measured against."""
    started = time.perf_counter()
    taken: dict[Key, set[int]] = defaultdict(set)
    used: dict[Key, int] = defaultdict(int)
    placements: dict[Key, Key] = {}
    for pair in problem.pairs:
        if not _usable(problem, pair) or pair.key in placements:
            continue
        if any(
            person in problem.caps and used[person] >= problem.caps[person]
            for person in (pair.a, pair.b)
        ):
            continue
        for index in _free_slots(problem, pair):
            waits_for = pair.held.get(problem.slots[index], ())
            if any(key not in placements for key in waits_for):
                continue  # first fit: only pairs placed before release their holds
            if index not in taken[pair.a] and index not in taken[pair.b]:
                taken[pair.a].add(index)
                taken[pair.b].add(index)
                used[pair.a] += 1
                used[pair.b] += 1
                placements[pair.key] = problem.slots[index]
                break
    return Solution(
        placements=placements,
        status="greedy",
        seconds=time.perf_counter() - started,
        considered=len(problem.pairs),
    )


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = max(workers, 1)
    solver.parameters.random_seed = seed
    return solver


def schedule_solve(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 2, seed: int = 0
) -> Solution:
    """The most pairs placed (then the earliest slots) within `time_limit` seconds.

    Two phases on one model: first the most pairs (most of the time limit; the count is
    what matters and what the solver proves), then, with that count kept, the earliest
    slots in what time is left. A run cut short keeps the best placement found so far,
    never fewer pairs than greedy (its hint). The second phase gets a fifth of the limit at
    most, as the organiser is waiting; the whole stays under 95 % of the limit.

    With held slots (`Pair.held`), the count is first solved without them (a relaxation,
    quick to prove): its optimum bounds the real count, which both helps the solver prune
    and gives a true bound when the real count cannot be proven in time."""
    started = time.perf_counter()
    deadline = started + 0.95 * max(time_limit, 0.02)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[Key, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[Key, list[cp_model.IntVar]] = defaultdict(list)
    for p, pair in enumerate(problem.pairs):
        if not _usable(problem, pair):
            continue
        choices = []
        for s in _free_slots(problem, pair):
            var = model.new_bool_var(f"x{p}_{s}")
            x[p, s] = var
            choices.append(var)
            for person in (pair.a, pair.b):
                by_person_slot[person, s].append(var)
                by_person[person].append(var)
        if len(choices) > 1:
            model.add_at_most_one(choices)
    if not x:
        return Solution({}, "empty", time.perf_counter() - started, len(problem.pairs), 0)
    for variables in by_person_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for person, variables in by_person.items():
        cap = problem.caps.get(person)
        if cap is not None and cap < len(variables):
            model.add(sum(variables) <= cap)
    by_pair: dict[Key, list[cp_model.IntVar]] = defaultdict(list)
    for (p, _s), var in x.items():
        by_pair[problem.pairs[p].key].append(var)
    placed = sum(x.values())
    model.maximize(placed)
    hint = schedule_greedy(problem).placements
    slot_index = {slot: s for s, slot in enumerate(problem.slots)}
    for (p, s), var in x.items():
        model.add_hint(var, slot_index.get(hint.get(problem.pairs[p].key)) == s)

    upper = len(by_pair)
    waiting = [
        (var, key)
        for (p, s), var in x.items()
        for key in problem.pairs[p].held.get(problem.slots[s], ())
    ]
    if waiting:
        # Phase 0: the count without the held slots' condition bounds the real count.
        solver = _solver(0.15 * time_limit, workers, seed)
        if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            upper = min(upper, int(solver.best_objective_bound + 1e-6))
        for var, key in waiting:
            model.add(var <= sum(by_pair.get(key, [])))
        model.add(placed <= upper)

    # Phase 1: the most pairs, starting from the greedy placement.
    solver = _solver(deadline - time.perf_counter() - 0.2 * time_limit, workers, seed)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution({}, "unknown", time.perf_counter() - started, len(problem.pairs))
    chosen = {key for key, var in x.items() if solver.value(var)}
    count = len(chosen)
    bound = min(upper, int(solver.best_objective_bound + 1e-6))
    status = "optimal" if code == cp_model.OPTIMAL or count >= bound else "feasible"

    # Phase 2: as many pairs, the earliest slots.
    # Written as the weighted form (each pair worth more than any choice of times) with
    # the count kept: CP-SAT's relaxation proves this one far sooner than a plain sum of
    # slot indexes (measured: 0.1 s instead of the whole budget at 450 pairs).
    weight = len(problem.slots) * len(problem.pairs) + 1
    model.add(placed >= count)
    model.maximize(sum(var * (weight - s) for (_p, s), var in x.items()))
    model.clear_hints()
    for key, var in x.items():
        model.add_hint(var, key in chosen)
    # The order of times is a nicety: a fifth of the limit at most.
    left = min(deadline - time.perf_counter(), 0.2 * time_limit)
    if left > 0.01:
        solver = _solver(left, workers, seed)
        if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = {key for key, var in x.items() if solver.value(var)}
    return Solution(
        placements={problem.pairs[p].key: problem.slots[s] for p, s in chosen},
        status=status,
        seconds=time.perf_counter() - started,
        considered=len(problem.pairs),
        bound=bound,
    )
