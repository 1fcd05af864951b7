"""Designing a feedback form: its details and its questions, and choosing what a new form
starts from (a blank form or one of the ready-made templates).

:class:`FormDesignerDialog` edits a :class:`~mentordesk.services.feedback.FormData`: the
title, purpose, audience and introduction, and the questions in a table
(:class:`~mentordesk.ui.qtmodels.feedback.QuestionsTableModel`) with an editor beside it for
the question selected. Saving checks the form with
:func:`~mentordesk.services.feedback.validate_form` first and shows each reason next to its
field (a question refused is marked in red in the table); when the check passes and a
question that has answers was taken off the form, it asks before its answers go. Then it
hands the form to a ``save`` callable that stores it in one transaction, and closes only
once that succeeded; the service's refusals (a kind changed on an answered question, a
picked choice removed) come back as the same inline errors, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import Audience, FormPurpose, QuestionKind
from mentordesk.services.feedback import (
    DEFAULT_SCALE,
    FormData,
    FormRecord,
    FormTemplate,
    QuestionData,
    validate_form,
)
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.feedback import (
    KIND_NAMES,
    KIND_ORDER,
    MEASURE_NAMES,
    PURPOSE_NAMES,
    QuestionColumn,
    QuestionsTableModel,
    audience_label,
)
from mentordesk.ui.widgets import ERROR_STYLE, MUTED_STYLE, FieldErrors, plural

BLANK = ""  # the choice of a blank form in the template chooser
KIND_HINTS = {
    QuestionKind.RATING: "A number of stars or points, from 1 to the top of the scale.",
    QuestionKind.SCORE: "0 to 10, as in “How likely are you to recommend…”: gives the net "
                        "promoter score.",
    QuestionKind.CHOICE: "One of the choices.",
    QuestionKind.MULTI_CHOICE: "Any number of the choices (tick boxes).",
    QuestionKind.YES_NO: "Yes or no.",
    QuestionKind.TEXT: "Free text, in their own words.",
}
MEASURE_HINTS = {
    "satisfaction": "Satisfaction (the KPIs average it)",
    "recommendation": "Recommendation (the KPIs' net promoter score)",
}
EDITOR_LABELS = {"text": "The wording", "kind": "The question", "choices": "The choices",
                 "scale_max": "The scale", "measure": "The question"}
NEW_QUESTION = QuestionData(text="", kind=QuestionKind.RATING, scale_max=DEFAULT_SCALE)


def question_numbers(rows: list[int]) -> str:
    """"Question 3", "Questions 2 and 5", "Questions 1, 2 and 4"."""
    numbers = [str(r + 1) for r in rows]
    if len(numbers) == 1:
        return f"Question {numbers[0]}"
    return f"Questions {', '.join(numbers[:-1])} and {numbers[-1]}"


class TemplateChooser(QWidget):
    """A blank form and each ready-made template, as buttons with their descriptions;
    emits ``chosen`` with the template's key (:data:`BLANK` for a blank form)."""

    chosen = Signal(str)

    def __init__(self, templates: Mapping[str, FormTemplate], *, blank: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QCommandLinkButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        entries = [(key, t.name, f"{t.description} ({plural(len(t.data.questions), 'question')})")
                   for key, t in templates.items()]
        if blank:
            entries.append((BLANK, "Blank form", "Start from nothing and add your own "
                            "questions."))
        for key, name, description in entries:
            button = QCommandLinkButton(name, description)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
            self.buttons[key] = button
            layout.addWidget(button)


class NewFormDialog(QDialog):
    """Asks what a new form starts from; :attr:`choice` is the template's key afterwards
    (:data:`BLANK` for a blank form)."""

    def __init__(self, templates: Mapping[str, FormTemplate],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New form")
        self.choice: str | None = None
        intro = QLabel("Start from a ready-made form and adapt it, or from a blank one. "
                       "Nothing is saved until you save the form.")
        intro.setWordWrap(True)
        self.chooser = TemplateChooser(templates)
        self.chooser.chosen.connect(self._on_chooser_chosen)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.chooser)
        layout.addWidget(buttons)
        self.resize(600, self.sizeHint().height())

    def _on_chooser_chosen(self, key: str) -> None:
        self.choice = key
        self.accept()


class FormDesignerDialog(QDialog):
    """Design a form: a new one (``initial``, blank or from a template) or a stored one
    (``record``, whose questions keep their ids and so their answers).

    ``save(data)`` stores the form and returns it, or raises :class:`ValidationError`
    (shown next to the fields) or :class:`UserError`; :attr:`saved` holds what it
    returned once the dialog closes accepted.
    """

    def __init__(self, save: Callable[[FormData], FormRecord], *,
                 record: FormRecord | None = None, initial: FormData | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.record = record
        self.saved: FormRecord | None = None
        self._loading = False
        data = record.to_data() if record is not None else initial or FormData(title="")
        self.setWindowTitle(f"Edit form — {record.title}" if record is not None
                            else "New form")

        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)

        # The form's details.
        self.title_edit = QLineEdit(data.title)
        self.title_edit.setPlaceholderText("For example: Mid-programme check")
        self.purpose_combo = QComboBox()
        for purpose in FormPurpose:
            self.purpose_combo.addItem(PURPOSE_NAMES.get(purpose, str(purpose)), purpose)
        self.purpose_combo.setCurrentIndex(max(0, self.purpose_combo.findData(data.purpose)))
        self.purpose_combo.setToolTip("Feedback: how the programme is going. Readiness: "
                                      "whether the organisation is ready for mentoring.")
        self.audience_combo = QComboBox()
        for audience in Audience:
            self.audience_combo.addItem(audience_label(audience), audience)
        self.audience_combo.setCurrentIndex(max(0, self.audience_combo.findData(data.audience)))
        self.introduction_edit = QPlainTextEdit(data.introduction)
        self.introduction_edit.setPlaceholderText("A few words at the top of the form: why it "
                                                  "is sent and how long it takes (optional)")
        self.introduction_edit.setTabChangesFocus(True)
        self.introduction_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        details = QFormLayout()
        details.addRow("&Title", self.errors.wrap("title", "The title", self.title_edit))
        who = QWidget()
        who_layout = QHBoxLayout(who)
        who_layout.setContentsMargins(0, 0, 0, 0)
        who_layout.addWidget(self.errors.wrap("purpose", "The purpose", self.purpose_combo))
        who_layout.addSpacing(12)
        who_layout.addWidget(QLabel("For"))
        who_layout.addWidget(self.errors.wrap("audience", "The audience", self.audience_combo))
        who_layout.addStretch(1)
        details.addRow("Purpose", who)
        details.addRow("&Introduction", self.errors.wrap("introduction", "The introduction",
                                                         self.introduction_edit))

        # The questions.
        self.model = QuestionsTableModel(self)
        answers = {q.id: q.answers for q in record.questions} if record is not None else {}
        self.model.set_questions(data.questions, answers)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Questions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragDropOverwriteMode(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QuestionColumn.TEXT, QHeaderView.ResizeMode.Stretch)
        for column in (QuestionColumn.NUMBER, QuestionColumn.KIND, QuestionColumn.REQUIRED,
                       QuestionColumn.ANSWERS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(
            self._on_table_current_row_changed)
        self.model.questions_changed.connect(self._on_model_questions_changed)

        self.add_button = QPushButton("&Add question")
        self.add_button.setToolTip("A new question after the one selected")
        self.add_button.clicked.connect(self.add_question)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Take the selected question off the form")
        self.remove_button.clicked.connect(self.remove_question)
        self.up_button = QPushButton("Move &up")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("Move do&wn")
        self.down_button.clicked.connect(self.move_down)
        drag_note = QLabel("or drag a question")
        drag_note.setStyleSheet(MUTED_STYLE)
        table_buttons = QHBoxLayout()
        table_buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            table_buttons.addWidget(button)
        table_buttons.addWidget(drag_note)
        table_buttons.addStretch(1)
        self.removal_note = QLabel()
        self.removal_note.setObjectName("removal_note")
        self.removal_note.setWordWrap(True)
        self.removal_note.setStyleSheet("color: #8A6D00;")
        self.removal_note.hide()
        self.questions_error = QLabel()
        self.questions_error.setObjectName("questions_summary")
        self.questions_error.setWordWrap(True)
        self.questions_error.setStyleSheet(ERROR_STYLE)
        self.questions_error.hide()
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addLayout(table_buttons)
        table_layout.addWidget(self.removal_note)
        table_layout.addWidget(self.questions_error)
        wrapped_table = self.errors.wrap("questions", "The form", table_box)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(wrapped_table)
        self.splitter.addWidget(self._build_editor())
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([560, 400])
        questions_box = QGroupBox("Questions")
        questions_layout = QVBoxLayout(questions_box)
        questions_layout.addWidget(self.splitter)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save form",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(details)
        layout.addWidget(questions_box, 1)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.resize(1020, 720)
        if self.model.rowCount():
            self.select_question(0)
        else:
            self._load_editor(-1)
        self._update_buttons()
        self.title_edit.setFocus()

    # ------------------------------------------------------------------ building

    def _build_editor(self) -> QWidget:
        general = QLabel()
        general.setObjectName("error_question")
        self.question_errors = FieldErrors(general)
        self.question_errors.alias("id", "text", "The question")
        self.question_heading = QLabel()
        font = self.question_heading.font()
        font.setBold(True)
        self.question_heading.setFont(font)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("Wording")
        self.text_edit.setPlaceholderText("The question, as people will read it")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.text_edit.textChanged.connect(self._on_editor_changed)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind")
        for kind in KIND_ORDER:
            self.kind_combo.addItem(KIND_NAMES[kind], kind)
        self.kind_combo.currentIndexChanged.connect(self._on_editor_changed)
        self.kind_hint = QLabel()
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setStyleSheet(MUTED_STYLE)
        self.scale_spin = QSpinBox()
        self.scale_spin.setAccessibleName("Top of the scale")
        self.scale_spin.setRange(2, 10)
        self.scale_spin.setPrefix("1 to ")
        self.scale_spin.setValue(DEFAULT_SCALE)
        self.scale_spin.valueChanged.connect(self._on_editor_changed)
        self.choices_edit = QPlainTextEdit()
        self.choices_edit.setAccessibleName("Choices")
        self.choices_edit.setPlaceholderText("One choice per line")
        self.choices_edit.setTabChangesFocus(True)
        self.choices_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.choices_edit.textChanged.connect(self._on_editor_changed)
        self.required_check = QCheckBox("An answer is required")
        self.required_check.toggled.connect(self._on_editor_changed)
        self.measure_combo = QComboBox()
        self.measure_combo.setAccessibleName("Counts towards")
        self.measure_combo.setToolTip("What the KPIs count this question's answers towards "
                                      "(one question per form for each)")
        self.measure_combo.currentIndexChanged.connect(self._on_editor_changed)
        self.answers_note = QLabel()
        self.answers_note.setWordWrap(True)
        self.answers_note.setStyleSheet("color: #8A6D00;")

        self.editor_form = QFormLayout()
        self.editor_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.scale_spin.setMaximumWidth(self.scale_spin.sizeHint().width() + 20)
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.editor_form.addRow("Wording", self.question_errors.wrap("text", "The wording",
                                                                     self.text_edit))
        kind_box = QWidget()
        kind_layout = QVBoxLayout(kind_box)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        kind_layout.setSpacing(2)
        kind_layout.addWidget(self.kind_combo, 0, Qt.AlignmentFlag.AlignLeft)
        kind_layout.addWidget(self.kind_hint)
        self.editor_form.addRow("Kind", self.question_errors.wrap("kind", "The question",
                                                                  kind_box))
        self._scale_row = self.question_errors.wrap("scale_max", "The scale", self.scale_spin)
        self.editor_form.addRow("Scale", self._scale_row)
        self._choices_row = self.question_errors.wrap("choices", "The choices",
                                                      self.choices_edit)
        self.editor_form.addRow("Choices", self._choices_row)
        self.editor_form.addRow("", self.required_check)
        self._measure_row = self.question_errors.wrap("measure", "The question",
                                                      self.measure_combo)
        self.editor_form.addRow("Counts towards", self._measure_row)

        self.empty_editor = QLabel("Add a question to the form.")
        self.empty_editor.setStyleSheet(MUTED_STYLE)
        self.empty_editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.editor_fields = QWidget()
        fields_layout = QVBoxLayout(self.editor_fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addWidget(self.question_heading)
        fields_layout.addLayout(self.editor_form)
        fields_layout.addWidget(self.answers_note)
        fields_layout.addWidget(general)
        fields_layout.addStretch(1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(8, 0, 4, 0)
        inner_layout.addWidget(self.editor_fields)
        inner_layout.addWidget(self.empty_editor, 1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    # ------------------------------------------------------------------ the form

    def form_data(self) -> FormData:
        """The form as it stands in the dialog."""
        return FormData(title=self.title_edit.text(),
                        purpose=FormPurpose(self.purpose_combo.currentData()),
                        audience=Audience(self.audience_combo.currentData()),
                        introduction=self.introduction_edit.toPlainText(),
                        questions=self.model.questions())

    def current_row(self) -> int:
        """The row of the question in the editor (-1 for none)."""
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_question(self, row: int) -> None:
        """Show the question in ``row`` in the editor."""
        if not 0 <= row < self.model.rowCount():
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, QuestionColumn.TEXT),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))

    def removed_with_answers(self) -> list[tuple[str, int]]:
        """The stored questions taken off the form that have answers: (wording, answers)."""
        if self.record is None:
            return []
        kept = {q.id for q in self.model.questions() if q.id is not None}
        return [(q.text, q.answers) for q in self.record.questions
                if q.answers and q.id not in kept]

    # ------------------------------------------------------------------ questions

    def add_question(self) -> int:
        """Add a new question after the one selected (at the end if none); returns its row.
        """
        current = self.current_row()
        row = self.model.insert_question(current + 1 if current >= 0
                                         else self.model.rowCount(), NEW_QUESTION)
        self.select_question(row)
        self.text_edit.setFocus()
        return row

    def remove_question(self) -> bool:
        """Take the selected question off the form (its answers go when the form is saved,
        after a warning)."""
        row = self.current_row()
        if row < 0:
            return False
        self.model.remove_question(row)
        if self.model.rowCount():
            self.select_question(min(row, self.model.rowCount() - 1))
        return True

    def move_up(self) -> bool:
        """Move the selected question one place up."""
        row = self.current_row()
        return row > 0 and self.model.move_question(row, row - 1)

    def move_down(self) -> bool:
        """Move the selected question one place down."""
        row = self.current_row()
        return 0 <= row < self.model.rowCount() - 1 and self.model.move_question(row, row + 1)

    def _on_table_current_row_changed(self, current: QModelIndex | QPersistentModelIndex,
                                      _previous: QModelIndex | QPersistentModelIndex) -> None:
        self._load_editor(current.row() if current.isValid() else -1)
        self._update_buttons()

    def _on_model_questions_changed(self) -> None:
        row = self.current_row()
        if row >= 0 and not self._loading:
            self.question_heading.setText(f"Question {row + 1}")
        self._update_buttons()
        self._update_removal_note()

    def _update_buttons(self) -> None:
        row = self.current_row()
        count = self.model.rowCount()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def _update_removal_note(self) -> None:
        removed = self.removed_with_answers()
        if not removed:
            self.removal_note.hide()
            return
        answers = sum(n for _, n in removed)
        what = (f"“{removed[0][0]}”" if len(removed) == 1
                else plural(len(removed), "question") + " you removed")
        self.removal_note.setText(f"Saving deletes the {plural(answers, 'answer')} to "
                                  f"{what}.")
        self.removal_note.show()

    # ------------------------------------------------------------------ the editor

    def _load_editor(self, row: int) -> None:
        """Fill the editor from the question in ``row`` (-1: nothing to edit)."""
        self._loading = True
        try:
            has_question = row >= 0
            self.editor_fields.setVisible(has_question)
            self.empty_editor.setVisible(not has_question)
            if not has_question:
                self.question_errors.clear()
                return
            q = self.model.question(row)
            answers = self.model.answers(row)
            self.question_heading.setText(f"Question {row + 1}")
            self.text_edit.setPlainText(q.text)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(q.kind)))
            self.scale_spin.setValue(q.scale_max or DEFAULT_SCALE)
            self.choices_edit.setPlainText("\n".join(q.choices))
            self.required_check.setChecked(q.required)
            self._fill_measures(q.kind, q.measure)
            self.kind_combo.setEnabled(not answers)
            self.scale_spin.setEnabled(not answers)
            if answers:
                self.answers_note.setText(
                    f"This question has {plural(answers, 'answer')}: its kind and scale "
                    "cannot change, and a choice someone picked cannot be removed. To ask "
                    "something else, add a new question.")
            self.answers_note.setVisible(bool(answers))
            self._show_kind_fields(q.kind)
            self.question_errors.show(self.model.errors(row))
        finally:
            self._loading = False

    def _fill_measures(self, kind: QuestionKind, measure: str) -> None:
        self.measure_combo.blockSignals(True)
        self.measure_combo.clear()
        self.measure_combo.addItem("Nothing", "")
        wanted = {QuestionKind.RATING: "satisfaction",
                  QuestionKind.SCORE: "recommendation"}.get(kind)
        if wanted:
            self.measure_combo.addItem(MEASURE_HINTS[wanted], wanted)
        if measure and measure != wanted:  # as stored, so the refusal can be shown
            self.measure_combo.addItem(MEASURE_NAMES.get(measure, measure), measure)
        self.measure_combo.setCurrentIndex(max(0, self.measure_combo.findData(measure)))
        self.measure_combo.blockSignals(False)

    def _show_kind_fields(self, kind: QuestionKind) -> None:
        self.kind_hint.setText(KIND_HINTS.get(kind, ""))
        self.editor_form.setRowVisible(self._scale_row, kind is QuestionKind.RATING)
        self.editor_form.setRowVisible(self._choices_row, kind in (QuestionKind.CHOICE,
                                                                   QuestionKind.MULTI_CHOICE))
        self.editor_form.setRowVisible(self._measure_row,
                                       kind in (QuestionKind.RATING, QuestionKind.SCORE)
                                       or self.measure_combo.count() > 1)

    def editor_question(self) -> QuestionData:
        """The question as the editor shows it (with the id of the question edited)."""
        row = self.current_row()
        old = self.model.question(row) if row >= 0 else NEW_QUESTION
        kind = QuestionKind(self.kind_combo.currentData())
        choices: tuple[str, ...] = ()
        if kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE):
            choices = tuple(line.strip() for line in self.choices_edit.toPlainText().splitlines()
                            if line.strip())
        return replace(old, text=self.text_edit.toPlainText(), kind=kind, choices=choices,
                       scale_max=self.scale_spin.value() if kind is QuestionKind.RATING
                       else None,
                       required=self.required_check.isChecked(),
                       measure=str(self.measure_combo.currentData() or ""))

    def _on_editor_changed(self) -> None:
        if self._loading:
            return
        row = self.current_row()
        if row < 0:
            return
        kind = QuestionKind(self.kind_combo.currentData())
        if kind != self.model.question(row).kind:
            # Offer only the measure the new kind can count towards.
            measure = str(self.measure_combo.currentData() or "")
            keep = {QuestionKind.RATING: "satisfaction",
                    QuestionKind.SCORE: "recommendation"}.get(kind) == measure
            self._fill_measures(kind, measure if keep else "")
            self._show_kind_fields(kind)
        self.model.set_question(row, self.editor_question())
        self.question_errors.show(self.model.errors(row))

    # ------------------------------------------------------------------ saving

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show ``errors`` (as :func:`validate_form` gives them) next to their fields."""
        self.errors.show({k: v for k, v in errors.items() if not k.startswith("questions.")})
        self.model.set_errors(errors)
        rows = self.model.rows_with_errors()
        if rows:
            self.questions_error.setText(
                f"{question_numbers(rows)} {'needs' if len(rows) == 1 else 'need'} "
                "attention (in red): select one to see why.")
            if self.current_row() not in rows:
                self.select_question(rows[0])
        self.questions_error.setVisible(bool(rows))
        row = self.current_row()
        if row >= 0:
            self.question_errors.show(self.model.errors(row))
        else:
            self.question_errors.clear()

    def _on_save_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        """Check the form, ask before answers are deleted, then store it; True once
        stored (and the dialog accepted)."""
        data = self.form_data()
        errors = validate_form(data)
        if errors:
            self.show_errors(errors)
            return False
        self.show_errors({})
        removed = self.removed_with_answers()
        if removed:
            answers = sum(n for _, n in removed)
            listed = "\n".join(f"• {text} ({plural(n, 'answer')})" for text, n in removed)
            if not prompts.confirm(
                    self, "Delete answers",
                    f"{plural(len(removed), 'question')} you took off the form "
                    f"{'has' if len(removed) == 1 else 'have'} answers:\n\n{listed}\n\n"
                    f"Saving deletes {'this' if answers == 1 else 'these'} "
                    f"{plural(answers, 'answer')} for good; responses left with no answer "
                    "are deleted too.", "Delete answers and save"):
                return False
        try:
            self.saved = self._save(data)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except UserError as exc:
            self.errors.show({"": exc.message})
            return False
        self.accept()
        return True
