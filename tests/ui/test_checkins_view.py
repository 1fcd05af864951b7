"""The Check-ins area: the agenda by week and month, logging, moving and skipping meetings,
each pair's rhythm, scheduling every pair, the pairs to nudge, exporting invitations, and
what a read-only database and an empty one show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import create_autospec

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl, QUrlQuery
from PySide6.QtGui import QDesktopServices
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.models import Cadence, CheckinFrequency, CheckinOutcome, PairingStatus
from mentordesk.services import checkins
from mentordesk.services.checkins import CheckinRow, Schedule
from mentordesk.services.pairing import list_pairings, lock_pair, publish_pairings
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import ProgrammeData, create_programme
from mentordesk.ui.dialogs.checkin_dialogs import to_qdate, to_qtime
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.checkins import (
    CheckinColumn,
    CheckinsProxyModel,
    CheckinsTableModel,
    NudgeTableModel,
    PairSchedule,
    PairSchedulesTableModel,
    Period,
    Role,
    nudge_rows,
    period_range,
    period_title,
    step_period,
)
from mentordesk.ui.views.checkins_view import CheckinsView
from tests.ui.helpers import click, expect, make_window, programme_id, show_area, wait_for

LONDON = "Europe/London"
TODAY = date.today()


def checkins_view(window: MainWindow) -> CheckinsView:
    return show_area(window, "checkins", CheckinsView)


def meetings(db: Database, start: date, end: date) -> list[CheckinRow]:
    with db.Session() as session:
        return checkins.list_checkins(session, programme_id(db), start, end)


def meeting(db: Database, checkin_id: int) -> CheckinRow:
    rows = meetings(db, TODAY - timedelta(days=400), TODAY + timedelta(days=400))
    return next(r for r in rows if r.id == checkin_id)


def shown(view: CheckinsView) -> list[int]:
    """The meetings the agenda shows, in its order."""
    return [view.proxy.index(r, 0).data(Role.ID) for r in range(view.proxy.rowCount())]


def show_meeting(view: CheckinsView, row: CheckinRow) -> None:
    """Go to the meeting's week and select it, as the user would."""
    view.go_to(row.start.date())
    assert view.select_checkin(row.id)


def next_weekday(weekday: int, after: date = TODAY) -> date:
    """The first ``weekday`` (Monday 0) at least a week after ``after``."""
    day = after + timedelta(days=7)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def pilot_db(fresh_db: Database) -> Database:
    """A programme begun two months ago with two active pairs and no rhythm yet."""
    with fresh_db.Session.begin() as s:
        pid = create_programme(s, ProgrammeData(
            name="Pilot", start_date=TODAY - timedelta(days=60),
            end_date=TODAY + timedelta(days=120), default_cadence=Cadence.FORTNIGHTLY,
            default_duration_minutes=30, coordinator_name="Cora Ordinator",
            coordinator_email="cora@example.org", agenda="Goals\nStrengths")).id
        people = {}
        for name, role in (("Dana Manager", "mentor"), ("Sam Engineer", "mentee"),
                           ("Lee Director", "mentor"), ("Kim Analyst", "mentee")):
            first = name.split()[0].lower()
            people[first] = add_participant(s, ParticipantData(
                full_name=name, email=f"{first}@example.org", role=role,  # type: ignore[arg-type]
                mentor_capacity=1 if role == "mentor" else 0)).id
        lock_pair(s, pid, people["dana"], people["sam"])
        lock_pair(s, pid, people["lee"], people["kim"])
        publish_pairings(s, pid, on=TODAY - timedelta(days=60))
    return fresh_db


@pytest.fixture
def pilot_window(qtbot: QtBot, pilot_db: Database, settings: QSettings) -> MainWindow:
    return make_window(qtbot, pilot_db, settings)


def pilot_pairs(db: Database) -> list[int]:
    with db.Session() as session:
        return [p.id for p in list_pairings(session, programme_id(db),
                                            [PairingStatus.ACTIVE])]


