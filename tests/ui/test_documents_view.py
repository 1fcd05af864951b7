"""The Documents area: certificates, handbooks, the proposal and forms made in the background
and previewed, the preview going out of date, cancelling, saving one PDF or one per person,
printing the pages chosen, the branding and handbook wording dialogs, importing filled forms,
and what a read-only database and an empty one allow."""

from __future__ import annotations

import inspect
import io
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QRadioButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.errors import UserError
from mentordesk.models import Audience, PairingStatus, Participant, ParticipantStatus
from mentordesk.services.documents import save_pdfs
from mentordesk.services.documents.branding import load_branding
from mentordesk.services.documents.certificates import (
    CertificateRequest,
    certificate_recipients,
    file_names,
    list_awards,
    render_certificate_files,
    render_certificates,
)
from mentordesk.services.documents.forms import FormImport, list_forms, render_form
from mentordesk.services.documents.handbooks import (
    PLACEHOLDERS,
    handbook_sections,
    save_handbook_section,
)
from mentordesk.services.documents.wording import AUDIENCE_LABELS, long_date
from mentordesk.services.pairing import list_pairings
from mentordesk.services.participants import ParticipantFilter, list_participants
from mentordesk.services.programmes import ProgrammeData, create_programme
from mentordesk.ui.dialogs.form_import_dialog import FormImportsTableModel, summary_text
from mentordesk.ui.dialogs.handbook_text_dialog import (
    PLACEHOLDER_MEANINGS,
    SectionDraft,
    SectionsTableModel,
    placeholders,
)
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.pdf_preview import PdfPreview, page_numbers
from mentordesk.ui.tasks import Task
from mentordesk.ui.views import documents_view
from mentordesk.ui.views.documents_view import (
    ANYONE,
    CERTIFICATE_STATUSES,
    NOT_PAIRED,
    STALE,
    DocumentKind,
    DocumentsView,
    FileClash,
    PeopleColumn,
    PeopleProxyModel,
    PeopleRole,
    PeopleTableModel,
    PreviewOutdatedError,
    person_choices,
)
from tests.ui.helpers import expect, programme_id, show_area, wait_for


def documents(window: MainWindow) -> DocumentsView:
    return show_area(window, "documents", DocumentsView)


def recipients(db: Database, request: CertificateRequest) -> list[str]:
    with db.Session() as session:
        return [r.name for r in certificate_recipients(session, request)]


