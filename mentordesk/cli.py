"""The command line: programmes, participants, the demo and database care, without Qt.

``mentordesk <command> ...`` runs here (``mentordesk.__main__`` dispatches to :func:`main`
whenever a sub-command is given); with no sub-command the desktop app starts instead.
This module must never import PySide6, directly or indirectly: it is what scripts and
scheduled jobs use on machines where the GUI may not even start.

Every command opens the database with :meth:`Database.open` (single-instance lock, backup,
migrations) and closes it in a ``finally``; a command that writes is one transaction. An
error the user can act on (:class:`~mentordesk.errors.UserError`) is one line on stderr and
exit status 1; a usage error is argparse's message and exit status 2. Nothing here logs
personal data: people's details only ever go to stdout as the command's output.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from mentordesk import __version__
from mentordesk.db import Database, InstanceLock, integrity_problems, list_backups, restore_backup
from mentordesk.errors import DatabaseError, UserError, ValidationError
from mentordesk.models import (
    Cadence,
    Pairing,
    ParticipantRole,
    ParticipantStatus,
    ProgrammeFormat,
    ProgrammeStructure,
)
from mentordesk.paths import resolve_db_path
from mentordesk.services import demo, participants, programmes
from mentordesk.services.participants import (
    ParticipantData,
    ParticipantFilter,
    ParticipantRecord,
    SkillLevel,
)
from mentordesk.services.programmes import KpiData, ObjectiveData, ProgrammeData, ProgrammeRecord

PROG = "mentordesk"

# Service field names -> what the user typed on the command line, for error messages.
OPTION_NAMES = {
    "full_name": "name",
    "preferred_name": "preferred-name",
    "job_title": "job-title",
    "manager_email": "manager",
    "level_rank": "level-rank",
    "mentor_capacity": "capacity",
    "availability_notes": "availability",
    "consent_stories": "consent-stories",
    "consent_photos": "consent-photos",
    "start_date": "start",
    "end_date": "end",
    "default_cadence": "cadence",
    "default_duration_minutes": "duration",
    "coordinator_name": "coordinator-name",
    "coordinator_email": "coordinator-email",
    "objectives": "objective",
    "kpis": "kpi",
}

_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")

Handler = Callable[[argparse.Namespace], int]


# --------------------------------------------------------------------------- output


def _utc(value: datetime) -> datetime:
    """Every stored time is UTC, but SQLite hands it back without a zone: say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _to_json(value: Any) -> Any:
    """Plain JSON values: dates as ISO strings, enums as their values, paths as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return _to_json(value.value)
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_to_json(v) for v in value]
    return value


def _print_json(value: Any) -> None:
    print(json.dumps(_to_json(value), indent=2, ensure_ascii=False))


def _text(value: Any) -> str:
    """How one value reads in a table or a detail view."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return f"{_utc(value):%Y-%m-%d %H:%M} UTC"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split())  # one line per cell, whatever was typed


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 right: Sequence[int] = ()) -> None:
    """An aligned text table; columns in ``right`` (numbers) are right-aligned."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if i in right else v.ljust(w)
                 for i, (v, w) in enumerate(zip(values, widths, strict=True))]
        return "  ".join(parts).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in cells:
        print(line(row))


def _print_details(pairs: Sequence[tuple[str, Any]]) -> None:
    """``Label:  value`` lines with the values aligned."""
    width = max(len(label) for label, _ in pairs) + 1
    for label, value in pairs:
        print(f"{label + ':':<{width}}  {_text(value)}".rstrip())


# --------------------------------------------------------------------------- parsing values


def _whole_number(errors: dict[str, str], field: str, text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not _WHOLE_NUMBER.match(text.strip()):
        errors[field] = f"'{text}' is not a whole number"
        return None
    return int(text)


def _date(errors: dict[str, str], field: str, text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = f"'{text}' is not a date like 2026-03-01"
        return None


def _split_list(text: str) -> tuple[str, ...]:
    """``"English, Polish"`` -> ``("English", "Polish")``; empty items are dropped."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_skills(text: str) -> tuple[SkillLevel, ...]:
    """``"Python:4, Leadership (3)"`` -> skill levels; raises :class:`ValidationError`.

    Every skill needs a level: a bare name is refused rather than guessed at, because a
    wrong level silently skews matching.
    """
    skills: list[SkillLevel] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.endswith(")") and "(" in item:
            name, _, level = item[:-1].rpartition("(")
        elif ":" in item:
            name, _, level = item.rpartition(":")
        else:
            raise ValidationError({"skills": f"'{item}' has no level; write it as "
                                             "'Python:4' or 'Python (4)'"})
        name, level = name.strip(), level.strip()
        if not name:
            raise ValidationError({"skills": f"'{item}' has no skill name"})
        if not _WHOLE_NUMBER.match(level):
            raise ValidationError({"skills": f"'{item}': the level must be a whole number "
                                             "from 0 to 5"})
        skills.append(SkillLevel(name, int(level)))
    return tuple(skills)


