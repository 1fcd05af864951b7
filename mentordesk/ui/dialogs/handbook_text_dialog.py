"""The coordinator's own wording of a handbook: each section's text, the placeholders it may
use, and going back to the standard wording; every change saved together in one go.

Whether a section is "Yours" or "Standard", and whether it changed, is decided the way
:func:`~mentordesk.services.documents.handbooks.save_handbook_section` decides what to
store, so the dialog never shows a change the service would not save (or the reverse).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from html import escape
from typing import Protocol

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.services.documents.handbooks import DETAILS, PLACEHOLDERS
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.base import RowsTableModel
from mentordesk.ui.widgets import ERROR_STYLE, MUTED_STYLE

AnyIndex = QModelIndex | QPersistentModelIndex
# The same pattern as the handbooks service's (private there): a name of letters and
# underscores in braces, in any case; the service reads it lower-cased.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
# What each placeholder the service fills in (handbooks.PLACEHOLDERS) stands for; a test
# checks that every one of them has a meaning here.
PLACEHOLDER_MEANINGS = {
    "programme": "the programme's name",
    "organisation": "the organisation",
    "coordinator": "the coordinator's name",
    "coordinator_email": "the coordinator's email",
    "start_date": "when the programme starts",
    "end_date": "when it ends",
    "cadence": "how often pairs meet",
    "duration": "how long a meeting lasts",
    "format": "one-to-one pairs or group circles",
    "structure": "formal or informal meetings",
}
FORMATTING_HINT = ("**bold**, *italic*, “### ” starts a subheading, “- ” a bullet, “1. ” a "
                   "numbered step, “> ” a highlighted box.")


class Section(Protocol):
    """A handbook section as :func:`~mentordesk.services.documents.handbooks.handbook_sections`
    returns it."""

    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def default_text(self) -> str: ...
    @property
    def customised(self) -> bool: ...


def placeholders(text: str) -> list[str]:
    """The ``{name}`` placeholders in ``text`` (lower-cased, as the service fills them), in
    order of first use."""
    return list(dict.fromkeys(name.lower() for name in _PLACEHOLDER.findall(text)))


def normalise(text: str) -> str:
    """``text`` as the handbooks service stores it: one kind of line break, no spaces at
    line ends, no blank lines around it (a copy of the service's private ``_normalise``)."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n")
                     .replace("\r", "\n").split("\n")).strip("\n")


def stored_wording(text: str, default: str) -> str | None:
    """What the service stores for a section worded ``text`` whose standard wording is
    ``default``: None when it keeps the standard wording (``text`` blank, or equal to the
    standard but for spaces around it), else the normalised text."""
    wording = normalise(text)
    if not wording.strip() or wording.strip() == default.strip():
        return None
    return wording


@dataclass
class SectionDraft:
    """A section being edited: what is stored, and the text in the editor now."""

    key: str
    title: str
    stored: str
    default: str
    text: str

    @property
    def own_wording(self) -> bool:
        """Whether saving the text in the editor keeps a wording of the coordinator's own
        (blank goes back to the standard wording)."""
        return stored_wording(self.text, self.default) is not None

    @property
    def edited(self) -> bool:
        """Whether saving the text in the editor would change what is stored."""
        return stored_wording(self.text, self.default) != stored_wording(self.stored,
                                                                         self.default)


class SectionColumn(IntEnum):
    """The columns of :class:`SectionsTableModel`."""

    TITLE = 0
    WORDING = 1


