"""Calendar invites (.ics) and e-mail drafts (.eml) for series of mentoring check-ins.

Plain data in, bytes and files out: no Qt and no database. The calendar service builds the
frozen dataclasses below from its tables and calls :func:`series_ics`, :func:`calendar_ics`,
:func:`eml_draft` or :func:`export_invites`.

What the files look like, and why:

* **One file per pair** (``METHOD:REQUEST``): the whole series is ONE ``VEVENT`` with an
  ``RRULE`` (Outlook imports only the first ``VEVENT`` of an invite), followed by one
  ``RECURRENCE-ID`` override ``VEVENT`` (same ``UID``) per moved meeting. Skipped meetings
  are ``EXDATE`` lines. The ``UID`` and ``SEQUENCE`` come from the caller, so a re-export
  updates the same event in the attendees' calendars instead of adding a second one.
  Ending a pair gives ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` and the caller's (higher)
  ``SEQUENCE``: the master ``VEVENT`` only, with its attendees and without an alarm.
* **The coordinator's calendar** (:func:`calendar_ics`, ``METHOD:PUBLISH``): every series
  with its overrides, attendees listed without ``RSVP``/``PARTSTAT`` and without alarms
  (a thousand reminders would be noise for the coordinator). A cancelled series stays in
  it as ``STATUS:CANCELLED`` with its higher ``SEQUENCE``: importing or refreshing the
  calendar then cancels an event imported earlier, which leaving it out would not.
* **Time zones.** Every ``TZID`` used gets a ``VTIMEZONE`` written the way Outlook reads
  them: a ``STANDARD`` and a ``DAYLIGHT`` sub-component, each a ``DTSTART`` in local time
  plus ``RRULE:FREQ=YEARLY;BYMONTH=m;BYDAY=nWD`` (n = 1..4 or -1) and the two offsets
  (icalendar's ``add_missing_timezones()`` writes ``RDATE`` lists instead, which Outlook
  may misread, so it is not used). The transitions come from :mod:`zoneinfo`: the
  transitions of the series' years (and the year before, where the sub-components start)
  are found, each is written as "the nth/last weekday of the month at this local time",
  and the rule that fits the most years is taken. That rule is then checked against
  zoneinfo at every instant the file names (every occurrence including skipped ones,
  every moved start, the ends); a zone with one offset over those years gets a single
  ``STANDARD`` sub-component. So for zones whose rule changed or is not an nth/last
  weekday (Asia/Jerusalem's "Friday before the last Sunday", America/Santiago's "first
  Sunday on or after the 2nd", Africa/Casablanca's Ramadan breaks) the yearly rule is
  still used when it holds at every meeting of the series.
* **UTC fallback.** When no yearly rule gives the right offset at every meeting, the
  series is written in UTC (``DTSTART:...Z``, no ``VTIMEZONE``): the ``RRULE`` keeps its
  frequency and interval with ``COUNT`` (an ``UNTIL`` becomes the equal count), and each
  meeting whose real start differs from the UTC rule's instance (those after a change of
  offset) gets a ``RECURRENCE-ID`` override at its real time. Standard clients (Google,
  Apple, Thunderbird) then show every meeting at the right local time; a client that
  keeps only the first ``VEVENT`` shows those meetings an hour off, so this is a last
  resort. The zone ``"UTC"`` is written this way too (no overrides are ever needed).
* **Text.** icalendar builds every line and escapes ``,`` ``;`` ``\\`` and line breaks in
  TEXT values; lines are folded at 75 octets between whole UTF-8 characters, with CRLF
  line ends -- by icalendar's algorithm, run here only on the lines that need it (the
  tests check it gives icalendar's bytes). A ``CN`` is double-quoted when it holds
  ``, ; : ' \\`` or a space, and uses RFC 6868 (``^'`` for ``"``, ``^n`` for a line
  break, ``^^`` for ``^``). Characters iCalendar cannot carry are dropped from every
  text: control characters other than tab and line feed (``\\r\\n`` and a lone ``\\r``
  become ``\\n``), lone surrogates, and U+FEFF (which icalendar's parser strips). A known
  limit of icalendar 7's *parser*: it reads ``\\,`` ``\\;`` ``\\:`` ``\\\\`` inside a
  parameter value as escapes, although RFC 5545 parameters have none; a name's
  backslashes are written verbatim (correct, and read back exactly by vobject).
* ``DESCRIPTION`` is the agenda followed by the video link (unless the agenda already
  contains it); ``LOCATION`` is the location, or the link when there is none; ``URL`` is
  the link when it is a well-formed URI (no spaces, controls, backslashes).
* **Deterministic:** the same inputs and ``dtstamp`` give the same bytes. ``DTSTAMP``
  defaults to now.
* **Drafts** (:func:`eml_draft`): an ``X-Unsent: 1`` message (Outlook opens it as a draft
  to send) From the coordinator To the attendees, with a text/plain body and the invite
  both inline (``text/calendar; method=REQUEST|CANCEL; charset=UTF-8``, what mail clients
  turn into Accept/Decline buttons) and attached as ``invite.ics`` (``application/ics``,
  as Google sends it, so clients do not show the invite twice). Both are base64, so the
  bytes are exactly the .ics file's.
* **Files** (:func:`export_invites`): names made safe for Windows, macOS and Linux by
  :func:`safe_file_name` and unique in the folder case-insensitively; everything is
  built in memory, then written to temporary files beside the targets, which are renamed
  over the targets (``os.replace``) only when all of them were written. A cancel or an
  error before that point leaves no file behind. Files are not fsynced: they can be made
  again at any time, and 1,000 fsyncs would cost seconds.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Parameters,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDDDLists,
    vDDDTypes,
    vInt,
    vRecur,
    vText,
    vUri,
)

from mentordesk.errors import UserError
from mentordesk.paths import ensure_private_dir
from mentordesk.services.files import MAX_NAME_BYTES, safe_file_name, unique_name, write_files

__all__ = [
    "FREQUENCIES",
    "MAX_NAME_BYTES",
    "MAX_OCCURRENCES",
    "Contact",
    "ExportResult",
    "MovedMeeting",
    "SeriesInvite",
    "calendar_ics",
    "eml_draft",
    "export_invites",
    "safe_file_name",
    "series_ics",
]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
PRODID = "-//MentorDesk//Check-in invites//EN"
# A series longer than this is a mistake in the caller (ten years of daily meetings).
MAX_OCCURRENCES = 3660

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_REQUEST, _CANCEL, _PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
_ORGANIZER = "ORGANIZER"  # an address without attendee parameters
_UNCARRIABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\"<>\\^`{|}\x00-\x1f\x7f-\x9f]+")



# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Contact:
    """A person on an invite: the organizer (the coordinator) or an attendee."""

    name: str
    email: str

    def __post_init__(self) -> None:
        if not self.email or any(c.isspace() or ord(c) < 32 for c in self.email):
            raise ValueError(f"not an e-mail address: {self.email!r}")


@dataclass(frozen=True)
class MovedMeeting:
    """One meeting of a series moved to another time (a ``RECURRENCE-ID`` override).

    Attributes:
        original_start: when the series' rule puts the meeting (aware).
        start: when it now takes place (aware).
        duration_minutes: its length.
        sequence: the override's own ``SEQUENCE`` (raised by the caller on each change).
    """

    original_start: datetime
    start: datetime
    duration_minutes: int
    sequence: int

    def __post_init__(self) -> None:
        _require_aware(self.original_start, "original_start")
        _require_aware(self.start, "start")
        if self.duration_minutes <= 0:
            raise ValueError("a moved meeting needs a positive duration")
        if self.sequence < 0:
            raise ValueError("SEQUENCE cannot be negative")


@dataclass(frozen=True, kw_only=True)
class SeriesInvite:
    """A pair's (or circle's) series of check-ins, as one recurring event.

    Keyword-only: there are many fields, and required ones follow optional ones.

    Attributes:
        uid: fixed for the life of the series; the calendar event's identity.
        sequence: raised by the caller whenever the date or time changes (and to cancel).
        summary: the event title.
        description: the agenda; the video link is appended (see the module docstring).
        location: a room or place; empty for none.
        url: the video link; empty for none.
        start: the first meeting (aware; converted to ``timezone``).
        timezone: an IANA name such as ``"Europe/London"``, or ``"UTC"``.
        duration_minutes: each meeting's length.
        frequency: ``"DAILY"``, ``"WEEKLY"`` or ``"MONTHLY"``.
        interval: every ``interval`` days, weeks or months.
        nth_weekday: for ``MONTHLY`` only, ``(n, weekday)`` with n = 1..4 or -1 (last) and
            weekday 0 = Monday; e.g. ``(2, 1)`` is the second Tuesday. ``None`` repeats on
            the start's day of the month (months without that day are skipped).
        count: the number of meetings, or
        until: the programme's end (aware): meetings starting at or before it. Exactly
            one of ``count`` and ``until`` is given.
        skipped: original starts of meetings that will not take place (``EXDATE``).
        moved: meetings moved to another time.
        organizer: the coordinator.
        attendees: the mentor first, then the mentees.
        cancelled: the pair ended: a ``METHOD:CANCEL`` invite.
        alarm_minutes: the reminder, minutes before each meeting; ``None`` for none.
        file_stem: the file name without suffix, e.g. "Dana Manager – Sam Engineer"
            (made safe by :func:`safe_file_name`); empty means the summary.
    """

    uid: str
    sequence: int
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    start: datetime
    timezone: str
    duration_minutes: int
    frequency: str
    interval: int = 1
    nth_weekday: tuple[int, int] | None = None
    count: int | None = None
    until: datetime | None = None
    skipped: tuple[datetime, ...] = ()
    moved: tuple[MovedMeeting, ...] = ()
    organizer: Contact
    attendees: tuple[Contact, ...]
    cancelled: bool = False
    alarm_minutes: int | None = 15
    file_stem: str = ""

    def __post_init__(self) -> None:
        if not self.uid.strip() or _UNCARRIABLE.search(self.uid) or "\n" in self.uid:
            raise ValueError(f"unusable UID: {self.uid!r}")
        if self.sequence < 0:
            raise ValueError("SEQUENCE cannot be negative")
        _require_aware(self.start, "start")
        _zone(self.timezone)
        if self.duration_minutes <= 0:
            raise ValueError("a meeting needs a positive duration")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
        if self.interval < 1:
            raise ValueError("the interval must be at least 1")
        if (self.count is None) == (self.until is None):
            raise ValueError("give exactly one of count and until")
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise ValueError(f"count must be 1..{MAX_OCCURRENCES}")
        if self.until is not None:
            _require_aware(self.until, "until")
        if self.nth_weekday is not None:
            n, weekday = self.nth_weekday
            if self.frequency != "MONTHLY":
                raise ValueError("nth_weekday is for MONTHLY series only")
            if n not in (1, 2, 3, 4, -1) or not 0 <= weekday <= 6:
                raise ValueError("nth_weekday is (1..4 or -1, weekday 0..6)")
            local = self.start.astimezone(_zone(self.timezone))
            if local.date() != _nth_weekday(local.year, local.month, n, weekday):
                raise ValueError("the start is not on the series' nth weekday")
        for when in self.skipped:
            _require_aware(when, "skipped")
        if self.alarm_minutes is not None and self.alarm_minutes < 0:
            raise ValueError("the reminder cannot be after the start")
        if not self.attendees:
            raise ValueError("an invite needs attendees")


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_invites` wrote, all inside ``folder``."""

    folder: Path
    files: tuple[Path, ...]
    calendar: Path | None
    drafts: tuple[Path, ...]


