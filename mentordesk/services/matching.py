"""Optimal pairing of mentees with mentors, with a certificate of optimality on every run.

The problem: each mentee is matched at most once, mentor ``j`` takes at most
``capacities[j]`` mentees, only feasible pairs (those :func:`scoring.score_all` returned) may
be matched, and the total score (whole tenths of a point) is maximised. An unmatched mentee
scores 0.

How it is solved (issue 4's design): the problem is a bipartite b-matching, whose linear
programme has a totally unimodular constraint matrix, so the LP optimum at a vertex is a 0/1
assignment. The LP is solved by HiGHS (through :func:`scipy.optimize.linprog`) on a pruned
candidate set only, each mentee's best few mentors, and its dual prices are then checked
against *every* feasible pair with numpy in linear time. Pairs the prices say would pay
are added and the LP is re-solved, until the prices prove the answer optimal.

Why the certificate proves optimality: with prices ``u_i >= 0`` per mentee and ``v_j >= 0``
per mentor such that ``s_ij <= u_i + v_j`` for every feasible pair, any assignment ``y``
scores ``sum s_ij y_ij <= sum u_i + sum c_j v_j`` (the dual objective ``D``), because each
mentee is matched at most once and each mentor at most ``c_j`` times. Scores are integers,
so when our assignment's total ``P`` satisfies ``D < P + 1`` no assignment can beat it.
Floating-point rounding is accounted for by adding the largest positive reduced cost times
the most pairs any assignment can have to ``D``.

Locked pairs (``required``) are placed first: their mentees leave the problem and their
mentors' capacities shrink; the rest is solved and certified optimal given the locks.
Forbidden pairs are simply absent from the feasible set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linprog

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Pairs added per mentee in a pricing round (the most violated first).
ADD_PER_MENTEE = 5
# Interior point with crossover: a vertex (so 0/1 here), and about twice as fast as dual
# simplex on these LPs.
LP_METHOD = "highs-ipm"
# After this many pricing rounds the LP is solved over every feasible pair.
MAX_ROUNDS = 30
# A reduced cost above this (relative to the largest score) makes a pair worth adding.
PRICE_TOLERANCE = 1e-9
# How far from 0 or 1 an LP value may be and still count as integral.
INTEGRALITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Certificate:
    """Dual prices proving a :class:`Solution` optimal, and how they were found.

    Attributes:
        u: the price of each mentee (0 for mentees of required pairs, who are not priced).
        v: the price of each mentor's capacity left after the required pairs.
        dual_objective: ``sum(u) + sum(residual capacity * v)``, in the solver's scores
            (including ``offset`` per pair when ``max_matched`` was asked).
        primal_objective: the solved part's total in the same scores.
        max_reduced_cost: the largest ``s_ij - u_i - v_j`` over every feasible pair of the
            solved part (<= 0, up to rounding, when the prices are feasible).
        offset: the constant added to every pair's score (``max_matched``), else 0.
        rounds: how many times the LP was solved.
        candidates: how many candidate pairs the last LP had.
    """

    u: tuple[float, ...]
    v: tuple[float, ...]
    dual_objective: float
    primal_objective: int
    max_reduced_cost: float
    offset: int
    rounds: int
    candidates: int


@dataclass(frozen=True)
class Solution:
    """An assignment of mentees to mentors.

    Attributes:
        pairs: (mentee, mentor) indices, by mentee.
        total: the sum of the pairs' scores, in tenths (required pairs included).
        matched: how many mentees are matched.
        certified: whether :attr:`certificate` proves the assignment optimal.
        unmatched: the mentees left without a mentor.
    """

    pairs: tuple[tuple[int, int], ...]
    total: int
    matched: int
    certified: bool
    certificate: Certificate
    unmatched: tuple[int, ...]


@dataclass(frozen=True)
class _Problem:
    """The validated problem with pairs sorted by mentee, and the required part removed."""

    n_mentees: int
    capacity: IntArray  # left after the required pairs
    mentee: IntArray  # pairs of the free mentees only, sorted by mentee
    mentor: IntArray
    score: IntArray  # including the offset
    offset: int
    fixed: tuple[tuple[int, int], ...]  # required (mentee, mentor)
    fixed_total: int  # required pairs' scores, without the offset
    free: npt.NDArray[np.bool_]  # mentees not in a required pair


def _as_int(values: npt.ArrayLike, name: str) -> IntArray:
    data = np.asarray(values)
    if data.size and not np.issubdtype(data.dtype, np.integer):
        raise ValueError(f"{name} must hold whole numbers")
    return data.astype(np.int64, copy=False).reshape(-1)


def _prepare(n_mentees: int, capacities: Sequence[int], mentor_idx: npt.ArrayLike,
             mentee_idx: npt.ArrayLike, scores: npt.ArrayLike,
             required: Iterable[tuple[int, int]], max_matched: bool) -> _Problem:
    capacity = _as_int(capacities, "capacities").copy()
    mentor = _as_int(mentor_idx, "mentor_idx")
    mentee = _as_int(mentee_idx, "mentee_idx")
    score = _as_int(scores, "scores")
    if not mentor.size == mentee.size == score.size:
        raise ValueError("mentor_idx, mentee_idx and scores must have the same length")
    if n_mentees < 0 or (capacity < 0).any():
        raise ValueError("counts and capacities must not be negative")
    if score.size:
        if mentee.min() < 0 or mentee.max() >= n_mentees:
            raise ValueError("a mentee index is out of range")
        if mentor.min() < 0 or mentor.max() >= capacity.size:
            raise ValueError("a mentor index is out of range")
        if score.min() < 0:
            raise ValueError("scores must not be negative")

    if mentee.size > 1 and (np.diff(mentee) < 0).any():
        order = np.argsort(mentee, kind="stable")
        mentor, mentee, score = mentor[order], mentee[order], score[order]

    offset = 0
    if max_matched and score.size:
        # More than any difference in total score: one more match always wins.
        best = np.zeros(n_mentees, dtype=np.int64)
        np.maximum.at(best, mentee, score)
        offset = int(best.sum()) + 1

    free = np.ones(n_mentees, dtype=bool)
    fixed: list[tuple[int, int]] = []
    fixed_total = 0
    if required:
        starts = np.searchsorted(mentee, np.arange(n_mentees + 1))
        for i, j in sorted(set(required)):
            if not 0 <= i < n_mentees or not free[i]:
                raise ValueError(f"required mentee {i} is out of range or required twice")
            lo, hi = starts[i], starts[i + 1]
            hits = np.flatnonzero(mentor[lo:hi] == j)
            if not hits.size:
                raise ValueError(f"required pair (mentee {i}, mentor {j}) is not feasible")
            if capacity[j] <= 0:
                raise ValueError(f"mentor {j} has no capacity left for required mentee {i}")
            capacity[j] -= 1
            free[i] = False
            fixed.append((i, j))
            fixed_total += int(score[lo + hits].max())
        keep = free[mentee]
        mentor, mentee, score = mentor[keep], mentee[keep], score[keep]
    return _Problem(n_mentees, capacity, mentee, mentor, score + offset, offset,
                    tuple(fixed), fixed_total, free)


def _best_per_mentee(p: _Problem, k: int) -> IntArray:
    """Indices of each mentee's ``k`` best pairs (ties broken arbitrarily)."""
    if not p.score.size:
        return np.zeros(0, dtype=np.int64)
    starts = np.searchsorted(p.mentee, np.arange(p.n_mentees + 1))
    counts = np.diff(starts)
    if counts.max() <= k:
        return np.arange(p.score.size, dtype=np.int64)
    chosen: list[IntArray] = []
    for i in np.flatnonzero(counts):
        lo, hi = int(starts[i]), int(starts[i + 1])
        if hi - lo <= k:
            chosen.append(np.arange(lo, hi, dtype=np.int64))
        else:
            part = np.argpartition(-p.score[lo:hi], k - 1)[:k]
            chosen.append(part.astype(np.int64) + lo)
    return np.concatenate(chosen)


