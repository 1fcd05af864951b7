"""The import wizard's Qt models: Qt's model tester, and what each table tells the user."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from mentordesk.db import Database
from mentordesk.services.importing import (
    ImportPreview,
    SourceTable,
    guess_mapping,
    preview_import,
    read_source,
)
from mentordesk.ui.qtmodels.importing import (
    DONT_IMPORT,
    REFUSED,
    ChangeColumn,
    ChangesProxyModel,
    ChangesTableModel,
    MappingColumn,
    MappingTableModel,
    ProblemsTableModel,
    change_rows,
)
from mentordesk.ui.widgets import ItemRole

CSV = ("Notes from HR\n"
       "First name,Last name,E-mail,Team,Office\n"
       "Ana,Silva,ana@example.com,Sales,Lisbon\n"
       "Bo,,bo@@example,Sales,\n"
       "Cy,Ng,cy@example.com,Legal,Leeds\n"
       "Di,Lu,di@example.com,Legal,Leeds\n")


@pytest.fixture
def table(tmp_path: Path) -> SourceTable:
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    return read_source(path)


@pytest.fixture
def preview(db: Database, table: SourceTable) -> ImportPreview:
    with db.Session() as session:
        return preview_import(session, table, guess_mapping(table.headers))


def test_mapping_model_passes_the_tester_and_edits_by_label(
        qtmodeltester: ModelTester, table: SourceTable) -> None:
    model = MappingTableModel()
    model.set_table(table, guess_mapping(table.headers))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 5
    office = model.index(4, MappingColumn.FIELD)
    assert model.index(4, MappingColumn.HEADER).data() == "Office"
    assert office.data() == "Location"
    assert model.index(4, MappingColumn.SAMPLES).data() == "Lisbon · Leeds"  # distinct values
    assert office.flags() & Qt.ItemFlag.ItemIsEditable
    assert not model.index(4, MappingColumn.HEADER).flags() & Qt.ItemFlag.ItemIsEditable
    choices = office.data(ItemRole.CHOICES)
    assert choices[0] == DONT_IMPORT and "Email" in choices and "Time zone" in choices

    assert model.setData(office, "Notes")
    assert model.mapping()["Office"] == "notes"
    assert not model.setData(office, "No such field")
    assert model.setData(office, DONT_IMPORT)
    assert model.mapping()["Office"] == ""
    assert model.index(4, MappingColumn.HEADER).data(Qt.ItemDataRole.ForegroundRole) is not None

    model.setData(model.index(3, MappingColumn.FIELD), "Email")
    assert model.duplicates() == {"email": ["E-mail", "Team"]}
    assert "also chosen for: E-mail" in model.index(3, MappingColumn.FIELD).data(
        Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model, force_py=True)


def test_problems_and_changes_models_pass_the_tester(
        qtmodeltester: ModelTester, preview: ImportPreview) -> None:
    problems = ProblemsTableModel()
    problems.set_problems(preview.problems)
    qtmodeltester.check(problems, force_py=True)
    assert {problems.problem_at(r).row for r in range(problems.rowCount())} == {4}

    changes = ChangesTableModel()
    changes.set_rows(change_rows(preview))
    qtmodeltester.check(changes, force_py=True)
    assert [changes.index(r, ChangeColumn.ROW).data() for r in range(changes.rowCount())] == [
        "3", "4", "5", "6"]  # every data row, in file order, refused ones included
    refused = changes.row_at(1)
    assert refused.action == REFUSED and refused.email == "bo@@example" and refused.name == "Bo"
    assert "E-mail" in refused.details
    assert changes.index(1, ChangeColumn.NAME).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert changes.index(0, ChangeColumn.NAME).data(Qt.ItemDataRole.BackgroundRole) is None

    proxy = ChangesProxyModel()
    proxy.setSourceModel(changes)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_actions(frozenset({REFUSED}))
    assert proxy.rowCount() == 1
    proxy.set_actions(None)
    assert proxy.rowCount() == 4
