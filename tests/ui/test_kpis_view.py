"""The KPIs area on the demo programme and on a small programme built by hand: tiles showing
the computed figures, status chips, the lists behind a number, snapshots, linking a KPI,
charts, HR outcomes, the report, read-only and empty states."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from mentordesk.db import Database
from mentordesk.models import Kpi, KpiDirection
from mentordesk.services import kpis
from mentordesk.services.documents.wording import long_date
from mentordesk.services.programmes import ProgrammeData, create_programme, current_programme
from mentordesk.ui.charts import (
    HIDDEN_SERIES,
    bar_values,
    checkins_chart,
    funnel_chart,
    line_points,
    satisfaction_chart,
)
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.kpis import (
    STATUS_STYLES,
    DrillTableModel,
    Role,
    TileKind,
    TilesTableModel,
    TrainingTableModel,
    build_tiles,
    kpi_tile,
    suggest_metric,
)
from mentordesk.ui.views.kpis_view import (
    CONFIDENTIAL_NOT_LISTED,
    MEASURED_BY_HAND,
    KpisView,
    OutcomesImportDialog,
    TileWidget,
)
from tests.ui.helpers import expect, make_window, wait_for
from tests.unit.test_kpi_report import OUTCOMES_CSV, TODAY, build_programme


def kpis_view(qtbot: QtBot, window: MainWindow) -> KpisView:
    """The KPIs area shown, with its figures counted."""
    view = window.show_area("kpis")
    assert isinstance(view, KpisView)
    settle(qtbot, view)
    return view


def settle(qtbot: QtBot, view: KpisView) -> None:
    """Wait until no refresh is running or queued."""
    while view.refresh_task is not None:
        outcome, error = wait_for(qtbot, view.refresh_task)
        assert outcome == "done", error
    assert view.dashboard is not None


def dashboard_of(db: Database, view: KpisView) -> kpis.Dashboard:
    """The dashboard as the service computes it for the day the view shows."""
    assert view.programme is not None and view.dashboard is not None
    with db.Session() as s:
        return kpis.compute_dashboard(s, view.programme.id, today=view.dashboard.as_of)


def tile(view: KpisView, key: str) -> TileWidget:
    widget = view.tile_widget(key)
    assert widget is not None, key
    return widget


def shown_value(kpi: kpis.KpiStatus | kpis.MetricValue, unit: str) -> str:
    return kpis.format_metric(kpi.value, unit) if kpi.value is not None else "—"


@pytest.fixture
def small_db(qtbot: QtBot, fresh_db: Database, tmp_path: Path) -> Database:
    """The report tests' programme (without its HR outcomes) in the window's database."""
    with fresh_db.Session.begin() as s:
        build_programme(s, tmp_path, hr=False)
    return fresh_db


@pytest.fixture
def small_window(qtbot: QtBot, small_db: Database, settings: QSettings,
                 monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(KpisView, "today", staticmethod(lambda: TODAY))
    return make_window(qtbot, small_db, settings)


# --------------------------------------------------------------------------- models


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester,
                                      window: MainWindow) -> None:
    view = kpis_view(qtbot, window)
    assert view.tiles_model.rowCount() > 0
    qtmodeltester.check(view.tiles_model)
    view.show_drill_down("enrolled")
    assert view.drill_model.rowCount() > 0
    qtmodeltester.check(view.drill_model)
    qtmodeltester.check(view.training_model)
    # Standalone, empty and filled.
    for model in (TilesTableModel(), DrillTableModel(), TrainingTableModel()):
        qtmodeltester.check(model)
    filled = TilesTableModel()
    filled.set_tiles(build_tiles(view.dashboard, view.histories))
    qtmodeltester.check(filled)
    training = TrainingTableModel()
    training.set_rows([("Listening", 2, 11), ("", 1, 0)])
    qtmodeltester.check(training)
    assert training.index(1, 0).data() == "No topic"


# --------------------------------------------------------------------------- tiles


def test_tiles_show_the_computed_figures(qtbot: QtBot, window: MainWindow,
                                         demo_db: Database) -> None:
    view = kpis_view(qtbot, window)
    d = dashboard_of(demo_db, view)
    assert d.kpis
    # The programme's KPIs first, in their order, then the figures no KPI follows.
    assert [t.key for t in view.tiles_model.tiles(TileKind.KPI)] == [
        f"kpi:{k.kpi_id}" for k in d.kpis]
    assert list(view.kpi_grid.tiles) == [f"kpi:{k.kpi_id}" for k in d.kpis]
    linked = {k.metric for k in d.kpis if k.metric}
    assert list(view.metric_grid.tiles) == [key for key in kpis.METRICS if key not in linked]
    for k in d.kpis:
        widget = tile(view, f"kpi:{k.kpi_id}")
        assert widget.title_label.text() == k.name
        assert widget.value_label.text() == shown_value(k, k.unit)
        goal = kpis.format_metric(k.target, k.unit)
        assert widget.target_label.text() == (
            f"target at most {goal}" if k.direction == KpiDirection.DECREASE
            else f"target {goal}")
        assert widget.chip.text() == STATUS_STYLES[k.status].label
        assert widget.chip.toolTip() == k.explanation
        assert widget.link_button.isVisibleTo(widget) == (k.metric is None)
    for key in view.metric_grid.tiles:
        info, value = kpis.METRICS[key], d.metrics[key]
        widget = tile(view, key)
        assert widget.value_label.text() == shown_value(value, info.unit), key
        assert widget.detail_label.text().casefold() == value.detail.casefold(), key
        assert widget.chip.isHidden()
    assert view.as_of_label.text().startswith(f"Figures as of {long_date(d.as_of)}")
    counts = {s: sum(k.status == s for k in d.kpis) for s in STATUS_STYLES}
    assert view.banner.headline.text().startswith(f"{len(d.kpis)} KPIs: ")
    for status, count in counts.items():
        if count:
            assert f"{count} {kpis.STATUS_LABELS[status]}" in view.banner.headline.text()


@pytest.mark.parametrize("status", list(STATUS_STYLES))
def test_status_chip_colours_and_words(qtbot: QtBot, status: str) -> None:
    kpi = kpis.KpiStatus(7, "Retention", "", None, None if status == kpis.NO_DATA else 50.0,
                         80.0, 20.0, "%", KpiDirection.INCREASE, status, f"Because {status}.")
    dashboard = kpis.Dashboard(1, TODAY, {}, (kpi,), (), (), (), ())
    widget = TileWidget(kpi_tile(kpi, dashboard), "#2E5E8C")
    qtbot.addWidget(widget)
    style = STATUS_STYLES[status]
    assert widget.chip.text() == style.label
    assert style.colour in widget.chip.styleSheet()
    assert style.background in widget.chip.styleSheet()
    assert widget.chip.toolTip() == f"Because {status}."
    assert style.label.lower() in widget.accessibleName()
    # Four statuses, four different colours.
    assert len({s.colour for s in STATUS_STYLES.values()}) == 4


def test_small_programme_tiles_statuses_and_hidden_satisfaction(qtbot: QtBot,
                                                                small_window: MainWindow,
                                                                ) -> None:
    view = kpis_view(qtbot, small_window)
    assert view.dashboard is not None and view.dashboard.as_of == TODAY
    by_name = {t.title: t for t in view.tiles_model.tiles(TileKind.KPI)}
    # Counted by hand in the report's tests: matched 2 of 3, check-ins 5 of 7 held, the
    # managers' KPI measured at 55%, satisfaction 4.0 from the three open answers (the four
    # confidential ones wait for a fifth).
    matched = tile(view, by_name["Mentees matched"].key)
    assert (matched.value_label.text(), matched.chip.text()) == ("66.7%", "Off track")
    held = tile(view, by_name["Check-ins held"].key)
    assert (held.value_label.text(), held.chip.text()) == ("71.4%", "At risk")
    managers = tile(view, by_name["Managers engaged"].key)
    assert (managers.value_label.text(), managers.chip.text()) == ("55%", "On track")
    satisfaction = tile(view, by_name["Zufriedenheit 满意度"].key)
    assert (satisfaction.value_label.text(), satisfaction.chip.text()) == (
        "4 out of 5", "On track")
    assert view.banner.headline.text() == "5 KPIs: 3 on track, 1 at risk, 1 off track"
    # Its respondents are never listed: some answers are confidential.
    assert view.show_drill_down(by_name["Zufriedenheit 满意度"].key) == []
    assert view.drill_empty.text() == CONFIDENTIAL_NOT_LISTED
    assert view.drill_stack.currentWidget() is view.drill_empty


# --------------------------------------------------------------------------- drill-down


def test_clicking_a_tile_lists_who_is_behind_it(qtbot: QtBot, window: MainWindow,
                                                demo_db: Database) -> None:
    view = kpis_view(qtbot, window)
    assert view.drill_model.rowCount() == 0 and view.drill_key is None
    widget = tile(view, "enrolled")
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    with demo_db.Session() as s:
        expected = kpis.drill_down(s, view.programme.id, "enrolled", today=view.dashboard.as_of)
    assert len(expected) == 80
    assert view.drill_key == "enrolled"
    assert view.drill_model.rows() == expected
    assert view.drill_model.headerData(0, Qt.Orientation.Horizontal) == "Person"
    assert view.drill_title.text() == "Enrolled"
    assert view.drill_count.text() == "80 people"
    assert widget.property("selected") is True
    # The keyboard: Tab to a tile and press Enter.
    other = tile(view, "inactive_pairs") if view.tile_widget("inactive_pairs") \
        else tile(view, "pairs_active")
    other.setFocus()
    qtbot.keyClick(other, Qt.Key.Key_Return)
    with demo_db.Session() as s:
        expected = kpis.drill_down(s, view.programme.id, other.tile.metric,
                                   today=view.dashboard.as_of)
    assert view.drill_key == other.tile.key
    assert view.drill_model.rows() == expected and expected
    assert widget.property("selected") is False and other.property("selected") is True
    assert other.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_kpi_measured_by_hand_has_no_list(qtbot: QtBot, window: MainWindow) -> None:
    view = kpis_view(qtbot, window)
    manual = [t for t in view.tiles_model.tiles(TileKind.KPI) if t.metric is None]
    if not manual:  # the demo links every KPI: unlink one
        first = view.tiles_model.tiles(TileKind.KPI)[0]
        assert view.set_kpi_metric(first.kpi_id, None)
        settle(qtbot, view)
        manual = [t for t in view.tiles_model.tiles(TileKind.KPI) if t.metric is None]
    assert view.show_drill_down(manual[0].key) == []
    assert view.drill_empty.text() == MEASURED_BY_HAND


def test_double_clicking_a_person_opens_them_in_participants(qtbot: QtBot,
                                                             window: MainWindow) -> None:
    view = kpis_view(qtbot, window)
    rows = view.show_drill_down("enrolled")
    index = view.drill_proxy.index(3, 0)
    person = index.data(Role.ROW)
    assert person in rows
    view.drill_table.scrollTo(index)
    cell = view.drill_table.visualRect(index).center()
    qtbot.mouseClick(view.drill_table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert window.current_area() == "kpis"  # a click only selects
    qtbot.mouseDClick(view.drill_table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert window.current_area() == "participants"
    assert window.views["participants"].selected_id() == person.id


# --------------------------------------------------------------------------- refresh


def test_refresh_keeps_the_days_figures_so_the_history_grows(
        qtbot: QtBot, window: MainWindow, demo_db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = kpis_view(qtbot, window)
    programme_id, first_day = view.programme.id, view.dashboard.as_of
    with demo_db.Session() as s:
        before = kpis.metric_history(s, programme_id, "enrolled")
    assert before[-1][0] == first_day  # showing the area kept today's figures
    later = first_day + timedelta(days=3)
    monkeypatch.setattr(view, "today", lambda: later)
    task = view.refresh()
    assert task is not None and not view.refresh_button.isEnabled()
    assert wait_for(qtbot, task)[0] == "done"
    settle(qtbot, view)
    with demo_db.Session() as s:
        after = kpis.metric_history(s, programme_id, "enrolled")
    assert after == [*before, (later, 80.0)]
    assert view.dashboard.as_of == later
    assert long_date(later) in view.as_of_label.text()
    sparkline = tile(view, "enrolled").sparkline
    assert sparkline.values() == after and not sparkline.isHidden()
    assert view.refresh_button.isEnabled()


def test_a_refresh_asked_for_while_one_runs_runs_once_more(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    view = kpis_view(qtbot, window)
    first = view.refresh()
    assert first is not None
    assert view.refresh() is first  # queued, not a second task at once
    assert wait_for(qtbot, first)[0] == "done"
    assert view.refresh_task is not None and view.refresh_task is not first
    settle(qtbot, view)


# --------------------------------------------------------------------------- linking


def test_linking_a_kpi_to_a_figure_updates_its_tile(qtbot: QtBot, window: MainWindow,
                                                    demo_db: Database,
                                                    prompts: SimpleNamespace) -> None:
    view = kpis_view(qtbot, window)
    kpi = next(k for k in view.dashboard.kpis if k.metric != "matched_pct")
    dialog = view.link_kpi(kpi.kpi_id)
    assert dialog is not None and dialog.isVisible()
    assert view.link_kpi(kpi.kpi_id) is None  # one at a time
    dialog.choose("matched_pct")
    assert dialog.chosen_metric() == "matched_pct"
    assert dialog.description.text() == kpis.METRICS["matched_pct"].description
    dialog.link_button.click()
    settle(qtbot, view)
    with demo_db.Session() as s:
        assert s.get(Kpi, kpi.kpi_id).metric == "matched_pct"
    matched = view.dashboard.metrics["matched_pct"]
    widget = tile(view, f"kpi:{kpi.kpi_id}")
    assert widget.value_label.text() == kpis.format_metric(matched.value, "%")
    assert widget.detail_label.text() == matched.detail
    assert widget.link_button.isHidden()
    assert view.tile_widget("matched_pct") is None  # no longer a tile of its own
    assert view.link_dialog is None


def test_suggested_figures() -> None:
    assert suggest_metric("Participant satisfaction", "out of 5") == "satisfaction_avg"
    assert suggest_metric("Pairs meeting regularly", "%") == "checkins_held_pct"
    assert suggest_metric("Mentees matched within a month", "%") == "matched_pct"
    assert suggest_metric("Cross-department pairs", "%") is None


# --------------------------------------------------------------------------- charts


def test_charts_have_a_bar_or_point_per_month_and_stage(qtbot: QtBot, window: MainWindow,
                                                        demo_db: Database) -> None:
    view = kpis_view(qtbot, window)
    d = dashboard_of(demo_db, view)
    assert d.checkins_by_month
    chart = view.checkins_panel.chart()
    assert chart is not None
    assert bar_values(chart) == {
        "Held": [float(m.held) for m in d.checkins_by_month],
        "Missed": [float(m.missed) for m in d.checkins_by_month],
        "Cancelled": [float(m.cancelled) for m in d.checkins_by_month]}
    assert line_points(chart) == [[(float(i), float(m.planned))
                                   for i, m in enumerate(d.checkins_by_month)]]
    funnel = view.funnel_panel.chart()
    assert funnel is not None
    assert bar_values(funnel) == {"Mentees": [float(c) for _, c in reversed(d.funnel)]}
    shown = [(float(i), avg) for i, (_, avg, _n) in enumerate(d.satisfaction_by_month)
             if avg is not None]
    if d.satisfaction_by_month:
        satisfaction = view.satisfaction_panel.chart()
        assert satisfaction is not None
        assert [p for line in line_points(satisfaction) for p in line] == shown
    else:
        assert view.satisfaction_panel.chart() is None


def test_satisfaction_chart_has_gaps_and_marks_hidden_months(qapp: object) -> None:
    months = ((date(2027, 1, 1), 4.0, 3), (date(2027, 2, 1), None, 4),
              (date(2027, 3, 1), 3.5, 6), (date(2027, 4, 1), 4.25, 7),
              (date(2027, 5, 1), None, 0))
    chart = satisfaction_chart(months)
    assert line_points(chart) == [[(0.0, 4.0)], [(2.0, 3.5), (3.0, 4.25)]]
    hidden = [s for s in chart.series() if s.name() == HIDDEN_SERIES]
    assert len(hidden) == 1 and [p.x() for p in hidden[0].points()] == [1.0]
    axis = chart.axes(Qt.Orientation.Horizontal)[0]
    assert axis.categoriesLabels() == ["Jan 2027", "Feb", "Mar", "Apr", "May"]
    # Two years of months: every fourth one named, so the names fit half a window.
    many = [(date(2026 + (m // 12), m % 12 + 1, 1), 4.0, 6) for m in range(24)]
    long_chart = satisfaction_chart(many)
    axis = long_chart.axes(Qt.Orientation.Horizontal)[0]
    assert axis.categoriesLabels() == ["Jan ’26", "May ’26", "Sep ’26", "Jan ’27", "May ’27",
                                       "Sep ’27"]
    assert len(line_points(long_chart)[0]) == 24


def test_small_programme_charts(qtbot: QtBot, small_window: MainWindow) -> None:
    view = kpis_view(qtbot, small_window)
    chart = view.checkins_panel.chart()
    # Jan 2 held; Feb 2 held, 1 missed, 1 cancelled; Mar 1 held (1 not logged).
    assert bar_values(chart) == {"Held": [2.0, 2.0, 1.0], "Missed": [0.0, 1.0, 0.0],
                                 "Cancelled": [0.0, 1.0, 0.0]}
    assert line_points(chart) == [[(0.0, 2.0), (1.0, 3.0), (2.0, 2.0)]]
    assert line_points(view.satisfaction_panel.chart()) == [[(0.0, 4.0)]]
    assert ("Hidden: fewer than 5 confidential answers in Feb 2027"
            in view.satisfaction_panel.note.text())
    assert bar_values(view.funnel_panel.chart()) == {"Mentees": [0.0, 2.0, 2.0, 2.0, 3.0]}
    assert view.training_model.rowCount() == 1
    # The chart functions on their own, in the programme's colours.
    assert bar_values(checkins_chart(())) == {"Held": [], "Missed": [], "Cancelled": []}
    assert bar_values(funnel_chart((("Signed up", 4),))) == {"Mentees": [4.0]}


# --------------------------------------------------------------------------- HR outcomes


def test_import_hr_outcomes_previews_then_imports(qtbot: QtBot, small_window: MainWindow,
                                                  small_db: Database, tmp_path: Path,
                                                  prompts: SimpleNamespace) -> None:
    view = kpis_view(qtbot, small_window)
    assert view.dashboard.metrics["retention_participants_pct"].value is None
    csv = tmp_path / "hr.csv"
    csv.write_text(OUTCOMES_CSV + "not-an-email,2020-01-01,,\n", encoding="utf-8")
    expect(prompts.choose_import_file, csv)
    dialog = view.import_outcomes()
    assert isinstance(dialog, OutcomesImportDialog)
    assert not view.import_button.isEnabled()
    assert wait_for(qtbot, dialog.preview_task)[0] == "done"
    # Nine rows: the five people signed up (Ana too, though in no pair) and four others;
    # the tenth refused.
    assert dialog.status_label.text() == (
        "5 people signed up in MentorDesk and 4 other employees: 9 to add, 0 to update, "
        "0 unchanged, 1 row refused (below).")
    assert not dialog.problems_table.isHidden() and dialog.problems.rowCount() == 1
    assert "Work Email → Email" in dialog.mapping_label.text()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 9 rows"
    task = dialog.start_import()
    assert task is not None
    assert wait_for(qtbot, task)[0] == "done"
    assert dialog.import_result is not None and dialog.import_result.added == 9
    settle(qtbot, view)
    assert view.dashboard.metrics["retention_participants_pct"].value == 75.0
    assert view.dashboard.metrics["retention_others_pct"].value == 50.0
    assert view.import_dialog is None and view.import_button.isEnabled()


def test_import_cancelled_at_the_file_prompt_does_nothing(qtbot: QtBot, window: MainWindow,
                                                          prompts: SimpleNamespace) -> None:
    view = kpis_view(qtbot, window)
    expect(prompts.choose_import_file, None)
    assert view.import_outcomes() is None
    assert view.import_dialog is None


# --------------------------------------------------------------------------- report


def test_kpi_report_is_made_and_saved_in_the_background(qtbot: QtBot, window: MainWindow,
                                                        tmp_path: Path,
                                                        prompts: SimpleNamespace) -> None:
    view = kpis_view(qtbot, window)
    out = tmp_path / "report.pdf"
    expect(prompts.choose_pdf_path, out)
    expect(prompts.offer_open_folder)
    task = view.save_report()
    assert task is not None and not view.report_button.isEnabled()
    outcome, path = wait_for(qtbot, task, timeout=60_000)
    assert outcome == "done" and path == out
    assert out.read_bytes().startswith(b"%PDF")
    suggested = prompts.choose_pdf_path.call_args.args[2]
    assert suggested.name.startswith("KPI report - Grow Together") and suggested.suffix == ".pdf"
    prompts.offer_open_folder.assert_called_once()
    assert view.report_button.isEnabled()


# --------------------------------------------------------------------------- read-only


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_db: Database, settings: QSettings) -> MainWindow:
    """The demo opened read-only (as when another MentorDesk holds it)."""
    return make_window(qtbot, Database.open(demo_db.path, read_only=True), settings)


def test_read_only_computes_and_prints_but_links_and_imports_nothing(
        qtbot: QtBot, read_only_window: MainWindow, demo_db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = kpis_view(qtbot, read_only_window)
    assert view.tiles_model.rowCount() > 0
    assert view.refresh_button.isEnabled() and view.report_button.isEnabled()
    assert not view.import_button.isEnabled()
    assert "read-only: not kept" in view.as_of_label.text()
    kpi = view.dashboard.kpis[0]
    assert not tile(view, f"kpi:{kpi.kpi_id}").link_button.isEnabled()
    menu = tile(view, f"kpi:{kpi.kpi_id}").context_menu()
    assert [a.isEnabled() for a in menu.actions()][1] is False
    assert view.link_kpi(kpi.kpi_id) is None
    assert view.set_kpi_metric(kpi.kpi_id, "enrolled") is False
    assert view.import_outcomes() is None
    # Counting again keeps nothing.
    with demo_db.Session() as s:
        before = kpis.metric_history(s, view.programme.id, "enrolled")
    monkeypatch.setattr(view, "today", lambda: view.dashboard.as_of + timedelta(days=2))
    assert wait_for(qtbot, view.refresh())[0] == "done"
    with demo_db.Session() as s:
        assert kpis.metric_history(s, view.programme.id, "enrolled") == before
    # Who is behind a number is still listed.
    assert view.show_drill_down("enrolled")


# --------------------------------------------------------------------------- empty


def test_without_a_programme_the_area_says_where_to_start(qtbot: QtBot,
                                                          empty_window: MainWindow) -> None:
    view = empty_window.show_area("kpis")
    assert isinstance(view, KpisView)
    assert view.refresh_task is None and view.dashboard is None
    assert view.stack.currentWidget() is view.empty_label
    assert view.empty_label.text().startswith("There is no programme yet.")
    for button in (view.refresh_button, view.import_button, view.report_button):
        assert not button.isEnabled(), button.text()
    assert view.refresh() is None and view.save_report() is None


def test_a_programme_without_data_yet(qtbot: QtBot, fresh_db: Database,
                                      settings: QSettings) -> None:
    with fresh_db.Session.begin() as s:
        create_programme(s, ProgrammeData(name="Starting out"))
    window = make_window(qtbot, fresh_db, settings)
    view = kpis_view(qtbot, window)
    assert view.stack.currentWidget() is view.splitter
    assert view.kpi_grid.tiles == {} and not view.no_kpis_label.isHidden()
    assert view.banner.headline.text() == "No KPIs yet"
    d = dashboard_of(fresh_db, view)
    assert list(view.metric_grid.tiles) == list(kpis.METRICS)
    assert [tile(view, key).value_label.text() for key in kpis.METRICS] == [
        shown_value(d.metrics[key], info.unit) for key, info in kpis.METRICS.items()]
    assert tile(view, "enrolled").value_label.text() == "0 people"
    assert tile(view, "matched_pct").value_label.text() == "—"
    for panel, text in ((view.checkins_panel, "No check-ins are planned yet"),
                        (view.satisfaction_panel, "No feedback measuring satisfaction"),
                        (view.funnel_panel, "No mentees have signed up yet.")):
        assert panel.chart() is None and panel.empty.text().startswith(text)
    assert view.training_empty.text() == "No training sessions delivered yet."
    with fresh_db.Session() as s:
        assert current_programme(s) is not None
        assert s.scalars(select(Kpi)).all() == []
