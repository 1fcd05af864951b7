"""``mentordesk pair ...`` run as a coordinator would, on the demo programme."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.unit.cli_runner import Runner


@pytest.fixture
def run(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    runner = Runner(db_path, capsys)
    code, _, err = runner("demo")
    assert code == 0, err
    return runner


def _emails(result: dict[str, Any]) -> dict[str, str]:
    """mentee email -> mentor email."""
    return {m["email"]: p["mentor"]["email"] for p in result["pairings"] for m in p["mentees"]}


def test_propose_is_certified_and_every_score_can_be_exported(run: Runner,
                                                              tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    result = run.json("pair", "propose", "--export-scores", str(scores))
    assert result["certified"] and result["optimal"] == "optimal (certified)"
    assert result["proposed"] == len(result["pairings"]) > 0
    for pairing in result["pairings"]:
        lines = pairing["mentees"][0]["explanation"]
        points = sum(float(line.rsplit("+", 1)[1]) for line in lines)
        assert points == pytest.approx(pairing["score"])
    with scores.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == result["feasible_pairs"]
    feasible = {(r["mentee_email"], r["mentor_email"]) for r in rows}
    assert set(_emails(result).items()) <= feasible
    for u in result["unmatched"]:
        assert u["reason"]


def test_review_lock_forbid_and_publish_from_the_command_line(run: Runner) -> None:
    first = run.json("pair", "propose")
    mentee, mentor = next(iter(_emails(first).items()))
    # Forbid the first proposal: the re-run never gives that mentee that mentor.
    code, out, _ = run("pair", "forbid", mentor, mentee, "--reason", "same team soon")
    assert code == 0 and "never" in out
    second = run.json("pair", "propose")
    assert _emails(second).get(mentee) != mentor
    # Lock another pair; weights change; it survives.
    locked_mentee, locked_mentor = next(iter(_emails(second).items()))
    assert run("pair", "lock", locked_mentor, locked_mentee)[0] == 0
    third = run.json("pair", "propose", "--weight", "location=10", "--weight",
                     "complementary_skills=0")
    listed = run.json("pair", "list")
    assert _emails(listed)[locked_mentee] == locked_mentor
    assert third["settings"]["location"] == 10
    criteria = run.json("pair", "criteria")
    assert criteria["location"] == 10 and criteria["complementary_skills"] == 0
    code, out, _ = run("pair", "accept", "--all")
    assert code == 0 and out.startswith("Accepted")
    published = run.json("pair", "publish")
    assert published["published"]
    again = run.json("pair", "publish")
    assert again["published"] == []
    statuses = {p["status"] for p in run.json("pair", "list")["pairings"]}
    assert statuses == {"active"}


def test_explain_unmatched_and_supply(run: Runner) -> None:
    result = run.json("pair", "propose")
    mentee = next(iter(_emails(result)))
    code, out, _ = run("pair", "explain", mentee)
    assert code == 0 and "score" in out and ": +" in out
    unmatched = run.json("pair", "unmatched")
    assert [u["email"] for u in unmatched] == [u["email"] for u in result["unmatched"]]
    supply = run.json("pair", "supply")
    assert supply["mentees"] > 0 and supply["places"] > 0
    assert supply["shortfall"] == max(0, supply["mentees"] - supply["places"])
    code, out, _ = run("pair", "supply")
    assert code == 0 and "Skill" in out


@pytest.mark.parametrize("args, field", [
    (["--weight", "location=11"], "location"),
    (["--weight", "height=3"], "height"),
    (["--preferred-gap", "0"], "preferred_gap"),
])
def test_bad_criteria_are_one_line_errors_and_change_nothing(run: Runner, args: list[str],
                                                             field: str) -> None:
    before = run.json("pair", "criteria")
    code, out, err = run("pair", "criteria", *args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and field in err
    assert run.json("pair", "criteria") == before


def test_unknown_people_and_pairings_are_clear_errors(run: Runner) -> None:
    code, _, err = run("pair", "explain", "nobody@example.org")
    assert code == 1 and "nobody@example.org" in err
    code, _, err = run("pair", "reject", "99999")
    assert code == 1 and "99999" in err
