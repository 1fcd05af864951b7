"""KPIs computed from a small programme built by hand: every figure checked against a count
done by hand (in the comments), the confidentiality rule, KPI statuses, snapshots and the
drill-down."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from mentordesk.errors import NotFoundError, UserError
from mentordesk.models import (
    Checkin,
    CheckinOutcome,
    DevelopmentGoal,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    Kpi,
    KpiDirection,
    KpiMeasurement,
    MetricSnapshot,
    Pairing,
    PairingMember,
    PairingStatus,
    ParticipantRole,
    QuestionKind,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.services import kpis, outcomes
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import KpiData, ProgrammeData, create_programme

TODAY = date(2027, 3, 15)
START, END = date(2027, 1, 11), date(2027, 6, 30)
LONDON, NEW_YORK, KOLKATA = "Europe/London", "America/New_York", "Asia/Kolkata"

# The people: four mentors, four mentees, Hal (mentor and mentee) and Dan (withdrawn).
PEOPLE = {
    "dana": ParticipantRole.MENTOR, "eli": ParticipantRole.MENTOR,
    "fay": ParticipantRole.MENTOR, "gus": ParticipantRole.MENTOR,
    "ann": ParticipantRole.MENTEE, "ben": ParticipantRole.MENTEE,
    "cat": ParticipantRole.MENTEE, "eve": ParticipantRole.MENTEE,
    "hal": ParticipantRole.BOTH, "dan": ParticipantRole.MENTEE,
}
GOALS = {"ann": ("Python", "Leadership"), "ben": ("Negotiation",), "cat": ("Budgeting",),
         "hal": ("Coaching",), "eve": ("Python",)}

# HR outcomes: participants first, then Eve (her pair is only proposed: an "other"), then
# four people outside the programme.
OUTCOMES_CSV = """\
Work Email;Hire Date;Termination Date;Last Promotion Date;Department
dana@example.org;01/01/2015;;;Sales
ann@example.org;01/05/2020;28/02/2027;;Sales
eli@example.org;2018-03-01;;01/02/2027;Finance
ben@example.org;01/12/2026;;;Finance
fay@example.org;01/02/2027;;;Legal
cat@example.org;01/09/2019;;01/06/2026;Legal
eve@example.org;01/06/2021;;;Sales
x1@example.org;01/01/2010;01/03/2027;;Sales
x2@example.org;01/01/2012;;10/03/2027;Sales
x3@example.org;01/01/2011;31/12/2026;;Sales
x4@example.org;01/03/2027;;;Sales
"""


def _utc(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute,
                    tzinfo=ZoneInfo(zone)).astimezone(UTC)


def build_programme(session: Any, folder: Path) -> dict[str, int]:
    """The fixed programme; returns the ids by name (people, pairs ``p1``-``p5``,
    ``programme``)."""
    ids: dict[str, int] = {}
    ids["programme"] = create_programme(session, ProgrammeData(
        name="Spring", start_date=START, end_date=END, kpis=(
            KpiData("Mentees matched", 90, "%", 50),
            KpiData("Check-ins held", 80, "%", 50),
            KpiData("Inactive pairs", 1, "pairs", direction=KpiDirection.DECREASE),
            KpiData("Recommendation", 22, ""),
            KpiData("Satisfaction", 4, "out of 5"),
            KpiData("Managers engaged", 50, "%")))).id
    for name, role in PEOPLE.items():
        ids[name] = add_participant(session, ParticipantData(
            full_name=f"{name.title()} Person", email=f"{name}@example.org", role=role,
            goals=GOALS.get(name, ()), department="Sales")).id
    from mentordesk.services.participants import withdraw_participant

    withdraw_participant(session, ids["dan"], on=START)
    pairs = {"p1": ("dana", "ann", PairingStatus.ACTIVE),
             "p2": ("eli", "ben", PairingStatus.ACTIVE),
             "p3": ("fay", "cat", PairingStatus.PAUSED),
             "p4": ("gus", "hal", PairingStatus.COMPLETED),
             "p5": ("gus", "eve", PairingStatus.PROPOSED)}
    for key, (mentor, mentee, status) in pairs.items():
        pairing = Pairing(programme_id=ids["programme"], mentor_id=ids[mentor], status=status,
                          start_date=START if status != PairingStatus.PROPOSED else None,
                          members=[PairingMember(mentee_id=ids[mentee])])
        session.add(pairing)
        session.flush()
        ids[key] = pairing.id
    meetings = [
        # Dana & Ann, London: Jan held x2; Feb missed, held; Mar cancelled; later to come.
        ("p1", date(2027, 1, 12), 10, LONDON, CheckinOutcome.HELD),
        ("p1", date(2027, 1, 26), 10, LONDON, CheckinOutcome.HELD),
        ("p1", date(2027, 2, 9), 10, LONDON, CheckinOutcome.MISSED),
        ("p1", date(2027, 2, 23), 10, LONDON, CheckinOutcome.HELD),
        ("p1", date(2027, 3, 9), 10, LONDON, CheckinOutcome.CANCELLED),
        ("p1", date(2027, 3, 23), 10, LONDON, CheckinOutcome.SCHEDULED),
        # Eli & Ben, New York at 20:00: 31 Jan is 1 Feb in UTC but January for them; 15
        # Mar (today, 16 Mar in UTC) is due.
        ("p2", date(2027, 1, 31), 20, NEW_YORK, CheckinOutcome.HELD),
        ("p2", date(2027, 2, 14), 20, NEW_YORK, CheckinOutcome.SCHEDULED),
        ("p2", date(2027, 2, 28), 20, NEW_YORK, CheckinOutcome.MISSED),
        ("p2", date(2027, 3, 15), 20, NEW_YORK, CheckinOutcome.SCHEDULED),
        # Fay & Cat, Kolkata: 1 Jan 00:30 is still 31 Dec in UTC.
        ("p3", date(2027, 1, 1), 0, KOLKATA, CheckinOutcome.HELD),
        ("p3", date(2027, 2, 10), 9, KOLKATA, CheckinOutcome.HELD),
    ]
    for key, day, hour, zone, outcome in meetings:
        session.add(Checkin(pairing_id=ids[key], scheduled_start=_utc(day, hour, 30, zone),
                            timezone=zone, outcome=outcome))
    # Satisfaction: four confidential responses in February (2, 4, 5, 5 out of 5).
    pulse = FeedbackForm(programme_id=ids["programme"], title="Pulse", questions=[
        FeedbackQuestion(position=1, text="How satisfied are you?", kind=QuestionKind.RATING,
                         scale_max=5, measure="satisfaction")])
    # Recommendation: ten open answers in January.
    survey = FeedbackForm(programme_id=ids["programme"], title="Survey", questions=[
        FeedbackQuestion(position=1, text="Would you recommend it?", kind=QuestionKind.SCORE,
                         measure="recommendation"),
        FeedbackQuestion(position=2, text="Satisfied, out of 10?", kind=QuestionKind.RATING,
                         scale_max=10, measure="satisfaction"),
        FeedbackQuestion(position=3, text="Satisfied with the booklet?",
                         kind=QuestionKind.RATING, scale_max=5)])
    session.add_all([pulse, survey])
    session.flush()
    for k, rating in enumerate((2, 4, 5, 5)):
        session.add(FeedbackResponse(
            form_id=pulse.id, confidential=True, participant_id=ids[("ann", "ben", "cat",
                                                                     "hal")[k]],
            submitted_at=datetime(2027, 2, 3 + k, 12, tzinfo=UTC),
            answers=[FeedbackAnswer(question_id=pulse.questions[0].id, value_number=rating)]))
    respondents = ["dana", "eli", "fay", "gus", "ann", None, None, None, None, None]
    for who, score in zip(respondents, (10, 9, 9, 8, 7, 10, 6, 3, 9, 5), strict=True):
        session.add(FeedbackResponse(
            form_id=survey.id, participant_id=ids[who] if who else None,
            submitted_at=datetime(2027, 1, 20, 9, tzinfo=UTC), answers=[
                FeedbackAnswer(question_id=survey.questions[0].id, value_number=score),
                FeedbackAnswer(question_id=survey.questions[2].id, value_number=1)]))
    # Goals: Ann reached Python, Ben Negotiation; Hal's Coaching is after today.
    kpis.mark_goal_reached(session, ids["ann"], "python", date(2027, 2, 20))
    kpis.mark_goal_reached(session, ids["ben"], "Negotiation", date(2027, 3, 1))
    kpis.mark_goal_reached(session, ids["hal"], "Coaching", date(2027, 3, 20))
    kpis.mark_goal_reached(session, ids["eve"], "Python", date(2027, 2, 1))  # not paired
    # Training: two sessions delivered, one to come.
    for title, topic, day, attended in (
            ("Kick-off", "Active listening", date(2027, 1, 15),
             {"dana": True, "eli": True, "fay": False}),
            ("Feedback workshop", "Giving feedback", date(2027, 2, 20),
             {"ann": True, "ben": True, "cat": True}),
            ("Listening again", "Active listening", date(2027, 4, 1), {"gus": True})):
        session.add(TrainingSession(
            programme_id=ids["programme"], title=title, topic=topic,
            starts_at=_utc(day, 10, 0, LONDON),
            attendance=[TrainingAttendance(participant_id=ids[p], attended=a)
                        for p, a in attended.items()]))
    # A KPI measured by hand: 55 on 1 March (the April reading is after today).
    managers = session.scalar(select(Kpi).where(Kpi.name == "Managers engaged"))
    for day, value in ((date(2027, 1, 31), 40), (date(2027, 3, 1), 55), (date(2027, 4, 1), 99)):
        session.add(KpiMeasurement(kpi_id=managers.id, measured_on=day, value=value))
    for name, metric in (("Mentees matched", "matched_pct"),
                         ("Check-ins held", "checkins_held_pct"),
                         ("Inactive pairs", "inactive_pairs"),
                         ("Recommendation", "recommendation_score"),
                         ("Satisfaction", "satisfaction_avg")):
        kpis.set_kpi_metric(session, kpis.find_kpi(session, ids["programme"], name), metric)
    csv = folder / "hr.csv"
    csv.write_text(OUTCOMES_CSV, encoding="utf-8")
    outcomes.import_outcomes(session, csv)
    session.flush()
    return ids


@pytest.fixture
def programme(db: Any, tmp_path: Path) -> dict[str, int]:
    with db.Session.begin() as s:
        return build_programme(s, tmp_path)


def _dashboard(db: Any, ids: dict[str, int], today: date = TODAY) -> kpis.Dashboard:
    with db.Session() as s:
        return kpis.compute_dashboard(s, ids["programme"], today=today)


def _fifth_satisfaction_response(db: Any, ids: dict[str, int]) -> None:
    """A fifth confidential response, in March: 3 out of 5 on the pulse, 7 out of 10 on the
    survey's question."""
    with db.Session.begin() as s:
        pulse = s.scalar(select(FeedbackForm).where(FeedbackForm.title == "Pulse"))
        survey = s.scalar(select(FeedbackForm).where(FeedbackForm.title == "Survey"))
        s.add(FeedbackResponse(form_id=pulse.id, participant_id=ids["dana"], confidential=True,
                               submitted_at=datetime(2027, 3, 2, 12, tzinfo=UTC), answers=[
            FeedbackAnswer(question_id=pulse.questions[0].id, value_number=3),
            FeedbackAnswer(question_id=survey.questions[1].id, value_number=7)]))


