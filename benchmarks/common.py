"""Shared helpers: timing, synthetic participants, and the report format."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable

from mentordesk.models import ParticipantRole
from mentordesk.services.participants import ParticipantData, SkillLevel

SKILLS = ["Python", "Leadership", "Negotiation", "Public speaking", "Budgeting", "Coaching",
          "System design", "Data analysis", "Recruiting", "Project management"]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "People", "Operations"]
ZONES = ["Europe/London", "Europe/Warsaw", "America/New_York", "Asia/Kolkata"]


# The raw baselines write participants with this statement, in one transaction opened by
# raw_connection(), with the same journal settings MentorDesk uses.
RAW_PARTICIPANT_INSERT = (
    "INSERT INTO participant (id, full_name, preferred_name, email, department, job_title,"
    " manager_email, level, level_rank, location, timezone, role, mentor_capacity,"
    " availability_notes, status, consent_stories, consent_photos, notes, created_at,"
    " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
RAW_NOW = "2026-11-25 12:00:00.000000"


def raw_connection(path: object) -> sqlite3.Connection:
    """A plain sqlite3 connection in WAL with synchronous=FULL, inside BEGIN."""
    con = sqlite3.connect(str(path), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("BEGIN")
    return con


def synthetic_people(count: int, seed: int = 1) -> list[ParticipantData]:
    """``count`` plausible participants with skills, goals, languages and managers."""
    rng = random.Random(seed)
    people = []
    for i in range(count):
        role = rng.choice([ParticipantRole.MENTEE, ParticipantRole.MENTEE,
                           ParticipantRole.MENTOR, ParticipantRole.BOTH])
        skills = rng.sample(SKILLS, 3)
        people.append(ParticipantData(
            full_name=f"Person {i} Ñúñez",
            email=f"person.{i}@example.org",
            department=rng.choice(DEPARTMENTS),
            job_title="Analyst",
            manager_email=f"person.{i // 10}@example.org" if i >= 10 else "",
            level=f"L{1 + i % 6}", level_rank=1 + i % 6,
            timezone=rng.choice(ZONES),
            languages=("English",) if i % 3 else ("English", "Polish"),
            skills=tuple(SkillLevel(s, rng.randint(1, 5)) for s in skills),
            goals=tuple(rng.sample([s for s in SKILLS if s not in skills], 2)),
            interests=("Chess",) if i % 2 else ("Running", "Film"),
            role=role, mentor_capacity=2 if role != ParticipantRole.MENTEE else 0,
        ))
    return people


def best_of(runs: int, setup: Callable[[], object], work: Callable[[object], None]) -> float:
    """The median time of ``work(setup())`` over ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        state = setup()
        start = time.perf_counter()
        work(state)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float, baseline_name: str, aim: float) -> bool:
    """Print one benchmark line; returns whether the aim was met."""
    ratio = ours / baseline
    verdict = "ok" if ratio <= aim else "OVER AIM"
    print(f"{name}: {ours * 1000:.0f} ms; {baseline_name}: {baseline * 1000:.0f} ms; "
          f"ratio {ratio:.2f}x (aim <= {aim:g}x) {verdict}", flush=True)
    return ratio <= aim
