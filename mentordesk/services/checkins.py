"""Check-ins: each active pair's regular meetings, the meeting log, and who needs a nudge.

A pair's rhythm is a :class:`~mentordesk.models.CheckinSeries`: one calendar event with a
repeat rule whose UID never changes, so a calendar that imported the invitation updates the
same meetings when something changes (the series' ``sequence`` goes up by one each time).
Every meeting the rule makes is also a :class:`~mentordesk.models.Checkin` row, so the log,
the agenda and the KPIs are plain queries: moving one meeting changes that row (calendars get
a RECURRENCE-ID override), skipping one marks it cancelled (an EXDATE), and ending the pair
cancels the series (METHOD:CANCEL).

Times: the first meeting is kept in UTC with the time zone whose wall clock the meetings
follow; every meeting is at the same local time, across daylight saving changes, as a
calendar expanding the rule would put it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from dateutil import rrule
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from mentordesk.errors import NotFoundError, UserError, ValidationError
from mentordesk.models import (
    Cadence,
    Checkin,
    CheckinFrequency,
    CheckinOutcome,
    CheckinSeries,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    Programme,
    ProgrammeStructure,
    SeriesStatus,
)
from mentordesk.services import audit
from mentordesk.services.documents.wording import WEEKDAYS
from mentordesk.services.validation import check_timezone

if TYPE_CHECKING:
    from mentordesk.services.invites import SeriesInvite

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Without an end date or a count, a series runs to the programme's end, else this many.
DEFAULT_COUNT = 12
# Never more meetings than this in one series (a daily series over years is a mistake).
MAX_MEETINGS = 400
# A pair is inactive when no meeting was held in this many times its rhythm.
INACTIVE_FACTOR = 2
# How long each unit of a rhythm is, in days, for "twice their cadence".
UNIT_DAYS = {CheckinFrequency.DAILY: 1, CheckinFrequency.WEEKLY: 7,
             CheckinFrequency.MONTHLY: 30}
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.MONTHLY: 30}

_EVERY = re.compile(r"^\s*(\d*)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months)\s*$", re.I)
_WORDS = {"daily": (CheckinFrequency.DAILY, 1), "weekly": (CheckinFrequency.WEEKLY, 1),
          "fortnightly": (CheckinFrequency.WEEKLY, 2), "biweekly": (CheckinFrequency.WEEKLY, 2),
          "monthly": (CheckinFrequency.MONTHLY, 1)}


def parse_every(text: str) -> tuple[CheckinFrequency, int]:
    """``"2w"`` -> every 2 weeks; also ``"weekly"``, ``"fortnightly"``, ``"monthly"``,
    ``"10d"``, ``"1m"`` (monthly on the first meeting's weekday, e.g. the 2nd Tuesday).

    Raises:
        ValidationError: on the field ``every``.
    """
    word = text.strip().casefold()
    if word in _WORDS:
        return _WORDS[word]
    match = _EVERY.match(word)
    if not match:
        raise ValidationError({"every": f"'{text}' is not a rhythm like 1w, 2w, 1m, 10d, "
                                        "weekly, fortnightly or monthly"})
    number = int(match.group(1) or 1)
    unit = match.group(2)[0]
    frequency = {"d": CheckinFrequency.DAILY, "w": CheckinFrequency.WEEKLY,
                 "m": CheckinFrequency.MONTHLY}[unit]
    if not 1 <= number <= 52:
        raise ValidationError({"every": f"'{text}': the number must be from 1 to 52"})
    return frequency, number


def describe_rhythm(frequency: CheckinFrequency, interval: int, first: datetime) -> str:
    """The rhythm in words: "every 2 weeks on Tuesday", "monthly on the 2nd Tuesday"."""
    day = WEEKDAYS[first.weekday()]  # English whatever the desktop's language
    if frequency == CheckinFrequency.DAILY:
        return "every day" if interval == 1 else f"every {interval} days"
    if frequency == CheckinFrequency.WEEKLY:
        return f"weekly on {day}" if interval == 1 else f"every {interval} weeks on {day}"
    n = _nth(first.date())
    which = "last" if n == -1 else {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}[n]
    months = "monthly" if interval == 1 else f"every {interval} months"
    return f"{months} on the {which} {day}"


def _nth(day: date) -> int:
    """Which weekday of its month ``day`` is: 1-4, or -1 for a fifth (the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class Schedule:
    """A pair's rhythm as the coordinator sets it.

    Attributes:
        first_start: the first meeting's local wall-clock time (naive) in ``timezone``.
        count, until: how many meetings, or the last day (inclusive); neither: to the
            programme's end, else :data:`DEFAULT_COUNT` meetings.
    """

    frequency: CheckinFrequency
    interval: int
    first_start: datetime
    timezone: str
    duration_minutes: int = 45
    count: int | None = None
    until: date | None = None
    location: str = ""
    link: str = ""


def _check_schedule(schedule: Schedule) -> None:
    errors: dict[str, str] = {}
    problem = check_timezone(schedule.timezone)
    if problem:
        errors["timezone"] = problem
    if not 1 <= schedule.interval <= 52:
        errors["every"] = "the number must be from 1 to 52"
    if not 5 <= schedule.duration_minutes <= 480:
        errors["duration"] = "must be from 5 to 480 minutes"
    if schedule.count is not None and schedule.until is not None:
        errors["count"] = "give a number of meetings or an end date, not both"
    elif schedule.count is not None and not 1 <= schedule.count <= MAX_MEETINGS:
        errors["count"] = f"must be from 1 to {MAX_MEETINGS}"
    if schedule.until is not None and schedule.until < schedule.first_start.date():
        errors["until"] = "is before the first meeting"
    if schedule.first_start.tzinfo is not None:
        errors["at"] = "give the local time, without a time zone offset"
    if schedule.link.strip():
        parsed = urlparse(schedule.link.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors["link"] = f"'{schedule.link}' is not a web address (https://...)"
    if len(schedule.location) > 300:
        errors["location"] = "is longer than 300 characters"
    if errors:
        raise ValidationError(errors)


def meeting_times(frequency: CheckinFrequency, interval: int, first_local: datetime,
                  zone: str, *, count: int | None = None,
                  until: date | None = None) -> list[datetime]:
    """Every meeting of a rhythm as aware local datetimes (the same wall-clock time each,
    as calendars expand the repeat rule), at most :data:`MAX_MEETINGS`."""
    tz = ZoneInfo(zone)
    naive = first_local.replace(tzinfo=None)
    kwargs: dict[str, object] = {"dtstart": naive, "interval": interval}
    if frequency == CheckinFrequency.MONTHLY:
        weekday = rrule.weekday(naive.weekday(), _nth(naive.date()))
        kwargs["byweekday"] = weekday
    if count is not None:
        kwargs["count"] = min(count, MAX_MEETINGS)
    elif until is not None:
        kwargs["until"] = datetime.combine(until, time(23, 59, 59))
    else:
        kwargs["count"] = DEFAULT_COUNT
    freq = {CheckinFrequency.DAILY: rrule.DAILY, CheckinFrequency.WEEKLY: rrule.WEEKLY,
            CheckinFrequency.MONTHLY: rrule.MONTHLY}[frequency]
    rule = rrule.rrule(freq, **kwargs)
    times = []
    for moment in rule:
        times.append(moment.replace(tzinfo=tz))
        if len(times) >= MAX_MEETINGS:
            break
    return times


# A list number ("1.", "2)") or a bullet ("-", "•", "*") opening an agenda line. A number
# followed by a digit is a figure ("1.5 hours"), and "**" is emphasis: both are kept.
_BULLET = re.compile(r"^\s*(?:\d+[.)](?!\d)|[-•]|\*(?!\*))?\s*")


def agenda_topics(text: str) -> list[str]:
    """The topics of an agenda as typed: one per non-blank line, in order, with any list
    number or bullet the line starts with dropped (``"1. Goals"`` -> ``"Goals"``).

    Every document and the check-ins read an agenda through this one function, so a topic
    prints the same in an invitation, a handbook and the proposal.
    """
    topics = (_BULLET.sub("", line, count=1).strip() for line in text.splitlines())
    return [t for t in topics if t]


def _topics(programme: Programme) -> list[str]:
    """A formal programme's agenda: one topic per meeting, in turn (see
    :func:`agenda_topics`); none when the programme is informal."""
    if programme.structure != ProgrammeStructure.FORMAL:
        return []
    return agenda_topics(programme.agenda)


@dataclass(frozen=True)
class SeriesRecord:
    """A pair's check-in series as the app shows it."""

    id: int
    pairing_id: int
    uid: str
    sequence: int
    frequency: CheckinFrequency
    interval: int
    first_start: datetime  # aware, in ``timezone``
    timezone: str
    duration_minutes: int
    count: int | None
    until: date | None
    location: str
    link: str
    status: SeriesStatus
    rhythm: str
    meetings: int


def _record(series: CheckinSeries, meetings: int) -> SeriesRecord:
    local = series.first_start.astimezone(ZoneInfo(series.timezone))
    return SeriesRecord(series.id, series.pairing_id, series.uid, series.sequence,
                        series.frequency, series.interval, local, series.timezone,
                        series.duration_minutes, series.count, series.until, series.location,
                        series.link, series.status,
                        describe_rhythm(series.frequency, series.interval, local), meetings)


def _pairing(session: Session, pairing_id: int) -> Pairing:
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFoundError(f"There is no pairing with id {pairing_id}.")
    return pairing


def _series_of(session: Session, pairing_id: int) -> CheckinSeries | None:
    return session.scalars(select(CheckinSeries)
                           .where(CheckinSeries.pairing_id == pairing_id)).first()


def get_series(session: Session, pairing_id: int) -> SeriesRecord | None:
    """The pair's series, if it has one."""
    series = _series_of(session, pairing_id)
    if series is None:
        return None
    meetings = session.scalar(select(func.count(Checkin.id))
                              .where(Checkin.series_id == series.id)) or 0
    return _record(series, meetings)


def list_series(session: Session, programme_id: int) -> dict[int, SeriesRecord]:
    """Every series of the programme, by pairing id, in two queries."""
    rows = list(session.scalars(select(CheckinSeries).join(
        Pairing, Pairing.id == CheckinSeries.pairing_id)
        .where(Pairing.programme_id == programme_id)))
    counts: dict[int, int] = {}
    if rows:
        for series_id, number in session.execute(
                select(Checkin.series_id, func.count(Checkin.id))
                .where(Checkin.series_id.in_([s.id for s in rows]))
                .group_by(Checkin.series_id)):
            if series_id is not None:
                counts[series_id] = number
    return {s.pairing_id: _record(s, counts.get(s.id, 0)) for s in rows}


def _now() -> datetime:
    return datetime.now(UTC)


def schedule_checkins(session: Session, pairing_id: int, schedule: Schedule, *,
                      now: datetime | None = None) -> SeriesRecord:
    """Set (or change) an active pair's rhythm and plan its meetings.

    A change keeps the series' UID, raises its sequence by one, and replans the meetings
    still to come (those already held, missed or cancelled stay in the log). Setting the
    same rhythm again changes nothing.

    Raises:
        ValidationError: a field out of range (timezone, every, duration, count, until,
            link, at).
        UserError: the pairing is not active.
    """
    _check_schedule(schedule)
    pairing = _pairing(session, pairing_id)
    if pairing.status != PairingStatus.ACTIVE:
        raise UserError(f"Pairing {pairing_id} is {pairing.status.value.replace('_', ' ')}: "
                        "only active pairs get check-ins (publish it first).")
    programme = pairing.programme
    now = now or _now()
    tz = ZoneInfo(schedule.timezone)
    first = schedule.first_start.replace(tzinfo=tz).astimezone(UTC)
    count, until = schedule.count, schedule.until
    if count is None and until is None and programme.end_date is not None \
            and programme.end_date >= schedule.first_start.date():
        until = programme.end_date
    series = _series_of(session, pairing_id)
    wanted = {"frequency": schedule.frequency, "interval": schedule.interval,
              "first_start": first, "timezone": schedule.timezone,
              "duration_minutes": schedule.duration_minutes, "count": count, "until": until,
              "location": schedule.location.strip(), "link": schedule.link.strip()}
    if series is None:
        series = CheckinSeries(pairing_id=pairing_id, uid=f"{uuid.uuid4()}@mentordesk",
                               sequence=0, status=SeriesStatus.ACTIVE, **wanted)
        session.add(series)
        session.flush()
        changed = True
    else:
        changed = any(getattr(series, k) != v for k, v in wanted.items()) \
            or series.status != SeriesStatus.ACTIVE
        if changed:
            for key, value in wanted.items():
                setattr(series, key, value)
            series.status = SeriesStatus.ACTIVE
            series.sequence += 1
    if changed:
        _replan(session, series, programme, now)
        audit.record(session, "schedule", "checkin_series", series.id, sorted(wanted))
    session.flush()
    return get_series(session, pairing_id)  # type: ignore[return-value]


def _replan(session: Session, series: CheckinSeries, programme: Programme,
            now: datetime) -> None:
    """Plan the series' meetings from ``now`` on; past and logged meetings stay."""
    tz = ZoneInfo(series.timezone)
    session.execute(delete(Checkin).where(
        Checkin.series_id == series.id, Checkin.outcome == CheckinOutcome.SCHEDULED,
        Checkin.scheduled_start >= now))
    kept = {row.original_start: row for row in session.scalars(
        select(Checkin).where(Checkin.series_id == series.id))}
    topics = _topics(programme)
    times = meeting_times(series.frequency, series.interval,
                          series.first_start.astimezone(tz), series.timezone,
                          count=series.count, until=series.until)
    for k, moment in enumerate(times):
        start = moment.astimezone(UTC)
        if start in kept or start < now:
            continue
        session.add(Checkin(
            pairing_id=series.pairing_id, series_id=series.id, original_start=start,
            scheduled_start=start, duration_minutes=series.duration_minutes,
            timezone=series.timezone, outcome=CheckinOutcome.SCHEDULED,
            topic=topics[k % len(topics)] if topics else "", ical_uid=None,
            ical_sequence=series.sequence))


def _checkin(session: Session, checkin_id: int) -> Checkin:
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:
        raise NotFoundError(f"There is no check-in with id {checkin_id}.")
    return checkin


def _bump(checkin: Checkin) -> None:
    if checkin.series is not None:
        checkin.series.sequence += 1
        checkin.ical_sequence = checkin.series.sequence
    else:
        checkin.ical_sequence += 1


def move_checkin(session: Session, checkin_id: int, new_local_start: datetime, *,
                 duration_minutes: int | None = None) -> None:
    """Move one meeting to another local time (in its time zone); calendars get an
    override of that one occurrence."""
    checkin = _checkin(session, checkin_id)
    if checkin.outcome != CheckinOutcome.SCHEDULED:
        raise UserError("Only a meeting still to come can be moved.")
    if new_local_start.tzinfo is not None:
        raise ValidationError({"to": "give the local time, without a time zone offset"})
    start = new_local_start.replace(tzinfo=ZoneInfo(checkin.timezone)).astimezone(UTC)
    if duration_minutes is not None and not 5 <= duration_minutes <= 480:
        raise ValidationError({"duration": "must be from 5 to 480 minutes"})
    if start == checkin.scheduled_start and duration_minutes in (None,
                                                                 checkin.duration_minutes):
        return
    checkin.scheduled_start = start
    if duration_minutes is not None:
        checkin.duration_minutes = duration_minutes
    _bump(checkin)
    audit.record(session, "move", "checkin", checkin_id, ["scheduled_start"])


def skip_checkin(session: Session, checkin_id: int) -> None:
    """Cancel one meeting still to come; calendars drop that occurrence."""
    checkin = _checkin(session, checkin_id)
    if checkin.outcome == CheckinOutcome.CANCELLED:
        return
    if checkin.outcome != CheckinOutcome.SCHEDULED:
        raise UserError("That meeting is already logged; log it as cancelled instead.")
    checkin.outcome = CheckinOutcome.CANCELLED
    _bump(checkin)
    audit.record(session, "skip", "checkin", checkin_id, ["outcome"])


def cancel_series(session: Session, pairing_id: int, *, now: datetime | None = None) -> bool:
    """End a pair's series: meetings still to come are removed and the next export tells
    calendars to cancel it. Returns whether there was a running series."""
    series = _series_of(session, pairing_id)
    if series is None or series.status == SeriesStatus.CANCELLED:
        return False
    now = now or _now()
    session.execute(delete(Checkin).where(
        Checkin.series_id == series.id, Checkin.outcome == CheckinOutcome.SCHEDULED,
        Checkin.scheduled_start >= now))
    series.status = SeriesStatus.CANCELLED
    series.sequence += 1
    audit.record(session, "cancel", "checkin_series", series.id, ["status"])
    return True


def end_pairing(session: Session, pairing_id: int, *, early: bool = False,
                on: date | None = None) -> None:
    """End an active pair (completed, or ended early) and cancel its check-ins."""
    pairing = _pairing(session, pairing_id)
    if pairing.status not in (PairingStatus.ACTIVE, PairingStatus.PAUSED):
        raise UserError(f"Pairing {pairing_id} is {pairing.status.value.replace('_', ' ')}, "
                        "not active.")
    today = on or _now().date()
    pairing.status = PairingStatus.ENDED_EARLY if early else PairingStatus.COMPLETED
    pairing.end_date = max(today, pairing.start_date) if pairing.start_date else today
    cancel_series(session, pairing_id,
                  now=datetime.combine(today, time(), UTC) if on else None)
    audit.record(session, "end", "pairing", pairing_id, ["status", "end_date"])


# --------------------------------------------------------------------------- the log


@dataclass(frozen=True)
class CheckinRow:
    """One meeting as the agenda and the log show it."""

    id: int
    pairing_id: int
    mentor_name: str
    mentee_names: str
    start: datetime  # aware, in the meeting's time zone
    duration_minutes: int
    timezone: str
    outcome: CheckinOutcome
    topic: str
    notes: str
    moved: bool
    in_series: bool
    # The time the series planned, when the meeting was moved (aware, local).
    original_start: datetime | None = None


def _names(session: Session, pairing_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Pairing id -> (mentor's name, mentees' names)."""
    result: dict[int, tuple[str, str]] = {}
    pairings = session.scalars(
        select(Pairing).where(Pairing.id.in_(pairing_ids))
        .options(selectinload(Pairing.mentor),
                 selectinload(Pairing.members).selectinload(PairingMember.mentee)))
    for p in pairings:
        mentor = (p.mentor.preferred_name or p.mentor.full_name) if p.mentor else "(erased)"
        mentees = ", ".join((m.mentee.preferred_name or m.mentee.full_name)
                            if m.mentee else "(erased)"
                            for m in sorted(p.members, key=lambda m: m.id))
        result[p.id] = (mentor, p.circle_name or mentees)
    return result


def _row(c: Checkin, names: dict[int, tuple[str, str]]) -> CheckinRow:
    mentor, mentees = names.get(c.pairing_id, ("", ""))
    tz = ZoneInfo(c.timezone)
    moved = c.original_start is not None and c.original_start != c.scheduled_start
    return CheckinRow(c.id, c.pairing_id, mentor, mentees,
                      c.scheduled_start.astimezone(tz), c.duration_minutes,
                      c.timezone, c.outcome, c.topic, c.notes, moved,
                      c.series_id is not None,
                      c.original_start.astimezone(tz) if moved and c.original_start else None)


def list_checkins(session: Session, programme_id: int, start: date, end: date,
                  pairing_id: int | None = None) -> list[CheckinRow]:
    """Meetings from ``start`` to ``end`` (inclusive, UTC days widened by a day each side
    and then cut to the meeting's own local date), earliest first."""
    lo = datetime.combine(start - timedelta(days=1), time(), UTC)
    hi = datetime.combine(end + timedelta(days=2), time(), UTC)
    query = (select(Checkin).join(Pairing, Pairing.id == Checkin.pairing_id)
             .where(Pairing.programme_id == programme_id, Checkin.scheduled_start >= lo,
                    Checkin.scheduled_start < hi)
             .order_by(Checkin.scheduled_start, Checkin.id))
    if pairing_id is not None:
        query = query.where(Checkin.pairing_id == pairing_id)
    checkins = list(session.scalars(query))
    names = _names(session, sorted({c.pairing_id for c in checkins}))
    rows = [_row(c, names) for c in checkins]
    return [r for r in rows if start <= r.start.date() <= end]


def pairing_checkins(session: Session, pairing_id: int) -> list[CheckinRow]:
    """Every meeting of one pair, earliest first."""
    _pairing(session, pairing_id)
    checkins = list(session.scalars(select(Checkin).where(Checkin.pairing_id == pairing_id)
                                    .order_by(Checkin.scheduled_start, Checkin.id)))
    names = _names(session, [pairing_id])
    return [_row(c, names) for c in checkins]


def log_checkin(session: Session, pairing_id: int, on: date, outcome: CheckinOutcome, *,
                note: str | None = None, at: time | None = None) -> CheckinRow:
    """Record what became of the pair's meeting on ``on`` (its local date).

    The planned meeting that day is updated; a meeting held without being planned is added
    (at ``at``, else noon, in the pair's time zone).

    Raises:
        ValidationError: ``outcome`` is "scheduled" (use move or schedule instead).
    """
    if outcome == CheckinOutcome.SCHEDULED:
        raise ValidationError({"outcome": "must be held, missed or cancelled"})
    pairing = _pairing(session, pairing_id)
    candidates = [c for c in session.scalars(select(Checkin).where(
        Checkin.pairing_id == pairing_id,
        Checkin.scheduled_start >= datetime.combine(on - timedelta(days=1), time(), UTC),
        Checkin.scheduled_start < datetime.combine(on + timedelta(days=2), time(), UTC)))
        if c.scheduled_start.astimezone(ZoneInfo(c.timezone)).date() == on]
    if candidates:
        checkin = min(candidates, key=lambda c: (c.outcome != CheckinOutcome.SCHEDULED,
                                                 c.scheduled_start))
        was_planned = checkin.outcome == CheckinOutcome.SCHEDULED
        checkin.outcome = outcome
        if outcome == CheckinOutcome.CANCELLED and was_planned \
                and checkin.scheduled_start > _now():
            _bump(checkin)  # still to come: calendars must drop it
    else:
        series = _series_of(session, pairing_id)
        zone = series.timezone if series is not None else "UTC"
        start = datetime.combine(on, at or time(12), ZoneInfo(zone)).astimezone(UTC)
        checkin = Checkin(pairing_id=pairing_id, scheduled_start=start,
                          duration_minutes=series.duration_minutes if series else 45,
                          timezone=zone, outcome=outcome, ical_uid=None)
        session.add(checkin)
    if note is not None:
        checkin.notes = note
    session.flush()
    audit.record(session, "log", "checkin", checkin.id, ["outcome", "notes"])
    return _row(checkin, _names(session, [pairing.id]))


def log_checkin_by_id(session: Session, checkin_id: int, outcome: CheckinOutcome, *,
                      note: str | None = None) -> CheckinRow:
    """Record what became of one meeting; "scheduled" puts a cancelled or wrongly logged
    meeting back as planned (if it is still to come, calendars get it back)."""
    checkin = _checkin(session, checkin_id)
    if outcome == CheckinOutcome.SCHEDULED:
        if checkin.outcome != CheckinOutcome.SCHEDULED:
            was_cancelled = checkin.outcome == CheckinOutcome.CANCELLED
            checkin.outcome = CheckinOutcome.SCHEDULED
            if was_cancelled and checkin.scheduled_start > _now():
                _bump(checkin)
    elif checkin.outcome != outcome:
        was_planned = checkin.outcome == CheckinOutcome.SCHEDULED
        checkin.outcome = outcome
        if outcome == CheckinOutcome.CANCELLED and was_planned \
                and checkin.scheduled_start > _now():
            _bump(checkin)
    if note is not None:
        checkin.notes = note
    session.flush()
    audit.record(session, "log", "checkin", checkin.id, ["outcome", "notes"])
    return _row(checkin, _names(session, [checkin.pairing_id]))


@dataclass(frozen=True)
class OverdueRow:
    """An active pair with no meeting held in twice their rhythm."""

    pairing_id: int
    mentor_name: str
    mentee_names: str
    rhythm_days: int
    last_held: date | None
    days_since: int


def overdue_pairs(session: Session, programme_id: int,
                  today: date | None = None) -> list[OverdueRow]:
    """Active pairs to nudge: no meeting held in :data:`INACTIVE_FACTOR` times their rhythm
    (counted from their last held meeting, or from their start), longest first."""
    today = today or _now().date()
    # Plain rows, and the programme's active pairs as a subquery rather than a list of
    # ids: the dashboard asks this of thousands of pairs on every refresh.
    active = (select(Pairing.id).where(Pairing.programme_id == programme_id,
                                       Pairing.status == PairingStatus.ACTIVE))
    pairings = session.execute(
        select(Pairing.id, Pairing.cadence, Pairing.start_date).where(Pairing.id.in_(active))
        .order_by(Pairing.id)).all()
    if not pairings:
        return []
    held: dict[int, datetime] = {}
    for pid, start in session.execute(
            select(Checkin.pairing_id, func.max(Checkin.scheduled_start))
            .where(Checkin.pairing_id.in_(active), Checkin.outcome == CheckinOutcome.HELD)
            .group_by(Checkin.pairing_id)):
        if start is not None:
            held[pid] = start if start.tzinfo else start.replace(tzinfo=UTC)
    series = {row.pairing_id: row for row in session.execute(
        select(CheckinSeries.pairing_id, CheckinSeries.frequency, CheckinSeries.interval,
               CheckinSeries.first_start).where(CheckinSeries.pairing_id.in_(active)))}
    due: list[tuple[int, int, date | None, int]] = []
    for pid, cadence, start_date in pairings:
        s = series.get(pid)
        days = (UNIT_DAYS[s.frequency] * s.interval if s is not None
                else CADENCE_DAYS.get(cadence, 14))
        last = held.get(pid)
        since = last.date() if last else (start_date or (
            s.first_start.date() if s is not None else None))
        if since is None or since > today:
            continue
        gap = (today - since).days
        if gap > INACTIVE_FACTOR * days:
            due.append((pid, days, last.date() if last else None, gap))
    names = _names(session, [pid for pid, *_ in due])  # only for the pairs listed
    rows = [OverdueRow(pid, *names[pid], days, last_held, gap)
            for pid, days, last_held, gap in due]
    return sorted(rows, key=lambda r: (-r.days_since, r.pairing_id))


# --------------------------------------------------------------------------- invitations


@dataclass(frozen=True)
class InviteExport:
    """What exporting invitations wrote."""

    folder: Path
    files: tuple[Path, ...]
    calendar: Path | None
    drafts: tuple[Path, ...]
    cancelled: int
    skipped: tuple[str, ...] = field(default_factory=tuple)


def series_invites(session: Session, programme_id: int, pairing_ids: Sequence[int] | None = None,
                   ) -> tuple[list[SeriesInvite], list[str]]:
    """The programme's series as :class:`~mentordesk.services.invites.SeriesInvite` values,
    and the pairs left out with the reason (no email for anyone, no organiser)."""
    from mentordesk.services.invites import Contact, MovedMeeting, SeriesInvite

    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    if not programme.coordinator_email.strip():
        raise UserError("Set the coordinator's email in the programme first: invitations "
                        "are sent in their name.")
    organizer = Contact(programme.coordinator_name.strip() or programme.coordinator_email,
                        programme.coordinator_email.strip())
    query = (select(CheckinSeries).join(Pairing, Pairing.id == CheckinSeries.pairing_id)
             .where(Pairing.programme_id == programme_id)
             .options(selectinload(CheckinSeries.checkins),
                      selectinload(CheckinSeries.pairing).selectinload(Pairing.mentor),
                      selectinload(CheckinSeries.pairing).selectinload(Pairing.members)
                      .selectinload(PairingMember.mentee))
             .order_by(CheckinSeries.id))
    if pairing_ids is not None:
        query = query.where(CheckinSeries.pairing_id.in_(pairing_ids))
    topics = _topics(programme)
    invites: list[SeriesInvite] = []
    skipped: list[str] = []
    for series in session.scalars(query):
        pairing = series.pairing
        people: list[Participant] = [p for p in [pairing.mentor, *(
            m.mentee for m in sorted(pairing.members, key=lambda m: m.id))] if p is not None]
        attendees = tuple(Contact(p.full_name, p.email) for p in people)
        mentor = _display(pairing.mentor)
        mentees = ", ".join(_display(m.mentee) for m in pairing.members)
        title = pairing.circle_name or f"{mentor} & {mentees}"
        if not attendees:
            skipped.append(f"pairing {pairing.id}: nobody left to invite")
            continue
        tz = ZoneInfo(series.timezone)
        description = [f"Mentoring check-in of {title} ({programme.name})."]
        if topics:
            description.append("Agenda, one topic per meeting in turn: "
                               + "; ".join(topics) + ".")
        if series.link:
            description.append(f"Join: {series.link}")
        description.append(f"Organised by {organizer.name} with MentorDesk.")
        skipped_starts = tuple(c.original_start.astimezone(tz) for c in series.checkins
                               if c.original_start is not None
                               and c.outcome == CheckinOutcome.CANCELLED)
        moved = tuple(MovedMeeting(c.original_start.astimezone(tz),
                                   c.scheduled_start.astimezone(tz), c.duration_minutes,
                                   series.sequence)
                      for c in series.checkins
                      if c.original_start is not None and c.outcome != CheckinOutcome.CANCELLED
                      and (c.original_start != c.scheduled_start
                           or c.duration_minutes != series.duration_minutes))
        until = (datetime.combine(series.until, time(23, 59, 59), tz)
                 if series.until is not None else None)
        frequency = {CheckinFrequency.DAILY: "DAILY", CheckinFrequency.WEEKLY: "WEEKLY",
                     CheckinFrequency.MONTHLY: "MONTHLY"}[series.frequency]
        first = series.first_start.astimezone(tz)
        invites.append(SeriesInvite(
            uid=series.uid, sequence=series.sequence,
            summary=f"Mentoring check-in: {title}", description="\n\n".join(description),
            location=series.location, url=series.link, start=first, timezone=series.timezone,
            duration_minutes=series.duration_minutes, frequency=frequency,
            interval=series.interval,
            nth_weekday=((_nth(first.date()), first.weekday())
                         if series.frequency == CheckinFrequency.MONTHLY else None),
            count=None if series.until is not None else (series.count or DEFAULT_COUNT),
            until=until, skipped=skipped_starts, moved=moved, organizer=organizer,
            attendees=attendees, cancelled=series.status == SeriesStatus.CANCELLED,
            file_stem=title))
    return invites, skipped


def _display(person: Participant | None) -> str:
    if person is None:
        return "(erased)"
    return person.preferred_name or person.full_name


def export_invitations(session: Session, programme_id: int, folder: Path, *,
                       pairing_ids: Sequence[int] | None = None, eml: bool = False,
                       progress: Progress | None = None,
                       cancelled: Cancelled | None = None) -> InviteExport:
    """Write each series' invitation (.ics, and .eml drafts if asked) and the combined
    calendar into ``folder``."""
    from mentordesk.services.invites import export_invites

    series, skipped = series_invites(session, programme_id, pairing_ids)
    if not series:
        raise UserError("There are no check-ins to export: set a rhythm for active pairs "
                        "first.")
    programme = session.get(Programme, programme_id)
    assert programme is not None

    def body(invite: SeriesInvite) -> str:
        if invite.cancelled:
            return (f"Hello,\n\nThe mentoring check-ins \"{invite.summary}\" have ended and "
                    "are cancelled in your calendar with this message.\n\nThank you for "
                    f"taking part in {programme.name}.\n\n{invite.organizer.name}\n")
        return (f"Hello,\n\nHere are your regular mentoring check-ins for {programme.name}. "
                "Open the attached invitation to add them to your calendar; if anything "
                "changes you will receive an update of the same meetings.\n\n"
                f"{invite.organizer.name}\n")

    result = export_invites(series, folder, calendar_name=programme.name, eml=eml,
                            body=body, progress=progress, cancelled=cancelled)
    return InviteExport(result.folder, result.files, result.calendar, result.drafts,
                        sum(1 for s in series if s.cancelled), tuple(skipped))


def pairings_without_series(session: Session, programme_id: int) -> list[int]:
    """Active pairs that have no check-in rhythm yet."""
    with_series = select(CheckinSeries.pairing_id)
    return list(session.scalars(select(Pairing.id).where(
        Pairing.programme_id == programme_id, Pairing.status == PairingStatus.ACTIVE,
        Pairing.id.not_in(with_series)).order_by(Pairing.id)))


def schedule_all(session: Session, programme_id: int, first_local: datetime, zone: str, *,
                 spacing_minutes: int = 0) -> list[int]:
    """Give every active pair without a rhythm the programme's default one, starting at
    ``first_local`` (each next pair ``spacing_minutes`` later); returns the pairing ids."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    frequency, interval = {Cadence.WEEKLY: (CheckinFrequency.WEEKLY, 1),
                           Cadence.FORTNIGHTLY: (CheckinFrequency.WEEKLY, 2),
                           Cadence.MONTHLY: (CheckinFrequency.MONTHLY, 1)}[
        programme.default_cadence]
    done = []
    for k, pairing_id in enumerate(pairings_without_series(session, programme_id)):
        schedule_checkins(session, pairing_id, Schedule(
            frequency, interval, first_local + timedelta(minutes=spacing_minutes * k), zone,
            programme.default_duration_minutes))
        done.append(pairing_id)
    return done

