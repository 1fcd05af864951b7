"""Properties of a whole pairing run on random cohorts: never a broken rule, always optimal."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mentordesk.services.pairing import Candidate, PairingSettings, Pool, compute_proposal
from mentordesk.services.scoring import Criteria, Person, score_pair, why_not

SKILLS = ["leadership", "python", "sales", "finance"]
LANGUAGES = ["english", "polish", "hindi"]
ON = date(2027, 3, 1)


@st.composite
def people(draw: st.DrawFn, first_id: int, count: int) -> list[Person]:
    result = []
    for k in range(count):
        pid = first_id + k
        result.append(Person(
            id=pid, name=f"P{pid}",
            department=draw(st.sampled_from(["Eng", "Sales", "Ops", ""])),
            level_rank=draw(st.none() | st.integers(1, 6)),
            timezone=draw(st.sampled_from(["Europe/London", "Asia/Kolkata", "UTC"])),
            languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
            skills={s: draw(st.integers(0, 5)) for s in
                    draw(st.sets(st.sampled_from(SKILLS), max_size=3))},
            goals=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True))),
            interests=frozenset(draw(st.sets(st.sampled_from(["chess", "film"]),
                                             max_size=2)))))
    return result


@st.composite
def pools(draw: st.DrawFn) -> tuple[Pool, PairingSettings]:
    n_mentors = draw(st.integers(1, 3))
    n_mentees = draw(st.integers(1, 5))
    mentors = draw(people(1, n_mentors))
    mentees = draw(people(100, n_mentees))
    # Some mentees report to a mentor (who must then never be theirs).
    mentees = [Person(**{**m.__dict__, "manager_chain": (mentors[0].id,)})
               if draw(st.booleans()) else m for m in mentees]
    forbidden = frozenset(draw(st.sets(st.tuples(
        st.sampled_from([m.id for m in mentors]), st.sampled_from([m.id for m in mentees])),
        max_size=3)))
    pool = Pool(
        programme_id=1,
        mentors=tuple(Candidate(m, f"{m.id}@x.org", draw(st.integers(1, 2)))
                      for m in mentors),
        mentees=tuple(Candidate(m, f"{m.id}@x.org") for m in mentees),
        kept=(), forbidden=forbidden, previous=frozenset(), circles=False, circle_min=1,
        circle_max=1, on=ON, total_mentors=n_mentors, total_mentees=n_mentees)
    weights = {name: draw(st.integers(0, 10)) for name in (
        "complementary_skills", "experience_gap", "cross_functional", "shared_interests",
        "timezone_overlap", "location", "diversity")}
    return pool, PairingSettings(Criteria(**weights), max_matched=draw(st.booleans()))


def _best(pool: Pool, options: PairingSettings) -> tuple[int, int]:
    """(most mentees matched, best total tenths among those) by trying every assignment."""
    n = len(pool.mentees)
    choices = []
    for c in pool.mentees:
        allowed: list[int | None] = [None]
        for j, m in enumerate(pool.mentors):
            if why_not(m.person, c.person, forbidden=pool.forbidden) is None:
                allowed.append(j)
        choices.append(allowed)
    best = (-1, -1)
    for assignment in itertools.product(*choices):
        load = [0] * len(pool.mentors)
        total = 0
        for i, j in enumerate(assignment):
            if j is not None:
                load[j] += 1
                total += score_pair(pool.mentors[j].person, pool.mentees[i].person,
                                    options.criteria, on=ON).tenths
        if any(load[j] > pool.mentors[j].capacity for j in range(len(load))):
            continue
        matched = n - assignment.count(None)
        key = (matched, total) if options.max_matched else (0, total)
        best = max(best, key)
    return best


@settings(max_examples=60, deadline=None)
@given(pools())
def test_runs_never_break_a_rule_and_equal_brute_force(case: tuple[Pool, PairingSettings]) -> None:
    pool, options = case
    proposal = compute_proposal(pool, options)
    assert proposal.certified
    mentors = {m.person.id: m for m in pool.mentors}
    mentees = {m.person.id: m for m in pool.mentees}
    load: dict[int, int] = {}
    for match in proposal.matches:
        mentor, mentee = mentors[match.mentor_id], mentees[match.mentee_id]
        assert why_not(mentor.person, mentee.person, forbidden=pool.forbidden) is None
        load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
        assert load[match.mentor_id] <= mentor.capacity
        # The explanation adds up to the score.
        assert sum(c.tenths for c in match.contributions) == match.tenths
    assert len({m.mentee_id for m in proposal.matches}) == len(proposal.matches)
    matched, total = _best(pool, options)
    ours = sum(m.tenths for m in proposal.matches)
    if options.max_matched:
        assert (len(proposal.matches), ours) == (matched, total)
    else:
        assert ours == total
    # Everyone left out is told why.
    assert {u.participant_id for u in proposal.unmatched} == \
        set(mentees) - {m.mentee_id for m in proposal.matches}
    assert all(u.reason for u in proposal.unmatched)
