"""A base for the read-only tables that show a list of DTOs, one per row.

Subclasses name their column headers and answer :meth:`~RowsTableModel.data`; the base
holds the rows, counts rows and columns, and answers the horizontal headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")


def header_text(headers: Sequence[str], section: int, orientation: Qt.Orientation,
                role: int) -> str | None:
    """The horizontal header of column ``section`` for the display role, else None."""
    if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(headers)):
        return headers[section]
    return None


class RowsTableModel(QAbstractTableModel, Generic[RowT]):
    """A flat table of ``RowT`` rows under fixed column headers.

    Attributes:
        headers: the column headers, one per column, in column order.
    """

    headers: ClassVar[Sequence[str]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        """Every row shown, in the model's order."""
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_text(self.headers, section, orientation, role)
