"""How to write a CSV export: the delimiter and the encoding the receiving program expects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

DELIMITERS = (
    (",", "Comma ( , )"),
    (";", "Semicolon ( ; ) — Excel in most of Europe"),
)
ENCODINGS = (
    ("utf-8", "UTF-8 — most programs"),
    ("utf-8-sig", "UTF-8 with BOM — for Excel"),
    ("cp1252", "Windows-1252 — older Windows programs (Western European letters only)"),
)


class CsvFormatDialog(QDialog):
    """Asks for the delimiter and encoding of a CSV export."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CSV format")
        intro = QLabel(f"How should {path.name} be written?")
        intro.setWordWrap(True)
        self.delimiter_combo = QComboBox()
        for value, label in DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.encoding_combo = QComboBox()
        for value, label in ENCODINGS:
            self.encoding_combo.addItem(label, value)
        self.encoding_combo.setCurrentIndex(1)  # Excel is what most coordinators open it in
        form = QFormLayout()
        form.addRow("Separate columns with", self.delimiter_combo)
        form.addRow("Encoding", self.encoding_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def delimiter(self) -> str:
        """The chosen delimiter."""
        return str(self.delimiter_combo.currentData())

    def encoding(self) -> str:
        """The chosen encoding, as a Python codec name."""
        return str(self.encoding_combo.currentData())
