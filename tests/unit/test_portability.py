"""Windows and macOS behaviour that can be checked on Linux.

Each test emulates the other platform's rule (a text-mode ``os.open``, a read-only
``fsync``, a UNC path, a case-insensitive file system) rather than the platform itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentordesk import db as dbmod
from mentordesk.db import InstanceLock, create_private_file, private_output

emulated = pytest.mark.skipif(os.name != "posix", reason="emulates Windows on a POSIX system")

# A flag bit Linux does not use, standing in for Windows' O_BINARY.
_FAKE_O_BINARY = 0x40000000


@pytest.fixture
def open_flags(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every ``os.open`` flag set, with a fake ``os.O_BINARY`` defined (as on Windows)."""
    assert not hasattr(os, "O_BINARY"), "this test emulates Windows on a POSIX system"
    seen: list[int] = []
    real_open = os.open

    def recording_open(path: object, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        seen.append(flags)
        return real_open(path, flags & ~_FAKE_O_BINARY, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "O_BINARY", _FAKE_O_BINARY, raising=False)
    monkeypatch.setattr(os, "open", recording_open)
    return seen


@emulated
def test_files_written_with_os_write_are_opened_binary(open_flags: list[int],
                                                        tmp_path: Path) -> None:
    # Without O_BINARY, Windows writes every b"\n" as b"\r\n": CSV rows end in \r\r\n
    # (a blank line between rows in Excel) and an XLSX, a zip file, is corrupt.
    with private_output(tmp_path / "export.csv") as handle:
        handle.write(b"a,b\r\n1,2\r\n")
    create_private_file(tmp_path / "marker.json")
    lock = InstanceLock(tmp_path / "x.sqlite3")
    lock.acquire()
    lock.release()
    assert len(open_flags) >= 3
    assert all(flags & _FAKE_O_BINARY for flags in open_flags), [hex(f) for f in open_flags]


@emulated
def test_backup_fsyncs_through_a_writable_handle(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows os.fsync is FlushFileBuffers, which needs write access: fsync on a file
    # opened "rb" raises OSError, and every backup (taken on open, so every start) failed.
    import errno
    import fcntl

    real_fsync = os.fsync

    def windows_fsync(fd: int) -> None:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor")
        real_fsync(fd)

    database = dbmod.Database.open(db_path)
    database.close(backup=False)
    monkeypatch.setattr(os, "fsync", windows_fsync)
    info = dbmod.backup_database(db_path, "manual")
    assert info.path.exists()


@pytest.mark.parametrize(("path", "uri"), [
    (r"C:\Users\Zoë Ng\AppData\Local\MentorDesk\mentordesk.sqlite3",
     "file:///C:/Users/Zo%C3%AB%20Ng/AppData/Local/MentorDesk/mentordesk.sqlite3"),
    (r"\\fileserver\HR share\mentoring\people.sqlite3",
     "file:////fileserver/HR%20share/mentoring/people.sqlite3"),
    (r"\\?\UNC\fileserver\hr\people.sqlite3", "file:////fileserver/hr/people.sqlite3"),
    (r"\\?\D:\very\long\people.sqlite3", "file:///D:/very/long/people.sqlite3"),
    (r"C:\HR #1\50% done.sqlite3", "file:///C:/HR%20%231/50%25%20done.sqlite3"),
])
def test_windows_paths_become_sqlite_uris_without_an_authority(path: str, uri: str) -> None:
    # Path.as_uri() gives "file://fileserver/..." for a UNC path, which SQLite (built
    # without SQLITE_ALLOW_URI_AUTHORITY, as python.org's Windows build is) refuses.
    assert dbmod.file_uri(path, windows=True) == uri


@emulated
def test_read_only_uri_opens_awkward_names(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "HR share ü" / "a #1 50% ?.sqlite3"
    path.parent.mkdir()
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    con = sqlite3.connect(dbmod.read_only_uri(path), uri=True)
    try:
        assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("CREATE TABLE u (x)")
    finally:
        con.close()
    # The UNC form puts the share in the path after an empty authority; SQLite accepts
    # that shape ("//tmp/..." is "/tmp/..." here), where "file://server/..." is an error.
    unc_shaped = "file:///" + dbmod.file_uri(str(path), windows=False)[len("file://"):]
    sqlite3.connect(unc_shaped + "?mode=ro", uri=True).close()
    with pytest.raises(sqlite3.OperationalError, match="authority"):
        sqlite3.connect("file://fileserver" + str(path) + "?mode=ro", uri=True)


def test_backups_of_a_database_whose_name_is_a_glob_pattern_are_listed(tmp_path: Path) -> None:
    db_path = tmp_path / "HR [2026].sqlite3"
    dbmod.Database.open(db_path).close(backup=False)
    info = dbmod.backup_database(db_path, "manual")
    assert [b.path for b in dbmod.list_backups(db_path)] == [info.path]


def test_backups_are_matched_caseless(tmp_path: Path) -> None:
    # macOS and Windows: "--db people.sqlite3" opens the same file as "People.sqlite3",
    # and its backups land in the same folder under the other spelling.
    db_path = tmp_path / "People.sqlite3"
    dbmod.Database.open(db_path).close(backup=False)
    info = dbmod.backup_database(db_path, "manual")
    other_spelling = info.path.with_name("people" + info.path.name[len("People"):])
    info.path.rename(other_spelling)
    backups = dbmod.list_backups(db_path)
    assert [(b.path, b.reason) for b in backups] == [(other_spelling, "manual")]


def test_user_name_without_username_variable_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python 3.11's getpass.getuser() falls back to "import pwd", which Windows lacks.
    import getpass

    def no_pwd() -> str:
        raise ModuleNotFoundError("No module named 'pwd'")

    monkeypatch.setattr(getpass, "getuser", no_pwd)
    assert dbmod._user_name() == ""


def test_cli_output_redirected_on_windows_is_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from mentordesk import cli

    # What Python 3.11 on Windows gives a stdout redirected to a file: the ANSI code page.
    out = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="cp1252", newline="")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    cli._utf8_output()
    print("Łukasz Dvořák")
    out.flush()
    assert out.buffer.getvalue().decode("utf-8") == "Łukasz Dvořák\n"  # type: ignore[attr-defined]
    assert err.encoding == "utf-8"


def test_cli_output_elsewhere_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from mentordesk import cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "stdout", out)
    cli._utf8_output()
    assert out.encoding == "latin-1"


def test_a_backup_open_elsewhere_does_not_fail_the_next_backup(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows refuses to delete a file another program holds open (WinError 32); thinning
    # runs after each backup, so that used to fail every backup, and so every open.
    from datetime import UTC, datetime, timedelta

    dbmod.Database.open(db_path).close(backup=False)
    old = dbmod.backup_database(db_path, "manual")
    stale = old.path.with_name(old.path.name.replace(
        f"{old.taken_at:%Y%m%d}", f"{old.taken_at - timedelta(days=400):%Y%m%d}"))
    old.path.rename(stale)
    for _ in range(9):  # the policy keeps the last ten whatever their age
        dbmod.backup_database(db_path, "manual")
    real_unlink = Path.unlink

    def held_open(self: Path, missing_ok: bool = False) -> None:
        if self == stale:
            raise PermissionError(13, "The process cannot access the file because it is "
                                      "being used by another process")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", held_open)
    info = dbmod.backup_database(db_path, "manual")
    assert info.path.exists() and stale.exists()
    assert dbmod.thin_backups(db_path, now=datetime.now(UTC)) == []


def test_export_over_a_file_open_in_excel_says_so(db_path: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows: os.replace onto a file Excel has open fails with "Access is denied."
    from mentordesk.errors import UserError
    from mentordesk.services.exporting import export_participants

    target = tmp_path / "people.csv"
    target.write_bytes(b"old")
    database = dbmod.Database.open(db_path)

    def denied(_src: object, _dst: object) -> None:
        raise PermissionError(13, "Access is denied.")

    monkeypatch.setattr(os, "replace", denied)
    try:
        with database.Session() as s, pytest.raises(UserError) as info:
            export_participants(s, target)
    finally:
        database.close(backup=False)
    message = str(info.value)
    assert "Access is denied. If it is open in another program such as Excel" in message
    assert ".." not in message
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_missing_drive_or_share_is_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    # On Windows the root of "Z:\data" or "\\server\share\data" may not exist (drive not
    # mapped, share offline), and a root is its own parent: the walk up never ended.
    from mentordesk import paths

    calls = 0
    real_exists = Path.exists

    def nothing_exists(self: Path) -> bool:
        nonlocal calls
        if not str(self).startswith("/offline"):
            return real_exists(self)
        calls += 1
        if calls > 100:
            raise RecursionError("ensure_private_dir walked up forever")
        return False

    def no_drive(self: Path, mode: int = 0o777, parents: bool = False,
                 exist_ok: bool = False) -> None:
        raise FileNotFoundError(3, "The system cannot find the path specified", str(self))

    monkeypatch.setattr(Path, "exists", nothing_exists)
    monkeypatch.setattr(Path, "mkdir", no_drive)
    # "/offline" stands in for the missing root, which is its own parent.
    monkeypatch.setattr(Path, "parent", property(
        lambda self: self if str(self) == "/offline" else Path(os.path.dirname(str(self)))))
    with pytest.raises(FileNotFoundError):
        paths.ensure_private_dir(Path("/offline/share/MentorDesk"))


def test_macos_share_is_found_whatever_the_case_of_the_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    mount_output = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//anna@fileserver/HR on /Volumes/HR Équipe (smbfs, nodev, nosuid, mounted by anna)\n"
    ).encode()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a, 0, stdout=mount_output, stderr=b""))
    assert dbmod.is_network_path(Path("/Volumes/HR Équipe/mentoring.sqlite3"))
    assert dbmod.is_network_path(Path("/volumes/hr équipe/mentoring.sqlite3"))
    assert not dbmod.is_network_path(Path("/Users/anna/mentoring.sqlite3"))


