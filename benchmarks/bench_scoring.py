"""Scoring every feasible pair of 2,500 mentors and 5,000 mentees (issue 4's size).

People have about 20 skills to choose from, three goals, two interests, one or two
languages, six time zones and a reporting line. The baseline is score_pair called on a
sample of pairs, scaled to all pairs: what score_all saves over the plain loop. Aim: at
most 0.1x of the plain loop (informational: not in ``python -m benchmarks`` until it runs
under 20 s there).
"""

from __future__ import annotations

import random
import time
from datetime import date

from mentordesk.services.scoring import Criteria, Person, score_all, score_pair, why_not

MENTORS = 2_500
MENTEES = 5_000
AIM = 0.1
ON = date(2025, 3, 17)
SKILLS = [f"skill {n}" for n in range(20)]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "People", "Operations"]
ZONES = ["Europe/London", "Europe/Warsaw", "America/New_York", "Asia/Kolkata",
         "America/Los_Angeles", "Asia/Tokyo"]
INTERESTS = ["chess", "running", "film", "yoga", "cooking", "music", "hiking", "reading"]


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


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    mentors, mentees = people(MENTEES, 1)
    criteria = Criteria()
    start = time.perf_counter()
    table = score_all(mentors, mentees, criteria, on=ON)
    ours = time.perf_counter() - start
    rng = random.Random(2)
    sample = [(rng.choice(mentors), rng.choice(mentees)) for _ in range(20_000)]
    start = time.perf_counter()
    for mentor, mentee in sample:
        if why_not(mentor, mentee) is None:
            score_pair(mentor, mentee, criteria, on=ON)
    plain = (time.perf_counter() - start) / len(sample) * MENTORS * MENTEES
    ratio = ours / plain
    verdict = "ok" if ratio <= AIM else "OVER AIM"
    print(f"score_all {MENTORS:,} mentors x {MENTEES:,} mentees: {ours:.2f} s, "
          f"{len(table):,} feasible pairs; score_pair loop (estimated): {plain:.0f} s; "
          f"ratio {ratio:.3f}x (aim <= {AIM:g}x) {verdict}", flush=True)
    return ratio <= AIM


if __name__ == "__main__":
    run()