@pytest.fixture
def open_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """QDesktopServices.openUrl, replaced: nothing opens a mail program in a test."""
    mock = create_autospec(QDesktopServices.openUrl, return_value=True)
    monkeypatch.setattr(QDesktopServices, "openUrl", mock)
    yield mock


# --------------------------------------------------------------------------- models


def test_the_models_pass_the_model_tester(qtmodeltester: ModelTester,
                                          demo_db: Database) -> None:
    rows = meetings(demo_db, TODAY - timedelta(days=60), TODAY + timedelta(days=60))
    assert rows
    agenda = CheckinsTableModel()
    agenda.set_rows(rows)
    qtmodeltester.check(agenda)
    proxy = CheckinsProxyModel()
    proxy.setSourceModel(agenda)
    proxy.set_search("a")
    proxy.set_outcome("held")
    qtmodeltester.check(proxy)
    assert 0 < proxy.rowCount() < agenda.rowCount()
    assert {proxy.index(r, CheckinColumn.OUTCOME).data()
            for r in range(proxy.rowCount())} == {"Held"}
    with demo_db.Session() as session:
        pid = programme_id(demo_db)
        active = list_pairings(session, pid, [PairingStatus.ACTIVE])
        pairs = [PairSchedule(p, checkins.get_series(session, p.id)) for p in active]
        overdue = checkins.overdue_pairs(session, pid, TODAY + timedelta(days=90))
    assert overdue
    nudges = NudgeTableModel()
    nudges.set_rows(nudge_rows(overdue, [active[0].id], active))
    qtmodeltester.check(nudges)
    schedules = PairSchedulesTableModel()
    schedules.set_rows([*pairs, PairSchedule(active[0], None)])
    qtmodeltester.check(schedules)


def test_the_agenda_sorts_by_time_and_marks_what_is_over_and_not_logged() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(LONDON)

    def row(checkin_id: int, start: datetime, outcome: CheckinOutcome,
            moved: bool = False) -> CheckinRow:
        return CheckinRow(checkin_id, 1, "Dana", "Sam", start.replace(tzinfo=tz), 45, LONDON,
                          outcome, "Goals", "", moved, True)

    now = datetime(2027, 1, 20, 12, 0, tzinfo=tz)
    model = CheckinsTableModel()
    model.set_rows([row(1, datetime(2027, 1, 21, 9, 0), CheckinOutcome.SCHEDULED, True),
                    row(2, datetime(2027, 1, 19, 10, 0), CheckinOutcome.SCHEDULED),
                    row(3, datetime(2027, 1, 20, 11, 30), CheckinOutcome.SCHEDULED),
                    row(4, datetime(2027, 1, 18, 16, 0), CheckinOutcome.HELD)], now)
    proxy = CheckinsProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(CheckinColumn.DAY, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(Role.ID) for r in range(4)] == [4, 2, 3, 1]
    outcomes = [proxy.index(r, CheckinColumn.OUTCOME).data() for r in range(4)]
    # The meeting of 11:30 is still on at noon: not yet to log.
    assert outcomes == ["Held", "To log", "Planned", "Planned · moved"]
    assert proxy.index(0, CheckinColumn.TIME).data() == "16:00–16:45 GMT"
    assert proxy.index(0, CheckinColumn.DAY).data() == "Mon 18 Jan"
    assert model.counts() == {"held": 1, "missed": 0, "cancelled": 0, "scheduled": 2,
                              "to_log": 1}
    proxy.set_outcome("to_log")
    assert [proxy.index(r, 0).data(Role.ID) for r in range(proxy.rowCount())] == [2]


