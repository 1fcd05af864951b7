"""How well a mentor suits a mentee: weighted criteria, hard constraints and plain explanations.

Plain Python (and numpy for :func:`score_all`), no Qt and no database: the pairing
service loads people, turns them into :class:`Person` values with
:func:`person_from_record`, and asks this module for scores.

How a score is made (the normalisation):

* The 100 points are shared between the criteria in proportion to their weights, in tenths
  of a point, by the largest-remainder method, so the shares always add up to exactly 100.0
  (a criterion of weight 0 gets no share; all weights 0 gives every pair 0).
* Each criterion earns its share times how well the pair meets it, a fraction 0..1 (for
  example 3 of 8 working hours in common earns 3/8 of the time-zone share), rounded to a
  tenth of a point.
* The total is the sum of those rounded contributions, so the explanation adds up to the
  score exactly, and a pair meeting every criterion fully (the maximum possible with the
  given weights) scores 100.

Points are kept as whole tenths (``tenths``) so sums are exact; ``points`` and ``total``
are the same figures as floats for display.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from functools import lru_cache
from itertools import repeat
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from mentordesk.errors import UserError, ValidationError
from mentordesk.services.participants import ParticipantData, ParticipantRecord

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# --------------------------------------------------------------------------- criteria

DESCRIPTIONS: dict[str, str] = {
    "complementary_skills": (
        "The mentor is strong in the skills the mentee wants to develop, the mentee's first "
        "goal counting most: a strong engineer who wants leadership meets an experienced "
        "manager."),
    "experience_gap": (
        "The mentor is the preferred number of levels ahead of the mentee; less credit the "
        "further from it, and none if the mentor is not ahead."),
    "cross_functional": "The mentor and mentee work in different departments.",
    "shared_interests": (
        "The mentor and mentee share interests (two or more shared give full credit)."),
    "timezone_overlap": (
        "Hours in common between their 09:00-17:00 working days, each in their own time "
        "zone, with daylight saving time as on the reference date (8 hours give full "
        "credit)."),
    "location": "The mentor and mentee are at the same location.",
    "diversity": (
        "Different backgrounds: a different department, a different level, and few skills "
        "in common."),
}

CRITERIA: tuple[str, ...] = tuple(DESCRIPTIONS)
MAX_WEIGHT = 10
# The first three development goals count, the first most.
GOAL_WEIGHTS = (3, 2, 1)
WORKDAY_START = time(9)
WORKDAY_END = time(17)
WORKDAY_MINUTES = 8 * 60


@dataclass(frozen=True)
class Criteria:
    """Weights 0-10 for each criterion (see :data:`DESCRIPTIONS`) and the preferred gap.

    Raises:
        ValidationError: naming each field that is out of range.
    """

    complementary_skills: float = 8
    experience_gap: float = 5
    cross_functional: float = 3
    shared_interests: float = 2
    timezone_overlap: float = 4
    location: float = 1
    diversity: float = 2
    # How many levels (level_rank) ahead of the mentee the mentor should ideally be.
    preferred_gap: int = 2

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        for name in CRITERIA:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                errors[name] = f"must be a number from 0 to {MAX_WEIGHT} (got {value!r})"
            elif not 0 <= value <= MAX_WEIGHT:
                errors[name] = f"must be between 0 and {MAX_WEIGHT} (got {value})"
        gap = self.preferred_gap
        if isinstance(gap, bool) or not isinstance(gap, int) or not 1 <= gap <= 10:
            errors["preferred_gap"] = f"must be a whole number from 1 to 10 (got {gap!r})"
        if errors:
            raise ValidationError(errors)

    def weights(self) -> dict[str, float]:
        """The weight of each criterion, in the order of :data:`CRITERIA`."""
        return {name: getattr(self, name) for name in CRITERIA}


def shares(criteria: Criteria) -> dict[str, int]:
    """Each criterion's share of the 100 points, in tenths (largest remainder; sums to 1000,
    or to 0 when every weight is 0)."""
    return dict(_shares(criteria))


@lru_cache(maxsize=256)
def _shares(criteria: Criteria) -> tuple[tuple[str, int], ...]:
    # Cached: exact fractions are slow, and explaining thousands of pairs asks each time.
    weights = {name: Fraction(w) for name, w in criteria.weights().items()}
    total = sum(weights.values())
    if total == 0:
        return tuple(dict.fromkeys(CRITERIA, 0).items())
    ideal = {name: w * 1000 / total for name, w in weights.items()}
    result = {name: int(v) for name, v in ideal.items()}  # floor: all values are >= 0
    left = 1000 - sum(result.values())
    order = sorted(CRITERIA, key=lambda n: (-(ideal[n] - result[n]), CRITERIA.index(n)))
    for name in order[:left]:
        result[name] += 1
    return tuple(result.items())


def _part(share: int, numerator: int, denominator: int) -> int:
    """``share * numerator / denominator`` rounded half up, in whole tenths (exact)."""
    if denominator <= 0 or numerator <= 0:
        return 0
    return (2 * share * numerator + denominator) // (2 * denominator)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    """What scoring needs to know about a participant (case-folded where compared)."""

    id: int
    name: str
    department: str = ""
    level_rank: int | None = None
    location: str = ""
    timezone: str = "UTC"
    languages: frozenset[str] = frozenset()
    # Skill name (case-folded) -> level 0 (none) to 5 (expert).
    skills: Mapping[str, int] = field(default_factory=dict)
    # Skills to develop (case-folded), first priority first.
    goals: tuple[str, ...] = ()
    interests: frozenset[str] = frozenset()
    # Ids up the reporting line: the manager, their manager, and so on.
    manager_chain: tuple[int, ...] = ()
    manager_email: str = ""
    # Case-folded skill or goal name -> the name as written, for explanations.
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """A skill or goal as the person wrote it."""
        return self.labels.get(key, key)


def person_from_record(record: ParticipantRecord,
                       manager_chain: Sequence[int] | None = None) -> Person:
    """The scoring view of a participant.

    Args:
        record: the participant as stored.
        manager_chain: ids up the reporting line (see :func:`manager_chains`); by default
            only the direct manager is known.
    """
    if manager_chain is None:
        manager_chain = () if record.manager_id is None else (record.manager_id,)
    return person_from_data(record.id, record.data, manager_chain)


def person_from_data(participant_id: int, data: ParticipantData,
                     manager_chain: Sequence[int] = ()) -> Person:
    """The scoring view of a participant's data (see :func:`person_from_record`)."""
    labels: dict[str, str] = {}
    skills: dict[str, int] = {}
    for skill in data.skills:
        key = skill.name.casefold()
        labels.setdefault(key, skill.name)
        skills.setdefault(key, skill.level)
    goals: list[str] = []
    for goal in data.goals:
        key = goal.casefold()
        labels.setdefault(key, goal)
        if key not in goals:
            goals.append(key)
    return Person(
        id=participant_id,
        name=data.preferred_name or data.full_name,
        department=data.department,
        level_rank=data.level_rank,
        location=data.location,
        timezone=data.timezone,
        languages=frozenset(x.casefold() for x in data.languages),
        skills=skills,
        goals=tuple(goals),
        interests=frozenset(x.casefold() for x in data.interests),
        manager_chain=tuple(manager_chain),
        manager_email=data.manager_email,
        labels=labels,
    )


