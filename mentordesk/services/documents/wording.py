"""The words every printed document shares: dates, counts, audiences, rhythms.

Documents are in English whatever the computer's language, so dates use their own month
and weekday names rather than ``strftime`` (which follows the locale Qt sets).
"""

from __future__ import annotations

from datetime import date

from mentordesk.models.enums import Audience

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

AUDIENCE_LABELS = {
    Audience.MENTORS: "For mentors",
    Audience.MENTEES: "For mentees",
    Audience.EVERYONE: "For mentors and mentees",
    Audience.STAKEHOLDERS: "For stakeholders",
}


def long_date(day: date) -> str:
    """``26 November 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``26 Nov 2026``."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def weekday_date(day: date) -> str:
    """``Thu 26 Nov 2026``."""
    return f"{WEEKDAYS[day.weekday()][:3]} {short_date(day)}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``"1 pair"``, ``"1,204 pairs"``."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
