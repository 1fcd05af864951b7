"""The words every printed document shares: dates, times, lengths, counts, audiences, rhythms.

Documents are in English whatever the computer's language, so dates use their own month
and weekday names rather than ``strftime`` (which follows the locale Qt sets): nothing here
formats a date with ``%B``, ``%b``, ``%A`` or ``%a``. The handbooks and the proposal (and
what is built on them) take their numbers, lengths and rhythms from here too, so a KPI or
a programme's length reads the same in every document.
"""

from __future__ import annotations

from datetime import date, datetime, time

from mentordesk.models.enums import Audience, Cadence

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYS_PER_MONTH = 365.25 / 12

# Who a session or document is for, as a table column reads it ("For: Mentors") ...
AUDIENCE_NAMES = {
    Audience.MENTORS: "Mentors",
    Audience.MENTEES: "Mentees",
    Audience.EVERYONE: "Mentors and mentees",
    Audience.STAKEHOLDERS: "Stakeholders",
}
# ... and as a label on its own.
AUDIENCE_LABELS = {audience: f"For {name.lower()}" for audience, name in AUDIENCE_NAMES.items()}

# A programme's usual rhythm inside a sentence: "pairs meet every two weeks".
CADENCE_WORDS = {Cadence.WEEKLY: "every week", Cadence.FORTNIGHTLY: "every two weeks",
                 Cadence.MONTHLY: "once a month"}


# --------------------------------------------------------------------------- dates and times


def long_date(day: date, *, weekday: bool = False) -> str:
    """``26 November 2026``; with ``weekday``, ``Thursday 26 November 2026``."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def short_date(day: date) -> str:
    """``26 Nov 2026``."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def weekday_date(day: date) -> str:
    """``Thu 26 Nov 2026``."""
    return f"{WEEKDAYS[day.weekday()][:3]} {short_date(day)}"


def month_label(day: date, *, year: bool = True) -> str:
    """The month of ``day`` as an axis reads it: ``Nov 2026``, or ``Nov`` without ``year``."""
    month = MONTHS[day.month - 1][:3]
    return f"{month} {day.year}" if year else month


def date_range(first: date, last: date) -> str:
    """``4–10 Jan 2027``, ``25 Jan – 7 Feb 2027``, ``28 Dec 2026 – 3 Jan 2027``."""
    if first == last:
        return short_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{short_date(last)}"
    if first.year == last.year:
        return f"{first.day} {month_label(first, year=False)} – {short_date(last)}"
    return f"{short_date(first)} – {short_date(last)}"


def week_range(first_day: int, last_day: int) -> str:
    """Days from a start (day 0) as weeks: ``Week 1``, ``Weeks 2–3``."""
    first, last = first_day // 7 + 1, last_day // 7 + 1
    return f"Week {first}" if first == last else f"Weeks {first}–{last}"


def clock(moment: time | datetime) -> str:
    """The time of day on the 24-hour clock: ``09:00``, ``21:45``."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_range(start: time | datetime, end: time | datetime) -> str:
    """``21:00–21:45``."""
    return f"{clock(start)}–{clock(end)}"


# --------------------------------------------------------------------------- lengths


def span(days: float) -> tuple[float, str]:
    """A length in the unit it reads best in: months from two months (to one decimal),
    weeks from two weeks, else days (``(4.6, "month")``, ``(3, "week")``, ``(5, "day")``)."""
    if days >= 2 * DAYS_PER_MONTH:
        return round(days / DAYS_PER_MONTH, 1), "month"
    if days >= 14:
        return round(days / 7), "week"
    return round(days), "day"


def length_words(days: float) -> str:
    """A length for a sentence: ``5 days``, ``3 weeks``, ``about 3 weeks`` (not a whole
    number of weeks), ``about 6 months`` (months are never exact)."""
    amount, unit = span(days)
    if unit == "month":
        return f"about {plural(round(amount), unit)}"
    if unit == "week" and days % 7:
        return f"about {plural(amount, unit)}"
    return plural(amount, unit)


# --------------------------------------------------------------------------- numbers


def number(value: float) -> str:
    """``value`` with thousands separators, to at most two decimals and without a needless
    ``.0``: ``1,500``, ``4.2``, ``3.75``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(value: float | None, unit: str) -> str:
    """A measure with its unit: ``85%``, ``4.25 out of 5``, ``12 days``; ``—`` for None."""
    if value is None:
        return "—"
    unit = unit.strip()
    if not unit:
        return number(value)
    return f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}"


def plural(count: float, one: str, many: str | None = None) -> str:
    """``"1 pair"``, ``"1,204 pairs"``, ``"4.5 months"``."""
    return f"{number(count)} {one if count == 1 else (many or one + 's')}"
