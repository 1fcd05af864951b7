"""Editable tables of a programme's objectives and KPI targets, over frozen service DTOs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mentordesk.models import KpiDirection
from mentordesk.services.programmes import KpiData, ObjectiveData
from mentordesk.ui.widgets import ItemRole

AnyIndex = QModelIndex | QPersistentModelIndex
_EDIT = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)

DIRECTION_LABELS = {
    KpiDirection.INCREASE: "Higher is better",
    KpiDirection.DECREASE: "Lower is better",
}


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _RowsTableModel(QAbstractTableModel):
    """An editable list of frozen dataclasses; subclasses say how cells read and write."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def _blank(self) -> Any:
        raise NotImplementedError

    def _cell(self, item: Any, column: int) -> str:
        raise NotImplementedError

    def _with(self, item: Any, column: int, text: str) -> Any | None:
        """``item`` with ``column`` set from ``text``, or None if ``text`` is not acceptable."""
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in _EDIT:
            return self._cell(self._rows[index.row()], index.column())
        if role == ItemRole.CHOICES:
            return self._choices(index.column())
        return None

    def _choices(self, column: int) -> list[str] | None:
        return None

    def setData(self, index: AnyIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        changed = self._with(self._rows[index.row()], index.column(), str(value))
        if changed is None:
            return False
        self._rows[index.row()] = changed
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.EditRole])
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None

    def insertRows(self, row: int, count: int,
                   parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or not 0 <= row <= len(self._rows) or count < 1:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self._rows[row:row] = [self._blank() for _ in range(count)]
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int,
                   parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row:row + count]
        self.endRemoveRows()
        return True


class ObjectiveColumn(IntEnum):
    """Columns of :class:`ObjectivesTableModel`."""

    TITLE = 0
    GOAL = 1


class ObjectivesTableModel(_RowsTableModel):
    """The programme's objectives, each with the organisational goal it serves."""

    headers = ("Objective", "Organisational goal it serves")

    def set_objectives(self, objectives: Sequence[ObjectiveData]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(objectives)
        self.endResetModel()

    def objectives(self) -> tuple[ObjectiveData, ...]:
        """The rows as edited."""
        return tuple(self._rows)

    def titles(self) -> list[str]:
        """The objective titles that are filled in."""
        return [o.title.strip() for o in self._rows if o.title.strip()]

    def _blank(self) -> ObjectiveData:
        return ObjectiveData(title="")

    def _cell(self, item: ObjectiveData, column: int) -> str:
        return item.title if column == ObjectiveColumn.TITLE else item.organisational_goal

    def _with(self, item: ObjectiveData, column: int, text: str) -> ObjectiveData:
        if column == ObjectiveColumn.TITLE:
            return dataclasses.replace(item, title=text)
        return dataclasses.replace(item, organisational_goal=text)


class KpiColumn(IntEnum):
    """Columns of :class:`KpisTableModel`."""

    NAME = 0
    BASELINE = 1
    TARGET = 2
    UNIT = 3
    DIRECTION = 4
    OBJECTIVE = 5


class KpisTableModel(_RowsTableModel):
    """KPI targets; the objective column offers the titles of ``objectives``."""

    headers = ("KPI", "Baseline", "Target", "Unit", "Direction", "Measures objective")

    def __init__(self, objectives: ObjectivesTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._objectives = objectives

    def set_kpis(self, kpis: Sequence[KpiData]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(kpis)
        self.endResetModel()

    def kpis(self) -> tuple[KpiData, ...]:
        """The rows as edited."""
        return tuple(self._rows)

    def _blank(self) -> KpiData:
        return KpiData(name="", target_value=0.0)

    def _choices(self, column: int) -> list[str] | None:
        if column == KpiColumn.DIRECTION:
            return list(DIRECTION_LABELS.values())
        if column == KpiColumn.OBJECTIVE:
            return ["", *self._objectives.titles()]
        return None

    def _cell(self, item: KpiData, column: int) -> str:
        column = KpiColumn(column)
        if column == KpiColumn.NAME:
            return item.name
        if column == KpiColumn.BASELINE:
            return _number(item.baseline_value)
        if column == KpiColumn.TARGET:
            return _number(item.target_value)
        if column == KpiColumn.UNIT:
            return item.unit
        if column == KpiColumn.DIRECTION:
            return DIRECTION_LABELS[item.direction]
        return item.objective

    def _with(self, item: KpiData, column: int, text: str) -> KpiData | None:
        column = KpiColumn(column)
        text = text.strip()
        if column == KpiColumn.NAME:
            return dataclasses.replace(item, name=text)
        if column in (KpiColumn.BASELINE, KpiColumn.TARGET):
            if not text and column == KpiColumn.BASELINE:
                return dataclasses.replace(item, baseline_value=None)
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                return None
            if column == KpiColumn.BASELINE:
                return dataclasses.replace(item, baseline_value=value)
            return dataclasses.replace(item, target_value=value)
        if column == KpiColumn.UNIT:
            return dataclasses.replace(item, unit=text)
        if column == KpiColumn.DIRECTION:
            for direction, label in DIRECTION_LABELS.items():
                if text in (label, direction.value):
                    return dataclasses.replace(item, direction=direction)
            return None
        return dataclasses.replace(item, objective=text)
