"""Start-up wiring (choosing and opening the database) and the crash handler."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import create_autospec

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mentordesk import app
from mentordesk.db import Database, list_backups
from mentordesk.ui import crash
from mentordesk.ui.dialogs.restore_dialog import RestoreDialog
from mentordesk.ui.main_window import SETTING_LAST_DB, MainWindow
from tests.ui.helpers import expect


@pytest.fixture
def no_global_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() would replace sys.excepthook and add a log file handler: not in tests."""
    monkeypatch.setattr(crash, "install", create_autospec(crash.install))
    monkeypatch.setattr(app, "setup_logging", create_autospec(app.setup_logging))


def close_windows_soon(qtbot: QtBot) -> list[MainWindow]:
    """Close the main window once the event loop runs; returns the windows seen.

    Closing the last window ends ``app.exec()``. Do not also call QApplication.quit():
    with both, queued signals from worker threads were no longer delivered in later tests.
    """
    seen: list[MainWindow] = []

    def close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen.append(widget)
                widget.close()

    QTimer.singleShot(300, close)
    return seen


def test_db_path_precedence(tmp_path: Path, settings: QSettings,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    last = tmp_path / "last.sqlite3"
    last.write_bytes(b"")
    settings.setValue(SETTING_LAST_DB, str(last))
    assert app.choose_db_path(str(tmp_path / "cli.sqlite3"), settings) == \
        tmp_path / "cli.sqlite3"
    monkeypatch.setenv("MENTORDESK_DB", str(tmp_path / "env.sqlite3"))
    assert app.choose_db_path(None, settings) == tmp_path / "env.sqlite3"
    monkeypatch.delenv("MENTORDESK_DB")
    assert app.choose_db_path(None, settings) == last
    last.unlink()  # a last database that was deleted is not recreated
    assert app.choose_db_path(None, settings) == tmp_path / "data" / "mentordesk.sqlite3"


def test_main_opens_the_database_and_closes_it_at_exit(
        qtbot: QtBot, db_path: Path, no_global_hooks: None,
        prompts: SimpleNamespace) -> None:
    expect(prompts.ask_load_demo, False)
    seen = close_windows_soon(qtbot)
    assert app.main(["--db", str(db_path)]) == 0
    assert len(seen) == 1 and seen[0].db is None  # closed with the window
    seen.clear()
    prompts.ask_load_demo.assert_called_once()
    crash.install.assert_called_once_with()  # type: ignore[attr-defined]
    assert app.make_settings().value(SETTING_LAST_DB) == str(db_path)
    Database.open(db_path).close(backup=False)  # the lock was released


def test_main_refuses_a_database_from_a_newer_mentordesk(
        db_path: Path, no_global_hooks: None, prompts: SimpleNamespace) -> None:
    Database.open(db_path).close(backup=False)
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    con.close()
    content = db_path.read_bytes()
    expect(prompts.show_error)
    assert app.main(["--db", str(db_path)]) == 1
    assert "newer version of MentorDesk" in prompts.show_error.call_args.args[2]
    assert db_path.read_bytes() == content


def test_main_gives_up_when_read_only_is_declined(
        db_path: Path, no_global_hooks: None, prompts: SimpleNamespace) -> None:
    holder = Database.open(db_path)
    try:
        expect(prompts.ask_open_read_only, False)
        assert app.main(["--db", str(db_path)]) == 1
    finally:
        holder.close(backup=False)


PERSON = "Amara Iyer <amara.iyer@northwind-demo.example>"


def fail_with_personal_data(person: str = PERSON) -> None:
    raise ValueError(f"could not match {person}")


EMAIL = "x@y.org"


def test_crash_report_names_the_code_but_not_the_people() -> None:
    try:
        try:
            fail_with_personal_data()
        except ValueError as inner:
            raise AttributeError(f"'NoneType' object has no attribute 'email' ({EMAIL})") \
                from inner
    except AttributeError as exc:
        report = crash.format_report(exc)
    assert "amara" not in report.lower()
    assert "x@y.org" not in report and "<email>" in report
    assert "in fail_with_personal_data" in report
    assert "ValueError (message left out" in report
    assert "AttributeError: 'NoneType' object has no attribute 'email'" in report
    assert "  test_app.py:" in report  # files named without the folders they are in


def test_the_excepthook_logs_and_shows_a_dialog_that_saves_the_report(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    shown: list[crash.CrashDialog] = []

    def fake_exec(dialog: crash.CrashDialog) -> int:
        shown.append(dialog)
        qtbot.addWidget(dialog)
        return 0

    monkeypatch.setattr(crash.CrashDialog, "exec", fake_exec)
    try:
        fail_with_personal_data()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            crash.handle_exception(ValueError, exc, exc.__traceback__)
    assert "unexpected error" in caplog.text and "amara" not in caplog.text.lower()
    assert len(shown) == 1
    target = tmp_path / "report.txt"
    shown[0].save_to(target)
    assert "in fail_with_personal_data" in target.read_text()

    previous = crash.install()
    try:
        assert sys.excepthook is crash.handle_exception
    finally:
        sys.excepthook = previous


def test_restore_dialog_lists_backups_newest_first(qtbot: QtBot, demo_db: Database) -> None:
    first = demo_db.backup("manual")
    second = demo_db.backup("manual")
    dialog = RestoreDialog(list_backups(demo_db.path))
    qtbot.addWidget(dialog)
    assert dialog.selected_backup() == second  # the newest is chosen by default
    dialog.table.selectRow(1)
    assert dialog.selected_backup() == first
    assert dialog.restore_button.isEnabled()


def test_sigterm_closes_the_window_and_the_database(
        qtbot: QtBot, db_path: Path, no_global_hooks: None,
        prompts: SimpleNamespace) -> None:
    expect(prompts.ask_load_demo, False)
    before = signal.getsignal(signal.SIGTERM)
    QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGTERM))
    assert app.main(["--db", str(db_path)]) == 0  # a logout, not a crash
    Database.open(db_path).close(backup=False)  # the lock was released
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_linux_menu_entry_names_the_windows_the_app_makes() -> None:
    # A desktop shows the menu entry's icon and groups the windows under it only when
    # these match: the .desktop file's name (Wayland's app id) and StartupWMClass (X11).
    import configparser

    from mentordesk import APP_NAME

    entry_file = (Path(__file__).resolve().parents[2] / "installers" / "linux"
                  / f"{app.DESKTOP_FILE_NAME}.desktop")
    entry = configparser.ConfigParser(interpolation=None)
    entry.read_string(entry_file.read_text(encoding="utf-8"))
    assert entry["Desktop Entry"]["StartupWMClass"] == APP_NAME
    assert entry["Desktop Entry"]["Icon"] == app.DESKTOP_FILE_NAME