def parse_objective(text: str) -> ObjectiveData:
    """``"Title|Organisational goal"`` (the goal is optional)."""
    title, _, goal = text.partition("|")
    return ObjectiveData(title.strip(), goal.strip())


def parse_kpi(text: str) -> KpiData:
    """``"Name|target|unit|objective title"`` (unit and objective are optional)."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2 or len(parts) > 4:
        raise ValidationError({"kpi": f"'{text}' should look like "
                                      "'Name|target|unit|objective title'"})
    parts += [""] * (4 - len(parts))
    name, target, unit, objective = parts
    try:
        value = float(target)
    except ValueError:
        raise ValidationError({"kpi": f"{name or text}: target '{target}' is not a number"}
                              ) from None
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf
        raise ValidationError({"kpi": f"{name or text}: target '{target}' is not a number"})
    return KpiData(name=name, target_value=value, unit=unit, objective=objective)


def _participant_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The ParticipantData fields given on the command line (others are left alone)."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    text_fields = {
        "name": "full_name", "email": "email", "preferred_name": "preferred_name",
        "department": "department", "job_title": "job_title", "manager": "manager_email",
        "level": "level", "location": "location", "timezone": "timezone",
        "availability": "availability_notes", "notes": "notes",
    }
    for option, field in text_fields.items():
        value = getattr(args, option, None)
        if value is not None:
            changes[field] = value
    for option in ("languages", "goals", "interests"):
        value = getattr(args, option)
        if value is not None:
            changes[option] = _split_list(value)
    if args.skills is not None:
        try:
            changes["skills"] = parse_skills(args.skills)
        except ValidationError as exc:
            errors.update(exc.errors)
    if args.role is not None:
        changes["role"] = ParticipantRole(args.role)
    if args.capacity is not None:
        if args.capacity.strip():
            changes["mentor_capacity"] = _whole_number(errors, "capacity", args.capacity)
        else:
            errors["capacity"] = "must be a whole number"
    if args.level_rank is not None:
        changes["level_rank"] = _whole_number(errors, "level-rank", args.level_rank)
    for option in ("consent_stories", "consent_photos"):
        value = getattr(args, option)
        if value is not None:
            changes[option] = value
    if errors:
        raise ValidationError(errors)
    return changes


def _programme_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The ProgrammeData fields given on the command line (others are left alone)."""
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for option, field in (("name", "name"), ("description", "description"),
                          ("coordinator_name", "coordinator_name"),
                          ("coordinator_email", "coordinator_email")):
        value = getattr(args, option, None)
        if value is not None:
            changes[field] = value
    if args.start is not None:
        changes["start_date"] = _date(errors, "start", args.start)
    if args.end is not None:
        changes["end_date"] = _date(errors, "end", args.end)
    if args.format is not None:
        changes["format"] = ProgrammeFormat(args.format)
    if args.structure is not None:
        changes["structure"] = ProgrammeStructure(args.structure)
    if args.cadence is not None:
        changes["default_cadence"] = Cadence(args.cadence)
    if args.duration is not None:
        duration = _whole_number(errors, "duration", args.duration)
        if duration is not None:
            changes["default_duration_minutes"] = duration
        elif "duration" not in errors:
            errors["duration"] = "must be a whole number of minutes"
    if args.objective is not None:
        changes["objectives"] = tuple(parse_objective(o) for o in args.objective)
    if args.kpi is not None:
        try:
            changes["kpis"] = tuple(parse_kpi(k) for k in args.kpi)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return changes


# --------------------------------------------------------------------------- database


def _db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(args.db_path)


@contextlib.contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Database]:
    """The database, locked, backed up and migrated; closed however the command ends."""
    db = Database.open(_db_path(args))
    try:
        yield db
    finally:
        db.close()


# --------------------------------------------------------------------------- programmes


def _programme_json(record: ProgrammeRecord) -> dict[str, Any]:
    return {"id": record.id, **_to_json(record.data), "has_logo": record.has_logo}


def _show_programme(record: ProgrammeRecord) -> None:
    data = record.data
    _print_details([
        ("ID", record.id), ("Name", data.name), ("Description", data.description),
        ("Start", data.start_date), ("End", data.end_date), ("Format", data.format),
        ("Structure", data.structure), ("Cadence", data.default_cadence),
        ("Duration", f"{data.default_duration_minutes} min"),
        ("Coordinator", data.coordinator_name), ("Coordinator email", data.coordinator_email),
    ])
    print()
    if data.objectives:
        print("Objectives")
        _print_table(["Title", "Organisational goal"],
                     [[o.title, o.organisational_goal] for o in data.objectives])
    else:
        print("Objectives: none")
    print()
    if data.kpis:
        print("KPIs")
        _print_table(["Name", "Target", "Unit", "Baseline", "Direction", "Objective"],
                     [[k.name, k.target_value, k.unit, k.baseline_value, k.direction,
                       k.objective] for k in data.kpis], right=(1, 3))
    else:
        print("KPIs: none")


