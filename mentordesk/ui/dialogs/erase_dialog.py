"""The confirmation before erasing a person: what goes, what stays, and typing their email."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mentordesk.services.privacy import ErasurePlan


def _bullets(items: tuple[str, ...]) -> str:
    if not items:
        return "<p>Nothing.</p>"
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


class EraseDialog(QDialog):
    """Says exactly what erasing ``plan``'s person removes and keeps.

    The destructive button stays disabled until the person's email is typed (or, for a
    record without one, "I understand this cannot be undone" is ticked), so it cannot be
    pressed by habit.
    """

    def __init__(self, plan: ErasurePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Erase person")
        self.title_label = QLabel(f"<h3>Erase {escape(plan.name)}?</h3>"
                                  + (f"<p><b>{escape(plan.email)}</b></p>" if plan.email
                                     else ""))
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.details = QLabel(
            "<p><b>This removes for good:</b></p>" + _bullets(plan.removes)
            + "<p><b>This keeps, without their name:</b></p>" + _bullets(plan.keeps)
            + "<p>This cannot be undone. Backups taken before now still contain their data; "
              "if one is restored, MentorDesk erases them again.</p>")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setObjectName("erase_details")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.details)

        self.email_input: QLineEdit | None = None
        self.understood: QCheckBox | None = None
        if plan.email:
            prompt = QLabel("To confirm, type their email address (shown above):")
            prompt.setWordWrap(True)
            self.email_input = QLineEdit()
            self.email_input.textChanged.connect(self._update_button)
            layout.addWidget(prompt)
            layout.addWidget(self.email_input)
        else:
            self.understood = QCheckBox("I understand this cannot be undone")
            self.understood.toggled.connect(self._update_button)
            layout.addWidget(self.understood)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button: QPushButton = self.buttons.addButton(
            "Erase permanently", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setStyleSheet("QPushButton:enabled { color: #B00020; }")
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        layout.addWidget(self.buttons)
        self._update_button()
        self.setMinimumWidth(520)

    def confirmed(self) -> bool:
        """Whether the user did what the dialog asks before erasing."""
        if self.email_input is not None:
            typed = self.email_input.text().strip().casefold()
            return typed == self.plan.email.strip().casefold()
        return self.understood is not None and self.understood.isChecked()

    def _update_button(self) -> None:
        self.erase_button.setEnabled(self.confirmed())

    def accept(self) -> None:
        if self.confirmed():  # Enter in the email field must not get round the check
            super().accept()
