"""Take the screenshots in docs/ from a demo database: ``python scripts/screenshots.py OUT_DIR``.

Builds the real main window on a fresh database holding the demo programme, visits the
Participants and Programme areas, proposes pairs in the Pairing area (the board, the
unmatched, a draft preview with other weights, the swap dialog), opens the participant
dialog, walks the import wizard through a messy HR export (title rows, semicolons,
Windows-1252, a few bad rows) and opens the erase confirmation, saving each as a PNG. Run
it under Xvfb (``xvfb-run -a -s "-screen 0 1440x900x24" ...``) for real fonts and styling,
or with ``QT_QPA_PLATFORM=offscreen``.
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
from mentordesk.services.participants import list_participants
from mentordesk.services.privacy import person_report, plan_erasure
from mentordesk.ui.dialogs.erase_dialog import EraseDialog
from mentordesk.ui.dialogs.import_wizard import ImportWizard
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.opening import app_icon
from mentordesk.ui.views.pairing_view import PairingView
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


def save_documents(window: MainWindow, out: Path) -> None:
    """documents.png (certificates previewed) and documents-handbook.png."""
    from mentordesk.ui.views.documents_view import DocumentKind, DocumentsView

    view = window.show_area("documents")
    assert isinstance(view, DocumentsView)
    for kind, name in ((DocumentKind.CERTIFICATES, "documents.png"),
                       (DocumentKind.MENTOR_HANDBOOK, "documents-handbook.png")):
        view.show_document(kind)
        view.preview()
        while view.preview_task is not None:
            wait(50)
        wait(300)
        save(window, out / name)


def save_feedback_and_kpis(window: MainWindow, out: Path) -> None:
    """feedback.png (the mid-programme check's results), feedback-designer.png,
    feedback-response.png and kpis.png."""
    from sqlalchemy import select

    from mentordesk.models import FeedbackForm
    from mentordesk.ui.views.feedback_view import FeedbackView
    from mentordesk.ui.views.kpis_view import KpisView

    view = window.show_area("feedback")
    assert isinstance(view, FeedbackView)
    assert window.db is not None
    with window.db.Session() as session:  # the demo's form with answers
        form_id = session.scalar(select(FeedbackForm.id).where(
            FeedbackForm.title == "Mid-programme check"))
    if form_id is not None:
        view.select_form(form_id)
    wait(300)
    save(window, out / "feedback.png")
    designer = view.edit_form()
    if designer is not None:
        wait(200)
        save(designer, out / "feedback-designer.png")
        designer.reject()
    entry = view.enter_response()
    if entry is not None:
        wait(200)
        save(entry, out / "feedback-response.png")
        entry.reject()
    kpis = window.show_area("kpis")
    assert isinstance(kpis, KpisView)
    for _ in range(100):
        wait(50)
        if kpis.dashboard is not None:
            break
    wait(300)
    save(window, out / "kpis.png")


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
        save_pairing(window, out)
        save_documents(window, out)
        save_feedback_and_kpis(window, out)
        window.show_area("checkins")
        save(window, out / "placeholder.png")
        window.show_area("participants")
        view.edit_selected()
        assert view.dialog is not None
        save(view.dialog, out / "participant-dialog.png")
        view.dialog.reject()

        export = write_messy_export(db, Path(tmp) / "HR export March 2025.csv")
        wizard = view.import_participants()
        assert isinstance(wizard, ImportWizard)
        wizard.file_page.path_edit.setText(str(export))
        save(wizard, out / "import-1-file.png")
        wizard.next()
        wait_idle(wizard)
        save(wizard, out / "import-2-columns.png")
        wizard.next()
        wait_idle(wizard)
        save(wizard, out / "import-3-preview.png")
        wizard.next()
        wait_idle(wizard)
        save(wizard, out / "import-4-done.png")
        wizard.accept()
        wait(300)

        with db.Session() as session:
            paired = next(r.id for r in list_participants(session)
                          if person_report(session, r.id)["checkins"])
            plan = plan_erasure(session, paired)
        view.select_participant(paired)
        save(window, out / "participants-detail.png")
        erase = EraseDialog(plan, window)
        erase.show()
        save(erase, out / "erase-confirmation.png")
        erase.reject()
        window.close()
    return 0


def save_pairing(window: MainWindow, out: Path) -> None:
    """pairing.png (proposed), pairing-unmatched.png, pairing-preview.png, pairing-swap.png."""
    view = window.show_area("pairing")
    assert isinstance(view, PairingView)
    task = view.propose()
    while task is not None and not task.finished:
        wait(50)
    view.table.selectRow(0)
    save(window, out / "pairing.png")
    view.tabs.setCurrentIndex(1)
    save(window, out / "pairing-unmatched.png")
    view.tabs.setCurrentIndex(0)
    view.criteria.set_weight("complementary_skills", 0)
    view.criteria.set_weight("location", 10)
    view.run_preview()
    view.table.selectRow(0)
    save(window, out / "pairing-preview.png")
    view.reset()
    view.table.selectRow(1)
    dialog = view.swap_mentor()
    assert dialog is not None
    save(dialog, out / "pairing-swap.png")
    dialog.reject()


def wait_idle(wizard: ImportWizard) -> None:
    """Wait for the wizard's background work."""
    while wizard.busy:
        wait(50)


def _fits_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def write_messy_export(db: Database, path: Path) -> Path:
    """An HR export as they come: a title row, ';', Windows-1252, a few bad rows, and
    people MentorDesk already has, some of whom moved department."""
    with db.Session() as session:
        known = [p for p in list_participants(session)
                 if _fits_cp1252(f"{p.full_name}{p.manager_name}{p.location}")][:14]
    lines = ["Northwind Traders – Staff directory (exported 03/03/2025);;;;;;;",
             ";;;;;;;",
             "Employee name;Work email;Dept;Position;Reports to;Office;TZ;Skills"]
    for number, person in enumerate(known):
        department = "Operations" if number % 5 == 0 else person.department
        lines.append(f"{person.full_name};{person.email};{department};{person.job_title};"
                     f"{person.manager_name};{person.location};{person.timezone};")
    lines += [
        "Zoë Müller;zoe.muller@northwind-demo.example;Finance;Controller;;Zürich;"
        "Europe/Zurich;Excel:4, Budgeting:5",
        "François Lefèvre;francois.lefevre@northwind-demo;Sales;Account manager;;Paris;"
        "Europe/Paris;Negotiation:4",
        "Søren Ødegård;soren.odegard@northwind-demo.example;Engineering;Developer;"
        "Nobody Known;Oslo;CET;Python:4",
        "Inés Peña;ines.pena@northwind-demo.example;Marketing;Designer;;Madrid;"
        "Europe/Madrid;Figma:7",
        "Renée Åberg;renee.aberg@northwind-demo.example;People;HR partner;;Malmö;"
        "Europe/Stockholm;Coaching:3",
        "Chloé Dubois;chloe.dubois@northwind-demo.example;Legal;Paralegal;;Lyon;"
        "Europe/Paris;Contracts:3",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


if __name__ == "__main__":
    sys.exit(main())
