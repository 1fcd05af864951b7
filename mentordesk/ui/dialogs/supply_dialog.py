"""The supply and demand report: mentor places against mentees, skills wanted against
skills offered, for recruiting the mentors the programme lacks."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.services.pairing import SupplyDemand
from mentordesk.ui.qtmodels.pairings import (
    SearchProxyModel,
    SkillColumn,
    SkillSupplyTableModel,
)


def summary_html(report: SupplyDemand, *, circles: bool = False) -> str:
    """Places against mentees, and the languages short of places, as rich text."""
    places = "places in circles" if circles else "places"
    mentors = "mentor" if report.mentors == 1 else "mentors"
    lines = [f"<b>{report.mentees}</b> mentees, <b>{report.mentors}</b> {mentors} offering "
             f"<b>{report.places}</b> {places}."]
    if report.shortfall:
        lines.append(f"<span style='color:#B00020'>{report.shortfall} mentee"
                     f"{'s' if report.shortfall != 1 else ''} more than there are places: "
                     "recruit mentors or raise capacities.</span>")
    else:
        lines.append(f"{report.places - report.mentees} places to spare.")
    gaps = report.gaps()
    if gaps:
        names = ", ".join(escape(s.skill) for s in gaps[:3])
        lines.append(f"Largest skill gaps: {names}.")
    short = [x for x in report.languages if x.mentees > x.places]
    if short:
        lines.append("Languages short of places: " + ", ".join(
            f"{escape(x.language)} ({x.mentees} mentees, {x.places} places)" for x in short)
            + ".")
    return "<br>".join(lines)


class SupplyDemandDialog(QDialog):
    """Shows :func:`~mentordesk.services.pairing.supply_and_demand` for the programme."""

    def __init__(self, report: SupplyDemand, *, circles: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supply and demand")
        self.summary = QLabel(summary_html(report, circles=circles))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = SkillSupplyTableModel(report.skills, self)
        self.proxy = SearchProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SkillColumn.WANTED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        skills_label = QLabel("Skills mentees want to develop, against mentors strong in them "
                              "(level 3 of 5 or above):")
        skills_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(skills_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 520)