# --------------------------------------------------------------------------- the figures


def test_people_and_pairs(db: Any, programme: dict[str, int]) -> None:
    m = _dashboard(db, programme).metrics
    # Not withdrawn: 4 mentors, 4 mentees (Dan withdrew), Hal as both = 9.
    assert (m["enrolled"].value, m["enrolled"].detail) == (
        9.0, "9 people: 4 mentees, 4 mentors, 1 both")
    # Mentees: Ann, Ben, Cat, Eve, Hal. In a pair that is not proposed: all but Eve = 4/5.
    assert (m["matched_pct"].value, m["matched_pct"].numerator,
            m["matched_pct"].denominator) == (80.0, 4, 5)
    assert m["matched_pct"].detail == "4 of 5 mentees"
    # Pairs (proposed ones aside): p1, p2 active, p3 paused, p4 completed.
    assert (m["pairs_active"].value, m["pairs_active"].denominator) == (2.0, 4)
    assert m["pairs_active"].detail == "2 of 4 pairs (1 paused, 1 completed)"


def test_checkins_by_month_in_each_meetings_own_time_zone(db: Any,
                                                          programme: dict[str, int]) -> None:
    d = _dashboard(db, programme)
    # Jan: p1 held 2, p2 held 1 (31 Jan in New York), p3 held 1 (1 Jan in Kolkata).
    # Feb: p1 missed 1 + held 1, p2 not logged 1 + missed 1, p3 held 1.
    # Mar: p1 cancelled 1 (not planned); p2's 15 Mar (today in New York) not logged.
    assert d.checkins_by_month == (
        kpis.MonthCheckins(date(2027, 1, 1), planned=4, held=4, missed=0, cancelled=0),
        kpis.MonthCheckins(date(2027, 2, 1), planned=5, held=2, missed=2, cancelled=0),
        kpis.MonthCheckins(date(2027, 3, 1), planned=1, held=0, missed=0, cancelled=1))
    held = d.metrics["checkins_held_pct"]
    assert (held.value, held.numerator, held.denominator) == (60.0, 6, 10)
    assert held.detail == ("6 of 10 planned check-ins held (2 missed, 2 not logged, "
                           "1 cancelled, not counted)")
    assert d.metrics["checkins_missed"].value == 2.0
    # The day before, New York's 15 March meeting was not due yet.
    earlier = _dashboard(db, programme, date(2027, 3, 14)).metrics["checkins_held_pct"]
    assert (earlier.numerator, earlier.denominator) == (6, 9)


