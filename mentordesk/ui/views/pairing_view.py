"""The Pairing area: the board of proposed pairs with scores and explanations, the mentees
left unmatched and why, and the criteria panel whose sliders re-run the pairing live.

Reading: the board, the last run and the programme's criteria come from the pairing
service; :func:`~mentordesk.services.pairing.load_pool` reads everyone who can be matched
once, so moving a slider only re-runs :func:`~mentordesk.services.pairing.compute_proposal`
on that pool (no database) and shows the result as a draft preview. Nothing is written until
the coordinator saves the preview or presses Propose pairs (a background task).

Writing: accept, lock, swap, reject, forbid and publish each run one service call in one
transaction, then report ``{"pairing", "participants"}`` as changed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import PairingRuleKind, PairingStatus, ProgrammeFormat
from mentordesk.services.pairing import (
    PairingRow,
    PairingSettings,
    Pool,
    Proposal,
    ProposalResult,
    PublishResult,
    RuleRow,
    RunSummary,
    Unmatched,
    accept_pairings,
    allow_pair,
    compute_proposal,
    current_unmatched,
    forbid_pair,
    get_settings,
    last_run,
    list_pairings,
    list_rules,
    load_pool,
    lock_pair,
    propose_pairings,
    publish_pairings,
    reassign_mentee,
    reject_pairing,
    save_proposal,
    save_settings,
    scoring_person,
    supply_and_demand,
    unlock_pair,
)
from mentordesk.services.programmes import ProgrammeRecord, current_programme
from mentordesk.services.scoring import (
    CRITERIA,
    DESCRIPTIONS,
    MAX_WEIGHT,
    Person,
    score_pair,
    shares,
    why_not,
)
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.pairings import (
    STATUS_FILTERS,
    MentorChoice,
    PairingColumn,
    PairingsProxyModel,
    PairingsTableModel,
    Role,
    RuleColumn,
    RulesTableModel,
    SearchProxyModel,
    UnmatchedColumn,
    UnmatchedTableModel,
    explanation_lines,
    is_draft,
    preview_rows,
    status_label,
)
from mentordesk.ui.tasks import Cancelled, Progress, Task, in_transaction
from mentordesk.ui.views.base import AreaView, area_header
from mentordesk.ui.widgets import MUTED_STYLE, Banner, plural, select_source_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.ui.dialogs.supply_dialog import SupplyDemandDialog
    from mentordesk.ui.dialogs.swap_mentor_dialog import SwapMentorDialog

# Every pairing change shows in the participants' detail panel too.
PAIRING_CHANGES = frozenset({"pairing", "participants"})
# Publishing starts pairs, which check-ins and KPIs count.
PUBLISH_CHANGES = frozenset({"pairing", "participants", "checkins", "kpis"})
# A preview is computed on the UI thread while the pool has at most this many
# mentor-mentee pairs (the demo's 26 x 54 takes about 10 ms); larger pools in the background.
LIVE_INLINE_PAIRS = 40_000
PREVIEW_DELAY_MS = 150  # wait for the slider to settle before re-running
OPEN = (PairingStatus.PROPOSED, PairingStatus.ACCEPTED)

CRITERION_LABELS = {
    "complementary_skills": "Complementary skills",
    "experience_gap": "Experience gap",
    "cross_functional": "Cross-functional",
    "shared_interests": "Shared interests",
    "timezone_overlap": "Time-zone overlap",
    "location": "Same location",
    "diversity": "Diversity",
}
CRITERIA_HELP = ("The weights share the 100 points between the criteria. Moving a slider "
                 "re-runs the pairing at once as a draft preview; nothing is saved until you "
                 "press Save as proposal.")



def criterion_label(name: str) -> str:
    """A criterion's name as the panel shows it."""
    return CRITERION_LABELS.get(name, name.replace("_", " ").capitalize())


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def verdict(certified: bool) -> str:
    """The solver's verdict in words."""
    return "Optimal (certified)" if certified else "Best found (not certified optimal)"


# --------------------------------------------------------------------------- the detail


_DETAIL_CSS = """
h2 { margin: 0 0 2px 0; }
h3 { margin: 12px 0 2px 0; }
p { margin: 2px 0; }
.muted { color: #6B6B6B; }
td { padding: 2px 6px 2px 0; vertical-align: middle; }
td.pts { white-space: nowrap; font-weight: bold; }
td.zero { white-space: nowrap; color: #8A8A8A; }
td.total { border-top: 1px solid #BBBBBB; font-weight: bold; padding-top: 4px; }
"""
BAR_WIDTH = 160  # pixels for 100 points
BAR_IMAGE = "bar"  # the image :class:`ExplanationBrowser` draws bars with
_BAR_COLOUR = "#5B8DD6"


def _bar(points: float) -> str:
    width = max(2, round(BAR_WIDTH * min(points, 100) / 100)) if points > 0 else 0
    image = f"<img src='{BAR_IMAGE}' width='{width}' height='10'>" if width else ""
    return f"<td width='{BAR_WIDTH}'>{image}</td>"


def _explanation_table(explanation: str, score: float | None) -> str:
    lines = explanation_lines(explanation)
    if not lines:
        return "<p class='muted'>No explanation was recorded for this pair.</p>"
    body = ""
    for text, points in lines:
        shown = f"+{points:g}" if points is not None else ""
        css = "pts" if points else "zero"
        body += (f"<tr><td class='{css}' align='right'>{shown}</td>{_bar(points or 0)}"
                 f"<td>{escape(text[:1].upper() + text[1:])}</td></tr>")
    if score is not None:
        body += (f"<tr><td class='total' align='right'>{score:g}</td>"
                 "<td class='total' colspan='2'>score, out of 100</td></tr>")
    return f"<table cellspacing='0'>{body}</table>"


def render_pairing(row: PairingRow | None) -> str:
    """The selected pairing's explanation as rich text: each criterion's points, largest
    first, adding up to the score (for a circle, each member's)."""
    if row is None:
        return (f"<html><head><style>{_DETAIL_CSS}</style></head><body>"
                "<p class='muted'>Select a pairing to see why it was proposed: what each "
                "criterion added to the score, largest first.</p></body></html>")
    mentees = row.mentee_names or "(no mentees)"
    title = (f"{escape(row.circle_name)}" if row.circle_name and len(row.members) > 1
             else f"{escape(row.mentor_name)} → {escape(mentees)}")
    facts = [status_label(row) if not is_draft(row) else "Draft preview, not saved"]
    if row.locked:
        facts.append("locked: re-runs keep it")
    if row.score is not None:
        facts.append(f"score {row.score:g}" + (" (the members' average)"
                                               if len(row.members) > 1 else ""))
    if row.start_date is not None:
        facts.append(f"from {row.start_date:%d %b %Y}".replace(" 0", " "))
    who = f"Mentor: {escape(row.mentor_name)}"
    if row.mentor_department:
        who += f" <span class='muted'>({escape(row.mentor_department)})</span>"
    html = (f"<html><head><style>{_DETAIL_CSS}</style></head><body><h2>{title}</h2>"
            f"<p class='muted'>{escape(' · '.join(facts))}</p><p>{who}</p>")
    if len(row.members) == 1:
        member = row.members[0]
        if member.department:
            html += (f"<p>Mentee: {escape(member.name)} <span class='muted'>"
                     f"({escape(member.department)})</span></p>")
        html += "<h3>Why this pair</h3>" + _explanation_table(member.explanation, member.score)
    else:
        for member in row.members:
            dept = f" · {escape(member.department)}" if member.department else ""
            html += (f"<h3>{escape(member.name)}<span class='muted'>{dept}</span></h3>"
                     + _explanation_table(member.explanation, member.score))
    return html + "</body></html>"


