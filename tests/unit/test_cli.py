"""The command line, run as a user would: each test on its own fresh database file."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mentordesk import cli
from mentordesk.db import known_revisions

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    """What one CLI run returned and printed."""

    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def db_file(db_path: Path) -> Path:
    """The test's database; tests/conftest.py keeps the user's data folder out of reach."""
    return db_path


@pytest.fixture
def run(db_file: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``mentordesk --db <fresh db> ARGS...`` in-process."""

    def _run(*args: str, db: Path | None = db_file) -> Result:
        argv = ([] if db is None else ["--db", str(db)]) + list(args)
        code = cli.main(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


def row_counts(path: Path) -> dict[str, int]:
    """Rows in every table, read straight from the file."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def add(run: Run, name: str, email: str, *extra: str) -> dict[str, object]:
    result = run("participants", "add", "--name", name, "--email", email, "--json", *extra)
    assert result.code == 0, result.err
    data = result.json()
    assert isinstance(data, dict)
    return data


def emails(run: Run, *filters: str, **where: Path | None) -> list[str]:
    result = run("participants", "list", "--json", *filters, **where)
    assert result.code == 0, result.err
    rows = result.json()
    assert isinstance(rows, list)
    return [row["email"] for row in rows]


# --------------------------------------------------------------------------- programmes


def test_programme_create_show_list_with_objectives_and_kpis(run: Run) -> None:
    created = run(
        "programme", "create", "Grow Together", "--description", "Peer mentoring",
        "--start", "2026-02-01", "--end", "2026-08-01", "--format", "group",
        "--structure", "informal", "--cadence", "monthly", "--duration", "60",
        "--coordinator-name", "Alex Morgan", "--coordinator-email", "alex@example.org",
        "--objective", "Grow leaders|Strategy 2027: promote from within",
        "--objective", "Break silos",
        "--kpi", "Pairs meeting regularly|85|%|Grow leaders",
        "--kpi", "Satisfaction|4.2|out of 5",
        "--json",
    )
    assert created.code == 0, created.err
    data = created.json()
    assert isinstance(data, dict)
    assert data["name"] == "Grow Together"
    assert data["start_date"] == "2026-02-01"
    assert data["format"] == "group"
    assert data["structure"] == "informal"
    assert data["default_cadence"] == "monthly"
    assert data["default_duration_minutes"] == 60
    assert data["objectives"] == [
        {"title": "Grow leaders", "organisational_goal": "Strategy 2027: promote from within"},
        {"title": "Break silos", "organisational_goal": ""},
    ]
    assert [(k["name"], k["target_value"], k["unit"], k["objective"]) for k in data["kpis"]] == [
        ("Pairs meeting regularly", 85.0, "%", "Grow leaders"),
        ("Satisfaction", 4.2, "out of 5", ""),
    ]

    shown = run("programme", "show", "grow together")  # by name, any case
    assert shown.code == 0
    assert "Grow Together" in shown.out
    assert "Strategy 2027: promote from within" in shown.out
    assert "Pairs meeting regularly" in shown.out
    assert "2026-08-01" in shown.out

    listed = run("programme", "list")
    assert listed.code == 0
    header, rule, row = listed.out.splitlines()
    assert header.split()[:2] == ["ID", "Name"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert "Grow Together" in row and "2026-02-01" in row
    assert row.index("Grow Together") == header.index("Name")  # the columns line up

    as_json = run("programme", "list", "--json").json()
    assert isinstance(as_json, list)
    assert [p["name"] for p in as_json] == ["Grow Together"]


def test_programme_edit_changes_only_the_options_given(run: Run) -> None:
    assert run("programme", "create", "Pilot", "--cadence", "weekly",
               "--objective", "Retain people|People plan",
               "--kpi", "Attrition|8|%|Retain people").code == 0
    edited = run("programme", "edit", "Pilot", "--name", "Pilot 2026", "--end", "2026-12-31",
                 "--kpi", "Attrition|6|%|Retain people", "--kpi", "Check-ins held|90|%",
                 "--json")
    assert edited.code == 0, edited.err
    data = edited.json()
    assert isinstance(data, dict)
    assert data["name"] == "Pilot 2026"
    assert data["end_date"] == "2026-12-31"
    assert data["default_cadence"] == "weekly"  # not given: unchanged
    assert data["objectives"] == [{"title": "Retain people",
                                   "organisational_goal": "People plan"}]
    assert [(k["name"], k["target_value"]) for k in data["kpis"]] == [
        ("Attrition", 6.0), ("Check-ins held", 90.0)]
    again = run("programme", "show", str(data["id"]), "--json").json()
    assert again == data


def test_showing_a_missing_programme_is_one_clear_error(run: Run) -> None:
    result = run("programme", "show", "Nope")
    assert result.code == 1
    assert result.err.splitlines() == ["mentordesk: error: There is no programme called 'Nope'."]


# --------------------------------------------------------------------------- participants


def test_participant_add_and_show(run: Run) -> None:
    boss = add(run, "Dana Kowalski", "dana@example.org", "--role", "mentor")
    added = add(
        run, "  Ben   Fischer ", "Ben.Fischer@Example.org", "--preferred-name", "Ben",
        "--department", "Engineering", "--job-title", "Software Engineer",
        "--manager", "DANA@example.org", "--level", "L3 Senior", "--level-rank", "3",
        "--location", "Warsaw", "--timezone", "Europe/Warsaw",
        "--languages", "English, Polish", "--skills", "Python:4, Leadership (3)",
        "--goals", "Leadership, Public speaking", "--interests", "Chess, Cycling",
        "--role", "both", "--capacity", "2", "--availability", "Not on Fridays",
        "--consent-stories", "--notes", "Keen",
    )
    assert added["full_name"] == "Ben Fischer"
    assert added["email"] == "Ben.Fischer@example.org"
    assert added["manager_id"] == boss["id"]
    assert added["manager_name"] == "Dana Kowalski"
    assert added["level_rank"] == 3
    assert added["timezone"] == "Europe/Warsaw"
    assert added["languages"] == ["English", "Polish"]
    assert added["skills"] == [{"name": "Python", "level": 4},
                               {"name": "Leadership", "level": 3}]
    assert added["goals"] == ["Leadership", "Public speaking"]
    assert added["interests"] == ["Chess", "Cycling"]
    assert added["role"] == "both"
    assert added["mentor_capacity"] == 2
    assert added["consent_stories"] is True
    assert added["consent_photos"] is False
    assert added["status"] == "active"

    shown = run("participants", "show", "ben.fischer@example.org")  # by email, any case
    assert shown.code == 0
    lines = dict(line.split(":", 1) for line in shown.out.splitlines() if ":" in line)
    assert lines["Name"].strip() == "Ben Fischer"
    assert lines["Manager"].strip() == "Dana Kowalski <dana@example.org>"
    assert lines["Skills"].strip() == "Python:4, Leadership:3"
    assert lines["Time zone"].strip() == "Europe/Warsaw"
    by_id = run("participants", "show", str(added["id"]), "--json").json()
    assert by_id == added


def test_participants_list_filters_and_table(run: Run) -> None:
    add(run, "Amara Okafor", "amara@example.org", "--department", "Sales", "--role", "mentor")
    add(run, "Jia Chen", "jia@example.org", "--department", "Engineering")
    add(run, "Sam Silva", "sam@example.org", "--department", "Sales", "--job-title", "Recruiter")
    table = run("participants", "list")
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Name", "Email"]
    assert [line.split("  ")[1].strip() for line in lines[2:]] == [
        "Amara Okafor", "Jia Chen", "Sam Silva"]
    assert emails(run, "--department", "Sales") == ["amara@example.org", "sam@example.org"]
    assert emails(run, "--role", "mentor") == ["amara@example.org"]
    assert emails(run, "--search", "recruit") == ["sam@example.org"]
    assert emails(run, "--status", "withdrawn") == []
    assert run("participants", "list", "--search", "zzz").out.strip() == "No participants match."


def test_participant_edit_changes_only_the_options_given(run: Run) -> None:
    person = add(run, "Jia Chen", "jia@example.org", "--department", "Engineering",
                 "--skills", "Python:2", "--timezone", "Asia/Kolkata", "--consent-photos")
    edited = run("participants", "edit", "jia@example.org", "--job-title", "Platform Engineer",
                 "--skills", "Python:3, Testing (2)", "--no-consent-photos", "--json")
    assert edited.code == 0, edited.err
    data = edited.json()
    assert isinstance(data, dict)
    assert data["id"] == person["id"]
    assert data["job_title"] == "Platform Engineer"
    assert data["skills"] == [{"name": "Python", "level": 3}, {"name": "Testing", "level": 2}]
    assert data["consent_photos"] is False
    unchanged = {k: v for k, v in person.items()
                 if k not in ("job_title", "skills", "consent_photos")}
    assert {k: data[k] for k in unchanged} == unchanged
    renamed = run("participants", "edit", str(person["id"]), "--email", "jia.chen@example.org")
    assert renamed.code == 0
    assert emails(run) == ["jia.chen@example.org"]


def test_withdraw_participant(run: Run) -> None:
    add(run, "Sam Silva", "sam@example.org")
    add(run, "Jia Chen", "jia@example.org")
    result = run("participants", "withdraw", "sam@example.org")
    assert result.code == 0
    assert "Withdrew Sam Silva" in result.out
    assert emails(run, "--status", "withdrawn") == ["sam@example.org"]
    assert emails(run, "--status", "active") == ["jia@example.org"]
    shown = run("participants", "show", "sam@example.org", "--json").json()
    assert isinstance(shown, dict)
    assert shown["status"] == "withdrawn"
    assert shown["withdrawn_at"] is not None
    again = run("participants", "withdraw", "sam@example.org")
    assert again.code == 0
    assert "already withdrawn" in again.out


# --------------------------------------------------------------------------- bad input


BAD_PARTICIPANT_INPUT = [
    pytest.param(["--email", "bob@"], "email", id="malformed-email"),
    pytest.param(["--email", "SAM@EXAMPLE.ORG"], "email", id="duplicate-email-any-case"),
    pytest.param(["--timezone", "Europe/Atlantis"], "timezone", id="unknown-timezone"),
    pytest.param(["--capacity=-1", "--role", "mentor"], "capacity", id="negative-capacity"),
    pytest.param(["--capacity", "two"], "capacity", id="non-numeric-capacity"),
    pytest.param(["--name", "   "], "name", id="empty-name"),
    pytest.param(["--skills", "Python:6"], "skills", id="skill-level-above-5"),
    pytest.param(["--skills", "Python:-1"], "skills", id="skill-level-below-0"),
    pytest.param(["--skills", "Python"], "skills", id="skill-without-level"),
    pytest.param(["--skills", "Python:expert"], "skills", id="skill-level-not-a-number"),
    pytest.param(["--skills", "Python (4"], "skills", id="skill-unclosed-bracket"),
    pytest.param(["--skills", ":3"], "skills", id="skill-without-name"),
    pytest.param(["--level-rank", "high"], "level-rank", id="non-numeric-level-rank"),
]


@pytest.mark.parametrize(("options", "field"), BAD_PARTICIPANT_INPUT)
def test_bad_participant_input_is_refused_naming_the_field(
        run: Run, db_file: Path, options: list[str], field: str) -> None:
    add(run, "Sam Silva", "sam@example.org")
    before = row_counts(db_file)
    defaults = {"--name": "Bob Brown", "--email": "bob@example.org"}
    for option in options:
        defaults.pop(option.split("=")[0], None)
    argv = [arg for pair in defaults.items() for arg in pair] + options
    result = run("participants", "add", *argv)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"mentordesk: error: {field}: ")
    assert row_counts(db_file) == before


@pytest.mark.parametrize(("options", "field"), BAD_PARTICIPANT_INPUT)
def test_bad_edit_is_refused_and_changes_nothing(
        run: Run, db_file: Path, options: list[str], field: str) -> None:
    add(run, "Sam Silva", "sam@example.org")
    person = add(run, "Jia Chen", "jia@example.org", "--timezone", "Europe/London")
    before = row_counts(db_file)
    result = run("participants", "edit", "jia@example.org", *options)
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"mentordesk: error: {field}: ")
    assert row_counts(db_file) == before
    assert run("participants", "show", "jia@example.org", "--json").json() == person


def test_malformed_email_message_quotes_the_input(run: Run) -> None:
    result = run("participants", "add", "--name", "Bob", "--email", "bob@")
    assert result.err.startswith("mentordesk: error: email: 'bob@' is not a valid email address")


def test_several_bad_fields_are_named_on_one_line(run: Run, db_file: Path) -> None:
    result = run("participants", "add", "--name", "", "--email", "x@", "--timezone", "Mars")
    assert result.code == 1
    [line] = result.err.splitlines()
    assert "name: is required" in line
    assert "email: " in line
    assert "timezone: 'Mars' is not a known time zone" in line
    assert row_counts(db_file)["participant"] == 0


@pytest.mark.parametrize(("options", "field"), [
    pytest.param(["--start", "01/02/2026"], "start", id="bad-date"),
    pytest.param(["--start", "2026-05-01", "--end", "2026-04-01"], "end", id="end-before-start"),
    pytest.param(["--duration", "long"], "duration", id="non-numeric-duration"),
    pytest.param(["--duration", "2"], "duration", id="duration-too-short"),
    pytest.param(["--kpi", "Attrition|low|%"], "kpi", id="kpi-target-not-a-number"),
    pytest.param(["--kpi", "Attrition"], "kpi", id="kpi-without-target"),
    pytest.param(["--kpi", "Attrition|8|%|No such objective"], "kpi", id="kpi-unknown-objective"),
    pytest.param(["--objective", "|goal only"], "objective", id="objective-without-title"),
    pytest.param(["--coordinator-email", "alex@"], "coordinator-email", id="bad-coordinator"),
])
def test_bad_programme_input_is_refused_naming_the_field(
        run: Run, db_file: Path, options: list[str], field: str) -> None:
    assert run("programme", "create", "Existing").code == 0
    before = row_counts(db_file)
    for command in (["create", "New"], ["edit", "Existing"]):
        result = run("programme", *command, *options)
        assert result.code == 1, command
        assert result.out == ""
        [line] = result.err.splitlines()
        assert line.startswith(f"mentordesk: error: {field}: "), line
        assert row_counts(db_file) == before


def test_programme_names_must_be_given_and_unique(run: Run, db_file: Path) -> None:
    assert run("programme", "create", "Pilot").code == 0
    before = row_counts(db_file)
    for name in ("  ", "PILOT"):
        result = run("programme", "create", name)
        assert result.code == 1
        assert result.err.startswith("mentordesk: error: name: ")
    assert row_counts(db_file) == before


@pytest.mark.parametrize("argv", [
    pytest.param(["participants", "add", "--email", "a@example.org"], id="missing-name"),
    pytest.param(["participants", "add", "--name", "A", "--email", "a@example.org",
                  "--role", "boss"], id="unknown-role"),
    pytest.param(["participants", "frobnicate"], id="unknown-action"),
    pytest.param(["programme", "create", "P", "--format", "solo"], id="unknown-format"),
    pytest.param([], id="no-command"),
])
def test_usage_errors_exit_2(run: Run, db_file: Path, argv: list[str]) -> None:
    result = run(*argv)
    assert result.code == 2
    assert "usage: mentordesk" in result.err
    assert not db_file.exists()


def test_unknown_participant_is_one_clear_error(run: Run) -> None:
    result = run("participants", "show", "nobody@example.org")
    assert result.code == 1
    assert result.err == "mentordesk: error: There is no participant with email " \
                         "nobody@example.org.\n"


def test_help_says_no_sub_command_starts_the_app(run: Run) -> None:
    result = run("--help", db=None)
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "with no sub-command to start the app" in text
    for command in ("programme", "participants", "demo", "db"):
        assert command in text


# --------------------------------------------------------------------------- demo


def test_demo_loads_into_an_empty_database(run: Run) -> None:
    result = run("demo")
    assert result.code == 0, result.err
    rows = run("participants", "list", "--json").json()
    assert isinstance(rows, list)
    departments = {row["department"] for row in rows}
    assert 70 <= len(rows) <= 90
    assert len(departments) == 6
    assert f"{len(rows)} participants in 6 departments" in result.out
    programmes = run("programme", "list", "--json").json()
    assert isinstance(programmes, list)
    assert len(programmes) == 1
    assert programmes[0]["kpis"]


def test_demo_refuses_a_database_with_data(run: Run, db_file: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    before = row_counts(db_file)
    result = run("demo")
    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith("mentordesk: error: ")
    assert "empty database" in line
    assert row_counts(db_file) == before


# --------------------------------------------------------------------------- db


def test_db_backup_is_private_and_holds_the_data(run: Run) -> None:
    add(run, "Sam Silva", "sam@example.org")
    result = run("db", "backup")
    assert result.code == 0
    backup = Path(result.out.strip())
    assert backup.is_file()
    if os.name == "posix":
        assert backup.stat().st_mode & 0o777 == 0o600
    assert row_counts(backup)["participant"] == 1
    listed = run("db", "backups", "--json").json()
    assert isinstance(listed, list)
    assert str(backup) in [b["path"] for b in listed]
    assert "manual" in run("db", "backups").out


def test_db_check_ok_and_damaged(run: Run, tmp_path: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    result = run("db", "check")
    assert (result.code, result.out, result.err) == (0, "ok\n", "")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    bad = run("db", "check", db=damaged)
    assert bad.code == 1
    assert bad.err.startswith("mentordesk: error: ")
    missing = run("db", "check", db=tmp_path / "missing.sqlite3")
    assert missing.code == 1
    assert "There is no database" in missing.err
    assert not (tmp_path / "missing.sqlite3").exists()


def test_db_info_json(run: Run, db_file: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    add(run, "Jia Chen", "jia@example.org")
    info = run("db", "info", "--json").json()
    assert isinstance(info, dict)
    assert info["path"] == str(db_file)
    assert info["size"] > 0
    assert info["schema"] == known_revisions()[0]
    assert info["journal_mode"] == "wal"
    assert info["row_counts"]["participant"] == 2
    assert info["backups"] >= 1
    assert info["last_backup"] is not None
    text = run("db", "info").out
    assert str(db_file) in text
    assert "participant" in text


def test_db_restore_round_trip(run: Run) -> None:
    add(run, "Sam Silva", "sam@example.org")
    backup = run("db", "backup").out.strip()
    add(run, "Jia Chen", "jia@example.org")
    restored = run("db", "restore", backup)
    assert restored.code == 0, restored.err
    assert "pre-restore" in restored.out  # the replaced content was kept
    assert emails(run) == ["sam@example.org"]


def test_db_restore_refuses_a_missing_backup(run: Run, tmp_path: Path, db_file: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    result = run("db", "restore", str(tmp_path / "nope.sqlite3"))
    assert result.code == 1
    assert result.err.startswith("mentordesk: error: There is no backup")
    assert emails(run) == ["sam@example.org"]


# --------------------------------------------------------------------------- where the db is


def test_db_option_before_and_after_the_sub_command(run: Run, tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    before = run("--db", str(first), "participants", "add", "--name", "A",
                 "--email", "a@example.org", db=None)
    after = run("participants", "add", "--name", "B", "--email", "b@example.org",
                "--db", str(second), db=None)
    assert (before.code, after.code) == (0, 0)
    assert emails(run, db=first) == ["a@example.org"]
    assert emails(run, db=second) == ["b@example.org"]
    # Given both ways, the one after the sub-command wins.
    both = run("--db", str(first), "participants", "list", "--json", "--db", str(second),
               db=None)
    assert [p["email"] for p in json.loads(both.out)] == ["b@example.org"]


def test_mentordesk_db_environment_variable(run: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = tmp_path / "env" / "people.sqlite3"
    monkeypatch.setenv("MENTORDESK_DB", str(from_env))
    result = run("participants", "add", "--name", "A", "--email", "a@example.org", db=None)
    assert result.code == 0
    assert row_counts(from_env)["participant"] == 1
    assert not (tmp_path / "data").exists()  # the default database was not used
    explicit = tmp_path / "explicit.sqlite3"
    assert emails(run, db=explicit) == []  # --db beats the environment
    assert emails(run, db=None) == ["a@example.org"]


# --------------------------------------------------------------------------- processes


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def test_cli_in_a_subprocess_never_imports_pyside6(run: Run, db_file: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mentordesk", "participants", "list",
         "--db", str(db_file)],
        capture_output=True, text=True, cwd=REPO, env=_env(), timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sam@example.org" in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")]
    assert "mentordesk.cli" in imported  # the import log really is being read
    qt = [m for m in imported if m.split(".")[0] in ("PySide6", "shiboken6")]
    assert qt == []


HOLDER = """
import sys
from pathlib import Path
from mentordesk.db import Database

db = Database.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.read()  # hold the database until the test closes our stdin
db.close()
"""


def test_database_held_by_another_process(run: Run, db_file: Path, tmp_path: Path) -> None:
    add(run, "Sam Silva", "sam@example.org")
    backup = run("db", "backup").out.strip()
    before = row_counts(db_file)
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(db_file)], cwd=REPO, env=_env(),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "ready"
            for argv in (["participants", "list"],
                         ["participants", "add", "--name", "B", "--email", "b@example.org"],
                         ["db", "restore", backup]):
                result = run(*argv)
                assert result.code == 1, argv
                [line] = result.err.splitlines()
                assert line.startswith("mentordesk: error: ")
                assert f"process {holder.pid}" in line
        finally:
            holder.stdin.close()
            holder.wait(timeout=60)
    assert holder.returncode == 0
    assert row_counts(db_file) == before
