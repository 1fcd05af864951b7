"""Safe, unique file names and all-or-nothing writes (services/files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentordesk.services.files import (
    MAX_NAME_BYTES,
    safe_file_name,
    unique_name,
    write_files,
)


def test_names_at_the_length_limit_still_become_unique(tmp_path: Path) -> None:
    # Two long Arabic names differing only in their last letter: both are cut to the
    # limit, so they collide, and the counter must fit in the cut name.
    first = safe_file_name("محمد عبد الله " * 6 + "أ", ".pdf")
    second = safe_file_name("محمد عبد الله " * 6 + "ب", ".pdf")
    assert first == second
    taken: set[str] = set()
    names = [unique_name(n, taken) for n in (first, second, second)]
    assert len({n.casefold() for n in names}) == 3
    assert names[1].endswith(" (2).pdf") and names[2].endswith(" (3).pdf")
    for name in names:
        assert len(name.encode()) <= MAX_NAME_BYTES
        (tmp_path / name).write_bytes(b"x")  # a name the file system accepts


def test_unique_ignores_case_and_keeps_the_suffix() -> None:
    taken: set[str] = set()
    assert unique_name("Ann.pdf", taken) == "Ann.pdf"
    assert unique_name("ANN.pdf", taken) == "ANN (2).pdf"
    assert unique_name("README", taken) == "README"
    assert unique_name("readme", taken) == "readme (2)"


def test_a_failed_write_leaves_nothing_and_keeps_the_old_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mentordesk.errors import UserError
    from mentordesk.services import files

    (tmp_path / "a.pdf").write_bytes(b"old")
    calls = 0
    real = files.write_temp

    def failing(path: Path, data: bytes) -> Path:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "write_temp", failing)
    with pytest.raises(UserError, match=r"No space left on device\. No documents were"):
        write_files([(tmp_path / "a.pdf", b"new"), (tmp_path / "b.pdf", b"new")],
                    noun="documents")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old"
    write_files([(tmp_path / "a.pdf", b"new"), (tmp_path / "b.pdf", b"new")])
    assert (tmp_path / "a.pdf").read_bytes() == b"new"
    assert (tmp_path / "b.pdf").stat().st_mode & 0o077 == 0
