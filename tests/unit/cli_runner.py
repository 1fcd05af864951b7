"""Running the ``mentordesk`` CLI in-process in tests, as a coordinator would type it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mentordesk import cli


class Runner:
    """Runs the CLI in-process on one database and returns (code, out, err)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = cli.main(["--db", str(self.db), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)
