"""Solving the pairing with mentors of capacity 2: 200 x 100, 5,000 x 2,500, 10,000 x 5,000.

Scores are made here with numpy (:func:`realistic_scores`), the way score_all makes them
(weighted criteria, a few infeasible pairs), so this benchmark does not depend on the
scoring code. Ours is matching.solve (min-cost flow on candidate pairs, priced against
every feasible pair, certified); the baseline is scipy's linear_sum_assignment on the
dense matrix of capacity slots (an infeasible pair scores 0, the same as leaving the mentee
unmatched), skipped when that matrix would not fit :data:`BASELINE_LIMIT`.

Aims, for the solve alone (scores given), certified and the same total as the baseline:
200 x 100 in at most 20 ms (the GUI solves again on every slider move), 5,000 x 2,500 in
at most 1 s with at most 300 MB over the scores, 10,000 x 5,000 in at most 5 s with at most
1 GB over the scores. Informational: not in ``python -m benchmarks``.
"""

from __future__ import annotations

import contextlib
import ctypes
import resource
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mentordesk.services.matching import solve

CAPACITY = 2
# (mentees, mentors, seconds, MB of peak memory over the scores, runs)
SIZES = ((200, 100, 0.020, 50, 21), (5_000, 2_500, 1.0, 300, 3), (10_000, 5_000, 5.0, 1024, 1))
# The dense slot matrix for the baseline, in bytes (float64).
BASELINE_LIMIT = 2 * 1024**3

# Points (tenths) of each criterion, as scoring.shares gives them for the default weights.
SKILLS, GAP, CROSS, INTERESTS, TIMEZONE, LOCATION, DIVERSITY = 320, 200, 120, 80, 160, 40, 80


@dataclass(frozen=True)
class Scores:
    """Feasible pairs grouped by mentee, as ScoreTable holds them."""

    mentor: npt.NDArray[np.int32]
    mentee: npt.NDArray[np.int32]
    tenths: npt.NDArray[np.int16]

    @property
    def nbytes(self) -> int:
        return self.mentor.nbytes + self.mentee.nbytes + self.tenths.nbytes


