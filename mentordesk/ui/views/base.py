"""What every area of the main window has in common: a database, and reloading when stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from mentordesk.db import Database

ALL_AREAS = frozenset({"programme", "participants", "pairing", "checkins", "feedback", "kpis",
                       "recognition", "resources", "stories"})


class AreaView(QWidget):
    """One page of the main window.

    A view writes through services, then emits ``data_changed`` with the areas it changed;
    the main window passes that on to every view, and a view reloads only if an area it
    shows is among them (Anki's OpChanges). A hidden view just remembers it is stale and
    reloads when it is shown again.
    """

    data_changed = Signal(object)  # frozenset[str] of area names

    area = ""
    title = ""
    depends_on: frozenset[str] = frozenset()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self._stale = True

    def set_database(self, db: Database | None) -> None:
        """Show ``db`` (None while no database is open, e.g. during a restore)."""
        self.db = db
        self._stale = True
        self._apply_read_only(db is None or db.read_only)
        if self.isVisible():
            self.reload()

    def on_data_changed(self, areas: frozenset[str]) -> None:
        """Reload if anything this view shows has changed."""
        if not areas & self.depends_on:
            return
        self._stale = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        """Read what this view shows from the database again."""
        self._stale = False
        self._load()

    def _load(self) -> None:
        """Subclasses read their data here (``self.db`` may be None)."""

    def _apply_read_only(self, read_only: bool) -> None:
        """Subclasses disable their editing controls here."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()


def heading(text: str) -> QLabel:
    """A page title."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label