def test_weeks_and_months() -> None:
    thursday = date(2027, 1, 28)
    assert period_range(Period.WEEK, thursday) == (date(2027, 1, 25), date(2027, 1, 31))
    assert period_range(Period.MONTH, thursday) == (date(2027, 1, 1), date(2027, 1, 31))
    assert step_period(Period.WEEK, thursday, -1) == date(2027, 1, 21)
    assert step_period(Period.MONTH, date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert step_period(Period.MONTH, date(2027, 1, 15), -1) == date(2026, 12, 15)
    assert period_title(Period.WEEK, date(2027, 1, 25), date(2027, 1, 31)) == \
        "25 – 31 Jan 2027"
    assert period_title(Period.WEEK, date(2026, 12, 28), date(2027, 1, 3)) == \
        "28 Dec 2026 – 3 Jan 2027"
    assert period_title(Period.MONTH, date(2027, 1, 1), date(2027, 1, 31)) == "January 2027"


# --------------------------------------------------------------------------- the agenda


def test_this_week_shows_its_meetings_and_moves_by_a_week_or_a_month(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = checkins_view(window)
    monday = TODAY - timedelta(days=TODAY.weekday())
    sunday = monday + timedelta(days=6)
    assert view.period == Period.WEEK and view.period_range() == (monday, sunday)
    assert shown(view) == [r.id for r in meetings(demo_db, monday, sunday)]
    assert view.period_label.text() == period_title(Period.WEEK, monday, sunday)
    assert view.summary_label.text().startswith(f"This week: {len(shown(view))} meeting")
    assert "Grow Together" in view.programme_label.text()

    click(qtbot, view.previous_button)
    assert view.period_range() == (monday - timedelta(days=7), sunday - timedelta(days=7))
    assert shown(view) == [r.id for r in meetings(demo_db, monday - timedelta(days=7),
                                                  sunday - timedelta(days=7))]
    assert view.summary_label.text().startswith("In the week of ")
    click(qtbot, view.next_button)
    click(qtbot, view.next_button)
    assert view.period_range() == (monday + timedelta(days=7), sunday + timedelta(days=7))

    click(qtbot, view.month_button)
    assert view.period == Period.MONTH
    first, last = period_range(Period.MONTH, TODAY + timedelta(days=7))  # the day shown
    assert view.period_range() == (first, last)
    assert shown(view) == [r.id for r in meetings(demo_db, first, last)]
    click(qtbot, view.next_button)
    assert view.period_range()[0] == step_period(Period.MONTH, first, 1)
    click(qtbot, view.today_button)
    assert view.period_range() == period_range(Period.MONTH, TODAY)
    assert view.summary_label.text().startswith("This month: ")


def test_keyboard_moves_through_the_weeks(qtbot: QtBot, window: MainWindow) -> None:
    view = checkins_view(window)
    start = view.period_range()[0]
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.period_range()[0] == start + timedelta(days=7)
    qtbot.keyClick(view.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.period_range()[0] == start


def test_search_and_outcome_filter_narrow_the_month(window: MainWindow,
                                                    demo_db: Database) -> None:
    view = checkins_view(window)
    view.set_period(Period.MONTH)
    view.go_to(TODAY - timedelta(days=31))
    total = view.model.rowCount()
    assert total > 2
    name = view.model.row_at(0).mentee_names
    view.search.setText(name)
    assert 1 <= view.proxy.rowCount() < total
    assert f"of {total} meetings shown" in view.count_label.text()
    view.search.clear()
    view.outcome_filter.setCurrentIndex(view.outcome_filter.findData("missed"))
    assert all(view.proxy.index(r, CheckinColumn.OUTCOME).data() == "Missed"
               for r in range(view.proxy.rowCount()))


# --------------------------------------------------------------------------- logging


def test_marking_missed_then_held_with_a_note_updates_the_log(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = checkins_view(window)
    past = [r for r in meetings(demo_db, TODAY - timedelta(days=30), TODAY - timedelta(days=1))
            if r.outcome == CheckinOutcome.HELD]
    target = past[-1]
    show_meeting(view, target)
    assert view.held_button.isEnabled() and view.missed_button.isEnabled()
    click(qtbot, view.missed_button)
    assert meeting(demo_db, target.id).outcome == CheckinOutcome.MISSED
    assert meeting(demo_db, target.id).notes == target.notes  # a quick mark keeps the note
    assert [r.id for r in view.selected_rows()] == [target.id]  # still selected
    assert "as missed" in window.statusBar().currentMessage()

    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter opens the dialog
    dialog = view.log_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.outcome() == CheckinOutcome.MISSED
    dialog.set_outcome(CheckinOutcome.HELD)
    dialog.note.setPlainText("Agreed a stretch goal for the quarter")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.log_dialog is None)
    saved = meeting(demo_db, target.id)
    assert (saved.outcome, saved.notes) == (CheckinOutcome.HELD,
                                            "Agreed a stretch goal for the quarter")
    index = view.proxy.index(shown(view).index(target.id), CheckinColumn.NOTES)
    assert index.data() == "Agreed a stretch goal for the quarter"


def test_a_meeting_to_come_can_be_cancelled_but_not_held(qtbot: QtBot, window: MainWindow,
                                                         demo_db: Database) -> None:
    view = checkins_view(window)
    future = [r for r in meetings(demo_db, TODAY + timedelta(days=1),
                                  TODAY + timedelta(days=21))
              if r.outcome == CheckinOutcome.SCHEDULED]
    target = future[0]
    show_meeting(view, target)
    assert not view.held_button.isEnabled() and not view.missed_button.isEnabled()
    assert view.log_selected(CheckinOutcome.HELD) is False
    click(qtbot, view.cancelled_button)
    assert meeting(demo_db, target.id).outcome == CheckinOutcome.CANCELLED


def test_move_and_skip_through_the_view(qtbot: QtBot, window: MainWindow, demo_db: Database,
                                        prompts: SimpleNamespace) -> None:
    view = checkins_view(window)
    future = [r for r in meetings(demo_db, TODAY + timedelta(days=2),
                                  TODAY + timedelta(days=30))
              if r.outcome == CheckinOutcome.SCHEDULED]
    first, second, third = future[:3]
    show_meeting(view, first)
    assert view.move_button.isEnabled()
    dialog = view.open_move_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.new_start() == first.start.replace(tzinfo=None)
    new_day = first.start.date() + timedelta(days=1)
    dialog.set_new_start(datetime.combine(new_day, time(16, 30)))
    dialog.duration.setValue(60)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.move_dialog is None)
    moved = meeting(demo_db, first.id)
    assert moved.moved and moved.duration_minutes == 60
    assert (moved.start.date(), moved.start.time()) == (new_day, time(16, 30))
    assert moved.start.tzinfo == first.start.tzinfo  # in the pair's own time zone
    row = shown(view).index(first.id)
    assert view.proxy.index(row, CheckinColumn.OUTCOME).data() == "Planned · moved"
    assert view.selected_rows()[0].id == first.id
    assert "update their calendars" in window.statusBar().currentMessage()

    show_meeting(view, second)
    click(qtbot, view.skip_button)
    assert meeting(demo_db, second.id).outcome == CheckinOutcome.CANCELLED
    prompts.confirm.assert_not_called()  # one at a time needs no confirmation
    assert not view.skip_button.isEnabled() and not view.move_button.isEnabled()

    # Several at once are confirmed first.
    view.set_period(Period.MONTH)
    view.go_to(third.start.date())
    view.select_checkin(third.id)
    others = [r for r in view.model.rows() if r.outcome == CheckinOutcome.SCHEDULED
              and r.id != third.id]
    view.select_checkin(others[0].id, add=True)
    expect(prompts.confirm, False)
    assert view.skip_selected() is False
    assert meeting(demo_db, third.id).outcome == CheckinOutcome.SCHEDULED
    expect(prompts.confirm, True)
    assert view.skip_selected() is True
    assert {meeting(demo_db, i).outcome for i in (third.id, others[0].id)} == {
        CheckinOutcome.CANCELLED}


def test_a_skip_is_undone_from_the_context_menu(qtbot: QtBot, window: MainWindow,
                                                demo_db: Database) -> None:
    view = checkins_view(window)
    future = [r for r in meetings(demo_db, TODAY + timedelta(days=2),
                                  TODAY + timedelta(days=30))
              if r.outcome == CheckinOutcome.SCHEDULED]
    target = future[0]
    show_meeting(view, target)
    click(qtbot, view.skip_button)
    assert meeting(demo_db, target.id).outcome == CheckinOutcome.CANCELLED
    view.select_checkin(target.id)
    menu = view.context_menu()
    assert menu is not None
    undo = next(a for a in menu.actions() if a.text() == "Back to planned")
    undo.trigger()
    menu.close()
    assert meeting(demo_db, target.id).outcome == CheckinOutcome.SCHEDULED


def test_the_context_menu_offers_the_meetings_actions(window: MainWindow,
                                                      demo_db: Database) -> None:
    view = checkins_view(window)
    target = next(r for r in meetings(demo_db, TODAY + timedelta(days=1),
                                      TODAY + timedelta(days=21))
                  if r.outcome == CheckinOutcome.SCHEDULED)
    show_meeting(view, target)
    menu = view.context_menu()
    assert menu is not None
    actions = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert actions == {"Held": False, "Missed": False, "Cancelled": True, "Note…": True,
                       "Move…": True, "Skip": True, "Rhythm…": True}
    menu.close()


# --------------------------------------------------------------------------- rhythms


def test_the_schedule_editor_creates_a_series(qtbot: QtBot, pilot_window: MainWindow,
                                              pilot_db: Database) -> None:
    view = checkins_view(pilot_window)
    pairing_id = pilot_pairs(pilot_db)[0]
    dialog = view.edit_rhythm(pairing_id)
    assert dialog is not None and dialog.isVisible()
    assert dialog.pairing_id() == pairing_id
    assert dialog.series() is None
    assert dialog.every.value() == 2  # the programme's fortnightly rhythm is suggested
    assert dialog.duration.value() == 30
    tuesday = next_weekday(1)
    dialog.set_rhythm(CheckinFrequency.WEEKLY, 2)
    dialog.set_first(datetime.combine(tuesday, time(10, 0)))
    dialog.timezone.setCurrentText(LONDON)
    dialog.ends_count.setChecked(True)
    dialog.count.setValue(5)
    dialog.location.setText("Room 4.12")
    dialog.link.setText("https://meet.example.org/dana-sam")
    assert dialog.rhythm_label.text() == "Every 2 weeks on Tuesday at 10:00"
    assert "5 meetings to plan" in dialog.dates_label.text()
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.schedule_dialog is None)

    with pilot_db.Session() as session:
        series = checkins.get_series(session, pairing_id)
        planned = checkins.pairing_checkins(session, pairing_id)
    assert series is not None
    assert (series.rhythm, series.count, series.timezone, series.location) == (
        "every 2 weeks on Tuesday", 5, LONDON, "Room 4.12")
    assert [r.start.date() for r in planned] == [tuesday + timedelta(weeks=2 * k)
                                                 for k in range(5)]
    assert all(r.start.time() == time(10) for r in planned)
    assert "every 2 weeks on Tuesday at 10:00" in pilot_window.statusBar().currentMessage()
    assert view.pairs_model.rows()[view.pairs_model.row_of(pairing_id) or 0].series == series

    # Opened again, the editor shows the rhythm as saved; a change raises the sequence.
    dialog = view.edit_rhythm(pairing_id)
    assert dialog is not None
    assert dialog.schedule() == Schedule(
        CheckinFrequency.WEEKLY, 2, datetime.combine(tuesday, time(10)), LONDON, 30, count=5,
        location="Room 4.12", link="https://meet.example.org/dana-sam")
    dialog.first_time.setTime(dialog.first_time.time().addSecs(3600))
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.schedule_dialog is None)
    with pilot_db.Session() as session:
        changed = checkins.get_series(session, pairing_id)
    assert changed is not None and changed.sequence == 1 and changed.uid == series.uid


