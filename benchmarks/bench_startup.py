"""Start-up to the main window shown, on a database of 5,000 participants.

Each run is a fresh process, timed from launch until the event loop runs with the window
shown, like a user double-clicking the app. The baseline is a bare QMainWindow started the
same way in the same run (same interpreter, same Qt). Aim: at most 2x.
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

# Both children print "shown" from the first turn of the event loop after show(), then quit.
_REPORT_WHEN_SHOWN = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
_exec = QApplication.exec
def _exec_and_report(self):
    QTimer.singleShot(0, lambda: (print("shown", flush=True), self.quit()))
    return _exec()
QApplication.exec = _exec_and_report
"""

APP = _REPORT_WHEN_SHOWN + """
import sys
from mentordesk.app import main
sys.exit(main(["--db", sys.argv[1]]))
"""

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 800)
window.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""


def _time_child(code: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    proc.communicate(timeout=60)
    if line != "shown" or proc.returncode != 0:
        raise RuntimeError(f"child did not start cleanly (said {line!r}, "
                           f"exit {proc.returncode})")
    return elapsed


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
    return report(f"start-up to main window with {PEOPLE:,} participants",
                  statistics.median(ours), statistics.median(bare),
                  "bare QMainWindow", AIM)


if __name__ == "__main__":
    run()
