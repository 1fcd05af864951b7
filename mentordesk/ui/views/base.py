"""What every area of the main window has in common: a database, and reloading when stale."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QWidget

from mentordesk import APP_NAME
from mentordesk.errors import UserError
from mentordesk.ui import prompts
from mentordesk.ui.widgets import MUTED_STYLE

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database
    from mentordesk.ui.tasks import TaskRunner

T = TypeVar("T")

ALL_AREAS = frozenset({"programme", "participants", "pairing", "checkins", "documents",
                       "feedback", "kpis", "recognition", "resources", "stories"})


class AreaView(QWidget):
    """One page of the main window.

    A view writes through services, then emits ``data_changed`` with the areas it changed;
    the main window passes that on to every view, and a view reloads only if an area it
    shows is among them (Anki's OpChanges). A hidden view just remembers it is stale and
    reloads when it is shown again.
    """

    data_changed = Signal(object)  # frozenset[str] of area names
    status_message = Signal(str)  # a line for the main window's status bar

    area = ""
    title = ""
    depends_on: frozenset[str] = frozenset()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        # The window's background runner, set by the main window; views run long work on it.
        self.tasks: TaskRunner | None = None
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

    def report_failure(self, exc: BaseException) -> None:
        """A background operation failed: a :class:`UserError` is explained in a dialog,
        anything else is a bug for the crash handler."""
        if isinstance(exc, UserError):
            prompts.show_error(self, APP_NAME, exc.message)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _write(self, fn: Callable[[Session], T]) -> tuple[T] | None:
        """Run ``fn`` in one transaction of the open database: its result in a 1-tuple, or
        None when nothing could be written (read-only, or a :class:`UserError`, which is
        explained to the user)."""
        if self.db is None or self.db.read_only:
            return None
        try:
            with self.db.Session.begin() as session:
                return (fn(session),)
        except UserError as exc:
            self.report_failure(exc)
            return None

    def _open(self, dialog: QDialog, attribute: str) -> None:
        """Show ``dialog`` window-modal, kept in ``attribute`` until it closes."""
        setattr(self, attribute, dialog)
        dialog.finished.connect(partial(self._on_opened_dialog_finished, attribute))
        dialog.open()

    def _on_opened_dialog_finished(self, attribute: str, _result: int = 0) -> None:
        dialog = getattr(self, attribute)
        setattr(self, attribute, None)
        if dialog is not None:
            dispose = getattr(dialog, "dispose", None)
            if callable(dispose):
                dispose()  # deletes it once its background work has ended
            else:
                dialog.deleteLater()

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


def area_header(title: str, *buttons: QWidget) -> tuple[QHBoxLayout, QLabel]:
    """An area's header row: its title, then a muted label for the programme's name, then
    ``buttons`` on the right in the order given. Returns the row and that label, which the
    area fills in when it loads."""
    programme_label = QLabel()
    programme_label.setStyleSheet(MUTED_STYLE)
    row = QHBoxLayout()
    row.addWidget(heading(title))
    row.addSpacing(10)
    row.addWidget(programme_label, 0, Qt.AlignmentFlag.AlignBottom)
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row, programme_label


def add_shortcut(parent: QWidget, keys: QKeySequence | QKeySequence.StandardKey,
                 slot: Callable[[], object],
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
                 ) -> QShortcut:
    """A keyboard shortcut on ``parent`` that calls ``slot``; by default it works wherever
    the focus is inside ``parent`` (an area), not only on ``parent`` itself."""
    shortcut = QShortcut(QKeySequence(keys), parent)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut
