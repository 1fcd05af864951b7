"""Check-in invites: .ics files that icalendar, vobject and recurring-ical-events read back.

The time-zone tests rename every TZID in a copy of the file (see :func:`embedded_only`), so
the parsers cannot look the zone up by name and must use the file's own VTIMEZONE; the
meetings they expand are then compared with zoneinfo, meeting by meeting.

Text the property test generates: any Unicode except what iCalendar cannot carry --
control characters other than line feed and tab, lone surrogates, and U+FEFF (which
icalendar's parser strips; the service drops all of these). Names also leave out the
backslash, which icalendar 7's parameter parser mistakes for an escape (vobject reads such
names exactly; see :func:`test_backslashes_in_names_are_written_verbatim`). The text must
come back unchanged through icalendar and through vobject.
"""

from __future__ import annotations

import calendar
import dataclasses
import email
import email.policy
import itertools
import os
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentordesk.errors import UserError
from mentordesk.services import files, invites
from mentordesk.services.invites import (
    MAX_NAME_BYTES,
    Contact,
    MovedMeeting,
    SeriesInvite,
    calendar_ics,
    eml_draft,
    export_invites,
    safe_file_name,
    series_ics,
)

STAMP = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
COORDINATOR = Contact("Ann Coordinator", "ann@example.org")
MENTOR = Contact("Dana Manager", "dana@example.org")
MENTEE = Contact("Sam Engineer", "sam@example.org")


def series(**changes: object) -> SeriesInvite:
    """A fortnightly London series of 8 check-ins from Tuesday 10 February 2026, 10:00."""
    base = SeriesInvite(
        uid="pairing-17@mentordesk", sequence=0, summary="Mentoring check-in: Dana & Sam",
        description="Agenda: goals, blockers, next steps", location="",
        url="https://meet.example.org/dana-sam", start=datetime(2026, 2, 10, 10, tzinfo=LONDON),
        timezone="Europe/London", duration_minutes=45, frequency="WEEKLY", interval=2,
        count=8, organizer=COORDINATOR, attendees=(MENTOR, MENTEE),
        file_stem="Dana Manager – Sam Engineer")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def parse(ics: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics)


def vevents(ics: bytes) -> list[icalendar.Event]:
    return list(parse(ics).walk("VEVENT"))


def unfolded(ics: bytes) -> str:
    return ics.replace(b"\r\n ", b"").decode()


_renames = itertools.count()


def embedded_only(ics: bytes) -> icalendar.Calendar:
    """A copy of the calendar whose TZIDs no time-zone database knows (a new name per call,
    as parsers cache zones by name): times can only come from the file's VTIMEZONE."""
    prefix = f"MentorDesk-Test-{next(_renames)}"
    text = re.sub(r"(TZID[=:])([^;:\r\n]+)", rf"\1{prefix}/\2", unfolded(ics))
    return icalendar.Calendar.from_ical(text)


def expand(ics: bytes, *, embedded: bool = True) -> list[icalendar.Event]:
    """Every meeting as recurring-ical-events expands it, in order."""
    cal = embedded_only(ics) if embedded else parse(ics)
    found = recurring_ical_events.of(cal).between((2000, 1, 1), (2100, 1, 1))
    return sorted(found, key=lambda e: e.DTSTART.astimezone(UTC))


def starts(ics: bytes, *, embedded: bool = True) -> list[datetime]:
    out = []
    for event in expand(ics, embedded=embedded):
        start = event.DTSTART
        if embedded and start.tzinfo is not UTC and "TZID=" in unfolded(ics):
            assert not isinstance(start.tzinfo, ZoneInfo), "the system zone was used"
        out.append(start)
    return out


def rfc6868_decode(value: str) -> str:
    """What RFC 6868 says a parameter value means (vobject leaves ^' ^n ^^ as they are)."""
    return re.sub(r"\^(['n^])", lambda m: {"'": '"', "n": "\n", "^": "^"}[m[1]], value)


def weekly_walls(first: datetime, count: int, weeks: int = 1) -> list[datetime]:
    return [first + timedelta(weeks=weeks * i) for i in range(count)]


def nth_weekday(year: int, month: int, n: int, weekday: int) -> int:
    days = [d for d, wd in calendar.Calendar().itermonthdays2(year, month)
            if d and wd == weekday]
    return days[n - 1] if n > 0 else days[-1]


# --------------------------------------------------------------------------- structure


