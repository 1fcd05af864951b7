"""The list of a database's backups, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from mentordesk.db import BackupInfo

AnyIndex = QModelIndex | QPersistentModelIndex

REASON_LABELS = {
    "manual": "Backed up by hand",
    "open": "When the database was opened",
    "close": "When the database was closed",
    "pre-migration": "Before an upgrade",
    "pre-restore": "Before a restore",
    "pre-import": "Before an import",
    "pre-erasure": "Before erasing a person",
}


class BackupColumn(IntEnum):
    """Columns of :class:`BackupsTableModel`."""

    TAKEN = 0
    REASON = 1
    SIZE = 2


HEADERS = ("Taken", "Why", "Size")


def format_size(size: int) -> str:
    """A file size a person reads at a glance."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class BackupsTableModel(QAbstractTableModel):
    """Read-only table over ``BackupInfo`` records."""

    def __init__(self, backups: Sequence[BackupInfo] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backups = list(backups)

    def backup_at(self, row: int) -> BackupInfo:
        """The backup shown in ``row``."""
        return self._backups[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BackupColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._backups):
            return None
        backup = self._backups[index.row()]
        column = BackupColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == BackupColumn.TAKEN:
                return backup.taken_at.astimezone().strftime("%a %d %b %Y, %H:%M:%S")
            if column == BackupColumn.REASON:
                return REASON_LABELS.get(backup.reason, backup.reason)
            return format_size(backup.size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return backup.path.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == BackupColumn.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None
