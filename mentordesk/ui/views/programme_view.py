"""The Programme area: the current programme's details, objectives and KPI targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import ValidationError
from mentordesk.models import Cadence, ProgrammeFormat, ProgrammeStructure
from mentordesk.services.programmes import (
    ProgrammeData,
    ProgrammeRecord,
    create_programme,
    current_programme,
    update_programme,
)
from mentordesk.ui.qtmodels.programme import KpisTableModel, ObjectivesTableModel
from mentordesk.ui.views.base import AreaView, heading
from mentordesk.ui.widgets import ChoiceDelegate, FieldErrors

NO_DATE = QDate(2000, 1, 1)  # shown as "Not set"

FORMAT_LABELS = {ProgrammeFormat.ONE_ON_ONE: "One mentor, one mentee",
                 ProgrammeFormat.GROUP: "Group (one mentor, a circle of mentees)"}
STRUCTURE_LABELS = {ProgrammeStructure.FORMAL: "Formal: set cadence and agenda",
                    ProgrammeStructure.INFORMAL: "Informal: pairs meet as they like"}
CADENCE_LABELS = {Cadence.WEEKLY: "Weekly", Cadence.FORTNIGHTLY: "Fortnightly",
                  Cadence.MONTHLY: "Monthly"}


def _combo(labels: Mapping[Any, str]) -> QComboBox:
    combo = QComboBox()
    for value, label in labels.items():
        combo.addItem(label, value)
    return combo


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("Not set")
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def _set_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)


def _get_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


class _ColourField(QWidget):
    """A #RRGGBB text field with a swatch that opens a colour picker."""

    def __init__(self) -> None:
        super().__init__()
        self.text = QLineEdit()
        self.text.setMaxLength(7)
        self.text.setFixedWidth(90)
        self.swatch = QPushButton()
        self.swatch.setFixedSize(28, 22)
        self.swatch.setToolTip("Choose a colour")
        self.swatch.clicked.connect(self._on_swatch_clicked)
        self.text.textChanged.connect(self._on_text_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.swatch)
        layout.addStretch(1)

    def _on_text_changed(self, text: str) -> None:
        colour = QColor(text)
        shown = colour.name() if colour.isValid() and len(text) == 7 else "transparent"
        self.swatch.setStyleSheet(f"background-color: {shown}; border: 1px solid #888;")

    def _on_swatch_clicked(self) -> None:
        colour = QColorDialog.getColor(QColor(self.text.text()), self, "Choose a colour")
        if colour.isValid():
            self.text.setText(colour.name().upper())


