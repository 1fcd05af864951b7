"""The words the printed documents share: English dates whatever the locale, times, lengths,
numbers, plurals, rhythms, audiences, and the one reading of an agenda."""

from __future__ import annotations

import io
import locale
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pypdf
import pytest

from mentordesk.models import (
    Audience,
    Cadence,
    CheckinFrequency,
    ParticipantRole,
    ProgrammeStructure,
)
from mentordesk.services import checkins, pairing
from mentordesk.services.checkins import Schedule, agenda_topics
from mentordesk.services.documents import handbooks, layout, proposal, wording
from mentordesk.services.documents.wording import (
    AUDIENCE_LABELS,
    AUDIENCE_NAMES,
    CADENCE_WORDS,
    clock,
    date_range,
    format_value,
    length_words,
    long_date,
    month_label,
    number,
    plural,
    short_date,
    span,
    time_range,
    week_range,
    weekday_date,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import ProgrammeData, create_programme

GERMAN = ("de_DE.UTF-8", "de_DE.utf8", "de_DE")


# --------------------------------------------------------------------------- a German desktop


@pytest.fixture(scope="session")
def _compiled_locales(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A directory holding a German locale compiled with ``localedef`` (for machines that
    have only C and POSIX installed), or None when it cannot be made."""
    localedef = shutil.which("localedef")
    if localedef is None:
        return None
    folder = tmp_path_factory.mktemp("locales")
    result = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8",
                             str(folder / "de_DE.UTF-8")], capture_output=True)
    return folder if result.returncode == 0 else None


@pytest.fixture
def german_time(_compiled_locales: Path | None,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """LC_TIME set to German, as QApplication does on a German desktop; restored after."""
    saved = locale.setlocale(locale.LC_TIME)
    if _compiled_locales is not None and not os.environ.get("LOCPATH"):
        monkeypatch.setenv("LOCPATH", str(_compiled_locales))
    for name in GERMAN:
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    else:
        pytest.skip("no German locale is installed and none could be compiled")
    try:
        # The premise: strftime now speaks German.
        assert date(2027, 3, 2).strftime("%A %B") == "Dienstag März"
        yield
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_dates_are_english_under_a_german_locale(german_time: None) -> None:
    tuesday = date(2027, 3, 2)
    assert long_date(tuesday) == "2 March 2027"
    assert long_date(tuesday, weekday=True) == "Tuesday 2 March 2027"
    assert short_date(tuesday) == "2 Mar 2027"
    assert weekday_date(tuesday) == "Tue 2 Mar 2027"
    assert month_label(tuesday) == "Mar 2027"
    assert month_label(tuesday, year=False) == "Mar"
    assert date_range(date(2027, 3, 29), date(2027, 5, 2)) == "29 Mar – 2 May 2027"
    assert layout.long_date is long_date  # the layout's name is the same function


class _NoStrftime(date):
    """A date that refuses locale formatting: a helper calling strftime or a format spec
    (``f"{day:%B}"``) on it fails the test, whatever locale the machine has."""

    def strftime(self, _format: str) -> str:
        raise AssertionError("strftime follows the locale")

    def __format__(self, spec: str) -> str:
        raise AssertionError(f"format spec {spec!r} follows the locale")


class _NoStrftimeTime(datetime):
    """A datetime that refuses locale formatting (see :class:`_NoStrftime`)."""

    def strftime(self, _format: str) -> str:
        raise AssertionError("strftime follows the locale")

    def __format__(self, spec: str) -> str:
        raise AssertionError(f"format spec {spec!r} follows the locale")


def test_helpers_never_format_through_the_locale() -> None:
    day = _NoStrftime(2026, 11, 26)
    assert long_date(day) == "26 November 2026"
    assert long_date(day, weekday=True) == "Thursday 26 November 2026"
    assert short_date(day) == "26 Nov 2026"
    assert weekday_date(day) == "Thu 26 Nov 2026"
    assert month_label(day) == "Nov 2026"
    assert date_range(day, _NoStrftime(2026, 12, 3)) == "26 Nov – 3 Dec 2026"
    start = _NoStrftimeTime(2027, 1, 12, 9, 5)
    assert clock(start) == "09:05"
    assert time_range(start, _NoStrftimeTime(2027, 1, 12, 21, 45)) == "09:05–21:45"


def test_document_modules_do_not_format_month_or_weekday_names_themselves() -> None:
    for module in (handbooks, proposal):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert not re.search(r"strftime|:%[aAbBp]", source), module.__name__


# --------------------------------------------------------------------------- dates and times


@pytest.mark.parametrize(("first", "last", "words"), [
    (date(2027, 1, 4), date(2027, 1, 4), "4 Jan 2027"),
    (date(2027, 1, 4), date(2027, 1, 10), "4–10 Jan 2027"),
    (date(2027, 1, 25), date(2027, 2, 7), "25 Jan – 7 Feb 2027"),
    (date(2026, 12, 28), date(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"),
])
def test_date_ranges(first: date, last: date, words: str) -> None:
    assert date_range(first, last) == words


def test_week_ranges_and_times() -> None:
    assert week_range(0, 6) == "Week 1"
    assert week_range(7, 20) == "Weeks 2–3"
    assert clock(time(9, 0)) == "09:00"
    assert clock(datetime(2027, 1, 12, 21, 0, tzinfo=UTC)) == "21:00"


# --------------------------------------------------------------------------- lengths


@pytest.mark.parametrize(("days", "words"), [
    (1, "1 day"), (5, "5 days"), (13, "13 days"),
    (14, "2 weeks"), (21, "3 weeks"), (24, "about 3 weeks"), (60, "about 9 weeks"),
    (62, "about 2 months"), (131, "about 4 months"), (171, "about 6 months"),
    (365, "about 12 months"),
])
def test_lengths_in_words(days: int, words: str) -> None:
    assert length_words(days) == words


def test_span_picks_the_unit_that_reads_best() -> None:
    assert span(5) == (5, "day")
    assert span(21) == (3, "week")
    assert span(140) == (4.6, "month")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("value", "text"), [
    (3, "3"), (3.0, "3"), (3.75, "3.75"), (4.25, "4.25"), (4.2, "4.2"), (0.85, "0.85"),
    (1500, "1,500"), (1234.5, "1,234.5"), (2.004, "2"), (-0.001, "0"),
])
def test_numbers(value: float, text: str) -> None:
    assert number(value) == text


def test_values_with_units() -> None:
    assert format_value(3.75, "out of 5") == "3.75 out of 5"
    assert format_value(85, "%") == "85%"
    assert format_value(1500, " EUR ") == "1,500 EUR"
    assert format_value(12, "") == "12"
    assert format_value(None, "%") == "—"


def test_plurals() -> None:
    assert plural(1, "pair") == "1 pair"
    assert plural(1204, "pair") == "1,204 pairs"
    assert plural(0, "person", "people") == "0 people"
    assert plural(4.5, "month") == "4.5 months"


def test_the_proposal_shares_the_helpers() -> None:
    # Other documents import these from the proposal: the same functions, not copies.
    for name in ("format_value", "number", "plural", "date_range", "week_range", "span"):
        assert getattr(proposal, name) is getattr(wording, name), name


# --------------------------------------------------------------------------- words


def test_rhythms_and_audiences() -> None:
    assert CADENCE_WORDS == {Cadence.WEEKLY: "every week",
                             Cadence.FORTNIGHTLY: "every two weeks",
                             Cadence.MONTHLY: "once a month"}
    assert set(AUDIENCE_NAMES) == set(AUDIENCE_LABELS) == set(Audience)
    assert AUDIENCE_NAMES[Audience.EVERYONE] == "Mentors and mentees"
    assert AUDIENCE_LABELS[Audience.EVERYONE] == "For mentors and mentees"
    assert AUDIENCE_LABELS[Audience.MENTORS] == "For mentors"


@pytest.mark.parametrize(("agenda", "topics"), [
    ("1. Goals and expectations\n2) Strengths\n10. Review",
     ["Goals and expectations", "Strengths", "Review"]),
    ("- x\n* y\n• z", ["x", "y", "z"]),
    ("\n  Goals  \n\n   \n- Feedback\n\n", ["Goals", "Feedback"]),
    ("  3.  Indented and numbered", ["Indented and numbered"]),
    # A figure or emphasis at the start is part of the topic, not a list marker.
    ("1.5 hours on the plan\n360 feedback\n**Stretch** project",
     ["1.5 hours on the plan", "360 feedback", "**Stretch** project"]),
    ("-\n1.\n•", []),
])
def test_agenda_topics(agenda: str, topics: list[str]) -> None:
    assert agenda_topics(agenda) == topics


# --------------------------------------------------------------------------- whole documents


def _pdf_text(pdf: bytes) -> str:
    return " ".join("\n".join(page.extract_text() or "" for page in
                              pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


_GERMAN_WORDS = re.compile(r"Januar\b|Februar\b|März|Mär\b|Mai\b|Juni\b|Okt\b|Dez\b|Dezember|"
                           r"Montag|Dienstag|Mittwoch|Donnerstag|Freitag|\bMo\b|\bDi\b")


@pytest.fixture
def programme(db: Any) -> dict[str, int]:
    """A formal programme from Monday 4 January to Friday 25 June 2027 with one pair
    meeting every two weeks on Tuesdays at 09:00 London time."""
    with db.Session.begin() as s:
        programme_id = create_programme(s, ProgrammeData(
            name="Bridge 2027", start_date=date(2027, 1, 4), end_date=date(2027, 6, 25),
            structure=ProgrammeStructure.FORMAL, default_cadence=Cadence.FORTNIGHTLY,
            agenda="1. Goals\n2. Feedback")).id
        mentor = add_participant(s, ParticipantData(
            full_name="Mentor", email="mentor@example.org", role=ParticipantRole.MENTOR,
            mentor_capacity=1, timezone="Europe/London")).id
        mentee = add_participant(s, ParticipantData(
            full_name="Mentee", email="mentee@example.org", timezone="Europe/London")).id
        pairing_id = pairing.lock_pair(s, programme_id, mentor, mentee)
        pairing.publish_pairings(s, programme_id, on=date(2026, 12, 1))
        checkins.schedule_checkins(s, pairing_id, Schedule(
            CheckinFrequency.WEEKLY, 2, datetime(2027, 1, 12, 9, 0), "Europe/London", 45),
            now=datetime(2026, 12, 1, tzinfo=UTC))
    return {"programme": programme_id, "mentee": mentee}


def test_the_proposal_and_handbook_are_english_under_a_german_locale(
        db: Any, programme: dict[str, int], german_time: None) -> None:
    with db.Session() as s:
        proposal_text = _pdf_text(proposal.render_proposal(s, programme["programme"]))
        handbook_text = _pdf_text(handbooks.render_handbook(s, programme["programme"],
                                                            "mentor"))
    assert not _GERMAN_WORDS.search(proposal_text), _GERMAN_WORDS.search(proposal_text)
    assert not _GERMAN_WORDS.search(handbook_text), _GERMAN_WORDS.search(handbook_text)
    assert "Mon 1 Feb 2027" in proposal_text and "4–10 Jan 2027" in proposal_text
    assert re.search(r"\bMar\b", proposal_text)  # the timeline's month axis
    assert "4 January 2027 to 25 June 2027" in handbook_text


def _personal_handbook(db: Any, programme: dict[str, int]) -> str:
    with db.Session() as s:
        return _pdf_text(handbooks.render_handbook(
            s, programme["programme"], "mentee", participant_id=programme["mentee"],
            now=datetime(2026, 12, 1, tzinfo=UTC)))


def test_a_personal_handbook_dates_its_check_ins_in_english_under_a_german_locale(
        db: Any, programme: dict[str, int], german_time: None) -> None:
    text = _personal_handbook(db, programme)
    assert "Next check-in Tuesday 12 January 2027 09:00–09:45 London time" in text
    assert "Tuesday 26 January 2027 09:00–09:45 London time Feedback" in text


def test_a_personal_handbook_gives_the_rhythm_in_english_under_a_german_locale(
        db: Any, programme: dict[str, int], german_time: None) -> None:
    text = _personal_handbook(db, programme)
    assert "Every 2 weeks on Tuesday at 09:00 London time" in text
    assert not _GERMAN_WORDS.search(text), _GERMAN_WORDS.search(text)