@pytest.mark.parametrize(("resolved", "network"), [
    (r"\\fileserver\hr\people.sqlite3", True),
    (r"\\?\UNC\fileserver\hr\people.sqlite3", True),
    ("\\\\?\\C:\\Users\\anna\\" + "a" * 250 + "\\people.sqlite3", False),
])
def test_windows_share_detection(resolved: str, network: bool,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    class Resolved:
        def resolve(self) -> str:
            return resolved

    monkeypatch.setattr(sys, "platform", "win32")
    # Off Windows there is no ctypes.windll: a drive letter then counts as local.
    assert dbmod.is_network_path(Resolved()) is network  # type: ignore[arg-type]


@emulated
def test_database_name_with_url_characters_is_the_file_written(tmp_path: Path) -> None:
    # "?" and "%" are allowed in macOS and Linux file names; a database URL built by
    # string formatting opened "HR" (cut at "?") or "HR data" (unquoted "%20") instead.
    from mentordesk.services.participants import ParticipantData, add_participant

    db_path = tmp_path / "HR%20data ?v2.sqlite3"
    database = dbmod.Database.open(db_path)
    try:
        with database.Session.begin() as s:
            add_participant(s, ParticipantData(full_name="Ana", email="ana@example.org"))
        assert str(database.engine.url.database) == str(db_path)
    finally:
        database.close(backup=False)
    names = {p.name for p in tmp_path.iterdir()}
    assert "HR data ?v2.sqlite3" not in names and "HR" not in names
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT email FROM participant").fetchall() == [("ana@example.org",)]
    finally:
        con.close()
