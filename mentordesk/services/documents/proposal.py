"""The programme proposal: a PDF that asks a leadership team to back a mentoring programme.

:func:`render_proposal` reads a programme (objectives, KPIs, dates, format, rhythm), who
has enrolled so far and any training planned, and lays out a proposal on the shared
document layout: an executive summary with the ask, objectives against the strategy,
expected benefits, how the programme works, KPIs and targets, a timeline computed from the
dates, the time and budget it needs, risks, the decision asked for, and a contact.

Every section is a small function of one :class:`ProposalContext`. Pieces another document
needs too are public here: :func:`plan_timeline` and :func:`timeline_chart` /
:func:`timeline_table`, :func:`key_figures`, :func:`section`, :func:`format_value` and
:func:`kpi_aim`. What is missing from the programme is said in the document ("still to be
decided"), never left as an empty table.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import (
    Audience,
    Cadence,
    KpiDirection,
    Pairing,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    ProgrammeFormat,
    ProgrammeStructure,
    TrainingSession,
)
from mentordesk.services.checkins import agenda_topics
from mentordesk.services.documents import fonts, layout
from mentordesk.services.documents.branding import load_branding
from mentordesk.services.documents.fonts import Family, Style
from mentordesk.services.documents.layout import Branding, Styles
from mentordesk.services.documents.wording import (
    AUDIENCE_NAMES,
    CADENCE_WORDS,
    DAYS_PER_MONTH,
    length_words,
    long_date,
    month_label,
    short_date,
    weekday_date,
)

# Shared with every document; imported from here by the documents built on the proposal.
from mentordesk.services.documents.wording import date_range as date_range
from mentordesk.services.documents.wording import format_value as format_value
from mentordesk.services.documents.wording import number as number
from mentordesk.services.documents.wording import plural as plural
from mentordesk.services.documents.wording import span as span
from mentordesk.services.documents.wording import week_range as week_range
from mentordesk.services.pairing import KEPT_STATUSES
from mentordesk.services.programmes import KpiData, ProgrammeData, get_programme

TITLE = "Programme proposal"

# --------------------------------------------------------------------------- planning rules

# A programme of at least this many days gets the full set-up (one week of launch, two of
# enrolment, one of matching) and two weeks to close; a shorter one gets them in proportion.
REFERENCE_DAYS = 16 * 7
# Shorter than this, launch to close leaves pairs too few meetings to matter: said so.
MIN_SENSIBLE_DAYS = 6 * 7
# Without both dates the plan is shown in weeks for a typical six-month programme.
ASSUMED_DAYS = 26 * 7
MEETINGS_PER_MONTH = {Cadence.WEEKLY: 52 / 12, Cadence.FORTNIGHTLY: 26 / 12,
                      Cadence.MONTHLY: 1.0}
# Before enrolment there are no people to count: plan for this many pairs (or circles).
PLANNING_PAIRS = 10
PLANNING_CIRCLES = 4
# The coordinator's time (hours). Set-up: launch, enrolment questions, checking matches and
# introductions. Running: a fixed hour a week plus a few minutes per pair for nudges and
# questions. Close: final survey, KPI figures, certificates and the celebration.
COORDINATOR_SETUP_HOURS = 12.0
COORDINATOR_SETUP_PER_PERSON = 0.5
COORDINATOR_WEEKLY_HOURS = 1.0
COORDINATOR_WEEKLY_PER_PAIR = 0.1
COORDINATOR_CLOSE_HOURS = 8.0
COORDINATOR_CLOSE_PER_PERSON = 0.25
FULL_TIME_HOURS_PER_WEEK = 37.5

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten", "eleven", "twelve")


# --------------------------------------------------------------------------- formatting


def kpi_aim(kpi: KpiData) -> str:
    """What a KPI's target asks for: ``↑ raise by 65 points``, ``↓ lower by 3 days``, or
    ``↑ raise to 85%`` when there is no baseline."""
    if kpi.baseline_value is None:
        up = kpi.direction == KpiDirection.INCREASE
    elif kpi.target_value == kpi.baseline_value:
        return f"→ hold at {format_value(kpi.target_value, kpi.unit)}"
    else:
        # The figures are the plan: they say which way it goes even if the direction
        # was left at its default.
        up = kpi.target_value > kpi.baseline_value
    arrow, verb = ("↑", "raise") if up else ("↓", "lower")
    if kpi.baseline_value is None:
        return f"{arrow} {verb} to {format_value(kpi.target_value, kpi.unit)}"
    change = abs(kpi.target_value - kpi.baseline_value)
    unit = kpi.unit.strip()
    # A change of a percentage is in points; a scale such as "out of 5" reads badly after a
    # change ("by 0.6 out of 5"), so only a one-word unit (days, hours, EUR) is kept.
    amount = (f"{number(change)} points" if unit == "%" else
              number(change) if " " in unit else format_value(change, unit))
    return f"{arrow} {verb} by {amount}"


def hours(value: float) -> str:
    """Hours for reading: whole from 20 up, else to one decimal (``54``, ``6.8``, ``4``)."""
    if value >= 20:
        return f"{round(value):,}"
    return f"{value:.1f}".removesuffix(".0")


def _word(count: int) -> str:
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineStep:
    """One phase (a span of days) or event (one day) of a plan.

    Attributes:
        key: a stable name other sections refer to (``"kickoff"``).
        name: the heading printed for it.
        what: what happens, in a sentence.
        first_day: days from launch (0 is the launch day).
        last_day: the last day, inclusive; equal to ``first_day`` for an event.
        start: the date of ``first_day`` when the plan has dates.
        end: the date of ``last_day`` when the plan has dates.
        event: a single occasion (drawn as a diamond) rather than a phase.
    """

    key: str
    name: str
    what: str
    first_day: int
    last_day: int
    start: date | None = None
    end: date | None = None
    event: bool = False

    @property
    def when(self) -> str:
        """The dates (``Mon 1 Feb 2027``, ``4–10 Jan 2027``) or weeks from launch."""
        if self.start is not None and self.end is not None:
            return weekday_date(self.start) if self.event else date_range(self.start, self.end)
        return week_range(self.first_day, self.last_day)


@dataclass(frozen=True)
class Timeline:
    """A programme's plan from launch to close.

    Attributes:
        steps: the phases and events in order.
        days: the length from launch to close, both days included.
        start: the launch date, when known.
        end: the closing date, when known (or assumed, see ``end_assumed``).
        end_assumed: the programme has a start but no end; ``end`` assumes six months.
    """

    steps: tuple[TimelineStep, ...]
    days: int
    start: date | None
    end: date | None
    end_assumed: bool = False

    @property
    def dated(self) -> bool:
        """Whether the steps carry dates."""
        return self.start is not None

    def step(self, key: str) -> TimelineStep:
        """The step called ``key``."""
        return next(s for s in self.steps if s.key == key)

    @property
    def checkin_days(self) -> int:
        """How many days pairs meet: from the kick-off to the start of the close."""
        return max(1, self.step("close").first_day - self.step("kickoff").first_day)

    def weeks(self) -> float:
        """The whole plan in weeks."""
        return self.days / 7


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _weekday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday() - 4 if day.weekday() >= 5 else 0)


def plan_timeline(start: date | None, end: date | None) -> Timeline:
    """The plan of a programme launched on ``start`` and closing on ``end``.

    Launch and readiness survey (week 1), enrolment (weeks 2-3), matching (week 4), the
    kick-off (week 5), check-ins until two weeks before the end with a review half-way,
    then the close. Programmes shorter than 16 weeks get every part in proportion. Events
    falling on a weekend move to the nearest working day inside the programme. Without
    dates the steps are in days from launch for a 26-week programme.
    """
    end_assumed = False
    if start is not None and end is not None:
        days = (end - start).days + 1
    else:
        days = ASSUMED_DAYS
        if start is not None:
            end, end_assumed = start + timedelta(days=days - 1), True
    scale = min(1.0, days / REFERENCE_DAYS)

    def offset(reference_days: int) -> int:
        return round(reference_days * scale)

    enrol, match, kickoff = offset(7), offset(21), offset(28)
    close = max(kickoff, days - max(1, offset(14)))
    last = days - 1
    review = kickoff + max(0, close - 1 - kickoff) // 2

    def on(day: int) -> date | None:
        return None if start is None else start + timedelta(days=day)

    def event_day(day: int, forward: bool) -> int:
        when = on(day)
        if when is None:
            return day
        moved = _weekday_on_or_after(when) if forward else _weekday_on_or_before(when)
        return min(last, max(0, day + (moved - when).days))

    kickoff_day, review_day = event_day(kickoff, True), event_day(review, True)
    celebration = on(event_day(last, False))
    close_what = "Final survey, KPIs measured against their baselines, certificates"
    close_what += (f"; celebration on {weekday_date(celebration)}." if celebration
                   else "; a closing celebration.")

    def phase(key: str, name: str, what: str, first: int, final: int,
              event: bool = False) -> TimelineStep:
        final = max(first, final)
        return TimelineStep(key, name, what, first, final, on(first), on(final), event)

    steps = (
        phase("launch", "Launch and readiness survey",
              "Announce the programme; managers and sponsors answer a short readiness "
              "survey.", 0, enrol - 1),
        phase("enrolment", "Enrolment",
              "Mentors and mentees sign up with their goals, skills and availability.",
              enrol, match - 1),
        phase("matching", "Matching",
              "Matches proposed, checked by the coordinator, introductions sent.",
              match, kickoff - 1),
        phase("kickoff", "Kick-off and training",
              "Kick-off for everyone; mentor training and mentee orientation.",
              kickoff_day, kickoff_day, event=True),
        phase("checkins", "Regular check-ins",
              "Pairs meet on their agreed rhythm; the coordinator follows up on missed "
              "meetings.", kickoff_day, close - 1),
        phase("review", "Mid-programme review",
              "Short feedback survey, KPI readings, rematching where a pair is stuck.",
              review_day, review_day, event=True),
        phase("close", "Close and celebration", close_what, close, last),
    )
    return Timeline(steps, days, start, end, end_assumed)


# --------------------------------------------------------------------------- people and time


@dataclass(frozen=True)
class Enrolment:
    """Who has signed up so far (active people) and the pairs already agreed.

    ``mentees`` and ``mentors`` both count people who are both; ``people`` counts each once.
    """

    mentees: int = 0
    mentors: int = 0
    capacity: int = 0
    people: int = 0
    pairs: int = 0

    @property
    def any(self) -> bool:
        """Whether anyone has enrolled yet."""
        return self.people > 0


def load_enrolment(session: Session, programme_id: int) -> Enrolment:
    """The active participants as mentors (with places) and mentees, and agreed pairs."""
    mentees = mentors = capacity = people = 0
    rows = session.execute(
        select(Participant.role, Participant.mentor_capacity, func.count(Participant.id))
        .where(Participant.status == ParticipantStatus.ACTIVE)
        .group_by(Participant.role, Participant.mentor_capacity))
    for role, places, count in rows:
        mentor = role in (ParticipantRole.MENTOR, ParticipantRole.BOTH) and places > 0
        mentee = role in (ParticipantRole.MENTEE, ParticipantRole.BOTH)
        mentors += count if mentor else 0
        capacity += places * count if mentor else 0
        mentees += count if mentee else 0
        people += count if mentor or mentee else 0
    pairs = session.scalar(select(func.count(Pairing.id)).where(
        Pairing.programme_id == programme_id, Pairing.status.in_(KEPT_STATUSES))) or 0
    return Enrolment(mentees, mentors, capacity, people, pairs)


@dataclass(frozen=True)
class TrainingItem:
    """A training session or event of the plan: ``booked`` in the programme, or suggested."""

    title: str
    audience: Audience
    minutes: int
    when: str
    booked: bool = False


def plan_training(session: Session, programme_id: int,
                  timeline: Timeline) -> tuple[TrainingItem, ...]:
    """The programme's booked training sessions, then the suggested ones they leave out.

    Mentor training and mentee orientation are suggested only for an audience with no
    session booked; the kick-off, the mid-programme clinic and the celebration always are.
    """
    stored = session.scalars(select(TrainingSession).where(
        TrainingSession.programme_id == programme_id).order_by(TrainingSession.starts_at)).all()
    booked = tuple(TrainingItem(t.title, t.audience, t.duration_minutes,
                                weekday_date(t.starts_at.date()), booked=True) for t in stored)
    covered = {t.audience for t in booked}
    matching, kickoff = timeline.step("matching"), timeline.step("kickoff")
    review, close = timeline.step("review"), timeline.step("close")
    suggested = [
        TrainingItem("Mentor training: listening, questions, feedback", Audience.MENTORS, 120,
                     matching.when),
        TrainingItem("Mentee orientation: making the most of mentoring", Audience.MENTEES, 60,
                     matching.when),
    ]
    suggested = [t for t in suggested if t.audience not in covered]
    suggested += [
        TrainingItem("Kick-off", Audience.EVERYONE, 60, kickoff.when),
        TrainingItem("Mentor clinic: what is working, what is stuck", Audience.MENTORS, 60,
                     review.when),
        TrainingItem("Closing celebration", Audience.EVERYONE, 60,
                     weekday_date(close.end) if close.end
                     else week_range(close.last_day, close.last_day)),
    ]
    return booked + tuple(suggested)


@dataclass(frozen=True)
class ResourcePlan:
    """The time the programme needs, estimated from its rhythm, length and size.

    Attributes:
        pairs: pairs (or circles) planned; ``pairs_assumed`` when nobody has enrolled.
        people: participants the coordinator looks after.
        months: months of regular check-ins.
        meetings: meetings per pair (or circle) over the programme.
        meeting_hours: hours of meetings per pair: ``meetings`` × the meeting length.
        mentor_extra_hours: training and events for a mentor.
        mentee_extra_hours: training and events for a mentee.
        coordinator_setup: coordinator hours from launch to kick-off.
        coordinator_running: coordinator hours while pairs meet.
        coordinator_close: coordinator hours to close.
    """

    pairs: int
    pairs_assumed: bool
    people: int
    months: float
    meetings: int
    meeting_hours: float
    mentor_extra_hours: float
    mentee_extra_hours: float
    coordinator_setup: float
    coordinator_running: float
    coordinator_close: float
    weeks: float

    @property
    def coordinator_total(self) -> float:
        """All the coordinator's hours."""
        return self.coordinator_setup + self.coordinator_running + self.coordinator_close

    @property
    def coordinator_per_week(self) -> float:
        """The coordinator's hours per week on average over the programme."""
        return self.coordinator_total / max(1.0, self.weeks)

    @property
    def mentor_meeting_hours_total(self) -> float:
        """Mentors' meeting hours, all pairs (or circles) together."""
        return self.meeting_hours * self.pairs


