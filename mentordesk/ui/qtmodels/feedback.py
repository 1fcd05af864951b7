"""The Feedback area's tables: the programme's forms, a form's questions in the designer,
the per-question results and the comments, and a survey import's column mapping and rows.

The models hold the feedback service's frozen dataclasses
(:class:`~mentordesk.services.feedback.FormRecord`,
:class:`~mentordesk.services.feedback.QuestionSummary`, ...), never ORM objects. The
designer's :class:`QuestionsTableModel` is the one that edits: it holds the questions being
designed (as :class:`~mentordesk.services.feedback.QuestionData`, keeping each stored
question's id so it keeps its answers) and moves them by ``moveRows``, by drag and drop too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from mentordesk.models import Audience, FormPurpose, QuestionKind
from mentordesk.services.documents.wording import AUDIENCE_NAMES
from mentordesk.services.feedback import (
    DEFAULT_SCALE,
    EMAIL,
    IGNORE,
    RESPONSE_ID,
    SCORE_MAX,
    SUBMITTED,
    FormRecord,
    QuestionData,
    QuestionSummary,
    SurveyColumn,
    SurveyRow,
    Target,
)
from mentordesk.ui.qtmodels.base import RowsTableModel, header_text
from mentordesk.ui.widgets import ItemRole

AnyIndex = QModelIndex | QPersistentModelIndex

_MUTED = QColor("#6B6B6B")
_ERROR = QColor("#B00020")
_ERROR_BACKGROUND = QColor("#FDECEA")
_IMPORT_COLOUR = QColor("#1B5E20")

KIND_NAMES = {
    QuestionKind.RATING: "Rating",
    QuestionKind.SCORE: "Score 0–10",
    QuestionKind.CHOICE: "Single choice",
    QuestionKind.MULTI_CHOICE: "Multiple choice",
    QuestionKind.YES_NO: "Yes / no",
    QuestionKind.TEXT: "Free text",
}
# The order the designer offers the kinds in.
KIND_ORDER = (QuestionKind.RATING, QuestionKind.SCORE, QuestionKind.CHOICE,
              QuestionKind.MULTI_CHOICE, QuestionKind.YES_NO, QuestionKind.TEXT)
PURPOSE_NAMES = {FormPurpose.FEEDBACK: "Feedback", FormPurpose.READINESS: "Readiness"}
MEASURE_NAMES = {"satisfaction": "Satisfaction", "recommendation": "Recommendation"}


class Role(IntEnum):
    """Custom item-data roles of the Feedback area's models."""

    SORT = Qt.ItemDataRole.UserRole + 1  # raw value to sort by
    ID = Qt.ItemDataRole.UserRole + 2  # form id, question id or file row
    ROW = Qt.ItemDataRole.UserRole + 3  # the row's DTO (any column)
    VALUE = Qt.ItemDataRole.UserRole + 4  # a raw figure: an average, a target
    DISTRIBUTION = Qt.ItemDataRole.UserRole + 5  # ((label, count), ...) or None
    ERRORS = Qt.ItemDataRole.UserRole + 6  # {field: reason} of a designed question


def kind_label(kind: QuestionKind, scale_max: int | None = None,
               choices: Sequence[str] = ()) -> str:
    """"Rating 1–5", "Score 0–10", "Single choice (4)"..."""
    if kind is QuestionKind.RATING:
        return f"Rating 1–{scale_max or DEFAULT_SCALE}"
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE) and choices:
        return f"{KIND_NAMES[kind]} ({len(choices)})"
    return KIND_NAMES.get(kind, str(kind))


def purpose_label(purpose: FormPurpose | str) -> str:
    """"Feedback" or "Readiness"."""
    try:
        return PURPOSE_NAMES[FormPurpose(purpose)]
    except ValueError:
        return str(purpose).capitalize()


def audience_label(audience: Audience | str) -> str:
    """"Mentors and mentees", "Stakeholders"..."""
    try:
        return AUDIENCE_NAMES[Audience(audience)]
    except ValueError:
        return str(audience).capitalize()


def count_with_confidential(total: int, confidential: int) -> str:
    """"12" or "12 (4 confidential)"."""
    return f"{total:,}" + (f" ({confidential:,} confidential)" if confidential else "")


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


# --------------------------------------------------------------------------- forms


