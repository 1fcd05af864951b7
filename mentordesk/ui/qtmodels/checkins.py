"""The Check-ins area's tables: the agenda of meetings, the pairs to nudge and every active
pair's rhythm; with the pure helpers that shape their text (periods, times, outcomes).

The agenda shows :class:`~mentordesk.services.checkins.CheckinRow` DTOs, each at its own
local time in its own time zone. A meeting still planned whose end has passed is shown as
"To log": the coordinator has not recorded yet whether it was held.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from mentordesk.models import CheckinOutcome, SeriesStatus
from mentordesk.services.checkins import CheckinRow, OverdueRow, SeriesRecord
from mentordesk.services.pairing import PairingRow

AnyIndex = QModelIndex | QPersistentModelIndex

_MUTED = QColor("#6B6B6B")
_OUTCOME_COLOURS = {
    CheckinOutcome.HELD: QColor("#1E7B34"),
    CheckinOutcome.MISSED: QColor("#B00020"),
    CheckinOutcome.CANCELLED: QColor("#8A8A8A"),
}
_TO_LOG_COLOUR = QColor("#8A6D00")
_WARNING = QColor("#B00020")


class Role(IntEnum):
    """Custom item-data roles of the Check-ins area's models."""

    SORT = Qt.ItemDataRole.UserRole + 1  # raw value to sort by
    ID = Qt.ItemDataRole.UserRole + 2  # check-in id (agenda), pairing id (the others)
    ROW = Qt.ItemDataRole.UserRole + 3  # the row's DTO (any column)


# --------------------------------------------------------------------------- periods


class Period(StrEnum):
    """How much of the calendar the agenda shows at once."""

    WEEK = "week"
    MONTH = "month"


def period_range(period: Period, anchor: date) -> tuple[date, date]:
    """The first and last day (inclusive) of the week (Monday to Sunday) or the month
    holding ``anchor``."""
    if period == Period.WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return monday, monday + timedelta(days=6)
    last = calendar.monthrange(anchor.year, anchor.month)[1]
    return anchor.replace(day=1), anchor.replace(day=last)


def step_period(period: Period, anchor: date, steps: int) -> date:
    """``anchor`` moved by ``steps`` weeks or months (a month keeps the day if it can)."""
    if period == Period.WEEK:
        return anchor + timedelta(weeks=steps)
    months = anchor.year * 12 + anchor.month - 1 + steps
    year, month = divmod(months, 12)
    day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def day_text(day: date, *, year: bool = False) -> str:
    """"Thu 26 Nov" (with the year if asked)."""
    text = f"{day:%a} {day.day} {day:%b}"
    return f"{text} {day.year}" if year else text


def long_date(day: date | None) -> str:
    """"26 November 2026" ("" for None)."""
    return f"{day.day} {day:%B %Y}" if day else ""


def period_title(period: Period, start: date, end: date) -> str:
    """"23 – 29 Nov 2026" for a week, "November 2026" for a month."""
    if period == Period.MONTH:
        return f"{start:%B %Y}"
    if start.month == end.month:
        return f"{start.day} – {end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def zone_abbreviation(moment: datetime) -> str:
    """"GMT", "BST", "CET"; zones without a letter abbreviation as "UTC+03"."""
    name = moment.tzname() or ""
    if name and name[0] in "+-":
        return f"UTC{name}"
    return name


def time_text(row: CheckinRow) -> str:
    """"10:00–10:45 GMT": the meeting's local time in its own time zone."""
    end = row.start + timedelta(minutes=row.duration_minutes)
    return f"{row.start:%H:%M}–{end:%H:%M} {zone_abbreviation(row.start)}"


def pair_label(mentor: str, mentees: str) -> str:
    """"Dana Manager → Sam Engineer"."""
    return f"{mentor} → {mentees}" if mentees else mentor


def to_log(row: CheckinRow, now: datetime) -> bool:
    """Whether a planned meeting is over and its outcome not recorded yet."""
    return (row.outcome == CheckinOutcome.SCHEDULED
            and row.start + timedelta(minutes=row.duration_minutes) <= now)


OUTCOME_LABELS = {
    CheckinOutcome.SCHEDULED: "Planned",
    CheckinOutcome.HELD: "Held",
    CheckinOutcome.MISSED: "Missed",
    CheckinOutcome.CANCELLED: "Cancelled",
}
TO_LOG_LABEL = "To log"


def outcome_label(row: CheckinRow, now: datetime) -> str:
    """The meeting's state in words: "Planned", "To log", "Held"...; "· moved" if moved."""
    label = TO_LOG_LABEL if to_log(row, now) else OUTCOME_LABELS[row.outcome]
    return f"{label} · moved" if row.moved and row.outcome == CheckinOutcome.SCHEDULED \
        else label


