"""The KPI report: the programme's KPIs against their targets, as a PDF for stakeholders.

:func:`render_kpi_report` computes the dashboard (:func:`mentordesk.services.kpis.
compute_dashboard`, reading only) and lays it out on the shared document layout: a summary
(as of which day, how many KPIs are on track, at risk or off track), the KPI table with each
status, the other figures as tiles, charts of check-ins per month, satisfaction over time
and the participation funnel (drawn with ``reportlab.graphics`` in the programme's colours),
retention and promotion of participants against other employees, training by topic, and
what each number means.

Figures withheld to protect confidential feedback are printed as "Hidden: fewer than 5
confidential answers", never as a number or a blank; a missing HR outcomes import is said in words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import KpiDirection
from mentordesk.services import kpis
from mentordesk.services.documents import fonts, layout
from mentordesk.services.documents.branding import load_branding
from mentordesk.services.documents.fonts import Style
from mentordesk.services.documents.layout import Branding, Styles
from mentordesk.services.documents.proposal import (
    document_styles,
    key_figures,
    lead_style,
    plural,
    section,
)
from mentordesk.services.documents.wording import long_date, month_label, number
from mentordesk.services.feedback import MIN_GROUP
from mentordesk.services.kpis import (
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    Dashboard,
    KpiStatus,
    MetricValue,
)
from mentordesk.services.programmes import ProgrammeData, get_programme

TITLE = "KPI report"
HIDDEN_NOTE = f"Hidden: fewer than {MIN_GROUP} confidential answers"
CONFIDENTIAL_RULE = (f"confidential answers count only in whole groups of {MIN_GROUP}, in the "
                     "order they came in, so that nobody's answer can be worked out")
NO_OUTCOMES_NOTE = ("No HR outcomes have been imported yet, so retention and promotion of "
                    "participants cannot be compared with other employees.")
# A status as printed, and its colour (the same greens, ambers and reds as the app).
STATUS_WORDS = {status: label.capitalize() for status, label in kpis.STATUS_LABELS.items()}
STATUS_COLOURS = {ON_TRACK: "#1E7B34", AT_RISK: "#B26A00", OFF_TRACK: "#B00020",
                  NO_DATA: "#777777"}
STATUS_ORDER = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)
STATUS_CAPTIONS = {ON_TRACK: "KPIs on track", AT_RISK: "KPIs at risk",
                   OFF_TRACK: "KPIs off track", NO_DATA: "KPIs without data yet"}
# Retention and promotion have a section of their own, not a tile each.
OUTCOME_METRICS = ("retention_participants_pct", "retention_others_pct",
                   "promotion_participants_pct", "promotion_others_pct")
TILES_PER_ROW = 4
POINT_RADIUS = 2.6  # a month's point on the satisfaction line
# The section titles, in order (each one a heading in the contents and the bookmarks).
SECTIONS = ("Summary", "KPIs against their targets", "Other figures", "Check-ins per month",
            "Satisfaction over time", "Participation funnel", "Retention and promotion",
            "Training by topic", "What the numbers mean")

_INK = colors.HexColor("#222222")
_MUTED = colors.HexColor("#666666")
_GRID = colors.HexColor("#DDDDDD")
_CANCELLED = colors.HexColor("#BBBBBB")


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class ReportContext:
    """Everything the sections read, built once by :func:`load_report`."""

    programme_id: int
    data: ProgrammeData
    branding: Branding
    styles: Styles
    width: float
    dashboard: Dashboard

    @property
    def as_of(self) -> date:
        """The day the figures are for."""
        return self.dashboard.as_of

    @property
    def metrics(self) -> dict[str, MetricValue]:
        """Every computed metric, by key."""
        return self.dashboard.metrics

    def linked_metrics(self) -> set[str]:
        """The metrics a KPI follows (shown in the KPI table rather than as a tile)."""
        return {k.metric for k in self.dashboard.kpis if k.metric}

    def other_metrics(self) -> list[str]:
        """The metrics shown as tiles: those no KPI follows, retention and promotion aside."""
        linked = self.linked_metrics()
        return [key for key in kpis.METRICS if key not in linked and key not in OUTCOME_METRICS]

    def status_counts(self) -> dict[str, int]:
        """How many KPIs have each status, in :data:`STATUS_ORDER`."""
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for k in self.dashboard.kpis:
            counts[k.status] = counts.get(k.status, 0) + 1
        return counts


def load_report(session: Session, programme_id: int, *,
                today: date | None = None) -> ReportContext:
    """Read everything the report needs (the dashboard as of ``today``).

    Raises:
        UserError: there is no such programme.
    """
    record = get_programme(session, programme_id)
    branding = load_branding(session, programme_id)
    dashboard = kpis.compute_dashboard(session, programme_id, today=today)
    page_width = layout.PAPER_SIZES.get(branding.paper, A4)[0]
    return ReportContext(programme_id, record.data, branding, document_styles(branding, "kpis"),
                         page_width - 2 * layout.MARGIN, dashboard)


# --------------------------------------------------------------------------- wording


def is_hidden(value: MetricValue | None) -> bool:
    """Whether the metric's value is withheld to protect confidential feedback."""
    return value is not None and value.value is None and value.detail.startswith("hidden")


