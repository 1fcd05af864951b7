"""Helpers shared by the GUI tests."""

from __future__ import annotations

from typing import TypeVar
from unittest.mock import Mock

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.services.programmes import current_programme
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.tasks import Task
from mentordesk.ui.views.base import AreaView

V = TypeVar("V", bound=AreaView)


def expect(mock: Mock, value: object = None) -> Mock:
    """Let a prompt mock be called, answering ``value``."""
    mock.side_effect = None
    mock.return_value = value
    return mock


def make_window(qtbot: QtBot, db: Database | None, settings: QSettings) -> MainWindow:
    """A shown main window on ``db``; shut down (closing its database) after the test."""
    window = MainWindow(db, settings)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    return window


def wait_for(qtbot: QtBot, task: Task, timeout: int = 20_000) -> tuple[str, object]:
    """Wait until ``task`` ends; returns ("done", result), ("failed", error) or
    ("cancelled", None), so a failure shows what went wrong rather than a bare timeout.
    """
    outcome: list[tuple[str, object]] = []
    task.done.connect(lambda result: outcome.append(("done", result)))
    task.failed.connect(lambda error: outcome.append(("failed", error)))
    task.cancelled.connect(lambda: outcome.append(("cancelled", None)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    qtbot.waitUntil(lambda: task.finished, timeout=timeout)
    assert len(outcome) == 1, outcome
    return outcome[0]


def show_area(window: MainWindow, area: str, view_type: type[V]) -> V:
    """Go to ``area`` in ``window``; its view, checked to be a ``view_type``."""
    view = window.show_area(area)
    assert isinstance(view, view_type)
    return view


def programme_id(db: Database) -> int:
    """The id of the database's current programme (there must be one)."""
    with db.Session() as session:
        programme = current_programme(session)
    assert programme is not None
    return programme.id


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A left click in the middle of ``widget``."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
