"""Importing participants from HR exports (CSV and XLSX): read, map, preview, commit.

The flow the GUI and the CLI follow:

1. :func:`read_source` reads the file into a :class:`SourceTable` (text cells with their
   real row numbers), finding the encoding, the delimiter and the header row;
2. :func:`guess_mapping` proposes which column holds which field (:data:`FIELDS`), which the
   coordinator may change, and may save as an import profile (:func:`save_profile`);
3. :func:`preview_import` lists every problem with its row and column and what each row
   would do (add, update, unchanged) -- without writing anything;
4. :func:`commit_import` backs up the database and writes every row without a problem in
   one transaction, or nothing.

Decisions worth knowing:

* Encoding: a byte-order mark (UTF-8, UTF-16 LE/BE) first, then strict UTF-8, then cp1252
  -- or Mac Roman when every line ends in a bare carriage return, which only Excel's "CSV
  (Macintosh)" writes today, in Mac Roman. There is no statistical guess: a cp1252 file
  whose bytes happen to be valid UTF-8 (rare in practice, e.g. "Ã©") is read as UTF-8;
  choose the encoding explicitly for such files.
* Footers: trailing rows whose only cell reads like a count ("Total: 12 workers", "Count
  8", "8 rows") are a report's footer, not a person, and are not read.
* XLSX: read with openpyxl in read-only, ``data_only`` mode. A formula cell gives the value
  Excel last calculated and stored in the file (what the user saw), or an empty cell when
  the file holds no calculated value; the formula itself is never evaluated or imported.
  Text that merely starts with ``=`` (any CSV cell, or an XLSX text cell) is kept as the
  text it is. XML with a DOCTYPE or entity declarations is refused before openpyxl sees it
  (openpyxl also parses through defusedxml, which is a dependency).
* Export neutralisation: :mod:`mentordesk.services.exporting` prefixes ``'`` to a cell that
  starts with ``= + - @``, a tab or a carriage return (OWASP CSV injection), and also to a
  cell that starts with one or more ``'`` followed by one of those. So on reading, exactly
  one leading ``'`` is removed from every cell matching ``^'+[=+\\-@\\t\\r]``; export then
  import gives back the same text.
* Time zones: IANA names, any case ("europe/london" -> "Europe/London"); "UTC" and "GMT" are
  IANA names too. Workday's "GMT+01:00 Europe/Paris" (an offset label and an IANA name)
  gives the IANA name. City names such as "London", abbreviations such as "PST" and
  offsets or Windows names such as "(GMT-05:00) Eastern Time" are a problem, not guessed:
  an offset does not say which daylight-saving rules apply.
* Skill levels: "Python:4", "Python (4)", "Python - 4", "Excel: 4/5", and the words
  :data:`_LEVEL_WORDS` ("Python - Expert", "Leadership (advanced)"); a bare "Python" gets
  :data:`DEFAULT_SKILL_LEVEL`. After a colon, a level outside 0-5 or that is neither a
  number nor a level word is a problem; in brackets or after " - " such text is part of
  the skill's name ("Python (Django)"), as before. "8/10" is a problem, not rescaled.
* Mentor capacity: a whole number, or "Up to 3", "Max 3", "3 mentees"; "None" is 0. A
  range ("1-2", "2 or 3") is a problem: which end was meant is not ours to pick.
* Emails (the person's and the manager's) may be written "Name <address>", as mail
  programs copy them; the address is used.
* A manager is given by email or by full name (any case, unique), also written "Last,
  First" as BambooHR does (tried when the name as written matches nobody). An email that
  is not a participant is kept as an outside manager email; a name that is not a
  participant is a problem.
* A row matching an existing participant by email (any case) updates them; a field whose
  column is not mapped keeps its stored value. An empty cell in a mapped column clears the
  field (or sets its default: UTC, mentee). The stored email keeps its case when the file
  differs from it only in case.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, select, true

from mentordesk.errors import UserError
from mentordesk.models import (
    DevelopmentGoal,
    ImportProfile,
    Participant,
    ParticipantInterest,
    ParticipantLanguage,
    ParticipantRole,
    ParticipantSkill,
    Skill,
)
from mentordesk.services import audit
from mentordesk.services.participants import (
    ParticipantData,
    SkillCache,
    SkillLevel,
    _apply,
    add_participants,
    check_fields,
)
from mentordesk.services.validation import MAX_TEXT, check_email, known_timezones

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
DEFAULT_SKILL_LEVEL = 3
IGNORE = ""

FIELDS: dict[str, str] = {
    "full_name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "email": "Email",
    "department": "Department",
    "job_title": "Job title",
    "manager": "Manager",
    "level": "Level",
    "level_rank": "Level rank",
    "location": "Location",
    "timezone": "Time zone",
    "languages": "Languages",
    "skills": "Skills",
    "goals": "Development goals",
    "interests": "Interests",
    "role": "Programme role",
    "mentor_capacity": "Mentor capacity",
    "availability_notes": "Availability notes",
    "consent_stories": "Consent to share stories",
    "consent_photos": "Consent to photos",
    "notes": "Notes",
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("Name", "Full name", "Employee name", "Employee", "Display name",
                  "Participant", "Participant name", "Person", "Worker", "Worker name",
                  "Legal name", "Your name", "Employee full name", "Nom complet",
                  "Vollständiger Name", "Nombre completo"),
    "first_name": ("First name", "Given name", "Forename", "First", "Legal first name",
                   "Vorname", "Prénom", "Nombre"),
    "last_name": ("Last name", "Surname", "Family name", "Last", "Legal last name",
                  "Nachname", "Familienname", "Nom", "Nom de famille", "Apellidos",
                  "Apellido"),
    "preferred_name": ("Preferred name", "Known as", "Nickname", "Preferred first name"),
    "email": ("Email", "E-mail", "Email address", "E-mail address", "Work email",
              "Work email address", "Business email", "Company email", "Mail",
              "Email - Primary Work", "Primary work email", "Work e-mail", "Email (work)",
              "Primary email", "E-Mail-Adresse", "Geschäftliche E-Mail", "Adresse e-mail",
              "Adresse électronique", "Courriel", "Correo", "Correo electrónico"),
    "department": ("Dept", "Department", "Department name", "Team", "Division",
                   "Business unit", "Org unit", "Organisational unit",
                   "Organizational unit", "Abteilung", "Département", "Service",
                   "Departamento"),
    "job_title": ("Job title", "Title", "Position", "Role title", "Job", "Job role",
                  "Position title", "Business title", "Job profile", "Poste",
                  "Intitulé du poste", "Stellenbezeichnung", "Jobtitel", "Puesto", "Cargo"),
    "manager": ("Line manager email", "Line manager", "Manager", "Manager email",
                "Manager e-mail", "Reports to", "Manager name", "Supervisor", "Reporting to",
                "Reports to (name)", "Direct manager", "Supervisor name", "Manager (N+1)",
                "N+1", "Vorgesetzte(r)", "Vorgesetzter", "Vorgesetzte", "Führungskraft",
                "Responsable", "Responsable hiérarchique", "Jefe", "Responsable directo"),
    "level": ("Grade", "Level", "Band", "Job level", "Seniority", "Management level",
              "Job grade", "Career level", "Grade level"),
    "level_rank": ("Level rank", "Grade rank", "Rank", "Level number"),
    "location": ("Location", "Office", "City", "Site", "Work location", "Office location",
                 "Primary work location", "Standort", "Lieu de travail", "Ubicación"),
    "timezone": ("Time zone", "Timezone", "TZ", "Time-zone", "Fuseau horaire", "Zeitzone",
                 "Zona horaria"),
    "languages": ("Languages", "Spoken languages", "Language", "Preferred languages",
                  "Languages spoken", "Sprachen", "Langues", "Idiomas"),
    "skills": ("Skills", "Expertise", "Strengths", "Skill levels", "Skill"),
    "goals": ("Wants to develop", "Development goals", "Goals", "Learning goals",
              "Development areas", "Areas to develop"),
    "interests": ("Interests", "Hobbies", "Hobbies and interests"),
    "role": ("Mentor or mentee?", "Mentor or mentee", "Role", "Programme role",
             "Program role", "Participant role", "Mentoring role"),
    "mentor_capacity": ("Max mentees", "Maximum mentees", "Capacity", "Mentor capacity",
                        "Mentee capacity", "Number of mentees"),
    "availability_notes": ("Availability", "Availability notes", "Available"),
    "consent_stories": ("Happy to share story?", "Happy to share stories?",
                        "Consent to share stories", "Consent stories", "Story consent",
                        "Share story"),
    "consent_photos": ("Happy to be photographed?", "Consent to photos", "Photo consent",
                       "Consent photos", "Photos"),
    "notes": ("Notes", "Comments", "Remarks", "Note", "Bemerkungen", "Kommentar",
              "Commentaires", "Remarques"),
}

# Sign-up forms (Google Forms, Microsoft Forms) name a column by its whole question. A
# header no synonym matches is tried against these words, in this order; the first rule
# whose words all appear (as parts of the normalised header) gives the field. Only the
# fields a form asks about are here: a wrong guess is shown in the mapping, and would make
# problems (a role or a number that is not one), not quietly wrong names or emails.
_QUESTION_WORDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("mentor_capacity", (("howmany", "mentee"), ("number", "mentee"), ("max", "mentee"),
                         ("capacity",))),
    ("goals", (("develop",), ("learn",), ("improve",), ("grow",), ("goal",))),
    ("skills", (("skill",), ("strength",), ("expertise",), ("offer",), ("teach",))),
    ("role", (("mentor",), ("mentee",), ("wouldyouliketobe",), ("signupas",),
              ("joinas",))),
    ("languages", (("language",), ("sprache",), ("langue",), ("idioma",))),
    ("timezone", (("timezone",),)),
    ("consent_photos", (("photo",),)),
    ("consent_stories", (("stories",), ("story",))),
    ("availability_notes", (("availab",),)),
    ("interests", (("interest",), ("hobb",))),
    ("notes", (("anythingelse",), ("comment",), ("additionalinfo",))),
)


def fold_header(text: str) -> str:
    """A header as headers are compared: without case, spaces or punctuation."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _norm_header(text: str) -> str:
    """Case, space and punctuation do not matter when recognising a header.

    "#" reads as "number", so "Employee #" is not taken for "Employee" (a name).
    """
    return fold_header(text.replace("#", "number"))


