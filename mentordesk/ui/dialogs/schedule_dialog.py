"""Setting a pair's check-in rhythm, and giving every pair without one the programme's.

:class:`ScheduleDialog` edits one active pair's series: how often, the first meeting's day
and local time, the time zone whose wall clock the meetings follow, the length, when the
series ends, where they meet. It shows the rhythm in words and the next dates as they will
be planned while the form changes, and the service's reasons next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import CheckinFrequency, SeriesStatus
from mentordesk.services.checkins import (
    DEFAULT_COUNT,
    MAX_MEETINGS,
    Schedule,
    SeriesRecord,
    describe_rhythm,
    meeting_times,
)
from mentordesk.services.validation import check_timezone, known_timezones
from mentordesk.ui.dialogs.checkin_dialogs import (
    date_edit,
    fit_height,
    from_qdate,
    from_qtime,
    time_edit,
    to_qdate,
    to_qtime,
)
from mentordesk.ui.qtmodels.checkins import PairSchedule, day_text, pair_label
from mentordesk.ui.widgets import FieldErrors

_MUTED = "color: #6B6B6B;"
PREVIEW_MEETINGS = 5  # how many of the next dates the editor lists
UNITS = ((CheckinFrequency.WEEKLY, "weeks"), (CheckinFrequency.MONTHLY, "months"),
         (CheckinFrequency.DAILY, "days"))
LATE_HOUR = 18  # spacing that makes the last pairs meet after this hour is pointed out


def timezone_combo(zone: str) -> QComboBox:
    """An editable combo of the IANA time zones, completing any part of a name."""
    combo = QComboBox()
    combo.setEditable(True)
    zones = sorted(known_timezones())
    combo.addItems(zones)
    completer = QCompleter(zones, combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    combo.setCompleter(completer)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setCurrentText(zone)
    combo.setMinimumContentsLength(22)
    return combo


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(_MUTED)
    label.setWordWrap(True)
    return label


@dataclass(frozen=True)
class ScheduleDefaults:
    """What a new rhythm starts from: the programme's usual rhythm and length, its end,
    the time zone to suggest and the first day to suggest."""

    frequency: CheckinFrequency = CheckinFrequency.WEEKLY
    interval: int = 2
    duration_minutes: int = 45
    timezone: str = "UTC"
    first_day: date | None = None
    first_time: time = time(10)
    programme_end: date | None = None


class ScheduleDialog(QDialog):
    """The per-pair schedule editor.

    ``save(pairing id, schedule)`` writes the rhythm or raises :class:`ValidationError`
    (shown next to its fields) or :class:`UserError`; the dialog closes once it succeeded.
    """

    def __init__(self, pairs: Sequence[PairSchedule],
                 save: Callable[[int, Schedule], object], *,
                 defaults: ScheduleDefaults = ScheduleDefaults(),
                 pairing_id: int | None = None, now: datetime | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._pairs = {p.pairing_id: p for p in pairs}
        self.defaults = defaults
        self._now = now or datetime.now().astimezone()
        self.setWindowTitle("Check-in rhythm")
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)
        wrap = self.errors.wrap

        # The pair.
        self.pair = QComboBox()
        for item in pairs:
            self.pair.addItem(pair_label(item.pairing.mentor_name, item.pairing.mentee_names),
                              item.pairing_id)
        self.pair.setMinimumContentsLength(30)
        self.pair_status = _muted()

        # The rhythm.
        self.every = QSpinBox()
        self.every.setRange(1, 52)
        self.every.setAccessibleName("Every")
        self.unit = QComboBox()
        for frequency, label in UNITS:
            self.unit.addItem(label, frequency)
        self.unit.setAccessibleName("Unit")
        self.unit.setToolTip("Months: on the same weekday of the month as the first meeting, "
                             "e.g. the 2nd Tuesday")
        every_row = QWidget()
        every_layout = QHBoxLayout(every_row)
        every_layout.setContentsMargins(0, 0, 0, 0)
        every_layout.addWidget(self.every)
        every_layout.addWidget(self.unit)
        every_layout.addStretch(1)
        self.first_day = date_edit(date.today())
        self.first_time = time_edit(time(10))
        first_row = QWidget()
        first_layout = QHBoxLayout(first_row)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(self.first_day)
        first_layout.addWidget(self.first_time)
        first_layout.addStretch(1)
        self.timezone = timezone_combo(defaults.timezone)
        self.timezone.setToolTip("Every meeting is at the same time on this zone's clock, "
                                 "across daylight saving changes")
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" minutes")
        length_row = QWidget()
        length_layout = QHBoxLayout(length_row)
        length_layout.setContentsMargins(0, 0, 0, 0)
        length_layout.addWidget(self.duration)
        length_layout.addStretch(1)

        # When it ends.
        self.ends_group = QButtonGroup(self)
        end = defaults.programme_end
        self.ends_programme = QRadioButton(
            f"When the programme ends ({day_text(end, year=True)})" if end
            else f"After {DEFAULT_COUNT} meetings (the programme has no end date)")
        self.ends_count = QRadioButton("After")
        self.count = QSpinBox()
        self.count.setRange(1, MAX_MEETINGS)
        self.count.setValue(DEFAULT_COUNT)
        self.count.setSuffix(" meetings")
        self.ends_until = QRadioButton("On")
        self.until = date_edit(end or date.today() + timedelta(days=182))
        for button in (self.ends_programme, self.ends_count, self.ends_until):
            self.ends_group.addButton(button)
        self.ends_programme.setChecked(True)
        ends = QWidget()
        ends_layout = QGridLayout(ends)
        ends_layout.setContentsMargins(0, 0, 0, 0)
        ends_layout.setVerticalSpacing(2)
        ends_layout.addWidget(self.ends_programme, 0, 0, 1, 3)
        ends_layout.addWidget(self.ends_count, 1, 0)
        ends_layout.addWidget(self.count, 1, 1)
        ends_layout.addWidget(self.ends_until, 2, 0)
        ends_layout.addWidget(self.until, 2, 1)
        ends_layout.setColumnStretch(2, 1)

        self.location = QLineEdit()
        self.location.setPlaceholderText("A room, a building, or Online")
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://… (a video call link, optional)")

        rhythm_box = QGroupBox("Rhythm")
        form = QFormLayout(rhythm_box)
        form.addRow("Every", wrap("every", "The rhythm", every_row))
        form.addRow("First meeting", wrap("at", "The first meeting", first_row))
        form.addRow("Time zone", wrap("timezone", "The time zone", self.timezone))
        form.addRow("Length", wrap("duration", "The length", length_row))
        form.addRow("Ends", wrap("count", "The number of meetings", ends))
        self.errors.alias("until", "count", "The end date")
        where_box = QGroupBox("Where")
        where_form = QFormLayout(where_box)
        where_form.addRow("Location", wrap("location", "The location", self.location))
        where_form.addRow("Video link", wrap("link", "The link", self.link))

        # What it comes to.
        self.preview_frame = QFrame()
        self.preview_frame.setObjectName("preview")
        self.preview_frame.setStyleSheet("QFrame#preview { background: palette(base); "
                                         "border: 1px solid palette(mid); "
                                         "border-radius: 4px; }")
        self.rhythm_label = QLabel()
        font = self.rhythm_label.font()
        font.setBold(True)
        self.rhythm_label.setFont(font)
        self.rhythm_label.setWordWrap(True)
        self.zone_label = _muted()
        self.dates_label = QLabel()
        self.dates_label.setWordWrap(True)
        self.dates_label.setTextFormat(Qt.TextFormat.RichText)
        self.change_note = _muted()
        preview_layout = QVBoxLayout(self.preview_frame)
        preview_layout.setContentsMargins(10, 8, 10, 8)
        preview_layout.setSpacing(3)
        preview_layout.addWidget(self.rhythm_label)
        preview_layout.addWidget(self.zone_label)
        preview_layout.addWidget(self.dates_label)
        preview_layout.addWidget(self.change_note)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save rhythm",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        pair_form = QFormLayout()
        pair_form.addRow("Pair", self.pair)
        pair_form.addRow("", self.pair_status)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(rhythm_box)
        left.addWidget(where_box)
        left.addStretch(1)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(self.preview_frame)
        right.addStretch(1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        # Grow when errors appear under the fields rather than squeezing them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(pair_form)
        layout.addLayout(columns, 1)
        layout.addWidget(general)
        layout.addWidget(self.buttons)

        index = self.pair.findData(pairing_id) if pairing_id is not None else 0
        self.pair.setCurrentIndex(max(index, 0))
        self._fill(self.pairing_id())
        self.pair.currentIndexChanged.connect(self._on_pair_changed)
        for signal in (self.every.valueChanged, self.unit.currentIndexChanged,
                       self.first_day.dateChanged, self.first_time.timeChanged,
                       self.timezone.currentTextChanged, self.duration.valueChanged,
                       self.count.valueChanged, self.until.dateChanged,
                       self.ends_group.buttonToggled):
            signal.connect(self._update_preview)
        self._update_preview()
        self.resize(max(820, self.sizeHint().width()), self.sizeHint().height())

    # ------------------------------------------------------------------ the form

    def pairing_id(self) -> int | None:
        """The pair being scheduled."""
        data = self.pair.currentData()
        return int(data) if data is not None else None

    def series(self) -> SeriesRecord | None:
        """The chosen pair's series as it is now."""
        pairing_id = self.pairing_id()
        item = self._pairs.get(pairing_id) if pairing_id is not None else None
        return item.series if item is not None else None

    def _on_pair_changed(self) -> None:
        self.errors.clear()
        self._fill(self.pairing_id())
        self._update_preview()

    def _fill(self, pairing_id: int | None) -> None:
        """Show the pair's rhythm, or the programme's usual one for a pair without."""
        item = self._pairs.get(pairing_id) if pairing_id is not None else None
        series = item.series if item is not None else None
        d = self.defaults
        widgets = (self.every, self.unit, self.first_day, self.first_time, self.timezone,
                   self.duration, self.count, self.until, self.ends_programme,
                   self.ends_count, self.ends_until)
        for widget in widgets:
            widget.blockSignals(True)
        if series is not None and series.status == SeriesStatus.ACTIVE:
            self.pair_status.setText(
                f"Now: {series.rhythm} at {series.first_start:%H:%M} ({series.timezone}), "
                f"{series.meetings} meetings planned or logged. Saving a change updates the "
                "same calendar event; meetings already logged stay in the log.")
            frequency, interval = series.frequency, series.interval
            first = series.first_start
            self.timezone.setCurrentText(series.timezone)
            self.duration.setValue(series.duration_minutes)
            self.location.setText(series.location)
            self.link.setText(series.link)
            if series.until is not None and series.until != d.programme_end:
                self.ends_until.setChecked(True)
                self.until.setDate(to_qdate(series.until))
            elif series.count is not None:
                self.ends_count.setChecked(True)
                self.count.setValue(series.count)
            else:
                self.ends_programme.setChecked(True)
            day, at = first.date(), first.time()
        else:
            self.pair_status.setText(
                "No rhythm yet: the programme's usual one is suggested." if series is None
                else "Their check-ins were cancelled: saving a rhythm starts them again.")
            frequency, interval = d.frequency, d.interval
            day = d.first_day or date.today() + timedelta(days=1)
            at = d.first_time
            self.timezone.setCurrentText(d.timezone)
            self.duration.setValue(d.duration_minutes)
            self.location.clear()
            self.link.clear()
            self.ends_programme.setChecked(True)
        self.every.setValue(interval)
        self.unit.setCurrentIndex(max(self.unit.findData(frequency), 0))
        self.first_day.setDate(to_qdate(day))
        self.first_time.setTime(to_qtime(at))
        for widget in widgets:
            widget.blockSignals(False)

    def set_rhythm(self, frequency: CheckinFrequency, interval: int) -> None:
        """Choose the rhythm, as the user would."""
        self.unit.setCurrentIndex(self.unit.findData(frequency))
        self.every.setValue(interval)

    def set_first(self, first: datetime) -> None:
        """Set the first meeting's local day and time."""
        self.first_day.setDate(to_qdate(first.date()))
        self.first_time.setTime(to_qtime(first.time()))

    def schedule(self) -> Schedule:
        """The rhythm as the form says (not validated by the service yet)."""
        count: int | None = None
        until: date | None = None
        if self.ends_count.isChecked():
            count = self.count.value()
        elif self.ends_until.isChecked():
            until = from_qdate(self.until.date())
        return Schedule(
            frequency=CheckinFrequency(self.unit.currentData()), interval=self.every.value(),
            first_start=datetime.combine(from_qdate(self.first_day.date()),
                                         from_qtime(self.first_time.time())),
            timezone=self.timezone.currentText().strip(),
            duration_minutes=self.duration.value(), count=count, until=until,
            location=self.location.text().strip(), link=self.link.text().strip())

    # ------------------------------------------------------------------ preview

    def planned_times(self, schedule: Schedule) -> list[datetime]:
        """Every meeting the rhythm makes (aware, local), as the service will plan it."""
        count, until = schedule.count, schedule.until
        end = self.defaults.programme_end
        if count is None and until is None and end is not None \
                and end >= schedule.first_start.date():
            until = end
        return meeting_times(schedule.frequency, schedule.interval, schedule.first_start,
                             schedule.timezone, count=count, until=until)

    def _update_preview(self) -> None:
        self.count.setEnabled(self.ends_count.isChecked())
        self.until.setEnabled(self.ends_until.isChecked())
        schedule = self.schedule()
        problem = check_timezone(schedule.timezone)
        self.errors.set("timezone", problem)
        if problem:
            fit_height(self)
            self.rhythm_label.setText("Choose a time zone to see the dates.")
            self.zone_label.clear()
            self.dates_label.clear()
            self.change_note.clear()
            return
        words = describe_rhythm(schedule.frequency, schedule.interval, schedule.first_start)
        self.rhythm_label.setText(
            f"{words[:1].upper()}{words[1:]} at {schedule.first_start:%H:%M}")
        self.zone_label.setText(f"{schedule.timezone} time, {schedule.duration_minutes} "
                                "minutes each")
        if schedule.until is not None and schedule.until < schedule.first_start.date():
            self.dates_label.setText("The end date is before the first meeting.")
            self.change_note.clear()
            return
        times = self.planned_times(schedule)
        coming = [t for t in times if t >= self._now]
        past = len(times) - len(coming)
        if not coming:
            self.dates_label.setText("Every meeting of this rhythm is in the past: nothing "
                                     "would be planned.")
        else:
            items = "".join(f"<li>{escape(day_text(t.date(), year=True))}, "
                            f"{t:%H:%M} {escape(t.tzname() or '')}</li>"
                            for t in coming[:PREVIEW_MEETINGS])
            more = len(coming) - PREVIEW_MEETINGS
            tail = (f"<p>… and {more} more, the last on "
                    f"{escape(day_text(coming[-1].date(), year=True))}.</p>" if more > 0
                    else "")
            self.dates_label.setText(
                f"<p>{len(coming)} meeting{'s' if len(coming) != 1 else ''} to plan:</p>"
                f"<ul style='margin-left: -20px'>{items}</ul>{tail}")
        notes = []
        if past:
            notes.append(f"{past} earlier date{'s are' if past != 1 else ' is'} in the past "
                         "and not planned.")
        if len(times) >= MAX_MEETINGS:
            notes.append(f"A series has at most {MAX_MEETINGS} meetings.")
        self.change_note.setText(" ".join(notes))

    # ------------------------------------------------------------------ saving

    def _on_save_clicked(self) -> None:
        pairing_id = self.pairing_id()
        if pairing_id is None:
            return
        try:
            self._save(pairing_id, self.schedule())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            fit_height(self)
            return
        except UserError as exc:
            self.errors.show({"": exc.message})
            fit_height(self)
            return
        self.accept()


