"""The page shown for an area that is planned but not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mentordesk.ui.views.base import AreaView, heading


class PlaceholderView(AreaView):
    """Says plainly that the area is not built yet and what it will do."""

    def __init__(self, area: str, title: str, description: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.title = title
        self.message = QLabel(f"{title} is not built yet: coming in a later release.")
        self.message.setWordWrap(True)
        self.description = QLabel(description)
        self.description.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(heading(title))
        layout.addSpacing(8)
        layout.addWidget(self.message)
        layout.addWidget(self.description)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)


class PendingView(AreaView):
    """Stands in for an area that reads the database until a database is open."""

    def __init__(self, area: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.title = title
        self.message = QLabel("Opening the database…")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(heading(title))
        layout.addSpacing(8)
        layout.addWidget(self.message)
        layout.addStretch(1)