def realistic_scores(n_mentees: int, n_mentors: int, seed: int = 1) -> Scores:
    """Scores like score_all's for synthetic people: skills, levels, departments, zones.

    Mentees want three of 20 skills (the first most), mentors have four at levels 1-5;
    eight levels (the preferred gap is 2), six departments, six time zones, three places,
    two interests of eight. About 1 pair in 50 is infeasible (a shared reporting line or
    no common language).
    """
    rng = np.random.default_rng(seed)
    n, m = n_mentees, n_mentors
    skill = np.zeros((m, 20), dtype=np.int64)
    for mentor in range(m):
        skill[mentor, rng.choice(20, 4, replace=False)] = rng.integers(1, 6, 4)
    goals = np.array([rng.choice(20, 3, replace=False) for _ in range(n)]).reshape(n, 3)
    level_j, level_i = rng.integers(1, 9, m), rng.integers(1, 9, n)
    dept_j, dept_i = rng.integers(0, 6, m), rng.integers(0, 6, n)
    zone_j, zone_i = rng.choice([0, 1, -5, 5, -8, 9], m), rng.choice([0, 1, -5, 5, -8, 9], n)
    place_j, place_i = rng.integers(0, 3, m), rng.integers(0, 3, n)
    likes_j = (1 << rng.integers(0, 8, m)) | (1 << rng.integers(0, 8, m))
    likes_i = (1 << rng.integers(0, 8, n)) | (1 << rng.integers(0, 8, n))
    gap_points = np.zeros(16, dtype=np.int64)
    gap_points[[1, 2, 3, 4]] = [GAP // 2, GAP, GAP // 2, GAP // 4]
    mentors, mentees, tenths = [], [], []
    step = max(1, (1 << 20) // max(m, 1))
    for a in range(0, n, step):
        rows = np.arange(a, min(n, a + step))
        total = np.zeros((rows.size, m), dtype=np.int64)
        for rank, weight in enumerate((3, 2, 1)):
            total += weight * SKILLS * skill[:, goals[rows, rank]].T // 30
        gap = level_j[None, :] - level_i[rows, None]
        total += gap_points[np.clip(gap, 0, 15)]
        other = dept_j[None, :] != dept_i[rows, None]
        total += CROSS * other
        shared = np.bitwise_count(likes_j[None, :] & likes_i[rows, None]).astype(np.int64)
        total += INTERESTS * np.minimum(shared, 2) // 2
        hours = np.maximum(0, 8 - np.abs(zone_j[None, :] - zone_i[rows, None]))
        total += TIMEZONE * hours // 8
        total += LOCATION * (place_j[None, :] == place_i[rows, None])
        total += DIVERSITY * (other + (gap != 0) + 1) // 3
        feasible = rng.random(total.shape) >= 0.02
        i, j = np.nonzero(feasible)
        mentees.append((i + a).astype(np.int32))
        mentors.append(j.astype(np.int32))
        tenths.append(total[i, j].astype(np.int16))
    return Scores(np.concatenate(mentors), np.concatenate(mentees), np.concatenate(tenths))


def reset_peak() -> None:
    """Start measuring the peak resident memory afresh (Linux; elsewhere a no-op)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """The peak resident memory since :func:`reset_peak` (else since start), in MB."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def current_mb() -> float:
    """The resident memory now, in MB (Linux; elsewhere the peak).

    Memory freed but kept by the C allocator is handed back first (glibc), so that the
    peak measured next counts what is allocated after.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize() / 1024**2
    except OSError:
        return peak_mb()


def lsa_total(n: int, m: int, scores: Scores, capacity: int) -> tuple[int, float] | None:
    """scipy's linear_sum_assignment on the slot matrix: (total, seconds), or None if too big."""
    if n * m * capacity * 8 > BASELINE_LIMIT:
        return None
    from scipy.optimize import linear_sum_assignment

    start = time.perf_counter()
    dense = np.zeros((n, m), dtype=np.float64)
    dense[scores.mentee, scores.mentor] = scores.tenths
    matrix = np.repeat(dense, capacity, axis=1)
    del dense
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return int(matrix[rows, cols].sum()), time.perf_counter() - start


def _one(n: int, m: int, aim_seconds: float, aim_mb: float, runs: int) -> bool:
    scores = realistic_scores(n, m)
    capacities = np.full(m, CAPACITY, dtype=np.int32)
    before = current_mb()
    reset_peak()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        solution = solve(n, capacities, scores.mentor, scores.mentee, scores.tenths)
        times.append(time.perf_counter() - start)
    ours = statistics.median(times)
    extra = peak_mb() - before
    cert = solution.certificate
    print(f"pairing {n:,} x {m:,} (capacity {CAPACITY}), {scores.tenths.size:,} feasible "
          f"pairs ({scores.nbytes / 1024**2:.0f} MB): {ours * 1000:,.0f} ms "
          f"(median of {runs}; first {times[0] * 1000:,.0f} ms), "
          f"{'certified' if solution.certified else 'NOT CERTIFIED'} in {cert.rounds} rounds "
          f"on {cert.candidates:,} candidate pairs; {solution.matched:,} matched, total "
          f"{solution.total / 10:,.1f} points; peak memory over the scores about "
          f"{extra:,.0f} MB", flush=True)
    same = True
    baseline = lsa_total(n, m, scores, CAPACITY)
    if baseline is None:
        print("  linear_sum_assignment: the dense slot matrix would not fit; skipped")
    else:
        total, seconds = baseline
        same = total == solution.total
        print(f"  linear_sum_assignment on the {n:,} x {m * CAPACITY:,} slot matrix: "
              f"{seconds * 1000:,.0f} ms, total {total / 10:,.1f} points "
              f"({'the same' if same else 'DIFFERENT'}); ratio {ours / seconds:.3f}x",
              flush=True)
    met = solution.certified and same and ours <= aim_seconds and extra <= aim_mb
    print(f"  aim (certified, same total, <= {aim_seconds * 1000:,.0f} ms, <= {aim_mb:,} MB): "
          f"{'ok' if met else 'MISSED'}", flush=True)
    return met


def run() -> bool:
    """Run and print the benchmark; returns whether every aim was met."""
    return all([_one(*size) for size in SIZES])


if __name__ == "__main__":
    run()