def test_inactive_pairs_are_the_overdue_ones(db: Any, programme: dict[str, int]) -> None:
    m = _dashboard(db, programme).metrics
    # Fortnightly pairs: overdue after 28 days without a held meeting. Dana & Ann last met
    # on 23 Feb (20 days ago); Eli & Ben on 1 Feb UTC (42 days ago).
    assert (m["inactive_pairs"].value, m["inactive_pairs"].denominator) == (1.0, 2)
    with db.Session() as s:
        rows = kpis.drill_down(s, programme["programme"], "inactive_pairs", today=TODAY)
    assert [(r.kind, r.id, r.label) for r in rows] == [
        ("pair", programme["p2"], "Eli Person & Ben Person")]
    assert rows[0].detail == "last met 2027-02-01, 42 days ago"


def test_recommendation_score_is_promoters_minus_detractors(
        db: Any, programme: dict[str, int]) -> None:
    nps = _dashboard(db, programme).metrics["recommendation_score"]
    # 10, 9, 9, 10, 9 promoters (5); 8, 7 passive (2); 6, 3, 5 detractors (3):
    # (5 - 3) / 10 = +20.
    assert (nps.value, nps.numerator, nps.denominator) == (20.0, 2, 10)
    assert nps.detail == "5 promoters, 2 passives, 3 detractors of 10 answers"
    assert kpis.format_metric(nps.value, kpis.METRICS["recommendation_score"].unit) == "+20"


