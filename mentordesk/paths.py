"""The one place that resolves MentorDesk's directories and bundled resources.

Nothing here needs Qt: the CLI and the GUI find the same database the same way.
Order of precedence for the database: ``--db PATH``, then ``MENTORDESK_DB``, then the
platform data directory (``platformdirs``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "MentorDesk"
DB_ENV_VAR = "MENTORDESK_DB"
DATA_DIR_ENV_VAR = "MENTORDESK_DATA_DIR"
DEFAULT_DB_NAME = "mentordesk.sqlite3"


def data_dir() -> Path:
    """Directory for the user's data (database and backups), created owner-only."""
    override = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(override) if override else Path(
        platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False)
    )
    ensure_private_dir(path)
    return path


def log_dir() -> Path:
    """Directory for log files and crash reports."""
    path = data_dir() / "logs"
    ensure_private_dir(path)
    return path


def default_db_path() -> Path:
    """The database used when neither ``--db`` nor ``MENTORDESK_DB`` is given."""
    return data_dir() / DEFAULT_DB_NAME


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database to open: the command-line value, the environment, or the default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(DB_ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return default_db_path()


def backup_dir_for(db_path: Path) -> Path:
    """Where the automatic and manual backups of ``db_path`` are kept: beside it, so that
    moving the folder keeps the database and its backups together."""
    return db_path.parent / f"{db_path.stem}-backups"


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) readable by the owner only where we create it."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            # A root that does not exist: on Windows an unplugged drive or an offline
            # share (Z: or //server/share), each its own parent; mkdir below reports it.
            break
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix":
            os.chmod(folder, 0o700)


def app_root() -> Path:
    """The folder the app's own files are under, wherever it runs: the PyInstaller bundle's
    folder when frozen (``sys._MEIPASS``), else the folder holding the ``mentordesk``
    package (the source checkout). Every file the app reads at run time is found from
    here, so a bundle only has to keep the same layout (installers/mentordesk.spec)."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource (fonts, icons, handbook texts, form templates)."""
    return app_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The Alembic scripts (env.py, versions/), which Alembic reads as files."""
    return app_root() / "mentordesk" / "migrations"