def _require_aware(when: datetime, what: str) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")


@lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo:
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# --------------------------------------------------------------------------- recurrence


def _nth_weekday(year: int, month: int, n: int, weekday: int) -> date:
    """The nth (1..5, or -1 = last) ``weekday`` of a month."""
    days = _calendar.monthrange(year, month)[1]
    if n == -1:
        last = date(year, month, days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _expand(first: datetime, frequency: str, interval: int, nth: tuple[int, int] | None,
            count: int | None, until: datetime | None) -> list[datetime]:
    """The starts the rule gives, as wall-clock times in ``first``'s zone (RFC 5545).

    ``first`` is the series' ``DTSTART`` (aware); a start counts if it is at or before
    ``until`` as an instant. Months without the start's day are skipped.
    """
    zone = first.tzinfo
    wall = first.replace(tzinfo=None)
    out: list[datetime] = []
    step = 0
    # Months without the day can be skipped, but never more than 11 in a row.
    while len(out) < (count or MAX_OCCURRENCES + 1):
        if frequency == "MONTHLY":
            year, month = _add_months(wall.year, wall.month, step * interval)
            if nth is not None:
                day = _nth_weekday(year, month, *nth)
            elif wall.day <= _calendar.monthrange(year, month)[1]:
                day = date(year, month, wall.day)
            else:
                step += 1
                continue
            candidate = datetime.combine(day, wall.time(), tzinfo=zone)
        else:
            days = step * interval * (7 if frequency == "WEEKLY" else 1)
            candidate = (wall + timedelta(days=days)).replace(tzinfo=zone)
        if until is not None and candidate > until:
            break
        out.append(candidate)
        step += 1
    if len(out) > MAX_OCCURRENCES:
        raise ValueError(f"a series of more than {MAX_OCCURRENCES} meetings")
    return out


def _rrule(first: datetime, frequency: str, interval: int, nth: tuple[int, int] | None,
           count: int | None, until: datetime | None) -> dict[str, object]:
    rule: dict[str, object] = {"FREQ": frequency}
    if until is not None:
        rule["UNTIL"] = until.astimezone(UTC)
    else:
        rule["COUNT"] = count
    if interval != 1:
        rule["INTERVAL"] = interval
    # Outlook writes (and best understands) the weekday and month day explicitly.
    if frequency == "WEEKLY":
        rule["BYDAY"] = _DAYS[first.weekday()]
    elif frequency == "MONTHLY" and nth is not None:
        rule["BYDAY"] = f"{nth[0]}{_DAYS[nth[1]]}"
    elif frequency == "MONTHLY":
        rule["BYMONTHDAY"] = first.day
    return rule


# --------------------------------------------------------------------------- time zones


@dataclass(frozen=True)
class _Observance:
    """One VTIMEZONE sub-component: from ``onset`` (local time in ``offset_from``) on,
    ``offset_to`` applies; repeated yearly on the nth weekday of the month if ``rule``."""

    daylight: bool
    onset: datetime  # naive local wall time, in offset_from
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rule: tuple[int, int, int] | None  # (month, n, weekday)

    def onsets_utc(self, year: int) -> list[datetime]:
        """The naive-UTC onsets in ``year`` (none before ``onset``)."""
        if self.rule is None:
            return [self.onset - self.offset_from] if self.onset.year == year else []
        if year < self.onset.year:
            return []
        month, n, weekday = self.rule
        local = datetime.combine(_nth_weekday(year, month, n, weekday), self.onset.time())
        return [local - self.offset_from]


@dataclass(frozen=True)
class _Transition:
    utc: datetime  # naive UTC instant
    offset_from: timedelta
    offset_to: timedelta
    name: str


@lru_cache(maxsize=4096)
def _transitions(key: str, year: int) -> tuple[_Transition, ...]:
    """zoneinfo's offset changes in ``year``, to the second (weekly steps, then bisection)."""
    zone = ZoneInfo(key)
    found: list[_Transition] = []
    t = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = t.astimezone(zone).utcoffset()
    while t < end:
        nxt = min(t + timedelta(days=7), end)
        after = nxt.astimezone(zone).utcoffset()
        if after != before:
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) // 2
                if mid.astimezone(zone).utcoffset() == before:
                    lo = mid
                else:
                    hi = mid
            hi_offset = hi.astimezone(zone).utcoffset()
            assert before is not None and hi_offset is not None
            found.append(_Transition(hi.replace(tzinfo=None), before, hi_offset,
                                     hi.astimezone(zone).tzname() or ""))
            before = hi_offset
            t = hi
            continue
        t = nxt
    return tuple(found)


