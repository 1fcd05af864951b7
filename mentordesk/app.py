"""The GUI's wiring: arguments -> database path -> QApplication -> database -> MainWindow.

``mentordesk [--db PATH] [--read-only]`` (or ``python -m mentordesk``) ends up here.
The database is chosen by ``--db``, then ``MENTORDESK_DB``, then the last database opened
(remembered in QSettings), then the platform's default location.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from mentordesk import APP_NAME, __version__
from mentordesk.paths import DB_ENV_VAR, log_dir, resolve_db_path
from mentordesk.ui import crash, startup_probe
from mentordesk.ui.main_window import SETTING_LAST_DB, MainWindow
from mentordesk.ui.opening import app_icon, open_database

log = logging.getLogger(__name__)

ORGANISATION = "MentorDesk"
DESKTOP_FILE_NAME = "mentordesk"  # installers/linux/mentordesk.desktop


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The GUI's command line."""
    parser = argparse.ArgumentParser(prog="mentordesk", description="Start MentorDesk.")
    parser.add_argument("--db", metavar="PATH",
                        help=f"the database file to open (default: ${DB_ENV_VAR}, then the "
                             "last one opened, then the standard location)")
    parser.add_argument("--read-only", action="store_true",
                        help="open the database without changing anything")
    return parser.parse_args(argv)


def make_settings() -> QSettings:
    """Window state and the last database, in an INI file in the user's config directory."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                     APP_NAME)


def choose_db_path(cli_value: str | None, settings: QSettings) -> Path:
    """``--db``, then ``MENTORDESK_DB``, then the last database if it still exists, else the
    default location."""
    if cli_value or os.environ.get(DB_ENV_VAR):
        return resolve_db_path(cli_value)
    last = settings.value(SETTING_LAST_DB)
    if isinstance(last, str) and last and Path(last).is_file():
        return Path(last)
    return resolve_db_path(None)


def setup_logging() -> None:
    """Log to a rotating file in the log directory (and warnings to stderr)."""
    import logging.handlers  # socket, pickle...: paid after the window is shown
    root = logging.getLogger()
    if any(getattr(h, "mentordesk", False) for h in root.handlers):
        return
    try:
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir() / "mentordesk.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setLevel(logging.INFO)
    except OSError:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.mentordesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)


@contextlib.contextmanager
def _close_on_termination(window: MainWindow) -> Iterator[None]:
    """Ctrl+C or a logout's SIGTERM closes the window properly (database closed, backed up).

    Python runs signal handlers only between bytecodes, so a timer wakes it regularly
    while Qt's event loop waits. The previous handlers come back afterwards.
    """
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in signals}
    for signum in signals:
        signal.signal(signum, lambda _signum, _frame: window.close())
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(500)
    try:
        yield
    finally:
        heartbeat.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: list[str] | None = None) -> int:
    """Start the GUI; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else list(argv))
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    # Wayland matches windows to the installed mentordesk.desktop by this name (X11 uses the
    # WM_CLASS "MentorDesk", from the application name: the entry's StartupWMClass).
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
    crash.install()

    settings = make_settings()
    path = choose_db_path(args.db, settings)
    # The window comes first and the database right after, in the first turn of the event
    # loop: the user sees MentorDesk at once, before SQLAlchemy is even imported.
    window = MainWindow(None, settings)
    window.show()
    startup_probe.install_if_requested(app)
    opened: list[bool] = []
    _FirstPaint(window, lambda: opened.append(
        _open_first_database(window, path, args.read_only)))
    with _close_on_termination(window):
        status = app.exec()
    window.shutdown()
    # Destroy the window now, not whenever a stray Python reference to it is collected
    # (possibly while Qt is building another window).
    shiboken6.delete(window)
    return status if all(opened) else 1


class _FirstPaint(QObject):
    """Calls ``callback`` once, in the event loop turn after ``widget`` first painted (or
    after ``fallback_ms`` if it never paints, e.g. when started minimised)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None],
                 fallback_ms: int = 500) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


def _open_first_database(window: MainWindow, path: Path, read_only: bool) -> bool:
    """Open the database chosen at start-up; without one there is nothing to show, and
    the window closes (which ends the event loop)."""
    setup_logging()  # here, not before the window: it costs a visible part of start-up
    log.info("MentorDesk %s starting", __version__)
    db = open_database(path, read_only=read_only, parent=window)
    if db is None:
        window.close()
        return False
    window.set_database(db)
    window.offer_demo()
    return True


if __name__ == "__main__":
    sys.exit(main())
