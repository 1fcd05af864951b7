"""The Check-ins area: the agenda of meetings by week or month, logging each one as held,
missed or cancelled, moving and skipping one, each pair's rhythm, the pairs to nudge, and
exporting the calendar invitations.

Reading: the agenda, the pairs' rhythms and the pairs to nudge come from the check-ins
service (:func:`~mentordesk.services.checkins.list_checkins`,
:func:`~mentordesk.services.checkins.get_series`,
:func:`~mentordesk.services.checkins.overdue_pairs`); moving through the weeks reads only
the agenda again.

Writing: logging, moving, skipping and setting a rhythm each run one service call in one
transaction, then report ``{"checkins", "kpis", "participants"}`` as changed (the KPIs
count meetings held; a participant's panel lists their check-ins). Scheduling every pair
at once and exporting the invitations run in the background.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    QUrlQuery,
)
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import ValidationError
from mentordesk.models import Cadence, CheckinFrequency, CheckinOutcome, PairingStatus
from mentordesk.services.checkins import (
    CheckinRow,
    InviteExport,
    Schedule,
    export_invitations,
    list_checkins,
    list_series,
    log_checkin,
    log_checkin_by_id,
    move_checkin,
    overdue_pairs,
    pairings_without_series,
    schedule_all,
    schedule_checkins,
    skip_checkin,
)
from mentordesk.services.pairing import list_pairings
from mentordesk.services.programmes import ProgrammeRecord, current_programme
from mentordesk.services.validation import check_timezone
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.checkins import (
    OUTCOME_FILTERS,
    CheckinColumn,
    CheckinsProxyModel,
    CheckinsTableModel,
    NudgeColumn,
    NudgeRow,
    NudgeTableModel,
    PairColumn,
    PairSchedule,
    PairSchedulesTableModel,
    Period,
    Role,
    day_text,
    nudge_rows,
    pair_label,
    period_range,
    period_title,
    step_period,
)
from mentordesk.ui.tasks import Cancelled, Progress, Task, in_transaction
from mentordesk.ui.views.base import AreaView, add_shortcut, area_header
from mentordesk.ui.widgets import MUTED_STYLE, Banner, plural, select_source_row

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.ui.dialogs.checkin_dialogs import (
        LogCheckinDialog,
        LogEntry,
        MoveCheckinDialog,
    )
    from mentordesk.ui.dialogs.invite_export_dialog import InviteExportDialog
    from mentordesk.ui.dialogs.schedule_dialog import (
        ScheduleAllDialog,
        ScheduleDefaults,
        ScheduleDialog,
    )

# Logging, moving or planning meetings: the KPIs count meetings held, and a participant's
# panel lists their check-ins.
CHECKIN_CHANGES = frozenset({"checkins", "kpis", "participants"})
CADENCE_RHYTHMS = {Cadence.WEEKLY: (CheckinFrequency.WEEKLY, 1),
                   Cadence.FORTNIGHTLY: (CheckinFrequency.WEEKLY, 2),
                   Cadence.MONTHLY: (CheckinFrequency.MONTHLY, 1)}
CADENCE_WORDS = {Cadence.WEEKLY: "weekly", Cadence.FORTNIGHTLY: "every 2 weeks",
                 Cadence.MONTHLY: "monthly on the same weekday"}
INVITATIONS_FOLDER = "Invitations"



def system_timezone() -> str:
    """The computer's own IANA time zone ("UTC" if it has none Python knows)."""
    from PySide6.QtCore import QTimeZone

    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if check_timezone(name) is None else "UTC"


def nudge_url(row: NudgeRow, programme: str, coordinator: str) -> QUrl:
    """A ``mailto:`` link to the pair with a friendly reminder to meet."""
    names = " and ".join(n for n in (row.mentor_name, row.mentee_names) if n)
    body = (f"Hello {names},\n\nHow is your mentoring going? "
            + (f"I see your last check-in was on {day_text(row.last_held, year=True)}. "
               if row.last_held else "")
            + "Could you find a time to meet in the next week or two? If something is "
            "getting in the way, just reply and tell me: we can change your rhythm or "
            f"find another way.\n\nBest wishes,\n{coordinator}\n")
    url = QUrl(f"mailto:{','.join(row.emails)}")
    query = QUrlQuery()
    query.addQueryItem("subject", f"Your mentoring check-ins — {programme}")
    query.addQueryItem("body", body)
    url.setQuery(query)
    return url


def _configure_table(table: QTableView, *, multi: bool = False) -> None:
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setResizeContentsPrecision(200)
    header.setHighlightSections(False)