def test_satisfaction_of_four_confidential_responses_stays_hidden_until_a_fifth(
        db: Any, programme: dict[str, int]) -> None:
    d = _dashboard(db, programme)
    hidden = d.metrics["satisfaction_avg"]
    assert hidden.value is None and hidden.detail == "hidden: fewer than 5 confidential answers"
    assert hidden.denominator == 4
    assert d.satisfaction_by_month == ((date(2027, 2, 1), None, 4),)
    # The KPI tied to it has no data, and says why.
    kpi = next(k for k in d.kpis if k.name == "Satisfaction")
    assert (kpi.status, kpi.explanation) == (
        "no_data", "No data: hidden: fewer than 5 confidential answers.")
    with db.Session() as s:
        assert kpis.drill_down(s, programme["programme"], "satisfaction_avg",
                               today=TODAY) == []
    _fifth_satisfaction_response(db, programme)
    d = _dashboard(db, programme)
    shown = d.metrics["satisfaction_avg"]
    # The pulse's five confidential answers on 1-5 are a whole block: 2, 4, 5, 5, 3 = 3.8.
    # The survey's 7 out of 10 is its question's only confidential answer: left out.
    assert (shown.value, shown.denominator) == (3.8, 5)
    assert shown.detail == ("3.8 out of 5 from 5 responses; 1 confidential answer left out "
                            "until there are 5")
    # The block was completed on 2 March: it counts in March, February has nothing left.
    assert d.satisfaction_by_month == ((date(2027, 3, 1), 3.8, 5),)
    with db.Session() as s:  # respondents of confidential feedback are never listed
        assert kpis.drill_down(s, programme["programme"], "satisfaction_avg",
                               today=TODAY) == []


def _feedback_programme(session: Any, start: date | None = None) -> tuple[int, list[int]]:
    """A programme and its forms ``A`` and ``B``, each with one satisfaction rating (1-5)
    and one recommendation score; returns the programme id and the form ids."""
    pid = create_programme(session, ProgrammeData(name="Feedback", start_date=start)).id
    forms = []
    for title in ("A", "B"):
        form = FeedbackForm(programme_id=pid, title=title, questions=[
            FeedbackQuestion(position=1, text="How satisfied?", kind=QuestionKind.RATING,
                             scale_max=5, measure="satisfaction"),
            FeedbackQuestion(position=2, text="Recommend?", kind=QuestionKind.SCORE,
                             measure="recommendation")])
        session.add(form)
        session.flush()
        forms.append(form.id)
    return pid, forms


def _respond(session: Any, form_id: int, when: datetime, rating: int, score: int,
             confidential: bool) -> None:
    form = session.get(FeedbackForm, form_id)
    session.add(FeedbackResponse(form_id=form_id, confidential=confidential, submitted_at=when,
                                 answers=[FeedbackAnswer(question_id=form.questions[0].id,
                                                         value_number=rating),
                                          FeedbackAnswer(question_id=form.questions[1].id,
                                                         value_number=score)]))
    session.flush()


