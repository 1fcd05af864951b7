"""The Programme area: edits are saved in one go; refused input is explained next to its field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.services.programmes import current_programme
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.programme import KpiColumn, ObjectiveColumn
from mentordesk.ui.views.programme_view import ProgrammeView


def programme_view(window: MainWindow) -> ProgrammeView:
    view = window.show_area("programme")
    assert isinstance(view, ProgrammeView)
    return view


def stored(db: Database):  # type: ignore[no-untyped-def]
    with db.Session() as session:
        return current_programme(session)


def test_shows_the_demo_programme(window: MainWindow, demo_db: Database) -> None:
    view = programme_view(window)
    record = stored(demo_db)
    assert view.name.text() == record.data.name
    assert view.coordinator_email.text() == record.data.coordinator_email
    assert view.objectives.rowCount() == len(record.data.objectives) == 3
    assert view.kpis.rowCount() == len(record.data.kpis) == 4


def test_edit_and_save(qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = programme_view(window)
    view.name.clear()
    qtbot.keyClicks(view.name, "Grow Together 2027")
    view.duration.setValue(60)
    qtbot.mouseClick(view.add_kpi_button, Qt.MouseButton.LeftButton)
    new = view.kpis.rowCount() - 1
    view.kpis.setData(view.kpis.index(new, KpiColumn.NAME), "Promotions from within")
    view.kpis.setData(view.kpis.index(new, KpiColumn.TARGET), "12")
    view.kpis.setData(view.kpis.index(new, KpiColumn.OBJECTIVE),
                      view.objectives.titles()[0])
    with qtbot.waitSignal(window.data_changed) as changed:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "programme" in changed.args[0]
    assert view.saved_label.text() == "Saved."

    data = stored(demo_db).data
    assert data.name == "Grow Together 2027"
    assert data.default_duration_minutes == 60
    assert data.kpis[-1].name == "Promotions from within"
    assert data.kpis[-1].target_value == 12
    assert data.kpis[-1].objective == data.objectives[0].title


def test_end_before_start_is_refused_inline_and_nothing_saved(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = programme_view(window)
    before = stored(demo_db).data
    view.description.setPlainText("Changed, but must not be saved")
    view.start_date.setDate(QDate(2026, 6, 1))
    view.end_date.setDate(QDate(2026, 5, 1))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert view.errors.text("end_date") == "End date is before the start date."
    assert view.saved_label.text().startswith("Not saved")
    assert stored(demo_db).data == before


def test_removing_an_objective_a_kpi_measures_is_explained(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    view = programme_view(window)
    view.objectives_table.selectRow(0)
    qtbot.mouseClick(view.remove_objective_button, Qt.MouseButton.LeftButton)
    assert view.objectives.rowCount() == 2
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "there is no objective called" in view.errors.text("kpis")
    assert len(stored(demo_db).data.objectives) == 3


def test_an_empty_database_gets_a_form_that_creates_the_programme(
        qtbot: QtBot, empty_window: MainWindow, fresh_db: Database) -> None:
    view = programme_view(empty_window)
    assert view.save_button.text() == "Create programme"
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.errors.text("name") == "Name is required."
    assert stored(fresh_db) is None

    qtbot.keyClicks(view.name, "Mentoring pilot")
    view.start_date.setDate(QDate(2026, 9, 1))
    qtbot.mouseClick(view.add_objective_button, Qt.MouseButton.LeftButton)
    view.objectives.setData(view.objectives.index(0, ObjectiveColumn.TITLE), "Grow leaders")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    record = stored(fresh_db)
    assert record is not None and record.data.name == "Mentoring pilot"
    assert record.data.start_date == date(2026, 9, 1) and record.data.end_date is None
    assert [o.title for o in record.data.objectives] == ["Grow leaders"]
    assert view.save_button.text() == "Save programme"
