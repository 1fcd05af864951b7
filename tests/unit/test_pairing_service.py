"""The pairing workflow over the database: propose, review, lock, forbid, publish, explain."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sqlalchemy import select

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import (
    Pairing,
    PairingMember,
    PairingStatus,
    ParticipantRole,
    ProgrammeFormat,
)
from mentordesk.services import pairing
from mentordesk.services.demo import load_demo
from mentordesk.services.participants import (
    ParticipantData,
    SkillLevel,
    add_participant,
    add_participants,
    withdraw_participant,
)
from mentordesk.services.privacy import erase_participant
from mentordesk.services.programmes import ProgrammeData, create_programme
from mentordesk.services.scoring import Criteria, why_not

START = date(2027, 1, 11)


def _programme(s: Any, **kw: Any) -> int:
    data = ProgrammeData(name=kw.pop("name", "Pilot"), start_date=START,
                         end_date=date(2027, 6, 30), **kw)
    return create_programme(s, data).id


def _person(s: Any, name: str, role: ParticipantRole, **kw: Any) -> int:
    email = name.lower().replace(" ", ".") + "@example.org"
    return add_participant(s, ParticipantData(full_name=name, email=email, role=role,
                                              **kw)).id


def _mentor(s: Any, name: str, **kw: Any) -> int:
    kw.setdefault("mentor_capacity", 1)
    return _person(s, name, ParticipantRole.MENTOR, **kw)


def _mentee(s: Any, name: str, **kw: Any) -> int:
    return _person(s, name, ParticipantRole.MENTEE, **kw)


def _pairs(s: Any, programme_id: int) -> dict[int, int | None]:
    """mentee id -> mentor id of the open pairings."""
    return {m.participant_id: row.mentor_id for row in pairing.list_pairings(s, programme_id)
            for m in row.members if m.participant_id is not None}


@pytest.fixture
def small(db: Any) -> dict[str, int]:
    """Sam, an engineer who wants leadership; Dana, an experienced manager; Lee, an
    engineer; Kim, Sam's own manager (a strong leader Sam must never get)."""
    with db.Session.begin() as s:
        ids = {"programme": _programme(s)}
        ids["kim"] = _mentor(s, "Kim Boss", department="Engineering", level_rank=6,
                             skills=(SkillLevel("Leadership", 5),), languages=("English",))
        ids["dana"] = _mentor(s, "Dana Manager", department="Sales", level_rank=5,
                              skills=(SkillLevel("Leadership", 5),),
                              languages=("English",))
        ids["lee"] = _mentor(s, "Lee Coder", department="Engineering", level_rank=5,
                             skills=(SkillLevel("Python", 5),), languages=("English",))
        ids["sam"] = _mentee(s, "Sam Engineer", department="Engineering", level_rank=3,
                             skills=(SkillLevel("Python", 4),), goals=("Leadership",),
                             manager_email="kim.boss@example.org", languages=("English",))
        ids["ash"] = _mentee(s, "Ash Junior", department="Engineering", level_rank=2,
                             goals=("Python",), languages=("English",))
    return ids