def test_the_schedule_editor_shows_errors_next_to_the_fields_and_writes_nothing(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database) -> None:
    view = checkins_view(pilot_window)
    pairing_id = pilot_pairs(pilot_db)[0]
    dialog = view.edit_rhythm(pairing_id)
    assert dialog is not None
    dialog.link.setText("javascript:alert(1)")
    click(qtbot, dialog.save_button)
    assert "is not a web address" in dialog.errors.text("link")
    assert dialog.isVisible()
    dialog.link.setText("https://meet.example.org/x")
    dialog.timezone.setCurrentText("Mars/Olympus")
    # Checked as typed too: the dates cannot be shown without a time zone.
    assert "not a known time zone" in dialog.errors.text("timezone")
    assert dialog.rhythm_label.text() == "Choose a time zone to see the dates."
    click(qtbot, dialog.save_button)
    assert "not a known time zone" in dialog.errors.text("timezone")
    assert dialog.errors.text("link") == ""
    assert dialog.isVisible()
    with pilot_db.Session() as session:
        assert checkins.get_series(session, pairing_id) is None
        assert checkins.pairing_checkins(session, pairing_id) == []
    dialog.reject()
    qtbot.waitUntil(lambda: view.schedule_dialog is None)


def test_schedule_all_gives_every_pair_without_a_rhythm_the_usual_one(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database) -> None:
    view = checkins_view(pilot_window)
    assert view.schedule_all_button.isEnabled()
    assert not view.export_button.isEnabled()  # nothing to invite to yet
    assert view.agenda_stack.currentWidget() is view.empty_label
    assert "2 active pairs have no rhythm yet" in view.empty_label.text()
    dialog = view.schedule_all()
    assert dialog is not None and dialog.isVisible()
    monday = next_weekday(0)
    dialog.first_day.setDate(to_qdate(monday))
    dialog.first_time.setTime(to_qtime(time(10)))
    dialog.timezone.setCurrentText(LONDON)
    dialog.spacing.setValue(60)
    assert dialog.choice() == type(dialog.choice())(datetime.combine(monday, time(10)),
                                                    LONDON, 60)
    assert dialog.summary.text().endswith("; the last at 11:00.")
    click(qtbot, dialog.ok_button)
    task = view._schedule_all_task
    assert task is not None
    outcome, result = wait_for(qtbot, task)
    assert outcome == "done", result
    with pilot_db.Session() as session:
        series = [checkins.get_series(session, p) for p in pilot_pairs(pilot_db)]
    assert all(s is not None and s.rhythm == "every 2 weeks on Monday" for s in series)
    assert sorted(s.first_start.hour for s in series if s is not None) == [10, 11]
    assert "Scheduled 2 pairs" in pilot_window.statusBar().currentMessage()
    assert not view.schedule_all_button.isEnabled()
    assert view.export_button.isEnabled()


