"""Storage that never loses data: PRAGMAs, file modes, locking, crashes, backups, restore."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentordesk import db as dbmod
from mentordesk.db import (
    Database,
    backup_database,
    backups_to_keep,
    integrity_problems,
    list_backups,
    private_output,
    restore_backup,
)
from mentordesk.errors import (
    BackupError,
    DatabaseError,
    DatabaseInUseError,
    DatabaseTooNewError,
)
from mentordesk.models import Participant
from mentordesk.services.participants import ParticipantData, add_participant

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and signals")


def _add(db: Database, email: str) -> None:
    with db.Session.begin() as s:
        add_participant(s, ParticipantData(full_name=email.split("@")[0], email=email))


def _emails(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT email FROM participant")}
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- connection


def test_every_connection_has_the_safety_pragmas(db: Database) -> None:
    with db.engine.connect() as conn:
        values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert values == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": dbmod.BUSY_TIMEOUT_MS}


def test_network_share_uses_rollback_journal(db_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "is_network_path", lambda _p: True)
    database = Database.open(db_path)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        database.close(backup=False)


def test_failed_action_writes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.Session.begin() as s:
        add_participant(s, ParticipantData(full_name="A", email="a@example.org"))
        raise RuntimeError("the user's action failed halfway")
    with db.Session() as s:
        assert s.scalar(select(func.count(Participant.id))) == 0


# --------------------------------------------------------------------------- file modes


@posix_only
def test_database_wal_shm_lock_and_backups_are_owner_only(db: Database) -> None:
    _add(db, "a@example.org")
    info = db.backup()
    files = [p for p in dbmod.sidecar_files(db.path) if p.exists()]
    assert {p.name[len(db.path.name):] for p in files} >= {"", "-wal", "-shm"}
    for path in [*files, db.path.with_name(db.path.name + ".lock"), info.path]:
        assert _mode(path) == 0o600, path
    assert _mode(info.path.parent) == 0o700


@posix_only
def test_existing_loose_database_is_tightened_on_open(db_path: Path) -> None:
    Database.open(db_path).close(backup=False)
    os.chmod(db_path, 0o644)
    Database.open(db_path).close(backup=False)
    assert _mode(db_path) == 0o600


@posix_only
def test_exports_are_owner_only_and_never_half_written(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.csv"
    with private_output(target) as handle:
        handle.write(b"ok")
    assert _mode(target) == 0o600
    assert target.read_bytes() == b"ok"
    with pytest.raises(OSError), private_output(target) as handle:
        handle.write(b"partial")
        raise OSError("disk full")
    assert target.read_bytes() == b"ok"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.csv"]


# --------------------------------------------------------------------------- versions


def test_database_from_a_newer_mentordesk_is_refused_untouched(db_path: Path) -> None:
    Database.open(db_path).close(backup=False)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = _sha(db_path)
    with pytest.raises(DatabaseTooNewError, match="newer version of MentorDesk"):
        Database.open(db_path)
    assert _sha(db_path) == before
    assert list_backups(db_path) == []


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a MentorDesk one"):
        Database.open(path)


def test_garbage_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError):
        Database.open(path)


# --------------------------------------------------------------------------- lock

_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from mentordesk.db import Database
    db = Database.open(Path(sys.argv[1]), backups=False)
    print("ready", flush=True)
    time.sleep(60)
""")


