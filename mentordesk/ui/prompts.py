"""Every modal question and message the GUI asks, in one place.

Callers use ``prompts.ask_load_demo(...)`` (the module attribute, not an imported name), so
tests replace these functions with ``create_autospec`` mocks instead of driving blocking
message boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mentordesk.errors import DatabaseInUseError

if TYPE_CHECKING:
    from mentordesk.db import BackupInfo

DB_FILTER = "MentorDesk databases (*.sqlite3);;All files (*)"


def ask_load_demo(parent: QWidget | None) -> bool:
    """Offer the demo programme for an empty database; True to load it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("An empty database")
    box.setText("This database has no programme and no participants yet.")
    box.setInformativeText(
        "Load the demo programme (about 80 fictional people at a fictional company) to "
        "explore MentorDesk, or start empty and set up your own programme."
    )
    demo = box.addButton("Load the demo programme", QMessageBox.ButtonRole.AcceptRole)
    empty = box.addButton("Start empty", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(empty)
    box.exec()
    return box.clickedButton() is demo


def ask_open_read_only(parent: QWidget | None, error: DatabaseInUseError) -> bool:
    """The database is held by another MentorDesk: True to open it read-only instead."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Database in use")
    box.setText(error.message)
    box.setInformativeText("Read-only lets you look at everything but change nothing.")
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    box.exec()
    return box.clickedButton() is read_only


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before doing something hard to undo; ``action`` labels the button that goes ahead."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is go


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the user why something could not be done (a :class:`UserError`'s message)."""
    QMessageBox.warning(parent, title, text)


def choose_new_database(parent: QWidget | None, start_dir: Path) -> Path | None:
    """Ask where to create a new database file; None if the user cancelled."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, "New database", str(start_dir / "programme.sqlite3"), DB_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".sqlite3")


def choose_database_to_open(parent: QWidget | None, start_dir: Path) -> Path | None:
    """Ask which database file to open; None if the user cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, "Open database", str(start_dir),
                                                DB_FILTER)
    return Path(name) if name else None


def choose_backup(parent: QWidget | None, backups: Sequence[BackupInfo]) -> BackupInfo | None:
    """Ask which backup to restore; None if the user cancelled."""
    from mentordesk.ui.dialogs.restore_dialog import RestoreDialog

    dialog = RestoreDialog(backups, parent)
    try:
        if dialog.exec() != RestoreDialog.DialogCode.Accepted:
            return None
        return dialog.selected_backup()
    finally:
        dialog.deleteLater()
