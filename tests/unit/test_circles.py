"""Group circles: optimal against brute force and an LP, sizes within bounds, certified."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from mentordesk.services import matching
from mentordesk.services.circles import (
    CirclesInfeasible,
    CircleSolution,
    check_circles_certificate,
    solve_circles,
)

Pairs = list[tuple[int, int, int]]  # (mentee, leader, score)
Instance = tuple[int, list[int], list[int], Pairs]


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """Up to 6 mentees and 3 circles of 0-2 to 0-4 members, random feasibility and scores."""
    n = draw(st.integers(0, 6))
    lows = draw(st.lists(st.integers(0, 2), min_size=0, max_size=3))
    highs = [low + draw(st.integers(0, 2)) for low in lows]
    pairs: Pairs = []
    for i in range(n):
        for j in range(len(lows)):
            if draw(st.booleans()):
                pairs.append((i, j, draw(st.integers(0, 30))))
    return n, lows, highs, pairs


def _arrays(pairs: Pairs) -> tuple[list[int], list[int], list[int]]:
    return [j for _, j, _ in pairs], [i for i, _, _ in pairs], [s for _, _, s in pairs]


def _solve(instance: Instance, *, pruned: bool = False, **options: Any) -> CircleSolution:
    """Solve; ``pruned`` starts from each mentee's best circle only, so pricing has work."""
    n, lows, highs, pairs = instance
    leader, mentee, score = _arrays(pairs)
    if not pruned:
        return solve_circles(n, lows, highs, leader, mentee, score, **options)
    with mock.patch.object(matching, "DIAGONAL_WIDTH", 0):
        return solve_circles(n, lows, highs, leader, mentee, score, candidates_per_mentee=1,
                             candidates_per_mentor=0, **options)


def _check(instance: Instance, solution: CircleSolution, **changes: Any) -> bool:
    n, lows, highs, pairs = instance
    leader, mentee, score = _arrays(pairs)
    options = {"required": changes.pop("required", ()),
               "max_matched": changes.pop("max_matched", False)}
    chosen = changes.pop("pairs", solution.pairs)
    u = changes.pop("u", solution.certificate.u)
    v = changes.pop("v", solution.certificate.v)
    return check_circles_certificate(changes.pop("n", n), changes.pop("lows", lows),
                                     changes.pop("highs", highs), leader, mentee, score,
                                     chosen, u, v, **options)


def _arrangements(instance: Instance, required: tuple[tuple[int, int], ...] = ()
                  ) -> Iterator[tuple[int, int]]:
    """Every arrangement meeting the sizes: (placed, total)."""
    n, lows, highs, pairs = instance
    options: list[list[tuple[int, int] | None]] = [[None] for _ in range(n)]
    for i, j, s in pairs:
        options[i].append((j, s))
    for choice in itertools.product(*options):
        size = Counter(c[0] for c in choice if c is not None)
        if any(not lows[j] <= size[j] <= highs[j] for j in range(len(lows))):
            continue
        chosen = {(i, c[0]) for i, c in enumerate(choice) if c is not None}
        if set(required) <= chosen:
            yield len(chosen), sum(c[1] for c in choice if c is not None)


def _most_filled(instance: Instance) -> int:
    """The most circles that can be at their minimum size at once."""
    n, lows, _, pairs = instance
    options: list[list[int | None]] = [[None] for _ in range(n)]
    for i, j, _ in pairs:
        options[i].append(j)
    return max(sum(size[j] >= low for j, low in enumerate(lows))
               for size in (Counter(choice) for choice in itertools.product(*options)))


