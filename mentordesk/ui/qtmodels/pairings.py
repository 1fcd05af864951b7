"""The Pairing area's tables: the pairing board, the unmatched mentees, the mentors to swap
to, and the skills supply report; with the pure helpers that shape their rows.

The board shows :class:`~mentordesk.services.pairing.PairingRow` DTOs, either as saved or as
a draft preview built by :func:`preview_rows` from a proposal that is not saved yet. Draft
rows are not in the database: they carry negative ids (see :func:`is_draft`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from mentordesk.models import PairingRuleKind, PairingStatus
from mentordesk.services.pairing import (
    MemberRow,
    PairingRow,
    Pool,
    Proposal,
    RuleRow,
    SkillSupply,
    Unmatched,
)
from mentordesk.ui.qtmodels.base import RowsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

DRAFT_LABEL = "Draft"
STATUS_LABELS = {
    PairingStatus.PROPOSED: "Proposed",
    PairingStatus.ACCEPTED: "Accepted",
    PairingStatus.ACTIVE: "Active",
    PairingStatus.PAUSED: "Paused",
    PairingStatus.COMPLETED: "Completed",
    PairingStatus.ENDED_EARLY: "Ended early",
}
STATUS_TIPS = {
    PairingStatus.PROPOSED: "Proposed by the last run; a re-run may replace it unless "
                            "you accept or lock it",
    PairingStatus.ACCEPTED: "Accepted: re-runs keep it; publishing makes it active",
    PairingStatus.ACTIVE: "Published: the pair is meeting",
    PairingStatus.PAUSED: "Published, paused for now",
}
DRAFT_TIP = "A draft preview with the criteria as set now: not saved"
# Sorting by status follows the pairing's life, not the alphabet.
_STATUS_ORDER = {PairingStatus.PROPOSED: 1, PairingStatus.ACCEPTED: 2,
                 PairingStatus.ACTIVE: 3, PairingStatus.PAUSED: 4}
_STATUS_COLOURS = {PairingStatus.ACCEPTED: QColor("#1E7B34"),
                   PairingStatus.ACTIVE: QColor("#1F5FA8"),
                   PairingStatus.PAUSED: QColor("#8A6D00")}
_MUTED = QColor("#6B6B6B")

# "Dana is level 5 in Leadership, which Sam wants to develop: +32" -> (text, 32.0)
_POINTS = re.compile(r"^(?P<text>.*?)[:,]?\s*(?P<points>[+-]\d+(?:\.\d+)?)\s*$")


# Dragging a mentee (from the board or the unmatched) carries their participant id.
MENTEE_MIME = "application/x-mentordesk-mentee"
_OPEN = (PairingStatus.PROPOSED, PairingStatus.ACCEPTED)


def mentee_mime(mentee_id: int) -> QMimeData:
    """What a dragged mentee carries."""
    data = QMimeData()
    data.setData(MENTEE_MIME, QByteArray(str(mentee_id).encode("ascii")))
    return data


def dragged_mentee(data: QMimeData | None) -> int | None:
    """The mentee a drag carries, if it carries one."""
    if data is None or not data.hasFormat(MENTEE_MIME):
        return None
    try:
        return int(bytes(data.data(MENTEE_MIME).data()).decode("ascii"))
    except ValueError:
        return None


def is_draft(row: PairingRow) -> bool:
    """Whether ``row`` is part of a draft preview rather than a saved pairing."""
    return row.id < 0


def explanation_lines(explanation: str) -> list[tuple[str, float | None]]:
    """An explanation as (reason, points) per line; points None if the line has none."""
    lines: list[tuple[str, float | None]] = []
    for line in explanation.splitlines():
        line = line.strip()
        if not line:
            continue
        found = _POINTS.match(line)
        if found and found.group("text"):
            lines.append((found.group("text"), float(found.group("points"))))
        else:
            lines.append((line, None))
    return lines


def top_reason(row: PairingRow) -> str:
    """The largest contribution to a one-to-one pair's score, or a circle's summary."""
    if len(row.members) > 1:
        scored = [m for m in row.members if m.score is not None]
        best = max(scored, key=lambda m: m.score or 0.0) if scored else None
        tail = f"; best fit {best.name} ({best.score:g})" if best is not None else ""
        return f"Circle of {len(row.members)} mentees{tail}"
    if not row.members:
        return ""
    lines = explanation_lines(row.members[0].explanation)
    text = lines[0][0] if lines else ""
    return text[:1].upper() + text[1:]


def departments(row: PairingRow) -> str:
    """"Sales → Engineering": the mentor's department, then the mentees'."""
    mentees = list(dict.fromkeys(m.department for m in row.members if m.department))
    mentor = row.mentor_department or "?"
    return f"{mentor} → {', '.join(mentees) or '?'}"


def status_label(row: PairingRow) -> str:
    """The row's status in words ("Draft" for a preview row)."""
    return DRAFT_LABEL if is_draft(row) else STATUS_LABELS.get(row.status, str(row.status))


