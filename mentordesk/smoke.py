"""``mentordesk --smoke-test``: one pass through the core on a throw-away database.

It opens a temporary database (which runs every migration), loads the demo programme,
runs a matching, exports the check-in invitations (.ics) and prints the certificates
(PDF), checking that each output exists and is well-formed; these core steps import no Qt.
Then the GUI steps (:mod:`mentordesk.ui.smoke_gui`) check Qt's plugins, open the main
window on that database through every area and render the certificate with QtPdf. It
prints one line per step with its time and returns 0, or 1 naming the step that failed.

It is the check run on a frozen PyInstaller bundle (installers/build_linux.sh): the steps
reach the migrations, the bundled fonts, tzdata, ReportLab, the OR-tools solver and Qt's
plugins, so a file left out of the bundle shows up here. Without a display it uses Qt's
offscreen platform.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mentordesk import __version__

if TYPE_CHECKING:
    from mentordesk.db import Database


@dataclass
class _State:
    """What the steps hand on to each other."""

    folder: Path
    db: Database | None = None
    programme_id: int = 0
    certificate: Path | None = None
    qt_before: frozenset[str] = field(default_factory=frozenset)


def _open_database(state: _State) -> str:
    from mentordesk.db import Database

    state.db = Database.open(state.folder / "smoke.sqlite3", backups=False)
    from mentordesk.migrations import HEAD_REVISION

    return f"schema {HEAD_REVISION}"


def _database(state: _State) -> Database:
    if state.db is None:
        raise RuntimeError("the database is not open")
    return state.db


def _load_demo(state: _State) -> str:
    from mentordesk.services.demo import load_demo

    db = _database(state)
    with db.Session.begin() as session:
        state.programme_id = load_demo(session)
    return f"programme {state.programme_id}"


def _match(state: _State) -> str:
    from mentordesk.services.pairing import propose_pairings

    db = _database(state)
    with db.Session.begin() as session:
        result = propose_pairings(session, state.programme_id)
    proposal = result.proposal
    if not proposal.certified:
        raise RuntimeError("the solver's optimum was not certified")
    return f"{len(proposal.matches)} pairs proposed, {len(proposal.unmatched)} unmatched"


def _export_ics(state: _State) -> str:
    from mentordesk.services.checkins import export_invitations

    db = _database(state)
    folder = state.folder / "invitations"
    with db.Session.begin() as session:
        export = export_invitations(session, state.programme_id, folder)
    files = [*export.files, *([export.calendar] if export.calendar else [])]
    if not files:
        raise RuntimeError("no .ics file was written")
    for path in files:
        head = path.read_bytes()[:15]
        if not head.startswith(b"BEGIN:VCALENDAR"):
            raise RuntimeError(f"{path.name} does not start with BEGIN:VCALENDAR")
    return f"{len(files)} .ics files"


def _certificates(state: _State) -> str:
    from mentordesk.services.documents import save_pdf
    from mentordesk.services.documents.certificates import (
        CertificateRequest,
        render_certificates,
    )

    db = _database(state)
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(state.programme_id))
    path = save_pdf(state.folder / "certificates.pdf", data)
    written = path.read_bytes()
    if not written.startswith(b"%PDF-") or b"%%EOF" not in written[-1024:]:
        raise RuntimeError(f"{path.name} is not a complete PDF")
    state.certificate = path
    return f"{len(written) // 1024} KiB PDF"


def _qt_modules() -> frozenset[str]:
    return frozenset(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))


def _no_qt(state: _State) -> str:
    # Compared with what was loaded before the steps, so that the check also means something
    # when run inside a process that has Qt for other reasons (the test suite).
    loaded = sorted(_qt_modules() - state.qt_before)
    if loaded:
        raise RuntimeError(f"Qt was imported: {', '.join(loaded[:3])}")
    return "the steps loaded no Qt"


def _qt_plugins(_state: _State) -> str:
    from mentordesk.ui.smoke_gui import check_plugins

    return check_plugins()


def _main_window(state: _State) -> str:
    from mentordesk.ui.smoke_gui import check_main_window

    db, state.db = _database(state), None  # the window closes it
    return check_main_window(db, state.folder)


def _pdf_preview(state: _State) -> str:
    from mentordesk.ui.smoke_gui import check_pdf

    if state.certificate is None:
        raise RuntimeError("no certificate was printed")
    return check_pdf(state.certificate)


STEPS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    ("open database", _open_database),
    ("load demo", _load_demo),
    ("matching", _match),
    ("export .ics", _export_ics),
    ("certificate PDF", _certificates),
    ("no Qt", _no_qt),
    ("Qt plugins", _qt_plugins),
    ("main window", _main_window),
    ("PDF preview", _pdf_preview),
)


def run(out: TextIO | None = None) -> int:
    """Run every step, printing one line each; 0 if all passed, 1 at the first failure."""
    out = out or sys.stdout
    started = time.perf_counter()
    print(f"MentorDesk {__version__} smoke test"
          f"{' (frozen)' if getattr(sys, 'frozen', False) else ''}", file=out)
    with tempfile.TemporaryDirectory(prefix="mentordesk-smoke-") as folder:
        state = _State(Path(folder), qt_before=_qt_modules())
        try:
            for name, step in STEPS:
                t0 = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as exc:  # any failure fails the smoke test, named
                    elapsed = time.perf_counter() - t0
                    print(f"FAIL {name:<16} {elapsed:6.2f} s  {type(exc).__name__}: {exc}",
                          file=out)
                    print(f"smoke test failed at step: {name}", file=out)
                    return 1
                elapsed = time.perf_counter() - t0
                print(f"ok   {name:<16} {elapsed:6.2f} s  {detail}", file=out)
        finally:
            db = state.db
            if db is not None:
                db.close(backup=False)
    print(f"smoke test passed in {time.perf_counter() - started:.2f} s", file=out)
    return 0
