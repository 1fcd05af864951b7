"""Start-up: the window shows before the database (and SQLAlchemy) is loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import create_autospec

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from mentordesk import app
from mentordesk.db import Database
from mentordesk.services.demo import load_demo
from mentordesk.ui import crash, opening, startup_probe
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.views.placeholder_view import PendingView
from tests.ui.helpers import make_window


def test_the_gui_shell_imports_without_sqlalchemy() -> None:
    code = ("import sys, mentordesk.app\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_window_is_shown_before_the_database_opens(
        qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        prompts: SimpleNamespace) -> None:
    monkeypatch.setattr(crash, "install", create_autospec(crash.install))
    monkeypatch.setattr(app, "setup_logging", create_autospec(app.setup_logging))
    database = Database.open(db_path)
    with database.Session.begin() as s:
        load_demo(s)
    database.close()
    real_open = opening.open_database
    seen: list[tuple[bool, bool]] = []

    def open_and_record(path: Path, **kwargs: object) -> Database | None:
        window = kwargs["parent"]
        assert isinstance(window, MainWindow)
        seen.append((window.isVisible(), isinstance(window.views["participants"],
                                                    PendingView)))
        return real_open(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "open_database", open_and_record)
    shown: list[int] = []

    def check_and_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                shown.append(widget.views["participants"].model.rowCount())
                widget.close()

    QTimer.singleShot(1000, check_and_close)
    assert app.main(["--db", str(db_path)]) == 0
    assert seen == [(True, True)]  # visible, areas still pending, when the database opened
    assert shown == [80]  # then the participants arrived


def test_pending_areas_become_real_when_a_database_opens(
        qtbot: QtBot, settings, fresh_db: Database) -> None:
    window = make_window(qtbot, None, settings)
    assert isinstance(window.views["participants"], PendingView)
    assert window.current_area() == "participants"
    window.set_database(fresh_db)
    assert not isinstance(window.views["participants"], PendingView)
    assert window.stack.currentWidget() is window.views["participants"]
    assert window.show_area("programme") is window.stack.currentWidget()


def test_the_startup_probe_reports_shown_then_ready_and_closes(
        qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # What the start-up benchmark reads from the frozen bundle and from source alike.
    monkeypatch.setattr(crash, "install", create_autospec(crash.install))
    monkeypatch.setattr(app, "setup_logging", create_autospec(app.setup_logging))
    database = Database.open(db_path)
    with database.Session.begin() as s:
        load_demo(s)
    database.close()
    monkeypatch.setenv(startup_probe.ENV_VAR, "1")
    rows: list[int] = []
    real_ready = startup_probe._ready

    def ready_and_record(window: QMainWindow) -> bool:
        done = real_ready(window)
        if done:
            rows.append(window.views["participants"].model.rowCount())  # type: ignore[attr-defined]
        return done

    monkeypatch.setattr(startup_probe, "_ready", ready_and_record)
    assert app.main(["--db", str(db_path)]) == 0  # it closes the window by itself once ready
    assert capsys.readouterr().out.splitlines() == ["shown", "ready"]
    assert rows == [80]  # every demo participant was on screen
    # The names the desktop matches with the installed menu entry (see test_app).
    assert QApplication.desktopFileName() == app.DESKTOP_FILE_NAME


def test_without_the_variable_the_probe_stays_out(monkeypatch: pytest.MonkeyPatch,
                                                  qtbot: QtBot) -> None:
    monkeypatch.delenv(startup_probe.ENV_VAR, raising=False)
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    assert not startup_probe.install_if_requested(application)