def test_kpi_beside_the_forms_summaries_gives_no_confidential_answer_away(db: Any) -> None:
    from mentordesk.services import feedback

    day = datetime(2027, 3, 1, 9, tzinfo=UTC)
    with db.Session.begin() as s:
        pid, (a, b) = _feedback_programme(s)
        for n, (rating, score) in enumerate(((4, 9), (4, 8), (5, 10), (3, 2), (4, 9))):
            _respond(s, a, day.replace(minute=n), rating, score, confidential=True)
        _respond(s, b, day.replace(hour=10), 3, 9, confidential=False)
        _respond(s, b, day.replace(hour=11), 5, 10, confidential=False)
        _respond(s, b, day.replace(hour=12), 1, 0, confidential=True)  # the secret
    with db.Session() as s:
        m = kpis.compute_dashboard(s, pid, today=date(2027, 3, 1)).metrics
        summary_a = feedback.summarise_form(s, a).questions[0]
        summary_b = feedback.summarise_form(s, b).questions[0]
    # A's block of five and B's two open answers; B's confidential one is left out of the
    # KPI exactly as of B's summary, so the KPI minus what is shown is nothing new.
    sat = m["satisfaction_avg"]
    assert (sat.value, sat.denominator) == (4.0, 7)
    assert sat.detail == ("4 out of 5 from 7 responses; 1 confidential answer left out until "
                          "there are 5")
    assert (summary_a.average, summary_a.included) == (4.0, 5)
    assert (summary_b.average, summary_b.included) == (4.0, 2)
    assert summary_b.reason == "1 confidential answer left out until there are 5"
    assert sat.value * 7 == summary_a.average * 5 + 3 + 5
    nps = m["recommendation_score"]
    # Counted: 9, 8, 10, 2, 9 and 9, 10: 5 promoters, 1 passive, 1 detractor of 7.
    assert (nps.numerator, nps.denominator) == (4, 7)
    assert nps.detail == ("5 promoters, 1 passive, 1 detractor of 7 answers; 1 confidential "
                          "answer left out until there are 5")


def test_figures_of_two_days_differ_by_whole_blocks_of_confidential_answers(db: Any) -> None:
    with db.Session.begin() as s:
        pid, (a, _) = _feedback_programme(s)
        ratings = (4, 4, 5, 3, 4, 2, 1, 1, 1, 1, 5)
        for n, rating in enumerate(ratings):
            when = datetime(2027, 3, 1 if n < 5 else 2 if n < 10 else 3, 9, n, tzinfo=UTC)
            _respond(s, a, when, rating, 0 if rating < 3 else 10, confidential=True)

    def figure(day: int) -> kpis.MetricValue:
        with db.Session() as s:
            return kpis.compute_dashboard(s, pid, today=date(2027, 3, day)).metrics[
                "satisfaction_avg"]

    first, second, third = figure(1), figure(2), figure(3)
    assert (first.value, first.denominator) == (4.0, 5)
    # The sixth to tenth answers form the next block only once the tenth is in: the
    # figures of 1 and 2 March differ by those five, never by one.
    assert (second.value, second.denominator) == (2.6, 10)  # (20 + 2 + 1 + 1 + 1 + 1) / 10
    assert (third.value, third.denominator) == (2.6, 10)
    assert third.detail.endswith("; 1 confidential answer left out until there are 5")
    with db.Session() as s:  # the sixth alone, as of 1 March at its own time, stays out
        s.execute(update(FeedbackResponse).where(FeedbackResponse.submitted_at
                                                 >= datetime(2027, 3, 2, tzinfo=UTC))
                  .values(submitted_at=datetime(2027, 3, 1, 23, tzinfo=UTC)))
        only_sixth = kpis.compute_dashboard(s, pid, today=date(2027, 3, 1)).metrics
        s.rollback()
    assert only_sixth["satisfaction_avg"].value == 2.6  # now all eleven are on 1 March


def test_each_month_is_the_difference_of_two_month_ends(db: Any) -> None:
    # February: four confidential ratings (5, 5, 5, 1) and an open 2; March: the fifth
    # confidential one (1) completes the block, and an open 4.
    with db.Session.begin() as s:
        pid, (a, _) = _feedback_programme(s)
        for day, rating, confidential in ((3, 5, True), (4, 5, True), (5, 2, False),
                                          (6, 5, True), (7, 1, True)):
            _respond(s, a, datetime(2027, 2, day, 9, tzinfo=UTC), rating, 5, confidential)
    with db.Session() as s:
        d = kpis.compute_dashboard(s, pid, today=date(2027, 2, 28))
    # Only the open answer counts in February; the four confidential ones wait.
    assert d.metrics["satisfaction_avg"].value == 2.0
    assert d.satisfaction_by_month == ((date(2027, 2, 1), 2.0, 5),)
    with db.Session.begin() as s:
        _respond(s, a, datetime(2027, 3, 2, 9, tzinfo=UTC), 1, 5, True)
        _respond(s, a, datetime(2027, 3, 3, 9, tzinfo=UTC), 4, 5, False)
    with db.Session() as s:
        d = kpis.compute_dashboard(s, pid, today=date(2027, 3, 31))
    # February keeps its figure (its four confidential answers now count in March, where
    # their block was completed); March holds the whole block (5, 5, 5, 1, 1) and the open
    # 4: 21 / 6 = 3.5. No month is a single confidential answer.
    assert d.satisfaction_by_month == ((date(2027, 2, 1), 2.0, 1), (date(2027, 3, 1), 3.5, 6))
    total = d.metrics["satisfaction_avg"]
    assert (total.value, total.denominator) == (round(23 / 7, 2), 7)


