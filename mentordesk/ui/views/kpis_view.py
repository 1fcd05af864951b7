"""The KPIs area: the programme's KPIs as tiles against their targets, the other figures
MentorDesk computes, charts of check-ins, satisfaction and the participation funnel, and
the pairs or people behind any number.

Reading: the figures come from :func:`~mentordesk.services.kpis.compute_dashboard`, run on
the window's background runner with a session of its own (as of :meth:`KpisView.today`).
In a database that may be changed, the same transaction keeps the day's figures
(:func:`~mentordesk.services.kpis.take_snapshot`), so each tile's sparkline
(:func:`~mentordesk.services.kpis.metric_history`) grows a point a day. Clicking a tile (or
Enter on it) lists who is behind its number (:func:`~mentordesk.services.kpis.drill_down`),
read in one short session; double-clicking a person or a pair opens them in their area.

Writing: linking a KPI to a computed figure (:func:`~mentordesk.services.kpis.
set_kpi_metric`) is one transaction; importing HR outcomes (:mod:`mentordesk.services.
outcomes`) previews and imports in the background after a backup. Both report ``{"kpis"}``
as changed. The KPI report (:func:`~mentordesk.services.documents.kpi_report.
render_kpi_report`) is made and saved in the background. A read-only database computes,
lists and prints, but links and imports nothing (nor keeps the day's figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.services.documents.wording import long_date, month_label
from mentordesk.services.kpis import (
    AT_RISK,
    METRICS,
    OFF_TRACK,
    Dashboard,
    DrillRow,
    KpiStatus,
    compute_dashboard,
    drill_down,
    format_metric,
    metric_history,
    set_kpi_metric,
    take_snapshot,
)
from mentordesk.services.programmes import ProgrammeRecord, current_programme
from mentordesk.ui import prompts
from mentordesk.ui.charts import (
    HIDDEN_SERIES,
    ChartColours,
    ChartPanel,
    Sparkline,
    checkins_chart,
    funnel_chart,
    satisfaction_chart,
)
from mentordesk.ui.qtmodels.importing import ProblemsTableModel
from mentordesk.ui.qtmodels.kpis import (
    STATUS_STYLES,
    DrillTableModel,
    Role,
    Tile,
    TileKind,
    TilesTableModel,
    TrainingTableModel,
    build_tiles,
    status_summary,
    suggest_metric,
)
from mentordesk.ui.tasks import Cancelled, Progress, Task, TaskCancelled
from mentordesk.ui.views.base import AreaView, heading
from mentordesk.ui.widgets import MUTED_STYLE, Banner, plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database
    from mentordesk.services.outcomes import OutcomeImportResult, OutcomePreview
    from mentordesk.ui.tasks import TaskRunner

# Linking a KPI or importing HR outcomes changes only what the KPIs show.
KPI_CHANGES = frozenset({"kpis"})
KPI_TILE_WIDTH = 215
METRIC_TILE_WIDTH = 175

# What the list behind each number is, and what an empty list means.
DRILL_CAPTIONS = {
    "enrolled": ("Everyone signed up", "Nobody has signed up yet."),
    "matched_pct": ("Mentees not matched yet", "Every mentee is in a pair."),
    "pairs_active": ("The active pairs", "No pair is active yet."),
    "checkins_held_pct": ("Pairs with planned check-ins not held, most first",
                          "Every planned check-in so far was held."),
    "checkins_missed": ("The missed check-ins, latest first", "No check-in was missed."),
    "inactive_pairs": ("Pairs to nudge, longest without a meeting first",
                       "Every active pair has met within twice its rhythm."),
    "satisfaction_avg": ("Respondents and their answers", "No answers yet."),
    "recommendation_score": ("Respondents and their answers", "No answers yet."),
    "goals_reached_pct": ("Mentees with development goals, those who reached one first",
                          "No mentee in a pair has a development goal yet."),
    "training_sessions": ("The sessions delivered", "No session has been delivered yet."),
    "retention_participants_pct": ("Participants employed at the start, those who left first",
                                   "No participant is in the HR outcomes imported."),
    "promotion_participants_pct": ("Participants promoted since the start",
                                   "No participant was promoted since the start."),
    "retention_others_pct": ("Other employees", ""),
    "promotion_others_pct": ("Other employees", ""),
}
CONFIDENTIAL_NOT_LISTED = ("Respondents are never listed when any response is confidential: "
                           "only the figure is shown.")
OTHERS_NOT_LISTED = ("Other employees are kept only as a one-way code from the HR file, never "
                     "by name, so they cannot be listed.")
KIND_NOUNS = {"pair": ("pair", "pairs"), "person": ("person", "people"),
              "checkin": ("check-in", "check-ins"), "session": ("session", "sessions")}
MEASURED_BY_HAND = ("Measured by hand: there is no list behind this number. Link the KPI to "
                    "a figure MentorDesk computes to see who is behind it.")


@dataclass(frozen=True)
class Computed:
    """What a refresh brings back from the worker: the dashboard, each metric's kept values,
    and how many values it kept today (0 in a read-only database)."""

    dashboard: Dashboard
    histories: dict[str, list[tuple[date, float]]]
    kept: int


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _muted(text: str = "", *, small: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(MUTED_STYLE)
    if small:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
    return label


def chip_style(status: str) -> str:
    """The stylesheet of a status chip: its colour on its tint, rounded."""
    style = STATUS_STYLES[status]
    return (f"QLabel {{ background: {style.background}; color: {style.colour}; "
            "border-radius: 9px; padding: 1px 9px; font-weight: 600; }")


# --------------------------------------------------------------------------- tiles


class TileWidget(QFrame):
    """One figure: its name, value, target, status chip, trend and what it counts.

    Clicking it, or Enter or Space while it has the focus, emits ``clicked`` with its key;
    its context menu (or the Link button of a KPI measured by hand) asks to link the KPI.
    """

    clicked = Signal(str)  # tile key
    link_requested = Signal(int)  # KPI id

    def __init__(self, tile: Tile, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile
        self.colour = colour
        self._writable = False
        compact = tile.kind == TileKind.METRIC
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title_label = _bold(QLabel(tile.title))
        self.title_label.setWordWrap(True)
        self.value_label = _bold(QLabel(tile.value_text), 1.35 if compact else 1.9)
        self.value_label.setStyleSheet(f"color: {colour};" if tile.value is not None
                                       else "color: #6B6B6B;")
        self.chip = QLabel(tile.status_label)
        self.chip.setObjectName("chip")
        if tile.status:
            self.chip.setStyleSheet(chip_style(tile.status))
            self.chip.setToolTip(tile.explanation)
            self.chip.setAccessibleName(f"Status: {tile.status_label}")
            self.chip.setAccessibleDescription(tile.explanation)
        self.chip.setVisible(bool(tile.status))
        self.target_label = _muted(tile.target_text)
        self.target_label.setVisible(bool(tile.target_text))
        self.sparkline = Sparkline(colour)
        self.sparkline.set_values(tile.history)
        self.detail_label = _muted(tile.detail, small=True)
        self.link_button = QPushButton("Link to a figure…")
        self.link_button.setFlat(True)
        self.link_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.link_button.setToolTip("Take this KPI's value from a figure MentorDesk computes "
                                    "from the programme's data")
        self.link_button.setStyleSheet(f"QPushButton {{ color: {colour}; text-align: left; "
                                       "padding: 0; } QPushButton:disabled { color: #9A9A9A; }")
        self.link_button.clicked.connect(self._on_link_button_clicked)
        self.link_button.setVisible(tile.kind == TileKind.KPI and tile.metric is None)

        value_row = QHBoxLayout()
        value_row.setSpacing(8)
        value_row.addWidget(self.value_label, 0, Qt.AlignmentFlag.AlignBottom)
        value_row.addStretch(1)
        value_row.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(3)
        layout.addWidget(self.title_label)
        layout.addLayout(value_row)
        layout.addWidget(self.target_label)
        layout.addWidget(self.sparkline)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.link_button)
        layout.addStretch(1)
        self.setAccessibleName(tile.accessible_text)
        self.setAccessibleDescription(tile.explanation or tile.detail)
        self.setToolTip(tile.description or tile.explanation or tile.detail)
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        """Mark the tile whose list is shown."""
        self.setProperty("selected", selected)
        self._apply_style()

    def _apply_style(self) -> None:
        # The keyboard focus shows as a blue ring (drawn here: a style sheet's :focus is
        # not reliable on a plain frame), the tile whose list is shown in the programme's
        # colour on a light tint.
        selected = bool(self.property("selected"))
        border = ("2px solid #2F6FD0" if self.hasFocus() else
                  f"2px solid {self.colour}" if selected else "1px solid #D4D4D4")
        background = "#F4F8FC" if selected else "palette(base)"
        self.setStyleSheet(f"QFrame#tile {{ background: {background}; border: {border}; "
                           "border-radius: 7px; }")

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._apply_style()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._apply_style()

    def set_writable(self, writable: bool) -> None:
        """Whether linking the KPI is offered."""
        self._writable = writable
        self.link_button.setEnabled(writable)

    def _on_link_button_clicked(self) -> None:
        if self.tile.kpi_id is not None:
            self.link_requested.emit(self.tile.kpi_id)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.clicked.emit(self.tile.key)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.tile.key)
            event.accept()
            return
        super().keyPressEvent(event)

    def context_menu(self) -> QMenu:
        """The tile's actions: who is behind the number, and linking a KPI."""
        menu = QMenu(self)
        show = menu.addAction("Show who is behind it")
        show.setEnabled(self.tile.can_drill)
        show.triggered.connect(lambda: self.clicked.emit(self.tile.key))
        if self.tile.kind == TileKind.KPI:
            link = menu.addAction("Link to a figure…" if self.tile.metric is None
                                  else "Change the figure it follows…")
            link.setEnabled(self._writable)
            link.triggered.connect(self._on_link_button_clicked)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()


