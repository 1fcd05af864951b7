"""Optimal pairing of mentees with mentors, with a certificate of optimality on every run.

The problem: each mentee is matched at most once, mentor ``j`` takes at most
``capacities[j]`` mentees, only feasible pairs (those :func:`scoring.score_all` returned) may
be matched, and the total score (whole tenths of a point) is maximised. An unmatched mentee
scores 0.

How it is solved: the problem is a bipartite b-matching, a min-cost flow (source ->
mentee, capacity 1; mentee -> mentor, cost ``-score``; mentor -> sink, capacity
``capacities[j]``; mentee -> sink at cost 0 for a mentee left unmatched), solved exactly in
integers by OR-tools' ``SimpleMinCostFlow``. The flow is solved on a pruned candidate set
only: each mentee's few best mentors and each mentor's few best mentees, picked from a
dense score matrix with ``np.partition`` (or by sorting, when few pairs are feasible).
Dual prices are then derived from the flow (below), checked against *every* feasible pair
with numpy, and the pairs they say would pay are added and the flow solved again, until
no feasible pair does: the prices then prove the answer optimal.

The prices: OR-tools does not expose its node potentials, so they are recomputed from the
optimal flow. Complementary slackness says a mentor with room left has price 0, a matched
pair is tight (``u_i + v_j = s_ij``) and an unmatched mentee has price 0, so with ``u_i``
eliminated every remaining dual constraint is a difference constraint between two mentor
prices (``v_m(i) - v_j <= s_i,m(i) - s_ij``) or one price and 0. Their largest solution is
the shortest-path distances from a root, found by a vectorised Bellman-Ford on a graph
with one node per mentor. Scores being integers, the prices are integers, and the dual
objective equals the assignment's total exactly.

Why the certificate proves optimality: with prices ``u_i >= 0`` per mentee and ``v_j >= 0``
per mentor such that ``s_ij <= u_i + v_j`` for every feasible pair, any assignment ``y``
scores ``sum s_ij y_ij <= sum u_i + sum c_j v_j`` (the dual objective ``D``), because each
mentee is matched at most once and each mentor at most ``c_j`` times. Scores are integers,
so when our assignment's total ``P`` satisfies ``D < P + 1`` no assignment can beat it.
:func:`check_certificate` verifies this from the input alone, independently of the flow;
prices that are not whole numbers are allowed, with rounding accounted for by adding the
largest positive reduced cost times the most pairs any assignment can have to ``D``.

Locked pairs (``required``) are placed first: their mentees leave the problem and their
mentors' capacities shrink; the rest is solved and certified optimal given the locks.
Forbidden pairs are simply absent from the feasible set. A pair listed twice counts with
its higher score.

The same machinery, with a lower bound on each mentor's load, solves group circles
(:mod:`mentordesk.services.circles`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# Index and score arrays as the caller gave them (int32, int16, int64, ...): never copied whole.
AnyIntArray = npt.NDArray[np.integer[Any]]

# How many of each mentor's best mentees the first flow gets (on top of their capacity).
CANDIDATES_PER_MENTOR = 6
# Pairs added per mentee in a pricing round (the most violated first).
ADD_PER_MENTEE = 5
ADD_PER_MENTOR = 5
# A score matrix is used for picking candidates and pricing when it is small, or when at
# least this share of all pairs is feasible (at most 20 bytes per feasible pair in int16;
# below it, sorting the pairs is faster).
DENSE_MIN_DENSITY = 0.1
DENSE_ALWAYS_CELLS = 1 << 22
# The first flow also gets, for each mentee, the mentors this far around the same rank by
# average score (see _Pricing._diagonal).
DIAGONAL_WIDTH = 2
# When not every circle can be filled, how many times circles are given up to fill others.
UNFILLED_ROUNDS = 8
# Threshold ties may give a mentee or mentor more candidates than asked; beyond this many
# times the number asked for in all, the candidates are picked exactly instead.
TIE_SLACK = 3
# Pairs handled at once in passes over every feasible pair (fits the CPU cache).
CHUNK = 1 << 16


class MinimumsUnreachable(ValueError):  # noqa: N818 (a condition, not a bug)
    """Not enough mentees can be placed to fill every mentor's minimum load.

    Raised only when lower bounds are given (group circles); see
    :class:`mentordesk.services.circles.CirclesInfeasible`.

    Attributes:
        needed: members the minimums need (after required pairs).
        placeable: the most of them that can be placed at once.
        filled: mentors (circles) at their minimum in the best arrangement found.
        at_most: an upper bound on how many can be filled at once.
        circles: how many mentors (circles) there are.
    """

    def __init__(self, needed: int, placeable: int, filled: int, at_most: int,
                 circles: int) -> None:
        super().__init__(f"{placeable} of {needed} places can be filled")
        self.needed = needed
        self.placeable = placeable
        self.filled = filled
        self.at_most = at_most
        self.circles = circles


@dataclass(frozen=True)
class Certificate:
    """Dual prices proving a :class:`Solution` optimal, and how they were found.

    Attributes:
        u: the price of each mentee (0 for mentees of required pairs, who are not priced).
        v: the price of each mentor's capacity left after the required pairs (for circles,
            a free price: positive at the maximum size, negative at the minimum).
        dual_objective: ``sum(u) + sum(residual capacity * v)``, in the solver's scores
            (including ``offset`` per pair when ``max_matched`` was asked).
        primal_objective: the solved part's total in the same scores.
        max_reduced_cost: the largest ``s_ij - u_i - v_j`` over every feasible pair of the
            solved part (<= 0, up to rounding, when the prices are feasible).
        offset: the constant added to every pair's score (``max_matched``), else 0.
        rounds: how many times the flow was solved.
        candidates: how many candidate pairs the last flow had.
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
    """The validated problem; the pair arrays are the caller's, uncopied."""

    n_mentees: int
    lower: IntArray  # each mentor's least load, left after the required pairs
    upper: IntArray  # each mentor's capacity, left after the required pairs
    mentee: AnyIntArray
    mentor: AnyIntArray
    score: AnyIntArray  # without the offset
    top: int  # the highest score
    offset: int
    fixed: tuple[tuple[int, int], ...]  # required (mentee, mentor)
    fixed_total: int  # required pairs' scores, without the offset
    free: BoolArray  # mentees not in a required pair

    @property
    def n_mentors(self) -> int:
        return int(self.upper.size)

    @property
    def most_pairs(self) -> int:
        """The most pairs any assignment of the solved part can have."""
        return min(int(self.free.sum()), int(self.upper.sum()))