def plan_resources(data: ProgrammeData, enrolment: Enrolment, timeline: Timeline,
                   training: Sequence[TrainingItem]) -> ResourcePlan:
    """The time the programme needs (see :class:`ResourcePlan` and the COORDINATOR_ rules)."""
    group = data.format == ProgrammeFormat.GROUP
    if group:
        wanted = math.ceil(enrolment.mentees / data.circle_max_size)
        pairs = max(enrolment.pairs, min(enrolment.mentors, wanted))
    else:
        pairs = max(enrolment.pairs, min(enrolment.mentees, enrolment.capacity))
    assumed = pairs == 0
    people = enrolment.people
    if assumed:
        pairs = PLANNING_CIRCLES if group else PLANNING_PAIRS
        circle = (data.circle_min_size + data.circle_max_size) // 2
        people = pairs * (1 + circle) if group else 2 * pairs
    months = timeline.checkin_days / DAYS_PER_MONTH
    meetings = max(1, math.floor(months * MEETINGS_PER_MONTH[data.default_cadence]))

    def extra(audience: Audience) -> float:
        return sum(t.minutes for t in training
                   if t.audience in (audience, Audience.EVERYONE)) / 60

    running_weeks = timeline.checkin_days / 7
    return ResourcePlan(
        pairs=pairs, pairs_assumed=assumed, people=people, months=months, meetings=meetings,
        meeting_hours=meetings * data.default_duration_minutes / 60,
        mentor_extra_hours=extra(Audience.MENTORS), mentee_extra_hours=extra(Audience.MENTEES),
        coordinator_setup=COORDINATOR_SETUP_HOURS + COORDINATOR_SETUP_PER_PERSON * people,
        coordinator_running=running_weeks * (COORDINATOR_WEEKLY_HOURS
                                             + COORDINATOR_WEEKLY_PER_PAIR * pairs),
        coordinator_close=COORDINATOR_CLOSE_HOURS + COORDINATOR_CLOSE_PER_PERSON * people,
        weeks=timeline.weeks())


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class ProposalContext:
    """Everything the sections of a programme document read.

    Built once by :func:`load_context`; every ``_section_*`` function turns it into
    flowables, so a section never queries the database.
    """

    programme_id: int
    data: ProgrammeData
    branding: Branding
    styles: Styles
    width: float
    enrolment: Enrolment
    timeline: Timeline
    training: tuple[TrainingItem, ...]
    resources: ResourcePlan
    today: date

    @property
    def group(self) -> bool:
        """Whether mentors lead circles rather than pairs."""
        return self.data.format == ProgrammeFormat.GROUP

    @property
    def unit(self) -> str:
        """What meets: ``pair`` or ``circle``."""
        return "circle" if self.group else "pair"

    @property
    def formal(self) -> bool:
        """Whether the programme sets a rhythm and agenda."""
        return self.data.structure == ProgrammeStructure.FORMAL

    @property
    def agenda(self) -> list[str]:
        """The agenda topics as the check-ins read them (numbers and bullets dropped)."""
        return agenda_topics(self.data.agenda)

    def to_decide(self) -> list[str]:
        """What the programme still lacks, as phrases for "still to be decided: ..."."""
        d = self.data
        gaps = []
        if d.start_date is None and d.end_date is None:
            gaps.append("the start and end dates")
        elif d.start_date is None:
            gaps.append("the start date")
        elif d.end_date is None:
            gaps.append("the end date")
        elif self.timeline.days < MIN_SENSIBLE_DAYS:
            gaps.append(f"dates that leave time for mentoring (launch to close is only "
                        f"{plural(self.timeline.days, 'day')})")
        if not d.objectives:
            gaps.append("the objectives and the strategic goals they serve")
        elif unlinked := [o for o in d.objectives if not o.organisational_goal]:
            gaps.append(f"the strategic goal of {plural(len(unlinked), 'objective')}")
        if not d.kpis:
            gaps.append("the KPIs and their targets")
        elif missing := [k for k in d.kpis if k.baseline_value is None]:
            gaps.append(f"the baseline of {plural(len(missing), 'KPI')}")
        if self.formal and not self.agenda:
            gaps.append("the meeting agenda")
        if not d.coordinator_name:
            gaps.append("who coordinates the programme")
        return gaps


