"""The database: engine, sessions, SQLite settings, the single-instance lock, migrations, backups.

Every SQLite-specific detail of MentorDesk lives in this module, so that the rest of the
code speaks portable SQLAlchemy and the same app can later point at PostgreSQL.

Safety rules enforced here:

* every connection sets ``busy_timeout``, ``journal_mode=WAL`` (``DELETE`` on a network
  share, where WAL's shared memory does not work), ``synchronous=FULL`` and
  ``foreign_keys=ON``; transactions are real (``BEGIN`` is issued by us, so DDL is
  transactional too);
* the database, its ``-wal``/``-shm`` files, the lock file and every backup are owner-only;
* Alembic migrations run at start-up after a backup, with foreign keys off during table
  rebuilds and row counts compared afterwards; a database written by a newer MentorDesk
  is refused and left untouched;
* backups use SQLite's online backup API, are integrity-checked, and are thinned.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import urllib.parse
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mentordesk.errors import (
    BackupError,
    DatabaseError,
    DatabaseInUseError,
    DatabaseTooNewError,
    MigrationError,
)
from mentordesk.migrations import HEAD_REVISION
from mentordesk.paths import backup_dir_for, ensure_private_dir, migrations_path

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# SQLAlchemy is imported where it is used, not here: the GUI shows its window before it
# pays for that import (see benchmarks/bench_startup.py).

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
PRIVATE_FILE_MODE = 0o600
BACKUP_SUFFIX = ".sqlite3"
_NETWORK_FS_TYPES = {
    "nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "afs", "ncpfs", "fuse.sshfs", "davfs",
    "fuse.davfs2", "webdav", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "gpfs",
}


# --------------------------------------------------------------------------- files


def _binary() -> int:
    """``os.O_BINARY`` where it exists: on Windows ``os.open`` is in text mode by default,
    so ``os.write`` would turn every ``\\n`` byte into ``\\r\\n`` (a CSV's ``\\r\\n`` into
    ``\\r\\r\\n``, and any XLSX, a zip file, into garbage)."""
    return getattr(os, "O_BINARY", 0)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only if it does not exist; tighten it if it does."""
    ensure_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _binary(), PRIVATE_FILE_MODE)
        os.close(fd)
    except FileExistsError:
        pass
    make_private(path)


def make_private(path: Path) -> None:
    """Restrict an existing file to its owner (no-op where POSIX modes do not apply)."""
    if os.name == "posix" and path.exists():
        os.chmod(path, PRIVATE_FILE_MODE)


