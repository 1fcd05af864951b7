"""Scoring every feasible pair: 2,500 mentors x 5,000 mentees (issue 4's size), twice that,
and 100 x 200 (the pairing view re-scores live while a weight slider moves).

People have about 20 skills to choose from, three goals, two interests, one or two
languages, six time zones and a reporting line. Each size is scored three times, taking
turns with the baseline, and the medians count: all runs are printed, since a run that
is first to touch memory pays for the operating system mapping it (in a VM, up to a few
hundred ms per 500 MB). Peak memory is what tracemalloc sees during one more run
(numpy's arrays included).

Baselines: a bare numpy pass making a table of the same shape the same way (for each
chunk of mentees, an int32 matrix of two vectors' outer sum, the pairs with a
non-negative sum kept as int32 indices and int16 values): what producing such a table
costs at all; and, for 2,500 x 5,000, score_pair on a sample of pairs scaled to every
pair: what score_all saves over the plain loop (before numpy, score_all took 2.7 s
there). Aims: the seconds and megabytes in SIZES, shares of issue 4's budget for a whole
pairing run (2 s and 600 MB at 5,000 x 2,500). The ratio to the bare pass is printed, not
aimed at: on this shared 2-core machine the bare pass alone varies tenfold between runs.
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date

import numpy as np

from mentordesk.services.scoring import (
    Criteria,
    Person,
    ScoreTable,
    score_all,
    score_pair,
    why_not,
)

MENTORS = 2_500
MENTEES = 5_000
ON = date(2025, 3, 17)
SKILLS = [f"skill {n}" for n in range(20)]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "People", "Operations"]
ZONES = ["Europe/London", "Europe/Warsaw", "America/New_York", "Asia/Kolkata",
         "America/Los_Angeles", "Asia/Tokyo"]
INTERESTS = ["chess", "running", "film", "yoga", "cooking", "music", "hiking", "reading"]
# Mentees, runs, and the aims: seconds (median of the runs), peak megabytes, and the
# ratio to the bare pass (which does a fraction of the work: a floor, not a rival; None:
# printed only).
SIZES: tuple[tuple[int, int, float, float, float | None], ...] = (
    (MENTEES, 3, 0.5, 600.0, None),
    (2 * MENTEES, 3, 2.5, 1200.0, None),
    (200, 21, 0.005, 50.0, None),
)
# Pairs made at once by the bare numpy pass (as many as score_all's chunks).
BARE_CHUNK_PAIRS = 1 << 17


def people(count: int, seed: int) -> tuple[list[Person], list[Person]]:
    """``count`` mentees and ``count // 2`` mentors, mentors managing mentees."""
    rng = random.Random(seed)

    def make(pid: int, chain: tuple[int, ...]) -> Person:
        return Person(
            id=pid, name=f"P{pid}", department=rng.choice(DEPARTMENTS),
            level_rank=rng.randint(1, 8), location=rng.choice(["London", "Warsaw", "Remote"]),
            timezone=rng.choice(ZONES),
            languages=frozenset({"english"} if pid % 4 else {"english", "polish"})
            if pid % 50 else frozenset({"polish"}),
            skills={s: rng.randint(1, 5) for s in rng.sample(SKILLS, 4)},
            goals=tuple(rng.sample(SKILLS, 3)),
            interests=frozenset(rng.sample(INTERESTS, 2)), manager_chain=chain)

    mentors = [make(n, (n // 10,) if n >= 10 else ()) for n in range(count // 2)]
    mentees = [make(count + n, (n % (count // 2), (n % (count // 2)) // 10))
               for n in range(count)]
    return mentors, mentees


def bare_numpy(n_mentors: int, n_mentees: int) -> ScoreTable:
    """A table of the same shape from an outer sum, chunk by chunk (the baseline)."""
    rng = np.random.default_rng(3)
    # About 3% of the sums are negative, as about 3% of the cohort's pairs are refused.
    across = rng.integers(0, 500, n_mentors, dtype=np.int32)
    down = rng.integers(-15, 485, n_mentees, dtype=np.int32)
    rows = max(1, min(n_mentees, BARE_CHUNK_PAIRS // n_mentors))
    columns = np.broadcast_to(np.arange(n_mentors, dtype=np.int32), (rows, n_mentors))
    mentor = np.empty(n_mentors * n_mentees, dtype=np.int32)
    mentee = np.empty(n_mentors * n_mentees, dtype=np.int32)
    tenths = np.empty(n_mentors * n_mentees, dtype=np.int16)
    kept = 0
    for start in range(0, n_mentees, rows):
        stop = min(start + rows, n_mentees)
        total = np.add.outer(down[start:stop], across)
        keep = total >= 0
        per_mentee = np.count_nonzero(keep, axis=1)
        end = kept + int(per_mentee.sum())
        mentor[kept:end] = columns[:stop - start][keep]
        tenths[kept:end] = total[keep]
        mentee[kept:end] = np.repeat(np.arange(start, stop, dtype=np.int32), per_mentee)
        kept = end
    for array in (mentor, mentee, tenths):
        array.resize(kept, refcheck=False)
    return ScoreTable(mentor, mentee, tenths)


def _take_turns(runs: int, ours: Callable[[], object],
                baseline: Callable[[], object]) -> tuple[list[float], list[float]]:
    """``runs`` timings of each, alternating, the baseline first."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for work, into in ((baseline, times[1]), (ours, times[0])):
            start = time.perf_counter()
            result = work()
            into.append(time.perf_counter() - start)
            del result
    return times


def _peak_mb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1024**2
    finally:
        tracemalloc.stop()


def _plain_loop(mentors: list[Person], mentees: list[Person], criteria: Criteria) -> float:
    """score_pair and why_not on a sample of pairs, scaled to every pair (seconds)."""
    rng = random.Random(2)
    sample = [(rng.choice(mentors), rng.choice(mentees)) for _ in range(20_000)]
    start = time.perf_counter()
    for mentor, mentee in sample:
        if why_not(mentor, mentee) is None:
            score_pair(mentor, mentee, criteria, on=ON)
    return (time.perf_counter() - start) / len(sample) * len(mentors) * len(mentees)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def _one_size(count: int, runs: int, aim_seconds: float, aim_mb: float,
              aim_ratio: float | None) -> bool:
    """Run and print one cohort size; returns whether its aims were met."""
    criteria = Criteria()
    mentors, mentees = people(count, 1)
    size = f"{len(mentors):,} mentors x {len(mentees):,} mentees"

    def ours() -> ScoreTable:
        return score_all(mentors, mentees, criteria, on=ON)

    times, bare_times = _take_turns(runs, ours,
                                    lambda: bare_numpy(len(mentors), len(mentees)))
    median, bare = statistics.median(times), statistics.median(bare_times)
    peak = _peak_mb(ours)
    pairs = len(ours())
    ratio = median / bare
    ok = median <= aim_seconds and peak <= aim_mb and (aim_ratio is None or ratio <= aim_ratio)
    ratio_aim = "no aim" if aim_ratio is None else f"aim <= {aim_ratio:g}x"
    shown = ", ".join(map(_ms, times)) if runs <= 5 else \
        f"{runs}, fastest {_ms(min(times))}, slowest {_ms(max(times))}"
    bare_shown = ", ".join(map(_ms, bare_times)) if runs <= 5 else f"{runs}"
    print(f"score_all {size}: {_ms(median)} (runs: {shown}; "
          f"aim <= {_ms(aim_seconds)}), peak {peak:,.0f} MB (aim <= {aim_mb:,.0f} MB), "
          f"{pairs:,} feasible pairs of {len(mentors) * len(mentees):,}; "
          f"bare numpy table of that shape: {_ms(bare)} "
          f"(runs: {bare_shown}); ratio {ratio:.2f}x ({ratio_aim}) "
          f"{'ok' if ok else 'OVER AIM'}", flush=True)
    if count == MENTEES:
        plain = _plain_loop(mentors, mentees, criteria)
        print(f"score_all {size}: score_pair loop (estimated) {plain:.0f} s, "
              f"{plain / median:,.0f}x as long as score_all", flush=True)
    return ok


def run() -> bool:
    """Run and print the benchmark; returns whether every aim was met."""
    results = [_one_size(*size) for size in SIZES]
    return all(results)


if __name__ == "__main__":
    run()