def test_request_has_one_vevent_with_the_invite_properties() -> None:
    ics = series_ics(series(location="Room 4.12"), dtstamp=STAMP)
    cal = parse(ics)
    assert cal["METHOD"] == "REQUEST"
    [event] = vevents(ics)
    assert event["UID"] == "pairing-17@mentordesk"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == STAMP
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Mentoring check-in: Dana & Sam"
    assert event["DESCRIPTION"] == ("Agenda: goals, blockers, next steps\n\n"
                                    "https://meet.example.org/dana-sam")
    assert event["LOCATION"] == "Room 4.12"
    assert event["URL"] == "https://meet.example.org/dana-sam"
    assert event["DTSTART"].dt == datetime(2026, 2, 10, 10, tzinfo=LONDON)
    assert event["DTEND"].dt == datetime(2026, 2, 10, 10, 45, tzinfo=LONDON)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["INTERVAL"] == [2]
    assert event["RRULE"]["COUNT"] == [8]
    organizer = event["ORGANIZER"]
    assert organizer == "mailto:ann@example.org"
    assert organizer.params["CN"] == "Ann Coordinator"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:dana@example.org", "mailto:sam@example.org"]
    for attendee, person in zip(attendees, (MENTOR, MENTEE), strict=True):
        assert dict(attendee.params) == {
            "CN": person.name, "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert "TRIGGER:-PT15M\r\n" in unfolded(ics)
    assert "LOCATION:Room 4.12\r\n" in unfolded(ics)


def test_without_a_location_the_link_is_the_location() -> None:
    [event] = vevents(series_ics(series(), dtstamp=STAMP))
    assert event["LOCATION"] == "https://meet.example.org/dana-sam"


def test_a_link_already_in_the_agenda_is_not_repeated_and_odd_links_get_no_url() -> None:
    [event] = vevents(series_ics(series(description="Join https://x.example/a then talk",
                                        url="https://x.example/a"), dtstamp=STAMP))
    assert event["DESCRIPTION"] == "Join https://x.example/a then talk"
    [event] = vevents(series_ics(series(url="teams meeting room 3"), dtstamp=STAMP))
    assert "URL" not in event
    assert event["DESCRIPTION"].endswith("\n\nteams meeting room 3")


def test_no_alarm_when_none_is_wanted() -> None:
    [event] = vevents(series_ics(series(alarm_minutes=None), dtstamp=STAMP))
    assert event.walk("VALARM") == []
    [event] = vevents(series_ics(series(alarm_minutes=90), dtstamp=STAMP))
    assert "TRIGGER:-PT1H30M" in event.to_ical().decode()


def test_same_inputs_give_the_same_bytes_and_dtstamp_defaults_to_now() -> None:
    item = series(moved=(MovedMeeting(datetime(2026, 3, 10, 10, tzinfo=LONDON),
                                      datetime(2026, 3, 11, 15, tzinfo=LONDON), 30, 1),))
    assert series_ics(item, dtstamp=STAMP) == series_ics(item, dtstamp=STAMP)
    assert (calendar_ics([item, series(uid="other")], name="All", dtstamp=STAMP)
            == calendar_ics([item, series(uid="other")], name="All", dtstamp=STAMP))
    before = datetime.now(UTC).replace(microsecond=0)
    [event, _] = vevents(series_ics(item))
    assert before <= event["DTSTAMP"].dt <= datetime.now(UTC)


@pytest.mark.parametrize("item", [
    series(),
    series(cancelled=True, sequence=5),
    series(frequency="MONTHLY", interval=1, nth_weekday=(2, 1), count=6),
    series(timezone="UTC", start=datetime(2026, 2, 10, 10, tzinfo=UTC)),
    series(timezone="Asia/Kolkata", start=datetime(2026, 2, 10, 10, tzinfo=ZoneInfo(
        "Asia/Kolkata"))),
    series(timezone="Asia/Gaza", start=datetime(2026, 1, 6, 10, tzinfo=ZoneInfo("Asia/Gaza")),
           interval=1, count=30),
    series(skipped=(datetime(2026, 2, 24, 10, tzinfo=LONDON),),
           moved=(MovedMeeting(datetime(2026, 3, 10, 10, tzinfo=LONDON),
                               datetime(2026, 3, 12, 16, tzinfo=LONDON), 60, 2),)),
], ids=["request", "cancel", "monthly", "utc", "kolkata", "utc-fallback", "skip-and-move"])
def test_every_file_parses_with_icalendar_and_vobject(item: SeriesInvite) -> None:
    for ics in (series_ics(item, dtstamp=STAMP), calendar_ics([item], name="All", dtstamp=STAMP)):
        events = vevents(ics)
        assert events and all(e["UID"] == item.uid for e in events)
        parsed = vobject.readOne(ics.decode())
        assert [e.uid.value for e in parsed.vevent_list] == [item.uid] * len(events)
        assert parsed.vevent.summary.value == item.summary


# --------------------------------------------------------------------------- recurrence


def test_fortnightly_london_series_keeps_ten_oclock_across_the_march_change() -> None:
    item = series(start=datetime(2026, 2, 3, 10, tzinfo=LONDON), count=8)
    ics = series_ics(item, dtstamp=STAMP)
    found = starts(ics)
    assert len(found) == 8
    walls = weekly_walls(datetime(2026, 2, 3, 10), 8, weeks=2)
    assert [s.replace(tzinfo=None) for s in found] == walls
    assert [s.astimezone(UTC) for s in found] == [w.replace(tzinfo=LONDON).astimezone(UTC)
                                                  for w in walls]
    # Clocks go forward on 29 March 2026: 3 Feb to 17 March are GMT, 31 March on BST.
    assert [s.astimezone(UTC).hour for s in found] == [10, 10, 10, 10, 9, 9, 9, 9]
    assert starts(ics, embedded=False) == found


def test_monthly_second_tuesday() -> None:
    item = series(start=datetime(2026, 1, 13, 10, tzinfo=LONDON), frequency="MONTHLY",
                  interval=1, nth_weekday=(2, 1), count=12)
    ics = series_ics(item, dtstamp=STAMP)
    [event] = vevents(ics)
    assert event["RRULE"]["BYDAY"] == ["2TU"]
    found = starts(ics)
    assert [(s.month, s.day, s.hour, s.minute) for s in found] == [
        (m, nth_weekday(2026, m, 2, 1), 10, 0) for m in range(1, 13)]
    assert all(s.utcoffset() == s.replace(tzinfo=LONDON).utcoffset() for s in found)


def test_monthly_last_friday_every_other_month() -> None:
    item = series(start=datetime(2026, 1, 30, 14, tzinfo=LONDON), frequency="MONTHLY",
                  interval=2, nth_weekday=(-1, 4), count=6)
    found = starts(series_ics(item, dtstamp=STAMP))
    assert [(s.month, s.day) for s in found] == [
        (m, nth_weekday(2026, m, -1, 4)) for m in (1, 3, 5, 7, 9, 11)]


def test_until_gives_the_same_meetings_as_the_count() -> None:
    by_count = series(count=8)
    last = datetime(2026, 2, 10, 10, tzinfo=LONDON) + timedelta(weeks=14)
    # The programme ends at the last meeting's start: UNTIL is inclusive.
    by_until = series(count=None, until=last)
    ics = series_ics(by_until, dtstamp=STAMP)
    [event] = vevents(ics)
    assert "COUNT" not in event["RRULE"]
    assert event["RRULE"]["UNTIL"] == [last.astimezone(UTC)]
    assert re.search(r"UNTIL=\d{8}T\d{6}Z", unfolded(ics))
    assert starts(ics) == starts(series_ics(by_count, dtstamp=STAMP))
    later = series(count=None, until=datetime(2026, 12, 31, 23, 59, tzinfo=LONDON))
    assert len(starts(series_ics(later, dtstamp=STAMP))) == 24  # 10 Feb + 23 fortnights


def test_daily_series() -> None:
    item = series(frequency="DAILY", interval=3, count=5)
    found = starts(series_ics(item, dtstamp=STAMP))
    assert [s.day for s in found] == [10, 13, 16, 19, 22]


# --------------------------------------------------------------------------- time zones


def _vtimezones(ics: bytes) -> dict[str, icalendar.Timezone]:
    return {str(tz["TZID"]): tz for tz in parse(ics).walk("VTIMEZONE")}


@pytest.mark.parametrize("key, observances", [
    ("Europe/London", {"STANDARD", "DAYLIGHT"}),
    ("America/New_York", {"STANDARD", "DAYLIGHT"}),
    ("Australia/Sydney", {"STANDARD", "DAYLIGHT"}),
    ("Europe/Dublin", {"STANDARD", "DAYLIGHT"}),  # tzdata: "negative" DST in winter
    ("Asia/Kolkata", {"STANDARD"}),
    ("Asia/Tokyo", {"STANDARD"}),
    ("America/Sao_Paulo", {"STANDARD"}),  # DST abolished in 2019
])
def test_vtimezone_gives_zoneinfo_offsets_at_every_meeting(key: str,
                                                           observances: set[str]) -> None:
    zone = ZoneInfo(key)
    item = series(start=datetime(2026, 1, 6, 9, 30, tzinfo=zone), timezone=key, interval=1,
                  count=104)
    ics = series_ics(item, dtstamp=STAMP)
    [tz] = _vtimezones(ics).values()
    assert {c.name for c in tz.subcomponents} == observances
    for sub in tz.subcomponents:
        # Only what Outlook keeps: no RDATE lists.
        assert set(sub) <= {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE"}
        if len(observances) == 2:
            rule = sub["RRULE"]
            assert rule["FREQ"] == ["YEARLY"] and len(rule["BYMONTH"]) == 1
            assert re.fullmatch(r"(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", rule["BYDAY"][0])
    found = starts(ics)
    walls = weekly_walls(datetime(2026, 1, 6, 9, 30), 104)
    assert [s.replace(tzinfo=None) for s in found] == walls
    assert [s.utcoffset() for s in found] == [w.replace(tzinfo=zone).utcoffset()
                                              for w in walls]
    if len(observances) == 2:
        assert len({s.utcoffset() for s in found}) == 2


def test_sydney_daylight_rule_is_the_southern_one() -> None:
    zone = ZoneInfo("Australia/Sydney")
    ics = series_ics(series(start=datetime(2026, 1, 6, 9, tzinfo=zone),
                            timezone="Australia/Sydney"), dtstamp=STAMP)
    tz = _vtimezones(ics)["Australia/Sydney"]
    [daylight] = tz.walk("DAYLIGHT")
    [standard] = tz.walk("STANDARD")
    assert daylight["RRULE"]["BYMONTH"] == [10] and daylight["RRULE"]["BYDAY"] == ["1SU"]
    assert standard["RRULE"]["BYMONTH"] == [4] and standard["RRULE"]["BYDAY"] == ["1SU"]
    assert daylight["TZOFFSETTO"].td == timedelta(hours=11)
    # The sub-components begin the year before the first meeting.
    assert daylight["DTSTART"].dt.year == 2025 == standard["DTSTART"].dt.year


@pytest.mark.parametrize("key", [
    "Asia/Jerusalem", "Africa/Cairo", "America/Santiago", "America/Nuuk",
    "Africa/Casablanca", "Asia/Gaza", "Asia/Almaty", "America/Asuncion", "Pacific/Chatham",
    "Australia/Lord_Howe",
])
@pytest.mark.parametrize("first", [datetime(2024, 1, 2, 10), datetime(2026, 1, 6, 10)])
def test_irregular_zones_still_give_the_right_local_time(key: str, first: datetime) -> None:
    """Rules that are no nth/last weekday, rule changes, Ramadan breaks: the yearly rule
    when it holds at every meeting, else UTC with overrides; either way every meeting is
    at 10:00 local as zoneinfo has it."""
    zone = ZoneInfo(key)
    item = series(start=first.replace(tzinfo=zone), timezone=key, interval=1, count=80)
    ics = series_ics(item, dtstamp=STAMP)
    found = starts(ics)
    walls = weekly_walls(first, 80)
    assert [s.astimezone(UTC) for s in found] == [w.replace(tzinfo=zone).astimezone(UTC)
                                                  for w in walls]
    events = vevents(ics)
    if "VTIMEZONE" in unfolded(ics):
        assert len(events) == 1
    else:
        assert re.search(r"^DTSTART:\d{8}T\d{6}Z\r$", unfolded(ics), re.M)
        assert all(e["UID"] == item.uid for e in events)


def test_utc_fallback_when_no_yearly_rule_holds() -> None:
    zone = ZoneInfo("Asia/Gaza")
    item = series(start=datetime(2026, 1, 6, 10, tzinfo=zone), timezone="Asia/Gaza",
                  interval=1, count=52, skipped=(datetime(2026, 7, 7, 10, tzinfo=zone),),
                  moved=(MovedMeeting(datetime(2026, 8, 4, 10, tzinfo=zone),
                                      datetime(2026, 8, 5, 12, tzinfo=zone), 45, 3),))
    ics = series_ics(item, dtstamp=STAMP)
    text = unfolded(ics)
    assert "BEGIN:VTIMEZONE" not in text and "TZID" not in text
    assert "DTSTART:20260106T080000Z" in text
    master, *overrides = vevents(ics)
    assert master["RRULE"]["COUNT"] == [52]
    assert [e.dt for e in master["EXDATE"].dts] == [datetime(2026, 7, 7, 8, tzinfo=UTC)]
    assert all("RECURRENCE-ID" in e and "RRULE" not in e for e in overrides)
    found = starts(ics, embedded=False)
    walls = [w for w in weekly_walls(datetime(2026, 1, 6, 10), 52)
             if w not in (datetime(2026, 7, 7, 10), datetime(2026, 8, 4, 10))]
    expected = sorted([w.replace(tzinfo=zone).astimezone(UTC) for w in walls]
                      + [datetime(2026, 8, 5, 12, tzinfo=zone).astimezone(UTC)])
    assert [s.astimezone(UTC) for s in found] == expected
    moved = [e for e in overrides if e["SEQUENCE"] == 3]
    assert len(moved) == 1


def _months(first_year: int, first_month: int, count: int) -> list[tuple[int, int]]:
    return [((first_month - 1 + i) // 12 + first_year, (first_month - 1 + i) % 12 + 1)
            for i in range(count)]


@pytest.mark.parametrize("key, first, nth", [
    ("Asia/Gaza", datetime(2026, 1, 26, 0, 30), (-1, 0)),  # last Monday, Sunday in UTC
    ("Africa/Casablanca", datetime(2026, 1, 31, 0, 15), None),  # the 31st, the 30th in UTC
])
def test_utc_fallback_monthly_across_midnight(key: str, first: datetime,
                                              nth: tuple[int, int] | None) -> None:
    """The UTC rule's dates differ from the local ones; overrides put every meeting right."""
    zone = ZoneInfo(key)
    item = series(timezone=key, start=first.replace(tzinfo=zone), frequency="MONTHLY",
                  interval=1, nth_weekday=nth, count=24)
    ics = series_ics(item, dtstamp=STAMP)
    assert "VTIMEZONE" not in unfolded(ics)
    if nth is not None:
        walls = [datetime(y, m, nth_weekday(y, m, *nth), first.hour, first.minute)
                 for y, m in _months(2026, 1, 24)]
    else:
        walls = [datetime(y, m, 31, first.hour, first.minute)
                 for y, m in _months(2026, 1, 48) if calendar.monthrange(y, m)[1] == 31][:24]
    assert [s.astimezone(UTC) for s in starts(ics, embedded=False)] == [
        w.replace(tzinfo=zone).astimezone(UTC) for w in walls]


def test_utc_series_has_no_vtimezone() -> None:
    item = series(timezone="UTC", start=datetime(2026, 2, 10, 10, tzinfo=UTC))
    ics = series_ics(item, dtstamp=STAMP)
    assert "VTIMEZONE" not in unfolded(ics)
    assert "DTSTART:20260210T100000Z" in unfolded(ics)
    assert [s.hour for s in starts(ics, embedded=False)] == [10] * 8


def test_combined_calendar_has_one_vtimezone_per_zone() -> None:
    york = ZoneInfo("America/New_York")
    items = [series(uid=f"p{i}") for i in range(3)] + [
        series(uid="ny", timezone="America/New_York",
               start=datetime(2026, 2, 10, 10, tzinfo=york))]
    ics = calendar_ics(items, name="Programme", dtstamp=STAMP)
    assert sorted(_vtimezones(ics)) == ["America/New_York", "Europe/London"]
    assert unfolded(ics).count("BEGIN:VTIMEZONE") == 2
    found = expand(ics)
    assert len(found) == 32
    assert {(e.DTSTART.hour, e.DTSTART.minute) for e in found} == {(10, 0)}


# --------------------------------------------------------------------------- changes


def test_moved_meeting_appears_once_at_its_new_time() -> None:
    old = datetime(2026, 3, 24, 10, tzinfo=LONDON)
    new = datetime(2026, 3, 26, 15, 30, tzinfo=LONDON)
    item = series(sequence=1, moved=(MovedMeeting(old, new, 60, 4),))
    ics = series_ics(item, dtstamp=STAMP)
    master, override = vevents(ics)
    assert "RRULE" in master and "RRULE" not in override
    assert override["UID"] == master["UID"]
    assert override["RECURRENCE-ID"].dt == old
    assert override["SEQUENCE"] == 4 and master["SEQUENCE"] == 1
    assert override["DTEND"].dt - override["DTSTART"].dt == timedelta(minutes=60)
    found = starts(ics)
    assert len(found) == 8
    assert new in found and old not in found
    assert sum(1 for s in found if s == new) == 1


def test_skipped_meeting_is_an_exdate() -> None:
    skipped = datetime(2026, 3, 10, 10, tzinfo=LONDON)
    ics = series_ics(series(skipped=(skipped,)), dtstamp=STAMP)
    assert "EXDATE;TZID=Europe/London:20260310T100000\r\n" in unfolded(ics)
    found = starts(ics)
    assert len(found) == 7 and skipped not in found


def test_skipped_or_moved_meetings_must_be_meetings_of_the_series() -> None:
    with pytest.raises(ValueError, match="not a meeting"):
        series_ics(series(skipped=(datetime(2026, 3, 11, 10, tzinfo=LONDON),)))
    stray = MovedMeeting(datetime(2026, 3, 11, 10, tzinfo=LONDON),
                         datetime(2026, 3, 12, 10, tzinfo=LONDON), 30, 1)
    with pytest.raises(ValueError, match="not a meeting"):
        series_ics(series(moved=(stray,)))
    when = datetime(2026, 3, 10, 10, tzinfo=LONDON)
    with pytest.raises(ValueError, match="moved and skipped"):
        series_ics(series(skipped=(when,), moved=(MovedMeeting(when, when, 30, 1),)))


def test_cancel_keeps_the_uid_with_a_higher_sequence() -> None:
    request = vevents(series_ics(series(sequence=2), dtstamp=STAMP))[0]
    ics = series_ics(series(sequence=3, cancelled=True, moved=(MovedMeeting(
        datetime(2026, 3, 10, 10, tzinfo=LONDON), datetime(2026, 3, 11, 10, tzinfo=LONDON),
        30, 3),)), dtstamp=STAMP)
    cal = parse(ics)
    assert cal["METHOD"] == "CANCEL"
    [event] = vevents(ics)
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == request["UID"]
    assert event["SEQUENCE"] > request["SEQUENCE"]
    assert [str(a) for a in event["ATTENDEE"]] == [str(a) for a in request["ATTENDEE"]]
    assert event.walk("VALARM") == []


def test_publish_calendar() -> None:
    items = [series(uid="a"), series(uid="b", cancelled=True, sequence=4),
             series(uid="c", moved=(MovedMeeting(datetime(2026, 3, 10, 10, tzinfo=LONDON),
                                                 datetime(2026, 3, 11, 9, tzinfo=LONDON),
                                                 30, 1),))]
    ics = calendar_ics(items, name="Spring programme; check-ins", dtstamp=STAMP)
    cal = parse(ics)
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Spring programme; check-ins"
    text = unfolded(ics)
    assert "RSVP" not in text and "PARTSTAT" not in text and "VALARM" not in text
    status = {(str(e["UID"]), "RECURRENCE-ID" in e): str(e["STATUS"]) for e in vevents(ics)}
    assert status == {("a", False): "CONFIRMED", ("b", False): "CANCELLED",
                      ("c", False): "CONFIRMED", ("c", True): "CONFIRMED"}
    cancelled = next(e for e in vevents(ics) if e["UID"] == "b")
    assert cancelled["SEQUENCE"] == 4


# --------------------------------------------------------------------------- text


def test_lines_are_folded_at_75_octets_with_crlf_and_whole_characters() -> None:
    text = "Ünïcödé 日本語の説明 😀👩‍👩‍👧 ẞ " * 40
    item = series(summary=text[:300], description=text, location="Zürich " + "Straße" * 30,
                  attendees=(Contact("名前" * 40, "dana@example.org"), MENTEE))
    for ics in (series_ics(item, dtstamp=STAMP),
                calendar_ics([item], name=text[:200], dtstamp=STAMP)):
        assert b"\r\n" in ics and ics.endswith(b"\r\n")
        assert b"\n" not in ics.replace(b"\r\n", b"")
        assert b"\r" not in ics.replace(b"\r\n", b"")
        lines = ics.split(b"\r\n")[:-1]
        assert max(len(line) for line in lines) <= 75
        assert any(len(line) >= 73 for line in lines)
        for line in lines:
            line.decode("utf-8")  # no character split across a fold
        [event, *_] = vevents(ics)
        assert event["DESCRIPTION"] == f"{text}\n\nhttps://meet.example.org/dana-sam"


def test_text_escaping_round_trips() -> None:
    summary = 'Check-in; "goals", next\\steps\nline two'
    description = "a,b;c\\d\\,e\\;f\\n g\nh\n\n  i\t j:k"
    location = "Room 1; floor 2, \\ wing"
    ics = series_ics(series(summary=summary, description=description, location=location,
                            url=""), dtstamp=STAMP)
    [event] = vevents(ics)
    assert (event["SUMMARY"], event["DESCRIPTION"], event["LOCATION"]) == (
        summary, description, location)
    parsed = vobject.readOne(ics.decode()).vevent
    assert (parsed.summary.value, parsed.description.value, parsed.location.value) == (
        summary, description, location)
    assert "SUMMARY:Check-in\\; \"goals\"\\, next\\\\steps\\nline two" in unfolded(ics)


def test_line_breaks_and_control_characters_are_cleaned() -> None:
    ics = series_ics(series(summary="a\r\nb\rc\x00d\x1be\x7ff\x85g\ufeffh\td", url=""),
                     dtstamp=STAMP)
    [event] = vevents(ics)
    assert event["SUMMARY"] == "a\nb\ncdefgh\td"


NAMES = [
    'Dana "DJ" O\'Neil', "Smith, Jane; PhD", "José Ñúñez: lead", "山田 太郎", "😀 Emoji Person",
    "Zoë ^caret^ n", "Line\nbreak", "Ünïcödé, 日本; \"q\"", "  spaced  ",
]


@pytest.mark.parametrize("name", NAMES)
def test_names_come_back_exactly(name: str) -> None:
    item = series(attendees=(Contact(name, "dana@example.org"), MENTEE),
                  organizer=Contact(name, "ann@example.org"))
    ics = series_ics(item, dtstamp=STAMP)
    [event] = vevents(ics)
    assert event["ATTENDEE"][0].params["CN"] == name
    assert event["ORGANIZER"].params["CN"] == name
    assert str(event["ATTENDEE"][0]) == "mailto:dana@example.org"
    parsed = vobject.readOne(ics.decode()).vevent
    assert rfc6868_decode(parsed.attendee.params["CN"][0]) == name
    assert rfc6868_decode(parsed.organizer.params["CN"][0]) == name
    if '"' in name:
        assert "^'" in unfolded(ics)


@pytest.mark.parametrize("name", ["DOMAIN\\dana", "Dana \\", "a\\,b", "x\\\\y", "q\\;r\\:s"])
def test_backslashes_in_names_are_written_verbatim(name: str) -> None:
    """RFC 5545 parameter values have no escapes: vobject reads them back exactly.
    icalendar 7's parser treats \\, \\; \\: \\\\ as escapes, but the address stays intact."""
    item = series(attendees=(Contact(name, "dana@example.org"), MENTEE))
    ics = series_ics(item, dtstamp=STAMP)
    assert f'CN="{name}"' in unfolded(ics)
    parsed = vobject.readOne(ics.decode()).vevent
    assert rfc6868_decode(parsed.attendee.params["CN"][0]) == name
    [event] = vevents(ics)
    assert str(event["ATTENDEE"][0]) == "mailto:dana@example.org"
    assert event["ATTENDEE"][0].params["CN"].replace("\\", "") == name.replace("\\", "")


_CARRIABLE = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff")
texts = st.text(st.one_of(_CARRIABLE, st.sampled_from("\n\t,;:\\\"'^")), max_size=120)
names = st.text(st.one_of(_CARRIABLE, st.sampled_from("\n,;:\"'^")), min_size=1,
                max_size=60).filter(lambda s: s.strip() and "\\" not in s)
links = st.one_of(
    st.builds(lambda path: f"https://meet.example.org/{path}",
              st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
                                    blacklist_characters="\ufeff\"<>\\^`{|}"), max_size=40)),
    texts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=texts, description=texts, location=texts, link=links, mentor=names,
       mentee=names)
def test_any_text_round_trips(summary: str, description: str,
                                                location: str, link: str, mentor: str,
                                                mentee: str) -> None:
    item = series(summary=summary, description=description, location=location, url=link,
                  attendees=(Contact(mentor, "m@example.org"), Contact(mentee, "e@example.org")))
    ics = series_ics(item, dtstamp=STAMP)
    [event] = vevents(ics)
    link = link.strip()
    expected = description
    if link and link not in description:
        expected = f"{description}\n\n{link}" if description else link
    assert str(event["SUMMARY"]) == summary
    assert str(event.get("DESCRIPTION", "")) == expected
    assert str(event.get("LOCATION", "")) == (location if location.strip() else link)
    if link and invites._is_uri(link):
        assert str(event["URL"]) == link
    else:
        assert "URL" not in event
    assert [a.params["CN"] for a in event["ATTENDEE"]] == [mentor, mentee]
    assert max(len(line) for line in ics.split(b"\r\n")) <= 75
    parsed = vobject.readOne(ics.decode()).vevent
    assert parsed.summary.value == summary
    assert [rfc6868_decode(a.params["CN"][0]) for a in parsed.attendee_list] == [mentor, mentee]


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from("ab\\^ ;,"), st.sampled_from("é日😀"),
                         st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\n")), max_size=300))
def test_folding_is_icalendars(line: str) -> None:
    """The service folds long lines itself (icalendar's per-character loop was a third of
    an export); the result must be exactly icalendar's."""
    from icalendar.parser import string

    assert invites._fold(line) == string._foldline(line)


def test_events_are_serialised_as_icalendar_does() -> None:
    item = series(summary="Ünïcödé ^ \\ " * 20, moved=(MovedMeeting(
        datetime(2026, 3, 10, 10, tzinfo=LONDON), datetime(2026, 3, 11, 9, tzinfo=LONDON),
        30, 1),))
    [layout], _ = invites._layouts([item])
    for method in ("REQUEST", "PUBLISH", "CANCEL"):
        for event in invites._events(layout, method, STAMP):
            assert invites._to_ical(event) == event.to_ical()


# --------------------------------------------------------------------------- e-mail


def _parts(data: bytes) -> tuple[email.message.EmailMessage, list[email.message.EmailMessage]]:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message, [p for p in message.walk() if not p.is_multipart()]  # type: ignore[misc]


@pytest.mark.parametrize("cancelled", [False, True])
def test_eml_draft_carries_the_invite(cancelled: bool) -> None:
    item = series(cancelled=cancelled, sequence=3,
                  attendees=(Contact("Dana Ñúñez, Jr", "dana@example.org"),
                             Contact("山田 太郎", "taro@example.org")))
    ics = series_ics(item, dtstamp=STAMP)
    data = eml_draft(item, ics, body="Hello both,\nhere is the invite.\n")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    message, parts = _parts(data)
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == ["dana@example.org",
                                                             "taro@example.org"]
    assert [a.display_name for a in message["To"].addresses] == ["Dana Ñúñez, Jr",
                                                                "山田 太郎"]
    assert message["From"].addresses[0].addr_spec == "ann@example.org"
    assert message["Subject"] == ("Cancelled: " if cancelled else "") + item.summary
    plain, inline, attached = parts
    assert plain.get_content_type() == "text/plain"
    assert plain.get_content().replace("\r\n", "\n") == "Hello both,\nhere is the invite.\n"
    method = "CANCEL" if cancelled else "REQUEST"
    assert inline.get_content_type() == "text/calendar"
    assert inline.get_param("method") == method
    assert str(inline.get_param("charset")).upper() == "UTF-8"
    assert inline.get_content_disposition() == "inline"
    assert inline.get_payload(decode=True) == ics
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename() == "invite.ics" == inline.get_filename()
    assert attached.get_payload(decode=True) == ics
    assert parse(inline.get_payload(decode=True))["METHOD"] == method


def test_eml_headers_cannot_be_broken_by_names() -> None:
    item = series(summary="Hi\r\nBcc: evil@example.org",
                  attendees=(Contact("Dana\nBcc: x@example.org", "dana@example.org"),))
    data = eml_draft(item, series_ics(item, dtstamp=STAMP), body="x")
    message, _ = _parts(data)
    assert message["Bcc"] is None
    assert message["Subject"] == "Hi Bcc: evil@example.org"


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("stem, expected", [
    ("CON", "CON_.ics"), ("con", "con_.ics"), ("Con.txt", "Con_.txt.ics"), ("LPT1", "LPT1_.ics"),
    ("com¹", "com¹_.ics"), ("NUL ", "NUL_.ics"), ("CONSOLE", "CONSOLE.ics"),
    ("a/b:c*?", "a_b_c_.ics"), ('x<y>z|"q"\\', "x_y_z_q_.ics"), ("name. . ", "name.ics"),
    ("...hidden", "hidden.ics"), ("", "invite.ics"), ("...", "invite.ics"),
    ("tab\there\nnew", "tab_here new.ics"), ("evil\u202egnp.exe", "evil_gnp.exe.ics"),
    ("Dana Manager – Sam Engineer", "Dana Manager – Sam Engineer.ics"),
])
def test_safe_file_name(stem: str, expected: str, tmp_path: Path) -> None:
    name = safe_file_name(stem, ".ics", "invite")
    assert name == expected
    (tmp_path / name).write_bytes(b"x")


@pytest.mark.parametrize("stem", ["x" * 300, "é" * 300, "日本" * 150, "😀" * 100,
                                  "e\u0301" * 150, "a" * 115 + "...  ..." + "b" * 50])
def test_long_names_are_cut_at_a_character(stem: str, tmp_path: Path) -> None:
    name = safe_file_name(stem, ".eml")
    assert name.endswith(".eml")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert unicodedata.normalize("NFC", stem).startswith(name[:-4])
    assert not name[:-4].endswith((".", " ", "\u0301"))
    (tmp_path / name).write_bytes(b"x")


def test_bad_suffix_is_refused() -> None:
    assert safe_file_name("a", "ics") == "a.ics"
    with pytest.raises(ValueError):
        safe_file_name("a", ".ics/..")


def _items() -> list[SeriesInvite]:
    return [series(uid="a", file_stem="Dana – Sam"), series(uid="b", file_stem="dana – sam"),
            series(uid="c", file_stem="CON", cancelled=True, sequence=2),
            series(uid="d", file_stem="", summary="Lee / Kim: check-in")]


def test_export_writes_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "invites"
    seen: list[tuple[int, int]] = []
    result = export_invites(_items(), folder, calendar_name="Spring programme", eml=True,
                            dtstamp=STAMP, progress=lambda d, t: seen.append((d, t)))
    assert [p.name for p in result.files] == ["Dana – Sam.ics", "dana – sam (2).ics",
                                              "CON_.ics", "Lee _ Kim_ check-in.ics"]
    assert [p.name for p in result.drafts] == ["Dana – Sam.eml", "dana – sam (2).eml",
                                               "CON_.eml", "Lee _ Kim_ check-in.eml"]
    assert result.calendar == folder / "Spring programme.ics"
    assert sorted(os.listdir(folder)) == sorted(
        [p.name for p in (*result.files, *result.drafts, result.calendar)])
    for item, path in zip(_items(), result.files, strict=True):
        assert path.read_bytes() == series_ics(item, dtstamp=STAMP)
    assert result.calendar.read_bytes() == calendar_ics(_items(), name="Spring programme",
                                                        dtstamp=STAMP)
    _, parts = _parts(result.drafts[2].read_bytes())
    assert parts[1].get_param("method") == "CANCEL"
    assert parts[1].get_payload(decode=True) == result.files[2].read_bytes()
    assert [d for d, _ in seen] == list(range(1, len(seen) + 1))
    assert seen[-1][0] == seen[-1][1]


def test_exporting_twice_gives_identical_files(tmp_path: Path) -> None:
    first = export_invites(_items(), tmp_path / "one", calendar_name="All", eml=True,
                           dtstamp=STAMP)
    contents = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    second = export_invites(_items(), tmp_path / "one", calendar_name="All", eml=True,
                            dtstamp=STAMP)
    assert second == first
    assert {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()} == contents
    export_invites(_items(), tmp_path / "two", calendar_name="All", eml=True, dtstamp=STAMP)
    assert {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()} == contents


def test_nothing_to_export_writes_nothing(tmp_path: Path) -> None:
    result = export_invites([], tmp_path / "x", calendar_name="All")
    assert result.calendar is None and result.files == () and not (tmp_path / "x").exists()


@pytest.mark.parametrize("stop_after", [0, 1, 3, 5, 7, 9])
def test_cancelled_export_leaves_no_file(tmp_path: Path, stop_after: int) -> None:
    folder = tmp_path / "invites"
    folder.mkdir()
    (folder / "Dana – Sam.ics").write_bytes(b"old")
    polls = itertools.count()
    with pytest.raises(UserError, match="Cancelled"):
        export_invites(_items(), folder, calendar_name="All", eml=True,
                       cancelled=lambda: next(polls) >= stop_after)
    assert os.listdir(folder) == ["Dana – Sam.ics"]
    assert (folder / "Dana – Sam.ics").read_bytes() == b"old"


def test_write_error_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "invites"
    folder.mkdir()
    (folder / "Dana – Sam.ics").write_bytes(b"old")
    real = files.write_temp
    calls = itertools.count()

    def failing(path: Path, data: bytes) -> Path:
        if next(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "write_temp", failing)
    with pytest.raises(UserError, match=r"No space left on device\. No invites were written"):
        export_invites(_items(), folder, calendar_name="All", eml=True)
    assert os.listdir(folder) == ["Dana – Sam.ics"]
    assert (folder / "Dana – Sam.ics").read_bytes() == b"old"


def test_rename_error_is_reported_and_leaves_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace
    calls = itertools.count()

    def failing(src: Path, dst: Path) -> None:
        if next(calls) == 2:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", failing)
    with pytest.raises(UserError, match="2 of the files were already updated"):
        export_invites(_items(), tmp_path, calendar_name="All")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_bad_series_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    bad = series(uid="bad", skipped=(datetime(2026, 3, 11, 10, tzinfo=LONDON),))
    with pytest.raises(ValueError):
        export_invites([*_items(), bad], tmp_path / "out", calendar_name="All")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("changes, message", [
    ({"start": datetime(2026, 2, 10, 10)}, "aware"),
    ({"count": 8, "until": datetime(2026, 5, 1, tzinfo=UTC)}, "exactly one"),
    ({"count": None}, "exactly one"),
    ({"frequency": "YEARLY"}, "frequency"),
    ({"interval": 0}, "interval"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"frequency": "MONTHLY", "nth_weekday": (2, 1),
      "start": datetime(2026, 2, 17, 10, tzinfo=LONDON)}, "nth weekday"),
    ({"nth_weekday": (2, 1)}, "MONTHLY"),
    ({"frequency": "MONTHLY", "nth_weekday": (5, 1)}, "1..4"),
    ({"uid": "a\nb"}, "UID"),
    ({"attendees": ()}, "attendees"),
    ({"alarm_minutes": -5}, "reminder"),
    ({"count": 5000}, "count"),
])
def test_invalid_series_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        series(**changes)


def test_a_series_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before its first meeting"):
        series_ics(series(count=None, until=datetime(2026, 2, 1, tzinfo=UTC)))


def test_the_calendar_refuses_a_series_given_twice() -> None:
    with pytest.raises(ValueError, match="given twice: a"):
        calendar_ics([series(uid="a"), series(uid="b"), series(uid="a")], name="All")


def test_too_long_a_series_is_refused() -> None:
    item = series(frequency="DAILY", interval=1, count=None,
                  until=datetime(2040, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="more than"):
        series_ics(item)
