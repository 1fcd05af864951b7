"""Programmes: objectives tied to goals, KPI targets, and validation."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from mentordesk.errors import ValidationError
from mentordesk.models import KpiDirection, ProgrammeFormat
from mentordesk.services.programmes import (
    KpiData,
    ObjectiveData,
    ProgrammeData,
    create_programme,
    current_programme,
    get_programme,
    list_programmes,
    update_programme,
)

PROG = ProgrammeData(
    name="Grow 2027", start_date=date(2027, 1, 10), end_date=date(2027, 7, 10),
    format=ProgrammeFormat.GROUP, coordinator_email="hr@example.org",
    objectives=(ObjectiveData("Grow leaders", "Strategy: promote from within"),),
    kpis=(KpiData("Attrition", 8, "%", 12, KpiDirection.DECREASE, "Grow leaders"),
          KpiData("Satisfaction", 4.2, "of 5")),
)


def test_create_and_read_back(db) -> None:
    with db.Session.begin() as s:
        rec = create_programme(s, PROG)
    with db.Session() as s:
        got = get_programme(s, rec.id)
        assert current_programme(s) == got
    assert got.data == PROG


@pytest.mark.parametrize(("change", "field"), [
    ({"name": " "}, "name"),
    ({"end_date": date(2026, 12, 1)}, "end_date"),
    ({"default_duration_minutes": 2}, "default_duration_minutes"),
    ({"coordinator_email": "hr@"}, "coordinator_email"),
    ({"brand_primary_color": "blue"}, "brand_primary_color"),
    ({"circle_min_size": 5, "circle_max_size": 3}, "circle_max_size"),
    ({"kpis": (KpiData("A", 1), KpiData("a", 2))}, "kpis"),
    ({"kpis": (KpiData("A", 1, objective="Missing"),)}, "kpis"),
])
def test_bad_programme_refused_naming_field(db, change, field) -> None:
    with pytest.raises(ValidationError) as info, db.Session.begin() as s:
        create_programme(s, dataclasses.replace(PROG, **change))
    assert field in info.value.errors
    with db.Session() as s:
        assert list_programmes(s) == []


def test_edit_keeps_kpi_identity_and_reorders(db) -> None:
    with db.Session.begin() as s:
        rec = create_programme(s, PROG)
    new = dataclasses.replace(PROG, kpis=(dataclasses.replace(PROG.kpis[1], target_value=4.5),
                                          PROG.kpis[0]),
                              objectives=(*PROG.objectives, ObjectiveData("Bridge silos")))
    with db.Session.begin() as s:
        update_programme(s, rec.id, new)
    with db.Session() as s:
        got = get_programme(s, rec.id)
    assert [k.name for k in got.data.kpis] == ["Satisfaction", "Attrition"]
    assert got.data.kpis[0].target_value == 4.5
    assert [o.title for o in got.data.objectives] == ["Grow leaders", "Bridge silos"]


def test_names_unique_regardless_of_case(db) -> None:
    with db.Session.begin() as s:
        create_programme(s, PROG)
    with pytest.raises(ValidationError, match="already exists"), db.Session.begin() as s:
        create_programme(s, dataclasses.replace(PROG, name="GROW 2027"))


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_kpi_target_must_be_a_real_number(db, value: float) -> None:
    with pytest.raises(ValidationError, match="ordinary numbers"), db.Session.begin() as s:
        create_programme(s, dataclasses.replace(PROG, kpis=(KpiData("K", value),)))
