"""Scoring a mentor for a mentee: criteria, hard constraints, explanations, score_all."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentordesk.errors import ValidationError
from mentordesk.models import ParticipantStatus
from mentordesk.services import scoring
from mentordesk.services.participants import ParticipantData, ParticipantRecord, SkillLevel
from mentordesk.services.scoring import (
    CRITERIA,
    DESCRIPTIONS,
    Criteria,
    Person,
    ScoreTable,
    explain,
    manager_chains,
    overlap_minutes,
    person_from_record,
    score_all,
    score_pair,
    shares,
    why_not,
)

JANUARY = date(2025, 1, 15)
# The US moved its clocks on 9 March 2025, the UK only on 30 March.
GAP_WEEK = date(2025, 3, 17)
JULY = date(2025, 7, 15)


def person(pid: int, name: str, **kw: object) -> Person:
    defaults: dict[str, object] = {"languages": frozenset({"english"}), "timezone": "UTC"}
    defaults.update(kw)
    return Person(id=pid, name=name, **defaults)  # type: ignore[arg-type]


SAM = person(1, "Sam", department="Engineering", level_rank=3, location="London",
             timezone="Europe/London",
             skills={"python": 5, "system design": 4}, goals=("leadership", "negotiation"),
             interests=frozenset({"chess", "running"}), manager_chain=(10, 20))
DANA = person(2, "Dana", department="Sales", level_rank=5, location="London",
              timezone="Europe/London", skills={"leadership": 5, "negotiation": 4},
              interests=frozenset({"chess"}))
LEE = person(3, "Lee", department="Engineering", level_rank=5, location="London",
             timezone="Europe/London", skills={"python": 5, "system design": 5},
             interests=frozenset({"chess"}))


# --------------------------------------------------------------------------- criteria


def test_every_criterion_has_a_description_and_a_default_weight() -> None:
    criteria = Criteria()
    assert set(DESCRIPTIONS) == set(CRITERIA) == set(criteria.weights())
    assert all(DESCRIPTIONS[name].strip() for name in CRITERIA)
    assert all(0 < w <= 10 for w in criteria.weights().values())


@pytest.mark.parametrize("field", [*CRITERIA])
def test_weight_out_of_range_names_the_field(field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Criteria(**{field: 11})
    assert set(info.value.errors) == {field}
    with pytest.raises(ValidationError) as info:
        Criteria(**{field: -1})
    assert field in info.value.errors
    Criteria(**{field: 0})
    Criteria(**{field: 10})


def test_bad_preferred_gap_and_non_numbers_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Criteria(preferred_gap=0, location="high")  # type: ignore[arg-type]
    assert set(info.value.errors) == {"preferred_gap", "location"}


def test_shares_add_up_to_100_points_in_proportion_to_weights() -> None:
    assert sum(shares(Criteria()).values()) == 1000
    only_two = Criteria(complementary_skills=3, experience_gap=1, cross_functional=0,
                        shared_interests=0, timezone_overlap=0, location=0, diversity=0)
    assert shares(only_two)["complementary_skills"] == 750
    assert shares(only_two)["experience_gap"] == 250
    thirds = Criteria(complementary_skills=1, experience_gap=1, cross_functional=1,
                      shared_interests=0, timezone_overlap=0, location=0, diversity=0)
    assert sorted(shares(thirds).values(), reverse=True)[:3] == [334, 333, 333]


# --------------------------------------------------------------------------- realistic pairs


def test_engineer_who_wants_leadership_scores_highest_with_the_experienced_manager() -> None:
    criteria = Criteria()
    with_dana = score_pair(DANA, SAM, criteria, on=JANUARY)
    with_lee = score_pair(LEE, SAM, criteria, on=JANUARY)
    assert with_dana.total > with_lee.total
    top = explain(with_dana)
    assert top[0].criterion == "complementary_skills"
    assert top[0].text.startswith("Dana is level 5 in leadership and level 4 in negotiation")
    assert top[0].text.endswith(f": +{top[0].points:g}")
    cross = next(c for c in with_dana.contributions if c.criterion == "cross_functional")
    assert cross.text == f"Sales and Engineering: cross-functional, +{cross.points:g}"
    assert cross.tenths == shares(criteria)["cross_functional"]
    # Lee has none of Sam's goals: no points there, and it says so.
    lee_skills = next(c for c in with_lee.contributions if c.criterion == "complementary_skills")
    assert lee_skills.tenths == 0
    assert "none of the skills Sam wants to develop" in lee_skills.text


def test_labels_from_the_record_are_used_in_explanations() -> None:
    record = ParticipantRecord(
        id=7, data=ParticipantData(full_name="Sam Smith", email="sam@example.org",
                                   preferred_name="Sam", goals=("Leadership",),
                                   languages=("English",)),
        status=ParticipantStatus.ACTIVE, manager_id=None, manager_name="",
        withdrawn_at=None, created_at=date(2025, 1, 1))  # type: ignore[arg-type]
    sam = person_from_record(record)
    score = score_pair(DANA, sam, Criteria(), on=JANUARY)
    assert explain(score, top=1)[0].text.startswith(
        "Dana is level 5 in Leadership, which Sam wants to develop: +")


def test_person_from_record_casefolds_and_keeps_goal_order() -> None:
    record = ParticipantRecord(
        id=5, data=ParticipantData(
            full_name="Ana Nowak", email="ana@example.org", department="Finance", level_rank=4,
            location="Warsaw", timezone="Europe/Warsaw", languages=("Polish", "English"),
            skills=(SkillLevel("Budgeting", 5),), goals=("Public speaking", "Coaching"),
            interests=("Chess",), manager_email="boss@example.org"),
        status=ParticipantStatus.ACTIVE, manager_id=9, manager_name="Boss",
        withdrawn_at=None, created_at=date(2025, 1, 1))  # type: ignore[arg-type]
    ana = person_from_record(record)
    assert ana.languages == {"polish", "english"}
    assert ana.skills == {"budgeting": 5}
    assert ana.goals == ("public speaking", "coaching")
    assert ana.interests == {"chess"}
    assert ana.manager_chain == (9,)
    assert ana.manager_email == "boss@example.org"
    assert person_from_record(record, (9, 4, 1)).manager_chain == (9, 4, 1)


def test_manager_chains_follow_the_reporting_line_and_stop_at_loops() -> None:
    chains = manager_chains({1: 2, 2: 3, 3: None, 4: 5, 5: 4})
    assert chains[1] == (2, 3)
    assert chains[3] == ()
    assert chains[4] == (5,)


# --------------------------------------------------------------------------- hard constraints


def test_a_manager_is_never_paired_with_their_report_or_anyone_below() -> None:
    boss = person(20, "Boss")
    manager = person(10, "Manager", manager_chain=(20,))
    assert "reporting line" in (why_not(manager, SAM) or "")
    assert "reporting line" in (why_not(boss, SAM) or "")
    # Nor the reverse: Sam may not mentor their own manager or anyone above.
    assert "reporting line" in (why_not(SAM, manager) or "")
    assert "reporting line" in (why_not(SAM, boss) or "")
    assert why_not(DANA, SAM) is None
    table = score_all([boss, manager, DANA], [SAM, manager], Criteria(), on=JANUARY)
    pairs = {(table.mentor_index[k], table.mentee_index[k]) for k in range(len(table))}
    # Dana may mentor both; the boss only nobody (Sam and Manager are both below them).
    assert pairs == {(2, 0), (2, 1)}


def test_no_shared_language_excluded_unknown_language_allowed() -> None:
    polish = person(30, "Ola", languages=frozenset({"polish"}))
    unknown = person(31, "Kim", languages=frozenset())
    assert "no language in common" in (why_not(polish, SAM) or "")
    assert why_not(unknown, SAM) is None
    table = score_all([polish, unknown, DANA], [SAM], Criteria(), on=JANUARY)
    assert sorted(table.mentor_index) == [1, 2]


def test_same_person_forbidden_and_previous_partners() -> None:
    assert why_not(SAM, SAM) is not None
    assert "forbade" in (why_not(DANA, SAM, forbidden=frozenset({(2, 1)})) or "")
    assert why_not(DANA, SAM, forbidden=frozenset({(1, 2)})) is None
    previous = frozenset({(1, 2)})
    assert why_not(DANA, SAM, previous_partners=previous) is None
    assert "partners before" in (why_not(DANA, SAM, previous_partners=previous,
                                         avoid_previous=True) or "")
    table = score_all([DANA, LEE], [SAM], Criteria(), previous_partners=previous,
                      avoid_previous=True, forbidden=frozenset({(3, 1)}), on=JANUARY)
    assert len(table) == 0
    table = score_all([DANA, LEE, SAM], [SAM], Criteria(), on=JANUARY)
    assert list(table.mentor_index) == [0, 1]


# --------------------------------------------------------------------------- weights


def test_weights_change_the_ranking_as_expected() -> None:
    # Dana (in Kraków) has Sam's goals; Lee is in Sam's office and team.
    dana = dataclasses.replace(DANA, location="Kraków")
    skills_first = Criteria(complementary_skills=10, experience_gap=0, cross_functional=0,
                            shared_interests=0, timezone_overlap=0, location=0, diversity=0)
    # Level 5 in the first goal (weight 3), 4 in the second (weight 2): 23 of 25.
    assert score_pair(dana, SAM, skills_first).total == 92
    assert score_pair(LEE, SAM, skills_first).total == 0
    office_first = Criteria(complementary_skills=1, experience_gap=0, cross_functional=0,
                            shared_interests=0, timezone_overlap=0, location=10, diversity=0)
    assert score_pair(LEE, SAM, office_first).total > score_pair(dana, SAM, office_first).total
    balanced = Criteria()
    assert score_pair(dana, SAM, balanced).total > score_pair(LEE, SAM, balanced).total
    same_team = person(4, "Jo", department="Engineering", level_rank=3, location="London",
                       timezone="Europe/London", skills={"python": 5})
    diverse = Criteria(complementary_skills=0, experience_gap=0, cross_functional=0,
                       shared_interests=0, timezone_overlap=0, location=0, diversity=10)
    # Different department and level, no skill in common: full diversity credit.
    assert score_pair(DANA, SAM, diverse).total == 100
    assert score_pair(same_team, SAM, diverse).total < 50


def test_all_weights_zero_gives_zero() -> None:
    zero = Criteria(**dict.fromkeys(CRITERIA, 0))
    score = score_pair(DANA, SAM, zero, on=JANUARY)
    assert score.total == 0 and score.contributions == ()
    assert list(score_all([DANA], [SAM], zero, on=JANUARY).tenths) == [0]


def test_experience_gap_prefers_the_preferred_gap() -> None:
    only_gap = Criteria(complementary_skills=0, experience_gap=10, cross_functional=0,
                        shared_interests=0, timezone_overlap=0, location=0, diversity=0,
                        preferred_gap=2)
    totals = [score_pair(dataclasses.replace(DANA, level_rank=3 + ahead), SAM, only_gap).total
              for ahead in range(-1, 6)]
    behind, same, one, two, three, four, five = totals
    assert behind == same == 0
    assert two == 100
    assert one == three and 0 < one < two
    assert 0 < four < three
    assert five == 0


# --------------------------------------------------------------------------- time zones


def test_overlap_london_new_york_follows_daylight_saving() -> None:
    assert overlap_minutes("Europe/London", "America/New_York", JANUARY) == 3 * 60
    assert overlap_minutes("Europe/London", "America/New_York", GAP_WEEK) == 4 * 60
    assert overlap_minutes("Europe/London", "America/New_York", JULY) == 3 * 60
    assert overlap_minutes("Europe/London", "Europe/London", JANUARY) == 8 * 60
    # Across midnight: Tokyo's morning is the previous afternoon in Los Angeles.
    assert overlap_minutes("Asia/Tokyo", "America/Los_Angeles", JANUARY) == 1 * 60
    assert overlap_minutes("Asia/Kolkata", "Europe/London", JANUARY) == 150
    assert overlap_minutes("Nowhere/Atlantis", "UTC", JANUARY) is None


def test_timezone_contribution_in_words() -> None:
    only_tz = Criteria(complementary_skills=0, experience_gap=0, cross_functional=0,
                       shared_interests=0, timezone_overlap=10, location=0, diversity=0)
    ny = dataclasses.replace(DANA, timezone="America/New_York")
    gap = score_pair(ny, SAM, only_tz, on=GAP_WEEK)
    assert gap.total == 50
    assert gap.contributions[0].text == (
        "4 working hours overlap (America/New_York and Europe/London): +50")
    assert score_pair(ny, SAM, only_tz, on=JANUARY).total == 37.5


# --------------------------------------------------------------------------- properties

names = st.sampled_from(["python", "leadership", "budgeting", "coaching", "sales"])
people = st.builds(
    Person,
    id=st.integers(1, 40),
    name=st.sampled_from(["Ana", "Ben", "Chi"]),
    department=st.sampled_from(["", "Sales", "Engineering", "sales"]),
    level_rank=st.none() | st.integers(0, 20),
    location=st.sampled_from(["", "London", "Warsaw"]),
    timezone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Asia/Kolkata",
                              "Asia/Kathmandu", "Bad/Zone"]),
    languages=st.frozensets(st.sampled_from(["english", "polish"])),
    skills=st.dictionaries(names, st.integers(0, 5)),
    goals=st.lists(names, max_size=4).map(tuple),
    interests=st.frozensets(st.sampled_from(["chess", "film", "running"])),
    manager_chain=st.lists(st.integers(1, 40), max_size=3).map(tuple),
)
weights = st.builds(Criteria, **{name: st.integers(0, 10) | st.floats(0, 10)
                                 for name in CRITERIA},
                    preferred_gap=st.integers(1, 10))
days = st.dates(date(2024, 1, 1), date(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(people, people, weights, days)
def test_contributions_add_up_to_the_total_between_0_and_100(
        mentor: Person, mentee: Person, criteria: Criteria, on: date) -> None:
    score = score_pair(mentor, mentee, criteria, on=on)
    assert score.tenths == sum(c.tenths for c in score.contributions)
    assert score.total == round(sum(c.points for c in score.contributions), 1)
    assert all(c.points == round(c.points, 1) >= 0 for c in score.contributions)
    assert 0 <= score.total <= 100
    assert all(c.text.endswith(f"+{c.points:g}") for c in score.contributions)
    assert list(explain(score, top=2)) == sorted(
        explain(score, top=2), key=lambda c: -c.tenths)


@settings(max_examples=100, deadline=None)
@given(st.lists(people, min_size=1, max_size=6), st.lists(people, min_size=1, max_size=6),
       weights, days, st.booleans())
def test_score_all_matches_score_pair_and_why_not(
        mentors: list[Person], mentees: list[Person], criteria: Criteria, on: date,
        avoid: bool) -> None:
    forbidden = frozenset({(mentors[0].id, mentees[-1].id)})
    previous = frozenset({(mentees[0].id, mentors[-1].id)})
    table = score_all(mentors, mentees, criteria, forbidden=forbidden,
                      previous_partners=previous, avoid_previous=avoid, on=on)
    got = {(table.mentor_index[k], table.mentee_index[k]): table.tenths[k]
           for k in range(len(table))}
    expected = {}
    for i, mentee in enumerate(mentees):
        for j, mentor in enumerate(mentors):
            if why_not(mentor, mentee, forbidden=forbidden, previous_partners=previous,
                       avoid_previous=avoid) is None:
                expected[j, i] = score_pair(mentor, mentee, criteria, on=on).tenths
    assert got == expected
    assert len(got) == len(table)


def test_score_all_on_a_larger_random_cohort_matches_score_pair() -> None:
    rng = random.Random(4)
    skills = [f"skill {n}" for n in range(20)]
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Warsaw"]

    def make(pid: int) -> Person:
        mine = rng.sample(skills, 4)
        return Person(
            id=pid, name=f"P{pid}", department=rng.choice(["A", "B", "C"]),
            level_rank=rng.randint(1, 6), location=rng.choice(["X", "Y"]),
            timezone=rng.choice(zones),
            languages=frozenset(rng.sample(["english", "polish", "german"], 1)),
            skills={s: rng.randint(0, 5) for s in mine},
            goals=tuple(rng.sample(skills, 3)),
            interests=frozenset(rng.sample(["chess", "film", "running", "yoga"], 2)),
            manager_chain=(pid // 10,) if pid >= 10 else ())

    mentors = [make(n) for n in range(60)]
    mentees = [make(n) for n in range(40, 120)]
    progress: list[tuple[int, int]] = []
    table = score_all(mentors, mentees, Criteria(), on=JANUARY,
                      progress=lambda done, total: progress.append((done, total)))
    assert progress[-1] == (80, 80)
    feasible = [(j, i) for i, me in enumerate(mentees) for j, mo in enumerate(mentors)
                if why_not(mo, me) is None]
    assert len(table) == len(feasible) > 0
    for k in range(0, len(table), 7):
        mentor, mentee = mentors[table.mentor_index[k]], mentees[table.mentee_index[k]]
        assert table.total(k) == score_pair(mentor, mentee, Criteria(), on=JANUARY).total


def test_score_all_can_be_cancelled() -> None:
    from mentordesk.errors import UserError

    with pytest.raises(UserError, match="Cancelled"):
        score_all([DANA], [SAM], Criteria(), cancelled=lambda: True)


# --------------------------------------------------------------------------- score_all in depth

ids = st.integers(1, 12)
# Skills only mentors have, only mentees have and both have; ids that collide, so people
# mentor themselves, their managers and their reports.
many_names = st.sampled_from([f"skill {n}" for n in range(8)])
cohort_people = st.builds(
    Person,
    id=ids,
    name=st.sampled_from(["Ana", "Ben"]),
    department=st.sampled_from(["", " Sales", "sales", "Engineering", "People"]),
    level_rank=st.none() | st.integers(0, 20),
    location=st.sampled_from(["", "London", "london ", "Warsaw"]),
    timezone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Asia/Kolkata",
                              "Asia/Kathmandu", "Pacific/Auckland", "Bad/Zone"]),
    languages=st.frozensets(st.sampled_from(["english", "polish", "german"])),
    skills=st.dictionaries(many_names, st.integers(0, 5), max_size=6),
    goals=st.lists(many_names, max_size=5).map(tuple),
    interests=st.frozensets(st.sampled_from(["chess", "film", "running", "yoga", "music"])),
    manager_chain=st.lists(ids, max_size=3).map(tuple),
)
id_pairs = st.frozensets(st.tuples(ids, ids), max_size=8)


def brute_force(mentors: list[Person], mentees: list[Person], criteria: Criteria, on: date,
                **rules: object) -> list[tuple[int, int, int]]:
    """(mentee, mentor, tenths) of every feasible pair, mentee by mentee: the reference."""
    return [(i, j, score_pair(mentor, mentee, criteria, on=on).tenths)
            for i, mentee in enumerate(mentees) for j, mentor in enumerate(mentors)
            if why_not(mentor, mentee, **rules) is None]  # type: ignore[arg-type]


def rows(table: ScoreTable) -> list[tuple[int, int, int]]:
    return list(zip(table.mentee_index.tolist(), table.mentor_index.tolist(),
                    table.tenths.tolist(), strict=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(cohort_people, min_size=1, max_size=8),
       st.lists(cohort_people, min_size=1, max_size=8),
       weights, days, id_pairs, id_pairs, st.booleans())
def test_score_all_is_score_pair_and_why_not_in_mentee_order(
        mentors: list[Person], mentees: list[Person], criteria: Criteria, on: date,
        forbidden: frozenset[tuple[int, int]], previous: frozenset[tuple[int, int]],
        avoid: bool) -> None:
    rules = {"forbidden": forbidden, "previous_partners": previous, "avoid_previous": avoid}
    table = score_all(mentors, mentees, criteria, on=on, **rules)  # type: ignore[arg-type]
    assert rows(table) == brute_force(mentors, mentees, criteria, on, **rules)
    assert table.mentor_index.dtype == np.int32
    assert table.mentee_index.dtype == np.int32
    assert table.tenths.dtype == np.int16


@settings(max_examples=60, deadline=None)
@given(st.lists(cohort_people, min_size=1, max_size=6),
       st.lists(cohort_people, min_size=1, max_size=9), weights, st.integers(1, 20))
def test_score_all_in_small_chunks_int32_and_parts_apart_gives_the_same_table(
        mentors: list[Person], mentees: list[Person], criteria: Criteria,
        chunk: int) -> None:
    expected = brute_force(mentors, mentees, criteria, JANUARY)
    seen: list[tuple[int, int]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "_CHUNK_PAIRS", chunk)
        table = score_all(mentors, mentees, criteria, on=JANUARY,
                          progress=lambda done, total: seen.append((done, total)))
        assert rows(table) == expected
        # int32 codes, and each part of department, level and place looked up apart.
        patch.setattr(scoring, "_SHORT_CODES", 0)
        patch.setattr(scoring, "_KIND_CELLS", 0)
        assert rows(score_all(mentors, mentees, criteria, on=JANUARY)) == expected
    rows_per_chunk = max(1, chunk // len(mentors))
    assert [done for done, _ in seen] == [
        min(stop, len(mentees)) for stop in range(rows_per_chunk, len(mentees)
                                                  + rows_per_chunk, rows_per_chunk)]
    assert {total for _, total in seen} == {len(mentees)}


def test_cancelling_between_chunks_stops_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    from mentordesk.errors import UserError

    monkeypatch.setattr(scoring, "_CHUNK_PAIRS", 1)
    seen: list[int] = []
    with pytest.raises(UserError, match="Cancelled"):
        score_all([DANA], [SAM, LEE, SAM], Criteria(), on=JANUARY,
                  progress=lambda done, total: seen.append(done),
                  cancelled=lambda: len(seen) == 2)
    assert seen == [1, 2]


def test_skill_levels_outside_0_to_5_are_scored_as_score_pair_does() -> None:
    odd = [dataclasses.replace(DANA, skills={"leadership": 9, "negotiation": -2}),
           dataclasses.replace(LEE, skills={"leadership": -1, "python": 7})]
    mentees = [SAM, dataclasses.replace(SAM, id=9, goals=("leadership",))]
    for criteria in (Criteria(), Criteria(complementary_skills=10, **dict.fromkeys(
            CRITERIA[1:], 0))):
        table = score_all(odd, mentees, criteria, on=JANUARY)
        assert rows(table) == brute_force(odd, mentees, criteria, JANUARY)
    # Level 9 in the only goal: 9/5 of the points.
    assert table.tenths.tolist()[2] == 1800
    with pytest.raises(ValueError, match="skill levels"):
        score_all([dataclasses.replace(DANA, skills={"leadership": 10_000})], [SAM],
                  Criteria(), on=JANUARY)


def test_score_all_with_nobody_gives_empty_arrays() -> None:
    for mentors, mentees in (([], [SAM]), ([DANA], []), ([], [])):
        table = score_all(mentors, mentees, Criteria(), on=JANUARY)
        assert len(table) == 0
        assert table.mentor_index.dtype == np.int32 and table.tenths.dtype == np.int16


def test_every_pair_refused_gives_an_empty_table() -> None:
    polish = [person(40 + n, "Ola", languages=frozenset({"polish"})) for n in range(3)]
    table = score_all(polish, [SAM, LEE], Criteria(), on=JANUARY)
    assert len(table) == 0


def test_many_departments_and_levels_are_looked_up_part_by_part() -> None:
    # 1,200 kinds of department and level: too many for one table of kinds x kinds.
    rng = random.Random(5)
    cohort = [person(n, f"P{n}", department=f"Team {n % 600} ", level_rank=n % 2,
                     location=rng.choice(["London", "london", "", "Warsaw"]),
                     timezone=rng.choice(["UTC", "Asia/Kolkata"]),
                     skills={"python": rng.randint(0, 5)}, goals=("python",))
              for n in range(1, 1_201)]
    mentors, mentees = cohort[::40], cohort
    table = score_all(mentors, mentees, Criteria(), on=JANUARY)
    assert rows(table) == brute_force(mentors, mentees, Criteria(), JANUARY)
