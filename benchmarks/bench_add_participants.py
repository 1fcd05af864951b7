"""Adding 10,000 participants through the service vs raw sqlite3 executemany of the same rows.

The service validates every row (email, time zone, capacity, lengths, duplicates), resolves
managers, creates skills and writes an audit event per person, in one transaction. The
baseline writes the same participant, skill, goal, language and interest rows with plain
``executemany`` and nothing else. Aim: at most 5x.
"""

from __future__ import annotations

import tempfile
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
from mentordesk.services.participants import add_participants

COUNT = 10_000
AIM = 5.0


def _fresh_db() -> Database:
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    return Database.open(folder / "bench.sqlite3", backups=False)


def _service(people: list, db: Database) -> None:
    with db.Session.begin() as session:
        add_participants(session, people)
    db.close(backup=False)


def _raw(people: list, db: Database) -> None:
    path = db.path
    db.close(backup=False)
    con = raw_connection(path)
    now = RAW_NOW
    con.executemany(
        RAW_PARTICIPANT_INSERT,
        [(i + 1, p.full_name, p.preferred_name, p.email, p.department, p.job_title,
          p.manager_email, p.level, p.level_rank, p.location, p.timezone, p.role.value,
          p.mentor_capacity, "", "active", 0, 0, "", now, now)
         for i, p in enumerate(people)])
    names = sorted({s.name for p in people for s in p.skills}
                   | {g for p in people for g in p.goals})
    ids = {n: i + 1 for i, n in enumerate(names)}
    con.executemany("INSERT INTO skill (id, name) VALUES (?, ?)", [(i, n) for n, i in ids.items()])
    con.executemany("INSERT INTO participant_skill (participant_id, skill_id, level) "
                    "VALUES (?,?,?)", [(i + 1, ids[s.name], s.level)
                                       for i, p in enumerate(people) for s in p.skills])
    con.executemany("INSERT INTO development_goal (participant_id, skill_id, priority) "
                    "VALUES (?,?,?)", [(i + 1, ids[g], n) for i, p in enumerate(people)
                                       for n, g in enumerate(p.goals)])
    con.executemany("INSERT INTO participant_language (participant_id, language) VALUES (?,?)",
                    [(i + 1, lang) for i, p in enumerate(people) for lang in p.languages])
    con.executemany("INSERT INTO participant_interest (participant_id, interest) VALUES (?,?)",
                    [(i + 1, x) for i, p in enumerate(people) for x in p.interests])
    con.execute("COMMIT")
    con.close()


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    people = synthetic_people(COUNT)
    ours = best_of(3, _fresh_db, lambda db: _service(people, db))  # type: ignore[arg-type]
    raw = best_of(3, _fresh_db, lambda db: _raw(people, db))  # type: ignore[arg-type]
    return report(f"add {COUNT:,} participants through the service", ours, raw,
                  "raw sqlite3 executemany", AIM)


if __name__ == "__main__":
    run()
