"""The Participants area: a searchable, filterable table, and adding, editing, withdrawing."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.models import ParticipantRole, ParticipantStatus
from mentordesk.services.participants import (
    ParticipantData,
    ParticipantRow,
    add_participant,
    get_participant,
    list_participants,
    reinstate_participant,
    update_participant,
    withdraw_participant,
)
from mentordesk.ui import prompts
from mentordesk.ui.dialogs.participant_dialog import ParticipantDialog
from mentordesk.ui.qtmodels.participants import (
    ROLE_LABELS,
    STATUS_LABELS,
    Column,
    ParticipantsProxyModel,
    ParticipantsTableModel,
    Role,
)
from mentordesk.ui.views.base import AreaView, heading

# A withdrawal ends the person's pairings early, which their check-ins depend on.
WITHDRAW_CHANGES = frozenset({"participants", "pairing", "checkins", "kpis"})


class ParticipantsView(AreaView):
    """Everyone in the programme, mentors and mentees."""

    area = "participants"
    title = "Participants"
    depends_on = frozenset({"participants"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: ParticipantDialog | None = None  # the open add/edit dialog, if any
        self._select_after_load: int | None = None
        self._sized = False

        self.model = ParticipantsTableModel(self)
        self.proxy = ParticipantsProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, email, department or job title")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.role_filter = QComboBox()
        self.role_filter.addItem("All roles", None)
        for role in (ParticipantRole.MENTOR, ParticipantRole.MENTEE):
            self.role_filter.addItem(f"{ROLE_LABELS[role]}s", role)
        self.role_filter.addItem("Mentor and mentee only", ParticipantRole.BOTH)
        self.role_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.department_filter = QComboBox()
        self.department_filter.addItem("All departments", "")
        self.department_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.department_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Any status", None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, status)
        self.status_filter.currentIndexChanged.connect(self._on_filters_changed)
        self.count = QLabel()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Size columns from the first rows only: measuring thousands takes a visible while.
        self.table.horizontalHeader().setResizeContentsPrecision(200)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton("Add participant…")
        self.add_button.clicked.connect(self.add_participant)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.withdraw_button = QPushButton("Withdraw…")
        self.withdraw_button.clicked.connect(self._on_withdraw_clicked)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.role_filter)
        filters.addWidget(self.department_filter)
        filters.addWidget(self.status_filter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(heading(self.title))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        rows: list[ParticipantRow] = []
        if self.db is not None:
            with self.db.Session() as session:
                rows = list_participants(session)
        keep = self._select_after_load or self.selected_id()
        self._select_after_load = None
        self.model.set_rows(rows)
        self._refresh_departments()
        if rows and not self._sized:
            self._sized = True
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            for column in range(header.count()):
                # Long addresses are elided; the name is what people scan for.
                cap = 200 if column == Column.EMAIL else 230
                header.resizeSection(column, min(header.sectionSize(column), cap))
        if keep is not None:
            self.select_participant(keep)
        self._update_count()
        self._update_buttons()

    def _refresh_departments(self) -> None:
        current = self.department_filter.currentData()
        self.department_filter.blockSignals(True)
        self.department_filter.clear()
        self.department_filter.addItem("All departments", "")
        for name in self.model.departments():
            self.department_filter.addItem(name, name)
        index = self.department_filter.findData(current)
        self.department_filter.setCurrentIndex(max(index, 0))
        self.department_filter.blockSignals(False)
        if index < 0 and current:
            self._on_filters_changed()

    def _apply_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self._update_buttons()

    # ------------------------------------------------------------------ selection

    def selected_id(self) -> int | None:
        """The participant selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Role.ID) if rows else None

    def select_participant(self, participant_id: int) -> bool:
        """Select and show ``participant_id`` if it is in the table and passes the filters."""
        source_row = self.model.row_of(participant_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _selected_row(self) -> ParticipantRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Role.ROW) if rows else None

    def _update_buttons(self) -> None:
        row = self._selected_row()
        writable = self.db is not None and not self.db.read_only
        self.edit_button.setEnabled(row is not None)
        self.edit_button.setText("Edit…" if writable else "View…")
        self.withdraw_button.setEnabled(writable and row is not None)
        withdrawn = row is not None and row.status == ParticipantStatus.WITHDRAWN
        self.withdraw_button.setText("Reinstate" if withdrawn else "Withdraw…")

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "participant" if total == 1 else "participants"
        self.count.setText(f"{total} {noun}" if shown == total
                           else f"{shown} of {total} {noun} shown")

    # ------------------------------------------------------------------ filters

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _on_filters_changed(self) -> None:
        self.proxy.set_role(self.role_filter.currentData())
        self.proxy.set_department(self.department_filter.currentData() or "")
        self.proxy.set_status(self.status_filter.currentData())
        self._update_count()
        self._update_buttons()

    # ------------------------------------------------------------------ operations

    def add_participant(self) -> None:
        """Open the dialog for a new participant."""
        if self.db is None or self.db.read_only:
            return
        self._open_dialog(ParticipantDialog(self._save_new, departments=self.model.departments(),
                                            parent=self))

    def edit_selected(self) -> None:
        """Open the dialog on the selected participant."""
        participant_id = self.selected_id()
        if participant_id is None or self.db is None:
            return
        with self.db.Session() as session:
            record = get_participant(session, participant_id)

        def save(data: ParticipantData) -> None:
            self._save_existing(participant_id, data)

        self._open_dialog(ParticipantDialog(save, data=record.data, read_only=self.db.read_only,
                                            departments=self.model.departments(), parent=self))

    def _open_dialog(self, dialog: ParticipantDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self._on_dialog_accepted)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    def _save_new(self, data: ParticipantData) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            record = add_participant(session, data)
        self._select_after_load = record.id

    def _save_existing(self, participant_id: int, data: ParticipantData) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            update_participant(session, participant_id, data)
        self._select_after_load = participant_id

    def _on_dialog_accepted(self) -> None:
        self.data_changed.emit(frozenset({"participants"}))

    def _on_dialog_finished(self) -> None:
        self.dialog = None

    def _on_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.edit_selected()

    def _on_withdraw_clicked(self) -> None:
        row = self._selected_row()
        if row is None or self.db is None or self.db.read_only:
            return
        if row.status == ParticipantStatus.WITHDRAWN:
            with self.db.Session.begin() as session:
                reinstate_participant(session, row.id)
            self._select_after_load = row.id
            self.data_changed.emit(frozenset({"participants"}))
            return
        if not prompts.confirm(
                self, "Withdraw participant",
                f"Withdraw {row.full_name} from the programme?\n\nTheir open pairings end "
                "today. They stay in the list as withdrawn and can be reinstated.",
                "Withdraw"):
            return
        with self.db.Session.begin() as session:
            withdraw_participant(session, row.id)
        self._select_after_load = row.id
        self.data_changed.emit(WITHDRAW_CHANGES)