_HEADER_INDEX: dict[str, str] = {}
for _key, _names in _SYNONYMS.items():
    for _name in (*_names, FIELDS[_key]):
        _HEADER_INDEX.setdefault(_norm_header(_name), _key)

# Cells the exporter neutralised against formula injection: drop exactly one quote.
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_SCAN = 30


def unneutralise(cell: str) -> str:
    """Undo the exporter's CSV-injection guard: one leading ``'`` before ``= + - @ \\t \\r``."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class SourceOptions:
    """How to read a file; ``None`` means detect.

    ``header_row``: "guess" finds the header among the first rows (by the participant
    fields it names, else the fullest row); "first" takes the first non-empty row, as
    survey tools always write it -- their header may have blank cells over a question's
    answer options, so a fuller answer row would otherwise win.
    """

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: Literal["guess", "first"] = "guess"


@dataclass(frozen=True)
class SourceTable:
    """A file read into text cells, with the file's own row numbers."""

    path: Path
    kind: str
    encoding: str | None
    delimiter: str | None
    sheets: tuple[str, ...]
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

_SAVE_AS = "Open it in Excel (or LibreOffice) and save it as CSV or XLSX, then import that."


def read_source(path: Path, options: SourceOptions = SourceOptions(),
                progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> SourceTable:
    """Read a CSV or XLSX file; raises :class:`UserError` with a plain message."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                f"{path.name} is {size / 1024 / 1024:.0f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files, or remove "
                "columns you do not need.")
        if size == 0:
            raise UserError(f"{path.name} is empty.")
        with open(path, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError as exc:
        raise UserError(f"There is no file at {path}.") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} is a folder, not a file.") from exc
    except OSError as exc:
        raise UserError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, options, progress, cancelled)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(f"{path.name} is an old-style Excel (.xls) workbook or a "
                        f"password-protected one, which MentorDesk cannot read. {_SAVE_AS}")
    if head.startswith(b"%PDF"):
        raise UserError(f"{path.name} is a PDF document, not a table. {_SAVE_AS}")
    return _read_csv(path, options, progress, cancelled)


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise UserError("Cancelled: nothing was imported.")


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: BOM, else strict UTF-8, else cp1252."""
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            if b"\x00" in data[:65536]:
                raise UserError(f"{path.name} does not look like a CSV file (it contains "
                                f"binary data). {_SAVE_AS}")
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                encoding = "mac_roman" if _mac_line_endings(data) else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise UserError(f"'{encoding}' is not an encoding MentorDesk knows.") from exc
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise UserError(
            f"Row {line} of {path.name} cannot be read as {encoding} (byte "
            f"0x{data[exc.start]:02X}). Choose another encoding, or save the file as "
            "CSV UTF-8.") from exc
    return text.removeprefix("\ufeff"), encoding


def _mac_line_endings(data: bytes) -> bool:
    """Whether lines end in a bare CR (classic Mac; Excel's "CSV (Macintosh)")."""
    return b"\r" in data and b"\n" not in data


def _count_outside_quotes(line: str, char: str) -> int:
    count = 0
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def _looks_like_header(cells: Sequence[str]) -> int:
    """How many cells map to known fields, if most non-empty cells do (and >= 2); else 0."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 2:
        return 0
    known = sum(1 for c in filled if _norm_header(c) in _HEADER_INDEX)
    return known if known * 2 > len(filled) else 0


def _detect_delimiter(text: str) -> str:
    lines: list[str] = []
    for line in io.StringIO(text, newline=""):
        if line.strip():
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= _HEADER_SCAN:
                break
    for line in lines:
        best = max(_DELIMITERS, key=lambda d: _looks_like_header(
            next(csv.reader([line], delimiter=d), [])))
        if _looks_like_header(next(csv.reader([line], delimiter=best), [])):
            return best
    best_count, best_delim = 0, ","
    for line in lines:
        for delim in _DELIMITERS:
            count = _count_outside_quotes(line, delim)
            if count > best_count:
                best_count, best_delim = count, delim
    return best_delim


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Records with the physical line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(f"Row {start} cannot be read as CSV: {exc}.") from exc
        yield start, cells
        start = reader.line_num + 1


def _read_csv(path: Path, options: SourceOptions, progress: Progress | None,
              cancelled: Cancelled | None) -> SourceTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    text, encoding = _decode(path, data, options.encoding)
    if "\x00" in text:
        raise UserError(f"{path.name} does not look like a CSV file (it contains binary "
                        f"data). {_SAVE_AS}")
    delimiter = options.delimiter or _detect_delimiter(text)
    if len(delimiter) != 1:
        raise UserError("The delimiter must be a single character.")
    total = text.count("\n") + 1
    header_row, headers, rows = _assemble(
        path, _csv_records(text, delimiter), total, progress, cancelled,
        first_is_header=options.header_row == "first")
    return SourceTable(path, "csv", encoding, delimiter, (), None, header_row, headers, rows)


def _assemble(path: Path, records: Iterable[tuple[int, Sequence[str]]], total: int,
              progress: Progress | None, cancelled: Cancelled | None,
              first_is_header: bool = False,
              ) -> tuple[int, tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
    """Find the header row among the first records (the first non-empty one when
    ``first_is_header``), then collect the data rows."""
    it = iter(records)
    scanned: list[tuple[int, list[str]]] = []
    header_at: int | None = None
    for number, cells in it:
        clean = [unneutralise(c) for c in cells]
        if not any(c.strip() for c in clean):
            continue
        scanned.append((number, clean))
        if first_is_header or _looks_like_header(clean):
            header_at = len(scanned) - 1
            break
        if len(scanned) >= _HEADER_SCAN:
            break
    if not scanned:
        raise UserError(f"{path.name} has no rows.")
    if first_is_header and sum(1 for c in scanned[0][1] if c.strip()) < 2:
        raise UserError(f"{path.name} has no header row: its first row names fewer than "
                        "two columns.")
    if header_at is None:
        widest = max(sum(1 for c in cells if c.strip()) for _, cells in scanned)
        header_at = next(i for i, (_, cells) in enumerate(scanned)
                         if sum(1 for c in cells if c.strip()) == widest)
        if widest < 2:
            raise UserError(f"{path.name} has no header row (a row naming at least two "
                            "columns, such as Name and Email).")
    header_row, raw_headers = scanned[header_at]
    headers = _unique_headers(raw_headers)
    width = len(headers)
    rows: list[tuple[int, tuple[str, ...]]] = []

    def take(number: int, cells: Sequence[str]) -> None:
        clean = [unneutralise(c) for c in cells]
        if not any(c.strip() for c in clean):
            return
        if len(rows) >= MAX_ROWS:
            raise UserError(f"{path.name} has more than {MAX_ROWS:,} rows of data; split it "
                            "into smaller files.")
        if len(clean) < width:
            clean += [""] * (width - len(clean))
        elif len(clean) > width and not any(c.strip() for c in clean[width:]):
            clean = clean[:width]  # trailing empty cells; non-empty extras are a problem
        rows.append((number, tuple(clean)))
        if len(rows) % 1000 == 0:
            _check_cancel(cancelled)
            if progress:
                progress(number, total)

    for number, cells in scanned[header_at + 1:]:
        take(number, cells)
    for number, cells in it:
        take(number, cells)
    while rows and _is_footer(rows[-1][1]):
        rows.pop()
    if progress:
        progress(total, total)
    return header_row, headers, tuple(rows)


_FOOTER = re.compile(
    r"^(?:(?:grand\s+)?total|count|sum|number\s+of\s+\w+)\b[^@]*\d[^@]*$"
    r"|^\d[\d,. ]*\s+(?:rows?|records?|results?|items?|workers?|employees?|people|persons?)"
    r"(?:\s+\w+)*\.?$", re.I)


def _is_footer(cells: Sequence[str]) -> bool:
    """A report's count line ("Total: 12 workers"): one cell, reading like a count."""
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) == 1 and len(cells) > 1 and bool(_FOOTER.match(filled[0]))


