"""``mentordesk feedback ...`` end to end, as a coordinator would type it."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mentordesk.services.feedback import TEMPLATES
from tests.unit.cli_runner import Runner

SATISFIED = TEMPLATES["mentee_satisfaction"].data.questions[0].text
RECOMMEND = TEMPLATES["mentee_satisfaction"].data.questions[1].text
OFTEN = TEMPLATES["mentee_satisfaction"].data.questions[3].text
VALUABLE = TEMPLATES["mentee_satisfaction"].data.questions[7].text


@pytest.fixture
def run(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    runner = Runner(db_path, capsys)
    assert runner("programme", "create", "Grow 2027")[0] == 0
    assert runner("participants", "add", "--name", "Ana Silva", "--email",
                  "ana@example.org")[0] == 0
    return runner


def _csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _google(path: Path, *rows: list[str]) -> Path:
    return _csv(path, [["Timestamp", "Email address", SATISFIED, RECOMMEND, OFTEN, VALUABLE],
                       *rows])


def _form(run: Runner, key: str, *extra: str) -> dict[str, Any]:
    made: dict[str, Any] = run.json("feedback", "forms", "create", "--template", key, *extra)
    return made


def test_templates_forms_create_list_and_show(run: Runner) -> None:
    templates = run.json("feedback", "forms", "templates")
    assert {t["key"] for t in templates} == set(TEMPLATES)
    readiness = next(t for t in templates if t["key"] == "culture_readiness")
    assert (readiness["purpose"], readiness["questions"]) == ("readiness", 16)

    code, out, _ = run("feedback", "forms", "list")
    assert code == 0 and "No forms yet" in out
    made = _form(run, "mentee_satisfaction")
    named = _form(run, "culture_readiness", "--title", "Are we ready?")
    assert made["template"] == "mentee_satisfaction" and len(made["questions"]) == 9
    assert named["title"] == "Are we ready?"
    listed = run.json("feedback", "forms", "list")
    assert [(f["title"], f["template"], f["questions"], f["responses"]) for f in listed] == [
        ("Are we ready?", "culture_readiness", 16, 0),
        ("Mentee satisfaction survey", "mentee_satisfaction", 9, 0)]
    code, out, _ = run("feedback", "forms", "list")
    assert code == 0 and "mentee_satisfaction" in out and "Are we ready?" in out

    shown = run.json("feedback", "forms", "show", str(made["id"]))
    assert [q["id"] for q in shown["questions"]] == [q["id"] for q in made["questions"]]
    code, out, _ = run("feedback", "forms", "show", "mentee satisfaction survey")
    assert code == 0 and "rating 1-5" in out and "0-10 score" in out
    assert "Q4 choices: Every week | Every two weeks | Once a month" in out
    assert f"{made['questions'][0]['id']}" in out and "satisfaction" in out

    code, _, err = run("feedback", "forms", "show", "Nope")
    assert code == 1 and "no form “Nope”" in err
    code, _, err = run("feedback", "forms", "create", "--template", "nope")
    assert code == 2 and "invalid choice" in err


def test_import_dry_run_then_import_refusing_bad_rows(run: Runner, tmp_path: Path) -> None:
    form = _form(run, "mentee_satisfaction")
    path = _google(tmp_path / "google.csv",
                   ["2027/03/05 2:31:07 PM GMT+1", "ana@example.org", "5 - Very satisfied",
                    "10 - Extremely likely", "Every week", "Listening"],
                   ["2027/03/05 3:00:00 PM GMT+1", "", "4", "7", "Sometimes", ""],
                   ["2027/03/06 9:00:00 AM GMT+1", "", "3", "8", "Once a month", "Time"])
    code, out, _ = run("feedback", "import", str(path), "--form", str(form["id"]),
                       "--dry-run")
    assert code == 1  # a row would be refused
    assert "a Google Forms export" in out and "Dry run: nothing was written." in out
    assert "Q1 (id" in out and "respondent's email" in out
    assert "Q4: 'Sometimes' is not one of the choices" in out
    assert run.json("feedback", "forms", "list")[0]["responses"] == 0

    code, out, _ = run("feedback", "import", str(path), "--form", str(form["id"]), "--json")
    result = json.loads(out)
    assert code == 1  # the valid rows are stored all the same
    assert (result["importable"], result["refused"], result["result"]["imported"]) == (2, 1, 2)
    assert result["problems"] == [{"row": 3, "column": OFTEN,
                                   "reason": "Q4: 'Sometimes' is not one of the choices"}]
    assert result["backup"] and Path(result["backup"]).exists()
    assert run.json("feedback", "forms", "list")[0]["responses"] == 2

    code, out, _ = run("feedback", "import", str(path), "--form", str(form["id"]))
    assert code == 1 and "0 to import, 2 already imported" in out and "Nothing to import" in out

    summary = run.json("feedback", "summary", str(form["id"]))
    first = summary["questions"][0]
    assert (first["answers"], first["average"], first["hidden"]) == (2, 4.0, False)
    assert summary["questions"][1]["nps"] == 50.0  # 10 and 8: one promoter of two
    assert summary["questions"][7]["comments"] == ["Listening", "Time"]


def test_map_overrides_and_bad_maps(run: Runner, tmp_path: Path) -> None:
    form = _form(run, "mentee_satisfaction")
    path = _csv(tmp_path / "odd.csv", [["When", "Who", "Stars", "Would recommend"],
                                       ["2027-04-01 10:00", "ana@example.org", "4", "9"]])
    code, _, err = run("feedback", "import", str(path), "--form", str(form["id"]))
    assert code == 1 and "No column of the file is matched to a question" in err
    code, _, err = run("feedback", "import", str(path), "--form", str(form["id"]),
                       "--map", "Stars=q99")
    assert code == 1 and "the form has no question 99" in err
    code, _, err = run("feedback", "import", str(path), "--form", str(form["id"]),
                       "--map", "Stars")
    assert code == 1 and "should look like" in err
    second = form["questions"][1]["id"]
    result = run.json("feedback", "import", str(path), "--form", "Mentee satisfaction survey",
                      "--map", "Stars=q1", "--map", f"Would recommend={second}",
                      "--map", "Who=email", "--map", "When=submitted")
    assert result["mapping"] == {"When": "submitted", "Who": "email",
                                 "Stars": form["questions"][0]["id"],
                                 "Would recommend": second}
    assert result["result"]["imported"] == 1


def test_confidential_imports_stay_hidden_and_out_of_exports(run: Runner,
                                                             tmp_path: Path) -> None:
    form = _form(run, "mentee_satisfaction")
    secret = [[f"2027/03/0{n} 10:00:00 AM GMT", "", str(n), "6", "Every week",
               f"SECRET-REMARK-{n}"] for n in range(1, 5)]
    path = _google(tmp_path / "secret.csv", *secret)
    assert run("feedback", "import", str(path), "--form", str(form["id"]),
               "--confidential")[0] == 0
    summary = run.json("feedback", "summary", str(form["id"]))
    assert summary["confidential_responses"] == 4
    first = summary["questions"][0]
    assert (first["hidden"], first["average"], first["reason"]) == (
        True, None, "4 confidential answers left out until there are 5")
    code, out, _ = run("feedback", "summary", str(form["id"]))
    assert code == 0 and "SECRET" not in out
    assert "hidden: 4 confidential answers left out until there are 5" in out

    out_file = tmp_path / "export.csv"
    code, out, _ = run("feedback", "export", str(form["id"]), str(out_file))
    assert code == 0 and "Wrote 0 responses" in out and "4 confidential responses" in out
    assert "SECRET" not in out_file.read_text(encoding="utf-8-sig")

    fifth = _google(tmp_path / "fifth.csv", ["2027/03/09 10:00:00 AM GMT", "", "5", "10",
                                             "Once a month", "SECRET-REMARK-5"])
    assert run("feedback", "import", str(fifth), "--form", str(form["id"]),
               "--confidential")[0] == 0
    first = run.json("feedback", "summary", str(form["id"]))["questions"][0]
    assert (first["hidden"], first["average"]) == (False, 3.0)  # (1+2+3+4+5) / 5
    assert run("feedback", "export", str(form["id"]), str(out_file))[0] == 0
    text = out_file.read_text(encoding="utf-8-sig")
    assert "SECRET" not in text and "3.00" in text
    code, out, _ = run("feedback", "summary", str(form["id"]), "--json")
    assert "SECRET" not in out


def test_submission_times_day_first_unless_month_first(run: Runner, db_path: Path,
                                                      tmp_path: Path) -> None:
    from sqlalchemy import select

    from mentordesk.db import Database
    from mentordesk.models import FeedbackResponse

    form = _form(run, "mentee_satisfaction")
    uk = _google(tmp_path / "uk.csv", ["31/03/2027 14:31:07", "", "5", "9", "", ""],
                 ["3/5/27 14:31", "", "4", "8", "", ""])
    code, out, _ = run("feedback", "import", str(uk), "--form", str(form["id"]),
                       "--month-first", "--dry-run")
    # Month first, 31/03 has no month 31: the row is refused, not stored at import time.
    assert code == 1 and "cannot be read: '31/03/2027' is not a month/day/year date" in out
    assert run("feedback", "import", str(uk), "--form", str(form["id"]))[0] == 0
    db = Database.open(db_path)
    try:
        with db.Session() as s:
            times = s.scalars(select(FeedbackResponse.submitted_at)
                              .order_by(FeedbackResponse.id)).all()
    finally:
        db.close(backup=False)
    assert [t.replace(tzinfo=None) for t in times] == [datetime(2027, 3, 31, 14, 31, 7),
                                                       datetime(2027, 5, 3, 14, 31)]
