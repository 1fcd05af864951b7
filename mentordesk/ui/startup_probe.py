"""Start-up timing for benchmarks: ``MENTORDESK_STARTUP_PROBE=1 mentordesk --db PATH``.

With that variable set, the GUI prints ``shown`` when its main window first paints and
``ready`` once the participants are on screen, then closes the window (exit 0). It is how
``benchmarks/bench_startup.py`` times the app from source and as a frozen bundle by the
same measure, from outside the process; nothing else uses it.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

ENV_VAR = "MENTORDESK_STARTUP_PROBE"
POLL_MS = 2


class _Probe(QObject):
    """Watches every paint for the first one of a main window, then polls for data."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.shown = False
        app.installEventFilter(self)
        QTimer.singleShot(0, self._poll)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (not self.shown and event.type() == QEvent.Type.Paint
                and isinstance(watched, QMainWindow)):
            self.shown = True
            print("shown", flush=True)
        return False

    def _poll(self) -> None:
        windows = [w for w in self.app.topLevelWidgets() if isinstance(w, QMainWindow)]
        if self.shown and windows and all(_ready(w) for w in windows):
            print("ready", flush=True)
            self.app.removeEventFilter(self)
            for window in windows:  # as the user would: the last window closed ends the app
                window.close()
            return
        QTimer.singleShot(POLL_MS, self._poll)


def _ready(window: QMainWindow) -> bool:
    """A MentorDesk window is ready when its participants table has rows; any other main
    window (a benchmark's bare baseline) as soon as it has painted."""
    views = getattr(window, "views", None)
    if views is None:
        return True
    model = getattr(views.get("participants"), "model", None)
    return model is not None and model.rowCount() > 0


def install_if_requested(app: QApplication) -> bool:
    """Install the probe when ``MENTORDESK_STARTUP_PROBE`` is set; True if it was."""
    if not os.environ.get(ENV_VAR):
        return False
    _Probe(app)
    return True