@contextlib.contextmanager
def private_output(path: Path) -> Iterator[IO[bytes]]:
    """Write an export atomically and owner-only: a temporary file renamed over ``path``.

    Nothing is left half-written: on an error the temporary file is removed and any
    existing file at ``path`` stays as it was.
    """
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | _binary(), PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        make_private(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def sidecar_files(db_path: Path) -> list[Path]:
    """The database file and the SQLite files that live beside it."""
    return [db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal"))]


def is_network_path(path: Path) -> bool:
    """Whether ``path`` is on a network file system (where WAL must not be used)."""
    resolved = str(path.resolve())
    if sys.platform == "win32":
        if resolved.startswith("\\\\?\\") and not resolved.upper().startswith("\\\\?\\UNC\\"):
            resolved = resolved[4:]  # a long local path (\\?\C:\...) is not a share
        if resolved.startswith("\\\\"):
            return True
        try:
            import ctypes

            drive = os.path.splitdrive(resolved)[0] + "\\"
            return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return False
    mounts: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        try:
            for line in Path("/proc/mounts").read_text(
                    encoding="utf-8", errors="surrogateescape").splitlines():
                fields = line.split()
                if len(fields) >= 3:
                    mounts.append((fields[1].replace("\\040", " "), fields[2]))
        except OSError:
            return False
    elif sys.platform == "darwin":
        try:
            out = subprocess.run(["/sbin/mount"], capture_output=True, timeout=5,
                                 check=False).stdout.decode("utf-8", "surrogateescape")
        except (OSError, subprocess.SubprocessError):
            return False
        for line in out.splitlines():
            # "//user@server/share on /Volumes/share (smbfs, nodev, ...)"
            if " on " in line and "(" in line:
                point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
                fstype = line.rsplit("(", 1)[1].split(",")[0].strip(" )")
                mounts.append((point, fstype))
    if sys.platform == "darwin":  # APFS and HFS+ ignore case: /volumes/HR is /Volumes/HR
        resolved = resolved.casefold()
        mounts = [(point.casefold(), fstype) for point, fstype in mounts]
    best = ("", "")
    for point, fstype in mounts:
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best[0]):
            best = (point, fstype)
    return best[1].lower() in _NETWORK_FS_TYPES


def read_only_uri(path: Path) -> str:
    """An SQLite ``file:`` URI opening ``path`` read-only, whatever the path holds.

    ``Path.as_uri()`` is not enough: it makes ``\\\\server\\share\\x`` (a network share,
    or a mapped drive once resolved) into ``file://server/share/x``, and SQLite refuses
    any authority but ``localhost`` ("invalid uri authority").
    """
    return file_uri(str(path.resolve()), windows=sys.platform == "win32") + "?mode=ro"


def file_uri(path: str, *, windows: bool) -> str:
    """``file:`` URI of an absolute ``path`` as SQLite parses it: empty authority, the
    path percent-encoded (spaces, ``%``, ``?``, ``#``, non-ASCII), a Windows drive as
    ``/C:/...`` and a UNC path as ``//server/share/...``."""
    if windows:
        path = path.replace("\\", "/")
        if path.startswith("//?/UNC/"):
            path = "//" + path[len("//?/UNC/"):]
        elif path.startswith("//?/"):
            path = path[len("//?/"):]
        if not path.startswith("/"):
            path = "/" + path
    raw = path.encode("utf-8", "surrogateescape")  # undecodable POSIX names too
    return "file://" + urllib.parse.quote_from_bytes(raw, safe="/:")


# --------------------------------------------------------------------------- lock


class InstanceLock:
    """An OS-level lock beside the database, so two MentorDesks never write one file.

    The OS releases the lock when the holder dies, so a lock left by a killed process is
    simply taken over. The lock file also records who holds it, for the refusal message.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`DatabaseInUseError` naming the holder."""
        create_private_file(self.path)
        fd = os.open(self.path, os.O_RDWR | _binary())
        if not _try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise DatabaseInUseError(str(self.path.with_suffix("")), holder)
        info = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "user": _user_name(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(info).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        """Give the lock back (the file stays; its content is stale until the next holder)."""
        if self._fd is None:
            return
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None


_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far past the holder text.


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_holder(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        data = json.loads(os.read(fd, 4096).decode() or "{}")
    except (ValueError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no USERNAME on Windows: no pwd module there
        return ""


# --------------------------------------------------------------------------- engine


def _install_sqlite_settings(engine: Engine, *, read_only: bool, network: bool) -> None:
    """Per-connection PRAGMAs, and real transactions (pysqlite's own are not)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Autocommit at the driver level; we emit BEGIN ourselves (SQLAlchemy's recipe),
        # which also makes PRAGMA foreign_keys effective (it is ignored inside a transaction).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not read_only:
            mode = "DELETE" if network else "WAL"
            cur.execute(f"PRAGMA journal_mode={mode}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``db_path`` with MentorDesk's connection settings."""
    from sqlalchemy import URL, create_engine

    network = is_network_path(db_path)
    if read_only:
        uri = read_only_uri(db_path)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        engine = create_engine("sqlite+pysqlite://", creator=connect)
    else:
        create_private_file(db_path)
        # URL.create, not an f-string: the URL parser unquotes "%20" and cuts at "?",
        # both of which a macOS or Linux file name may hold.
        engine = create_engine(
            URL.create("sqlite+pysqlite", database=str(db_path)),
            connect_args={"check_same_thread": False},
        )
    _install_sqlite_settings(engine, read_only=read_only, network=network)
    return engine


# --------------------------------------------------------------------------- migrations


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> tuple[str, set[str]]:
    """The head revision of this MentorDesk and every revision it knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    heads = script.get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0], {rev.revision for rev in script.walk_revisions()}


def _peek(db_path: Path) -> tuple[str | None, list[str]]:
    """Read the schema revision and table names without changing the file in any way."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None, []
    try:
        con = sqlite3.connect(read_only_uri(db_path), uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open {db_path}: {exc}") from exc
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"{db_path} is not a MentorDesk database or is damaged ({exc})."
        ) from exc
    finally:
        con.close()
    return revision, tables


def schema_state(db_path: Path) -> str:
    """``"empty"``, ``"current"``, ``"old"``; raises if too new or not ours."""
    revision, tables = _peek(db_path)
    if revision == HEAD_REVISION:
        return "current"  # the common case, without loading Alembic
    head, known = known_revisions()
    if revision is None:
        if tables:
            raise DatabaseError(
                f"{db_path} is an SQLite database but not a MentorDesk one; it was not changed."
            )
        return "empty"
    if revision not in known:
        raise DatabaseTooNewError(
            f"{db_path} was written by a newer version of MentorDesk (schema {revision}). "
            "Install the newer MentorDesk to open it; the file was not changed."
        )
    return "current" if revision == head else "old"


def _row_counts(conn: Any) -> dict[str, int]:
    from sqlalchemy import inspect

    names = inspect(conn).get_table_names()
    return {n: conn.exec_driver_sql(f'SELECT count(*) FROM "{n}"').scalar_one()
            for n in names if n != "alembic_version"}


def _explicit_indexes(conn: Any) -> set[str]:
    """Indexes created by the schema (not SQLite's automatic ones)."""
    return {r[0] for r in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")}


def upgrade_schema(engine: Engine, target: str = "head") -> None:
    """Run Alembic migrations in one transaction, foreign keys off, row counts checked.

    With foreign keys on, a batch migration's ``DROP TABLE`` of the old copy cascades and
    silently deletes child rows; so they are off while it runs, then every foreign key is
    checked and every table must still hold as many rows as before.
    """
    from alembic import command

    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # Must run outside a transaction, where SQLite honours it: on the driver directly.
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                before = _row_counts(conn)
                indexes_before = _explicit_indexes(conn)
                with warnings.catch_warnings():
                    # Batch rebuilds cannot reflect expression indexes; we check below
                    # that every index is still there instead.
                    warnings.filterwarnings("ignore", message=".*expression-based index.*")
                    command.upgrade(_alembic_config(conn), target)
                lost_indexes = indexes_before - _explicit_indexes(conn)
                if lost_indexes:
                    raise MigrationError(
                        "The upgrade would have dropped the indexes "
                        f"{', '.join(sorted(lost_indexes))}; it was rolled back."
                    )
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(
                        f"The upgrade left {len(broken)} broken references; it was rolled back."
                    )
                after = _row_counts(conn)
                lost = {t: (n, after[t]) for t, n in before.items()
                        if t in after and after[t] != n}
                if lost:
                    detail = ", ".join(f"{t}: {a} → {b}" for t, (a, b) in lost.items())
                    raise MigrationError(
                        f"The upgrade changed row counts ({detail}); it was rolled back."
                    )
        except MigrationError:
            raise
        except Exception as exc:
            # The type and place only: a driver's message can quote row values (HR data).
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
            log.error("schema upgrade failed: %s at %s", type(exc).__name__, where)
            raise MigrationError(
                f"The database could not be upgraded ({type(exc).__name__}); it was rolled "
                "back and is unchanged, and a backup was kept."
            ) from exc
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


# --------------------------------------------------------------------------- backups


@dataclass(frozen=True)
class BackupInfo:
    """A backup file of a database."""

    path: Path
    taken_at: datetime
    reason: str
    size: int


def _fingerprint(db_path: Path) -> list[int]:
    """Changes when data is written: the main file on checkpoint, the WAL's size before.

    The WAL's modification time is left out: merely opening and closing the database
    touches it.
    """
    st = db_path.stat()
    try:
        wal = db_path.with_name(db_path.name + "-wal").stat().st_size
    except FileNotFoundError:
        wal = 0
    return [st.st_size, st.st_mtime_ns, wal]


def _marker(db_path: Path) -> Path:
    return backup_dir_for(db_path) / ".last-backup.json"


def changed_since_last_backup(db_path: Path) -> bool:
    """Whether the database files differ from when the last backup was taken."""
    try:
        recorded = json.loads(_marker(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return bool(recorded != _fingerprint(db_path))


def integrity_problems(db_path: Path) -> list[str]:
    """What ``integrity_check`` and ``foreign_key_check`` find; empty when all is well."""
    try:
        con = sqlite3.connect(read_only_uri(db_path), uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open: {exc}"]
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [f"broken reference in {r[0]} row {r[1]} to {r[2]}"
                     for r in con.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        problems = [f"not a database or damaged: {exc}"]
    finally:
        con.close()
    return problems


def backup_database(db_path: Path, reason: str = "manual",
                    dest_dir: Path | None = None) -> BackupInfo:
    """Copy the live database with SQLite's backup API into an owner-only, checked file."""
    if not db_path.exists():
        raise BackupError(f"There is no database at {db_path} to back up.")
    dest_dir = dest_dir or backup_dir_for(db_path)
    ensure_private_dir(dest_dir)
    now = datetime.now(UTC)
    name = f"{db_path.stem}-{now:%Y%m%d-%H%M%S-%f}-{reason}{BACKUP_SUFFIX}"
    final = dest_dir / name
    tmp = dest_dir / f".{name}.part"
    try:
        # The backup API creates files 0644; create it owner-only first.
        create_private_file(tmp)
        src = sqlite3.connect(read_only_uri(db_path), uri=True)
        try:
            src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        problems = integrity_problems(tmp)
        if problems:
            raise BackupError(f"The backup failed its integrity check: {problems[0]}")
        # Writable: on Windows fsync (FlushFileBuffers) fails on a read-only handle.
        with open(tmp, "r+b") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        make_private(final)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise BackupError(f"Could not back up {db_path} to {dest_dir}: {exc}") from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if dest_dir == backup_dir_for(db_path):
        marker = _marker(db_path)
        create_private_file(marker)
        marker.write_text(json.dumps(_fingerprint(db_path)), encoding="utf-8")
        thin_backups(db_path, now=now)
    return BackupInfo(final, now, reason, final.stat().st_size)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of ``db_path``, newest first."""
    folder = backup_dir_for(db_path)
    found: list[BackupInfo] = []
    if not folder.exists():
        return found
    # Not glob(): a stem like "HR [2026]" is a glob pattern; and compared caseless, since
    # on macOS and Windows "People.sqlite3" and "people.sqlite3" are one file, one folder.
    prefix = db_path.stem + "-"
    for p in folder.iterdir():
        if (p.name[:len(prefix)].casefold() != prefix.casefold()
                or not p.name.endswith(BACKUP_SUFFIX)):
            continue
        rest = p.name[len(prefix):-len(BACKUP_SUFFIX)]
        try:
            stamp = datetime.strptime(rest[:22], "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(BackupInfo(p, stamp, rest[23:], p.stat().st_size))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def backups_to_keep(stamps: list[datetime], now: datetime, *, last: int = 10,
                    daily_days: int = 14, weekly_weeks: int = 13) -> set[datetime]:
    """The thinning policy: the last ``last``, one a day for two weeks, one a week for 13."""
    ordered = sorted(stamps, reverse=True)
    keep = set(ordered[:last])
    days: set[Any] = set()
    weeks: set[Any] = set()
    for stamp in ordered:  # newest first, so the newest of each day/week is kept
        age = now - stamp
        if age <= timedelta(days=daily_days) and stamp.date() not in days:
            days.add(stamp.date())
            keep.add(stamp)
        week = stamp.isocalendar()[:2]
        if age <= timedelta(weeks=weekly_weeks) and week not in weeks:
            weeks.add(week)
            keep.add(stamp)
    return keep


def thin_backups(db_path: Path, now: datetime | None = None) -> list[Path]:
    """Delete the backups the policy does not keep; returns what was deleted."""
    backups = list_backups(db_path)
    keep = backups_to_keep([b.taken_at for b in backups], now or datetime.now(UTC))
    removed = []
    for b in backups:
        if b.taken_at not in keep:
            try:
                b.path.unlink(missing_ok=True)
            except OSError as exc:
                # On Windows a file another program has open cannot be deleted (WinError
                # 32); the backup just taken is good, so try again at the next one.
                log.warning("could not delete old backup %s: %s", b.path.name, exc.strerror)
                continue
            removed.append(b.path)
    return removed


def restore_backup(db_path: Path, backup_path: Path) -> BackupInfo:
    """Replace the database's content with a backup's, after checking it and backing up.

    The database must not be open in this process. Returns the safety backup taken of the
    current file before it was replaced.
    """
    if not backup_path.exists():
        raise BackupError(f"There is no backup at {backup_path}.")
    problems = integrity_problems(backup_path)
    if problems:
        raise BackupError(
            f"{backup_path.name} is damaged ({problems[0]}); the database was not changed."
        )
    schema_state(backup_path)  # refuses a backup from a newer MentorDesk or a foreign file
    safety = backup_database(db_path, "pre-restore") if db_path.exists() else None
    create_private_file(db_path)
    try:
        src = sqlite3.connect(read_only_uri(backup_path), uri=True)
        dst = sqlite3.connect(db_path)
        try:
            dst.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            src.backup(dst)  # one transaction on the destination: all or nothing
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Could not restore {backup_path.name}: {exc}") from exc
    for p in sidecar_files(db_path):
        make_private(p)
    return safety or BackupInfo(db_path, datetime.now(UTC), "none", 0)


def _compact_sqlite(raw: Any, db_path: Path) -> None:
    """Checkpoint, VACUUM and checkpoint on a driver connection in autocommit mode."""

    def checkpoint() -> None:
        busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise DatabaseError(
                f"{db_path.name} is in use by another window or process, so its journal "
                "could not be emptied; close it there and try again."
            )

    # VACUUM refuses to run inside a transaction; the driver is in autocommit (see
    # _install_sqlite_settings), and this connection has not begun one.
    raw.execute("PRAGMA temp_store=MEMORY")
    try:
        checkpoint()
        raw.execute("VACUUM")
        checkpoint()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Could not compact {db_path.name}: {exc}") from exc
    finally:
        raw.execute("PRAGMA temp_store=DEFAULT")


# --------------------------------------------------------------------------- database


@dataclass(frozen=True)
class DatabaseInfo:
    """What ``mentordesk db info`` shows."""

    path: Path
    size: int
    schema: str | None
    journal_mode: str
    row_counts: dict[str, int]
    backups: int
    last_backup: datetime | None


class Database:
    """An open MentorDesk database: lock held, backed up, migrated, ready for sessions.

    Use :meth:`open`; then ``with db.Session.begin() as session: ...`` for one transaction
    (one user action), and :meth:`close` at the end.
    """

    def __init__(self, path: Path, engine: Engine, lock: InstanceLock | None,
                 read_only: bool) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._lock = lock
        from sqlalchemy.orm import sessionmaker

        self.Session = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, backups: bool = True) -> Database:
        """Open (creating if needed) the database at ``path``.

        Raises :class:`DatabaseInUseError` if another MentorDesk holds it,
        :class:`DatabaseTooNewError` if a newer MentorDesk wrote it.
        """
        path = Path(path)
        if read_only:
            if not path.exists():
                raise DatabaseError(f"There is no database at {path}.")
            if schema_state(path) != "current":
                raise DatabaseError(
                    f"{path} needs an upgrade, which cannot be done read-only; "
                    "open it normally once."
                )
            return cls(path, make_engine(path, read_only=True), None, True)
        lock = InstanceLock(path)
        lock.acquire()
        try:
            state = schema_state(path)
            if backups and state != "empty" and changed_since_last_backup(path):
                backup_database(path, "open")
            if state == "old" and backups:
                backup_database(path, "pre-migration")
            engine = make_engine(path)
            try:
                if state != "current":
                    upgrade_schema(engine)
                for p in sidecar_files(path):
                    make_private(p)
            except BaseException:
                engine.dispose()
                raise
        except BaseException:
            lock.release()
            raise
        return cls(path, engine, lock, False)

    def close(self, *, backup: bool = True) -> None:
        """Checkpoint, back up if anything changed, and release the lock."""
        self.engine.dispose()
        try:
            if backup and not self.read_only and changed_since_last_backup(self.path):
                backup_database(self.path, "close")
        finally:
            if self._lock:
                self._lock.release()
                self._lock = None

    def backup(self, reason: str = "manual") -> BackupInfo:
        """Back up now (the database stays open)."""
        return backup_database(self.path, reason)

    def compact(self) -> None:
        """Rewrite the file so that deleted rows leave no trace in it or in its ``-wal``.

        Checkpoints the WAL into the main file, runs ``VACUUM`` (which rebuilds every page,
        dropping the free space where deleted rows linger), and checkpoints again,
        truncating the ``-wal`` to zero bytes. Runs outside any transaction on a pooled
        connection; the temporary copy ``VACUUM`` makes is kept in memory, not in a
        temporary file. Raises :class:`DatabaseError` if another connection kept the WAL
        from being emptied (the deleted data may then still be in it).
        """
        if self.read_only:
            raise DatabaseError("The database is open read-only; it cannot be compacted.")
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            _compact_sqlite(raw, self.path)


    def info(self) -> DatabaseInfo:
        """Size, schema revision, journal mode, row counts and backups."""
        from sqlalchemy import inspect

        with self.engine.connect() as conn:
            counts = _row_counts(conn)
            mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())
            has_version = inspect(conn).has_table("alembic_version")
            schema = (conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                      if has_version else None)
        backups = list_backups(self.path)
        return DatabaseInfo(
            path=self.path,
            size=sum(p.stat().st_size for p in sidecar_files(self.path) if p.exists()),
            schema=schema,
            journal_mode=mode,
            row_counts=counts,
            backups=len(backups),
            last_backup=backups[0].taken_at if backups else None,
        )

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def session_scope(db: Database) -> contextlib.AbstractContextManager[Session]:
    """One transaction: committed on success, rolled back on any error."""
    return db.Session.begin()
