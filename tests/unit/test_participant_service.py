"""Participants through the service: validation naming the field, managers, withdrawal."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from mentordesk.errors import NotFoundError, ValidationError
from mentordesk.models import (
    AuditEvent,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    Programme,
)
from mentordesk.services.participants import (
    ParticipantData,
    ParticipantFilter,
    SkillLevel,
    add_participant,
    find_participant,
    get_participant,
    list_participants,
    update_participant,
    withdraw_participant,
)

ANA = ParticipantData(full_name="  Ana   Castaño ", email="Ana.Castano@Example.org",
                      department="Engineering", timezone="Europe/Madrid",
                      skills=(SkillLevel("Python", 5), SkillLevel("python", 2)),
                      goals=("Leadership", "leadership", "Public speaking"),
                      languages=("Spanish", "English", " english "),
                      role=ParticipantRole.BOTH)


def _count(db) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count(Participant.id))) or 0


def test_add_normalises_and_reads_back(db) -> None:
    with db.Session.begin() as s:
        rec = add_participant(s, ANA)
    with db.Session() as s:
        got = get_participant(s, rec.id)
    assert got.data.full_name == "Ana Castaño"
    assert got.data.skills == (SkillLevel("Python", 5),)
    assert got.data.goals == ("Leadership", "Public speaking")
    assert got.data.languages == ("Spanish", "English")
    assert got.data.mentor_capacity == 1  # a mentor gets one mentee unless told otherwise
    assert got.status == ParticipantStatus.ACTIVE


@pytest.mark.parametrize(("change", "field"), [
    ({"email": "ana@"}, "email"),
    ({"email": "   "}, "email"),
    ({"full_name": "   "}, "full_name"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"mentor_capacity": -2}, "mentor_capacity"),
    ({"skills": (SkillLevel("Python", 7),)}, "skills"),
    ({"notes": "x" * 2001}, "notes"),
    ({"manager_email": "ana.castano@example.org"}, "manager_email"),
    ({"level_rank": 99}, "level_rank"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(db, change, field) -> None:
    with pytest.raises(ValidationError) as info, db.Session.begin() as s:
        add_participant(s, dataclasses.replace(ANA, **change))
    assert field in info.value.errors
    assert field in str(info.value)
    assert _count(db) == 0


def test_duplicate_email_regardless_of_case(db) -> None:
    with db.Session.begin() as s:
        add_participant(s, ANA)
    with pytest.raises(ValidationError, match="already used") as info, db.Session.begin() as s:
        add_participant(s, dataclasses.replace(ANA, email="ANA.CASTANO@example.ORG"))
    assert list(info.value.errors) == ["email"]
    assert _count(db) == 1


def test_manager_resolved_in_either_order_and_outside_email_kept(db) -> None:
    with db.Session.begin() as s:
        report = add_participant(s, ParticipantData(full_name="Sam", email="sam@example.org",
                                                    manager_email="Boss@Example.org"))
        outside = add_participant(s, ParticipantData(full_name="Kim", email="kim@example.org",
                                                     manager_email="cfo@elsewhere.example"))
    with db.Session() as s:
        assert get_participant(s, report.id).manager_id is None
        assert get_participant(s, report.id).data.manager_email == "Boss@example.org"
    with db.Session.begin() as s:
        boss = add_participant(s, ParticipantData(full_name="Bo Ss", email="boss@example.org"))
    with db.Session() as s:
        assert get_participant(s, report.id).manager_id == boss.id
        assert get_participant(s, report.id).manager_name == "Bo Ss"
        kim = get_participant(s, outside.id)
        assert kim.manager_id is None and kim.data.manager_email == "cfo@elsewhere.example"


def test_manager_loop_is_refused(db) -> None:
    with db.Session.begin() as s:
        boss = add_participant(s, ParticipantData(full_name="Boss", email="boss@example.org"))
        add_participant(s, ParticipantData(full_name="Sam", email="sam@example.org",
                                           manager_email="boss@example.org"))
    with pytest.raises(ValidationError, match="reports to"), db.Session.begin() as s:
        update_participant(s, boss.id, dataclasses.replace(
            get_participant(s, boss.id).data, manager_email="sam@example.org"))


def test_edit_changes_fields_and_audits_names_not_values(db) -> None:
    with db.Session.begin() as s:
        rec = add_participant(s, ANA)
    with db.Session.begin() as s:
        new = dataclasses.replace(rec.data, department="Sales",
                                  skills=(SkillLevel("Python", 3), SkillLevel("Negotiation", 4)))
        update_participant(s, rec.id, new)
    with db.Session() as s:
        got = get_participant(s, rec.id)
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert got.data.department == "Sales"
    assert got.data.skills == (SkillLevel("Negotiation", 4), SkillLevel("Python", 3))
    assert [e.action for e in events] == ["add", "edit"]
    assert events[1].fields == "department,skills"
    assert "Sales" not in events[1].fields


def test_list_filters_and_search(db) -> None:
    with db.Session.begin() as s:
        add_participant(s, ANA)
        add_participant(s, ParticipantData(full_name="Bob Stone", email="bob@example.org",
                                           department="Sales"))
    with db.Session() as s:
        assert [r.full_name for r in list_participants(s)] == ["Ana Castaño", "Bob Stone"]
        assert [r.full_name for r in list_participants(s, ParticipantFilter(search="STONE"))] \
            == ["Bob Stone"]
        assert [r.full_name for r in list_participants(
            s, ParticipantFilter(role=ParticipantRole.BOTH))] == ["Ana Castaño"]
        assert [r.full_name for r in list_participants(
            s, ParticipantFilter(department="Sales"))] == ["Bob Stone"]


def test_withdraw_ends_open_pairings(db) -> None:
    with db.Session.begin() as s:
        mentor = add_participant(s, dataclasses.replace(ANA))
        mentee = add_participant(s, ParticipantData(full_name="Bob", email="bob@example.org"))
        s.add(Pairing(programme=Programme(name="P"), mentor_id=mentor.id,
                      status=PairingStatus.ACTIVE, start_date=date(2026, 1, 1),
                      members=[PairingMember(mentee_id=mentee.id)]))
    with db.Session.begin() as s:
        result = withdraw_participant(s, mentee.id, on=date(2026, 3, 1))
    with db.Session() as s:
        pairing = s.scalars(select(Pairing)).one()
        assert result.ended_pairings == (pairing.id,)
        assert pairing.status == PairingStatus.ENDED_EARLY
        assert pairing.end_date == date(2026, 3, 1)
        assert get_participant(s, mentee.id).status == ParticipantStatus.WITHDRAWN
        assert list_participants(s, ParticipantFilter(status=ParticipantStatus.ACTIVE))[0].id \
            == mentor.id


def test_find_by_id_or_email_and_not_found(db) -> None:
    with db.Session.begin() as s:
        rec = add_participant(s, ANA)
    with db.Session() as s:
        assert find_participant(s, str(rec.id)).id == rec.id
        assert find_participant(s, "ANA.castano@example.org").id == rec.id
        with pytest.raises(NotFoundError):
            find_participant(s, "nobody@example.org")


def test_bulk_add_resolves_managers_in_any_order_and_reads_back(db) -> None:
    from mentordesk.services.participants import add_participants

    with db.Session.begin() as s:
        add_participant(s, ParticipantData(full_name="Sam", email="sam@example.org",
                                           manager_email="lead@example.org"))
    rows = [
        ParticipantData(full_name="Kai", email="kai@example.org", manager_email="LEAD@example.org",
                        skills=(SkillLevel("Python", 4),), goals=("Leadership",),
                        languages=("English",), interests=("Chess",)),
        ParticipantData(full_name="Lee Lead", email="lead@example.org",
                        manager_email="ceo@outside.example"),
    ]
    with db.Session.begin() as s:
        result = add_participants(s, rows)
    with db.Session() as s:
        kai, lead = (get_participant(s, i) for i in result.ids)
        sam = find_participant(s, "sam@example.org")
    assert kai.manager_id == lead.id and sam.manager_id == lead.id
    assert lead.manager_id is None and lead.data.manager_email == "ceo@outside.example"
    assert kai.data.skills == (SkillLevel("Python", 4),)
    assert kai.data.goals == ("Leadership",) and kai.data.interests == ("Chess",)


def test_bulk_add_is_all_or_nothing_with_row_numbers(db) -> None:
    from mentordesk.services.participants import add_participants

    rows = [ParticipantData(full_name="A", email="a@example.org"),
            ParticipantData(full_name="B", email="A@EXAMPLE.org"),
            ParticipantData(full_name="", email="c@example.org", timezone="Nowhere/City")]
    with pytest.raises(ValidationError) as info, db.Session.begin() as s:
        add_participants(s, rows)
    assert info.value.errors.keys() == {"row 2: email", "row 3: full_name", "row 3: timezone"}
    assert "row 1" in info.value.errors["row 2: email"]
    assert _count(db) == 0


def test_bulk_add_can_be_cancelled_leaving_nothing(db) -> None:
    from mentordesk.errors import UserError
    from mentordesk.services.participants import add_participants

    rows = [ParticipantData(full_name=f"P{i}", email=f"p{i}@example.org") for i in range(2500)]
    seen = []
    with pytest.raises(UserError, match="Cancelled"), db.Session.begin() as s:
        add_participants(s, rows, progress=lambda done, total: seen.append(done),
                         cancelled=lambda: len(seen) >= 1)
    assert seen == [1000]
    assert _count(db) == 0
