"""Adding, editing, listing and withdrawing participants, with validation that names the field."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from mentordesk.errors import NotFoundError, UserError, ValidationError
from mentordesk.models import (
    AuditEvent,
    Base,
    DevelopmentGoal,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    ParticipantInterest,
    ParticipantLanguage,
    ParticipantRole,
    ParticipantSkill,
    ParticipantStatus,
    Skill,
)
from mentordesk.services import audit
from mentordesk.services.checkins import cancel_series
from mentordesk.services.employees import link_people
from mentordesk.services.validation import (
    check_email,
    check_length,
    check_timezone,
    clean_list,
)


@dataclass(frozen=True)
class SkillLevel:
    """A skill and a level from 0 (none) to 5 (expert)."""

    name: str
    level: int


@dataclass(frozen=True)
class ParticipantData:
    """Everything a coordinator can set about a participant."""

    full_name: str
    email: str
    preferred_name: str = ""
    department: str = ""
    job_title: str = ""
    manager_email: str = ""
    level: str = ""
    level_rank: int | None = None
    location: str = ""
    timezone: str = "UTC"
    languages: tuple[str, ...] = ()
    skills: tuple[SkillLevel, ...] = ()
    goals: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    role: ParticipantRole = ParticipantRole.MENTEE
    # None: 1 for a mentor (or both), 0 for a mentee.
    mentor_capacity: int | None = None
    availability_notes: str = ""
    consent_stories: bool = False
    consent_photos: bool = False
    notes: str = ""


@dataclass(frozen=True)
class ParticipantRecord:
    """A participant as stored, with everything about them."""

    id: int
    data: ParticipantData
    status: ParticipantStatus
    manager_id: int | None
    manager_name: str
    withdrawn_at: datetime | None
    created_at: datetime

    @property
    def display_name(self) -> str:
        """The name to address the person by."""
        return self.data.preferred_name or self.data.full_name


@dataclass(frozen=True)
class ParticipantRow:
    """The columns of the participants table: cheap to load for thousands of people."""

    id: int
    full_name: str
    preferred_name: str
    email: str
    department: str
    job_title: str
    level: str
    role: ParticipantRole
    mentor_capacity: int
    status: ParticipantStatus
    timezone: str
    location: str
    manager_name: str


@dataclass(frozen=True)
class ParticipantFilter:
    """Which participants to list; empty fields do not filter."""

    search: str = ""
    role: ParticipantRole | None = None
    department: str = ""
    status: ParticipantStatus | None = None


@dataclass(frozen=True)
class WithdrawResult:
    """What withdrawing someone changed."""

    participant_id: int
    ended_pairings: tuple[int, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- validation


def validate(session: Session, data: ParticipantData,
             existing_id: int | None = None) -> tuple[ParticipantData, dict[str, str]]:
    """Check ``data`` (including that the email is free); return it normalised and the
    errors by field name."""
    data, errors = check_fields(data)
    if "email" not in errors:
        query = select(Participant.id).where(func.lower(Participant.email) == data.email.lower())
        if existing_id is not None:
            query = query.where(Participant.id != existing_id)
        if session.scalar(query) is not None:
            errors["email"] = f"{data.email} is already used by another participant"
    return data, errors


def check_fields(data: ParticipantData) -> tuple[ParticipantData, dict[str, str]]:
    """The checks that need no database; returns ``data`` normalised and errors by field."""
    errors: dict[str, str] = {}
    full_name = " ".join(data.full_name.split())
    if not full_name:
        errors["full_name"] = "is required"
    email, reason = check_email(data.email)
    if reason:
        errors["email"] = reason
    manager_email = data.manager_email.strip()
    if manager_email:
        manager_email, reason = check_email(manager_email)
        if reason:
            errors["manager_email"] = reason
        elif manager_email.lower() == email.lower():
            errors["manager_email"] = "a person cannot be their own manager"
    timezone = data.timezone.strip() or "UTC"
    if reason := check_timezone(timezone):
        errors["timezone"] = reason
    capacity = data.mentor_capacity
    if capacity is None:
        capacity = 1 if data.role in (ParticipantRole.MENTOR, ParticipantRole.BOTH) else 0
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        errors["mentor_capacity"] = "must be a whole number"
    elif capacity < 0:
        errors["mentor_capacity"] = f"cannot be negative (got {capacity})"
    elif capacity > 50:
        errors["mentor_capacity"] = f"{capacity} is more mentees than one person can mentor"
    if data.level_rank is not None and not 0 <= data.level_rank <= 20:
        errors["level_rank"] = "must be between 0 and 20"
    skills: dict[str, SkillLevel] = {}
    for skill in data.skills:
        name = " ".join(skill.name.split())
        if not name:
            errors.setdefault("skills", "a skill has no name")
        elif not 0 <= skill.level <= 5:
            errors.setdefault("skills", f"{name}: level {skill.level} is not between 0 and 5")
        else:
            skills.setdefault(name.casefold(), SkillLevel(name, skill.level))
    for name, value in (
        ("full_name", full_name), ("preferred_name", data.preferred_name),
        ("department", data.department), ("job_title", data.job_title),
        ("level", data.level), ("location", data.location),
        ("availability_notes", data.availability_notes), ("notes", data.notes),
    ):
        check_length(errors, name, value)
    for name, values in (("languages", data.languages), ("goals", data.goals),
                         ("interests", data.interests)):
        for value in values:
            check_length(errors, name, value, 100)
    normalised = dataclasses.replace(
        data,
        full_name=full_name,
        email=email,
        preferred_name=data.preferred_name.strip(),
        department=data.department.strip(),
        job_title=data.job_title.strip(),
        manager_email=manager_email,
        level=data.level.strip(),
        location=data.location.strip(),
        timezone=timezone,
        languages=clean_list(data.languages),
        skills=tuple(skills.values()),
        goals=clean_list(data.goals),
        interests=clean_list(data.interests),
        mentor_capacity=capacity if isinstance(capacity, int) else 0,
    )
    return normalised, errors


# --------------------------------------------------------------------------- reading


def _load(session: Session, participant_id: int) -> Participant:
    person = session.get(
        Participant, participant_id,
        options=[selectinload(Participant.skills).selectinload(ParticipantSkill.skill),
                 selectinload(Participant.goals).selectinload(DevelopmentGoal.skill),
                 selectinload(Participant.interests), selectinload(Participant.languages),
                 selectinload(Participant.manager)],
    )
    if person is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    return person


def _to_record(person: Participant) -> ParticipantRecord:
    data = ParticipantData(
        full_name=person.full_name,
        email=person.email,
        preferred_name=person.preferred_name,
        department=person.department,
        job_title=person.job_title,
        manager_email=person.manager.email if person.manager else person.manager_email,
        level=person.level,
        level_rank=person.level_rank,
        location=person.location,
        timezone=person.timezone,
        languages=tuple(lang.language for lang in person.languages),
        skills=tuple(sorted((SkillLevel(s.skill.name, s.level) for s in person.skills),
                            key=lambda s: (-s.level, s.name.casefold()))),
        goals=tuple(g.skill.name for g in sorted(person.goals, key=lambda g: g.priority)),
        interests=tuple(i.interest for i in person.interests),
        role=person.role,
        mentor_capacity=person.mentor_capacity,
        availability_notes=person.availability_notes,
        consent_stories=person.consent_stories,
        consent_photos=person.consent_photos,
        notes=person.notes,
    )
    return ParticipantRecord(
        id=person.id,
        data=data,
        status=person.status,
        manager_id=person.manager_id,
        manager_name=person.manager.full_name if person.manager else "",
        withdrawn_at=person.withdrawn_at,
        created_at=person.created_at,
    )


def get_participant(session: Session, participant_id: int) -> ParticipantRecord:
    """One participant with skills, goals, interests and languages."""
    return _to_record(_load(session, participant_id))


def find_participant(session: Session, key: str) -> ParticipantRecord:
    """A participant by id or by email (any case)."""
    if key.isdigit():
        return get_participant(session, int(key))
    found = session.scalar(
        select(Participant.id).where(func.lower(Participant.email) == key.strip().lower()))
    if found is None:
        raise NotFoundError(f"There is no participant with email {key}.")
    return get_participant(session, found)


def list_participants(session: Session,
                      filters: ParticipantFilter | None = None) -> list[ParticipantRow]:
    """The participants table, in one query, sorted by name."""
    filters = filters or ParticipantFilter()
    manager = aliased(Participant)
    query = (
        select(Participant.id, Participant.full_name, Participant.preferred_name,
               Participant.email, Participant.department, Participant.job_title,
               Participant.level, Participant.role, Participant.mentor_capacity,
               Participant.status, Participant.timezone, Participant.location,
               func.coalesce(manager.full_name, Participant.manager_email, "")
               .label("manager_name"))
        .outerjoin(manager, Participant.manager_id == manager.id)
        .order_by(func.lower(Participant.full_name), Participant.id)
    )
    if filters.search.strip():
        pattern = f"%{filters.search.strip().lower()}%"
        query = query.where(or_(func.lower(Participant.full_name).like(pattern),
                                func.lower(Participant.preferred_name).like(pattern),
                                func.lower(Participant.email).like(pattern),
                                func.lower(Participant.department).like(pattern),
                                func.lower(Participant.job_title).like(pattern)))
    if filters.role is not None:
        query = query.where(Participant.role == filters.role)
    if filters.department:
        query = query.where(Participant.department == filters.department)
    if filters.status is not None:
        query = query.where(Participant.status == filters.status)
    return [ParticipantRow(**row._asdict()) for row in session.execute(query)]


def departments(session: Session) -> list[str]:
    """The departments in use, sorted."""
    return [d for d in session.scalars(
        select(Participant.department).distinct().order_by(Participant.department)) if d]


def count_participants(session: Session) -> int:
    """How many participants there are (any status)."""
    return session.scalar(select(func.count(Participant.id))) or 0


# --------------------------------------------------------------------------- writing


class SkillCache:
    """Skills by case-folded name, created on first use; shared across many writes."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_name = {s.name.casefold(): s for s in session.scalars(select(Skill))}

    def get(self, name: str) -> Skill:
        """The skill called ``name`` (any case), created if new."""
        key = name.casefold()
        skill = self._by_name.get(key)
        if skill is None:
            skill = Skill(name=name)
            self._session.add(skill)
            self._by_name[key] = skill
        return skill