def test_pairs_to_nudge_are_listed_and_can_be_written_to(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database, open_url: object) -> None:
    first, second = pilot_pairs(pilot_db)
    with pilot_db.Session.begin() as session:
        checkins.log_checkin(session, second, TODAY - timedelta(days=3), CheckinOutcome.HELD)
    pilot_window.data_changed.emit(frozenset({"checkins"}))
    view = checkins_view(pilot_window)
    # The first pair met never in 60 days (twice their fortnight is 28); both lack a rhythm.
    rows = view.nudge_model.rows()
    assert [(r.pairing_id, r.overdue, r.has_rhythm) for r in rows] == [
        (first, True, False), (second, False, False)]
    assert rows[0].reason == ("No meeting held for 60 days and no rhythm yet (the usual is "
                              "every 14 days)")
    assert rows[1].reason == "No rhythm yet"
    assert view.nudge_proxy.index(0, 1).data() == "Never"
    assert view.tabs.tabText(0) == "Needs a nudge (2)"
    assert "1 pair has held no meeting in twice their rhythm" in view.summary_details.text()

    view.nudge_table.selectRow(0)
    assert view.email_button.isEnabled()
    click(qtbot, view.email_button)
    url: QUrl = open_url.call_args.args[0]  # type: ignore[attr-defined]
    assert url.scheme() == "mailto"
    assert url.path() == "dana@example.org,sam@example.org"
    body = QUrlQuery(url).queryItemValue("body", QUrl.ComponentFormattingOption.FullyDecoded)
    assert body.startswith("Hello Dana Manager and Sam Engineer,")
    assert body.rstrip().endswith("Cora Ordinator")

    # The pair's rhythm can be set from here.
    view.nudge_table.selectRow(0)
    click(qtbot, view.nudge_rhythm_button)
    assert view.schedule_dialog is not None and view.schedule_dialog.pairing_id() == first
    view.schedule_dialog.reject()