class CheckinsView(AreaView):
    """The current programme's check-ins: the agenda, the log, the rhythms and the nudges."""

    area = "checkins"
    title = "Check-ins"
    # Publishing or ending pairs, withdrawing or erasing people change who meets.
    depends_on = frozenset({"checkins", "pairing", "programme", "participants"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: ProgrammeRecord | None = None
        self.period = Period.WEEK
        self.anchor = self.today()
        self._pairs: list[PairSchedule] = []
        self._nudges: list[NudgeRow] = []
        self._without_rhythm: list[int] = []
        self._select_after_load: set[int] = set()
        self._last_dir: Path | None = None
        self._sized = False
        self.schedule_dialog: ScheduleDialog | None = None
        self.schedule_all_dialog: ScheduleAllDialog | None = None
        self.log_dialog: LogCheckinDialog | None = None
        self.move_dialog: MoveCheckinDialog | None = None
        self.export_dialog: InviteExportDialog | None = None
        self._export_task: Task | None = None
        self._schedule_all_task: Task | None = None

        # Header: title, programme, the programme-wide operations.
        self.schedule_all_button = QPushButton("Schedule &all…")
        self.schedule_all_button.setToolTip("Give every active pair without a rhythm the "
                                            "programme's usual one")
        self.schedule_all_button.clicked.connect(self.schedule_all)
        self.export_button = QPushButton("E&xport invitations…")
        self.export_button.setToolTip("Write calendar invitations (.ics) for the pairs' "
                                      "check-ins, and email drafts if you like")
        self.export_button.clicked.connect(self.export_invitations)
        top, self.programme_label = area_header(self.title, self.schedule_all_button,
                                                self.export_button)

        # What the period comes to, and who needs attention.
        self.summary_frame = Banner()
        self.summary_label = self.summary_frame.headline
        self.summary_details = self.summary_frame.details

        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.addWidget(self._build_agenda())
        self.centre.addWidget(self._build_tabs())
        self.centre.setStretchFactor(0, 3)
        self.centre.setStretchFactor(1, 2)
        self.centre.setChildrenCollapsible(False)
        self.centre.setSizes([500, 200])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.summary_frame)
        layout.addWidget(self.centre, 1)

        add_shortcut(self, QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageUp), self.previous)
        add_shortcut(self, QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_PageDown), self.next)
        add_shortcut(self, QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Home), self.go_to_today)
        self._update_actions()

    # ------------------------------------------------------------------ building

    def _build_agenda(self) -> QWidget:
        # The period and its navigation.
        self.week_button = QPushButton("&Week")
        self.month_button = QPushButton("M&onth")
        self.period_group = QButtonGroup(self)
        self.period_group.setExclusive(True)
        for button, period in ((self.week_button, Period.WEEK),
                               (self.month_button, Period.MONTH)):
            button.setCheckable(True)
            button.setProperty("period", str(period))
            self.period_group.addButton(button)
        self.week_button.setChecked(True)
        self.week_button.setToolTip("One week, Monday to Sunday")
        self.month_button.setToolTip("One calendar month")
        self.period_group.buttonClicked.connect(self._on_period_button_clicked)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setAutoRaise(True)
        self.previous_button.setToolTip("Previous (Ctrl+Page Up)")
        self.previous_button.setAccessibleName("Previous")
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setAutoRaise(True)
        self.next_button.setToolTip("Next (Ctrl+Page Down)")
        self.next_button.setAccessibleName("Next")
        self.next_button.clicked.connect(self.next)
        self.today_button = QPushButton("&Today")
        self.today_button.setToolTip("Back to this week or month (Ctrl+Home)")
        self.today_button.clicked.connect(self.go_to_today)
        self.period_label = QLabel()
        font = self.period_label.font()
        font.setBold(True)
        self.period_label.setFont(font)
        self.period_label.setMinimumWidth(self.period_label.fontMetrics().horizontalAdvance(
            "30 Sept 2026 – 30 Sept 2026") + 8)
        self.outcome_filter = QComboBox()
        for label, key in OUTCOME_FILTERS:
            self.outcome_filter.addItem(label, key)
        self.outcome_filter.setToolTip("Show only meetings with this outcome")
        self.outcome_filter.currentIndexChanged.connect(self._on_outcome_filter_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search pair, topic or notes")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.navigation_bar = QWidget()
        navigation = QHBoxLayout(self.navigation_bar)
        navigation.setContentsMargins(0, 0, 0, 0)
        segments = QHBoxLayout()
        segments.setSpacing(0)
        segments.addWidget(self.week_button)
        segments.addWidget(self.month_button)
        navigation.addLayout(segments)
        navigation.addSpacing(10)
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.today_button)
        navigation.addWidget(self.next_button)
        navigation.addSpacing(6)
        navigation.addWidget(self.period_label)
        navigation.addStretch(1)
        navigation.addWidget(self.outcome_filter)
        navigation.addWidget(self.search, 1)

        # The meetings.
        self.model = CheckinsTableModel(self)
        self.proxy = CheckinsProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        _configure_table(self.table, multi=True)
        self.table.sortByColumn(CheckinColumn.DAY, Qt.SortOrder.AscendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        # Enter logs the current meeting too (not "activated": with single-click
        # activation, a click would open the dialog).
        for enter_key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            add_shortcut(self.table, QKeySequence(enter_key), self._on_table_enter_pressed,
                         Qt.ShortcutContext.WidgetShortcut)
        self.table.setAccessibleName("Check-ins")
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #6B6B6B; font-size: 13pt; padding: 24px;")
        self.agenda_stack = QStackedWidget()
        self.agenda_stack.addWidget(self.table)
        self.agenda_stack.addWidget(self.empty_label)

        # What can be done with the selected meetings.
        self.held_button = QPushButton("He&ld")
        self.held_button.setToolTip("The selected meetings took place")
        self.held_button.clicked.connect(partial(self.log_selected, CheckinOutcome.HELD))
        self.missed_button = QPushButton("&Missed")
        self.missed_button.setToolTip("The selected meetings were planned but did not happen")
        self.missed_button.clicked.connect(partial(self.log_selected, CheckinOutcome.MISSED))
        self.cancelled_button = QPushButton("&Cancelled")
        self.cancelled_button.setToolTip("The selected meetings were called off")
        self.cancelled_button.clicked.connect(partial(self.log_selected,
                                                      CheckinOutcome.CANCELLED))
        self.note_button = QPushButton("&Note…")
        self.note_button.setToolTip("Record the outcome with a note (or double-click the "
                                    "meeting, or press Enter)")
        self.note_button.clicked.connect(self.open_log_dialog)
        self.move_button = QPushButton("Mo&ve…")
        self.move_button.setToolTip("Move this one meeting to another day or time")
        self.move_button.clicked.connect(self.open_move_dialog)
        self.skip_button = QPushButton("S&kip")
        self.skip_button.setToolTip("Cancel the selected meetings still to come; the rest "
                                    "of the rhythm stays")
        self.skip_button.clicked.connect(self.skip_selected)
        self.rhythm_button = QPushButton("&Rhythm…")
        self.rhythm_button.setToolTip("Change the selected meeting's pair's rhythm")
        self.rhythm_button.clicked.connect(self._on_rhythm_button_clicked)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(MUTED_STYLE)
        self.actions_bar = QWidget()
        actions = QHBoxLayout(self.actions_bar)
        actions.setContentsMargins(0, 0, 0, 0)
        for button in (self.held_button, self.missed_button, self.cancelled_button,
                       self.note_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        actions.addWidget(self.move_button)
        actions.addWidget(self.skip_button)
        actions.addSpacing(12)
        actions.addWidget(self.rhythm_button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation_bar)
        layout.addWidget(self.agenda_stack, 1)
        layout.addWidget(self.actions_bar)
        return box

    def _build_tabs(self) -> QWidget:
        # Pairs to nudge.
        self.nudge_model = NudgeTableModel(self)
        self.nudge_proxy = QSortFilterProxyModel(self)
        self.nudge_proxy.setSourceModel(self.nudge_model)
        self.nudge_proxy.setSortRole(Role.SORT)
        self.nudge_table = QTableView()
        self.nudge_table.setModel(self.nudge_proxy)
        _configure_table(self.nudge_table)
        # Longest without a meeting first, then the pairs with no rhythm yet.
        self.nudge_table.sortByColumn(NudgeColumn.REASON, Qt.SortOrder.DescendingOrder)
        self.nudge_table.setAccessibleName("Pairs to nudge")
        self.nudge_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.nudge_table.doubleClicked.connect(self._on_nudge_table_double_clicked)
        self.email_button = QPushButton("&Email them…")
        self.email_button.setToolTip("Write to the pair in your mail program with a friendly "
                                     "reminder to meet")
        self.email_button.clicked.connect(self.email_selected_pair)
        self.nudge_rhythm_button = QPushButton("Set rhythm…")
        self.nudge_rhythm_button.clicked.connect(self._on_nudge_rhythm_button_clicked)
        self.nudge_note = QLabel()
        self.nudge_note.setStyleSheet(MUTED_STYLE)
        self.nudge_note.setWordWrap(True)
        nudge_buttons = QHBoxLayout()
        nudge_buttons.addWidget(self.email_button)
        nudge_buttons.addWidget(self.nudge_rhythm_button)
        nudge_buttons.addWidget(self.nudge_note, 1)
        nudge_box = QWidget()
        nudge_layout = QVBoxLayout(nudge_box)
        nudge_layout.setContentsMargins(6, 6, 6, 6)
        nudge_layout.addWidget(self.nudge_table, 1)
        nudge_layout.addLayout(nudge_buttons)

        # Every active pair's rhythm.
        self.pairs_model = PairSchedulesTableModel(self)
        self.pairs_proxy = QSortFilterProxyModel(self)
        self.pairs_proxy.setSourceModel(self.pairs_model)
        self.pairs_proxy.setSortRole(Role.SORT)
        self.pairs_table = QTableView()
        self.pairs_table.setModel(self.pairs_proxy)
        _configure_table(self.pairs_table)
        self.pairs_table.sortByColumn(PairColumn.PAIR, Qt.SortOrder.AscendingOrder)
        self.pairs_table.setAccessibleName("Pairs and their rhythms")
        self.pairs_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.pairs_table.doubleClicked.connect(self._on_pairs_table_double_clicked)
        self.pair_rhythm_button = QPushButton("Set rhythm…")
        self.pair_rhythm_button.setToolTip("How often the selected pair meets, when, where")
        self.pair_rhythm_button.clicked.connect(self._on_pair_rhythm_button_clicked)
        self.log_meeting_button = QPushButton("Log a meeting…")
        self.log_meeting_button.setToolTip("Record a meeting the pair had without it being "
                                           "planned")
        self.log_meeting_button.clicked.connect(self.log_unplanned_meeting)
        pairs_note = QLabel("Each active pair's rhythm: their meetings are planned at the "
                            "same local time across daylight saving changes.")
        pairs_note.setStyleSheet(MUTED_STYLE)
        pairs_note.setWordWrap(True)
        pairs_buttons = QHBoxLayout()
        pairs_buttons.addWidget(self.pair_rhythm_button)
        pairs_buttons.addWidget(self.log_meeting_button)
        pairs_buttons.addWidget(pairs_note, 1)
        pairs_box = QWidget()
        pairs_layout = QVBoxLayout(pairs_box)
        pairs_layout.setContentsMargins(6, 6, 6, 6)
        pairs_layout.addWidget(self.pairs_table, 1)
        pairs_layout.addLayout(pairs_buttons)

        self.tabs = QTabWidget()
        self.tabs.addTab(nudge_box, "Needs a nudge")
        self.tabs.addTab(pairs_box, "Pairs and rhythms")
        self.tabs.setDocumentMode(True)
        return self.tabs

    # ------------------------------------------------------------------ time

    @staticmethod
    def today() -> date:
        """The coordinator's today (the computer's local date)."""
        return date.today()

    @staticmethod
    def now() -> datetime:
        """The coordinator's now, aware."""
        return datetime.now().astimezone()

    def period_range(self) -> tuple[date, date]:
        """The first and last day the agenda shows."""
        return period_range(self.period, self.anchor)

    def set_period(self, period: Period) -> None:
        """Show a week or a month around the day shown."""
        self.period = period
        (self.week_button if period == Period.WEEK else self.month_button).setChecked(True)
        self._load_agenda()

    def go_to(self, day: date) -> None:
        """Show the week or month holding ``day``."""
        self.anchor = day
        self._load_agenda()

    def previous(self) -> None:
        """The week or month before."""
        self.go_to(step_period(self.period, self.anchor, -1))

    def next(self) -> None:
        """The week or month after."""
        self.go_to(step_period(self.period, self.anchor, 1))

    def go_to_today(self) -> None:
        """This week or month."""
        self.go_to(self.today())

    def _on_period_button_clicked(self) -> None:
        button = self.period_group.checkedButton()
        if button is not None:
            self.set_period(Period(str(button.property("period"))))

    # ------------------------------------------------------------------ loading

    @property
    def writable(self) -> bool:
        """Whether the open database may be changed."""
        return self.db is not None and not self.db.read_only

    def _load(self) -> None:
        programme: ProgrammeRecord | None = None
        pairs: list[PairSchedule] = []
        nudges: list[NudgeRow] = []
        without: list[int] = []
        if self.db is not None:
            with self.db.Session() as session:
                programme = current_programme(session)
                if programme is not None:
                    active = list_pairings(session, programme.id, [PairingStatus.ACTIVE])
                    series = list_series(session, programme.id)
                    pairs = [PairSchedule(p, series.get(p.id)) for p in active]
                    without = pairings_without_series(session, programme.id)
                    nudges = nudge_rows(overdue_pairs(session, programme.id, self.today()),
                                        without, active)
        self.programme = programme
        self._pairs = pairs
        self._nudges = nudges
        self._without_rhythm = without
        self._update_programme_label()
        self._show_nudges()
        self._show_pairs()
        self._load_agenda()

    def _load_agenda(self) -> None:
        """Read the meetings of the period shown (and nothing else)."""
        keep = self._select_after_load or {r.id for r in self.selected_rows()}
        self._select_after_load = set()
        rows: list[CheckinRow] = []
        start, end = self.period_range()
        if self.db is not None and self.programme is not None:
            with self.db.Session() as session:
                rows = list_checkins(session, self.programme.id, start, end)
        self.model.set_rows(rows, self.now())
        if not self._sized and rows:
            self._sized = True
            self._size_columns()
        for number, checkin_id in enumerate(sorted(keep)):
            self.select_checkin(checkin_id, add=number > 0)
        self.period_label.setText(period_title(self.period, start, end))
        self._show_empty_state()
        self._show_summary()
        self._update_count()
        self._update_actions()

    def _update_programme_label(self) -> None:
        programme = self.programme
        if programme is None:
            self.programme_label.setText("")
            return
        data = programme.data
        self.programme_label.setText(
            f"{data.name} · {CADENCE_WORDS.get(data.default_cadence, '')}, "
            f"{data.default_duration_minutes} minutes")

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        em = self.table.fontMetrics().horizontalAdvance("M")
        bounds = {CheckinColumn.DAY: (7, 9), CheckinColumn.TIME: (9, 12),
                  CheckinColumn.PAIR: (14, 22), CheckinColumn.TOPIC: (12, 20),
                  CheckinColumn.OUTCOME: (7, 10)}
        for column, (least, most) in bounds.items():
            title = header.fontMetrics().horizontalAdvance(
                str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            least_px = max(least * em, title + 28)
            header.resizeSection(column, max(least_px, min(header.sectionSize(column),
                                                           most * em)))

    def _show_empty_state(self) -> None:
        text = ""
        nobody = False  # no programme or no pairs: the tools have nothing to act on
        start, end = self.period_range()
        if self.db is None:
            text, nobody = "No database is open.", True
        elif self.programme is None:
            text = ("There is no programme yet. Set one up in the Programme area, then add "
                    "participants and pair them.")
            nobody = True
        elif self.model.rowCount() == 0 and not self._pairs:
            text = ("No active pairs yet. Publish pairs in the Pairing area first: check-ins "
                    "are planned for active pairs.")
        elif self.model.rowCount() == 0:
            text = f"No meetings {self._period_phrase(start, end, lower=True)}."
            if self._without_rhythm:
                count = len(self._without_rhythm)
                text += (f"\n\n{plural(count, 'active pair')} "
                         f"{'has' if count == 1 else 'have'} no rhythm yet: press "
                         "Schedule all… to give them the programme's usual one, or set one "
                         "per pair below.")
        self.empty_label.setText(text)
        self.agenda_stack.setCurrentWidget(self.empty_label if text else self.table)
        self.navigation_bar.setVisible(not nobody)
        self.actions_bar.setVisible(not nobody and self.model.rowCount() > 0)
        self.tabs.setVisible(not nobody and bool(self._pairs))
        # Nothing to sum up before the first pair starts.
        self.summary_frame.setVisible(not nobody and bool(self._pairs
                                                          or self.model.rowCount()))

    def _period_phrase(self, start: date, end: date, *, lower: bool = False) -> str:
        today = self.today()
        if start <= today <= end:
            text = f"This {self.period}"
        elif self.period == Period.WEEK:
            text = f"In the week of {day_text(start)}"
        else:
            text = f"In {start:%B %Y}"
        return text[:1].lower() + text[1:] if lower else text

    def _show_summary(self) -> None:
        start, end = self.period_range()
        counts = self.model.counts()
        total = self.model.rowCount()
        parts = [f"{counts[key]:,} {label}" for key, label in (
            ("held", "held"), ("missed", "missed"), ("cancelled", "cancelled"),
            ("to_log", "to log"), ("scheduled", "planned")) if counts[key]]
        headline = f"{self._period_phrase(start, end)}: {plural(total, 'meeting')}"
        if parts:
            headline += " — " + ", ".join(parts)
        details = []
        overdue = sum(1 for n in self._nudges if n.overdue)
        if overdue:
            details.append(f"{plural(overdue, 'pair')} "
                           f"{'has' if overdue == 1 else 'have'} held no meeting in twice "
                           "their rhythm: see Needs a nudge below.")
        if self._without_rhythm:
            count = len(self._without_rhythm)
            details.append(f"{plural(count, 'active pair')} "
                           f"{'has' if count == 1 else 'have'} no rhythm yet.")
        if counts["to_log"]:
            details.append("Meetings to log are over: record whether they were held.")
        if self._export_task is not None:
            details.append("Exporting the invitations…")
        if self._schedule_all_task is not None:
            details.append("Scheduling the pairs…")
        attention = bool(overdue or counts["to_log"])
        self.summary_frame.show_text(headline, " ".join(details),
                                     "attention" if attention else "plain")

    def _show_nudges(self) -> None:
        self.nudge_model.set_rows(self._nudges)
        self.nudge_table.resizeColumnToContents(NudgeColumn.PAIR)
        self.nudge_table.resizeColumnToContents(NudgeColumn.LAST_HELD)
        overdue = sum(1 for n in self._nudges if n.overdue)
        self.tabs.setTabText(0, f"Needs a nudge ({len(self._nudges):,})")
        if not self._nudges:
            self.nudge_note.setText("Every active pair has a rhythm and is meeting.")
        else:
            self.nudge_note.setText(
                f"{overdue:,} with no meeting held in twice their rhythm; "
                f"{len(self._without_rhythm):,} with no rhythm yet.")

    def _show_pairs(self) -> None:
        self.pairs_model.set_rows(self._pairs)
        self.pairs_table.resizeColumnsToContents()
        self.tabs.setTabText(1, f"Pairs and rhythms ({len(self._pairs):,})")

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "meeting" if total == 1 else "meetings"
        self.count_label.setText(f"{total:,} {noun}" if shown == total
                                 else f"{shown:,} of {total:,} {noun} shown")

    def _apply_read_only(self, read_only: bool) -> None:
        self._update_actions()

    # ------------------------------------------------------------------ selection

    def selected_rows(self) -> list[CheckinRow]:
        """The meetings selected in the agenda, in its order."""
        rows = self.table.selectionModel().selectedRows()
        return [index.data(Role.ROW) for index in sorted(rows, key=lambda i: i.row())]

    def current_row(self) -> CheckinRow | None:
        """The meeting the single-meeting actions act on: the current one if selected."""
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            row: CheckinRow = self.proxy.index(index.row(), 0).data(Role.ROW)
            return row
        selected = self.selected_rows()
        return selected[0] if selected else None

    def select_checkin(self, checkin_id: int, *, add: bool = False) -> bool:
        """Select (or with ``add``, also select) meeting ``checkin_id`` if it is shown."""
        return select_source_row(self.table, self.proxy, self.model.row_of(checkin_id), add=add)

    def _selected_in(self, table: QTableView) -> object | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].data(Role.ROW) if rows else None

    def selected_nudge(self) -> NudgeRow | None:
        """The pair selected in Needs a nudge."""
        row = self._selected_in(self.nudge_table)
        return row if isinstance(row, NudgeRow) else None

    def selected_pair(self) -> PairSchedule | None:
        """The pair selected in Pairs and rhythms."""
        row = self._selected_in(self.pairs_table)
        return row if isinstance(row, PairSchedule) else None

    def select_pair(self, pairing_id: int) -> bool:
        """Select ``pairing_id`` in Pairs and rhythms."""
        source_row = self.pairs_model.row_of(pairing_id)
        if source_row is None:
            return False
        index = self.pairs_proxy.mapFromSource(self.pairs_model.index(source_row, 0))
        self.pairs_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        return True

    def _is_active(self, pairing_id: int) -> bool:
        return any(p.pairing_id == pairing_id for p in self._pairs)

    def _update_actions(self) -> None:
        writable = self.writable and self.programme is not None
        rows = self.selected_rows()
        today = self.today()
        current = self.current_row()
        started = [r for r in rows if r.start.date() <= today]
        planned = [r for r in rows if r.outcome == CheckinOutcome.SCHEDULED]
        self.held_button.setEnabled(writable and bool(started))
        self.missed_button.setEnabled(writable and bool(started))
        self.cancelled_button.setEnabled(writable and bool(rows))
        self.note_button.setEnabled(writable and current is not None)
        self.move_button.setEnabled(writable and len(rows) == 1 and bool(planned))
        self.skip_button.setEnabled(writable and bool(planned))
        self.rhythm_button.setEnabled(writable and current is not None
                                      and self._is_active(current.pairing_id))
        nudge = self.selected_nudge()
        self.email_button.setEnabled(nudge is not None and bool(nudge.emails))
        self.nudge_rhythm_button.setEnabled(writable and nudge is not None)
        pair = self.selected_pair()
        self.pair_rhythm_button.setEnabled(writable and pair is not None)
        self.log_meeting_button.setEnabled(writable and pair is not None)
        self.schedule_all_button.setEnabled(writable and bool(self._without_rhythm)
                                            and self._schedule_all_task is None)
        has_series = any(p.series is not None for p in self._pairs)
        self.export_button.setEnabled(self.programme is not None and has_series
                                      and self._export_task is None)
        if self.programme is not None and not has_series:
            self.export_button.setToolTip("Set a rhythm for active pairs first: there is no "
                                          "check-in to invite to yet")
        else:
            self.export_button.setToolTip("Write calendar invitations (.ics) for the pairs' "
                                          "check-ins, and email drafts if you like")

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()
        self._update_actions()

    def _on_outcome_filter_changed(self) -> None:
        self.proxy.set_outcome(self.outcome_filter.currentData() or "")
        self._update_count()
        self._update_actions()

    def _on_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid() and self.note_button.isEnabled():
            self.open_log_dialog()

    def _on_table_enter_pressed(self) -> None:
        if self.note_button.isEnabled():
            self.open_log_dialog()

    def _on_table_context_menu_requested(self, position: QPoint) -> None:
        menu = self.context_menu()
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(position))

    def context_menu(self) -> QMenu | None:
        """What can be done with the selected meetings (right-click)."""
        if not self.selected_rows():
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        groups: tuple[tuple[tuple[QPushButton, Callable[[], object]], ...], ...] = (
            ((self.held_button, partial(self.log_selected, CheckinOutcome.HELD)),
             (self.missed_button, partial(self.log_selected, CheckinOutcome.MISSED)),
             (self.cancelled_button, partial(self.log_selected, CheckinOutcome.CANCELLED)),
             (self.note_button, self.open_log_dialog)),
            ((self.move_button, self.open_move_dialog), (self.skip_button, self.skip_selected)),
            ((self.rhythm_button, self._on_rhythm_button_clicked),))
        for number, group in enumerate(groups):
            if number:
                menu.addSeparator()
            for button, slot in group:
                action = menu.addAction(button.text().replace("&", ""))
                action.setEnabled(button.isEnabled())
                action.triggered.connect(slot)
        logged = [r for r in self.selected_rows() if r.outcome != CheckinOutcome.SCHEDULED]
        if logged and self.writable:
            menu.addSeparator()
            undo = menu.addAction("Back to planned")
            undo.setToolTip("Undo a skip or a wrong entry: the meeting is planned again")
            undo.triggered.connect(self.back_to_planned)
        return menu

    def back_to_planned(self) -> bool:
        """Put the selected logged or skipped meetings back as planned (notes kept)."""
        rows = [r for r in self.selected_rows() if r.outcome != CheckinOutcome.SCHEDULED]
        if not rows or not self.writable:
            return False

        def undo(session: Session) -> None:
            for row in rows:
                log_checkin_by_id(session, row.id, CheckinOutcome.SCHEDULED)

        if self._write(undo) is None:
            return False
        self._select_after_load = {r.id for r in rows}
        self._changed(f"{plural(len(rows), 'meeting')} planned again.")
        return True

    # ------------------------------------------------------------------ writing

    def _changed(self, message: str, areas: frozenset[str] = CHECKIN_CHANGES) -> None:
        self.data_changed.emit(areas)
        if message:
            self.status_message.emit(message)

    def log_selected(self, outcome: CheckinOutcome) -> bool:
        """Record the selected meetings as held, missed or cancelled (notes kept)."""
        rows = self.selected_rows()
        if outcome != CheckinOutcome.CANCELLED:
            rows = [r for r in rows if r.start.date() <= self.today()]
        if not rows or not self.writable:
            return False

        def log(session: Session) -> None:
            for row in rows:
                log_checkin_by_id(session, row.id, outcome)

        if self._write(log) is None:
            return False
        self._select_after_load = {r.id for r in rows}
        what = (f"{pair_label(rows[0].mentor_name, rows[0].mentee_names)} on "
                f"{day_text(rows[0].start.date())}" if len(rows) == 1
                else plural(len(rows), "meeting"))
        self._changed(f"Logged {what} as {outcome}.")
        return True

    def open_log_dialog(self, outcome: CheckinOutcome | None = None) -> LogCheckinDialog | None:
        """Record the current meeting's outcome with a note, in a dialog."""
        row = self.current_row()
        if row is None or not self.writable or self.log_dialog is not None:
            return None
        from mentordesk.ui.dialogs.checkin_dialogs import LogCheckinDialog

        if outcome is None:
            outcome = (row.outcome if row.outcome != CheckinOutcome.SCHEDULED
                       else CheckinOutcome.HELD)
        dialog = LogCheckinDialog(partial(self._save_log, row), row=row, outcome=outcome,
                                  parent=self)
        self._open(dialog, "log_dialog")
        return dialog

    def _save_log(self, row: CheckinRow, entry: LogEntry) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            log_checkin_by_id(session, row.id, entry.outcome, note=entry.note)
        self._select_after_load = {row.id}
        self._changed(f"Logged {pair_label(row.mentor_name, row.mentee_names)} on "
                      f"{day_text(row.start.date())} as {entry.outcome}"
                      + (", with a note." if entry.note else "."))

    def log_unplanned_meeting(self) -> LogCheckinDialog | None:
        """Record a meeting the selected pair had without it being planned."""
        pair = self.selected_pair()
        if pair is None or not self.writable or self.log_dialog is not None:
            return None
        from mentordesk.ui.dialogs.checkin_dialogs import LogCheckinDialog

        name = pair_label(pair.pairing.mentor_name, pair.pairing.mentee_names)
        dialog = LogCheckinDialog(partial(self._save_unplanned, pair.pairing_id, name),
                                  pair_name=name, today=self.today(), parent=self)
        self._open(dialog, "log_dialog")
        return dialog

    def _save_unplanned(self, pairing_id: int, name: str, entry: LogEntry) -> None:
        assert self.db is not None and entry.on is not None
        if entry.on > self.today() and entry.outcome != CheckinOutcome.CANCELLED:
            raise ValidationError({"on": "is in the future: log a meeting once it happened"})
        with self.db.Session.begin() as session:
            row = log_checkin(session, pairing_id, entry.on, entry.outcome,
                              note=entry.note or None, at=entry.at)
        self._select_after_load = {row.id}
        self.anchor = entry.on
        self._changed(f"Logged a meeting of {name} on {day_text(entry.on)} as "
                      f"{entry.outcome}.")

    def open_move_dialog(self) -> MoveCheckinDialog | None:
        """Move the selected meeting to another day or time, in a dialog."""
        rows = self.selected_rows()
        if len(rows) != 1 or rows[0].outcome != CheckinOutcome.SCHEDULED \
                or not self.writable or self.move_dialog is not None:
            return None
        from mentordesk.ui.dialogs.checkin_dialogs import MoveCheckinDialog

        row = rows[0]
        dialog = MoveCheckinDialog(row, partial(self._save_move, row), parent=self)
        self._open(dialog, "move_dialog")
        return dialog

    def _save_move(self, row: CheckinRow, new_start: datetime, minutes: int) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            move_checkin(session, row.id, new_start, duration_minutes=minutes)
        self._select_after_load = {row.id}
        self.anchor = new_start.date()
        self._changed(f"Moved {pair_label(row.mentor_name, row.mentee_names)}'s meeting to "
                      f"{day_text(new_start.date())} at {new_start:%H:%M}. Export the "
                      "invitations again to update their calendars.")

    def skip_selected(self) -> bool:
        """Cancel the selected meetings still planned; the rest of each rhythm stays."""
        rows = [r for r in self.selected_rows() if r.outcome == CheckinOutcome.SCHEDULED]
        if not rows or not self.writable:
            return False
        if len(rows) > 1 and not prompts.confirm(
                self, "Skip meetings",
                f"Skip {len(rows)} meetings?\n\nThey are cancelled in the log and dropped "
                "from the pairs' calendars at the next export; the rest of each rhythm "
                "stays.", "Skip"):
            return False

        def skip(session: Session) -> None:
            for row in rows:
                skip_checkin(session, row.id)

        if self._write(skip) is None:
            return False
        self._select_after_load = {r.id for r in rows}
        what = (f"{pair_label(rows[0].mentor_name, rows[0].mentee_names)}'s meeting on "
                f"{day_text(rows[0].start.date())}" if len(rows) == 1
                else plural(len(rows), "meeting"))
        self._changed(f"Skipped {what}. Export the invitations again to update their "
                      "calendars.")
        return True

    # ------------------------------------------------------------------ rhythms

    def schedule_defaults(self) -> ScheduleDefaults:
        """What a new rhythm starts from: the programme's cadence and length, its usual
        time zone, and tomorrow (or the programme's start, if later)."""
        from mentordesk.ui.dialogs.schedule_dialog import ScheduleDefaults

        tomorrow = self.today() + timedelta(days=1)
        if self.programme is None:
            return ScheduleDefaults(timezone=self.usual_timezone(), first_day=tomorrow)
        data = self.programme.data
        frequency, interval = CADENCE_RHYTHMS.get(data.default_cadence,
                                                  (CheckinFrequency.WEEKLY, 2))
        first = max(tomorrow, data.start_date) if data.start_date else tomorrow
        return ScheduleDefaults(frequency=frequency, interval=interval,
                                duration_minutes=data.default_duration_minutes,
                                timezone=self.usual_timezone(), first_day=first,
                                first_time=time(10), programme_end=data.end_date)

    def usual_timezone(self) -> str:
        """The time zone the programme's pairs usually meet in, else the computer's."""
        zones = Counter(p.series.timezone for p in self._pairs if p.series is not None)
        if not zones:
            zones = Counter(r.timezone for r in self.model.rows())
        if zones:
            return zones.most_common(1)[0][0]
        return system_timezone()

    def _on_rhythm_button_clicked(self) -> None:
        row = self.current_row()
        if row is not None:
            self.edit_rhythm(row.pairing_id)

    def _on_nudge_rhythm_button_clicked(self) -> None:
        nudge = self.selected_nudge()
        if nudge is not None:
            self.edit_rhythm(nudge.pairing_id)

    def _on_pair_rhythm_button_clicked(self) -> None:
        pair = self.selected_pair()
        if pair is not None:
            self.edit_rhythm(pair.pairing_id)

    def _on_nudge_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex,
                                       ) -> None:
        if index.isValid() and self.nudge_rhythm_button.isEnabled():
            self._on_nudge_rhythm_button_clicked()

    def _on_pairs_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex,
                                       ) -> None:
        if index.isValid() and self.pair_rhythm_button.isEnabled():
            self._on_pair_rhythm_button_clicked()

    def edit_rhythm(self, pairing_id: int | None = None) -> ScheduleDialog | None:
        """Open the schedule editor on ``pairing_id`` (the first active pair by default)."""
        if not self.writable or not self._pairs or self.schedule_dialog is not None:
            return None
        if pairing_id is not None and not self._is_active(pairing_id):
            return None
        from mentordesk.ui.dialogs.schedule_dialog import ScheduleDialog

        dialog = ScheduleDialog(self._pairs, self._save_rhythm,
                                defaults=self.schedule_defaults(), pairing_id=pairing_id,
                                now=self.now(), parent=self)
        self._open(dialog, "schedule_dialog")
        return dialog

    def _save_rhythm(self, pairing_id: int, schedule: Schedule) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            record = schedule_checkins(session, pairing_id, schedule)
        pair = next((p for p in self._pairs if p.pairing_id == pairing_id), None)
        name = pair_label(pair.pairing.mentor_name, pair.pairing.mentee_names) if pair else ""
        self._changed(f"{name}: {record.rhythm} at {record.first_start:%H:%M} "
                      f"({record.timezone}). Export the invitations to send it.")

    def schedule_all(self) -> ScheduleAllDialog | None:
        """Ask when the pairs without a rhythm start, then give them the usual one."""
        if (not self.writable or self.programme is None or not self._without_rhythm
                or self.schedule_all_dialog is not None or self._schedule_all_task is not None):
            return None
        from mentordesk.ui.dialogs.schedule_dialog import ScheduleAllDialog

        data = self.programme.data
        dialog = ScheduleAllDialog(len(self._without_rhythm),
                                   CADENCE_WORDS.get(data.default_cadence, "every 2 weeks"),
                                   defaults=self.schedule_defaults(), parent=self)
        dialog.accepted.connect(self._on_schedule_all_dialog_accepted)
        self._open(dialog, "schedule_all_dialog")
        return dialog

    def _on_schedule_all_dialog_accepted(self) -> None:
        dialog = self.schedule_all_dialog
        if dialog is not None:
            choice = dialog.choice()
            self.run_schedule_all(choice.first_local, choice.timezone, choice.spacing_minutes)

    def run_schedule_all(self, first_local: datetime, zone: str,
                         spacing_minutes: int) -> Task | None:
        """Give every active pair without a rhythm the programme's usual one, in the
        background."""
        if (not self.writable or self.programme is None or self.tasks is None
                or self.db is None or self._schedule_all_task is not None):
            return None
        programme_id = self.programme.id

        def work(session: Session, _progress: Progress, _cancelled: Cancelled) -> list[int]:
            return schedule_all(session, programme_id, first_local, zone,
                                spacing_minutes=spacing_minutes)

        task = self.tasks.run("Scheduling check-ins…", in_transaction(self.db, work),
                              cancellable=False, on_done=self._on_scheduled_all,
                              on_failed=self.report_failure)
        task.ended.connect(self._on_schedule_all_ended)
        self._schedule_all_task = task
        self._show_summary()
        self._update_actions()
        return task

    def _on_scheduled_all(self, done: list[int]) -> None:
        self._changed(f"Scheduled {plural(len(done), 'pair')} with the programme's usual "
                      "rhythm. Export the invitations to send them.")

    def _on_schedule_all_ended(self) -> None:
        self._schedule_all_task = None
        self._show_summary()
        self._update_actions()

    # ------------------------------------------------------------------ nudging

    def email_selected_pair(self) -> QUrl | None:
        """Open a reminder to the selected pair in the coordinator's mail program."""
        nudge = self.selected_nudge()
        if nudge is None or not nudge.emails or self.programme is None:
            return None
        data = self.programme.data
        url = nudge_url(nudge, data.name, data.coordinator_name or "Your programme "
                        "coordinator")
        QDesktopServices.openUrl(url)
        name = pair_label(nudge.mentor_name, nudge.mentee_names)
        self.status_message.emit(f"Opened an email to {name}.")
        return url

    # ------------------------------------------------------------------ invitations

    def _export_folder(self) -> Path:
        if self._last_dir is not None:
            return self._last_dir
        base = self.db.path.parent if self.db is not None else Path.home()
        return base / INVITATIONS_FOLDER

    def _selected_pairs_for_export(self) -> tuple[tuple[int, ...], str] | None:
        with_series = {p.pairing_id for p in self._pairs if p.series is not None}
        rows = self.selected_rows()
        ids = tuple(dict.fromkeys(r.pairing_id for r in rows if r.pairing_id in with_series))
        if ids:
            first = next(r for r in rows if r.pairing_id == ids[0])
            label = (pair_label(first.mentor_name, first.mentee_names) if len(ids) == 1
                     else f"the {len(ids)} pairs of the selected meetings")
            return ids, label
        pair = self.selected_pair()
        if pair is not None and pair.pairing_id in with_series:
            return (pair.pairing_id,), pair_label(pair.pairing.mentor_name,
                                                  pair.pairing.mentee_names)
        return None

    def export_invitations(self) -> InviteExportDialog | None:
        """Ask where to write the invitations (and whether to add email drafts)."""
        if self.programme is None or self.export_dialog is not None \
                or self._export_task is not None:
            return None
        from mentordesk.ui.dialogs.invite_export_dialog import InviteExportDialog

        dialog = InviteExportDialog(
            self._export_folder(),
            series_count=sum(1 for p in self._pairs if p.series is not None),
            organiser=self.programme.data.coordinator_email,
            selected=self._selected_pairs_for_export(), parent=self)
        dialog.accepted.connect(self._on_export_dialog_accepted)
        self._open(dialog, "export_dialog")
        return dialog

    def _on_export_dialog_accepted(self) -> None:
        dialog = self.export_dialog
        if dialog is not None:
            choice = dialog.choice()
            self.run_export(choice.folder, eml=choice.eml, pairing_ids=choice.pairing_ids)

    def run_export(self, folder: Path, *, eml: bool = False,
                   pairing_ids: Sequence[int] | None = None) -> Task | None:
        """Write the invitations into ``folder`` in the background."""
        if self.programme is None or self.tasks is None or self.db is None \
                or self._export_task is not None:
            return None
        db, programme_id = self.db, self.programme.id
        ids = tuple(pairing_ids) if pairing_ids is not None else None

        def work(progress: Progress, cancelled: Cancelled) -> InviteExport:
            # The service creates the folder (readable by the owner only: HR data).
            with db.Session() as session:  # reading only: a read-only database exports too
                return export_invitations(session, programme_id, folder, pairing_ids=ids,
                                          eml=eml, progress=progress, cancelled=cancelled)

        self._last_dir = folder
        task = self.tasks.run("Exporting invitations…", work, on_done=self._on_exported,
                              on_failed=self.report_failure,
                              on_cancelled=self._on_export_cancelled)
        task.ended.connect(self._on_export_ended)
        self._export_task = task
        self._show_summary()
        self._update_actions()
        return task

    def _on_exported(self, result: InviteExport) -> None:
        written = len(result.files) + len(result.drafts) + (1 if result.calendar else 0)
        parts = [plural(len(result.files), "invitation")]
        if result.calendar is not None:
            parts.append("a calendar of every meeting")
        if result.drafts:
            parts.append(plural(len(result.drafts), "email draft"))
        text = (f"Wrote {plural(written, 'file')} to {result.folder}: "
                + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
                + ".")
        if result.cancelled:
            text += (f" {plural(result.cancelled, 'invitation')} "
                     f"cancel{'s' if result.cancelled == 1 else ''} ended pairs' meetings.")
        if result.skipped:
            text += f" Left out: {'; '.join(result.skipped)}."
        self.status_message.emit(text)
        prompts.offer_open_folder(self, "Invitations exported", text, result.folder)

    def _on_export_cancelled(self) -> None:
        self.status_message.emit("Export cancelled.")

    def _on_export_ended(self) -> None:
        self._export_task = None
        self._show_summary()
        self._update_actions()

    # ------------------------------------------------------------------ dialogs