def cmd_programme_create(args: argparse.Namespace) -> int:
    """``programme create NAME [options]``."""
    changes = _programme_changes(args)
    with _opened(args) as db, db.Session.begin() as session:
        record = programmes.create_programme(session, ProgrammeData(**changes))
    if args.json:
        _print_json(_programme_json(record))
    else:
        print(f"Created programme {record.id}: {record.data.name}")
    return 0


def cmd_programme_edit(args: argparse.Namespace) -> int:
    """``programme edit ID_OR_NAME [options]``: only the options given change."""
    changes = _programme_changes(args)
    with _opened(args) as db, db.Session.begin() as session:
        current = programmes.find_programme(session, args.programme)
        record = programmes.update_programme(
            session, current.id, dataclasses.replace(current.data, **changes))
    if args.json:
        _print_json(_programme_json(record))
    else:
        print(f"Updated programme {record.id}: {record.data.name}")
    return 0


def cmd_programme_list(args: argparse.Namespace) -> int:
    """``programme list``."""
    with _opened(args) as db, db.Session.begin() as session:
        records = programmes.list_programmes(session)
    if args.json:
        _print_json([_programme_json(r) for r in records])
    elif not records:
        print("No programmes yet.")
    else:
        _print_table(["ID", "Name", "Start", "End", "Format", "Cadence", "Objectives", "KPIs"],
                     [[r.id, r.data.name, r.data.start_date, r.data.end_date, r.data.format,
                       r.data.default_cadence, len(r.data.objectives), len(r.data.kpis)]
                      for r in records], right=(0, 6, 7))
    return 0


def cmd_programme_show(args: argparse.Namespace) -> int:
    """``programme show ID_OR_NAME``."""
    with _opened(args) as db, db.Session.begin() as session:
        record = programmes.find_programme(session, args.programme)
    if args.json:
        _print_json(_programme_json(record))
    else:
        _show_programme(record)
    return 0


# --------------------------------------------------------------------------- participants


def _participant_json(record: ParticipantRecord) -> dict[str, Any]:
    return {"id": record.id, **_to_json(record.data), "status": record.status.value,
            "manager_id": record.manager_id, "manager_name": record.manager_name,
            "withdrawn_at": _to_json(record.withdrawn_at),
            "created_at": _to_json(record.created_at)}


def _show_participant(record: ParticipantRecord) -> None:
    data = record.data
    manager = data.manager_email
    if record.manager_name:
        manager = f"{record.manager_name} <{data.manager_email}>"
    _print_details([
        ("ID", record.id), ("Name", data.full_name), ("Preferred name", data.preferred_name),
        ("Email", data.email), ("Status", record.status),
        ("Withdrawn", record.withdrawn_at), ("Role", data.role),
        ("Mentor capacity", data.mentor_capacity), ("Department", data.department),
        ("Job title", data.job_title), ("Manager", manager), ("Level", data.level),
        ("Level rank", data.level_rank), ("Location", data.location),
        ("Time zone", data.timezone), ("Languages", data.languages),
        ("Skills", ", ".join(f"{s.name}:{s.level}" for s in data.skills)),
        ("Goals", data.goals), ("Interests", data.interests),
        ("Availability", data.availability_notes),
        ("Consent: stories", data.consent_stories), ("Consent: photos", data.consent_photos),
        ("Notes", data.notes), ("Added", record.created_at),
    ])


def cmd_participants_add(args: argparse.Namespace) -> int:
    """``participants add --name --email [options]``."""
    changes = _participant_changes(args)
    with _opened(args) as db, db.Session.begin() as session:
        record = participants.add_participant(session, ParticipantData(**changes))
    if args.json:
        _print_json(_participant_json(record))
    else:
        print(f"Added participant {record.id}: {record.data.full_name} <{record.data.email}>")
    return 0


def cmd_participants_edit(args: argparse.Namespace) -> int:
    """``participants edit ID_OR_EMAIL [options]``: only the options given change."""
    changes = _participant_changes(args)
    with _opened(args) as db, db.Session.begin() as session:
        current = participants.find_participant(session, args.participant)
        record = participants.update_participant(
            session, current.id, dataclasses.replace(current.data, **changes))
    if args.json:
        _print_json(_participant_json(record))
    else:
        print(f"Updated participant {record.id}: {record.data.full_name} <{record.data.email}>")
    return 0


