"""Group circles: each leader takes between a minimum and a maximum of members, optimally.

The problem: circle ``j`` (its leader, a mentor) gets between ``min_sizes[j]`` and
``max_sizes[j]`` members, each mentee joins at most one circle and only through a feasible
pair, and the total score is maximised (an unplaced mentee scores 0). It is the pairing
problem of :mod:`mentordesk.services.matching` with a lower bound on each mentor's load,
solved by the same machinery: a min-cost flow on candidate pairs in which each circle
*demands* its minimum (a node supply of ``-min_sizes[j]``) and passes up to
``max - min`` more on to the sink, its dual prices, and pricing against every feasible pair
until they prove the answer optimal.

The certificate: the linear programme's dual has a price ``u_i >= 0`` per mentee and a
*free* price ``p_j`` per circle (the maximum's price ``max(p_j, 0)`` minus the minimum's
``max(-p_j, 0)``). When ``s_ij <= u_i + p_j`` for every feasible pair, any arrangement ``y``
meeting the sizes scores ``sum s_ij y_ij <= sum u_i + sum_j p_j * size_j``, and
``p_j * size_j`` is at most ``max_j * p_j`` when ``p_j >= 0`` and at most ``min_j * p_j``
when ``p_j < 0``. That bound, the dual objective, is less than our total plus 1, and scores
are whole numbers: nothing beats our total. :func:`check_circles_certificate` verifies it
from the input alone.

When the minimums cannot all be met (not enough mentees may join the circles),
:class:`CirclesInfeasible` says how many members and circles can be filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentordesk.services.matching import (
    CANDIDATES_PER_MENTOR,
    MinimumsUnreachable,
    Solution,
    _optimise,
    _prepare,
    _prices,
    _solution,
    _verdict,
)

LEADER = "circle"


class CirclesInfeasible(ValueError):  # noqa: N818 (named for what the caller catches)
    """The circles' minimum sizes cannot all be met with the mentees who may join them.

    The message (fit for a dialog after "The circles cannot be filled: ") says how many
    circles can be filled.

    Attributes:
        filled: circles at their minimum size in the best arrangement found (so at least
            this many can be filled at once; usually the most).
        at_most: no arrangement fills more circles than this (from ``placeable``).
        circles: how many circles there are.
        needed: members the minimum sizes need (after required pairs).
        placeable: the most members that can be placed toward the minimums at once.
    """

    def __init__(self, filled: int, at_most: int, circles: int, needed: int,
                 placeable: int) -> None:
        if filled == at_most:
            can = f"only {filled} of the {circles} circles can be filled to their minimum size"
        else:
            can = (f"at most {at_most} of the {circles} circles can be filled to their "
                   f"minimum size ({filled} in the best arrangement found)")
        super().__init__(
            f"{can}. The minimums need {needed:,} members, but at most {placeable:,} mentees "
            f"can be placed in circles they may join; open fewer circles, lower the minimum "
            f"size or add mentees.")
        self.filled = filled
        self.at_most = at_most
        self.circles = circles
        self.needed = needed
        self.placeable = placeable


@dataclass(frozen=True)
class CircleSolution(Solution):
    """An arrangement of mentees in circles; ``pairs`` are (mentee, circle) indices.

    Attributes:
        sizes: each circle's size, required members included.

    The certificate's ``v`` holds each circle's free price: positive only for a circle at
    its maximum size, negative only for one at its minimum.
    """

    sizes: tuple[int, ...]


def check_circles_certificate(n_mentees: int, min_sizes: Sequence[int] | npt.ArrayLike,
                              max_sizes: Sequence[int] | npt.ArrayLike,
                              mentor_idx: npt.ArrayLike, mentee_idx: npt.ArrayLike,
                              scores: npt.ArrayLike, pairs: Sequence[tuple[int, int]],
                              u: Sequence[float], v: Sequence[float], *,
                              required: Iterable[tuple[int, int]] = (),
                              max_matched: bool = False) -> bool:
    """Whether prices ``u`` (mentees) and ``v`` (circles) prove ``pairs`` optimal.

    Checks, independently of how the pairs were found: every pair is feasible, no mentee
    is in two circles, every circle's size is within its bounds, the required pairs are
    all there; ``u >= 0`` and, up to rounding accounted for, no feasible pair has a positive
    reduced cost; and the dual objective (see the module docstring) is less than the
    arrangement's total plus 1. The arguments are those of :func:`solve_circles`.
    """
    try:
        problem = _prepare(n_mentees, min_sizes, max_sizes, mentor_idx, mentee_idx, scores,
                           required, max_matched, LEADER)
    except ValueError:
        return False
    ok, _, _, _ = _verdict(problem, list(pairs), _prices(u), _prices(v), free_prices=True)
    return ok


def solve_circles(n_mentees: int, min_sizes: Sequence[int] | npt.ArrayLike,
                  max_sizes: Sequence[int] | npt.ArrayLike, mentor_idx: npt.ArrayLike,
                  mentee_idx: npt.ArrayLike, scores: npt.ArrayLike, *,
                  required: Iterable[tuple[int, int]] = (), max_matched: bool = False,
                  candidates_per_mentee: int = 10,
                  candidates_per_mentor: int | None = None) -> CircleSolution:
    """The arrangement in circles with the highest total score, and the prices proving it.

    Args:
        n_mentees: how many mentees (indices 0 .. n_mentees - 1).
        min_sizes, max_sizes: each circle's least and most members (0 <= min <= max),
            required members included.
        mentor_idx, mentee_idx, scores: the feasible (mentee, circle leader) pairs, as
            :class:`ScoreTable` holds them (any integer arrays or lists; scores in whole
            tenths, >= 0). Read, never copied whole.
        required: (mentee, circle) pairs that must be kept.
        max_matched: place as many mentees as possible first, then maximise the score.
        candidates_per_mentee: how many of each mentee's best circles the first flow gets.
        candidates_per_mentor: how many of each leader's best mentees it gets (by default
            the maximum size plus :data:`matching.CANDIDATES_PER_MENTOR`; 0 for none).

    Raises:
        CirclesInfeasible: the minimum sizes cannot all be met.
        ValueError: malformed input (a minimum above its maximum, an index out of range),
            or required pairs that are infeasible, repeat a mentee, or overfill a circle.
    """
    p = _prepare(n_mentees, min_sizes, max_sizes, mentor_idx, mentee_idx, scores,
                 tuple(required), max_matched, LEADER)
    per_leader = (p.upper + CANDIDATES_PER_MENTOR if candidates_per_mentor is None
                  else np.full(p.n_mentors, max(0, candidates_per_mentor), dtype=np.int64))
    try:
        result = _optimise(p, max(1, candidates_per_mentee), per_leader)
    except MinimumsUnreachable as exc:
        raise CirclesInfeasible(exc.filled, exc.at_most, exc.circles, exc.needed,
                                exc.placeable) from None
    pairs, total, ok, certificate, unmatched = _solution(p, result, free_prices=True)
    sizes = np.bincount(np.array([j for _, j in pairs], dtype=np.int64),
                        minlength=p.n_mentors)
    return CircleSolution(pairs=pairs, total=total, matched=len(pairs), certified=ok,
                          certificate=certificate, unmatched=unmatched,
                          sizes=tuple(sizes.tolist()))