@dataclass(frozen=True)
class _Result:
    """The solved part: chosen pairs and integral prices."""

    mentee: IntArray
    mentor: IntArray
    u: IntArray
    v: IntArray
    rounds: int
    candidates: int


def _as_int(values: npt.ArrayLike, name: str) -> AnyIntArray:
    data = np.asarray(values).reshape(-1)
    if not data.size:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(data.dtype, np.integer):
        raise ValueError(f"{name} must hold whole numbers")
    return data


def _chunks(size: int) -> range:
    return range(0, size, CHUNK)


def _scores_of(p: _Problem, mentee: IntArray, mentor: IntArray) -> IntArray:
    """The best score of each (mentee, mentor) pair, -1 if infeasible; one mentee once."""
    wanted = np.full(p.n_mentees, -1, dtype=np.int64)
    wanted[mentee] = mentor
    best = np.full(p.n_mentees, -1, dtype=np.int64)
    for a in _chunks(p.score.size):
        me = p.mentee[a:a + CHUNK]
        hits = np.flatnonzero(wanted.take(me) == p.mentor[a:a + CHUNK])
        if hits.size:
            np.maximum.at(best, me[hits], p.score[a:a + CHUNK][hits])
    return best[mentee]


def _prepare(n_mentees: int, lower: npt.ArrayLike, upper: npt.ArrayLike,
             mentor_idx: npt.ArrayLike, mentee_idx: npt.ArrayLike, scores: npt.ArrayLike,
             required: Iterable[tuple[int, int]], max_matched: bool,
             who: str = "mentor") -> _Problem:
    """Validate; ``who`` names a mentor in messages (a circle's leader for circles)."""
    high = _as_int(upper, "capacities").astype(np.int64)
    low = _as_int(lower, "minimum sizes").astype(np.int64)
    mentor = _as_int(mentor_idx, "mentor_idx")
    mentee = _as_int(mentee_idx, "mentee_idx")
    score = _as_int(scores, "scores")
    if not mentor.size == mentee.size == score.size:
        raise ValueError("mentor_idx, mentee_idx and scores must have the same length")
    if low.size != high.size:
        raise ValueError("minimum and maximum sizes must have the same length")
    if n_mentees < 0 or (high < 0).any() or (low < 0).any():
        raise ValueError("counts and capacities must not be negative")
    if (low > high).any():
        raise ValueError(f"{who} {int(np.argmax(low > high))} has a minimum above its maximum")
    top = 0
    if score.size:
        if mentee.min() < 0 or mentee.max() >= n_mentees:
            raise ValueError("a mentee index is out of range")
        if mentor.min() < 0 or mentor.max() >= high.size:
            raise ValueError("a mentor index is out of range")
        if score.min() < 0:
            raise ValueError("scores must not be negative")
        top = int(score.max())

    free = np.ones(n_mentees, dtype=bool)
    fixed = tuple(sorted(set(required)))
    fixed_total = 0
    if fixed:
        fi = np.array([i for i, _ in fixed], dtype=np.int64)
        fj = np.array([j for _, j in fixed], dtype=np.int64)
        for i, j in fixed:
            if not 0 <= i < n_mentees or not free[i]:
                raise ValueError(f"required mentee {i} is out of range or required twice")
            if not 0 <= j < high.size:
                raise ValueError(f"required pair (mentee {i}, {who} {j}) is not feasible")
            free[i] = False
        probe = _Problem(n_mentees, low, high, mentee, mentor, score, top, 0, (), 0, free)
        found = _scores_of(probe, fi, fj)
        if (found < 0).any():
            k = int(np.argmax(found < 0))
            raise ValueError(f"required pair (mentee {fi[k]}, {who} {fj[k]}) is not feasible")
        load = np.bincount(fj, minlength=high.size)
        if (load > high).any():
            j = int(np.argmax(load > high))
            i = int(fi[fj == j][-1])
            raise ValueError(f"{who} {j} has no capacity left for required mentee {i}")
        high = high - load
        low = np.maximum(low - load, 0)
        fixed_total = int(found.sum())

    offset = 0
    if max_matched and score.size:
        # More than any assignment's total: one more match always wins.
        offset = top * min(int(free.sum()), int(high.sum())) + 1
    return _Problem(n_mentees, low, high, mentee, mentor, score, top, offset, fixed,
                    fixed_total, free)


