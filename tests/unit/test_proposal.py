"""The programme proposal PDF: content from the programme, computed plan, empty programmes."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pypdf
import pytest

from mentordesk.errors import UserError
from mentordesk.models import Cadence, KpiDirection, ParticipantRole, ProgrammeFormat
from mentordesk.services.documents.branding import BrandingChanges, save_branding
from mentordesk.services.documents.proposal import (
    Enrolment,
    format_value,
    kpi_aim,
    load_context,
    plan_resources,
    plan_timeline,
    plan_training,
    render_proposal,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import (
    KpiData,
    ObjectiveData,
    ProgrammeData,
    create_programme,
)

# Monday 4 January to Friday 25 June 2027: 173 days, monthly meetings of an hour.
PROG = ProgrammeData(
    name="Bridge 2027", start_date=date(2027, 1, 4), end_date=date(2027, 6, 25),
    default_cadence=Cadence.MONTHLY, default_duration_minutes=60,
    coordinator_name="Zoë Łukasiewicz", coordinator_email="zoe@example.org",
    agenda="Goals and success\nBuilding a network\nFeedback",
    objectives=(ObjectiveData("Grow leaders", "Strategy 2030: promote from within"),
                ObjectiveData("Bridge silos", "One company")),
    kpis=(KpiData("Attrition", 8, "%", 12, KpiDirection.DECREASE, "Grow leaders"),
          KpiData("Satisfaction", 4.2, "out of 5", 3.6),
          KpiData("Cross-team pairs", 70, "%", 20, objective="Bridge silos")),
)
SECTIONS = ["Executive summary", "Objectives and strategic alignment", "Expected benefits",
            "How the programme works", "KPIs and targets", "Timeline", "Resources needed",
            "Risks and how we handle them", "Decision and next steps", "Contact"]


def _squash(text: str) -> str:
    """Text without any whitespace: table cells wrap at different places than the test."""
    return "".join(text.split())


def _text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def _contains(pdf_text: str, *phrases: str) -> None:
    squashed = _squash(pdf_text)
    missing = [p for p in phrases if _squash(p) not in squashed]
    assert missing == []


def _create(db, data: ProgrammeData = PROG, *, mentors: int = 3, mentees: int = 5) -> int:
    """The programme, with ``mentors`` mentors of two places each and ``mentees`` mentees."""
    with db.Session.begin() as s:
        programme_id = create_programme(s, data).id
        for i in range(mentors):
            add_participant(s, ParticipantData(full_name=f"Mentor {i}",
                                               email=f"mentor{i}@example.org",
                                               role=ParticipantRole.MENTOR, mentor_capacity=2))
        for i in range(mentees):
            add_participant(s, ParticipantData(full_name=f"Mentee {i}",
                                               email=f"mentee{i}@example.org"))
    return programme_id


def _render(db, programme_id: int) -> bytes:
    with db.Session() as s:
        return render_proposal(s, programme_id)


@pytest.fixture
def bridge(db) -> tuple[bytes, str]:
    pdf = _render(db, _create(db))
    return pdf, _text(pdf)


def test_objectives_with_goals_and_kpis_with_targets(bridge) -> None:
    _, text = bridge
    _contains(text, "Grow leaders", "Strategy 2030: promote from within", "Bridge silos",
              "One company")
    # Each KPI's row: name, objective, baseline, target and the aim in words.
    _contains(text, "Attrition Grow leaders 12% 8% ↓ lower by 4 points",
              "Satisfaction Programme as a whole 3.6 out of 5 4.2 out of 5 ↑ raise by 0.6",
              "Cross-team pairs Bridge silos 20% 70% ↑ raise by 50 points")
    # Objective -> strategic goal -> the KPI measuring it, in one row.
    _contains(text, "Grow leaders Strategy 2030: promote from within Attrition",
              "Bridge silos One company Cross-team pairs",
              "The programme as a whole All of the above Satisfaction")


def test_summary_says_what_for_whom_how_long_and_the_ask(bridge) -> None:
    _, text = bridge
    _contains(text,
              "Bridge 2027 is a six-month one-to-one mentoring programme",
              "It runs from 4 January 2027 to 25 June 2027: 25 weeks from launch",
              "So far 5 colleagues have asked for a mentor and 3 mentors have offered "
              "6 places.",
              "Pairs meet once a month for 60 minutes, following a shared agenda of 3 topics.",
              "The ask: approve Bridge 2027, name an executive sponsor",
              "Zoë Łukasiewicz · zoe@example.org")


def test_section_titles_are_headings_bookmarks_and_contents(bridge) -> None:
    pdf, text = bridge
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == SECTIONS
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    for title in SECTIONS:
        assert title in contents
    _contains(text, *SECTIONS)


def test_timeline_dates_come_from_the_programme_dates(bridge) -> None:
    _, text = bridge
    # Launch week, two weeks of enrolment, a week of matching, kick-off on day 28 (a Monday),
    # check-ins until two weeks before the end, the review half-way through the check-ins
    # (day 28 + (158 - 28) // 2 = day 93), and the close in the last two weeks.
    _contains(text,
              "4–10 Jan 2027 Launch and readiness survey",
              "11–24 Jan 2027 Enrolment",
              "25–31 Jan 2027 Matching",
              "Mon 1 Feb 2027 Kick-off and training",
              "1 Feb – 11 Jun 2027 Regular check-ins",
              "Wed 7 Apr 2027 Mid-programme review",
              "12–25 Jun 2027 Close and celebration",
              "celebration on Fri 25 Jun 2027")


def test_resources_are_computed_from_rhythm_length_and_people(bridge) -> None:
    _, text = bridge
    # Check-ins run 131 days (1 Feb to 11 Jun): 4.3 months, so 4 monthly meetings of an
    # hour: 4 hours per pair, 20 hours for the 5 pairs (5 mentees, 6 mentor places).
    # A mentor adds 5 h of training and events (2 h training, kick-off, clinic,
    # celebration): 9 h per mentee. A mentee adds 3 h: 7 h.
    # Coordinator: 12 + 8 people x 0.5 = 16 h set-up; 131 / 7 weeks x (1 + 5 x 0.1) = 28 h
    # running; 8 + 8 x 0.25 = 10 h close; 54 h over 173 / 7 weeks = 2.2 h a week.
    _contains(text,
              "4 meetings of 60 minutes, 4 hours per pair",
              "These estimates are for 5 pairs and 8 people enrolled so far",
              # The tiles: per mentor per mentee, all pairs' meetings, coordinator, sessions.
              "9 h 20 h 2.2 h/week 5 sessions",
              "Each mentor 4 meetings of 60 min per mentee, plus 5 h of training and events 9 h",
              "Each mentee 4 meetings of 60 min, plus 3 h of orientation and events 7 h",
              "Set-up 16 h, running 28 h, close 10 h",
              "54 h (about 2.2 h a week)",
              "release about 9 hours of each mentor's time per mentee")


def test_meetings_follow_the_cadence(db) -> None:
    programme_id = _create(db)
    with db.Session() as s:
        ctx = load_context(s, programme_id)
    assert (ctx.resources.pairs, ctx.resources.people) == (5, 8)
    # 131 days of check-ins: 18 weekly, 9 fortnightly or 4 monthly meetings.
    for cadence, meetings in ((Cadence.WEEKLY, 18), (Cadence.FORTNIGHTLY, 9),
                              (Cadence.MONTHLY, 4)):
        data = dataclasses.replace(PROG, default_cadence=cadence, default_duration_minutes=45)
        plan = plan_resources(data, ctx.enrolment, ctx.timeline, ctx.training)
        assert plan.meetings == meetings
        assert plan.meeting_hours == meetings * 0.75


def test_programme_without_objectives_kpis_or_dates_says_what_to_decide(db) -> None:
    programme_id = _create(db, ProgrammeData(name="Early idea"), mentors=0, mentees=0)
    text = _text(_render(db, programme_id))
    _contains(text,
              "Still to be decided: the start and end dates, the objectives and the strategic "
              "goals they serve, the KPIs and their targets, the meeting agenda and who "
              "coordinates the programme.",
              "The objectives are still to be decided.",
              "The KPIs are still to be decided.",
              "The agenda topics are still to be decided.",
              "The dates are still to be decided, so the plan is in weeks from launch",
              "The programme's coordinator is still to be decided")
    # No empty tables: neither the objectives' nor the KPIs' table is printed.
    assert "Strategic goal it serves" not in text
    assert "Baseline" not in text
    # Without dates the plan is in weeks; without people, estimates assume 10 pairs.
    _contains(text, "Week 1 Launch and readiness survey", "Weeks 2–3 Enrolment",
              "Week 5 Kick-off and training", "Weeks 5–24 Regular check-ins",
              "Weeks 25–26 Close and celebration",
              "These estimates assume 10 pairs until enrolment closes",
              "Closing celebration Mentors and mentees 60 min Week 26 Suggested",
              "Meetings, training and events for 20 participants")


def test_start_without_end_plans_for_six_months(db) -> None:
    data = dataclasses.replace(PROG, name="Open ended", end_date=None)
    text = _text(_render(db, _create(db, data)))
    _contains(text, "The end date is still to be decided",
              "would close around 4 July 2027", "Still to be decided: the end date")


def test_very_short_programme_renders_and_says_the_dates_are_too_short(db) -> None:
    data = dataclasses.replace(PROG, name="One day", end_date=PROG.start_date)
    text = _text(_render(db, _create(db, data)))
    _contains(text, "Still to be decided: dates that leave time for mentoring (launch to "
                    "close is only 1 day).")


def test_unicode_names_print(db) -> None:
    data = dataclasses.replace(PROG, name="Grow 成长 Łódź", coordinator_name="Zoë Łukasiewicz",
                               objectives=(ObjectiveData("Grow leaders", "نمو القادة"),),
                               kpis=())
    pdf = _render(db, _create(db, data))
    text = _text(pdf)
    assert "Grow 成长 Łódź" in text
    assert "Zoë Łukasiewicz" in text
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # The CJK and Arabic characters are set in the fonts that have them, not dropped.
    assert any("NotoSansCJK" in f for f in fonts)
    assert any("NotoSansArabic" in f for f in fonts)


def test_pages_contents_and_structure_are_valid(bridge, tmp_path) -> None:
    pdf, _ = bridge
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    assert reader.metadata.title == "Programme proposal"
    path = tmp_path / "proposal.pdf"
    path.write_bytes(pdf)
    qpdf = shutil.which("qpdf")
    assert qpdf is not None, "qpdf is needed (scripts/system-deps.sh)"
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_letter_paper_and_group_programme(db) -> None:
    data = dataclasses.replace(PROG, name="Circles", format=ProgrammeFormat.GROUP,
                               circle_min_size=2, circle_max_size=3)
    programme_id = _create(db, data)
    with db.Session.begin() as s:
        save_branding(s, programme_id, BrandingChanges(paper="Letter"))
    with db.Session() as s:
        ctx = load_context(s, programme_id)
    # 5 mentees in circles of at most 3 need 2 circles; there are 3 mentors to lead them.
    assert ctx.resources.pairs == 2
    pdf = _render(db, programme_id)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[2]
    assert float(page.mediabox.width) == pytest.approx(612)
    _contains(_text(pdf), "circles of 2 to 3 mentees, each led by a mentor",
              "These estimates are for 2 circles")


def test_unknown_programme_is_a_user_error(db) -> None:
    with db.Session() as s, pytest.raises(UserError):
        render_proposal(s, 404)


def test_cancelled_before_layout_raises(db) -> None:
    programme_id = _create(db)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with db.Session() as s, pytest.raises(UserError, match="Cancelled"):
        render_proposal(s, programme_id, cancelled=cancelled)
    assert len(calls) == 4  # stopped at the fourth section, before the rest was built


def test_weekend_events_move_to_working_days() -> None:
    # Saturday 2 January to Sunday 27 June 2027: day 28 is Saturday 30 January, the
    # kick-off moves to Monday 1 February; the last day is a Sunday, the celebration
    # moves back to Friday 25 June.
    t = plan_timeline(date(2027, 1, 2), date(2027, 6, 27))
    assert t.step("kickoff").start == date(2027, 2, 1)
    assert t.step("kickoff").when == "Mon 1 Feb 2027"
    assert "Fri 25 Jun 2027" in t.step("close").what
    assert t.step("launch").when == "2–8 Jan 2027"
    assert t.step("checkins").start == date(2027, 2, 1)


@pytest.mark.parametrize("days", [1, 2, 7, 20, 41, 56, 111, 112, 113, 182, 365, 730])
def test_timeline_is_ordered_for_any_length(days) -> None:
    start = date(2027, 3, 1)
    t = plan_timeline(start, start + timedelta(days=days - 1))
    assert t.days == days
    keys = [s.key for s in t.steps]
    assert keys == ["launch", "enrolment", "matching", "kickoff", "checkins", "review",
                    "close"]
    for step in t.steps:
        assert 0 <= step.first_day <= step.last_day <= days - 1
        assert step.start == start + timedelta(days=step.first_day)
        assert step.end == start + timedelta(days=step.last_day)
    firsts = [t.step(k).first_day for k in ("launch", "enrolment", "matching", "close")]
    assert firsts == sorted(firsts)
    assert t.step("checkins").first_day <= t.step("review").first_day <= t.step("close").last_day
    assert t.step("close").last_day == days - 1


def test_timeline_without_dates_is_in_weeks() -> None:
    t = plan_timeline(None, None)
    assert not t.dated
    assert t.days == 26 * 7
    assert [s.when for s in t.steps] == ["Week 1", "Weeks 2–3", "Week 4", "Week 5",
                                         "Weeks 5–24", "Week 14", "Weeks 25–26"]


def test_suggested_training_fills_what_is_not_booked(db) -> None:
    from datetime import UTC, datetime

    from mentordesk.models import Audience, TrainingSession

    programme_id = _create(db)
    with db.Session.begin() as s:
        s.add(TrainingSession(programme_id=programme_id, title="Mentor workshop",
                              audience=Audience.MENTORS, duration_minutes=90,
                              starts_at=datetime(2027, 1, 27, 10, tzinfo=UTC)))
    with db.Session() as s:
        items = plan_training(s, programme_id, plan_timeline(PROG.start_date, PROG.end_date))
    assert [(t.title, t.booked) for t in items][:2] == [("Mentor workshop", True), (
        "Mentee orientation: making the most of mentoring", False)]
    assert items[0].when == "Wed 27 Jan 2027"
    assert not any(t.title.startswith("Mentor training") for t in items)


def test_enrolment_counts_people_who_are_both_once(db) -> None:
    with db.Session.begin() as s:
        programme_id = create_programme(s, PROG).id
        add_participant(s, ParticipantData(full_name="Both", email="both@example.org",
                                           role=ParticipantRole.BOTH, mentor_capacity=1))
        add_participant(s, ParticipantData(full_name="Full mentor", email="full@example.org",
                                           role=ParticipantRole.MENTOR, mentor_capacity=0))
    with db.Session() as s:
        ctx = load_context(s, programme_id)
    # The mentor without places is not counted; the person who is both counts once.
    assert ctx.enrolment == Enrolment(mentees=1, mentors=1, capacity=1, people=1, pairs=0)


@pytest.mark.parametrize(("kpi", "aim"), [
    (KpiData("A", 85, "%", 0), "↑ raise by 85 points"),
    (KpiData("B", 8, "%", 12, KpiDirection.DECREASE), "↓ lower by 4 points"),
    (KpiData("C", 3, "days", 5.5, KpiDirection.DECREASE), "↓ lower by 2.5 days"),
    (KpiData("D", 4.2, "out of 5"), "↑ raise to 4.2 out of 5"),
    (KpiData("E", 10, "", 10), "→ hold at 10"),
    (KpiData("F", 5, "days", 9), "↓ lower by 4 days"),  # direction left at its default
    (KpiData("G", 3, "", direction=KpiDirection.DECREASE), "↓ lower to 3"),
])
def test_kpi_aims_in_words(kpi, aim) -> None:
    assert kpi_aim(kpi) == aim


def test_kpis_agenda_and_rhythm_read_as_in_the_handbook(db) -> None:
    # The handbook prints the same KPI as "3.75 out of 5" and "4.25 out of 5"
    # (test_handbooks.py), reads the agenda the same way and says "every two weeks".
    data = dataclasses.replace(
        PROG, name="Scale", default_cadence=Cadence.FORTNIGHTLY,
        agenda="1. Goals\n\n* A stretch project\n- Feedback\n• Review",
        kpis=(KpiData("Satisfaction", 4.25, "out of 5", 3.75),))
    text = _text(_render(db, _create(db, data)))
    _contains(text, "Satisfaction Programme as a whole 3.75 out of 5 4.25 out of 5 "
                    "↑ raise by 0.5",
              "# Topic 1 Goals 2 A stretch project 3 Feedback 4 Review",
              "following a shared agenda of 4 topics",
              "Pairs meet every two weeks for 60 minutes")
    squashed = _squash(text)
    assert "1|1." not in squashed and "1.Goals" not in squashed
    assert "*Astretch" not in squashed and "fortnight" not in text


def test_values_with_units() -> None:
    assert format_value(8.0, "%") == "8%"
    assert format_value(1500, "EUR") == "1,500 EUR"
    assert format_value(0.85, "") == "0.85"
    assert format_value(None, "%") == "—"


def test_proposal_imports_without_qt() -> None:
    code = ("import sys, mentordesk.services.documents.proposal\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
