"""``mentordesk checkins ...``, ``invites export`` and ``pair end``, run as a coordinator would."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.unit.cli_runner import Runner


@pytest.fixture
def run(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    runner = Runner(db_path, capsys)
    assert runner("demo")[0] == 0
    return runner


def _active(run: Runner) -> list[dict[str, Any]]:
    return list(run.json("pair", "list", "--status", "active")["pairings"])


def test_schedule_a_pair_by_email_then_list_and_log(run: Runner) -> None:
    pairing = _active(run)[0]
    mentee = pairing["mentees"][0]["email"]
    start = date.today() + timedelta(days=7)
    series = run.json("checkins", "schedule", mentee, "--every", "1m", "--at",
                      f"{start} 16:30", "--tz", "America/New_York", "--duration", "30",
                      "--count", "4", "--link", "https://meet.example.org/x")
    assert series["sequence"] == 1  # the demo's series, changed once
    assert series["rhythm"].startswith("monthly on the")
    rows = run.json("checkins", "list", "--pair", str(pairing["id"]), "--from", str(start),
                    "--to", str(start + timedelta(days=120)))
    assert len(rows) == 4
    assert all(r["start"].endswith(("-05:00", "-04:00")) and "T16:30" in r["start"]
               for r in rows)
    logged = run.json("checkins", "log", str(pairing["id"]), str(start), "held", "--note",
                      "Good start; agreed goals")
    assert logged["outcome"] == "held" and logged["notes"] == "Good start; agreed goals"


def test_move_skip_overdue_and_end(run: Runner) -> None:
    pairing = _active(run)[0]
    rows = run.json("checkins", "list", "--pair", str(pairing["id"]), "--from",
                    str(date.today()), "--to", str(date.today() + timedelta(days=60)))
    upcoming = [r for r in rows if r["outcome"] == "scheduled"]
    assert len(upcoming) >= 2
    day = date.fromisoformat(upcoming[0]["start"][:10]) + timedelta(days=1)
    code, out, _ = run("checkins", "move", str(upcoming[0]["id"]), "--to", f"{day} 08:15")
    assert code == 0 and "Moved" in out
    assert run("checkins", "skip", str(upcoming[1]["id"]))[0] == 0
    after = {r["id"]: r for r in run.json("checkins", "list", "--pair", str(pairing["id"]),
                                          "--from", str(date.today()), "--to",
                                          str(date.today() + timedelta(days=60)))}
    assert after[upcoming[0]["id"]]["moved"] and "T08:15" in after[upcoming[0]["id"]]["start"]
    assert after[upcoming[1]["id"]]["outcome"] == "cancelled"
    overdue = run.json("checkins", "overdue")
    assert set(overdue) == {"overdue", "without_rhythm"}
    code, out, _ = run("pair", "end", str(pairing["id"]), "--early")
    assert code == 0 and "Ended" in out
    assert pairing["id"] not in {p["id"] for p in _active(run)}


@pytest.mark.parametrize("args, field", [
    (["--every", "often"], "every"),
    (["--every", "2w", "--tz", "Nowhere/Land"], "timezone"),
    (["--every", "2w", "--link", "ftp://x"], "link"),
    (["--every", "2w", "--at", "next tuesday"], "at"),
])
def test_bad_schedules_are_one_line_errors(run: Runner, args: list[str], field: str) -> None:
    pairing = _active(run)[0]
    base = {"--at": "2027-01-12 10:00", "--tz": "Europe/London"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = ["checkins", "schedule", str(pairing["id"])]
    for option, value in {**base, **given}.items():
        argv += [option, value]
    code, out, err = run(*argv)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert field in err


def test_a_person_in_several_pairings_must_name_the_pairing(run: Runner) -> None:
    mentor = _active(run)[0]["mentor"]["email"]
    assert run("participants", "edit", mentor, "--capacity", "3")[0] == 0
    proposed = run.json("pair", "propose")["pairings"]
    mentee = next(m["email"] for p in proposed for m in p["mentees"]
                  if p["mentor"]["email"] != mentor)
    assert run("pair", "swap", mentee, mentor)[0] == 0
    assert run("pair", "publish")[0] == 0
    code, _, err = run("checkins", "log", mentor, str(date.today()), "held")
    assert code == 1 and "give the pairing id" in err
    # The mentee's own email names their one pairing.
    assert run("checkins", "log", mentee, str(date.today()), "held")[0] == 0


def test_invites_export_writes_an_invitation_per_pair_and_a_calendar(run: Runner,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "invites"
    result = run.json("invites", "export", str(out), "--eml")
    pairs = _active(run)
    assert len(result["files"]) == len(pairs)
    assert len(result["drafts"]) == len(pairs)
    assert result["calendar"] and Path(result["calendar"]).exists()
    for path in result["files"]:
        text = Path(path).read_bytes().decode("utf-8")
        assert "METHOD:REQUEST" in text and "RRULE:" in text and "BEGIN:VTIMEZONE" in text
    # Ending a pair: the next export cancels it, with the same UID and a higher SEQUENCE.
    ended = pairs[0]["id"]
    before = run.json("invites", "export", str(out), "--pair", str(ended))
    uid_line = next(line for line in Path(before["files"][0]).read_text("utf-8").splitlines()
                    if line.startswith("UID:"))
    assert run("pair", "end", str(ended))[0] == 0
    after = run.json("invites", "export", str(out), "--pair", str(ended))
    text = Path(after["files"][0]).read_text("utf-8")
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text and uid_line in text
    assert after["cancelled"] == 1