def make_preview(qtbot: QtBot, view: DocumentsView) -> None:
    task = view.preview()
    assert task is not None
    outcome, result = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done", result


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """Each page's width and height in points, read back with pypdf."""
    reader = PdfReader(path)
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click ``button`` where the user would (a radio button only reacts on its label)."""
    at = QPoint(8, button.height() // 2) if isinstance(button, QRadioButton) else QPoint()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton,  # type: ignore[no-untyped-call]
                     pos=at if not at.isNull() else button.rect().center())


@pytest.fixture
def choose_pdf(prompts: SimpleNamespace) -> Callable[[Path | None], object]:
    """Make the Save as… file chooser answer ``path``."""

    def answer(path: Path | None) -> object:
        expect(prompts.choose_pdf_path, path)
        return prompts.choose_pdf_path

    return answer


# --------------------------------------------------------------------------- models


def test_the_models_pass_the_model_tester(qtmodeltester: ModelTester,
                                          demo_db: Database) -> None:
    with demo_db.Session() as session:
        pairings = list_pairings(session, programme_id(demo_db), CERTIFICATE_STATUSES)
    people = person_choices(pairings)
    assert len(people) > 4
    model = PeopleTableModel()
    model.set_people(people, {people[0].participant_id})
    qtmodeltester.check(model)
    proxy = PeopleProxyModel()
    proxy.setSourceModel(model)
    proxy.set_search(people[1].name.split()[0].lower())
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < model.rowCount()

    sections = SectionsTableModel()
    sections.set_rows([SectionDraft("welcome", "Welcome", "a", "a", "b"),
                       SectionDraft("goals", "Goals", "x", "y", "x")])
    qtmodeltester.check(sections)
    assert [sections.index(r, 1).data() for r in range(2)] == ["Yours •", "Yours"]

    imports = FormImportsTableModel()
    imports.set_rows([FormImport("a.pdf", "Check", "imported", "Stored.", 1),
                      FormImport("b.pdf", "", "unreadable", "Not a form.", None)])
    qtmodeltester.check(imports)


def test_the_people_model_checks_people_and_lists_each_person_once(demo_db: Database) -> None:
    with demo_db.Session() as session:
        pairings = list_pairings(session, programme_id(demo_db), CERTIFICATE_STATUSES)
    people = person_choices(pairings)
    ids = [p.participant_id for p in people]
    assert len(ids) == len(set(ids))
    mentors = {p.mentor_id for p in pairings}
    assert {p.participant_id for p in people if p.role == "Mentor"} == mentors
    model = PeopleTableModel()
    model.set_people(people)
    index = model.index(2, PeopleColumn.NAME)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_ids() == (people[2].participant_id,)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not model.setData(model.index(2, PeopleColumn.ROLE), Qt.CheckState.Checked,
                             Qt.ItemDataRole.CheckStateRole)
    proxy = PeopleProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(PeopleColumn.NAME, Qt.SortOrder.DescendingOrder)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == sorted(names, key=str.casefold, reverse=True)
    proxy.set_search(f"mentee {people[0].paired_with.split(';')[0].split()[0]}")
    assert all("Mentee" in proxy.index(r, PeopleColumn.ROLE).data()
               for r in range(proxy.rowCount()))
    assert proxy.index(0, 0).data(PeopleRole.ID) in ids


def test_page_numbers_follow_the_print_dialog(qapp: object) -> None:
    printer = QPrinter()
    assert page_numbers(printer, 4) == [0, 1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert page_numbers(printer, 4) == [1, 2]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert page_numbers(printer, 4, current=2) == [2]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert page_numbers(printer, 3) == [2, 1, 0]


# --------------------------------------------------------------------------- certificates


def test_a_certificate_preview_has_a_page_per_recipient(qtbot: QtBot, window: MainWindow,
                                                        demo_db: Database) -> None:
    view = documents(window)
    assert view.current_kind() == DocumentKind.CERTIFICATES
    assert view.everyone_radio.isChecked()
    assert not view.preview_widget.has_document()
    assert "press Preview" in view.preview_widget.placeholder.text()
    task = view.preview()
    assert task is not None
    shown_progress: list[str] = []
    bar: list[tuple[int, int]] = []
    task.progressed.connect(lambda *_: shown_progress.append(view.banner.details.text()))
    task.progressed.connect(lambda *_: bar.append((view.busy_bar.value(),
                                                   view.busy_bar.maximum())))
    outcome, result = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done", result
    request = view.certificate_request()
    assert request is not None and request.participant_ids == () and request.award_id is None
    names = recipients(demo_db, request)
    assert len(names) == view.paired_count() > 4
    assert view.preview_widget.document.pageCount() == len(names)
    assert shown_progress[-1] == f"{len(names)} of {len(names)} done"  # above the preview
    assert bar[-1] == (len(names), len(names))  # a bar that fills, once it knows how far
    assert view.banner.headline.text() == f"{len(names)} certificates, one page each"
    texts = page_texts(view.preview_widget.data)
    assert all(name in text for name, text in zip(names, texts, strict=True))
    assert not view.is_stale() and not view.preview_again_button.isVisible()
    assert view.preview_widget.name == "Certificates - Grow Together 2026.pdf"

    # Navigation and zoom.
    view.preview_widget.go_to_page(2)
    assert view.preview_widget.page_spin.value() == 3
    view.preview_widget.previous_page()
    assert view.preview_widget.current_page() == 1
    view.preview_widget.set_zoom(1.5)
    assert view.preview_widget.zoom_factor() == pytest.approx(1.5)
    view.preview_widget.zoom_in()
    assert view.preview_widget.zoom_factor() == pytest.approx(2.0)


def test_changing_options_marks_the_preview_out_of_date(qtbot: QtBot, window: MainWindow,
                                                        demo_db: Database) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    made = view.preview_widget.data
    view.achievement_edit.setText("for outstanding mentoring")
    assert view.is_stale()
    assert view.banner.headline.text() == "Options changed — Preview again"
    assert view.preview_again_button.isVisible()
    assert view.preview_widget.data is made  # nothing made again on a keystroke
    view.achievement_edit.clear()
    assert not view.is_stale() and not view.preview_again_button.isVisible()

    # Three people, chosen by searching and checking.
    click(qtbot, view.chosen_radio)
    assert view.people_box.isVisible()
    assert view.preview_button.isEnabled() is False  # nobody checked yet
    chosen = view.people_model.rows()[:3]
    view.people_model.set_checked({p.participant_id for p in chosen}, True)
    assert view.chosen_label.text().startswith("3 of ")
    assert view.count_label.text() == "3 certificates"
    view.achievement_edit.setText("for a year of mentoring")
    view.template_combo.setCurrentIndex(view.template_combo.findData("modern"))
    assert view.is_stale()
    click(qtbot, view.preview_again_button)
    assert view.preview_task is not None
    outcome, _ = wait_for(qtbot, view.preview_task, timeout=60_000)
    assert outcome == "done"
    assert view.preview_widget.page_count() == 3
    texts = page_texts(view.preview_widget.data)
    assert all("for a year of mentoring" in " ".join(t.split()) for t in texts)
    assert not view.is_stale()

    # Whole pairs: everyone paired with the people checked.
    view.uncheck_all()
    first = chosen[0]
    view.people_model.set_checked({first.participant_id}, True)
    view.check_whole_pairs()
    partners = {p.participant_id for p in view.people_model.rows()
                if set(p.pairing_ids) & set(first.pairing_ids)}
    assert set(view.people_model.checked_ids()) == partners and len(partners) >= 2


def test_an_award_certificate_is_dated_on_the_award(qtbot: QtBot, window: MainWindow,
                                                    demo_db: Database,
                                                    choose_pdf: Callable[[Path | None], object],
                                                    prompts: SimpleNamespace,
                                                    tmp_path: Path) -> None:
    view = documents(window)
    assert view.award_radio.isEnabled()
    click(qtbot, view.award_radio)
    award = view.selected_award()
    assert award is not None and not award.printed
    assert view.date_edit.date().toPython() == award.awarded_on
    make_preview(qtbot, view)
    assert view.preview_widget.page_count() == 1
    assert award.recipient in page_texts(view.preview_widget.data)[0]
    assert view.banner.headline.text() == "Certificate for " + award.recipient + " · 1 page"

    # Saving it notes that the award's certificate was produced.
    choose_pdf(tmp_path / "award.pdf")
    expect(prompts.offer_open_folder)
    assert view.save() == tmp_path / "award.pdf"
    assert view.selected_award() is not None and view.selected_award().printed  # type: ignore[union-attr]
    assert not view.is_stale()  # noting it changes no document


Batch = Callable[..., object]


def stop_after_first_report(real: Batch) -> tuple[Batch, list[int]]:
    """A stand-in for a batch service that, after its first progress report, waits until
    the user's cancel reached the worker: the cancel lands in the middle of the batch every
    time (the main thread cancels on that report)."""
    reports: list[int] = []

    def batch(session: object, request: object, *, progress: Callable[[int, int], None],
              cancelled: Callable[[], bool]) -> object:
        def report(done: int, total: int) -> None:
            reports.append(done)
            progress(done, total)
            deadline = time.monotonic() + 30
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)

        return real(session, request, progress=report, cancelled=cancelled)

    return batch, reports


def test_cancel_stops_a_batch_midway(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                     prompts: SimpleNamespace,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    view = documents(window)
    click(qtbot, view.chosen_radio)
    view.check_shown()  # everyone active: several progress reports (one per 25 pages)
    count = view.recipient_count()
    assert count > 50
    render = render_certificates
    batch, reports = stop_after_first_report(render)
    monkeypatch.setattr(documents_view, "render_certificates", batch)
    task = view.preview()
    assert task is not None
    assert view.cancel_button.isVisible() and not view.preview_again_button.isVisible()
    assert view.banner.headline.text() == f"Making {count} certificates…"
    assert not view.preview_button.isEnabled()
    seen: list[str] = []

    def cancel(*_args: object) -> None:
        view.cancel_button.click()
        seen.append(view.banner.details.text())

    task.progressed.connect(cancel)
    outcome, _ = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "cancelled"
    assert reports == [25]  # cancelled after the first 25 pages, before the rest
    assert seen == ["Cancelling…"]
    assert not view.cancel_button.isVisible() and not view.busy_bar.isVisible()
    assert not view.preview_widget.has_document()
    assert view.save() is None  # nothing to save
    assert view.preview_task is None and view.preview_button.isEnabled()
    assert window.statusBar().currentMessage() == "Preview cancelled."

    # One file per person, cancelled after the first file is made: no file at all.
    monkeypatch.setattr(documents_view, "render_certificates", render)
    make_preview(qtbot, view)
    assert view.preview_widget.page_count() == count
    files, file_reports = stop_after_first_report(render_certificate_files)
    monkeypatch.setattr(documents_view, "render_certificate_files", files)
    view.split_check.setChecked(True)
    folder = tmp_path / "certificates"
    folder.mkdir()
    expect(prompts.choose_folder, folder)
    task = view.save()  # type: ignore[assignment]
    assert isinstance(task, Task)
    task.progressed.connect(lambda *_: task.cancel())
    outcome, _ = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "cancelled"
    assert file_reports == [1]
    assert list(folder.iterdir()) == []  # not even a temporary file
    assert window.statusBar().currentMessage() == "Cancelled: no certificates were saved."


def test_the_people_i_choose_include_every_active_participant(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = documents(window)
    with demo_db.Session() as session:
        active = list_participants(session, ParticipantFilter(status=ParticipantStatus.ACTIVE))
    people = view.people_model.rows()
    paired = [p for p in people if p.in_pairs]
    assert {a.id for a in active} <= {p.participant_id for p in people}
    assert len(people) > len(paired) > 4
    assert people[:len(paired)] == paired  # the programme's pairs first...
    assert view.everyone_radio.text() == f"Everyone in the programme's pairs ({len(paired)})"
    proxy = view.people_proxy
    assert all(proxy.index(r, 0).data(PeopleRole.ID) in {p.participant_id for p in paired}
               for r in range(len(paired)))  # ... as sorted in the table too
    outsider = next(p for p in people if not p.in_pairs)  # a trainer, say
    assert outsider.paired_with == NOT_PAIRED and outsider.pairing_ids == ()
    index = view.people_model.index(view.people_model.row_of(outsider.participant_id) or 0,
                                    PeopleColumn.PAIRED_WITH)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None  # ... and marked
    assert index.data() == NOT_PAIRED
    click(qtbot, view.chosen_radio)
    view.people_model.set_checked({outsider.participant_id}, True)
    assert view.count_label.text() == "1 certificate"
    make_preview(qtbot, view)
    assert view.preview_widget.page_count() == 1
    assert outsider.name in " ".join(page_texts(view.preview_widget.data)[0].split())
    assert view.banner.headline.text() == f"Certificate for {outsider.name} · 1 page"


def test_names_no_font_prints_are_counted_in_the_banner_before_previewing(
        qtbot: QtBot, window: MainWindow, demo_db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    view = documents(window)
    assert not view.banner_row.isVisible()  # nothing previewed, nothing to warn about
    request = view.certificate_request()
    assert request is not None
    with demo_db.Session.begin() as session:
        first, second = certificate_recipients(session, request)[:2]
        for recipient, name in ((first, "𓀀 Hieroglyph Test"), (second, "ສົມພອນ Lao Test")):
            person = session.get(Participant, recipient.participant_id)
            assert person is not None
            person.full_name = name
    view.on_data_changed(frozenset({"participants"}))
    view.template_combo.setCurrentIndex(view.template_combo.findData("classic"))
    assert view.banner_row.isVisible()
    # The serif fonts of the classic template have neither script...
    assert view.banner.headline.text() == ("2 people's names have characters no bundled "
                                           "font can print")
    assert "replacement mark" in view.banner.details.text()
    # ... the sans-serif ones of the modern template have Lao.
    view.template_combo.setCurrentIndex(view.template_combo.findData("modern"))
    assert view.banner.headline.text() == ("1 person's name has characters no bundled font "
                                           "can print")
    make_preview(qtbot, view)
    assert view.banner.headline.text().startswith("1 person's name has")
    assert view.banner.details.text().startswith(f"{view.paired_count()} certificates, one "
                                                 "page each. ")
    click(qtbot, view.award_radio)  # someone else
    assert view.unprintable_count() == 0
    for name in ("𓀀", "ສົມ", "Hieroglyph", "Lao Test"):
        assert name not in caplog.text  # how many, never who
    assert "certificate recipients with characters no bundled font has: 2" in caplog.text


def test_a_stale_preview_is_neither_saved_nor_printed(
        qtbot: QtBot, window: MainWindow, prompts: SimpleNamespace,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    preview = view.preview_widget
    assert preview.save_button.isEnabled() and preview.print_button.isEnabled()
    view.achievement_edit.setText("for a year of mentoring")
    assert view.is_stale()
    assert not preview.save_button.isEnabled() and not preview.print_button.isEnabled()
    assert preview.save_button.toolTip() == STALE == preview.print_button.toolTip()

    def no_dialog(_dialog: QPrintDialog) -> int:
        raise AssertionError("a print dialog for a stale preview")

    monkeypatch.setattr(QPrintDialog, "exec", no_dialog)
    assert preview.open_print_dialog() is None  # Ctrl+P and Print…
    assert view.save() is None  # Ctrl+S: no file chooser (an unexpected prompt fails)
    assert window.statusBar().currentMessage() == STALE
    view.split_check.setChecked(True)
    assert view.save() is None  # nor a folder chooser
    view.achievement_edit.clear()
    assert not view.is_stale() and preview.save_button.isEnabled()
    # Out of date because the programme changed, too.
    view.on_data_changed(frozenset({"participants"}))
    assert view.is_stale() and not preview.print_button.isEnabled()
    assert view.save() is None


def test_a_service_error_is_shown_in_the_banner(qtbot: QtBot, window: MainWindow,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise UserError("The programme has no start date: set one in the Programme area.")

    monkeypatch.setattr(documents_view, "render_proposal", refuse)
    view = documents(window)
    view.show_document(DocumentKind.PROPOSAL)
    task = view.preview()
    assert task is not None
    outcome, _ = wait_for(qtbot, task)
    assert outcome == "failed"
    assert view.banner.headline.text() == "The document could not be made"
    assert view.banner.details.text().startswith("The programme has no start date")
    assert view.preview_again_button.isVisible()


# --------------------------------------------------------------------------- saving, printing


def test_save_as_writes_a_valid_pdf(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                    choose_pdf: Callable[[Path | None], object],
                                    prompts: SimpleNamespace) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    target = tmp_path / "out" / "certificates.pdf"
    target.parent.mkdir()
    chooser = choose_pdf(target)
    expect(prompts.offer_open_folder)
    assert view.save() == target
    pages = view.preview_widget.page_count()
    assert len(pdf_pages(target)) == pages
    assert target.read_bytes() == view.preview_widget.data
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600  # HR data: owner-only
    suggested = chooser.call_args.args[2]  # type: ignore[attr-defined]
    assert suggested.name == "Certificates - Grow Together 2026.pdf"
    args = prompts.offer_open_folder.call_args.args
    assert args[3] == target.parent and f"({pages} pages)" in args[2]

    # Cancelling the chooser writes nothing.
    choose_pdf(None)
    assert view.save() is None


def test_one_file_per_person_goes_into_the_chosen_folder(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        prompts: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    view.split_check.setChecked(True)
    assert not view.is_stale()  # splitting does not change what is printed
    folder = tmp_path / "certificates"
    expect(prompts.choose_folder, folder)
    expect(prompts.offer_open_folder)
    on_main_thread: list[bool] = []

    def writing(*args: object, **kwargs: object) -> object:
        on_main_thread.append(threading.current_thread() is threading.main_thread())
        return save_pdfs(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents_view, "save_pdfs", writing)
    task = view.save()
    assert isinstance(task, Task) and task is view.save_task
    progress: list[tuple[int, int]] = []
    task.progressed.connect(lambda done, total: progress.append((done, total)))
    outcome, result = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done", result
    request = view.certificate_request()
    assert request is not None
    names = recipients(demo_db, request)
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == len(names)
    assert all(len(pdf_pages(f)) == 1 for f in files)
    assert {f.stem.split("–")[-1].strip() for f in files} == set(names)
    if os.name == "posix":
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert prompts.offer_open_folder.call_args.args[3] == folder
    # Written on the worker, with progress: each file made, then each written.
    assert on_main_thread == [False]
    total = 2 * len(names)
    assert (len(names), total) in progress and progress[-1] == (total, total)
    # The names asked about beforehand are the service's.
    with demo_db.Session() as session:
        made = [name for name, _data in render_certificate_files(session, request)]
        assert file_names(certificate_recipients(session, request)) == made
    assert sorted(made) == [f.name for f in files]

    # A file of the same name is asked about before anything is made; declining keeps it.
    first = files[0]
    first.write_bytes(b"a certificate edited by hand")
    for other in files[1:]:
        other.unlink()
    made_files: list[int] = []
    render = render_certificate_files

    def making(*args: object, **kwargs: object) -> object:
        made_files.append(1)
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents_view, "render_certificate_files", making)
    asked_after: list[int] = []

    def decline(*_args: object) -> bool:
        asked_after.append(len(made_files))
        return False

    prompts.confirm.side_effect = decline
    prompts.offer_open_folder.reset_mock()
    task = view.save()
    assert isinstance(task, Task)
    outcome, result = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done" and result == FileClash((first.name,))
    qtbot.waitUntil(lambda: bool(asked_after))
    assert asked_after == [0]  # asked before a single certificate was made
    assert prompts.confirm.call_args.args[2].startswith("1 file with the same name is already")
    assert [f.name for f in folder.iterdir()] == [first.name]
    assert first.read_bytes() == b"a certificate edited by hand"
    assert window.statusBar().currentMessage().startswith("Nothing saved")
    prompts.offer_open_folder.assert_not_called()

    # Replacing it: then the certificates are made and written, that file among them.
    expect(prompts.confirm, True)
    task = view.save()
    assert isinstance(task, Task)
    qtbot.waitUntil(lambda: prompts.offer_open_folder.called, timeout=60_000)
    assert len(list(folder.glob("*.pdf"))) == len(names)
    assert first.read_bytes().startswith(b"%PDF")
    assert made_files == [1] and view.save_task is None


def test_one_file_per_person_is_what_was_previewed(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        prompts: SimpleNamespace) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    request = view.certificate_request()
    assert request is not None
    # Someone is renamed elsewhere (another program): this window is not told.
    with demo_db.Session.begin() as session:
        first = certificate_recipients(session, request)[0]
        person = session.get(Participant, first.participant_id)
        assert person is not None
        person.full_name = "Renamed Elsewhere"
    view.split_check.setChecked(True)
    assert not view.is_stale()
    folder = tmp_path / "certificates"
    expect(prompts.choose_folder, folder)
    expect(prompts.show_error)
    task = view.save()
    assert isinstance(task, Task)
    outcome, error = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "failed" and isinstance(error, PreviewOutdatedError)
    assert "changed since this preview" in prompts.show_error.call_args.args[2]
    assert not folder.exists() or not any(folder.iterdir())
    # Now the window knows: the preview is out of date until made again.
    assert view.is_stale()
    assert view.banner.headline.text() == "The programme changed — Preview again"


def test_a_print_marks_the_award_it_printed_whatever_is_shown_then(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = documents(window)
    click(qtbot, view.award_radio)
    award = view.selected_award()
    assert award is not None and not award.printed
    make_preview(qtbot, view)
    out = tmp_path / "award.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return int(QPrintDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    task = view.preview_widget.open_print_dialog()
    assert task is not None
    # While it prints, the user moves on to another document and other options.
    click(qtbot, view.everyone_radio)
    view.show_document(DocumentKind.PROPOSAL)
    outcome, result = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done", result
    assert len(pdf_pages(out)) == 1
    with demo_db.Session() as session:
        assert next(a for a in list_awards(session, programme_id(demo_db))
                    if a.id == award.id).printed
    assert window.statusBar().currentMessage() == "Sent 1 page to the printer."


def test_print_renders_every_page_into_the_printer(qtbot: QtBot, window: MainWindow,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    pages = view.preview_widget.page_count()
    out = tmp_path / "printed.pdf"
    chosen: dict[str, object] = {}

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        chosen["range"] = (dialog.minPage(), dialog.maxPage())
        # Qt's print to file would write the PDF world-readable and in place.
        chosen["to_file"] = dialog.testOption(
            QAbstractPrintDialog.PrintDialogOption.PrintToFile)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        for key, value in chosen.get("apply", {}).items():  # type: ignore[attr-defined]
            getattr(printer, key)(*value)
        return int(QPrintDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    task = view.preview_widget.open_print_dialog()
    assert task is not None and not view.preview_widget.print_button.isEnabled()
    outcome, result = wait_for(qtbot, task, timeout=120_000)
    assert outcome == "done", result
    assert chosen["range"] == (1, pages)
    assert chosen["to_file"] is False
    printed = pdf_pages(out)
    assert len(printed) == pages
    assert all(width > height for width, height in printed)  # certificates are landscape
    assert window.statusBar().currentMessage() == f"Sent {pages} pages to the printer."
    assert view.preview_widget.print_button.isEnabled()

    # Only pages 2 to 3, as chosen in the dialog.
    out.unlink()
    chosen["apply"] = {"setPrintRange": (QPrinter.PrintRange.PageRange,), "setFromTo": (2, 3)}
    task = view.preview_widget.open_print_dialog()
    assert task is not None
    outcome, result = wait_for(qtbot, task, timeout=120_000)
    assert outcome == "done", result
    assert len(pdf_pages(out)) == 2

    # Cancelled in the dialog: nothing printed.
    out.unlink()
    monkeypatch.setattr(QPrintDialog, "exec",
                        lambda _d: int(QPrintDialog.DialogCode.Rejected))
    assert view.preview_widget.open_print_dialog() is None
    assert not out.exists()


def test_the_preview_widget_on_its_own(qtbot: QtBot, tmp_path: Path, demo_db: Database,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show()
    assert not preview.print_button.isEnabled() and not preview.save_button.isEnabled()
    assert not preview.toolbar.isVisible()
    assert preview.set_pdf(b"not a pdf", "x.pdf") is False
    assert "not a readable PDF" in preview.placeholder.text()
    assert not preview.has_document()
    with demo_db.Session() as session:
        form = list_forms(session, programme_id(demo_db))[0]
        data = render_form(session, form.id, fillable=False)
    assert preview.set_pdf(data, "form.pdf")
    assert preview.page_count() >= 1 and preview.save_button.isEnabled()
    assert preview.toolbar.isVisible()
    buffer = preview._buffer
    assert buffer is not None and buffer.isOpen()
    preview.clear("Nothing yet")
    assert not preview.has_document() and not buffer.isOpen()  # let go of the bytes
    # Without a task runner, printing happens at once.
    preview.set_pdf(data, "form.pdf")
    out = tmp_path / "form-printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return int(QPrintDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    with qtbot.waitSignal(preview.printed) as printed:
        assert preview.open_print_dialog() is None
    assert printed.args == [preview.page_count(), None]  # no context was given
    assert len(pdf_pages(out)) == preview.page_count()


# --------------------------------------------------------------------------- handbooks, proposal


def test_a_handbook_prepared_for_one_mentor(qtbot: QtBot, window: MainWindow,
                                            demo_db: Database) -> None:
    view = documents(window)
    view.show_document(DocumentKind.MENTOR_HANDBOOK)
    combo = view.reader_combo("mentor")
    assert combo.currentText().startswith("Nobody")
    make_preview(qtbot, view)
    general = view.preview_widget.page_count()
    assert general > 3
    with demo_db.Session() as session:
        mentor = list_pairings(session, programme_id(demo_db), [PairingStatus.ACTIVE])[0]
    index = combo.findData(mentor.mentor_id)
    assert index > 0
    combo.setCurrentIndex(index)
    assert view.is_stale()
    assert view.reader("mentor") == mentor.mentor_id
    make_preview(qtbot, view)
    text = " ".join(" ".join(page_texts(view.preview_widget.data)).split())
    assert mentor.members[0].name in text
    assert view.preview_widget.name.startswith("Mentor handbook - ")

    # The mentee handbook keeps its own preview; the mentor's is still there after.
    view.show_document(DocumentKind.MENTEE_HANDBOOK)
    assert not view.preview_widget.has_document()
    view.show_document(DocumentKind.MENTOR_HANDBOOK)
    assert view.preview_widget.has_document() and not view.is_stale()

    # A name typed that is nobody's goes back to the person chosen.
    line = combo.lineEdit()
    assert line is not None
    line.setText("Nobody by this name")
    line.editingFinished.emit()
    assert view.reader("mentor") == mentor.mentor_id


def test_the_proposal_previews(qtbot: QtBot, window: MainWindow) -> None:
    view = documents(window)
    view.show_document(DocumentKind.PROPOSAL)
    assert view.count_label.text() == ""
    make_preview(qtbot, view)
    assert view.preview_widget.page_count() > 2
    assert view.banner.headline.text().startswith("Programme proposal · ")


def test_handbook_wording_is_saved_and_reset(qtbot: QtBot, window: MainWindow,
                                             demo_db: Database,
                                             prompts: SimpleNamespace) -> None:
    view = documents(window)
    view.show_document(DocumentKind.MENTOR_HANDBOOK)
    make_preview(qtbot, view)
    dialog = view.edit_handbook_text("mentor")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    key = dialog.section_keys()[0]
    assert "{programme}" in dialog.placeholder_label.text()
    dialog.set_text("Welcome to {programme}, mentors of Northwind!")
    assert dialog.changes() == {key: "Welcome to {programme}, mentors of Northwind!"}
    assert dialog.save_button.isEnabled() and dialog.reset_button.isEnabled()
    # Closing with unsaved wording asks first.
    expect(prompts.confirm, False)
    dialog.reject()
    assert dialog.isVisible()
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.text_dialog is None)
    pid = programme_id(demo_db)
    with demo_db.Session() as session:
        first = handbook_sections(session, pid, "mentor")[0]
    assert first.customised and first.text == "Welcome to {programme}, mentors of Northwind!"
    assert view.mentor_wording_label.text() == "1 section in your own wording."  # type: ignore[attr-defined]
    assert view.banner.headline.text() == "The programme changed — Preview again"

    dialog = view.edit_handbook_text("mentor")
    assert dialog is not None
    assert dialog.editor.toPlainText() == first.text
    dialog.reset_section()
    assert dialog.editor.toPlainText() == first.default_text
    assert dialog.save()
    qtbot.waitUntil(lambda: view.text_dialog is None)
    with demo_db.Session() as session:
        again = handbook_sections(session, pid, "mentor")[0]
    assert not again.customised and again.text == again.default_text
    assert view.mentor_wording_label.text() == "The standard wording."  # type: ignore[attr-defined]


def test_a_handbook_and_the_proposal_look_busy_while_they_are_made(
        qtbot: QtBot, window: MainWindow) -> None:
    view = documents(window)
    for kind, label in ((DocumentKind.MENTOR_HANDBOOK, "Making the mentor handbook…"),
                        (DocumentKind.PROPOSAL, "Making the proposal…")):
        view.show_document(kind)
        task = view.preview()
        assert task is not None
        assert view.banner.headline.text() == label
        assert "Starting" not in view.banner.details.text()
        # Neither reports how far it got: a bar that moves for as long as it takes.
        assert view.busy_bar.isVisible()
        assert (view.busy_bar.minimum(), view.busy_bar.maximum()) == (0, 0)
        outcome, result = wait_for(qtbot, task, timeout=60_000)
        assert outcome == "done", result
        assert not view.busy_bar.isVisible()


def test_the_wording_dialog_counts_a_change_as_the_service_saves_it(
        qtbot: QtBot, window: MainWindow, demo_db: Database,
        prompts: SimpleNamespace) -> None:
    assert set(PLACEHOLDER_MEANINGS) == set(PLACEHOLDERS)  # every one explained
    # Names in any case, as the service fills them in.
    assert placeholders("{Programme} by {coordinator_EMAIL}, {programme}") == [
        "programme", "coordinator_email"]
    view = documents(window)
    pid = programme_id(demo_db)
    dialog = view.edit_handbook_text("mentee")
    assert dialog is not None
    assert all(f"{{{name}}}" in dialog.placeholder_label.text() for name in PLACEHOLDERS)
    key = dialog.section_keys()[0]
    draft = dialog.current_draft()
    assert draft is not None
    default = draft.default
    variants = {
        "blank": "  \n\n",
        "Windows line breaks": default.replace("\n", "\r\n") + "\r\n",
        "spaces at line ends": "\n".join(f"{line}  " for line in default.split("\n")),
        "blank lines around": f"\n\n{default}\n\n",
        "own wording": f"{default}\n\nAsk {{Coordinator}} anything.",
        "own, indented": f"  {default}  x",
    }
    for label, text in variants.items():
        dialog.set_text(text)
        with demo_db.Session.begin() as session:  # what the service makes of it
            save_handbook_section(session, pid, "mentee", key, text)
            kept = handbook_sections(session, pid, "mentee")[0].customised
            save_handbook_section(session, pid, "mentee", key, "")  # back as it was
        assert draft.own_wording is kept, label
        assert draft.edited is kept, label  # stored: the standard; changed only if kept
        assert (key in dialog.changes()) is kept, label
        wording = dialog.model.index(0, 1).data()
        assert wording == ("Yours •" if kept else "Standard"), label
    dialog.set_text(default)
    dialog.reject()
    qtbot.waitUntil(lambda: view.text_dialog is None)


# --------------------------------------------------------------------------- branding


def png(tmp_path: Path, name: str, colour: str = "#2E5E8C") -> Path:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    path = tmp_path / name
    assert image.save(str(path), "PNG")
    return path


def test_branding_refuses_bad_values_and_saves_good_ones(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        prompts: SimpleNamespace) -> None:
    view = documents(window)
    make_preview(qtbot, view)
    pid = programme_id(demo_db)
    with demo_db.Session() as session:
        before = load_branding(session, pid)
    dialog = view.edit_branding()
    assert dialog is not None and dialog.isVisible() and dialog.save_button.isEnabled()
    assert dialog.primary.value() == before.primary.upper()

    # A colour that is not one, and a file that is not an image.
    dialog.primary.set_value("navy blue")
    assert "is not a colour" in dialog.errors.text("primary")  # shown as it is typed
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"GIF89a not really")
    expect(prompts.choose_image_file, bad)
    assert dialog.logo.choose()
    assert dialog.errors.text("logo_png") == "Logo is not a readable PNG or JPEG image."
    dialog.organisation.setText("Northwind Holdings")
    assert dialog.save() is False
    assert dialog.isVisible()
    with demo_db.Session() as session:
        assert load_branding(session, pid) == before  # nothing saved

    # Good values.
    dialog.primary.set_value("#1B4D3E")
    assert dialog.errors.text("primary") == ""
    good = png(tmp_path, "good.png")
    prompts.choose_image_file.return_value = good
    assert dialog.logo.choose()
    assert dialog.errors.text("logo_png") == ""
    assert dialog.logo.preview.pixmap() is not None and not dialog.logo.preview.pixmap().isNull()
    dialog.signature.remove()
    dialog.template.setCurrentIndex(dialog.template.findData("elegant"))
    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    expect(prompts.choose_colour, "#C0392B")
    assert dialog.accent.pick() == "#C0392B"
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.branding_dialog is None)
    with demo_db.Session() as session:
        after = load_branding(session, pid)
    assert (after.organisation, after.primary, after.accent, after.certificate_template,
            after.paper) == ("Northwind Holdings", "#1B4D3E", "#C0392B", "elegant", "Letter")
    assert after.logo_png == good.read_bytes() and after.signature_png is None
    assert (after.signer_name, after.signer_title) == (before.signer_name, before.signer_title)
    # Every preview is out of date, and the certificates follow the new template and paper.
    assert view.banner.headline.text() == "The programme changed — Preview again"
    assert view.template_combo.currentData() == "elegant"
    assert view.paper_combo.currentData() == "Letter"
    make_preview(qtbot, view)
    width, height = pdf_pages_bytes(view.preview_widget.data)[0]
    assert (round(width), round(height)) == (792, 612)  # Letter, landscape


def pdf_pages_bytes(data: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


# --------------------------------------------------------------------------- forms


def fill(blank: bytes, path: Path, values: dict[str, str]) -> Path:
    """Fill a fillable form's fields as a PDF viewer would."""
    writer = PdfWriter(clone_from=io.BytesIO(blank))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_filled_forms_are_imported_with_a_result_per_file(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        prompts: SimpleNamespace) -> None:
    view = documents(window)
    view.show_document(DocumentKind.FORMS)
    with demo_db.Session() as session:
        form = next(f for f in list_forms(session, programme_id(demo_db))
                    if f.title == "Mid-programme check")
        blank = render_form(session, form.id)
    view.form_combo.setCurrentIndex(view.form_combo.findData(form.id))
    assert f"{form.responses} answers received" in view.form_details.text()
    make_preview(qtbot, view)
    assert view.preview_widget.name == "Mid-programme check - Grow Together 2026.pdf"
    fields = PdfReader(io.BytesIO(view.preview_widget.data)).get_fields() or {}
    rating = next(name for name in fields if name.startswith("q"))
    click(qtbot, view.paper_radio)
    assert view.is_stale()

    filled = fill(blank, tmp_path / "filled.pdf", {rating: "/4"})
    copy = tmp_path / "copy of filled.pdf"
    copy.write_bytes(filled.read_bytes())
    blank_copy = tmp_path / "nothing answered.pdf"
    blank_copy.write_bytes(blank)
    junk = tmp_path / "notes.pdf"
    junk.write_bytes(b"meeting notes, not a form")
    expect(prompts.choose_filled_forms, [filled, copy, blank_copy, junk])
    changes: list[frozenset[str]] = []
    window.data_changed.connect(changes.append)
    task = view.import_forms()
    assert task is not None and not view.import_button.isEnabled()
    outcome, result = wait_for(qtbot, task)
    assert outcome == "done", result
    dialog = view.import_dialog
    assert dialog is not None and dialog.isVisible()
    by_file = {Path(r.file).name: r.status for r in dialog.model.rows()}
    assert by_file == {"filled.pdf": "imported", "copy of filled.pdf": "duplicate",
                       "nothing answered.pdf": "incomplete", "notes.pdf": "unreadable"}
    assert dialog.statuses() == ["unreadable", "incomplete", "duplicate", "imported"]
    assert dialog.summary.text().startswith("1 form imported; 1 already imported")
    assert all(dialog.model.index(r, 3).data() for r in range(4))  # every file says why
    assert {dialog.model.index(r, 0).data() for r in range(4)} == set(by_file)
    assert frozenset({"feedback", "kpis"}) in changes
    with demo_db.Session() as session:
        assert next(f for f in list_forms(session, programme_id(demo_db))
                    if f.id == form.id).responses == form.responses + 1
    assert f"{form.responses + 1} answers received" in view.form_details.text()
    dialog.reject()
    qtbot.waitUntil(lambda: view.import_dialog is None)


