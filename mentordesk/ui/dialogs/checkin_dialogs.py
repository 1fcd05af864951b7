"""Logging one meeting (held, missed or cancelled, with a note) and moving one meeting.

Both dialogs hand what was entered to a ``save`` callable that writes it through the
check-ins service; they close only once it succeeded, and otherwise show the service's
reasons next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import CheckinOutcome
from mentordesk.services.checkins import CheckinRow
from mentordesk.ui.qtmodels.checkins import day_text, pair_label, time_text, zone_abbreviation
from mentordesk.ui.widgets import FieldErrors

DATE_FORMAT = "ddd d MMM yyyy"
TIME_FORMAT = "HH:mm"
_MUTED = "color: #6B6B6B;"


def to_qdate(value: date) -> QDate:
    """A Python date as a QDate."""
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    """A QDate as a Python date."""
    return date(value.year(), value.month(), value.day())


def to_qtime(value: time) -> QTime:
    """A Python time as a QTime (to the minute)."""
    return QTime(value.hour, value.minute)


def from_qtime(value: QTime) -> time:
    """A QTime as a Python time (to the minute)."""
    return time(value.hour(), value.minute())


def date_edit(value: date) -> QDateEdit:
    """A date field with a calendar popup."""
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def time_edit(value: time) -> QTimeEdit:
    """A 24-hour time field."""
    edit = QTimeEdit(to_qtime(value))
    edit.setDisplayFormat(TIME_FORMAT)
    return edit


def fit_height(dialog: QDialog) -> None:
    """Make ``dialog`` tall enough for its content at its width (after errors appeared
    under its fields: wrapped labels' minimum sizes do not account for it)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    wanted = (layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
              else layout.totalSizeHint().height())
    if wanted > dialog.height():
        dialog.resize(width, wanted)


def meeting_summary(row: CheckinRow) -> str:
    """The meeting as a dialog introduces it (rich text)."""
    topic = f"<br><span style='{_MUTED}'>Topic: {escape(row.topic)}</span>" if row.topic \
        else ""
    return (f"<b>{escape(pair_label(row.mentor_name, row.mentee_names))}</b><br>"
            f"{escape(day_text(row.start.date(), year=True))}, {escape(time_text(row))}"
            f"{topic}")


OUTCOME_CHOICES = (
    (CheckinOutcome.HELD, "&Held", "They met"),
    (CheckinOutcome.MISSED, "&Missed", "It was planned but did not happen"),
    (CheckinOutcome.CANCELLED, "&Cancelled", "Called off in advance"),
)


@dataclass(frozen=True)
class LogEntry:
    """What the log dialog records: the outcome, the note, and for a meeting that was not
    planned, its day and time."""

    outcome: CheckinOutcome
    note: str
    on: date | None = None
    at: time | None = None


