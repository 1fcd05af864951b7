"""The Participants area: a searchable, filterable table with the selected person's details;
adding, editing, withdrawing, importing from HR exports, exporting, and the privacy rights
(export everything held about a person, erase them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
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
from mentordesk.ui.tasks import Cancelled, Progress, Task
from mentordesk.ui.views.base import AreaView, heading
from mentordesk.ui.views.participant_detail import ParticipantDetail

if TYPE_CHECKING:
    from mentordesk.services.importing import ImportResult
    from mentordesk.services.privacy import ErasurePlan
    from mentordesk.ui.dialogs.import_wizard import ImportWizard

# A withdrawal ends the person's pairings early, which their check-ins depend on.
WITHDRAW_CHANGES = frozenset({"participants", "pairing", "checkins", "kpis"})
# An erasure touches everything that named the person.
ERASE_CHANGES = frozenset({"participants", "pairing", "checkins", "feedback", "kpis",
                           "recognition", "stories"})


class ParticipantsView(AreaView):
    """Everyone in the programme, mentors and mentees."""

    area = "participants"
    title = "Participants"
    # The detail panel shows pairings, check-ins, feedback and awards too.
    depends_on = frozenset({"participants", "pairing", "checkins", "feedback", "recognition",
                            "stories"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog: ParticipantDialog | None = None  # the open add/edit dialog, if any
        self.import_wizard: ImportWizard | None = None  # the open import wizard, if any
        self._last_dir: Path | None = None
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
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.detail = ParticipantDetail()
        self.detail.export_requested.connect(self.export_person_data)
        self.detail.erase_requested.connect(self.erase_participant)

        self.add_button = QPushButton("Add participant…")
        self.add_button.clicked.connect(self.add_participant)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.withdraw_button = QPushButton("Withdraw…")
        self.withdraw_button.clicked.connect(self._on_withdraw_clicked)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add and update participants from a CSV or Excel export "
                                      "of your HR system")
        self.import_button.clicked.connect(self.import_participants)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the participants shown (after search and filters) "
                                      "as CSV or Excel")
        self.export_button.clicked.connect(self.export_shown)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.role_filter)
        filters.addWidget(self.department_filter)
        filters.addWidget(self.status_filter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.withdraw_button)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Sunken)
        buttons.addWidget(separator)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)

        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(filters)
        table_layout.addWidget(self.table, 1)
        table_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(table_side)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([900, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addWidget(heading(self.title))
        layout.addWidget(self.splitter, 1)
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
        self._show_detail()

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
        self.import_button.setEnabled(not read_only)
        self.export_button.setEnabled(self.db is not None)
        self.detail.set_writable(not read_only)
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

    def _on_selection_changed(self) -> None:
        self._update_buttons()
        self._show_detail()

    def _show_detail(self) -> None:
        participant_id = self.selected_id()
        if participant_id != self.detail.participant_id or participant_id is not None:
            self.detail.show_participant(self.db, participant_id)

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

    # ------------------------------------------------------------------ files

    def _start_dir(self) -> Path:
        if self._last_dir is not None and self._last_dir.is_dir():
            return self._last_dir
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def shown_ids(self) -> list[int]:
        """The participants shown now (after search and filters), in the table's order."""
        return [self.proxy.index(row, 0).data(Role.ID) for row in range(self.proxy.rowCount())]

    def import_participants(self) -> ImportWizard | None:
        """Open the import wizard (CSV or XLSX from an HR system)."""
        if self.db is None or self.db.read_only or self.tasks is None:
            return None
        if self.import_wizard is not None:
            self.import_wizard.raise_()
            return self.import_wizard
        from mentordesk.ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.db, self.tasks, self._start_dir(), parent=self)
        wizard.imported.connect(self._on_import_wizard_imported)
        wizard.finished.connect(self._on_import_wizard_finished)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _on_import_wizard_imported(self, result: ImportResult) -> None:
        wizard = self.import_wizard
        if wizard is not None:
            path = wizard.file_page.path()
            if path is not None:
                self._last_dir = path.parent
        self.data_changed.emit(frozenset({"participants"}))
        self.status_message.emit(
            f"Import finished: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.refused} refused.")

    def _on_import_wizard_finished(self) -> None:
        wizard, self.import_wizard = self.import_wizard, None
        if wizard is not None:
            wizard.dispose()

    def export_shown(self) -> Task | None:
        """Export the participants shown, as CSV or XLSX, in the background."""
        if self.db is None or self.tasks is None:
            return None
        ids = self.shown_ids()
        if not ids:
            prompts.show_error(self, "Export participants",
                               "No participants are shown, so there is nothing to export. "
                               "Clear the search or filters first.")
            return None
        target = prompts.choose_export_target(self, self._start_dir(), len(ids))
        if target is None:
            return None
        self._last_dir = target.path.parent
        from mentordesk.services.exporting import export_participants

        db = self.db

        def work(_progress: Progress, _cancelled: Cancelled) -> int:
            with db.Session() as session:
                return export_participants(session, target.path, fmt=target.fmt,
                                           delimiter=target.delimiter,
                                           encoding=target.encoding, ids=ids)

        def done(written: int) -> None:
            noun = "participant" if written == 1 else "participants"
            self.status_message.emit(f"Exported {written} {noun} to {target.path}")

        return self.tasks.run(f"Exporting {len(ids)} participants…", work, cancellable=False,
                              on_done=done, on_failed=self.report_failure)

    # ------------------------------------------------------------------ privacy

    def export_person_data(self, participant_id: int | None = None) -> Task | None:
        """Export everything held about a person (JSON and a printable page) to a folder."""
        participant_id = participant_id or self.selected_id()
        if participant_id is None or self.db is None or self.tasks is None:
            return None
        folder = prompts.choose_folder(self, "Export this person's data to", self._start_dir())
        if folder is None:
            return None
        self._last_dir = folder
        from mentordesk.services.privacy import export_person

        db = self.db

        def work(_progress: Progress, _cancelled: Cancelled) -> tuple[Path, Path]:
            with db.Session() as session:
                return export_person(session, participant_id, folder)

        def done(paths: tuple[Path, Path]) -> None:
            json_path, html_path = paths
            self.status_message.emit(f"Personal data exported to {html_path}")
            prompts.offer_open_folder(
                self, "Personal data exported",
                f"Everything MentorDesk holds about this person is in {folder}:\n\n"
                f"{html_path.name} — a page to read or print\n"
                f"{json_path.name} — the same data for other programs\n\n"
                "Only you can open these files; send them to the person securely.", folder)

        return self.tasks.run("Exporting personal data…", work, cancellable=False,
                              on_done=done, on_failed=self.report_failure)

    def erase_participant(self, participant_id: int | None = None) -> Task | None:
        """Show what erasing a person removes and keeps; once confirmed, erase them."""
        participant_id = participant_id or self.selected_id()
        if (participant_id is None or self.db is None or self.db.read_only
                or self.tasks is None):
            return None
        from mentordesk.services.privacy import erase_participant, plan_erasure

        with self.db.Session() as session:
            plan = plan_erasure(session, participant_id)
        if not prompts.confirm_erasure(self, plan):
            return None
        db = self.db

        def work(_progress: Progress, _cancelled: Cancelled) -> ErasurePlan:
            return erase_participant(db, participant_id)

        def done(erased: ErasurePlan) -> None:
            self.data_changed.emit(ERASE_CHANGES)
            self.status_message.emit(f"Erased {erased.name}: their personal data is gone "
                                     "from this database.")

        return self.tasks.run(f"Erasing {plan.name}…", work, cancellable=False,
                              on_done=done, on_failed=self.report_failure)