def test_a_personal_copy_of_a_form(qtbot: QtBot, window: MainWindow,
                                   demo_db: Database) -> None:
    view = documents(window)
    view.show_document(DocumentKind.FORMS)
    combo = view.form_person_combo
    assert combo.itemText(0) == ANYONE and view.form_person() is None
    with demo_db.Session() as session:
        active = list_participants(session, ParticipantFilter(status=ParticipantStatus.ACTIVE))
        form = next(f for f in list_forms(session, programme_id(demo_db))
                    if f.title == "Mid-programme check")
    assert combo.count() == len(active) + 1  # anyone active, as the CLI's --for
    view.form_combo.setCurrentIndex(view.form_combo.findData(form.id))
    # The audience as every document words it.
    assert view.form_details.text().startswith(
        f"{AUDIENCE_LABELS[Audience.EVERYONE]} · feedback · ")
    make_preview(qtbot, view)
    blank = " ".join(" ".join(page_texts(view.preview_widget.data)).split())
    person = active[3]
    combo.setCurrentIndex(combo.findData(person.id))
    assert view.form_person() == person.id and view.is_stale()
    make_preview(qtbot, view)
    with demo_db.Session() as session:
        expected = render_form(session, form.id, fillable=True, participant_id=person.id)
    assert page_texts(view.preview_widget.data) == page_texts(expected)
    text = " ".join(" ".join(page_texts(view.preview_widget.data)).split())
    assert person.full_name in text and person.email in text
    assert person.full_name not in blank
    assert view.preview_widget.name == f"Mid-programme check - {person.full_name}.pdf"
    assert view.banner.headline.text().startswith(
        f"Mid-programme check for {person.full_name} (fillable) · ")
    # A name typed that is nobody's goes back to the person chosen.
    line = combo.lineEdit()
    assert line is not None
    line.setText("Nobody by this name")
    line.editingFinished.emit()
    assert view.form_person() == person.id