def test_goals_training_and_funnel(db: Any, programme: dict[str, int]) -> None:
    d = _dashboard(db, programme)
    goals = d.metrics["goals_reached_pct"]
    # Goals of the paired mentees: Ann 2, Ben 1, Cat 1, Hal 1 = 5; reached by today: Ann's
    # Python and Ben's Negotiation (Hal's is on 20 March; Eve's pair is only proposed).
    assert (goals.value, goals.numerator, goals.denominator) == (40.0, 2, 5)
    training = d.metrics["training_sessions"]
    assert (training.value, training.detail) == (2.0, "2 sessions, 5 attendances, on 2 topics")
    assert d.training_by_topic == (("Active listening", 1, 2), ("Giving feedback", 1, 3))
    assert d.funnel == (("Mentees signed up", 5), ("Matched", 4), ("In an active pair", 2),
                        ("Met at least once", 3), ("Reached a goal", 2))


def test_withdrawn_mentees_goals_are_left_out_like_the_funnel(
        db: Any, programme: dict[str, int]) -> None:
    from mentordesk.services.participants import withdraw_participant

    with db.Session.begin() as s:
        withdraw_participant(s, programme["ben"], on=date(2027, 3, 5))
    d = _dashboard(db, programme)
    # Ben (Negotiation, reached) withdrew: Ann 2, Cat 1, Hal 1 = 4 goals, Ann's Python
    # reached; the funnel leaves him out too.
    goals = d.metrics["goals_reached_pct"]
    assert (goals.value, goals.numerator, goals.denominator) == (25.0, 1, 4)
    assert dict(d.funnel)["Matched"] == 3 and dict(d.funnel)["Reached a goal"] == 1
    with db.Session() as s:
        rows = kpis.drill_down(s, programme["programme"], "goals_reached_pct", today=TODAY)
    assert programme["ben"] not in {r.id for r in rows}


def test_met_at_least_once_by_the_date_in_the_meetings_own_time_zone(
        db: Any, programme: dict[str, int]) -> None:
    # Fay & Cat's first meeting is 1 Jan 00:30 in Kolkata (31 Dec in UTC); Eli & Ben's is
    # 31 Jan 20:30 in New York (1 Feb in UTC). Each counts on its own date, as the
    # check-ins do.
    assert dict(_dashboard(db, programme, date(2026, 12, 31)).funnel)["Met at least once"] == 0
    on_31_jan = _dashboard(db, programme, date(2027, 1, 31))
    assert dict(on_31_jan.funnel)["Met at least once"] == 3  # Ann, Ben and Cat
    assert on_31_jan.checkins_by_month[-1].held == 4


def test_retention_and_promotion_of_participants_against_others(
        db: Any, programme: dict[str, int]) -> None:
    m = _dashboard(db, programme).metrics
    # Participants employed on 11 Jan 2027: Dana, Ann, Eli, Ben, Cat (Fay was hired after);
    # Ann left on 28 Feb: 4/5 = 80.0. Promoted since the start: Eli = 1/5 (Cat's was before).
    assert (m["retention_participants_pct"].value, m["retention_participants_pct"].numerator,
            m["retention_participants_pct"].denominator) == (80.0, 4, 5)
    assert (m["promotion_participants_pct"].value,
            m["promotion_participants_pct"].numerator) == (20.0, 1)
    # Others employed at the start: x1, x2 and Eve (only proposed, so not a participant);
    # x3 left before it and x4 was hired after. x1 left: 2/3 = 66.7; x2 promoted: 33.3.
    assert (m["retention_others_pct"].value, m["retention_others_pct"].denominator) == (66.7, 3)
    assert m["promotion_others_pct"].value == 33.3
    assert m["retention_participants_pct"].detail == (
        "4 of 5 participants employed at the start still employed on 2027-03-15")
    # Before the programme starts there is nothing to compare.
    early = _dashboard(db, programme, date(2027, 1, 1)).metrics["retention_others_pct"]
    assert early.value is None and early.detail == "the programme has not started yet"
    with db.Session() as s:
        left = kpis.drill_down(s, programme["programme"], "retention_participants_pct",
                               today=TODAY)
        assert left[0] == kpis.DrillRow("person", programme["ann"], "Ann Person",
                                        "left on 2027-02-28")
        assert len(left) == 5
        promoted = kpis.drill_down(s, programme["programme"], "promotion_participants_pct",
                                   today=TODAY)
        assert [(r.id, r.detail) for r in promoted] == [
            (programme["eli"], "promoted on 2027-02-01")]
        # Other employees are a one-way code only: nobody to list.
        assert kpis.drill_down(s, programme["programme"], "retention_others_pct",
                               today=TODAY) == []