def document_styles(branding: Branding, name: str = "proposal") -> Styles:
    """The shared styles with more air above headings (dropped at the top of a page), for
    the programme documents and the KPI report; ``name`` names the heading styles."""
    styles = layout.make_styles(branding)
    return dataclasses.replace(
        styles, h1=ParagraphStyle(f"h1-{name}", parent=styles.h1, spaceBefore=16),
        h2=ParagraphStyle(f"h2-{name}", parent=styles.h2, spaceBefore=12))


def load_context(session: Session, programme_id: int, *,
                 today: date | None = None) -> ProposalContext:
    """Read everything a programme document needs.

    Raises:
        UserError: there is no such programme.
    """
    record = get_programme(session, programme_id)
    branding = load_branding(session, programme_id)
    timeline = plan_timeline(record.data.start_date, record.data.end_date)
    enrolment = load_enrolment(session, programme_id)
    training = plan_training(session, programme_id, timeline)
    page_width = layout.PAPER_SIZES.get(branding.paper, A4)[0]
    return ProposalContext(
        programme_id=programme_id, data=record.data, branding=branding,
        styles=document_styles(branding), width=page_width - 2 * layout.MARGIN,
        enrolment=enrolment, timeline=timeline, training=training,
        resources=plan_resources(record.data, enrolment, timeline, training),
        today=today or date.today())