# Outcome filter choices: (label, key).
OUTCOME_FILTERS = (
    ("All meetings", ""),
    ("To log", "to_log"),
    ("Planned", "scheduled"),
    ("Held", "held"),
    ("Missed", "missed"),
    ("Cancelled", "cancelled"),
)


# --------------------------------------------------------------------------- the agenda


class CheckinColumn(IntEnum):
    """The agenda's columns, in display order."""

    DAY = 0
    TIME = 1
    PAIR = 2
    TOPIC = 3
    OUTCOME = 4
    NOTES = 5


CHECKIN_HEADERS = {
    CheckinColumn.DAY: "Day",
    CheckinColumn.TIME: "Time",
    CheckinColumn.PAIR: "Pair",
    CheckinColumn.TOPIC: "Topic",
    CheckinColumn.OUTCOME: "Outcome",
    CheckinColumn.NOTES: "Notes",
}
CHECKIN_HEADER_TIPS = {
    CheckinColumn.TIME: "Each meeting at its own local time, in its pair's time zone",
    CheckinColumn.TOPIC: "The agenda topic of a formal programme, one per meeting in turn",
    CheckinColumn.OUTCOME: "To log: the meeting is over and whether it was held is not "
                           "recorded yet",
}


class CheckinsTableModel(QAbstractTableModel):
    """The meetings of one week or month; reloaded with :meth:`set_rows`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CheckinRow] = []
        self._now = datetime.now().astimezone()
        self._today = self._now.date()

    def set_rows(self, rows: Sequence[CheckinRow], now: datetime | None = None) -> None:
        """Replace every row; ``now`` (aware) decides which planned meetings are over."""
        self.beginResetModel()
        self._rows = list(rows)
        self._now = now or datetime.now().astimezone()
        self._today = self._now.date()
        self.endResetModel()

    def rows(self) -> list[CheckinRow]:
        """Every row, in the model's order."""
        return list(self._rows)

    def row_at(self, row: int) -> CheckinRow:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def row_of(self, checkin_id: int) -> int | None:
        """The row showing ``checkin_id``, if it is loaded."""
        for number, item in enumerate(self._rows):
            if item.id == checkin_id:
                return number
        return None

    def counts(self) -> dict[str, int]:
        """How many meetings are held, missed, cancelled, planned and to log."""
        counts = {"held": 0, "missed": 0, "cancelled": 0, "scheduled": 0, "to_log": 0}
        for row in self._rows:
            key = "to_log" if to_log(row, self._now) else str(row.outcome)
            counts[key] += 1
        return counts

    def is_to_log(self, row: CheckinRow) -> bool:
        """Whether ``row`` is over and not logged (as of the model's ``now``)."""
        return to_log(row, self._now)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CheckinColumn)

    def _display(self, row: CheckinRow, column: CheckinColumn) -> str:
        if column == CheckinColumn.DAY:
            return day_text(row.start.date())
        if column == CheckinColumn.TIME:
            return time_text(row)
        if column == CheckinColumn.PAIR:
            return pair_label(row.mentor_name, row.mentee_names)
        if column == CheckinColumn.TOPIC:
            return row.topic
        if column == CheckinColumn.OUTCOME:
            return outcome_label(row, self._now)
        return " ".join(row.notes.split())

    def _sort_key(self, row: CheckinRow, column: CheckinColumn) -> Any:
        if column == CheckinColumn.DAY:
            return row.start.timestamp()
        if column == CheckinColumn.TIME:
            return f"{row.start:%H:%M} {row.start.timestamp():015.0f}"
        return self._display(row, column).casefold()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = CheckinColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Role.SORT:
            return self._sort_key(row, column)
        if role == Role.ID:
            return row.id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == CheckinColumn.OUTCOME:
                return (_TO_LOG_COLOUR if to_log(row, self._now)
                        else _OUTCOME_COLOURS.get(row.outcome))
            if row.outcome == CheckinOutcome.CANCELLED:
                return _MUTED
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            if column == CheckinColumn.DAY and row.start.date() == self._today:
                font.setBold(True)
                return font
            if row.outcome == CheckinOutcome.CANCELLED and column != CheckinColumn.OUTCOME:
                font.setStrikeOut(True)
                return font
            if row.moved and column == CheckinColumn.TIME:
                font.setItalic(True)
                return font
            return None
        return None

    def _tooltip(self, row: CheckinRow, column: CheckinColumn) -> str | None:
        if column == CheckinColumn.DAY:
            return long_date(row.start.date()) + (" (today)" if row.start.date() == self._today
                                                  else "")
        if column == CheckinColumn.TIME:
            lines = [f"{row.duration_minutes} minutes, {row.timezone} time"]
            mine = row.start.astimezone()  # the computer's own zone, daylight saving too
            if mine.utcoffset() != row.start.utcoffset():
                lines.append(f"{day_text(mine.date())} {mine:%H:%M} your time")
            if row.moved:
                lines.append("Moved from its usual time: calendars get an update of this "
                             "meeting")
            return "\n".join(lines)
        if column == CheckinColumn.OUTCOME:
            if to_log(row, self._now):
                return "Over: record whether it was held"
            if not row.in_series:
                return "Logged without being planned"
            return None
        if column in (CheckinColumn.NOTES, CheckinColumn.PAIR, CheckinColumn.TOPIC):
            return self._display(row, column) if column != CheckinColumn.NOTES \
                else (row.notes or None)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CheckinColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return CHECKIN_HEADERS[CheckinColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return CHECKIN_HEADER_TIPS.get(CheckinColumn(section))
        return None


class CheckinsProxyModel(QSortFilterProxyModel):
    """Sorts the agenda by raw values (time, not text) and filters it by a search text
    (pair, topic, notes) and an outcome key of :data:`OUTCOME_FILTERS`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self.setDynamicSortFilter(True)
        self._search = ""
        self._outcome = ""

    def set_search(self, text: str) -> None:
        """Keep meetings whose pair, topic or notes contain ``text``."""
        self._change_filter("_search", text.strip().casefold())

    def set_outcome(self, key: str) -> None:
        """Keep meetings of one outcome key ("" for all)."""
        self._change_filter("_outcome", key)

    def _change_filter(self, name: str, value: str) -> None:
        if getattr(self, name) == value:
            return
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        row: CheckinRow | None = model.data(model.index(source_row, 0, source_parent),
                                            Role.ROW)
        if row is None:
            return False
        if self._outcome:
            overdue = isinstance(model, CheckinsTableModel) and model.is_to_log(row)
            key = "to_log" if overdue else str(row.outcome)
            if key != self._outcome:
                return False
        if self._search:
            haystack = (row.mentor_name, row.mentee_names, row.topic, row.notes)
            return any(self._search in value.casefold() for value in haystack)
        return True


# --------------------------------------------------------------------------- nudges


@dataclass(frozen=True)
class NudgeRow:
    """An active pair that needs the coordinator's attention.

    Attributes:
        rhythm_days: their rhythm in days (None: no rhythm yet).
        days_since: days since their last held meeting, or their start (None: no rhythm
            yet and not overdue).
        emails: the pair's addresses, to write to them.
    """

    pairing_id: int
    mentor_name: str
    mentee_names: str
    overdue: bool
    has_rhythm: bool
    rhythm_days: int | None = None
    last_held: date | None = None
    days_since: int | None = None
    emails: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """Why the pair is listed, in words."""
        if not self.overdue or self.days_since is None:
            return "No rhythm yet"
        text = f"No meeting held for {self.days_since} days"
        if self.rhythm_days and self.has_rhythm:
            return f"{text} (they meet every {self.rhythm_days} days)"
        if self.rhythm_days:
            return f"{text} and no rhythm yet (the usual is every {self.rhythm_days} days)"
        return text


def nudge_rows(overdue: Sequence[OverdueRow], without_rhythm: Sequence[int],
               pairs: Sequence[PairingRow]) -> list[NudgeRow]:
    """The pairs to nudge: those with no meeting held in twice their rhythm (longest
    first), then the active pairs with no rhythm yet."""
    by_id = {p.id: p for p in pairs}
    no_rhythm = set(without_rhythm)

    def emails(pairing_id: int) -> tuple[str, ...]:
        pair = by_id.get(pairing_id)
        if pair is None:
            return ()
        found = [pair.mentor_email, *(m.email for m in pair.members)]
        return tuple(e for e in found if e)

    rows = [NudgeRow(o.pairing_id, o.mentor_name, o.mentee_names, True,
                     o.pairing_id not in no_rhythm, o.rhythm_days, o.last_held,
                     o.days_since, emails(o.pairing_id)) for o in overdue]
    listed = {o.pairing_id for o in overdue}
    for pairing_id in without_rhythm:
        if pairing_id in listed:
            continue
        pair = by_id.get(pairing_id)
        rows.append(NudgeRow(pairing_id, pair.mentor_name if pair else "",
                             pair.mentee_names if pair else "", False, False,
                             emails=emails(pairing_id)))
    return rows


class NudgeColumn(IntEnum):
    """The columns of the pairs to nudge."""

    PAIR = 0
    LAST_HELD = 1
    REASON = 2


NUDGE_HEADERS = {NudgeColumn.PAIR: "Pair", NudgeColumn.REASON: "Why",
                 NudgeColumn.LAST_HELD: "Last held"}


class NudgeTableModel(QAbstractTableModel):
    """Pairs with no meeting held in twice their rhythm, and pairs with no rhythm yet."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[NudgeRow] = []

    def set_rows(self, rows: Sequence[NudgeRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> NudgeRow:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def rows(self) -> list[NudgeRow]:
        """Every row, in the model's order."""
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(NudgeColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = NudgeColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == NudgeColumn.PAIR:
                return pair_label(row.mentor_name, row.mentee_names)
            if column == NudgeColumn.REASON:
                return row.reason
            if row.last_held is not None:
                return day_text(row.last_held, year=True)
            return "Never" if row.overdue else "–"
        if role == Role.SORT:
            if column == NudgeColumn.PAIR:
                return pair_label(row.mentor_name, row.mentee_names).casefold()
            if column == NudgeColumn.REASON:
                return row.days_since if row.days_since is not None else -1
            return row.last_held.toordinal() if row.last_held else 0
        if role == Role.ID:
            return row.pairing_id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and column == NudgeColumn.REASON:
            return _WARNING if row.overdue else _TO_LOG_COLOUR
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(NudgeColumn)):
            return NUDGE_HEADERS[NudgeColumn(section)]
        return None


# --------------------------------------------------------------------------- rhythms


@dataclass(frozen=True)
class PairSchedule:
    """An active pair and its check-in series (None: no rhythm yet)."""

    pairing: PairingRow
    series: SeriesRecord | None

    @property
    def pairing_id(self) -> int:
        """The pairing's id."""
        return self.pairing.id


def rhythm_text(series: SeriesRecord | None) -> str:
    """"Every 2 weeks on Tuesday at 10:00" (or "No rhythm yet")."""
    if series is None:
        return "No rhythm yet"
    text = f"{series.rhythm} at {series.first_start:%H:%M}"
    if series.status == SeriesStatus.CANCELLED:
        text += " (cancelled)"
    return text[:1].upper() + text[1:]


def ends_text(series: SeriesRecord) -> str:
    """When the series ends, in words."""
    if series.until is not None:
        return f"until {day_text(series.until, year=True)}"
    if series.count is not None:
        return f"{series.count} meetings"
    return ""


class PairColumn(IntEnum):
    """The columns of the pairs' rhythms."""

    PAIR = 0
    RHYTHM = 1
    ZONE = 2
    LENGTH = 3
    ENDS = 4


PAIR_HEADERS = {PairColumn.PAIR: "Pair", PairColumn.RHYTHM: "Rhythm",
                PairColumn.ZONE: "Time zone", PairColumn.LENGTH: "Length",
                PairColumn.ENDS: "Ends"}


class PairSchedulesTableModel(QAbstractTableModel):
    """Every active pair with its rhythm, to open the schedule editor from."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PairSchedule] = []

    def set_rows(self, rows: Sequence[PairSchedule]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PairSchedule]:
        """Every row, in the model's order."""
        return list(self._rows)

    def row_at(self, row: int) -> PairSchedule:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def row_of(self, pairing_id: int) -> int | None:
        """The row of ``pairing_id``, if it is loaded."""
        for number, item in enumerate(self._rows):
            if item.pairing.id == pairing_id:
                return number
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PairColumn)

    @staticmethod
    def _display(row: PairSchedule, column: PairColumn) -> str:
        series = row.series
        if column == PairColumn.PAIR:
            return pair_label(row.pairing.mentor_name, row.pairing.mentee_names)
        if column == PairColumn.RHYTHM:
            return rhythm_text(series)
        if series is None:
            return ""
        if column == PairColumn.ZONE:
            return series.timezone
        if column == PairColumn.LENGTH:
            return f"{series.duration_minutes} min"
        return ends_text(series)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = PairColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Role.SORT:
            series = row.series
            if column == PairColumn.LENGTH:
                return series.duration_minutes if series else -1
            if column == PairColumn.ENDS:
                if series is None:
                    return ""
                return (series.until.isoformat() if series.until
                        else f"n{series.count or 0:05d}")
            return self._display(row, column).casefold()
        if role == Role.ID:
            return row.pairing.id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PairColumn.RHYTHM and row.series is not None:
                return (f"{row.series.meetings} meetings planned or logged; calendar "
                        f"update {row.series.sequence}")
            if column == PairColumn.RHYTHM:
                return "Set a rhythm to plan this pair's meetings"
            return self._display(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == PairColumn.RHYTHM:
            if row.series is None:
                return _TO_LOG_COLOUR
            if row.series.status == SeriesStatus.CANCELLED:
                return _MUTED
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(PairColumn)):
            return PAIR_HEADERS[PairColumn(section)]
        return None
