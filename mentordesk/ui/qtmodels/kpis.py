"""The KPIs area's models: the tiles (the programme's KPIs, then the other figures MentorDesk
computes) and the pairs, people, check-ins or sessions behind a number; with the pure
helpers that word them.

A :class:`Tile` is made from the frozen :class:`~mentordesk.services.kpis.Dashboard`: the
models never hold ORM objects and never query. The tile grid of the KPIs area is a view over
:class:`TilesTableModel`, and the drill-down table one over :class:`DrillTableModel`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from mentordesk.models import KpiDirection
from mentordesk.services.feedback import MIN_GROUP
from mentordesk.services.kpis import (
    AT_RISK,
    METRICS,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    STATUS_LABELS,
    Dashboard,
    DrillRow,
    KpiStatus,
    MetricValue,
    format_metric,
)

AnyIndex = QModelIndex | QPersistentModelIndex

HIDDEN_NOTE = f"Hidden: fewer than {MIN_GROUP} confidential answers"


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: its word, its text colour and its chip's background."""

    label: str
    colour: str
    background: str


# Green, amber, red and grey, dark enough on their tints to read (WCAG AA).
STATUS_STYLES = {
    ON_TRACK: StatusStyle("On track", "#1E6B30", "#DDF1E2"),
    AT_RISK: StatusStyle("At risk", "#8A4B00", "#FCEBCF"),
    OFF_TRACK: StatusStyle("Off track", "#A3001B", "#FBE0E4"),
    NO_DATA: StatusStyle("No data", "#555555", "#E8E8E8"),
}
STATUS_ORDER = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)


class TileKind(StrEnum):
    """A programme KPI, or another computed figure."""

    KPI = "kpi"
    METRIC = "metric"


@dataclass(frozen=True)
class Tile:
    """One figure of the dashboard as a tile shows it.

    Attributes:
        key: ``"kpi:<id>"`` for a KPI, the metric's key for another figure.
        metric: the computed metric behind the number (None: a KPI measured by hand).
        value_text: ``"80%"``, ``"Hidden"`` or ``"—"``.
        target_text: ``"target 85%"`` (KPIs only).
        status: the KPI's status (``""`` for another figure).
        explanation: why the KPI has its status (the status chip's tooltip).
        detail: what the number counts ("32 of 40 planned check-ins held"), or why there is
            none.
        description: how the metric is counted (empty for a KPI measured by hand).
        history: the metric's kept values, oldest first (for the sparkline).
    """

    key: str
    kind: TileKind
    title: str
    value: float | None
    value_text: str
    unit: str
    target_text: str
    status: str
    explanation: str
    detail: str
    metric: str | None
    kpi_id: int | None
    objective: str
    description: str
    history: tuple[tuple[date, float], ...]
    hidden: bool

    @property
    def status_label(self) -> str:
        """"On track", "At risk", "Off track", "No data" (empty for another figure)."""
        return STATUS_STYLES[self.status].label if self.status in STATUS_STYLES else ""

    @property
    def can_drill(self) -> bool:
        """Whether there is a list of pairs or people behind the number."""
        return self.metric is not None

    @property
    def accessible_text(self) -> str:
        """The tile read aloud: title, value, target and status."""
        parts = [self.title, self.value_text if self.value is not None or self.hidden
                 else "no data"]
        if self.target_text:
            parts.append(self.target_text)
        if self.status_label:
            parts.append(self.status_label.lower())
        return ", ".join(parts)


def is_hidden(value: MetricValue | None) -> bool:
    """Whether the metric's value is withheld to protect confidential feedback."""
    return value is not None and value.value is None and value.detail.startswith("hidden")


def value_text(value: float | None, unit: str, *, hidden: bool = False) -> str:
    """A figure on a tile: ``80%``, ``4.2 out of 5``, ``+20`` (NPS), "Hidden" or "—"."""
    if value is None:
        return "Hidden" if hidden else "—"
    return format_metric(value, unit)


def target_text(kpi: KpiStatus) -> str:
    """``target 85%``, or ``target at most 8%`` for a KPI that should go down."""
    goal = format_metric(kpi.target, kpi.unit)
    return f"target at most {goal}" if kpi.direction == KpiDirection.DECREASE \
        else f"target {goal}"


def _detail(value: MetricValue) -> str:
    return HIDDEN_NOTE if is_hidden(value) else value.detail[:1].upper() + value.detail[1:]


