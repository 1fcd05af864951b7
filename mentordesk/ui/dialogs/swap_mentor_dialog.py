"""Choosing another mentor for a mentee: the mentors with places, best score first."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.ui.qtmodels.pairings import (
    ChoiceColumn,
    MentorChoice,
    MentorChoicesTableModel,
    Role,
    SearchProxyModel,
)


class SwapMentorDialog(QDialog):
    """Lists the mentors a mentee could move to, with the score each pair would have; accepted
    with one allowed mentor selected (:meth:`selected_mentor_id`)."""

    def __init__(self, mentee_name: str, choices: Sequence[MentorChoice], *,
                 current_mentor: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Choose a mentor for {mentee_name}")
        self.model = MentorChoicesTableModel(choices, self)
        self.proxy = SearchProxyModel(self)
        self.proxy.setSourceModel(self.model)
        now = f" (now with {current_mentor})" if current_mentor else ""
        intro = QLabel(
            f"Choose the mentor for <b>{escape(mentee_name)}</b>{now}. Scores use the "
            "programme's saved criteria. The new pair is locked, so re-runs keep it; a mentor "
            "with no free place gives up their lowest-scoring draft pair.")
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search mentor or department")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ChoiceColumn.SCORE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Swap mentor",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.selectionModel().selectionChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._update_button()
        self.resize(800, 460)

    def select_mentor(self, mentor_id: int) -> bool:
        """Select ``mentor_id`` if they are listed and allowed."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(Role.ID) == mentor_id and index.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.table.selectRow(row)
                return True
        return False

    def selected_mentor_id(self) -> int | None:
        """The mentor chosen, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Role.ID) if rows else None

    def _update_button(self) -> None:
        self.ok_button.setEnabled(self.selected_mentor_id() is not None)

    def _on_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid() and self.selected_mentor_id() is not None:
            self.accept()