def _rule_keys(tr: _Transition) -> list[tuple[int, int, int, time]]:
    """The ways "the nth/last weekday of the month at this local time" describes ``tr``."""
    local = tr.utc + tr.offset_from
    days = _calendar.monthrange(local.year, local.month)[1]
    keys = []
    n = (local.day - 1) // 7 + 1
    if local.day + 7 > days:
        keys.append((local.month, -1, local.weekday(), local.time()))
    if n <= 4:
        keys.append((local.month, n, local.weekday(), local.time()))
    return keys


def _years(instants: Sequence[datetime]) -> tuple[int, int]:
    """The UTC years from the one before the first instant to that of the last."""
    years = [i.astimezone(UTC).year for i in instants]
    return min(years) - 1, max(years)


@lru_cache(maxsize=1024)
def _observances(key: str, first_year: int, last_year: int) -> tuple[_Observance, ...]:
    """Yearly-rule sub-components for zone ``key`` over these years (not yet checked)."""
    zone = ZoneInfo(key)
    transitions = [tr for y in range(first_year, last_year + 1) for tr in _transitions(key, y)]
    if not transitions:
        local = datetime(last_year, 1, 1, tzinfo=UTC).astimezone(zone)
        offset = local.utcoffset()
        assert offset is not None
        return (_Observance(False, datetime(1970, 1, 1), offset, offset, local.tzname() or "",
                            None),)
    chosen = []
    for daylight in (False, True):
        votes: dict[tuple[int, int, int, time, timedelta, timedelta], list[_Transition]] = {}
        for tr in transitions:
            if (tr.offset_to > tr.offset_from) == daylight:
                for month, n, weekday, at in _rule_keys(tr):
                    votes.setdefault((month, n, weekday, at, tr.offset_from, tr.offset_to),
                                     []).append(tr)
        if not votes:
            continue
        # Most years first; then "last" before "4th" (the usual way rules are stated).
        best = min(votes, key=lambda k: (-len(votes[k]), k[1] != -1, k[1], k[0]))
        month, n, weekday, at, offset_from, offset_to = best
        onset = datetime.combine(_nth_weekday(first_year, month, n, weekday), at)
        chosen.append(_Observance(daylight, onset, offset_from, offset_to,
                                  votes[best][-1].name, (month, n, weekday)))
    return tuple(chosen)


