"""Typing in one person's answers to a form (a paper form, an email, a conversation).

One input per question, by its kind: a row of buttons for a rating (1 to its scale) or a
score (0 to 10), radio buttons for one choice or yes/no, tick boxes for several choices, a
text box for free text. The respondent is optional (a participant, or nobody in
particular), and the response can be confidential. The dialog hands a
:class:`ResponseEntry` to a ``save`` callable that stores it in one transaction through
:func:`~mentordesk.services.feedback.submit_response`; the service's reasons
("questions.N") appear under each question. "Save and enter another" stores it and clears
the answers for the next response.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import QuestionKind
from mentordesk.services.feedback import (
    DEFAULT_SCALE,
    MIN_GROUP,
    SCORE_MAX,
    AnswerData,
    AnswerValue,
    FormRecord,
    QuestionRecord,
)
from mentordesk.ui.widgets import MUTED_STYLE, FieldErrors, plural

ANONYMOUS = "Nobody in particular (anonymous)"
# A number chosen must stand out from the others at a glance.
CHECKED_STYLE = ("QPushButton:checked { background: #2E5E8C; color: white; "
                 "border: 1px solid #23486B; border-radius: 3px; font-weight: bold; }")
CONFIDENTIAL_NOTE = (f"Counted only in whole groups of {MIN_GROUP} confidential "
                     "answers; never listed or exported one by one, and its comments are "
                     "never shown.")


@dataclass(frozen=True)
class ResponseEntry:
    """What the dialog stores: the answers, who gave them (None: nobody in particular)
    and whether the response is confidential."""

    answers: tuple[AnswerData, ...]
    participant_id: int | None
    confidential: bool


class AnswerInput(Protocol):
    """An answer's input: what it holds now, filled in or cleared."""

    def value(self) -> AnswerValue: ...
    def set_value(self, value: AnswerValue) -> None: ...
    def clear(self) -> None: ...


class ButtonsInput(QWidget):
    """A row of buttons of which at most one is checked; clicking it again unchecks it
    (so an optional question can be left unanswered again)."""

    def __init__(self, values: Sequence[str], labels: Sequence[str], *, radio: bool,
                 vertical: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = list(values)
        self.buttons: list[QAbstractButton] = []
        layout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2 if vertical else 12 if radio else 4)
        for label in labels:
            button: QAbstractButton
            if radio:
                button = QRadioButton(label)
                button.setAutoExclusive(False)
            else:
                button = QPushButton(label)
                button.setCheckable(True)
                width = button.fontMetrics().horizontalAdvance("10") + 22
                button.setFixedWidth(max(34, width))
                button.setStyleSheet(CHECKED_STYLE)
            button.setAccessibleName(label)
            button.toggled.connect(partial(self._on_button_toggled, button))
            self.buttons.append(button)
            layout.addWidget(button)
        if not vertical:
            layout.addStretch(1)
        if self.buttons:
            self.setFocusProxy(self.buttons[0])

    def _on_button_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            for other in self.buttons:
                if other is not button and other.isChecked():
                    other.setChecked(False)

    def button(self, value: str) -> QAbstractButton:
        """The button for ``value``."""
        return self.buttons[self.values.index(value)]

    def value(self) -> AnswerValue:
        """The value checked, or None."""
        return next((v for v, b in zip(self.values, self.buttons, strict=True)
                     if b.isChecked()), None)

    def set_value(self, value: AnswerValue) -> None:
        """Check ``value`` (None: nothing)."""
        text = None if value is None else str(value)
        for v, b in zip(self.values, self.buttons, strict=True):
            b.setChecked(v == text)

    def clear(self) -> None:
        """Check nothing."""
        self.set_value(None)


class ScaleInput(ButtonsInput):
    """A rating (1 to its scale) or a score (0 to 10) as a row of number buttons."""

    def __init__(self, low: int, high: int, parent: QWidget | None = None) -> None:
        numbers = [str(n) for n in range(low, high + 1)]
        super().__init__(numbers, numbers, radio=False, parent=parent)

    def value(self) -> AnswerValue:
        """The number checked, or None."""
        text = super().value()
        return int(str(text)) if text is not None else None