def kpi_tile(kpi: KpiStatus, dashboard: Dashboard,
             history: Sequence[tuple[date, float]] = ()) -> Tile:
    """The tile of one of the programme's KPIs."""
    measured = dashboard.metrics.get(kpi.metric) if kpi.metric else None
    hidden = is_hidden(measured)
    if measured is not None and kpi.metric in METRICS:
        detail, description = _detail(measured), METRICS[kpi.metric].description
    else:
        detail = "Measured by hand: the latest measurement recorded." if kpi.value is not None \
            else "Measured by hand: no measurement recorded yet."
        description = ""
    explanation = (f"{HIDDEN_NOTE}: confidential answers count only in whole groups of "
                   f"{MIN_GROUP}, so that nobody's answer can be worked out." if hidden
                   else kpi.explanation)
    return Tile(f"kpi:{kpi.kpi_id}", TileKind.KPI, kpi.name, kpi.value,
                value_text(kpi.value, kpi.unit, hidden=hidden), kpi.unit, target_text(kpi),
                kpi.status, explanation, detail, kpi.metric if kpi.metric in METRICS else None,
                kpi.kpi_id, kpi.objective, description,
                tuple(history) if kpi.metric else (), hidden)


def metric_tile(key: str, dashboard: Dashboard,
                history: Sequence[tuple[date, float]] = ()) -> Tile:
    """The tile of a computed figure no KPI follows."""
    info, value = METRICS[key], dashboard.metrics[key]
    hidden = is_hidden(value)
    return Tile(key, TileKind.METRIC, info.label, value.value,
                value_text(value.value, info.unit, hidden=hidden), info.unit, "", "",
                "", _detail(value), key, None, "", info.description, tuple(history), hidden)


def build_tiles(dashboard: Dashboard,
                histories: Mapping[str, Sequence[tuple[date, float]]] | None = None,
                ) -> list[Tile]:
    """The programme's KPIs in their order, then every metric no KPI follows."""
    histories = histories or {}
    tiles = [kpi_tile(k, dashboard, histories.get(k.metric or "", ())) for k in dashboard.kpis]
    linked = {k.metric for k in dashboard.kpis if k.metric}
    tiles += [metric_tile(key, dashboard, histories.get(key, ()))
              for key in METRICS if key not in linked]
    return tiles


def status_counts(dashboard: Dashboard) -> dict[str, int]:
    """How many KPIs have each status, in :data:`STATUS_ORDER`."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for k in dashboard.kpis:
        counts[k.status] = counts.get(k.status, 0) + 1
    return counts


def status_summary(dashboard: Dashboard) -> str:
    """"4 KPIs: 1 on track, 2 at risk, 1 off track" (statuses without a KPI left out)."""
    total = len(dashboard.kpis)
    if not total:
        return "No KPIs yet"
    counts = status_counts(dashboard)
    parts = [f"{counts[s]:,} {STATUS_LABELS[s]}" for s in STATUS_ORDER if counts[s]]
    return f"{total:,} KPI{'' if total == 1 else 's'}: {', '.join(parts)}"


# Words in a KPI's name that point to the figure measuring it (any case).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "enrolled": ("enrol", "sign-up", "signed up", "sign up", "participants enrolled"),
    "matched_pct": ("match",),
    "pairs_active": ("active pair", "pairs active"),
    "checkins_held_pct": ("check-in", "checkin", "meeting", "meet"),
    "checkins_missed": ("missed",),
    "inactive_pairs": ("inactive", "stalled"),
    "satisfaction_avg": ("satisf",),
    "recommendation_score": ("recommend", "nps", "promoter"),
    "goals_reached_pct": ("goal",),
    "training_sessions": ("training", "workshop"),
    "retention_participants_pct": ("retention", "retained"),
    "promotion_participants_pct": ("promot",),
}


def suggest_metric(name: str, unit: str) -> str | None:
    """The computed figure a KPI called ``name`` most likely means, if any: one whose key
    words are in the name, preferring one in the same unit; None when nothing fits."""
    text = name.casefold()
    best: tuple[int, int, str] | None = None
    for key, words in _KEYWORDS.items():
        hits = sum(1 for w in words if w in text)
        if not hits:
            continue
        score = (hits, int(METRICS[key].unit == unit.strip()), key)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


# --------------------------------------------------------------------------- tiles model


class Role(IntEnum):
    """Custom item-data roles of the KPIs area's models."""

    SORT = Qt.ItemDataRole.UserRole + 1  # raw value to sort by
    KEY = Qt.ItemDataRole.UserRole + 2  # tile key, or the drill row's id
    ROW = Qt.ItemDataRole.UserRole + 3  # the row's DTO (Tile or DrillRow)
    STATUS = Qt.ItemDataRole.UserRole + 4  # the KPI's status key
    KIND = Qt.ItemDataRole.UserRole + 5  # tile kind, or the drill row's kind


class TileColumn(IntEnum):
    """The columns of :class:`TilesTableModel`."""

    NAME = 0
    VALUE = 1
    TARGET = 2
    STATUS = 3
    DETAIL = 4


TILE_HEADERS = {TileColumn.NAME: "Figure", TileColumn.VALUE: "Value",
                TileColumn.TARGET: "Target", TileColumn.STATUS: "Status",
                TileColumn.DETAIL: "What it counts"}