def test_a_meeting_held_without_a_plan_is_logged_from_the_pairs_tab(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database) -> None:
    view = checkins_view(pilot_window)
    pairing_id = pilot_pairs(pilot_db)[0]
    view.tabs.setCurrentIndex(1)
    assert view.select_pair(pairing_id)
    dialog = view.log_unplanned_meeting()
    assert dialog is not None and dialog.day is not None and dialog.at is not None
    dialog.day.setDate(dialog.day.date().addDays(-2))
    dialog.note.setPlainText("Coffee chat")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.log_dialog is None)
    with pilot_db.Session() as session:
        [logged] = checkins.pairing_checkins(session, pairing_id)
    assert (logged.start.date(), logged.outcome, logged.notes, logged.in_series) == (
        TODAY - timedelta(days=2), CheckinOutcome.HELD, "Coffee chat", False)
    assert logged.id in shown(view)


def test_meetings_over_and_not_logged_are_to_log(qtbot: QtBot, pilot_window: MainWindow,
                                                 pilot_db: Database) -> None:
    pairing_id = pilot_pairs(pilot_db)[0]
    first = TODAY - timedelta(days=20)
    with pilot_db.Session.begin() as session:  # planned three weeks ago
        checkins.schedule_checkins(session, pairing_id, Schedule(
            CheckinFrequency.WEEKLY, 1, datetime.combine(first, time(10)), LONDON, 45),
            now=datetime.combine(first, time(), UTC))
    pilot_window.data_changed.emit(frozenset({"checkins"}))
    view = checkins_view(pilot_window)
    view.go_to(TODAY - timedelta(days=6))
    assert view.summary_label.text().endswith("1 to log")
    assert "record whether they were held" in view.summary_details.text()
    view.outcome_filter.setCurrentIndex(view.outcome_filter.findData("to_log"))
    assert view.proxy.rowCount() == 1
    [target] = view.model.rows()
    assert target.start.date() == TODAY - timedelta(days=6)
    view.table.selectRow(0)
    click(qtbot, view.held_button)
    assert meeting(pilot_db, target.id).outcome == CheckinOutcome.HELD
    assert view.proxy.rowCount() == 0 and view.summary_label.text().endswith("1 held")


