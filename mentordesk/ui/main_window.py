"""The main window: a sidebar of areas, the File and Help menus, and the open database."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from mentordesk import APP_NAME
from mentordesk.errors import UserError
from mentordesk.paths import default_db_path
from mentordesk.ui import opening, prompts
from mentordesk.ui.tasks import (
    Cancelled,
    Progress,
    Task,
    TaskRunner,
    in_transaction,
    stopping_progress,
)
from mentordesk.ui.views.base import ALL_AREAS, AreaView
from mentordesk.ui.views.placeholder_view import PendingView, PlaceholderView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import BackupInfo, Database
    from mentordesk.ui.dialogs.about_dialog import AboutDialog

log = logging.getLogger(__name__)

# Areas planned for later releases: (area, title, what it will do).
PLANNED_AREAS = (
    ("recognition", "Recognition", "It will celebrate milestones and completed pairings "
     "with awards and printable certificates."),
    ("resources", "Resources", "It will keep the library of articles, templates, videos "
     "and the handbook for mentors and mentees."),
    ("stories", "Stories", "It will collect success stories from participants who agreed "
     "to share them, for you to approve and publish."),
)
AREA_ORDER = ("programme", "participants", "pairing", "checkins", "documents", "feedback",
              "kpis", "recognition", "resources", "stories")

SETTING_GEOMETRY = "window/geometry"
SETTING_STATE = "window/state"
SETTING_AREA = "window/area"
SETTING_LAST_DB = "database/last"


class MainWindow(QMainWindow):
    """The window around every area; owns the open database and closes it.

    After any operation it emits ``data_changed`` with the names of the areas whose data
    changed, and each view reloads only if it shows one of them.
    """

    data_changed = Signal(object)  # frozenset[str] of area names

    def __init__(self, db: Database | None, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self.settings = settings
        self._shut_down = False
        self.about_dialog: AboutDialog | None = None
        self.tasks = TaskRunner(self)
        self.tasks.busy_changed.connect(self._update_actions)
        self.setWindowIcon(opening.app_icon())

        # The areas that read the database stand in as PendingViews until one is open, so
        # the window shows before their modules (and SQLAlchemy) are imported.
        views: list[AreaView] = [PendingView("programme", "Programme"),
                                 PendingView("participants", "Participants"),
                                 PendingView("pairing", "Pairing"),
                                 PendingView("checkins", "Check-ins"),
                                 PendingView("documents", "Documents"),
                                 PendingView("feedback", "Feedback"),
                                 PendingView("kpis", "KPIs")]
        views += [PlaceholderView(area, title, text) for area, title, text in PLANNED_AREAS]
        self.views = {v.area: v for v in sorted(views, key=lambda v: AREA_ORDER.index(v.area))}
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(160)
        self.sidebar.setStyleSheet("QListWidget#sidebar { border: none; }"
                                   "QListWidget#sidebar::item { padding: 7px 12px; }")
        self.stack = QStackedWidget()
        for view in self.views.values():
            self.sidebar.addItem(view.title)
            self.stack.addWidget(view)
            view.data_changed.connect(self.data_changed)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        self.data_changed.connect(self._on_data_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._create_menus()

        geometry = settings.value(SETTING_GEOMETRY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self._default_size()
        state = settings.value(SETTING_STATE)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.set_database(db)
        last_area = str(settings.value(SETTING_AREA, "participants"))
        self.show_area(last_area if last_area in self.views else "participants")

    # ------------------------------------------------------------------ setup

    def _default_size(self) -> None:
        """First start: most of the screen, so the participants table fits without scrolling."""
        screen = self.screen().availableGeometry()
        self.resize(min(1360, int(screen.width() * 0.92)), min(860, int(screen.height() * 0.9)))

    def _create_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action(file_menu, "&New database…", self.new_database,
                                       QKeySequence.StandardKey.New)
        self.open_action = self._action(file_menu, "&Open database…", self.open_database,
                                        QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        self.backup_action = self._action(file_menu, "&Back up now", self.back_up_now)
        self.restore_action = self._action(file_menu, "&Restore from backup…",
                                           self.restore_from_backup)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close,
                                        QKeySequence.StandardKey.Quit)
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = self._action(help_menu, f"&About {APP_NAME}", self.show_about)

    def _action(self, menu: QWidget, text: str, slot: object,
                shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # ------------------------------------------------------------------ areas

    def show_area(self, area: str) -> AreaView:
        """Bring ``area``'s page to the front and return its view."""
        row = list(self.views).index(area)
        self.sidebar.setCurrentRow(row)
        return self.views[area]

    def current_area(self) -> str:
        """The area shown now."""
        return list(self.views)[self.stack.currentIndex()]

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def _on_view_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def _on_data_changed(self, areas: frozenset[str]) -> None:
        for view in self.views.values():
            view.on_data_changed(areas)

    # ------------------------------------------------------------------ database

    def _build_data_views(self) -> None:
        """Replace the PendingViews by the real areas (once, when a database opens)."""
        from mentordesk.ui.views.checkins_view import CheckinsView
        from mentordesk.ui.views.documents_view import DocumentsView
        from mentordesk.ui.views.feedback_view import FeedbackView
        from mentordesk.ui.views.kpis_view import KpisView
        from mentordesk.ui.views.pairing_view import PairingView
        from mentordesk.ui.views.participants_view import ParticipantsView
        from mentordesk.ui.views.programme_view import ProgrammeView

        current = self.stack.currentIndex()
        view_class: type[AreaView]
        for view_class in (ProgrammeView, ParticipantsView, PairingView, CheckinsView,
                           DocumentsView, FeedbackView, KpisView):
            pending = self.views[view_class.area]
            if not isinstance(pending, PendingView):
                continue
            view = view_class()
            view.tasks = self.tasks
            view.status_message.connect(self._on_view_status_message)
            index = self.stack.indexOf(pending)
            self.stack.insertWidget(index, view)
            self.stack.removeWidget(pending)
            pending.deleteLater()
            self.views[view.area] = view
            view.data_changed.connect(self.data_changed)
        self.stack.setCurrentIndex(current)

    def set_database(self, db: Database | None) -> None:
        """Show ``db``; the database shown before is closed (with its close-time backup)."""
        if self.db is not None and self.db is not db:
            self._close_database()
        if db is not None:
            self._build_data_views()
        self.db = db
        if db is not None:
            self.settings.setValue(SETTING_LAST_DB, str(db.path))
        for view in self.views.values():
            view.set_database(db)
        self._update_title()
        self._update_actions()

    def _close_database(self) -> None:
        db, self.db = self.db, None
        for view in self.views.values():
            view.set_database(None)
        if db is not None:
            try:
                db.close()
            except UserError as exc:  # the close-time backup failed; the data is saved
                prompts.show_error(self, "Backup failed", exc.message)

    def _update_title(self) -> None:
        if self.db is None:
            self.setWindowTitle(APP_NAME)
            self.db_label.setText("No database open")
            return
        suffix = " (read-only)" if self.db.read_only else ""
        self.setWindowTitle(f"{self.db.path.name}{suffix} – {APP_NAME}")
        self.db_label.setText(f"Database: {self.db.path}{' — read-only' if suffix else ''}")
        self.db_label.setToolTip(
            "Opened read-only: another MentorDesk has this database open, so nothing can be "
            "changed here." if self.db.read_only else "Every change is saved as you make it.")

    def _update_actions(self) -> None:
        busy = self.tasks.busy
        writable = self.db is not None and not self.db.read_only
        self.new_action.setEnabled(not busy)
        self.open_action.setEnabled(not busy)
        self.backup_action.setEnabled(writable and not busy)
        self.restore_action.setEnabled(writable and not busy)

    def _start_dir(self) -> Path:
        return self.db.path.parent if self.db is not None else default_db_path().parent

    def open_database(self) -> None:
        """File > Open database…"""
        path = prompts.choose_database_to_open(self, self._start_dir())
        if path is not None:
            self.switch_to(path)

    def new_database(self) -> None:
        """File > New database…: create an empty database and open it."""
        path = prompts.choose_new_database(self, self._start_dir())
        if path is None:
            return
        if path.exists() and path.stat().st_size > 0:
            prompts.show_error(self, "New database",
                               f"{path} already exists. Choose another name, or use "
                               "File > Open database… to open it.")
            return
        self.switch_to(path)

    def switch_to(self, path: Path, *, read_only: bool = False) -> Task | None:
        """Close the current database and open ``path``; offer the demo if it is empty."""
        if self.db is not None and self.db.path.resolve() == path.resolve():
            return None
        self._close_database()
        self.set_database(opening.open_database(path, read_only=read_only, parent=self))
        return self.offer_demo()

    # ------------------------------------------------------------------ operations

    def offer_demo(self) -> Task | None:
        """If the database is empty, offer the demo programme and load it in the background."""
        from mentordesk.services.demo import database_is_empty, load_demo

        db = self.db
        if db is None or db.read_only:
            return None
        with db.Session() as session:
            if not database_is_empty(session):
                return None
        if not prompts.ask_load_demo(self):
            self.show_area("programme")
            return None

        def load(session: Session, progress: Progress, cancelled: Cancelled) -> int:
            return load_demo(session, progress=stopping_progress(progress, cancelled))

        return self.tasks.run("Loading the demo programme…", in_transaction(db, load),
                              on_done=self._on_demo_loaded, on_failed=self._on_task_failed)

    def _on_demo_loaded(self, _programme_id: int) -> None:
        self.data_changed.emit(ALL_AREAS)
        self.statusBar().showMessage("The demo programme is loaded.", 8000)

    def back_up_now(self) -> Task | None:
        """File > Back up now, in the background."""
        db = self.db
        if db is None or db.read_only:
            return None

        def backup(_progress: Progress, _cancelled: Cancelled) -> BackupInfo:
            return db.backup("manual")

        return self.tasks.run("Backing up…", backup, cancellable=False,
                              on_done=self._on_backup_done, on_failed=self._on_task_failed)

    def _on_backup_done(self, info: BackupInfo) -> None:
        self.statusBar().showMessage(f"Backed up to {info.path}", 10000)

    def restore_from_backup(self) -> Task | None:
        """File > Restore from backup…: choose, confirm, close, restore, reopen."""
        if self.db is None or self.db.read_only:
            return None
        from mentordesk.db import list_backups, restore_backup

        backups = list_backups(self.db.path)
        if not backups:
            prompts.show_error(self, "Restore from backup",
                               "There are no backups of this database yet.")
            return None
        backup = prompts.choose_backup(self, backups)
        if backup is None:
            return None
        when = backup.taken_at.astimezone().strftime("%d %b %Y at %H:%M")
        if not prompts.confirm(
                self, "Restore from backup",
                f"Replace everything in {self.db.path.name} with the backup taken on {when}?"
                "\n\nA backup of the database as it is now is taken first.", "Restore"):
            return None
        path = self.db.path
        self._close_database()
        self._update_title()

        def restore(_progress: Progress, _cancelled: Cancelled) -> tuple[BackupInfo, list[int]]:
            from mentordesk.db import InstanceLock

            # Hold the database's lock while its file is replaced, so another MentorDesk
            # cannot open it half-way (this window let go of it when it closed it).
            lock = InstanceLock(path)
            lock.acquire()
            try:
                info = restore_backup(path, backup.path)
            finally:
                lock.release()
            # People erased after the backup was taken are in it again: erase them again
            # before anything shows the restored data.
            from mentordesk.db import Database
            from mentordesk.services.privacy import reapply_erasures

            restored = Database.open(path, backups=False)
            try:
                return info, reapply_erasures(restored)
            finally:
                restored.close(backup=False)

        def reopen(result: object = None) -> None:
            if self._shut_down:  # the window closed while restoring
                return
            self.set_database(opening.open_database(path, parent=self))
            self.data_changed.emit(ALL_AREAS)
            erased_again = len(result[1]) if isinstance(result, tuple) else 0
            people = "person" if erased_again == 1 else "people"
            self.statusBar().showMessage(
                f"Restored the backup taken on {when}" + (
                    f", and erased again {erased_again} {people} erased since then."
                    if erased_again else "."), 15000)

        def reopen_after_failure(exc: BaseException) -> None:
            if self._shut_down:
                return
            self.set_database(opening.open_database(path, parent=self))
            self._on_task_failed(exc)

        return self.tasks.run("Restoring the backup…", restore, cancellable=False,
                              on_done=reopen, on_failed=reopen_after_failure)

    def _on_task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            prompts.show_error(self, APP_NAME, exc.message)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def show_about(self) -> None:
        """Help > About."""
        from mentordesk.paths import data_dir
        from mentordesk.ui.dialogs.about_dialog import AboutDialog

        if self.about_dialog is not None:
            self.about_dialog.deleteLater()
        self.about_dialog = AboutDialog(data_dir(), self.db.path if self.db else None, self)
        self.about_dialog.open()

    # ------------------------------------------------------------------ closing

    def shutdown(self) -> None:
        """Stop background work, remember the window, close the database (idempotent)."""
        if self._shut_down:
            return
        self.tasks.cancel_all_and_wait()
        self._shut_down = True
        self.settings.setValue(SETTING_GEOMETRY, self.saveGeometry())
        self.settings.setValue(SETTING_STATE, self.saveState())
        self.settings.setValue(SETTING_AREA, self.current_area())
        self.settings.sync()
        self._close_database()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