class LogCheckinDialog(QDialog):
    """Record a meeting's outcome with a note: a planned meeting (``row``), or one held
    without being planned (``row`` None: its day and time are asked for).

    ``save`` writes the entry or raises :class:`UserError`; the dialog closes once it
    succeeded.
    """

    def __init__(self, save: Callable[[LogEntry], None], *, row: CheckinRow | None = None,
                 pair_name: str = "", outcome: CheckinOutcome = CheckinOutcome.HELD,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.row = row
        self.setWindowTitle("Log a check-in" if row is not None else "Log a meeting")
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)

        if row is not None:
            intro = QLabel(meeting_summary(row))
        else:
            intro = QLabel(f"<b>{escape(pair_name)}</b><br><span style='{_MUTED}'>A meeting "
                           "that was not in their plan: it is added to their log.</span>")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)

        self.outcome_group = QButtonGroup(self)
        self.outcome_buttons: dict[CheckinOutcome, QRadioButton] = {}
        outcomes = QHBoxLayout()
        outcomes.setContentsMargins(0, 0, 0, 0)
        for value, label, tip in OUTCOME_CHOICES:
            button = QRadioButton(label)
            button.setToolTip(tip)
            self.outcome_group.addButton(button)
            self.outcome_buttons[value] = button
            outcomes.addWidget(button)
        outcomes.addStretch(1)
        outcome_box = QWidget()
        outcome_box.setLayout(outcomes)
        self.outcome_buttons[outcome].setChecked(True)

        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("What they talked about, what comes next (optional)")
        self.note.setMinimumHeight(90)
        if row is not None:
            self.note.setPlainText(row.notes)

        form = QFormLayout()
        form.addRow("Outcome", self.errors.wrap("outcome", "Outcome", outcome_box))
        self.day: QDateEdit | None = None
        self.at: QTimeEdit | None = None
        if row is None:
            when = QWidget()
            when_layout = QHBoxLayout(when)
            when_layout.setContentsMargins(0, 0, 0, 0)
            self.day = date_edit(today or date.today())
            self.at = time_edit(time(12))
            when_layout.addWidget(self.day)
            when_layout.addWidget(self.at)
            when_layout.addStretch(1)
            form.addRow("When", self.errors.wrap("on", "The day", when))
        form.addRow("Note", self.errors.wrap("notes", "The note", self.note))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.note.setFocus()
        self.resize(max(460, self.sizeHint().width()), self.sizeHint().height())

    def outcome(self) -> CheckinOutcome:
        """The outcome chosen."""
        for value, button in self.outcome_buttons.items():
            if button.isChecked():
                return value
        return CheckinOutcome.HELD

    def set_outcome(self, outcome: CheckinOutcome) -> None:
        """Choose ``outcome``, as a click would."""
        self.outcome_buttons[outcome].setChecked(True)

    def entry(self) -> LogEntry:
        """What the form says."""
        return LogEntry(self.outcome(), self.note.toPlainText().strip(),
                        from_qdate(self.day.date()) if self.day is not None else None,
                        from_qtime(self.at.time()) if self.at is not None else None)

    def _on_save_clicked(self) -> None:
        try:
            self._save(self.entry())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            fit_height(self)
            return
        except UserError as exc:
            self.errors.show({"": exc.message})
            fit_height(self)
            return
        self.accept()


class MoveCheckinDialog(QDialog):
    """Move one planned meeting to another day or time (in its own time zone), and change
    its length; ``save(new local start, minutes)`` writes it or raises."""

    def __init__(self, row: CheckinRow, save: Callable[[datetime, int], None], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.row = row
        self.setWindowTitle("Move a check-in")
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)
        intro = QLabel(meeting_summary(row))
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)

        self.day = date_edit(row.start.date())
        self.at = time_edit(row.start.time())
        self.zone = QLabel()
        self.zone.setStyleSheet(_MUTED)
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" minutes")
        self.duration.setValue(row.duration_minutes)
        when = QWidget()
        when_layout = QHBoxLayout(when)
        when_layout.setContentsMargins(0, 0, 0, 0)
        when_layout.addWidget(self.day)
        when_layout.addWidget(self.at)
        when_layout.addWidget(self.zone, 1)
        note = QLabel("Only this meeting moves: the rest of the pair's rhythm stays. Export "
                      "the invitations again to update their calendars.")
        note.setWordWrap(True)
        note.setStyleSheet(_MUTED)

        form = QFormLayout()
        form.addRow("To", self.errors.wrap("to", "The new time", when))
        length = QWidget()
        length_layout = QHBoxLayout(length)
        length_layout.setContentsMargins(0, 0, 0, 0)
        length_layout.addWidget(self.duration)
        length_layout.addStretch(1)
        form.addRow("Length", self.errors.wrap("duration", "The length", length))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button: QPushButton = self.buttons.addButton(
            "Move", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        self.day.dateChanged.connect(self._update_zone)
        self.at.timeChanged.connect(self._update_zone)
        self._update_zone()
        self.resize(max(480, self.sizeHint().width()), self.sizeHint().height())

    def new_start(self) -> datetime:
        """The new local start (naive, in the meeting's time zone)."""
        return datetime.combine(from_qdate(self.day.date()), from_qtime(self.at.time()))

    def set_new_start(self, value: datetime) -> None:
        """Fill in the new local start."""
        self.day.setDate(to_qdate(value.date()))
        self.at.setTime(to_qtime(value.time()))

    def _update_zone(self) -> None:
        tz = self.row.start.tzinfo
        moment = self.new_start().replace(tzinfo=tz)
        end = moment + timedelta(minutes=self.duration.value())
        self.zone.setText(f"{zone_abbreviation(moment)} ({self.row.timezone})")
        self.zone.setToolTip(f"Until {end:%H:%M}, {self.row.timezone} time")

    def _on_save_clicked(self) -> None:
        try:
            self._save(self.new_start(), self.duration.value())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            fit_height(self)
            return
        except UserError as exc:
            self.errors.show({"": exc.message})
            fit_height(self)
            return
        self.accept()
