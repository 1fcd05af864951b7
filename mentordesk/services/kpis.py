"""KPIs computed from the programme's data, each judged against the target set for it.

:func:`compute_dashboard` counts everything with a handful of ``GROUP BY``/``COUNT`` queries
(portable SQL: the same code runs on SQLite and PostgreSQL) and returns plain frozen
dataclasses; :func:`take_snapshot` keeps the day's figures so trends show
(:func:`metric_history`), and :func:`drill_down` lists the pairs or people behind a number.

Who counts (the same everywhere below):

* *The programme's pairs* are its pairings in any status but "proposed" (accepted, active,
  paused, completed, ended early). *Participants* are the mentors and mentees of those pairs.
* *Mentees* are people signed up as mentee or as both, not withdrawn.
* *as of* is the day the figures are for (today unless given); a meeting, training session
  or feedback response counts when it is on or before that day (a meeting by the date in
  its own time zone, for the check-in figures and the funnel's "Met at least once").

The metrics (:data:`METRICS`; each one's ``description`` is the sentence the app shows):

* ``enrolled``: people signed up and not withdrawn, any role.
* ``matched_pct``: of the mentees, the share who are a mentee in one of the programme's
  pairs.
* ``pairs_active``: pairs whose status is active (out of the programme's pairs).
* ``checkins_held_pct``: check-ins held out of those planned. *Planned* are the meetings of
  the programme's pairs due on or before as of (by the date in the meeting's own time
  zone), except cancelled ones: a meeting the coordinator skipped (it leaves calendars as
  an EXDATE) or logged as cancelled is not a meeting that should have happened. A planned
  meeting nobody logged counts as planned and not held. ``checkins_by_month`` splits them
  by the month of the meeting in its own time zone, cancelled ones shown apart.
* ``checkins_missed``: planned meetings logged as missed.
* ``inactive_pairs``: active pairs with no meeting held in twice their rhythm
  (:func:`mentordesk.services.checkins.overdue_pairs`).
* ``satisfaction_avg``: the average answer to questions measuring satisfaction, on a
  1-5 scale: a rating from 1 to N counts as ``1 + (answer - 1) * 4 / (N - 1)`` (so 1 stays
  1 and N becomes 5), a 0-10 score as ``1 + answer * 0.4``.
* ``recommendation_score``: the Net Promoter Score of the 0-10 answers to questions
  measuring recommendation: the percentage of promoters (9 or 10) minus the percentage of
  detractors (0 to 6), from -100 to +100.
* ``goals_reached_pct``: development goals marked reached, out of all the development goals
  of the mentees in the programme's pairs (withdrawn people left out, as in ``matched_pct``
  and the funnel).
* ``training_sessions``: the programme's training sessions and workshops that have started
  (``training_by_topic`` counts them and their attendees by topic).
* ``retention_participants_pct`` and ``retention_others_pct``: from the imported HR
  outcomes (:mod:`mentordesk.services.outcomes`), of the people employed at the programme's
  start (no hire date, or hired on or before it, and not left before it), the share who had
  not left by as of (or by the programme's end, if that is earlier). Participants are
  compared with everyone else in the HR file ("others").
* ``promotion_participants_pct`` and ``promotion_others_pct``: of the same people, the share
  promoted between the programme's start and as of.

Confidential feedback: the satisfaction average and the recommendation score count
confidential answers only in whole blocks of :data:`~mentordesk.services.feedback.MIN_GROUP`
per question, in the order they were submitted (among those submitted by as of), as a
form's summary does (:func:`mentordesk.services.feedback.counted_confidential`; SQL window
functions number them). So the figures of two days, a figure beside a form's summary, or
two months differ by whole blocks of at least five confidential answers. In
``satisfaction_by_month`` a confidential answer counts in the month its block was
completed; no month needs hiding. The detail says how many confidential answers are left
out ("2 confidential answers left out until there are 5"); a figure with nothing else to
count has no value and the detail "hidden: fewer than 5 confidential answers".
Respondents are never listed when confidential responses are among them.

KPI status (:func:`judge_kpi`), the same for a computed metric and a KPI measured by hand
(its latest measurement on or before as of):

* no value: ``no_data``;
* the value meets the target (at least the target for a KPI that should go up, at most it
  for one that should go down): ``on_track``;
* otherwise ``at_risk`` when it has covered at least half the way from the baseline to the
  target, or, without a usable baseline, when it is within 10% of the target; else
  ``off_track``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    distinct,
    func,
    insert,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CompoundSelect

from mentordesk.errors import NotFoundError, UserError
from mentordesk.models import (
    Checkin,
    CheckinOutcome,
    DevelopmentGoal,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    HrOutcome,
    Kpi,
    KpiDirection,
    KpiMeasurement,
    MetricSnapshot,
    Objective,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    Programme,
    QuestionKind,
    Skill,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.services import audit
from mentordesk.services.checkins import overdue_pairs
from mentordesk.services.documents.wording import format_value as _format_unit
from mentordesk.services.documents.wording import number
from mentordesk.services.feedback import MIN_GROUP, left_out_note

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
STATUS_LABELS = {ON_TRACK: "on track", AT_RISK: "at risk", OFF_TRACK: "off track",
                 NO_DATA: "no data"}
# Without a baseline, a KPI within this share of its target is at risk, not off track.
NEAR_TARGET = 0.10
# With a baseline, a KPI that has covered this share of the way to its target is at risk.
HALFWAY = 0.5
HIDDEN = f"hidden: fewer than {MIN_GROUP} confidential answers"

_MENTEE_ROLES = (ParticipantRole.MENTEE, ParticipantRole.BOTH)
_INCREASE, _DECREASE = KpiDirection.INCREASE, KpiDirection.DECREASE


@dataclass(frozen=True)
class MetricInfo:
    """What a computed metric is: its name on screen, unit, good direction and definition."""

    key: str
    label: str
    unit: str
    direction: KpiDirection
    description: str


def _info(key: str, label: str, unit: str, direction: KpiDirection,
          description: str) -> tuple[str, MetricInfo]:
    return key, MetricInfo(key, label, unit, direction, description)


METRICS: dict[str, MetricInfo] = dict([
    _info("enrolled", "Enrolled", "people", _INCREASE,
          "People signed up for mentoring and not withdrawn, as mentor, mentee or both."),
    _info("matched_pct", "Mentees matched", "%", _INCREASE,
          "Of the mentees (people signed up as mentee or both, not withdrawn), the share who "
          "are a mentee in one of the programme's pairs (any status but proposed)."),
    _info("pairs_active", "Pairs active", "pairs", _INCREASE,
          "The programme's pairs whose status is active (out of its pairs in any status but "
          "proposed)."),
    _info("checkins_held_pct", "Check-ins held", "%", _INCREASE,
          "Check-ins held out of those planned: the meetings of the programme's pairs due on "
          "or before today (by the date in the meeting's own time zone), except cancelled "
          "ones (skipped by the coordinator or logged as cancelled). A meeting nobody logged "
          "counts as planned and not held."),
    _info("checkins_missed", "Check-ins missed", "check-ins", _DECREASE,
          "Planned check-ins logged as missed, up to today."),
    _info("inactive_pairs", "Inactive pairs", "pairs", _DECREASE,
          "Active pairs with no meeting held in twice their rhythm (counted from their last "
          "meeting held, or from their start)."),
    _info("satisfaction_avg", "Satisfaction", "out of 5", _INCREASE,
          "The average answer to feedback questions measuring satisfaction, on a 1-5 scale "
          "(a rating from 1 to N counts as 1 + (answer - 1) x 4 / (N - 1); a 0-10 score as "
          "1 + answer x 0.4). Confidential answers count only in whole blocks of "
          f"{MIN_GROUP} per question, in the order they came in."),
    _info("recommendation_score", "Recommendation score (NPS)", "NPS", _INCREASE,
          "Net Promoter Score of the 0-10 answers to questions measuring recommendation: the "
          "percentage of promoters (9 or 10) minus the percentage of detractors (0 to 6), "
          "from -100 to +100. Confidential answers count only in whole blocks of "
          f"{MIN_GROUP} per question, in the order they came in."),
    _info("goals_reached_pct", "Goals reached", "%", _INCREASE,
          "Development goals marked reached (on or before today), out of all the development "
          "goals of the mentees in the programme's pairs (not withdrawn)."),
    _info("training_sessions", "Training sessions delivered", "sessions", _INCREASE,
          "The programme's training sessions and workshops that have started, up to today."),
    _info("retention_participants_pct", "Retention of participants", "%", _INCREASE,
          "From the HR outcomes imported: of the participants (mentors and mentees of the "
          "programme's pairs) employed at the programme's start (no hire date or hired on or "
          "before it, and not left before it), the share who had not left by today, or by "
          "the programme's end if that is earlier."),
    _info("retention_others_pct", "Retention of non-participants", "%", _INCREASE,
          "The same as retention of participants, for everyone else in the HR outcomes "
          "imported."),
    _info("promotion_participants_pct", "Promotion of participants", "%", _INCREASE,
          "From the HR outcomes imported: of the participants employed at the programme's "
          "start, the share promoted between the start and today."),
    _info("promotion_others_pct", "Promotion of non-participants", "%", _INCREASE,
          "The same as promotion of participants, for everyone else in the HR outcomes "
          "imported."),
])


@dataclass(frozen=True)
class MetricValue:
    """A metric's value as of a day, with what it was computed from.

    ``value`` is None when there is nothing to compute it from, or when it is hidden to
    protect confidential feedback; ``detail`` then says why ("no mentees signed up yet",
    "hidden: fewer than 5 confidential answers"). Otherwise ``detail`` says what it counts, e.g.
    "41 of 48 mentees".
    """

    key: str
    value: float | None
    numerator: int | None
    denominator: int | None
    detail: str


@dataclass(frozen=True)
class KpiStatus:
    """A programme KPI judged against its target (see :func:`judge_kpi`)."""

    kpi_id: int
    name: str
    objective: str
    metric: str | None
    value: float | None
    target: float
    baseline: float | None
    unit: str
    direction: KpiDirection
    status: str  # "on_track" | "at_risk" | "off_track" | "no_data"
    explanation: str


@dataclass(frozen=True)
class MonthCheckins:
    """Check-ins of one month (by the meeting's own time zone), up to as of.

    ``planned`` = held + missed + not logged; cancelled meetings are not planned ones.
    """

    month: date
    planned: int
    held: int
    missed: int
    cancelled: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the KPI dashboard shows, as of one day.

    Attributes:
        metrics: every metric of :data:`METRICS`, by key.
        kpis: the programme's KPIs in their order, each judged against its target.
        checkins_by_month: each month from the first meeting to as of, without gaps.
        satisfaction_by_month: (month, average, responses): the average of the answers
            counted in the month (None when there are none), and the responses counted
            in it or submitted in it and left out (see the module's notes).
        funnel: mentees from signing up to reaching a goal, as (stage, people).
        training_by_topic: (topic, sessions, attendances) of the sessions delivered.
    """

    programme_id: int
    as_of: date
    metrics: dict[str, MetricValue]
    kpis: tuple[KpiStatus, ...]
    checkins_by_month: tuple[MonthCheckins, ...]
    satisfaction_by_month: tuple[tuple[date, float | None, int], ...]
    funnel: tuple[tuple[str, int], ...]
    training_by_topic: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class DrillRow:
    """One of the pairs, people, check-ins or sessions behind a number.

    ``kind`` is "pair", "person", "checkin" or "session" and ``id`` the id of that pairing,
    participant, check-in or training session.
    """

    kind: str
    id: int
    label: str
    detail: str


# --------------------------------------------------------------------------- helpers


def _today() -> date:
    return date.today()


def _programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    return programme


def _check_metric(metric: str) -> str:
    key = metric.strip()
    if key not in METRICS:
        raise UserError(f"'{metric}' is not a metric MentorDesk computes; use one of: "
                        f"{', '.join(METRICS)}.")
    return key


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{number(count)} {one if count == 1 else (many or one + 's')}"


def _name(preferred: str | None, full: str | None) -> str:
    if full is None:
        return "(erased)"
    return preferred or full


def _end_of(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The first moment after ``day`` (its next midnight) in ``zone`` (UTC), as UTC."""
    return datetime.combine(day + timedelta(days=1), time(), zone or UTC).astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(first: date, last: date) -> list[date]:
    out: list[date] = []
    month = _month(first)
    while month <= last:
        out.append(month)
        month = _next_month(month)
    return out


def _month_key(month: date) -> int:
    return month.year * 12 + month.month - 1


def _month_of_key(key: int) -> date:
    return date(key // 12, key % 12 + 1, 1)


def _month_buckets(column: Any, first: datetime, last: datetime, as_of: date,
                   zone: ZoneInfo) -> list[tuple[Any, int]]:
    """``(column < upper, month key)`` conditions, in order, placing a UTC time from
    ``first`` on into its month in ``zone``; nothing after as of matches."""
    start = first.astimezone(zone).date()
    end = min(last.astimezone(zone).date(), as_of)
    cutoff = _end_of(as_of, zone)
    whens: list[tuple[Any, int]] = []
    for month in _months(start, end):
        upper = min(datetime.combine(_next_month(month), time(), zone).astimezone(UTC), cutoff)
        whens.append((column < upper, _month_key(month)))
    return whens


def _due(session: Session, programme_id: int, as_of: date) -> ColumnElement[bool]:
    """Whether a check-in of the programme is on or before as of by the date in the
    meeting's own time zone, as the check-in figures count it."""
    names = session.scalars(select(Checkin.timezone)
                            .join(Pairing, Pairing.id == Checkin.pairing_id)
                            .where(Pairing.programme_id == programme_id).distinct()).all()
    if not names:
        return Checkin.scheduled_start < _end_of(as_of)
    return or_(*(and_(Checkin.timezone == name,
                      Checkin.scheduled_start < _end_of(as_of, _zone(name)))
                 for name in names))


def _paired(programme_id: int) -> ColumnElement[bool]:
    return and_(Pairing.programme_id == programme_id, Pairing.status != PairingStatus.PROPOSED)


def _mentee_ids(programme_id: int) -> Select[Any]:
    """Mentees of the programme's pairs (any status but proposed)."""
    return (select(PairingMember.mentee_id)
            .join(Pairing, Pairing.id == PairingMember.pairing_id)
            .where(_paired(programme_id), PairingMember.mentee_id.is_not(None)))


def _eligible_mentee() -> ColumnElement[bool]:
    """A participant who counts as a mentee: signed up as mentee or both, not withdrawn."""
    return and_(Participant.status == ParticipantStatus.ACTIVE,
                Participant.role.in_(_MENTEE_ROLES))


def _participant_ids(programme_id: int) -> CompoundSelect[Any]:
    """Mentors and mentees of the programme's pairs."""
    mentors = select(Pairing.mentor_id).where(_paired(programme_id),
                                              Pairing.mentor_id.is_not(None))
    return union(_mentee_ids(programme_id), mentors)


# --------------------------------------------------------------------------- KPI status


def format_metric(value: float | None, unit: str) -> str:
    """A value as the dashboard shows it: ``75%``, ``4.2 out of 5``, ``+20`` (NPS),
    ``12 pairs``; ``—`` for no value."""
    if value is None:
        return "—"
    if unit == "NPS":
        return ("+" if value > 0 else "") + number(value)
    if value == 1 and unit in _SINGULAR:
        unit = _SINGULAR[unit]
    return _format_unit(value, unit)


_SINGULAR = {"people": "person", "pairs": "pair", "check-ins": "check-in",
             "sessions": "session"}


def _gap_words(gap: float, unit: str) -> str:
    if unit in ("%", "NPS"):
        return f"{number(gap)} point{'' if gap == 1 else 's'}"
    if unit in _SINGULAR:
        return format_metric(gap, unit)
    return number(gap)


def judge_kpi(value: float | None, target: float, baseline: float | None,
              direction: KpiDirection, unit: str = "", why_none: str = "") -> tuple[str, str]:
    """A KPI's status and the sentence explaining it (see the module notes for the rule).

    ``why_none`` is what the explanation says when there is no value.
    """
    if value is None:
        return NO_DATA, f"No data: {why_none.rstrip('.')}." if why_none else "No data yet."
    up = direction != KpiDirection.DECREASE
    shown, goal = format_metric(value, unit), format_metric(target, unit)
    wanted = f"a target of {goal}" if up else f"a target of at most {goal}"
    gap = round(target - value if up else value - target, 2)
    if gap <= 0:
        ahead = f" ({_gap_words(-gap, unit)} better)" if gap < 0 else ""
        return ON_TRACK, f"{shown} against {wanted}: target met{ahead}."
    sentence = f"{shown} against {wanted}: {_gap_words(gap, unit)} to go"
    usable = baseline is not None and (target - baseline if up else baseline - target) > 0
    if baseline is not None and usable:
        covered = (value - baseline) / (target - baseline)
        start = format_metric(baseline, unit)
        if covered >= HALFWAY:
            return AT_RISK, (f"{sentence}, {covered:.0%} of the way from the baseline of "
                             f"{start}.")
        if covered < 0:
            return OFF_TRACK, f"{sentence}, worse than the baseline of {start}."
        return OFF_TRACK, (f"{sentence}, only {covered:.0%} of the way from the baseline of "
                           f"{start}.")
    if abs(target) > 0 and gap <= NEAR_TARGET * abs(target):
        return AT_RISK, f"{sentence}, within {NEAR_TARGET:.0%} of the target."
    return OFF_TRACK, f"{sentence}, more than {NEAR_TARGET:.0%} away from the target."


# --------------------------------------------------------------------------- the dashboard


def _people(session: Session, programme_id: int, as_of: date,
            ) -> tuple[dict[str, MetricValue], tuple[tuple[str, int], ...]]:
    """enrolled, matched_pct and the mentees' funnel."""
    by_role = {ParticipantRole(role): n for role, n in session.execute(
        select(Participant.role, func.count(Participant.id))
        .where(Participant.status == ParticipantStatus.ACTIVE)
        .group_by(Participant.role)).all()}
    enrolled = sum(by_role.values())
    mentees = sum(by_role.get(r, 0) for r in _MENTEE_ROLES)
    held = (select(Checkin.id).where(Checkin.pairing_id == Pairing.id,
                                     Checkin.outcome == CheckinOutcome.HELD,
                                     _due(session, programme_id, as_of))
            .exists())
    member = PairingMember.mentee_id
    # Who counts is tested inside the counts, not in WHERE: given a filter on participant,
    # SQLite (without table statistics) loops over every participant for every pair.
    eligible = _eligible_mentee()
    matched, in_active, met = session.execute(
        select(func.count(distinct(case((eligible, member)))),
               func.count(distinct(case((and_(eligible,
                                              Pairing.status == PairingStatus.ACTIVE),
                                         member)))),
               func.count(distinct(case((and_(eligible, held), member)))))
        .select_from(PairingMember)
        .join(Pairing, Pairing.id == PairingMember.pairing_id)
        .join(Participant, Participant.id == member)
        .where(_paired(programme_id))).one()
    reached = session.scalar(
        select(func.count(distinct(case((eligible, DevelopmentGoal.participant_id)))))
        .join(Participant, Participant.id == DevelopmentGoal.participant_id)
        .where(DevelopmentGoal.participant_id.in_(_mentee_ids(programme_id)),
               DevelopmentGoal.achieved_on.is_not(None),
               DevelopmentGoal.achieved_on <= as_of)) or 0
    roles = ", ".join(text for n, text in (
        (by_role.get(ParticipantRole.MENTEE, 0),
         _plural(by_role.get(ParticipantRole.MENTEE, 0), "mentee")),
        (by_role.get(ParticipantRole.MENTOR, 0),
         _plural(by_role.get(ParticipantRole.MENTOR, 0), "mentor")),
        (by_role.get(ParticipantRole.BOTH, 0),
         f"{number(by_role.get(ParticipantRole.BOTH, 0))} both")) if n)
    metrics = {
        "enrolled": MetricValue("enrolled", float(enrolled), enrolled, None,
                                f"{_plural(enrolled, 'person', 'people')}"
                                + (f": {roles}" if roles else "")),
        "matched_pct": (
            MetricValue("matched_pct", _pct(matched, mentees), matched, mentees,
                        f"{number(matched)} of {_plural(mentees, 'mentee')}")
            if mentees else
            MetricValue("matched_pct", None, 0, 0, "no mentees signed up yet")),
    }
    funnel = (("Mentees signed up", mentees), ("Matched", matched),
              ("In an active pair", in_active), ("Met at least once", met),
              ("Reached a goal", reached))
    return metrics, funnel


def _pairs(session: Session, programme_id: int, as_of: date,
           ) -> tuple[dict[str, MetricValue], int]:
    """pairs_active and inactive_pairs."""
    found = {PairingStatus(s): n for s, n in session.execute(
        select(Pairing.status, func.count(Pairing.id))
        .where(_paired(programme_id)).group_by(Pairing.status)).all()}
    counts = {s: found[s] for s in PairingStatus if s in found}
    total = sum(counts.values())
    active = counts.get(PairingStatus.ACTIVE, 0)
    others = ", ".join(f"{number(n)} {s.value.replace('_', ' ')}"
                       for s, n in counts.items() if s != PairingStatus.ACTIVE and n)
    detail = (f"{number(active)} of {_plural(total, 'pair')}" + (f" ({others})" if others else "")
              if total else "no pairs yet")
    overdue = len(overdue_pairs(session, programme_id, as_of)) if active else 0
    inactive_detail = (f"{number(overdue)} of {_plural(active, 'active pair')} "
                       f"{'has' if overdue == 1 else 'have'} not met in twice their rhythm"
                       if active else "no active pairs")
    return {
        "pairs_active": MetricValue("pairs_active", float(active), active, total, detail),
        "inactive_pairs": MetricValue("inactive_pairs", float(overdue), overdue, active,
                                      inactive_detail),
    }, active


def _checkin_counts(session: Session, programme_id: int, as_of: date,
                    by_pair: bool = False) -> list[tuple[int, int, CheckinOutcome, int]]:
    """(month key, pairing id or 0, outcome, meetings) of the programme's check-ins due on
    or before as of, by the month of the meeting in its own time zone."""
    spans = session.execute(
        select(Checkin.timezone, func.min(Checkin.scheduled_start),
               func.max(Checkin.scheduled_start))
        .join(Pairing, Pairing.id == Checkin.pairing_id)
        .where(Pairing.programme_id == programme_id)
        .group_by(Checkin.timezone)).all()
    zones: list[tuple[Any, Any]] = []
    latest: datetime | None = None
    for name, first, last in spans:
        if first is None or last is None:
            continue
        zone = _zone(name)
        whens = _month_buckets(Checkin.scheduled_start, first, last, as_of, zone)
        if whens:
            zones.append((Checkin.timezone == name, case(*whens, else_=None)))
            cutoff = _end_of(as_of, zone)
            latest = cutoff if latest is None else max(latest, cutoff)
    if not zones or latest is None:
        return []
    bucket = case(*zones, else_=None)
    columns = [bucket.label("month"), Checkin.outcome.label("outcome")]
    if by_pair:
        columns.append(Checkin.pairing_id.label("pairing_id"))
    # Grouped outside: PostgreSQL would not see the bucket in GROUP BY as the same
    # expression as in SELECT (their bound parameters differ).
    inner = (select(*columns).join(Pairing, Pairing.id == Checkin.pairing_id)
             .where(Pairing.programme_id == programme_id, Checkin.scheduled_start < latest)
             .subquery())
    keys = [inner.c.month, inner.c.outcome] + ([inner.c.pairing_id] if by_pair else [])
    rows = session.execute(select(*keys, func.count()).where(inner.c.month.is_not(None))
                           .group_by(*keys)).all()
    return [(int(r[0]), int(r[2]) if by_pair else 0, CheckinOutcome(r[1]), int(r[-1]))
            for r in rows]


def _checkins(session: Session, programme_id: int, as_of: date,
              ) -> tuple[dict[str, MetricValue], tuple[MonthCheckins, ...]]:
    """checkins_held_pct, checkins_missed and the months."""
    per_month: dict[int, dict[CheckinOutcome, int]] = defaultdict(lambda: defaultdict(int))
    for key, _, outcome, n in _checkin_counts(session, programme_id, as_of):
        per_month[key][outcome] += n
    months: list[MonthCheckins] = []
    if per_month:
        for month in _months(_month_of_key(min(per_month)), _month_of_key(max(per_month))):
            c = per_month.get(_month_key(month), {})
            held, missed = c.get(CheckinOutcome.HELD, 0), c.get(CheckinOutcome.MISSED, 0)
            unlogged = c.get(CheckinOutcome.SCHEDULED, 0)
            months.append(MonthCheckins(month, held + missed + unlogged, held, missed,
                                        c.get(CheckinOutcome.CANCELLED, 0)))
    planned = sum(m.planned for m in months)
    held = sum(m.held for m in months)
    missed = sum(m.missed for m in months)
    cancelled = sum(m.cancelled for m in months)
    unlogged = planned - held - missed
    notes = [f"{number(missed)} missed"] if missed else []
    if unlogged:
        notes.append(f"{number(unlogged)} not logged")
    if cancelled:
        notes.append(f"{number(cancelled)} cancelled, not counted")
    extra = f" ({', '.join(notes)})" if notes else ""
    metrics = {
        "checkins_held_pct": (
            MetricValue("checkins_held_pct", _pct(held, planned), held, planned,
                        f"{number(held)} of {_plural(planned, 'planned check-in')} "
                        f"held{extra}")
            if planned else
            MetricValue("checkins_held_pct", None, 0, 0, "no check-ins due yet")),
        "checkins_missed": MetricValue(
            "checkins_missed", float(missed), missed, planned,
            f"{number(missed)} of {_plural(planned, 'planned check-in')} missed"
            if planned else "no check-ins due yet"),
    }
    return metrics, tuple(months)


def _scaled_answer() -> ColumnElement[float]:
    """An answer on the 1-5 scale (see the module notes)."""
    value = FeedbackAnswer.value_number
    top = func.coalesce(FeedbackQuestion.scale_max, 5)
    return case((FeedbackQuestion.kind == QuestionKind.SCORE, 1.0 + value * 0.4),
                else_=1.0 + (value - 1.0) * 4.0 / (top - 1.0))


def _feedback_months(session: Session, programme_id: int, as_of: date,
                     measure: str, kinds: Sequence[QuestionKind], column: Any) -> Any:
    """The month bucket of ``column`` (a time between the first and the last response to
    ``measure`` questions), or None if there are no responses."""
    first, last = session.execute(
        select(func.min(FeedbackResponse.submitted_at), func.max(FeedbackResponse.submitted_at))
        .join(FeedbackAnswer, FeedbackAnswer.response_id == FeedbackResponse.id)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
        .join(FeedbackForm, FeedbackForm.id == FeedbackQuestion.form_id)
        .where(FeedbackForm.programme_id == programme_id, FeedbackQuestion.measure == measure,
               FeedbackQuestion.kind.in_(kinds), FeedbackAnswer.value_number.is_not(None))
    ).one()
    if first is None or last is None:
        return None
    whens = _month_buckets(column, first, last, as_of, ZoneInfo("UTC"))
    return case(*whens, else_=None) if whens else None


def _answers(programme_id: int, measure: str, kinds: Sequence[QuestionKind],
             *columns: Any) -> Select[Any]:
    return (select(*columns).select_from(FeedbackAnswer)
            .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
            .join(FeedbackForm, FeedbackForm.id == FeedbackQuestion.form_id)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(FeedbackForm.programme_id == programme_id,
                   FeedbackQuestion.measure == measure, FeedbackQuestion.kind.in_(kinds),
                   FeedbackAnswer.value_number.is_not(None)))


_SATISFACTION_KINDS = (QuestionKind.RATING, QuestionKind.SCORE)
_RECOMMENDATION_KINDS = (QuestionKind.SCORE,)


def _ranked(programme_id: int, measure: str, kinds: Sequence[QuestionKind], as_of: date,
            *columns: Any) -> Any:
    """The answers to ``measure`` questions submitted by as of, with ``columns`` and what
    the block rule needs: ``rank``, each confidential answer's place among its question's
    confidential answers in the order submitted (submitted_at, then response id), and
    ``of``, how many there are (see :func:`_counted`)."""
    group = (FeedbackAnswer.question_id, FeedbackResponse.confidential)
    return _answers(
        programme_id, measure, kinds, *columns,
        FeedbackResponse.id.label("response_id"),
        FeedbackResponse.confidential.label("confidential"),
        FeedbackResponse.submitted_at.label("submitted_at"),
        func.row_number().over(partition_by=group, order_by=(FeedbackResponse.submitted_at,
                                                             FeedbackResponse.id)).label("rank"),
        func.count().over(partition_by=group).label("of"),
    ).where(FeedbackResponse.submitted_at < _end_of(as_of)).subquery()


def _counted(ranked: Any) -> ColumnElement[bool]:
    """Whether an answer of :func:`_ranked` counts: every non-confidential one, and the
    confidential ones in whole blocks of MIN_GROUP per question
    (:func:`mentordesk.services.feedback.counted_confidential`)."""
    return or_(ranked.c.confidential.is_(False),
               ranked.c.rank <= ranked.c.of - ranked.c.of % MIN_GROUP)


def _left_out_detail(left: int) -> str:
    return f"; {left_out_note(left)}" if left else ""


def _satisfaction(session: Session, programme_id: int, as_of: date,
                  ) -> tuple[MetricValue, tuple[tuple[date, float | None, int], ...]]:
    """satisfaction_avg and its months.

    A confidential answer counts in the month its block of MIN_GROUP was completed (the
    month of the block's last answer), so each month differs from the figures as of the
    month before by whole blocks, as the as-of figures do.
    """
    key = "satisfaction_avg"
    empty = MetricValue(key, None, None, 0, "no satisfaction answers yet"), ()
    ranked = _ranked(programme_id, "satisfaction", _SATISFACTION_KINDS, as_of,
                     FeedbackAnswer.question_id.label("question_id"),
                     _scaled_answer().label("scaled"))
    counted = _counted(ranked)
    block = (ranked.c.rank - 1) // MIN_GROUP
    completed = func.max(ranked.c.submitted_at).over(
        partition_by=(ranked.c.question_id, ranked.c.confidential, block))
    placed = select(
        ranked.c.response_id, ranked.c.scaled, counted.label("counted"),
        case((and_(ranked.c.confidential.is_(True), counted), completed),
             else_=ranked.c.submitted_at).label("submitted_at")).subquery()
    month = _feedback_months(session, programme_id, as_of, "satisfaction",
                             _SATISFACTION_KINDS, placed.c.submitted_at)
    if month is None:
        return empty
    inner = select(month.label("month"), placed.c.response_id, placed.c.scaled,
                   placed.c.counted).subquery()
    yes = inner.c.counted.is_(True)
    rows = session.execute(
        select(inner.c.month, func.count(case((yes, inner.c.response_id))),
               func.sum(case((yes, inner.c.scaled))),
               func.count(distinct(case((yes, inner.c.response_id)))),
               func.count(distinct(case((~yes, inner.c.response_id)))),
               func.count(case((~yes, inner.c.response_id))),
               func.count(distinct(inner.c.response_id)))
        .where(inner.c.month.is_not(None)).group_by(inner.c.month)).all()
    if not rows:
        return empty
    per_month = {int(r[0]): (int(r[1]), float(r[2] or 0), int(r[3]), int(r[4]), int(r[5]),
                             int(r[6])) for r in rows}
    by_month = []
    for month_start in _months(_month_of_key(min(per_month)), _month_of_key(max(per_month))):
        answers, total, *_, responses = per_month.get(_month_key(month_start),
                                                      (0, 0.0, 0, 0, 0, 0))
        average = round(total / answers, 2) if answers else None
        by_month.append((month_start, average, responses))
    answers = sum(v[0] for v in per_month.values())
    responses = sum(v[2] for v in per_month.values())
    left_out = sum(v[4] for v in per_month.values())
    if not answers:
        return (MetricValue(key, None, None, sum(v[3] for v in per_month.values()), HIDDEN),
                tuple(by_month))
    average = round(sum(v[1] for v in per_month.values()) / answers, 2)
    return (MetricValue(key, average, None, responses,
                        f"{format_metric(average, 'out of 5')} from "
                        f"{_plural(responses, 'response')}{_left_out_detail(left_out)}"),
            tuple(by_month))


def _recommendation(session: Session, programme_id: int, as_of: date) -> MetricValue:
    """recommendation_score (NPS), confidential answers in whole blocks per question."""
    key = "recommendation_score"
    ranked = _ranked(programme_id, "recommendation", _RECOMMENDATION_KINDS, as_of,
                     FeedbackAnswer.value_number.label("value"))
    counted = _counted(ranked)
    value, rid = ranked.c.value, ranked.c.response_id
    answers, promoters, detractors, left = session.execute(select(
        func.count(case((counted, rid))),
        func.count(case((and_(counted, value >= 9), rid))),
        func.count(case((and_(counted, value <= 6), rid))),
        func.count(case((~counted, rid))))).one()
    if not answers and not left:
        return MetricValue(key, None, None, 0, "no recommendation answers yet")
    if not answers:
        return MetricValue(key, None, None, left, HIDDEN)
    score = round(100.0 * (promoters - detractors) / answers, 1)
    passives = answers - promoters - detractors
    return MetricValue(key, score, promoters - detractors, answers,
                       f"{_plural(promoters, 'promoter')}, {_plural(passives, 'passive')}, "
                       f"{_plural(detractors, 'detractor')} of "
                       f"{_plural(answers, 'answer')}{_left_out_detail(left)}")


def _goals(session: Session, programme_id: int, as_of: date) -> MetricValue:
    """goals_reached_pct."""
    total, reached = session.execute(
        select(func.count(DevelopmentGoal.id),
               func.count(case((DevelopmentGoal.achieved_on <= as_of, DevelopmentGoal.id))))
        .join(Participant, Participant.id == DevelopmentGoal.participant_id)
        .where(DevelopmentGoal.participant_id.in_(_mentee_ids(programme_id)),
               _eligible_mentee())).one()
    if not total:
        return MetricValue("goals_reached_pct", None, 0, 0,
                           "the programme's mentees have no development goals yet")
    return MetricValue("goals_reached_pct", _pct(reached, total), reached, total,
                       f"{number(reached)} of {_plural(total, 'goal')} reached")


def _training(session: Session, programme_id: int, as_of: date,
              ) -> tuple[MetricValue, tuple[tuple[str, int, int], ...]]:
    """training_sessions and the topics."""
    attended = case((TrainingAttendance.attended.is_(True), TrainingAttendance.id))
    rows = session.execute(
        select(TrainingSession.topic, func.count(distinct(TrainingSession.id)),
               func.count(attended))
        .select_from(TrainingSession)
        .outerjoin(TrainingAttendance, TrainingAttendance.session_id == TrainingSession.id)
        .where(TrainingSession.programme_id == programme_id,
               TrainingSession.starts_at < _end_of(as_of))
        .group_by(TrainingSession.topic)).all()
    topics: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for topic, sessions, people in rows:
        name = " ".join((topic or "").split()) or "(no topic)"
        before = topics[name]
        topics[name] = (before[0] + int(sessions), before[1] + int(people))
    by_topic = tuple(sorted(((t, s, p) for t, (s, p) in topics.items()),
                            key=lambda r: (-r[1], r[0].casefold())))
    sessions = sum(s for _, s, _ in by_topic)
    attendances = sum(p for _, _, p in by_topic)
    return (MetricValue("training_sessions", float(sessions), sessions, None,
                        f"{_plural(sessions, 'session')}, {_plural(attendances, 'attendance')}"
                        + (f", on {_plural(len(by_topic), 'topic')}" if by_topic else "")),
            by_topic)


def _cohort(programme: Programme) -> ColumnElement[bool]:
    """HR outcome rows of people employed at the programme's start."""
    start = programme.start_date
    return and_(or_(HrOutcome.hired_on.is_(None), HrOutcome.hired_on <= start),
                or_(HrOutcome.left_on.is_(None), HrOutcome.left_on >= start))


def _horizon(programme: Programme, as_of: date) -> date:
    end = programme.end_date
    return min(as_of, end) if end is not None else as_of


def _outcomes(session: Session, programme: Programme, as_of: date) -> dict[str, MetricValue]:
    """retention_* and promotion_*."""
    keys = ("retention_participants_pct", "retention_others_pct",
            "promotion_participants_pct", "promotion_others_pct")
    start = programme.start_date
    why = ""
    if start is None:
        why = "the programme has no start date"
    elif as_of < start:
        why = "the programme has not started yet"
    elif session.scalar(select(HrOutcome.id).limit(1)) is None:
        why = "no HR outcomes imported yet"
    if start is None or why:
        return {k: MetricValue(k, None, None, None, why) for k in keys}
    horizon = _horizon(programme, as_of)
    retained = case((or_(HrOutcome.left_on.is_(None), HrOutcome.left_on > horizon),
                     HrOutcome.id))
    promoted = case((and_(HrOutcome.promoted_on >= start, HrOutcome.promoted_on <= as_of),
                     HrOutcome.id))
    columns = (func.count(HrOutcome.id), func.count(retained), func.count(promoted))
    everyone = session.execute(select(*columns).where(_cohort(programme))).one()
    ours = session.execute(select(*columns).where(
        _cohort(programme), HrOutcome.participant_id.in_(_participant_ids(programme.id)))).one()
    groups = {"participants": (int(ours[0]), int(ours[1]), int(ours[2])),
              "others": (int(everyone[0] - ours[0]), int(everyone[1] - ours[1]),
                         int(everyone[2] - ours[2]))}
    words = {"participants": ("participant", "participants"),
             "others": ("other employee", "other employees")}
    out: dict[str, MetricValue] = {}
    for group, (cohort, kept, up) in groups.items():
        one, many = words[group]
        if not cohort:
            none = f"no {many} employed at the programme's start in the HR outcomes"
            out[f"retention_{group}_pct"] = MetricValue(f"retention_{group}_pct", None, 0, 0,
                                                         none)
            out[f"promotion_{group}_pct"] = MetricValue(f"promotion_{group}_pct", None, 0,
                                                         0, none)
            continue
        of = f"of {_plural(cohort, one, many)} employed at the start"
        out[f"retention_{group}_pct"] = MetricValue(
            f"retention_{group}_pct", _pct(kept, cohort), kept, cohort,
            f"{number(kept)} {of} still employed on {horizon.isoformat()}")
        out[f"promotion_{group}_pct"] = MetricValue(
            f"promotion_{group}_pct", _pct(up, cohort), up, cohort,
            f"{number(up)} {of} promoted since {start.isoformat()}")
    return out


def _kpis(session: Session, programme_id: int, as_of: date,
          metrics: Mapping[str, MetricValue]) -> tuple[KpiStatus, ...]:
    rows = session.execute(
        select(Kpi.id, Kpi.name, Kpi.unit, Kpi.baseline_value, Kpi.target_value,
               Kpi.direction, Kpi.metric, Objective.title)
        .outerjoin(Objective, Objective.id == Kpi.objective_id)
        .where(Kpi.programme_id == programme_id).order_by(Kpi.position, Kpi.id)).all()
    manual_ids = [r.id for r in rows if not r.metric or r.metric not in METRICS]
    latest: dict[int, float] = {}
    if manual_ids:
        for kpi_id, reading in session.execute(
                select(KpiMeasurement.kpi_id, KpiMeasurement.value)
                .where(KpiMeasurement.kpi_id.in_(manual_ids),
                       KpiMeasurement.measured_on <= as_of)
                .order_by(KpiMeasurement.kpi_id, KpiMeasurement.measured_on)):
            latest[kpi_id] = float(reading)
    out = []
    for r in rows:
        direction = KpiDirection(r.direction)
        value: float | None
        if r.metric and r.metric in METRICS:
            measured = metrics[r.metric]
            value, unit, why = measured.value, METRICS[r.metric].unit, measured.detail
        else:
            value, unit, why = latest.get(r.id), r.unit, "no measurement recorded yet"
        status, explanation = judge_kpi(value, r.target_value, r.baseline_value, direction,
                                        unit, why)
        out.append(KpiStatus(r.id, r.name, r.title or "", r.metric or None, value,
                             r.target_value, r.baseline_value, unit, direction, status,
                             explanation))
    return tuple(out)


def compute_dashboard(session: Session, programme_id: int, *,
                      today: date | None = None) -> Dashboard:
    """Every metric, KPI status, chart series and funnel of the programme, as of ``today``
    (the computer's date when not given). Reads only; see the module notes."""
    programme = _programme(session, programme_id)
    as_of = today or _today()
    metrics: dict[str, MetricValue] = {}
    people, funnel = _people(session, programme_id, as_of)
    metrics.update(people)
    pairs, _ = _pairs(session, programme_id, as_of)
    metrics.update(pairs)
    checkin_metrics, months = _checkins(session, programme_id, as_of)
    metrics.update(checkin_metrics)
    satisfaction, satisfaction_months = _satisfaction(session, programme_id, as_of)
    metrics["satisfaction_avg"] = satisfaction
    metrics["recommendation_score"] = _recommendation(session, programme_id, as_of)
    metrics["goals_reached_pct"] = _goals(session, programme_id, as_of)
    training, topics = _training(session, programme_id, as_of)
    metrics["training_sessions"] = training
    metrics.update(_outcomes(session, programme, as_of))
    ordered = {key: metrics[key] for key in METRICS}
    return Dashboard(programme_id, as_of, ordered,
                     _kpis(session, programme_id, as_of, ordered), months,
                     satisfaction_months, funnel, topics)


# --------------------------------------------------------------------------- history


def take_snapshot(session: Session, programme_id: int, dashboard: Dashboard) -> int:
    """Keep the dashboard's values as the figures of its day; returns how many were kept.

    One row per metric per day: a second snapshot the same day replaces the first. Metrics
    without a value (no data, or hidden) are not kept.
    """
    if dashboard.programme_id != programme_id:
        raise ValueError("the dashboard is another programme's")
    _programme(session, programme_id)
    session.execute(delete(MetricSnapshot).where(MetricSnapshot.programme_id == programme_id,
                                                 MetricSnapshot.taken_on == dashboard.as_of))
    rows = [{"programme_id": programme_id, "metric": key, "taken_on": dashboard.as_of,
             "value": float(v.value)}
            for key, v in dashboard.metrics.items() if v.value is not None]
    if rows:
        session.execute(insert(MetricSnapshot), rows)
    return len(rows)


def metric_history(session: Session, programme_id: int, metric: str) -> list[tuple[date, float]]:
    """The metric's kept values, oldest first.

    Raises:
        UserError: ``metric`` is not one of :data:`METRICS`.
    """
    key = _check_metric(metric)
    return [(day, float(value)) for day, value in session.execute(
        select(MetricSnapshot.taken_on, MetricSnapshot.value)
        .where(MetricSnapshot.programme_id == programme_id, MetricSnapshot.metric == key)
        .order_by(MetricSnapshot.taken_on)).all()]


# --------------------------------------------------------------------------- drill-down


def _pair_labels(session: Session, pairing_ids: Iterable[int]) -> dict[int, str]:
    """Pairing id -> "Mentor & Mentee, Mentee" (or the circle's name)."""
    ids = sorted(set(pairing_ids))
    if not ids:
        return {}
    mentors = {pid: (circle, _name(pref, full)) for pid, circle, pref, full in session.execute(
        select(Pairing.id, Pairing.circle_name, Participant.preferred_name,
               Participant.full_name)
        .outerjoin(Participant, Participant.id == Pairing.mentor_id)
        .where(Pairing.id.in_(ids))).all()}
    mentees: dict[int, list[str]] = defaultdict(list)
    for pid, pref, full in session.execute(
            select(PairingMember.pairing_id, Participant.preferred_name, Participant.full_name)
            .outerjoin(Participant, Participant.id == PairingMember.mentee_id)
            .where(PairingMember.pairing_id.in_(ids)).order_by(PairingMember.id)).all():
        mentees[pid].append(_name(pref, full))
    return {pid: circle or f"{mentor} & {', '.join(mentees.get(pid, [])) or '(nobody)'}"
            for pid, (circle, mentor) in mentors.items()}


def _person_rows(session: Session, where: Any, detail: Any = None) -> list[DrillRow]:
    rows = session.execute(
        select(Participant.id, Participant.preferred_name, Participant.full_name,
               Participant.role, Participant.department)
        .where(where)).all()
    out = [DrillRow("person", r.id, _name(r.preferred_name, r.full_name),
                    detail(r) if detail else
                    " · ".join(x for x in (ParticipantRole(r.role).value, r.department) if x))
           for r in rows]
    return sorted(out, key=lambda d: (d.label.casefold(), d.id))


def _drill_feedback(session: Session, programme_id: int, as_of: date,
                    metric: str) -> list[DrillRow]:
    """Respondents and their answers; nobody when any response is confidential."""
    measure, kinds = (("satisfaction", _SATISFACTION_KINDS) if metric == "satisfaction_avg"
                      else ("recommendation", _RECOMMENDATION_KINDS))
    rows = session.execute(_answers(
        programme_id, measure, kinds, FeedbackResponse.id, FeedbackResponse.participant_id,
        FeedbackResponse.confidential, FeedbackAnswer.value_number, FeedbackQuestion.kind,
        FeedbackQuestion.scale_max, FeedbackQuestion.text)
        .where(FeedbackResponse.submitted_at < _end_of(as_of))
        .order_by(FeedbackResponse.id)).all()
    if any(r.confidential for r in rows):
        return []
    names = {pid: _name(pref, full) for pid, pref, full in session.execute(
        select(Participant.id, Participant.preferred_name, Participant.full_name)
        .where(Participant.id.in_({r.participant_id for r in rows
                                   if r.participant_id is not None}))).all()}
    out = []
    for r in rows:
        top = 10 if r.kind == QuestionKind.SCORE else (r.scale_max or 5)
        label = (names.get(r.participant_id, "(erased)") if r.participant_id is not None
                 else "(anonymous)")
        question = " ".join(r.text.split())
        out.append(DrillRow("person", r.participant_id or 0, label,
                            f"{number(r.value_number)} of {top}: {question}"))
    return out


def drill_down(session: Session, programme_id: int, metric: str, *,
               today: date | None = None) -> list[DrillRow]:
    """The pairs, people, check-ins or sessions behind a metric's number.

    * enrolled: everyone signed up; matched_pct: the mentees not matched yet;
    * pairs_active: the active pairs; inactive_pairs: the pairs to nudge, longest first;
    * checkins_held_pct: pairs with planned check-ins not held (missed or not logged);
      checkins_missed: the missed check-ins;
    * satisfaction_avg, recommendation_score: the respondents and their answers, unless any
      response is confidential (then nobody: respondents of confidential feedback are never
      listed);
    * goals_reached_pct: the mentees with development goals, and which they reached;
    * training_sessions: the sessions delivered;
    * retention/promotion of participants: participants employed at the start, those who
      left (retention) or who were promoted (promotion); of others: nothing (the HR file's
      other people are kept only as a one-way code, never by name).

    Raises:
        UserError: ``metric`` is not one of :data:`METRICS`.
    """
    key = _check_metric(metric)
    programme = _programme(session, programme_id)
    as_of = today or _today()
    mentee = Participant.role.in_(_MENTEE_ROLES)
    active = Participant.status == ParticipantStatus.ACTIVE
    if key == "enrolled":
        return _person_rows(session, active)
    if key == "matched_pct":
        return _person_rows(session, and_(active, mentee,
                                          Participant.id.not_in(_mentee_ids(programme_id))),
                            lambda r: " · ".join(x for x in ("not in a pair", r.department)
                                                 if x))
    if key == "pairs_active":
        starts = dict(session.execute(select(Pairing.id, Pairing.start_date).where(
            Pairing.programme_id == programme_id,
            Pairing.status == PairingStatus.ACTIVE)).all())
        labels = _pair_labels(session, starts)
        return sorted((DrillRow("pair", pid, labels[pid],
                                f"active since {start.isoformat()}" if start else "active")
                       for pid, start in starts.items()), key=lambda d: (d.label.casefold(),
                                                                         d.id))
    if key == "inactive_pairs":
        return [DrillRow("pair", r.pairing_id, f"{r.mentor_name} & {r.mentee_names}",
                         f"last met {r.last_held.isoformat()}, {r.days_since} days ago"
                         if r.last_held else
                         f"never met; {r.days_since} days since they started")
                for r in overdue_pairs(session, programme_id, as_of)]
    if key == "checkins_held_pct":
        per_pair: dict[int, dict[CheckinOutcome, int]] = defaultdict(lambda: defaultdict(int))
        for _, pid, outcome, n in _checkin_counts(session, programme_id, as_of, by_pair=True):
            per_pair[pid][outcome] += n
        behind = {pid: c for pid, c in per_pair.items()
                  if c.get(CheckinOutcome.MISSED, 0) + c.get(CheckinOutcome.SCHEDULED, 0)}
        labels = _pair_labels(session, behind)
        out = []
        for pid, c in behind.items():
            planned = sum(n for o, n in c.items() if o != CheckinOutcome.CANCELLED)
            parts = [f"{number(c[o])} {w}" for o, w in ((CheckinOutcome.MISSED, "missed"), (
                CheckinOutcome.SCHEDULED, "not logged")) if c.get(o)]
            out.append((-(planned - c.get(CheckinOutcome.HELD, 0)), DrillRow(
                "pair", pid, labels[pid],
                f"{' and '.join(parts)} of {_plural(planned, 'planned check-in')}")))
        return [row for _, row in sorted(out, key=lambda x: (x[0], x[1].label.casefold()))]
    if key == "checkins_missed":
        rows = session.execute(
            select(Checkin.id, Checkin.pairing_id, Checkin.scheduled_start, Checkin.timezone)
            .join(Pairing, Pairing.id == Checkin.pairing_id)
            .where(Pairing.programme_id == programme_id,
                   Checkin.outcome == CheckinOutcome.MISSED,
                   Checkin.scheduled_start < _end_of(as_of + timedelta(days=1)))
            .order_by(Checkin.scheduled_start.desc(), Checkin.id)).all()
        local = [(r, r.scheduled_start.astimezone(_zone(r.timezone))) for r in rows]
        local = [(r, when) for r, when in local if when.date() <= as_of]
        labels = _pair_labels(session, (r.pairing_id for r, _ in local))
        return [DrillRow("checkin", r.id, labels[r.pairing_id],
                         f"missed {when:%Y-%m-%d %H:%M} ({r.timezone})") for r, when in local]
    if key in ("satisfaction_avg", "recommendation_score"):
        return _drill_feedback(session, programme_id, as_of, key)
    if key == "goals_reached_pct":
        goals: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
        for pid, skill, achieved in session.execute(
                select(DevelopmentGoal.participant_id, Skill.name, DevelopmentGoal.achieved_on)
                .join(Skill, Skill.id == DevelopmentGoal.skill_id)
                .join(Participant, Participant.id == DevelopmentGoal.participant_id)
                .where(DevelopmentGoal.participant_id.in_(_mentee_ids(programme_id)),
                       _eligible_mentee())
                .order_by(DevelopmentGoal.participant_id, DevelopmentGoal.priority)).all():
            goals[pid].append((skill, achieved if achieved and achieved <= as_of else None))

        def describe(r: Any) -> str:
            mine = goals[r.id]
            done = [f"{s} ({d.isoformat()})" for s, d in mine if d]
            todo = [s for s, d in mine if not d]
            text = f"reached {len(done)} of {len(mine)}"
            if done:
                text += ": " + ", ".join(done)
            if todo:
                text += "; not yet: " + ", ".join(todo)
            return text

        rows_ = _person_rows(session, Participant.id.in_(goals), describe)
        return sorted(rows_, key=lambda d: (d.detail.startswith("reached 0"),
                                            d.label.casefold()))
    if key == "training_sessions":
        attended = case((TrainingAttendance.attended.is_(True), TrainingAttendance.id))
        sessions = session.execute(
            select(TrainingSession.id, TrainingSession.title, TrainingSession.topic,
                   TrainingSession.starts_at, func.count(attended))
            .outerjoin(TrainingAttendance, TrainingAttendance.session_id == TrainingSession.id)
            .where(TrainingSession.programme_id == programme_id,
                   TrainingSession.starts_at < _end_of(as_of))
            .group_by(TrainingSession.id, TrainingSession.title, TrainingSession.topic,
                      TrainingSession.starts_at)
            .order_by(TrainingSession.starts_at, TrainingSession.id)).all()
        return [DrillRow("session", sid, title, " · ".join(x for x in (
            topic, starts.date().isoformat(), f"{number(n)} attended") if x))
            for sid, title, topic, starts, n in sessions]
    if key.endswith("_others_pct") or programme.start_date is None \
            or as_of < programme.start_date:
        return []
    start, horizon = programme.start_date, _horizon(programme, as_of)
    records = session.execute(
        select(HrOutcome.participant_id, HrOutcome.left_on, HrOutcome.promoted_on)
        .where(_cohort(programme),
               HrOutcome.participant_id.in_(_participant_ids(programme_id)))).all()
    if key == "retention_participants_pct":
        facts = {pid: (f"left on {left.isoformat()}" if left and left <= horizon
                       else "still employed") for pid, left, _ in records}
        rows_ = _person_rows(session, Participant.id.in_(facts), lambda r: facts[r.id])
        return sorted(rows_, key=lambda d: (d.detail == "still employed", d.label.casefold()))
    facts = {pid: f"promoted on {up.isoformat()}" for pid, _, up in records
             if up and start <= up <= as_of}
    return _person_rows(session, Participant.id.in_(facts), lambda r: facts[r.id])


# --------------------------------------------------------------------------- changes


def find_kpi(session: Session, programme_id: int, key: str) -> int:
    """A KPI of the programme by id or by name (any case).

    Raises:
        NotFoundError: no such KPI.
    """
    text = key.strip()
    if text.isdigit():
        found = session.scalar(select(Kpi.id).where(Kpi.programme_id == programme_id,
                                                    Kpi.id == int(text)))
        if found is not None:
            return found
    found = session.scalar(select(Kpi.id).where(Kpi.programme_id == programme_id,
                                                func.lower(Kpi.name) == text.lower()))
    if found is None:
        names = session.scalars(select(Kpi.name).where(Kpi.programme_id == programme_id)
                                .order_by(Kpi.position, Kpi.id)).all()
        raise NotFoundError(f"The programme has no KPI '{key}'"
                            + (f"; its KPIs are: {', '.join(names)}." if names else "."))
    return found


def set_kpi_metric(session: Session, kpi_id: int, metric: str | None) -> None:
    """Tie a KPI to a computed metric (None: the coordinator measures it by hand).

    Raises:
        NotFoundError: no such KPI.
        UserError: ``metric`` is not one of :data:`METRICS`.
    """
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFoundError(f"There is no KPI with id {kpi_id}.")
    key = _check_metric(metric) if metric is not None and metric.strip() else None
    if kpi.metric != key:
        kpi.metric = key
        session.flush()
        audit.record(session, "edit", "kpi", kpi.id, ["metric"])


def mark_goal_reached(session: Session, participant_id: int, skill: str,
                      on: date | None = None, *, reached: bool = True) -> None:
    """Record that the participant reached their development goal ``skill`` (any case) on
    ``on`` (today when not given); ``reached=False`` takes it back.

    Raises:
        NotFoundError: no such participant.
        UserError: ``skill`` is not one of their development goals.
    """
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    wanted = " ".join(skill.split()).casefold()
    goals = session.execute(
        select(DevelopmentGoal, Skill.name).join(Skill, Skill.id == DevelopmentGoal.skill_id)
        .where(DevelopmentGoal.participant_id == participant_id)
        .order_by(DevelopmentGoal.priority)).all()
    goal = next((g for g, name in goals if name.casefold() == wanted), None)
    if goal is None:
        listed = ", ".join(name for _, name in goals)
        who = person.preferred_name or person.full_name
        raise UserError(f"'{skill}' is not one of {who}'s development goals"
                        + (f" ({listed})." if listed else "; they have none."))
    value = (on or _today()) if reached else None
    if goal.achieved_on != value:
        goal.achieved_on = value
        session.flush()
        audit.record(session, "edit", "development_goal", goal.id, ["achieved_on"])
