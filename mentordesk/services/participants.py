"""Adding, editing, listing and withdrawing participants, with validation that names the field."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from mentordesk.errors import NotFoundError, ValidationError
from mentordesk.models import (
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
    """Check ``data``; return it normalised and the errors by field name."""
    errors: dict[str, str] = {}
    full_name = " ".join(data.full_name.split())
    if not full_name:
        errors["full_name"] = "is required"
    email, reason = check_email(data.email)
    if reason:
        errors["email"] = reason
    else:
        query = select(Participant.id).where(func.lower(Participant.email) == email.lower())
        if existing_id is not None:
            query = query.where(Participant.id != existing_id)
        if session.scalar(query) is not None:
            errors["email"] = f"{email} is already used by another participant"
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
               func.coalesce(manager.full_name, Participant.manager_email, ""))
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
    return [ParticipantRow(*row) for row in session.execute(query)]


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
    person.languages = [old_languages.pop(lang.casefold(), None)
                        or ParticipantLanguage(language=lang) for lang in data.languages]
    old_interests = {row.interest.casefold(): row for row in person.interests}
    person.interests = [old_interests.pop(i.casefold(), None)
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
    open_statuses = (PairingStatus.PROPOSED, PairingStatus.ACTIVE, PairingStatus.PAUSED)
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