def _resolve_manager(session: Session, person: Participant, manager_email: str) -> None:
    person.manager_email = manager_email
    person.manager_id = None
    if manager_email:
        person.manager_id = session.scalar(
            select(Participant.id).where(func.lower(Participant.email) == manager_email.lower()))


def _apply(session: Session, person: Participant, data: ParticipantData,
           skills: SkillCache) -> None:
    person.full_name = data.full_name
    person.email = data.email
    person.preferred_name = data.preferred_name
    person.department = data.department
    person.job_title = data.job_title
    person.level = data.level
    person.level_rank = data.level_rank
    person.location = data.location
    person.timezone = data.timezone
    person.role = data.role
    person.mentor_capacity = data.mentor_capacity or 0
    person.availability_notes = data.availability_notes
    person.consent_stories = data.consent_stories
    person.consent_photos = data.consent_photos
    person.notes = data.notes
    _resolve_manager(session, person, data.manager_email)
    # Keep existing child rows whose value stays, so unique constraints are never hit by
    # an insert that runs before the matching delete.
    old_languages = {row.language.casefold(): row for row in person.languages}
    person.languages = [old_languages.get(lang.casefold())
                        or ParticipantLanguage(language=lang) for lang in data.languages]
    old_interests = {row.interest.casefold(): row for row in person.interests}
    person.interests = [old_interests.get(i.casefold())
                        or ParticipantInterest(interest=i) for i in data.interests]
    # Replace child rows in place by skill id so unique constraints are never hit twice.
    levels = {skills.get(s.name).name.casefold(): s.level for s in data.skills}
    kept = []
    for row in person.skills:
        key = row.skill.name.casefold()
        if key in levels:
            row.level = levels.pop(key)
            kept.append(row)
    kept += [ParticipantSkill(skill=skills.get(s.name), level=s.level)
             for s in data.skills if s.name.casefold() in levels]
    person.skills = kept
    wanted = [g.casefold() for g in data.goals]
    goals = [g for g in person.goals if g.skill.name.casefold() in wanted]
    have = {g.skill.name.casefold() for g in goals}
    goals += [DevelopmentGoal(skill=skills.get(g)) for g in data.goals if g.casefold() not in have]
    for goal in goals:
        goal.priority = wanted.index(goal.skill.name.casefold())
    person.goals = goals


