"""Pairing mentors with mentees over the database: criteria, proposals, review, publishing.

The workflow (issue 4): :func:`propose_pairings` drafts proposals with the certified optimal
solver → the coordinator reviews them (:func:`accept_pairings`, :func:`reject_pairing`,
:func:`reassign_mentee`, :func:`lock_pair`, :func:`forbid_pair`) → a re-run keeps locked,
accepted and active pairs and re-proposes the rest → :func:`publish_pairings` makes pairs
active. People who join mid-programme are matched on their own: active pairs stay as they
are, and mentors offer only the capacity they have left.

The work is split so the GUI can re-run live while sliders move: :func:`load_pool` reads
everything once (plain data), :func:`compute_proposal` scores and solves without touching
the database, and :func:`save_proposal` writes the result in the caller's transaction.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from mentordesk.errors import NotFoundError, UserError, ValidationError
from mentordesk.models import (
    Pairing,
    PairingMember,
    PairingRule,
    PairingRuleKind,
    PairingRun,
    PairingStatus,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    Programme,
    ProgrammeFormat,
)
from mentordesk.services import audit
from mentordesk.services.importing import load_participant_data
from mentordesk.services.matching import Solution, solve
from mentordesk.services.scoring import (
    CRITERIA,
    Contribution,
    Criteria,
    Person,
    ScoreTable,
    manager_chains,
    person_from_data,
    score_all,
    score_pair,
    why_not,
)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Pairings a re-run keeps (with locked proposals); proposals not locked are replaced.
KEPT_STATUSES = (PairingStatus.ACCEPTED, PairingStatus.ACTIVE, PairingStatus.PAUSED)
# Pairings that are over: their people were partners before.
PAST_STATUSES = (PairingStatus.COMPLETED, PairingStatus.ENDED_EARLY)
OPEN_STATUSES = (PairingStatus.PROPOSED, *KEPT_STATUSES)
# Pairings that were agreed: feedback from one of their people is about them.
PAIRED_STATUSES = (*KEPT_STATUSES, *PAST_STATUSES)
# A mentor counts as offering a skill from this level (0-5) on.
OFFERED_LEVEL = 3


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PairingSettings:
    """A programme's pairing criteria and options.

    Attributes:
        criteria: the weights of the soft criteria and the preferred level gap.
        avoid_previous: never pair people who were partners before (in any programme).
        max_matched: match as many mentees as possible first, then maximise the score.
    """

    criteria: Criteria = field(default_factory=Criteria)
    avoid_previous: bool = False
    max_matched: bool = True

    def to_json(self) -> dict[str, Any]:
        """The settings as stored with the programme."""
        return {**asdict(self.criteria), "avoid_previous": self.avoid_previous,
                "max_matched": self.max_matched}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PairingSettings:
        """Settings from their stored form; missing keys take the defaults.

        Raises:
            ValidationError: a value out of range, naming the field.
        """
        data = dict(data or {})
        known = {name: data[name] for name in (*CRITERIA, "preferred_gap") if name in data}
        errors: dict[str, str] = {}
        flags: dict[str, bool] = {}
        for name in ("avoid_previous", "max_matched"):
            if name in data:
                if not isinstance(data[name], bool):
                    errors[name] = f"must be true or false (got {data[name]!r})"
                else:
                    flags[name] = data[name]
        unknown = set(data) - {*CRITERIA, "preferred_gap", "avoid_previous", "max_matched"}
        for name in sorted(unknown):
            errors[name] = "is not a pairing setting"
        try:
            criteria = Criteria(**known)
        except ValidationError as exc:
            errors.update(exc.errors)
        if errors:
            raise ValidationError(errors)
        return cls(criteria=criteria, **flags)


def get_settings(session: Session, programme_id: int) -> PairingSettings:
    """The programme's pairing settings (the defaults until changed)."""
    return PairingSettings.from_json(_programme(session, programme_id).pairing_settings)


def save_settings(session: Session, programme_id: int,
                  settings: PairingSettings) -> PairingSettings:
    """Store the programme's pairing settings."""
    programme = _programme(session, programme_id)
    programme.pairing_settings = settings.to_json()
    audit.record(session, "edit", "programme", programme_id, ["pairing_settings"])
    return settings


def _programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    return programme


# --------------------------------------------------------------------------- the pool


@dataclass(frozen=True)
class Candidate:
    """A person who can be matched, with what the pairing needs to know."""

    person: Person
    email: str
    # Places left: a mentor's capacity minus the mentees they keep (circles: the room left
    # in the circle they keep, or the circle's maximum for a new circle).
    capacity: int = 0
    # Mentees already in the circle this mentor keeps (circles only).
    circle_size: int = 0
    keeps_circle: bool = False


@dataclass(frozen=True)
class Pool:
    """Everything a pairing run needs, read once: plain data, no ORM objects.

    Attributes:
        mentors: who can take mentees now, with the places they have left.
        mentees: who needs a mentor now (not in a kept pairing).
        kept: pairings a re-run keeps: (pairing id, mentor id, mentee ids).
        forbidden: (mentor id, mentee id) pairs the coordinator forbade.
        previous: (mentor id, mentee id) of pairings that are over.
        circles: whether the programme pairs in group circles.
        circle_min, circle_max: the circle sizes.
        on: the reference date for time zones (the programme's start, or today).
        total_mentors, total_mentees: everyone in those roles, matched or not.
    """

    programme_id: int
    mentors: tuple[Candidate, ...]
    mentees: tuple[Candidate, ...]
    kept: tuple[tuple[int, int | None, tuple[int, ...]], ...]
    forbidden: frozenset[tuple[int, int]]
    previous: frozenset[tuple[int, int]]
    circles: bool
    circle_min: int
    circle_max: int
    on: date
    total_mentors: int
    total_mentees: int


def _people(session: Session, only: Collection[int] | None = None,
            ) -> tuple[dict[int, Person], dict[int, dict[str, Any]]]:
    """Every participant (or those in ``only``) as a :class:`Person`, with their whole
    reporting line, and their row (role, status, capacity...)."""
    rows = session.execute(
        select(Participant.id, Participant.status, Participant.manager_id)).all()
    chains = manager_chains({r.id: r.manager_id for r in rows})
    status = {r.id: r.status for r in rows}
    people: dict[int, Person] = {}
    info: dict[int, dict[str, Any]] = {}
    for pid, data in load_participant_data(session, None if only is None else sorted(only)):
        people[pid] = person_from_data(pid, data, chains.get(pid, ()))
        info[pid] = {"email": data.email, "role": data.role,
                     "capacity": data.mentor_capacity or 0, "status": status[pid],
                     "full_name": data.full_name}
    return people, info