class TilesTableModel(QAbstractTableModel):
    """Every tile of the dashboard: the programme's KPIs first, then the other figures."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles: list[Tile] = []

    def set_tiles(self, tiles: Sequence[Tile]) -> None:
        """Replace every tile."""
        self.beginResetModel()
        self._tiles = list(tiles)
        self.endResetModel()

    def tiles(self, kind: TileKind | None = None) -> list[Tile]:
        """The tiles in order (only those of ``kind`` if given)."""
        return [t for t in self._tiles if kind is None or t.kind == kind]

    def tile_at(self, row: int) -> Tile:
        """The tile shown in ``row``."""
        return self._tiles[row]

    def tile(self, key: str) -> Tile | None:
        """The tile with ``key``, if shown."""
        return next((t for t in self._tiles if t.key == key), None)

    def row_of(self, key: str) -> int | None:
        """The row of the tile with ``key``."""
        return next((i for i, t in enumerate(self._tiles) if t.key == key), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._tiles)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TileColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tiles):
            return None
        tile = self._tiles[index.row()]
        column = TileColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {TileColumn.NAME: tile.title, TileColumn.VALUE: tile.value_text,
                    TileColumn.TARGET: tile.target_text, TileColumn.STATUS: tile.status_label,
                    TileColumn.DETAIL: tile.detail}[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TileColumn.STATUS and tile.explanation:
                return tile.explanation
            return tile.description or tile.detail
        if role == Role.SORT:
            if column == TileColumn.VALUE:
                return tile.value if tile.value is not None else float("-inf")
            if column == TileColumn.STATUS:
                return STATUS_ORDER.index(tile.status) if tile.status in STATUS_ORDER else 9
            return str(self.data(index)).casefold()
        if role == Role.KEY:
            return tile.key
        if role == Role.ROW:
            return tile
        if role == Role.STATUS:
            return tile.status
        if role == Role.KIND:
            return str(tile.kind)
        if role == Qt.ItemDataRole.ForegroundRole and column == TileColumn.STATUS \
                and tile.status in STATUS_STYLES:
            return QColor(STATUS_STYLES[tile.status].colour)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == TileColumn.NAME:
            return tile.accessible_text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(TileColumn)):
            return TILE_HEADERS[TileColumn(section)]
        return None


# --------------------------------------------------------------------------- drill-down


class DrillColumn(IntEnum):
    """The columns of :class:`DrillTableModel`."""

    NAME = 0
    DETAIL = 1


# What the first column lists, by the kind of its rows.
KIND_HEADERS = {"pair": "Pair", "person": "Person", "checkin": "Pair", "session": "Session"}


class DrillTableModel(QAbstractTableModel):
    """The pairs, people, check-ins or sessions behind a number, in the service's order
    (the rows needing attention first)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DrillRow] = []
        self._name_header = "Name"

    def set_rows(self, rows: Sequence[DrillRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        kinds = {r.kind for r in self._rows}
        self._name_header = KIND_HEADERS.get(next(iter(kinds)), "Name") if len(kinds) == 1 \
            else "Name"
        self.endResetModel()

    def rows(self) -> list[DrillRow]:
        """Every row, in the model's order."""
        return list(self._rows)

    def row_at(self, row: int) -> DrillRow:
        """The row shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(DrillColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = DrillColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.label if column == DrillColumn.NAME else row.detail
        if role == Role.SORT:
            # The service's order for the details (it puts who needs attention first).
            return row.label.casefold() if column == DrillColumn.NAME else index.row()
        if role == Role.KEY:
            return row.id
        if role == Role.KIND:
            return row.kind
        if role == Role.ROW:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == DrillColumn.NAME:
            return self._name_header
        if section == DrillColumn.DETAIL:
            return "Details"
        return None


# --------------------------------------------------------------------------- training


class TrainingColumn(IntEnum):
    """The columns of :class:`TrainingTableModel`."""

    TOPIC = 0
    SESSIONS = 1
    ATTENDANCES = 2


TRAINING_HEADERS = ("Topic", "Sessions", "Attendances")


class TrainingTableModel(QAbstractTableModel):
    """Training sessions delivered and their attendances, by topic."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, int, int]] = []

    def set_rows(self, rows: Sequence[tuple[str, int, int]]) -> None:
        """Replace every row: ``(topic, sessions, attendances)``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TrainingColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        topic, sessions, attendances = self._rows[index.row()]
        column = TrainingColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return (topic or "No topic", f"{sessions:,}", f"{attendances:,}")[column]
        if role == Role.SORT:
            return (topic.casefold(), sessions, attendances)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column != TrainingColumn.TOPIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(TRAINING_HEADERS)):
            return TRAINING_HEADERS[section]
        return None

