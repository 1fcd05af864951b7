"""The KPI report PDF: each KPI with its value and status, the sections, the as-of date, the
charts' data, hidden satisfaction, HR outcomes (or the note that there are none) and
names in any script; on the demo programme and on a small programme built by hand."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Circle, PolyLine, String
from sqlalchemy import select

from mentordesk.db import Database
from mentordesk.errors import UserError
from mentordesk.models import (
    Checkin,
    CheckinOutcome,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    Kpi,
    KpiDirection,
    KpiMeasurement,
    Pairing,
    PairingMember,
    PairingStatus,
    ParticipantRole,
    Programme,
    QuestionKind,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.services import kpis, outcomes
from mentordesk.services.demo import load_demo
from mentordesk.services.documents.kpi_report import (
    HIDDEN_NOTE,
    NO_OUTCOMES_NOTE,
    POINT_RADIUS,
    SECTIONS,
    checkins_chart,
    funnel_chart,
    load_report,
    nice_scale,
    render_kpi_report,
    satisfaction_chart,
    status_sentence,
)
from mentordesk.services.documents.layout import Branding
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import (
    KpiData,
    ObjectiveData,
    ProgrammeData,
    create_programme,
)

TODAY = date(2027, 3, 15)
START, END = date(2027, 1, 11), date(2027, 6, 30)
LONDON = "Europe/London"
PROGRAMME = "Brücke 2027"
ORGANISATION = "Société d'Équipement Łódź"
SATISFACTION_KPI = "Zufriedenheit 满意度"
TOPIC = "傾聴 — Aktives Zuhören"

# Two pairs (Zoë & Małgorzata, Ólafur & 李小龍); Ana is a mentee nobody mentors yet.
PEOPLE = {
    "zoe": ("Zoë Łukasiewicz", ParticipantRole.MENTOR),
    "olafur": ("Ólafur Jónsson", ParticipantRole.MENTOR),
    "malgorzata": ("Małgorzata Wójcik", ParticipantRole.MENTEE),
    "li": ("李小龍", ParticipantRole.MENTEE),
    "ana": ("Ana Lima", ParticipantRole.MENTEE),
}
# Participants are the four in pairs; Ana and x1-x3 are the "other employees".
# Participants employed at the start: 4; Małgorzata left in February: 3 retained (75%);
# Zoë was promoted in February: 1 promoted (25%).
# Others: Ana, x1, x2, x3 (x4 hired after the start does not count); x1 and x3 left after
# the start: 2 retained (50%); x2 promoted: 1 (25%).
OUTCOMES_CSV = """\
Work Email,Hire Date,Termination Date,Last Promotion Date
zoe@example.org,2015-01-01,,2027-02-01
olafur@example.org,2018-03-01,,
malgorzata@example.org,2020-05-01,2027-02-28,
li@example.org,2021-06-01,,
ana@example.org,2019-09-01,,
x1@example.org,2010-01-01,2027-03-01,
x2@example.org,2012-01-01,,2027-03-10
x3@example.org,2011-01-01,2027-01-20,
x4@example.org,2027-03-01,,
"""


def _utc(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(LONDON)).astimezone(UTC)


def build_programme(session: Any, folder: Path, *, hr: bool = True) -> dict[str, int]:
    """The small programme; returns the ids by name."""
    ids: dict[str, int] = {}
    ids["programme"] = create_programme(session, ProgrammeData(
        name=PROGRAMME, start_date=START, end_date=END,
        objectives=(ObjectiveData("Führung stärken", "Strategie 2030"),),
        kpis=(KpiData("Mentees matched", 90, "%", 50, objective="Führung stärken"),
              KpiData("Check-ins held", 80, "%", 50),
              KpiData(SATISFACTION_KPI, 4, "out of 5"),
              KpiData("Managers engaged", 50, "%", 20),
              KpiData("Inactive pairs", 1, "pairs", direction=KpiDirection.DECREASE)))).id
    session.get(Programme, ids["programme"]).organisation_name = ORGANISATION
    for key, (name, role) in PEOPLE.items():
        ids[key] = add_participant(session, ParticipantData(
            full_name=name, email=f"{key}@example.org", role=role)).id
    for key, mentor, mentee in (("p1", "zoe", "malgorzata"), ("p2", "olafur", "li")):
        pairing = Pairing(programme_id=ids["programme"], mentor_id=ids[mentor],
                          status=PairingStatus.ACTIVE, start_date=START,
                          members=[PairingMember(mentee_id=ids[mentee])])
        session.add(pairing)
        session.flush()
        ids[key] = pairing.id
    # Jan: 2 planned, 2 held. Feb: 3 planned (2 held, 1 missed), 1 cancelled. Mar (to the
    # 15th): 2 planned, 1 held, 1 not logged. In all: 5 of 7 held (71.4%).
    for key, day, outcome in (
            ("p1", date(2027, 1, 20), CheckinOutcome.HELD),
            ("p1", date(2027, 2, 3), CheckinOutcome.HELD),
            ("p1", date(2027, 2, 17), CheckinOutcome.MISSED),
            ("p1", date(2027, 3, 3), CheckinOutcome.HELD),
            ("p2", date(2027, 1, 25), CheckinOutcome.HELD),
            ("p2", date(2027, 2, 8), CheckinOutcome.CANCELLED),
            ("p2", date(2027, 2, 22), CheckinOutcome.HELD),
            ("p2", date(2027, 3, 8), CheckinOutcome.SCHEDULED),
            ("p2", date(2027, 3, 22), CheckinOutcome.SCHEDULED)):  # after today
        session.add(Checkin(pairing_id=ids[key], scheduled_start=_utc(day), timezone=LONDON,
                            outcome=outcome))
    # Satisfaction: three open answers in January (4, 5, 3: 4.0), four confidential ones in
    # February, which wait for a fifth (confidential answers count in whole groups of five).
    pulse = FeedbackForm(programme_id=ids["programme"], title="Pulse", questions=[
        FeedbackQuestion(position=1, text="How satisfied are you?", kind=QuestionKind.RATING,
                         scale_max=5, measure="satisfaction")])
    session.add(pulse)
    session.flush()
    answers = [("zoe", 4, False, date(2027, 1, 20)), ("olafur", 5, False, date(2027, 1, 21)),
               ("ana", 3, False, date(2027, 1, 22))]
    answers += [(who, rating, True, date(2027, 2, 3 + n)) for n, (who, rating) in enumerate(
        (("zoe", 2), ("olafur", 4), ("malgorzata", 5), ("li", 5)))]
    for who, rating, confidential, day in answers:
        session.add(FeedbackResponse(
            form_id=pulse.id, participant_id=ids[who], confidential=confidential,
            submitted_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            answers=[FeedbackAnswer(question_id=pulse.questions[0].id, value_number=rating)]))
    for title, day, attended in (("Zuhören lernen", date(2027, 1, 15), ("zoe", "malgorzata")),
                                 ("Later", date(2027, 4, 1), ("li",))):
        session.add(TrainingSession(
            programme_id=ids["programme"], title=title, topic=TOPIC, starts_at=_utc(day),
            attendance=[TrainingAttendance(participant_id=ids[p], attended=True)
                        for p in attended]))
    managers = session.scalar(select(Kpi).where(Kpi.name == "Managers engaged"))
    session.add(KpiMeasurement(kpi_id=managers.id, measured_on=date(2027, 3, 1), value=55))
    for name, metric in (("Mentees matched", "matched_pct"),
                         ("Check-ins held", "checkins_held_pct"),
                         (SATISFACTION_KPI, "satisfaction_avg"),
                         ("Inactive pairs", "inactive_pairs")):
        kpis.set_kpi_metric(session, kpis.find_kpi(session, ids["programme"], name), metric)
    if hr:
        csv = folder / "hr.csv"
        csv.write_text(OUTCOMES_CSV, encoding="utf-8")
        outcomes.import_outcomes(session, csv)
    session.flush()
    return ids


# --------------------------------------------------------------------------- helpers


def _squash(text: str) -> str:
    """Text without whitespace: paragraphs and cells wrap where the test cannot know."""
    return "".join(text.split())


def _text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def _missing(pdf_text: str, *phrases: str) -> list[str]:
    squashed = _squash(pdf_text)
    return [p for p in phrases if _squash(p) not in squashed]


def _render(db: Any, programme_id: int, today: date = TODAY) -> bytes:
    with db.Session() as s:
        return render_kpi_report(s, programme_id, today=today)


def _dashboard(db: Any, programme_id: int, today: date = TODAY) -> kpis.Dashboard:
    with db.Session() as s:
        return kpis.compute_dashboard(s, programme_id, today=today)


def _kpi_value(kpi: kpis.KpiStatus) -> str:
    return kpis.format_metric(kpi.value, kpi.unit) if kpi.value is not None else "No data"


@pytest.fixture
def small(db: Any, tmp_path: Path) -> dict[str, int]:
    with db.Session.begin() as s:
        return build_programme(s, tmp_path)


@pytest.fixture
def small_report(db: Any, small: dict[str, int]) -> tuple[bytes, str]:
    pdf = _render(db, small["programme"])
    return pdf, _text(pdf)


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    """A database of its own holding the demo programme."""
    database = Database.open(tmp_path / "demo" / "demo.sqlite3")
    with database.Session.begin() as s:
        load_demo(s)
    yield database
    database.close(backup=False)


@pytest.fixture
def demo(demo_db: Database) -> tuple[int, date, bytes, str]:
    with demo_db.Session() as s:
        programme_id = s.scalar(select(Programme.id))
    today = date.today()
    pdf = _render(demo_db, programme_id, today)
    return programme_id, today, pdf, _text(pdf)


# --------------------------------------------------------------------------- KPIs


def test_small_programme_kpis_with_values_and_statuses(small_report) -> None:
    _, text = small_report
    # Matched: 2 of 3 mentees = 66.7%, a third of the way from 50% to 90%: off track.
    # Check-ins: 5 of 7 held = 71.4%, 71% of the way from 50% to 80%: at risk.
    # Managers engaged: measured 55% by hand against 50%: on track.
    # Inactive pairs: none has gone 28 days without a meeting... (p2 met 22 Feb): on track.
    # Satisfaction: the three open answers, 4.0 against 4 (February's four wait): on track.
    assert _missing(
        text,
        "Mentees matched (off track): 66.7% against a target of 90%",
        "Check-ins held (at risk): 71.4% against a target of 80%",
        "Managers engaged (on track): 55% against a target of 50%: target met",
        "Inactive pairs (on track): 0 pairs against a target of at most 1 pair",
        f"{SATISFACTION_KPI} (on track): 4 out of 5 against a target of 4 out of 5: target met",
        # The table: baseline, target, value and status of a KPI side by side.
        "50% 90% 66.7% ● Off track", "50% 80% 71.4% ● At risk", "20% 50% 55% ● On track",
        "at most ", "4 out of 5 ● On track",
    ) == []
    assert _missing(text, "Measured by hand: the latest measurement recorded.",
                    "Computed by MentorDesk: mentees matched.") == []


def test_small_programme_summary_counts_the_statuses(small_report) -> None:
    _, text = small_report
    assert _missing(text, "Of its 5 KPIs, 3 are on track, 1 is at risk and 1 is off track.",
                    "Needs attention: Mentees matched (off track) and Check-ins held "
                    "(at risk).",
                    "The programme runs from 11 January 2027 to 30 June 2027.") == []


def test_demo_report_shows_every_kpi_as_computed(demo, demo_db) -> None:
    programme_id, today, _pdf, text = demo
    dashboard = _dashboard(demo_db, programme_id, today)
    assert dashboard.kpis, "the demo has KPIs"
    for k in dashboard.kpis:
        status = kpis.STATUS_LABELS[k.status]
        # The explanation names the value and the target.
        assert _missing(text, f"{k.name} ({status}): {k.explanation}") == [], k.name
        assert _squash(_kpi_value(k)) in _squash(text)
    counts = {s: sum(1 for k in dashboard.kpis if k.status == s) for s in kpis.STATUS_LABELS}
    assert _missing(text, status_sentence({s: counts[s] for s in (
        kpis.ON_TRACK, kpis.AT_RISK, kpis.OFF_TRACK, kpis.NO_DATA)})) == []


def test_other_figures_are_tiles_of_the_metrics_no_kpi_follows(small_report, db,
                                                               small) -> None:
    _, text = small_report
    m = _dashboard(db, small["programme"]).metrics
    # Enrolled: 5 people; pairs active 2 of 2; training: 1 session delivered (April's is
    # still to come), 2 attendances.
    assert m["enrolled"].value == 5 and m["training_sessions"].value == 1
    # A row of tiles: the figures side by side, then their captions.
    assert _missing(text, "5 people 2 pairs 1 check-in —",
                    "Enrolled: 5 people: 3 mentees, 2 mentors", "Pairs active: 2 of 2 pairs",
                    "Training sessions delivered: 1 session, 2 attendances",
                    "Check-ins missed: 1 of 7 planned check-ins missed") == []
    # A metric a KPI follows is in the KPI table, not a tile of its own.
    assert "Mentees matched: 2 of 3 mentees" not in text


# --------------------------------------------------------------------------- structure


def test_section_titles_are_headings_bookmarks_and_contents(small_report) -> None:
    pdf, text = small_report
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == list(SECTIONS)
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    assert [t for t in SECTIONS if t not in contents] == []
    assert _missing(text, *SECTIONS) == []


def test_as_of_date_on_the_cover_and_in_the_summary(small_report, db, small) -> None:
    pdf, text = small_report
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    cover = _squash(reader.pages[0].extract_text())
    assert _squash("Figures as of 15 March 2027") in cover
    assert _squash(f"{PROGRAMME} · as of 15 March 2027") in cover
    assert _missing(text, f"{PROGRAMME}: its KPIs and figures as of 15 March 2027") == []
    # Another day, other figures: on 1 February only January's check-ins count (2 of 2).
    earlier = _text(_render(db, small["programme"], date(2027, 2, 1)))
    assert _missing(earlier, "Figures as of 1 February 2027",
                    "Check-ins held (on track): 100% against a target of 80%") == []


def test_page_count_and_page_numbers(small_report, demo) -> None:
    for pdf in (small_report[0], demo[2]):
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
        # Cover, contents and the sections: more than a leaflet, less than a book.
        assert 5 <= pages <= 10
        last = reader.pages[-1].extract_text()
        assert f"Page {pages} of {pages}" in last
        assert "Page" not in reader.pages[0].extract_text()  # the cover has no footer


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_no_errors(small_report, demo, tmp_path: Path) -> None:
    for name, pdf in (("small.pdf", small_report[0]), ("demo.pdf", demo[2])):
        path = tmp_path / name
        path.write_bytes(pdf)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors found" in result.stdout


def test_cancelled_writes_nothing(db, small) -> None:
    with db.Session() as s, pytest.raises(UserError, match="Cancelled"):
        render_kpi_report(s, small["programme"], today=TODAY, cancelled=lambda: True)


def test_unknown_programme_is_a_user_error(db) -> None:
    with db.Session() as s, pytest.raises(UserError):
        render_kpi_report(s, 999, today=TODAY)


# --------------------------------------------------------------------------- content


def test_hidden_satisfaction_says_why(small_report) -> None:
    _, text = small_report
    assert _missing(
        text,
        f"{HIDDEN_NOTE} in Feb 2027: confidential answers count only in whole groups of 5",
        "Jan 2027 3 4",  # January's three open answers: 4.0
        f"Feb 2027 4 {HIDDEN_NOTE}",
        "Overall: 4 out of 5 (4 out of 5 from 3 responses; 4 confidential answers left out "
        "until there are 5).",
    ) == []
    assert "4.00" not in text  # nothing lets February's average be worked out


def test_satisfaction_shown_once_five_are_confidential(db, small) -> None:
    with db.Session.begin() as s:
        pulse = s.scalar(select(FeedbackForm).where(FeedbackForm.title == "Pulse"))
        s.add(FeedbackResponse(form_id=pulse.id, participant_id=small["ana"], confidential=True,
                               submitted_at=datetime(2027, 3, 2, 12, tzinfo=UTC), answers=[
            FeedbackAnswer(question_id=pulse.questions[0].id, value_number=3)]))
    dashboard = _dashboard(db, small["programme"])
    value = dashboard.metrics["satisfaction_avg"].value
    assert value is not None  # (4 + 5 + 3 + 2 + 4 + 5 + 5 + 3) / 8 = 3.88
    text = _text(_render(db, small["programme"]))
    shown = kpis.format_metric(value, "out of 5")
    assert _missing(text, f"{SATISFACTION_KPI} (on track)" if value >= 4 else
                    f"{SATISFACTION_KPI} (at risk): {shown} against") == []
    assert f"{SATISFACTION_KPI} (no data)" not in _squash(text)


def test_retention_and_promotion_of_participants_against_others(small_report) -> None:
    _, text = small_report
    assert _missing(
        text,
        "Participants 4 3 75% 1 25%",
        "Other employees 4 2 50% 1 25%",
        "Retention: 75% of participants against 50% of other employees (25 points higher).",
        "Promotion: 25% of participants against 25% of other employees (the same).",
    ) == []
    assert _squash(NO_OUTCOMES_NOTE) not in _squash(text)


def test_demo_compares_outcomes_or_says_there_are_none(demo, demo_db) -> None:
    programme_id, today, _pdf, text = demo
    metrics = _dashboard(demo_db, programme_id, today).metrics
    ours, others = metrics["retention_participants_pct"], metrics["retention_others_pct"]
    if ours.denominator is None:  # no HR outcomes in the demo
        assert _missing(text, NO_OUTCOMES_NOTE) == []
        assert "Other employees" not in text
        return
    up_ours, up_others = (metrics["promotion_participants_pct"],
                          metrics["promotion_others_pct"])
    for group, kept, up in (("Participants", ours, up_ours),
                            ("Other employees", others, up_others)):
        assert _missing(text, f"{group} {kept.denominator:,} {kept.numerator:,} "
                              f"{kpis.format_metric(kept.value, '%')} {up.numerator:,} "
                              f"{kpis.format_metric(up.value, '%')}") == [], group
    assert _squash(NO_OUTCOMES_NOTE) not in _squash(text)


def test_without_hr_outcomes_the_report_says_so(db, tmp_path: Path) -> None:
    with db.Session.begin() as s:
        ids = build_programme(s, tmp_path, hr=False)
    text = _text(_render(db, ids["programme"]))
    assert _missing(text, NO_OUTCOMES_NOTE) == []
    assert "Other employees" not in text


def test_checkins_funnel_and_training(small_report) -> None:
    _, text = small_report
    assert _missing(
        text,
        # Month, planned, held, missed, not logged, cancelled.
        "Jan 2027 2 2 0 0 0", "Feb 2027 3 2 1 0 1", "Mar 2027 2 1 0 1 0",
        # Three mentees: two matched, in an active pair, met; nobody reached a goal.
        "Of 3 mentees signed up: 2 matched (67%), 2 in an active pair (67%), 2 met at least "
        "once (67%) and 0 reached a goal (0%).",
        f"{TOPIC} 1 2",
    ) == []


def test_names_in_any_script_print(small_report) -> None:
    pdf, text = small_report
    assert _missing(text, PROGRAMME, ORGANISATION, SATISFACTION_KPI, TOPIC,
                    "Führung stärken") == []
    assert "\ufffd" not in text
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts  # 满意度 and 傾聴 fell back to it


def test_what_the_numbers_mean_lists_every_metric(small_report) -> None:
    _, text = small_report
    assert _missing(text, *(f"{info.label} ({info.unit}): {info.description}"
                            for info in kpis.METRICS.values())) == []


def test_programme_without_kpis_or_data(db) -> None:
    with db.Session.begin() as s:
        programme_id = create_programme(s, ProgrammeData(name="Empty")).id
    text = _text(_render(db, programme_id))
    assert _missing(text, "The programme has no KPIs yet",
                    "No check-ins were planned up to 15 March 2027.",
                    "No feedback measuring satisfaction has been received yet.",
                    "No mentees have signed up yet.",
                    "No training sessions were delivered up to 15 March 2027.",
                    "The programme's dates are not set yet.") == []
    assert "● " not in text  # no empty KPI table


# --------------------------------------------------------------------------- charts


BRANDING = Branding("Test", primary="#123456", accent="#ABCDEF")


def test_checkins_chart_stacks_held_missed_cancelled_with_planned_line(db, small) -> None:
    months = _dashboard(db, small["programme"]).checkins_by_month
    drawing = checkins_chart(months, BRANDING, 400)
    chart = next(c for c in drawing.contents if isinstance(c, VerticalBarChart))
    assert chart.data == [[2, 2, 1], [0, 1, 0], [0, 1, 0]]  # held, missed, cancelled
    assert chart.categoryAxis.style == "stacked"
    assert chart.categoryAxis.categoryNames == ["Jan 2027", "Feb", "Mar"]
    line = [c for c in drawing.contents if isinstance(c, PolyLine)]
    assert len(line) == 1 and len(line[0].points) == 2 * 3  # planned: 2, 3, 2
    dots = [c for c in drawing.contents if isinstance(c, Circle)]
    assert sorted(round(d.cy) for d in dots)[0] < max(round(d.cy) for d in dots)
    assert str(chart.bars[0].fillColor.hexval()).lower() == "0x123456"


def test_satisfaction_chart_leaves_a_gap_for_hidden_months() -> None:
    months = ((date(2027, 1, 1), 4.0, 3), (date(2027, 2, 1), None, 4),
              (date(2027, 3, 1), 3.5, 6), (date(2027, 4, 1), 4.5, 7),
              (date(2027, 5, 1), None, 0))
    drawing = satisfaction_chart(months, BRANDING, 400)
    points = [c for c in drawing.contents if isinstance(c, Circle) and c.r == POINT_RADIUS]
    assert len(points) == 3  # the hidden month and the month without answers are gaps
    lines = [c for c in drawing.contents if isinstance(c, PolyLine)]
    assert [len(line.points) for line in lines] == [4]  # March to April only
    labels = [c.text for c in drawing.contents if isinstance(c, String)]
    assert labels.count("hidden") == 1  # February, which had answers


def test_funnel_chart_has_a_bar_per_stage_first_on_top() -> None:
    funnel = (("Mentees signed up", 10), ("Matched", 8), ("In an active pair", 6),
              ("Met at least once", 5), ("Reached a goal", 1))
    drawing = funnel_chart(funnel, BRANDING, 400)
    chart = next(c for c in drawing.contents if isinstance(c, HorizontalBarChart))
    assert chart.data == [[1, 5, 6, 8, 10]]  # drawn bottom up
    assert chart.categoryAxis.categoryNames[-1] == "Mentees signed up"
    assert chart.barLabelFormat(8) == "8 (80%)"


@pytest.mark.parametrize(("largest", "expected"), [
    (0, (1, 1)), (3, (3, 1)), (16, (20, 5)), (40, (40, 10)), (123, (150, 50)),
])
def test_nice_scale(largest: float, expected: tuple[float, float]) -> None:
    assert nice_scale(largest) == expected


def test_status_sentence() -> None:
    assert status_sentence({kpis.ON_TRACK: 1, kpis.AT_RISK: 0, kpis.OFF_TRACK: 2,
                            kpis.NO_DATA: 0}) == (
        "Of its 3 KPIs, 1 is on track and 2 are off track.")
    assert status_sentence(dict.fromkeys(kpis.STATUS_LABELS, 0)).startswith(
        "The programme has no KPIs yet")
    assert status_sentence({kpis.ON_TRACK: 0, kpis.AT_RISK: 0, kpis.OFF_TRACK: 0,
                            kpis.NO_DATA: 2}) == "None of its 2 KPIs has data yet."


def test_load_report_reads_the_dashboard_as_of_the_day(db, small) -> None:
    with db.Session() as s:
        ctx = load_report(s, small["programme"], today=TODAY)
    assert ctx.as_of == TODAY
    assert ctx.status_counts() == {kpis.ON_TRACK: 3, kpis.AT_RISK: 1, kpis.OFF_TRACK: 1,
                                   kpis.NO_DATA: 0}
    assert "matched_pct" not in ctx.other_metrics()
    assert "retention_participants_pct" not in ctx.other_metrics()