def _solve_lp(p: _Problem, cand: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """x over the candidates, and the prices u (mentees) and v (mentors), all >= 0."""
    n, m = p.n_mentees, p.capacity.size
    cols = cand.size
    rows = np.concatenate([p.mentee[cand], n + p.mentor[cand]])
    matrix = sparse.csc_matrix(
        (np.ones(2 * cols), (rows, np.concatenate([np.arange(cols), np.arange(cols)]))),
        shape=(n + m, cols))
    bounds = np.concatenate([p.free.astype(np.float64), p.capacity.astype(np.float64)])
    result = linprog(-p.score[cand].astype(np.float64), A_ub=matrix, b_ub=bounds,
                     bounds=(0, None), method=LP_METHOD)
    if result.status != 0:
        raise RuntimeError(f"the LP solver failed: {result.message}")
    # linprog minimises -s.x; its marginals are d(objective)/d(b) <= 0, so the prices of
    # the maximisation are their negatives.
    prices = np.maximum(-np.asarray(result.ineqlin.marginals, dtype=np.float64), 0.0)
    return np.asarray(result.x, dtype=np.float64), prices[:n], prices[n:]


def _reduced_costs(p: _Problem, u: FloatArray, v: FloatArray) -> FloatArray:
    return p.score - u[p.mentee] - v[p.mentor]


def _tighten(p: _Problem, u: FloatArray, v: FloatArray) -> FloatArray:
    """Mentee prices raised just enough that every feasible pair is priced out."""
    best = np.zeros(p.n_mentees, dtype=np.float64)
    if p.score.size:
        np.maximum.at(best, p.mentee, p.score - v[p.mentor])
    best[~p.free] = 0.0
    return np.maximum(u, best)


def _verdict(p: _Problem, pairs: Sequence[tuple[int, int]], u: FloatArray,
             v: FloatArray) -> tuple[bool, float, float, int]:
    """(proved optimal, dual objective, max reduced cost, solved part's primal objective)."""
    n, m = p.n_mentees, p.capacity.size
    if u.shape != (n,) or v.shape != (m,) or not np.isfinite(u).all() \
            or not np.isfinite(v).all() or (u < 0).any() or (v < 0).any():
        return False, float("nan"), float("nan"), 0
    dual = float(u[p.free].sum() + (p.capacity * v).sum())
    rc = _reduced_costs(p, u, v)
    max_rc = float(rc.max()) if rc.size else 0.0
    # Feasibility of the assignment, and its objective in the solver's scores.
    fixed = set(p.fixed)
    load = np.zeros(m, dtype=np.int64)
    seen: set[int] = set()
    starts = np.searchsorted(p.mentee, np.arange(n + 1))
    primal = 0
    for i, j in pairs:
        if (i, j) in fixed:
            continue
        if not (0 <= i < n and 0 <= j < m) or i in seen:
            return False, dual, max_rc, 0
        lo, hi = int(starts[i]), int(starts[i + 1])
        hits = p.score[lo:hi][p.mentor[lo:hi] == j]
        if not hits.size:
            return False, dual, max_rc, 0
        seen.add(i)
        load[j] += 1
        primal += int(hits.max())
    if not fixed <= set(pairs) or (load > p.capacity).any():
        return False, dual, max_rc, primal
    # Any assignment has at most this many pairs in the solved part.
    most = min(int(p.free.sum()), int(p.capacity.sum()))
    bound = dual + max(max_rc, 0.0) * most
    return bound < primal + 1, dual, max_rc, primal


def check_certificate(n_mentees: int, capacities: Sequence[int], mentor_idx: npt.ArrayLike,
                      mentee_idx: npt.ArrayLike, scores: npt.ArrayLike,
                      pairs: Sequence[tuple[int, int]], u: Sequence[float],
                      v: Sequence[float], *, required: Iterable[tuple[int, int]] = (),
                      max_matched: bool = False) -> bool:
    """Whether prices ``u``, ``v`` prove ``pairs`` an optimal assignment of the problem.

    Checks, independently of how the pairs were found: every pair is feasible, no mentee is
    matched twice, no mentor beyond capacity, the required pairs are all there; the prices
    are non-negative and, up to rounding accounted for, no feasible pair has a positive
    reduced cost; and the dual objective is less than the assignment's total plus 1 (so,
    scores being whole numbers, nothing beats it). The arguments are those of :func:`solve`.
    """
    try:
        problem = _prepare(n_mentees, capacities, mentor_idx, mentee_idx, scores,
                           required, max_matched)
    except ValueError:
        return False
    ok, _, _, _ = _verdict(problem, list(pairs), np.asarray(u, dtype=np.float64).reshape(-1),
                           np.asarray(v, dtype=np.float64).reshape(-1))
    return ok


def solve(n_mentees: int, capacities: Sequence[int], mentor_idx: npt.ArrayLike,
          mentee_idx: npt.ArrayLike, scores: npt.ArrayLike, *,
          required: Iterable[tuple[int, int]] = (), max_matched: bool = False,
          candidates_per_mentee: int = 15) -> Solution:
    """The assignment with the highest total score, and the prices proving it.

    Args:
        n_mentees: how many mentees (indices 0 .. n_mentees - 1).
        capacities: each mentor's capacity (>= 0).
        mentor_idx, mentee_idx, scores: the feasible pairs, as :class:`ScoreTable` holds
            them (scores in whole tenths, >= 0).
        required: (mentee, mentor) pairs that must be kept (locked by the coordinator).
        max_matched: match as many mentees as possible first, then maximise the score.
        candidates_per_mentee: how many of each mentee's best mentors the first LP gets.

    Raises:
        ValueError: malformed input, or required pairs that are infeasible, repeat a
            mentee, or exceed a mentor's capacity.
    """
    required = tuple(required)
    p = _prepare(n_mentees, capacities, mentor_idx, mentee_idx, scores, required,
                 max_matched)
    n, m = p.n_mentees, p.capacity.size
    tolerance = PRICE_TOLERANCE * max(1.0, float(p.score.max()) if p.score.size else 1.0)
    in_lp = np.zeros(p.score.size, dtype=bool)
    in_lp[_best_per_mentee(p, max(1, candidates_per_mentee))] = True

    rounds = 0
    while True:
        rounds += 1
        cand = np.flatnonzero(in_lp)
        x, u_lp, v = _solve_lp(p, cand) if cand.size else (
            np.zeros(0), np.zeros(n), np.zeros(m))
        rc = _reduced_costs(p, u_lp, v)
        violated = np.flatnonzero((rc > tolerance) & ~in_lp)
        if not violated.size:
            break
        if rounds >= MAX_ROUNDS:
            in_lp[:] = True
            continue
        # The most violated few per mentee (pairs are sorted by mentee).
        order = violated[np.lexsort((-rc[violated], p.mentee[violated]))]
        group = p.mentee[order]
        first = np.searchsorted(group, group)  # start of each mentee's run
        in_lp[order[np.arange(order.size) - first < ADD_PER_MENTEE]] = True

    rounded = np.rint(x)
    integral = bool(np.all(np.abs(x - rounded) <= INTEGRALITY_TOLERANCE))
    chosen = cand[rounded > 0.5]
    pairs = sorted([*p.fixed, *zip(p.mentee[chosen].tolist(), p.mentor[chosen].tolist(),
                                   strict=True)])
    u = _tighten(p, u_lp, v)
    ok, dual, max_rc, primal = _verdict(p, pairs, u, v)
    matched_set = {i for i, _ in pairs}
    total = p.fixed_total + primal - p.offset * (len(pairs) - len(p.fixed))
    certificate = Certificate(
        u=tuple(u.tolist()), v=tuple(v.tolist()), dual_objective=dual,
        primal_objective=primal, max_reduced_cost=max_rc, offset=p.offset, rounds=rounds,
        candidates=int(cand.size))
    return Solution(
        pairs=tuple(pairs), total=total, matched=len(pairs), certified=ok and integral,
        certificate=certificate,
        unmatched=tuple(i for i in range(n) if i not in matched_set))
