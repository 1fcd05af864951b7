"""Take the screenshots in docs/ from a demo database: ``python scripts/screenshots.py OUT_DIR``.

Builds the real main window on a fresh database holding the demo programme, visits the
Participants and Programme areas and opens the participant dialog, saving each as a PNG.
Run it under Xvfb (``xvfb-run -a -s "-screen 0 1400x900x24" ...``) for real fonts and
styling, or with ``QT_QPA_PLATFORM=offscreen``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from mentordesk.db import Database
from mentordesk.services.demo import load_demo
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.opening import app_icon
from mentordesk.ui.views.participants_view import ParticipantsView


def wait(ms: int) -> None:
    """Let Qt lay out and paint."""
    end = QTimer()
    end.setSingleShot(True)
    end.start(ms)
    while end.isActive():
        QApplication.processEvents()


def save(widget: QWidget, path: Path) -> None:
    """Grab ``widget`` as it is on screen."""
    wait(300)
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    """Write participants.png, programme.png and participant-dialog.png into OUT_DIR."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "MentorDesk" / "grow-together.sqlite3")
        with db.Session.begin() as session:
            load_demo(session)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(db, settings)
        window.resize(1360, 820)
        window.show()
        view = window.show_area("participants")
        assert isinstance(view, ParticipantsView)
        view.table.selectRow(3)
        save(window, out / "participants.png")
        window.show_area("programme")
        save(window, out / "programme.png")
        window.show_area("pairing")
        save(window, out / "placeholder.png")
        window.show_area("participants")
        view.edit_selected()
        assert view.dialog is not None
        save(view.dialog, out / "participant-dialog.png")
        view.dialog.reject()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