def scoring_person(session: Session, participant_id: int) -> Person:
    """One participant as scoring sees them, with their whole reporting line.

    Raises:
        NotFoundError: no such participant.
    """
    people, _ = _people(session, {participant_id})
    if participant_id not in people:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    return people[participant_id]


def load_pool(session: Session, programme_id: int) -> Pool:
    """Who can be matched in the programme now, and the rules that apply."""
    programme = _programme(session, programme_id)
    people, info = _people(session)
    circles = programme.format == ProgrammeFormat.GROUP
    open_pairings = session.execute(
        select(Pairing.id, Pairing.mentor_id, Pairing.status, Pairing.locked)
        .where(Pairing.programme_id == programme_id, Pairing.status.in_(OPEN_STATUSES))).all()
    members: dict[int, list[int]] = defaultdict(list)
    for pairing_id, mentee_id in session.execute(
            select(PairingMember.pairing_id, PairingMember.mentee_id)
            .join(Pairing, Pairing.id == PairingMember.pairing_id)
            .where(Pairing.programme_id == programme_id)
            .order_by(PairingMember.id)):
        if mentee_id is not None:
            members[pairing_id].append(mentee_id)
    kept = tuple((p.id, p.mentor_id, tuple(members[p.id])) for p in open_pairings
                 if p.status in KEPT_STATUSES or p.locked)
    load: Counter[int] = Counter()
    kept_circle: dict[int, int] = {}
    taken: set[int] = set()
    for _, mentor_id, mentee_ids in kept:
        taken.update(mentee_ids)
        if mentor_id is not None:
            load[mentor_id] += len(mentee_ids)
            kept_circle[mentor_id] = kept_circle.get(mentor_id, 0) + len(mentee_ids)

    def active(pid: int) -> bool:
        return bool(info[pid]["status"] == ParticipantStatus.ACTIVE)

    mentor_roles = (ParticipantRole.MENTOR, ParticipantRole.BOTH)
    mentee_roles = (ParticipantRole.MENTEE, ParticipantRole.BOTH)
    all_mentors = [pid for pid in people if active(pid) and info[pid]["role"] in mentor_roles
                   and info[pid]["capacity"] > 0]
    all_mentees = [pid for pid in people if active(pid) and info[pid]["role"] in mentee_roles]
    mentors: list[Candidate] = []
    for pid in sorted(all_mentors):
        if circles:
            size = kept_circle.get(pid, 0)
            keeps = pid in kept_circle
            room = programme.circle_max_size - size
            if room > 0:
                mentors.append(Candidate(people[pid], info[pid]["email"], room, size, keeps))
        else:
            left = info[pid]["capacity"] - load[pid]
            if left > 0:
                mentors.append(Candidate(people[pid], info[pid]["email"], left))
    mentees = tuple(Candidate(people[pid], info[pid]["email"])
                    for pid in sorted(all_mentees) if pid not in taken)
    rules = session.execute(select(PairingRule.mentor_id, PairingRule.mentee_id)
                            .where(PairingRule.programme_id == programme_id,
                                   PairingRule.kind == PairingRuleKind.FORBID)).all()
    previous = session.execute(
        select(Pairing.mentor_id, PairingMember.mentee_id)
        .join(PairingMember, PairingMember.pairing_id == Pairing.id)
        .where(Pairing.mentor_id.is_not(None), PairingMember.mentee_id.is_not(None),
               Pairing.status.in_(PAST_STATUSES) | (Pairing.programme_id != programme_id)
               )).all()
    on = programme.start_date or datetime.now(UTC).date()
    return Pool(
        programme_id=programme_id, mentors=tuple(mentors), mentees=mentees, kept=kept,
        forbidden=frozenset((r.mentor_id, r.mentee_id) for r in rules),
        previous=frozenset((a, b) for a, b in previous if a is not None and b is not None),
        circles=circles, circle_min=programme.circle_min_size,
        circle_max=programme.circle_max_size, on=on,
        total_mentors=len(all_mentors), total_mentees=len(all_mentees))


# --------------------------------------------------------------------------- proposals


@dataclass(frozen=True)
class ProposedMatch:
    """One mentee with one mentor, the score and the contributions that add up to it."""

    mentor_id: int
    mentee_id: int
    tenths: int
    contributions: tuple[Contribution, ...]

    @property
    def score(self) -> float:
        """The score, 0-100."""
        return self.tenths / 10

    def explanation(self) -> str:
        """The contributions in words, largest first, one per line."""
        return explanation_text(self.contributions)


@dataclass(frozen=True)
class Unmatched:
    """A mentee left without a mentor, and why, in plain words."""

    participant_id: int
    name: str
    email: str
    reason: str


@dataclass(frozen=True)
class Proposal:
    """A solver run's result, not yet saved.

    Attributes:
        matches: the new pairs (for circles, each mentee with their circle's leader).
        unmatched: mentees left out, with reasons.
        total: the new pairs' total score (0-100 each).
        certified: the dual prices proved the result optimal.
        seconds: how long scoring, solving and explaining took.
        feasible_pairs: how many mentor-mentee pairs the hard constraints allowed.
        notes: things the coordinator should know (fewer circles than leaders, ...).
    """

    settings: PairingSettings
    matches: tuple[ProposedMatch, ...]
    unmatched: tuple[Unmatched, ...]
    total: float
    certified: bool
    seconds: float
    feasible_pairs: int
    mentees: int
    mentors: int
    notes: tuple[str, ...] = ()


def explanation_text(contributions: Iterable[Contribution]) -> str:
    """Contributions in words, largest first, one per line (they add up to the score)."""
    ranked = sorted(contributions, key=lambda c: (-c.tenths, CRITERIA.index(c.criterion)))
    return "\n".join(c.text for c in ranked)


def _score_table(pool: Pool, settings: PairingSettings, progress: Progress | None,
                 cancelled: Cancelled | None) -> ScoreTable:
    return score_all([m.person for m in pool.mentors], [m.person for m in pool.mentees],
                     settings.criteria, forbidden=pool.forbidden,
                     previous_partners=pool.previous,
                     avoid_previous=settings.avoid_previous, on=pool.on,
                     progress=progress, cancelled=cancelled)