# --------------------------------------------------------------------------- building blocks


def section(title: str, styles: Styles, *opening: Flowable, level: int = 0) -> Flowable:
    """A heading kept on one page with the flowables that open its section."""
    return layout.keep(layout.heading(title, styles, level), *opening)


def lead_style(styles: Styles) -> ParagraphStyle:
    """A slightly larger body style for a section's opening paragraph."""
    return ParagraphStyle("lead", parent=styles.body, fontSize=11.5, leading=16.5,
                          spaceAfter=8)


def key_figures(figures: Sequence[tuple[str, str]], styles: Styles, branding: Branding,
                width: float) -> Table:
    """A row of tiles, each a big figure over a short caption.

    ``figures`` are ``(figure, caption)`` pairs such as ``("6 months", "launch to close")``;
    a figure too long for its tile is set smaller rather than wrapped.
    """
    gap = 4 * mm
    tile = (width - gap * (len(figures) - 1)) / len(figures)
    padding = 3 * mm
    serif_bold = fonts.font_name(Family.SERIF, Style.BOLD)
    caption = ParagraphStyle("figure-caption", parent=styles.small, spaceAfter=0,
                             textColor=colors.HexColor("#444444"))
    cells: list[object] = []
    widths: list[float] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), padding), ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    # One size for every tile (the largest at which all fit), so the row reads as a set.
    size = min(fonts.fit_size(figure, tile - 2 * padding - 1, 20, 11, family=Family.SERIF,
                              style=Style.BOLD) for figure, _ in figures)
    big = ParagraphStyle("figure", fontName=serif_bold, fontSize=size, leading=size * 1.25,
                         textColor=layout.colour(branding.primary), spaceAfter=2)
    for i, (figure, text) in enumerate(figures):
        if i:
            cells.append("")
            widths.append(gap)
        cells.append([layout.para(figure, big), layout.para(text, caption)])
        widths.append(tile)
        column = len(cells) - 1
        commands += [("BACKGROUND", (column, 0), (column, 0), layout.tint(branding.primary, 0.9)),
                     ("LINEABOVE", (column, 0), (column, 0), 2.5,
                      layout.colour(branding.primary))]
    result = Table([cells], colWidths=widths, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def cards(columns: Sequence[tuple[str, Sequence[str]]], styles: Styles, branding: Branding,
          width: float) -> Table:
    """Side-by-side cards, each a title band over a bulleted list."""
    gap = 4 * mm
    card = (width - gap * (len(columns) - 1)) / len(columns)
    head = ParagraphStyle("card-head", parent=styles.cell_head, fontSize=10, leading=13)
    card_styles = dataclasses.replace(styles, bullet=ParagraphStyle(
        "card-bullet", parent=styles.cell, leading=12.5, spaceAfter=4))
    heads: list[object] = []
    bodies: list[object] = []
    widths: list[float] = []
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 7), ("RIGHTPADDING", (0, 0), (-1, -1), 7),
    ]
    for i, (title, items) in enumerate(columns):
        if i:
            heads.append("")
            bodies.append("")
            widths.append(gap)
        heads.append(layout.para(title, head))
        bodies.append([layout.bullets(list(items), card_styles)])
        widths.append(card)
        c = len(heads) - 1
        commands += [("BACKGROUND", (c, 0), (c, 0), layout.colour(branding.primary)),
                     ("BACKGROUND", (c, 1), (c, 1), layout.tint(branding.primary, 0.92))]
    result = Table([heads, bodies], colWidths=widths, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


class _TimelineChart(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """A Gantt-style chart: a row per step, bars for phases and diamonds for events."""

    ROW = 7.5 * mm
    AXIS = 8 * mm
    LABEL = 52 * mm

    def __init__(self, timeline: Timeline, branding: Branding, width: float) -> None:
        super().__init__()
        self.timeline, self.branding = timeline, branding
        self.width = width
        self.height = len(timeline.steps) * self.ROW + self.AXIS

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def _x(self, day: float) -> float:
        return float(self.LABEL + (self.width - self.LABEL) * day / self.timeline.days)

    def _ticks(self) -> list[tuple[int, str]]:
        """Axis marks: each month's first day (every third month when long), or weeks."""
        t = self.timeline
        if t.start is None:
            step = 4 if t.days <= 26 * 7 else 8
            return [(w * 7, f"Wk {w + 1}") for w in range(0, t.days // 7 + 1, step)]
        # First days of months inside the programme; a partial first month gets no mark,
        # whose label would collide with the next one.
        months = []
        day = t.start if t.start.day == 1 else date(
            t.start.year + t.start.month // 12, t.start.month % 12 + 1, 1)
        while (day - t.start).days < t.days:
            months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        every = 1 if len(months) <= 9 else 3 if len(months) <= 27 else 6
        marks = []
        for i, month in enumerate(months[::every]):
            label = month_label(month, year=not i or month.month == 1)
            marks.append(((month - t.start).days, label))
        return marks

    def draw(self) -> None:
        c, t = self.canv, self.timeline
        primary, accent = layout.colour(self.branding.primary), layout.colour(
            self.branding.accent)
        grey = colors.HexColor("#BBBBBB")
        c.saveState()
        bottom = self.AXIS
        for day, label in self._ticks():
            x = self._x(day)
            c.setStrokeColor(grey)
            c.setLineWidth(0.4)
            c.setDash(1, 2)
            c.line(x, bottom - 1.5 * mm, x, self.height)
            c.setFillColor(colors.HexColor("#555555"))
            fonts.draw_text(c, x + 1, bottom - 5 * mm, label, 7.5)
        c.setDash()
        c.setStrokeColor(colors.HexColor("#888888"))
        c.setLineWidth(0.6)
        c.line(self.LABEL, bottom, self.width, bottom)
        for row, step in enumerate(t.steps):
            top = self.height - row * self.ROW
            middle = top - self.ROW / 2
            if row % 2 == 0:
                c.setFillColor(layout.tint(self.branding.primary, 0.95))
                c.rect(0, top - self.ROW, self.width, self.ROW, stroke=0, fill=1)
            c.setFillColor(colors.HexColor("#222222"))
            fonts.draw_text(c, 2 * mm, middle - 3, step.name, 8.5)
            if step.event:
                x, r = self._x(step.first_day + 0.5), 2.6 * mm
                c.setFillColor(accent)
                c.setStrokeColor(colors.white)
                path = c.beginPath()
                path.moveTo(x, middle + r)
                path.lineTo(x + r, middle)
                path.lineTo(x, middle - r)
                path.lineTo(x - r, middle)
                path.close()
                c.drawPath(path, stroke=1, fill=1)
            else:
                x0, x1 = self._x(step.first_day), self._x(step.last_day + 1)
                shade = layout.tint(self.branding.primary, 0.45) if step.key == "checkins" \
                    else primary
                c.setFillColor(shade)
                c.roundRect(x0, middle - 2 * mm, max(1.5, x1 - x0), 4 * mm, 1.2 * mm,
                            stroke=0, fill=1)
        c.restoreState()


def timeline_chart(timeline: Timeline, branding: Branding, width: float) -> Flowable:
    """The timeline as a Gantt-style chart ``width`` points wide (months or weeks below)."""
    return _TimelineChart(timeline, branding, width)


def timeline_table(timeline: Timeline, styles: Styles, branding: Branding,
                   width: float) -> Table:
    """The timeline as a table: when, what and what happens."""
    rows = [["When", "Milestone", "What happens"]]
    rows += [[s.when, s.name, s.what] for s in timeline.steps]
    return layout.table(rows, styles, branding, [width * 0.24, width * 0.26, width * 0.50])


# --------------------------------------------------------------------------- sections


def _length_words(ctx: ProposalContext) -> str:
    """``six-month`` or ``ten-week``; empty when the length is unknown."""
    t = ctx.timeline
    if not t.dated or t.end_assumed:
        return ""
    amount, unit = span(t.days)
    return f"{_word(round(amount))}-{unit}"


def _length_figure(ctx: ProposalContext) -> tuple[str, str]:
    t = ctx.timeline
    if not t.dated or t.end_assumed or t.start is None or t.end is None:
        return "To be set", "programme dates still to be decided"
    amount, unit = span(t.days)
    return plural(round(amount), unit), f"{short_date(t.start)} to {short_date(t.end)}"


def _format_words(ctx: ProposalContext, organisation: str = "") -> str:
    """``one-to-one mentoring programme[ for X]: each mentee with ...``."""
    d = ctx.data
    whose = f" for {organisation}" if organisation else ""
    if ctx.group:
        return (f"group mentoring programme{whose}: circles of {d.circle_min_size} to "
                f"{d.circle_max_size} mentees, each led by a mentor")
    return f"one-to-one mentoring programme{whose}: each mentee with a mentor of their own"


def _objectives_caption(ctx: ProposalContext) -> str:
    objectives = ctx.data.objectives
    linked = sum(1 for o in objectives if o.organisational_goal)
    if not objectives:
        return "objectives still to be decided"
    if linked == len(objectives):
        return "each tied to a strategic goal"
    return f"{linked} tied to a strategic goal so far"


def _section_summary(ctx: ProposalContext) -> list[Flowable]:
    d, s, e, r, t = ctx.data, ctx.styles, ctx.enrolment, ctx.resources, ctx.timeline
    length = _length_words(ctx)
    opening = (f"{d.name} is a {length + ' ' if length else ''}"
               f"{_format_words(ctx, ctx.branding.organisation)}.")
    # The coordinator's own description leads when there is one; the facts follow it.
    lead = d.description.strip() or opening
    story: list[Flowable] = [section("Executive summary", s, layout.para(lead, lead_style(s)))]
    if t.dated and t.start and t.end and not t.end_assumed:
        when = (f"It runs from {long_date(t.start)} to {long_date(t.end)}: "
                f"{plural(round(t.days / 7), 'week') if t.days >= 14 else plural(t.days, 'day')}"
                " from launch to the closing celebration, "
                f"with {length_words(t.checkin_days)} of regular meetings.")
    elif t.start and t.end:
        when = (f"It launches on {long_date(t.start)}. The end date is still to be "
                f"decided; at a typical six months it would close around "
                f"{long_date(t.end)}.")
    else:
        when = ("Its dates are still to be decided; this proposal plans for 26 weeks from "
                "launch to close.")
    story.append(layout.para(f"{opening} {when}" if d.description.strip() else when, s.body))
    if e.any:
        who = (f"So far {plural(e.mentees, 'colleague')} "
               f"{'has' if e.mentees == 1 else 'have'} asked for a mentor and "
               f"{plural(e.mentors, 'mentor')} {'has' if e.mentors == 1 else 'have'} offered "
               f"{plural(e.capacity, 'place')}")
        who += (f"; {plural(e.pairs, ctx.unit)} {'is' if e.pairs == 1 else 'are'} agreed."
                if e.pairs else ".")
    else:
        who = ("Enrolment opens at launch: mentors and mentees volunteer, and their line "
               "managers agree the time.")
    rhythm = (f" {ctx.unit.capitalize()}s meet {CADENCE_WORDS[d.default_cadence]} for "
              f"{d.default_duration_minutes} minutes"
              + (f", following a shared agenda of {plural(len(ctx.agenda), 'topic')}."
                 if ctx.formal and ctx.agenda else
                 ", with a shared rhythm and agenda." if ctx.formal else
                 " or as often as suits them, setting their own agenda."))
    story.append(layout.para(who + rhythm, s.body))
    people = (plural(e.people, "person", "people") if e.any
              else plural(r.pairs, ctx.unit))
    story += [Spacer(1, 2 * mm), key_figures([
        _length_figure(ctx),
        (people, "enrolled so far" if e.any else "planned until enrolment closes"),
        (d.default_cadence.value.capitalize(), f"{d.default_duration_minutes}-minute meetings"),
        (plural(len(d.objectives), "objective") if d.objectives else "To be set",
         _objectives_caption(ctx)),
    ], s, ctx.branding, ctx.width), Spacer(1, 5 * mm)]
    ask = (f"The ask: approve {d.name}, name an executive sponsor, and release about "
           f"{hours(r.meeting_hours + r.mentor_extra_hours)} hours of each mentor's time "
           f"per {'circle' if ctx.group else 'mentee'}, about "
           f"{hours(r.coordinator_per_week)} hours a week of coordinator time, and a modest "
           "budget for training, events and recognition.")
    story.append(section("The decision we ask for", s, layout.callout(ask, s, ctx.branding),
                         Spacer(1, 3 * mm), level=1))
    story.append(layout.para(
        "The sections that follow set out what the programme is for and how it serves the "
        "strategy, what it will deliver, how we will measure it, and what it needs.", s.body))
    if gaps := ctx.to_decide():
        story += [Spacer(1, 2 * mm), layout.callout(
            f"Still to be decided: {_join(gaps)}. The proposal says where each one matters.",
            s, ctx.branding)]
    return story


def _kpis_of(ctx: ProposalContext, objective: str) -> list[KpiData]:
    return [k for k in ctx.data.kpis if k.objective.casefold() == objective.casefold()]


def _section_objectives(ctx: ProposalContext) -> list[Flowable]:
    d, s, w = ctx.data, ctx.styles, ctx.width
    title = "Objectives and strategic alignment"
    if not d.objectives:
        return [section(title, s, layout.para(
            "The objectives are still to be decided. We recommend two or three, each "
            "serving a goal the organisation has already set and measured by at least one "
            "KPI, for example:", s.body)),
            layout.bullets([
                "Grow future leaders from within → succession and leadership pipeline",
                "Connect people across teams and sites → collaboration and customer focus",
                "Keep the people we hire → retention and engagement",
            ], s),
            layout.callout("To be decided before launch: the objectives and the strategic "
                           "goal each one serves.", s, ctx.branding)]
    intro = layout.para(
        f"{d.name} has {plural(len(d.objectives), 'objective')}. Each serves a goal the "
        "organisation has already set, and is measured by the KPIs set out below, so "
        "progress on the programme is progress on the strategy.", s.body)
    rows = [["Objective", "Strategic goal it serves", "Measured by"]]
    for o in d.objectives:
        kpis = _kpis_of(ctx, o.title)
        rows.append([o.title, o.organisational_goal or "To be decided: the strategic goal",
                     "; ".join(k.name for k in kpis) or "To be decided: a KPI"])
    general = [k for k in d.kpis if not k.objective]
    if general:
        rows.append(["The programme as a whole", "All of the above",
                     "; ".join(k.name for k in general)])
    story = [section(title, s, intro), layout.table(rows, s, ctx.branding,
                                                    [w * 0.32, w * 0.38, w * 0.30])]
    return story


MENTEE_BENEFITS = (
    "A trusted, experienced colleague outside their reporting line to think out loud with",
    "Steady progress on their own development goals, with someone holding them to it",
    "A wider network and a clearer view of how the organisation works",
    "The confidence to take on new responsibilities sooner",
)
MENTOR_BENEFITS = (
    "Sharper listening, questioning and feedback: the core skills of leading people",
    "A fresh view of the organisation from colleagues at another stage",
    "Recognition for developing others, with a certificate at the close",
    "The satisfaction of seeing someone grow",
)
ORGANISATION_BENEFITS = (
    "Leaders grown from within, ready sooner",
    "Knowledge shared across teams and sites instead of kept in silos",
    "Higher engagement and retention among participants",
    "A culture where asking for help, and giving it, is normal",
)


def _section_benefits(ctx: ProposalContext) -> list[Flowable]:
    d, s = ctx.data, ctx.styles
    intro = layout.para(
        "Mentoring pays back three ways: to the people mentored, to their mentors, and to "
        "the organisation that keeps and grows them.", s.body)
    story: list[Flowable] = [section("Expected benefits", s, intro, cards([
        ("For mentees", MENTEE_BENEFITS), ("For mentors", MENTOR_BENEFITS),
        ("For the organisation", ORGANISATION_BENEFITS)], s, ctx.branding, ctx.width))]
    if d.objectives:
        items = [f"{o.title}, in support of {o.organisational_goal}" if o.organisational_goal
                 else o.title for o in d.objectives]
        story.append(section("Benefits tied to our objectives", s, layout.para(
            "Beyond these, the programme is built to deliver its objectives:", s.body),
            layout.bullets(items, s), level=1))
    return story


def _section_how(ctx: ProposalContext) -> list[Flowable]:
    d, s, r, w = ctx.data, ctx.styles, ctx.resources, ctx.width
    intro = layout.para(
        f"{d.name} is a {_format_words(ctx)}. "
        + ("The programme is formal: pairs keep an agreed rhythm and work through a shared "
           "agenda, which makes progress visible and comparable."
           if ctx.formal else
           "The programme is informal: pairs meet as often as suits them and set their own "
           "agenda; the rhythm below is a suggestion."), s.body)
    meetings = (f"{CADENCE_WORDS[d.default_cadence].capitalize()}, "
                f"{d.default_duration_minutes} minutes")
    rows = [["", ""],
            ["Format", "Mentoring circles" if ctx.group else "One-to-one"],
            ["Structure", "Formal: agreed rhythm and agenda" if ctx.formal
             else "Informal: pairs set their own rhythm"],
            ["Meetings", meetings],
            ["Over the programme", f"About {plural(r.meetings, 'meeting')} per {ctx.unit} "
                                   f"({hours(r.meeting_hours)} hours)"]]
    if ctx.group:
        rows.append(["Circle size", f"{d.circle_min_size} to {d.circle_max_size} mentees "
                                    "and a mentor"])
    rows[0] = ["At a glance", ""]
    glance = layout.table(rows, s, ctx.branding, [w * 0.3, w * 0.7])
    story: list[Flowable] = [section("How the programme works", s, intro, glance)]
    story.append(section("Matching", s, layout.para(
        "MentorDesk proposes matches from what people tell us at enrolment: the skills a "
        "mentee wants to grow against the mentor's strengths, the experience gap, working "
        "across departments, shared interests and overlapping working hours. A mentor is "
        "never in the mentee's own reporting line and always shares a language with them. "
        "The coordinator checks every match before anyone is told, and a pair that does not "
        "work can be rematched without fault.", s.body), level=1))
    if ctx.formal:
        if ctx.agenda:
            topics = ctx.agenda
            story.append(section("Meeting agenda", s, layout.para(
                f"{ctx.unit.capitalize()}s work through these topics in order over their "
                f"{plural(r.meetings, 'meeting')}, returning to any of them as needed:",
                s.body), level=1))
            story.append(layout.table([["#", "Topic"]]
                                      + [[str(i), t] for i, t in enumerate(topics, 1)],
                                      s, ctx.branding, [w * 0.08, w * 0.92]))
        else:
            story.append(section("Meeting agenda", s, layout.callout(
                "The agenda topics are still to be decided. A typical first set: goals and "
                "what success looks like; strengths and blind spots; a stretch assignment; "
                "building a network; feedback; review and next steps.", s, ctx.branding),
                level=1))
    story.append(section("Support along the way", s, layout.bullets([
        "Check-ins scheduled in everyone's calendar, with reminders",
        "A handbook for mentors and one for mentees",
        "A coordinator to turn to, and a no-fault rematch if a pair is stuck",
        "Certificates and recognition at the close",
    ], s), level=1))
    return story


def _section_kpis(ctx: ProposalContext) -> list[Flowable]:
    d, s, w = ctx.data, ctx.styles, ctx.width
    title = "KPIs and targets"
    if not d.kpis:
        return [section(title, s, layout.para(
            "The KPIs are still to be decided. Each objective needs at least one, with its "
            "value today (the baseline) and a target for the close. Typical choices:",
            s.body)), layout.bullets([
                "Pairs meeting as planned (%)",
                "Participant satisfaction (out of 5)",
                "Participants promoted or moved into larger roles (%)",
                "Regretted attrition among participants (%)",
            ], s), layout.callout("To be decided before launch: the KPIs, their baselines "
                                  "and their targets.", s, ctx.branding)]
    intro = layout.para(
        "We will measure these at launch, at the mid-programme review and at the close, "
        "and report them to the sponsor and this group.", s.body)
    rows = [["KPI", "Objective", "Baseline", "Target", "Aim"]]
    for k in d.kpis:
        rows.append([k.name, k.objective or "Programme as a whole",
                     format_value(k.baseline_value, k.unit) if k.baseline_value is not None
                     else "To be measured", format_value(k.target_value, k.unit), kpi_aim(k)])
    story = [section(title, s, intro),
             layout.table(rows, s, ctx.branding,
                          [w * 0.26, w * 0.25, w * 0.14, w * 0.16, w * 0.19])]
    if missing := [k.name for k in d.kpis if k.baseline_value is None]:
        story += [Spacer(1, 3 * mm), layout.callout(
            f"Baselines still to be measured before launch: {_join(missing)}.", s,
            ctx.branding)]
    return story


def _section_timeline(ctx: ProposalContext) -> list[Flowable]:
    s, t = ctx.styles, ctx.timeline
    if t.dated and not t.end_assumed and t.start and t.end:
        intro = (f"From launch on {long_date(t.start)} to the close on "
                 f"{long_date(t.end)}. Dates of events fall on working days.")
    elif t.start:
        intro = (f"From launch on {long_date(t.start)}. The end date is still to be "
                 "decided; the plan assumes 26 weeks.")
    else:
        intro = ("The dates are still to be decided, so the plan is in weeks from launch, "
                 "for a programme of 26 weeks.")
    # Chart and table read together: both move to the next page rather than split.
    return [section("Timeline", s, layout.para(intro, s.body), Spacer(1, 2 * mm),
                    timeline_chart(t, ctx.branding, ctx.width), Spacer(1, 5 * mm),
                    timeline_table(t, s, ctx.branding, ctx.width))]


def _section_resources(ctx: ProposalContext) -> list[Flowable]:
    d, s, r, w = ctx.data, ctx.styles, ctx.resources, ctx.width
    unit = ctx.unit
    basis = (f"These estimates assume {plural(r.pairs, unit)} until enrolment closes; they "
             f"scale with the number of {unit}s." if r.pairs_assumed else
             f"These estimates are for {plural(r.pairs, unit)} and "
             f"{plural(r.people, 'person', 'people')} enrolled so far.")
    intro = layout.para(
        f"The programme's main cost is time, most of it mentors' and mentees' time in "
        f"meetings: {CADENCE_WORDS[d.default_cadence]} for "
        f"{length_words(ctx.timeline.checkin_days)} is {plural(r.meetings, 'meeting')} of "
        f"{d.default_duration_minutes} minutes, "
        f"{hours(r.meeting_hours)} hours per {unit}. {basis}", s.body)
    fte = r.coordinator_per_week / FULL_TIME_HOURS_PER_WEEK * 100
    figures = key_figures([
        (f"{hours(r.meeting_hours + r.mentor_extra_hours)} h",
         f"per mentor, per {'circle' if ctx.group else 'mentee'}"),
        (f"{hours(r.mentor_meeting_hours_total)} h", f"mentors' meetings, all {unit}s"),
        (f"{hours(r.coordinator_per_week)} h/week", f"coordinator, about {fte:.0f}% of a role"),
        (plural(len(ctx.training), "session"), "training and events"),
    ], s, ctx.branding, w)
    mentor_what = (f"{plural(r.meetings, 'meeting')} of {d.default_duration_minutes} min per "
                   f"{'circle' if ctx.group else 'mentee'}, plus "
                   f"{hours(r.mentor_extra_hours)} h of training and events")
    mentee_what = (f"{plural(r.meetings, 'meeting')} of {d.default_duration_minutes} min, plus "
                   f"{hours(r.mentee_extra_hours)} h of orientation and events")
    rows = [["Who", "What", "Time"],
            ["Each mentor", mentor_what, f"{hours(r.meeting_hours + r.mentor_extra_hours)} h"],
            ["Each mentee", mentee_what, f"{hours(r.meeting_hours + r.mentee_extra_hours)} h"],
            ["Coordinator" + (f" ({d.coordinator_name})" if d.coordinator_name else ""),
             f"Set-up {hours(r.coordinator_setup)} h, running "
             f"{hours(r.coordinator_running)} h, close {hours(r.coordinator_close)} h",
             f"{hours(r.coordinator_total)} h (about {hours(r.coordinator_per_week)} h a week)"],
            ["Line managers", "Agree the time with their people; a short briefing", "15 min each"],
            ["Executive sponsor", "Opens the kick-off, hears the mid-programme review, "
             "closes the celebration", "About 3 h"]]
    note = layout.para(
        f"The coordinator's estimate: {hours(COORDINATOR_SETUP_HOURS)} h to set up plus "
        f"{number(COORDINATOR_SETUP_PER_PERSON * 60)} min per participant; "
        f"{number(COORDINATOR_WEEKLY_HOURS)} h a week while {unit}s meet plus "
        f"{number(COORDINATOR_WEEKLY_PER_PAIR * 60)} min per {unit}; "
        f"{hours(COORDINATOR_CLOSE_HOURS)} h to close plus "
        f"{number(COORDINATOR_CLOSE_PER_PERSON * 60)} min per participant.", s.small)
    story: list[Flowable] = [
        section("Resources needed", s, intro, figures, Spacer(1, 4 * mm)),
        section("People's time", s, layout.table(
            rows, s, ctx.branding, [w * 0.22, w * 0.53, w * 0.25]), Spacer(1, 2 * mm), note,
            level=1)]
    training_rows = [["Session", "For", "Length", "When", "Status"]]
    training_rows += [[t.title, AUDIENCE_NAMES[t.audience], f"{t.minutes} min", t.when,
                       "Booked" if t.booked else "Suggested"] for t in ctx.training]
    note = ("Sessions already booked, and those we suggest, placed on the timeline:"
            if any(t.booked for t in ctx.training) else
            "Suggested sessions, placed on the timeline:")
    story.append(section("Training and events", s, layout.para(note, s.body), layout.table(
        training_rows, s, ctx.branding, [w * 0.33, w * 0.22, w * 0.10, w * 0.21, w * 0.14]),
        level=1))
    budget = [["Item", "What it covers", "Cost"],
              ["Facilitation", f"Mentor training and mentee orientation "
               f"({'internal L&D or an external facilitator'})", "To be confirmed"],
              ["Events", "Kick-off and closing celebration: room, refreshments, an online "
               "option for other sites", "To be confirmed"],
              ["Recognition", "Printed certificates and a small thank-you for mentors",
               "To be confirmed"],
              ["Participants' time",
               f"Meetings, training and events for {plural(r.people, 'participant')}",
               "Working hours (above)"],
              ["Coordination", "The coordinator's time", f"{hours(r.coordinator_total)} h"]]
    story.append(section("Budget items", s, layout.para(
        "No prices are set yet; the items to budget for are:", s.body),
        layout.table(budget, s, ctx.branding, [w * 0.22, w * 0.53, w * 0.25]), level=1))
    return story


def _section_risks(ctx: ProposalContext) -> list[Flowable]:
    s, e, w = ctx.styles, ctx.enrolment, ctx.width
    d = ctx.data
    if e.any and not ctx.group and e.capacity < e.mentees:
        mentors = (f"Today {plural(e.mentees, 'mentee')} and {plural(e.capacity, 'mentor place')}"
                   ": we will recruit more mentors during enrolment and keep a waiting list.")
    else:
        mentors = ("Mentors' places are checked against mentees during enrolment; more "
                   "mentors are recruited, or circles used, before anyone waits.")
    rows = [["Risk", "How we handle it"],
            ["Not enough mentors", mentors],
            ["Pairs stop meeting", "Check-ins sit in calendars; the coordinator follows up "
             "when a meeting is missed and at the mid-programme review."],
            ["A match does not work", "A no-fault rematch, raised in confidence with the "
             "coordinator."],
            ["Day jobs crowd it out", f"Line managers agree the time up front: "
             f"{d.default_duration_minutes} minutes {CADENCE_WORDS[d.default_cadence]}."],
            ["Confidentiality", "Ground rules agreed at the first meeting; what is said "
             "stays in the pair."],
            ["Impact cannot be shown",
             "Baselines at launch, KPIs measured again half-way and at the close."
             if d.kpis else "KPIs with baselines and targets agreed before launch."],
            ["Personal data", "Used only to run the programme; anyone may see theirs or "
             "have it erased."]]
    return [section("Risks and how we handle them", s,
                    layout.table(rows, s, ctx.branding, [w * 0.28, w * 0.72]))]


def _section_decision(ctx: ProposalContext) -> list[Flowable]:
    d, s, t, r, w = ctx.data, ctx.styles, ctx.timeline, ctx.resources, ctx.width
    launch = t.step("launch")
    # Two weeks before launch leaves time to brief managers; a past date would be no use.
    deadline = _weekday_on_or_before(t.start - timedelta(days=14)) if t.start else None
    if deadline is not None and deadline < ctx.today:
        deadline = None
    decide_by = f" by {long_date(deadline)}" if deadline else ""
    ask = (f"We ask the leadership team to approve {d.name}{decide_by}, to name an executive "
           f"sponsor, and to release the time set out under Resources needed: about "
           f"{hours(r.meeting_hours + r.mentor_extra_hours)} hours per mentor per "
           f"{'circle' if ctx.group else 'mentee'} and {hours(r.coordinator_total)} hours "
           "of coordination.")
    steps = [["Next step", "When", "Who"],
             ["Approve the programme and name a sponsor",
              weekday_date(deadline) if deadline else "Before launch", "Leadership team"],
             ["Confirm the budget items and the coordinator's time", "Before launch",
              "Sponsor"]]
    if not d.objectives or not d.kpis:
        steps.append(["Agree the objectives and KPIs", "Before launch",
                      "Sponsor and coordinator"])
    steps += [["Launch and send the readiness survey", launch.when, "Coordinator"],
              ["Open enrolment", t.step("enrolment").when, "Coordinator"],
              ["Kick-off", t.step("kickoff").when, "Sponsor and coordinator"]]
    story: list[Flowable] = [section("Decision and next steps", s,
                                     layout.callout(ask, s, ctx.branding), Spacer(1, 4 * mm),
                                     layout.table(steps, s, ctx.branding,
                                                  [w * 0.5, w * 0.25, w * 0.25]))]
    if gaps := ctx.to_decide():
        story += [Spacer(1, 3 * mm), layout.para(
            f"Still to be decided before launch: {_join(gaps)}.", s.body)]
    return story


def _section_contact(ctx: ProposalContext) -> list[Flowable]:
    d, s, b = ctx.data, ctx.styles, ctx.branding
    if d.coordinator_name or d.coordinator_email:
        who = " · ".join(p for p in (d.coordinator_name, d.coordinator_email) if p)
        lines = [layout.para(who, ParagraphStyle("contact", parent=s.body, fontSize=12,
                                                 leading=17,
                                                 fontName=fonts.font_name(style=Style.BOLD))),
                 layout.para(f"Programme coordinator, {d.name}"
                             + (f", {b.organisation}" if b.organisation else ""), s.body)]
    else:
        lines = [layout.para("The programme's coordinator is still to be decided; until then, "
                             "questions go to the sponsor of this proposal.", s.body)]
    return [section("Contact", s, layout.para(
        "Questions, or an offer to mentor, are welcome:", s.body), *lines)]


SECTIONS: tuple[Callable[[ProposalContext], list[Flowable]], ...] = (
    _section_summary, _section_objectives, _section_benefits, _section_how, _section_kpis,
    _section_timeline, _section_resources, _section_risks, _section_decision,
    _section_contact,
)


def render_proposal(session: Session, programme_id: int, *,
                    cancelled: Callable[[], bool] | None = None) -> bytes:
    """The programme proposal for stakeholders as PDF bytes.

    Raises:
        UserError: there is no such programme, or ``cancelled`` returned True.
    """
    ctx = load_context(session, programme_id)
    story: list[Flowable] = []
    for build in SECTIONS:
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: nothing was written.")
        story += build(ctx)
    subtitle = ctx.data.name + (f" · {ctx.branding.organisation}"
                                if ctx.branding.organisation else "")
    return layout.build_document(story, title=TITLE, subtitle=subtitle, branding=ctx.branding,
                                 contents=True, cancelled=cancelled)