def cmd_participants_list(args: argparse.Namespace) -> int:
    """``participants list [--role --department --status --search]``."""
    filters = ParticipantFilter(
        search=args.search or "",
        role=ParticipantRole(args.role) if args.role else None,
        department=args.department or "",
        status=ParticipantStatus(args.status) if args.status else None,
    )
    with _opened(args) as db, db.Session.begin() as session:
        rows = participants.list_participants(session, filters)
    if args.json:
        _print_json(rows)
    elif not rows:
        print("No participants match." if any(
            (args.search, args.role, args.department, args.status)) else "No participants yet.")
    else:
        _print_table(["ID", "Name", "Email", "Department", "Job title", "Role", "Capacity",
                      "Status"],
                     [[r.id, r.full_name, r.email, r.department, r.job_title, r.role,
                       r.mentor_capacity, r.status] for r in rows], right=(0, 6))
    return 0


def cmd_participants_show(args: argparse.Namespace) -> int:
    """``participants show ID_OR_EMAIL``."""
    with _opened(args) as db, db.Session.begin() as session:
        record = participants.find_participant(session, args.participant)
    if args.json:
        _print_json(_participant_json(record))
    else:
        _show_participant(record)
    return 0


def cmd_participants_withdraw(args: argparse.Namespace) -> int:
    """``participants withdraw ID_OR_EMAIL``: ends their open pairings too."""
    with _opened(args) as db, db.Session.begin() as session:
        record = participants.find_participant(session, args.participant)
        already = record.status == ParticipantStatus.WITHDRAWN
        result = participants.withdraw_participant(session, record.id)
    if args.json:
        _print_json({"id": record.id, "status": ParticipantStatus.WITHDRAWN.value,
                     "already_withdrawn": already, "ended_pairings": result.ended_pairings})
    elif already:
        print(f"{record.data.full_name} (participant {record.id}) was already withdrawn.")
    else:
        ended = len(result.ended_pairings)
        print(f"Withdrew {record.data.full_name} (participant {record.id})"
              + (f"; ended {ended} open pairing{'s' if ended != 1 else ''}." if ended else "."))
    return 0


# --------------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: load the demo programme into an empty database."""
    with _opened(args) as db, db.Session.begin() as session:
        if not demo.database_is_empty(session):
            raise UserError(f"{db.path} already has a programme or participants; the demo "
                            "can only be loaded into an empty database (use --db NEW_FILE).")
        programme_id = demo.load_demo(session)
        name = programmes.get_programme(session, programme_id).data.name
        people = participants.count_participants(session)
        depts = len(participants.departments(session))
        pairings = session.scalar(select(func.count(Pairing.id))) or 0
    print(f"Loaded the demo programme '{name}' (id {programme_id}): {people} participants "
          f"in {depts} departments, {pairings} pairings.")
    return 0


# ------------------------------------------------------------- import, export, privacy

_DELIMITERS = {",": ",", ";": ";", "|": "|", "tab": "\t", "\\t": "\t", "\t": "\t"}


def _delimiter(text: str | None) -> str | None:
    if text is None:
        return None
    if text.lower() not in _DELIMITERS:
        raise UserError(f"delimiter: '{text}' is not one of , ; | tab")
    return _DELIMITERS[text.lower()]


def _field_key(text: str) -> str:
    """A field given on the command line: its key or its label, any case; empty = ignore."""
    from mentordesk.services.importing import FIELDS, IGNORE

    wanted = " ".join(text.replace("_", " ").split()).casefold()
    if wanted in ("", "ignore", "skip", "none", "-"):
        return IGNORE
    for key, label in FIELDS.items():
        if wanted in (key.replace("_", " ").casefold(), label.casefold()):
            return key
    known = ", ".join(FIELDS)
    raise UserError(f"map: '{text}' is not a field; use one of {known}, or 'ignore'")


def _mapping_overrides(items: Sequence[str] | None) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items or ():
        header, sep, field = item.partition("=")
        if not sep or not header.strip():
            raise UserError(f"map: '{item}' should look like \"Work Email=email\"")
        overrides[header.strip()] = _field_key(field)
    return overrides


def _resolve_header(headers: Sequence[str], wanted: str) -> str:
    for header in headers:
        if header == wanted:
            return header
    for header in headers:
        if header.strip().casefold() == wanted.casefold():
            return header
    raise UserError(f"map: the file has no column '{wanted}' (its columns: "
                    f"{', '.join(h for h in headers if h)})")


