"""The participants table: a model over ``ParticipantRow`` DTOs and its filtering sort proxy."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from mentordesk.models import ParticipantRole, ParticipantStatus
from mentordesk.services.participants import ParticipantRow

ROLE_LABELS = {
    ParticipantRole.MENTOR: "Mentor",
    ParticipantRole.MENTEE: "Mentee",
    ParticipantRole.BOTH: "Mentor and mentee",
}
STATUS_LABELS = {
    ParticipantStatus.ACTIVE: "Active",
    ParticipantStatus.WITHDRAWN: "Withdrawn",
}
_WITHDRAWN_COLOUR = QColor("#8A8A8A")
NOT_A_MENTOR = "\N{EN DASH}"  # capacity does not apply to a mentee

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The columns of the participants table, in display order."""

    NAME = 0
    EMAIL = 1
    DEPARTMENT = 2
    JOB_TITLE = 3
    LEVEL = 4
    ROLE = 5
    CAPACITY = 6
    STATUS = 7
    MANAGER = 8


HEADERS = {
    Column.NAME: "Name",
    Column.EMAIL: "Email",
    Column.DEPARTMENT: "Department",
    Column.JOB_TITLE: "Job title",
    Column.LEVEL: "Level",
    Column.ROLE: "Role",
    Column.CAPACITY: "Mentees",
    Column.STATUS: "Status",
    Column.MANAGER: "Manager",
}
HEADER_TIPS = {
    Column.CAPACITY: "How many mentees a mentor can take on",
}


class Role(IntEnum):
    """Custom item-data roles of :class:`ParticipantsTableModel`."""

    SORT = Qt.ItemDataRole.UserRole + 1  # raw value to sort by
    ID = Qt.ItemDataRole.UserRole + 2  # participant id (any column)
    ROW = Qt.ItemDataRole.UserRole + 3  # the ParticipantRow (any column)


def _display(row: ParticipantRow, column: Column) -> str:
    if column == Column.NAME:
        return row.full_name
    if column == Column.EMAIL:
        return row.email
    if column == Column.DEPARTMENT:
        return row.department
    if column == Column.JOB_TITLE:
        return row.job_title
    if column == Column.LEVEL:
        return row.level
    if column == Column.ROLE:
        return ROLE_LABELS.get(row.role, str(row.role))
    if column == Column.CAPACITY:
        return NOT_A_MENTOR if row.role == ParticipantRole.MENTEE else str(row.mentor_capacity)
    if column == Column.STATUS:
        return STATUS_LABELS.get(row.status, str(row.status))
    return row.manager_name


def _sort_key(row: ParticipantRow, column: Column) -> Any:
    if column == Column.CAPACITY:
        return -1 if row.role == ParticipantRole.MENTEE else row.mentor_capacity
    if column in (Column.ROLE, Column.STATUS):
        return _display(row, column)
    return _display(row, column).casefold()


class ParticipantsTableModel(QAbstractTableModel):
    """Read-only table of participants; reloaded whole with :meth:`set_rows`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ParticipantRow] = []
        self._sort: tuple[Column, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[ParticipantRow]) -> None:
        """Replace every row (after a reload from the database), kept in the current sort."""
        self.beginResetModel()
        self._rows = self._sorted(list(rows))
        self.endResetModel()

    def _sorted(self, rows: list[ParticipantRow]) -> list[ParticipantRow]:
        if self._sort is None:
            return rows
        column, order = self._sort
        return sorted(rows, key=lambda r: _sort_key(r, column),
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by raw values in Python: for thousands of rows, far quicker than letting
        a proxy compare them through ``data()`` one pair at a time."""
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (Column(column), order)
        before = {id(row): number for number, row in enumerate(self._rows)}
        self._rows = self._sorted(self._rows)
        moved = {before[id(row)]: number for number, row in enumerate(self._rows)}
        old = self.persistentIndexList()
        self.changePersistentIndexList(
            old, [self.index(moved[i.row()], i.column()) if i.isValid() else i for i in old])
        self.layoutChanged.emit()

    def row_at(self, row: int) -> ParticipantRow:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def row_of(self, participant_id: int) -> int | None:
        """The row showing ``participant_id``, if it is loaded."""
        for number, item in enumerate(self._rows):
            if item.id == participant_id:
                return number
        return None

    def departments(self) -> list[str]:
        """The departments present, sorted, without blanks."""
        return sorted({r.department for r in self._rows if r.department}, key=str.casefold)

    # Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Role.SORT:
            return _sort_key(row, column)
        if role == Role.ID:
            return row.id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME and row.preferred_name:
            return f"{row.full_name} (goes by {row.preferred_name})"
        if role == Qt.ItemDataRole.ForegroundRole and row.status == ParticipantStatus.WITHDRAWN:
            return _WITHDRAWN_COLOUR
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.CAPACITY:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None


class ParticipantsProxyModel(QSortFilterProxyModel):
    """Filters by a search text, role, department and status; sorting is passed on to the
    source model, which sorts by raw values (the proxy keeps the source's order)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self.setDynamicSortFilter(True)
        self._search = ""
        self._role: ParticipantRole | None = None
        self._department = ""
        self._status: ParticipantStatus | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_search(self, text: str) -> None:
        """Keep rows whose name, email, department or job title contain ``text`` (any case)."""
        self._change_filter("_search", text.strip().casefold())

    def set_role(self, role: ParticipantRole | None) -> None:
        """Keep only this role (None: every role). "Both" counts as mentor and as mentee."""
        self._change_filter("_role", role)

    def set_department(self, department: str) -> None:
        """Keep only this department ("" for every department)."""
        self._change_filter("_department", department)

    def set_status(self, status: ParticipantStatus | None) -> None:
        """Keep only this status (None: every status)."""
        self._change_filter("_status", status)

    def _change_filter(self, name: str, value: object) -> None:
        if getattr(self, name) == value:
            return
        self.beginFilterChange()  # Qt 6.10's replacement for invalidateFilter()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        row: ParticipantRow = model.data(model.index(source_row, 0, source_parent), Role.ROW)
        if row is None:
            return False
        if self._role is not None and row.role != self._role and not (
                row.role == ParticipantRole.BOTH and self._role != ParticipantRole.BOTH):
            return False
        if self._department and row.department != self._department:
            return False
        if self._status is not None and row.status != self._status:
            return False
        if self._search:
            haystack = (row.full_name, row.preferred_name, row.email, row.department,
                        row.job_title)
            return any(self._search in value.casefold() for value in haystack)
        return True