# --------------------------------------------------------------------------- all at once


@dataclass(frozen=True)
class ScheduleAllChoice:
    """When the pairs without a rhythm start: the first pair's local start, the time
    zone, and how much later each next pair starts."""

    first_local: datetime
    timezone: str
    spacing_minutes: int


class ScheduleAllDialog(QDialog):
    """Give every active pair without a rhythm the programme's usual one; accepted with
    :meth:`choice` valid."""

    def __init__(self, pairs: int, rhythm: str, *,
                 defaults: ScheduleDefaults = ScheduleDefaults(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pairs = pairs
        self.setWindowTitle("Schedule all pairs")
        intro = QLabel(
            f"<b>{pairs} active pair{'s have' if pairs != 1 else ' has'} no rhythm yet.</b> "
            f"Each gets the programme's usual rhythm, {escape(rhythm)}, "
            f"{defaults.duration_minutes} minutes, until the programme ends. Each next pair "
            "starts a little later, so they do not all meet at once; change any pair's "
            "rhythm afterwards.")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        general = QLabel()
        self.errors = FieldErrors(general)
        self.first_day = date_edit(defaults.first_day or date.today() + timedelta(days=1))
        self.first_time = time_edit(defaults.first_time)
        first_row = QWidget()
        first_layout = QHBoxLayout(first_row)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(self.first_day)
        first_layout.addWidget(self.first_time)
        first_layout.addStretch(1)
        self.timezone = timezone_combo(defaults.timezone)
        self.spacing = QSpinBox()
        self.spacing.setRange(0, 24 * 60)
        self.spacing.setSingleStep(15)
        self.spacing.setSuffix(" minutes")
        self.spacing.setValue(defaults.duration_minutes + 15)
        self.spacing.setToolTip("How much later each next pair's first meeting starts")
        form = QFormLayout()
        form.addRow("First pair meets", first_row)
        form.addRow("Time zone", self.errors.wrap("timezone", "The time zone", self.timezone))
        spacing_row = QWidget()
        spacing_layout = QHBoxLayout(spacing_row)
        spacing_layout.setContentsMargins(0, 0, 0, 0)
        spacing_layout.addWidget(self.spacing)
        spacing_layout.addWidget(_muted("later"))
        spacing_layout.addStretch(1)
        form.addRow("Each next pair", spacing_row)
        self.summary = _muted()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(f"Schedule {pairs} pair{'s' * (pairs != 1)}",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(general)
        layout.addWidget(self.buttons)
        for signal in (self.first_day.dateChanged, self.first_time.timeChanged,
                       self.timezone.currentTextChanged, self.spacing.valueChanged):
            signal.connect(self._update)
        self._update()
        self.resize(max(520, self.sizeHint().width()), self.sizeHint().height())

    def choice(self) -> ScheduleAllChoice:
        """What the form says."""
        first = datetime.combine(from_qdate(self.first_day.date()),
                                 from_qtime(self.first_time.time()))
        return ScheduleAllChoice(first, self.timezone.currentText().strip(),
                                 self.spacing.value())

    def _update(self) -> None:
        choice = self.choice()
        problem = check_timezone(choice.timezone)
        self.errors.set("timezone", problem)
        if problem:
            fit_height(self)
        self.ok_button.setEnabled(problem is None and self.pairs > 0)
        if problem:
            self.summary.clear()
            return
        last = choice.first_local + timedelta(minutes=choice.spacing_minutes
                                              * max(self.pairs - 1, 0))
        zone = ZoneInfo(choice.timezone)
        first_text = (f"{day_text(choice.first_local.date(), year=True)} at "
                      f"{choice.first_local:%H:%M} {choice.first_local.replace(tzinfo=zone):%Z}")
        if self.pairs <= 1 or choice.spacing_minutes == 0:
            text = f"The first meetings are on {first_text}."
        else:
            last_day = ("" if last.date() == choice.first_local.date()
                        else f" on {day_text(last.date(), year=True)}")
            text = (f"The first pair meets on {first_text}; the last{last_day} at "
                    f"{last:%H:%M}.")
            if last.date() != choice.first_local.date() or last.hour >= LATE_HOUR:
                text += (f" That is after {LATE_HOUR}:00 or on another day: choose less "
                         "time between pairs, or an earlier start.")
        self.summary.setText(text)