def cmd_participants_import(args: argparse.Namespace) -> int:
    """``participants import FILE``: preview, problems, then the import unless --dry-run.

    Exit status 1 when any row was refused (the valid rows are still imported, in one
    transaction after a backup, unless --dry-run).
    """
    from mentordesk.services import importing

    path = Path(args.file).expanduser()
    overrides = _mapping_overrides(args.map)
    with _opened(args) as db:
        profile = None
        if args.profile:
            with db.Session() as session:
                profiles = {p.name.casefold(): p for p in importing.list_profiles(session)}
            profile = profiles.get(args.profile.casefold())
            if profile is None:
                raise UserError(f"profile: there is no import profile called '{args.profile}'")
        base = profile.options if profile else importing.SourceOptions()
        options = importing.SourceOptions(
            encoding=args.encoding or base.encoding,
            delimiter=_delimiter(args.delimiter) or base.delimiter,
            sheet=args.sheet or base.sheet)
        table = importing.read_source(path, options)
        if profile is None and not args.profile:
            with db.Session() as session:
                profile = importing.find_profile_for(session, table.headers)
        mapping = importing.guess_mapping(table.headers)
        if profile is not None:
            mapping.update({h: f for h, f in profile.mapping.items() if h in mapping})
        for header, field in overrides.items():
            mapping[_resolve_header(table.headers, header)] = field
        with db.Session() as session:
            preview = importing.preview_import(session, table, mapping)
        if args.save_profile:
            with db.Session.begin() as session:
                importing.save_profile(session, importing.ImportProfileData(
                    args.save_profile, dict(mapping), options))
        result = None
        if not args.dry_run and (preview.adds or preview.updates):
            result = importing.commit_import(db, table, mapping)
    if args.json:
        _print_json({"file": table.path, "kind": table.kind, "encoding": table.encoding,
                     "delimiter": table.delimiter, "sheet": table.sheet,
                     "header_row": table.header_row, "mapping": mapping,
                     "profile": profile.name if profile else None,
                     "adds": preview.adds, "updates": preview.updates,
                     "unchanged": preview.unchanged, "refused": len(preview.refused_rows),
                     "problems": preview.problems, "changes": preview.changes,
                     "dry_run": args.dry_run, "result": result})
    else:
        _print_import_report(table, mapping, preview, result, args.dry_run,
                             profile.name if profile else None)
    return 1 if preview.refused_rows else 0


def _add_source_options(p: argparse.ArgumentParser) -> None:
    """``--encoding``, ``--delimiter`` and ``--sheet``: how an imported file is read."""
    p.add_argument("--encoding", help="e.g. utf-8, cp1252 (default: detected)")
    p.add_argument("--delimiter", help=", ; | or tab (default: detected)")
    p.add_argument("--sheet", help="the sheet of an Excel workbook (default: the first)")


def _print_source(table: Any, note: str = "") -> None:
    """An import report's first line: the file and how it was read (``note`` added)."""
    where = (f"sheet '{table.sheet}', " if table.kind == "xlsx" else
             f"encoding {table.encoding}, delimiter {table.delimiter!r}, ")
    print(f"File: {table.path} ({table.kind.upper()}, {where}header on row {table.header_row}, "
          f"{len(table.rows)} data rows{note})")


def _print_mapping(headers: Sequence[str], mapping: dict[str, str],
                   fields: dict[str, str]) -> None:
    """Each column of an imported file and the field (of ``fields``) it is imported as."""
    _print_table(["Column in the file", "Imported as"],
                 [[header or "(no header)", fields.get(mapping.get(header, ""), "(not imported)")]
                  for header in headers])


def _print_problems(problems: Sequence[Any], column: Callable[[str], str] = str) -> None:
    """The rows an import refuses, with the column (as ``column`` shows it) and why."""
    print()
    print("Problems (these rows are not imported):")
    _print_table(["Row", "Column", "Reason"],
                 [[p.row, column(p.column), p.reason] for p in problems], right=(0,))


def _print_import_end(dry_run: bool, result: Any, backup: Path | None) -> None:
    """An import report's last lines: a dry run, nothing to do, or what was written."""
    if dry_run:
        print("Dry run: nothing was written.")
    elif result is None:
        print("Nothing to import.")
    else:
        print(f"Imported: {result.added} added, {result.updated} updated, "
              f"{result.unchanged} unchanged, {result.refused} refused.")
        if backup:
            print(f"Backed up first to {backup}")


def _print_import_report(table: Any, mapping: dict[str, str], preview: Any, result: Any,
                         dry_run: bool, profile: str | None) -> None:
    from mentordesk.services.importing import FIELDS

    _print_source(table)
    if profile:
        print(f"Import profile: {profile}")
    print()
    _print_mapping(table.headers, mapping, FIELDS)
    print()
    print(f"Preview: {preview.adds} to add, {preview.updates} to update, "
          f"{preview.unchanged} unchanged, {len(preview.refused_rows)} refused")
    if preview.problems:
        _print_problems(preview.problems)
    updates = [c for c in preview.changes if c.action == "update"]
    if updates:
        print()
        print("Updates:")
        _print_table(["Row", "Email", "Changes"],
                     [[c.row, c.email, ", ".join(FIELDS.get(f, f) for f in c.changed_fields)]
                      for c in updates], right=(0,))
    print()
    _print_import_end(dry_run, result, result.backup if result is not None else None)