def manager_chains(managers: Mapping[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Each person's reporting line from a map of person id -> manager id (loops stop)."""
    chains: dict[int, tuple[int, ...]] = {}
    for person in managers:
        chain: list[int] = []
        seen = {person}
        boss = managers.get(person)
        while boss is not None and boss not in seen:
            chain.append(boss)
            seen.add(boss)
            boss = managers.get(boss)
        chains[person] = tuple(chain)
    return chains


# --------------------------------------------------------------------------- hard constraints


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


def why_not(mentor: Person, mentee: Person, *,
            forbidden: frozenset[tuple[int, int]] = frozenset(),
            previous_partners: frozenset[tuple[int, int]] = frozenset(),
            avoid_previous: bool = False) -> str | None:
    """Why ``mentor`` may not mentor ``mentee``, in plain words, or None when they may.

    Args:
        forbidden: (mentor id, mentee id) pairs the coordinator forbade.
        previous_partners: pairs of ids who were partners before, in either role.
        avoid_previous: whether a previous partner is refused.

    A person with no languages recorded is not refused for language: nothing is known.
    """
    if mentor.id == mentee.id:
        return f"{mentor.name} cannot mentor themselves"
    if mentor.id in mentee.manager_chain:
        return f"{mentor.name} is in {mentee.name}'s reporting line"
    if mentee.id in mentor.manager_chain:
        return f"{mentee.name} is in {mentor.name}'s reporting line"
    if mentor.languages and mentee.languages and not mentor.languages & mentee.languages:
        return f"{mentor.name} and {mentee.name} have no language in common"
    if (mentor.id, mentee.id) in forbidden:
        return f"the coordinator forbade pairing {mentor.name} with {mentee.name}"
    if avoid_previous and ((mentor.id, mentee.id) in previous_partners
                           or (mentee.id, mentor.id) in previous_partners):
        return f"{mentor.name} and {mentee.name} were partners before"
    return None


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Contribution:
    """What one criterion added to a pair's score."""

    criterion: str
    tenths: int
    text: str

    @property
    def points(self) -> float:
        """The points, to one decimal."""
        return self.tenths / 10


@dataclass(frozen=True)
class PairScore:
    """A pair's total 0-100 and the contributions that add up to it exactly."""

    mentor_id: int
    mentee_id: int
    contributions: tuple[Contribution, ...]

    @property
    def tenths(self) -> int:
        """The total in whole tenths of a point, 0-1000."""
        return sum(c.tenths for c in self.contributions)

    @property
    def total(self) -> float:
        """The total, 0-100, to one decimal."""
        return self.tenths / 10


def explain(score: PairScore, top: int = 3) -> tuple[Contribution, ...]:
    """The ``top`` largest contributions that added points, largest first."""
    ranked = sorted((c for c in score.contributions if c.tenths > 0),
                    key=lambda c: (-c.tenths, CRITERIA.index(c.criterion)))
    return tuple(ranked[:top])


def _plus(tenths: int) -> str:
    return f"+{tenths / 10:g}"


def _goal_levels(mentor: Person, mentee: Person) -> list[tuple[str, int, int]]:
    """(goal, mentor's level, weight) for the goals that count."""
    return [(goal, mentor.skills.get(goal, 0), w)
            for goal, w in zip(mentee.goals, GOAL_WEIGHTS, strict=False)]


def _goal_numerator(levels: list[tuple[str, int, int]]) -> tuple[int, int]:
    return sum(level * w for _, level, w in levels), 5 * sum(w for _, _, w in levels)


def _complementary(share: int, mentor: Person, mentee: Person) -> Contribution:
    levels = _goal_levels(mentor, mentee)
    num, den = _goal_numerator(levels)
    tenths = _part(share, num, den)
    if not levels:
        text = f"{mentee.name} has no development goals recorded: {_plus(tenths)}"
    else:
        strong = [(goal, level) for goal, level, _ in levels if level > 0]
        if strong:
            said = " and ".join(f"level {level} in {mentee.label(goal)}"
                                for goal, level in strong)
            which = "which" if len(strong) == 1 else "skills"
            text = f"{mentor.name} is {said}, {which} {mentee.name} wants to develop: " \
                   f"{_plus(tenths)}"
        else:
            text = f"{mentor.name} has none of the skills {mentee.name} wants to develop: " \
                   f"{_plus(tenths)}"
    return Contribution("complementary_skills", tenths, text)


def _gap_fraction(mentor_rank: int | None, mentee_rank: int | None,
                  preferred: int) -> tuple[int, int]:
    if mentor_rank is None or mentee_rank is None:
        return 0, 1
    ahead = mentor_rank - mentee_rank
    if ahead <= 0:
        return 0, 1
    return max(0, preferred + 1 - abs(ahead - preferred)), preferred + 1


def _experience_gap(share: int, preferred: int, mentor: Person, mentee: Person) -> Contribution:
    num, den = _gap_fraction(mentor.level_rank, mentee.level_rank, preferred)
    tenths = _part(share, num, den)
    if mentor.level_rank is None or mentee.level_rank is None:
        text = f"level not known for {mentor.name} or {mentee.name}: {_plus(tenths)}"
    else:
        ahead = mentor.level_rank - mentee.level_rank
        if ahead <= 0:
            text = f"{mentor.name} is not ahead of {mentee.name} in level: {_plus(tenths)}"
        else:
            levels = "level" if ahead == 1 else "levels"
            text = (f"{mentor.name} is {ahead} {levels} ahead of {mentee.name} "
                    f"(preferred {preferred}): {_plus(tenths)}")
    return Contribution("experience_gap", tenths, text)


def _differ(a: str, b: str) -> bool:
    """Whether two known values differ (an unknown value never counts as different)."""
    return bool(a.strip()) and bool(b.strip()) and a.strip().casefold() != b.strip().casefold()


def _cross_functional(share: int, mentor: Person, mentee: Person) -> Contribution:
    differ = _differ(mentor.department, mentee.department)
    tenths = share if differ else 0
    if differ:
        text = f"{mentor.department} and {mentee.department}: cross-functional, {_plus(tenths)}"
    elif mentor.department.strip() and mentee.department.strip():
        text = f"both in {mentee.department}: not cross-functional, {_plus(tenths)}"
    else:
        text = f"department not known: {_plus(tenths)}"
    return Contribution("cross_functional", tenths, text)


def _interest_part(share: int, shared: int) -> int:
    return _part(share, min(shared, 2), 2)


def _shared_interests(share: int, mentor: Person, mentee: Person) -> Contribution:
    common = sorted(mentor.interests & mentee.interests)
    tenths = _interest_part(share, len(common))
    if common:
        text = f"shared interests ({', '.join(common)}): {_plus(tenths)}"
    else:
        text = f"no shared interests: {_plus(tenths)}"
    return Contribution("shared_interests", tenths, text)


@lru_cache(maxsize=4096)
def overlap_minutes(zone_a: str, zone_b: str, on: date) -> int | None:
    """Minutes in common between the 09:00-17:00 working days of two time zones.

    ``zone_a``'s working day on ``on`` is compared with ``zone_b``'s on the day before, the
    day itself and the day after (far-apart zones meet across midnight). None when a zone
    is not known.
    """
    try:
        tz_a, tz_b = ZoneInfo(zone_a), ZoneInfo(zone_b)
    except (ZoneInfoNotFoundError, ValueError):
        return None

    def window(zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, WORKDAY_START, zone).astimezone(UTC),
                datetime.combine(day, WORKDAY_END, zone).astimezone(UTC))

    start_a, end_a = window(tz_a, on)
    seconds = 0.0
    for shift in (-1, 0, 1):
        start_b, end_b = window(tz_b, on + timedelta(days=shift))
        seconds += max(0.0, (min(end_a, end_b) - max(start_a, start_b)).total_seconds())
    return int(seconds // 60)


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:g}" if hours == int(hours) else f"{hours:.1f}"


def _timezone_overlap(share: int, on: date, mentor: Person, mentee: Person) -> Contribution:
    minutes = overlap_minutes(mentor.timezone, mentee.timezone, on)
    tenths = _part(share, min(minutes or 0, WORKDAY_MINUTES), WORKDAY_MINUTES)
    zones = f"{mentor.timezone} and {mentee.timezone}"
    if minutes is None:
        text = f"time zone not known ({zones}): {_plus(tenths)}"
    else:
        unit = "hour" if minutes == 60 else "hours"
        text = f"{_hours(minutes)} working {unit} overlap ({zones}): {_plus(tenths)}"
    return Contribution("timezone_overlap", tenths, text)


def _same_location(mentor: Person, mentee: Person) -> bool:
    a, b = mentor.location.strip(), mentee.location.strip()
    return bool(a) and a.casefold() == b.casefold()


def _location(share: int, mentor: Person, mentee: Person) -> Contribution:
    same = _same_location(mentor, mentee)
    tenths = share if same else 0
    if same:
        text = f"both in {mentee.location.strip()}: {_plus(tenths)}"
    elif mentor.location.strip() and mentee.location.strip():
        text = (f"{mentor.location.strip()} and {mentee.location.strip()}: different "
                f"locations, {_plus(tenths)}")
    else:
        text = f"location not known: {_plus(tenths)}"
    return Contribution("location", tenths, text)


def _diversity_shares(share: int) -> tuple[int, int, int]:
    """The diversity share split between department, level and skills (sums to it)."""
    third, extra = divmod(share, 3)
    return third + (extra > 0), third + (extra > 1), third


def _strong_skills(person: Person) -> set[str]:
    return {name for name, level in person.skills.items() if level >= 1}


def _skill_part(share: int, shared: int | None) -> int:
    """Credit for few skills in common: all for none, half for one; None: not known."""
    if shared is None:
        return 0
    return _part(share, max(0, 2 - shared), 2)


def _level_differs(mentor: Person, mentee: Person) -> bool:
    return (mentor.level_rank is not None and mentee.level_rank is not None
            and mentor.level_rank != mentee.level_rank)


def _diversity(share: int, mentor: Person, mentee: Person) -> Contribution:
    dept_share, level_share, skill_share = _diversity_shares(share)
    dept = _differ(mentor.department, mentee.department)
    level = _level_differs(mentor, mentee)
    a, b = _strong_skills(mentor), _strong_skills(mentee)
    shared = len(a & b) if a and b else None
    tenths = (dept_share * dept + level_share * level + _skill_part(skill_share, shared))
    said = [w for w, yes in (("department", dept), ("level", level)) if yes]
    parts = [f"different {' and '.join(said)}"] if said else []
    if shared is not None:
        parts.append(f"{shared} skill{'s' if shared != 1 else ''} in common")
    text = f"diversity ({', '.join(parts) or 'no difference known'}): {_plus(tenths)}"
    return Contribution("diversity", tenths, text)


def score_pair(mentor: Person, mentee: Person, criteria: Criteria, *,
               on: date | None = None) -> PairScore:
    """Score a pair (hard constraints are :func:`why_not`'s business, not checked here).

    Args:
        on: the reference date for time-zone overlap (daylight saving time); today if None.
    """
    on = on or date.today()
    share = shares(criteria)
    contributions = (
        _complementary(share["complementary_skills"], mentor, mentee),
        _experience_gap(share["experience_gap"], criteria.preferred_gap, mentor, mentee),
        _cross_functional(share["cross_functional"], mentor, mentee),
        _shared_interests(share["shared_interests"], mentor, mentee),
        _timezone_overlap(share["timezone_overlap"], on, mentor, mentee),
        _location(share["location"], mentor, mentee),
        _diversity(share["diversity"], mentor, mentee),
    )
    return PairScore(mentor.id, mentee.id,
                     tuple(c for c in contributions if share[c.criterion] > 0))


# --------------------------------------------------------------------------- every pair at once


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """The feasible pairs and their totals, as parallel numpy arrays.

    Pair ``k`` is ``mentors[mentor_index[k]]`` with ``mentees[mentee_index[k]]``, scoring
    ``tenths[k] / 10`` (exactly ``score_pair(...).total``). Pairs are grouped by mentee in
    input order, mentors in ascending order within a mentee (the solver relies on it).
    ``mentor_index`` and ``mentee_index`` are int32 and ``tenths`` int16 (0-1000): whole
    tenths suit an integer min-cost-flow solver. Tables compare by identity.
    """

    mentor_index: npt.NDArray[np.int32]
    mentee_index: npt.NDArray[np.int32]
    tenths: npt.NDArray[np.int16]

    def __len__(self) -> int:
        return len(self.tenths)

    def total(self, k: int) -> float:
        """Pair ``k``'s total, 0-100."""
        return int(self.tenths[k]) / 10


_INFEASIBLE = -1_000_000
# Pairs scored at once: about 4 MB of working arrays, whatever the cohort's size.
_CHUNK_PAIRS = 1 << 17
# Codes below this add up in int16 (half the memory traffic of int32).
_SHORT_CODES = 1 << 15

# A table of kinds of mentee x kinds of mentor up to this size (4 MB) holds every part
# that depends on them; above it, each part is looked up on its own.
_KIND_CELLS = 1 << 20

_Key = Callable[[Person], Hashable]
_PartScore = Callable[[Person, Person], int]
# Points of a part for people with distinct keys, indexed [mentee, mentor].
_PartTable = Callable[[list[Person]], npt.NDArray[np.int32]]


def _rank_key(p: Person) -> Hashable:
    return (p.department.strip().casefold(), p.level_rank)


def _place_key(p: Person) -> Hashable:
    return (p.location.strip().casefold(), p.timezone, p.languages)


def _department(p: Person) -> str:
    return p.department.strip().casefold()


def _location_key(p: Person) -> str:
    return p.location.strip().casefold()


def _kinds(people: Iterable[Person], key: _Key) -> tuple[list[int], list[Person]]:
    """Each person's kind (numbered in order of appearance) and one person of each kind."""
    number: dict[Hashable, int] = {}
    examples: list[Person] = []
    kinds: list[int] = []
    for p in people:
        k = key(p)
        n = number.get(k)
        if n is None:
            n = number[k] = len(examples)
            examples.append(p)
        kinds.append(n)
    return kinds, examples


def _each_pair(score: _PartScore) -> _PartTable:
    """A part scored by ``score(mentor, mentee)`` for each two people."""
    def table(people: list[Person]) -> npt.NDArray[np.int32]:
        return np.array([[score(m, e) for m in people] for e in people],
                        dtype=np.int32).reshape(len(people), len(people))
    return table


def _known(people: list[Person], key: Callable[[Person], str]) -> npt.NDArray[np.bool_]:
    return np.fromiter((bool(key(p)) for p in people), dtype=bool, count=len(people))


def _when_different(points: int, key: Callable[[Person], str]) -> _PartTable:
    """``points`` when both keys are known (not empty) and differ (see :func:`_differ`)."""
    def table(people: list[Person]) -> npt.NDArray[np.int32]:
        known = _known(people, key)
        differ = known[:, None] & known[None, :] & ~np.eye(len(people), dtype=bool)
        return np.where(differ, points, 0).astype(np.int32)
    return table


def _when_same(points: int, key: Callable[[Person], str]) -> _PartTable:
    """``points`` when the key is known (not empty) and the same for both."""
    def table(people: list[Person]) -> npt.NDArray[np.int32]:
        return np.diag(np.where(_known(people, key), points, 0)).astype(np.int32)
    return table


@dataclass(frozen=True)
class _Lookup:
    """Points by a kind of mentee and a kind of mentor: ``table[mentee kind, mentor kind]``."""

    mentee_kind: npt.NDArray[np.intp]
    mentor_kind: npt.NDArray[np.intp]
    table: npt.NDArray[np.int32]


def _lookups(mentors: Sequence[Person], mentees: Sequence[Person], key: _Key,
             parts: Sequence[tuple[_Key, _PartTable]]) -> list[_Lookup]:
    """The points of some parts, looked up per pair: together when few kinds, else apart.

    Args:
        key: what makes two people the same kind (every part's key must follow from it).
        parts: each part's key, and its table for people with distinct keys, computed
            once per two distinct values, not per two people.
    """
    kinds, examples = _kinds([*mentors, *mentees], key)
    kind = np.asarray(kinds, dtype=np.intp)
    tables = []
    for part_key, table_of in parts:
        numbers, representatives = _kinds(examples, part_key)
        tables.append((np.asarray(numbers, dtype=np.intp), table_of(representatives)))
    n = len(mentors)
    if len(examples) ** 2 > _KIND_CELLS:
        return [_Lookup(values[kind[n:]], values[kind[:n]], table) for values, table in tables]
    together = np.zeros((len(examples), len(examples)), dtype=np.int32)
    for values, table in tables:
        together += table[np.ix_(values, values)]
    return [_Lookup(kind[n:], kind[:n], together)]


@dataclass(frozen=True)
class _Codes:
    """Skills, goals and interests of every pair as a sum of a few precomputed rows.

    Pair (j, i)'s complementary skills, shared interests and diversity-of-skills points
    are ``points[code]``, where ``code = base[i] + rows[slots[i, 0], j] + ... +
    rows[slots[i, filled[i] - 1], j]``, that is ``base[i] + goal numerator + radix *
    (skills + width * interests)``: the goal numerator is the mentor's levels in the
    mentee's first goals times :data:`GOAL_WEIGHTS` (a row per goal and weight), ``skills``
    the mentee's strong skills that the mentor is strong in (a row per skill), or
    ``width - 1`` when the mentor has none (one row), and ``interests`` the interests in
    common (a row per interest). ``base[i]`` starts the block of ``points`` for mentees
    with as many goals counted, and with or without strong skills. Whole numbers
    throughout: exact, and no BLAS (whose threads crawl when the cores are busy).
    """

    rows: npt.NDArray[np.signedinteger[Any]]
    slots: npt.NDArray[np.intp]
    filled: npt.NDArray[np.intp]
    base: npt.NDArray[np.signedinteger[Any]]
    points: npt.NDArray[np.int32]


def _codes(mentors: Sequence[Person], mentees: Sequence[Person],
           share: Mapping[str, int]) -> _Codes:
    counted = len(GOAL_WEIGHTS)
    wanted = {goal for e in mentees for goal in e.goals[:counted]}
    strong_e = [_strong_skills(e) for e in mentees]
    strong_m = [_strong_skills(m) for m in mentors]
    strong_wanted = set().union(*strong_e)
    liked = {x for e in mentees for x in e.interests}

    # Mentors' levels, strong skills and interests that some mentee asks for.
    level_of: dict[str, int] = {}
    strong_of: dict[str, int] = {}
    interest_of: dict[str, int] = {}
    level_at: list[tuple[int, int, int]] = []
    strong_at: list[tuple[int, int]] = []
    interest_at: list[tuple[int, int]] = []
    nobody_strong: list[int] = []
    for j, (m, st) in enumerate(zip(mentors, strong_m, strict=True)):
        for name, level in m.skills.items():
            if level and name in wanted:
                level_at.append((level_of.setdefault(name, len(level_of)), j, level))
        for name in st & strong_wanted:
            strong_at.append((strong_of.setdefault(name, len(strong_of)), j))
        if not st:
            nobody_strong.append(j)
        for x in m.interests & liked:
            interest_at.append((interest_of.setdefault(x, len(interest_of)), j))

    # What each mentee adds up: row numbers (0 adds nothing), and the widest mentee.
    first_strong = 1 + len(GOAL_WEIGHTS) * len(level_of)
    no_strong = first_strong + len(strong_of)
    first_interest = no_strong + 1
    slots: list[list[int]] = []
    widest = most_interests = 0
    for e, st in zip(mentees, strong_e, strict=True):
        mine = [1 + w * len(level_of) + level_of[goal]
                for w, goal in enumerate(e.goals[:counted]) if goal in level_of]
        shared = [first_strong + strong_of[name] for name in st if name in strong_of]
        widest = max(widest, len(shared))
        mine.extend(shared)
        if st:
            mine.append(no_strong)
        common = [first_interest + interest_of[x] for x in e.interests if x in interest_of]
        most_interests = max(most_interests, len(common))
        mine.extend(common)
        slots.append(mine)

    # A goal numerator is between 6 times the lowest and 6 times the highest level.
    levels = [level for _, _, level in level_at]
    low = sum(GOAL_WEIGHTS) * min(0, min(levels, default=0))
    high = sum(GOAL_WEIGHTS) * max(0, max(levels, default=0))
    radix = high - low + 1
    width = widest + 2  # 0 .. widest skills in common, or width - 1: the mentor has none
    block = radix * width * (most_interests + 1)
    size = block * (counted + 1) * 2
    short = size + radix < _SHORT_CODES
    dtype: type[np.signedinteger[Any]] = np.int16 if short else np.int32

    rows = np.zeros((first_interest + len(interest_of), len(mentors)), dtype=dtype)
    if level_at:
        at, who, skill_level = (np.asarray(x, dtype=np.intp)
                                for x in zip(*level_at, strict=True))
        for w, weight in enumerate(GOAL_WEIGHTS):
            rows[1 + w * len(level_of) + at, who] = weight * skill_level
    if strong_at:
        at, who = (np.asarray(x, dtype=np.intp) for x in zip(*strong_at, strict=True))
        rows[first_strong + at, who] = radix
    rows[no_strong, nobody_strong] = radix * (width - 1)
    if interest_at:
        at, who = (np.asarray(x, dtype=np.intp) for x in zip(*interest_at, strict=True))
        rows[first_interest + at, who] = radix * width

    filled = np.fromiter(map(len, slots), dtype=np.intp, count=len(slots))
    deepest = int(filled.max(initial=0))
    padded: list[int] = []
    for mine in slots:
        padded.extend(mine)
        padded.extend(repeat(0, deepest - len(mine)))
    table = np.asarray(padded, dtype=np.intp).reshape(len(slots), deepest)
    base = np.fromiter(((2 * min(len(e.goals), counted) + bool(st)) * block - low
                        for e, st in zip(mentees, strong_e, strict=True)),
                       dtype=dtype, count=len(mentees))

    skill_share = _diversity_shares(share["diversity"])[2]
    interest = np.array([_interest_part(share["shared_interests"], k)
                         for k in range(most_interests + 1)], dtype=np.int32)
    skills = np.array([_skill_part(skill_share, None if k == width - 1 else k)
                       for k in range(width)], dtype=np.int32)
    points = np.zeros((counted + 1, 2, most_interests + 1, width, radix), dtype=np.int32)
    for goals in range(counted + 1):
        den = 5 * sum(GOAL_WEIGHTS[:goals])
        complementary = np.array([_part(share["complementary_skills"], num, den)
                                  for num in range(low, high + 1)], dtype=np.int32)
        for any_strong in (False, True):
            points[goals, int(any_strong)] = (
                interest[:, None, None] + complementary[None, None, :]
                + (skills[None, :, None] if any_strong else 0))
    return _Codes(rows, table, filled, base, points.reshape(-1))


def _excluded(mentors: Sequence[Person], mentees: Sequence[Person],
              forbidden: frozenset[tuple[int, int]],
              previous_partners: frozenset[tuple[int, int]],
              avoid_previous: bool) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(mentee, mentor) positions refused by :func:`why_not` other than for language,
    sorted by mentee."""
    # Lists: the same person may be listed twice (a caller's mistake must not hide a ban).
    positions: dict[int, list[int]] = {}
    below: dict[int, list[int]] = {}
    for j, m in enumerate(mentors):
        positions.setdefault(m.id, []).append(j)
        for boss in m.manager_chain:
            below.setdefault(boss, []).append(j)
    banned: dict[int, list[int]] = {}
    for mentor_id, mentee_id in forbidden:
        banned.setdefault(mentee_id, []).extend(positions.get(mentor_id, ()))
    if avoid_previous:
        for a, b in previous_partners:
            banned.setdefault(b, []).extend(positions.get(a, ()))
            banned.setdefault(a, []).extend(positions.get(b, ()))
    rows: list[int] = []
    cols: list[int] = []
    nobody: list[int] = []
    for i, e in enumerate(mentees):
        refused = [*positions.get(e.id, nobody), *below.get(e.id, nobody),
                   *banned.get(e.id, nobody)]
        for boss in e.manager_chain:
            refused.extend(positions.get(boss, nobody))
        rows.extend(repeat(i, len(refused)))
        cols.extend(refused)
    return np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)


def score_all(mentors: Sequence[Person], mentees: Sequence[Person], criteria: Criteria, *,
              forbidden: frozenset[tuple[int, int]] = frozenset(),
              previous_partners: frozenset[tuple[int, int]] = frozenset(),
              avoid_previous: bool = False, on: date | None = None,
              progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ScoreTable:
    """Every feasible pair's total, the same figures as :func:`score_pair`, quickly.

    Points that depend only on department and level, or only on location, time zone and
    languages, are computed once per two distinct values and looked up per pair; skills,
    goals and interests are added up for many pairs at once, a few precomputed rows per
    mentee, into a code that indexes a table of points (see :class:`_Codes`). Mentees are
    scored in chunks of about 130,000 pairs, so working memory stays small; ``progress``
    and ``cancelled`` are called between chunks. The result holds 10 bytes per feasible
    pair.

    Raises:
        UserError: when ``cancelled()`` became true.
        ValueError: skill levels so far outside 0-5 that a total exceeds 16 bits.
    """
    on = on or date.today()
    share = shares(criteria)
    n, count = len(mentors), len(mentees)
    if not n or not count:
        return ScoreTable(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int16))
    if cancelled is not None and cancelled():
        raise UserError("Cancelled: no pairs were scored.")

    dept_share, level_share, _ = _diversity_shares(share["diversity"])
    lookups = [
        *_lookups(mentors, mentees, _rank_key, [
            (_department, _when_different(share["cross_functional"] + dept_share,
                                           _department)),
            (lambda p: p.level_rank, _each_pair(
                lambda m, e: _experience_gap(share["experience_gap"], criteria.preferred_gap,
                                             m, e).tenths
                + level_share * _level_differs(m, e))),
        ]),
        *_lookups(mentors, mentees, _place_key, [
            (_location_key, _when_same(share["location"], _location_key)),
            (lambda p: p.timezone, _each_pair(
                lambda m, e: _timezone_overlap(share["timezone_overlap"], on, m, e).tenths)),
            (lambda p: p.languages, _each_pair(
                lambda m, e: _INFEASIBLE
                if m.languages and e.languages and not m.languages & e.languages else 0)),
        ]),
    ]
    codes = _codes(mentors, mentees, share)
    refused_mentee, refused_mentor = _excluded(mentors, mentees, forbidden,
                                               previous_partners, avoid_previous)
    highest = int(codes.points.max(initial=0)) + sum(
        int(lookup.table.max(initial=0)) for lookup in lookups)
    if highest > np.iinfo(np.int16).max:
        raise ValueError("skill levels must be from 0 to 5")

    rows = max(1, min(count, _CHUNK_PAIRS // n))
    code = np.empty((rows, n), dtype=codes.rows.dtype)
    part = np.empty((rows, n), dtype=codes.rows.dtype)
    index = np.empty((rows, n), dtype=np.intp)
    totals = np.empty((rows, n), dtype=np.int32)
    extra = np.empty((rows, n), dtype=np.int32)
    columns = np.broadcast_to(np.arange(n, dtype=np.int32), (rows, n))
    # Room for every pair; the arrays shrink in place to the feasible ones at the end.
    mentor_index = np.empty(n * count, dtype=np.int32)
    mentee_index = np.empty(n * count, dtype=np.int32)
    tenths = np.empty(n * count, dtype=np.int16)
    kept = 0
    for start in range(0, count, rows):
        if start and cancelled is not None and cancelled():
            raise UserError("Cancelled: no pairs were scored.")
        stop = min(start + rows, count)
        size = stop - start
        total = totals[:size]
        here = code[:size]
        np.copyto(here, codes.base[start:stop, None])
        filled = codes.filled[start:stop]
        for slot in range(codes.slots.shape[1]):
            having = np.flatnonzero(filled > slot)
            if 2 * having.size >= size:  # most mentees: add row 0 (zeros) for the others
                np.take(codes.rows, codes.slots[start:stop, slot], axis=0, out=part[:size],
                        mode="clip")
                here += part[:size]
            elif having.size:
                here[having] += codes.rows[codes.slots[start + having, slot]]
            else:
                break
        np.copyto(index[:size], here)
        np.take(codes.points, index[:size], out=total, mode="clip")
        for lookup in lookups:
            np.take(lookup.table[lookup.mentee_kind[start:stop]], lookup.mentor_kind, axis=1,
                    out=extra[:size], mode="clip")
            total += extra[:size]
        first, last = np.searchsorted(refused_mentee, (start, stop))
        total[refused_mentee[first:last] - start, refused_mentor[first:last]] = _INFEASIBLE
        keep = total >= 0
        per_mentee = np.count_nonzero(keep, axis=1)
        end = kept + int(per_mentee.sum())
        mentor_index[kept:end] = columns[:size][keep]
        tenths[kept:end] = total[keep]
        mentee_index[kept:end] = np.repeat(np.arange(start, stop, dtype=np.int32), per_mentee)
        kept = end
        if progress is not None:
            progress(stop, count)
    for array in (mentor_index, mentee_index, tenths):
        array.resize(kept, refcheck=False)
    return ScoreTable(mentor_index, mentee_index, tenths)
