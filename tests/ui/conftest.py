"""Fixtures for the GUI tests: offscreen Qt, isolated settings, a fresh database, no real dialogs.

Every modal question goes through :mod:`mentordesk.ui.prompts`; here each of those functions
is replaced by a ``create_autospec`` mock that fails the test if it is called unexpectedly.
A test that expects a prompt sets its ``return_value`` (or clears its ``side_effect``).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import create_autospec

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.services.demo import load_demo
from mentordesk.ui import prompts as prompts_module
from mentordesk.ui.main_window import MainWindow
from tests.ui.helpers import make_window

# The offscreen platform cannot resize windows to their size hints, raise them or grab the
# keyboard (for popups such as a completer), and says so as warnings; they are about the
# test platform, not about MentorDesk. Every other Qt warning still fails the test.
OFFSCREEN_NOISE = r"^This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore the offscreen platform's own warning in every GUI test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> None:
    """QSettings made anywhere (including by app.main) write under the test's directory."""
    folder = str(tmp_path / "settings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """The settings object handed to the main window."""
    return QSettings(str(tmp_path / "settings" / "mentordesk.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def prompts(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Every prompt replaced by an autospec mock that fails the test unless expected."""
    mocks = {}
    for name, function in inspect.getmembers(prompts_module, inspect.isfunction):
        if function.__module__ != prompts_module.__name__:
            continue
        mock = create_autospec(function, side_effect=AssertionError(f"unexpected prompt: {name}"))
        monkeypatch.setattr(prompts_module, name, mock)
        mocks[name] = mock
    return SimpleNamespace(**mocks)


@pytest.fixture
def fresh_db(db_path: Path) -> Iterator[Database]:
    """An empty, migrated database (the window closes it; closed here if it did not)."""
    database = Database.open(db_path)
    yield database
    database.close(backup=False)  # a no-op if the window already closed it


@pytest.fixture
def demo_db(fresh_db: Database) -> Database:
    """A database holding the demo programme (loaded directly: setup, not under test)."""
    with fresh_db.Session.begin() as session:
        load_demo(session)
    return fresh_db


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, settings: QSettings) -> MainWindow:
    """The main window on the demo database."""
    return make_window(qtbot, demo_db, settings)


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_db: Database, settings: QSettings) -> MainWindow:
    """The main window on the demo database, closed and opened again read-only."""
    demo_db.close(backup=False)
    return make_window(qtbot, Database.open(demo_db.path, read_only=True), settings)


@pytest.fixture
def empty_window(qtbot: QtBot, fresh_db: Database, settings: QSettings) -> MainWindow:
    """The main window on an empty database."""
    return make_window(qtbot, fresh_db, settings)
