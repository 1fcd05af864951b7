"""The import wizard, driven as a coordinator would with a messy export from an HR system."""

from __future__ import annotations

import threading
from pathlib import Path
from time import perf_counter
from types import SimpleNamespace

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QWizard
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.services.participants import ParticipantRow, find_participant, list_participants
from mentordesk.ui.dialogs import import_wizard as wizard_module
from mentordesk.ui.dialogs.import_wizard import ImportWizard
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.importing import (
    ChangeColumn,
    ChangesRole,
    MappingColumn,
    ProblemColumn,
)
from mentordesk.ui.views.participants_view import ParticipantsView
from tests.ui.helpers import expect


def participants_view(window: MainWindow) -> ParticipantsView:
    view = window.show_area("participants")
    assert isinstance(view, ParticipantsView)
    return view


def someone(db: Database) -> ParticipantRow:
    with db.Session() as session:
        return list_participants(session)[5]


def write_hr_export(path: Path, existing: ParticipantRow) -> Path:
    """What HR systems hand out: a title row, a blank row, ';' and Windows-1252 accents,
    one bad email, and one person MentorDesk already has, now in another department."""
    lines = [
        "Grow Together – HR export, March 2025;;;;;",
        ";;;;;",
        "Name;Email;Dept;Job title;Line manager email;Location",
        "Zoë Müller;zoe.muller@example.com;Finance;Analyst;;Zürich",
        "François Lefèvre;francois@example;Sales;Account manager;;Paris",
        f"{existing.full_name};{existing.email};Operations;{existing.job_title};;"
        f"{existing.location}",
        "René Åberg;rene.aberg@example.com;Engineering;Developer;;Malmö",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def open_wizard(qtbot: QtBot, view: ParticipantsView, prompts: SimpleNamespace,
                path: Path) -> ImportWizard:
    """Click Import…, browse to ``path`` and go on to the columns page once it is read."""
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    wizard = view.import_wizard
    assert wizard is not None and wizard.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # no file yet
    expect(prompts.choose_import_file, path)
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    assert wizard.file_page.path_edit.text() == str(path)
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.mapping_page
    return wizard


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    """Press Next (or Import) and wait for the page's background work."""
    button = wizard.button(QWizard.WizardButton.CommitButton
                           if wizard.currentPage().isCommitPage()
                           else QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=20_000)


def mapped(wizard: ImportWizard) -> dict[str, str]:
    model = wizard.mapping_page.model
    return {model.index(r, MappingColumn.HEADER).data(): model.index(r, MappingColumn.FIELD).data()
            for r in range(model.rowCount())}


def samples(wizard: ImportWizard, header: str) -> str:
    model = wizard.mapping_page.model
    for row in range(model.rowCount()):
        if model.index(row, MappingColumn.HEADER).data() == header:
            return str(model.index(row, MappingColumn.SAMPLES).data())
    raise AssertionError(f"no column {header!r}")


def choose(qtbot: QtBot, wizard: ImportWizard, combo: QComboBox, text: str) -> None:
    """Pick ``text`` in one of the page's option combos, as a click would."""
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=20_000)


def map_column(wizard: ImportWizard, header: str, label: str) -> None:
    """Choose ``label`` in the combo box of the column ``header``, as a click would."""
    page = wizard.mapping_page
    for row in range(page.model.rowCount()):
        index = page.model.index(row, MappingColumn.FIELD)
        if page.model.index(row, MappingColumn.HEADER).data() == header:
            editor = page.view.indexWidget(index)
            assert isinstance(editor, QComboBox)  # always open, no double click needed
            position = editor.findText(label)
            editor.setCurrentIndex(position)
            editor.activated.emit(position)
            return
    raise AssertionError(f"no column {header!r}")


def participant_emails(db: Database) -> set[str]:
    with db.Session() as session:
        return {r.email for r in list_participants(session)}


