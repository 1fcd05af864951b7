"""Bugs: a global excepthook that logs a report without personal data and shows it.

The report names the code that failed (files inside MentorDesk, line numbers, functions)
and the versions involved. It leaves out what could identify a participant: exception
messages (a ``ValueError`` may quote a name or an email), local variables, and the user's
home directory.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mentordesk import __version__

log = logging.getLogger(__name__)

# Messages of these exceptions are built from code (names of attributes, types, modules),
# not from the data, so they are kept (with anything that looks like an email removed).
_CODE_MESSAGES = (AttributeError, TypeError, NameError, ImportError, NotImplementedError,
                  RecursionError, AssertionError)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_showing = False

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def _short_path(filename: str) -> str:
    parts = Path(filename).parts
    for anchor in ("mentordesk", "site-packages"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[index if anchor == "mentordesk" else index + 1:])
    return Path(filename).name


def _describe(exc: BaseException) -> str:
    name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    if isinstance(exc, _CODE_MESSAGES) and str(exc):
        return f"{name}: {_EMAIL.sub('<email>', str(exc))}"
    return f"{name} (message left out: it may contain personal data)"


def _frames(exc: BaseException) -> list[str]:
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f'  {_short_path(frame.filename)}:{frame.lineno} in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return lines


def format_report(exc: BaseException) -> str:
    """A crash report fit to share: versions, the exception chain and where it happened."""
    lines = [
        f"MentorDesk {__version__} crash report, {datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}, "
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        "",
    ]
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for position, item in enumerate(reversed(chain)):
        if position:
            lines += ["", "During the handling of that, another error happened:"]
        lines.append("Traceback (most recent call last):")
        lines += _frames(item)
        lines.append(_describe(item))
    return "\n".join(lines) + "\n"


class CrashDialog(QDialog):
    """Says that something went wrong, shows the report and offers to save it."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("MentorDesk: something went wrong")
        text = QLabel(
            "MentorDesk ran into a problem it did not expect. Your data is safe: every change "
            "is saved when you make it, and backups are kept.\n\nPlease save this report and "
            "send it to whoever supports MentorDesk for you. It holds no names, emails or "
            "other personal data."
        )
        text.setWordWrap(True)
        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("Save report…",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def save_to(self, path: Path) -> None:
        """Write the report to ``path``."""
        path.write_text(self.report, encoding="utf-8")

    def _on_save_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save crash report",
            str(Path.home() / f"mentordesk-crash-{datetime.now():%Y%m%d-%H%M%S}.txt"),
            "Text files (*.txt)")
        if name:
            try:
                self.save_to(Path(name))
            except OSError as exc:
                self.details.appendPlainText(f"\nCould not save the report: {exc.strerror}")


def handle_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
    """The excepthook: log the report, then show it (once at a time)."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    report = format_report(exc)
    log.error("unexpected error\n%s", report)
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        CrashDialog(report, QApplication.activeWindow()).exec()
    finally:
        _showing = False


def install() -> ExceptHook:
    """Make :func:`handle_exception` the global excepthook; returns the previous one."""
    previous = sys.excepthook
    sys.excepthook = handle_exception
    return previous
