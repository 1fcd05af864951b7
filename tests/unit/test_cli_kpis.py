"""``mentordesk kpis ...``, ``goals reached`` and ``outcomes import``, run as a coordinator
would."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest

from mentordesk.db import Database
from tests.unit.cli_runner import Runner
from tests.unit.test_kpis import TODAY, build_programme


@pytest.fixture
def demo(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    runner = Runner(db_path, capsys)
    assert runner("demo")[0] == 0
    return runner


@pytest.fixture
def spring(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    """The programme of test_kpis, whose figures were counted by hand."""
    database = Database.open(db_path)
    try:
        with database.Session.begin() as s:
            build_programme(s, tmp_path)
    finally:
        database.close(backup=False)
    return Runner(db_path, capsys)


def test_kpis_table_keeps_todays_figures(demo: Runner) -> None:
    code, out, err = demo("kpis")
    assert code == 0, err
    assert "Grow Together 2026: KPIs as of" in out
    assert "Pairs meeting regularly" in out and "Status" in out
    assert "Mentees matched" in out and "Check-ins held" in out
    assert "Kept today's" in out
    # Again the same day: the day's figures are replaced, not doubled. (The demo comes
    # with weekly readings since its start; today's is the last.)
    assert demo("kpis")[0] == 0
    history = demo.json("kpis", "history", "enrolled")
    days = [row["date"] for row in history]
    assert days[-1] == date.today().isoformat() and len(days) == len(set(days)) > 1
    assert history[-1]["value"] == 80.0
    code, out, _ = demo("kpis", "history", "Check-ins-held-pct")
    assert code == 0 and date.today().isoformat() in out and "%" in out


def test_kpis_json_with_exact_figures(spring: Runner) -> None:
    data = spring.json("kpis", "--as-of", TODAY.isoformat())
    assert data["as_of"] == "2027-03-15" and data["snapshot"] is None  # not today: not kept
    metrics = data["metrics"]
    assert metrics["matched_pct"]["value"] == 80.0
    assert metrics["recommendation_score"]["shown"] == "+20"
    assert metrics["satisfaction_avg"]["value"] is None
    assert metrics["satisfaction_avg"]["detail"] == "hidden: fewer than 5 confidential answers"
    assert metrics["retention_participants_pct"]["value"] == 80.0
    assert metrics["retention_others_pct"]["value"] == 66.7
    statuses = {k["name"]: k["status"] for k in data["kpis"]}
    assert statuses == {"Mentees matched": "at_risk", "Check-ins held": "off_track",
                        "Inactive pairs": "on_track", "Recommendation": "at_risk",
                        "Satisfaction": "no_data", "Managers engaged": "on_track"}
    assert data["checkins_by_month"][0] == {"month": "2027-01-01", "planned": 4, "held": 4,
                                            "missed": 0, "cancelled": 0}
    assert spring.json("kpis", "history", "matched_pct") == []


def test_drill_and_metrics(spring: Runner) -> None:
    rows = spring.json("kpis", "drill", "inactive_pairs", "--as-of", TODAY.isoformat())
    assert [(r["kind"], r["label"]) for r in rows] == [("pair", "Eli Person & Ben Person")]
    code, out, _ = spring("kpis", "drill", "satisfaction_avg", "--as-of", TODAY.isoformat())
    assert code == 0 and "confidential" in out and "Person" not in out
    code, out, _ = spring("kpis", "drill", "retention_others_pct")
    assert code == 0 and "one-way code" in out
    code, _, err = spring("kpis", "drill", "happiness")
    assert code == 1 and "'happiness' is not a metric" in err
    keys = [m["key"] for m in spring.json("kpis", "metrics")]
    assert "recommendation_score" in keys and len(keys) >= 13
    code, out, _ = spring("kpis", "metrics")
    assert "promoters (9 or 10)" in out


def test_set_metric_by_name_then_back_to_by_hand(demo: Runner) -> None:
    code, out, err = demo("kpis", "set-metric", "Pairs meeting regularly", "checkins_held_pct")
    assert code == 0, err
    assert "now follows check-ins held" in out
    kpi = next(k for k in demo.json("kpis", "--no-snapshot")["kpis"]
               if k["name"] == "Pairs meeting regularly")
    assert kpi["metric"] == "checkins_held_pct"
    assert demo("kpis", "set-metric", str(kpi["kpi_id"]), "none")[0] == 0
    code, _, err = demo("kpis", "set-metric", "Pairs meeting regularly", "happiness")
    assert code == 1 and "not a metric" in err
    code, _, err = demo("kpis", "set-metric", "No such KPI", "enrolled")
    assert code == 1 and "no KPI 'No such KPI'" in err


def test_options_before_the_action_take_effect(spring: Runner) -> None:
    day = TODAY.isoformat()
    after = spring.json("kpis", "drill", "inactive_pairs", "--as-of", day)
    code, out, err = spring("kpis", "--json", "--as-of", day, "drill", "inactive_pairs")
    assert code == 0, err
    assert json.loads(out) == after and after  # JSON, and as of that day
    code, _, err = spring("kpis", "--programme", "Nope", "drill", "inactive_pairs")
    assert code == 1 and "Nope" in err
    # Given at both levels, the action's wins (it is nearer).
    code, out, err = spring("kpis", "--as-of", "2000-01-01", "drill", "inactive_pairs",
                            "--as-of", day, "--json")
    assert code == 0 and json.loads(out) == after, err
    # An option the action does not take is an error, not ignored.
    code, _, err = spring("kpis", "--as-of", day, "history", "matched_pct")
    assert code == 1 and "kpis history does not take --as-of" in err
    code, _, err = spring("kpis", "--json", "set-metric", "Recommendation", "none")
    assert code == 1 and "does not take --json" in err
    code, _, err = spring("kpis", "--no-snapshot", "metrics")
    assert code == 1 and "does not take --no-snapshot" in err


def test_programme_before_set_metric_is_the_one_changed(demo: Runner) -> None:
    code, _, err = demo("programme", "create", "Later", "--start", "2099-01-01")
    assert code == 0, err
    code, _, err = demo("kpis", "--programme", "Grow Together 2026", "set-metric",
                          "Pairs meeting regularly", "checkins_held_pct")
    assert code == 0, err
    kpi = next(k for k in demo.json("kpis", "--no-snapshot", "--programme",
                                    "Grow Together 2026")["kpis"]
               if k["name"] == "Pairs meeting regularly")
    assert kpi["metric"] == "checkins_held_pct"


def test_goal_reached_and_undone(demo: Runner) -> None:
    person = demo.json("participants", "list", "--role", "mentee")[0]
    goal = demo.json("participants", "show", person["email"])["goals"][0]
    code, out, err = demo("goals", "reached", person["email"], goal, "--on", "2026-01-05")
    assert code == 0, err
    assert "on 2026-01-05" in out
    assert demo("goals", "reached", person["email"], goal, "--undo")[0] == 0
    code, _, err = demo("goals", "reached", person["email"], "Juggling")
    assert code == 1 and "development goals" in err


def _outcomes_file(folder: Path) -> Path:
    path = folder / "hr.csv"
    path.write_text("Work Email;Hire Date;Termination Date;Department;Shoe size\n"
                    "ann@example.org;01/05/2020;28/02/2027;Sales;38\n"
                    "someone@elsewhere.example;01/01/2010;;Sales;44\n"
                    "broken;01/01/2010;;Sales;40\n", encoding="utf-8")
    return path


def test_outcomes_import_dry_run_then_for_real(spring: Runner, tmp_path: Path) -> None:
    path = _outcomes_file(tmp_path)
    code, out, _ = spring("outcomes", "import", str(path), "--dry-run")
    assert code == 1  # a row was refused
    assert "Dry run: nothing was written." in out
    assert any(line.split() == ["Termination", "Date", "Leaving", "date"]
               for line in out.splitlines())
    assert "'broken' is not a valid email address" in out
    code, out, err = spring("outcomes", "import", str(path), "--json", "--map",
                            "shoe size=department", "--map", "Department=ignore")
    assert code == 1, err
    result = json.loads(out)
    assert result["mapping"]["Shoe size"] == "department"
    assert (result["linked"], result["others"], result["refused"]) == (1, 1, 1)
    # Ann was already imported by the fixture: her leaving date is the same, the
    # department changes to what the map says; the outsider is new.
    assert (result["result"]["added"], result["result"]["updated"]) == (1, 1)
    assert result["backup"] is not None
    code, _, err = spring("outcomes", "import", str(path), "--map", "Nope=email")
    assert code == 1 and "no column 'Nope'" in err
    code, _, err = spring("outcomes", "import", str(path), "--map", "Shoe size=height")
    assert code == 1 and "'height' is not a field" in err


def test_outcomes_import_replace(spring: Runner, tmp_path: Path) -> None:
    before = spring.json("outcomes", "clear")["rows"]
    assert before > 2
    path = tmp_path / "hr.csv"
    path.write_text("Email,Department\nann@example.org,Sales\n", encoding="utf-8")
    code, out, err = spring("outcomes", "import", str(path), "--replace", "--dry-run")
    assert code == 0, err
    assert f"Replacing: {before - 1} stored records of people not in the file would be " \
           "deleted." in out and "Dry run" in out
    assert spring.json("outcomes", "clear")["rows"] == before
    data = spring.json("outcomes", "import", str(path), "--replace")
    assert (data["deletes"], data["result"]["deleted"]) == (before - 1, before - 1)
    assert data["backup"] is not None
    assert spring.json("outcomes", "clear")["rows"] == 1


def test_outcomes_clear_asks_then_deletes(spring: Runner) -> None:
    counted = spring.json("outcomes", "clear")
    assert counted["rows"] > 0 and counted["deleted"] == 0
    code, out, err = spring("outcomes", "clear")
    assert code == 0, err
    assert f"{counted['rows']} HR outcome records would be deleted" in out
    assert "--yes" in out and spring.json("outcomes", "clear")["rows"] == counted["rows"]
    code, out, err = spring("outcomes", "clear", "--yes")
    assert code == 0, err
    assert f"Deleted {counted['rows']} HR outcome records" in out and "Backed up" in out
    backup = Path(out.split("Backed up first to ", 1)[1].strip())
    assert backup.exists() and "pre-clear" in backup.name
    assert spring.json("outcomes", "clear")["rows"] == 0
    code, out, _ = spring("outcomes", "clear", "--yes")
    assert code == 0 and "no HR outcomes to delete" in out


def test_outcomes_month_first(spring: Runner, tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("Email,Hire date\nann@example.org,04/25/2020\n", encoding="utf-8")
    code, out, _ = spring("outcomes", "import", str(path), "--dry-run")
    assert code == 1 and "month first" in out
    data: dict[str, Any] = spring.json("outcomes", "import", str(path), "--month-first")
    assert data["refused"] == 0 and data["day_first"] is False


def test_kpi_report(demo: Runner, tmp_path: Path) -> None:
    out = tmp_path / "kpis.pdf"
    code, stdout, err = demo("kpis", "report", str(out))
    if importlib.util.find_spec("mentordesk.services.documents.kpi_report") is None:
        assert code == 1 and "cannot print the KPI report yet" in err
        return
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and "Wrote the KPI report" in stdout


def test_kpi_report_as_of(demo: Runner, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    module = pytest.importorskip("mentordesk.services.documents.kpi_report")
    render = create_autospec(module.render_kpi_report, return_value=b"%PDF-1.4\n")
    monkeypatch.setattr(module, "render_kpi_report", render)
    out = tmp_path / "kpis.pdf"
    for args in (("report", str(out), "--as-of", "2026-09-01"),
                 ("--as-of", "2026-09-01", "report", str(out))):
        code, _, err = demo("kpis", *args)
        assert code == 0, err
        assert render.call_args.kwargs["today"] == date(2026, 9, 1)
    assert demo("kpis", "report", str(out))[0] == 0
    assert render.call_args.kwargs["today"] is None
