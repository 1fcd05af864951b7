"""Choosing where to write the check-in invitations, for which pairs, and whether to add
email drafts."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mentordesk.ui import prompts

_MUTED = "color: #6B6B6B;"
_WARNING = "color: #B00020;"


@dataclass(frozen=True)
class InviteExportChoice:
    """Where and what to export: ``pairing_ids`` None for every pair with a rhythm."""

    folder: Path
    eml: bool
    pairing_ids: tuple[int, ...] | None


class InviteExportDialog(QDialog):
    """Asks for the folder (with a Browse button), the pairs and the email drafts option.

    ``selected`` is the pair(s) selected in the area, offered as an alternative to every
    pair; ``organiser`` is the coordinator's email the invitations are sent from ("" when
    it is not set, which is explained and blocks the export).
    """

    def __init__(self, folder: Path, *, series_count: int, organiser: str,
                 selected: tuple[tuple[int, ...], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export invitations")
        intro = QLabel(
            "Writes one calendar invitation (.ics) per pair with a rhythm, with the mentor "
            "and mentees as attendees and you as the organiser, and one calendar of every "
            "meeting for your own calendar. After a rhythm changes or a meeting moves, "
            "export again and send the new files: calendars update the same meetings.")
        intro.setWordWrap(True)
        self.organiser = QLabel()
        self.organiser.setWordWrap(True)
        self.organiser.setTextFormat(Qt.TextFormat.RichText)
        if organiser:
            self.organiser.setText(f"Sent in the name of <b>{escape(organiser)}</b>.")
            self.organiser.setStyleSheet(_MUTED)
        else:
            self.organiser.setText("Set the coordinator's email in the Programme area first: "
                                   "invitations are sent in their name.")
            self.organiser.setStyleSheet(_WARNING)
        self._has_organiser = bool(organiser)

        self.scope = QButtonGroup(self)
        self.every_pair = QRadioButton(
            f"Every pair with a rhythm ({series_count})")
        self.scope.addButton(self.every_pair)
        self.only_selected: QRadioButton | None = None
        self._selected_ids: tuple[int, ...] = ()
        if selected is not None and selected[0]:
            self._selected_ids, label = selected
            self.only_selected = QRadioButton(f"Only {label}")
            self.scope.addButton(self.only_selected)
        self.every_pair.setChecked(True)

        self.folder = QLineEdit(str(folder))
        self.folder.setAccessibleName("Folder")
        self.folder.textChanged.connect(self._update)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("Folder"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        self.eml = QCheckBox("Also write an email draft (.eml) per pair, with its invitation "
                             "attached, to send from your mail program")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.organiser)
        layout.addSpacing(6)
        layout.addWidget(self.every_pair)
        if self.only_selected is not None:
            layout.addWidget(self.only_selected)
        layout.addSpacing(6)
        layout.addLayout(folder_row)
        layout.addWidget(self.eml)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._update()
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    def browse(self) -> Path | None:
        """Ask for the folder (through :func:`prompts.choose_folder`)."""
        current = Path(self.folder.text().strip() or Path.home())
        start = current if current.is_dir() else current.parent
        chosen = prompts.choose_folder(self, "Export invitations to", start)
        if chosen is not None:
            self.folder.setText(str(chosen))
        return chosen

    def choice(self) -> InviteExportChoice:
        """What the form says."""
        only = self.only_selected is not None and self.only_selected.isChecked()
        return InviteExportChoice(Path(self.folder.text().strip()), self.eml.isChecked(),
                                  self._selected_ids if only else None)

    def _update(self) -> None:
        self.export_button.setEnabled(self._has_organiser and bool(self.folder.text().strip()))
