"""The main window: the demo offer, every area, backups, restore, switching and sharing files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from mentordesk.db import Database, list_backups
from mentordesk.errors import DatabaseInUseError
from mentordesk.services.demo import DEMO_PROGRAMME_NAME, database_is_empty
from mentordesk.services.participants import ParticipantData, add_participant, list_participants
from mentordesk.ui import opening
from mentordesk.ui.main_window import AREA_ORDER, SETTING_AREA, SETTING_LAST_DB, MainWindow
from mentordesk.ui.views.participants_view import ParticipantsView
from mentordesk.ui.views.placeholder_view import PlaceholderView
from mentordesk.ui.views.programme_view import ProgrammeView
from tests.ui.helpers import expect, make_window, wait_for


def names(db: Database) -> set[str]:
    with db.Session() as session:
        return {r.full_name for r in list_participants(session)}


def test_an_empty_database_offers_the_demo_and_loads_it_in_the_background(
        qtbot: QtBot, empty_window: MainWindow, fresh_db: Database,
        prompts: SimpleNamespace) -> None:
    expect(prompts.ask_load_demo, True)
    participants = empty_window.show_area("participants")
    assert isinstance(participants, ParticipantsView)
    assert participants.model.rowCount() == 0

    task = empty_window.offer_demo()
    assert task is not None
    assert wait_for(qtbot, task) == ("done", 1)  # the programme's id
    prompts.ask_load_demo.assert_called_once_with(empty_window)
    assert participants.model.rowCount() == 80  # reloaded through data_changed
    programme = empty_window.views["programme"]
    assert isinstance(programme, ProgrammeView)
    empty_window.show_area("programme")
    assert programme.name.text() == DEMO_PROGRAMME_NAME
    assert empty_window.offer_demo() is None  # not offered twice


def test_start_empty_leaves_the_database_empty(empty_window: MainWindow, fresh_db: Database,
                                               prompts: SimpleNamespace) -> None:
    expect(prompts.ask_load_demo, False)
    assert empty_window.offer_demo() is None
    assert empty_window.current_area() == "programme"  # where setting up starts
    with fresh_db.Session() as session:
        assert database_is_empty(session)


def test_every_area_can_be_visited(window: MainWindow) -> None:
    assert [window.sidebar.item(r).text() for r in range(window.sidebar.count())] == [
        "Programme", "Participants", "Pairing", "Check-ins", "Documents", "Feedback", "KPIs",
        "Recognition", "Resources", "Stories"]
    for row, area in enumerate(AREA_ORDER):
        window.sidebar.setCurrentRow(row)
        view = window.stack.currentWidget()
        assert view is window.views[area] and view.isVisible()
        if isinstance(view, PlaceholderView):
            assert view.message.text() == (
                f"{view.title} is not built yet: coming in a later release.")
            assert view.description.text().startswith("It will ")


def test_status_bar_names_the_open_database(window: MainWindow, demo_db: Database) -> None:
    assert window.db_label.text() == f"Database: {demo_db.path}"
    assert demo_db.path.name in window.windowTitle()


def test_back_up_now_writes_a_backup(qtbot: QtBot, window: MainWindow,
                                     demo_db: Database) -> None:
    before = len(list_backups(demo_db.path))
    task = window.back_up_now()
    assert task is not None
    outcome, info = wait_for(qtbot, task)
    assert outcome == "done", info
    backups = list_backups(demo_db.path)
    assert len(backups) == before + 1
    assert backups[0].reason == "manual" and backups[0] == info
    assert str(backups[0].path) in window.statusBar().currentMessage()


def test_restore_goes_back_to_the_backup(qtbot: QtBot, window: MainWindow, demo_db: Database,
                                         prompts: SimpleNamespace) -> None:
    backup = demo_db.backup("manual")
    with demo_db.Session.begin() as session:
        add_participant(session, ParticipantData(full_name="Late Addition",
                                                 email="late@example.com"))
    expect(prompts.choose_backup, backup)
    expect(prompts.confirm, True)
    task = window.restore_from_backup()
    assert task is not None
    assert window.db is None and not window.restore_action.isEnabled()  # closed meanwhile
    outcome, info = wait_for(qtbot, task)
    assert outcome == "done", info

    assert window.db is not None and window.db.path == demo_db.path
    assert "Late Addition" not in names(window.db)
    view = window.show_area("participants")
    assert isinstance(view, ParticipantsView) and view.model.rowCount() == 80
    assert any(b.reason == "pre-restore" for b in list_backups(demo_db.path))
    offered = prompts.choose_backup.call_args.args[1]
    assert offered[0].path == backup.path  # newest first


def test_restore_holds_the_database_lock_while_the_file_is_replaced(
        qtbot: QtBot, window: MainWindow, demo_db: Database, prompts: SimpleNamespace,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import mentordesk.db as dbmod

    backup = demo_db.backup("manual")
    real_restore = dbmod.restore_backup
    seen: list[str] = []

    def restore_while_another_tries_to_open(path, backup_path):  # type: ignore[no-untyped-def]
        try:
            Database.open(path).close(backup=False)
            seen.append("opened")
        except DatabaseInUseError:
            seen.append("refused")
        return real_restore(path, backup_path)

    monkeypatch.setattr(dbmod, "restore_backup", restore_while_another_tries_to_open)
    expect(prompts.choose_backup, backup)
    expect(prompts.confirm, True)
    task = window.restore_from_backup()
    assert task is not None
    assert wait_for(qtbot, task)[0] == "done"
    assert seen == ["refused"]
    assert window.db is not None  # and the window got it back afterwards


def test_restore_can_be_called_off(window: MainWindow, demo_db: Database,
                                   prompts: SimpleNamespace) -> None:
    demo_db.backup("manual")
    expect(prompts.choose_backup, None)
    assert window.restore_from_backup() is None
    assert window.db is demo_db


def test_a_database_open_elsewhere_can_be_opened_read_only(
        qtbot: QtBot, window: MainWindow, demo_db: Database, settings: QSettings,
        prompts: SimpleNamespace) -> None:
    with pytest.raises(DatabaseInUseError):
        Database.open(demo_db.path)  # a second MentorDesk on the same file

    expect(prompts.ask_open_read_only, True)
    second = opening.open_database(demo_db.path)
    assert second is not None
    prompts.ask_open_read_only.assert_called_once()
    try:
        assert second.read_only
        other = make_window(qtbot, second, settings)
        assert other.db_label.text().endswith("read-only")
        assert not other.backup_action.isEnabled()
        view = other.show_area("participants")
        assert isinstance(view, ParticipantsView)
        assert view.model.rowCount() == 80  # everything can be seen...
        assert not view.add_button.isEnabled()  # ...nothing changed
        programme = other.show_area("programme")
        assert isinstance(programme, ProgrammeView) and not programme.save_button.isEnabled()
        assert other.offer_demo() is None
    finally:
        other.shutdown()
        second.close()


def test_declining_read_only_opens_nothing(demo_db: Database,
                                           prompts: SimpleNamespace) -> None:
    expect(prompts.ask_open_read_only, False)
    assert opening.open_database(demo_db.path) is None


def test_opening_another_database_closes_the_first(
        qtbot: QtBot, window: MainWindow, demo_db: Database, tmp_path: Path,
        settings: QSettings, prompts: SimpleNamespace) -> None:
    expect(prompts.ask_load_demo, False)
    other_path = tmp_path / "other" / "second.sqlite3"
    expect(prompts.choose_new_database, other_path)
    window.new_action.trigger()

    assert window.db is not None and window.db.path == other_path
    assert settings.value(SETTING_LAST_DB) == str(other_path)
    assert window.db_label.text() == f"Database: {other_path}"
    reopened = Database.open(demo_db.path)  # the first file's lock was given back
    reopened.close(backup=False)
    prompts.ask_load_demo.assert_called_once()


def test_new_database_refuses_to_overwrite_a_file(window: MainWindow, demo_db: Database,
                                                  prompts: SimpleNamespace) -> None:
    expect(prompts.choose_new_database, demo_db.path)
    expect(prompts.show_error)
    window.new_action.trigger()
    assert "already exists" in prompts.show_error.call_args.args[2]
    assert window.db is demo_db


def test_closing_the_window_closes_the_database_and_remembers_the_window(
        qtbot: QtBot, demo_db: Database, settings: QSettings) -> None:
    window = make_window(qtbot, demo_db, settings)
    window.show_area("programme")
    window.close()
    assert window.db is None
    Database.open(demo_db.path).close(backup=False)  # the lock is free again
    assert settings.value(SETTING_AREA) == "programme"

    again = Database.open(demo_db.path)
    second = make_window(qtbot, again, settings)
    assert second.current_area() == "programme"


def test_views_reload_only_what_an_operation_changed(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    programme = window.show_area("programme")
    assert isinstance(programme, ProgrammeView)
    programme.description.setPlainText("Unsaved edit in progress")
    participants = window.views["participants"]
    assert isinstance(participants, ParticipantsView)
    with demo_db.Session.begin() as session:
        add_participant(session, ParticipantData(full_name="New Person",
                                                 email="new.person@example.com"))
    window.data_changed.emit(frozenset({"participants"}))
    assert programme.description.toPlainText() == "Unsaved edit in progress"
    window.show_area("participants")
    assert participants.model.rowCount() == 81  # stale while hidden, reloaded when shown