def test_import_a_messy_hr_export_end_to_end(qtbot: QtBot, window: MainWindow,
                                             demo_db: Database, prompts: SimpleNamespace,
                                             tmp_path: Path) -> None:
    existing = someone(demo_db)
    path = write_hr_export(tmp_path / "hr-export.csv", existing)
    view = participants_view(window)
    wizard = open_wizard(qtbot, view, prompts, path)
    page = wizard.mapping_page

    # How the file was read: encoding detected, ';', the title rows skipped.
    assert page.encoding_combo.currentText().startswith("Windows-1252")
    assert page.encoding_note.text() == "detected"
    assert page.delimiter_combo.currentData() == ";"
    assert "row 3" in page.header_label.text()
    assert "Zoë Müller" in samples(wizard, "Name")
    # The columns were recognised by their names.
    assert mapped(wizard) == {"Name": "Full name", "Email": "Email", "Dept": "Department",
                              "Job title": "Job title", "Line manager email": "Manager",
                              "Location": "Location"}

    # Another encoding is read again in the background and shows in the samples...
    choose(qtbot, wizard, page.encoding_combo, "UTF-8")
    assert "cannot be read as utf-8" in page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    choose(qtbot, wizard, page.encoding_combo, "Mac Roman")
    assert page.encoding_note.text() == "chosen by you"
    assert "Zoë Müller" not in samples(wizard, "Name")  # mojibake
    choose(qtbot, wizard, page.encoding_combo, "Windows-1252")
    assert "Zoë Müller" in samples(wizard, "Name")

    # The manager column is empty in this export: leave it out so managers are kept.
    map_column(wizard, "Line manager email", "Don't import")
    assert mapped(wizard)["Line manager email"] == "Don't import"
    # Two columns for one field is refused with a reason until fixed.
    map_column(wizard, "Dept", "Email")
    assert "Email is chosen for more than one column" in page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    map_column(wizard, "Dept", "Department")
    assert page.message.text() == ""

    next_page(qtbot, wizard)
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    counts = preview.counts.text()
    for part in ("<b>2</b> to add", "<b>1</b> to update", "<b>0</b> unchanged", "1</b> refused"):
        assert part in counts
    problems = preview.problems_model
    assert problems.rowCount() == 1
    assert problems.index(0, ProblemColumn.ROW).data() == "5"  # the row number in the file
    assert problems.index(0, ProblemColumn.COLUMN).data() == "Email"
    assert "not a valid email address" in problems.index(0, ProblemColumn.REASON).data()
    changes = preview.changes_model
    by_row = {changes.index(r, ChangeColumn.ROW).data(): r for r in range(changes.rowCount())}
    assert set(by_row) == {"4", "5", "6", "7"}
    update = by_row["6"]
    assert changes.index(update, ChangeColumn.EMAIL).data() == existing.email
    assert changes.index(update, ChangeColumn.ACTION).data() == "Update"
    assert changes.index(update, ChangeColumn.DETAILS).data() == "Department"
    refused = changes.index(by_row["5"], ChangeColumn.ACTION)
    assert refused.data() == "Refused"
    assert refused.data(Qt.ItemDataRole.BackgroundRole) is not None  # highlighted
    assert changes.index(by_row["5"], ChangeColumn.NAME).data() == "François Lefèvre"
    preview.show_combo.setCurrentIndex(preview.show_combo.findText("Refused rows"))
    assert preview.changes_proxy.rowCount() == 1

    with qtbot.waitSignal(window.data_changed, timeout=20_000) as changed:
        next_page(qtbot, wizard)
    assert "participants" in changed.args[0]
    result = wizard.import_page.result
    assert result is not None
    assert (result.added, result.updated, result.unchanged, result.refused) == (2, 1, 0, 1)
    assert result.backup is not None and result.backup.exists()
    assert wizard.import_page.title() == "Import finished"
    assert str(result.backup) in wizard.import_page.outcome.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                     Qt.MouseButton.LeftButton)
    assert view.import_wizard is None

    emails = participant_emails(demo_db)
    assert {"zoe.muller@example.com", "rene.aberg@example.com"} <= emails
    assert "francois@example" not in emails
    with demo_db.Session() as session:
        assert find_participant(session, existing.email).data.department == "Operations"
        assert find_participant(session, "zoe.muller@example.com").data.location == "Zürich"
    assert view.model.rowCount() == 82  # the table reloaded
    assert "2 added, 1 updated" in window.statusBar().currentMessage()

    # The same file again: everyone is already up to date, and there is nothing to import.
    wizard = open_wizard(qtbot, view, prompts, path)
    map_column(wizard, "Line manager email", "Don't import")
    next_page(qtbot, wizard)
    counts = wizard.preview_page.counts.text()
    assert "<b>0</b> to add" in counts and "<b>0</b> to update" in counts
    assert "<b>3</b> unchanged" in counts
    assert "already up to date" in counts
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    wizard.reject()
    assert view.import_wizard is None


def test_cancelling_the_import_changes_nothing(qtbot: QtBot, window: MainWindow,
                                               demo_db: Database, prompts: SimpleNamespace,
                                               tmp_path: Path) -> None:
    path = write_hr_export(tmp_path / "hr-export.csv", someone(demo_db))
    before = participant_emails(demo_db)
    view = participants_view(window)
    wizard = open_wizard(qtbot, view, prompts, path)
    next_page(qtbot, wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton),
                     Qt.MouseButton.LeftButton)
    page = wizard.import_page
    assert page.task is not None and page.cancel_button.isVisible()
    # Closing the wizard while it imports cancels the import rather than abandoning it.
    wizard.reject()
    assert wizard.isVisible()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=20_000)
    assert page.title() == "Import cancelled"
    assert "nothing was changed" in page.outcome.text()
    assert page.result is None
    assert participant_emails(demo_db) == before
    wizard.reject()
    assert not wizard.isVisible()


