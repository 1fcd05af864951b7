"""Importing HR outcomes (hired, promoted, left) to compare participants with everyone else.

The HR system's export (CSV or XLSX) has a row per employee: their work email and any of
hire date, leaving date, promotion date and department. It is read exactly as the
participant import reads a file (:func:`mentordesk.services.importing.read_source`:
encodings, delimiters, header row, XLSX), its email and department columns are recognised
by the participant import's own names for them (:func:`~mentordesk.services.importing.
guess_mapping`), and the dates by :data:`_DATE_SYNONYMS`.

Privacy: every row is keyed by :func:`employee_key`, the SHA-256 of the lower-cased email.
A row whose email is a participant's is linked to them (and goes when they are erased); any
other row keeps only that key, the department and the dates, never the email or a name.
Re-importing updates the rows with the same key; rows not in the new file are kept, unless
the import replaces (``replace=True``: the HR file is the truth, and the rows of everyone
not in it are deleted). :func:`clear_outcomes` deletes every row.

Erasure: :func:`forget_employee`, called when a participant is erased, adds their key to
a suppression list (the ``outcomes.suppressed`` setting, a JSON list of keys: one-way
codes only, never an email), and imports leave those keys out ("erased from MentorDesk"),
so the next HR file does not bring the person back as an "other employee". Someone who
joins the programme again under that email is a participant again, and is imported.

Dates (:func:`parse_hr_date`): ISO (``2026-01-31``, with or without a time), day first
``31/01/2026`` (``.`` and ``-`` too) or, with ``day_first=False``, month first
``01/31/2026``; a month name (``31 Jan 2026``, ``Jan 31, 2026``, ``31-Jan-26``);
``20260131``; and Excel's day numbers (``46053``) from a workbook's unformatted cells.
Two-digit years are 2000-2069 for 00-69 and 1970-1999 for 70-99. A day first date whose
second number is above 12 is a problem, not silently read month first.

A row is refused, with its row number, the column and the reason, when its email is
missing, not an email or also on another row, a date cannot be read, or the dates
contradict each other (left or promoted before being hired, promoted after leaving).
Every other row is written in the caller's transaction.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import HrOutcome, Participant, Setting
from mentordesk.models.base import utcnow
from mentordesk.services import audit
from mentordesk.services.employees import employee_key as employee_key  # re-exported
from mentordesk.services.importing import (
    IGNORE,
    Problem,
    RowCells,
    SourceOptions,
    SourceTable,
    address_of,
    fold_header,
    guess_mapping,
    map_columns,
    read_source,
)
from mentordesk.services.validation import check_email

FIELDS: dict[str, str] = {
    "email": "Email",
    "hired_on": "Hire date",
    "left_on": "Leaving date",
    "promoted_on": "Promotion date",
    "department": "Department",
}
DATE_FIELDS = ("hired_on", "left_on", "promoted_on")
MAX_DEPARTMENT = 200

_DATE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "hired_on": ("Hire date", "Hired", "Hired on", "Date hired", "Date of hire", "Start date",
                 "Employment start date", "Original hire date", "Latest hire date",
                 "Joining date", "Date joined", "Joined", "Join date", "Seniority date",
                 "Service date", "Continuous service date", "Eintrittsdatum",
                 "Date d'embauche", "Date d'entrée", "Fecha de alta",
                 "Fecha de contratación", "Fecha de ingreso"),
    "left_on": ("Leaving date", "Left", "Left on", "Date left", "Leave date", "Termination date",
                "Term date", "Terminated", "Terminated on", "Date of termination", "End date",
                "Employment end date", "Leaver date", "Exit date", "Separation date",
                "Last day", "Last working day", "Last day of work", "Austrittsdatum",
                "Date de sortie", "Date de départ", "Fecha de baja", "Fecha de salida"),
    "promoted_on": ("Promotion date", "Promoted", "Promoted on", "Date promoted",
                    "Date of promotion", "Last promotion", "Last promotion date",
                    "Latest promotion date", "Most recent promotion date",
                    "Most recent promotion", "Beförderungsdatum", "Date de promotion",
                    "Fecha de ascenso", "Fecha de promoción"),
}


_DATE_INDEX = {fold_header(name): key for key, names in _DATE_SYNONYMS.items()
               for name in (*names, FIELDS[key])}


# --------------------------------------------------------------------------- dates

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\.?"
                      r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([A-Za-z]{3,9})\.?[\s\-/.,]+"
                             r"(\d{4}|\d{2})$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_EXCEL_EPOCH = date(1899, 12, 30)
_EARLIEST = date(1900, 1, 1)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 69 else 1900
    return year


def _real(text: str, year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
    if value < _EARLIEST:
        raise ValueError(f"'{text}' is before 1900")
    return value


def parse_hr_date(text: str, *, day_first: bool = True) -> date | None:
    """A date as HR exports write it (see the module notes); None for an empty cell.

    Raises:
        ValueError: with the reason in words.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if match := _ISO.match(text):
        return _real(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if day_first and second > 12 and first <= 12:
            raise ValueError(f"'{text}' is not a day/month/year date (is the file written "
                             "month first?)")
        if not day_first and first > 12 and second <= 12:
            raise ValueError(f"'{text}' is not a month/day/year date (is the file written "
                             "day first?)")
        day, month = (first, second) if day_first else (second, first)
        return _real(text, year, month, day)
    if (match := _DAY_MONTH_NAME.match(text)) and match[2].casefold() in _MONTHS:
        return _real(text, _year(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
    if (match := _MONTH_NAME_DAY.match(text)) and match[1].casefold() in _MONTHS:
        return _real(text, int(match[3]), _MONTHS[match[1].casefold()], int(match[2]))
    if match := _COMPACT.match(text):
        return _real(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _SERIAL.match(text):
        return _EXCEL_EPOCH + timedelta(days=int(match[1]))
    order = "31/01/2026" if day_first else "01/31/2026"
    raise ValueError(f"'{text}' is not a date (write it like 2026-01-31 or {order})")


# --------------------------------------------------------------------------- mapping


def guess_outcome_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Header -> field key of :data:`FIELDS` (or ``""``: not imported), each field taken by
    its first column only. Email and department are recognised as the participant import
    recognises them."""
    people = guess_mapping(headers)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = _DATE_INDEX.get(fold_header(header), IGNORE)
        if not key and people.get(header) in ("email", "department"):
            key = people[header]
        if key and key not in taken:
            taken.add(key)
            mapping[header] = key
        else:
            mapping[header] = IGNORE
    return mapping


def _columns(table: SourceTable, mapping: Mapping[str, str]) -> dict[str, int]:
    columns = map_columns(table.headers, mapping, FIELDS, f"one of: {', '.join(FIELDS)}")
    if "email" not in columns:
        raise UserError("Choose the column that holds the employee's email address: it is how "
                        "people are told apart.")
    if len(columns) == 1:
        raise UserError("Choose at least one column with a hire date, leaving date, promotion "
                        "date or department.")
    return columns


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class OutcomeRow:
    """What one row of the file would write (no email: only a participant is named).

    ``action`` is "add", "update" or "unchanged" ("" when previewed without a database).
    """

    row: int
    participant_id: int | None
    name: str
    department: str | None
    hired_on: date | None
    left_on: date | None
    promoted_on: date | None
    action: str


@dataclass(frozen=True)
class OutcomePreview:
    """Everything an import would do, computed without writing.

    Fields whose column is not mapped are None in ``rows`` (they keep what is stored).
    ``left_out`` rows are of people erased from MentorDesk (see :func:`forget_employee`);
    ``deletes`` stored rows are of people not in the file (only when replacing).
    """

    table: SourceTable
    mapping: dict[str, str]
    rows: tuple[OutcomeRow, ...]
    problems: tuple[Problem, ...]
    refused_rows: tuple[int, ...]
    day_first: bool
    left_out: int = 0
    deletes: int = 0
    replace: bool = False

    @property
    def linked(self) -> int:
        """Rows of participants (linked to them)."""
        return sum(1 for r in self.rows if r.participant_id is not None)

    @property
    def others(self) -> int:
        """Rows of other employees (kept only as a one-way code)."""
        return sum(1 for r in self.rows if r.participant_id is None)

    @property
    def adds(self) -> int:
        """Rows that would add a record."""
        return sum(1 for r in self.rows if r.action == "add")

    @property
    def updates(self) -> int:
        """Rows that would change a stored record."""
        return sum(1 for r in self.rows if r.action == "update")

    @property
    def unchanged(self) -> int:
        """Rows the same as stored."""
        return sum(1 for r in self.rows if r.action == "unchanged")


@dataclass(frozen=True)
class OutcomeImportResult:
    """What an import wrote: ``linked`` rows of participants and ``others`` rows of other
    employees (together: every row without a problem), of which ``added`` new, ``updated``
    changed and ``unchanged`` the same as stored; ``refused`` rows had a problem;
    ``left_out`` rows were of people erased from MentorDesk; ``deleted`` stored rows were
    of people not in the file (only when replacing)."""

    linked: int
    others: int
    updated: int
    problems: tuple[Problem, ...]
    added: int = 0
    unchanged: int = 0
    refused: int = 0
    left_out: int = 0
    deleted: int = 0


@dataclass
class _Parsed:
    line: int
    key: str
    email: str
    values: dict[str, Any]
    problems: list[Problem]


def _parse(line: int, cells: tuple[str, ...], columns: dict[str, int],
           headers: tuple[str, ...], day_first: bool) -> _Parsed:
    row = RowCells(line, cells, columns, headers)
    cell, problem = row.cell, row.problem
    email, reason = check_email(address_of(cell("email").strip()))
    if reason == "is required":
        problem("email", "Email is empty")
    elif reason:
        problem("email", reason)
    values: dict[str, Any] = {}
    for key in DATE_FIELDS:
        if key in columns:
            try:
                values[key] = parse_hr_date(cell(key), day_first=day_first)
            except ValueError as exc:
                problem(key, f"{FIELDS[key]}: {exc}")
                values[key] = None
    if "department" in columns:
        department = " ".join(cell("department").split())
        if len(department) > MAX_DEPARTMENT:
            problem("department", f"Department is {len(department):,} characters long; the "
                                  f"limit is {MAX_DEPARTMENT}")
        values["department"] = department
    hired, left, promoted = (values.get(k) for k in DATE_FIELDS)
    if hired and left and left < hired:
        problem("left_on", f"the leaving date {left.isoformat()} is before the hire date "
                           f"{hired.isoformat()}")
    if hired and promoted and promoted < hired:
        problem("promoted_on", f"the promotion date {promoted.isoformat()} is before the "
                               f"hire date {hired.isoformat()}")
    if left and promoted and promoted > left:
        problem("promoted_on", f"the promotion date {promoted.isoformat()} is after the "
                               f"leaving date {left.isoformat()}")
    return _Parsed(line, employee_key(email) if not reason else "", email, values,
                   row.problems)


@dataclass
class _Plan:
    preview: OutcomePreview
    adds: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deletes: list[int]


def _stored(session: Session) -> tuple[dict[str, tuple[int, str]], dict[str, dict[str, Any]]]:
    """Participants by lower-cased email (id, name), and stored outcome rows by key."""
    people = {email.lower(): (pid, preferred or full) for pid, email, preferred, full in
              session.execute(select(Participant.id, Participant.email,
                                     Participant.preferred_name, Participant.full_name)).all()}
    rows = {r.employee_key: dict(r._mapping) for r in session.execute(
        select(HrOutcome.id, HrOutcome.employee_key, HrOutcome.participant_id,
               HrOutcome.department, HrOutcome.hired_on, HrOutcome.left_on,
               HrOutcome.promoted_on)).all()}
    return people, rows


def _plan(session: Session | None, table: SourceTable, mapping: Mapping[str, str],
          day_first: bool, replace: bool = False) -> _Plan:
    columns = _columns(table, mapping)
    parsed = [_parse(line, cells, columns, table.headers, day_first)
              for line, cells in table.rows]
    lines: dict[str, list[int]] = defaultdict(list)
    for row in parsed:
        if row.key:
            lines[row.key].append(row.line)
    email_column = table.headers[columns["email"]]
    for row in parsed:
        others = [n for n in lines.get(row.key, ()) if n != row.line]
        if others:
            listed = ", ".join(str(n) for n in others)
            row.problems.append(Problem(row.line, email_column,
                                        f"{row.email} is also on row{'s' * (len(others) > 1)} "
                                        f"{listed}"))
    people, stored = _stored(session) if session is not None else ({}, {})
    suppressed = suppressed_keys(session) if session is not None else set()
    mapped = [k for k in (*DATE_FIELDS, "department") if k in columns]
    order = {h: i for i, h in enumerate(table.headers)}
    problems: list[Problem] = []
    refused: list[int] = []
    rows: list[OutcomeRow] = []
    adds: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    left_out = 0
    for row in parsed:
        if row.key in suppressed and row.email.lower() not in people:
            # Erased: neither imported nor shown, whatever else is wrong with the row.
            left_out += 1
            continue
        if row.problems:
            problems.extend(sorted(row.problems, key=lambda p: order.get(p.column, 0)))
            refused.append(row.line)
            continue
        person = people.get(row.email.lower())
        pid, name = person if person else (None, "")
        values = {k: row.values[k] for k in mapped}
        action = ""
        if session is not None:
            before = stored.get(row.key)
            if before is None:
                action = "add"
                adds.append({"employee_key": row.key, "participant_id": pid,
                             "department": values.get("department", ""),
                             **{k: values.get(k) for k in DATE_FIELDS}})
            elif before["participant_id"] != pid or any(before[k] != v
                                                        for k, v in values.items()):
                action = "update"
                updates.append({"id": before["id"], "participant_id": pid,
                                "imported_at": utcnow(), **values})
            else:
                action = "unchanged"
        rows.append(OutcomeRow(row.line, pid, name, values.get("department"),
                               values.get("hired_on"), values.get("left_on"),
                               values.get("promoted_on"), action))
    deletes: list[int] = []
    if replace and session is not None:
        # A refused row with a readable email still names its person: they stay.
        in_file = {row.key for row in parsed if row.key}
        if not in_file and stored:
            raise UserError("No row of the file has an email address that can be read, so "
                            "replacing would delete every HR outcome; check the file and the "
                            "email column (use 'outcomes clear' to delete them all).")
        deletes = sorted(r["id"] for key, r in stored.items() if key not in in_file)
    preview = OutcomePreview(table, dict(mapping), tuple(rows), tuple(problems),
                             tuple(refused), day_first, left_out, len(deletes), replace)
    return _Plan(preview, adds, updates, deletes)


def _read(path: Path | SourceTable, mapping: Mapping[str, str] | None,
          options: SourceOptions | None) -> tuple[SourceTable, dict[str, str]]:
    table = (path if isinstance(path, SourceTable)
             else read_source(Path(path), options or SourceOptions()))
    chosen = guess_outcome_mapping(table.headers)
    if mapping is not None:
        unknown = [h for h in mapping if h not in chosen]
        if unknown:
            raise UserError(f"The file has no column '{unknown[0]}' (its columns: "
                            f"{', '.join(table.headers)}).")
        chosen.update(mapping)
    return table, chosen


def preview_outcomes(path: Path | SourceTable, *, session: Session | None = None,
                     mapping: Mapping[str, str] | None = None,
                     options: SourceOptions | None = None,
                     day_first: bool = True, replace: bool = False) -> OutcomePreview:
    """What importing the HR outcomes file would do; writes nothing.

    ``path`` is the file, or the table :func:`~mentordesk.services.importing.read_source`
    read from it (``options`` then do not apply). ``mapping`` (header -> field of
    :data:`FIELDS`, or ``""``) changes the guessed mapping for the headers it names. With
    ``session``, each row says whether it links to a participant and would add, update or
    leave a record as it is, people erased from MentorDesk are left out and, with
    ``replace``, the preview counts the stored rows of people not in the file, which the
    import would delete.

    Raises:
        UserError: the file cannot be read, the mapping lacks the email column, or
            ``replace`` and no row has a readable email.
    """
    table, chosen = _read(path, mapping, options)
    return _plan(session, table, chosen, day_first, replace).preview


def import_outcomes(session: Session, path: Path | SourceTable, *,
                    mapping: Mapping[str, str] | None = None,
                    options: SourceOptions | None = None,
                    day_first: bool = True, replace: bool = False) -> OutcomeImportResult:
    """Write every row of the HR outcomes file without a problem, in the caller's
    transaction; rows with a problem are refused and listed in ``problems``, rows of people
    erased from MentorDesk are left out. With ``replace`` the file is the truth: the stored
    rows of everyone not in it are deleted (someone on a refused row is kept as stored). The
    arguments are those of :func:`preview_outcomes`.

    Raises:
        UserError: the file cannot be read, the mapping lacks the email column, or
            ``replace`` and no row has a readable email.
    """
    table, chosen = _read(path, mapping, options)
    plan = _plan(session, table, chosen, day_first, replace)
    for start in range(0, len(plan.deletes), _CHUNK):
        session.execute(delete(HrOutcome).where(
            HrOutcome.id.in_(plan.deletes[start:start + _CHUNK])))
    if plan.adds:
        session.execute(insert(HrOutcome), plan.adds)
    if plan.updates:
        session.execute(update(HrOutcome), plan.updates)
    linked_later = link_outcomes(session)
    preview = plan.preview
    if plan.adds or plan.updates or linked_later:
        audit.record(session, "import", "hr_outcome", None,
                     sorted({v for v in chosen.values() if v and v != "email"}))
    if plan.deletes:
        audit.record(session, "delete", "hr_outcome", None)
    return OutcomeImportResult(preview.linked, preview.others, preview.updates,
                               preview.problems, preview.adds, preview.unchanged,
                               len(preview.refused_rows), preview.left_out, len(plan.deletes))


def clear_outcomes(session: Session) -> int:
    """Delete every HR outcome row, in the caller's transaction; returns how many.

    The suppression list of erased people (:func:`forget_employee`) stays.
    """
    count = session.scalar(select(func.count(HrOutcome.id))) or 0
    if count:
        session.execute(delete(HrOutcome))
        audit.record(session, "delete", "hr_outcome", None)
    return count


# --------------------------------------------------------------------------- erasure

SUPPRESSED_SETTING = "outcomes.suppressed"
_CHUNK = 500  # ids per DELETE ... IN (...), well under SQLite's limit on parameters


def suppressed_keys(session: Session) -> set[str]:
    """The employee keys imports leave out: people erased from MentorDesk.

    Raises:
        UserError: the stored list is damaged (imports must not guess who was erased).
    """
    setting = session.get(Setting, SUPPRESSED_SETTING)
    if setting is None or not setting.value.strip():
        return set()
    try:
        keys = json.loads(setting.value)
    except ValueError:
        keys = None
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise UserError(f"The list of people erased from MentorDesk (setting "
                        f"'{SUPPRESSED_SETTING}') is damaged, so HR outcomes cannot be "
                        "imported safely; restore a backup.")
    return set(keys)


def forget_employee(session: Session, email: str) -> None:
    """Leave the employee with ``email`` out of every later HR outcomes import, and delete
    any HR outcome row kept under their key, in the caller's transaction.

    Called when a participant is erased (before their row is deleted, or after: either
    works). Only the one-way :func:`employee_key` is stored, never the email.
    """
    key = employee_key(email)
    session.execute(delete(HrOutcome).where(HrOutcome.employee_key == key))
    keys = suppressed_keys(session)
    if key not in keys:
        session.merge(Setting(key=SUPPRESSED_SETTING,
                              value=json.dumps(sorted(keys | {key}))))


def link_outcomes(session: Session) -> int:
    """Link HR outcome rows kept as a code only to the participant with that email (someone
    added after the HR file was imported); returns how many were linked."""
    unlinked = dict(session.execute(select(HrOutcome.employee_key, HrOutcome.id)
                                    .where(HrOutcome.participant_id.is_(None))).all())
    if not unlinked:
        return 0
    changes = []
    for pid, email in session.execute(select(Participant.id, Participant.email)).all():
        row_id = unlinked.get(employee_key(email))
        if row_id is not None:
            changes.append({"id": row_id, "participant_id": pid})
    if changes:
        session.execute(update(HrOutcome), changes)
    return len(changes)


@dataclass(frozen=True)
class OutcomeSummary:
    """What is stored: records of participants and of other employees, and when the last
    import was."""

    linked: int
    others: int
    last_import: date | None


def outcome_summary(session: Session) -> OutcomeSummary:
    """How many HR outcome records are kept, of participants and of others."""
    total, linked, last = session.execute(
        select(func.count(HrOutcome.id), func.count(HrOutcome.participant_id),
               func.max(HrOutcome.imported_at))).one()
    return OutcomeSummary(linked, total - linked, last.date() if last else None)