class TicksInput(QWidget):
    """Tick boxes: any number of the choices."""

    def __init__(self, choices: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = list(choices)
        self.boxes = [QCheckBox(c) for c in choices]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for box in self.boxes:
            layout.addWidget(box)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def value(self) -> AnswerValue:
        """The choices ticked, in the form's order."""
        return tuple(c for c, b in zip(self.choices, self.boxes, strict=True) if b.isChecked())

    def set_value(self, value: AnswerValue) -> None:
        """Tick these choices (and no others)."""
        picked = {value} if isinstance(value, str) else set(value or ()) \
            if not isinstance(value, bool | int | float) else set()
        for c, b in zip(self.choices, self.boxes, strict=True):
            b.setChecked(c in picked)

    def clear(self) -> None:
        """Tick nothing."""
        self.set_value(())


class TextInput(QPlainTextEdit):
    """Free text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Their answer, in their own words")
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)

    def value(self) -> AnswerValue:
        """The text typed."""
        return self.toPlainText()

    def set_value(self, value: AnswerValue) -> None:
        """Replace the text."""
        self.setPlainText("" if value is None else str(value))


def answer_input(question: QuestionRecord) -> QWidget:
    """The input for ``question``'s kind."""
    kind = question.kind
    if kind is QuestionKind.RATING:
        return ScaleInput(1, question.scale_max or DEFAULT_SCALE)
    if kind is QuestionKind.SCORE:
        return ScaleInput(0, SCORE_MAX)
    if kind is QuestionKind.YES_NO:
        return ButtonsInput(("yes", "no"), ("Yes", "No"), radio=True)
    if kind is QuestionKind.CHOICE:
        return ButtonsInput(question.choices, question.choices, radio=True,
                            vertical=sum(len(c) for c in question.choices) > 60)
    if kind is QuestionKind.MULTI_CHOICE:
        return TicksInput(question.choices)
    return TextInput()


class ResponseDialog(QDialog):
    """Type in one response to ``form``; ``people`` are the participants who may have
    given it, as (id, label). ``save(entry)`` stores it and returns its id, or raises
    :class:`ValidationError` (shown under the questions) or :class:`UserError`."""

    def __init__(self, form: FormRecord, people: Sequence[tuple[int, str]],
                 save: Callable[[ResponseEntry], int], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._save = save
        self.saved_ids: list[int] = []
        self.setWindowTitle(f"Enter a response — {form.title}")
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)

        title = QLabel(f"<b>{escape(form.title)}</b>")
        intro = QLabel(escape(form.introduction))
        intro.setWordWrap(True)
        intro.setStyleSheet(MUTED_STYLE)
        intro.setVisible(bool(form.introduction))

        self.respondent_combo = QComboBox()
        self.respondent_combo.setAccessibleName("Respondent")
        self.respondent_combo.setEditable(True)
        self.respondent_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.respondent_combo.addItem(ANONYMOUS, None)
        for pid, name in people:
            self.respondent_combo.addItem(name, pid)
        completer = QCompleter(self.respondent_combo.model(), self.respondent_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.respondent_combo.setCompleter(completer)
        line_edit = self.respondent_combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText("Type a name")
        line_edit.editingFinished.connect(self._on_respondent_editing_finished)
        self.respondent_combo.setMinimumContentsLength(30)
        respondent_note = QLabel("Optional: choose who answered if they said so.")
        respondent_note.setStyleSheet(MUTED_STYLE)
        self.confidential_check = QCheckBox("&Confidential")
        self.confidential_check.setToolTip(CONFIDENTIAL_NOTE)
        confidential_note = QLabel(CONFIDENTIAL_NOTE)
        confidential_note.setWordWrap(True)
        confidential_note.setStyleSheet(MUTED_STYLE)
        who = QVBoxLayout()
        who.setSpacing(2)
        respondent_row = QHBoxLayout()
        respondent_row.addWidget(QLabel("Respondent"))
        respondent_row.addWidget(self.respondent_combo, 1)
        who.addLayout(respondent_row)
        who.addWidget(respondent_note)
        who.addSpacing(4)
        who.addWidget(self.confidential_check)
        who.addWidget(confidential_note)

        # The questions.
        self.inputs: dict[int, AnswerInput] = {}
        questions = QWidget()
        questions_layout = QVBoxLayout(questions)
        questions_layout.setContentsMargins(4, 4, 12, 4)
        questions_layout.setSpacing(14)
        for q in form.questions:
            widget = answer_input(q)
            self.inputs[q.id] = widget  # type: ignore[assignment]
            label = QLabel(f"<b>{q.position}.</b> {escape(q.text)}"
                           + (" <span style='color:#B00020'>*</span>" if q.required else ""))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            if q.required:
                label.setToolTip("An answer is required")
            hint = _hint(q)
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(4)
            box_layout.addWidget(label)
            if hint:
                hint_label = QLabel(hint)
                hint_label.setStyleSheet(MUTED_STYLE)
                box_layout.addWidget(hint_label)
            box_layout.addWidget(widget)
            questions_layout.addWidget(self.errors.wrap(f"questions.{q.position}",
                                                        "This question", box))
        questions_layout.addStretch(1)
        self.questions_area = QScrollArea()
        self.questions_area.setWidget(questions)
        self.questions_area.setWidgetResizable(True)
        self.questions_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.questions_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setStyleSheet("color: #1E7B34;")
        self.another_button = QPushButton("Save and enter &another")
        self.another_button.setToolTip("Save this response and start on the next one")
        self.another_button.setAutoDefault(False)
        self.another_button.clicked.connect(self._on_another_button_clicked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.another_button)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(who)
        layout.addWidget(self.questions_area, 1)
        layout.addWidget(general)
        layout.addLayout(bottom)
        self.resize(720, 760)
        first = next(iter(self.inputs.values()), None)
        if isinstance(first, QWidget):
            first.setFocus()

    # ------------------------------------------------------------------ the response

    def set_respondent(self, participant_id: int | None) -> None:
        """Choose who answered (None: nobody in particular)."""
        self.respondent_combo.setCurrentIndex(max(0, self.respondent_combo.findData(
            participant_id)) if participant_id is not None else 0)

    def respondent(self) -> int | None:
        """The participant chosen as the respondent."""
        value = self.respondent_combo.currentData()
        return int(value) if value is not None else None

    def _on_respondent_editing_finished(self) -> None:
        combo = self.respondent_combo
        index = combo.findText(combo.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if index < 0:  # a name that is nobody's: back to the person chosen before
            index = max(0, combo.currentIndex())
        combo.setCurrentIndex(index)
        combo.setEditText(combo.itemText(index))

    def entry(self) -> ResponseEntry:
        """What the dialog holds now."""
        answers = tuple(AnswerData(qid, widget.value()) for qid, widget in self.inputs.items())
        return ResponseEntry(answers, self.respondent(), self.confidential_check.isChecked())

    def clear_answers(self) -> None:
        """Empty every answer and the respondent, for the next response (whether it is
        confidential stays as chosen)."""
        for widget in self.inputs.values():
            widget.clear()
        self.set_respondent(None)
        self.errors.clear()
        self.questions_area.verticalScrollBar().setValue(0)

    # ------------------------------------------------------------------ saving

    def save(self) -> bool:
        """Store the response; True if it was stored."""
        try:
            response_id = self._save(self.entry())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            self.status.clear()
            return False
        except UserError as exc:
            self.errors.show({"": exc.message})
            self.status.clear()
            return False
        self.saved_ids.append(response_id)
        return True

    def _on_save_clicked(self) -> None:
        if self.save():
            self.accept()

    def _on_another_button_clicked(self) -> None:
        if self.save():
            self.clear_answers()
            self.status.setText(f"Saved: {plural(len(self.saved_ids), 'response')} entered. "
                                "Enter the next one.")


def _hint(q: QuestionRecord) -> str:
    if q.kind is QuestionKind.RATING:
        return f"1 (lowest) to {q.scale_max or DEFAULT_SCALE} (highest)"
    if q.kind is QuestionKind.SCORE:
        return "0 (not at all likely) to 10 (extremely likely)"
    if q.kind is QuestionKind.MULTI_CHOICE:
        return "Tick every answer given"
    return ""