def _valid(instance: Instance, solution: CircleSolution,
           required: tuple[tuple[int, int], ...] = ()) -> None:
    n, lows, highs, pairs = instance
    scores = {(i, j): s for i, j, s in pairs}
    mentees = [i for i, _ in solution.pairs]
    assert len(mentees) == len(set(mentees))
    assert set(solution.pairs) <= set(scores)
    assert set(required) <= set(solution.pairs)
    size = Counter(j for _, j in solution.pairs)
    assert solution.sizes == tuple(size[j] for j in range(len(lows)))
    assert all(lows[j] <= solution.sizes[j] <= highs[j] for j in range(len(lows)))
    assert solution.total == sum(scores[p] for p in solution.pairs)
    assert solution.matched == len(solution.pairs)
    assert set(solution.unmatched) == set(range(n)) - set(mentees)
    assert solution.certified


@settings(max_examples=200, deadline=None)
@given(instances(), st.booleans(), st.booleans())
def test_optimum_equals_brute_force(instance: Instance, max_matched: bool,
                                    pruned: bool) -> None:
    best = max(((placed if max_matched else 0, total)
                for placed, total in _arrangements(instance)), default=None)
    if best is None:
        with pytest.raises(CirclesInfeasible) as caught:
            _solve(instance, pruned=pruned, max_matched=max_matched)
        error = caught.value
        assert error.filled <= _most_filled(instance) <= error.at_most < error.circles
        assert error.placeable < error.needed
        return
    solution = _solve(instance, pruned=pruned, max_matched=max_matched)
    _valid(instance, solution)
    assert _check(instance, solution, max_matched=max_matched)
    assert (solution.matched if max_matched else 0, solution.total) == best


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_required_pairs_are_kept_and_count_toward_the_sizes(instance: Instance,
                                                            rng: random.Random) -> None:
    _, _, highs, pairs = instance
    required: list[tuple[int, int]] = []
    size: Counter[int] = Counter()
    for i, j, _ in rng.sample(pairs, len(pairs)):
        if rng.random() < 0.3 and i not in {r[0] for r in required} and size[j] < highs[j]:
            required.append((i, j))
            size[j] += 1
    locked = tuple(required)
    best = max((total for _, total in _arrangements(instance, locked)), default=None)
    if best is None:
        with pytest.raises(CirclesInfeasible):
            _solve(instance, pruned=True, required=locked)
        return
    solution = _solve(instance, pruned=True, required=locked)
    _valid(instance, solution, locked)
    assert _check(instance, solution, required=locked)
    assert solution.total == best


def test_equals_the_linear_programme_on_a_medium_instance() -> None:
    """The LP over every pair is integral (totally unimodular): HiGHS gives the optimum."""
    rng = np.random.default_rng(3)
    n, m = 150, 8
    feasible = rng.random((n, m)) < 0.7
    scores = rng.integers(0, 1001, (n, m))
    lows, highs = rng.integers(5, 12, m), rng.integers(12, 20, m)
    mentee, leader = np.nonzero(feasible)
    solution = solve_circles(n, lows, highs, leader.astype(np.int32), mentee.astype(np.int32),
                             scores[mentee, leader].astype(np.int16))
    assert solution.certified
    cols = mentee.size
    rows = np.concatenate([mentee, n + leader])
    matrix = sparse.csr_matrix((np.ones(2 * cols), (rows, np.tile(np.arange(cols), 2))),
                               shape=(n + m, cols))
    result = linprog(-scores[mentee, leader].astype(float),
                     A_ub=sparse.vstack([matrix, -matrix[n:]]),
                     b_ub=np.concatenate([np.ones(n), highs, -lows]), bounds=(0, 1),
                     method="highs")
    assert result.status == 0
    assert solution.total == round(-result.fun)
    assert all(lows[j] <= s <= highs[j] for j, s in enumerate(solution.sizes))


def test_too_few_mentees_say_how_many_circles_can_be_filled() -> None:
    # Three circles of at least 2; five mentees, all of whom may join any circle.
    pairs = [(i, j, 10) for i in range(5) for j in range(3)]
    with pytest.raises(CirclesInfeasible) as caught:
        _solve((5, [2, 2, 2], [3, 3, 3], pairs))
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.filled, error.at_most, error.circles) == (2, 2, 3)
    assert (error.needed, error.placeable) == (6, 5)
    assert "only 2 of the 3 circles can be filled" in str(error)
    assert "need 6 members" in str(error)