# --------------------------------------------------------------------------- invitations


def test_export_writes_the_invitations_into_the_chosen_folder(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        tmp_path: Path) -> None:
    view = checkins_view(window)
    folder = tmp_path / "invitations"
    dialog = view.export_invitations()
    assert dialog is not None and dialog.isVisible()
    assert "alex.morgan@" in dialog.organiser.text()
    expect(prompts.choose_folder, folder)
    click(qtbot, dialog.browse_button)
    assert dialog.folder.text() == str(folder)
    dialog.eml.setChecked(True)
    expect(prompts.offer_open_folder)
    click(qtbot, dialog.export_button)
    task = view._export_task
    assert task is not None
    outcome, result = wait_for(qtbot, task)
    assert outcome == "done", result
    with demo_db.Session() as session:
        pairs = list_pairings(session, programme_id(demo_db), [PairingStatus.ACTIVE])
    invitations = [p for p in folder.glob("*.ics")]
    drafts = list(folder.glob("*.eml"))
    assert len(invitations) == len(pairs) + 1  # one per pair and the combined calendar
    assert len(drafts) == len(pairs)
    assert all(b"BEGIN:VCALENDAR" in p.read_bytes() for p in invitations)
    prompts.offer_open_folder.assert_called_once()
    args = prompts.offer_open_folder.call_args.args
    assert args[3] == folder
    assert args[2].startswith(f"Wrote {2 * len(pairs) + 1} files to {folder}")
    assert window.statusBar().currentMessage() == args[2]

    # Only the selected meeting's pair, without drafts.
    only = tmp_path / "one"
    target = view.model.row_at(0) if view.model.rowCount() else None
    if target is None:
        view.set_period(Period.MONTH)
        target = view.model.row_at(0)
    view.select_checkin(target.id)
    dialog = view.export_invitations()
    assert dialog is not None and dialog.only_selected is not None
    dialog.only_selected.setChecked(True)
    dialog.folder.setText(str(only))
    prompts.offer_open_folder.reset_mock()
    click(qtbot, dialog.export_button)
    assert view._export_task is not None
    outcome, result = wait_for(qtbot, view._export_task)
    assert outcome == "done", result
    assert len(list(only.glob("*.ics"))) == 2 and not list(only.glob("*.eml"))


