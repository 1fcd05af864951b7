"""Solving the pairing of 5,000 mentees with 2,500 mentors of capacity 2 (issue 4's size).

Scores come from score_all on the same synthetic people as bench_scoring. Ours is
matching.solve (pruned LP, priced against every feasible pair, certified); the baseline is
scipy's linear_sum_assignment on the dense 5,000 x 5,000 matrix of capacity slots (an
infeasible pair scores 0, the same as leaving the mentee unmatched). Aim: certified, the
same total as the baseline, solving in at most 2 s (informational: not in
``python -m benchmarks``).
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np

from benchmarks.bench_scoring import MENTEES, ON, people
from mentordesk.services.matching import solve
from mentordesk.services.scoring import Criteria, score_all

CAPACITY = 2
AIM_SECONDS = 2.0
# The dense slot matrix for the baseline, in bytes (float64).
BASELINE_LIMIT = 2 * 1024**3


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    mentors, mentees = people(MENTEES, 1)
    start = time.perf_counter()
    table = score_all(mentors, mentees, Criteria(), on=ON)
    scoring = time.perf_counter() - start
    mentor = np.frombuffer(table.mentor_index, dtype=np.int32)
    mentee = np.frombuffer(table.mentee_index, dtype=np.int32)
    tenths = np.frombuffer(table.tenths, dtype=np.uint16)
    capacities = [CAPACITY] * len(mentors)

    start = time.perf_counter()
    solution = solve(len(mentees), capacities, mentor, mentee, tenths)
    ours = time.perf_counter() - start
    # A second run for memory: tracing slows numpy down about 2.5x. HiGHS allocates in C++,
    # outside what tracemalloc sees, so the process peak RSS is printed too.
    tracemalloc.start()
    solve(len(mentees), capacities, mentor, mentee, tenths)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cert = solution.certificate
    print(f"pairing {len(mentees):,} mentees x {len(mentors):,} mentors (capacity {CAPACITY}), "
          f"{len(table):,} feasible pairs (scored in {scoring:.2f} s): solved in {ours:.2f} s, "
          f"{'certified' if solution.certified else 'NOT CERTIFIED'} in {cert.rounds} rounds "
          f"on {cert.candidates:,} candidate pairs; total {solution.total / 10:,.1f} points, "
          f"{solution.matched:,} matched; solver peak (numpy, traced) {traced / 1024**2:.0f} MB, "
          f"process peak RSS {_peak_rss_mb():.0f} MB", flush=True)

    same = True
    slots = len(mentors) * CAPACITY
    if len(mentees) * slots * 8 > BASELINE_LIMIT:
        print("linear_sum_assignment: the dense slot matrix would not fit the limit; skipped")
    else:
        from scipy.optimize import linear_sum_assignment

        start = time.perf_counter()
        dense = np.zeros((len(mentees), len(mentors)), dtype=np.float64)
        dense[mentee, mentor] = tenths
        matrix = np.repeat(dense, CAPACITY, axis=1)
        del dense
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        baseline_total = int(matrix[rows, cols].sum())
        baseline = time.perf_counter() - start
        same = baseline_total == solution.total
        print(f"linear_sum_assignment on the {len(mentees):,} x {slots:,} slot matrix: "
              f"{baseline:.2f} s, total {baseline_total / 10:,.1f} points "
              f"({'the same' if same else 'DIFFERENT'}); ratio {ours / baseline:.2f}x",
              flush=True)
    met = solution.certified and same and ours <= AIM_SECONDS
    print(f"aim (certified, same total, <= {AIM_SECONDS:g} s): {'ok' if met else 'MISSED'}")
    return met


if __name__ == "__main__":
    run()