class FormColumn(IntEnum):
    """Columns of :class:`FormsTableModel`."""

    TITLE = 0
    PURPOSE = 1
    AUDIENCE = 2
    QUESTIONS = 3
    RESPONSES = 4


FORM_HEADERS = ("Form", "Purpose", "For", "Questions", "Responses")


class FormsTableModel(RowsTableModel[FormRecord]):
    """The programme's forms, one row each; sort through a proxy on :attr:`Role.SORT`."""

    headers = FORM_HEADERS

    def row_of(self, form_id: int) -> int | None:
        """The row of form ``form_id``, if shown."""
        return next((n for n, r in enumerate(self._rows) if r.id == form_id), None)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        form = self._rows[index.row()]
        column = FormColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FormColumn.TITLE:
                return form.title
            if column == FormColumn.PURPOSE:
                return purpose_label(form.purpose)
            if column == FormColumn.AUDIENCE:
                return audience_label(form.audience)
            if column == FormColumn.QUESTIONS:
                return f"{len(form.questions):,}"
            return count_with_confidential(form.responses, form.confidential_responses)
        if role == Role.SORT:
            if column == FormColumn.QUESTIONS:
                return len(form.questions)
            if column == FormColumn.RESPONSES:
                return form.responses
            return str(self.data(index)).casefold()
        if role == Role.ID:
            return form.id
        if role == Role.ROW:
            return form
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (FormColumn.QUESTIONS,
                                                                    FormColumn.RESPONSES):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == FormColumn.TITLE and form.introduction:
                return form.introduction
            if column == FormColumn.RESPONSES and form.confidential_responses:
                return ("Confidential answers count only in whole groups of five, and their "
                        "comments are never shown.")
        return None



# --------------------------------------------------------------------------- designer


QUESTION_MIME = "application/x-mentordesk-question-row"


@dataclass
class QuestionDraft:
    """A question in the designer: what it says now, how many answers the stored question
    has (0 for a new one), and the reasons the last save refused it, by field."""

    data: QuestionData
    answers: int = 0
    errors: dict[str, str] = field(default_factory=dict)


class QuestionColumn(IntEnum):
    """Columns of :class:`QuestionsTableModel`."""

    NUMBER = 0
    TEXT = 1
    KIND = 2
    REQUIRED = 3
    ANSWERS = 4


QUESTION_HEADERS = ("#", "Question", "Kind", "Required", "Answers")