def preview_rows(pool: Pool, proposal: Proposal,
                 saved: Sequence[PairingRow]) -> list[PairingRow]:
    """The board as it would be if ``proposal`` were saved: the pairings a run keeps
    (accepted, active, locked) as they are, and the proposal's pairs as draft rows."""
    kept_ids = {pairing_id for pairing_id, _mentor, _mentees in pool.kept}
    rows = [row for row in saved if row.id in kept_ids]
    mentors = {m.person.id: m for m in pool.mentors}
    mentees = {m.person.id: m for m in pool.mentees}
    groups: dict[int, list[MemberRow]] = defaultdict(list)
    mentor_of: dict[int, int] = {}  # group key -> mentor id
    order: list[int] = []
    kept_circles = {row.mentor_id: row for row in rows if row.mentor_id is not None}
    for match in proposal.matches:
        mentee = mentees.get(match.mentee_id)
        member = MemberRow(
            participant_id=match.mentee_id,
            name=mentee.person.name if mentee else f"#{match.mentee_id}",
            email=mentee.email if mentee else "",
            department=mentee.person.department if mentee else "",
            score=match.score, explanation=match.explanation())
        key = match.mentor_id if pool.circles else len(order)
        if key not in groups:
            order.append(key)
            mentor_of[key] = match.mentor_id
        groups[key].append(member)
    drafts: list[PairingRow] = []
    for number, key in enumerate(order, start=1):
        members = tuple(groups[key])
        mentor_id = mentor_of[key]
        mentor = mentors.get(mentor_id)
        name = mentor.person.name if mentor else f"#{mentor_id}"
        circle_name = ""
        if pool.circles:
            joined = kept_circles.get(mentor_id)
            circle_name = (f"Joining {joined.circle_name or 'their circle'}" if joined
                           else f"Circle of {name}")
        tenths = [round((m.score or 0.0) * 10) for m in members]
        drafts.append(PairingRow(
            id=-number, status=PairingStatus.PROPOSED, locked=False, mentor_id=mentor_id,
            mentor_name=name, mentor_email=mentor.email if mentor else "",
            mentor_department=mentor.person.department if mentor else "",
            circle_name=circle_name, score=round(sum(tenths) / len(tenths)) / 10,
            members=members, start_date=None))
    return sorted([*rows, *drafts], key=lambda r: (-(r.score or 0.0), r.id))


_lock_icon: QIcon | None = None


