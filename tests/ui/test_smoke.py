"""``mentordesk --smoke-test`` passes from source, in-process and as a command, and names
the step that fails (a core step, or a Qt plugin a bundle left out)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from mentordesk import __version__, smoke
from mentordesk.__main__ import main
from mentordesk.ui import smoke_gui


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


def _plugin_tree(root: Path, files: dict[str, list[str]]) -> Path:
    for kind, names in files.items():
        (root / kind).mkdir(parents=True)
        for name in names:
            (root / kind / name).write_bytes(b"")
    return root


LINUX_PLUGINS = {"platforms": ["libqxcb.so", "libqwayland.so", "libqoffscreen.so"],
                 "printsupport": ["libcupsprintersupport.so"],
                 "iconengines": ["libqsvgicon.so"],
                 "imageformats": ["libqsvg.so", "libqjpeg.so", "libqico.so"]}


def test_a_bundle_without_a_needed_qt_plugin_is_caught(tmp_path: Path) -> None:
    complete = _plugin_tree(tmp_path / "complete", LINUX_PLUGINS)
    assert smoke_gui.missing_plugins([complete], "linux") == []
    # What a user on X11, Wayland or with a printer would miss, named kind/plugin.
    gaps = {**LINUX_PLUGINS, "platforms": ["libqoffscreen.so", "libqwayland.so"],
            "imageformats": ["libqsvg.so", "libqico.so"]}
    del gaps["printsupport"]
    partial = _plugin_tree(tmp_path / "partial", gaps)
    assert smoke_gui.missing_plugins([partial], "linux") == [
        "platforms/qxcb", "printsupport/cupsprintersupport", "imageformats/qjpeg"]
    # Plugins split over two folders (the bundle's and a system one) both count.
    extra = _plugin_tree(tmp_path / "extra", {"platforms": ["libqxcb.so"],
                                               "printsupport": ["libcupsprintersupport.so"],
                                               "imageformats": ["libqjpeg.so"]})
    assert smoke_gui.missing_plugins([partial, extra], "linux") == []
    # Each system has its own native platform plugin.
    windows = _plugin_tree(tmp_path / "windows", {
        "platforms": ["qwindows.dll"], "iconengines": ["qsvgicon.dll"],
        "imageformats": ["qsvg.dll", "qjpeg.dll", "qico.dll"]})
    assert smoke_gui.missing_plugins([windows], "win32") == []
    assert smoke_gui.missing_plugins([windows], "darwin") == ["platforms/qcocoa"]


def test_the_plugin_step_fails_naming_the_missing_plugin(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = _plugin_tree(tmp_path / "plugins", {"platforms": ["libqoffscreen.so"]})
    monkeypatch.setattr(smoke_gui, "plugin_folders", lambda: [empty])
    monkeypatch.setattr(smoke_gui.sys, "platform", "linux")
    out = io.StringIO()
    assert smoke.run(out) == 1
    text = out.getvalue()
    assert "FAIL Qt plugins" in text and "platforms/qxcb" in text
    assert text.splitlines()[-1] == "smoke test failed at step: Qt plugins"


def test_the_gui_steps_open_every_area_and_render_the_certificate() -> None:
    out = io.StringIO()
    assert smoke.run(out) == 0
    lines = {line[5:21].rstrip(): line[21:] for line in out.getvalue().splitlines()
             if line.startswith("ok ")}
    assert "10 areas" in lines["main window"] and "80 participants listed" in lines[
        "main window"]
    pages = int(lines["PDF preview"].split("s  ")[1].split()[0])
    assert pages == 16  # one certificate per person in the demo's pairs, as printed


class _Kernel32:
    def __init__(self, attached: bool) -> None:
        self.attached = attached
        self.calls: list[int] = []

    def AttachConsole(self, pid: int) -> int:  # the Win32 function's name
        self.calls.append(pid)
        return int(self.attached)


@pytest.mark.parametrize("started_from_a_console", [True, False])
def test_the_windowed_windows_exe_prints_to_the_console_it_was_started_from(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, started_from_a_console: bool) -> None:
    import ctypes
    from types import SimpleNamespace

    from mentordesk import __main__ as entry

    kernel32 = _Kernel32(started_from_a_console)
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "stdout", None)  # what a windowed PyInstaller exe has
    monkeypatch.chdir(tmp_path)  # "CONOUT$" is the console on Windows, a file here
    entry.attach_console()
    assert kernel32.calls == [-1]  # the parent process's console
    if started_from_a_console:
        assert sys.stdout is not None
        print("smoke test passed", file=sys.stdout, flush=True)
        sys.stdout.close()
        assert (tmp_path / "CONOUT$").read_text(encoding="utf-8") == "smoke test passed\n"
    else:  # double-clicked: nowhere to print, and no error either
        assert sys.stdout is None


def test_a_program_with_an_output_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from mentordesk import __main__ as entry

    before = sys.stdout
    monkeypatch.setattr(sys, "platform", "win32")  # a console exe (or Linux, macOS)
    entry.attach_console()
    assert sys.stdout is before