def test_summary_text() -> None:
    from collections import Counter

    assert summary_text(Counter({"duplicate": 2})) == (
        "No new answers; 2 already imported before (not counted twice).")
    assert summary_text(Counter({"imported": 3, "unreadable": 1})) == (
        "3 forms imported; 1 not readable.")


# --------------------------------------------------------------------------- states


def test_dates_shown_are_english_whatever_the_desktop_language(window: MainWindow) -> None:
    view = documents(window)
    award = view.selected_award()
    assert award is not None
    tooltip = view.award_combo.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert tooltip == f"Awarded on {long_date(award.awarded_on)}"
    # strftime and %-formats follow the locale Qt sets: none in the Documents area.
    from mentordesk.ui import pdf_preview
    from mentordesk.ui.dialogs import branding_dialog, form_import_dialog, handbook_text_dialog

    for module in (documents_view, pdf_preview, branding_dialog, form_import_dialog,
                   handbook_text_dialog):
        source = inspect.getsource(module)
        assert not re.search(r"strftime|\{[^{}\n]*:[^{}\n]*%[aAbBdYy]", source), module


def test_read_only_previews_and_prints_but_changes_nothing(
        qtbot: QtBot, read_only_window: MainWindow, demo_db: Database,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    view = documents(read_only_window)
    make_preview(qtbot, view)  # making a document only reads
    assert view.preview_widget.print_button.isEnabled()
    assert view.preview_widget.save_button.isEnabled()
    view.show_document(DocumentKind.FORMS)
    assert not view.import_button.isEnabled()
    assert view.import_forms() is None
    pid = programme_id(demo_db)
    with demo_db.Session() as session:
        before = load_branding(session, pid)
    branding = view.edit_branding()
    assert branding is not None and not branding.save_button.isEnabled()
    assert branding.read_only_note.isVisible()
    assert branding.organisation.isReadOnly() and not branding.logo.choose_button.isEnabled()
    assert branding.save() is False
    branding.reject()
    qtbot.waitUntil(lambda: view.branding_dialog is None)
    text = view.edit_handbook_text("mentee")
    assert text is not None and text.editor.isReadOnly()
    assert not text.save_button.isEnabled() and not text.reset_button.isEnabled()
    assert text.save() is False
    text.reject()
    qtbot.waitUntil(lambda: view.text_dialog is None)
    with demo_db.Session() as session:
        assert load_branding(session, pid) == before


def test_no_programme_and_no_pairs_say_what_to_do(qtbot: QtBot, empty_window: MainWindow,
                                                  fresh_db: Database) -> None:
    view = documents(empty_window)
    assert view.body.currentWidget() is view.empty_label
    assert view.empty_label.text().startswith("There is no programme yet")
    assert not view.branding_button.isEnabled()
    assert view.preview() is None and view.edit_branding() is None
    with fresh_db.Session.begin() as session:
        create_programme(session, ProgrammeData(name="Pilot", start_date=date.today()))
    view.on_data_changed(frozenset({"programme"}))
    assert view.body.currentWidget() is view.work
    assert view.certificates_note.isVisible()
    assert view.certificates_note.text().startswith("Nobody to give a certificate to yet")
    assert "Pairing area" in view.certificates_note.text()
    assert not view.preview_button.isEnabled() and not view.everyone_radio.isEnabled()
    assert view.preview_widget.placeholder.text() == "Nobody to give a certificate to yet."
    view.show_document(DocumentKind.FORMS)
    assert view.forms_note.isVisible() and not view.preview_button.isEnabled()
    assert not view.import_button.isEnabled()
    # A handbook can be made for a programme without anyone yet.
    view.show_document(DocumentKind.MENTEE_HANDBOOK)
    assert view.preview_button.isEnabled()
    make_preview(qtbot, view)
    assert view.preview_widget.page_count() > 1