def _link_reports(session: Session, person: Participant) -> None:
    """People whose manager email is this person's now point at them."""
    for report in session.scalars(select(Participant).where(
            func.lower(Participant.manager_email) == person.email.lower(),
            Participant.manager_id.is_(None), Participant.id != person.id)):
        report.manager_id = person.id


def add_participant(session: Session, data: ParticipantData,
                    skills: SkillCache | None = None) -> ParticipantRecord:
    """Add a participant; raises :class:`ValidationError` naming each bad field."""
    data, errors = validate(session, data)
    if errors:
        raise ValidationError(errors)
    person = Participant()
    with session.no_autoflush:
        _apply(session, person, data, skills or SkillCache(session))
    session.add(person)
    session.flush()
    _link_reports(session, person)
    link_people(session, {person.id: person.email})  # an HR file imported before they joined
    audit.record(session, "add", "participant", person.id)
    return _to_record(person)


def update_participant(session: Session, participant_id: int,
                       data: ParticipantData) -> ParticipantRecord:
    """Replace a participant's details; raises :class:`ValidationError` naming each bad field."""
    person = _load(session, participant_id)
    before = _to_record(person).data
    data, errors = validate(session, data, existing_id=participant_id)
    if not errors and data.manager_email:
        manager_id = session.scalar(select(Participant.id).where(
            func.lower(Participant.email) == data.manager_email.lower()))
        if manager_id is not None and _reports_to(session, manager_id, participant_id):
            errors["manager_email"] = "that person reports to this participant"
    if errors:
        raise ValidationError(errors)
    with session.no_autoflush:
        _apply(session, person, data, SkillCache(session))
    session.flush()
    if before.email.lower() != data.email.lower():
        _link_reports(session, person)
    changed = [f.name for f in dataclasses.fields(data)
               if getattr(before, f.name) != getattr(data, f.name)]
    audit.record(session, "edit", "participant", person.id, changed)
    return _to_record(person)