@lru_cache(maxsize=1024)
def _onsets(observances: tuple[_Observance, ...], first_year: int, last_year: int
            ) -> tuple[list[datetime], list[timedelta], timedelta]:
    """Every onset (naive UTC) a client derives from ``observances`` over these years, in
    order, the offset each brings, and the offset before the first: the earliest
    sub-component's TZOFFSETFROM."""
    table = sorted(
        (onset, obs.offset_to) for obs in observances
        for year in ((obs.onset.year,) if obs.rule is None
                     else range(max(first_year, obs.onset.year), last_year + 1))
        for onset in obs.onsets_utc(year))
    before = min(observances, key=lambda o: o.onset - o.offset_from).offset_from
    return [onset for onset, _ in table], [offset for _, offset in table], before


def _rules_hold(key: str, observances: tuple[_Observance, ...],
                instants: Sequence[datetime]) -> bool:
    """Whether a client reading ``observances`` gets zoneinfo's offset at every instant."""
    zone = ZoneInfo(key)
    onsets, offsets, before = _onsets(observances, *_years(instants))
    for instant in instants:
        utc = instant.astimezone(UTC)
        i = bisect.bisect_right(onsets, utc.replace(tzinfo=None))
        if (offsets[i - 1] if i else before) != utc.astimezone(zone).utcoffset():
            return False
    return True