def metric_text(value: MetricValue, unit: str) -> str:
    """A metric's value as printed: ``80%``, "Hidden: fewer than 5 confidential answers" or
    "No data"."""
    if value.value is not None:
        return kpis.format_metric(value.value, unit)
    return HIDDEN_NOTE if is_hidden(value) else "No data"


def kpi_value_text(ctx: ReportContext, kpi: KpiStatus) -> str:
    """A KPI's value as printed (see :func:`metric_text`)."""
    if kpi.value is not None:
        return kpis.format_metric(kpi.value, kpi.unit)
    measured = ctx.metrics.get(kpi.metric) if kpi.metric else None
    return HIDDEN_NOTE if is_hidden(measured) else "No data"


def kpi_target_text(kpi: KpiStatus) -> str:
    """``85%``, or ``at most 8%`` for a KPI that should go down."""
    target = kpis.format_metric(kpi.target, kpi.unit)
    return f"at most {target}" if kpi.direction == KpiDirection.DECREASE else target


def kpi_why(ctx: ReportContext, kpi: KpiStatus) -> str:
    """Why the KPI has its status, and where its value comes from."""
    measured = ctx.metrics.get(kpi.metric) if kpi.metric else None
    why = f"{HIDDEN_NOTE}: {CONFIDENTIAL_RULE}." if is_hidden(measured) else kpi.explanation
    if kpi.metric and kpi.metric in kpis.METRICS:
        source = f"Computed by MentorDesk: {kpis.METRICS[kpi.metric].label.lower()}."
    else:
        source = "Measured by hand: the latest measurement recorded."
    return f"{why} {source}"


def status_sentence(counts: dict[str, int]) -> str:
    """"Of its 4 KPIs, 1 is on track, 2 are at risk and 1 is off track." (statuses without
    a KPI left out; the KPIs without data said last)."""
    total = sum(counts.values())
    if not total:
        return ("The programme has no KPIs yet: set them, with a baseline and a target each, "
                "in the Programme area.")
    parts = [f"{number(n)} {'is' if n == 1 else 'are'} {kpis.STATUS_LABELS[s]}"
             for s in (ON_TRACK, AT_RISK, OFF_TRACK) if (n := counts.get(s, 0))]
    missing = counts.get(NO_DATA, 0)
    if not parts:
        return (f"None of its {plural(total, 'KPI')} has data yet." if total > 1
                else "Its one KPI has no data yet.")
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    sentence = f"Of its {plural(total, 'KPI')}, {joined}"
    if missing:
        sentence += f"; {number(missing)} {'has' if missing == 1 else 'have'} no data yet"
    return sentence + "."


def _period_sentence(data: ProgrammeData, as_of: date) -> str:
    start, end = data.start_date, data.end_date
    if start and end:
        verb = "ran" if end < as_of else "runs"
        return f"The programme {verb} from {long_date(start)} to {long_date(end)}."
    if start:
        return (f"The programme started on {long_date(start)}." if start <= as_of else
                f"The programme starts on {long_date(start)}.")
    return "The programme's dates are not set yet."


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- charts