def test_no_data_is_said_in_words(db: Any) -> None:
    with db.Session.begin() as s:
        pid = create_programme(s, ProgrammeData(name="Empty")).id
        d = kpis.compute_dashboard(s, pid, today=TODAY)
    assert d.metrics["matched_pct"] == kpis.MetricValue("matched_pct", None, 0, 0,
                                                        "no mentees signed up yet")
    assert d.metrics["checkins_held_pct"].detail == "no check-ins due yet"
    assert d.metrics["retention_participants_pct"].detail == "the programme has no start date"
    assert d.metrics["pairs_active"].value == 0.0
    assert d.checkins_by_month == () and d.satisfaction_by_month == ()
    assert set(d.metrics) == set(kpis.METRICS)


# --------------------------------------------------------------------------- KPI status


def test_kpis_are_judged_against_their_targets(db: Any, programme: dict[str, int]) -> None:
    status = {k.name: k for k in _dashboard(db, programme).kpis}
    matched = status["Mentees matched"]  # 80 against 90 from 50: 75% of the way
    assert (matched.metric, matched.value, matched.unit, matched.status) == (
        "matched_pct", 80.0, "%", "at_risk")
    assert matched.explanation == ("80% against a target of 90%: 10 points to go, 75% of the "
                                   "way from the baseline of 50%.")
    held = status["Check-ins held"]  # 60 against 80 from 50: a third of the way
    assert held.status == "off_track"
    assert held.explanation.endswith("only 33% of the way from the baseline of 50%.")
    assert status["Inactive pairs"].status == "on_track"  # 1, at most 1
    nps = status["Recommendation"]  # +20 against 22, no baseline: within 10%
    assert (nps.status, nps.explanation) == (
        "at_risk", "+20 against a target of +22: 2 points to go, within 10% of the target.")
    manual = status["Managers engaged"]  # measured by hand: 55 on 1 March
    assert (manual.metric, manual.value, manual.status) == (None, 55.0, "on_track")
    assert manual.explanation == "55% against a target of 50%: target met (5 points better)."


@pytest.mark.parametrize(("value", "target", "baseline", "direction", "expected"), [
    (None, 60, None, KpiDirection.INCREASE, "no_data"),
    (60, 60, None, KpiDirection.INCREASE, "on_track"),
    (41, 60, 20, KpiDirection.INCREASE, "at_risk"),      # 21 of 40 points: 52%
    (39, 60, 20, KpiDirection.INCREASE, "off_track"),    # 19 of 40 points: 48%
    (10, 60, 20, KpiDirection.INCREASE, "off_track"),    # worse than the baseline
    (54, 60, None, KpiDirection.INCREASE, "at_risk"),    # within 10% of 60
    (53.9, 60, None, KpiDirection.INCREASE, "off_track"),
    (8, 8, 12, KpiDirection.DECREASE, "on_track"),
    (9.9, 8, 12, KpiDirection.DECREASE, "at_risk"),      # 2.1 of 4 points down
    (10.1, 8, 12, KpiDirection.DECREASE, "off_track"),
    (8.8, 8, None, KpiDirection.DECREASE, "at_risk"),    # within 10% of 8
    (3, 0, None, KpiDirection.DECREASE, "off_track"),    # no 10% of zero
    (58, 60, 70, KpiDirection.INCREASE, "at_risk"),      # baseline beyond the target: 10% rule
])
def test_status_thresholds(value: float | None, target: float, baseline: float | None,
                           direction: KpiDirection, expected: str) -> None:
    status, explanation = kpis.judge_kpi(value, target, baseline, direction, "%")
    assert status == expected
    assert explanation


def test_explanations_read_as_sentences() -> None:
    assert kpis.judge_kpi(41, 60, None, KpiDirection.INCREASE, "%")[1] == (
        "41% against a target of 60%: 19 points to go, more than 10% away from the target.")
    assert kpis.judge_kpi(3, 2, None, KpiDirection.DECREASE, "pairs")[1] == (
        "3 pairs against a target of at most 2 pairs: 1 pair to go, more than 10% away from "
        "the target.")
    assert kpis.judge_kpi(4.1, 4.2, None, KpiDirection.INCREASE, "out of 5")[1] == (
        "4.1 out of 5 against a target of 4.2 out of 5: 0.1 to go, within 10% of the target.")


# --------------------------------------------------------------------------- history


