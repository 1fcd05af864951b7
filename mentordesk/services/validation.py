"""Field checks shared by every service: emails, time zones, colours, lengths."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from email_validator import EmailNotValidError, validate_email

MAX_TEXT = 2000
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@cache
def known_timezones() -> frozenset[str]:
    """Every IANA time zone name this installation knows (tzdata is a dependency)."""
    return frozenset(zoneinfo.available_timezones())


def check_email(value: str) -> tuple[str, str | None]:
    """Return ``(normalised email, None)`` or ``(value, reason)``."""
    value = value.strip()
    if not value:
        return value, "is required"
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return value, f"'{value}' is not a valid email address ({exc})"
    return result.normalized, None


def check_timezone(value: str) -> str | None:
    """A reason if ``value`` is not a known IANA time zone."""
    if value in known_timezones():
        return None
    return f"'{value}' is not a known time zone (use an IANA name such as Europe/London)"


def check_colour(value: str) -> str | None:
    """A reason if ``value`` is not a #RRGGBB colour."""
    return None if _HEX_COLOUR.match(value) else f"'{value}' is not a colour like #2E5E8C"


def check_length(errors: dict[str, str], field: str, value: str, limit: int = MAX_TEXT) -> None:
    """Add an error if ``value`` is longer than ``limit`` characters."""
    if len(value) > limit:
        errors.setdefault(field, f"is {len(value)} characters long; the limit is {limit}")


def clean_list(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Trimmed, non-empty values, without case-insensitive duplicates, order kept."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)
