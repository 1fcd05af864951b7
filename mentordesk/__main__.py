"""Entry point: ``mentordesk`` / ``python -m mentordesk``.

With no sub-command the GUI starts (``--db PATH`` and ``--read-only`` are understood);
with a sub-command (``mentordesk participants list``...) the CLI runs, without Qt;
``--smoke-test`` runs :mod:`mentordesk.smoke` (the core, then the GUI offscreen when there is
no display) and exits 0 or 1.
"""

from __future__ import annotations

import sys

GUI_FLAGS = {"--read-only"}
GUI_OPTIONS = {"--db"}
SMOKE_FLAG = "--smoke-test"


def wants_gui(argv: list[str]) -> bool:
    """True when ``argv`` holds only the options the GUI understands."""
    args = iter(argv)
    for arg in args:
        if arg in GUI_FLAGS:
            continue
        if arg in GUI_OPTIONS:
            next(args, None)
            continue
        if any(arg.startswith(opt + "=") for opt in GUI_OPTIONS):
            continue
        return False
    return True


def attach_console() -> None:
    """The Windows bundle is a windowed program with no standard output: when started from
    a console (``mentordesk.exe --smoke-test`` in cmd or PowerShell), write to that one."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    import ctypes

    if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    """Start the GUI or run a CLI command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == [SMOKE_FLAG]:
        from mentordesk.smoke import run

        attach_console()
        return run()
    if wants_gui(argv):
        from mentordesk.app import main as gui_main

        return gui_main(argv)
    from mentordesk.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