# --------------------------------------------------------------------------- the solver


class _Pricing:
    """Every feasible pair of the solved part, to pick candidates from and price against.

    A dense score matrix (-1 where infeasible) when it is small enough; else the caller's
    arrays, visited in chunks.
    """

    def __init__(self, p: _Problem) -> None:
        self.p = p
        n, m = p.n_mentees, p.n_mentors
        self.live = p.upper > 0  # mentors who can take anyone
        cells = n * m
        self.dense: npt.NDArray[np.signedinteger[Any]] | None = None
        if cells <= DENSE_ALWAYS_CELLS or cells * DENSE_MIN_DENSITY <= p.score.size:
            self.dense = self._matrix()

    def _matrix(self) -> npt.NDArray[np.signedinteger[Any]]:
        p = self.p
        n, m = p.n_mentees, p.n_mentors
        dtype = np.int16 if p.top < 2**15 else np.int32 if p.top < 2**31 else np.int64
        dense = np.full((n, m), -1, dtype=dtype)
        flat = dense.reshape(-1)
        for a in _chunks(p.score.size):
            at = p.mentee[a:a + CHUNK].astype(np.int64)
            at *= m
            at += p.mentor[a:a + CHUNK]
            flat[at] = p.score[a:a + CHUNK]
        if np.count_nonzero(flat >= 0) < p.score.size:
            # A pair listed twice: keep its higher score (slower, and rare).
            flat[:] = -1
            for a in _chunks(p.score.size):
                at = p.mentee[a:a + CHUNK].astype(np.int64) * m + p.mentor[a:a + CHUNK]
                np.maximum.at(flat, at, p.score[a:a + CHUNK].astype(dtype))
        dense[~p.free] = -1
        dense[:, ~self.live] = -1
        return dense

    def candidates(self, per_mentee: int,
                   per_mentor: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """(mentee, mentor, score with the offset) of each mentee's and mentor's best few."""
        if self.dense is not None:
            ci, cj = self._dense_candidates(per_mentee, per_mentor)
            return ci, cj, self.dense[ci, cj].astype(np.int64) + self.p.offset
        return self._sparse_candidates(per_mentee, per_mentor)

    def _dense_candidates(self, per_mentee: int,
                          per_mentor: IntArray) -> tuple[IntArray, IntArray]:
        dense = self.dense
        assert dense is not None
        n, m = dense.shape
        if not dense.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        k = min(per_mentee, m)
        row_floor = np.partition(dense, m - k, axis=1)[:, m - k] if k else np.full(n, 2**62)
        kc = min(int(per_mentor.max()) if per_mentor.size else 0, n)
        col_floor = np.full(m, 2**62, dtype=np.int64)
        if kc:
            block = max(1, CHUNK * 4 // max(n, 1))
            for a in range(0, m, block):
                part = np.ascontiguousarray(dense[:, a:a + block].T)
                col_floor[a:a + block] = np.partition(part, n - kc, axis=1)[:, n - kc]
        # Never an infeasible pair (-1): a threshold below 0 takes every feasible one.
        row_floor = np.maximum(row_floor.astype(np.int64), 0)
        col_floor = np.maximum(col_floor, 0)
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        step = max(1, CHUNK * 4 // max(m, 1))
        room = TIE_SLACK * (n * k + m * kc)
        for a in range(0, n, step):
            part = dense[a:a + step]
            pick = (part >= row_floor[a:a + step, None]) | (part >= col_floor[None, :])
            r, c = np.divmod(np.flatnonzero(pick), m)
            rows.append(r + a)
            cols.append(c)
            room -= r.size
            if room < 0:
                break
        if room >= 0:
            ci = np.concatenate(rows).astype(np.int64)
            cj = np.concatenate(cols).astype(np.int64)
        else:
            # Many equal scores: pick exactly k per mentee and kc per mentor instead.
            ci, cj = self._exact_candidates(k, kc)
        di, dj = self._diagonal()
        key = np.unique(np.concatenate([ci * m + cj, di * m + dj]))
        return key // m, key % m

    def _diagonal(self) -> tuple[IntArray, IntArray]:
        """Pairs of mentees and mentors of the same rank by their average score.

        When everyone agrees on who the best mentors are, every mentee's few best are the
        same few mentors, and the optimum pairs the best-liked mentees with the best-liked
        mentors: these pairs give the first flow a way to it.
        """
        dense = self.dense
        assert dense is not None
        n, m = dense.shape
        width = DIAGONAL_WIDTH
        slots = np.where(self.live, self.p.upper, 0)
        if not slots.sum() or not n or not width:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        mentees = np.argsort(-dense.mean(axis=1), kind="stable")
        mentors = np.argsort(-dense.mean(axis=0), kind="stable")
        filled = np.cumsum(slots[mentors])
        slot = np.arange(n, dtype=np.int64) * int(filled[-1]) // n
        at = np.searchsorted(filled, slot, side="right")
        near = np.clip(at[:, None] + np.arange(-width, width + 1)[None, :], 0, m - 1)
        di = np.repeat(mentees, near.shape[1])
        dj = mentors[near.reshape(-1)]
        keep = dense[di, dj] >= 0
        return di[keep], dj[keep]

    def _exact_candidates(self, k: int, kc: int) -> tuple[IntArray, IntArray]:
        """Exactly ``k`` per mentee and ``kc`` per mentor, equal scores spread out.

        Among equal scores, mentee ``i`` prefers the mentors from ``i * m / n`` on (and each
        mentor the mentees from ``j * n / m`` on), so equally good candidates are shared
        out instead of every mentee getting the same first few mentors.
        """
        dense = self.dense
        assert dense is not None
        found: list[tuple[IntArray, IntArray]] = []
        for matrix, count, flip in ((dense, k, False), (dense.T, kc, True)):
            rows, cols = matrix.shape
            if not count or not rows or not cols:
                continue
            start = np.arange(rows, dtype=np.int64) * cols // rows
            step = max(1, CHUNK * 4 // cols)
            for a in range(0, rows, step):
                part = matrix[a:a + step]
                key = part.astype(np.int64) * cols
                spread = np.arange(cols, dtype=np.int64)[None, :] - start[a:a + step, None]
                key += cols - 1 - spread % cols
                floor = np.partition(key, cols - count, axis=1)[:, cols - count]
                r, c = np.nonzero((key >= floor[:, None]) & (part >= 0))
                pair = (c, r + a) if flip else (r + a, c)
                found.append((pair[0].astype(np.int64), pair[1].astype(np.int64)))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        m = dense.shape[1]
        key = np.unique(np.concatenate([i * m + j for i, j in found]))
        return key // m, key % m

    def _usable(self) -> IntArray:
        """Indices of the pairs of free mentees with live mentors."""
        p = self.p
        return np.flatnonzero(p.free[p.mentee] & self.live[p.mentor]).astype(np.int64)

    def _sparse_candidates(self, per_mentee: int,
                           per_mentor: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        p = self.p
        usable = self._usable()
        score = p.score[usable].astype(np.int64)
        chosen: list[IntArray] = []
        for owner, k in ((p.mentee[usable], per_mentee),
                         (p.mentor[usable], int(per_mentor.max()) if per_mentor.size else 0)):
            order = np.lexsort((-score, owner))
            group = owner[order]
            rank = np.arange(order.size) - np.searchsorted(group, group)
            chosen.append(usable[order[rank < k]])
        picked = np.unique(np.concatenate(chosen))
        return (p.mentee[picked].astype(np.int64), p.mentor[picked].astype(np.int64),
                p.score[picked].astype(np.int64) + p.offset)

    def violated(self, u: IntArray, v: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """(mentee, mentor, score with the offset) of every pair with ``s_ij > u_i + v_j``."""
        p = self.p
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        found: list[IntArray] = []
        if self.dense is not None:
            dense = self.dense
            n, m = dense.shape
            step = max(1, CHUNK * 4 // max(m, 1))
            for a in range(0, n, step):
                part = dense[a:a + step]
                bar = u[a:a + step, None] + v[None, :]
                bar -= p.offset
                # An infeasible pair (-1) never beats a bar of -1 or more.
                np.maximum(bar, -1, out=bar)
                over = part > bar
                if not over.any():
                    continue
                r, c = np.divmod(np.flatnonzero(over), m)
                rows.append(r + a)
                cols.append(c)
                found.append(part[r, c].astype(np.int64) + p.offset)
        else:
            # Required mentees are not priced; dead mentors are priced out already.
            priced = np.where(p.free, u, np.int64(2**62))
            for a in _chunks(p.score.size):
                me, mo = p.mentee[a:a + CHUNK], p.mentor[a:a + CHUNK]
                sc = p.score[a:a + CHUNK]
                hit = np.flatnonzero(sc + (p.offset - priced.take(me) - v.take(mo)) > 0)
                if hit.size:
                    rows.append(me[hit].astype(np.int64))
                    cols.append(mo[hit].astype(np.int64))
                    found.append(sc[hit].astype(np.int64) + p.offset)
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return (np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64),
                np.concatenate(found).astype(np.int64))


def _flow(p: _Problem, ci: IntArray, cj: IntArray, cs: IntArray) -> BoolArray | None:
    """Which candidate pairs an optimal flow uses; None if the lower bounds cannot be met."""
    n, m = p.n_mentees, p.n_mentors
    sink = n + m
    free = np.flatnonzero(p.free)
    live = np.flatnonzero(p.upper > 0)
    graph = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([ci, free, n + live]).astype(np.int32)
    heads = np.concatenate([n + cj, np.full(free.size + live.size, sink)]).astype(np.int32)
    capacity = np.concatenate([np.ones(ci.size + free.size, dtype=np.int64),
                               p.upper[live] - p.lower[live]])
    cost = np.concatenate([-cs, np.zeros(free.size + live.size, dtype=np.int64)])
    graph.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, cost)
    supply = np.zeros(n + m + 1, dtype=np.int64)
    supply[free] = 1
    supply[n:sink] = -p.lower
    supply[sink] = -(free.size - int(p.lower.sum()))
    if supply[sink] > 0:
        return None
    graph.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supply)
    status = graph.solve()
    if status == graph.INFEASIBLE:
        return None
    if status != graph.OPTIMAL:
        raise RuntimeError(f"the min-cost flow solver failed ({status})")
    if not ci.size:
        return np.zeros(0, dtype=bool)
    flows = np.asarray(graph.flows(np.arange(ci.size, dtype=np.int32)))
    return flows > 0


def _potentials(p: _Problem, ci: IntArray, cj: IntArray, cs: IntArray,
                x: BoolArray) -> tuple[IntArray, IntArray]:
    """Integral prices (u, v) satisfying complementary slackness with the flow ``x``.

    Every candidate pair gets a reduced cost <= 0. See the module docstring.
    """
    n, m = p.n_mentees, p.n_mentors
    far = np.int64(2**62)
    match = np.full(n, -1, dtype=np.int64)
    match[ci[x]] = cj[x]
    gained = np.zeros(n, dtype=np.int64)
    gained[ci[x]] = cs[x]
    size = np.bincount(cj[x], minlength=m)
    live = p.upper > 0
    # Upper bounds from the root: 0 with room left (v <= 0), else each matched mentee's
    # score (u >= 0).
    v = np.where(size < p.upper, 0, far)
    np.minimum.at(v, cj[x], cs[x])
    # Lower bounds to the root: each unmatched mentee's scores (u = 0), and 0 unless the
    # mentor is at its minimum with a minimum to meet (v >= 0).
    least = np.where((size > p.lower) | (p.lower == 0), 0, -far)
    owner = match[ci]
    lone = owner < 0
    np.maximum.at(least, cj[lone], cs[lone])
    # v[owner] <= v[j] + gained - s_ij for every other candidate j of a matched mentee.
    other = (owner >= 0) & (owner != cj)
    head, tail = owner[other], cj[other]
    weight = gained[ci[other]] - cs[other]
    high = _relax(v, head, tail, weight)
    if (high < least)[live].any():
        raise RuntimeError("the flow is not optimal (an unmatched mentee would gain)")
    v = high
    # A mentor who can take no one is priced above every pair: it costs nothing.
    v[~live] = p.top + p.offset
    u = np.zeros(n, dtype=np.int64)
    mine = np.flatnonzero(match >= 0)
    u[mine] = gained[mine] - v[match[mine]]
    return u, v


def _relax(start: IntArray, head: IntArray, tail: IntArray, weight: IntArray) -> IntArray:
    """Bellman-Ford: the largest ``v <= start`` with ``v[head] <= v[tail] + weight``.

    Vectorised: every edge is relaxed at once, the edges sorted by head so that each
    head's best comes from one ``minimum.reduceat``; as many sweeps as the longest
    shortest path has edges.
    """
    v = start.copy()
    if not head.size:
        return v
    order = np.argsort(head, kind="stable")
    head, tail, weight = head[order], tail[order], weight[order]
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]])
    heads = head[starts]
    for _ in range(v.size + 1):
        best = np.minimum.reduceat(v[tail] + weight, starts)
        better = best < v[heads]
        if not better.any():
            return v
        v[heads[better]] = best[better]
    raise RuntimeError("the flow is not optimal (a negative cycle)")


Pairs3 = tuple[IntArray, IntArray, IntArray]  # (mentee, mentor, score with the offset)


def _fill_minimums(p: _Problem, among: Pairs3 | None = None,
                   lower: IntArray | None = None) -> tuple[Pairs3, int, IntArray]:
    """A maximum flow toward the minimum loads, over every feasible pair or ``among`` these.

    Returns the pairs used, the flow (members placed) and each mentor's load. ``lower``
    replaces the problem's minimum loads.
    """
    n, m = p.n_mentees, p.n_mentors
    source, sink = n + m, n + m + 1
    lower = p.lower if lower is None else lower
    if among is None:
        usable = np.flatnonzero(p.free[p.mentee] & (lower[p.mentor] > 0))
        among = (p.mentee[usable].astype(np.int64), p.mentor[usable].astype(np.int64),
                 p.score[usable].astype(np.int64) + p.offset)
    else:
        usable = np.flatnonzero(p.free[among[0]] & (lower[among[1]] > 0))
        among = (among[0][usable], among[1][usable], among[2][usable])
    needy = np.flatnonzero(lower > 0)
    free = np.flatnonzero(p.free)
    graph = max_flow.SimpleMaxFlow()
    tails = np.concatenate([among[0], np.full(free.size, source), n + needy])
    heads = np.concatenate([n + among[1], free, np.full(needy.size, sink)])
    capacity = np.concatenate([np.ones(usable.size + free.size, dtype=np.int64),
                               lower[needy]])
    graph.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), capacity)
    if graph.solve(source, sink) != graph.OPTIMAL:
        raise RuntimeError("the maximum flow solver failed")
    used = np.asarray(graph.flows(np.arange(usable.size, dtype=np.int32))) > 0
    found = (among[0][used], among[1][used], among[2][used])
    return found, int(graph.optimal_flow()), np.bincount(found[1], minlength=m)