def cmd_participants_export(args: argparse.Namespace) -> int:
    """``participants export FILE``: CSV or XLSX, of everyone or of those the filters keep."""
    from mentordesk.services.exporting import export_participants

    path = Path(args.file).expanduser()
    fmt = args.format or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")
    filters = ParticipantFilter(
        search=args.search or "",
        role=ParticipantRole(args.role) if args.role else None,
        department=args.department or "",
        status=ParticipantStatus(args.status) if args.status else None)
    with _opened(args) as db, db.Session() as session:
        ids = [row.id for row in participants.list_participants(session, filters)]
        count = export_participants(session, path, fmt=fmt, delimiter=_delimiter(
            args.delimiter) or ",", encoding=args.encoding or "utf-8", ids=ids)
    print(f"Exported {count} participant{'s' if count != 1 else ''} to {path}")
    return 0


def cmd_participants_export_person(args: argparse.Namespace) -> int:
    """``participants export-person EMAIL DIR``: everything held about one person."""
    from mentordesk.services import privacy

    with _opened(args) as db, db.Session() as session:
        person = participants.find_participant(session, args.participant)
        json_path, html_path = privacy.export_person(session, person.id,
                                                     Path(args.folder).expanduser())
    if args.json:
        _print_json({"json": json_path, "html": html_path})
    else:
        print(f"Wrote {json_path}")
        print(f"Wrote {html_path}")
    return 0


def cmd_participants_erase(args: argparse.Namespace) -> int:
    """``participants erase EMAIL --yes``: erase a person; without --yes, say what would go."""
    from mentordesk.services import privacy

    with _opened(args) as db:
        with db.Session() as session:
            person = participants.find_participant(session, args.participant)
            plan = privacy.plan_erasure(session, person.id)
        if not args.yes:
            print(f"Erasing {plan.name} <{plan.email}> would remove:")
            for line in plan.removes:
                print(f"  - {line}")
            if plan.keeps:
                print("and keep, without their name:")
                for line in plan.keeps:
                    print(f"  - {line}")
            raise UserError("nothing was erased: add --yes to erase this person")
        privacy.erase_participant(db, person.id)
    print(f"Erased participant {plan.participant_id}.")
    return 0


# --------------------------------------------------------------------------- db