def test_the_engineer_who_wants_leadership_meets_the_manager_not_their_own(
        db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        result = pairing.propose_pairings(s, small["programme"])
    assert result.proposal.certified
    assert len(result.created) == 2
    with db.Session() as s:
        pairs = _pairs(s, small["programme"])
        assert pairs[small["sam"]] == small["dana"]
        assert pairs[small["ash"]] == small["lee"]
        rows = pairing.list_pairings(s, small["programme"])
        sam = next(r for r in rows if r.members[0].participant_id == small["sam"])
        lines = sam.members[0].explanation.splitlines()
        # Largest first, in words, and the points add up to the stored score.
        assert lines[0] == ("Dana Manager is level 5 in Leadership, which Sam Engineer wants "
                            "to develop: +32")
        points = sum(float(line.rsplit("+", 1)[1]) for line in lines)
        assert points == pytest.approx(sam.score)
        assert sam.status == PairingStatus.PROPOSED
        run = pairing.last_run(s, small["programme"])
        assert run is not None and run.certified and run.proposed == 2 and run.unmatched == 0


def test_demo_programme_pairs_respect_every_hard_constraint(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = load_demo(s)
        # The demo arrives with some pairs; propose for everyone else.
        result = pairing.propose_pairings(s, programme_id)
    assert result.proposal.certified
    with db.Session() as s:
        pool_people, info = pairing._people(s)
        load: Counter[int] = Counter()
        seen: set[int] = set()
        for row in pairing.list_pairings(s, programme_id):
            assert row.mentor_id is not None
            mentor = pool_people[row.mentor_id]
            for member in row.members:
                assert member.participant_id is not None
                assert member.participant_id not in seen  # one mentor per mentee
                seen.add(member.participant_id)
                mentee = pool_people[member.participant_id]
                assert why_not(mentor, mentee) is None, (mentor.name, mentee.name)
                load[row.mentor_id] += 1
        for mentor_id, count in load.items():
            assert count <= info[mentor_id]["capacity"]


def _medium(s: Any) -> int:
    """300 mentees and 150 mentors of capacity 2, with reporting lines and languages."""
    rng = random.Random(7)
    programme_id = _programme(s)
    skills = ["Leadership", "Python", "Sales", "Finance", "Design", "Data", "Coaching"]
    people = []
    for k in range(450):
        mentor = k < 150
        people.append(ParticipantData(
            full_name=f"Person {k}", email=f"p{k}@example.org",
            department=rng.choice(["Eng", "Sales", "Ops", "Finance"]),
            level_rank=rng.randint(1, 7), location=rng.choice(["London", "Pune", ""]),
            timezone=rng.choice(["Europe/London", "Asia/Kolkata", "America/New_York"]),
            languages=("English",) if k % 7 else ("Hindi",),
            skills=tuple(SkillLevel(x, rng.randint(1, 5)) for x in rng.sample(skills, 3)),
            goals=tuple(rng.sample(skills, 2)), interests=(rng.choice(["chess", "film"]),),
            manager_email=f"p{k % 150}@example.org" if not mentor and k % 5 == 0 else "",
            role=ParticipantRole.MENTOR if mentor else ParticipantRole.MENTEE,
            mentor_capacity=2 if mentor else 0))
    add_participants(s, people)
    return programme_id


@pytest.mark.parametrize("cohort", ["demo", "medium"])
def test_export_scores_lets_anyone_check_the_optimum(db: Any, tmp_path: Path,
                                                     cohort: str) -> None:
    with db.Session.begin() as s:
        if cohort == "demo":
            programme_id = load_demo(s)
            s.execute(Pairing.__table__.delete())
        else:
            programme_id = _medium(s)
    with db.Session() as s:
        pool = pairing.load_pool(s, programme_id)
        settings = pairing.get_settings(s, programme_id)
    settings = pairing.PairingSettings(settings.criteria, max_matched=False)
    out = tmp_path / "scores.csv"
    rows = pairing.export_scores(pool, settings, out)
    proposal = pairing.compute_proposal(pool, settings)
    assert proposal.certified
    with out.open(encoding="utf-8") as handle:
        data = list(csv.DictReader(handle))
    assert len(data) == rows > 0
    # Only the file: mentees x mentor places, every allowed pair's score, 0 elsewhere.
    mentees = {m: k for k, m in enumerate(sorted({r["mentee_email"] for r in data}))}
    places = {r["mentor_email"]: int(r["mentor_places"]) for r in data}
    first_slot, slots = {}, 0
    for email in sorted(places):
        first_slot[email] = slots
        slots += places[email]
    matrix = np.zeros((len(mentees), slots))
    for r in data:
        for k in range(places[r["mentor_email"]]):
            matrix[mentees[r["mentee_email"]], first_slot[r["mentor_email"]] + k] = \
                float(r["score"])
    rows_, cols = linear_sum_assignment(matrix, maximize=True)
    assert proposal.total == pytest.approx(matrix[rows_, cols].sum())


def test_locked_and_accepted_pairs_survive_reruns_with_other_weights(
        db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        # The coordinator prefers Lee for Sam and locks it; Ash then gets Dana.
        pairing.lock_pair(s, small["programme"], small["lee"], small["sam"])
        pairing.propose_pairings(s, small["programme"])
        assert _pairs(s, small["programme"])[small["sam"]] == small["lee"]
        accepted = [r.id for r in pairing.list_pairings(s, small["programme"])
                    if r.members[0].participant_id == small["ash"]]
        pairing.accept_pairings(s, accepted)
    only_location = Criteria(complementary_skills=0, experience_gap=0, cross_functional=10,
                             shared_interests=0, timezone_overlap=0, location=0,
                             diversity=0)
    for _ in range(2):
        with db.Session.begin() as s:
            pairing.propose_pairings(s, small["programme"],
                                     pairing.PairingSettings(only_location))
    with db.Session() as s:
        pairs = _pairs(s, small["programme"])
        assert pairs[small["sam"]] == small["lee"]
        assert pairs[small["ash"]] == small["dana"]
        statuses = {r.members[0].participant_id: (r.status, r.locked)
                    for r in pairing.list_pairings(s, small["programme"])}
        assert statuses[small["sam"]] == (PairingStatus.PROPOSED, True)
        assert statuses[small["ash"]] == (PairingStatus.ACCEPTED, False)
        assert pairing.get_settings(s, small["programme"]).criteria == only_location


def test_rejected_and_forbidden_pairs_never_come_back(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        sam_pairing = next(r.id for r in pairing.list_pairings(s, small["programme"])
                           if r.members[0].participant_id == small["sam"])
        pairing.reject_pairing(s, sam_pairing)
        pairing.forbid_pair(s, small["programme"], small["lee"], small["ash"])
        assert small["ash"] not in _pairs(s, small["programme"])
    for _ in range(2):
        with db.Session.begin() as s:
            result = pairing.propose_pairings(s, small["programme"])
    with db.Session() as s:
        pairs = _pairs(s, small["programme"])
        assert pairs.get(small["sam"]) != small["dana"]
        assert pairs.get(small["ash"]) != small["lee"]
        # Sam may have Lee; Ash may then have Dana: the bans, not the capacity, decide.
        assert pairs == {small["sam"]: small["lee"], small["ash"]: small["dana"]}
        assert result.proposal.certified


def test_reassign_refuses_the_own_manager_and_a_full_mentor(db: Any,
                                                             small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        pairing.accept_pairings(s, [r.id for r in pairing.list_pairings(s, small["programme"])])
    with db.Session.begin() as s, pytest.raises(UserError, match="reporting line"):
        pairing.reassign_mentee(s, small["programme"], small["sam"], small["kim"])
    with db.Session.begin() as s, pytest.raises(UserError, match="no places left"):
        pairing.reassign_mentee(s, small["programme"], small["sam"], small["lee"])
    with db.Session.begin() as s:
        # Swapping: Kim (free) takes Ash; then Sam can move to Lee.
        pairing.reassign_mentee(s, small["programme"], small["ash"], small["kim"])
        pairing.reassign_mentee(s, small["programme"], small["sam"], small["lee"])
    with db.Session() as s:
        assert _pairs(s, small["programme"]) == {small["ash"]: small["kim"],
                                                 small["sam"]: small["lee"]}
        rows = pairing.list_pairings(s, small["programme"])
        assert all(r.locked for r in rows)
        sam = next(r for r in rows if r.members[0].participant_id == small["sam"])
        assert "Lee" in sam.members[0].explanation and sam.score is not None


def test_publish_makes_pairs_active_once(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        first = pairing.publish_pairings(s, small["programme"], on=date(2026, 12, 1))
    assert len(first.published) == 2 and first.start_date == START
    with db.Session.begin() as s:
        again = pairing.publish_pairings(s, small["programme"], on=date(2026, 12, 1))
        assert again.published == ()
        rows = pairing.list_pairings(s, small["programme"])
        assert {r.status for r in rows} == {PairingStatus.ACTIVE}
        assert {r.start_date for r in rows} == {START}
        # Published pairs cannot be rejected or swapped: they must be ended.
        with pytest.raises(UserError, match="published"):
            pairing.reject_pairing(s, rows[0].id)


def test_newcomers_mid_programme_are_matched_alone(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        pairing.publish_pairings(s, small["programme"], on=date(2027, 2, 1))
        before = _pairs(s, small["programme"])
        newcomer = _mentee(s, "Noor New", department="Sales", level_rank=2,
                           goals=("Python",), languages=("English",))
    with db.Session.begin() as s:
        result = pairing.propose_pairings(s, small["programme"])
    assert result.kept == 2 and len(result.created) == 1
    with db.Session() as s:
        after = _pairs(s, small["programme"])
        assert {k: v for k, v in after.items() if k != newcomer} == before
        # Dana and Lee are full (capacity 1): Kim is the one with a place left.
        assert after[newcomer] == small["kim"]


def test_unmatched_mentees_are_told_why(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = _programme(s)
        _mentor(s, "Ola Polska", languages=("Polish", "English"))
        _mentor(s, "Ed English", languages=("English",), mentor_capacity=2)
        _mentee(s, "Jan Kowalski", languages=("Polish",), goals=("Sales",))
        _mentee(s, "Ewa Nowak", languages=("Polish",), goals=("Sales",))
        _mentee(s, "Yuki Tanaka", languages=("Japanese",))
        result = pairing.propose_pairings(s, programme_id)
    reasons = {u.name: u.reason for u in result.proposal.unmatched}
    assert len(result.created) == 1
    assert reasons["Yuki Tanaka"] == "no mentor with places left speaks Japanese"
    left_out = ({"Jan Kowalski", "Ewa Nowak"} & set(reasons)).pop()
    assert reasons[left_out] == "no mentor who speaks Polish has capacity left"
    with db.Session() as s:
        yuki = next(u for u in pairing.current_unmatched(s, programme_id)
                    if u.name == "Yuki Tanaka")
        assert yuki.reason == "no mentor with places left speaks Japanese"


def test_withdrawn_people_are_left_out(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        withdraw_participant(s, small["dana"])
        withdraw_participant(s, small["ash"])
        pairing.propose_pairings(s, small["programme"])
        pairs = _pairs(s, small["programme"])
    assert small["ash"] not in pairs and small["dana"] not in pairs.values()
    assert pairs[small["sam"]] == small["lee"]


def test_explain_person_gives_the_pairing_or_the_reason(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
        sam = pairing.explain_person(s, small["programme"], small["sam"])
        assert sam.unmatched_reason is None and sam.pairings[0].mentor_name == "Dana Manager"
        kim = pairing.explain_person(s, small["programme"], small["kim"])
        assert kim.pairings == () and "no mentee" in str(kim.unmatched_reason)


def test_settings_round_trip_and_bad_values_name_the_field(db: Any,
                                                           small: dict[str, int]) -> None:
    settings = pairing.PairingSettings(Criteria(location=7, preferred_gap=3),
                                       avoid_previous=True, max_matched=False)
    assert pairing.PairingSettings.from_json(settings.to_json()) == settings
    with pytest.raises(ValidationError) as caught:
        pairing.PairingSettings.from_json({"location": 11, "max_matched": "yes", "x": 1})
    assert set(caught.value.errors) == {"location", "max_matched", "x"}


def test_previous_partners_can_be_avoided(db: Any, small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        old = _programme(s, name="Last year")
        pairing.lock_pair(s, old, small["dana"], small["sam"])
        pairing.publish_pairings(s, old)
        pairing.propose_pairings(s, small["programme"], pairing.PairingSettings(
            avoid_previous=True))
        assert _pairs(s, small["programme"])[small["sam"]] != small["dana"]


def test_supply_and_demand_shows_the_skills_to_recruit_for(db: Any,
                                                           small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        for k in range(3):
            _mentee(s, f"Finance Fan {k}", goals=("Finance", "Leadership"))
        report = pairing.supply_and_demand(s, small["programme"])
    assert (report.mentees, report.mentors, report.places) == (5, 3, 3)
    assert report.shortfall == 2
    by_name = {x.skill: x for x in report.skills}
    assert (by_name["Finance"].wanted, by_name["Finance"].places, by_name["Finance"].gap) \
        == (3, 0, 3)
    assert (by_name["Leadership"].wanted, by_name["Leadership"].mentors) == (4, 2)
    assert report.gaps()[0].skill == "Finance"


def test_erasing_a_mentor_clears_the_explanations_naming_them(db: Any,
                                                              small: dict[str, int]) -> None:
    with db.Session.begin() as s:
        pairing.propose_pairings(s, small["programme"])
    erase_participant(db, small["dana"])
    with db.Session() as s:
        texts = list(s.scalars(select(PairingMember.explanation)))
        texts += list(s.scalars(select(Pairing.explanation)))
        assert not any("Dana" in t for t in texts)


def test_circles_are_filled_within_their_sizes(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = _programme(s, format=ProgrammeFormat.GROUP, circle_min_size=2,
                                  circle_max_size=3)
        leaders = [_mentor(s, f"Leader {k}", level_rank=6, department=f"D{k}",
                           skills=(SkillLevel("Leadership", 5 - k),)) for k in range(3)]
        members = [_mentee(s, f"Member {k}", level_rank=2, department="Ops",
                           goals=("Leadership",)) for k in range(7)]
        result = pairing.propose_pairings(s, programme_id)
    assert result.proposal.certified and not result.proposal.unmatched
    with db.Session() as s:
        rows = pairing.list_pairings(s, programme_id)
        sizes = sorted(len(r.members) for r in rows)
        assert sum(sizes) == len(members) and all(2 <= n <= 3 for n in sizes)
        assert {r.mentor_id for r in rows} <= set(leaders)
        assert all(r.circle_name.startswith("Circle of Leader") for r in rows)
        for row in rows:
            for member in row.members:
                assert member.explanation and member.score is not None


def test_circle_newcomers_join_a_kept_circle_with_room(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = _programme(s, format=ProgrammeFormat.GROUP, circle_min_size=2,
                                  circle_max_size=4)
        leader = _mentor(s, "Lead One", level_rank=6, skills=(SkillLevel("Leadership", 5),))
        for k in range(3):
            _mentee(s, f"Early {k}", level_rank=2, goals=("Leadership",))
        pairing.propose_pairings(s, programme_id)
        pairing.publish_pairings(s, programme_id)
        late = _mentee(s, "Late Comer", level_rank=2, goals=("Leadership",))
        result = pairing.propose_pairings(s, programme_id)
    assert result.created == () and result.proposal.certified
    with db.Session() as s:
        [circle] = pairing.list_pairings(s, programme_id)
        assert circle.mentor_id == leader and len(circle.members) == 4
        assert late in {m.participant_id for m in circle.members}
        assert circle.status == PairingStatus.ACTIVE


def test_fewer_circles_open_when_mentees_cannot_fill_them_all(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = _programme(s, format=ProgrammeFormat.GROUP, circle_min_size=3,
                                  circle_max_size=5)
        for k in range(4):
            _mentor(s, f"Leader {k}", level_rank=6, skills=(SkillLevel("Sales", k + 1),))
        for k in range(7):
            _mentee(s, f"Member {k}", level_rank=1, goals=("Sales",))
        result = pairing.propose_pairings(s, programme_id)
    # 7 mentees fill at most two circles of 3-5: the two strongest in Sales lead them.
    assert len(result.created) == 2 and not result.proposal.unmatched
    assert any("2 of 4 possible circle leaders lead no circle" in n
               for n in result.proposal.notes)
    with db.Session() as s:
        leaders = {r.mentor_name for r in pairing.list_pairings(s, programme_id)}
    assert leaders == {"Leader 2", "Leader 3"}


def test_circles_that_cannot_be_filled_are_a_clear_error(db: Any) -> None:
    with db.Session.begin() as s:
        programme_id = _programme(s, format=ProgrammeFormat.GROUP, circle_min_size=3,
                                  circle_max_size=5)
        boss = _mentor(s, "Only Leader", level_rank=6)
        for k in range(3):
            # Two of them report to the only leader: the circle cannot reach 3.
            _mentee(s, f"Member {k}", level_rank=1,
                    manager_email="only.leader@example.org" if k else "")
    with db.Session.begin() as s:
        result = pairing.propose_pairings(s, programme_id)
    assert result.created == ()
    reasons = {u.name: u.reason for u in result.proposal.unmatched}
    assert len(reasons) == 3 and boss
    assert "reporting line" in reasons["Member 1"]
    assert reasons["Member 0"] == ("none of the circles they could join opened: too few "
                                   "mentees may join them to reach the minimum of 3")
    assert result.proposal.notes == ("No circle could be opened: too few mentees may join "
                                     "any leader's circle to reach the minimum of 3.",)