@lru_cache(maxsize=256)
def _vtimezone_bytes(key: str, observances: tuple[_Observance, ...]) -> bytes:
    data: bytes = _vtimezone(key, observances).to_ical()
    return data


def _vtimezone(key: str, observances: Sequence[_Observance]) -> Timezone:
    tz = Timezone()
    tz.add("tzid", key)
    for obs in sorted(observances, key=lambda o: o.daylight):
        sub = TimezoneDaylight() if obs.daylight else TimezoneStandard()
        sub.add("dtstart", obs.onset)
        sub.add("tzoffsetfrom", obs.offset_from)
        sub.add("tzoffsetto", obs.offset_to)
        if obs.name:
            sub.add("tzname", obs.name)
        if obs.rule is not None:
            month, n, weekday = obs.rule
            sub.add("rrule", {"FREQ": "YEARLY", "BYMONTH": month,
                              "BYDAY": f"{n}{_DAYS[weekday]}"})
        tz.add_component(sub)
    return tz


# --------------------------------------------------------------------------- one series


@dataclass(frozen=True)
class _Layout:
    """How a series is written: its instants, and in which zone."""

    series: SeriesInvite
    zone: tzinfo  # the series' ZoneInfo, or UTC (the zone "UTC" or the fallback)
    starts: tuple[datetime, ...]  # every occurrence the rule gives, in ``zone``
    real: tuple[datetime, ...]  # the same meetings at their real instants (aware)
    skipped: frozenset[int]  # indexes into starts
    moved: tuple[tuple[int, MovedMeeting], ...]

    def instants(self) -> list[datetime]:
        """Every instant the file names in local time (checked against the VTIMEZONE)."""
        out = list(self.real)
        out.append(_end(self.real[0], self.series.duration_minutes, UTC))
        for _, moved in self.moved:
            out += [moved.start, _end(moved.start, moved.duration_minutes, UTC)]
        return out


def _end(start: datetime, minutes: int, zone: tzinfo) -> datetime:
    """``minutes`` of real time after ``start`` (not wall-clock time), in ``zone``."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)


_Plan = tuple[list[datetime], frozenset[int], tuple[tuple[int, MovedMeeting], ...]]


def _plan(series: SeriesInvite) -> _Plan:
    """The occurrences in the series' zone, which are skipped, which moved (by index)."""
    zone = _zone(series.timezone)
    first = series.start.astimezone(zone)
    starts = _expand(first, series.frequency, series.interval, series.nth_weekday,
                     series.count, series.until)
    if not starts:
        raise ValueError(f"series {series.uid!r} ends before its first meeting")
    index: dict[datetime, int] = {}

    def find(when: datetime, what: str) -> int:
        if not index:
            index.update((s.astimezone(UTC), i) for i, s in enumerate(starts))
        try:
            return index[when.astimezone(UTC)]
        except KeyError:
            raise ValueError(f"{what} {when.isoformat()} is not a meeting of series "
                             f"{series.uid!r}") from None

    skipped = frozenset(find(s, "skipped") for s in series.skipped)
    moved = tuple(sorted(((find(m.original_start, "moved"), m) for m in series.moved),
                         key=lambda p: p[0]))
    if len({i for i, _ in moved}) != len(moved) or skipped & {i for i, _ in moved}:
        raise ValueError(f"a meeting of series {series.uid!r} is moved twice or moved "
                         "and skipped")
    return starts, skipped, moved


def _layouts(series: Sequence[SeriesInvite], plans: Sequence[_Plan] | None = None,
             ) -> tuple[list[_Layout], dict[str, tuple[_Observance, ...]]]:
    """Each series' layout and the VTIMEZONEs they need (shared per zone name)."""
    if plans is None:
        plans = [_plan(s) for s in series]
    by_zone: dict[str, list[int]] = {}
    for i, s in enumerate(series):
        if s.timezone != "UTC":
            by_zone.setdefault(s.timezone, []).append(i)
    layouts: list[_Layout | None] = [None] * len(series)
    zones: dict[str, tuple[_Observance, ...]] = {}
    for key, members in sorted(by_zone.items()):
        local = {i: _Layout(series[i], _zone(key), tuple(plans[i][0]), tuple(plans[i][0]),
                            plans[i][1], plans[i][2]) for i in members}
        instants = {i: local[i].instants() for i in members}
        observances = _observances(key, *_years([t for i in members for t in instants[i]]))
        for i in members:
            if _rules_hold(key, observances, instants[i]):
                layouts[i] = local[i]
                zones[key] = observances
    for i, s in enumerate(series):
        if layouts[i] is None:
            layouts[i] = _utc_layout(s, *plans[i])
    return [lay for lay in layouts if lay is not None], zones