def _unique_headers(cells: Sequence[str]) -> tuple[str, ...]:
    """Header texts, trimmed; empty ones named by position, repeats numbered."""
    out: list[str] = []
    seen: set[str] = set()
    for n, cell in enumerate(cells, start=1):
        name = " ".join(cell.split()) or f"Column {n}"
        base, k = name, 2
        while name.casefold() in seen:
            name = f"{base} ({k})"
            k += 1
        seen.add(name.casefold())
        out.append(name)
    while out and out[-1].startswith("Column ") and not cells[len(out) - 1].strip():
        out.pop()  # trailing empty header cells (Excel's stray formatting)
    return tuple(out)


_XML_BOMBS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"),
              "<!ENTITY".encode("utf-16-le"))
_MAX_UNZIPPED = 20 * MAX_BYTES


def _check_xlsx_archive(path: Path) -> None:
    """Refuse zip bombs and XML entity declarations before openpyxl parses anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > _MAX_UNZIPPED:
                raise UserError(f"{path.name} unpacks to more than "
                                f"{_MAX_UNZIPPED // 1024 // 1024} MB; it was not read.")
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(member) as part:
                    prolog = part.read(4096)
                if any(marker in prolog.upper() for marker in _XML_BOMBS):
                    raise UserError(f"{path.name} contains XML declarations (a DOCTYPE) that "
                                    "a spreadsheet never needs, so it was not read. "
                                    f"{_SAVE_AS}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise UserError(f"{path.name} is not a readable XLSX workbook. {_SAVE_AS}") from exc


_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (how Excel stores a carriage return or a control
    character in a cell; ``_x005F_`` is a literal underscore). openpyxl leaves them as is."""
    if "_x" not in text:
        return text
    return _XLSX_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def _cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person would type: 2.0 -> "2", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return xlsx_unescape(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 and
                               value.microsecond == 0 else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_xlsx(path: Path, options: SourceOptions, progress: Progress | None,
               cancelled: Cancelled | None) -> SourceTable:
    _check_xlsx_archive(path)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it skips (data validation, conditional
        # formatting, missing default style); none of them matter for reading values.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError,
                TypeError) as exc:
            raise UserError(f"{path.name} is not a readable XLSX workbook. {_SAVE_AS}") from exc
        try:
            sheets = tuple(book.sheetnames)
            if options.sheet is not None:
                if options.sheet not in sheets:
                    raise UserError(f"{path.name} has no sheet called '{options.sheet}'; its "
                                    f"sheets are: {', '.join(sheets)}.")
                candidates = [options.sheet]
            else:
                candidates = list(sheets)
            for name in candidates:
                ws = book[name]
                ws.reset_dimensions()  # some writers record a wrong size; read every row
                records = ((n, [_cell_text(v) for v in row])
                           for n, row in enumerate(ws.iter_rows(min_row=1, values_only=True),
                                                   start=1))
                try:
                    header_row, headers, rows = _assemble(
                        path, records, 0, progress, cancelled,
                        first_is_header=options.header_row == "first")
                except UserError as exc:
                    if options.sheet is None and "has no rows" in exc.message:
                        continue  # an empty sheet: try the next one
                    raise
                return SourceTable(path, "xlsx", None, None, sheets, name, header_row,
                                   headers, rows)
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
            raise UserError(f"{path.name} could not be read as an XLSX workbook "
                            f"({type(exc).__name__}). {_SAVE_AS}") from exc
        finally:
            book.close()
    raise UserError(f"{path.name} has no sheet with data.")


def _question_field(header: str) -> str:
    """The field a sign-up form's question is about, or :data:`IGNORE` (see
    :data:`_QUESTION_WORDS`)."""
    norm = _norm_header(header)
    for key, rules in _QUESTION_WORDS:
        if any(all(word in norm for word in rule) for rule in rules):
            return key
    return IGNORE


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Header -> field key (or :data:`IGNORE`), each field taken by its first column only.

    A header that is a known name for a field wins over one that only mentions it (a sign-up
    form's question, see :data:`_QUESTION_WORDS`).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = _HEADER_INDEX.get(_norm_header(header), IGNORE)
        if key and key not in taken:
            taken.add(key)
            mapping[header] = key
        else:
            mapping[header] = IGNORE
    for header in headers:
        if mapping[header] == IGNORE and _norm_header(header) not in _HEADER_INDEX:
            key = _question_field(header)
            if key and key not in taken:
                taken.add(key)
                mapping[header] = key
    if "full_name" in taken:
        # A full name column wins; first/last names stay unmapped so nothing is doubled.
        for header, key in mapping.items():
            if key in ("first_name", "last_name"):
                mapping[header] = IGNORE
    return mapping


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be imported: its row number, the column, and plain words."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class RowChange:
    """What importing one row would do."""

    row: int
    email: str
    name: str
    action: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportPreview:
    """Everything an import would do, computed without writing."""

    table: SourceTable
    mapping: dict[str, str]
    problems: tuple[Problem, ...]
    changes: tuple[RowChange, ...]
    refused_rows: tuple[int, ...]

    @property
    def adds(self) -> int:
        """Rows that would add a participant."""
        return sum(1 for c in self.changes if c.action == "add")

    @property
    def updates(self) -> int:
        """Rows that would change an existing participant."""
        return sum(1 for c in self.changes if c.action == "update")

    @property
    def unchanged(self) -> int:
        """Rows matching a participant exactly."""
        return sum(1 for c in self.changes if c.action == "unchanged")


@dataclass(frozen=True)
class _Stored:
    """An existing participant as the import compares it."""

    id: int
    data: ParticipantData


@dataclass
class _Plan:
    preview: ImportPreview
    adds: list[ParticipantData]
    updates: list[tuple[int, ParticipantData, tuple[str, ...]]]


_ROLE_WORDS: dict[str, ParticipantRole] = {
    "mentor": ParticipantRole.MENTOR, "mentee": ParticipantRole.MENTEE,
    "both": ParticipantRole.BOTH, "either": ParticipantRole.BOTH,
    "mentorandmentee": ParticipantRole.BOTH, "mentormentee": ParticipantRole.BOTH,
    "menteeandmentor": ParticipantRole.BOTH, "menteementor": ParticipantRole.BOTH,
    "mentorormentee": ParticipantRole.BOTH, "menteeormentor": ParticipantRole.BOTH,
}
_YES = {"yes", "y", "true", "1", "x", "ok", "agreed", "consent", "consented"}
_NO = {"no", "n", "false", "0", "", "-", "declined"}
_SKILL_COLON = re.compile(r"^(?P<name>.*\S)\s*:\s*(?P<level>[^:]*)$", re.S)
_SKILL_PAREN = re.compile(r"^(?P<name>.*\S)\s*\(\s*(?P<level>[^()]*?)\s*\)$", re.S)
_SKILL_DASH = re.compile(r"^(?P<name>.*\S)\s+[-–]\s*(?P<level>\S.*)$", re.S)
# Level words on the 0 (none) to 5 (expert) scale of :class:`SkillLevel`. Words whose
# place on it is unclear ("proficient", "good", "native") are left out on purpose.
_LEVEL_WORDS = {"none": 0, "beginner": 1, "novice": 1, "basic": 2, "elementary": 2,
                "intermediate": 3, "advanced": 4, "expert": 5}
_OUT_OF = re.compile(r"^(?P<level>[+-]?\d+)\s*/\s*(?P<scale>\d+)$")
_ANGLE_ADDRESS = re.compile(
    r'^\s*(?:"[^"]*"|[^<>"]*?)\s*<\s*(?P<address>[^<>\s]+@[^<>\s]+)\s*>\s*$')
_CAPACITY = re.compile(
    r"^(?:up\s*to|max(?:imum)?(?:\s*of)?|at\s*most|no\s*more\s*than)?\s*(?P<n>\d+)"
    r"\s*(?:mentees?|people|persons?|max(?:imum)?)?\s*\.?$", re.I)
_CAPACITY_RANGE = re.compile(r"^\D*\d+\s*(?:-|–|to|or|/)\s*\d+\D*$", re.I)
_OFFSET_LABEL = re.compile(r"^\(?\s*(?:GMT|UTC)\s*(?:[+\-−]\s*\d{1,2}(?::?\d{2})?)?\s*\)?$",
                           re.I)
_IANA_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)+")
_LIST_SPLIT = re.compile(r"[,;]")
# ParticipantData field -> FIELDS key, for reporting changes and mapping errors to columns.
_DATA_TO_FIELD = {"manager_email": "manager"}


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(p for p in (" ".join(x.split()) for x in _LIST_SPLIT.split(cell)) if p)


def _skill_level(text: str) -> int | str | None:
    """A level from "4", "4/5" or a level word; a reason if it is a level but not a usable
    one ("8/10", "7"); None if the text is not a level at all."""
    word = _LEVEL_WORDS.get(text.casefold())
    if word is not None:
        return word
    out_of = _OUT_OF.match(text)
    if out_of:
        if int(out_of["scale"]) != 5:
            return f"the level {text} is not on the 0 to 5 scale; give it as a number from 0 to 5"
        text = out_of["level"]
    try:
        level = int(text)
    except ValueError:
        return None
    if not 0 <= level <= 5:
        return f"the level {level} is not between 0 and 5"
    return level


def _parse_skills(cell: str) -> tuple[tuple[SkillLevel, ...], str | None]:
    skills: list[SkillLevel] = []
    for item in _split_list(cell):
        colon = _SKILL_COLON.match(item)
        match = colon or _SKILL_PAREN.match(item) or _SKILL_DASH.match(item)
        level = _skill_level(match["level"].strip()) if match else None
        if match is None or (level is None and colon is None):
            # "Python (Django)", "Python - Django": a name, not a level.
            skills.append(SkillLevel(item, DEFAULT_SKILL_LEVEL))
            continue
        if level is None:
            words = ", ".join(_LEVEL_WORDS)
            return (), (f"'{item}': the level '{match['level'].strip()}' is not a number "
                        f"from 0 to 5 or one of: {words}")
        if isinstance(level, str):
            return (), f"'{item}': {level}"
        skills.append(SkillLevel(match["name"].strip(), level))
    return tuple(skills), None


def address_of(text: str) -> str:
    """The address in "Name <address>" (how mail programs copy one), else ``text``."""
    match = _ANGLE_ADDRESS.match(text)
    return match["address"] if match else text


def _parse_capacity(text: str) -> tuple[int | None, str | None]:
    """Mentor capacity from "2", "2.0", "Up to 3", "Max 3", "3 mentees" or "None"."""
    value = _parse_int(text)
    if value is not None:
        return value, None
    if text.casefold() in ("none", "no", "zero"):
        return 0, None
    match = _CAPACITY.match(text)
    if match:
        return int(match["n"]), None
    if _CAPACITY_RANGE.match(text):
        return None, (f"mentor capacity '{text}' is a range; give the most mentees they "
                      "can take as one number")
    return None, f"mentor capacity '{text}' is not a whole number"


def _timezone_in(text: str) -> str | None:
    """The IANA name in a label such as "GMT+01:00 Europe/Paris", if that is all it holds."""
    names = {_timezones_by_folded().get(m.casefold()) for m in _IANA_LIKE.findall(text)}
    names.discard(None)
    if len(names) != 1:
        return None
    rest = _IANA_LIKE.sub(" ", text).strip()
    if rest and not _OFFSET_LABEL.match(rest):
        return None
    return names.pop()


def _parse_int(text: str) -> int | None:
    """A whole number from text such as "2", "2.0" or " 3 "; None if it is not one."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None



@cache
def _timezones_by_folded() -> dict[str, str]:
    return {tz.casefold(): tz for tz in known_timezones()}


def _canonical_timezone(text: str) -> str:
    """An IANA name in its proper case ("europe/london" -> "Europe/London"), else as given."""
    return _timezones_by_folded().get(text.casefold(), text)


def load_participant_data(session: Session, ids: Sequence[int] | None = None,
                          ) -> list[tuple[int, ParticipantData]]:
    """Participants' data as :func:`participants.get_participant` gives it, in a few queries.

    Ordered by id. ``ids`` restricts the result (all participants when None).
    """
    p = Participant.__table__
    query = select(p.c.id, p.c.full_name, p.c.preferred_name, p.c.email, p.c.department,
                   p.c.job_title, p.c.manager_id, p.c.manager_email, p.c.level,
                   p.c.level_rank, p.c.location, p.c.timezone, p.c.role,
                   p.c.mentor_capacity, p.c.availability_notes, p.c.consent_stories,
                   p.c.consent_photos, p.c.notes).order_by(p.c.id)
    rows = list(session.execute(query))
    email_by_id = {r.id: r.email for r in rows}
    wanted = set(ids) if ids is not None else None
    if wanted is not None:
        rows = [r for r in rows if r.id in wanted]

    def theirs(column: Any) -> ColumnElement[bool]:
        # A few people: only theirs. Many: everyone's (fewer bound values than SQL allows).
        return column.in_(wanted) if wanted is not None and len(wanted) <= 500 else true()

    skills: dict[int, list[SkillLevel]] = defaultdict(list)
    for pid, name, level in session.execute(
            select(ParticipantSkill.participant_id, Skill.name, ParticipantSkill.level)
            .join(Skill, Skill.id == ParticipantSkill.skill_id)
            .where(theirs(ParticipantSkill.participant_id))):
        skills[pid].append(SkillLevel(name, level))
    goals: dict[int, list[str]] = defaultdict(list)
    for pid, name in session.execute(
            select(DevelopmentGoal.participant_id, Skill.name)
            .join(Skill, Skill.id == DevelopmentGoal.skill_id)
            .where(theirs(DevelopmentGoal.participant_id))
            .order_by(DevelopmentGoal.participant_id, DevelopmentGoal.priority)):
        goals[pid].append(name)
    languages: dict[int, list[str]] = defaultdict(list)
    for pid, lang in session.execute(
            select(ParticipantLanguage.participant_id, ParticipantLanguage.language)
            .where(theirs(ParticipantLanguage.participant_id))
            .order_by(ParticipantLanguage.id)):
        languages[pid].append(lang)
    interests: dict[int, list[str]] = defaultdict(list)
    for pid, interest in session.execute(
            select(ParticipantInterest.participant_id, ParticipantInterest.interest)
            .where(theirs(ParticipantInterest.participant_id))
            .order_by(ParticipantInterest.id)):
        interests[pid].append(interest)
    out: list[tuple[int, ParticipantData]] = []
    for r in rows:
        manager = email_by_id.get(r.manager_id, r.manager_email) if r.manager_id else \
            r.manager_email
        out.append((r.id, ParticipantData(
            full_name=r.full_name, email=r.email, preferred_name=r.preferred_name,
            department=r.department, job_title=r.job_title, manager_email=manager,
            level=r.level, level_rank=r.level_rank, location=r.location,
            timezone=r.timezone, languages=tuple(languages.get(r.id, ())),
            skills=tuple(sorted(skills.get(r.id, ()),
                                key=lambda s: (-s.level, s.name.casefold()))),
            goals=tuple(goals.get(r.id, ())), interests=tuple(interests.get(r.id, ())),
            role=ParticipantRole(r.role), mentor_capacity=r.mentor_capacity,
            availability_notes=r.availability_notes,
            consent_stories=bool(r.consent_stories), consent_photos=bool(r.consent_photos),
            notes=r.notes)))
    return out


def _same(field_name: str, before: Any, after: Any) -> bool:
    """Whether a field would stay as stored (compared the way the database keeps it)."""
    if field_name in ("email", "manager_email"):
        return bool(before.casefold() == after.casefold())
    if field_name == "skills":
        return ({s.name.casefold(): s.level for s in before}
                == {s.name.casefold(): s.level for s in after})
    if field_name == "goals":
        return [g.casefold() for g in before] == [g.casefold() for g in after]
    if field_name in ("languages", "interests"):
        # Stored rows are kept by value; neither order nor case of a kept value changes.
        return {v.casefold() for v in before} == {v.casefold() for v in after}
    return bool(before == after)


_DIRECT_TEXT = ("preferred_name", "department", "job_title", "level", "location",
                "availability_notes", "notes")
_LISTS = ("languages", "goals", "interests")


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    email: str
    name: str
    manager_text: str
    problems: list[Problem]


def map_columns(headers: Sequence[str], mapping: Mapping[str, str],
                fields: Mapping[str, str], not_a_field: str = "a field") -> dict[str, int]:
    """Field key -> column index for the mapped headers.

    Args:
        headers: the file's headers.
        mapping: header -> key of ``fields`` (or :data:`IGNORE`).
        fields: key -> label of the fields a column may be mapped to.
        not_a_field: how the refusal of a key not in ``fields`` ends ("which is not ...").

    Raises:
        UserError: a header mapped to an unknown field, or two headers to the same one.
    """
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = mapping.get(header, IGNORE)
        if key == IGNORE:
            continue
        if key not in fields:
            raise UserError(f"Column '{header}' is mapped to '{key}', which is not "
                            f"{not_a_field}.")
        if key in columns:
            raise UserError(f"Columns '{headers[columns[key]]}' and '{header}' are both "
                            f"mapped to {fields[key]}; choose one.")
        columns[key] = index
    return columns


class RowCells:
    """One data row's cells looked up by field key, collecting the row's problems.

    A row with more non-empty cells than the header has is a problem on the email column
    (its values have probably shifted: a delimiter in an unquoted value).
    """

    def __init__(self, line: int, cells: tuple[str, ...], columns: Mapping[str, int],
                 headers: tuple[str, ...]) -> None:
        self.line = line
        self.cells = cells
        self.columns = columns
        self.headers = headers
        self.problems: list[Problem] = []
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            self.problem("email", f"this row has {len(cells)} cells but the header has "
                                  f"{len(headers)}; a value probably contains an unquoted "
                                  "delimiter")

    def cell(self, key: str) -> str:
        """The text in the column mapped to ``key`` ("" past the row's end)."""
        index = self.columns[key]
        return self.cells[index] if index < len(self.cells) else ""

    def problem(self, key: str, reason: str) -> None:
        """Note a problem in the column mapped to ``key``."""
        self.problems.append(Problem(self.line, self.headers[self.columns[key]], reason))


def _columns(table: SourceTable, mapping: Mapping[str, str]) -> dict[str, int]:
    """Field key -> column index; refuses a mapping without name or email, or doubled."""
    columns = map_columns(table.headers, mapping, FIELDS)
    if "email" not in columns:
        raise UserError("Choose the column that holds the email address: it identifies "
                        "each person.")
    if not {"full_name", "first_name", "last_name"} & columns.keys():
        raise UserError("Choose the column that holds the name (or first and last names).")
    return columns


def _reason(label: str, reason: str) -> str:
    if reason == "is required":
        return f"{label} is empty"
    if reason.startswith(("is ", "must ", "cannot ")):
        return f"{label} {reason}"
    return reason


def _parse_row(line: int, cells: tuple[str, ...], columns: dict[str, int],
               headers: tuple[str, ...]) -> _Row:
    row = RowCells(line, cells, columns, headers)
    cell, problem = row.cell, row.problem
    for key in columns:
        if len(cell(key)) > MAX_TEXT:
            problem(key, f"{FIELDS[key]} is {len(cell(key)):,} characters long; the limit "
                         f"is {MAX_TEXT:,}")
    values: dict[str, Any] = {}
    name = " ".join(cell("full_name").split()) if "full_name" in columns else ""
    if not name:
        name = " ".join(" ".join(cell(k) for k in ("first_name", "last_name")
                                 if k in columns).split())
    values["full_name"] = name
    email = address_of(cell("email")).strip()
    values["email"] = email
    for key in _DIRECT_TEXT:
        if key in columns:
            values[key] = cell(key)
    for key in _LISTS:
        if key in columns:
            values[key] = _split_list(cell(key))
    if "skills" in columns:
        skills, reason = _parse_skills(cell("skills"))
        if reason:
            problem("skills", reason)
        values["skills"] = skills
    if "level_rank" in columns:
        text = cell("level_rank").strip()
        rank = _parse_int(text) if text else None
        if text and rank is None:
            problem("level_rank", f"level rank '{text}' is not a whole number")
        values["level_rank"] = rank
    if "timezone" in columns:
        text = cell("timezone").strip()
        zone = _canonical_timezone(text)
        if zone not in known_timezones():
            zone = _timezone_in(text) or zone
            if zone == text and re.search(r"(?:GMT|UTC)\s*[+\-−]\s*\d", text, re.I):
                problem("timezone", f"'{text}' gives an offset, not a place, so its "
                        "daylight-saving rules are unknown; use an IANA name such as "
                        "America/New_York or Europe/Paris")
        values["timezone"] = zone or "UTC"
    if "role" in columns:
        text = cell("role").strip()
        role = _ROLE_WORDS.get(_norm_header(text)) if text else ParticipantRole.MENTEE
        if role is None:
            problem("role", f"'{text}' is not a programme role; use mentor, mentee or both")
            role = ParticipantRole.MENTEE
        values["role"] = role
    if "mentor_capacity" in columns:
        text = cell("mentor_capacity").strip()
        capacity, reason = _parse_capacity(text) if text else (None, None)
        if reason:
            problem("mentor_capacity", reason)
        values["mentor_capacity"] = capacity
    for key in ("consent_stories", "consent_photos"):
        if key in columns:
            text = cell(key).strip().casefold()
            if text in _YES:
                values[key] = True
            elif text in _NO:
                values[key] = False
            else:
                problem(key, f"'{cell(key).strip()}' is not yes or no")
                values[key] = False
    manager = " ".join(address_of(cell("manager")).split()) if "manager" in columns else ""
    return _Row(line, values, email, name, manager, row.problems)


def _plan(session: Session, table: SourceTable, mapping: Mapping[str, str],
          progress: Progress | None, cancelled: Cancelled | None) -> _Plan:
    columns = _columns(table, mapping)
    headers = table.headers
    total = len(table.rows)
    stored = {data.email.casefold(): _Stored(pid, data)
              for pid, data in load_participant_data(session)}
    rows = [_parse_row(line, cells, columns, headers) for line, cells in table.rows]
    _check_cancel(cancelled)

    def column_of(field_name: str) -> str:
        key = _DATA_TO_FIELD.get(field_name, field_name)
        if key == "full_name":
            for candidate in ("full_name", "first_name", "last_name"):
                if candidate in columns:
                    return headers[columns[candidate]]
        return headers[columns[key]] if key in columns else FIELDS.get(key, key)

    # Emails and duplicates within the file.
    lines_by_email: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        normalised, reason = check_email(row.email)
        if reason is None:
            row.email = normalised
            lines_by_email[normalised.casefold()].append(row.line)
    for row in rows:
        others = [n for n in lines_by_email.get(row.email.casefold(), ()) if n != row.line]
        if others:
            listed = ", ".join(str(n) for n in others)
            row.problems.append(Problem(row.line, column_of("email"),
                                        f"{row.email} is also on row{'s' * (len(others) > 1)} "
                                        f"{listed}"))
    # Who can be a manager: everyone stored (with the file's new names) and in the file.
    emails_by_name: dict[str, set[str]] = defaultdict(set)
    in_file = {row.email.casefold() for row in rows}
    name_mapped = bool({"full_name", "first_name", "last_name"} & columns.keys())
    for key, person in stored.items():
        if not (name_mapped and key in in_file):
            emails_by_name[person.data.full_name.casefold()].add(key)
    for row in rows:
        if row.name and "@" in row.email:
            emails_by_name[row.name.casefold()].add(row.email.casefold())
    by_email = {k: s.data.email for k, s in stored.items()}
    by_email.update({row.email.casefold(): row.email for row in rows})

    planned: list[tuple[_Row, ParticipantData, _Stored | None]] = []
    for n, row in enumerate(rows, start=1):
        if n % 1000 == 0:
            _check_cancel(cancelled)
            if progress:
                progress(n, total)
        if "manager" in columns:
            text = row.manager_text
            manager = ""
            if "@" in text:
                manager, reason = check_email(text)
                if reason:
                    row.problems.append(Problem(row.line, column_of("manager"),
                                                f"manager: {reason}"))
                manager = by_email.get(manager.casefold(), manager)
            elif text:
                found = emails_by_name.get(text.casefold(), set())
                last, comma, first = text.partition(",")
                if not found and comma and "," not in first and first.strip():
                    # BambooHR and others write "Last, First".
                    found = emails_by_name.get(f"{first.strip()} {last.strip()}".casefold(),
                                               set())
                if len(found) == 1:
                    manager = by_email.get(next(iter(found)), next(iter(found)))
                elif found:
                    row.problems.append(Problem(
                        row.line, column_of("manager"),
                        f"manager '{text}' matches {len(found)} participants; give their "
                        "email instead"))
                else:
                    row.problems.append(Problem(
                        row.line, column_of("manager"),
                        f"manager '{text}' is not a participant and not an email address"))
            row.values["manager_email"] = manager
        existing = stored.get(row.email.casefold())
        values = dict(row.values)
        if existing is not None:
            values["email"] = existing.data.email
            data = dataclasses.replace(existing.data, **values)
        else:
            data = ParticipantData(**values)
        data, errors = check_fields(data)
        for field_name, reason in errors.items():
            label = FIELDS.get(_DATA_TO_FIELD.get(field_name, field_name), field_name)
            if field_name == "full_name":
                label = "Name"
            reason = _reason(label, reason)
            problem = Problem(row.line, column_of(field_name), reason)
            # One problem per column is enough: ours is more specific than the generic one.
            if not any(p.column == problem.column for p in row.problems):
                row.problems.append(problem)
        planned.append((row, data, existing))
    _check_loops(planned, stored, column_of)

    order = {h: i for i, h in enumerate(headers)}
    problems: list[Problem] = []
    changes: list[RowChange] = []
    refused: list[int] = []
    adds: list[ParticipantData] = []
    updates: list[tuple[int, ParticipantData, tuple[str, ...]]] = []
    for row, data, existing in planned:
        if row.problems:
            problems.extend(sorted(row.problems, key=lambda p: order.get(p.column, 0)))
            refused.append(row.line)
            continue
        if existing is None:
            adds.append(data)
            changes.append(RowChange(row.line, data.email, data.full_name, "add", ()))
            continue
        changed = tuple(f.name for f in dataclasses.fields(data)
                        if not _same(f.name, getattr(existing.data, f.name),
                                     getattr(data, f.name)))
        if changed:
            updates.append((existing.id, data, changed))
            changes.append(RowChange(row.line, data.email, data.full_name, "update",
                                     tuple(_DATA_TO_FIELD.get(c, c) for c in changed)))
        else:
            changes.append(RowChange(row.line, data.email, data.full_name, "unchanged", ()))
    if progress:
        progress(total, total)
    preview = ImportPreview(table, dict(mapping), tuple(problems), tuple(changes),
                            tuple(refused))
    return _Plan(preview, adds, updates)


def _check_loops(planned: list[tuple[_Row, ParticipantData, _Stored | None]],
                 stored: dict[str, _Stored], column_of: Callable[[str], str]) -> None:
    """A manager chain that comes back to the person is a problem (A manages B manages A)."""
    boss: dict[str, str] = {k: s.data.manager_email.casefold() for k, s in stored.items()}
    for row, data, _ in planned:
        if not row.problems:
            boss[data.email.casefold()] = data.manager_email.casefold()
    for row, data, _ in planned:
        if row.problems or not data.manager_email:
            continue
        me = data.email.casefold()
        current = data.manager_email.casefold()
        seen = {me}
        while current and current not in seen:
            seen.add(current)
            current = boss.get(current, "")
        if current == me:
            row.problems.append(Problem(row.line, column_of("manager_email"),
                                        f"{data.manager_email} reports (directly or not) to "
                                        "this person, so cannot be their manager"))


def preview_import(session: Session, table: SourceTable, mapping: Mapping[str, str],
                   progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ImportPreview:
    """What importing ``table`` with ``mapping`` would do; writes nothing."""
    return _plan(session, table, mapping, progress, cancelled).preview


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    added: int
    updated: int
    unchanged: int
    refused: int
    backup: Path | None


def commit_import(db: Database, table: SourceTable, mapping: Mapping[str, str],
                  progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> ImportResult:
    """Write every row without a problem in one transaction, after a backup.

    Rows with a problem are refused (not written); the rest are all written or, on a
    cancel or an error, none. When nothing would change, nothing is written and no backup
    is taken.
    """
    from mentordesk.db import backup_database

    if db.read_only:
        raise UserError("The database is open read-only; nothing was imported.")
    backup: Path | None = None
    with db.Session.begin() as session:
        plan = _plan(session, table, mapping, None, cancelled)
        if plan.adds or plan.updates:
            if db.path.exists() and db.path.stat().st_size > 0:
                backup = backup_database(db.path, "pre-import").path
            _check_cancel(cancelled)
            total = len(plan.adds) + len(plan.updates)
            if plan.adds:
                def add_progress(done: int, _total: int) -> None:
                    if progress:
                        progress(done, total)

                add_participants(session, plan.adds, add_progress, cancelled)
            _write_updates(session, plan.updates, cancelled)
            _check_cancel(cancelled)
            if progress:
                progress(total, total)
    preview = plan.preview
    return ImportResult(preview.adds, preview.updates, preview.unchanged,
                        len(preview.refused_rows), backup)


def _write_updates(session: Session, updates: list[tuple[int, ParticipantData,
                                                         tuple[str, ...]]],
                   cancelled: Cancelled | None) -> None:
    """Apply updates with a handful of queries per 500 people (not per person)."""
    from sqlalchemy.orm import selectinload

    if not updates:
        return
    skills = SkillCache(session)
    chunk = 500
    for start in range(0, len(updates), chunk):
        _check_cancel(cancelled)
        batch = updates[start:start + chunk]
        people = {p.id: p for p in session.scalars(
            select(Participant).where(Participant.id.in_([pid for pid, _, _ in batch]))
            .options(selectinload(Participant.skills).selectinload(ParticipantSkill.skill),
                     selectinload(Participant.goals).selectinload(DevelopmentGoal.skill),
                     selectinload(Participant.interests),
                     selectinload(Participant.languages)))}
        with session.no_autoflush:
            for pid, data, _ in batch:
                _apply(session, people[pid], data, skills)
        session.flush()
        for pid, _, changed in batch:
            audit.record(session, "edit", "participant", pid, changed)


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class ImportProfileData:
    """A saved mapping and file options for one HR system's export."""

    name: str
    mapping: dict[str, str]
    options: SourceOptions


def _to_profile(row: ImportProfile) -> ImportProfileData:
    try:
        mapping = json.loads(row.mapping_json or "{}")
    except ValueError:
        mapping = {}
    if not isinstance(mapping, dict):
        mapping = {}
    return ImportProfileData(
        row.name, {str(k): str(v) for k, v in mapping.items()},
        SourceOptions(row.encoding or None, row.delimiter or None, row.sheet or None))


def save_profile(session: Session, profile: ImportProfileData) -> None:
    """Insert the profile, or replace the one with the same name."""
    name = " ".join(profile.name.split())
    if not name:
        raise UserError("An import profile needs a name.")
    if len(name) > 100:
        raise UserError("An import profile's name can be at most 100 characters.")
    unknown = sorted({v for v in profile.mapping.values() if v != IGNORE and v not in FIELDS})
    if unknown:
        raise UserError(f"Unknown fields in the mapping: {', '.join(unknown)}.")
    row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if row is None:
        row = ImportProfile(name=name)
        session.add(row)
    row.mapping_json = json.dumps(dict(profile.mapping), ensure_ascii=False)
    row.encoding = profile.options.encoding or ""
    row.delimiter = profile.options.delimiter or ""
    row.sheet = profile.options.sheet or ""
    session.flush()


def list_profiles(session: Session) -> list[ImportProfileData]:
    """Saved import profiles, by name."""
    return [_to_profile(r) for r in session.scalars(
        select(ImportProfile).order_by(ImportProfile.name))]


def find_profile_for(session: Session, headers: Sequence[str]) -> ImportProfileData | None:
    """The saved profile whose mapped headers are all in ``headers`` (the most specific)."""
    present = {_norm_header(h) for h in headers}
    best: tuple[int, ImportProfileData] | None = None
    for profile in list_profiles(session):
        mapped = {_norm_header(h) for h, key in profile.mapping.items() if key != IGNORE}
        if mapped and mapped <= present and (best is None or len(mapped) > best[0]):
            best = (len(mapped), profile)
    return best[1] if best else None