# --------------------------------------------------------------------------- states


def test_read_only_shows_the_agenda_but_changes_nothing(read_only_window: MainWindow,
                                                        demo_db: Database) -> None:
    view = checkins_view(read_only_window)
    view.set_period(Period.MONTH)
    assert view.model.rowCount() > 0
    view.table.selectRow(0)
    for button in (view.held_button, view.missed_button, view.cancelled_button,
                   view.note_button, view.move_button, view.skip_button, view.rhythm_button,
                   view.schedule_all_button):
        assert not button.isEnabled(), button.text()
    view.tabs.setCurrentIndex(1)
    view.pairs_table.selectRow(0)
    assert not view.pair_rhythm_button.isEnabled()
    assert not view.log_meeting_button.isEnabled()
    assert view.log_selected(CheckinOutcome.HELD) is False
    assert view.open_log_dialog() is None and view.open_move_dialog() is None
    assert view.edit_rhythm() is None and view.schedule_all() is None
    assert view.export_button.isEnabled()  # exporting only reads


def test_no_programme_and_no_active_pairs_say_what_to_do(empty_window: MainWindow,
                                                         fresh_db: Database) -> None:
    view = checkins_view(empty_window)
    assert view.agenda_stack.currentWidget() is view.empty_label
    assert view.empty_label.text().startswith("There is no programme yet")
    assert not view.navigation_bar.isVisible() and not view.tabs.isVisible()
    assert not view.export_button.isEnabled() and not view.schedule_all_button.isEnabled()
    with fresh_db.Session.begin() as session:
        create_programme(session, ProgrammeData(name="Pilot"))
    view.on_data_changed(frozenset({"programme"}))
    assert view.empty_label.text().startswith(
        "No active pairs yet. Publish pairs in the Pairing area first")
    assert view.navigation_bar.isVisible() and not view.tabs.isVisible()
    assert not view.summary_frame.isVisible()
    assert view.edit_rhythm() is None


def test_a_week_without_meetings_says_so(pilot_window: MainWindow) -> None:
    view = checkins_view(pilot_window)
    assert view.empty_label.text().startswith("No meetings this week.")
    view.next()
    assert view.empty_label.text().startswith("No meetings in the week of ")
    assert view.tabs.isVisible() and view.tabs.tabText(1) == "Pairs and rhythms (2)"