def _start_holder(db_path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db_path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_second_instance_is_refused_naming_the_holder_then_read_only_works(
        db_path: Path) -> None:
    Database.open(db_path).close(backup=False)
    holder = _start_holder(db_path)
    try:
        with pytest.raises(DatabaseInUseError) as info:
            Database.open(db_path)
        assert str(holder.pid) in str(info.value)
        assert info.value.holder["pid"] == holder.pid
        reader = Database.open(db_path, read_only=True)
        try:
            with reader.Session() as s:
                assert s.scalar(select(func.count(Participant.id))) == 0
            with pytest.raises(Exception, match=r"readonly|read-only|query_only"), \
                    reader.Session.begin() as s:
                add_participant(s, ParticipantData(full_name="A", email="a@example.org"))
        finally:
            reader.close()
    finally:
        holder.kill()
        holder.communicate()


@posix_only
def test_lock_left_by_a_killed_process_is_taken_over(db_path: Path) -> None:
    Database.open(db_path).close(backup=False)
    holder = _start_holder(db_path)
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    assert db_path.with_name(db_path.name + ".lock").exists()
    database = Database.open(db_path)
    database.close(backup=False)


# --------------------------------------------------------------------------- crashes

_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from mentordesk.db import Database
    from mentordesk.services.participants import ParticipantData, add_participant
    db = Database.open(Path(sys.argv[1]), backups=False)
    start = int(sys.argv[2])
    print("ready", flush=True)
    for i in range(start, start + 100000):
        with db.Session.begin() as s:
            add_participant(s, ParticipantData(full_name=f"P{i}", email=f"p{i}@example.org",
                                               skills=(), languages=("English",)))
        print(i, flush=True)  # printed only after the commit returned
""")


@posix_only
@pytest.mark.slow
def test_killed_mid_commit_twenty_times_loses_nothing_confirmed(db_path: Path) -> None:
    Database.open(db_path).close(backup=False)
    confirmed: set[int] = set()
    rng = random.Random(7)
    next_id = 0
    for _round in range(20):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(db_path), str(next_id)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        confirmed |= {int(line) for line in out.split()}
        next_id += 100000
        assert integrity_problems(db_path) == []
        stored = {int(e[1:].split("@")[0]) for e in _emails(db_path)}
        assert confirmed <= stored
    assert len(confirmed) > 20  # the writer really was committing when killed


# --------------------------------------------------------------------------- backups


def test_backup_and_restore_round_trip(db_path: Path) -> None:
    database = Database.open(db_path)
    _add(database, "first@example.org")
    saved = database.backup()
    _add(database, "second@example.org")
    database.close(backup=False)

    safety = restore_backup(db_path, saved.path)

    assert _emails(db_path) == {"first@example.org"}
    assert _emails(safety.path) == {"first@example.org", "second@example.org"}
    database = Database.open(db_path)  # opens and works after a restore
    _add(database, "third@example.org")
    database.close(backup=False)
    assert _emails(db_path) == {"first@example.org", "third@example.org"}


def test_damaged_backup_is_refused_and_database_untouched(db_path: Path,
                                                         tmp_path: Path) -> None:
    database = Database.open(db_path)
    _add(database, "keep@example.org")
    saved = database.backup()
    database.close(backup=False)
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(saved.path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # overwrite a b-tree page
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(db_path, damaged)
    assert _emails(db_path) == {"keep@example.org"}


def test_backup_is_a_consistent_checked_copy_while_open(db: Database) -> None:
    for i in range(50):
        _add(db, f"p{i}@example.org")
    info = db.backup()
    assert integrity_problems(info.path) == []
    assert len(_emails(info.path)) == 50
    assert info.reason == "manual"
    assert list_backups(db.path)[0].path == info.path


def test_automatic_backups_on_close_and_on_open_only_when_changed(db_path: Path) -> None:
    database = Database.open(db_path)
    _add(database, "a@example.org")
    database.close()
    assert [b.reason for b in list_backups(db_path)] == ["close"]
    for _ in range(3):  # sessions that only read: no new backup
        reader = Database.open(db_path)
        with reader.Session() as s:
            assert s.scalar(select(func.count(Participant.id))) == 1
        reader.close()
    assert len(list_backups(db_path)) == 1
    con = sqlite3.connect(db_path)  # changed behind MentorDesk's back (e.g. a crash)
    con.execute("UPDATE participant SET notes='changed'")
    con.commit()
    con.close()
    Database.open(db_path).close(backup=False)
    assert [b.reason for b in list_backups(db_path)] == ["open", "close"]


def test_backup_of_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        backup_database(tmp_path / "missing.sqlite3")


def test_thinning_keeps_last_ten_daily_two_weeks_weekly_three_months() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    # Four backups a day for 200 days.
    stamps = [now - timedelta(hours=6 * i) for i in range(800)]
    keep = backups_to_keep(stamps, now)
    newest = sorted(stamps, reverse=True)
    assert set(newest[:10]) <= keep
    days = {s.date() for s in keep if now - s <= timedelta(days=14)}
    assert len(days) == 15  # today and each of the 14 days before
    assert all(now - s <= timedelta(weeks=13) for s in keep)
    weeks = {s.isocalendar()[:2] for s in keep if now - s > timedelta(days=14)}
    assert 10 <= len(weeks) <= 12
    assert len(keep) < 40


def test_thinning_removes_old_backup_files(db_path: Path) -> None:
    database = Database.open(db_path)
    _add(database, "a@example.org")
    for _ in range(14):
        database.backup()
    database.close(backup=False)
    assert len(list_backups(db_path)) == 10  # all today: the last ten are kept