def lock_icon() -> QIcon:
    """A small padlock, drawn once (there is no such icon in Qt's standard set)."""
    global _lock_icon
    if _lock_icon is None:
        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor("#7A5A00")
        painter.setPen(QPen(colour, 3.4))
        shackle = QPainterPath(QPointF(10, 15))
        shackle.lineTo(10, 10)
        shackle.arcTo(QRectF(10, 3, 12, 14), 180, -180)
        shackle.lineTo(22, 15)
        painter.drawPath(shackle)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#C8961E"))
        painter.drawRoundedRect(QRectF(6, 14, 20, 15), 3, 3)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(14, 18.5, 4, 4))
        painter.drawRect(QRectF(15.2, 21, 1.6, 4.5))
        painter.end()
        _lock_icon = QIcon(pixmap)
    return _lock_icon


# --------------------------------------------------------------------------- the board


class PairingColumn(IntEnum):
    """The columns of the pairing board, in display order."""

    STATUS = 0
    LOCK = 1
    MENTOR = 2
    MENTEES = 3
    DEPARTMENTS = 4
    SCORE = 5
    REASON = 6


PAIRING_HEADERS = {
    PairingColumn.STATUS: "Status",
    PairingColumn.LOCK: "Lock",
    PairingColumn.MENTOR: "Mentor",
    PairingColumn.MENTEES: "Mentee",
    PairingColumn.DEPARTMENTS: "Departments",
    PairingColumn.SCORE: "Score",
    PairingColumn.REASON: "Top reason",
}
PAIRING_HEADER_TIPS = {
    PairingColumn.LOCK: "Locked pairs are kept by every re-run",
    PairingColumn.SCORE: "0-100: the criteria's points, added up (a circle: the average)",
    PairingColumn.REASON: "What added most to the score; the full explanation is below",
}


class Role(IntEnum):
    """Custom item-data roles of the Pairing area's models."""

    SORT = Qt.ItemDataRole.UserRole + 1  # raw value to sort by
    ID = Qt.ItemDataRole.UserRole + 2  # pairing id (board), participant id (others)
    ROW = Qt.ItemDataRole.UserRole + 3  # the row's DTO (any column)


def _pairing_display(row: PairingRow, column: PairingColumn) -> str:
    if column == PairingColumn.STATUS:
        return status_label(row)
    if column == PairingColumn.LOCK:
        return ""  # the padlock icon says it; the tooltip and accessible text in words
    if column == PairingColumn.MENTOR:
        return row.mentor_name
    if column == PairingColumn.MENTEES:
        return row.mentee_names
    if column == PairingColumn.DEPARTMENTS:
        return departments(row)
    if column == PairingColumn.SCORE:
        return f"{row.score:.1f}" if row.score is not None else "–"
    return top_reason(row)


def _pairing_sort_key(row: PairingRow, column: PairingColumn) -> Any:
    if column == PairingColumn.STATUS:
        return 0 if is_draft(row) else _STATUS_ORDER.get(row.status, 9)
    if column == PairingColumn.LOCK:
        return int(row.locked)
    if column == PairingColumn.SCORE:
        return row.score if row.score is not None else -1.0
    return _pairing_display(row, column).casefold()


