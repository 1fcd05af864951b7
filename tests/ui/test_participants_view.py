"""The Participants area, driven as a coordinator would: typing, clicking, filtering."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from mentordesk.db import Database
from mentordesk.models import Participant, ParticipantRole, ParticipantStatus
from mentordesk.services.participants import SkillLevel, find_participant, list_participants
from mentordesk.ui.dialogs.participant_dialog import ParticipantDialog, parse_skills
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.participants import Column, Role
from mentordesk.ui.views.participants_view import ParticipantsView
from tests.ui.helpers import expect


def participants_view(window: MainWindow) -> ParticipantsView:
    view = window.show_area("participants")
    assert isinstance(view, ParticipantsView)
    return view


def open_add_dialog(qtbot: QtBot, view: ParticipantsView) -> ParticipantDialog:
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert view.dialog is not None and view.dialog.isVisible()
    return view.dialog


def count(db: Database) -> int:
    with db.Session() as session:
        return session.scalar(select(func.count(Participant.id))) or 0


def test_the_demo_fills_the_table(window: MainWindow) -> None:
    view = participants_view(window)
    assert view.proxy.rowCount() == 80
    assert view.count.text() == "80 participants"


def test_add_a_participant_through_the_dialog(qtbot: QtBot, window: MainWindow,
                                              demo_db: Database) -> None:
    view = participants_view(window)
    dialog = open_add_dialog(qtbot, view)
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.full_name, "Noor Haddad")
    qtbot.keyClicks(dialog.email, "noor.haddad@example.com")
    dialog.department.setCurrentText("")
    qtbot.keyClicks(dialog.department.lineEdit(), "Finance")
    qtbot.keyClicks(dialog.job_title, "Risk Analyst")
    dialog.timezone.lineEdit().clear()
    qtbot.keyClicks(dialog.timezone.lineEdit(), "Europe/Paris")
    qtbot.keyClicks(dialog.skills, "Python:4, Leadership:3")
    qtbot.keyClicks(dialog.goals, "Public speaking")
    dialog.role.setCurrentIndex(dialog.role.findData(ParticipantRole.MENTOR))
    assert dialog.mentor_capacity.value() == 1  # a mentor can take at least one mentee
    qtbot.mouseClick(dialog.consent_stories, Qt.MouseButton.LeftButton)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: view.dialog is None)
    assert view.model.rowCount() == 81
    selected = view.table.selectionModel().selectedRows()[0]
    assert selected.data() == "Noor Haddad"  # the new row is selected and visible
    assert selected.siblingAtColumn(Column.ROLE).data() == "Mentor"
    with demo_db.Session() as session:
        record = find_participant(session, "noor.haddad@example.com")
    assert record.data.department == "Finance"
    assert record.data.timezone == "Europe/Paris"
    assert set(record.data.skills) == {SkillLevel("Python", 4), SkillLevel("Leadership", 3)}
    assert record.data.goals == ("Public speaking",)
    assert record.data.consent_stories is True


def test_a_malformed_email_is_refused_while_typing(qtbot: QtBot, window: MainWindow,
                                                   demo_db: Database) -> None:
    view = participants_view(window)
    dialog = open_add_dialog(qtbot, view)
    qtbot.keyClicks(dialog.full_name, "Noor Haddad")
    qtbot.keyClicks(dialog.email, "noor@@example")
    assert "not a valid email address" in dialog.errors.text("email")
    label = dialog.findChild(QLabel, "error_email")
    assert label.isVisible()
    assert "#B00020" in label.styleSheet()
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert count(demo_db) == 80

    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "noor@example.com")
    assert dialog.errors.text("email") == ""
    assert dialog.ok_button.isEnabled()
    dialog.reject()


def test_the_services_reasons_appear_next_to_their_fields(qtbot: QtBot, window: MainWindow,
                                                          demo_db: Database) -> None:
    view = participants_view(window)
    taken = view.model.row_at(0).email
    dialog = open_add_dialog(qtbot, view)
    qtbot.keyClicks(dialog.full_name, "Someone New")
    qtbot.keyClicks(dialog.email, taken)
    dialog.timezone.lineEdit().clear()
    qtbot.keyClicks(dialog.timezone.lineEdit(), "Mars/Olympus")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()  # the dialog stays open with the reasons
    assert "already used by another participant" in dialog.errors.text("email")
    assert "not a known time zone" in dialog.errors.text("timezone")
    assert count(demo_db) == 80
    dialog.reject()


def test_edit_a_participant_by_double_click(qtbot: QtBot, window: MainWindow,
                                            demo_db: Database) -> None:
    view = participants_view(window)
    first = view.proxy.index(0, Column.NAME)
    person_id = first.data(Role.ID)
    view.table.scrollTo(first)
    rect = view.table.visualRect(first)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Edit participant"
    with demo_db.Session() as session:
        before = find_participant(session, str(person_id)).data
    assert dialog.email.text() == before.email  # the form shows what is stored
    assert parse_skills(dialog.skills.text())[0] == before.skills

    dialog.job_title.clear()
    qtbot.keyClicks(dialog.job_title, "Principal Engineer")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: view.dialog is None)
    row = view.model.row_of(person_id)
    assert row is not None
    assert view.model.index(row, Column.JOB_TITLE).data() == "Principal Engineer"
    with demo_db.Session() as session:
        after = find_participant(session, str(person_id)).data
    assert after.job_title == "Principal Engineer"
    assert after.skills == before.skills  # untouched fields survive the round trip
    assert after.manager_email == before.manager_email


def test_withdraw_asks_first_then_marks_the_person_withdrawn(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace) -> None:
    view = participants_view(window)
    person_id = view.proxy.index(2, 0).data(Role.ID)
    assert view.select_participant(person_id)

    expect(prompts.confirm, False)
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    with demo_db.Session() as session:
        assert find_participant(session, str(person_id)).status == ParticipantStatus.ACTIVE

    expect(prompts.confirm, True)
    with qtbot.waitSignal(window.data_changed) as changed:
        qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    assert "participants" in changed.args[0]
    assert prompts.confirm.call_count == 2
    with demo_db.Session() as session:
        assert find_participant(session, str(person_id)).status == ParticipantStatus.WITHDRAWN
    row = view.model.row_of(person_id)
    assert row is not None and view.model.index(row, Column.STATUS).data() == "Withdrawn"
    assert view.withdraw_button.text() == "Reinstate"


def test_search_and_filters_narrow_the_table(qtbot: QtBot, window: MainWindow,
                                             demo_db: Database) -> None:
    view = participants_view(window)
    with demo_db.Session() as session:
        rows = list_participants(session)
    finance = [r for r in rows if r.department == "Finance"]
    finance_mentors = [r for r in finance if r.role in (ParticipantRole.MENTOR,
                                                         ParticipantRole.BOTH)]

    view.department_filter.setCurrentIndex(view.department_filter.findData("Finance"))
    assert view.proxy.rowCount() == len(finance)
    view.role_filter.setCurrentIndex(view.role_filter.findData(ParticipantRole.MENTOR))
    assert view.proxy.rowCount() == len(finance_mentors) > 0
    assert view.count.text() == f"{len(finance_mentors)} of 80 participants shown"

    view.role_filter.setCurrentIndex(0)
    view.department_filter.setCurrentIndex(0)
    target = rows[7]
    qtbot.keyClicks(view.search, target.email.split("@")[0].upper())
    shown = [view.proxy.index(r, 0).data(Role.ID) for r in range(view.proxy.rowCount())]
    assert shown == [target.id]

    view.search.clear()
    view.status_filter.setCurrentIndex(view.status_filter.findData(ParticipantStatus.WITHDRAWN))
    assert view.proxy.rowCount() == sum(r.status == ParticipantStatus.WITHDRAWN for r in rows)