class TileGrid(QWidget):
    """The tiles of one kind from a :class:`TilesTableModel`, in as many columns as fit;
    rebuilt whenever the model is reset."""

    tile_clicked = Signal(str)
    link_requested = Signal(int)

    def __init__(self, model: TilesTableModel, kind: TileKind, min_width: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.kind = kind
        self.min_width = min_width
        self.colour = "#2E5E8C"
        self.tiles: dict[str, TileWidget] = {}
        self._selected: str | None = None
        self._writable = False
        self._columns = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)
        model.modelReset.connect(self._rebuild)

    def widgets(self) -> list[TileWidget]:
        """The tile widgets in order."""
        return list(self.tiles.values())

    def _rebuild(self) -> None:
        for widget in self.tiles.values():
            self.grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.tiles = {}
        for tile in self.model.tiles(self.kind):
            widget = TileWidget(tile, self.colour, self)
            widget.clicked.connect(self.tile_clicked)
            widget.link_requested.connect(self.link_requested)
            widget.set_writable(self._writable)
            widget.set_selected(tile.key == self._selected)
            self.tiles[tile.key] = widget
        self._columns = 0
        self._lay_out()

    def _lay_out(self) -> None:
        spacing = self.grid.spacing()
        columns = max(1, (self.width() + spacing) // (self.min_width + spacing))
        if columns == self._columns:
            return
        self._columns = columns
        for widget in self.tiles.values():
            self.grid.removeWidget(widget)
        for i, widget in enumerate(self.tiles.values()):
            self.grid.addWidget(widget, i // columns, i % columns)
            widget.show()
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._lay_out()

    def set_selected(self, key: str | None) -> None:
        """Mark the tile whose list is shown (None: none)."""
        self._selected = key
        for tile_key, widget in self.tiles.items():
            widget.set_selected(tile_key == key)

    def set_writable(self, writable: bool) -> None:
        """Whether the tiles offer linking."""
        self._writable = writable
        for widget in self.tiles.values():
            widget.set_writable(writable)


# --------------------------------------------------------------------------- dialogs


class LinkMetricDialog(QDialog):
    """Choose the computed figure a KPI follows, or none (measured by hand)."""

    def __init__(self, kpi: KpiStatus, dashboard: Dashboard,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpi = kpi
        self.dashboard = dashboard
        self.setWindowTitle("Link a KPI to a figure")
        intro = QLabel(f"Which figure that MentorDesk computes measures “{kpi.name}”? Its "
                       "value then comes from the programme's data, with the list of who is "
                       "behind it.")
        intro.setWordWrap(True)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Figures")
        hand = QListWidgetItem("Measured by hand (not linked)")
        hand.setData(Qt.ItemDataRole.UserRole, None)
        self.choices.addItem(hand)
        for key, info in METRICS.items():
            item = QListWidgetItem(info.label if info.unit in info.label
                                   else f"{info.label} ({info.unit})")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(info.description)
            self.choices.addItem(item)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setMinimumHeight(self.description.fontMetrics().height() * 4)
        self.now_label = _muted()
        self.unit_label = QLabel()
        self.unit_label.setWordWrap(True)
        self.unit_label.setStyleSheet("color: #8A4B00;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.link_button = self.buttons.addButton("Link",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.description)
        layout.addWidget(self.now_label)
        layout.addWidget(self.unit_label)
        layout.addWidget(self.buttons)
        self.choices.currentRowChanged.connect(self._on_choices_current_row_changed)
        self.choices.itemDoubleClicked.connect(self.accept)
        self.choose(kpi.metric or suggest_metric(kpi.name, kpi.unit))
        self.resize(520, 520)

    def chosen_metric(self) -> str | None:
        """The metric chosen (None: measured by hand)."""
        item = self.choices.currentItem()
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return str(key) if key else None

    def choose(self, metric: str | None) -> None:
        """Select ``metric`` (None: measured by hand)."""
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == metric:
                self.choices.setCurrentRow(row)
                return

    def _on_choices_current_row_changed(self, _row: int) -> None:
        key = self.chosen_metric()
        if key is None:
            self.description.setText("You record this KPI's measurements yourself; the "
                                     "latest one on or before the day is its value.")
            self.now_label.setText("")
            self.unit_label.setText("")
            return
        info, value = METRICS[key], self.dashboard.metrics[key]
        self.description.setText(info.description)
        self.now_label.setText(f"Now: {format_metric(value.value, info.unit)} — {value.detail}")
        mismatch = self.kpi.metric != key and info.unit != self.kpi.unit.strip()
        self.unit_label.setText(
            f"The KPI's target ({format_metric(self.kpi.target, self.kpi.unit)}) is not in "
            f"this figure's unit ({info.unit}): check the target still makes sense."
            if mismatch else "")


class OutcomesImportDialog(QDialog):
    """Import an HR outcomes file: how it is read, what it would write, its problems, then
    the import (in the background, after a backup); emits ``imported`` with the result."""

    imported = Signal(object)  # OutcomeImportResult

    def __init__(self, db: Database, tasks: TaskRunner, path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.path = path
        self.preview: OutcomePreview | None = None
        self.preview_task: Task | None = None
        self.import_task: Task | None = None
        self.import_result: OutcomeImportResult | None = None
        self._preview_again = False
        self.setWindowTitle("Import HR outcomes")
        file_label = _bold(QLabel(path.name))
        file_label.setToolTip(str(path))
        about = _muted("Hire, leaving and promotion dates from the HR system, to compare the "
                       "retention and promotion of participants with other employees. Other "
                       "employees are kept only as a one-way code: no email or name is stored.")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.mapping_label = _muted()
        self.month_first = QCheckBox("Dates are written month first (MM/DD/YYYY)")
        self.month_first.setToolTip("Leave unticked for day-first dates such as 31/01/2027; "
                                    "ISO dates (2027-01-31) read either way")
        self.month_first.toggled.connect(self._on_month_first_toggled)
        self.problems = ProblemsTableModel(self)
        self.problems_table = QTableView()
        self.problems_table.setModel(self.problems)
        self.problems_table.setAccessibleName("Rows not imported")
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.verticalHeader().hide()
        self.problems_table.horizontalHeader().setStretchLastSection(True)
        self.problems_table.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(file_label)
        layout.addWidget(about)
        layout.addWidget(self.month_first)
        layout.addWidget(self.status_label)
        layout.addWidget(self.mapping_label)
        layout.addWidget(self.problems_table, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 440)

    def day_first(self) -> bool:
        """Whether dates such as 03/04/2027 are read day first."""
        return not self.month_first.isChecked()

    def start_preview(self) -> Task | None:
        """Read the file and work out what importing it would do, in the background."""
        if self.preview_task is not None:
            self._preview_again = True
            return self.preview_task
        db, path, day_first = self.db, self.path, self.day_first()

        def work(_progress: Progress, _cancelled: Cancelled) -> OutcomePreview:
            from mentordesk.services.outcomes import preview_outcomes

            with db.Session() as session:
                return preview_outcomes(path, session=session, day_first=day_first)

        self.status_label.setText("Reading the file…")
        self.import_button.setEnabled(False)
        task = self.tasks.run("Reading the HR outcomes…", work, progress_dialog=False,
                              on_done=self._on_previewed, on_failed=self._on_failed)
        task.ended.connect(self._on_preview_ended)
        self.preview_task = task
        return task

    def _on_month_first_toggled(self) -> None:
        self.start_preview()

    def _on_previewed(self, preview: OutcomePreview) -> None:
        from mentordesk.services.outcomes import FIELDS

        self.preview = preview
        writes = preview.adds + preview.updates
        refused = len(preview.refused_rows)
        text = (f"{plural(preview.linked, 'person', 'people')} signed up in MentorDesk and "
                f"{plural(preview.others, 'other employee')}: {preview.adds:,} to add, "
                f"{preview.updates:,} to update, {preview.unchanged:,} unchanged")
        text += f", {plural(refused, 'row')} refused (below)." if refused else "."
        if not writes:
            text += " Nothing to import."
        self.status_label.setText(text)
        columns = [f"{header} → {FIELDS[key]}" for header, key in preview.mapping.items()
                   if key]
        self.mapping_label.setText("Columns read: " + "; ".join(columns) if columns else "")
        self.problems.set_problems(preview.problems)
        self.problems_table.setVisible(bool(preview.problems))
        self.problems_table.resizeColumnsToContents()
        self.import_button.setEnabled(writes > 0 and self.import_task is None)
        self.import_button.setText(f"Import {plural(writes, 'row')}" if writes else "Import")

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.status_label.setText(exc.message)
            self.status_label.setStyleSheet("color: #B00020;")
            self.import_button.setEnabled(False)
        else:
            import sys

            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _on_preview_ended(self) -> None:
        self.preview_task = None
        if self._preview_again:
            self._preview_again = False
            self.start_preview()

    def start_import(self) -> Task | None:
        """Write every row without a problem, in one transaction after a backup."""
        if self.preview is None or self.import_task is not None or self.preview_task is not None:
            return None
        db, path, day_first = self.db, self.path, self.day_first()

        def work(_progress: Progress, _cancelled: Cancelled) -> OutcomeImportResult:
            from mentordesk.services.outcomes import import_outcomes

            db.backup("pre-import")
            with db.Session.begin() as session:
                return import_outcomes(session, path, day_first=day_first)

        self.status_label.setText("Importing… (a backup is taken first)")
        self.import_button.setEnabled(False)
        self.month_first.setEnabled(False)
        task = self.tasks.run("Importing the HR outcomes…", work, cancellable=False,
                              progress_dialog=False, on_done=self._on_imported,
                              on_failed=self._on_failed)
        task.ended.connect(self._on_import_ended)
        self.import_task = task
        return task

    def _on_imported(self, result: OutcomeImportResult) -> None:
        self.import_result = result
        self.imported.emit(result)
        self.accept()

    def _on_import_ended(self) -> None:
        self.import_task = None
        self.month_first.setEnabled(True)


# --------------------------------------------------------------------------- the area


class KpisView(AreaView):
    """The current programme's KPIs, figures, charts and the lists behind them."""

    area = "kpis"
    title = "KPIs"
    # Every area whose data the figures count; "kpis" for links and HR outcomes.
    depends_on = frozenset({"kpis", "checkins", "pairing", "participants", "programme",
                            "feedback", "documents"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: ProgrammeRecord | None = None
        self.dashboard: Dashboard | None = None
        self.histories: dict[str, list[tuple[date, float]]] = {}
        self.refresh_task: Task | None = None
        self.report_task: Task | None = None
        self.drill_key: str | None = None
        self.link_dialog: LinkMetricDialog | None = None
        self.import_dialog: OutcomesImportDialog | None = None
        self._refresh_again = False
        self._last_dir: Path | None = None
        self.colours = ChartColours()

        self.programme_label = QLabel()
        self.programme_label.setStyleSheet(MUTED_STYLE)
        self.as_of_label = _muted()
        self.as_of_label.setWordWrap(False)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Count the figures again from the programme's data "
                                       "(F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.import_button = QPushButton("Import HR &outcomes…")
        self.import_button.setToolTip("Hire, leaving and promotion dates from the HR system, "
                                      "for retention and promotion")
        self.import_button.clicked.connect(self.import_outcomes)
        self.report_button = QPushButton("KPI &report…")
        self.report_button.setToolTip("Save the KPIs, figures and charts as a PDF for the "
                                      "stakeholders")
        self.report_button.clicked.connect(self.save_report)
        top = QHBoxLayout()
        top.addWidget(heading(self.title))
        top.addSpacing(10)
        top.addWidget(self.programme_label, 0, Qt.AlignmentFlag.AlignBottom)
        top.addSpacing(10)
        top.addWidget(self.as_of_label, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.import_button)
        top.addWidget(self.report_button)
        self.banner = Banner()

        self.tiles_model = TilesTableModel(self)
        self.kpi_grid = TileGrid(self.tiles_model, TileKind.KPI, KPI_TILE_WIDTH)
        self.metric_grid = TileGrid(self.tiles_model, TileKind.METRIC, METRIC_TILE_WIDTH)
        for grid in (self.kpi_grid, self.metric_grid):
            grid.tile_clicked.connect(self.show_drill_down)
            grid.link_requested.connect(self.link_kpi)
        self.no_kpis_label = _muted("The programme has no KPIs yet: add them, each with a "
                                    "baseline and a target, in the Programme area.")
        self.checkins_panel = ChartPanel("Check-ins per month")
        self.satisfaction_panel = ChartPanel("Satisfaction over time")
        self.funnel_panel = ChartPanel("Participation funnel")
        self.training_model = TrainingTableModel(self)
        self.training_proxy = QSortFilterProxyModel(self)
        self.training_proxy.setSourceModel(self.training_model)
        self.training_proxy.setSortRole(Role.SORT)
        self.training_table = QTableView()
        self.training_table.setModel(self.training_proxy)
        self.training_table.setAccessibleName("Training by topic")
        self._configure_table(self.training_table)
        header = self.training_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.training_empty = _muted()
        training_box = QWidget()
        training_layout = QVBoxLayout(training_box)
        training_layout.setContentsMargins(0, 0, 0, 0)
        training_layout.setSpacing(2)
        training_layout.addWidget(_bold(QLabel("Training by topic")))
        training_layout.addWidget(self.training_table, 1)
        training_layout.addWidget(self.training_empty)
        training_layout.addStretch(0)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 8)
        body.setSpacing(8)
        body.addWidget(self._section_label("Programme KPIs"))
        body.addWidget(self.no_kpis_label)
        body.addWidget(self.kpi_grid)
        body.addSpacing(6)
        body.addWidget(self._section_label("Other figures"))
        body.addWidget(self.metric_grid)
        body.addSpacing(6)
        charts = QGridLayout()
        charts.setSpacing(14)
        charts.addWidget(self.checkins_panel, 0, 0, 1, 2)
        charts.addWidget(self.satisfaction_panel, 1, 0)
        charts.addWidget(self.funnel_panel, 1, 1)
        charts.addWidget(training_box, 2, 0, 1, 2)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        body.addLayout(charts)
        body.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.addWidget(self._build_drill_panel())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([820, 360])
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #6B6B6B; font-size: 13pt; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self._show_state()

    # ------------------------------------------------------------------ building

    @staticmethod
    def _section_label(text: str) -> QLabel:
        return _bold(QLabel(text), 1.1)

    @staticmethod
    def _configure_table(table: QTableView) -> None:
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setHighlightSections(False)

    def _build_drill_panel(self) -> QWidget:
        self.drill_title = _bold(QLabel("Who is behind a number"), 1.15)
        self.drill_title.setWordWrap(True)
        self.drill_value = _bold(QLabel())
        self.drill_caption = _muted()
        self.drill_description = _muted(small=True)
        self.drill_model = DrillTableModel(self)
        self.drill_proxy = QSortFilterProxyModel(self)
        self.drill_proxy.setSourceModel(self.drill_model)
        self.drill_proxy.setSortRole(Role.SORT)
        self.drill_table = QTableView()
        self.drill_table.setModel(self.drill_proxy)
        self.drill_table.setAccessibleName("Who is behind the number")
        self._configure_table(self.drill_table)
        self.drill_table.setWordWrap(True)
        self.drill_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.drill_table.doubleClicked.connect(self._on_drill_table_double_clicked)
        for enter_key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(enter_key), self.drill_table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self._on_drill_table_enter_pressed)
        self.drill_empty = QLabel()
        self.drill_empty.setWordWrap(True)
        self.drill_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.drill_empty.setStyleSheet("color: #6B6B6B; padding: 8px 2px;")
        self.drill_stack = QStackedWidget()
        self.drill_stack.addWidget(self.drill_table)
        self.drill_stack.addWidget(self.drill_empty)
        self.drill_hint = _muted(small=True)
        self.drill_count = _muted(small=True)
        panel = QWidget()
        panel.setMinimumWidth(280)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.drill_title)
        layout.addWidget(self.drill_value)
        layout.addWidget(self.drill_caption)
        layout.addWidget(self.drill_stack, 1)
        layout.addWidget(self.drill_count)
        layout.addWidget(self.drill_hint)
        layout.addWidget(self.drill_description)
        self._clear_drill_down()
        return panel

    # ------------------------------------------------------------------ state

    @staticmethod
    def today() -> date:
        """The day the figures are for (the computer's date)."""
        return date.today()

    @property
    def writable(self) -> bool:
        """Whether the open database may be changed."""
        return self.db is not None and not self.db.read_only

    def set_database(self, db: Database | None) -> None:
        """Another database: the figures shown belong to the one before."""
        self._clear_figures()
        super().set_database(db)

    def _apply_read_only(self, read_only: bool) -> None:
        for grid in (self.kpi_grid, self.metric_grid):
            grid.set_writable(not read_only)
        self._update_actions()

    def _update_actions(self) -> None:
        ready = self.db is not None and self.programme is not None
        self.refresh_button.setEnabled(ready and self.refresh_task is None)
        self.import_button.setEnabled(ready and self.writable and self.import_dialog is None)
        self.report_button.setEnabled(ready and self.report_task is None)

    def _start_dir(self) -> Path:
        if self._last_dir is not None and self._last_dir.is_dir():
            return self._last_dir
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        programme: ProgrammeRecord | None = None
        if self.db is not None:
            with self.db.Session() as session:
                programme = current_programme(session)
        if programme is None or self.programme is None or programme.id != self.programme.id:
            self._clear_figures()
        self.programme = programme
        if programme is not None:
            data = programme.data
            self.colours = ChartColours(primary=data.brand_primary_color,
                                        accent=data.brand_accent_color)
            for grid in (self.kpi_grid, self.metric_grid):
                grid.colour = data.brand_primary_color
            self.refresh()
        self._show_state()

    def _clear_figures(self) -> None:
        self.dashboard = None
        self.histories = {}
        self.tiles_model.set_tiles([])
        self.training_model.set_rows([])
        self._clear_drill_down()

    def refresh(self) -> Task | None:
        """Count every figure again in the background and, in a database that may be
        changed, keep today's figures for the trend; returns the task (the running one if a
        refresh is already under way: it counts again once it ends)."""
        if self.db is None or self.programme is None or self.tasks is None:
            return None
        if self.refresh_task is not None:
            self._refresh_again = True
            return self.refresh_task
        db, programme_id, today, keep = self.db, self.programme.id, self.today(), self.writable

        def read(session: Session) -> Computed:
            dashboard = compute_dashboard(session, programme_id, today=today)
            kept = take_snapshot(session, programme_id, dashboard) if keep else 0
            histories = {key: metric_history(session, programme_id, key) for key in METRICS}
            return Computed(dashboard, histories, kept)

        def work(_progress: Progress, cancelled: Cancelled) -> Computed:
            if keep:
                with db.Session.begin() as session:
                    computed = read(session)
            else:
                with db.Session() as session:
                    computed = read(session)
            if cancelled():
                raise TaskCancelled
            return computed

        task = self.tasks.run("Counting the KPIs…", work, progress_dialog=False,
                              on_done=partial(self._on_computed, db, programme_id),
                              on_failed=self.report_failure)
        task.ended.connect(self._on_refresh_ended)
        self.refresh_task = task
        self._show_state()
        return task

    def _on_computed(self, db: Database, programme_id: int, computed: Computed) -> None:
        if db is not self.db or self.programme is None or self.programme.id != programme_id:
            return  # another database or programme since: these figures are not its own
        self.dashboard = computed.dashboard
        self.histories = computed.histories
        self.tiles_model.set_tiles(build_tiles(computed.dashboard, computed.histories))
        self._show_charts(computed.dashboard)
        if self.drill_key is not None and self.tiles_model.tile(self.drill_key) is not None:
            self.show_drill_down(self.drill_key)
        else:
            self._clear_drill_down()

    def _on_refresh_ended(self) -> None:
        self.refresh_task = None
        self._show_state()
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    # ------------------------------------------------------------------ showing

    def _show_state(self) -> None:
        empty = ""
        if self.db is None:
            empty = "No database is open."
        elif self.programme is None:
            empty = ("There is no programme yet. Set one up in the Programme area, with its "
                     "objectives and KPIs; the figures are counted here as the programme "
                     "runs.")
        self.empty_label.setText(empty)
        self.stack.setCurrentWidget(self.empty_label if empty else self.splitter)
        self.banner.setVisible(not empty)
        programme = self.programme
        self.programme_label.setText(programme.data.name if programme and not empty else "")
        d = self.dashboard
        if empty:
            self.as_of_label.setText("")
        elif d is None:
            self.as_of_label.setText("Counting the figures…")
        else:
            kept = " · kept for the trend" if self.writable else " · read-only: not kept"
            busy = " · counting again…" if self.refresh_task is not None else ""
            self.as_of_label.setText(f"Figures as of {long_date(d.as_of)}{kept}{busy}")
        self.no_kpis_label.setVisible(d is not None and not d.kpis)
        if d is not None and not empty:
            attention = [f"{k.name} ({STATUS_STYLES[k.status].label.lower()})"
                         for k in d.kpis if k.status in (OFF_TRACK, AT_RISK)]
            if not d.kpis:
                details = "Add KPIs in the Programme area to judge the programme against " \
                          "its targets."
            elif attention:
                details = "Needs attention: " + ", ".join(attention) + "."
            else:
                details = "Every KPI with data is on track." if any(
                    k.value is not None for k in d.kpis) else "No KPI has data yet."
            self.banner.show_text(status_summary(d), details,
                                  "attention" if attention else "plain")
        elif not empty:
            self.banner.show_text("Counting the figures…", "")
        self._update_actions()

    def _show_charts(self, d: Dashboard) -> None:
        colours = self.colours
        months = d.checkins_by_month
        if months:
            held = sum(m.held for m in months)
            planned = sum(m.planned for m in months)
            self.checkins_panel.set_chart(
                checkins_chart(months, colours),
                f"{plural(planned, 'check-in')} planned over {plural(len(months), 'month')}, "
                f"{held:,} held.")
        else:
            self.checkins_panel.set_empty("No check-ins are planned yet: they appear here "
                                          "once pairs have a rhythm.")
        satisfaction = d.satisfaction_by_month
        if satisfaction:
            hidden = [m for m, average, n in satisfaction if average is None and n]
            note = (f"{HIDDEN_SERIES} in {', '.join(month_label(m) for m in hidden)}: "
                    "confidential answers count only in whole groups of 5." if hidden else "")
            overall = d.metrics["satisfaction_avg"]
            self.satisfaction_panel.set_chart(
                satisfaction_chart(satisfaction, colours),
                f"Average satisfaction: {format_metric(overall.value, 'out of 5')}"
                if overall.value is not None else "Average satisfaction: hidden or no data",
                note)
        else:
            self.satisfaction_panel.set_empty("No feedback measuring satisfaction yet.")
        if d.funnel and d.funnel[0][1]:
            self.funnel_panel.set_chart(
                funnel_chart(d.funnel, colours),
                "; ".join(f"{label}: {count:,}" for label, count in d.funnel))
        else:
            self.funnel_panel.set_empty("No mentees have signed up yet.")
        self.training_model.set_rows(d.training_by_topic)
        self.training_table.setVisible(bool(d.training_by_topic))
        rows = len(d.training_by_topic)
        self.training_table.setFixedHeight(
            self.training_table.horizontalHeader().height() + 4
            + self.training_table.verticalHeader().defaultSectionSize() * min(max(rows, 1), 6))
        self.training_empty.setText("" if rows else "No training sessions delivered yet.")
        self.training_empty.setVisible(not rows)

    # ------------------------------------------------------------------ drill-down

    def tile_widget(self, key: str) -> TileWidget | None:
        """The widget of the tile with ``key``."""
        return self.kpi_grid.tiles.get(key) or self.metric_grid.tiles.get(key)

    def show_drill_down(self, key: str) -> list[DrillRow]:
        """List who is behind the number of tile ``key`` beside the tiles; returns the rows."""
        tile = self.tiles_model.tile(key)
        if tile is None or self.db is None or self.programme is None or self.dashboard is None:
            return []
        self.drill_key = key
        for grid in (self.kpi_grid, self.metric_grid):
            grid.set_selected(key)
        rows: list[DrillRow] = []
        if tile.metric is not None:
            with self.db.Session() as session:
                rows = drill_down(session, self.programme.id, tile.metric,
                                  today=self.dashboard.as_of)
        self.drill_model.set_rows(rows)
        self._size_drill_table()
        self.drill_title.setText(tile.title)
        value = tile.value_text + (f" · {tile.target_text}" if tile.target_text else "")
        self.drill_value.setText(value + (f" · {tile.status_label}" if tile.status_label
                                          else ""))
        caption, none = DRILL_CAPTIONS.get(tile.metric or "", ("", ""))
        self.drill_caption.setText(caption if tile.metric else "")
        self.drill_caption.setVisible(bool(self.drill_caption.text()))
        self.drill_description.setText(tile.description)
        self.drill_description.setVisible(bool(tile.description))
        if rows:
            self.drill_stack.setCurrentWidget(self.drill_table)
            kinds = {r.kind for r in rows}
            noun = KIND_NOUNS.get(next(iter(kinds)), ("row", "rows")) if len(kinds) == 1 \
                else ("row", "rows")
            self.drill_count.setText(plural(len(rows), *noun))
        else:
            self.drill_empty.setText(self._empty_drill_text(tile, none))
            self.drill_stack.setCurrentWidget(self.drill_empty)
            self.drill_count.setText("")
        kinds = {r.kind for r in rows}
        self.drill_hint.setText(
            "Double-click a person to open them in Participants." if kinds == {"person"} else
            "Double-click a pair to open it in Pairing." if kinds == {"pair"} else "")
        self.drill_hint.setVisible(bool(self.drill_hint.text()))
        return rows

    def _size_drill_table(self) -> None:
        """Names as wide as they need (up to half the table), details wrapped under."""
        table = self.drill_table
        table.resizeColumnToContents(0)
        half = max(120, table.viewport().width() // 2)
        if table.columnWidth(0) > half:
            table.setColumnWidth(0, half)
        table.resizeRowsToContents()

    def _empty_drill_text(self, tile: Tile, none: str) -> str:
        if tile.metric is None:
            return MEASURED_BY_HAND
        if tile.metric.endswith("_others_pct"):
            return OTHERS_NOT_LISTED
        measured = self.dashboard.metrics.get(tile.metric) if self.dashboard else None
        if tile.metric in ("satisfaction_avg", "recommendation_score") and measured \
                and (tile.hidden or measured.value is not None):
            return CONFIDENTIAL_NOT_LISTED
        if measured is not None and measured.value is None and not tile.hidden:
            return f"Nothing to list: {measured.detail}."
        return none or "Nobody to list."

    def _clear_drill_down(self) -> None:
        self.drill_key = None
        for grid in (self.kpi_grid, self.metric_grid):
            grid.set_selected(None)
        self.drill_model.set_rows([])
        self.drill_title.setText("Who is behind a number")
        self.drill_value.setText("")
        self.drill_caption.setText("")
        self.drill_caption.hide()
        self.drill_description.setText("")
        self.drill_description.hide()
        self.drill_empty.setText("Click a figure (or press Enter on it) to list the pairs, "
                                 "people, check-ins or sessions behind it.")
        self.drill_stack.setCurrentWidget(self.drill_empty)
        self.drill_count.setText("")
        self.drill_hint.hide()

    def _on_drill_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex,
                                       ) -> None:
        row = self.drill_proxy.index(index.row(), 0).data(Role.ROW)
        if isinstance(row, DrillRow):
            self.open_drill_row(row)

    def _on_drill_table_enter_pressed(self) -> None:
        index = self.drill_table.currentIndex()
        if index.isValid():
            self._on_drill_table_double_clicked(index)

    def open_drill_row(self, row: DrillRow) -> bool:
        """Show a person in Participants or a pair in Pairing; False if it cannot be shown
        there (the status bar says why)."""
        area, method = {"person": ("participants", "select_participant"),
                        "pair": ("pairing", "select_pairing")}.get(row.kind, ("", ""))
        show_area = getattr(self.window(), "show_area", None)
        if not area or show_area is None or not row.id:
            return False
        view = show_area(area)
        select = getattr(view, method, None)
        if select is not None and select(row.id):
            return True
        self.status_message.emit(f"{row.label} is not shown in {view.title}: check its "
                                 "filters.")
        return False

    # ------------------------------------------------------------------ linking

    def link_kpi(self, kpi_id: int) -> LinkMetricDialog | None:
        """Ask which computed figure KPI ``kpi_id`` follows (window-modal)."""
        if not self.writable or self.dashboard is None or self.link_dialog is not None:
            return None
        kpi = next((k for k in self.dashboard.kpis if k.kpi_id == kpi_id), None)
        if kpi is None:
            return None
        dialog = LinkMetricDialog(kpi, self.dashboard, self)
        dialog.accepted.connect(lambda: self.set_kpi_metric(kpi_id, dialog.chosen_metric()))
        self._open(dialog, "link_dialog")
        return dialog

    def set_kpi_metric(self, kpi_id: int, metric: str | None) -> bool:
        """Make KPI ``kpi_id`` follow ``metric`` (None: measured by hand); True if saved."""
        done = self._write(lambda session: set_kpi_metric(session, kpi_id, metric))
        if done is None:
            return False
        name = METRICS[metric].label.lower() if metric else ""
        self.status_message.emit(f"The KPI now follows {name}." if metric
                                 else "The KPI is now measured by hand.")
        self.data_changed.emit(KPI_CHANGES)
        return True

    # ------------------------------------------------------------------ HR outcomes

    def import_outcomes(self) -> OutcomesImportDialog | None:
        """Ask for the HR outcomes file, then preview and import it in a dialog."""
        if not self.writable or self.db is None or self.tasks is None \
                or self.import_dialog is not None:
            return None
        path = prompts.choose_import_file(self, self._start_dir(), "Import HR outcomes")
        if path is None:
            return None
        self._last_dir = path.parent
        dialog = OutcomesImportDialog(self.db, self.tasks, path, self)
        dialog.imported.connect(self._on_outcomes_imported)
        self._open(dialog, "import_dialog")
        dialog.start_preview()
        return dialog

    def _on_outcomes_imported(self, result: OutcomeImportResult) -> None:
        self.status_message.emit(
            f"Imported HR outcomes: {result.added:,} added, {result.updated:,} updated, "
            f"{result.unchanged:,} unchanged, {result.refused:,} refused.")
        self.data_changed.emit(KPI_CHANGES)

    # ------------------------------------------------------------------ report

    def save_report(self) -> Task | None:
        """Ask where to save the KPI report, then make and save it in the background."""
        if self.db is None or self.programme is None or self.tasks is None \
                or self.report_task is not None:
            return None
        from mentordesk.services.files import safe_file_name

        as_of = self.dashboard.as_of if self.dashboard is not None else self.today()
        name = safe_file_name(f"KPI report - {self.programme.data.name} - {as_of.isoformat()}",
                              ".pdf", "KPI report")
        path = prompts.choose_pdf_path(self, "Save the KPI report", self._start_dir() / name)
        if path is None:
            return None
        self._last_dir = path.parent
        db, programme_id = self.db, self.programme.id

        def work(_progress: Progress, cancelled: Cancelled) -> Path:
            from mentordesk.services.documents import save_pdf
            from mentordesk.services.documents.kpi_report import render_kpi_report

            with db.Session() as session:
                data = render_kpi_report(session, programme_id, cancelled=cancelled,
                                         today=as_of)
            if cancelled():
                raise TaskCancelled
            return save_pdf(path, data)

        task = self.tasks.run("Making the KPI report…", work, on_done=self._on_report_saved,
                              on_failed=self.report_failure,
                              on_cancelled=self._on_report_cancelled)
        task.ended.connect(self._on_report_ended)
        self.report_task = task
        self._update_actions()
        return task

    def _on_report_saved(self, path: Path) -> None:
        text = f"Saved the KPI report as {path.name} in {path.parent}."
        self.status_message.emit(text)
        prompts.offer_open_folder(self, "KPI report saved", text, path.parent)

    def _on_report_cancelled(self) -> None:
        self.status_message.emit("The KPI report was not saved.")

    def _on_report_ended(self) -> None:
        self.report_task = None
        self._update_actions()

    # ------------------------------------------------------------------ dialogs

    def _open(self, dialog: QDialog, attribute: str) -> None:
        """Show ``dialog`` window-modal, kept in ``attribute`` until it closes."""
        setattr(self, attribute, dialog)
        dialog.finished.connect(partial(self._on_dialog_finished, attribute))
        dialog.open()
        self._update_actions()

    def _on_dialog_finished(self, attribute: str, _result: int = 0) -> None:
        dialog = getattr(self, attribute)
        setattr(self, attribute, None)
        if dialog is not None:
            dialog.deleteLater()
        self._update_actions()