def test_snapshot_replaces_the_days_figures_and_history_shows_the_trend(
        db: Any, programme: dict[str, int]) -> None:
    pid = programme["programme"]
    with db.Session.begin() as s:
        kept = kpis.take_snapshot(s, pid, kpis.compute_dashboard(s, pid, today=TODAY))
    # Every metric but the hidden satisfaction average.
    assert kept == len(kpis.METRICS) - 1
    with db.Session.begin() as s:
        kpis.mark_goal_reached(s, programme["cat"], "Budgeting", date(2027, 3, 10))
        kpis.take_snapshot(s, pid, kpis.compute_dashboard(s, pid, today=TODAY))
        kpis.take_snapshot(s, pid, kpis.compute_dashboard(s, pid, today=date(2027, 3, 22)))
    with db.Session() as s:
        assert kpis.metric_history(s, pid, "goals_reached_pct") == [
            (TODAY, 60.0), (date(2027, 3, 22), 80.0)]  # 3/5, then Hal's too: 4/5
        assert kpis.metric_history(s, pid, "satisfaction_avg") == []
        rows = s.scalars(select(MetricSnapshot).where(MetricSnapshot.taken_on == TODAY)).all()
        assert len(rows) == kept
        with pytest.raises(UserError, match="not a metric"):
            kpis.metric_history(s, pid, "happiness")


# --------------------------------------------------------------------------- drill-down


def test_drill_down_lists_who_is_behind_each_number(db: Any,
                                                   programme: dict[str, int]) -> None:
    pid, ids = programme["programme"], programme
    with db.Session() as s:
        def drill(metric: str) -> list[kpis.DrillRow]:
            return kpis.drill_down(s, pid, metric, today=TODAY)

        assert [(r.kind, r.id) for r in drill("matched_pct")] == [("person", ids["eve"])]
        assert len(drill("enrolled")) == 9
        assert {r.id for r in drill("pairs_active")} == {ids["p1"], ids["p2"]}
        behind = drill("checkins_held_pct")  # most meetings not held first
        assert [(r.id, r.detail) for r in behind] == [
            (ids["p2"], "1 missed and 2 not logged of 4 planned check-ins"),
            (ids["p1"], "1 missed of 4 planned check-ins")]
        missed = drill("checkins_missed")
        assert [r.kind for r in missed] == ["checkin", "checkin"]
        assert missed[0].label == "Eli Person & Ben Person"
        assert missed[0].detail == "missed 2027-02-28 20:30 (America/New_York)"
        nps = drill("recommendation_score")  # open answers: respondents listed
        assert len(nps) == 10
        assert nps[0].label == "Dana Person" and nps[0].detail.startswith("10 of 10")
        assert sum(r.label == "(anonymous)" for r in nps) == 5
        goals = drill("goals_reached_pct")
        assert [r.label for r in goals[:2]] == ["Ann Person", "Ben Person"]
        assert goals[0].detail == "reached 1 of 2: Python (2027-02-20); not yet: Leadership"
        assert [(r.kind, r.label) for r in drill("training_sessions")] == [
            ("session", "Kick-off"), ("session", "Feedback workshop")]
        with pytest.raises(UserError, match="not a metric"):
            drill("nope")


# --------------------------------------------------------------------------- changes


def test_set_kpi_metric_checks_the_metric(db: Any, programme: dict[str, int]) -> None:
    with db.Session.begin() as s:
        kpi_id = kpis.find_kpi(s, programme["programme"], "managers ENGAGED")
        with pytest.raises(UserError, match="'happiness' is not a metric"):
            kpis.set_kpi_metric(s, kpi_id, "happiness")
        kpis.set_kpi_metric(s, kpi_id, "goals_reached_pct")
    status = {k.name: k for k in _dashboard(db, programme).kpis}["Managers engaged"]
    assert (status.metric, status.value) == ("goals_reached_pct", 40.0)
    with db.Session.begin() as s:
        kpis.set_kpi_metric(s, kpi_id, None)
        assert s.get(Kpi, kpi_id).metric is None
        with pytest.raises(NotFoundError):
            kpis.set_kpi_metric(s, 9999, None)
        with pytest.raises(NotFoundError, match="its KPIs are"):
            kpis.find_kpi(s, programme["programme"], "Nothing like it")


def test_mark_goal_reached_and_undo(db: Any, programme: dict[str, int]) -> None:
    with db.Session.begin() as s:
        kpis.mark_goal_reached(s, programme["ann"], "Python", reached=False)
        with pytest.raises(UserError, match=r"not one of Ann Person's development goals \(Python, "
                                            r"Leadership\)"):
            kpis.mark_goal_reached(s, programme["ann"], "Juggling")
        with pytest.raises(UserError, match="they have none"):
            kpis.mark_goal_reached(s, programme["dana"], "Python")
    with db.Session() as s:
        achieved = s.scalars(select(DevelopmentGoal.achieved_on).where(
            DevelopmentGoal.participant_id == programme["ann"])).all()
    assert achieved == [None, None]
    assert _dashboard(db, programme).metrics["goals_reached_pct"].numerator == 1
