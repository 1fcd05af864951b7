"""The Participants area's detail panel, export and privacy rights, driven as a user would."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from mentordesk.db import Database
from mentordesk.models import Participant
from mentordesk.services.participants import list_participants
from mentordesk.services.privacy import ErasurePlan, erase_participant, person_report
from mentordesk.ui.dialogs.erase_dialog import EraseDialog
from mentordesk.ui.dialogs.export_dialog import CsvFormatDialog
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.prompts import ExportTarget
from mentordesk.ui.views.participants_view import ParticipantsView
from tests.ui.helpers import expect, wait_for


def participants_view(window: MainWindow) -> ParticipantsView:
    view = window.show_area("participants")
    assert isinstance(view, ParticipantsView)
    return view


def paired_person(db: Database) -> tuple[int, dict[str, Any]]:
    """A demo participant with pairings and check-ins that have notes."""
    with db.Session() as session:
        for row in list_participants(session):
            report = person_report(session, row.id)
            if report["pairings"] and any(c["notes"] for c in report["checkins"]):
                return row.id, report
    raise AssertionError("the demo has nobody with check-ins")


def test_the_detail_panel_shows_the_selected_persons_pairings_and_checkins(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = participants_view(window)
    assert "Select someone" in view.detail.browser.toPlainText()
    assert not view.detail.erase_button.isEnabled()
    person_id, report = paired_person(demo_db)
    assert view.select_participant(person_id)

    text = view.detail.browser.toPlainText()
    person = report["participant"]
    assert person["full_name"] in text and person["email"] in text
    assert f"Pairings ({len(report['pairings'])})" in text
    for pairing in report["pairings"]:
        for partner in pairing["partners"]:
            assert partner in text
    assert f"Check-ins ({len(report['checkins'])})" in text
    noted = next(c for c in report["checkins"] if c["notes"])
    assert noted["notes"] in text
    assert view.detail.export_button.isEnabled() and view.detail.erase_button.isEnabled()

    # Another person replaces them; the panel follows the selection.
    other = next(r for r in range(view.proxy.rowCount())
                 if view.proxy.index(r, 0).data() != person["full_name"])
    view.table.selectRow(other)
    assert person["email"] not in view.detail.browser.toPlainText()
    assert view.proxy.index(other, 0).data() in view.detail.browser.toPlainText()


def test_the_detail_panel_refreshes_when_the_person_changes(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace) -> None:
    view = participants_view(window)
    person_id, _report = paired_person(demo_db)
    view.select_participant(person_id)
    assert "Withdrawn" not in view.detail.browser.toPlainText()
    expect(prompts.confirm, True)
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    assert "Withdrawn" in view.detail.browser.toPlainText()


def export_through_the_button(qtbot: QtBot, window: MainWindow, view: ParticipantsView,
                              target: ExportTarget, prompts: SimpleNamespace) -> None:
    expect(prompts.choose_export_target, target)
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20_000)


def test_export_writes_the_filtered_rows_with_the_chosen_delimiter_and_encoding(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    view = participants_view(window)
    view.department_filter.setCurrentIndex(view.department_filter.findData("Finance"))
    shown = {view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())}
    assert 0 < len(shown) < 80
    path = tmp_path / "exports" / "finance.csv"

    # Windows-1252 cannot hold every name in the demo: the user is told which, and why.
    expect(prompts.show_error)
    export_through_the_button(qtbot, window, view, ExportTarget(path, "csv", ";", "cp1252"),
                              prompts)
    assert "cannot be written in cp1252" in prompts.show_error.call_args.args[2]
    assert not path.exists()

    export_through_the_button(qtbot, window, view, ExportTarget(path, "csv", ";", "utf-8-sig"),
                              prompts)
    assert prompts.choose_export_target.call_args.args[2] == len(shown)  # offered the count
    assert str(path) in window.statusBar().currentMessage()
    assert f"Exported {len(shown)} participants" in window.statusBar().currentMessage()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: owner only
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert {r["Email"] for r in rows} == shown
    assert {r["Department"] for r in rows} == {"Finance"}


def test_export_as_a_workbook_and_in_windows_1252(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    view = participants_view(window)
    qtbot.keyClicks(view.search, view.model.row_at(0).email)
    assert view.proxy.rowCount() == 1
    path = tmp_path / "one.xlsx"
    export_through_the_button(qtbot, window, view, ExportTarget(path, "xlsx"), prompts)
    assert "Exported 1 participant to" in window.statusBar().currentMessage()
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and view.model.row_at(0).email in values[1]

    view.search.clear()
    qtbot.keyClicks(view.search, "zzz-nobody")
    expect(prompts.show_error)
    assert view.export_shown() is None  # nothing shown, nothing to export
    assert "No participants are shown" in prompts.show_error.call_args.args[2]


def test_the_csv_format_dialog_offers_the_delimiters_and_encodings(qtbot: QtBot) -> None:
    dialog = CsvFormatDialog(Path("participants.csv"))
    qtbot.addWidget(dialog)
    assert dialog.encoding() == "utf-8-sig"  # Excel opens UTF-8 with a BOM correctly
    assert dialog.delimiter() == ","
    delimiters = {dialog.delimiter_combo.itemData(i) for i in range(dialog.delimiter_combo.count())}
    encodings = {dialog.encoding_combo.itemData(i) for i in range(dialog.encoding_combo.count())}
    assert delimiters == {",", ";"}
    assert encodings == {"utf-8", "utf-8-sig", "cp1252"}


def test_export_a_persons_data_and_offer_to_open_the_folder(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    view = participants_view(window)
    person_id, report = paired_person(demo_db)
    view.select_participant(person_id)
    folder = tmp_path / "request"
    folder.mkdir()
    expect(prompts.choose_folder, folder)
    expect(prompts.offer_open_folder)
    qtbot.mouseClick(view.detail.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prompts.offer_open_folder.called, timeout=20_000)

    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".html", ".json"]
    assert report["participant"]["email"] in files[1].read_text(encoding="utf-8")
    args = prompts.offer_open_folder.call_args.args
    assert args[3] == folder
    assert files[0].name in args[2] and files[1].name in args[2]


def drive_erase_dialog(typed: str, *, seen: list[ErasurePlan]) -> Any:
    """A ``confirm_erasure`` that shows the real dialog and types ``typed`` as the email."""

    def confirm(parent: QWidget | None, plan: ErasurePlan) -> bool:
        seen.append(plan)
        dialog = EraseDialog(plan, parent)
        try:
            text = dialog.details.text()
            for line in (*plan.removes, *plan.keeps):
                assert line.replace("'", "&#x27;") in text or line in text
            assert plan.name in dialog.title_label.text()
            assert dialog.email_input is not None
            assert not dialog.erase_button.isEnabled()  # nothing typed yet
            dialog.email_input.setText(plan.email[:-1])
            assert not dialog.erase_button.isEnabled()  # almost is not enough
            dialog.accept()  # Enter in the field does not get round it
            assert dialog.result() != EraseDialog.DialogCode.Accepted
            dialog.email_input.setText(typed)
            if not dialog.erase_button.isEnabled():
                dialog.reject()
            else:
                dialog.erase_button.click()
            return dialog.result() == EraseDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

    return confirm


def test_erase_needs_the_email_typed_then_removes_the_person(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace) -> None:
    view = participants_view(window)
    person_id, report = paired_person(demo_db)
    email = report["participant"]["email"]
    view.select_participant(person_id)
    seen: list[ErasurePlan] = []
    prompts.confirm_erasure.side_effect = drive_erase_dialog(email.upper(), seen=seen)
    with qtbot.waitSignal(window.data_changed, timeout=20_000) as changed:
        qtbot.mouseClick(view.detail.erase_button, Qt.MouseButton.LeftButton)
    assert {"participants", "pairing", "checkins"} <= changed.args[0]

    plan = seen[0]
    assert plan.name == report["participant"]["full_name"] and plan.email == email
    assert any("participant record" in line for line in plan.removes)
    assert any("check-in" in line for line in plan.keeps)  # the figures stay
    assert view.model.row_of(person_id) is None
    assert view.model.rowCount() == 79
    assert "Select someone" in view.detail.browser.toPlainText()
    with demo_db.Session() as session:
        assert session.scalar(select(Participant).where(Participant.email == email)) is None
    assert plan.name in window.statusBar().currentMessage()


def test_erase_called_off_changes_nothing(qtbot: QtBot, window: MainWindow,
                                          demo_db: Database, prompts: SimpleNamespace) -> None:
    view = participants_view(window)
    person_id, _report = paired_person(demo_db)
    view.select_participant(person_id)
    prompts.confirm_erasure.side_effect = drive_erase_dialog("someone.else@example.com",
                                                             seen=[])
    qtbot.mouseClick(view.detail.erase_button, Qt.MouseButton.LeftButton)
    assert not window.tasks.busy
    assert view.model.rowCount() == 80 and view.model.row_of(person_id) is not None


def test_erase_dialog_says_what_goes_and_what_stays(qtbot: QtBot) -> None:
    plan = ErasurePlan(7, "Zoë Müller", "zoe@example.com",
                       removes=("their participant record (name, email, skills)",
                                "the notes of 3 check-ins in 1 pairing"),
                       keeps=("1 pairing and its 3 check-ins, without their name",))
    dialog = EraseDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Erase Zoë Müller?" in dialog.title_label.text()
    assert "zoe@example.com" in dialog.title_label.text()
    text = dialog.details.text()
    assert "<li>the notes of 3 check-ins in 1 pairing</li>" in text
    assert "<li>1 pairing and its 3 check-ins, without their name</li>" in text
    assert text.index("removes") < text.index("notes of 3") < text.index("keeps")
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.email_input, " ZOE@example.com ")
    assert dialog.erase_button.isEnabled()


def test_restoring_a_backup_erases_again_whoever_was_erased_since(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace) -> None:
    backup = demo_db.backup("manual")
    person_id, report = paired_person(demo_db)
    erase_participant(demo_db, person_id)
    expect(prompts.choose_backup, backup)
    expect(prompts.confirm, True)
    task = window.restore_from_backup()
    assert task is not None
    outcome, info = wait_for(qtbot, task)
    assert outcome == "done", info
    assert "erased again 1 person" in window.statusBar().currentMessage()
    assert window.db is not None
    with window.db.Session() as session:
        emails = {r.email for r in list_participants(session)}
    assert report["participant"]["email"] not in emails and len(emails) == 79
    view = participants_view(window)
    assert view.model.rowCount() == 79


def test_read_only_database_can_be_read_and_exported_but_not_changed(
        read_only_window: MainWindow) -> None:
    view = participants_view(read_only_window)
    view.table.selectRow(0)
    assert view.detail.participant_id is not None
    assert not view.import_button.isEnabled()
    assert not view.detail.erase_button.isEnabled()
    assert view.export_button.isEnabled()
    assert view.detail.export_button.isEnabled()
    assert view.import_participants() is None
    assert view.erase_participant() is None
