"""Importing a 10,000-row HR export: read, preview (dry run) and commit into an empty database.

Ours: :func:`read_source` (encoding, delimiter and header detection), :func:`preview_import`
(every check, managers, duplicates, comparison with the database) and :func:`commit_import`
(the same checks again, a backup, bulk inserts with audit rows) -- what the coordinator
waits for. Baseline: the same file parsed with the bare ``csv`` module and the same
participant, skill, goal, language and interest rows written with raw sqlite3
``executemany``. Aims: under 3 s in total, and at most 8x the baseline.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    RAW_NOW,
    RAW_PARTICIPANT_INSERT,
    best_of,
    raw_connection,
    report,
    synthetic_people,
)
from mentordesk.db import Database
from mentordesk.services.importing import (
    commit_import,
    guess_mapping,
    preview_import,
    read_source,
)
from mentordesk.services.participants import ParticipantData

COUNT = 10_000
AIM = 8.0
AIM_SECONDS = 3.0
HEADER = ["First Name", "Last Name", "Work Email", "Dept", "Job title", "Line Manager Email",
          "Grade", "Time zone", "Languages", "Skills", "Wants to develop", "Interests",
          "Mentor or mentee?", "Max mentees"]


def write_export(path: Path, people: list[ParticipantData]) -> None:
    """An HR-style CSV (semicolons, first/last names, "Python (4)" skills) of ``people``."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write("Employee list – exported 2026-11-01\r\n\r\n")
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for p in people:
            first, _, last = p.full_name.partition(" ")
            writer.writerow([first, last, p.email, p.department, p.job_title, p.manager_email,
                             p.level, p.timezone, ", ".join(p.languages),
                             ", ".join(f"{s.name} ({s.level})" for s in p.skills),
                             "; ".join(p.goals), ", ".join(p.interests), p.role.value,
                             p.mentor_capacity])


def _fresh(path: Path) -> tuple[Path, Database]:
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    return path, Database.open(folder / "bench.sqlite3", backups=False)


Timings = dict[str, float]


def _ours(state: tuple[Path, Database], timings: list[Timings]) -> None:
    path, db = state
    t0 = time.perf_counter()
    table = read_source(path)
    mapping = guess_mapping(table.headers)
    t1 = time.perf_counter()
    with db.Session() as session:
        preview = preview_import(session, table, mapping)
    t2 = time.perf_counter()
    result = commit_import(db, table, mapping)
    t3 = time.perf_counter()
    db.close(backup=False)
    assert preview.adds == COUNT and result.added == COUNT, (preview.problems[:3], result)
    timings.append({"read": t1 - t0, "preview": t2 - t1, "commit": t3 - t2})


def _raw(state: tuple[Path, Database]) -> None:
    path, db = state
    db_path = db.path
    db.close(backup=False)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[3:]
    con = raw_connection(db_path)
    now = RAW_NOW
    con.executemany(
        RAW_PARTICIPANT_INSERT,
        [(i + 1, f"{r[0]} {r[1]}", "", r[2], r[3], r[4], r[5], r[6], None, "", r[7], r[12],
          int(r[13] or 0), "", "active", 0, 0, "", now, now) for i, r in enumerate(rows)])
    skills = [[(s.rsplit(" (", 1)[0], int(s.rsplit("(", 1)[1].rstrip(")")))
               for s in r[9].split(", ")] for r in rows]
    goals = [r[10].split("; ") for r in rows]
    names = sorted({n for row in skills for n, _ in row} | {g for row in goals for g in row})
    ids = {n: i + 1 for i, n in enumerate(names)}
    con.executemany("INSERT INTO skill (id, name) VALUES (?, ?)", [(i, n) for n, i in ids.items()])
    con.executemany("INSERT INTO participant_skill (participant_id, skill_id, level) "
                    "VALUES (?,?,?)", [(i + 1, ids[n], lvl) for i, row in enumerate(skills)
                                       for n, lvl in row])
    con.executemany("INSERT INTO development_goal (participant_id, skill_id, priority) "
                    "VALUES (?,?,?)", [(i + 1, ids[g], n) for i, row in enumerate(goals)
                                       for n, g in enumerate(row)])
    con.executemany("INSERT INTO participant_language (participant_id, language) VALUES (?,?)",
                    [(i + 1, x) for i, r in enumerate(rows) for x in r[8].split(", ")])
    con.executemany("INSERT INTO participant_interest (participant_id, interest) VALUES (?,?)",
                    [(i + 1, x) for i, r in enumerate(rows) for x in r[11].split(", ")])
    con.execute("COMMIT")
    con.close()


def run() -> bool:
    """Run and print the benchmark; returns whether both aims were met."""
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    path = folder / "hr_export.csv"
    write_export(path, synthetic_people(COUNT))
    timings: list[Timings] = []
    ours = best_of(3, lambda: _fresh(path), lambda s: _ours(s, timings))  # type: ignore[arg-type]
    raw = best_of(3, lambda: _fresh(path), _raw)  # type: ignore[arg-type]
    best = min(timings, key=lambda t: sum(t.values()))
    print(f"import {COUNT:,} rows ({path.stat().st_size / 1e6:.1f} MB): "
          + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in best.items()), flush=True)
    fast_enough = ours <= AIM_SECONDS
    print(f"import {COUNT:,} rows total: {ours:.2f} s (aim < {AIM_SECONDS:g} s) "
          f"{'ok' if fast_enough else 'OVER AIM'}", flush=True)
    ratio_ok = report(f"import {COUNT:,} rows (read + preview + commit)", ours, raw,
                      "csv module + raw sqlite3 executemany", AIM)
    return fast_enough and ratio_ok


if __name__ == "__main__":
    run()
