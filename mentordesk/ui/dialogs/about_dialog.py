"""Help > About: the version, the licence, and where this computer keeps MentorDesk's data."""

from __future__ import annotations

import platform
import sys
from html import escape
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from mentordesk import APP_NAME, __version__

LICENCE_LINE = f"{APP_NAME} is proprietary software; all rights reserved."
THIRD_PARTY_LINE = (
    "Built with Qt for Python (PySide6, LGPLv3), SQLAlchemy, ReportLab, OR-tools and other "
    "open-source libraries under their own licences. The bundled fonts are under the SIL "
    "Open Font License 1.1 (Noto) and the DejaVu font licence.")


def about_html(data_folder: Path, database: Path | None = None) -> str:
    """The dialog's text: what MentorDesk is, its version and licence, and its folders."""
    frozen = " (installed build)" if getattr(sys, "frozen", False) else ""
    rows = [("Data folder", str(data_folder))]
    if database is not None:
        rows.append(("Open database", str(database)))
    folders = "".join(f"<tr><td><b>{escape(name)}:</b>&nbsp;</td><td>{escape(value)}</td></tr>"
                      for name, value in rows)
    return (
        f"<h3>{APP_NAME} {escape(__version__)}{frozen}</h3>"
        "<p>Run a workplace peer-mentoring programme from one offline desktop app: "
        "participants, pairing, check-ins, feedback, KPIs and recognition.</p>"
        "<p>Everything stays in one database file on this computer.</p>"
        f"<table>{folders}</table>"
        f"<p>{escape(LICENCE_LINE)}</p>"
        f"<p><small>{escape(THIRD_PARTY_LINE)}</small></p>"
        f"<p><small>Python {escape(platform.python_version())}, "
        f"PySide6 {escape(pyside_version)}</small></p>")


class AboutDialog(QDialog):
    """Shows :func:`about_html`; the text is selectable so a path can be copied."""

    def __init__(self, data_folder: Path, database: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.text_label = QLabel(about_html(data_folder, database))
        self.text_label.setObjectName("about_text")
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setMinimumWidth(460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addWidget(buttons)
