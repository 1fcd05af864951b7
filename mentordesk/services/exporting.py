"""Exporting participants to CSV and XLSX, in the shape the importer reads back exactly.

* Headers are the :data:`~mentordesk.services.importing.FIELDS` labels (without first and
  last name), so :func:`~mentordesk.services.importing.guess_mapping` maps them back.
* The manager is written as an email (the manager's, or the outside manager email).
* Skills are written as "Python:4, Leadership:3"; languages, goals and interests joined with
  ", ". A list item containing "," or ";" therefore cannot round-trip (the importer splits
  on both); every other text -- names, notes, job titles -- may contain anything,
  including quotes, delimiters, line breaks and a leading "=".
* CSV injection (OWASP): a cell that begins with ``= + - @``, a tab or a carriage return
  gets a leading ``'``, so a spreadsheet shows it as text instead of running it. To keep
  export -> import exact, a cell that begins with one or more ``'`` followed by one of
  those characters gets one more ``'``; the importer removes exactly one ``'`` from any
  cell matching ``^'+[=+\\-@\\t\\r]`` (see :func:`importing.unneutralise`). The same applies
  in XLSX, where it also keeps openpyxl from writing such text as a formula. XLSX cells
  store a carriage return and control characters as ``_xHHHH_`` escapes, as Excel does.
* The file is written atomically and owner-only (:func:`mentordesk.db.private_output`):
  HR data must not be left world-readable or half-written.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mentordesk.errors import UserError
from mentordesk.services.importing import FIELDS, load_participant_data
from mentordesk.services.participants import ParticipantData

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t", "|")
FORMATS = ("csv", "xlsx")

# The columns written, in order (first and last name are import-only conveniences).
COLUMNS: tuple[str, ...] = tuple(k for k in FIELDS if k not in ("first_name", "last_name"))

_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
# Characters an XLSX (XML 1.0) cell cannot hold literally, plus the carriage return, which
# XML parsers turn into a line feed: written as OOXML ``_xHHHH_`` escapes, as Excel does.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def xlsx_escape(text: str) -> str:
    """Encode ``text`` for an XLSX cell so :func:`importing.xlsx_unescape` gives it back."""
    text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would treat as a formula (or to an escaped one)."""
    return "'" + cell if _DANGEROUS.match(cell) else cell


def _cells(data: ParticipantData) -> dict[str, str | int]:
    return {
        "full_name": data.full_name,
        "preferred_name": data.preferred_name,
        "email": data.email,
        "department": data.department,
        "job_title": data.job_title,
        "manager": data.manager_email,
        "level": data.level,
        "level_rank": "" if data.level_rank is None else data.level_rank,
        "location": data.location,
        "timezone": data.timezone,
        "languages": ", ".join(data.languages),
        "skills": ", ".join(f"{s.name}:{s.level}" for s in data.skills),
        "goals": ", ".join(data.goals),
        "interests": ", ".join(data.interests),
        "role": data.role.value,
        "mentor_capacity": data.mentor_capacity or 0,
        "availability_notes": data.availability_notes,
        "consent_stories": "yes" if data.consent_stories else "no",
        "consent_photos": "yes" if data.consent_photos else "no",
        "notes": data.notes,
    }


def export_participants(session: Session, path: Path, *, fmt: str = "csv",
                        delimiter: str = ",", encoding: str = "utf-8",
                        ids: Sequence[int] | None = None) -> int:
    """Write participants (all, or ``ids``) to ``path``; returns the number of rows."""
    from mentordesk.db import private_output

    if fmt not in FORMATS:
        raise UserError(f"Cannot export as '{fmt}'; choose CSV or XLSX.")
    if fmt == "csv" and encoding not in ENCODINGS:
        raise UserError(f"Cannot export in '{encoding}'; choose {', '.join(ENCODINGS)}.")
    if fmt == "csv" and delimiter not in DELIMITERS:
        raise UserError("The delimiter must be a comma, semicolon, tab or vertical bar.")
    people = load_participant_data(session, ids)
    header = [FIELDS[k] for k in COLUMNS]
    rows = [[_cells(data)[k] for k in COLUMNS] for _, data in people]
    if fmt == "csv":
        payload = _csv_bytes(header, rows, delimiter, encoding)
        try:
            with private_output(Path(path)) as handle:
                handle.write(payload)
        except OSError as exc:
            raise _write_error(path, exc) from exc
    else:
        _write_xlsx(Path(path), header, rows)
    return len(rows)


def _csv_bytes(header: list[str], rows: list[list[str | int]], delimiter: str,
               encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    text = buffer.getvalue()
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text[:exc.start].count("\n") + 1
        raise UserError(f"'{text[exc.start:exc.end]}' (row {line}) cannot be written in "
                        f"{encoding}; export as UTF-8 instead.") from exc


def _write_xlsx(path: Path, header: list[str], rows: list[list[str | int]]) -> None:
    from openpyxl import Workbook

    from mentordesk.db import private_output

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Participants")
    sheet.append(header)
    for row in rows:
        cells: list[str | int] = []
        for value in row:
            cells.append(xlsx_escape(neutralise(value)) if isinstance(value, str) else value)
        sheet.append(cells)
    try:
        with private_output(path) as handle, warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            book.save(handle)
    except OSError as exc:
        raise _write_error(path, exc) from exc


def _write_error(path: Path, exc: OSError) -> UserError:
    """The message for a failed export; Windows' own messages end in a full stop."""
    reason = str(exc.strerror or exc).rstrip(".")
    if isinstance(exc, PermissionError) and Path(path).exists():
        # Windows cannot replace a file another program has open (Excel keeps it open).
        return UserError(f"Cannot write {path}: {reason}. If it is open in another "
                         "program such as Excel, close it there and export again.")
    return UserError(f"Cannot write {path}: {reason}.")
