"""Start-up to the main window shown, on a database of 5,000 participants.

Each run is a fresh process, timed from launch until the main window first paints, like a
user double-clicking the app; the time until the participants are on screen is printed
too. The baseline is a bare QMainWindow started the same way in the same run (same
interpreter, same Qt). Aim: at most 2x to the window shown.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.common import report, synthetic_people
from mentordesk.db import Database
from mentordesk.services.participants import add_participants

PEOPLE = 5_000
RUNS = 5
AIM = 2.0

# Both children print "shown" when the main window paints for the first time, and "ready"
# once its data is on screen (for MentorDesk: the participants table is filled), then quit.
_REPORT = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class _Watch(QObject):
    shown = False
    def eventFilter(self, obj, event):
        if (not self.shown and event.type() == QEvent.Type.Paint
                and isinstance(obj, QMainWindow)):
            self.shown = True
            print("shown", flush=True)
        return False

_watch = _Watch()

def _ready(window):
    views = getattr(window, "views", None)
    if views is None:
        return True
    model = getattr(views.get("participants"), "model", None)
    return model is not None and model.rowCount() > 0

def _poll():
    app = QApplication.instance()
    windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)]
    if _watch.shown and windows and all(_ready(w) for w in windows):
        print("ready", flush=True)
        app.quit()
        return
    QTimer.singleShot(2, _poll)

_exec = QApplication.exec
def _exec_and_report(self):
    self.installEventFilter(_watch)
    QTimer.singleShot(0, _poll)
    return _exec()
QApplication.exec = _exec_and_report
"""

APP = _REPORT + """
import sys
from mentordesk.app import main
sys.exit(main(["--db", sys.argv[1]]))
"""

BARE = _REPORT + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 800)
window.show()
app.exec()
"""


def _time_child(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch to the first paint of the main window, and to its data shown."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    said, times = [], []
    for line in proc.stdout:
        said.append(line.strip())
        times.append(time.perf_counter() - start)
        if len(said) == 2:
            break
    proc.communicate(timeout=60)
    if said != ["shown", "ready"] or proc.returncode != 0:
        raise RuntimeError(f"child did not start cleanly (said {said!r}, "
                           f"exit {proc.returncode})")
    return times[0], times[1]


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    db_path = folder / "startup.sqlite3"
    db = Database.open(db_path)
    with db.Session.begin() as session:
        add_participants(session, synthetic_people(PEOPLE))
    db.close()
    env = {**os.environ, "MENTORDESK_DATA_DIR": str(folder / "data"),
           "XDG_CONFIG_HOME": str(folder / "config"), "HOME": str(folder)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    _time_child(APP, [str(db_path)], env)  # warm the disk cache for both
    _time_child(BARE, [], env)
    ours, bare = [], []
    for _ in range(RUNS):  # interleaved, so drift affects both alike
        ours.append(_time_child(APP, [str(db_path)], env))
        bare.append(_time_child(BARE, [], env))
    shown = report(f"start-up to main window shown with {PEOPLE:,} participants",
                   statistics.median(t[0] for t in ours), statistics.median(t[0] for t in bare),
                   "bare QMainWindow", AIM)
    print(f"  ...and to the {PEOPLE:,} participants on screen: "
          f"{statistics.median(t[1] for t in ours) * 1000:.0f} ms "
          f"({statistics.median(t[1] for t in ours) / statistics.median(t[1] for t in bare):.1f}x"
          " the bare window; no aim set)", flush=True)
    return shown


if __name__ == "__main__":
    run()
