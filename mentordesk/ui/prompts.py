"""Every modal question and message the GUI asks, in one place.

Callers use ``prompts.ask_load_demo(...)`` (the module attribute, not an imported name), so
tests replace these functions with ``create_autospec`` mocks instead of driving blocking
message boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from mentordesk.errors import DatabaseInUseError

if TYPE_CHECKING:
    from mentordesk.db import BackupInfo
    from mentordesk.services.privacy import ErasurePlan

DB_FILTER = "MentorDesk databases (*.sqlite3);;All files (*)"
IMPORT_FILTER = ("Spreadsheets (*.csv *.xlsx *.txt);;CSV files (*.csv *.txt);;"
                 "Excel workbooks (*.xlsx);;All files (*)")
CSV_EXPORT_FILTER = "CSV file (*.csv)"
XLSX_EXPORT_FILTER = "Excel workbook (*.xlsx)"
PDF_FILTER = "PDF documents (*.pdf)"
FORMS_FILTER = "PDF forms (*.pdf);;All files (*)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg);;All files (*)"


@dataclass(frozen=True)
class ExportTarget:
    """Where and how to export: ``fmt`` is "csv" or "xlsx"; the rest applies to CSV."""

    path: Path
    fmt: str = "csv"
    delimiter: str = ","
    encoding: str = "utf-8"


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
    box.addButton("Start empty", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(demo)  # a first run: seeing the app working is what people want
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


def choose_import_file(parent: QWidget | None, start_dir: Path,
                       title: str = "Import participants") -> Path | None:
    """Ask which CSV or XLSX file to import; None if the user cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, title, str(start_dir), IMPORT_FILTER)
    return Path(name) if name else None


def choose_survey_file(parent: QWidget | None, start_dir: Path) -> Path | None:
    """Ask which survey tool's export (CSV or XLSX) to import responses from; None if
    cancelled."""
    return choose_import_file(parent, start_dir, "Import survey results")


def choose_export_target(parent: QWidget | None, start_dir: Path,
                         rows: int) -> ExportTarget | None:
    """Ask where to export ``rows`` participants, as CSV or XLSX (by the filter or the
    name's extension), and for CSV the delimiter and encoding; None if cancelled."""
    name, chosen = QFileDialog.getSaveFileName(
        parent, f"Export {rows} participants", str(start_dir / "participants.csv"),
        f"{CSV_EXPORT_FILTER};;{XLSX_EXPORT_FILTER}")
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        path = path.with_name(path.name + (".xlsx" if chosen == XLSX_EXPORT_FILTER
                                           else ".csv"))
    if path.suffix.lower() == ".xlsx":
        return ExportTarget(path, "xlsx")
    from mentordesk.ui.dialogs.export_dialog import CsvFormatDialog

    dialog = CsvFormatDialog(path, parent)
    try:
        if dialog.exec() != CsvFormatDialog.DialogCode.Accepted:
            return None
        return ExportTarget(path, "csv", dialog.delimiter(), dialog.encoding())
    finally:
        dialog.deleteLater()


def choose_folder(parent: QWidget | None, title: str, start_dir: Path) -> Path | None:
    """Ask for a folder; None if the user cancelled."""
    name = QFileDialog.getExistingDirectory(parent, title, str(start_dir))
    return Path(name) if name else None


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """Ask for one line of text; None if cancelled or left blank."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return (value.strip() or None) if ok else None


def offer_open_folder(parent: QWidget | None, title: str, text: str, folder: Path) -> None:
    """Say what was written to ``folder`` and offer to open it in the file manager."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    open_button = box.addButton("Open folder", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def confirm_erasure(parent: QWidget | None, plan: ErasurePlan) -> bool:
    """Show what erasing the person removes and keeps; True once the user confirmed by
    typing their email."""
    from mentordesk.ui.dialogs.erase_dialog import EraseDialog

    dialog = EraseDialog(plan, parent)
    try:
        return dialog.exec() == EraseDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def choose_pdf_path(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """Ask where to save a PDF (``.pdf`` added when the name has none); None if cancelled.
    """
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), PDF_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def choose_filled_forms(parent: QWidget | None, start_dir: Path) -> list[Path]:
    """Ask for the filled-in PDF forms to import (several at once); empty if cancelled.
    """
    names, _filter = QFileDialog.getOpenFileNames(parent, "Import filled forms",
                                                  str(start_dir), FORMS_FILTER)
    return [Path(name) for name in names]


def choose_image_file(parent: QWidget | None, title: str, start_dir: Path) -> Path | None:
    """Ask for a PNG or JPEG file; None if cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, title, str(start_dir), IMAGE_FILTER)
    return Path(name) if name else None


def choose_colour(parent: QWidget | None, title: str, initial: str) -> str | None:
    """Ask for a colour in the system's colour picker; ``#RRGGBB`` or None if cancelled."""
    colour = QColorDialog.getColor(QColor(initial), parent, title)
    return colour.name().upper() if colour.isValid() else None
