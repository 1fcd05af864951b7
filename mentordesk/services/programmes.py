"""Creating and editing a programme: its objectives, KPI targets, dates, format and structure."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mentordesk.errors import NotFoundError, ValidationError
from mentordesk.models import (
    Cadence,
    Kpi,
    KpiDirection,
    Objective,
    Programme,
    ProgrammeFormat,
    ProgrammeStructure,
)
from mentordesk.services import audit
from mentordesk.services.validation import check_colour, check_email, check_length


@dataclass(frozen=True)
class ObjectiveData:
    """A programme objective and the organisational goal it serves."""

    title: str
    organisational_goal: str = ""


@dataclass(frozen=True)
class KpiData:
    """A KPI with its target; ``objective`` names the objective it measures, if any."""

    name: str
    target_value: float
    unit: str = ""
    baseline_value: float | None = None
    direction: KpiDirection = KpiDirection.INCREASE
    objective: str = ""


@dataclass(frozen=True)
class ProgrammeData:
    """Everything a coordinator sets about a programme."""

    name: str
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None
    format: ProgrammeFormat = ProgrammeFormat.ONE_ON_ONE
    structure: ProgrammeStructure = ProgrammeStructure.FORMAL
    default_cadence: Cadence = Cadence.FORTNIGHTLY
    default_duration_minutes: int = 45
    agenda: str = ""
    circle_min_size: int = 3
    circle_max_size: int = 6
    coordinator_name: str = ""
    coordinator_email: str = ""
    brand_primary_color: str = "#2E5E8C"
    brand_accent_color: str = "#F2A541"
    objectives: tuple[ObjectiveData, ...] = ()
    kpis: tuple[KpiData, ...] = ()


@dataclass(frozen=True)
class ProgrammeRecord:
    """A programme as stored."""

    id: int
    data: ProgrammeData
    has_logo: bool


def validate(session: Session, data: ProgrammeData,
             existing_id: int | None = None) -> tuple[ProgrammeData, dict[str, str]]:
    """Check ``data``; return it normalised and the errors by field name."""
    errors: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        errors["name"] = "is required"
    else:
        check_length(errors, "name", name, 200)
        query = select(Programme.id).where(func.lower(Programme.name) == name.lower())
        if existing_id is not None:
            query = query.where(Programme.id != existing_id)
        if session.scalar(query) is not None:
            errors["name"] = f"a programme called '{name}' already exists"
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = "is before the start date"
    if not 5 <= data.default_duration_minutes <= 480:
        errors["default_duration_minutes"] = "must be between 5 and 480 minutes"
    if data.circle_min_size < 1:
        errors["circle_min_size"] = "must be at least 1"
    elif data.circle_max_size < data.circle_min_size:
        errors["circle_max_size"] = "is smaller than the minimum circle size"
    coordinator_email = data.coordinator_email.strip()
    if coordinator_email:
        coordinator_email, reason = check_email(coordinator_email)
        if reason:
            errors["coordinator_email"] = reason
    for field in ("brand_primary_color", "brand_accent_color"):
        if reason := check_colour(getattr(data, field)):
            errors[field] = reason
    check_length(errors, "description", data.description)
    check_length(errors, "coordinator_name", data.coordinator_name, 200)
    for objective in data.objectives:
        check_length(errors, "objectives", objective.title, 300)
        check_length(errors, "objectives", objective.organisational_goal, 300)
    for kpi in data.kpis:
        values = [kpi.target_value] + ([kpi.baseline_value] if kpi.baseline_value is not None
                                       else [])
        if not all(math.isfinite(v) for v in values):
            errors["kpis"] = f"{kpi.name}: target and baseline must be ordinary numbers"
    check_length(errors, "agenda", data.agenda)
    objectives = tuple(ObjectiveData(" ".join(o.title.split()), o.organisational_goal.strip())
                       for o in data.objectives)
    titles = [o.title.casefold() for o in objectives]
    if any(not t for t in titles):
        errors["objectives"] = "an objective has no title"
    elif len(set(titles)) != len(titles):
        errors["objectives"] = "two objectives have the same title"
    kpis = tuple(dataclasses.replace(k, name=" ".join(k.name.split()), unit=k.unit.strip())
                 for k in data.kpis)
    names = [k.name.casefold() for k in kpis]
    if any(not n for n in names):
        errors["kpis"] = "a KPI has no name"
    elif len(set(names)) != len(names):
        errors["kpis"] = "two KPIs have the same name"
    for kpi in kpis:
        if kpi.objective and kpi.objective.casefold() not in titles:
            errors["kpis"] = f"{kpi.name}: there is no objective called '{kpi.objective}'"
    return dataclasses.replace(data, name=name, coordinator_email=coordinator_email,
                               objectives=objectives, kpis=kpis), errors


def _to_record(p: Programme) -> ProgrammeRecord:
    by_id = {o.id: o.title for o in p.objectives}
    data = ProgrammeData(
        name=p.name, description=p.description, start_date=p.start_date, end_date=p.end_date,
        format=p.format, structure=p.structure, default_cadence=p.default_cadence,
        default_duration_minutes=p.default_duration_minutes, agenda=p.agenda,
        circle_min_size=p.circle_min_size, circle_max_size=p.circle_max_size,
        coordinator_name=p.coordinator_name, coordinator_email=p.coordinator_email,
        brand_primary_color=p.brand_primary_color, brand_accent_color=p.brand_accent_color,
        objectives=tuple(ObjectiveData(o.title, o.organisational_goal) for o in p.objectives),
        kpis=tuple(KpiData(name=k.name, target_value=k.target_value, unit=k.unit,
                           baseline_value=k.baseline_value, direction=k.direction,
                           objective=by_id.get(k.objective_id or -1, ""))
                   for k in p.kpis),
    )
    return ProgrammeRecord(p.id, data, p.logo_png is not None)


def _load(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id, options=[
        selectinload(Programme.objectives), selectinload(Programme.kpis)])
    if programme is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    return programme


def _apply(session: Session, programme: Programme, data: ProgrammeData) -> None:
    simple = [f.name for f in dataclasses.fields(ProgrammeData)
              if f.name not in ("objectives", "kpis")]
    for name in simple:
        setattr(programme, name, getattr(data, name))
    old_objectives = {o.title.casefold(): o for o in programme.objectives}
    objectives = []
    for position, item in enumerate(data.objectives):
        objective = old_objectives.pop(item.title.casefold(), None) or Objective()
        objective.title = item.title
        objective.organisational_goal = item.organisational_goal
        objective.position = position
        objectives.append(objective)
    programme.objectives = objectives
    session.flush()
    by_title = {o.title.casefold(): o for o in objectives}
    old_kpis = {k.name.casefold(): k for k in programme.kpis}
    kpis = []
    for position, wanted in enumerate(data.kpis):
        kpi = old_kpis.pop(wanted.name.casefold(), None) or Kpi()
        kpi.name = wanted.name
        kpi.unit = wanted.unit
        kpi.target_value = float(wanted.target_value)
        kpi.baseline_value = wanted.baseline_value
        kpi.direction = wanted.direction
        kpi.position = position
        kpi.objective = by_title.get(wanted.objective.casefold()) if wanted.objective else None
        kpis.append(kpi)
    programme.kpis = kpis


def create_programme(session: Session, data: ProgrammeData) -> ProgrammeRecord:
    """Create a programme; raises :class:`ValidationError` naming each bad field."""
    data, errors = validate(session, data)
    if errors:
        raise ValidationError(errors)
    programme = Programme()
    session.add(programme)
    _apply(session, programme, data)
    session.flush()
    audit.record(session, "add", "programme", programme.id)
    return _to_record(programme)


def update_programme(session: Session, programme_id: int,
                     data: ProgrammeData) -> ProgrammeRecord:
    """Replace a programme's details, objectives and KPIs."""
    programme = _load(session, programme_id)
    before = _to_record(programme).data
    data, errors = validate(session, data, existing_id=programme_id)
    if errors:
        raise ValidationError(errors)
    _apply(session, programme, data)
    session.flush()
    changed = [f.name for f in dataclasses.fields(data)
               if getattr(before, f.name) != getattr(data, f.name)]
    audit.record(session, "edit", "programme", programme.id, changed)
    return _to_record(programme)


def get_programme(session: Session, programme_id: int) -> ProgrammeRecord:
    """One programme with its objectives and KPIs."""
    return _to_record(_load(session, programme_id))


def find_programme(session: Session, key: str) -> ProgrammeRecord:
    """A programme by id or by name (any case)."""
    if key.isdigit():
        return get_programme(session, int(key))
    found = session.scalar(select(Programme.id).where(func.lower(Programme.name) == key.lower()))
    if found is None:
        raise NotFoundError(f"There is no programme called '{key}'.")
    return get_programme(session, found)


def list_programmes(session: Session) -> list[ProgrammeRecord]:
    """Every programme, newest start first."""
    rows = session.scalars(select(Programme).options(
        selectinload(Programme.objectives), selectinload(Programme.kpis))
        .order_by(Programme.start_date.desc(), Programme.id.desc()))
    return [_to_record(p) for p in rows]


def current_programme(session: Session) -> ProgrammeRecord | None:
    """The programme the app shows: the one with the latest start, if any."""
    programmes = list_programmes(session)
    return programmes[0] if programmes else None