def _utc_layout(series: SeriesInvite, starts: list[datetime], skipped: frozenset[int],
                moved: tuple[tuple[int, MovedMeeting], ...]) -> _Layout:
    """The series in UTC: the same rule from the first real start, ``COUNT`` meetings."""
    first = starts[0].astimezone(UTC)
    nth = series.nth_weekday
    if nth is not None and first.date() != starts[0].date():
        days = _calendar.monthrange(first.year, first.month)[1]
        nth = (-1 if first.day + 7 > days else (first.day - 1) // 7 + 1, first.weekday())
    rule_starts = _expand(first, series.frequency, series.interval, nth, len(starts), None)
    fallback = dataclasses.replace(series, start=first, timezone="UTC", nth_weekday=nth,
                                   count=len(starts), until=None, skipped=(), moved=())
    return _Layout(fallback, UTC, tuple(rule_starts), tuple(starts), skipped, moved)


# --------------------------------------------------------------------------- text


def _clean(text: str) -> str:
    """``text`` without what iCalendar cannot carry; every line break a ``\\n``."""
    return _UNCARRIABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _description(series: SeriesInvite) -> str:
    text = _clean(series.description)
    link = _clean(series.url).strip()
    if link and link not in text:
        text = f"{text}\n\n{link}" if text else link
    return text


def _is_uri(text: str) -> bool:
    return _URI.fullmatch(text) is not None


class _QuotedParameters(Parameters):
    """Parameters whose ``CN`` is double-quoted when it holds a backslash too: unquoted,
    a name ending in a backslash makes icalendar's parser swallow the colon after it."""

    quote_also = {**Parameters.quote_also, "CN": Parameters.quote_also["CN"] + "\\"}


@lru_cache(maxsize=1024)
def _address(contact: Contact, method: str = _ORGANIZER) -> vCalAddress:
    """The ``mailto:`` address with ``CN`` and the parameters ``method`` calls for.

    Cached: the organizer is the same on every event, and the objects are never changed.
    """
    params = _QuotedParameters()
    if contact.name.strip():
        params["CN"] = _clean(contact.name)
    if method != _ORGANIZER:
        params["CUTYPE"] = "INDIVIDUAL"
        params["ROLE"] = "REQ-PARTICIPANT"
        if method == _REQUEST:
            params["PARTSTAT"] = "NEEDS-ACTION"
            params["RSVP"] = "TRUE"
    address = vCalAddress(f"mailto:{contact.email}")
    address.params = params  # the constructor would copy them into plain Parameters
    return address


# --------------------------------------------------------------------------- events


def _event(layout: _Layout, method: str, dtstamp: datetime, *, start: datetime,
           minutes: int, sequence: int, recurrence_id: datetime | None = None) -> Event:
    # Properties are set as icalendar values directly: Component.add() infers the same
    # types, but took a third of the whole export's time.
    series = layout.series
    event = Event()
    event["UID"] = vText(series.uid)
    event["DTSTAMP"] = vDDDTypes(dtstamp)
    event["SEQUENCE"] = vInt(sequence)
    if recurrence_id is not None:
        event["RECURRENCE-ID"] = vDDDTypes(recurrence_id)
    event["DTSTART"] = vDDDTypes(start)
    event["DTEND"] = vDDDTypes(_end(start, minutes, layout.zone))
    if recurrence_id is None:
        event["RRULE"] = vRecur(_rrule(start, series.frequency, series.interval,
                                       series.nth_weekday, series.count, series.until))
        if layout.skipped:
            event["EXDATE"] = [vDDDLists([layout.starts[i]]) for i in sorted(layout.skipped)]
    event["SUMMARY"] = vText(_clean(series.summary))
    description = _description(series)
    if description:
        event["DESCRIPTION"] = vText(description)
    location = _clean(series.location)
    if not location.strip():
        location = _clean(series.url).strip()
    if location:
        event["LOCATION"] = vText(location)
    link = _clean(series.url).strip()
    if link and _is_uri(link):
        event["URL"] = vUri(link)
    cancelled = series.cancelled or method == _CANCEL
    event["STATUS"] = vText("CANCELLED" if cancelled else "CONFIRMED")
    event["ORGANIZER"] = _address(series.organizer)
    event["ATTENDEE"] = [_address(person, method) for person in series.attendees]
    if method == _REQUEST and series.alarm_minutes is not None:
        alarm = Alarm()
        alarm["ACTION"] = vText("DISPLAY")
        alarm["DESCRIPTION"] = vText(_clean(series.summary).strip() or "Reminder")
        alarm["TRIGGER"] = vDDDTypes(timedelta(minutes=-series.alarm_minutes))
        event.add_component(alarm)
    return event


def _events(layout: _Layout, method: str, dtstamp: datetime) -> list[Event]:
    """The master and, unless cancelled, one override per moved or shifted meeting."""
    series = layout.series
    master = _event(layout, method, dtstamp, start=layout.starts[0],
                    minutes=series.duration_minutes, sequence=series.sequence)
    if method == _CANCEL or series.cancelled:
        return [master]
    moved = dict(layout.moved)
    out = [master]
    for i, rule_start in enumerate(layout.starts):
        if i in moved:
            m = moved[i]
            start, minutes, sequence = m.start, m.duration_minutes, m.sequence
        elif i not in layout.skipped and layout.real[i] != rule_start:
            # Only the UTC fallback's rule misses real starts (after an offset change).
            start, minutes, sequence = layout.real[i], series.duration_minutes, series.sequence
        else:
            continue
        out.append(_event(layout, method, dtstamp, start=start.astimezone(layout.zone),
                          minutes=minutes, sequence=sequence, recurrence_id=rule_start))
    return out


@lru_cache(maxsize=64)
def _calendar_head(method: str, name: str | None) -> bytes:
    """The calendar's own lines, from BEGIN:VCALENDAR to before END:VCALENDAR."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name is not None:
        cal.add("name", _clean(name))
        cal.add("x-wr-calname", _clean(name))
    data: bytes = cal.to_ical()
    assert data.endswith(_CALENDAR_END)
    return data[:-len(_CALENDAR_END)]


_CALENDAR_END = b"END:VCALENDAR\r\n"


def _calendar_of(method: str, zones: dict[str, tuple[_Observance, ...]],
                 events: Iterable[Event], name: str | None = None) -> bytes:
    """The calendar as icalendar serialises it with these sub-components, with each zone's
    VTIMEZONE (the same for every pair in that zone) serialised only once."""
    parts = [_calendar_head(method, name)]
    parts += [_vtimezone_bytes(key, zones[key]) for key in sorted(zones)]
    parts += [_to_ical(event) for event in events]
    parts.append(_CALENDAR_END)
    return b"".join(parts)


def _to_ical(component: Event) -> bytes:
    """``component.to_ical()``, folding only the lines that need it.

    icalendar folds every line character by character, which was a third of the time of
    an export; :func:`_fold` gives the same result (the tests compare it with
    icalendar's own folding) and returns short lines untouched.
    """
    lines = component.content_lines()
    return ("\r\n".join(_fold(line) for line in lines if line) + "\r\n").encode()


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 folding as icalendar 7 does it: at most ``limit - 1`` octets before each
    line break (plus the space starting the next line), never inside a UTF-8 character,
    and a ``\\`` or ``^`` escape is kept together with the character it escapes."""
    if len(line) < limit // 4 or len(line.encode()) < limit:
        return line
    if line.isascii():  # one octet a character: cut by index
        parts, start = [], 0
        while len(line) - start >= limit:
            end = start + limit - 1
            if line[end - 1] in "\\^" and end - 1 > start:
                end -= 1
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return "\r\n ".join(parts)
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode())
        if current and count + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, count = [carried], len(carried.encode())
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def _stamp(dtstamp: datetime | None) -> datetime:
    if dtstamp is None:
        return datetime.now(UTC).replace(microsecond=0)
    _require_aware(dtstamp, "dtstamp")
    return dtstamp.astimezone(UTC)


def _used_zones(layouts: Iterable[_Layout], zones: dict[str, tuple[_Observance, ...]]
                ) -> dict[str, tuple[_Observance, ...]]:
    used = {lay.series.timezone for lay in layouts if lay.zone is not UTC}
    return {k: v for k, v in zones.items() if k in used}


def series_ics(series: SeriesInvite, *, dtstamp: datetime | None = None) -> bytes:
    """One pair's invite: ``METHOD:REQUEST``, or ``METHOD:CANCEL`` if ``series.cancelled``.

    Raises:
        ValueError: a skipped or moved meeting that is not one of the series' meetings,
            or a series of more than :data:`MAX_OCCURRENCES` meetings.
    """
    return _series_ics(series, _stamp(dtstamp), _plan(series))


def _series_ics(series: SeriesInvite, stamp: datetime, plan: _Plan) -> bytes:
    method = _CANCEL if series.cancelled else _REQUEST
    layouts, zones = _layouts([series], [plan])
    return _calendar_of(method, _used_zones(layouts, zones),
                        _events(layouts[0], method, stamp))


def calendar_ics(series: Iterable[SeriesInvite], *, name: str,
                 dtstamp: datetime | None = None) -> bytes:
    """The coordinator's calendar of every series (``METHOD:PUBLISH``).

    Cancelled series are kept as ``STATUS:CANCELLED`` (see the module docstring).
    """
    items = list(series)
    return _calendar_ics(items, name, _stamp(dtstamp), [_plan(s) for s in items])


def _calendar_ics(series: Sequence[SeriesInvite], name: str, stamp: datetime,
                  plans: Sequence[_Plan]) -> bytes:
    uids = [s.uid for s in series]
    if len(set(uids)) != len(uids):
        twice = sorted({u for u in uids if uids.count(u) > 1})
        raise ValueError(f"series given twice: {', '.join(twice)}")
    layouts, zones = _layouts(series, plans)
    events = [e for lay in layouts for e in _events(lay, _PUBLISH, stamp)]
    return _calendar_of(_PUBLISH, _used_zones(layouts, zones), events, name)


# --------------------------------------------------------------------------- e-mail


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def eml_draft(series: SeriesInvite, ics: bytes, *, body: str) -> bytes:
    """An unsent e-mail (``X-Unsent: 1``) carrying ``ics`` inline and as ``invite.ics``.

    The inline part's ``method`` is the invite's own ``METHOD`` (REQUEST or CANCEL).
    """
    found = re.search(rb"\r\nMETHOD:([A-Z-]+)\r\n", ics)
    method = found[1].decode() if found else _CANCEL if series.cancelled else _REQUEST
    message = EmailMessage()
    people = [series.organizer, *series.attendees]
    message["From"] = Address(_one_line(series.organizer.name), addr_spec=series.organizer.email)
    message["To"] = [Address(_one_line(p.name), addr_spec=p.email) for p in series.attendees]
    subject = _one_line(series.summary)
    message["Subject"] = f"Cancelled: {subject}" if series.cancelled else subject
    message["X-Unsent"] = "1"
    message.set_content(_clean(body))
    message.make_alternative()
    message.add_alternative(ics, maintype="text", subtype="calendar", cte="base64",
                            params={"method": method, "charset": "UTF-8"},
                            disposition="inline", filename="invite.ics")
    message.make_mixed()
    message.add_attachment(ics, maintype="application", subtype="ics", cte="base64",
                           filename="invite.ics")
    # Fixed boundaries (random by default) keep drafts byte-identical between exports; a
    # digest of the contents cannot occur in them, and neither is a prefix of the other.
    digest = hashlib.sha256(ics + b"\0" + body.encode("utf-8", "replace")).hexdigest()
    message.set_boundary(f"=_mixed_{digest[:32]}")
    alternative = message.get_payload(0)
    assert isinstance(alternative, EmailMessage)
    alternative.set_boundary(f"=_alt_{digest[32:]}")
    # Non-ASCII in an address itself needs SMTPUTF8; names are encoded either way.
    policy = SMTP if all(p.email.isascii() for p in people) else SMTPUTF8
    return message.as_bytes(policy=policy)


def _default_body(series: SeriesInvite) -> str:
    if series.cancelled:
        return f"{series.summary}\n\nThese check-ins have been cancelled."
    return f"{series.summary}\n\n{_description(series)}".rstrip()


def export_invites(series: Sequence[SeriesInvite], folder: Path, *, calendar_name: str,
                   eml: bool = False, body: Callable[[SeriesInvite], str] | None = None,
                   progress: Progress | None = None, cancelled: Cancelled | None = None,
                   dtstamp: datetime | None = None) -> ExportResult:
    """Write each series' invite, the combined calendar and (if ``eml``) drafts to ``folder``.

    Files: ``<file_stem>.ics`` per series (the bytes of :func:`series_ics`), a ``.eml``
    beside it for drafts, and ``<calendar_name>.ics`` (:func:`calendar_ics`); names are
    made safe and unique, the calendar's first. Nothing is written for no series.

    Args:
        body: the draft's text for a series; by default the title and the description.
        progress: called with (done, total) as series are built and files written.
        cancelled: polled between steps; when true, nothing is written.
        dtstamp: the ``DTSTAMP`` of every event (default: now).

    Raises:
        UserError: cancelled, or a file could not be written (the message says which).
        ValueError: a series the calendar cannot hold (see :func:`series_ics`).
    """
    folder = Path(folder)
    stamp = _stamp(dtstamp)
    make_body = body or _default_body
    if not series:
        return ExportResult(folder, (), None, ())
    file_count = len(series) * (2 if eml else 1) + 1
    total = len(series) + 1 + file_count + 1
    done = 0

    def step(check: bool = True) -> None:
        nonlocal done
        if check and cancelled is not None and cancelled():
            raise UserError("Cancelled: no invites were written.")
        done += 1
        if progress is not None:
            progress(done, total)

    taken: set[str] = set()
    calendar_file = folder / unique_name(safe_file_name(calendar_name, ".ics", "invite"), taken)
    payloads: list[tuple[Path, bytes]] = []
    files: list[Path] = []
    drafts: list[Path] = []
    plans = []
    for item in series:
        step()
        plans.append(_plan(item))
        ics = _series_ics(item, stamp, plans[-1])
        name = unique_name(safe_file_name(item.file_stem or item.summary, ".ics", "invite"), taken)
        files.append(folder / name)
        payloads.append((files[-1], ics))
        if eml:
            stem = name[:-len(".ics")]
            draft = folder / unique_name(safe_file_name(stem, ".eml", "invite"), taken)
            drafts.append(draft)
            payloads.append((draft, eml_draft(item, ics, body=make_body(item))))
    step()
    payloads.append((calendar_file, _calendar_ics(series, calendar_name, stamp, plans)))

    ensure_private_dir(folder)  # an empty folder is reported even with nothing to write
    write_files(payloads, noun="invites", step=step)
    step(check=False)
    return ExportResult(folder, tuple(files), calendar_file, tuple(drafts))
