"""QtCharts helpers for the KPIs area: check-ins per month, satisfaction over time and the
participation funnel as :class:`QChart` objects in the programme's colours, a chart view
that shows a sentence instead of an empty chart, and a small sparkline widget for a tile.

Each ``*_chart`` function is a plain function of the dashboard's frozen series (no
database, no widgets), so a test can count its bars and points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from mentordesk.services.documents.kpi_report import nice_scale
from mentordesk.services.documents.wording import month_label, number
from mentordesk.services.kpis import MonthCheckins

HIDDEN_SERIES = "Hidden: fewer than 5 confidential answers"


@dataclass(frozen=True)
class ChartColours:
    """The colours charts are drawn in: the programme's own, a grey and an ink."""

    primary: str = "#2E5E8C"
    accent: str = "#F2A541"
    muted: str = "#B8B8B8"
    ink: str = "#333333"


def month_names(months: Sequence[date]) -> list[str]:
    """Category names for months: ``Sep 2026``, ``Oct``, ..., the year on the first month
    and each January (category names must differ, so a repeated name gets its year)."""
    names: list[str] = []
    for i, month in enumerate(months):
        name = month_label(month, year=i == 0 or month.month == 1)
        if name in names:
            name = month_label(month)
        names.append(name)
    return names


def short_month(month: date) -> str:
    """``Apr ’26``: a month named in little room, with its year."""
    return f"{month_label(month, year=False)} ’{month.year % 100:02d}"


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    font = QFont(chart.legend().font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    chart.legend().setFont(font)
    return chart


def _value_axis(top: float, step: float, *, decimals: int = 0) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickCount(round(top / step) + 1)
    axis.setLabelFormat(f"%.{decimals}f")
    axis.setGridLineColor(QColor("#E2E2E2"))
    axis.setLineVisible(False)
    return axis


# With more months than this, their names are set upright so none is cut short.
UPRIGHT_AFTER = 8
# A line chart names at most this many months (every other, every third... beyond).
LINE_LABELS = 6


def _category_axis(names: Sequence[str], *, months: bool = False) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(names))
    axis.setGridLineVisible(False)
    if months and len(names) > UPRIGHT_AFTER:
        axis.setLabelsAngle(-90)
    return axis


def checkins_chart(months: Sequence[MonthCheckins],
                   colours: ChartColours = ChartColours()) -> QChart:
    """Stacked bars of the check-ins held, missed and cancelled each month, and the
    planned check-ins as a line with points."""
    chart = _chart()
    bars = QStackedBarSeries()
    for name, values, colour in (
            ("Held", [m.held for m in months], colours.primary),
            ("Missed", [m.missed for m in months], colours.accent),
            ("Cancelled", [m.cancelled for m in months], colours.muted)):
        bar_set = QBarSet(name)
        bar_set.append([float(v) for v in values])
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(colour))
        bars.append(bar_set)
    bars.setBarWidth(0.6)
    chart.addSeries(bars)
    planned = QLineSeries()
    planned.setName("Planned")
    for i, m in enumerate(months):
        planned.append(float(i), float(m.planned))
    planned.setPen(QPen(QColor(colours.ink), 2))
    planned.setPointsVisible(True)
    chart.addSeries(planned)
    x_axis = _category_axis(month_names([m.month for m in months]), months=True)
    top, step = nice_scale(max((max(m.planned, m.held + m.missed + m.cancelled)
                                for m in months), default=0))
    y_axis = _value_axis(top, step)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in (bars, planned):
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


def satisfaction_chart(months: Sequence[tuple[date, float | None, int]],
                       colours: ChartColours = ChartColours()) -> QChart:
    """The average satisfaction each month (1-5) as a line; a month without a figure is a
    gap, and a month hidden to protect confidential answers is marked on the baseline."""
    chart = _chart()
    # A line needs no bar slots: a value axis named at every month, or every few months
    # when there are many (a half chart's width has no room for two years of names).
    x_axis = QCategoryAxis()
    x_axis.setRange(-0.5, max(len(months), 1) - 0.5)
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    x_axis.setGridLineVisible(False)
    x_axis.setStartValue(-0.5)
    every = max(1, math.ceil(len(months) / LINE_LABELS))
    named = list(range(0, len(months), every))
    names = (month_names([m for m, _, _ in months]) if every == 1 else
             [short_month(months[i][0]) for i in named])
    for i, name in zip(named, names, strict=True):
        x_axis.append(name, float(i))
    y_axis = QValueAxis()
    y_axis.setRange(1, 5)
    y_axis.setTickCount(5)
    y_axis.setLabelFormat("%.0f")
    y_axis.setGridLineColor(QColor("#E2E2E2"))
    y_axis.setLineVisible(False)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    segments: list[QLineSeries] = []
    current: QLineSeries | None = None
    hidden = QScatterSeries()
    hidden.setName(HIDDEN_SERIES)
    hidden.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
    hidden.setMarkerSize(9)
    hidden.setColor(QColor(colours.muted))
    hidden.setBorderColor(QColor(colours.muted))
    for i, (_month, average, responses) in enumerate(months):
        if average is None:
            current = None
            if responses:
                hidden.append(float(i), 1.0)
            continue
        if current is None:
            current = QLineSeries()
            current.setPen(QPen(QColor(colours.primary), 2.5))
            current.setPointsVisible(True)
            # Each month's figure over its point, while they have room.
            current.setPointLabelsVisible(len(months) <= UPRIGHT_AFTER)
            current.setPointLabelsFormat("@yPoint")
            current.setPointLabelsClipping(False)
            segments.append(current)
        current.append(float(i), float(average))
    for n, segment in enumerate(segments):
        segment.setName("Average satisfaction (1-5)")
        chart.addSeries(segment)
        segment.attachAxis(x_axis)
        segment.attachAxis(y_axis)
        if n:  # one legend entry for the whole line
            for marker in chart.legend().markers(segment):
                marker.setVisible(False)
    if hidden.count():
        chart.addSeries(hidden)
        hidden.attachAxis(x_axis)
        hidden.attachAxis(y_axis)
    return chart


