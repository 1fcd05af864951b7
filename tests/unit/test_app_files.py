"""Every file the app reads at run time is found from one root, from source and frozen."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from alembic.util.exc import CommandError

from mentordesk import paths
from mentordesk.db import Database
from mentordesk.migrations import HEAD_REVISION

ROOT = Path(__file__).resolve().parents[2]


def test_from_source_the_files_are_in_the_checkout() -> None:
    assert paths.app_root() == ROOT
    assert paths.resource_path("icons", "mentordesk.svg").is_file()
    assert (paths.migrations_path() / "env.py").is_file()


def test_frozen_everything_is_found_in_the_bundle_and_only_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The layout installers/mentordesk.spec gives a bundle: resources/ and
    # mentordesk/migrations/ under sys._MEIPASS.
    bundle = tmp_path / "_internal"
    shutil.copytree(ROOT / "resources" / "handbooks", bundle / "resources" / "handbooks")
    shutil.copytree(ROOT / "mentordesk" / "migrations", bundle / "mentordesk" / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.app_root() == bundle
    assert paths.resource_path("handbooks", "mentor.md") == (
        bundle / "resources" / "handbooks" / "mentor.md")
    # A new database is migrated by the bundle's copy of the scripts...
    db = Database.open(tmp_path / "frozen.sqlite3", backups=False)
    db.close(backup=False)
    with sqlite3.connect(tmp_path / "frozen.sqlite3") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            HEAD_REVISION,)
    # ...and a bundle without them fails, rather than quietly using the source checkout's.
    shutil.rmtree(bundle / "mentordesk" / "migrations")
    with pytest.raises(CommandError, match="migrations"):
        Database.open(tmp_path / "second.sqlite3", backups=False)
