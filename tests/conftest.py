"""Shared fixtures: every test gets its own data directory and a fresh database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must never need a screen in tests; set before any test module imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the platform data directory and MENTORDESK_DB away from the real user's."""
    monkeypatch.setenv("MENTORDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MENTORDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database lives (not created yet)."""
    return tmp_path / "programme" / "mentordesk.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[object]:
    """A fresh, migrated database, closed after the test."""
    from mentordesk.db import Database

    database = Database.open(db_path)
    yield database
    database.close(backup=False)