class ExplanationBrowser(QTextBrowser):
    """Shows :func:`render_pairing`'s rich text, drawing its points bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.document().setDocumentMargin(10)
        self._bar = QPixmap(4, 4)
        self._bar.fill(QColor(_BAR_COLOUR))

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        if (name.toString() if isinstance(name, QUrl) else name) == BAR_IMAGE:
            return self._bar
        return super().loadResource(type, name)


# --------------------------------------------------------------------------- criteria panel


class CriteriaPanel(QWidget):
    """A slider per criterion, the preferred gap and the options; reports every change.

    Weights stored as fractions (set by the CLI, say) are kept exactly until their slider
    is moved.
    """

    settings_changed = Signal(object)  # PairingSettings, after each change by the user
    save_requested = Signal()
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = PairingSettings()
        self._weights: dict[str, float] = dict(self._base.criteria.weights())
        self.sliders: dict[str, QSlider] = {}
        self.weight_labels: dict[str, QLabel] = {}
        self.share_labels: dict[str, QLabel] = {}

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        for column, text in ((2, "Weight"), (3, "Up to")):
            label = QLabel(text)
            label.setStyleSheet(MUTED_STYLE)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(label, 0, column)
        for row, name in enumerate(CRITERIA, start=1):
            label = QLabel(criterion_label(name))
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, MAX_WEIGHT)
            slider.setPageStep(1)
            slider.setMinimumWidth(90)
            slider.setAccessibleName(criterion_label(name))
            label.setBuddy(slider)
            weight = QLabel()
            weight.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            weight.setMinimumWidth(weight.fontMetrics().horizontalAdvance("10.5"))
            share = QLabel()
            share.setStyleSheet(MUTED_STYLE)
            share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share.setMinimumWidth(share.fontMetrics().horizontalAdvance("100 pts"))
            share.setToolTip("The most points this criterion can give a pair")
            tip = DESCRIPTIONS.get(name, "")
            for widget in (label, slider):
                widget.setToolTip(tip)
                widget.setProperty("criterion", name)
                widget.installEventFilter(self)
            slider.valueChanged.connect(partial(self._on_slider_value_changed, name))
            grid.addWidget(label, row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(weight, row, 2)
            grid.addWidget(share, row, 3)
            self.sliders[name] = slider
            self.weight_labels[name] = weight
            self.share_labels[name] = share

        self.help = QLabel(CRITERIA_HELP)
        self.help.setWordWrap(True)
        self.help.setStyleSheet(MUTED_STYLE)
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.help.setMinimumHeight(self.help.fontMetrics().lineSpacing() * 5)
        self.help.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.gap = QSpinBox()
        self.gap.setRange(1, 10)
        self.gap.setSuffix(" levels ahead")
        self.gap.setToolTip("How many levels ahead of the mentee the mentor should ideally be "
                            "(used by Experience gap)")
        self.gap.valueChanged.connect(self._on_option_changed)
        gap_row = QHBoxLayout()
        gap_label = QLabel("Preferred gap")
        gap_label.setBuddy(self.gap)
        gap_row.addWidget(gap_label)
        gap_row.addStretch(1)
        gap_row.addWidget(self.gap)
        self.avoid_previous = QCheckBox("Avoid previous partners")
        self.avoid_previous.setToolTip("Never pair people who were partners before, in any "
                                       "programme")
        self.avoid_previous.toggled.connect(self._on_option_changed)
        self.max_matched = QCheckBox("Match as many as possible first")
        self.max_matched.setToolTip("On: no mentee is left out to raise the total score. "
                                    "Off: only the total score counts.")
        self.max_matched.toggled.connect(self._on_option_changed)

        self.save_button = QPushButton("Save as proposal")
        self.save_button.setToolTip("Save the draft preview as the programme's proposal, and "
                                    "these criteria as the programme's")
        self.save_button.clicked.connect(self.save_requested)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the programme's saved criteria and pairs")
        self.reset_button.clicked.connect(self.reset_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.help)
        layout.addSpacing(4)
        layout.addLayout(gap_row)
        layout.addWidget(self.avoid_previous)
        layout.addWidget(self.max_matched)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.set_settings(self._base)

    def set_settings(self, settings: PairingSettings) -> None:
        """Show ``settings`` (no ``settings_changed``)."""
        self._base = settings
        self._weights = dict(settings.criteria.weights())
        blockers = [*self.sliders.values(), self.gap, self.avoid_previous, self.max_matched]
        for widget in blockers:
            widget.blockSignals(True)
        for name, slider in self.sliders.items():
            slider.setValue(round(self._weights.get(name, 0)))
        self.gap.setValue(settings.criteria.preferred_gap)
        self.avoid_previous.setChecked(settings.avoid_previous)
        self.max_matched.setChecked(settings.max_matched)
        for widget in blockers:
            widget.blockSignals(False)
        self._update_labels()

    def settings(self) -> PairingSettings:
        """The settings as the panel shows them."""
        criteria = dataclasses.replace(self._base.criteria, **self._weights,
                                       preferred_gap=self.gap.value())
        return dataclasses.replace(self._base, criteria=criteria,
                                   avoid_previous=self.avoid_previous.isChecked(),
                                   max_matched=self.max_matched.isChecked())

    def set_weight(self, name: str, value: int) -> None:
        """Move one slider, as the user would."""
        self.sliders[name].setValue(value)

    def describe(self, name: str) -> None:
        """Show what criterion ``name`` measures under the sliders."""
        self.help.setText(f"<b>{escape(criterion_label(name))}</b>: "
                          f"{escape(DESCRIPTIONS.get(name, ''))}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Enter, QEvent.Type.FocusIn):
            name = watched.property("criterion")
            if isinstance(name, str):
                self.describe(name)
        return super().eventFilter(watched, event)

    def _on_slider_value_changed(self, name: str, value: int) -> None:
        self._weights[name] = value
        self.describe(name)
        self._update_labels()
        self.settings_changed.emit(self.settings())

    def _on_option_changed(self) -> None:
        self.settings_changed.emit(self.settings())

    def _update_labels(self) -> None:
        try:
            points = shares(self.settings().criteria)
        except ValidationError:  # pragma: no cover - the sliders keep weights in range
            points = {}
        for name in self.sliders:
            weight = self._weights.get(name, 0)
            self.weight_labels[name].setText(f"{weight:g}")
            self.share_labels[name].setText(f"{points.get(name, 0) / 10:.0f} pts")


# --------------------------------------------------------------------------- the view


class PairingView(AreaView):
    """The pairing board of the current programme, its criteria and its unmatched mentees."""

    area = "pairing"
    title = "Pairing"
    depends_on = frozenset({"pairing", "participants", "programme"})

    preview_changed = Signal()  # a draft preview was shown or put away

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: ProgrammeRecord | None = None
        self.pool: Pool | None = None
        self.preview: Proposal | None = None  # the draft shown, not saved
        self.saved_settings = PairingSettings()
        self.swap_dialog: SwapMentorDialog | None = None
        self.supply_dialog: SupplyDemandDialog | None = None
        self._saved_rows: list[PairingRow] = []
        self._saved_unmatched: tuple[Unmatched, ...] | None = ()  # None: being worked out
        self._run: RunSummary | None = None
        self._load_problem = ""
        self._select_after_load: int | None = None
        self._preview_generation = 0
        self._preview_task: Task | None = None
        self._preview_progress = ""
        self._unmatched_generation = 0
        # What the latest run of this session had to say (fewer circles than leaders...).
        self._run_notes: tuple[int, tuple[str, ...]] = (0, ())
        self._propose_task: Task | None = None
        self._sized_for = 0  # how many rows the columns were sized for

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.run_preview)

        # Header: title, programme, the programme-wide operations.
        self.propose_button = QPushButton("Propose pairs")
        self.propose_button.setToolTip("Pair everyone not yet in a kept pairing, with the "
                                       "criteria as set, and save the proposal (accepted, "
                                       "active and locked pairs are kept)")
        self.propose_button.clicked.connect(self.propose)
        self.publish_button = QPushButton("Publish…")
        self.publish_button.setToolTip("Make the proposed and accepted pairs active")
        self.publish_button.clicked.connect(self.publish)
        self.supply_button = QPushButton("Supply && demand…")
        self.supply_button.setToolTip("Mentor places against mentees; skills wanted against "
                                      "skills offered")
        self.supply_button.clicked.connect(self.show_supply_and_demand)
        top, self.programme_label = area_header(self.title, self.supply_button, self.publish_button,
                                                self.propose_button)

        # The run's verdict, or the draft's.
        self.verdict_frame = Banner()
        self.verdict_label = self.verdict_frame.headline
        self.details_label = self.verdict_frame.details

        # Criteria.
        self.criteria = CriteriaPanel()
        self.criteria.settings_changed.connect(self._on_criteria_settings_changed)
        self.criteria.save_requested.connect(self.save_preview)
        self.criteria.reset_requested.connect(self.reset)
        criteria_box = QGroupBox("Criteria")
        criteria_layout = QVBoxLayout(criteria_box)
        criteria_layout.addWidget(self.criteria)
        self.pool_label = QLabel()
        self.pool_label.setWordWrap(True)
        self.pool_label.setTextFormat(Qt.TextFormat.RichText)
        pool_box = QGroupBox("Who is being paired")
        pool_layout = QVBoxLayout(pool_box)
        pool_layout.addWidget(self.pool_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(criteria_box)
        left_layout.addWidget(pool_box)
        left_layout.addStretch(1)
        self.criteria_scroll = QScrollArea()
        self.criteria_scroll.setWidget(left)
        self.criteria_scroll.setWidgetResizable(True)
        self.criteria_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.criteria_scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.criteria_scroll.setMinimumWidth(left.sizeHint().width() + 12)

        # The board.
        self.model = PairingsTableModel(self)
        self.proxy = PairingsProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search mentor, mentee, email or department")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.status_filter = QComboBox()
        for label, key in STATUS_FILTERS:
            self.status_filter.addItem(label, key)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter_changed)
        self.count = QLabel()
        self.count.setStyleSheet(MUTED_STYLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(PairingColumn.SCORE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(200)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_selection_changed)
        # Drag a mentee onto another pairing to give them its mentor.
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.table.setDropIndicatorShown(True)
        self.model.mentee_dropped.connect(self._on_model_mentee_dropped)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #6B6B6B; font-size: 13pt; padding: 24px;")
        self.board_stack = QStackedWidget()
        self.board_stack.addWidget(self.table)
        self.board_stack.addWidget(self.empty_label)

        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Accept the selected proposals: re-runs keep them")
        self.accept_button.clicked.connect(self.accept_selected)
        self.lock_button = QPushButton("Lock")
        self.lock_button.clicked.connect(self.toggle_lock)
        self.swap_button = QPushButton("Swap mentor…")
        self.swap_button.setToolTip("Give the mentee another mentor (the new pair is locked); "
                                    "or drag the mentee onto another pairing")
        self.swap_button.clicked.connect(self._on_swap_button_clicked)
        self.swap_menu = QMenu(self)
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("Remove the selected proposals; their people are not "
                                      "proposed together again")
        self.reject_button.clicked.connect(self.reject_selected)
        self.forbid_button = QPushButton("Forbid…")
        self.forbid_button.setToolTip("Never pair the mentor with one of the circle's mentees")
        self.forbid_menu = QMenu(self)
        self.forbid_button.setMenu(self.forbid_menu)
        self.actions_bar = QWidget()
        actions = QHBoxLayout(self.actions_bar)
        actions.setContentsMargins(0, 0, 0, 0)
        for button in (self.accept_button, self.lock_button, self.swap_button,
                       self.reject_button, self.forbid_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count)
        self.filters_bar = QWidget()
        filters = QHBoxLayout(self.filters_bar)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        board_box = QWidget()
        board_layout = QVBoxLayout(board_box)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addWidget(self.filters_bar)
        board_layout.addWidget(self.board_stack, 1)
        board_layout.addWidget(self.actions_bar)

        # Below the board: the selected pairing's explanation, and the unmatched.
        self.detail = ExplanationBrowser()
        self.unmatched_model = UnmatchedTableModel(self)
        self.unmatched_proxy = SearchProxyModel(self)
        self.unmatched_proxy.setSourceModel(self.unmatched_model)
        self.unmatched_table = QTableView()
        self.unmatched_table.setModel(self.unmatched_proxy)
        self.unmatched_table.setSortingEnabled(True)
        self.unmatched_table.sortByColumn(UnmatchedColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.unmatched_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unmatched_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unmatched_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unmatched_table.setAlternatingRowColors(True)
        self.unmatched_table.setWordWrap(False)
        self.unmatched_table.verticalHeader().hide()
        self.unmatched_table.verticalHeader().setDefaultSectionSize(
            self.unmatched_table.fontMetrics().height() + 10)
        unmatched_header = self.unmatched_table.horizontalHeader()
        unmatched_header.setStretchLastSection(True)
        unmatched_header.setResizeContentsPrecision(200)
        for column in (UnmatchedColumn.NAME, UnmatchedColumn.EMAIL):
            unmatched_header.setSectionResizeMode(column,
                                                  QHeaderView.ResizeMode.ResizeToContents)
        self.unmatched_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.unmatched_table.doubleClicked.connect(self._on_unmatched_table_double_clicked)
        self.unmatched_table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.unmatched_table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.unmatched_note = QLabel()
        self.unmatched_note.setStyleSheet(MUTED_STYLE)
        self.choose_mentor_button = QPushButton("Choose a mentor…")
        self.choose_mentor_button.setToolTip("Pair the selected mentee with a mentor you "
                                             "choose (locked, so re-runs keep it)")
        self.choose_mentor_button.clicked.connect(self.choose_mentor_for_unmatched)
        unmatched_buttons = QHBoxLayout()
        unmatched_buttons.addWidget(self.choose_mentor_button)
        unmatched_buttons.addWidget(self.unmatched_note, 1)
        unmatched_box = QWidget()
        unmatched_layout = QVBoxLayout(unmatched_box)
        unmatched_layout.setContentsMargins(6, 6, 6, 6)
        unmatched_layout.addWidget(self.unmatched_table, 1)
        unmatched_layout.addLayout(unmatched_buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.detail, "Why this pairing")
        self.tabs.addTab(unmatched_box, "Unmatched")
        self.tabs.addTab(self._build_rules_box(), "Locks and bans")
        self.tabs.setDocumentMode(True)

        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.addWidget(board_box)
        self.centre.addWidget(self.tabs)
        self.centre.setStretchFactor(0, 3)
        self.centre.setStretchFactor(1, 2)
        self.centre.setChildrenCollapsible(False)
        self.centre.setSizes([420, 260])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.criteria_scroll)
        self.splitter.addWidget(self.centre)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([self.criteria_scroll.minimumWidth(), 900])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.verdict_frame)
        layout.addWidget(self.splitter, 1)
        self.detail.setHtml(render_pairing(None))
        self._update_actions()

    def _build_rules_box(self) -> QWidget:
        """The coordinator's locks and bans, each of which can be lifted."""
        self.rules_model = RulesTableModel(self)
        self.rules_proxy = QSortFilterProxyModel(self)
        self.rules_proxy.setSourceModel(self.rules_model)
        self.rules_proxy.setSortRole(Role.SORT)
        self.rules_table = QTableView()
        self.rules_table.setModel(self.rules_proxy)
        self.rules_table.setSortingEnabled(True)
        self.rules_table.sortByColumn(RuleColumn.KIND, Qt.SortOrder.AscendingOrder)
        self.rules_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rules_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.rules_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rules_table.setAlternatingRowColors(True)
        self.rules_table.setWordWrap(False)
        self.rules_table.verticalHeader().hide()
        self.rules_table.horizontalHeader().setStretchLastSection(True)
        self.rules_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.lift_button = QPushButton("Lift")
        self.lift_button.setToolTip("Remove the selected locks or bans: re-runs may then "
                                    "change or propose these pairs again")
        self.lift_button.clicked.connect(self.lift_selected_rules)
        note = QLabel("Locked pairs stay in every re-run; banned pairs are never proposed "
                      "(a rejected proposal becomes a ban).")
        note.setStyleSheet(MUTED_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.lift_button)
        buttons.addWidget(note, 1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.rules_table, 1)
        layout.addLayout(buttons)
        return box

    def _show_rules(self, rules: Sequence[RuleRow]) -> None:
        self.rules_model.set_rows(rules)
        self.tabs.setTabText(self.tabs.count() - 1, f"Locks and bans ({len(rules):,})")
        self.rules_table.resizeColumnsToContents()

    def selected_rules(self) -> list[RuleRow]:
        """The locks and bans selected in their table."""
        return [self.rules_proxy.index(index.row(), 0).data(Role.ROW)
                for index in self.rules_table.selectionModel().selectedRows()]

    def lift_selected_rules(self) -> None:
        """Lift the selected locks and bans."""
        rules = self.selected_rules()
        if not rules or self.programme is None:
            return
        programme_id = self.programme.id

        def lift(session: Session) -> None:
            for rule in rules:
                if rule.kind == PairingRuleKind.LOCK:
                    unlock_pair(session, programme_id, rule.mentor_id, rule.mentee_id)
                else:
                    allow_pair(session, programme_id, rule.mentor_id, rule.mentee_id)

        if self._write(lift) is not None:
            count = len(rules)
            self._changed(frozenset({"pairing"}),
                          f"Lifted {count} rule{'s' if count != 1 else ''}.")

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        keep = self._select_after_load
        self._select_after_load = None
        programme: ProgrammeRecord | None = None
        self._load_problem = ""
        rows: list[PairingRow] = []
        run: RunSummary | None = None
        settings = PairingSettings()
        pool: Pool | None = None
        unmatched: tuple[Unmatched, ...] | None = ()
        rules: list[RuleRow] = []
        if self.db is not None:
            with self.db.Session() as session:
                programme = current_programme(session)
                if programme is not None:
                    rows = list_pairings(session, programme.id)
                    rules = list_rules(session, programme.id)
                    run = last_run(session, programme.id)
                    try:
                        settings = get_settings(session, programme.id)
                    except ValidationError:
                        self._load_problem = ("The programme's saved criteria could not be "
                                              "read; the defaults are shown.")
                    pool = load_pool(session, programme.id)
                    unmatched = None
                    if _small(pool):
                        unmatched = self._read_unmatched(session, programme.id, pool)
        same_programme = (programme is not None and self.programme is not None
                          and programme.id == self.programme.id)
        self.programme = programme
        self.pool = pool
        self._run = run
        self._saved_rows = rows
        self._saved_unmatched = unmatched
        self.saved_settings = settings
        editing = self.preview is not None or self._preview_timer.isActive()
        if not same_programme or not editing:
            self._drop_preview()
            self.criteria.set_settings(settings)
        if unmatched is None and programme is not None:
            self._start_unmatched_task(programme.id)
        self._update_programme_label()
        self._show_rules(rules)
        self._show_pool()
        self.criteria.setEnabled(programme is not None)
        if self.preview is not None and same_programme:
            # The people changed under the draft: work it out again on the new pool.
            self.run_preview()
        self._show_board(select_id=keep)

    def _read_unmatched(self, session: Session, programme_id: int,
                        pool: Pool | None = None) -> tuple[Unmatched, ...]:
        try:
            return current_unmatched(session, programme_id, pool)
        except UserError as exc:
            self._load_problem = exc.message
            return ()

    def _start_unmatched_task(self, programme_id: int) -> None:
        """Work out why mentees are unmatched in the background (a large programme)."""
        if self.tasks is None or self.db is None:
            self._saved_unmatched = ()
            return
        self._unmatched_generation += 1
        generation = self._unmatched_generation
        db = self.db

        def work(_progress: Progress, _cancelled: Cancelled) -> tuple[Unmatched, ...]:
            with db.Session() as session:
                return current_unmatched(session, programme_id)

        def done(result: tuple[Unmatched, ...]) -> None:
            if generation == self._unmatched_generation:
                self._saved_unmatched = result
                self._show_unmatched()

        def failed(exc: BaseException) -> None:
            if generation == self._unmatched_generation:
                self._saved_unmatched = ()
                self._show_unmatched()
                self.report_failure(exc)

        self.tasks.run("Finding why mentees are unmatched…", work, progress_dialog=False,
                       on_done=done, on_failed=failed)

    def _update_programme_label(self) -> None:
        programme = self.programme
        if programme is None:
            self.programme_label.setText("")
            return
        kind = ("group circles" if programme.data.format == ProgrammeFormat.GROUP
                else "one mentor, one mentee")
        self.programme_label.setText(f"{programme.data.name} · {kind}")

    def _show_pool(self) -> None:
        pool = self.pool
        if pool is None:
            self.pool_label.setText("<span style='color:#6B6B6B'>No programme yet.</span>")
            return
        places = sum(m.capacity for m in pool.mentors)
        where = "places in circles" if pool.circles else "places"
        lines = [f"<b>{len(pool.mentees):,}</b> mentees to pair",
                 f"<b>{len(pool.mentors):,}</b> mentors with <b>{places:,}</b> {where} free"]
        if pool.kept:
            lines.append(f"<b>{len(pool.kept):,}</b> pairings kept as they are (accepted, "
                         "active or locked)")
        if pool.forbidden:
            lines.append(f"{plural(len(pool.forbidden), 'pair')} forbidden")
        short = len(pool.mentees) - places
        if short > 0 and not pool.circles:
            lines.append(f"<span style='color:#B00020'>{plural(short, 'mentee')} more than "
                         "there are places: some stay unmatched.</span>")
        self.pool_label.setText("<br>".join(lines))

    def _apply_read_only(self, read_only: bool) -> None:
        self._update_actions()

    @property
    def writable(self) -> bool:
        """Whether the open database may be changed."""
        return self.db is not None and not self.db.read_only

    @property
    def circles(self) -> bool:
        """Whether the programme pairs in group circles."""
        return self.pool.circles if self.pool is not None else False

    # ------------------------------------------------------------------ showing

    def _show_board(self, select_id: int | None = None) -> None:
        current = self.current_row()
        mentee = current.members[0].participant_id if current and current.members else None
        selected = {r.id for r in self.selected_rows() if not is_draft(r)}
        if self.preview is not None and self.pool is not None:
            rows = preview_rows(self.pool, self.preview, self._saved_rows)
        else:
            rows = self._saved_rows
        self.model.set_rows(rows)
        # Size the columns to the first rows seen, and once more when a first proposal
        # fills a board that had only a few: later, the user's widths are kept.
        if len(rows) > 2 * self._sized_for:
            self._sized_for = max(len(rows), 20)
            self._size_columns()
        if select_id is not None:
            self.select_pairing(select_id)
        elif selected and self.preview is None:
            for number, pairing_id in enumerate(sorted(selected)):
                self.select_pairing(pairing_id, add=number > 0)
        elif mentee is not None:
            row = self.model.row_of_mentee(mentee)
            if row is not None:
                self.select_pairing(self.model.row_at(row).id)
        self._show_empty_state()
        self._show_verdict()
        self._show_unmatched()
        self._update_count()
        self._show_detail()
        self._update_actions()

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        em = self.table.fontMetrics().horizontalAdvance("M")
        # (least, most) widths in "M"s: names stay readable, long departments are elided.
        bounds = {PairingColumn.STATUS: (6, 8), PairingColumn.LOCK: (3, 3),
                  PairingColumn.MENTOR: (10, 13), PairingColumn.MENTEES: (10, 16),
                  PairingColumn.DEPARTMENTS: (12, 17), PairingColumn.SCORE: (4, 5)}
        for column, (least, most) in bounds.items():
            title = self.table.horizontalHeader().fontMetrics().horizontalAdvance(
                str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            least_px = max(least * em, title + 28)  # room for the sort arrow
            header.resizeSection(column, max(least_px,
                                             min(header.sectionSize(column), most * em)))

    def _show_empty_state(self) -> None:
        text = ""
        nobody = True  # nobody to pair: the board's tools and the tabs have nothing to show
        if self.db is None:
            text = "No database is open."
        elif self.programme is None:
            text = ("There is no programme yet. Set one up in the Programme area, then add "
                    "participants.")
        elif self.model.rowCount() == 0:
            pool = self.pool
            if pool is not None and pool.total_mentors == 0 and pool.total_mentees == 0:
                text = ("Add participants first: pairing needs mentors and mentees. Add them "
                        "in the Participants area, or import them from an HR export.")
            elif pool is not None and pool.total_mentors == 0:
                text = "Add mentors first: the programme has mentees but no mentors."
            elif pool is not None and pool.total_mentees == 0:
                text = "Add mentees first: the programme has mentors but no mentees."
            elif self.preview is not None:
                text = "This draft pairs nobody: see Unmatched below for why."
                nobody = False
            else:
                text = "No pairs yet: press Propose pairs."
                nobody = False
        else:
            nobody = False
        self.empty_label.setText(text)
        self.board_stack.setCurrentWidget(self.empty_label if text else self.table)
        for widget in (self.filters_bar, self.actions_bar, self.tabs):
            widget.setVisible(not nobody)

    def _show_verdict(self) -> None:
        style = "plain"
        pool = self.pool
        if self.programme is None:
            headline, details = "No programme yet", ""
        elif self.preview is not None:
            p = self.preview
            style = "preview"
            placed = (f"{plural(len(p.matches), 'mentee')} in circles" if self.circles
                      else plural(len(p.matches), 'pair'))
            headline = (f"Draft preview — not saved: {placed}, "
                        f"total {p.total:,.1f}, {len(p.unmatched):,} unmatched")
            kept = len(pool.kept) if pool is not None else 0
            parts = [f"{verdict(p.certified)} with the criteria as set now "
                     f"({_seconds(p.seconds)})"]
            if kept:
                parts.append(f"{plural(kept, 'pairing')} kept as they are")
            parts += list(p.notes)
            details = ("; ".join(parts) + ". Save as proposal keeps it; Reset goes back to "
                       "the saved pairs.")
            if self._preview_progress:
                details = f"{self._preview_progress} {details}"
        elif self._run is not None:
            run = self._run
            if not run.certified:
                style = "warning"
            placed = (f"{plural(run.proposed, 'mentee')} in circles" if self.circles
                      else plural(run.proposed, 'pair'))
            headline = (f"{verdict(run.certified)} — {placed}, "
                        f"total {run.total_score:,.1f}, {run.unmatched:,} unmatched")
            when = run.created_at
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            details = (f"Last proposed {when.astimezone():%d %b %Y at %H:%M} for "
                       f"{plural(run.mentees, 'mentee')} and "
                       f"{plural(run.mentors, 'mentor')} with places, in "
                       f"{_seconds(run.seconds)}. Now: {self._board_counts()}.")
            run_id, notes = self._run_notes
            if notes and run_id == run.id:
                details += " " + " ".join(notes)
        elif self._saved_rows:
            headline = "No proposal run yet"
            details = f"{self._board_counts()}. Press Propose pairs to pair everyone else."
        else:
            headline = "No pairs yet"
            details = ""
            if pool is not None and pool.mentees and pool.mentors:
                details = (f"{plural(len(pool.mentees), 'mentee')} to pair with "
                           f"{plural(len(pool.mentors), 'mentor')}.")
        if self._load_problem:
            details = f"{details} {self._load_problem}".strip()
        if self._propose_task is not None:
            details = f"Proposing pairs in the background… {details}"
        self.verdict_frame.show_text(headline, details,
                                     "attention" if style == "preview" else style)

    def _board_counts(self) -> str:
        rows = self._saved_rows
        counts = Counter(r.status for r in rows)
        parts = [f"{counts[s]:,} {status_label_plain(s)}" for s in (
            PairingStatus.PROPOSED, PairingStatus.ACCEPTED, PairingStatus.ACTIVE,
            PairingStatus.PAUSED) if counts[s]]
        locked = sum(1 for r in rows if r.locked)
        text = f"{plural(len(rows), 'pairing')}" + (f" ({', '.join(parts)})" if parts else "")
        if locked:
            text += f", {locked:,} locked"
        return text

    def _show_unmatched(self) -> None:
        if self.preview is not None:
            rows: Sequence[Unmatched] | None = self.preview.unmatched
        else:
            rows = self._saved_unmatched
        self.unmatched_model.set_rows(rows or ())
        if rows is None:
            self.tabs.setTabText(1, "Unmatched (…)")
            self.unmatched_note.setText("Working out who is unmatched and why…")
        else:
            self.tabs.setTabText(1, f"Unmatched ({len(rows):,})")
            if self.preview is not None:
                self.unmatched_note.setText("In the draft preview.")
            elif rows:
                self.unmatched_note.setText("Mentees with no open pairing now, and why. Drag "
                                            "one onto a pairing to give them its mentor.")
            else:
                self.unmatched_note.setText("Every mentee has a pairing." if self.programme
                                            else "")

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "pairing" if total == 1 else "pairings"
        self.count.setText(f"{total:,} {noun}" if shown == total
                           else f"{shown:,} of {total:,} {noun} shown")

    def _show_detail(self) -> None:
        self.detail.setHtml(render_pairing(self.current_row()))

    # ------------------------------------------------------------------ selection

    def selected_rows(self) -> list[PairingRow]:
        """The pairings selected on the board, in the board's order."""
        rows = self.table.selectionModel().selectedRows()
        return [index.data(Role.ROW) for index in sorted(rows, key=lambda i: i.row())]

    def current_row(self) -> PairingRow | None:
        """The pairing whose explanation is shown: the current row if selected."""
        index = self.table.currentIndex()
        selected = self.table.selectionModel().selectedRows()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            row: PairingRow = index.data(Role.ROW)
            return row
        return selected[0].data(Role.ROW) if selected else None

    def select_pairing(self, pairing_id: int, *, add: bool = False) -> bool:
        """Select (or with ``add``, also select) ``pairing_id`` if it is shown."""
        return select_source_row(self.table, self.proxy, self.model.row_of(pairing_id), add=add)

    def select_mentee(self, mentee_id: int) -> bool:
        """Select the pairing of ``mentee_id`` if it is shown."""
        row = self.model.row_of_mentee(mentee_id)
        return row is not None and self.select_pairing(self.model.row_at(row).id)

    def _on_selection_changed(self) -> None:
        self._show_detail()
        self._update_actions()

    def _editable_rows(self) -> list[PairingRow]:
        """Selected saved pairings that can still be changed (not published)."""
        if self.preview is not None:
            return []
        return [r for r in self.selected_rows() if not is_draft(r) and r.status in OPEN]

    def _update_actions(self) -> None:
        editing = self.writable and self.preview is None and self._propose_task is None
        rows = self._editable_rows() if editing else []
        current = self.current_row()
        current_open = (editing and current is not None and not is_draft(current)
                        and current.status in OPEN and bool(current.members))
        self.accept_button.setEnabled(any(r.status == PairingStatus.PROPOSED for r in rows))
        unlock = bool(rows) and all(r.locked for r in rows)
        self.lock_button.setText("Unlock" if unlock else "Lock")
        self.lock_button.setToolTip(
            "Let re-runs change the selected pairs again" if unlock
            else "Keep the selected pairs in every re-run")
        self.lock_button.setEnabled(bool(rows))
        self.reject_button.setEnabled(bool(rows))
        members = current.members if current_open and current is not None else ()
        self.swap_button.setEnabled(bool(members))
        self.forbid_button.setVisible(self.circles)
        self.forbid_button.setEnabled(bool(members))
        self._fill_member_menu(self.swap_menu, members, self.swap_mentor)
        self._fill_member_menu(self.forbid_menu, members, self.forbid)
        has_programme = self.programme is not None and self.pool is not None
        pool = self.pool
        self.propose_button.setEnabled(
            self.writable and has_programme and self._propose_task is None
            and pool is not None and bool(pool.mentees) and bool(pool.mentors))
        self.publish_button.setEnabled(
            self.writable and self._propose_task is None
            and any(r.status in OPEN for r in self._saved_rows))
        self.supply_button.setEnabled(has_programme)
        unmatched = self.unmatched_table.selectionModel().selectedRows()
        self.choose_mentor_button.setEnabled(editing and bool(unmatched)
                                             and pool is not None and bool(pool.mentors))
        self.model.editable = editing
        self.unmatched_model.editable = editing
        self.lift_button.setEnabled(self.writable and self.preview is None
                                    and bool(self.rules_table.selectionModel().selectedRows()))
        self.criteria.save_button.setEnabled(self.writable and self.preview is not None
                                             and self._propose_task is None)
        self.criteria.reset_button.setEnabled(
            self.preview is not None or self._preview_timer.isActive()
            or self.criteria.settings() != self.saved_settings)

    def _fill_member_menu(self, menu: QMenu, members: Sequence[Any],
                          slot: Callable[[int], object]) -> None:
        menu.clear()
        for member in members:
            if member.participant_id is not None:
                action = menu.addAction(member.name)
                action.triggered.connect(partial(slot, member.participant_id))

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self.unmatched_proxy.set_search(text)
        self._update_count()

    def _on_status_filter_changed(self) -> None:
        self.proxy.set_status(self.status_filter.currentData() or "")
        self._update_count()

    def _on_table_context_menu_requested(self, position: QPoint) -> None:
        menu = self.context_menu()
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(position))

    def context_menu(self) -> QMenu | None:
        """The menu of what can be done with the selected pairings (right-click)."""
        current = self.current_row()
        if current is None:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for button, slot in ((self.accept_button, self.accept_selected),
                             (self.lock_button, self.toggle_lock),
                             (self.reject_button, self.reject_selected)):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(slot)
        menu.addSeparator()
        editable = self.swap_button.isEnabled()
        members = [m for m in current.members if m.participant_id is not None]
        member_actions: tuple[tuple[str, str, Callable[[int], object]], ...] = (
            ("Swap mentor for", "Swap mentor for {mentee}…", self.swap_mentor),
            ("Never pair the mentor with",
             f"Never pair {current.mentor_name} with {{mentee}}", self.forbid))
        for verb, single, member_slot in member_actions:
            if len(members) == 1 and members[0].participant_id is not None:
                action = menu.addAction(single.format(mentee=members[0].name))
                action.setEnabled(editable)
                action.triggered.connect(partial(member_slot, members[0].participant_id))
            elif members:
                sub = menu.addMenu(verb)
                sub.setEnabled(editable)
                self._fill_member_menu(sub, members, member_slot)
        return menu

    # ------------------------------------------------------------------ live preview

    def _on_criteria_settings_changed(self, _settings: PairingSettings) -> None:
        if self.pool is None:
            return
        self._preview_timer.start()
        self._update_actions()

    def run_preview(self) -> None:
        """Re-run the pairing on the loaded pool with the panel's criteria, as a draft
        (inline for a typical programme, in the background for a large one)."""
        self._preview_timer.stop()
        pool = self.pool
        if pool is None:
            return
        settings = self.criteria.settings()
        self._preview_generation += 1
        generation = self._preview_generation
        if self._preview_task is not None:
            self._preview_task.cancel()
        if _small(pool) or self.tasks is None:
            try:
                proposal = compute_proposal(pool, settings)
            except UserError as exc:
                self._on_preview_failed(generation, exc)
                return
            self._on_preview_done(generation, proposal)
            return

        def work(progress: Progress, cancelled: Cancelled) -> Proposal:
            return compute_proposal(pool, settings, progress=progress, cancelled=cancelled)

        self._preview_progress = "Re-running with the new criteria…"
        self._show_verdict()
        task = self.tasks.run("Previewing pairs…", work, progress_dialog=False,
                              on_done=partial(self._on_preview_done, generation),
                              on_failed=partial(self._on_preview_failed, generation))
        task.progressed.connect(partial(self._on_preview_progressed, generation))
        task.ended.connect(partial(self._on_preview_task_ended, task))
        self._preview_task = task

    def _on_preview_progressed(self, generation: int, done: int, total: int) -> None:
        if generation == self._preview_generation and total > 0:
            self._preview_progress = f"Re-running with the new criteria… {done * 100 // total}%"
            self._show_verdict()

    def _on_preview_task_ended(self, task: Task) -> None:
        if self._preview_task is task:
            self._preview_task = None

    def _on_preview_done(self, generation: int, proposal: Proposal) -> None:
        if generation != self._preview_generation:
            return  # a newer preview is on its way
        self._preview_progress = ""
        self.preview = proposal
        self._show_board()
        self.preview_changed.emit()

    def _on_preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._preview_generation:
            return
        self._preview_progress = ""
        self._show_verdict()
        self.report_failure(exc)

    def _drop_preview(self) -> bool:
        """Forget the draft (and any on its way); True if there was one."""
        self._preview_timer.stop()
        self._preview_generation += 1
        self._preview_progress = ""
        if self._preview_task is not None:
            self._preview_task.cancel()
        had = self.preview is not None
        self.preview = None
        return had

    def reset(self) -> None:
        """Back to the programme's saved criteria and the saved board."""
        had = self._drop_preview()
        self.criteria.set_settings(self.saved_settings)
        self._show_board()
        if had:
            self.preview_changed.emit()

    def save_preview(self) -> ProposalResult | None:
        """Save the draft as the programme's proposal, and its criteria as the programme's."""
        proposal = self.preview
        if proposal is None or self.programme is None:
            return None
        programme_id = self.programme.id

        def save(session: Session) -> ProposalResult:
            save_settings(session, programme_id, proposal.settings)
            return save_proposal(session, programme_id, proposal)

        done = self._write(save)
        if done is None:
            return None
        self._drop_preview()
        result = done[0]
        self._run_notes = (result.run_id, result.proposal.notes)
        self._changed(PAIRING_CHANGES, _proposed_message(result))
        self.preview_changed.emit()
        return result

    # ------------------------------------------------------------------ operations

    def _changed(self, areas: frozenset[str], message: str) -> None:
        self.data_changed.emit(areas)
        if message:
            self.status_message.emit(message)

    def propose(self) -> Task | None:
        """Propose pairs for everyone not in a kept pairing and save them, in the background
        (with the criteria as the panel shows them, saved with the programme if changed)."""
        if (not self.writable or self.programme is None or self.tasks is None
                or self._propose_task is not None or self.db is None):
            return None
        settings = self.criteria.settings()
        custom = settings if settings != self.saved_settings else None
        programme_id = self.programme.id

        def work(session: Session, progress: Progress, cancelled: Cancelled) -> ProposalResult:
            return propose_pairings(session, programme_id, custom, progress=progress,
                                    cancelled=cancelled)

        task = self.tasks.run("Proposing pairs…", in_transaction(self.db, work),
                              on_done=self._on_proposed, on_failed=self.report_failure,
                              on_cancelled=self._on_propose_cancelled)
        task.ended.connect(self._on_propose_ended)
        self._propose_task = task
        self._show_verdict()
        self._update_actions()
        return task

    def _on_proposed(self, result: ProposalResult) -> None:
        self._run_notes = (result.run_id, result.proposal.notes)
        had = self._drop_preview()
        self._changed(PAIRING_CHANGES, _proposed_message(result))
        if had:
            self.preview_changed.emit()

    def _on_propose_cancelled(self) -> None:
        self.status_message.emit("Cancelled: nothing was proposed.")

    def _on_propose_ended(self) -> None:
        self._propose_task = None
        self._show_verdict()
        self._update_actions()

    def accept_selected(self) -> list[int]:
        """Accept the selected proposals (re-runs keep them); returns those accepted."""
        ids = [r.id for r in self._editable_rows() if r.status == PairingStatus.PROPOSED]
        if not ids or not self.writable:
            return []
        done = self._write(lambda session: accept_pairings(session, ids))
        if done is None:
            return []
        accepted = done[0]
        self._select_after_load = ids[0]
        self._changed(PAIRING_CHANGES, f"Accepted {plural(len(accepted), 'pairing')}.")
        return accepted

    def toggle_lock(self) -> bool:
        """Lock the selected pairings, or unlock them if all are locked already."""
        rows = self._editable_rows()
        if not rows or self.programme is None or not self.writable:
            return False
        unlock = all(r.locked for r in rows)
        programme_id = self.programme.id

        def change(session: Session) -> None:
            for row in rows:
                for member in row.members:
                    if row.mentor_id is None or member.participant_id is None:
                        continue
                    if unlock:
                        unlock_pair(session, programme_id, row.mentor_id, member.participant_id)
                    else:
                        lock_pair(session, programme_id, row.mentor_id, member.participant_id)

        if self._write(change) is None:
            return False
        self._select_after_load = rows[0].id
        verb = "Unlocked" if unlock else "Locked"
        self._changed(PAIRING_CHANGES, f"{verb} {plural(len(rows), 'pairing')}"
                      + ("." if unlock else ": every re-run keeps them."))
        return True

    def reject_selected(self) -> bool:
        """Remove the selected proposals; their people are not proposed together again."""
        rows = self._editable_rows()
        if not rows or not self.writable:
            return False
        if len(rows) > 1 and not prompts.confirm(
                self, "Reject pairings",
                f"Reject {len(rows)} pairings?\n\nTheir mentors and mentees are not proposed "
                "together again; the mentees are paired with someone else at the next run.",
                "Reject"):
            return False

        def reject(session: Session) -> None:
            for row in rows:
                reject_pairing(session, row.id)

        if self._write(reject) is None:
            return False
        message = (f"Rejected {rows[0].mentor_name} with {rows[0].mentee_names}: they are not "
                   "proposed together again." if len(rows) == 1
                   else f"Rejected {len(rows)} pairings.")
        self._changed(PAIRING_CHANGES, message)
        return True

    def forbid(self, mentee_id: int | None = None) -> bool:
        """Never pair the current pairing's mentor with ``mentee_id`` (its only mentee by
        default); a proposal of them is removed."""
        row = self.current_row()
        if row is None or row.mentor_id is None or self.programme is None or is_draft(row):
            return False
        members = {m.participant_id: m for m in row.members if m.participant_id is not None}
        if mentee_id is None and len(members) == 1:
            mentee_id = next(iter(members))
        if mentee_id not in members or not self.writable:
            return False
        programme_id, mentor_id = self.programme.id, row.mentor_id
        done = self._write(lambda session: forbid_pair(session, programme_id, mentor_id,
                                                       mentee_id))
        if done is None:
            return False
        self._changed(PAIRING_CHANGES, f"{row.mentor_name} and {members[mentee_id].name} "
                      "will not be paired again.")
        return True

    def publish(self) -> PublishResult | None:
        """Make the proposed and accepted pairs active, once confirmed."""
        if not self.writable or self.programme is None:
            return None
        open_rows = [r for r in self._saved_rows if r.status in OPEN]
        if not open_rows:
            prompts.show_error(self, "Publish pairings", "There are no proposed or accepted "
                               "pairs to publish. Press Propose pairs first.")
            return None
        accepted = sum(1 for r in open_rows if r.status == PairingStatus.ACCEPTED)
        proposed = len(open_rows) - accepted
        today = datetime.now(UTC).date()
        start = self.programme.data.start_date
        start = max(start, today) if start else today
        split = []
        if accepted:
            split.append(f"{accepted} accepted")
        if proposed:
            split.append(f"{proposed} still proposed")
        text = (f"Publish {plural(len(open_rows), 'pairing')} ({' and '.join(split)})?\n\n"
                f"They become active from {_day(start)}, and check-ins can be scheduled for "
                "them. Published pairs are no longer changed by re-runs.")
        unmatched = len(self._saved_unmatched or ())
        if unmatched:
            text += f"\n\n{plural(unmatched, 'mentee')} {'is' if unmatched == 1 else 'are'} " \
                    "still unmatched."
        if self.preview is not None:
            text += "\n\nThe draft preview is not saved, so it is not published."
        if not prompts.confirm(self, "Publish pairings", text, "Publish"):
            return None
        programme_id = self.programme.id
        done = self._write(lambda session: publish_pairings(session, programme_id))
        if done is None:
            return None
        result = done[0]
        self._changed(PUBLISH_CHANGES, f"Published {plural(len(result.published), 'pairing')}"
                      + (f": active from {_day(result.start_date)}." if result.start_date
                         else "."))
        return result

    # ------------------------------------------------------------------ swapping

    def _on_swap_button_clicked(self) -> None:
        row = self.current_row()
        if row is not None and len(row.members) == 1:
            self.swap_mentor()
        elif row is not None and row.members:  # a circle: whose mentor?
            self.swap_menu.popup(self.swap_button.mapToGlobal(
                self.swap_button.rect().bottomLeft()))

    def swap_mentor(self, mentee_id: int | None = None) -> SwapMentorDialog | None:
        """Open the mentor chooser for ``mentee_id`` (the current pairing's only mentee by
        default); choosing one reassigns the mentee, locked."""
        row = self.current_row()
        if row is None or is_draft(row) or row.status not in OPEN:
            return None
        if mentee_id is None:
            if len(row.members) != 1 or row.members[0].participant_id is None:
                return None
            mentee_id = row.members[0].participant_id
        member = next((m for m in row.members if m.participant_id == mentee_id), None)
        if member is None:
            return None
        return self._open_swap(mentee_id, member.name, row)

    def _on_unmatched_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex,
                                           ) -> None:
        if index.isValid() and self.choose_mentor_button.isEnabled():
            self.choose_mentor_for_unmatched()

    def choose_mentor_for_unmatched(self) -> SwapMentorDialog | None:
        """Open the mentor chooser for the unmatched mentee selected."""
        selected = self.unmatched_table.selectionModel().selectedRows()
        if not selected or self.preview is not None:
            return None
        unmatched: Unmatched = selected[0].data(Role.ROW)
        return self._open_swap(unmatched.participant_id, unmatched.name, None)

    def _open_swap(self, mentee_id: int, name: str,
                   row: PairingRow | None) -> SwapMentorDialog | None:
        if not self.writable or self.pool is None or self.swap_dialog is not None:
            return None
        from mentordesk.ui.dialogs.swap_mentor_dialog import SwapMentorDialog

        mentee = self._mentee_person(mentee_id)
        if mentee is None:
            return None
        choices = self.mentor_choices(mentee, row.mentor_id if row else None)
        dialog = SwapMentorDialog(name, choices, current_mentor=row.mentor_name if row else "",
                                  parent=self)
        dialog.accepted.connect(partial(self._on_swap_dialog_accepted, mentee_id, name))
        dialog.finished.connect(self._on_swap_dialog_finished)
        self.swap_dialog = dialog
        dialog.open()
        return dialog

    def _mentee_person(self, mentee_id: int) -> Person | None:
        """The mentee as scoring sees them: from the pool, or read if a kept pairing holds
        them."""
        if self.pool is not None:
            for candidate in self.pool.mentees:
                if candidate.person.id == mentee_id:
                    return candidate.person
        if self.db is None:
            return None
        try:
            with self.db.Session() as session:
                return scoring_person(session, mentee_id)
        except UserError as exc:
            self.report_failure(exc)
            return None

    def mentor_choices(self, mentee: Person, current_mentor: int | None) -> list[MentorChoice]:
        """The mentors with places in the programme, as candidates for ``mentee``: the score
        each pair would have with the saved criteria, or why they may not be paired."""
        pool = self.pool
        if pool is None:
            return []
        settings = self.saved_settings
        drafts: Counter[int] = Counter()
        weakest: dict[int, tuple[float, int, str]] = {}  # mentor -> the draft making way
        for row in self._saved_rows:
            if row.mentor_id is not None and row.status == PairingStatus.PROPOSED \
                    and not row.locked:
                drafts[row.mentor_id] += len(row.members)
                for member in row.members:
                    key = (member.score or 0.0, row.id, member.name)
                    if member.participant_id != mentee.id and key < weakest.get(
                            row.mentor_id, (float("inf"), 0, "")):
                        weakest[row.mentor_id] = key
        choices = []
        for candidate in pool.mentors:
            mentor = candidate.person
            places = candidate.capacity - drafts[mentor.id]
            reason = why_not(mentor, mentee)
            notes: list[str] = []
            if mentor.id == current_mentor:
                reason = "their mentor now"
            elif reason is None:
                if (mentor.id, mentee.id) in pool.forbidden:
                    notes.append("you forbade this pair; choosing it lifts that")
                if (mentor.id, mentee.id) in pool.previous or \
                        (mentee.id, mentor.id) in pool.previous:
                    notes.append("partners before")
                if places <= 0 and mentor.id in weakest:
                    lowest, _id, name = weakest[mentor.id]
                    notes.append(f"full: {name} ({lowest:g}) would lose this mentor")
            score = (score_pair(mentor, mentee, settings.criteria, on=pool.on).tenths / 10
                     if reason is None else None)
            note = reason or "; ".join(notes)
            choices.append(MentorChoice(
                mentor_id=mentor.id, name=mentor.name, department=mentor.department,
                score=score, places=places, allowed=reason is None,
                note=note[:1].upper() + note[1:]))
        return choices

    def _on_model_mentee_dropped(self, mentee_id: int, mentor_id: int) -> None:
        # After the drop has finished: the board is reloaded, which a drop must not do.
        QTimer.singleShot(0, self, partial(self._reassign_dropped, mentee_id, mentor_id))

    def _reassign_dropped(self, mentee_id: int, mentor_id: int) -> None:
        if self.preview is not None or not self.writable:
            return
        name = next((m.name for r in self._saved_rows for m in r.members
                     if m.participant_id == mentee_id), "")
        name = name or next((u.name for u in self._saved_unmatched or ()
                             if u.participant_id == mentee_id), "")
        self.reassign(mentee_id, mentor_id, name)

    def _on_swap_dialog_accepted(self, mentee_id: int, name: str) -> None:
        dialog = self.swap_dialog
        mentor_id = dialog.selected_mentor_id() if dialog is not None else None
        if mentor_id is not None:
            self.reassign(mentee_id, mentor_id, name)

    def _on_swap_dialog_finished(self) -> None:
        dialog, self.swap_dialog = self.swap_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def reassign(self, mentee_id: int, mentor_id: int, mentee_name: str = "") -> int | None:
        """Give ``mentee_id`` the mentor ``mentor_id`` (locked); returns the pairing id."""
        if self.programme is None:
            return None
        programme_id = self.programme.id
        done = self._write(lambda session: reassign_mentee(session, programme_id, mentee_id,
                                                           mentor_id))
        if done is None:
            return None
        pairing_id = done[0]
        self._select_after_load = pairing_id
        mentor = next((c.person.name for c in self.pool.mentors if c.person.id == mentor_id),
                      "the mentor") if self.pool is not None else "the mentor"
        who = mentee_name or "The mentee"
        self._changed(PAIRING_CHANGES, f"{who} is now paired with {mentor}, locked so "
                      "re-runs keep it.")
        return pairing_id

    # ------------------------------------------------------------------ supply and demand

    def show_supply_and_demand(self) -> SupplyDemandDialog | None:
        """Open the supply and demand report for the programme."""
        if self.db is None or self.programme is None:
            return None
        if self.supply_dialog is not None:
            self.supply_dialog.raise_()
            return self.supply_dialog
        from mentordesk.ui.dialogs.supply_dialog import SupplyDemandDialog

        with self.db.Session() as session:
            report = supply_and_demand(session, self.programme.id)
        dialog = SupplyDemandDialog(report, circles=self.circles, parent=self)
        dialog.finished.connect(self._on_supply_dialog_finished)
        self.supply_dialog = dialog
        dialog.open()
        return dialog

    def _on_supply_dialog_finished(self) -> None:
        dialog, self.supply_dialog = self.supply_dialog, None
        if dialog is not None:
            dialog.deleteLater()


def _small(pool: Pool) -> bool:
    return len(pool.mentors) * len(pool.mentees) <= LIVE_INLINE_PAIRS


def _day(value: date | None) -> str:
    return f"{value:%d %B %Y}".lstrip("0") if value else ""


def status_label_plain(status: PairingStatus) -> str:
    """A status in lower case words, for counts ("3 proposed")."""
    return str(status).replace("_", " ")


def _proposed_message(result: ProposalResult) -> str:
    p = result.proposal
    kept = f", {result.kept:,} kept" if result.kept else ""
    return (f"Proposed {plural(len(p.matches), 'pair')}{kept}: "
            f"{verdict(p.certified).lower()}, total {p.total:,.1f}, "
            f"{len(p.unmatched):,} unmatched.")
