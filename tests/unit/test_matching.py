"""The pairing solver: optimal against brute force and linear_sum_assignment, certified."""

from __future__ import annotations

import contextlib
import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentordesk.services import matching
from mentordesk.services.matching import Solution, check_certificate, solve

Pairs = list[tuple[int, int, int]]  # (mentee, mentor, score)


@st.composite
def instances(draw: st.DrawFn) -> tuple[int, list[int], Pairs]:
    """Up to 6 mentees and 4 mentors, capacities 0-3, random feasibility and scores."""
    n = draw(st.integers(0, 6))
    capacities = draw(st.lists(st.integers(0, 3), min_size=0, max_size=4))
    pairs: Pairs = []
    for i in range(n):
        for j in range(len(capacities)):
            if draw(st.booleans()):
                pairs.append((i, j, draw(st.integers(0, 30))))
    return n, capacities, pairs


def _arrays(pairs: Pairs) -> tuple[list[int], list[int], list[int]]:
    return [j for _, j, _ in pairs], [i for i, _, _ in pairs], [s for _, _, s in pairs]


def _solve(n: int, capacities: list[int], pairs: Pairs, *, pruned: bool = False,
           **options: Any) -> Solution:
    """Solve; ``pruned`` starts from each mentee's best few only, so pricing has work to do."""
    mentor, mentee, score = _arrays(pairs)
    if not pruned:
        return solve(n, capacities, mentor, mentee, score, **options)
    with mock.patch.object(matching, "DIAGONAL_WIDTH", 0):
        return solve(n, capacities, mentor, mentee, score, candidates_per_mentor=0,
                     **options)


def _assignments(n: int, capacities: list[int], pairs: Pairs,
                 required: tuple[tuple[int, int], ...] = ()
                 ) -> Iterator[tuple[int, int, set[tuple[int, int]]]]:
    """Every feasible assignment: (matched, total, pairs)."""
    options: list[list[tuple[int, int] | None]] = [[None] for _ in range(n)]
    for i, j, s in pairs:
        options[i].append((j, s))
    for choice in itertools.product(*options):
        load = Counter(c[0] for c in choice if c is not None)
        if any(load[j] > capacities[j] for j in load):
            continue
        chosen = {(i, c[0]) for i, c in enumerate(choice) if c is not None}
        if not set(required) <= chosen:
            continue
        yield len(chosen), sum(c[1] for c in choice if c is not None), chosen


def _valid(n: int, capacities: list[int], pairs: Pairs, solution: Solution) -> None:
    feasible = {(i, j) for i, j, _ in pairs}
    mentees = [i for i, _ in solution.pairs]
    assert len(mentees) == len(set(mentees))
    assert set(solution.pairs) <= feasible
    load = Counter(j for _, j in solution.pairs)
    assert all(load[j] <= capacities[j] for j in load)
    assert solution.matched == len(solution.pairs)
    assert set(solution.unmatched) == set(range(n)) - set(mentees)
    best: dict[tuple[int, int], int] = {}
    for i, j, s in pairs:
        best[(i, j)] = max(best.get((i, j), 0), s)
    assert solution.total == sum(best[p] for p in solution.pairs)


def _check(n: int, capacities: list[int], pairs: Pairs, solution: Solution,
           u: Sequence[float] | None = None, v: Sequence[float] | None = None,
           chosen: Sequence[tuple[int, int]] | None = None, **options: Any) -> bool:
    mentor, mentee, score = _arrays(pairs)
    return check_certificate(
        n, capacities, mentor, mentee, score,
        solution.pairs if chosen is None else chosen,
        solution.certificate.u if u is None else u,
        solution.certificate.v if v is None else v, **options)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_optimum_equals_brute_force(instance: tuple[int, list[int], Pairs]) -> None:
    n, capacities, pairs = instance
    solution = _solve(n, capacities, pairs, candidates_per_mentee=2, pruned=True)
    _valid(n, capacities, pairs, solution)
    assert solution.certified
    assert _check(n, capacities, pairs, solution)
    assert solution.total == max(total for _, total, _ in _assignments(n, capacities, pairs))


@settings(max_examples=150, deadline=None)
@given(instances())
def test_max_matched_first_then_score(instance: tuple[int, list[int], Pairs]) -> None:
    n, capacities, pairs = instance
    solution = _solve(n, capacities, pairs, max_matched=True, candidates_per_mentee=2, pruned=True)
    _valid(n, capacities, pairs, solution)
    assert solution.certified
    assert _check(n, capacities, pairs, solution, max_matched=True)
    best = max((matched, total) for matched, total, _ in _assignments(n, capacities, pairs))
    assert (solution.matched, solution.total) == best


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_required_pairs_are_kept(instance: tuple[int, list[int], Pairs],
                                 rng: random.Random) -> None:
    n, capacities, pairs = instance
    # A random set of required pairs that can all be kept together.
    required: list[tuple[int, int]] = []
    load: Counter[int] = Counter()
    for i, j, _ in rng.sample(pairs, len(pairs)):
        if rng.random() < 0.3 and i not in {r[0] for r in required} \
                and load[j] < capacities[j]:
            required.append((i, j))
            load[j] += 1
    solution = _solve(n, capacities, pairs, required=required, candidates_per_mentee=1, pruned=True)
    _valid(n, capacities, pairs, solution)
    assert set(required) <= set(solution.pairs)
    assert solution.certified
    assert _check(n, capacities, pairs, solution, required=required)
    best = max(total for _, total, _ in _assignments(n, capacities, pairs, tuple(required)))
    assert solution.total == best


