"""The Qt models: each passes Qt's model tester; sorting and filtering do what users expect."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from mentordesk.db import BackupInfo, Database
from mentordesk.models import KpiDirection, ParticipantRole, ParticipantStatus
from mentordesk.services.participants import ParticipantRow, list_participants
from mentordesk.services.programmes import KpiData, ObjectiveData
from mentordesk.ui.qtmodels.backups import BackupsTableModel
from mentordesk.ui.qtmodels.participants import (
    Column,
    ParticipantsProxyModel,
    ParticipantsTableModel,
)
from mentordesk.ui.qtmodels.programme import (
    KpiColumn,
    KpisTableModel,
    ObjectiveColumn,
    ObjectivesTableModel,
)
from mentordesk.ui.widgets import ItemRole


def row(pid: int, name: str, *, role: ParticipantRole = ParticipantRole.MENTEE,
        department: str = "Sales", status: ParticipantStatus = ParticipantStatus.ACTIVE,
        capacity: int = 0, email: str = "") -> ParticipantRow:
    return ParticipantRow(
        id=pid, full_name=name, preferred_name="", email=email or f"p{pid}@example.com",
        department=department, job_title="Analyst", level="L2", role=role,
        mentor_capacity=capacity, status=status, timezone="UTC", location="", manager_name="")


ROWS = [
    row(1, "zoë Adams", role=ParticipantRole.MENTOR, capacity=10, department="Finance"),
    row(2, "Ben Okafor", department="Sales"),
    row(3, "Amara Iyer", role=ParticipantRole.BOTH, capacity=2, department="Finance",
        status=ParticipantStatus.WITHDRAWN),
    row(4, "Carl Berg", role=ParticipantRole.MENTOR, capacity=9, department="Sales",
        email="carl.berg@example.com"),
]


def shown_names(proxy: ParticipantsProxyModel) -> list[str]:
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


@pytest.fixture
def model() -> ParticipantsTableModel:
    model = ParticipantsTableModel()
    model.set_rows(ROWS)
    return model


@pytest.fixture
def proxy(model: ParticipantsTableModel) -> ParticipantsProxyModel:
    proxy = ParticipantsProxyModel()
    proxy.setSourceModel(model)
    return proxy


def test_participants_model_passes_the_model_tester(qtmodeltester: ModelTester,
                                                    demo_db: Database) -> None:
    model = ParticipantsTableModel()
    with demo_db.Session() as session:
        model.set_rows(list_participants(session))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 80
    assert model.columnCount() == len(Column)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Name", "Email", "Department", "Job title", "Level", "Role", "Mentees", "Status",
        "Manager"]


def test_every_column_shows_something_for_the_demo(demo_db: Database) -> None:
    model = ParticipantsTableModel()
    with demo_db.Session() as session:
        model.set_rows(list_participants(session))
    for column in Column:
        values = {model.index(r, column).data() for r in range(model.rowCount())}
        assert values - {""}, f"column {column.name} is empty"


def test_proxy_passes_the_model_tester(qtmodeltester: ModelTester,
                                       proxy: ParticipantsProxyModel) -> None:
    proxy.set_search("a")
    qtmodeltester.check(proxy, force_py=True)


def test_sorting_uses_raw_values_not_display_text(proxy: ParticipantsProxyModel) -> None:
    proxy.sort(Column.CAPACITY, Qt.SortOrder.DescendingOrder)
    # 10 before 9 (a text sort would put "9" first); mentees (shown as a dash) last.
    assert shown_names(proxy)[:3] == ["zoë Adams", "Carl Berg", "Amara Iyer"]
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert shown_names(proxy) == ["Amara Iyer", "Ben Okafor", "Carl Berg", "zoë Adams"]


def test_filters_narrow_the_rows(proxy: ParticipantsProxyModel) -> None:
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    proxy.set_role(ParticipantRole.MENTOR)  # mentors include those who are both
    assert shown_names(proxy) == ["Amara Iyer", "Carl Berg", "zoë Adams"]
    proxy.set_department("Finance")
    assert shown_names(proxy) == ["Amara Iyer", "zoë Adams"]
    proxy.set_status(ParticipantStatus.ACTIVE)
    assert shown_names(proxy) == ["zoë Adams"]
    proxy.set_role(None)
    proxy.set_department("")
    proxy.set_status(None)
    proxy.set_search("CARL.BERG@")  # any case, any searchable column
    assert shown_names(proxy) == ["Carl Berg"]


def test_reload_replaces_rows(model: ParticipantsTableModel,
                              proxy: ParticipantsProxyModel) -> None:
    model.set_rows(ROWS[:1])
    assert shown_names(proxy) == ["zoë Adams"]
    assert model.row_of(1) == 0 and model.row_of(2) is None


def test_objectives_model_is_editable_and_passes_the_tester(
        qtmodeltester: ModelTester) -> None:
    model = ObjectivesTableModel()
    model.set_objectives([ObjectiveData("Grow leaders", "Strategy 2027")])
    qtmodeltester.check(model, force_py=True)
    assert model.insertRows(1, 1)
    assert model.setData(model.index(1, ObjectiveColumn.TITLE), "Keep people")
    assert model.objectives() == (ObjectiveData("Grow leaders", "Strategy 2027"),
                                  ObjectiveData("Keep people", ""))
    assert model.removeRows(0, 1)
    assert model.titles() == ["Keep people"]
    assert not model.removeRows(3, 1)


def test_kpis_model_parses_numbers_and_offers_choices(qtmodeltester: ModelTester) -> None:
    objectives = ObjectivesTableModel()
    objectives.set_objectives([ObjectiveData("Grow leaders")])
    model = KpisTableModel(objectives)
    model.set_kpis([KpiData("Satisfaction", 4.2, "out of 5", 3.6)])
    qtmodeltester.check(model, force_py=True)
    target = model.index(0, KpiColumn.TARGET)
    assert target.data() == "4.2"
    assert not model.setData(target, "lots")  # refused, value kept
    assert model.setData(target, "4,5")  # a decimal comma is understood
    assert model.setData(model.index(0, KpiColumn.BASELINE), "")
    assert model.setData(model.index(0, KpiColumn.DIRECTION), "Lower is better")
    assert model.index(0, KpiColumn.OBJECTIVE).data(ItemRole.CHOICES) == ["", "Grow leaders"]
    assert model.setData(model.index(0, KpiColumn.OBJECTIVE), "Grow leaders")
    assert model.kpis() == (KpiData("Satisfaction", 4.5, "out of 5", None,
                                    KpiDirection.DECREASE, "Grow leaders"),)


def test_backups_model_passes_the_tester(qtmodeltester: ModelTester) -> None:
    backups = [BackupInfo(Path(f"/b/db-{n}.sqlite3"), datetime(2026, 1, n + 1, tzinfo=UTC),
                          reason, size)
               for n, (reason, size) in enumerate([("manual", 2048), ("close", 3_500_000)])]
    model = BackupsTableModel(backups)
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 1).data() == "Backed up by hand"
    assert model.index(1, 2).data() == "3.3 MB"
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.index(5, 0).data() is None
    assert not QModelIndex().isValid()
