"""TrendsView: progress over time (key ``7``).

A burn-up chart of the programme and each milestone (dated checkpoints marked on the
time axis), the counts by status over time below it, or one metric's values (``m``
steps through the metrics that have any); ``[`` / ``]`` switch the range among two weeks,
three months and everything. Beside the burn-up, each milestone's forecast. Points
recovered from the document are drawn lighter and labelled so. With fewer than two days
known, it says "not enough history yet" instead of an empty axis.

The store is read once per change (in a worker); switching the range or the lower chart
recomputes from what was read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from tracker_tui.config import Settings
from tracker_tui.domain import Metric
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import reading
from tracker_tui.screens.view_screen import DataView
from tracker_tui.store.store import Store
from tracker_tui.trends.forecast import Forecast, forecasts
from tracker_tui.trends.metrics import metric_name
from tracker_tui.trends.model import Series, TrendInputs, Trends
from tracker_tui.trends.series import compute_trends, metric_series
from tracker_tui.widgets.glyphs import ascii_mode, glyphs_for
from tracker_tui.widgets.trend_chart import (
    ASCII_RECOVERED_MARKER,
    RECOVERED_LABEL,
    RECOVERED_MARKER,
    ChartData,
    ChartLine,
    TrendChart,
    colour,
    marker,
)

#: The ranges ``[`` and ``]`` step through: label, days (None: everything).
RANGES: tuple[tuple[str, int | None], ...] = (
    ("2 weeks", 14),
    ("3 months", 92),
    ("everything", None),
)
NOT_ENOUGH = "not enough history yet"


@dataclass(frozen=True, slots=True)
class TrendsComputed:
    """What the view shows, computed off the UI thread."""

    trends: Trends
    forecasts: tuple[Forecast, ...]
    metrics: tuple[tuple[Metric, Series], ...]
    today: date


class TrendsRead(Message, bubble=False):
    """The history was read and the series computed."""

    def __init__(self, computed: TrendsComputed) -> None:
        self.computed = computed
        super().__init__()


#: The last computation, with the inputs it was computed from: the store hands out the
#: same inputs until the next edit, so the screen opened again (or right after the
#: Snapshot screen prepared it) computes nothing.
_last: tuple[TrendInputs, int, TrendsComputed] | None = None
_last_lock = threading.Lock()


def prepare_trends(store: Store, settings: Settings) -> TrendsComputed:
    """What the Trends screen shows, read and computed (in a worker: it reads the whole
    history). Called ahead by the Snapshot screen after its first frame."""
    global _last
    today = settings.current_date(store.clock)
    inputs = store.trend_inputs(today=today)
    window = settings.forecast_window_days
    with _last_lock:
        if _last is not None and _last[0] is inputs and _last[1] == window:
            return _last[2]
        trends = compute_trends(inputs)
        metrics = tuple(
            (metric, series)
            for metric in store.metrics()
            if (series := metric_series(inputs, str(metric.key), metric_name(metric))).points
        )
        computed = TrendsComputed(
            trends, tuple(forecasts(trends.milestones, today, window_days=window)), metrics, today
        )
        _last = (inputs, window, computed)
        return computed


def chart_line(series: Series, label: str, first_day: date) -> ChartLine:
    """``series`` as the chart takes it: days from ``first_day``, recovered apart."""
    own = [p for p in series.points if not p.recovered]
    recovered = [p for p in series.points if p.recovered]
    if recovered and own:
        recovered.append(own[0])  # join the two parts of the line
    return ChartLine(
        label,
        tuple((p.day - first_day).days for p in own),
        tuple(p.value for p in own),
        tuple((p.day - first_day).days for p in recovered),
        tuple(p.value for p in recovered),
    )


class TrendsView(DataView):
    """The Trends screen's content; ``refresh_data()`` reads the history again."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "range(-1)", "Shorter", id="trends.range-shorter"),
        Binding("right_square_bracket", "range(1)", "Longer", id="trends.range-longer"),
        Binding("m", "next_chart", "Metric", id="trends.next-chart"),
    ]

    def __init__(self, store: Store, settings: Settings, *, id: str | None = "trends-view"):
        super().__init__(id=id)
        self.store = store
        self.settings = settings
        self.range_index = len(RANGES) - 1
        #: 0: counts by status; n: the n-th metric with values.
        self.lower_index = 0
        self.computed: TrendsComputed | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="trends-range")
        yield Static(NOT_ENOUGH, id="trends-empty")
        with Horizontal(id="trends-upper"):
            yield TrendChart(id="trends-burnup")
            yield Static(id="trends-legend")
        yield Static(id="trends-lower-title")
        with Horizontal(id="trends-lower"):
            yield TrendChart(id="trends-lower-chart")
            yield Static(id="trends-lower-legend")

    def on_mount(self) -> None:
        self.focus()
        self._show()
        self.refresh_data()

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="trends-load")
    def _load(self) -> None:
        with reading(self, "the history"):
            self.post_message(TrendsRead(prepare_trends(self.store, self.settings)))

    def on_trends_read(self, message: TrendsRead) -> None:
        self.computed = message.computed
        self._show()

    def action_range(self, step: int) -> None:
        self.range_index = max(0, min(len(RANGES) - 1, self.range_index + step))
        self._show()

    def action_next_chart(self) -> None:
        count = len(self.computed.metrics) if self.computed else 0
        self.lower_index = (self.lower_index + 1) % (count + 1)
        self._show()

    # -- drawing -----------------------------------------------------------------------

    def _start(self, today: date) -> date | None:
        days = RANGES[self.range_index][1]
        return None if days is None else today - timedelta(days=days - 1)

    def _range_line(self) -> Text:
        line = Text("Range: ", style="bold")
        for index, (label, _days) in enumerate(RANGES):
            if index:
                line.append(glyphs_for(self).separator)
            line.append(label, style="reverse" if index == self.range_index else "")
        line.append("   [ ] range", style="dim")
        if self.computed and self.computed.metrics:
            line.append("   m metric", style="dim")
        return line

    def _show(self) -> None:
        self.query_one("#trends-range", Static).update(self._range_line())
        computed = self.computed
        trends = None
        if computed is not None:
            trends = computed.trends.within(self._start(computed.today), computed.today)
        enough = trends is not None and trends.enough
        self.query_one("#trends-empty", Static).display = computed is not None and not enough
        for widget_id in ("#trends-upper", "#trends-lower", "#trends-lower-title"):
            self.query_one(widget_id).display = enough
        if not enough or trends is None or computed is None:
            return
        first_day = trends.programme.points[0].day
        days = (computed.today - first_day).days + 1
        ascii = ascii_mode(self)
        series = [trends.programme, *trends.milestones]
        self.query_one("#trends-burnup", TrendChart).show(
            ChartData(
                tuple(chart_line(s, s.name, first_day) for s in series),
                first_day,
                days,
                y_max=100,
                marks=tuple(((day - first_day).days, label) for day, label in trends.checkpoints),
            )
        )
        self.query_one("#trends-legend", Static).update(
            self._legend(series, computed.forecasts, trends, ascii=ascii)
        )
        self._show_lower(trends, computed, first_day, days, ascii=ascii)

    def _legend(
        self, series: list[Series], found: tuple[Forecast, ...], trends: Trends, *, ascii: bool
    ) -> Text:
        by_name = {forecast.name: forecast for forecast in found}
        legend = Text()
        for index, line in enumerate(series):
            if index:
                legend.append("\n")
            legend.append(marker(index, ascii=ascii) + " ", style=colour(index))
            legend.append(display_text(line.name or "(none)")[:10], style="bold")
            latest = line.latest
            legend.append(f" {round(latest or 0):>3d}%")
            forecast = by_name.get(line.name) if index else None
            if forecast is not None:
                legend.append(f"  {forecast.short()}", style="dim")
                span = forecast.span()
                if span:
                    legend.append(f"\n    {span}", style="dim")
        if trends.has_recovered:
            dot = ASCII_RECOVERED_MARKER if ascii else RECOVERED_MARKER
            legend.append(f"\n{dot} {RECOVERED_LABEL}", style="dim")
        dash = glyphs_for(self).dash
        for day, label in trends.checkpoints:
            legend.append(f"\n| {day:%b} {day.day} {dash} {display_text(label)[:18]}", style="dim")
        return legend

    def _show_lower(
        self, trends: Trends, computed: TrendsComputed, first_day: date, days: int, *, ascii: bool
    ) -> None:
        title = self.query_one("#trends-lower-title", Static)
        legend = Text()
        if self.lower_index and self.lower_index <= len(computed.metrics):
            metric, whole = computed.metrics[self.lower_index - 1]
            start = self._start(computed.today)
            points = tuple(p for p in whole.points if start is None or p.day >= start)
            shown = Series(whole.name, points)
            unit = f" {metric.unit}" if metric.unit else ""
            heading = Text("Metric: ", style="bold")
            heading.append(display_text(shown.name))
            if metric.target:
                heading.append(f"  target {metric.target}{unit}", style="dim")
            title.update(heading)
            lines: tuple[Series, ...] = (shown,)
            legend.append(marker(0, ascii=ascii) + " ", style=colour(0))
            legend.append(f"{metric.value}{unit}" if metric.value else "no value")
        else:
            title.update(Text("Tasks by status", style="bold"))
            lines = trends.statuses
            for index, line in enumerate(lines):
                if index:
                    legend.append("\n")
                legend.append(marker(index, ascii=ascii) + " ", style=colour(index))
                legend.append(f"{display_text(line.name)[:14]} {round(line.latest or 0)}")
        self.query_one("#trends-lower-chart", TrendChart).show(
            ChartData(tuple(chart_line(s, s.name, first_day) for s in lines), first_day, days)
        )
        self.query_one("#trends-lower-legend", Static).update(legend)
