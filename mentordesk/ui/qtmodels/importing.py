"""The import wizard's tables: the column mapping, the problems found and the changes planned.

The models hold the import service's frozen dataclasses (or small rows built from them on
the worker thread), never ORM objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from mentordesk.services.importing import FIELDS, IGNORE, ImportPreview, Problem, SourceTable
from mentordesk.ui.widgets import ItemRole

AnyIndex = QModelIndex | QPersistentModelIndex

DONT_IMPORT = "Don't import"
SAMPLE_ROWS = 200  # sample values come from the first rows only: quick on any file
SAMPLES_PER_COLUMN = 3
_IGNORED_COLOUR = QColor("#8A8A8A")
_PROBLEM_BACKGROUND = QColor("#FDECEA")
_PROBLEM_COLOUR = QColor("#B00020")
_ADD_COLOUR = QColor("#1B5E20")
_UPDATE_COLOUR = QColor("#0D47A1")


def field_label(key: str) -> str:
    """What users call the field ``key`` ("Don't import" for :data:`IGNORE`)."""
    return DONT_IMPORT if key == IGNORE else FIELDS.get(key, key)


def field_choices() -> list[str]:
    """The labels a column can be imported as, "Don't import" first."""
    return [DONT_IMPORT, *FIELDS.values()]


def _field_key(label: str) -> str | None:
    if label == DONT_IMPORT:
        return IGNORE
    for key, text in FIELDS.items():
        if text == label:
            return key
    return None


# --------------------------------------------------------------------------- mapping


class MappingColumn(IntEnum):
    """Columns of :class:`MappingTableModel`."""

    HEADER = 0
    FIELD = 1
    SAMPLES = 2


MAPPING_HEADERS = ("Column in the file", "Imported as", "Sample values")


class MappingTableModel(QAbstractTableModel):
    """One row per column of the file: its header, the MentorDesk field it fills (editable
    with a choice of :data:`FIELDS` labels) and a few of its values."""

    mapping_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._samples: list[str] = []
        self._mapping: dict[str, str] = {}

    def set_table(self, table: SourceTable | None, mapping: Mapping[str, str]) -> None:
        """Show the columns of ``table`` mapped by ``mapping`` (header -> field key)."""
        self.beginResetModel()
        self._headers = list(table.headers) if table is not None else []
        self._samples = [_samples(table, column) if table is not None else ""
                         for column in range(len(self._headers))]
        self._mapping = {header: mapping.get(header, IGNORE) for header in self._headers}
        self.endResetModel()
        self.mapping_changed.emit()

    def mapping(self) -> dict[str, str]:
        """Header -> field key (or :data:`IGNORE`), for every column of the file."""
        return dict(self._mapping)

    def duplicates(self) -> dict[str, list[str]]:
        """Fields chosen for more than one column: field key -> those headers."""
        by_field: dict[str, list[str]] = {}
        for header in self._headers:
            key = self._mapping.get(header, IGNORE)
            if key != IGNORE:
                by_field.setdefault(key, []).append(header)
        return {key: headers for key, headers in by_field.items() if len(headers) > 1}

    def set_field(self, row: int, key: str) -> None:
        """Import the column in ``row`` as ``key``."""
        header = self._headers[row]
        if self._mapping.get(header) == key:
            return
        self._mapping[header] = key
        # Every row's duplicate warning may change, not just this one.
        self.dataChanged.emit(self.index(0, MappingColumn.HEADER),
                              self.index(len(self._headers) - 1, MappingColumn.SAMPLES))
        self.mapping_changed.emit()

    # Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._headers)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(MappingColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._headers):
            return None
        header = self._headers[index.row()]
        key = self._mapping.get(header, IGNORE)
        column = MappingColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == MappingColumn.HEADER:
                return header or f"(column {index.row() + 1} has no name)"
            if column == MappingColumn.FIELD:
                return field_label(key)
            return self._samples[index.row()]
        if role == ItemRole.CHOICES and column == MappingColumn.FIELD:
            return field_choices()
        if role == Qt.ItemDataRole.ForegroundRole:
            if key != IGNORE and key in self.duplicates():
                return _PROBLEM_COLOUR
            if key == IGNORE and column != MappingColumn.FIELD:
                return _IGNORED_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            if key != IGNORE and key in self.duplicates():
                others = [h for h in self.duplicates()[key] if h != header]
                return f"{field_label(key)} is also chosen for: {', '.join(others)}"
            if column == MappingColumn.SAMPLES and self._samples[index.row()]:
                return self._samples[index.row()]
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or index.column() != MappingColumn.FIELD
                or not 0 <= index.row() < len(self._headers)):
            return False
        key = _field_key(str(value))
        if key is None:
            return False
        self.set_field(index.row(), key)
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == MappingColumn.FIELD:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(MAPPING_HEADERS)):
            return MAPPING_HEADERS[section]
        return None


def _samples(table: SourceTable, column: int) -> str:
    seen: list[str] = []
    for _number, cells in table.rows[:SAMPLE_ROWS]:
        value = cells[column].strip() if column < len(cells) else ""
        if value and value not in seen:
            seen.append(value)
            if len(seen) == SAMPLES_PER_COLUMN:
                break
    return " · ".join(seen)


# --------------------------------------------------------------------------- problems


class ProblemColumn(IntEnum):
    """Columns of :class:`ProblemsTableModel`."""

    ROW = 0
    COLUMN = 1
    REASON = 2


PROBLEM_HEADERS = ("Row", "Column", "Why it is not imported")


class ProblemsTableModel(QAbstractTableModel):
    """The problems an import preview found, by row of the file."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: Sequence[Problem]) -> None:
        """Show ``problems`` (in file order)."""
        self.beginResetModel()
        self._problems = sorted(problems, key=lambda p: p.row)
        self.endResetModel()

    def problem_at(self, row: int) -> Problem:
        """The problem shown in ``row``."""
        return self._problems[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ProblemColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        problem = self._problems[index.row()]
        column = ProblemColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ProblemColumn.ROW:
                return str(problem.row)
            if column == ProblemColumn.COLUMN:
                return problem.column
            return problem.reason
        if role == Qt.ItemDataRole.ToolTipRole and column == ProblemColumn.REASON:
            return problem.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ProblemColumn.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(PROBLEM_HEADERS)):
            return PROBLEM_HEADERS[section]
        return None