def test_required_pairs_must_be_feasible_and_fit() -> None:
    pairs = [(0, 0, 5), (1, 0, 5)]
    with pytest.raises(ValueError, match="capacity"):
        _solve(2, [1], pairs, required=[(0, 0), (1, 0)])
    with pytest.raises(ValueError, match="not feasible"):
        _solve(2, [1, 1], pairs, required=[(0, 1)])
    with pytest.raises(ValueError, match="twice"):
        _solve(2, [2, 1], [*pairs, (0, 1, 3)], required=[(0, 0), (0, 1)])


def test_equals_linear_sum_assignment_on_a_medium_instance() -> None:
    rng = np.random.default_rng(4)
    n, m, capacity = 300, 150, 2
    feasible = rng.random((n, m)) < 0.6
    scores = rng.integers(0, 1001, (n, m))
    mentee, mentor = np.nonzero(feasible)
    solution = solve(n, [capacity] * m, mentor, mentee, scores[mentee, mentor])
    assert solution.certified
    # Capacity slots; an infeasible pair scores 0, the same as leaving the mentee unmatched.
    slots = np.repeat(np.where(feasible, scores, 0), capacity, axis=1).astype(float)
    rows, cols = linear_sum_assignment(slots, maximize=True)
    assert solution.total == int(slots[rows, cols].sum())
    load = Counter(j for _, j in solution.pairs)
    assert max(load.values()) <= capacity
    assert all(feasible[i, j] for i, j in solution.pairs)


def _crafted() -> tuple[int, list[int], Pairs]:
    # Both mentees like mentor 0 best, but only one can have them: the best-1 candidate
    # set misses mentee 0 with mentor 1, which the optimum (10 + 9) needs.
    return 2, [1, 1], [(0, 0, 10), (0, 1, 9), (1, 0, 10), (1, 1, 1)]


def test_pruned_candidates_are_priced_and_resolved_until_certified() -> None:
    n, capacities, pairs = _crafted()
    solution = _solve(n, capacities, pairs, candidates_per_mentee=1, pruned=True)
    assert solution.certified
    assert solution.certificate.rounds > 1
    assert solution.total == 19
    assert set(solution.pairs) == {(0, 1), (1, 0)}


def test_certificate_refuses_tampered_prices_and_worse_assignments() -> None:
    n, capacities, pairs = _crafted()
    solution = _solve(n, capacities, pairs)
    u, v = list(solution.certificate.u), list(solution.certificate.v)
    assert _check(n, capacities, pairs, solution)
    assert solution.certificate.dual_objective == pytest.approx(19)
    # Lower prices leave a pair with a positive reduced cost.
    assert not _check(n, capacities, pairs, solution, u=[x - 1 for x in u])
    assert not _check(n, capacities, pairs, solution, v=[0.0] * len(v))
    # Negative prices, or the wrong number of them.
    assert not _check(n, capacities, pairs, solution, u=[-1.0, *u[1:]])
    assert not _check(n, capacities, pairs, solution, v=v[:1])
    # Higher prices are feasible but prove nothing: the bound is above the total.
    assert not _check(n, capacities, pairs, solution, u=[x + 1 for x in u])
    # A worse assignment with the optimum's prices, and infeasible ones.
    assert not _check(n, capacities, pairs, solution, chosen=[(0, 0), (1, 1)])
    assert not _check(n, capacities, pairs, solution, chosen=[(1, 0)])
    assert not _check(n, capacities, pairs, solution, chosen=[(0, 0), (1, 0)])
    assert not _check(n, capacities, pairs, solution, chosen=[(0, 1), (0, 0)])
    assert not _check(n, capacities, pairs, solution, chosen=[(0, 1), (1, 0), (1, 2)])


def test_nothing_to_match() -> None:
    empty = solve(3, [1, 2], [], [], [])
    assert empty.pairs == () and empty.total == 0 and empty.certified
    assert empty.unmatched == (0, 1, 2)
    no_capacity = _solve(2, [0], [(0, 0, 5), (1, 0, 7)])
    assert no_capacity.pairs == () and no_capacity.certified


def test_max_matched_trades_score_for_people() -> None:
    pairs = [(0, 0, 10), (0, 1, 1), (1, 0, 1)]
    best_score = _solve(2, [1, 1], pairs)
    assert (best_score.matched, best_score.total, best_score.unmatched) == (1, 10, (1,))
    most_people = _solve(2, [1, 1], pairs, max_matched=True)
    assert (most_people.matched, most_people.total) == (2, 2)
    # The offset is more than any assignment's total: the best score times the most pairs.
    assert most_people.certified and most_people.certificate.offset == 10 * 2 + 1