def _reports_to(session: Session, person_id: int, boss_id: int) -> bool:
    """Whether ``person_id`` is ``boss_id`` or anywhere below them in the reporting line."""
    seen: set[int] = set()
    current: int | None = person_id
    while current is not None and current not in seen:
        if current == boss_id:
            return True
        seen.add(current)
        current = session.scalar(select(Participant.manager_id).where(Participant.id == current))
    return False


def withdraw_participant(session: Session, participant_id: int,
                         on: date | None = None) -> WithdrawResult:
    """Mark a participant withdrawn and end their open pairings early."""
    person = _load(session, participant_id)
    if person.status == ParticipantStatus.WITHDRAWN:
        return WithdrawResult(participant_id)
    today = on or datetime.now(UTC).date()
    person.status = ParticipantStatus.WITHDRAWN
    person.withdrawn_at = datetime.now(UTC)
    open_statuses = (PairingStatus.PROPOSED, PairingStatus.ACCEPTED, PairingStatus.ACTIVE,
                     PairingStatus.PAUSED)
    ended: list[int] = []
    pairings = session.scalars(
        select(Pairing).options(selectinload(Pairing.members))
        .where(Pairing.status.in_(open_statuses))
        .where(or_(Pairing.mentor_id == participant_id,
                   Pairing.id.in_(select(PairingMember.pairing_id)
                                  .where(PairingMember.mentee_id == participant_id)))))
    for pairing in pairings:
        others = [m for m in pairing.members if m.mentee_id != participant_id]
        if pairing.mentor_id == participant_id or not others:
            pairing.status = PairingStatus.ENDED_EARLY
            if pairing.start_date is None or pairing.start_date <= today:
                pairing.end_date = today
            ended.append(pairing.id)
            # Their calendars are told at the next export of invitations.
            cancel_series(session, pairing.id)
        else:  # a circle goes on without them
            pairing.members = others
    audit.record(session, "withdraw", "participant", participant_id, ["status"])
    return WithdrawResult(participant_id, tuple(ended))


def reinstate_participant(session: Session, participant_id: int) -> ParticipantRecord:
    """Bring a withdrawn participant back as active."""
    person = _load(session, participant_id)
    person.status = ParticipantStatus.ACTIVE
    person.withdrawn_at = None
    audit.record(session, "reinstate", "participant", participant_id, ["status"])
    return _to_record(person)


# --------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class BulkAddResult:
    """What a bulk add wrote."""

    ids: tuple[int, ...]
    skills_created: int


def _table(name: str) -> Table:
    """A table for Core bulk statements (several times faster than ORM bulk inserts)."""
    return Base.metadata.tables[name]


def _check_row(data: ParticipantData, index: int, errors: dict[str, str]) -> ParticipantData:
    """Per-row checks that need no database; errors are keyed ``"row N: field"``."""
    normalised, row_errors = check_fields(data)
    for field_name, reason in row_errors.items():
        errors[f"row {index}: {field_name}"] = reason
    return normalised