# --------------------------------------------------------------------------- changes


ADD = "add"
UPDATE = "update"
UNCHANGED = "unchanged"
REFUSED = "refused"
ACTION_LABELS = {ADD: "Add", UPDATE: "Update", UNCHANGED: "Unchanged", REFUSED: "Refused"}


@dataclass(frozen=True)
class ChangeRow:
    """One row of the file as the preview shows it: what importing will do with it."""

    row: int
    email: str
    name: str
    action: str  # ADD, UPDATE, UNCHANGED or REFUSED
    details: str  # the fields that change, or why the row is refused


def change_rows(preview: ImportPreview) -> list[ChangeRow]:
    """Every data row of the previewed file with its fate, in file order.

    Refused rows are not among the preview's changes; their email and name are read from
    the file through the mapping, so the coordinator can find them in the spreadsheet.
    Plain Python, run on the worker thread for large files.
    """
    rows = [ChangeRow(c.row, c.email, c.name, c.action,
                      ", ".join(field_label(f) for f in c.changed_fields))
            for c in preview.changes]
    refused = set(preview.refused_rows)
    if refused:
        reasons: dict[int, list[str]] = {}
        for problem in preview.problems:
            reasons.setdefault(problem.row, []).append(f"{problem.column}: {problem.reason}")
        columns = {key: preview.table.headers.index(header)
                   for header, key in preview.mapping.items()
                   if key != IGNORE and header in preview.table.headers}

        def cell(cells: tuple[str, ...], key: str) -> str:
            column = columns.get(key)
            return cells[column].strip() if column is not None and column < len(cells) else ""

        for number, cells in preview.table.rows:
            if number not in refused:
                continue
            name = cell(cells, "full_name") or " ".join(
                part for part in (cell(cells, "first_name"), cell(cells, "last_name")) if part)
            rows.append(ChangeRow(number, cell(cells, "email"), name, REFUSED,
                                  "; ".join(reasons.get(number, []))))
    rows.sort(key=lambda r: r.row)
    return rows


class ChangeColumn(IntEnum):
    """Columns of :class:`ChangesTableModel`."""

    ROW = 0
    EMAIL = 1
    NAME = 2
    ACTION = 3
    DETAILS = 4


CHANGE_HEADERS = ("Row", "Email", "Name", "What happens", "Fields that change")


class ChangesRole(IntEnum):
    """Custom item-data roles of :class:`ChangesTableModel`."""

    ACTION = Qt.ItemDataRole.UserRole + 1  # ADD, UPDATE, UNCHANGED or REFUSED


class ChangesTableModel(QAbstractTableModel):
    """What the import will do with each row of the file; refused rows are highlighted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChangeRow] = []

    def set_rows(self, rows: Sequence[ChangeRow]) -> None:
        """Show ``rows`` (see :func:`change_rows`)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ChangeRow:
        """The change shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ChangeColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        change = self._rows[index.row()]
        column = ChangeColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ChangeColumn.ROW:
                return str(change.row)
            if column == ChangeColumn.EMAIL:
                return change.email
            if column == ChangeColumn.NAME:
                return change.name
            if column == ChangeColumn.ACTION:
                return ACTION_LABELS.get(change.action, change.action)
            return change.details
        if role == ChangesRole.ACTION:
            return change.action
        if role == Qt.ItemDataRole.BackgroundRole and change.action == REFUSED:
            return _PROBLEM_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole:
            if change.action == REFUSED:
                return _PROBLEM_COLOUR
            if change.action == UNCHANGED:
                return _IGNORED_COLOUR
            if column == ChangeColumn.ACTION:
                return _ADD_COLOUR if change.action == ADD else _UPDATE_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and column == ChangeColumn.DETAILS:
            return change.details or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ChangeColumn.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(CHANGE_HEADERS)):
            return CHANGE_HEADERS[section]
        return None


class ChangesProxyModel(QSortFilterProxyModel):
    """Shows only the rows whose action is among those chosen (all of them by default)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actions: frozenset[str] | None = None

    def set_actions(self, actions: frozenset[str] | None) -> None:
        """Keep rows with one of ``actions`` (None: every row)."""
        if actions == self._actions:
            return
        self.beginFilterChange()
        self._actions = actions
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._actions is None:
            return True
        model = self.sourceModel()
        action = model.data(model.index(source_row, 0, source_parent), ChangesRole.ACTION)
        return action in self._actions
