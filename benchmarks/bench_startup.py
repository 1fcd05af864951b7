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
from mentordesk.ui.startup_probe import ENV_VAR

PEOPLE = 5_000
RUNS = 5
AIM = 2.0

# Both children print "shown" when the main window paints for the first time, and "ready"
# once its data is on screen (for MentorDesk: the participants table is filled), then quit:
# mentordesk.ui.startup_probe, switched on by its environment variable.
APP = ["-m", "mentordesk", "--db"]
BARE = ["-c", textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication, QMainWindow
    from mentordesk.ui.startup_probe import install_if_requested
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 800)
    window.show()
    install_if_requested(app)
    app.exec()
""")]


def _time_child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch to the first paint of the main window, and to its data shown."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                            env={**env, ENV_VAR: "1"})
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


def startup_database(folder: Path) -> tuple[Path, dict[str, str]]:
    """A database of PEOPLE participants in ``folder``, and an environment for the children
    that keeps their settings and data under ``folder``."""
    db_path = folder / "startup.sqlite3"
    db = Database.open(db_path)
    with db.Session.begin() as session:
        add_participants(session, synthetic_people(PEOPLE))
    db.close()
    env = {**os.environ, "MENTORDESK_DATA_DIR": str(folder / "data"),
           "XDG_CONFIG_HOME": str(folder / "config"), "HOME": str(folder)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return db_path, env


def time_interleaved(commands: list[list[str]], env: dict[str, str],
                     runs: int = RUNS) -> list[tuple[float, float]]:
    """Median (shown, ready) seconds of each command, after one warm-up run each; the runs
    are interleaved, so drift affects every command alike."""
    for command in commands:
        _time_child(command, env)
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, found in zip(commands, times, strict=True):
            found.append(_time_child(command, env))
    return [(statistics.median(t[0] for t in found), statistics.median(t[1] for t in found))
            for found in times]


def run() -> bool:
    """Run and print the benchmark; returns whether the aim was met."""
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    db_path, env = startup_database(folder)
    ours, bare = time_interleaved([[sys.executable, *APP, str(db_path)],
                                   [sys.executable, *BARE]], env)
    shown = report(f"start-up to main window shown with {PEOPLE:,} participants",
                   ours[0], bare[0], "bare QMainWindow", AIM)
    print(f"  ...and to the {PEOPLE:,} participants on screen: {ours[1] * 1000:.0f} ms "
          f"({ours[1] / bare[1]:.1f}x the bare window; no aim set)", flush=True)
    return shown


if __name__ == "__main__":
    run()