def _unreachable(p: _Problem, placeable: int | None = None, load: IntArray | None = None,
                 among: Pairs3 | None = None) -> MinimumsUnreachable:
    """Why the minimum loads cannot all be met, with how many can.

    ``placeable`` and ``load`` are :func:`_fill_minimums`' figures over every pair when
    already known; else they are found ``among`` these candidate pairs first, and over
    every pair only when the candidates place fewer than could be. Circles are then given
    up ``among`` the candidates (with the pairs that flow used), to fill more of the others.
    """
    needed = int(p.lower.sum())
    if placeable is None or load is None:
        placeable, load = 0, np.zeros(p.n_mentors, dtype=np.int64)
        if among is not None:
            _, placeable, load = _fill_minimums(p, among)
        if placeable < min(needed, int(p.free.sum())) and p.score.size:
            used, placeable, load = _fill_minimums(p)
            among = used if among is None else (
                np.concatenate([among[0], used[0]]), np.concatenate([among[1], used[1]]),
                np.concatenate([among[2], used[2]]))
    # Filling any set of circles places the sum of their minimums: at most ``placeable``.
    smallest = np.cumsum(np.sort(p.lower))
    at_most = int(np.searchsorted(smallest, placeable, side="right"))
    filled = int((load >= p.lower).sum())
    # A maximum flow spreads the shortfall over many circles: give up those furthest from
    # their minimum, half of them at a time, so that their members can fill others.
    lower = p.lower.copy()
    for _ in range(UNFILLED_ROUNDS):
        short = np.flatnonzero(load < lower)
        if short.size < 2 or filled >= at_most:
            break
        lower[short[np.argsort(load[short] - lower[short])[:short.size // 2]]] = 0
        _, _, load = _fill_minimums(p, among, lower)
        filled = max(filled, int(((load >= p.lower) & (lower > 0) | (p.lower == 0)).sum()))
    return MinimumsUnreachable(needed, placeable, filled, at_most, p.n_mentors)


def _optimise(p: _Problem, per_mentee: int, per_mentor: IntArray) -> _Result:
    """Solve on candidates, price every pair, add what pays, until nothing does.

    Raises:
        MinimumsUnreachable: the lower bounds cannot all be met.
    """
    n, m = p.n_mentees, p.n_mentors
    if not p.top + p.offset and not p.lower.any():
        # Every pair scores 0: nothing beats leaving everyone unmatched (the prices 0).
        zero = np.zeros(0, dtype=np.int64)
        v = np.where(p.upper > 0, 0, p.top + p.offset)
        return _Result(zero, zero, np.zeros(n, dtype=np.int64), v.astype(np.int64), 0, 0)
    pricing = _Pricing(p)
    ci, cj, cs = pricing.candidates(per_mentee, per_mentor)
    if int(p.free.sum()) < int(p.lower.sum()):
        raise _unreachable(p, among=(ci, cj, cs))
    rounds = 0
    filled = False
    while True:
        rounds += 1
        x = _flow(p, ci, cj, cs)
        if x is None:
            if filled:
                raise RuntimeError("the minimum loads were met, then not")
            # The candidates cannot meet the minimums: add a way that meets them, if any.
            (mi, mj, ms), placed, load = _fill_minimums(p)
            if placed < int(p.lower.sum()):
                among = (np.concatenate([ci, mi]), np.concatenate([cj, mj]),
                         np.concatenate([cs, ms]))
                raise _unreachable(p, placed, load, among)
            filled = True
            ci, cj, cs = (np.concatenate([ci, mi]), np.concatenate([cj, mj]),
                          np.concatenate([cs, ms]))
            continue
        u, v = _potentials(p, ci, cj, cs, x)
        vi, vj, vs = pricing.violated(u, v)
        if not vi.size:
            break
        # The most violated few per mentee and per mentor; equal ones spread out as in the
        # candidates.
        loss = u[vi] + v[vj] - vs
        keep = np.zeros(vi.size, dtype=bool)
        for owner, other, size, count in ((vi, vj, m, ADD_PER_MENTEE),
                                          (vj, vi, n, ADD_PER_MENTOR)):
            spread = (other - owner * size // max(n + m - size, 1)) % max(size, 1)
            order = np.lexsort((spread, loss, owner))
            group = owner[order]
            keep[order[np.arange(vi.size) - np.searchsorted(group, group) < count]] = True
        ci, cj, cs = (np.concatenate([ci, vi[keep]]), np.concatenate([cj, vj[keep]]),
                      np.concatenate([cs, vs[keep]]))
    del pricing
    chosen = np.flatnonzero(x)
    order = np.argsort(ci[chosen], kind="stable")
    chosen = chosen[order]
    assert u.shape == (n,) and v.shape == (m,)
    return _Result(ci[chosen], cj[chosen], u, v, rounds, int(ci.size))


# --------------------------------------------------------------------------- the check


def _verdict(p: _Problem, pairs: Sequence[tuple[int, int]], u: FloatArray, v: FloatArray,
             *, free_prices: bool) -> tuple[bool, float, float, int]:
    """(proved optimal, dual objective, max reduced cost, solved part's primal objective).

    Uses only the problem, the pairs and the prices: nothing from the solver.
    """
    n, m = p.n_mentees, p.n_mentors
    nan = float("nan")
    if u.shape != (n,) or v.shape != (m,) or not np.isfinite(u).all() \
            or not np.isfinite(v).all() or (u < 0).any() or (not free_prices and (v < 0).any()):
        return False, nan, nan, 0
    dual = float(u[p.free].sum() + (p.upper * np.maximum(v, 0)).sum()
                 - (p.lower * np.maximum(-v, 0)).sum())
    # Every feasible pair's reduced cost, and the scores of the chosen pairs, in one pass.
    chosen = {(int(i), int(j)) for i, j in pairs}
    own = sorted(chosen - set(p.fixed))
    pi = np.array([i for i, _ in own], dtype=np.int64)
    pj = np.array([j for _, j in own], dtype=np.int64)
    structural = (len(chosen) == len(pairs) and set(p.fixed) <= chosen
                  and bool(((pi >= 0) & (pi < n) & (pj >= 0) & (pj < m)).all())
                  and np.unique(pi).size == pi.size and bool(p.free[pi].all()))
    wanted = np.full(n, -1, dtype=np.int64)
    if structural:
        wanted[pi] = pj
    got = np.full(n, -1, dtype=np.int64)
    priced = np.where(p.free, u, np.inf)
    max_rc = -np.inf
    for a in _chunks(p.score.size):
        me, mo = p.mentee[a:a + CHUNK], p.mentor[a:a + CHUNK]
        sc = p.score[a:a + CHUNK]
        rc = priced.take(me)
        rc += v.take(mo)
        np.subtract(sc, rc, out=rc)
        rc += p.offset
        max_rc = max(max_rc, float(rc.max()))
        hits = np.flatnonzero(wanted.take(me) == mo)
        if hits.size:
            np.maximum.at(got, me[hits], sc[hits])
    max_rc = max_rc if np.isfinite(max_rc) else 0.0
    if not structural or (got[pi] < 0).any():
        return False, dual, max_rc, 0
    primal = int(got[pi].sum()) + p.offset * int(pi.size)
    load = np.bincount(pj, minlength=m)
    if (load > p.upper).any() or (load < p.lower).any():
        return False, dual, max_rc, primal
    bound = dual + max(max_rc, 0.0) * p.most_pairs
    return bound < primal + 1, dual, max_rc, primal


def _prices(values: Sequence[float]) -> FloatArray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _solution(p: _Problem, result: _Result, *, free_prices: bool) -> tuple[
        tuple[tuple[int, int], ...], int, bool, Certificate, tuple[int, ...]]:
    """The fields of a :class:`Solution`: pairs, total, certified, certificate, unmatched."""
    own = list(zip(result.mentee.tolist(), result.mentor.tolist(), strict=True))
    pairs = tuple(sorted([*p.fixed, *own]))
    u = result.u.astype(np.float64)
    v = result.v.astype(np.float64)
    ok, dual, max_rc, primal = _verdict(p, pairs, u, v, free_prices=free_prices)
    matched = np.zeros(p.n_mentees, dtype=bool)
    matched[[i for i, _ in pairs]] = True
    total = p.fixed_total + primal - p.offset * len(own)
    certificate = Certificate(
        u=tuple(u.tolist()), v=tuple(v.tolist()), dual_objective=dual,
        primal_objective=primal, max_reduced_cost=max_rc, offset=p.offset,
        rounds=result.rounds, candidates=result.candidates)
    return pairs, total, ok, certificate, tuple(np.flatnonzero(~matched).tolist())


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
        upper = np.asarray(capacities).reshape(-1)
        problem = _prepare(n_mentees, np.zeros(upper.size, dtype=np.int64), upper,
                           mentor_idx, mentee_idx, scores, required, max_matched)
    except ValueError:
        return False
    ok, _, _, _ = _verdict(problem, list(pairs), _prices(u), _prices(v), free_prices=False)
    return ok


def solve(n_mentees: int, capacities: Sequence[int] | npt.ArrayLike, mentor_idx: npt.ArrayLike,
          mentee_idx: npt.ArrayLike, scores: npt.ArrayLike, *,
          required: Iterable[tuple[int, int]] = (), max_matched: bool = False,
          candidates_per_mentee: int = 10,
          candidates_per_mentor: int | None = None) -> Solution:
    """The assignment with the highest total score, and the prices proving it.

    Args:
        n_mentees: how many mentees (indices 0 .. n_mentees - 1).
        capacities: each mentor's capacity (>= 0).
        mentor_idx, mentee_idx, scores: the feasible pairs, as :class:`ScoreTable` holds
            them (any integer arrays, e.g. int32 indices and int16 tenths, or lists; scores
            in whole tenths, >= 0). They are read, never copied whole.
        required: (mentee, mentor) pairs that must be kept (locked by the coordinator).
        max_matched: match as many mentees as possible first, then maximise the score.
        candidates_per_mentee: how many of each mentee's best mentors the first flow gets.
        candidates_per_mentor: how many of each mentor's best mentees it gets (by default
            the mentor's capacity plus :data:`CANDIDATES_PER_MENTOR`; 0 for none).

    Raises:
        ValueError: malformed input, or required pairs that are infeasible, repeat a
            mentee, or exceed a mentor's capacity.
    """
    upper = np.asarray(capacities).reshape(-1)
    p = _prepare(n_mentees, np.zeros(upper.size, dtype=np.int64), upper, mentor_idx,
                 mentee_idx, scores, tuple(required), max_matched)
    per_mentor = (p.upper + CANDIDATES_PER_MENTOR if candidates_per_mentor is None
                  else np.full(p.n_mentors, max(0, candidates_per_mentor), dtype=np.int64))
    result = _optimise(p, max(1, candidates_per_mentee), per_mentor)
    pairs, total, ok, certificate, unmatched = _solution(p, result, free_prices=False)
    return Solution(pairs=pairs, total=total, matched=len(pairs), certified=ok,
                    certificate=certificate, unmatched=unmatched)