class SectionsTableModel(RowsTableModel[SectionDraft]):
    """The handbook's sections and whether each has the standard wording or the
    coordinator's own."""

    headers = ("Section", "Wording")

    def refresh(self, row: int) -> None:
        """The text of ``row`` changed: show its wording state again."""
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))

    def data(self, index: AnyIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        draft = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SectionColumn.TITLE:
                return draft.title
            if column == SectionColumn.WORDING:
                return ("Yours" if draft.own_wording else "Standard") + (
                    " •" if draft.edited else "")
        if role == Qt.ItemDataRole.FontRole and draft.edited:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == SectionColumn.WORDING:
            return ("Reworded for this programme" if draft.own_wording
                    else "MentorDesk's standard wording") + (
                " (changed, not saved yet)" if draft.edited else "")
        return None


class HandbookTextDialog(QDialog):
    """Edits the wording of a handbook's sections.

    ``available`` names the placeholders the service fills in (``{programme}``...).
    ``save({key: text})`` writes the changed sections in one transaction (a text equal to
    the standard wording, or blank, goes back to the standard); a :class:`UserError` it
    raises is shown in the dialog and nothing is saved.
    """

    def __init__(self, title: str, sections: Sequence[Section],
                 save: Callable[[dict[str, str]], object], *,
                 available: Sequence[str] = PLACEHOLDERS,
                 read_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._placeholders = list(available)
        self._read_only = read_only
        self._row = -1
        self.setWindowTitle(f"{title}: wording")

        self.model = SectionsTableModel(self)
        self.model.set_rows([SectionDraft(s.key, s.title, s.text, s.default_text, s.text)
                               for s in sections])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Sections")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SectionColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SectionColumn.WORDING,
                                    QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.selectionModel().currentRowChanged.connect(
            self._on_table_current_row_changed)

        self.section_title = QLabel()
        font = self.section_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.section_title.setFont(font)
        self.state_label = QLabel()
        self.state_label.setStyleSheet(MUTED_STYLE)
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Section text")
        self.editor.setTabChangesFocus(True)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.setReadOnly(read_only)
        self.placeholder_label = QLabel()
        self.placeholder_label.setWordWrap(True)
        self.placeholder_label.setTextFormat(Qt.TextFormat.RichText)
        self.placeholder_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.placeholder_label.setStyleSheet(MUTED_STYLE)
        formatting = QLabel(f"Formatting: {FORMATTING_HINT}")
        formatting.setWordWrap(True)
        formatting.setStyleSheet(MUTED_STYLE)
        self.reset_button = QPushButton("Reset to &default")
        self.reset_button.setToolTip("Put MentorDesk's standard wording of this section back "
                                     "in the editor (saved when you press Save)")
        self.reset_button.clicked.connect(self.reset_section)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.section_title)
        heading_row.addWidget(self.state_label)
        heading_row.addStretch(1)
        heading_row.addWidget(self.reset_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(heading_row)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.placeholder_label)
        right_layout.addWidget(formatting)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 650])

        self.error_label = QLabel()
        self.error_label.setObjectName("error_general")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet(MUTED_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.buttons)

        intro = QLabel("Reword any section for your programme. Your wording is used in every "
                       "handbook printed from now on; the standard wording stays available "
                       "with Reset to default.")
        intro.setWordWrap(True)
        intro.setStyleSheet(MUTED_STYLE)
        if read_only:
            intro.setText("This database is open read-only: the wording can be read but not "
                          "changed.")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)
        self.resize(980, 640)
        if self.model.rowCount():
            self.select_section(0)
        self._update()

    # ------------------------------------------------------------------ sections

    def select_section(self, row: int) -> None:
        """Show section ``row`` in the editor."""
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def section_keys(self) -> list[str]:
        """The sections' keys, in order."""
        return [d.key for d in self.model.rows()]

    def current_draft(self) -> SectionDraft | None:
        """The section in the editor."""
        return self.model.row_at(self._row) if 0 <= self._row < self.model.rowCount() else None

    def _on_table_current_row_changed(self, current: QModelIndex,
                                      _previous: QModelIndex) -> None:
        self._row = current.row() if current.isValid() else -1
        draft = self.current_draft()
        self.editor.blockSignals(True)
        self.editor.setPlainText(draft.text if draft else "")
        self.editor.blockSignals(False)
        self.section_title.setText(draft.title if draft else "")
        self.placeholder_label.setText(self._placeholder_text(draft))
        self._update()

    def _placeholder_text(self, draft: SectionDraft | None) -> str:
        names = [*self._placeholders,
                 *(n for n in placeholders(draft.default if draft else "")
                   if n not in self._placeholders and f"{{{n}}}" != DETAILS)]
        items = [f"<b>{{{escape(name)}}}</b>&nbsp;{escape(PLACEHOLDER_MEANINGS.get(name, ''))}"
                 for name in names]
        text = "Placeholders, filled in when printed: " + " · ".join(items) + "."
        if draft is not None and DETAILS in draft.default:
            text += (f"<br>Keep <b>{DETAILS}</b> on a line of its own: the programme's own "
                     "data is printed there.")
        return text

    def _on_editor_text_changed(self) -> None:
        draft = self.current_draft()
        if draft is None:
            return
        draft.text = self.editor.toPlainText()
        self.model.refresh(self._row)
        self._update()

    def reset_section(self) -> None:
        """Put the standard wording of the section shown back in the editor."""
        draft = self.current_draft()
        if draft is None or self._read_only:
            return
        self.editor.setPlainText(draft.default)

    def set_text(self, text: str) -> None:
        """Replace the text of the section shown (as if typed)."""
        self.editor.setPlainText(text)

    def changes(self) -> dict[str, str]:
        """The sections whose text differs from what is stored: key to new text."""
        return {d.key: d.text for d in self.model.rows() if d.edited}

    def _update(self) -> None:
        draft = self.current_draft()
        self.reset_button.setEnabled(not self._read_only and draft is not None
                                     and draft.own_wording)
        if draft is None:
            self.state_label.setText("")
        elif not draft.text.strip():
            self.state_label.setText("blank: the standard wording is printed")
        else:
            self.state_label.setText("your own wording" if draft.own_wording
                                     else "the standard wording")
        changed = len(self.changes())
        own = sum(1 for d in self.model.rows() if d.own_wording)
        parts = [f"{own} of {self.model.rowCount()} sections in your own wording"]
        if changed:
            parts.append(f"{changed} not saved yet")
        self.summary_label.setText("; ".join(parts) + ".")
        self.save_button.setEnabled(not self._read_only and bool(changed))

    # ------------------------------------------------------------------ closing

    def save(self) -> bool:
        """Save every changed section together; True once saved (the dialog closes)."""
        if self._read_only:
            return False
        changes = self.changes()
        if changes:
            try:
                self._save(changes)
            except UserError as exc:
                self.error_label.setText(exc.message)
                self.error_label.show()
                return False
        self.accept()
        return True

    def _on_save_clicked(self) -> None:
        self.save()

    def reject(self) -> None:
        """Close without saving, after asking if there are unsaved changes."""
        if self.changes() and not self._read_only and not prompts.confirm(
                self, "Unsaved wording", "Close without saving your changes to the "
                "wording?", "Discard changes"):
            return
        super().reject()