def funnel_chart(funnel: Sequence[tuple[str, int]],
                 colours: ChartColours = ChartColours()) -> QChart:
    """Horizontal bars from the mentees signed up (on top) to those who reached a goal,
    each labelled with its count."""
    chart = _chart()
    chart.legend().hide()
    ordered = list(reversed(funnel))  # a horizontal chart draws its first bar at the bottom
    bar_set = QBarSet("Mentees")
    bar_set.append([float(count) for _, count in ordered])
    bar_set.setColor(QColor(colours.primary))
    bar_set.setBorderColor(QColor(colours.primary))
    bar_set.setLabelColor(QColor(colours.ink))
    series = QHorizontalBarSeries()
    series.append(bar_set)
    series.setBarWidth(0.65)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setLabelsPrecision(6)
    chart.addSeries(series)
    y_axis = _category_axis([label for label, _ in ordered])
    top, step = nice_scale(max((c for _, c in funnel), default=0) * 1.12)
    x_axis = _value_axis(top, step)
    x_axis.setLabelsVisible(False)
    x_axis.setGridLineVisible(False)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y_axis)
    series.attachAxis(x_axis)
    return chart


def bar_values(chart: QChart) -> dict[str, list[float]]:
    """Every bar set of ``chart`` by name, with its values (for tests and accessibility)."""
    out: dict[str, list[float]] = {}
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bar_set in series.barSets():
                out[bar_set.label()] = [bar_set.at(i) for i in range(bar_set.count())]
    return out


def line_points(chart: QChart) -> list[list[tuple[float, float]]]:
    """The points of every line of ``chart`` (a line with gaps is several lines)."""
    return [[(p.x(), p.y()) for p in series.points()] for series in chart.series()
            if isinstance(series, QLineSeries) and not isinstance(series, QScatterSeries)]


class ChartPanel(QWidget):
    """A titled chart, or a sentence in its place when there is nothing to draw."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(230)
        self.view.setAccessibleName(title)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #6B6B6B; padding: 16px;")
        self.empty.setMinimumHeight(120)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #6B6B6B;")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)

    def chart(self) -> QChart | None:
        """The chart shown (None when the sentence is)."""
        if self.stack.currentWidget() is not self.view:
            return None
        return self.view.chart()

    def set_chart(self, chart: QChart, description: str, note: str = "") -> None:
        """Show ``chart``; ``description`` is read by screen readers, ``note`` printed under
        it."""
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()
        self.view.setAccessibleDescription(description)
        self.view.setToolTip(description)
        self.stack.setCurrentWidget(self.view)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def set_empty(self, text: str) -> None:
        """Show ``text`` instead of a chart."""
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self.note.hide()


class Sparkline(QWidget):
    """A metric's kept values as a small line, its last point marked; hidden with fewer
    than two values."""

    def __init__(self, colour: str = "#2E5E8C", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self._values: list[tuple[date, float]] = []
        self.setMinimumHeight(22)
        self.hide()

    def set_values(self, values: Sequence[tuple[date, float]]) -> None:
        """Show ``(day, value)`` pairs, oldest first."""
        self._values = list(values)
        self.setVisible(len(self._values) >= 2)
        if len(self._values) >= 2:
            (first_day, first), (last_day, last) = self._values[0], self._values[-1]
            self.setToolTip(f"Trend: {number(first)} on {first_day.isoformat()}, "
                            f"{number(last)} on {last_day.isoformat()} "
                            f"({len(self._values)} days kept)")
            self.setAccessibleDescription(self.toolTip())
        self.update()

    def values(self) -> list[tuple[date, float]]:
        """The values drawn."""
        return list(self._values)

    def sizeHint(self) -> QSize:
        return QSize(90, 24)

    def points(self) -> list[QPointF]:
        """Where each value is drawn, in the widget's coordinates."""
        if len(self._values) < 2:
            return []
        values = [v for _, v in self._values]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        margin = 3.0
        width, height = self.width() - 2 * margin, self.height() - 2 * margin
        step = width / (len(values) - 1)
        return [QPointF(margin + i * step,
                        margin + height - (v - low) / span * height if high != low
                        else margin + height / 2)
                for i, v in enumerate(values)]

    def paintEvent(self, event: QPaintEvent) -> None:
        points = self.points()
        if not points:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setPen(QPen(QColor(self.colour), 1.6))
        painter.drawPath(path)
        painter.setBrush(QColor(self.colour))
        painter.drawEllipse(points[-1], 2.5, 2.5)
        painter.end()