def nice_scale(largest: float, steps: int = 5) -> tuple[float, float]:
    """An axis top and step for values up to ``largest``: steps of 1, 2 or 5 times a power
    of ten, at most ``steps`` of them (``(20, 5)`` for 16)."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / steps
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return math.ceil(largest / step) * step, step


def _month_names(months: Sequence[date]) -> list[str]:
    """Axis labels: the year on the first month and on each January; with many months,
    only every few are named."""
    every = max(1, math.ceil(len(months) / 12))
    names = []
    for i, month in enumerate(months):
        shown = i % every == 0
        names.append(month_label(month, year=i == 0 or month.month == 1) if shown else "")
    return names


def _label(x: float, y: float, text: str, size: float = 7.5, *, anchor: str = "start",
           colour: colors.Color = _INK, bold: bool = False) -> String:
    return String(x, y, text, fontName=fonts.font_name(style=Style.BOLD if bold
                                                       else Style.REGULAR),
                  fontSize=size, fillColor=colour, textAnchor=anchor)


def _legend(drawing: Drawing, x: float, y: float,
            items: Sequence[tuple[str, colors.Color, str]]) -> None:
    """Swatches and names in a row from ``x``: ``(name, colour, "box" | "line")``."""
    for name, colour, kind in items:
        if kind == "line":
            drawing.add(Line(x, y + 2.5, x + 9, y + 2.5, strokeColor=colour, strokeWidth=1.4))
            drawing.add(Circle(x + 4.5, y + 2.5, 1.8, fillColor=colour, strokeColor=None))
        else:
            drawing.add(Rect(x, y, 8, 6, fillColor=colour, strokeColor=None))
        drawing.add(_label(x + 12, y + 0.5, name, 8))
        x += 12 + fonts.text_width(name, 8) + 14


def checkins_chart(months: Sequence[kpis.MonthCheckins], branding: Branding,
                   width: float) -> Drawing:
    """Stacked bars of check-ins held, missed and cancelled per month, with the planned
    check-ins as a line."""
    height = 64 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 17 * mm
    chart.width, chart.height = width - chart.x - 3 * mm, height - chart.y - 5 * mm
    chart.data = [[m.held for m in months], [m.missed for m in months],
                  [m.cancelled for m in months]]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = _month_names([m.month for m in months])
    top, step = nice_scale(max((max(m.planned, m.held + m.missed + m.cancelled)
                                for m in months), default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.valueStep = step
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = _GRID
    chart.valueAxis.strokeColor = _GRID
    chart.valueAxis.labelTextFormat = lambda v: number(v)
    for axis in (chart.valueAxis, chart.categoryAxis):
        axis.labels.fontName = fonts.font_name()
        axis.labels.fontSize = 7.5
        axis.labels.fillColor = _MUTED
    chart.categoryAxis.strokeColor = _MUTED
    chart.categoryAxis.visibleTicks = False
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = layout.colour(branding.primary)
    chart.bars[1].fillColor = layout.colour(branding.accent)
    chart.bars[2].fillColor = _CANCELLED
    chart.groupSpacing = 6 if len(months) > 6 else 14
    drawing.add(chart)
    # Planned check-ins: a line through each month's middle, on the bars' own scale.
    count = max(1, len(months))
    points: list[float] = []
    for i, m in enumerate(months):
        x = chart.x + (i + 0.5) * chart.width / count
        y = chart.y + chart.height * m.planned / top
        points += [x, y]
        drawing.add(Circle(x, y, 2, fillColor=_INK, strokeColor=colors.white,
                           strokeWidth=0.6))
    if len(months) > 1:
        drawing.add(PolyLine(points, strokeColor=_INK, strokeWidth=1.1))
    _legend(drawing, chart.x, 2 * mm, [
        ("Held", layout.colour(branding.primary), "box"),
        ("Missed", layout.colour(branding.accent), "box"),
        ("Cancelled", _CANCELLED, "box"),
        ("Planned", _INK, "line")])
    return drawing


def satisfaction_chart(months: Sequence[tuple[date, float | None, int]], branding: Branding,
                       width: float) -> Drawing:
    """The average satisfaction per month on the 1-5 scale, as a line; a month hidden to
    protect confidential answers is a gap marked "hidden", a month without answers a gap."""
    height = 58 * mm
    drawing = Drawing(width, height)
    left, bottom = 12 * mm, 17 * mm
    plot_w, plot_h = width - left - 3 * mm, height - bottom - 5 * mm

    def y_of(value: float) -> float:
        return float(bottom + plot_h * (value - 1) / 4)

    for level in range(1, 6):
        y = y_of(level)
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=_GRID, strokeWidth=0.5))
        drawing.add(_label(left - 2 * mm, y - 2.5, str(level), anchor="end", colour=_MUTED))
    count = max(1, len(months))
    names = _month_names([m for m, _, _ in months])
    primary = layout.colour(branding.primary)
    run: list[float] = []

    def close_run() -> None:
        if len(run) >= 4:
            drawing.add(PolyLine(list(run), strokeColor=primary, strokeWidth=1.6))
        run.clear()

    for i, (_month, average, responses) in enumerate(months):
        x = left + (i + 0.5) * plot_w / count
        drawing.add(_label(x, bottom - 5 * mm, names[i], anchor="middle", colour=_MUTED))
        if average is None:
            close_run()
            if responses:
                drawing.add(Rect(x - 0.3 * plot_w / count, bottom, 0.6 * plot_w / count,
                                 plot_h, fillColor=colors.HexColor("#F1F1F1"),
                                 strokeColor=None))
                drawing.add(_label(x, y_of(3) - 2.5, "hidden", 7, anchor="middle",
                                   colour=_MUTED))
            continue
        y = y_of(average)
        run += [x, y]
        drawing.add(Circle(x, y, POINT_RADIUS, fillColor=primary, strokeColor=colors.white,
                           strokeWidth=0.6))
        drawing.add(_label(x, y + 4, number(average), 7, anchor="middle"))
    close_run()
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=_MUTED, strokeWidth=0.6))
    _legend(drawing, left, 2 * mm, [("Average satisfaction (1-5)", primary, "line")])
    return drawing


def funnel_chart(funnel: Sequence[tuple[str, int]], branding: Branding,
                 width: float) -> Drawing:
    """Horizontal bars from mentees signed up down to those who reached a goal, each with
    its count and its share of those signed up."""
    rows = max(1, len(funnel))
    height = rows * 9 * mm + 6 * mm
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_room = max((fonts.text_width(label, 8) for label, _ in funnel), default=0) + 4 * mm
    chart.x, chart.y = label_room, 3 * mm
    chart.width, chart.height = width - label_room - 30 * mm, height - 6 * mm
    # The first stage on top: a horizontal chart draws its first category at the bottom.
    ordered = list(reversed(funnel))
    chart.data = [[count for _, count in ordered]]
    chart.categoryAxis.categoryNames = [label for label, _ in ordered]
    first = funnel[0][1] if funnel else 0
    top, step = nice_scale(max((c for _, c in funnel), default=0))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.valueStep = step
    chart.valueAxis.visible = False
    chart.categoryAxis.labels.fontName = fonts.font_name()
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fillColor = _INK
    chart.categoryAxis.strokeColor = _MUTED
    chart.categoryAxis.visibleTicks = False
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = layout.colour(branding.primary)
    chart.barLabels.fontName = fonts.font_name()
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabelFormat = lambda value: (
        f"{number(value)} ({round(100 * value / first)}%)" if first else number(value))
    chart.groupSpacing = 8
    drawing.add(chart)
    return drawing


# --------------------------------------------------------------------------- sections


def _section_summary(ctx: ReportContext) -> list[Flowable]:
    s, d = ctx.styles, ctx.dashboard
    counts = ctx.status_counts()
    lead = layout.para(f"{ctx.data.name}: its KPIs and figures as of {long_date(ctx.as_of)}, "
                       "counted from everything recorded up to and including that day.",
                       lead_style(s))
    story: list[Flowable] = [section(SECTIONS[0], s, lead)]
    story.append(layout.para(f"{status_sentence(counts)} "
                             f"{_period_sentence(ctx.data, ctx.as_of)}", s.body))
    if d.kpis:
        tiles = key_figures([(number(counts[status]), caption)
                             for status, caption in STATUS_CAPTIONS.items()],
                            s, ctx.branding, ctx.width)
        # Each tile's rule in its status colour.
        tiles.setStyle(TableStyle([
            ("LINEABOVE", (2 * i, 0), (2 * i, 0), 2.5, layout.colour(STATUS_COLOURS[status]))
            for i, status in enumerate(STATUS_ORDER)]))
        story += [Spacer(1, 2 * mm), tiles, Spacer(1, 4 * mm)]
        attention = [f"{k.name} ({kpis.STATUS_LABELS[k.status]})" for k in d.kpis
                     if k.status in (OFF_TRACK, AT_RISK)]
        if attention:
            story.append(layout.callout(f"Needs attention: {_join(attention)}.", s,
                                        ctx.branding))
    m = ctx.metrics
    story.append(layout.para(
        f"Enrolled: {m['enrolled'].detail}. Pairs: {m['pairs_active'].detail}. "
        f"Check-ins: {m['checkins_held_pct'].detail}.", s.body))
    return story


def _kpi_table(ctx: ReportContext) -> Table:
    s, w = ctx.styles, ctx.width
    rows = [["KPI", "Objective", "Baseline", "Target", "Value", "Status"]]
    for k in ctx.dashboard.kpis:
        rows.append([k.name, k.objective or "Programme as a whole",
                     kpis.format_metric(k.baseline, k.unit) if k.baseline is not None
                     else "Not measured", kpi_target_text(k), kpi_value_text(ctx, k),
                     f"● {STATUS_WORDS[k.status]}"])
    table = layout.table(rows, s, ctx.branding,
                         [w * 0.24, w * 0.22, w * 0.12, w * 0.13, w * 0.15, w * 0.14])
    table.setStyle(TableStyle([
        ("BACKGROUND", (5, r), (5, r), layout.tint(STATUS_COLOURS[k.status], 0.78))
        for r, k in enumerate(ctx.dashboard.kpis, 1)]))
    return table


def _section_kpis(ctx: ReportContext) -> list[Flowable]:
    s = ctx.styles
    title = SECTIONS[1]
    if not ctx.dashboard.kpis:
        return [section(title, s, layout.para(
            "The programme has no KPIs yet. Each objective needs at least one, with its "
            "value at the start (the baseline) and a target; MentorDesk then judges each "
            "one as on track, at risk or off track.", s.body))]
    intro = layout.para(
        "Each KPI against its target. On track: the target is met. At risk: not yet, but "
        "at least half the way from the baseline (or, without a baseline, within 10% of "
        "the target). Off track: further away than that.", s.body)
    why = [f"{fonts.markup(k.name, style=Style.BOLD)} "
           f"({fonts.markup(kpis.STATUS_LABELS[k.status])}): {fonts.markup(kpi_why(ctx, k))}"
           for k in ctx.dashboard.kpis]
    return [section(title, s, intro, _kpi_table(ctx)), Spacer(1, 3 * mm),
            layout.keep(layout.heading("Why each KPI stands where it does", s, 2),
                        layout.bullets(why[:1], s, markup=True)),
            layout.bullets(why[1:], s, markup=True)]


def _tile(ctx: ReportContext, key: str) -> tuple[str, str]:
    info, value = kpis.METRICS[key], ctx.metrics[key]
    figure = ("Hidden" if is_hidden(value) else
              kpis.format_metric(value.value, info.unit) if value.value is not None else "—")
    detail = HIDDEN_NOTE if is_hidden(value) else value.detail
    return figure, f"{info.label}: {detail}"


def _tile_rows(ctx: ReportContext, keys: Sequence[str]) -> list[Flowable]:
    """The tiles in rows of :data:`TILES_PER_ROW`, every tile the same width."""
    gap = 4 * mm
    tile = (ctx.width - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    story: list[Flowable] = []
    for start in range(0, len(keys), TILES_PER_ROW):
        chunk = keys[start:start + TILES_PER_ROW]
        width = tile * len(chunk) + gap * (len(chunk) - 1)
        story += [key_figures([_tile(ctx, k) for k in chunk], ctx.styles, ctx.branding,
                              width), Spacer(1, 4 * mm)]
    return story


def _section_others(ctx: ReportContext) -> list[Flowable]:
    s = ctx.styles
    keys = ctx.other_metrics()
    intro = layout.para("The other figures MentorDesk computes from the programme's data, "
                        "as of the same day.", s.body)
    if not keys:
        return [section(SECTIONS[2], s, layout.para(
            "Every figure MentorDesk computes is one of the KPIs above.", s.body))]
    rows = _tile_rows(ctx, keys)
    return [section(SECTIONS[2], s, intro, *rows[:2]), *rows[2:]]


def _section_checkins(ctx: ReportContext) -> list[Flowable]:
    s, months = ctx.styles, ctx.dashboard.checkins_by_month
    title = SECTIONS[3]
    if not months:
        return [section(title, s, layout.para(
            f"No check-ins were planned up to {long_date(ctx.as_of)}.", s.body))]
    intro = layout.para(
        "The check-ins of the programme's pairs each month, by the date in the meeting's "
        "own time zone: held, missed and cancelled. The line is the check-ins planned "
        "(held, missed or not logged; a cancelled check-in is not a planned one).", s.body)
    rows = [["Month", "Planned", "Held", "Missed", "Not logged", "Cancelled"]]
    rows += [[month_label(m.month), number(m.planned), number(m.held), number(m.missed),
              number(m.planned - m.held - m.missed), number(m.cancelled)] for m in months]
    w = ctx.width
    table = layout.table(rows, s, ctx.branding, [w * 0.2] + [w * 0.16] * 5)
    chart = checkins_chart(months, ctx.branding, ctx.width)
    # A programme's months fit under the chart; a long one's table goes on by itself.
    if len(months) <= 8:
        return [section(title, s, intro, chart, Spacer(1, 3 * mm), table)]
    return [section(title, s, intro, chart, Spacer(1, 3 * mm)), table]


def _section_satisfaction(ctx: ReportContext) -> list[Flowable]:
    s, months = ctx.styles, ctx.dashboard.satisfaction_by_month
    title = SECTIONS[4]
    overall = ctx.metrics["satisfaction_avg"]
    if not months:
        return [section(title, s, layout.para(
            "No feedback measuring satisfaction has been received yet.", s.body))]
    summary = (f"Overall: {metric_text(overall, kpis.METRICS['satisfaction_avg'].unit)}"
               + (f" ({overall.detail})." if overall.value is not None else "."))
    intro = layout.para(
        "The average answer to the questions measuring satisfaction, each month, on a 1-5 "
        f"scale. {summary}", s.body)
    story: list[Flowable] = [section(title, s, intro,
                                     satisfaction_chart(months, ctx.branding, ctx.width))]
    hidden = [month_label(m) for m, average, n in months if average is None and n]
    if hidden:
        story.append(layout.para(
            f"{HIDDEN_NOTE} in {_join(hidden)}: {CONFIDENTIAL_RULE}.", s.small))
    rows = [["Month", "Responses", "Average (1-5)"]]
    rows += [[month_label(m), number(n),
              number(average) if average is not None else HIDDEN_NOTE if n else "No answers"]
             for m, average, n in months]
    w = ctx.width
    story += [Spacer(1, 2 * mm), layout.table(rows, s, ctx.branding, [w * 0.3, w * 0.3, w * 0.4])]
    return story


def _section_funnel(ctx: ReportContext) -> list[Flowable]:
    s, funnel = ctx.styles, ctx.dashboard.funnel
    title = SECTIONS[5]
    signed_up = funnel[0][1] if funnel else 0
    if not signed_up:
        return [section(title, s, layout.para("No mentees have signed up yet.", s.body))]
    steps = [f"{number(count)} {label[:1].lower() + label[1:]} ({round(100 * count / signed_up)}%)"
             for label, count in funnel[1:]]
    intro = layout.para(
        f"The mentees from signing up to reaching a development goal. Of "
        f"{plural(signed_up, 'mentee')} signed up: {_join(steps)}.", s.body)
    return [section(title, s, intro, funnel_chart(funnel, ctx.branding, ctx.width))]


def _section_outcomes(ctx: ReportContext) -> list[Flowable]:
    s, m, w = ctx.styles, ctx.metrics, ctx.width
    title = SECTIONS[6]
    ours, others = m["retention_participants_pct"], m["retention_others_pct"]
    up_ours, up_others = m["promotion_participants_pct"], m["promotion_others_pct"]
    if ours.numerator is None and others.numerator is None:
        note = (NO_OUTCOMES_NOTE + " Import the HR system's export (hire, leaving and "
                "promotion dates) in the KPIs area to add them."
                if ours.detail.startswith("no HR outcomes") else
                f"Retention and promotion cannot be compared: {ours.detail}.")
        return [section(title, s, layout.callout(note, s, ctx.branding))]
    intro = layout.para(
        "From the HR outcomes imported: of the people employed at the programme's start, "
        "the share still employed (retention) and the share promoted since the start, "
        "participants compared with every other employee in the HR file.", s.body)

    def row(group: str, kept: MetricValue, up: MetricValue) -> list[str]:
        cohort = kept.denominator or 0
        if not cohort:
            return [group, "0", "—", "—", "—", "—"]
        return [group, number(cohort), number(kept.numerator or 0),
                kpis.format_metric(kept.value, "%"), number(up.numerator or 0),
                kpis.format_metric(up.value, "%")]

    rows = [["Group", "Employed at the start", "Still employed", "Retention", "Promoted",
             "Promotion"], row("Participants", ours, up_ours),
            row("Other employees", others, up_others)]
    story: list[Flowable] = [section(title, s, intro, layout.table(
        rows, s, ctx.branding, [w * 0.22, w * 0.2, w * 0.16, w * 0.14, w * 0.14, w * 0.14]))]
    sentences = []
    for label, a, b in (("Retention", ours, others), ("Promotion", up_ours, up_others)):
        if a.value is not None and b.value is not None:
            gap = round(a.value - b.value, 1)
            compare = (f"{number(abs(gap))} points {'higher' if gap > 0 else 'lower'}"
                       if gap else "the same")
            sentences.append(f"{label}: {kpis.format_metric(a.value, '%')} of participants "
                             f"against {kpis.format_metric(b.value, '%')} of other "
                             f"employees ({compare}).")
    if sentences:
        story += [Spacer(1, 2 * mm), layout.para(" ".join(sentences), s.body)]
    return story


def _section_training(ctx: ReportContext) -> list[Flowable]:
    s, topics, w = ctx.styles, ctx.dashboard.training_by_topic, ctx.width
    title = SECTIONS[7]
    if not topics:
        return [section(title, s, layout.para(
            f"No training sessions were delivered up to {long_date(ctx.as_of)}.", s.body))]
    rows = [["Topic", "Sessions", "Attendances"]]
    rows += [[topic or "No topic", number(sessions), number(people)]
             for topic, sessions, people in topics]
    return [section(title, s, layout.para(
        f"Training sessions and workshops delivered: {ctx.metrics['training_sessions'].detail}.",
        s.body), layout.table(rows, s, ctx.branding, [w * 0.6, w * 0.2, w * 0.2]))]


def _section_meaning(ctx: ReportContext) -> list[Flowable]:
    s = ctx.styles
    items = [f"{fonts.markup(info.label, style=Style.BOLD)} ({fonts.markup(info.unit)}): "
             f"{fonts.markup(info.description)}" for info in kpis.METRICS.values()]
    return [section(SECTIONS[8], s, layout.para(
        "How MentorDesk counts each figure. The programme's pairs are its pairings in any "
        "status but proposed; participants are their mentors and mentees.", s.body),
        layout.bullets(items[:1], s, markup=True)),
        layout.bullets(items[1:], s, markup=True),
        layout.callout(f"Confidential feedback: {CONFIDENTIAL_RULE}; the rest waits, "
                       f"and a figure with nothing else to count reads \"{HIDDEN_NOTE}\".",
                       s, ctx.branding)]


REPORT_SECTIONS: tuple[Callable[[ReportContext], list[Flowable]], ...] = (
    _section_summary, _section_kpis, _section_others, _section_checkins,
    _section_satisfaction, _section_funnel, _section_outcomes, _section_training,
    _section_meaning,
)


def _cover(ctx: ReportContext) -> list[Flowable]:
    s = ctx.styles
    big = ParagraphStyle("cover-lead", parent=s.body, fontSize=13, leading=18,
                         fontName=fonts.font_name(style=Style.BOLD))
    return [layout.para(f"Figures as of {long_date(ctx.as_of)}", big),
            layout.para(status_sentence(ctx.status_counts()), s.body),
            layout.para(_period_sentence(ctx.data, ctx.as_of), s.body)]


def render_kpi_report(session: Session, programme_id: int, *,
                      cancelled: Callable[[], bool] | None = None,
                      today: date | None = None) -> bytes:
    """The KPI report of ``programme_id`` as of ``today`` (the computer's date when not
    given), as PDF bytes. Reads only.

    Raises:
        UserError: there is no such programme, or ``cancelled`` returned True.
    """
    ctx = load_report(session, programme_id, today=today)
    story: list[Flowable] = []
    for build in REPORT_SECTIONS:
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: nothing was written.")
        story += build(ctx)
    subtitle = f"{ctx.data.name} · as of {long_date(ctx.as_of)}"
    return layout.build_document(story, title=TITLE, subtitle=subtitle, branding=ctx.branding,
                                 contents=True, cover_story=_cover(ctx), cancelled=cancelled)