def cmd_db_backup(args: argparse.Namespace) -> int:
    """``db backup``: prints the new backup's path."""
    with _opened(args) as db:
        info = db.backup("manual")
    if args.json:
        _print_json(info)
    else:
        print(info.path)
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    """``db restore BACKUP``: without opening the database, under its lock."""
    path = _db_path(args)
    backup = Path(args.backup).expanduser().resolve()
    lock = InstanceLock(path)
    lock.acquire()
    try:
        safety = restore_backup(path, backup)
    finally:
        lock.release()
    print(f"Restored {path} from {backup}.")
    if safety.reason != "none":
        print(f"The previous content was backed up to {safety.path}")
    from mentordesk.services.privacy import reapply_erasures

    # People erased since that backup was taken are erased again, before anything (even an
    # automatic backup) copies the restored data.
    db = Database.open(path, backups=False)
    try:
        again = reapply_erasures(db)
    finally:
        db.close(backup=False)
    if again:
        print(f"Erased again {len(again)} participant{'s' if len(again) != 1 else ''} "
              "erased after this backup was taken.")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    """``db check``: integrity and foreign keys; exit status 1 if anything is wrong.

    Reads the file directly rather than through :meth:`Database.open`, which would back
    up and migrate it first: a check must not change what it checks.
    """
    path = _db_path(args)
    if not path.exists():
        raise DatabaseError(f"There is no database at {path}.")
    problems = integrity_problems(path)
    if args.json:
        _print_json({"path": path, "ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            print(problem)
    else:
        print("ok")
    if problems:
        print(f"{PROG}: error: {path} has {len(problems)} problem"
              f"{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        return 1
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    """``db info``: path, size, schema, journal mode, row counts, backups."""
    with _opened(args) as db:
        info = db.info()
    if args.json:
        _print_json(info)
        return 0
    _print_details([
        ("Path", info.path), ("Size", f"{info.size:,} bytes"),
        ("Schema revision", info.schema), ("Journal mode", info.journal_mode),
        ("Backups", info.backups), ("Last backup", info.last_backup or "never"),
    ])
    print()
    _print_table(["Table", "Rows"], sorted(info.row_counts.items()), right=(1,))
    return 0


def cmd_db_backups(args: argparse.Namespace) -> int:
    """``db backups``: the backups of the database, newest first."""
    backups = list_backups(_db_path(args))
    if args.json:
        _print_json(backups)
    elif not backups:
        print("No backups yet.")
    else:
        _print_table(["Taken (UTC)", "Reason", "Size", "Path"],
                     [[b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), b.reason, f"{b.size:,}",
                       b.path] for b in backups], right=(2,))
    return 0


# --------------------------------------------------------------------------- parser


def _common(json_output: bool) -> argparse.ArgumentParser:
    """Options every sub-command accepts (after the sub-command, too)."""
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a --db given before the sub-command is not overwritten by a missing one after.
    parent.add_argument("--db", dest="db_path", metavar="PATH", default=argparse.SUPPRESS,
                        help="the database file (default: $MENTORDESK_DB, then the data folder)")
    if json_output:
        parent.add_argument("--json", action="store_true", help="print JSON for scripts")
    return parent


def _add_programme_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--description")
    parser.add_argument("--start", metavar="YYYY-MM-DD", help="start date")
    parser.add_argument("--end", metavar="YYYY-MM-DD", help="end date")
    parser.add_argument("--format", choices=[f.value for f in ProgrammeFormat])
    parser.add_argument("--structure", choices=[s.value for s in ProgrammeStructure])
    parser.add_argument("--cadence", choices=[c.value for c in Cadence])
    parser.add_argument("--duration", metavar="MIN", help="default check-in length in minutes")
    parser.add_argument("--coordinator-name")
    parser.add_argument("--coordinator-email")
    parser.add_argument("--objective", action="append", metavar="'TITLE|GOAL'",
                        help="an objective and the organisational goal it serves (repeatable; "
                             "on edit, the objectives given replace all objectives)")
    parser.add_argument("--kpi", action="append", metavar="'NAME|TARGET|UNIT|OBJECTIVE'",
                        help="a KPI, its target, unit and the objective it measures "
                             "(repeatable; on edit, replaces all KPIs)")


def _add_participant_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument("--name", required=adding, help="full name")
    parser.add_argument("--email", required=adding)
    parser.add_argument("--preferred-name")
    parser.add_argument("--department")
    parser.add_argument("--job-title")
    parser.add_argument("--manager", metavar="EMAIL", help="the manager's email")
    parser.add_argument("--level", help="e.g. 'L3 Senior'")
    parser.add_argument("--level-rank", metavar="N", help="seniority as a number (0-20)")
    parser.add_argument("--location")
    parser.add_argument("--timezone", help="an IANA name such as Europe/London")
    parser.add_argument("--languages", help="e.g. 'English, Polish'")
    parser.add_argument("--skills", help="e.g. 'Python:4, Leadership:3' or 'Python (4)'; "
                                         "levels 0-5")
    parser.add_argument("--goals", help="skills to develop, e.g. 'Leadership, Public speaking'")
    parser.add_argument("--interests", help="e.g. 'Chess, Running'")
    parser.add_argument("--role", choices=[r.value for r in ParticipantRole])
    parser.add_argument("--capacity", metavar="N", help="how many mentees they can take")
    parser.add_argument("--availability", help="availability notes")
    parser.add_argument("--consent-stories", action=argparse.BooleanOptionalAction,
                        help="consents to their story being shared")
    parser.add_argument("--consent-photos", action=argparse.BooleanOptionalAction,
                        help="consents to photos being used")
    parser.add_argument("--notes")


def build_parser() -> argparse.ArgumentParser:
    """The ``mentordesk`` argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="MentorDesk: run a workplace peer-mentoring programme offline. "
                    "Run mentordesk with no sub-command to start the app; give a "
                    "sub-command to work from the command line.",
        epilog="The database is --db PATH, else $MENTORDESK_DB, else the one in the "
               "MentorDesk data folder. Errors exit with status 1, usage errors with 2.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", dest="db_path", metavar="PATH", default=None,
                        help="the database file (default: $MENTORDESK_DB, then the data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    plain, with_json = _common(False), _common(True)

    def leaf(group: Any, name: str, handler: Handler, help_text: str, *,
             json_output: bool) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(
            name, help=help_text, description=help_text,
            parents=[with_json if json_output else plain])
        sub.set_defaults(handler=handler)
        return sub

    def group_parser(name: str, help_text: str) -> Any:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[plain])
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    prog = group_parser("programme", "create, list, show and edit programmes")
    p = leaf(prog, "create", cmd_programme_create, "create a programme", json_output=True)
    p.add_argument("name", metavar="NAME")
    _add_programme_options(p)
    leaf(prog, "list", cmd_programme_list, "list programmes", json_output=True)
    p = leaf(prog, "show", cmd_programme_show, "show a programme", json_output=True)
    p.add_argument("programme", metavar="ID_OR_NAME")
    p = leaf(prog, "edit", cmd_programme_edit,
             "change a programme (only the options given change)", json_output=True)
    p.add_argument("programme", metavar="ID_OR_NAME")
    p.add_argument("--name", help="a new name")
    _add_programme_options(p)

    people = group_parser("participants", "add, list, show, edit, withdraw, import, export "
                                          "and erase participants")
    p = leaf(people, "add", cmd_participants_add, "add a participant", json_output=True)
    _add_participant_options(p, adding=True)
    p = leaf(people, "list", cmd_participants_list, "list participants", json_output=True)
    p.add_argument("--role", choices=[r.value for r in ParticipantRole])
    p.add_argument("--department", help="exact department name")
    p.add_argument("--status", choices=[s.value for s in ParticipantStatus])
    p.add_argument("--search", help="text in name, email, department or job title")
    p = leaf(people, "show", cmd_participants_show, "show a participant", json_output=True)
    p.add_argument("participant", metavar="ID_OR_EMAIL")
    p = leaf(people, "edit", cmd_participants_edit,
             "change a participant (only the options given change)", json_output=True)
    p.add_argument("participant", metavar="ID_OR_EMAIL")
    _add_participant_options(p, adding=False)
    p = leaf(people, "withdraw", cmd_participants_withdraw,
             "withdraw a participant and end their open pairings", json_output=True)
    p.add_argument("participant", metavar="ID_OR_EMAIL")
    p = leaf(people, "import", cmd_participants_import,
             "import participants from an HR export (CSV or XLSX): shows the preview and "
             "every problem, then imports the valid rows in one transaction after a backup; "
             "exit status 1 if any row was refused", json_output=True)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--map", action="append", metavar="'HEADER=field'",
                   help="map a column of the file to a field, e.g. 'Work Email=email' or "
                        "'Shoe size=ignore' (repeatable; overrides the automatic mapping)")
    _add_source_options(p)
    p.add_argument("--profile", metavar="NAME", help="use a saved import profile")
    p.add_argument("--save-profile", metavar="NAME",
                   help="save this mapping and these options as an import profile")
    p.add_argument("--dry-run", action="store_true", help="show the preview; write nothing")
    p = leaf(people, "export", cmd_participants_export,
             "export participants to CSV or XLSX (owner-only file)", json_output=False)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from FILE's extension")
    p.add_argument("--delimiter", help="CSV: , ; | or tab (default ,)")
    p.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "cp1252"],
                   help="CSV: utf-8 (default), utf-8-sig (for Excel) or cp1252")
    p.add_argument("--role", choices=[r.value for r in ParticipantRole])
    p.add_argument("--department", help="exact department name")
    p.add_argument("--status", choices=[s.value for s in ParticipantStatus])
    p.add_argument("--search", help="text in name, email, department or job title")
    p = leaf(people, "export-person", cmd_participants_export_person,
             "write everything held about one person (subject access request) as JSON and "
             "HTML into DIR", json_output=True)
    p.add_argument("participant", metavar="EMAIL")
    p.add_argument("folder", metavar="DIR")
    p = leaf(people, "erase", cmd_participants_erase,
             "erase a person and their personal data (counts and aggregates remain); "
             "without --yes, only says what would be removed", json_output=False)
    p.add_argument("participant", metavar="EMAIL")
    p.add_argument("--yes", action="store_true", help="really erase")

    demo_parser = commands.add_parser(
        "demo", parents=[plain], help="load the demo programme into an empty database",
        description="Load the demo programme (about 80 people in six departments) into an "
                    "empty database.")
    demo_parser.set_defaults(handler=cmd_demo)

    from mentordesk import cli_checkins, cli_documents, cli_feedback, cli_kpis, cli_pair

    cli_pair.register(leaf, group_parser)
    cli_checkins.register(leaf, group_parser)
    cli_documents.register(leaf, group_parser, commands)
    cli_feedback.register(leaf, group_parser)
    cli_kpis.register(leaf, group_parser, commands)

    dbs = group_parser("db", "back up, restore, check and describe the database")
    leaf(dbs, "backup", cmd_db_backup, "back up the database now and print the backup's path",
         json_output=True)
    p = leaf(dbs, "restore", cmd_db_restore,
             "replace the database with a backup (the current content is backed up first); "
             "MentorDesk must not have the database open", json_output=False)
    p.add_argument("backup", metavar="BACKUP_PATH")
    leaf(dbs, "check", cmd_db_check, "check the database's integrity (exit status 1 if damaged)",
         json_output=True)
    leaf(dbs, "info", cmd_db_info,
         "path, size, schema revision, journal mode, row counts and backups", json_output=True)
    leaf(dbs, "backups", cmd_db_backups, "list the backups, newest first", json_output=True)
    return parser


# --------------------------------------------------------------------------- main


def _error_line(exc: UserError) -> str:
    if isinstance(exc, ValidationError) and exc.errors:
        text = "; ".join(f"{OPTION_NAMES.get(field, field)}: {reason}"
                         for field, reason in exc.errors.items())
    else:
        text = str(exc)
    return f"{PROG}: error: " + " ".join(text.split())  # always exactly one line


def _utf8_output() -> None:
    """On Windows, write UTF-8 when the output is a file or a pipe.

    Python gives the console UTF-8 but a redirected stream the ANSI code page (cp1252),
    which cannot hold many names ("Łukasz", "Dvořák"): ``mentordesk participants list
    --json > people.json`` stopped with a UnicodeEncodeError halfway through.
    """
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if (isinstance(stream, io.TextIOWrapper)
                and stream.encoding.replace("-", "").lower() != "utf8"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 error, 2 usage error)."""
    _utf8_output()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UserError as exc:
        print(_error_line(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) left; the command itself has already finished. Point
        # stdout at devnull so the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
