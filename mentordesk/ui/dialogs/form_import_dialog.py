"""What became of each filled-in PDF form given to the import: imported, already imported,
incomplete or unreadable, with the reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.ui.qtmodels.base import RowsTableModel
from mentordesk.ui.widgets import MUTED_STYLE, plural

AnyIndex = QModelIndex | QPersistentModelIndex
FORMS_FILTER = "PDF forms (*.pdf);;All files (*)"
STATUS_TITLES = {"imported": "Imported", "duplicate": "Already imported",
                 "incomplete": "Incomplete", "unreadable": "Not readable"}
# Sorted worst first: what needs the coordinator's attention comes to the top.
STATUS_ORDER = {"unreadable": 0, "incomplete": 1, "duplicate": 2, "imported": 3}
STATUS_COLOURS = {"unreadable": "#B00020", "incomplete": "#9A6700"}


class ImportResult(Protocol):
    """One file's outcome, as :func:`~mentordesk.services.documents.forms.import_filled_forms`
    returns it."""

    @property
    def file(self) -> str: ...
    @property
    def form_title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def message(self) -> str: ...


class ImportColumn(IntEnum):
    """The columns of :class:`FormImportsTableModel`."""

    FILE = 0
    FORM = 1
    RESULT = 2
    MESSAGE = 3


class ImportRole(IntEnum):
    """Item-data roles of :class:`FormImportsTableModel`."""

    SORT = Qt.ItemDataRole.UserRole + 1
    STATUS = Qt.ItemDataRole.UserRole + 2


class FormImportsTableModel(RowsTableModel[ImportResult]):
    """One row per file given to the import."""

    headers = ("File", "Form", "Result", "Details")

    def counts(self) -> Counter[str]:
        """How many files had each status."""
        return Counter(r.status for r in self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == ImportColumn.FILE:
            return row.file
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == ImportColumn.FILE:
                return Path(row.file).name
            if column == ImportColumn.FORM:
                return row.form_title or "—"
            if column == ImportColumn.RESULT:
                return STATUS_TITLES.get(row.status, row.status)
            if column == ImportColumn.MESSAGE:
                return row.message
        if role == ImportRole.SORT:
            if column == ImportColumn.RESULT:
                return STATUS_ORDER.get(row.status, -1)
            return str(self.data(index, Qt.ItemDataRole.DisplayRole) or "").casefold()
        if role == ImportRole.STATUS:
            return row.status
        if (role == Qt.ItemDataRole.ForegroundRole and column == ImportColumn.RESULT
                and row.status in STATUS_COLOURS):
            return QColor(STATUS_COLOURS[row.status])
        return None


def summary_text(counts: Counter[str]) -> str:
    """``"3 forms imported; 1 already imported; 1 incomplete: nothing stored for it."``"""
    parts = []
    if counts["imported"]:
        parts.append(f"{plural(counts['imported'], 'form')} imported")
    if counts["duplicate"]:
        parts.append(f"{counts['duplicate']:,} already imported before (not counted twice)")
    if counts["incomplete"]:
        parts.append(f"{counts['incomplete']:,} incomplete (nothing stored for "
                     f"{'it' if counts['incomplete'] == 1 else 'them'})")
    if counts["unreadable"]:
        parts.append(f"{counts['unreadable']:,} not readable")
    if not counts["imported"]:
        parts.insert(0, "No new answers")
    return "; ".join(parts) + "."


class FormImportDialog(QDialog):
    """Lists the outcome of each file, the ones needing attention first."""

    def __init__(self, results: Sequence[ImportResult], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Filled forms imported")
        self.model = FormImportsTableModel(self)
        self.model.set_rows(results)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ImportRole.SORT)
        self.summary = QLabel(summary_text(self.model.counts()))
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        note = QLabel("Incomplete forms are missing a required answer: ask the person to "
                      "finish the form and send it again. A form that is not readable was not "
                      "made by MentorDesk, or its questions changed after it was printed.")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ImportColumn.RESULT, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Imported files")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.table.resizeColumnsToContents()
        for column, most in ((ImportColumn.FILE, 260), (ImportColumn.FORM, 220)):
            header.resizeSection(column, min(header.sectionSize(column), most))
        header.setSectionResizeMode(ImportColumn.MESSAGE, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, 380)

    def statuses(self) -> list[str]:
        """The statuses in the order shown."""
        return [str(self.proxy.index(r, 0).data(ImportRole.STATUS))
                for r in range(self.proxy.rowCount())]