@settings(max_examples=100, deadline=None)
@given(instances())
def test_default_candidates_equal_brute_force(instance: tuple[int, list[int], Pairs]) -> None:
    n, capacities, pairs = instance
    solution = _solve(n, capacities, pairs)
    _valid(n, capacities, pairs, solution)
    assert solution.certified
    assert solution.total == max(total for _, total, _ in _assignments(n, capacities, pairs))


@contextmanager
def _without_matrix() -> Iterator[None]:
    """Solve from the caller's arrays instead of a dense score matrix (few feasible pairs)."""
    with mock.patch.object(matching, "DENSE_ALWAYS_CELLS", 0), \
            mock.patch.object(matching, "DENSE_MIN_DENSITY", 2.0):
        yield


@settings(max_examples=100, deadline=None)
@given(instances(), st.booleans())
def test_without_the_score_matrix_equals_brute_force(instance: tuple[int, list[int], Pairs],
                                                     max_matched: bool) -> None:
    n, capacities, pairs = instance
    with _without_matrix():
        solution = _solve(n, capacities, pairs, max_matched=max_matched,
                          candidates_per_mentee=1, pruned=True)
    _valid(n, capacities, pairs, solution)
    assert solution.certified
    assert _check(n, capacities, pairs, solution, max_matched=max_matched)
    best = max((matched, total) if max_matched else (0, total)
               for matched, total, _ in _assignments(n, capacities, pairs))
    assert (solution.matched if max_matched else 0, solution.total) == best


def _lsa_total(feasible: npt.NDArray[np.bool_], scores: npt.NDArray[np.int64],
               capacity: int) -> int:
    slots = np.repeat(np.where(feasible, scores, 0), capacity, axis=1).astype(float)
    rows, cols = linear_sum_assignment(slots, maximize=True)
    return int(slots[rows, cols].sum())


@pytest.mark.parametrize("kind", ["random", "sparse", "equal", "few values", "agreeing",
                                  "similar"])
def test_hard_shapes_equal_linear_sum_assignment(kind: str) -> None:
    """Ties, few feasible pairs and everyone agreeing on the best mentors: still optimal."""
    rng = np.random.default_rng(7)
    n, m, capacity = 240, 120, 2
    feasible = rng.random((n, m)) < (0.05 if kind == "sparse" else 0.9)
    a, b = rng.random(n), rng.random(m)
    scores = {
        "random": rng.integers(0, 1001, (n, m)),
        "sparse": rng.integers(0, 1001, (n, m)),
        "equal": np.full((n, m), 500),
        "few values": rng.integers(0, 3, (n, m)) * 100,
        "agreeing": (1000 * np.outer(a, b)).astype(np.int64),
        "similar": (1000 - 1000 * np.abs(a[:, None] - b[None, :])).astype(np.int64),
    }[kind]
    mentee, mentor = np.nonzero(feasible)
    expected = _lsa_total(feasible, scores, capacity)
    for matrix in (True, False):
        with contextlib.nullcontext() if matrix else _without_matrix():
            solution = solve(n, [capacity] * m, mentor.astype(np.int32),
                             mentee.astype(np.int32), scores[mentee, mentor].astype(np.int16))
        assert solution.certified
        assert solution.total == expected
        assert all(feasible[i, j] for i, j in solution.pairs)


def test_numpy_arrays_of_any_integer_type_are_taken_as_they_are() -> None:
    n, capacities, pairs = _crafted()
    mentor, mentee, score = _arrays(pairs)
    plain = solve(n, capacities, mentor, mentee, score)
    for index, tenths in ((np.int32, np.int16), (np.int64, np.uint16), (np.uint16, np.int32)):
        typed = solve(n, np.array(capacities, dtype=np.int32), np.array(mentor, dtype=index),
                      np.array(mentee, dtype=index), np.array(score, dtype=tenths))
        assert typed.pairs == plain.pairs and typed.total == plain.total and typed.certified
    with pytest.raises(ValueError, match="whole numbers"):
        solve(n, capacities, mentor, mentee, [float(s) for s in score])


def test_a_pair_listed_twice_counts_with_its_higher_score() -> None:
    pairs = [(0, 0, 3), (0, 0, 9), (1, 0, 5), (1, 1, 1)]
    for matrix in (True, False):
        with contextlib.nullcontext() if matrix else _without_matrix():
            solution = _solve(2, [1, 1], pairs)
        assert solution.certified
        assert (solution.pairs, solution.total) == (((0, 0), (1, 1)), 10)
        assert _check(2, [1, 1], pairs, solution)


def test_every_score_zero_leaves_everyone_unmatched_unless_max_matched() -> None:
    pairs = [(i, j, 0) for i in range(4) for j in range(2)]
    nobody = _solve(4, [1, 2], pairs)
    assert (nobody.matched, nobody.total, nobody.certified) == (0, 0, True)
    everyone = _solve(4, [1, 2], pairs, max_matched=True)
    assert (everyone.matched, everyone.total, everyone.certified) == (3, 0, True)
