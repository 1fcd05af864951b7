"""Exporting participants: safe cells, private atomic files, and export -> import exactness."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentordesk.db import Database
from mentordesk.errors import UserError
from mentordesk.models import ParticipantRole
from mentordesk.services.exporting import export_participants, neutralise
from mentordesk.services.importing import (
    FIELDS,
    IGNORE,
    SourceOptions,
    commit_import,
    guess_mapping,
    load_participant_data,
    preview_import,
    read_source,
)
from mentordesk.services.participants import (
    ParticipantData,
    SkillLevel,
    add_participants,
    find_participant,
    get_participant,
)

ANA = ParticipantData(
    full_name="=HYPERLINK(\"http://evil\",\"click\")", email="ana@example.org",
    preferred_name="@Ana", department="+Sales", job_title="-1", notes="\tindented",
    availability_notes="'=already quoted", skills=(SkillLevel("Python", 4),),
    role=ParticipantRole.BOTH, mentor_capacity=2, timezone="Europe/Madrid")
BOB = ParticipantData(full_name="Bob, \"the builder\"", email="bob@example.org",
                      manager_email="ana@example.org", notes="line one\nline two",
                      languages=("English", "Polish"), goals=("Leadership",),
                      interests=("Chess",), consent_stories=True, level="L3", level_rank=3)


@pytest.fixture
def filled(db):
    with db.Session.begin() as s:
        add_participants(s, [ANA, BOB])
    return db


def _rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""),
                           delimiter=delimiter))


def test_cells_that_a_spreadsheet_would_run_are_neutralised(filled, tmp_path) -> None:
    path = tmp_path / "out.csv"
    with filled.Session() as s:
        assert export_participants(s, path) == 2
    header, ana, bob = _rows(path)
    cell = dict(zip(header, ana, strict=True))
    assert cell["Full name"] == "'=HYPERLINK(\"http://evil\",\"click\")"
    assert cell["Preferred name"] == "'@Ana"
    assert cell["Department"] == "'+Sales"
    assert cell["Job title"] == "'-1"
    assert cell["Notes"] == "'\tindented"
    assert cell["Availability notes"] == "''=already quoted"
    assert dict(zip(header, bob, strict=True))["Notes"] == "line one\nline two"


@pytest.mark.parametrize(("text", "written"), [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-5", "'-5"), ("@me", "'@me"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''+x", "'''+x"),
    ("'quoted", "'quoted"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(text, written) -> None:
    assert neutralise(text) == written


def test_export_is_owner_only_and_headers_map_back(filled, tmp_path) -> None:
    path = tmp_path / "out.csv"
    with filled.Session() as s:
        export_participants(s, path, delimiter=";", encoding="utf-8-sig")
    if os.name == "posix":  # Windows has no owner-only mode bits to check
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_source(path)
    mapping = guess_mapping(table.headers)
    assert IGNORE not in mapping.values()
    assert set(mapping.values()) == set(FIELDS) - {"first_name", "last_name"}


def test_export_only_the_chosen_people(filled, tmp_path) -> None:
    path = tmp_path / "out.csv"
    with filled.Session() as s:
        bob_id = find_participant(s, "bob@example.org").id
        assert export_participants(s, path, ids=[bob_id]) == 1
    assert [r[2] for r in _rows(path)[1:]] == ["bob@example.org"]


def test_text_cp1252_cannot_hold_is_refused_and_the_old_file_kept(filled, tmp_path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("previous export")
    with filled.Session.begin() as s:
        add_participants(s, [ParticipantData(full_name="Łukasz", email="l@example.pl")])
    with filled.Session() as s, pytest.raises(UserError, match="cannot be written in cp1252"):
        export_participants(s, path, encoding="cp1252")
    assert path.read_text() == "previous export"


def test_a_write_failing_halfway_leaves_the_old_file_and_no_temporary(
        filled, tmp_path, monkeypatch) -> None:
    import openpyxl

    real_save = openpyxl.Workbook.save

    def broken_save(self, handle) -> None:
        real_save(self, io.BytesIO())  # let openpyxl finish its own streams first
        handle.write(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "out.xlsx"
    path.write_text("previous export")
    with filled.Session() as s, pytest.raises(UserError, match="No space left"):
        export_participants(s, path, fmt="xlsx")
    assert path.read_text() == "previous export"
    assert [p.name for p in folder.iterdir()] == ["out.xlsx"]


def test_xlsx_export_holds_no_formulas(filled, tmp_path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    with filled.Session() as s:
        export_participants(s, path, fmt="xlsx")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = load_workbook(path)  # not data_only: a formula would show as one
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert book.active["A2"].value == "'=HYPERLINK(\"http://evil\",\"click\")"


def test_export_then_import_into_the_same_database_changes_nothing(filled, tmp_path) -> None:
    path = tmp_path / "out.xlsx"
    with filled.Session() as s:
        export_participants(s, path, fmt="xlsx")
    table = read_source(path)
    with filled.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [c.action for c in preview.changes] == ["unchanged", "unchanged"]
    assert preview.problems == ()


def test_unknown_format_encoding_or_delimiter_is_refused(filled, tmp_path) -> None:
    with filled.Session() as s:
        for kwargs in ({"fmt": "ods"}, {"encoding": "latin-1"}, {"delimiter": ":"}):
            with pytest.raises(UserError):
                export_participants(s, tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- round trip

_TEMPLATE: Path | None = None


def _template() -> Path:
    """A migrated empty database, copied for each example (migrating is the slow part)."""
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE.exists():
        folder = Path(tempfile.mkdtemp(prefix="mentordesk-template-"))
        db = Database.open(folder / "template.sqlite3", backups=False)
        db.close(backup=False)
        _TEMPLATE = db.path
    return _TEMPLATE


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


_TRICKY = "\"',;=+-@\t\n\r |:()'ÄéßΩ語😀 "


def _alphabet(variant: str) -> st.SearchStrategy[str]:
    if variant == "cp1252":
        return st.characters(codec="cp1252", exclude_characters="\x00").filter(_cp1252) \
            | st.sampled_from([c for c in _TRICKY if _cp1252(c)])
    if variant == "xlsx":
        return st.characters(exclude_categories=("Cs",), exclude_characters="\x00") \
            | st.sampled_from(_TRICKY)
    return st.characters(exclude_categories=("Cs",), exclude_characters="\x00") \
        | st.sampled_from(_TRICKY)


def _people(variant: str) -> st.SearchStrategy[list[ParticipantData]]:
    chars = _alphabet(variant)
    text = st.text(chars, max_size=40)
    name = text.filter(lambda s: s.split())
    item = st.text(chars.filter(lambda c: c not in ",;"), max_size=20).filter(
        lambda s: s.split())
    items = st.lists(item, max_size=3).map(tuple)
    skills = st.lists(st.builds(SkillLevel, item, st.integers(0, 5)), max_size=3).map(tuple)

    @st.composite
    def build(draw: st.DrawFn) -> list[ParticipantData]:
        count = draw(st.integers(1, 4))
        people = []
        for i in range(count):
            choice = draw(st.integers(0, 2))
            manager = ("" if choice == 0 or i == 0 else
                       f"p{draw(st.integers(0, i - 1))}@example.org" if choice == 1 else
                       f"boss{i}@outside.example")
            people.append(ParticipantData(
                full_name=draw(name), email=f"p{i}@example.org",
                preferred_name=draw(text), department=draw(text), job_title=draw(text),
                manager_email=manager, level=draw(text),
                level_rank=draw(st.none() | st.integers(0, 20)), location=draw(text),
                timezone=draw(st.sampled_from(["UTC", "Europe/London", "Asia/Kolkata"])),
                languages=draw(items), skills=draw(skills), goals=draw(items),
                interests=draw(items), role=draw(st.sampled_from(list(ParticipantRole))),
                mentor_capacity=draw(st.none() | st.integers(0, 50)),
                availability_notes=draw(text), consent_stories=draw(st.booleans()),
                consent_photos=draw(st.booleans()), notes=draw(text)))
        return people

    return build()


VARIANTS = [
    ("csv", ",", "utf-8"),
    ("csv", ";", "utf-8"),
    ("csv", ",", "utf-8-sig"),
    ("csv", ";", "utf-8-sig"),
    ("csv", ",", "cp1252"),
    ("csv", ";", "cp1252"),
    ("xlsx", ",", "utf-8"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "delimiter", "encoding"), VARIANTS)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_export_then_import_gives_back_exactly_the_same_people(fmt, delimiter, encoding,
                                                               data) -> None:
    variant = "xlsx" if fmt == "xlsx" else ("cp1252" if encoding == "cp1252" else "utf")
    people = data.draw(_people(variant))
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-roundtrip-"))
    try:
        shutil.copy(_template(), folder / "a.sqlite3")
        shutil.copy(_template(), folder / "b.sqlite3")
        a = Database.open(folder / "a.sqlite3", backups=False)
        b = Database.open(folder / "b.sqlite3", backups=False)
        try:
            with a.Session.begin() as s:
                add_participants(s, people)
            out = folder / f"export.{fmt}"
            with a.Session() as s:
                export_participants(s, out, fmt=fmt, delimiter=delimiter, encoding=encoding)
            # cp1252 is chosen explicitly: without a BOM, cp1252 bytes that happen to be
            # valid UTF-8 (such as "Ã©") would be read as UTF-8 -- see importing.py.
            options = SourceOptions(encoding="cp1252") if encoding == "cp1252" else \
                SourceOptions()
            table = read_source(out, options)
            assert table.delimiter == (delimiter if fmt == "csv" else None)
            result = commit_import(b, table, guess_mapping(table.headers))
            assert (result.added, result.refused) == (len(people), 0)
            with a.Session() as sa, b.Session() as sb:
                for pid, _ in load_participant_data(sa):
                    want = get_participant(sa, pid)
                    got = find_participant(sb, want.data.email)
                    assert dataclasses.asdict(got.data) == dataclasses.asdict(want.data)
                    assert (got.manager_id is None) == (want.manager_id is None)
                    assert got.manager_name == want.manager_name
        finally:
            a.close(backup=False)
            b.close(backup=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