def test_mentees_who_may_not_join_leave_circles_unfilled() -> None:
    # Enough mentees in all, but only mentee 0 may join circle 1 (minimum 2).
    pairs = [(0, 0, 5), (0, 1, 5), (1, 0, 5), (2, 0, 5), (3, 0, 5)]
    with pytest.raises(CirclesInfeasible, match="only 1 of the 2 circles") as caught:
        _solve((4, [1, 2], [4, 4], pairs))
    assert (caught.value.placeable, caught.value.needed) == (2, 3)


def test_minimums_the_first_candidates_miss_are_still_met() -> None:
    # Both mentees like circle 0 best; circle 1 (minimum 1) is nobody's first choice, so
    # the pruned first flow cannot meet its minimum and is given a way to.
    instance: Instance = (2, [0, 1], [2, 1], [(0, 0, 10), (0, 1, 2), (1, 0, 9), (1, 1, 4)])
    solution = _solve(instance, pruned=True)
    _valid(instance, solution)
    assert solution.pairs == ((0, 0), (1, 1)) and solution.total == 14


def test_a_circle_at_its_minimum_may_have_a_negative_price() -> None:
    # Circle 1 must take one member, who would rather be in circle 0: its price is negative.
    instance: Instance = (2, [0, 1], [2, 1], [(0, 0, 10), (0, 1, 1), (1, 0, 10), (1, 1, 1)])
    solution = _solve(instance)
    _valid(instance, solution)
    assert solution.total == 11
    assert min(solution.certificate.v) < 0
    assert _check(instance, solution)


def test_certificate_refuses_tampering() -> None:
    instance: Instance = (3, [1, 1], [2, 1], [(0, 0, 10), (0, 1, 1), (1, 0, 10), (1, 1, 1),
                                               (2, 0, 6), (2, 1, 7)])
    solution = _solve(instance)
    _valid(instance, solution)
    u, v = list(solution.certificate.u), list(solution.certificate.v)
    assert _check(instance, solution)
    # Prices too low somewhere (a pair with a positive reduced cost), or negative u.
    assert not _check(instance, solution, u=[x - 1 for x in u])
    assert not _check(instance, solution, v=[v[0] - 1, v[1]])
    assert not _check(instance, solution, u=[-1.0, *u[1:]])
    assert not _check(instance, solution, v=v[:1])
    # Higher prices are feasible but prove nothing.
    assert not _check(instance, solution, u=[x + 1 for x in u])
    # A worse arrangement, sizes out of bounds, an infeasible pair, a mentee twice.
    assert solution.pairs == ((0, 0), (1, 0), (2, 1))
    assert not _check(instance, solution, pairs=[(0, 0), (1, 1), (2, 0)])
    assert not _check(instance, solution, pairs=[(0, 0), (1, 0)])
    assert not _check(instance, solution, pairs=[(0, 0), (1, 0), (2, 0)])
    assert not _check(instance, solution, pairs=[(0, 0), (1, 1), (2, 2)])
    assert not _check(instance, solution, pairs=[(0, 0), (0, 1), (2, 1)])
    # The same pairs and prices for another problem: a larger minimum is not met.
    assert not _check(instance, solution, lows=[1, 2], highs=[2, 2])


def test_bad_input_is_refused() -> None:
    pairs = [(0, 0, 5), (1, 0, 5)]
    with pytest.raises(ValueError, match="minimum above its maximum"):
        _solve((2, [2], [1], pairs))
    with pytest.raises(ValueError, match="same length"):
        solve_circles(2, [1], [1, 2], [0], [0], [5])
    with pytest.raises(ValueError, match="no capacity left"):
        _solve((2, [0], [1], pairs), required=[(0, 0), (1, 0)])
    with pytest.raises(ValueError, match="not feasible"):
        _solve((2, [0, 0], [1, 1], pairs), required=[(0, 1)])
