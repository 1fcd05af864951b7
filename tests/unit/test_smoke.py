"""``mentordesk --smoke-test`` passes from source, in-process and as a command, and names
the step that fails."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from mentordesk import __version__, smoke
from mentordesk.__main__ import main


def test_smoke_test_passes_in_process() -> None:
    out = io.StringIO()
    assert smoke.run(out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == f"MentorDesk {__version__} smoke test"
    steps = [line for line in lines if line.startswith("ok ")]
    assert [line[5:21].rstrip() for line in steps] == [
        name for name, _ in smoke.STEPS]
    assert all(line.split()[-1] != "s" for line in steps)  # each step says what it did
    assert lines[-1].startswith("smoke test passed in ")


def test_a_failing_step_is_named_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(state: object) -> str:
        raise OSError("disk full")

    steps = tuple((name, broken if name == "export .ics" else step)
                  for name, step in smoke.STEPS)
    monkeypatch.setattr(smoke, "STEPS", steps)
    out = io.StringIO()
    assert smoke.run(out) == 1
    text = out.getvalue()
    assert "FAIL export .ics" in text and "OSError: disk full" in text
    assert text.splitlines()[-1] == "smoke test failed at step: export .ics"
    assert "certificate PDF" not in text  # it stops at the first failure


def test_only_the_bare_flag_runs_the_smoke_test(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(smoke, "run", lambda out=None: calls.append(out) or 0)
    assert main(["--smoke-test"]) == 0
    assert calls == [None]


@pytest.mark.slow
def test_smoke_test_command_in_a_fresh_interpreter() -> None:
    # A fresh process is also where "no Qt" means no Qt at all.
    result = subprocess.run([sys.executable, "-m", "mentordesk", "--smoke-test"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   no Qt" in result.stdout and "loaded no Qt" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("smoke test passed")
