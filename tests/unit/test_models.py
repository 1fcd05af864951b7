"""Constraints live in the schema: the database itself refuses bad rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from mentordesk.models import (
    Checkin,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    Pairing,
    PairingMember,
    Participant,
    ParticipantSkill,
    Programme,
    QuestionKind,
    Skill,
)


def _person(email: str = "ana@example.org", **kw: object) -> Participant:
    return Participant(full_name=kw.pop("full_name", "Ana Silva"), email=email, **kw)


def _commit_fails(db, *objects: object) -> None:
    with pytest.raises((IntegrityError, StatementError)), db.Session.begin() as s:
        s.add_all(objects)


def test_email_is_unique_regardless_of_case(db) -> None:
    with db.Session.begin() as s:
        s.add(_person("Ana@Example.org"))
    _commit_fails(db, _person("ana@example.ORG", full_name="Other Ana"))
    with db.Session() as s:
        assert s.scalar(select(Participant.email)) == "Ana@Example.org"


@pytest.mark.parametrize("bad", [
    {"full_name": "   "},
    {"email": "not-an-email"},
    {"mentor_capacity": -1},
    {"level_rank": 21},
])
def test_participant_check_constraints(db, bad: dict[str, object]) -> None:
    kwargs = {"email": bad.pop("email", "x@example.org"), **bad}
    _commit_fails(db, _person(**kwargs))
    with db.Session() as s:
        assert s.scalars(select(Participant)).all() == []


def test_enum_columns_refuse_unknown_values_in_the_database(db) -> None:
    with db.Session.begin() as s:
        s.add(_person())
    with pytest.raises(IntegrityError), db.Session.begin() as s:
        s.execute(text("UPDATE participant SET role='boss'"))


def test_nobody_is_their_own_manager(db) -> None:
    with db.Session.begin() as s:
        p = _person()
        s.add(p)
        s.flush()
        pid = p.id
    with pytest.raises(IntegrityError), db.Session.begin() as s:
        s.get(Participant, pid).manager_id = pid


def test_skill_level_between_0_and_5(db) -> None:
    _commit_fails(db, ParticipantSkill(participant=_person(), skill=Skill(name="Python"),
                                       level=6))


def test_skill_names_unique_regardless_of_case(db) -> None:
    with db.Session.begin() as s:
        s.add(Skill(name="Python"))
    _commit_fails(db, Skill(name="PYTHON"))


def test_programme_dates_must_be_ordered(db) -> None:
    _commit_fails(db, Programme(name="P", start_date=date(2026, 5, 1),
                                end_date=date(2026, 4, 1)))


def test_foreign_keys_are_enforced(db) -> None:
    _commit_fails(db, Pairing(programme_id=999, mentor_id=999))


def test_deleting_a_participant_keeps_the_rows_that_count_without_them(db) -> None:
    with db.Session.begin() as s:
        prog = Programme(name="P")
        mentor, mentee = _person("m@example.org"), _person("e@example.org")
        pairing = Pairing(programme=prog, mentor=mentor, members=[PairingMember(mentee=mentee)])
        pairing.checkins = [Checkin(scheduled_start=datetime(2026, 1, 5, 9, tzinfo=UTC),
                                    ical_uid="a@mentordesk")]
        form = FeedbackForm(programme=prog, title="F", questions=[
            FeedbackQuestion(position=1, text="Q", kind=QuestionKind.TEXT)])
        s.add_all([pairing, form])
        s.flush()
        s.add(FeedbackResponse(form=form, participant_id=mentee.id, answers=[
            FeedbackAnswer(question=form.questions[0], value_text="good")]))
        mentee_id = mentee.id
    with db.Session.begin() as s:
        s.delete(s.get(Participant, mentee_id))
    with db.Session() as s:
        assert [r.participant_id for r in s.scalars(select(FeedbackResponse))] == [None]
        assert [m.mentee_id for m in s.scalars(select(PairingMember))] == [None]
        assert len(s.scalars(select(Pairing)).all()) == 1
        assert len(s.scalars(select(Checkin)).all()) == 1
        assert len(s.scalars(select(Participant)).all()) == 1


def test_checkin_uid_unique(db) -> None:
    with db.Session.begin() as s:
        s.add(Pairing(programme=Programme(name="P"), mentor=_person(), checkins=[
            Checkin(scheduled_start=datetime(2026, 1, 5, 9, tzinfo=UTC), ical_uid="u1")]))
    with pytest.raises(IntegrityError), db.Session.begin() as s:
        pairing = s.scalars(select(Pairing)).one()
        pairing.checkins.append(Checkin(scheduled_start=datetime(2026, 1, 19, 9, tzinfo=UTC),
                                        ical_uid="u1"))


def test_repr_holds_no_personal_data() -> None:
    text_ = repr(_person("secret@example.org", full_name="Secret Name"))
    assert "secret" not in text_.lower()


def test_times_read_back_aware_in_utc(db) -> None:
    from datetime import timedelta, timezone

    when = datetime(2026, 3, 29, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.Session.begin() as s:
        s.add(Pairing(programme=Programme(name="P"), mentor=_person(), checkins=[
            Checkin(scheduled_start=when, ical_uid="u1")]))
    with db.Session() as s:
        got = s.scalars(select(Checkin)).one().scheduled_start
        created = s.scalars(select(Participant)).one().created_at
    assert got == when and got.tzinfo == UTC and got.hour == 7
    assert created.tzinfo == UTC
