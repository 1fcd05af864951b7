"""Arranging 10,000 people in circles: 500 leaders, 9,500 members, circles of 15-25.

Scores for every feasible (member, leader) pair are made with numpy like score_all's
(:func:`bench_matching.realistic_scores`), so this does not depend on the scoring code. Ours
is circles.solve_circles (min-cost flow with lower bounds on candidate pairs, priced against
every feasible pair, certified); the baseline is matching.solve on the same scores with the
maximum sizes as capacities and no minimums (the same problem without lower bounds). The
time to find that circles of at least 20 cannot all be filled (10,000 members needed) is
printed too. Aim: certified, every circle within 15-25, at most 1 s for the solve alone.
Informational: not in ``python -m benchmarks``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.bench_matching import current_mb, peak_mb, realistic_scores, reset_peak
from mentordesk.services.circles import CirclesInfeasible, solve_circles
from mentordesk.services.matching import solve

LEADERS = 500
MEMBERS = 9_500
MIN_SIZE, MAX_SIZE = 15, 25
AIM_SECONDS = 1.0
RUNS = 3


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    scores = realistic_scores(MEMBERS, LEADERS, seed=2)
    lows = np.full(LEADERS, MIN_SIZE, dtype=np.int32)
    highs = np.full(LEADERS, MAX_SIZE, dtype=np.int32)
    before = current_mb()
    reset_peak()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        solution = solve_circles(MEMBERS, lows, highs, scores.mentor, scores.mentee,
                                 scores.tenths)
        times.append(time.perf_counter() - start)
    extra = peak_mb() - before
    ours = statistics.median(times)
    within = all(MIN_SIZE <= size <= MAX_SIZE for size in solution.sizes)
    cert = solution.certificate
    print(f"circles: {LEADERS} leaders, {MEMBERS:,} members, sizes {MIN_SIZE}-{MAX_SIZE}, "
          f"{scores.tenths.size:,} feasible pairs: {ours * 1000:,.0f} ms (median of {RUNS}), "
          f"{'certified' if solution.certified else 'NOT CERTIFIED'} in {cert.rounds} rounds "
          f"on {cert.candidates:,} candidate pairs; {solution.matched:,} placed, sizes "
          f"{min(solution.sizes)}-{max(solution.sizes)}, total {solution.total / 10:,.1f} "
          f"points; peak memory over the scores about {extra:,.0f} MB", flush=True)

    start = time.perf_counter()
    plain = solve(MEMBERS, highs, scores.mentor, scores.mentee, scores.tenths)
    baseline = time.perf_counter() - start
    print(f"  matching.solve without minimums (capacity {MAX_SIZE}): {baseline * 1000:,.0f} ms, "
          f"total {plain.total / 10:,.1f} points; ratio {ours / baseline:.2f}x", flush=True)

    start = time.perf_counter()
    try:
        solve_circles(MEMBERS, np.full(LEADERS, 20), highs, scores.mentor, scores.mentee,
                      scores.tenths)
        print("  circles of at least 20: UNEXPECTEDLY FEASIBLE")
    except CirclesInfeasible as exc:
        print(f"  circles of at least 20 refused in {(time.perf_counter() - start) * 1000:,.0f}"
              f" ms: {exc}", flush=True)

    met = solution.certified and within and ours <= AIM_SECONDS
    print(f"  aim (certified, sizes within bounds, <= {AIM_SECONDS * 1000:,.0f} ms): "
          f"{'ok' if met else 'MISSED'}", flush=True)
    return met


if __name__ == "__main__":
    run()