def _best_sums(table: ScoreTable, n_mentors: int, n_mentees: int,
               top: int) -> np.ndarray[Any, Any]:
    """Each mentor's sum of their ``top`` best scores (to choose circle leaders)."""
    sums = np.zeros(n_mentors, dtype=np.int64)
    if not len(table) or top <= 0:
        return sums
    if n_mentors * n_mentees <= 50_000_000:
        # Circle leaders are few: a dense mentors x mentees table and a partial sort.
        dense = np.zeros((n_mentors, n_mentees), dtype=np.int16)
        dense[np.asarray(table.mentor_index), np.asarray(table.mentee_index)] = \
            np.asarray(table.tenths)
        k = min(top, n_mentees)
        best = np.partition(dense, n_mentees - k, axis=1)[:, n_mentees - k:]
        return np.asarray(best.sum(axis=1, dtype=np.int64))
    mentor = np.asarray(table.mentor_index, dtype=np.int64)
    score = np.asarray(table.tenths, dtype=np.int64)
    order = np.lexsort((-score, mentor))
    mentor, score = mentor[order], score[order]
    first = np.searchsorted(mentor, mentor)
    keep = np.arange(mentor.size) - first < top
    np.add.at(sums, mentor[keep], score[keep])
    return sums


def _solve_circles(pool: Pool, table: ScoreTable,
                   max_matched: bool) -> tuple[Solution | None, list[str]]:
    """Circles: kept circles take newcomers up to their maximum; new circles are opened
    for the leaders the mentees would gain most from, as many as can be filled."""
    from mentordesk.services.circles import CirclesInfeasible, solve_circles

    notes: list[str] = []
    n_mentees = len(pool.mentees)
    keeping = [j for j, m in enumerate(pool.mentors) if m.keeps_circle]
    new = [j for j, m in enumerate(pool.mentors) if not m.keeps_circle]
    sums = _best_sums(table, len(pool.mentors), len(pool.mentees), pool.circle_max)
    new.sort(key=lambda j: (-int(sums[j]), pool.mentors[j].person.id))
    count = min(len(new), n_mentees // max(1, pool.circle_min))
    mentor_idx = np.asarray(table.mentor_index)
    while True:
        leaders = sorted([*keeping, *new[:count]])
        if not leaders:
            return None, notes
        position = np.full(len(pool.mentors), -1, dtype=np.int64)
        position[leaders] = np.arange(len(leaders))
        keep = position[mentor_idx] >= 0
        mins = [0 if pool.mentors[j].keeps_circle else pool.circle_min for j in leaders]
        maxs = [pool.mentors[j].capacity for j in leaders]
        try:
            solution = solve_circles(
                n_mentees, mins, maxs, position[mentor_idx[keep]],
                np.asarray(table.mentee_index)[keep], np.asarray(table.tenths)[keep],
                max_matched=max_matched)
        except CirclesInfeasible:
            if count == 0:
                raise
            count -= 1
            if count == 0 and not keeping:
                notes.append(f"No circle could be opened: too few mentees may join any "
                             f"leader's circle to reach the minimum of {pool.circle_min}.")
            continue
        # Report pairs with the leaders' indices in the pool.
        pairs = tuple((i, leaders[j]) for i, j in solution.pairs)
        if count < len(new):
            notes.append(f"{len(new) - count} of {len(new)} possible circle leaders lead no "
                         f"circle: {n_mentees} mentees fill {count} new circles of "
                         f"{pool.circle_min}-{pool.circle_max}.")
        return replace(solution, pairs=pairs), notes


def _language_names(person: Person) -> str:
    names = sorted(x.title() for x in person.languages)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _blocked_reason(mentee: Person, pool: Pool, settings: PairingSettings) -> str:
    """Why no mentor at all may take the mentee (the hard constraints), in words."""
    if not pool.mentors:
        return ("there is no mentor with places left in the programme"
                if pool.total_mentors else "the programme has no mentors")
    kinds: Counter[str] = Counter()
    for m in pool.mentors:
        reason = why_not(m.person, mentee, forbidden=pool.forbidden,
                         previous_partners=pool.previous,
                         avoid_previous=settings.avoid_previous)
        if reason is None:
            continue
        if "reporting line" in reason:
            kinds["in their reporting line"] += 1
        elif "language" in reason:
            kinds["language"] += 1
        elif "forbade" in reason:
            kinds["forbidden by the coordinator"] += 1
        elif "partners before" in reason:
            kinds["a previous partner"] += 1
        else:
            kinds["themselves"] += 1
    if kinds.get("language", 0) == len(pool.mentors):
        return f"no mentor with places left speaks {_language_names(mentee)}"
    parts = [f"{count} {'is' if count == 1 else 'are'} {kind}" if kind != "language"
             else f"{count} speak{'s' if count == 1 else ''} no language in common"
             for kind, count in kinds.most_common()]
    return f"none of the {len(pool.mentors)} mentors with places left may mentor them: " \
           + "; ".join(parts)


def _full_reason(mentee: Person, feasible: int, pool: Pool,
                 remaining: Sequence[int]) -> str:
    """Why a mentee with suitable mentors was still left out: the places ran out."""
    speakers = [j for j, m in enumerate(pool.mentors)
                if not m.person.languages or m.person.languages & mentee.languages]
    # Language is the reason only when it narrows the choice.
    if mentee.languages and len(speakers) < len(pool.mentors) and all(
            remaining[j] <= 0 for j in speakers):
        if pool.circles:
            return (f"every circle led by a mentor who speaks {_language_names(mentee)} "
                    "is full")
        return f"no mentor who speaks {_language_names(mentee)} has capacity left"
    if pool.circles:
        return f"every suitable circle is full ({feasible} leaders could take them)"
    places = sum(m.capacity for m in pool.mentors)
    return (f"all {feasible} suitable mentor{'s' if feasible != 1 else ''} "
            f"{'are' if feasible != 1 else 'is'} at capacity ({places} places for "
            f"{len(pool.mentees)} mentees)")


def unmatched_reasons(pool: Pool, settings: PairingSettings, table: ScoreTable,
                      pairs: Iterable[tuple[int, int]],
                      opened: set[int] | None = None) -> tuple[Unmatched, ...]:
    """Each mentee of the pool not in ``pairs`` ((mentee, mentor) indices), with the reason.

    Args:
        opened: for circles, the leaders (indices) whose circles run; None: all of them.
    """
    remaining = [m.capacity for m in pool.mentors]
    matched_set: set[int] = set()
    for i, j in pairs:
        matched_set.add(i)
        remaining[j] -= 1
    feasible = np.bincount(np.asarray(table.mentee_index, dtype=np.int64),
                           minlength=len(pool.mentees)) if len(table) else \
        np.zeros(len(pool.mentees), dtype=np.int64)
    result: list[Unmatched] = []
    for i, mentee in enumerate(pool.mentees):
        if i in matched_set:
            continue
        allowed = np.asarray(table.mentor_index)[np.asarray(table.mentee_index) == i].tolist()
        if not feasible[i]:
            reason = _blocked_reason(mentee.person, pool, settings)
        elif opened is not None and not opened & set(allowed):
            reason = ("none of the circles they could join opened: too few mentees may join "
                      f"them to reach the minimum of {pool.circle_min}")
        elif any(remaining[j] > 0 for j in allowed if opened is None or j in opened):
            reason = ("every mentor with a place left who may take them scores 0 with "
                      "these weights" if not pool.circles else
                      "the circles they could join are kept at their best size")
        else:
            reason = _full_reason(mentee.person, int(feasible[i]), pool, remaining)
        result.append(Unmatched(mentee.person.id, mentee.person.name, mentee.email, reason))
    return tuple(result)


def compute_proposal(pool: Pool, settings: PairingSettings, *,
                     progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> Proposal:
    """Score every feasible pair, solve optimally and explain each pair; no database.

    Raises:
        UserError: cancelled, or circles that cannot be filled.
    """
    started = time.perf_counter()
    table = _score_table(pool, settings, progress, cancelled)
    notes: list[str] = []
    solution: Solution | None
    if pool.circles:
        from mentordesk.services.circles import CirclesInfeasible

        try:
            solution, notes = _solve_circles(pool, table, settings.max_matched)
        except CirclesInfeasible as exc:
            raise UserError(f"The circles cannot be filled: {exc}") from exc
    elif pool.mentees and pool.mentors:
        solution = solve(len(pool.mentees), [m.capacity for m in pool.mentors],
                         table.mentor_index, table.mentee_index, table.tenths,
                         max_matched=settings.max_matched)
    else:
        solution = None
    if cancelled is not None and cancelled():
        raise UserError("Cancelled: nothing was proposed.")
    matches: list[ProposedMatch] = []
    pairs = solution.pairs if solution is not None else ()
    for i, j in pairs:
        mentor, mentee = pool.mentors[j].person, pool.mentees[i].person
        scored = score_pair(mentor, mentee, settings.criteria, on=pool.on)
        matches.append(ProposedMatch(mentor.id, mentee.id, scored.tenths,
                                     scored.contributions))
    opened = None
    if pool.circles:
        opened = {j for _, j in pairs} | {j for j, m in enumerate(pool.mentors)
                                          if m.keeps_circle}
    unmatched = unmatched_reasons(pool, settings, table, pairs, opened)
    return Proposal(
        settings=settings, matches=tuple(matches), unmatched=unmatched,
        total=sum(m.tenths for m in matches) / 10,
        certified=solution.certified if solution is not None else True,
        seconds=time.perf_counter() - started, feasible_pairs=len(table),
        mentees=len(pool.mentees), mentors=len(pool.mentors), notes=tuple(notes))


@dataclass(frozen=True)
class ProposalResult:
    """What saving a proposal changed."""

    run_id: int
    created: tuple[int, ...]
    replaced: int
    kept: int
    proposal: Proposal


def _insert_pairings(session: Session, programme: Programme,
                     groups: Sequence[tuple[int, list[ProposedMatch]]],
                     locked: bool = False) -> list[int]:
    """Insert proposed pairings (one per group) and their members; returns the ids."""
    if not groups:
        return []
    now = datetime.now(UTC)
    circles = programme.format == ProgrammeFormat.GROUP
    names: dict[int, str] = {}
    if circles:
        names = {row.id: row.full_name for row in session.execute(
            select(Participant.id, Participant.full_name).where(
                Participant.id.in_([mentor for mentor, _ in groups])))}
    rows = [{
        "programme_id": programme.id, "mentor_id": mentor,
        "circle_name": f"Circle of {names.get(mentor, '')}".strip() if circles else "",
        "status": PairingStatus.PROPOSED, "cadence": programme.default_cadence,
        "locked": locked,
        "score": round(sum(m.tenths for m in members) / len(members)) / 10,
        "explanation": members[0].explanation() if len(members) == 1 else "",
        "created_at": now,
    } for mentor, members in groups]
    ids = list(session.scalars(
        insert(Pairing).returning(Pairing.id, sort_by_parameter_order=True), rows))
    session.execute(insert(PairingMember), [
        {"pairing_id": pid, "mentee_id": m.mentee_id, "score": m.score,
         "explanation": m.explanation()}
        for pid, (_, members) in zip(ids, groups, strict=True) for m in members])
    return ids


def save_proposal(session: Session, programme_id: int, proposal: Proposal) -> ProposalResult:
    """Replace the programme's open proposals (not locked) with ``proposal``'s pairs.

    Raises:
        UserError: the pairings changed since the pool was read (a kept pairing's mentee
            appears in the proposal); nothing is written.
    """
    programme = _programme(session, programme_id)
    stale = select(Pairing.id).where(Pairing.programme_id == programme_id,
                                     Pairing.status == PairingStatus.PROPOSED,
                                     Pairing.locked.is_(False))
    stale_ids = list(session.scalars(stale))
    taken = set(session.scalars(
        select(PairingMember.mentee_id).join(Pairing, Pairing.id == PairingMember.pairing_id)
        .where(Pairing.programme_id == programme_id, Pairing.status.in_(OPEN_STATUSES),
               Pairing.id.not_in(stale_ids))))
    if any(m.mentee_id in taken for m in proposal.matches):
        raise UserError("The pairings changed while the proposal was being made; "
                        "run the proposal again.")
    if stale_ids:
        session.execute(delete(PairingMember).where(PairingMember.pairing_id.in_(stale_ids)))
        session.execute(delete(Pairing).where(Pairing.id.in_(stale_ids)))
    groups: dict[int, list[ProposedMatch]] = defaultdict(list)
    if programme.format == ProgrammeFormat.GROUP:
        # A newcomer to a circle that is kept joins it rather than starting another.
        kept_circles = {row.mentor_id: row.id for row in session.execute(
            select(Pairing.mentor_id, Pairing.id).where(
                Pairing.programme_id == programme_id, Pairing.status.in_(OPEN_STATUSES),
                Pairing.mentor_id.is_not(None)))}
        for m in proposal.matches:
            if m.mentor_id in kept_circles:
                session.add(PairingMember(pairing_id=kept_circles[m.mentor_id],
                                          mentee_id=m.mentee_id, score=m.score,
                                          explanation=m.explanation()))
            else:
                groups[m.mentor_id].append(m)
        ordered = sorted(groups.items())
    else:
        ordered = [(m.mentor_id, [m]) for m in proposal.matches]
    created = _insert_pairings(session, programme, ordered)
    kept = session.scalar(select(func.count(Pairing.id)).where(
        Pairing.programme_id == programme_id, Pairing.status.in_(OPEN_STATUSES),
        Pairing.id.not_in(created))) or 0
    run = PairingRun(programme_id=programme_id, settings=proposal.settings.to_json(),
                     mentees=proposal.mentees, mentors=proposal.mentors,
                     proposed=len(proposal.matches), kept=kept,
                     unmatched=len(proposal.unmatched), total_score=proposal.total,
                     certified=proposal.certified, seconds=proposal.seconds)
    session.add(run)
    session.flush()
    audit.record(session, "propose", "pairing_run", run.id)
    return ProposalResult(run.id, tuple(created), len(stale_ids), kept, proposal)


def propose_pairings(session: Session, programme_id: int,
                     settings: PairingSettings | None = None, *,
                     progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ProposalResult:
    """Draft the optimal pairs for everyone not yet in a kept pairing, and save them.

    Args:
        settings: the criteria to use (and save with the programme); the programme's own
            when None.
    """
    if settings is None:
        settings = get_settings(session, programme_id)
    else:
        save_settings(session, programme_id, settings)
    pool = load_pool(session, programme_id)
    proposal = compute_proposal(pool, settings, progress=progress, cancelled=cancelled)
    return save_proposal(session, programme_id, proposal)


def export_scores(pool: Pool, settings: PairingSettings, path: Path) -> int:
    """Write every feasible mentor-mentee pair's score to a CSV file; returns the rows.

    With each mentor's places, anyone can check the optimum independently (for example
    with scipy's linear_sum_assignment over the mentors' places).
    """
    table = _score_table(pool, settings, None, None)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["mentee_id", "mentee_email", "mentor_id", "mentor_email",
                         "mentor_places", "score"])
        mentors, mentees = pool.mentors, pool.mentees
        for i, j, tenths in zip(np.asarray(table.mentee_index).tolist(),
                                np.asarray(table.mentor_index).tolist(),
                                np.asarray(table.tenths).tolist(), strict=True):
            writer.writerow([mentees[i].person.id, mentees[i].email, mentors[j].person.id,
                             mentors[j].email, mentors[j].capacity, f"{tenths / 10:.1f}"])
    tmp.replace(path)
    return len(table)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class MemberRow:
    """A mentee in a pairing, with their match's score and explanation."""

    participant_id: int | None
    name: str
    email: str
    department: str
    score: float | None
    explanation: str


@dataclass(frozen=True)
class PairingRow:
    """A pairing as the board and the CLI show it."""

    id: int
    status: PairingStatus
    locked: bool
    mentor_id: int | None
    mentor_name: str
    mentor_email: str
    mentor_department: str
    circle_name: str
    score: float | None
    members: tuple[MemberRow, ...]
    start_date: date | None

    @property
    def mentee_names(self) -> str:
        """The mentees' names, comma-separated."""
        return ", ".join(m.name for m in self.members)


def _name(person: Participant | None) -> str:
    if person is None:
        return "(erased)"
    return person.preferred_name or person.full_name


def list_pairings(session: Session, programme_id: int,
                  statuses: Iterable[PairingStatus] | None = None) -> list[PairingRow]:
    """The programme's pairings (open ones by default), best score first."""
    _programme(session, programme_id)
    wanted = tuple(statuses) if statuses is not None else OPEN_STATUSES
    pairings = session.scalars(
        select(Pairing).where(Pairing.programme_id == programme_id,
                              Pairing.status.in_(wanted))
        .options(selectinload(Pairing.mentor),
                 selectinload(Pairing.members).selectinload(PairingMember.mentee))
        .order_by(Pairing.score.desc(), Pairing.id))
    rows = []
    for p in pairings:
        members = tuple(MemberRow(
            m.mentee_id, _name(m.mentee), m.mentee.email if m.mentee else "",
            m.mentee.department if m.mentee else "",
            m.score if m.score is not None else (p.score if len(p.members) == 1 else None),
            m.explanation or (p.explanation if len(p.members) == 1 else ""))
            for m in sorted(p.members, key=lambda m: m.id))
        rows.append(PairingRow(
            id=p.id, status=p.status, locked=p.locked, mentor_id=p.mentor_id,
            mentor_name=_name(p.mentor), mentor_email=p.mentor.email if p.mentor else "",
            mentor_department=p.mentor.department if p.mentor else "",
            circle_name=p.circle_name, score=p.score, members=members,
            start_date=p.start_date))
    return rows


@dataclass(frozen=True)
class RunSummary:
    """The latest solver run of a programme."""

    id: int
    created_at: datetime
    mentees: int
    mentors: int
    proposed: int
    kept: int
    unmatched: int
    total_score: float
    certified: bool
    seconds: float


def last_run(session: Session, programme_id: int) -> RunSummary | None:
    """The programme's latest pairing run, if any."""
    run = session.scalars(select(PairingRun).where(PairingRun.programme_id == programme_id)
                          .order_by(PairingRun.id.desc()).limit(1)).first()
    if run is None:
        return None
    return RunSummary(run.id, run.created_at, run.mentees, run.mentors, run.proposed,
                      run.kept, run.unmatched, run.total_score, run.certified, run.seconds)


def current_unmatched(session: Session, programme_id: int,
                      pool: Pool | None = None) -> tuple[Unmatched, ...]:
    """Mentees with no open pairing now, with the reason (checked against today's data)."""
    pool = pool or load_pool(session, programme_id)
    settings = get_settings(session, programme_id)
    table = _score_table(pool, settings, None, None)
    mentee_at = {m.person.id: i for i, m in enumerate(pool.mentees)}
    mentor_at = {m.person.id: j for j, m in enumerate(pool.mentors)}
    proposed = session.execute(
        select(PairingMember.mentee_id, Pairing.mentor_id)
        .join(Pairing, Pairing.id == PairingMember.pairing_id)
        .where(Pairing.programme_id == programme_id,
               Pairing.status == PairingStatus.PROPOSED)).all()
    matched = [(mentee_at[a], mentor_at.get(b, -1) if b is not None else -1)
               for a, b in proposed if a in mentee_at]
    remaining_ok = [(i, j) for i, j in matched if j >= 0]
    result = unmatched_reasons(pool, settings, table, remaining_ok)
    taken = {pool.mentees[i].person.id for i, _ in matched}
    return tuple(u for u in result if u.participant_id not in taken)


@dataclass(frozen=True)
class PersonExplanation:
    """Why a person is paired as they are, or why not."""

    participant_id: int
    name: str
    pairings: tuple[PairingRow, ...]
    unmatched_reason: str | None


def explain_person(session: Session, programme_id: int, participant_id: int) -> PersonExplanation:
    """The person's open pairings with explanations, or why they have none."""
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    mine = [row for row in list_pairings(session, programme_id)
            if row.mentor_id == participant_id
            or any(m.participant_id == participant_id for m in row.members)]
    reason = None
    if not mine:
        if person.status != ParticipantStatus.ACTIVE:
            reason = "they have withdrawn from the programme"
        elif person.role == ParticipantRole.MENTOR:
            reason = "no mentee has been paired with them yet"
        else:
            found = [u for u in current_unmatched(session, programme_id)
                     if u.participant_id == participant_id]
            reason = found[0].reason if found else "they are not paired yet"
    return PersonExplanation(participant_id, _name(person), tuple(mine), reason)


# --------------------------------------------------------------------------- review


def pairing_of(session: Session, programme_id: int, participant_id: int) -> int | None:
    """The person's pairing in the programme (agreed, running or over), when they have
    exactly one."""
    ids = session.scalars(
        select(Pairing.id).distinct()
        .outerjoin(PairingMember, PairingMember.pairing_id == Pairing.id)
        .where(Pairing.programme_id == programme_id, Pairing.status.in_(PAIRED_STATUSES),
               or_(Pairing.mentor_id == participant_id,
                   PairingMember.mentee_id == participant_id))).all()
    return ids[0] if len(ids) == 1 else None


def _pairing(session: Session, pairing_id: int) -> Pairing:
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFoundError(f"There is no pairing with id {pairing_id}.")
    return pairing


def accept_pairings(session: Session, pairing_ids: Iterable[int]) -> list[int]:
    """Mark proposals accepted (a re-run keeps them); returns those that changed."""
    changed = []
    for pid in pairing_ids:
        pairing = _pairing(session, pid)
        if pairing.status == PairingStatus.PROPOSED:
            pairing.status = PairingStatus.ACCEPTED
            changed.append(pid)
            audit.record(session, "accept", "pairing", pid, ["status"])
        elif pairing.status != PairingStatus.ACCEPTED:
            raise UserError(f"Pairing {pid} is {pairing.status.value.replace('_', ' ')}; "
                            "only proposals can be accepted.")
    return changed


def _rule(session: Session, programme_id: int, mentor_id: int,
          mentee_id: int) -> PairingRule | None:
    return session.scalars(select(PairingRule).where(
        PairingRule.programme_id == programme_id, PairingRule.mentor_id == mentor_id,
        PairingRule.mentee_id == mentee_id)).first()


def _set_rule(session: Session, programme_id: int, mentor_id: int, mentee_id: int,
              kind: PairingRuleKind, reason: str = "") -> None:
    rule = _rule(session, programme_id, mentor_id, mentee_id)
    if rule is None:
        session.add(PairingRule(programme_id=programme_id, mentor_id=mentor_id,
                                mentee_id=mentee_id, kind=kind, reason=reason))
    else:
        rule.kind, rule.reason = kind, reason
    session.flush()


def _open_pairing_of(session: Session, programme_id: int, mentee_id: int) -> Pairing | None:
    return session.scalars(
        select(Pairing).join(PairingMember, PairingMember.pairing_id == Pairing.id)
        .where(Pairing.programme_id == programme_id, Pairing.status.in_(OPEN_STATUSES),
               PairingMember.mentee_id == mentee_id)).first()


def _detach(session: Session, pairing: Pairing, mentee_id: int) -> None:
    """Take a mentee out of a proposal (the proposal goes when it has no one left)."""
    if pairing.status not in (PairingStatus.PROPOSED, PairingStatus.ACCEPTED):
        raise UserError("That pairing is already published; end it first.")
    pairing.members = [m for m in pairing.members if m.mentee_id != mentee_id]
    if pairing.mentor_id is not None:
        rule = _rule(session, pairing.programme_id, pairing.mentor_id, mentee_id)
        if rule is not None and rule.kind == PairingRuleKind.LOCK:
            session.delete(rule)
    if not pairing.members:
        session.delete(pairing)
    session.flush()


def reject_pairing(session: Session, pairing_id: int) -> None:
    """Remove a proposal; its mentor and mentees are never proposed together again."""
    pairing = _pairing(session, pairing_id)
    if pairing.status not in (PairingStatus.PROPOSED, PairingStatus.ACCEPTED):
        raise UserError(f"Pairing {pairing_id} is already published; end it instead.")
    for member in list(pairing.members):
        if pairing.mentor_id is not None and member.mentee_id is not None:
            _set_rule(session, pairing.programme_id, pairing.mentor_id, member.mentee_id,
                      PairingRuleKind.FORBID, "rejected proposal")
    session.delete(pairing)
    session.flush()
    audit.record(session, "reject", "pairing", pairing_id)


def _person(session: Session, participant_id: int) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    return person


def _check_pair(session: Session, programme_id: int, mentor_id: int,
                mentee_id: int) -> tuple[Person, Person]:
    """The two as scoring sees them, after the hard constraints (forbid rules aside)."""
    people, info = _people(session, {mentor_id, mentee_id})
    for pid, what in ((mentor_id, "mentor"), (mentee_id, "mentee")):
        if pid not in people:
            raise NotFoundError(f"There is no participant with id {pid}.")
        if info[pid]["status"] != ParticipantStatus.ACTIVE:
            raise UserError(f"{people[pid].name} has withdrawn and cannot be a {what}.")
    mentor, mentee = people[mentor_id], people[mentee_id]
    if info[mentor_id]["role"] == ParticipantRole.MENTEE:
        raise UserError(f"{mentor.name} takes part as a mentee only, not as a mentor.")
    if info[mentee_id]["role"] == ParticipantRole.MENTOR:
        raise UserError(f"{mentee.name} takes part as a mentor only, not as a mentee.")
    reason = why_not(mentor, mentee)
    if reason is not None:
        raise UserError(f"They cannot be paired: {reason}.")
    return mentor, mentee


def _mentor_room(session: Session, programme: Programme, mentor_id: int) -> int:
    """Places the mentor has left in the programme's open pairings."""
    load = session.scalar(
        select(func.count(PairingMember.id)).join(Pairing, Pairing.id == PairingMember.pairing_id)
        .where(Pairing.programme_id == programme.id, Pairing.mentor_id == mentor_id,
               Pairing.status.in_(OPEN_STATUSES))) or 0
    if programme.format == ProgrammeFormat.GROUP:
        return programme.circle_max_size - load
    return _person(session, mentor_id).mentor_capacity - load


def reassign_mentee(session: Session, programme_id: int, mentee_id: int,
                    mentor_id: int) -> int:
    """Give a mentee another mentor (or, for circles, move them to that mentor's circle),
    locked so re-runs keep it. Returns the pairing id.

    Raises:
        UserError: a hard constraint, no room left with the mentor, or a published pairing.
    """
    programme = _programme(session, programme_id)
    mentor, mentee = _check_pair(session, programme_id, mentor_id, mentee_id)
    current = _open_pairing_of(session, programme_id, mentee_id)
    if current is not None and current.mentor_id == mentor_id:
        _set_rule(session, programme_id, mentor_id, mentee_id, PairingRuleKind.LOCK)
        current.locked = True
        return current.id
    if _mentor_room(session, programme, mentor_id) <= 0:
        # A draft the coordinator has not accepted or locked gives way to their decision.
        draft = session.execute(
            select(PairingMember.mentee_id, Pairing)
            .join(Pairing, Pairing.id == PairingMember.pairing_id)
            .where(Pairing.programme_id == programme_id, Pairing.mentor_id == mentor_id,
                   Pairing.status == PairingStatus.PROPOSED, Pairing.locked.is_(False),
                   PairingMember.mentee_id.is_not(None))
            .order_by(PairingMember.score, PairingMember.id)).first()
        if draft is None or draft[0] is None:
            raise UserError(f"{mentor.name} has no places left; move or reject one of "
                            "their mentees first.")
        _detach(session, draft[1], draft[0])
    if current is not None:
        _detach(session, current, mentee_id)
    rule = _rule(session, programme_id, mentor_id, mentee_id)
    if rule is not None and rule.kind == PairingRuleKind.FORBID:
        session.delete(rule)
        session.flush()
    settings = get_settings(session, programme_id)
    on = programme.start_date or datetime.now(UTC).date()
    scored = score_pair(mentor, mentee, settings.criteria, on=on)
    match = ProposedMatch(mentor_id, mentee_id, scored.tenths, scored.contributions)
    circle = None
    if programme.format == ProgrammeFormat.GROUP:
        circle = session.scalars(select(Pairing).where(
            Pairing.programme_id == programme_id, Pairing.mentor_id == mentor_id,
            Pairing.status.in_(OPEN_STATUSES))).first()
    if circle is not None:
        circle.members.append(PairingMember(mentee_id=mentee_id, score=match.score,
                                            explanation=match.explanation()))
        circle.locked = True
        pairing_id = circle.id
    else:
        pairing_id = _insert_pairings(session, programme, [(mentor_id, [match])],
                                      locked=True)[0]
    _set_rule(session, programme_id, mentor_id, mentee_id, PairingRuleKind.LOCK)
    audit.record(session, "reassign", "pairing", pairing_id, ["mentor_id"])
    return pairing_id


def lock_pair(session: Session, programme_id: int, mentor_id: int, mentee_id: int) -> int:
    """Keep this mentor with this mentee in every re-run (pairing them now if needed).

    Returns the pairing id.
    """
    pairing_id = reassign_mentee(session, programme_id, mentee_id, mentor_id)
    audit.record(session, "lock", "pairing", pairing_id, ["locked"])
    return pairing_id


def unlock_pair(session: Session, programme_id: int, mentor_id: int, mentee_id: int) -> None:
    """Let re-runs change this pair again."""
    rule = _rule(session, programme_id, mentor_id, mentee_id)
    if rule is not None and rule.kind == PairingRuleKind.LOCK:
        session.delete(rule)
    current = _open_pairing_of(session, programme_id, mentee_id)
    if current is not None and current.mentor_id == mentor_id:
        others = [m.mentee_id for m in current.members if m.mentee_id != mentee_id]
        current.locked = any(
            (r := _rule(session, programme_id, mentor_id, other)) is not None
            and r.kind == PairingRuleKind.LOCK for other in others if other is not None)
    session.flush()


def forbid_pair(session: Session, programme_id: int, mentor_id: int, mentee_id: int,
                reason: str = "") -> None:
    """Never pair this mentor with this mentee; a proposal of them is removed."""
    _programme(session, programme_id)
    _person(session, mentor_id)
    _person(session, mentee_id)
    if mentor_id == mentee_id:
        raise UserError("A person cannot be forbidden from mentoring themselves.")
    current = _open_pairing_of(session, programme_id, mentee_id)
    if current is not None and current.mentor_id == mentor_id:
        _detach(session, current, mentee_id)
    _set_rule(session, programme_id, mentor_id, mentee_id, PairingRuleKind.FORBID, reason)
    audit.record(session, "forbid", "pairing_rule", None)


def allow_pair(session: Session, programme_id: int, mentor_id: int, mentee_id: int) -> None:
    """Lift a ban on this mentor with this mentee."""
    rule = _rule(session, programme_id, mentor_id, mentee_id)
    if rule is not None and rule.kind == PairingRuleKind.FORBID:
        session.delete(rule)
        session.flush()


@dataclass(frozen=True)
class RuleRow:
    """A coordinator's lock or ban, with the people's names."""

    mentor_id: int
    mentor_name: str
    mentee_id: int
    mentee_name: str
    kind: PairingRuleKind
    reason: str


def list_rules(session: Session, programme_id: int,
               kind: PairingRuleKind | None = None) -> list[RuleRow]:
    """The programme's locks and bans (or only one kind), by mentor and mentee name."""
    _programme(session, programme_id)
    query = select(PairingRule).where(PairingRule.programme_id == programme_id)
    if kind is not None:
        query = query.where(PairingRule.kind == kind)
    rules = list(session.scalars(query))
    ids = {r.mentor_id for r in rules} | {r.mentee_id for r in rules}
    names = {row.id: row.preferred_name or row.full_name for row in session.execute(
        select(Participant.id, Participant.full_name, Participant.preferred_name)
        .where(Participant.id.in_(ids)))}
    rows = [RuleRow(r.mentor_id, names.get(r.mentor_id, ""), r.mentee_id,
                    names.get(r.mentee_id, ""), r.kind, r.reason) for r in rules]
    return sorted(rows, key=lambda r: (r.kind.value, r.mentor_name.casefold(),
                                       r.mentee_name.casefold()))


@dataclass(frozen=True)
class PublishResult:
    """What publishing changed."""

    published: tuple[int, ...]
    start_date: date | None


def publish_pairings(session: Session, programme_id: int, *,
                     accepted_only: bool = False, on: date | None = None) -> PublishResult:
    """Make proposals (and accepted pairs) active; publishing again changes nothing.

    Pairs start on the programme's start date, or ``on`` (today) once it has begun.
    """
    programme = _programme(session, programme_id)
    statuses = (PairingStatus.ACCEPTED,) if accepted_only else (
        PairingStatus.PROPOSED, PairingStatus.ACCEPTED)
    today = on or datetime.now(UTC).date()
    start = max(programme.start_date, today) if programme.start_date else today
    pairings = list(session.scalars(select(Pairing).where(
        Pairing.programme_id == programme_id, Pairing.status.in_(statuses))
        .order_by(Pairing.id)))
    for pairing in pairings:
        pairing.status = PairingStatus.ACTIVE
        pairing.start_date = start
        if programme.end_date and programme.end_date >= start:
            pairing.end_date = programme.end_date
        audit.record(session, "publish", "pairing", pairing.id, ["status"])
    session.flush()
    return PublishResult(tuple(p.id for p in pairings), start if pairings else None)


# --------------------------------------------------------------------------- supply and demand


@dataclass(frozen=True)
class SkillSupply:
    """One skill: mentees who want to develop it against mentors strong in it."""

    skill: str
    wanted: int
    mentors: int
    places: int

    @property
    def gap(self) -> int:
        """Mentees wanting it beyond the places strong mentors offer (0 if none)."""
        return max(0, self.wanted - self.places)


@dataclass(frozen=True)
class LanguageSupply:
    """One language: mentees who speak only languages in a set, against mentor places."""

    language: str
    mentees: int
    places: int


@dataclass(frozen=True)
class SupplyDemand:
    """Mentor capacity against mentees; skills wanted against skills offered."""

    mentees: int
    mentors: int
    places: int
    skills: tuple[SkillSupply, ...]
    languages: tuple[LanguageSupply, ...]

    @property
    def shortfall(self) -> int:
        """Mentees beyond all mentor places."""
        return max(0, self.mentees - self.places)

    def gaps(self) -> list[SkillSupply]:
        """Skills to recruit mentors for, largest gap first."""
        return sorted((s for s in self.skills if s.gap), key=lambda s: (-s.gap, s.skill))


def supply_and_demand(session: Session, programme_id: int) -> SupplyDemand:
    """The programme's supply of mentoring against demand, for recruiting.

    Counts every active participant in the roles (matched or not): a mentor offers a skill
    from level 3 of 5; places are capacities (circles: the maximum circle size).
    """
    programme = _programme(session, programme_id)
    people, info = _people(session)
    circles = programme.format == ProgrammeFormat.GROUP
    mentor_ids = [p for p in people if info[p]["status"] == ParticipantStatus.ACTIVE
                  and info[p]["role"] in (ParticipantRole.MENTOR, ParticipantRole.BOTH)
                  and info[p]["capacity"] > 0]
    mentee_ids = [p for p in people if info[p]["status"] == ParticipantStatus.ACTIVE
                  and info[p]["role"] in (ParticipantRole.MENTEE, ParticipantRole.BOTH)]

    def places(pid: int) -> int:
        return programme.circle_max_size if circles else int(info[pid]["capacity"])

    wanted: Counter[str] = Counter()
    label: dict[str, str] = {}
    for pid in mentee_ids:
        for goal in people[pid].goals:
            wanted[goal] += 1
            label.setdefault(goal, people[pid].label(goal))
    offered: Counter[str] = Counter()
    offered_places: Counter[str] = Counter()
    for pid in mentor_ids:
        for skill, level in people[pid].skills.items():
            if level >= OFFERED_LEVEL:
                offered[skill] += 1
                offered_places[skill] += places(pid)
                label.setdefault(skill, people[pid].label(skill))
    skills = tuple(sorted(
        (SkillSupply(label[s], wanted[s], offered[s], offered_places[s])
         for s in set(wanted) | set(offered)),
        key=lambda s: (-s.gap, -s.wanted, s.skill.casefold())))
    spoken: Counter[str] = Counter()
    for pid in mentee_ids:
        for language in people[pid].languages:
            spoken[language] += 1
    language_places: Counter[str] = Counter()
    for pid in mentor_ids:
        for language in people[pid].languages:
            language_places[language] += places(pid)
    languages = tuple(sorted(
        (LanguageSupply(x.title(), spoken[x], language_places[x])
         for x in set(spoken) | set(language_places)),
        key=lambda x: (-(x.mentees - x.places), x.language)))
    return SupplyDemand(len(mentee_ids), len(mentor_ids), sum(places(p) for p in mentor_ids),
                        skills, languages)
