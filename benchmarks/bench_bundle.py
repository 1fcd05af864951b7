"""The frozen bundle (``make bundle``) against the app run from source: start-up and size.

Start-up is timed as in :mod:`benchmarks.bench_startup` (a fresh process each run, from
launch to the main window's first paint and to 5,000 participants on screen), for the
bundle's executable and for ``python -m mentordesk`` in the same run, interleaved. Aim: the
bundle at most 1.5x the source. The bundle's size unpacked is printed against the issue's
200 MB aim, with its largest parts. Skipped (and passing) when no bundle has been built.

``python -m benchmarks.bench_bundle [BUNDLE_FOLDER]`` (default ``dist/mentordesk``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.bench_startup import APP, PEOPLE, startup_database, time_interleaved
from benchmarks.common import report

ROOT = Path(__file__).resolve().parent.parent
AIM = 1.5
SIZE_AIM_MB = 200


def executable(folder: Path) -> Path:
    """The bundle's program inside its one-folder ``folder``."""
    return folder / ("mentordesk.exe" if sys.platform == "win32" else "mentordesk")


def folder_size(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file()
               and not p.is_symlink())


def largest_parts(folder: Path, count: int = 6) -> list[tuple[str, int]]:
    """The biggest entries directly under the bundle's ``_internal`` folder."""
    inner = folder / "_internal"
    base = inner if inner.is_dir() else folder
    sizes = [(p.name, folder_size(p) if p.is_dir() else p.lstat().st_size)
             for p in base.iterdir() if not p.is_symlink()]
    return sorted(sizes, key=lambda item: -item[1])[:count]


def run(folder: Path | None = None) -> bool:
    """Run and print the benchmark; returns whether the aim was met (True when skipped)."""
    folder = folder or ROOT / "dist" / "mentordesk"
    program = executable(folder)
    if not program.exists():
        print(f"frozen bundle: skipped, {program} not built (make bundle)", flush=True)
        return True
    size = folder_size(folder)
    parts = ", ".join(f"{name} {bytes_ / 1e6:.0f}" for name, bytes_ in largest_parts(folder))
    print(f"frozen bundle size: {size / 1e6:.0f} MB unpacked (aim < {SIZE_AIM_MB} MB: "
          f"{size / 1e6 / SIZE_AIM_MB:.2f}x); largest parts in MB: {parts}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    db_path, env = startup_database(work)
    frozen, source = time_interleaved([[str(program), "--db", str(db_path)],
                                       [sys.executable, *APP, str(db_path)]], env)
    met = report(f"frozen bundle: start-up to main window shown with {PEOPLE:,} participants",
                 frozen[0], source[0], "same app from source", AIM)
    print(f"  ...and to the participants on screen: {frozen[1] * 1000:.0f} ms frozen, "
          f"{source[1] * 1000:.0f} ms from source ({frozen[1] / source[1]:.2f}x)", flush=True)
    return met


if __name__ == "__main__":
    sys.exit(0 if run(Path(sys.argv[1]) if len(sys.argv) > 1 else None) else 1)