class QuestionsTableModel(QAbstractTableModel):
    """The questions of the form being designed, in their order on the form.

    Rows move with :meth:`moveRows` (the Up and Down buttons, and dragging a row: the view
    drops through :meth:`dropMimeData`), so selections and persistent indexes follow them.
    """

    questions_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QuestionDraft] = []

    # ------------------------------------------------------------------ content

    def set_questions(self, questions: Iterable[QuestionData],
                      answers: Mapping[int, int] | None = None) -> None:
        """Show ``questions``; ``answers`` counts the stored ones' answers by id."""
        counts = answers or {}
        self.beginResetModel()
        self._rows = [QuestionDraft(q, counts.get(q.id, 0) if q.id is not None else 0)
                      for q in questions]
        self.endResetModel()
        self.questions_changed.emit()

    def questions(self) -> tuple[QuestionData, ...]:
        """The questions in their order on the form."""
        return tuple(d.data for d in self._rows)

    def question(self, row: int) -> QuestionData:
        """The question in ``row``."""
        return self._rows[row].data

    def answers(self, row: int) -> int:
        """How many answers the question in ``row`` has stored."""
        return self._rows[row].answers

    def errors(self, row: int) -> dict[str, str]:
        """The reasons the last save refused the question in ``row``, by field."""
        return dict(self._rows[row].errors)

    def set_question(self, row: int, data: QuestionData) -> None:
        """Change the question in ``row`` (the editor beside the table calls this)."""
        draft = self._rows[row]
        if draft.data == data:
            return
        # A field edited no longer shows the reason it was refused for.
        changed = {f.name for f in dataclasses.fields(data)
                   if getattr(data, f.name) != getattr(draft.data, f.name)}
        draft.errors = {k: v for k, v in draft.errors.items() if k not in changed}
        draft.data = data
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(QuestionColumn) - 1))
        self.questions_changed.emit()

    def set_errors(self, errors: Mapping[str, str]) -> None:
        """Spread a :func:`~mentordesk.services.feedback.validate_form` result over the
        questions ("questions.3.choices" goes to the third row's "choices")."""
        for draft in self._rows:
            draft.errors = {}
        for key, reason in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "questions" and parts[1].isdigit():
                row = int(parts[1]) - 1
                if 0 <= row < len(self._rows):
                    self._rows[row].errors[parts[2]] = reason
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(QuestionColumn) - 1))

    def rows_with_errors(self) -> list[int]:
        """The rows whose question the last save refused."""
        return [n for n, d in enumerate(self._rows) if d.errors]

    def insert_question(self, row: int, data: QuestionData) -> int:
        """Add ``data`` as a new question at ``row`` (clamped); returns its row."""
        row = max(0, min(row, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, QuestionDraft(data))
        self.endInsertRows()
        self._renumber(row)
        self.questions_changed.emit()
        return row

    def remove_question(self, row: int) -> QuestionDraft:
        """Take the question in ``row`` off the form; returns it."""
        self.beginRemoveRows(QModelIndex(), row, row)
        draft = self._rows.pop(row)
        self.endRemoveRows()
        self._renumber(row)
        self.questions_changed.emit()
        return draft

    def move_question(self, row: int, to: int) -> bool:
        """Move the question in ``row`` so that it becomes number ``to + 1``."""
        if not 0 <= row < len(self._rows) or not 0 <= to < len(self._rows) or to == row:
            return False
        return self.moveRows(QModelIndex(), row, 1, QModelIndex(), to + 1 if to > row else to)

    def _renumber(self, first: int) -> None:
        if first < len(self._rows):
            self.dataChanged.emit(self.index(first, QuestionColumn.NUMBER),
                                  self.index(len(self._rows) - 1, QuestionColumn.NUMBER))

    # ------------------------------------------------------------------ Qt overrides

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(QuestionColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        draft = self._rows[index.row()]
        q = draft.data
        column = QuestionColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == QuestionColumn.NUMBER:
                return str(index.row() + 1)
            if column == QuestionColumn.TEXT:
                return " ".join(q.text.split()) or "(no wording yet)"
            if column == QuestionColumn.KIND:
                return kind_label(q.kind, q.scale_max, q.choices)
            if column == QuestionColumn.REQUIRED:
                return "Required" if q.required else ""
            return f"{draft.answers:,}" if draft.answers else ""
        if role == Role.ROW:
            return q
        if role == Role.ID:
            return q.id
        if role == Role.ERRORS:
            return dict(draft.errors)
        if role == Qt.ItemDataRole.ForegroundRole:
            if draft.errors:
                return _ERROR
            if column == QuestionColumn.TEXT and not q.text.strip():
                return _MUTED
        if role == Qt.ItemDataRole.BackgroundRole and draft.errors:
            return _ERROR_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            if draft.errors:
                return "\n".join(draft.errors.values())
            if column == QuestionColumn.ANSWERS and draft.answers:
                return ("Stored answers: the kind and the scale cannot change, and a choice "
                        "someone picked cannot be removed")
            if column == QuestionColumn.TEXT:
                return q.text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (QuestionColumn.NUMBER,
                                                                    QuestionColumn.ANSWERS):
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_text(QUESTION_HEADERS, section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid():
            return flags | Qt.ItemFlag.ItemIsDragEnabled
        return flags | Qt.ItemFlag.ItemIsDropEnabled  # between rows

    def moveRows(self, sourceParent: AnyIndex, sourceRow: int, count: int,  # noqa: N803
                 destinationParent: AnyIndex, destinationChild: int) -> bool:  # noqa: N803
        n = len(self._rows)
        if (sourceParent.isValid() or destinationParent.isValid() or count < 1
                or sourceRow < 0 or sourceRow + count > n or not 0 <= destinationChild <= n
                or sourceRow <= destinationChild <= sourceRow + count):
            return False
        if not self.beginMoveRows(QModelIndex(), sourceRow, sourceRow + count - 1,
                                  QModelIndex(), destinationChild):
            return False
        moving = self._rows[sourceRow:sourceRow + count]
        del self._rows[sourceRow:sourceRow + count]
        at = destinationChild - count if destinationChild > sourceRow else destinationChild
        self._rows[at:at] = moving
        self.endMoveRows()
        first = min(sourceRow, at)
        last = max(sourceRow + count, at + count) - 1
        self.dataChanged.emit(self.index(first, QuestionColumn.NUMBER),
                              self.index(last, QuestionColumn.NUMBER))
        self.questions_changed.emit()
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [QUESTION_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        if rows:
            mime.setData(QUESTION_MIME, QByteArray(str(rows[0]).encode()))
        return mime

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        """Move the dragged question to where it was dropped.

        Returns False even when it moved: the view would otherwise take a successful
        move for a copy-and-delete and remove the dragged row (the model has already
        moved it, with its answers' id).
        """
        if action != Qt.DropAction.MoveAction or not data.hasFormat(QUESTION_MIME):
            return False
        try:
            source = int(bytes(data.data(QUESTION_MIME).data()).decode())
        except ValueError:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._rows)
        self.moveRows(QModelIndex(), source, 1, QModelIndex(), row)
        return False


# --------------------------------------------------------------------------- results


class SummaryColumn(IntEnum):
    """Columns of :class:`SummaryTableModel`."""

    QUESTION = 0
    ANSWERS = 1
    RESULT = 2
    DISTRIBUTION = 3


SUMMARY_HEADERS = ("Question", "Answers", "Result", "Answers given")
NO_ANSWERS = "No answers yet"


def scale_of(summary: QuestionSummary) -> int | None:
    """The top of a rating's or score's scale, read from its distribution."""
    if summary.kind is QuestionKind.SCORE:
        return SCORE_MAX
    if summary.kind is QuestionKind.RATING and summary.distribution:
        numbers = [int(label) for label, _ in summary.distribution if label.isdigit()]
        return max(numbers) if numbers else None
    return None


def result_text(summary: QuestionSummary) -> str:
    """What a question's answers come to, in words (and why anything is left out)."""
    q = summary
    if q.hidden:
        return f"Hidden: {q.reason}" if q.reason else "Hidden"
    if not q.answers:
        return NO_ANSWERS
    lines: list[str] = []
    if q.kind is QuestionKind.TEXT:
        shown = len(q.comments)
        lines.append(f"{shown:,} comment{'s' if shown != 1 else ''} (see Comments)")
    elif q.average is not None and q.kind is QuestionKind.SCORE:
        lines.append(f"NPS {q.nps:+.0f}" if q.nps is not None else "")
        lines.append(f"Average {q.average:.2f} out of {SCORE_MAX}")
    elif q.average is not None:
        lines.append(f"Average {q.average:.2f} out of {scale_of(q) or DEFAULT_SCALE}")
    elif q.distribution:
        top = max(n for _, n in q.distribution)
        if top:
            picked = [label for label, n in q.distribution if n == top]
            word = "Most chosen" if q.kind is not QuestionKind.YES_NO else "Most said"
            lines.append(f"{word}: {', '.join(picked)} ({top:,})")
    if q.reason:
        lines.append(q.reason[:1].upper() + q.reason[1:])
    return "\n".join(line for line in lines if line)


class SummaryTableModel(RowsTableModel[QuestionSummary]):
    """A form's results, one row per question in its order on the form."""

    headers = SUMMARY_HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q = self._rows[index.row()]
        column = SummaryColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SummaryColumn.QUESTION:
                return f"{q.position}. {q.text}"
            if column == SummaryColumn.ANSWERS:
                return count_with_confidential(q.answers, q.confidential)
            if column == SummaryColumn.RESULT:
                return result_text(q)
            if q.distribution and not q.hidden:  # the delegate draws bars over this
                return " · ".join(f"{label}: {n:,}" for label, n in q.distribution)
            return ""
        if role == Role.SORT:
            if column == SummaryColumn.QUESTION:
                return q.position
            if column == SummaryColumn.ANSWERS:
                return q.answers
            if column == SummaryColumn.RESULT:
                return q.average if q.average is not None else -1.0
            return q.included
        if role == Role.ID:
            return q.question_id
        if role == Role.ROW:
            return q
        if role == Role.VALUE and column == SummaryColumn.RESULT:
            return q.average
        if role == Role.DISTRIBUTION and column == SummaryColumn.DISTRIBUTION:
            return None if q.hidden else q.distribution
        if role == Qt.ItemDataRole.ForegroundRole and (q.hidden or not q.answers):
            return _MUTED
        if role == Qt.ItemDataRole.FontRole and q.hidden and column == SummaryColumn.RESULT:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SummaryColumn.QUESTION:
                return f"{kind_label(q.kind, scale_of(q))}: {q.text}"
            if column == SummaryColumn.RESULT and q.nps is not None:
                return ("Net promoter score: the share who gave 9 or 10 minus the share who "
                        "gave 0 to 6, from -100 to +100")
            if q.confidential:
                return (f"{q.included:,} of {q.answers:,} answers are counted. Confidential "
                        "answers count only when there are at least five of them.")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SummaryColumn.ANSWERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None



@dataclass(frozen=True)
class Comment:
    """One free-text answer of a non-confidential response."""

    position: int
    question: str
    text: str


def comments_of(summaries: Iterable[QuestionSummary]) -> list[Comment]:
    """Every comment the summaries show (confidential ones never are), by question."""
    return [Comment(q.position, q.text, text) for q in summaries for text in q.comments]


class CommentColumn(IntEnum):
    """Columns of :class:`CommentsTableModel`."""

    QUESTION = 0
    COMMENT = 1


COMMENT_HEADERS = ("Q", "Comment")


class CommentsTableModel(RowsTableModel[Comment]):
    """The comments of a form's non-confidential responses."""

    headers = COMMENT_HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        comment = self._rows[index.row()]
        column = CommentColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == CommentColumn.COMMENT:
                return comment.text
            return f"Q{comment.position}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (comment.text if column == CommentColumn.COMMENT
                    else f"{comment.position}. {comment.question}")
        if role == Role.SORT:
            if column == CommentColumn.QUESTION:
                return (comment.position, index.row())
            return comment.text.casefold()
        if role == Role.ROW:
            return comment
        if role == Qt.ItemDataRole.ForegroundRole and column == CommentColumn.QUESTION:
            return _MUTED
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None



# --------------------------------------------------------------------------- survey import


TARGET_NAMES: dict[str, str] = {IGNORE: "Don't import", EMAIL: "Respondent's email",
                                SUBMITTED: "Time submitted", RESPONSE_ID: "Response id"}
_MAX_LABEL = 60


def question_target_label(number: int, text: str) -> str:
    """A question as a mapping choice: "Q3. How satisfied are you…"."""
    text = " ".join(text.split())
    label = f"Q{number}. {text}"
    return label if len(label) <= _MAX_LABEL else label[:_MAX_LABEL - 1] + "…"


class MappingColumn(IntEnum):
    """Columns of :class:`SurveyMappingTableModel`."""

    HEADER = 0
    TARGET = 1
    SAMPLE = 2
    NOTE = 3


MAPPING_HEADERS = ("Column in the file", "Imported as", "Sample value", "How it was chosen")


class SurveyMappingTableModel(QAbstractTableModel):
    """One row per column of a survey export: its header, what it is imported as
    (editable: a question of the form, the respondent's email, the time submitted, the
    response id, or nothing), a sample value and why it is mapped so.

    Choosing a target emits ``target_chosen(header, target)``; the dialog previews again
    with the choice and shows the mapping that comes back (:meth:`set_columns`).
    """

    target_chosen = Signal(str, object)  # header, Target

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[SurveyColumn] = []
        self._targets: dict[str, Target] = {}
        self._chosen: set[str] = set()
        self._labels: dict[Target, str] = {}
        self.set_questions(())

    def set_questions(self, questions: Sequence[tuple[int, int, str]]) -> None:
        """The form's questions a column can be mapped to: (id, number, wording)."""
        self._labels = {IGNORE: TARGET_NAMES[IGNORE]}
        for qid, number, text in questions:
            self._labels[qid] = question_target_label(number, text)
        for key in (EMAIL, SUBMITTED, RESPONSE_ID):
            self._labels[key] = TARGET_NAMES[key]
        if self._columns:
            self._changed()

    def set_columns(self, columns: Sequence[SurveyColumn],
                    chosen: Iterable[str] = ()) -> None:
        """Show a preview's columns; ``chosen`` are the headers the user mapped."""
        self.beginResetModel()
        self._columns = list(columns)
        self._targets = {c.header: c.target for c in columns}
        self._chosen = set(chosen)
        self.endResetModel()

    def columns(self) -> list[SurveyColumn]:
        """The columns shown."""
        return list(self._columns)

    def mapping(self) -> dict[str, Target]:
        """Header -> target, as shown."""
        return dict(self._targets)

    def choices(self) -> list[str]:
        """The labels a column can be imported as."""
        return list(self._labels.values())

    def label(self, target: Target) -> str:
        """What a target is called in the table."""
        return self._labels.get(target, str(target))

    def target_of(self, label: str) -> Target | None:
        """The target called ``label``."""
        return next((t for t, text in self._labels.items() if text == label), None)

    def set_target(self, row: int, target: Target) -> None:
        """Map the column in ``row`` to ``target`` (and say so)."""
        header = self._columns[row].header
        self._chosen.add(header)
        if self._targets.get(header) != target:
            self._targets[header] = target
            self._changed()
        self.target_chosen.emit(header, target)

    def _changed(self) -> None:
        self.dataChanged.emit(self.index(0, 0),
                              self.index(len(self._columns) - 1, len(MappingColumn) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MappingColumn)

    def _note(self, c: SurveyColumn) -> str:
        target = self._targets.get(c.header, c.target)
        if c.header in self._chosen:
            return "Chosen by you"
        if target == IGNORE:
            return "Not matched to a question"
        if isinstance(target, int) and target == c.suggested and c.score:
            return f"Wording {c.score:.0%} alike"
        return "Recognised by its name"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._columns):
            return None
        c = self._columns[index.row()]
        target = self._targets.get(c.header, c.target)
        column = MappingColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == MappingColumn.HEADER:
                return c.header
            if column == MappingColumn.TARGET:
                return self.label(target)
            if column == MappingColumn.SAMPLE:
                return c.sample
            return self._note(c)
        if role == ItemRole.CHOICES and column == MappingColumn.TARGET:
            return self.choices()
        if role == Role.VALUE and column == MappingColumn.TARGET:
            return target
        if role == Role.ROW:
            return c
        if role == Qt.ItemDataRole.ForegroundRole and target == IGNORE \
                and column != MappingColumn.TARGET:
            return _MUTED
        if role == Qt.ItemDataRole.ToolTipRole and column in (MappingColumn.HEADER,
                                                              MappingColumn.SAMPLE):
            return (c.header if column == MappingColumn.HEADER else c.sample) or None
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or index.column() != MappingColumn.TARGET
                or not 0 <= index.row() < len(self._columns)):
            return False
        target = self.target_of(str(value))
        if target is None:
            return False
        self.set_target(index.row(), target)
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == MappingColumn.TARGET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_text(MAPPING_HEADERS, section, orientation, role)


ROW_STATUS_NAMES = {"import": "To import", "duplicate": "Duplicate", "refused": "Refused"}


class SurveyRowColumn(IntEnum):
    """Columns of :class:`SurveyRowsTableModel`."""

    ROW = 0
    EMAIL = 1
    STATUS = 2
    ANSWERS = 3
    NOTE = 4


SURVEY_ROW_HEADERS = ("Row", "Email", "What happens", "Answers", "Details")


class SurveyRowsTableModel(RowsTableModel[SurveyRow]):
    """What importing does with each row of a survey export; refused rows stand out."""

    headers = SURVEY_ROW_HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = SurveyRowColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SurveyRowColumn.ROW:
                return str(r.row)
            if column == SurveyRowColumn.EMAIL:
                return r.email or "—"
            if column == SurveyRowColumn.STATUS:
                return ROW_STATUS_NAMES.get(r.status, r.status)
            if column == SurveyRowColumn.ANSWERS:
                return f"{r.answers:,}"
            return r.note
        if role == Role.SORT:
            if column in (SurveyRowColumn.ROW, SurveyRowColumn.ANSWERS):
                return r.row if column == SurveyRowColumn.ROW else r.answers
            return str(self.data(index)).casefold()
        if role == Role.ID:
            return r.row
        if role == Role.ROW:
            return r
        if role == Qt.ItemDataRole.BackgroundRole and r.status == "refused":
            return _ERROR_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status == "refused":
                return _ERROR
            if r.status == "duplicate":
                return _MUTED
            if column == SurveyRowColumn.STATUS:
                return _IMPORT_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and column == SurveyRowColumn.NOTE:
            return r.note or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SurveyRowColumn.ROW,
                                                                    SurveyRowColumn.ANSWERS):
            return _RIGHT
        return None

