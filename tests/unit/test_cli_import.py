"""The command line's import, export and privacy commands, run as a user would."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from mentordesk import cli
from mentordesk.db import list_backups

MESSY_CSV = (
    "Employee list - exported 2026-11-01\r\n"
    "\r\n"
    "First Name;Last Name;Work Email;Dept;Line Manager Email;Skills;Mentor or mentee?;"
    "Max mentees;Time zone;Shoe size\r\n"
    "Ana;Castaño;ana@example.org;Engineering;;Python:5, Leadership (3);MENTOR;2;"
    "Europe/Madrid;38\r\n"
    "Bo;Ng;bo@example.org;Sales;ana@example.org;Negotiation:4;mentee;;Europe/London;44\r\n"
    "Cy;Broken;cy@;Sales;;;mentee;;Europe/London;40\r\n"
    '"Dee, Jr.";"O\'Neil ""DJ""";dee@example.org;Finance;boss@outside.example;;both;-1;'
    "Mars/Base;41\r\n"
).encode("cp1252")


@pytest.fixture
def db_file(db_path: Path) -> Path:
    """The test's database (tests/conftest.py keeps the user's data folder out of reach)."""
    return db_path


@pytest.fixture
def run(db_file: Path, capsys: pytest.CaptureFixture[str]):
    def _run(*args: str, db: Path = db_file) -> tuple[int, str, str]:
        code = cli.main(["--db", str(db), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return _run


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "hr export.csv"
    path.write_bytes(MESSY_CSV)
    return path


def emails(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return sorted(r[0] for r in con.execute("SELECT email FROM participant"))


def test_import_reports_every_problem_and_imports_the_valid_rows(run, messy, db_file) -> None:
    code, out, err = run("participants", "import", str(messy))
    assert code == 1 and err == ""  # two rows refused: reported on stdout, exit status 1
    assert "cp1252" in out and "';'" in out and "header on row 3" in out
    assert "Shoe size" in out and "(not imported)" in out
    assert "2 to add" in out and "2 refused" in out
    problem_lines = [line.split() for line in out.splitlines()]
    # Rows are the file's own line numbers: title, blank, header, Ana, Bo, Cy (6), Dee (7).
    assert any(words[:1] == ["6"] and "cy@" in " ".join(words) for words in problem_lines)
    assert any(words[:1] == ["7"] and "Mars/Base" in " ".join(words) for words in problem_lines)
    assert "negative" in out.lower()
    assert emails(db_file) == ["ana@example.org", "bo@example.org"]
    code, out, _ = run("participants", "show", "bo@example.org", "--json")
    shown = json.loads(out)
    assert shown["manager_name"] == "Ana Castaño"


def test_importing_the_same_file_again_changes_nothing(run, messy, db_file) -> None:
    run("participants", "import", str(messy))
    with contextlib.closing(sqlite3.connect(db_file)) as con:
        audit_before = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    code, out, _ = run("participants", "import", str(messy), "--json")
    report = json.loads(out)
    assert code == 1  # the two bad rows are still refused
    assert (report["adds"], report["updates"], report["unchanged"]) == (0, 0, 2)
    with contextlib.closing(sqlite3.connect(db_file)) as con:
        assert con.execute("SELECT count(*) FROM audit_event").fetchone()[0] == audit_before


def test_dry_run_writes_nothing_and_map_overrides(run, messy, db_file, tmp_path) -> None:
    run("participants", "list")  # create the database
    code, out, _ = run("participants", "import", str(messy), "--dry-run", "--json",
                       "--map", "Shoe size=notes")
    report = json.loads(out)
    assert code == 1
    assert report["mapping"]["Shoe size"] == "notes"
    assert report["adds"] == 2 and report["dry_run"] is True
    assert emails(db_file) == []


def test_unknown_field_in_map_is_a_clear_error(run, messy) -> None:
    code, _, err = run("participants", "import", str(messy), "--map", "Shoe size=shoes")
    assert code == 1 and "map:" in err and "shoes" in err


def test_export_then_import_into_another_database(run, messy, db_file, tmp_path) -> None:
    run("participants", "import", str(messy))
    out_file = tmp_path / "out" / "people.csv"
    code, out, _ = run("participants", "export", str(out_file), "--delimiter", ";",
                       "--encoding", "utf-8-sig")
    assert code == 0 and "Exported 2 participants" in out
    if os.name == "posix":
        assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert out_file.read_bytes().startswith(b"\xef\xbb\xbf")
    other = tmp_path / "other.sqlite3"
    code, out, _ = run("participants", "import", str(out_file), db=other)
    assert code == 0
    assert emails(other) == emails(db_file)
    _, a, _ = run("participants", "show", "ana@example.org", "--json")
    _, b, _ = run("participants", "show", "ana@example.org", "--json", db=other)
    first, second = json.loads(a), json.loads(b)
    for key in ("id", "created_at", "manager_id"):
        first.pop(key, None)
        second.pop(key, None)
    assert first == second


def test_export_person_and_erase(run, messy, db_file, tmp_path) -> None:
    run("participants", "import", str(messy))
    code, out, _ = run("participants", "export-person", "ana@example.org", str(tmp_path / "sar"))
    assert code == 0
    files = sorted((tmp_path / "sar").iterdir())
    assert {f.suffix for f in files} == {".json", ".html"}
    if os.name == "posix":
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert "ana@example.org" in files[0].read_text(encoding="utf-8") + \
        files[1].read_text(encoding="utf-8")

    code, out, err = run("participants", "erase", "ana@example.org")
    assert code == 1 and "--yes" in err and "participant record" in out.lower()
    assert "ana@example.org" in emails(db_file)

    backup = list_backups(db_file)[0].path
    code, out, _ = run("participants", "erase", "ana@example.org", "--yes")
    assert code == 0
    assert emails(db_file) == ["bo@example.org"]
    assert b"ana@example.org" not in db_file.read_bytes()

    erased_at = list_backups(db_file)[0].taken_at  # the pre-erasure backup is the newest
    code, out, _ = run("db", "restore", str(backup))
    assert code == 0 and "Erased again 1 participant" in out
    later = [b for b in list_backups(db_file) if b.taken_at > erased_at]
    assert later and all(b"ana@example.org" not in b.path.read_bytes() for b in later)
    assert emails(db_file) == ["bo@example.org"]
    for suffix in ("", "-wal"):
        path = db_file.with_name(db_file.name + suffix)
        if path.exists():
            assert b"ana@example.org" not in path.read_bytes()
