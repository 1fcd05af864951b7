"""The whole pairing run as the app does it: scoring, certified solving, explanations.

``compute_proposal`` on a synthetic cohort (bench_scoring's people: about 20 skills, three
goals, interests, one or two languages, six time zones, a reporting line), for the sizes of
issue 4, each in a fresh process so its peak memory (the process's maximum resident set,
Python and every library included) is its own:

* 200 mentees x 100 mentors (a typical small organisation, re-run live as sliders move):
  aim at most 100 ms;
* 5,000 mentees x 2,500 mentors of capacity 2: aim at most 2 s and 600 MB, printed beside
  scipy's linear_sum_assignment on the same scores expanded into capacity slots;
* 10,000 x 5,000: aim at most 10 s and 2 GB (linear_sum_assignment is not run: its dense
  10,000 x 10,000 matrix alone is 800 MB);
* group circles for 10,000 people (500 leaders, 9,500 members, circles of 15-25): aim at
  most 1.5 s.

``python -m benchmarks.bench_pairing`` runs them all; ``--case NAME`` runs one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

CASES: dict[str, dict[str, Any]] = {
    "small": {"mentees": 200, "mentors": 100, "aim_s": 0.1, "aim_mb": None, "lsa": True},
    "5k": {"mentees": 5_000, "mentors": 2_500, "aim_s": 2.0, "aim_mb": 600, "lsa": True},
    "10k": {"mentees": 10_000, "mentors": 5_000, "aim_s": 10.0, "aim_mb": 2_048,
            "lsa": False},
    "circles": {"mentees": 9_500, "mentors": 500, "aim_s": 1.5, "aim_mb": None,
                "lsa": False, "circles": True},
}


def _peak_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _pool(case: dict[str, Any]) -> Any:
    from benchmarks.bench_scoring import ON, people
    from mentordesk.services.pairing import Candidate, Pool

    mentees_n, mentors_n = case["mentees"], case["mentors"]
    mentors, _ = people(2 * mentors_n, 1)
    _, mentees = people(mentees_n, 2)
    mentors = mentors[:mentors_n]
    circles = bool(case.get("circles"))
    capacity = 25 if circles else 2
    return Pool(
        programme_id=1,
        mentors=tuple(Candidate(m, f"{m.id}@example.org", capacity) for m in mentors),
        mentees=tuple(Candidate(m, f"{m.id}@example.org") for m in mentees),
        kept=(), forbidden=frozenset(), previous=frozenset(), circles=circles,
        circle_min=15, circle_max=25, on=ON, total_mentors=len(mentors),
        total_mentees=len(mentees))


def _lsa_seconds(pool: Any) -> float:
    """linear_sum_assignment on the same scores, mentors expanded into capacity slots."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from mentordesk.services.pairing import PairingSettings, _score_table

    table = _score_table(pool, PairingSettings(), None, None)
    capacity = np.array([m.capacity for m in pool.mentors])
    first_slot = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    matrix = np.zeros((len(pool.mentees), int(capacity.sum())))
    mentor = np.asarray(table.mentor_index, dtype=np.int64)
    mentee = np.asarray(table.mentee_index, dtype=np.int64)
    score = np.asarray(table.tenths, dtype=np.float64)
    for k in range(int(capacity.max())):
        has = capacity[mentor] > k
        matrix[mentee[has], first_slot[mentor[has]] + k] = score[has]
    start = time.perf_counter()
    linear_sum_assignment(matrix, maximize=True)
    return time.perf_counter() - start


def run_case(name: str) -> dict[str, Any]:
    """Run one case in this process and return its figures."""
    case = CASES[name]
    from mentordesk.services.pairing import PairingSettings, compute_proposal

    pool = _pool(case)
    settings = PairingSettings()
    compute_proposal(_pool(CASES["small"]), settings)  # warm imports and caches
    before = _peak_mb()
    times = []
    proposal = None
    for _ in range(5 if name == "small" else 1):
        start = time.perf_counter()
        proposal = compute_proposal(pool, settings)
        times.append(time.perf_counter() - start)
    assert proposal is not None
    result: dict[str, Any] = {
        "case": name, "seconds": min(times), "peak_mb": _peak_mb(), "peak_before_mb": before,
        "pairs": len(proposal.matches), "unmatched": len(proposal.unmatched),
        "feasible": proposal.feasible_pairs, "certified": proposal.certified,
        "total": proposal.total,
    }
    if case["lsa"]:
        result["lsa_seconds"] = _lsa_seconds(pool)
    return result


def run() -> bool:
    """Run every case in its own process, print the figures; True when every aim is met."""
    ok = True
    for name, case in CASES.items():
        done = subprocess.run([sys.executable, "-m", "benchmarks.bench_pairing", "--case",
                               name], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"pairing {name}: FAILED\n{done.stderr}", flush=True)
            ok = False
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        size = (f"circles for {case['mentees'] + case['mentors']:,} people"
                if case.get("circles") else
                f"{case['mentees']:,} mentees x {case['mentors']:,} mentors")
        met = r["seconds"] <= case["aim_s"] and r["certified"]
        line = (f"pairing {size}: {r['seconds'] * 1000:,.0f} ms "
                f"(aim <= {case['aim_s'] * 1000:,.0f} ms), {r['pairs']:,} pairs, "
                f"{r['unmatched']:,} unmatched, {r['feasible']:,} feasible pairs, "
                f"{'optimal (certified)' if r['certified'] else 'NOT CERTIFIED'}")
        if r["peak_mb"] is not None:
            line += f"; peak memory {r['peak_mb']:,.0f} MB"
            if case["aim_mb"] is not None:
                line += f" (aim <= {case['aim_mb']:,} MB)"
                met = met and r["peak_mb"] <= case["aim_mb"]
        if "lsa_seconds" in r:
            line += (f"; scipy linear_sum_assignment on the same scores: "
                     f"{r['lsa_seconds'] * 1000:,.0f} ms, ratio "
                     f"{r['seconds'] / r['lsa_seconds']:.2f}x")
        print(line + ("" if met else "  OVER AIM"), flush=True)
        ok = ok and met
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=list(CASES))
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    return 0 if run() else 1


if __name__ == "__main__":
    sys.exit(main())