def test_closing_the_wizard_while_reading_stops_the_reading(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    path = write_hr_export(tmp_path / "hr-export.csv", someone(demo_db))
    view = participants_view(window)
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    wizard = view.import_wizard
    assert wizard is not None
    wizard.file_page.path_edit.setText(str(path))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.busy
    wizard.reject()
    assert view.import_wizard is None
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20_000)
    assert len(participant_emails(demo_db)) == 80


def test_a_workbook_with_two_sheets_lets_the_user_pick_the_sheet(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "2024 cohort"
    old.append(["Full name", "Work email", "Department"])
    old.append(["Ada Byron", "ada.byron@example.com", "Engineering"])
    new = workbook.create_sheet("2025 cohort")
    new.append(["Participants starting in 2025"])
    new.append([])
    new.append(["Full name", "Work email", "Department", "Time zone"])
    new.append(["Grace Hopper", "grace.hopper@example.com", "Engineering", "America/New_York"])
    new.append(["Alan Turing", "alan.turing@example.com", "Research", "Europe/London"])
    path = tmp_path / "cohorts.xlsx"
    workbook.save(path)

    view = participants_view(window)
    wizard = open_wizard(qtbot, view, prompts, path)
    page = wizard.mapping_page
    assert page.sheet_combo.isVisibleTo(page) and page.sheet_combo.isEnabled()
    assert [page.sheet_combo.itemText(i) for i in range(page.sheet_combo.count())] == [
        "2024 cohort", "2025 cohort"]
    assert page.sheet_combo.currentText() == "2024 cohort"
    assert not page.encoding_combo.isVisibleTo(page)  # no encoding in a workbook
    assert "Ada Byron" in samples(wizard, "Full name")

    choose(qtbot, wizard, page.sheet_combo, "2025 cohort")
    assert page.table is not None and page.table.sheet == "2025 cohort"
    assert "row 3" in page.header_label.text()
    assert "Grace Hopper" in samples(wizard, "Full name")
    assert mapped(wizard)["Time zone"] == "Time zone"
    next_page(qtbot, wizard)
    assert "<b>2</b> to add" in wizard.preview_page.counts.text()
    next_page(qtbot, wizard)
    emails = participant_emails(demo_db)
    assert {"grace.hopper@example.com", "alan.turing@example.com"} <= emails
    assert "ada.byron@example.com" not in emails


def test_a_saved_profile_is_applied_to_the_next_file_with_those_columns(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    path = write_hr_export(tmp_path / "march.csv", someone(demo_db))
    view = participants_view(window)
    wizard = open_wizard(qtbot, view, prompts, path)
    page = wizard.mapping_page
    assert "by their names" in page.profile_label.text()
    map_column(wizard, "Line manager email", "Don't import")
    map_column(wizard, "Location", "Notes")
    expect(prompts.ask_text, "Workday export")
    qtbot.mouseClick(page.save_profile_button, Qt.MouseButton.LeftButton)
    assert "Workday export" in page.profile_label.text()
    wizard.reject()

    # April's export has the same columns in another order and case.
    april = tmp_path / "april.csv"
    april.write_text("EMAIL;name;location;dept;job title;line manager email\n"
                     "kim.lee@example.com;Kim Lee;Remote;Finance;Analyst;\n", encoding="utf-8")
    wizard = open_wizard(qtbot, view, prompts, april)
    page = wizard.mapping_page
    assert "“Workday export”" in page.profile_label.text()
    assert mapped(wizard) == {"EMAIL": "Email", "name": "Full name", "location": "Notes",
                              "dept": "Department", "job title": "Job title",
                              "line manager email": "Don't import"}
    wizard.reject()


@pytest.mark.slow
def test_a_large_file_is_read_and_checked_without_freezing_the_window(
        qtbot: QtBot, window: MainWindow, prompts: SimpleNamespace, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Name,Email,Department,Job title,Location,Skills"]
    lines += [f"Person {i},person{i}@example.com,Dept {i % 20},Analyst,Leeds,Python:3"
              for i in range(10_000)]
    path = tmp_path / "everyone.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    view = participants_view(window)

    # Reading and checking run on a worker thread (how long they take is for the
    # benchmark), and the window goes on handling events meanwhile.
    threads: dict[str, bool] = {}

    def on_worker(name: str, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads[name] = threading.current_thread() is not threading.main_thread()
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(wizard_module, "read_source",
                        on_worker("read", wizard_module.read_source))
    monkeypatch.setattr(wizard_module, "preview_import",
                        on_worker("preview", wizard_module.preview_import))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(perf_counter()))
    timer.start(20)
    wizard = open_wizard(qtbot, view, prompts, path)
    next_page(qtbot, wizard)
    timer.stop()
    assert "<b>10000</b> to add" in wizard.preview_page.counts.text()
    assert wizard.preview_page.changes_model.rowCount() == 10_000
    assert threads == {"read": True, "preview": True}
    assert ticks  # the event loop ran while the work was going on
    assert all(wizard.preview_page.changes_model.index(r, 0).data(ChangesRole.ACTION) == "add"
               for r in range(0, 10_000, 997))
    wizard.reject()