class ProgrammeView(AreaView):
    """Shows and edits the current programme; creates one if there is none."""

    area = "programme"
    title = "Programme"
    depends_on = frozenset({"programme"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: ProgrammeRecord | None = None
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)
        wrap = self.errors.wrap

        self.name = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(72)
        self.start_date = _date_edit()
        self.end_date = _date_edit()
        self.format = _combo(FORMAT_LABELS)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.structure = _combo(STRUCTURE_LABELS)
        self.cadence = _combo(CADENCE_LABELS)
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" minutes")
        self.circle_min = QSpinBox()
        self.circle_min.setRange(1, 50)
        self.circle_max = QSpinBox()
        self.circle_max.setRange(1, 50)
        self.agenda = QPlainTextEdit()
        self.agenda.setTabChangesFocus(True)
        self.agenda.setFixedHeight(72)
        self.agenda.setPlaceholderText("Formal: one topic per meeting, in order, one a line "
                                       "(they repeat when there are more meetings)")
        self.coordinator_name = QLineEdit()
        self.coordinator_email = QLineEdit()
        self.primary_colour = _ColourField()
        self.accent_colour = _ColourField()

        details = QGroupBox("Programme")
        form = QFormLayout(details)
        form.addRow("Name*", wrap("name", "Name", self.name))
        form.addRow("Description", wrap("description", "Description", self.description))
        form.addRow("Starts", wrap("start_date", "Start date", self.start_date))
        form.addRow("Ends", wrap("end_date", "End date", self.end_date))
        form.addRow("Format", wrap("format", "Format", self.format))
        circle = QWidget()
        circle_layout = QHBoxLayout(circle)
        circle_layout.setContentsMargins(0, 0, 0, 0)
        circle_layout.addWidget(self.circle_min)
        circle_layout.addWidget(QLabel("to"))
        circle_layout.addWidget(self.circle_max)
        circle_layout.addWidget(QLabel("mentees"))
        circle_layout.addStretch(1)
        form.addRow("Circle size", wrap("circle_min_size", "Minimum circle size", circle))
        self.errors.alias("circle_max_size", "circle_min_size", "Maximum circle size")
        form.addRow("Structure", wrap("structure", "Structure", self.structure))
        form.addRow("Meets", wrap("default_cadence", "Cadence", self.cadence))
        form.addRow("Meetings last", wrap("default_duration_minutes", "Meeting length",
                                          self.duration))
        form.addRow("Agenda", wrap("agenda", "Agenda", self.agenda))

        people = QGroupBox("Coordinator and branding")
        form2 = QFormLayout(people)
        form2.addRow("Coordinator", wrap("coordinator_name", "Coordinator's name",
                                         self.coordinator_name))
        form2.addRow("Coordinator's email", wrap("coordinator_email", "Coordinator's email",
                                                 self.coordinator_email))
        form2.addRow("Main colour", wrap("brand_primary_color", "Main colour",
                                         self.primary_colour))
        form2.addRow("Accent colour", wrap("brand_accent_color", "Accent colour",
                                           self.accent_colour))

        self._editing_buttons: list[QPushButton] = []
        self.objectives = ObjectivesTableModel(self)
        self.kpis = KpisTableModel(self.objectives, self)
        (self.objectives_table, objectives_box, self.add_objective_button,
         self.remove_objective_button) = self._table_box(
            "Objectives", "objectives", self.objectives, "Add objective", "Remove objective")
        self.kpis_table, kpis_box, self.add_kpi_button, self.remove_kpi_button = self._table_box(
            "KPI targets", "kpis", self.kpis, "Add KPI", "Remove KPI")

        self.save_button = QPushButton("Save programme")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.saved_label = QLabel()

        left = QVBoxLayout()
        left.addWidget(details)
        left.addWidget(people)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(objectives_box, 1)
        right.addWidget(kpis_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 4)
        columns.addLayout(right, 7)
        footer = QHBoxLayout()
        footer.addWidget(self.save_button)
        footer.addWidget(self.saved_label)
        footer.addStretch(1)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(16, 16, 16, 12)
        self.heading = heading(self.title)
        page_layout.addWidget(self.heading)
        page_layout.addLayout(columns, 1)
        page_layout.addWidget(general)
        page_layout.addLayout(footer)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._on_format_changed()

    def _table_box(self, title: str, field: str, model: ObjectivesTableModel | KpisTableModel,
                   add_text: str, remove_text: str,
                   ) -> tuple[QTableView, QGroupBox, QPushButton, QPushButton]:
        table = QTableView()
        table.setModel(model)
        table.setItemDelegate(ChoiceDelegate(table))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        add = QPushButton(add_text)
        remove = QPushButton(remove_text)
        add.clicked.connect(lambda: self._add_row(table))
        remove.clicked.connect(lambda: self._remove_row(table))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(self.errors.wrap(field, title, table), 1)
        layout.addLayout(buttons)
        self._editing_buttons += [add, remove]
        return table, box, add, remove

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        record = None
        if self.db is not None:
            with self.db.Session() as session:
                record = current_programme(session)
        self.record = record
        self.errors.clear()
        self.saved_label.clear()
        self._show(record.data if record else ProgrammeData(name=""))
        self.heading.setText(self.title if record else "Set up your programme")
        self.save_button.setText("Save programme" if record else "Create programme")

    def _show(self, data: ProgrammeData) -> None:
        self.name.setText(data.name)
        self.description.setPlainText(data.description)
        _set_date(self.start_date, data.start_date)
        _set_date(self.end_date, data.end_date)
        self.format.setCurrentIndex(max(0, self.format.findData(data.format)))
        self.structure.setCurrentIndex(max(0, self.structure.findData(data.structure)))
        self.cadence.setCurrentIndex(max(0, self.cadence.findData(data.default_cadence)))
        self.duration.setValue(data.default_duration_minutes)
        self.circle_min.setValue(data.circle_min_size)
        self.circle_max.setValue(data.circle_max_size)
        self.agenda.setPlainText(data.agenda)
        self.coordinator_name.setText(data.coordinator_name)
        self.coordinator_email.setText(data.coordinator_email)
        self.primary_colour.text.setText(data.brand_primary_color)
        self.accent_colour.text.setText(data.brand_accent_color)
        self.objectives.set_objectives(data.objectives)
        self.kpis.set_kpis(data.kpis)
        for table in (self.objectives_table, self.kpis_table):
            table.resizeColumnsToContents()
            header = table.horizontalHeader()
            for column in range(header.count()):
                header.resizeSection(column, max(70, min(header.sectionSize(column) + 8, 210)))

    def _apply_read_only(self, read_only: bool) -> None:
        for widget in (self.save_button, *self._editing_buttons):
            widget.setEnabled(not read_only)
        triggers = (QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                    else QAbstractItemView.EditTrigger.DoubleClicked
                    | QAbstractItemView.EditTrigger.EditKeyPressed
                    | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for table in (self.objectives_table, self.kpis_table):
            table.setEditTriggers(triggers)

    def _on_format_changed(self) -> None:
        group = self.format.currentData() == ProgrammeFormat.GROUP
        self.circle_min.setEnabled(group)
        self.circle_max.setEnabled(group)

    def _add_row(self, table: QTableView) -> None:
        model = table.model()
        row = model.rowCount()
        model.insertRows(row, 1)
        index = model.index(row, 0)
        table.setCurrentIndex(index)
        table.edit(index)

    def _remove_row(self, table: QTableView) -> None:
        rows = sorted({i.row() for i in table.selectionModel().selectedIndexes()}, reverse=True)
        if not rows and table.currentIndex().isValid():
            rows = [table.currentIndex().row()]
        for row in rows:
            table.model().removeRows(row, 1)

    # ------------------------------------------------------------------ saving

    def form_data(self) -> ProgrammeData:
        """The form's content (not validated by the service yet)."""
        return ProgrammeData(
            name=self.name.text(),
            description=self.description.toPlainText(),
            start_date=_get_date(self.start_date),
            end_date=_get_date(self.end_date),
            format=ProgrammeFormat(self.format.currentData()),
            structure=ProgrammeStructure(self.structure.currentData()),
            default_cadence=Cadence(self.cadence.currentData()),
            default_duration_minutes=self.duration.value(),
            agenda=self.agenda.toPlainText(),
            circle_min_size=self.circle_min.value(),
            circle_max_size=self.circle_max.value(),
            coordinator_name=self.coordinator_name.text(),
            coordinator_email=self.coordinator_email.text(),
            brand_primary_color=self.primary_colour.text.text().strip(),
            brand_accent_color=self.accent_colour.text.text().strip(),
            objectives=self.objectives.objectives(),
            kpis=self.kpis.kpis(),
        )

    def save(self) -> bool:
        """Write the form in one transaction; on refusal show why next to each field."""
        if self.db is None or self.db.read_only:
            return False
        self.save_button.setFocus()  # a cell editor losing focus commits what was typed
        data = self.form_data()
        try:
            with self.db.Session.begin() as session:
                if self.record is None:
                    record = create_programme(session, data)
                else:
                    record = update_programme(session, self.record.id, data)
        except ValidationError as exc:
            self.errors.show(exc.errors)
            self.saved_label.setText("Not saved: please correct the fields marked in red.")
            return False
        self.record = record
        self.errors.clear()
        self.data_changed.emit(frozenset({"programme", "kpis"}))
        self.saved_label.setText("Saved.")
        return True
