"""Helpers shared by the GUI tests."""

from __future__ import annotations

from unittest.mock import Mock

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.ui.main_window import MainWindow


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