class PairingsTableModel(QAbstractTableModel):
    """Read-only board of pairings (saved or a draft preview); reloaded with :meth:`set_rows`.

    While :attr:`editable`, a one-to-one pairing's mentee can be dragged onto another
    pairing: the drop is not applied here but reported as ``mentee_dropped(mentee id,
    mentor id)`` for the view to ask the pairing service.
    """

    mentee_dropped = Signal(int, int)  # mentee id, the mentor they were dropped on

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PairingRow] = []
        self.editable = False  # whether mentees can be dragged and dropped

    def set_rows(self, rows: Sequence[PairingRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[PairingRow]:
        """Every row, in the model's order."""
        return list(self._rows)

    def row_at(self, row: int) -> PairingRow:
        """The DTO shown in ``row``."""
        return self._rows[row]

    def row_of(self, pairing_id: int) -> int | None:
        """The row showing ``pairing_id``, if it is loaded."""
        for number, item in enumerate(self._rows):
            if item.id == pairing_id:
                return number
        return None

    def row_of_mentee(self, mentee_id: int) -> int | None:
        """The row whose pairing has ``mentee_id`` among its mentees, if any."""
        for number, item in enumerate(self._rows):
            if any(m.participant_id == mentee_id for m in item.members):
                return number
        return None

    def _can_drag(self, row: PairingRow) -> bool:
        return (self.editable and not is_draft(row) and row.status in _OPEN
                and len(row.members) == 1 and row.members[0].participant_id is not None)

    def _can_drop_on(self, row: PairingRow) -> bool:
        return self.editable and not is_draft(row) and row.mentor_id is not None

    # Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PairingColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if self._can_drag(row):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if self._can_drop_on(row):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [MENTEE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        for index in indexes:
            if index.isValid() and self._can_drag(self._rows[index.row()]):
                mentee_id = self._rows[index.row()].members[0].participant_id
                if mentee_id is not None:
                    return mentee_mime(mentee_id)
        return QMimeData()  # nothing to drag (the view only asks for draggable rows)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: AnyIndex) -> bool:
        mentee_id = dragged_mentee(data)
        if mentee_id is None or not parent.isValid() or row != -1:
            return False  # only onto a pairing, not between rows
        target = self._rows[parent.row()]
        return self._can_drop_on(target) and all(m.participant_id != mentee_id
                                                 for m in target.members)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        mentee_id = dragged_mentee(data)
        mentor_id = self._rows[parent.row()].mentor_id
        if mentee_id is not None and mentor_id is not None:
            self.mentee_dropped.emit(mentee_id, mentor_id)
        return False  # the view reloads the board from the database instead

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = PairingColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _pairing_display(row, column)
        if role == Role.SORT:
            return _pairing_sort_key(row, column)
        if role == Role.ID:
            return row.id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.DecorationRole and column == PairingColumn.LOCK:
            return lock_icon() if row.locked else None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == PairingColumn.LOCK:
            return "Locked" if row.locked else "Not locked"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == PairingColumn.STATUS:
            return _MUTED if is_draft(row) else _STATUS_COLOURS.get(row.status)
        if role == Qt.ItemDataRole.FontRole and is_draft(row) \
                and column == PairingColumn.STATUS:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PairingColumn.SCORE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _tooltip(row: PairingRow, column: PairingColumn) -> str | None:
        if column == PairingColumn.STATUS:
            return DRAFT_TIP if is_draft(row) else STATUS_TIPS.get(row.status)
        if column == PairingColumn.LOCK and row.locked:
            return "Locked: every re-run keeps this pair"
        if column == PairingColumn.MENTOR and row.circle_name:
            return row.circle_name
        if column == PairingColumn.MENTEES and len(row.members) > 1:
            return "\n".join(f"{m.name} ({m.department})" if m.department else m.name
                             for m in row.members)
        if column == PairingColumn.REASON and len(row.members) == 1:
            return row.members[0].explanation or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(PairingColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return PAIRING_HEADERS[PairingColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return PAIRING_HEADER_TIPS.get(PairingColumn(section))
        return None


# Status filter choices: (label, predicate key).
STATUS_FILTERS = (
    ("All pairings", ""),
    ("Proposed", "proposed"),
    ("Accepted", "accepted"),
    ("Active", "active"),
    ("Locked", "locked"),
    ("Not yet published", "open"),
)


class PairingsProxyModel(QSortFilterProxyModel):
    """Sorts the board by raw values (scores numerically) and filters it by a search text
    (names, emails, departments, circle) and a status."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self.setDynamicSortFilter(True)
        self._search = ""
        self._status = ""

    def set_search(self, text: str) -> None:
        """Keep rows whose people, emails, departments or circle contain ``text``."""
        self._change_filter("_search", text.strip().casefold())

    def set_status(self, key: str) -> None:
        """Keep rows of one status key of :data:`STATUS_FILTERS` ("" for all)."""
        self._change_filter("_status", key)

    def _change_filter(self, name: str, value: str) -> None:
        if getattr(self, name) == value:
            return
        self.beginFilterChange()  # Qt 6.10's replacement for invalidateFilter()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        row: PairingRow | None = model.data(model.index(source_row, 0, source_parent), Role.ROW)
        if row is None:
            return False
        if self._status and not _status_matches(row, self._status):
            return False
        if self._search:
            haystack = [row.mentor_name, row.mentor_email, row.mentor_department,
                        row.circle_name]
            for member in row.members:
                haystack += [member.name, member.email, member.department]
            return any(self._search in value.casefold() for value in haystack)
        return True


def _status_matches(row: PairingRow, key: str) -> bool:
    if key == "locked":
        return row.locked
    if key == "open":
        return row.status in (PairingStatus.PROPOSED, PairingStatus.ACCEPTED)
    return str(row.status) == key


# --------------------------------------------------------------------------- unmatched


class UnmatchedColumn(IntEnum):
    """The columns of the unmatched mentees table."""

    NAME = 0
    EMAIL = 1
    REASON = 2


UNMATCHED_HEADERS = {UnmatchedColumn.NAME: "Mentee", UnmatchedColumn.EMAIL: "Email",
                     UnmatchedColumn.REASON: "Why no mentor"}


class UnmatchedTableModel(RowsTableModel[Unmatched]):
    """Mentees left without a mentor, with the reason in plain words; while
    :attr:`editable`, they can be dragged onto a pairing on the board."""

    headers = tuple(UNMATCHED_HEADERS[c] for c in UnmatchedColumn)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editable = False

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsDragEnabled if self.editable else flags

    def mimeTypes(self) -> list[str]:
        return [MENTEE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        for index in indexes:
            if index.isValid() and self.editable:
                return mentee_mime(self._rows[index.row()].participant_id)
        return QMimeData()

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = UnmatchedColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == UnmatchedColumn.NAME:
                return row.name
            if column == UnmatchedColumn.EMAIL:
                return row.email
            return row.reason[:1].upper() + row.reason[1:]
        if role == Role.SORT:
            value = (row.name, row.email, row.reason)[column]
            return value.casefold()
        if role == Role.ID:
            return row.participant_id
        if role == Role.ROW:
            return row
        return None


# --------------------------------------------------------------------------- rules


class RuleColumn(IntEnum):
    """The columns of the locks and bans table."""

    KIND = 0
    MENTOR = 1
    MENTEE = 2
    REASON = 3


RULE_HEADERS = {RuleColumn.KIND: "Rule", RuleColumn.MENTOR: "Mentor",
                RuleColumn.MENTEE: "Mentee", RuleColumn.REASON: "Reason"}


def rule_label(row: RuleRow) -> str:
    """How a rule reads: "Locked together" or "Never together"."""
    return "Locked together" if row.kind == PairingRuleKind.LOCK else "Never together"


class RulesTableModel(RowsTableModel[RuleRow]):
    """The coordinator's locks and bans on pairs, each of which can be lifted."""

    headers = tuple(RULE_HEADERS[c] for c in RuleColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = RuleColumn(index.column())
        values = (rule_label(row), row.mentor_name, row.mentee_name,
                  row.reason[:1].upper() + row.reason[1:])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return values[column]
        if role == Role.SORT:
            return values[column].casefold()
        if role == Role.ROW:
            return row
        return None


# --------------------------------------------------------------------------- swapping


@dataclass(frozen=True)
class MentorChoice:
    """A mentor a mentee could be moved to, as the swap dialog lists them.

    Attributes:
        score: the pair's score with the programme's criteria (None if not allowed).
        places: places the mentor has free now (0 or less: full of drafts, the weakest
            of which makes way).
        allowed: whether the pair passes the hard constraints.
        note: why not, or what the swap also does, in words.
    """

    mentor_id: int
    name: str
    department: str
    score: float | None
    places: int
    allowed: bool
    note: str = ""


class ChoiceColumn(IntEnum):
    """The columns of the mentor choices table."""

    MENTOR = 0
    DEPARTMENT = 1
    SCORE = 2
    PLACES = 3
    NOTE = 4


CHOICE_HEADERS = {ChoiceColumn.MENTOR: "Mentor", ChoiceColumn.DEPARTMENT: "Department",
                  ChoiceColumn.SCORE: "Score", ChoiceColumn.PLACES: "Free places",
                  ChoiceColumn.NOTE: "Note"}


class MentorChoicesTableModel(RowsTableModel[MentorChoice]):
    """The mentors to choose from; those the hard constraints rule out are disabled."""

    headers = tuple(CHOICE_HEADERS[c] for c in ChoiceColumn)

    def __init__(self, choices: Sequence[MentorChoice] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(choices)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].allowed:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.NoItemFlags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = ChoiceColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ChoiceColumn.MENTOR:
                return row.name
            if column == ChoiceColumn.DEPARTMENT:
                return row.department
            if column == ChoiceColumn.SCORE:
                return f"{row.score:.1f}" if row.score is not None else "–"
            if column == ChoiceColumn.PLACES:
                return str(max(row.places, 0))
            return row.note
        if role == Role.SORT:
            if column == ChoiceColumn.SCORE:
                return row.score if row.score is not None else -1.0
            if column == ChoiceColumn.PLACES:
                return row.places
            return (row.name, row.department, "", "", row.note)[column].casefold()
        if role == Role.ID:
            return row.mentor_id
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column == ChoiceColumn.NOTE and row.note:
            return row.note
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ChoiceColumn.SCORE,
                                                                    ChoiceColumn.PLACES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SearchProxyModel(QSortFilterProxyModel):
    """Sorts by :attr:`Role.SORT` and keeps rows whose text contains the search (any case)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_search(self, text: str) -> None:
        """Keep rows with ``text`` in any column."""
        self.setFilterFixedString(text.strip())


# --------------------------------------------------------------------------- supply


class SkillColumn(IntEnum):
    """The columns of the skills supply table."""

    SKILL = 0
    WANTED = 1
    MENTORS = 2
    PLACES = 3
    GAP = 4


SKILL_HEADERS = {SkillColumn.SKILL: "Skill", SkillColumn.WANTED: "Mentees want it",
                 SkillColumn.MENTORS: "Strong mentors", SkillColumn.PLACES: "Their places",
                 SkillColumn.GAP: "Gap"}
SKILL_HEADER_TIPS = {
    SkillColumn.WANTED: "Mentees with this skill among their development goals",
    SkillColumn.MENTORS: "Mentors at level 3 of 5 or above in it",
    SkillColumn.PLACES: "The places those mentors offer",
    SkillColumn.GAP: "Mentees wanting it beyond those places: mentors to recruit",
}
_GAP_COLOUR = QColor("#B00020")


class SkillSupplyTableModel(RowsTableModel[SkillSupply]):
    """Skills wanted by mentees against skills offered by strong mentors."""

    headers = tuple(SKILL_HEADERS[c] for c in SkillColumn)

    def __init__(self, skills: Sequence[SkillSupply] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(skills)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = SkillColumn(index.column())
        values: tuple[Any, ...] = (row.skill, row.wanted, row.mentors, row.places, row.gap)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == SkillColumn.GAP:
                return str(row.gap) if row.gap else "–"
            return str(values[column])
        if role == Role.SORT:
            return row.skill.casefold() if column == SkillColumn.SKILL else values[column]
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and column == SkillColumn.GAP and row.gap:
            return _GAP_COLOUR
        if role == Qt.ItemDataRole.TextAlignmentRole and column != SkillColumn.SKILL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(SkillColumn)):
            return SKILL_HEADER_TIPS.get(SkillColumn(section))
        return super().headerData(section, orientation, role)