def add_participants(session: Session, items: list[ParticipantData],
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> BulkAddResult:
    """Add many participants at once, all or nothing (importing a whole HR export).

    Every row is validated first; any error raises :class:`ValidationError` with keys like
    ``"row 12: email"`` (rows counted from 1) and nothing is written. Managers are resolved
    by email among existing participants and the new rows, in any order.
    """
    errors: dict[str, str] = {}
    rows = [_check_row(item, n, errors) for n, item in enumerate(items, start=1)]
    existing: dict[str, int] = {
        email: pid for email, pid in session.execute(
            select(func.lower(Participant.email), Participant.id))}
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        key = row.email.lower()
        if key in existing:
            errors.setdefault(f"row {n}: email", f"{row.email} is already used by another "
                                                 "participant")
        elif key in seen:
            errors.setdefault(f"row {n}: email", f"{row.email} is also on row {seen[key]}")
        else:
            seen[key] = n
    if errors:
        raise ValidationError(errors)
    total = len(rows)
    now = datetime.now(UTC)
    ids: list[int] = []
    chunk = 1000
    for start in range(0, total, chunk):
        if cancelled and cancelled():
            raise UserError("Cancelled: nothing was added.")
        batch = rows[start:start + chunk]
        result = session.execute(
            insert(_table("participant")).returning(
                _table("participant").c.id, sort_by_parameter_order=True),
            [{"full_name": r.full_name, "preferred_name": r.preferred_name, "email": r.email,
              "department": r.department, "job_title": r.job_title, "manager_id": None,
              "manager_email": r.manager_email, "level": r.level, "level_rank": r.level_rank,
              "location": r.location, "timezone": r.timezone, "role": r.role,
              "mentor_capacity": r.mentor_capacity or 0,
              "availability_notes": r.availability_notes, "status": ParticipantStatus.ACTIVE,
              "withdrawn_at": None, "consent_stories": r.consent_stories,
              "consent_photos": r.consent_photos, "notes": r.notes, "created_at": now,
              "updated_at": now} for r in batch])
        ids.extend(result.scalars())
        if progress:
            progress(min(start + chunk, total), total)
    skill_ids = {name.casefold(): sid for sid, name in session.execute(
        select(Skill.id, Skill.name))}
    new_skills: dict[str, str] = {}
    for r in rows:
        for name in (*(s.name for s in r.skills), *r.goals):
            if name.casefold() not in skill_ids:
                new_skills.setdefault(name.casefold(), name)
    if new_skills:
        created = session.execute(
            insert(_table("skill")).returning(_table("skill").c.id, _table("skill").c.name,
                                              sort_by_parameter_order=True),
            [{"name": name} for name in new_skills.values()])
        skill_ids.update({name.casefold(): sid for sid, name in created})
    children: list[tuple[type[Base], list[dict[str, object]]]] = [
        (ParticipantSkill, [{"participant_id": pid, "skill_id": skill_ids[s.name.casefold()],
                             "level": s.level} for pid, r in zip(ids, rows, strict=True)
                            for s in r.skills]),
        (DevelopmentGoal, [{"participant_id": pid, "skill_id": skill_ids[g.casefold()],
                            "priority": n} for pid, r in zip(ids, rows, strict=True)
                           for n, g in enumerate(r.goals)]),
        (ParticipantLanguage, [{"participant_id": pid, "language": lang}
                               for pid, r in zip(ids, rows, strict=True)
                               for lang in r.languages]),
        (ParticipantInterest, [{"participant_id": pid, "interest": i}
                               for pid, r in zip(ids, rows, strict=True) for i in r.interests]),
    ]
    for entity, values in children:
        if values:
            session.execute(insert(_table(entity.__tablename__)), values)
    by_email = {**existing, **{r.email.lower(): pid for pid, r in zip(ids, rows, strict=True)}}
    links = [{"pid": pid, "mid": by_email[r.manager_email.lower()]}
             for pid, r in zip(ids, rows, strict=True)
             if r.manager_email and r.manager_email.lower() in by_email]
    # People already here whose manager is one of the new rows.
    new_by_email = {r.email.lower(): pid for pid, r in zip(ids, rows, strict=True)}
    added = set(ids)
    links += [{"pid": pid, "mid": new_by_email[email]} for pid, email in session.execute(
        select(Participant.id, func.lower(Participant.manager_email))
        .where(Participant.manager_id.is_(None), Participant.manager_email != ""))
        if email in new_by_email and pid not in added]
    if links:
        person = _table("participant")
        session.execute(update(person).where(person.c.id == bindparam("pid"))
                        .values(manager_id=bindparam("mid")), links)
    link_people(session, {pid: email for email, pid in new_by_email.items()})
    actor = audit.actor()
    session.execute(insert(_table(AuditEvent.__tablename__)), [
        {"at": now, "actor": actor, "action": "add", "entity": "participant",
         "entity_id": pid, "fields": ""} for pid in ids])
    return BulkAddResult(tuple(ids), len(new_skills))
