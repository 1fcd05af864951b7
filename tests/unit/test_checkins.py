"""Check-in series, the meeting log and the pairs to nudge, over the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import (
    Checkin,
    CheckinFrequency,
    CheckinOutcome,
    CheckinSeries,
    ParticipantRole,
    ProgrammeStructure,
    SeriesStatus,
)
from mentordesk.services import checkins, pairing
from mentordesk.services.checkins import Schedule
from mentordesk.services.participants import ParticipantData, add_participant, withdraw_participant
from mentordesk.services.programmes import ProgrammeData, create_programme

LONDON = "Europe/London"
# Before the programme: nothing has happened yet when the tests plan.
BEFORE = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def pair(db: Any) -> dict[str, int]:
    """An active pair in a formal programme running January to June 2027."""
    with db.Session.begin() as s:
        programme_id = create_programme(s, ProgrammeData(
            name="Spring", start_date=date(2027, 1, 11), end_date=date(2027, 6, 30),
            structure=ProgrammeStructure.FORMAL, coordinator_name="Cora Ordinator",
            coordinator_email="cora@example.org",
            agenda="Goals and expectations\nStrengths\nA stretch project")).id
        mentor = add_participant(s, ParticipantData(
            full_name="Dana Manager", email="dana@example.org", role=ParticipantRole.MENTOR,
            mentor_capacity=1)).id
        mentee = add_participant(s, ParticipantData(
            full_name="Sam Engineer", email="sam@example.org")).id
        pairing_id = pairing.lock_pair(s, programme_id, mentor, mentee)
        pairing.publish_pairings(s, programme_id, on=date(2026, 12, 1))
    return {"programme": programme_id, "pairing": pairing_id, "mentor": mentor,
            "mentee": mentee}


def fortnightly(**kw: Any) -> Schedule:
    values: dict[str, Any] = {"frequency": CheckinFrequency.WEEKLY, "interval": 2,
                              "first_start": datetime(2027, 1, 12, 10, 0),
                              "timezone": LONDON, "duration_minutes": 45}
    values.update(kw)
    return Schedule(**values)


def local_starts(db: Any, pairing_id: int) -> list[datetime]:
    with db.Session() as s:
        return [r.start for r in checkins.pairing_checkins(s, pairing_id)]


def test_fortnightly_meetings_keep_their_local_time_across_daylight_saving(
        db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        series = checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
    assert series.rhythm == "every 2 weeks on Tuesday"
    assert series.until == date(2027, 6, 30)  # the programme's end
    starts = local_starts(db, pair["pairing"])
    assert starts[0] == datetime(2027, 1, 12, 10, 0, tzinfo=ZoneInfo(LONDON))
    assert all(s.time() == time(10) and s.weekday() == 1 for s in starts)
    assert starts[-1].date() == date(2027, 6, 29)
    assert len(starts) == 13
    # 10:00 in London is 10:00 UTC in winter and 09:00 UTC in summer.
    assert {s.astimezone(UTC).hour for s in starts} == {9, 10}
    with db.Session() as s:
        topics = [r.topic for r in checkins.pairing_checkins(s, pair["pairing"])]
    assert topics[:4] == ["Goals and expectations", "Strengths", "A stretch project",
                          "Goals and expectations"]


def test_monthly_on_the_nth_weekday_and_counts(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        series = checkins.schedule_checkins(s, pair["pairing"], fortnightly(
            frequency=CheckinFrequency.MONTHLY, interval=1, count=5,
            first_start=datetime(2027, 1, 12, 15, 30)), now=BEFORE)
    assert series.rhythm == "monthly on the 2nd Tuesday"
    starts = local_starts(db, pair["pairing"])
    assert [s.date() for s in starts] == [date(2027, 1, 12), date(2027, 2, 9),
                                          date(2027, 3, 9), date(2027, 4, 13),
                                          date(2027, 5, 11)]


def test_same_rhythm_again_changes_nothing_a_change_raises_the_sequence_by_one(
        db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        first = checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        again = checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
    assert (again.uid, again.sequence) == (first.uid, 0)
    with db.Session.begin() as s:
        changed = checkins.schedule_checkins(s, pair["pairing"], fortnightly(
            first_start=datetime(2027, 1, 13, 9, 0), duration_minutes=30), now=BEFORE)
    assert changed.uid == first.uid and changed.sequence == 1
    starts = local_starts(db, pair["pairing"])
    assert starts[0] == datetime(2027, 1, 13, 9, 0, tzinfo=ZoneInfo(LONDON))
    assert all(s.weekday() == 2 for s in starts)


def test_a_change_mid_programme_keeps_the_log(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        checkins.log_checkin(s, pair["pairing"], date(2027, 1, 12), CheckinOutcome.HELD,
                             note="Set three goals")
        checkins.log_checkin(s, pair["pairing"], date(2027, 1, 26), CheckinOutcome.MISSED)
        # From February on, weekly on Thursdays.
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(
            interval=1, first_start=datetime(2027, 2, 4, 10, 0)),
            now=datetime(2027, 2, 1, tzinfo=UTC))
        rows = checkins.pairing_checkins(s, pair["pairing"])
    logged = [(r.start.date(), r.outcome, r.notes) for r in rows
              if r.outcome != CheckinOutcome.SCHEDULED]
    assert logged == [(date(2027, 1, 12), CheckinOutcome.HELD, "Set three goals"),
                      (date(2027, 1, 26), CheckinOutcome.MISSED, "")]
    planned = [r.start for r in rows if r.outcome == CheckinOutcome.SCHEDULED]
    assert planned[0].date() == date(2027, 2, 4)
    assert all(p.weekday() == 3 for p in planned)


def test_move_and_skip_one_meeting(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        rows = checkins.pairing_checkins(s, pair["pairing"])
        checkins.move_checkin(s, rows[1].id, datetime(2027, 1, 27, 14, 0))
        checkins.skip_checkin(s, rows[2].id)
        series = checkins.get_series(s, pair["pairing"])
        rows = checkins.pairing_checkins(s, pair["pairing"])
    assert series is not None and series.sequence == 2
    assert rows[1].moved and rows[1].start == datetime(2027, 1, 27, 14, 0,
                                                       tzinfo=ZoneInfo(LONDON))
    assert rows[2].outcome == CheckinOutcome.CANCELLED
    with db.Session.begin() as s, pytest.raises(UserError, match="still to come"):
        checkins.move_checkin(s, rows[2].id, datetime(2027, 2, 10, 10, 0))


def test_logging_a_meeting_held_without_a_plan_adds_it(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        row = checkins.log_checkin(s, pair["pairing"], date(2027, 1, 20), CheckinOutcome.HELD,
                                   note="Coffee chat")
    assert row.outcome == CheckinOutcome.HELD and not row.in_series
    assert row.start.date() == date(2027, 1, 20) and row.notes == "Coffee chat"
    with db.Session.begin() as s, pytest.raises(ValidationError) as caught:
        checkins.log_checkin(s, pair["pairing"], date(2027, 1, 20), CheckinOutcome.SCHEDULED)
    assert "outcome" in caught.value.errors


def test_pairs_with_no_meeting_held_in_twice_their_rhythm_are_flagged(
        db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        checkins.log_checkin(s, pair["pairing"], date(2027, 1, 12), CheckinOutcome.HELD)
        programme = pair["programme"]
        # 28 days after the last held meeting: exactly twice the rhythm, not yet overdue.
        assert checkins.overdue_pairs(s, programme, date(2027, 2, 9)) == []
        [row] = checkins.overdue_pairs(s, programme, date(2027, 2, 10))
    assert (row.pairing_id, row.rhythm_days, row.last_held, row.days_since) == (
        pair["pairing"], 14, date(2027, 1, 12), 29)
    assert (row.mentor_name, row.mentee_names) == ("Dana Manager", "Sam Engineer")


def test_ending_a_pair_cancels_its_series_and_meetings_to_come(db: Any,
                                                               pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        checkins.log_checkin(s, pair["pairing"], date(2027, 1, 12), CheckinOutcome.HELD)
        checkins.end_pairing(s, pair["pairing"], early=True, on=date(2027, 2, 1))
        series = checkins.get_series(s, pair["pairing"])
        rows = checkins.pairing_checkins(s, pair["pairing"])
    assert series is not None and series.status == SeriesStatus.CANCELLED
    assert series.sequence == 1
    assert [r.start.date() for r in rows] == [date(2027, 1, 12), date(2027, 1, 26)]
    with db.Session.begin() as s, pytest.raises(UserError, match="only active pairs"):
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)


def test_withdrawing_the_mentor_cancels_the_series(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        withdraw_participant(s, pair["mentor"])
        series = s.scalars(select(CheckinSeries)).one()
        assert series.status == SeriesStatus.CANCELLED and series.sequence == 1


@pytest.mark.parametrize("change, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"duration_minutes": 2}, "duration"),
    ({"interval": 0}, "every"),
    ({"count": 3, "until": date(2027, 3, 1)}, "count"),
    ({"until": date(2026, 1, 1)}, "until"),
    ({"link": "javascript:alert(1)"}, "link"),
])
def test_bad_schedules_name_the_field_and_write_nothing(db: Any, pair: dict[str, int],
                                                        change: dict[str, Any],
                                                        field: str) -> None:
    with db.Session.begin() as s, pytest.raises(ValidationError) as caught:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(**change), now=BEFORE)
    assert field in caught.value.errors
    with db.Session() as s:
        assert s.scalars(select(Checkin)).all() == []


@pytest.mark.parametrize("text, expected", [
    ("2w", (CheckinFrequency.WEEKLY, 2)), ("weekly", (CheckinFrequency.WEEKLY, 1)),
    ("Fortnightly", (CheckinFrequency.WEEKLY, 2)), ("1m", (CheckinFrequency.MONTHLY, 1)),
    ("10d", (CheckinFrequency.DAILY, 10)), ("3 weeks", (CheckinFrequency.WEEKLY, 3)),
])
def test_rhythms_in_words(text: str, expected: tuple[CheckinFrequency, int]) -> None:
    assert checkins.parse_every(text) == expected


@pytest.mark.parametrize("text", ["often", "0w", "2y", "99w"])
def test_bad_rhythms_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        checkins.parse_every(text)


def test_this_weeks_agenda_lists_meetings_on_their_local_dates(db: Any,
                                                               pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(
            timezone="Pacific/Auckland", first_start=datetime(2027, 1, 12, 8, 0)), now=BEFORE)
        week = checkins.list_checkins(s, pair["programme"], date(2027, 1, 11),
                                      date(2027, 1, 17))
    # 08:00 on Tuesday in Auckland is Monday evening in UTC: it is Tuesday's meeting.
    assert [r.start.date() for r in week] == [date(2027, 1, 12)]
    assert week[0].mentor_name == "Dana Manager"


def test_log_by_id_and_back_to_planned(db: Any, pair: dict[str, int]) -> None:
    with db.Session.begin() as s:
        checkins.schedule_checkins(s, pair["pairing"], fortnightly(), now=BEFORE)
        first, second = checkins.pairing_checkins(s, pair["pairing"])[:2]
        # Two meetings the same day: logging by id touches only the one meant.
        checkins.move_checkin(s, second.id, datetime(2027, 1, 12, 16, 0))
        row = checkins.log_checkin_by_id(s, second.id, CheckinOutcome.HELD, note="Late one")
        assert (row.id, row.outcome, row.notes) == (second.id, CheckinOutcome.HELD, "Late one")
        assert row.original_start == datetime(2027, 1, 26, 10, 0, tzinfo=ZoneInfo(LONDON))
        rows = {r.id: r for r in checkins.pairing_checkins(s, pair["pairing"])}
        assert rows[first.id].outcome == CheckinOutcome.SCHEDULED
        # A mistaken skip is undone: the meeting is planned again, calendars told.
        checkins.skip_checkin(s, first.id)
        before = checkins.get_series(s, pair["pairing"])
        checkins.log_checkin_by_id(s, first.id, CheckinOutcome.SCHEDULED)
        after = checkins.get_series(s, pair["pairing"])
        assert before is not None and after is not None
        assert after.sequence == before.sequence + 1
        assert checkins.pairing_checkins(s, pair["pairing"])[0].outcome == \
            CheckinOutcome.SCHEDULED
        series = checkins.list_series(s, pair["programme"])
    assert set(series) == {pair["pairing"]} and series[pair["pairing"]].meetings == 13
