"""Field checks shared by every service: emails, time zones, colours, lengths."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache, lru_cache

from email_validator import EmailNotValidError, validate_email

MAX_TEXT = 2000
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@cache
def known_timezones() -> frozenset[str]:
    """Every IANA time zone name this installation knows (tzdata is a dependency)."""
    return frozenset(zoneinfo.available_timezones())


# RFC 5322 dot-atom: what email-validator accepts for a plain ASCII local part.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def check_email(value: str) -> tuple[str, str | None]:
    """Return ``(normalised email, None)`` or ``(value, reason)``.

    email-validator decides; the common case (an ASCII local part) reuses its verdict on
    the domain, which costs most, so importing 10,000 people from one domain stays fast.
    """
    value = value.strip()
    if not value:
        return value, "is required"
    local, at, domain = value.rpartition("@")
    if at and len(local) <= 64 and len(value) <= 254 and _DOT_ATOM.fullmatch(local):
        normalised_domain = _check_domain(domain)
        if normalised_domain is not None:
            return f"{local}@{normalised_domain}", None
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return value, f"'{value}' is not a valid email address ({exc})"
    return result.normalized, None


@lru_cache(maxsize=4096)
def _check_domain(domain: str) -> str | None:
    """The normalised domain if email-validator accepts it, else None."""
    try:
        return str(validate_email(f"a@{domain}", check_deliverability=False).domain)
    except EmailNotValidError:
        return None


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
