"""PlanView: what comes next. Three sections: upcoming checkpoints, the communication
cadence, and the metrics to monitor, each drawn in full (wrapped), read-only; a metric
with a value shows it against its target, with a sparkline of its recent values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tracker_tui.domain import CadenceItem, Checkpoint, Metric
from tracker_tui.messages import PlanRead
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._failures import reading
from tracker_tui.screens.view_screen import DataView
from tracker_tui.store.store import Store
from tracker_tui.trends.metrics import meets_target, metric_name
from tracker_tui.trends.series import metric_series
from tracker_tui.widgets.glyphs import ascii_mode
from tracker_tui.widgets.trend_chart import small_sparkline

#: Cells of a metric's sparkline, and the days of values it draws.
SPARKLINE_WIDTH = 10
SPARKLINE_DAYS = 30


def _two_columns(rows: Sequence[tuple[str, str]], empty: str, left_width: int) -> Table | Text:
    if not rows:
        return Text(empty, style="dim")
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column(style="bold", width=left_width, no_wrap=False)
    table.add_column(ratio=1)
    for left, right in rows:
        table.add_row(Text(display_text(left)), Text(clean_text(right, multiline=True)))
    return table


def checkpoints_renderable(checkpoints: Sequence[Checkpoint]) -> Table | Text:
    return _two_columns(
        [(item.when, item.text) for item in checkpoints], "No checkpoints planned.", 18
    )


def cadence_renderable(cadence: Sequence[CadenceItem]) -> Table | Text:
    return _two_columns([(item.label, item.text) for item in cadence], "No cadence recorded.", 10)


def metrics_renderable(
    metrics: Sequence[Metric],
    *,
    ascii: bool = False,
    recent_values: Mapping[int, Sequence[float]] | None = None,
) -> Table | Text:
    """The metrics: each with its latest value, its target and whether it meets it, and
    a sparkline of its recent values (a metric with no value is its name alone)."""
    if not metrics:
        return Text("No metrics listed.", style="dim")
    recent_values = recent_values or {}
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column(width=1)
    table.add_column(ratio=1)
    bullet = "-" if ascii else "•"
    if not any(metric.value for metric in metrics):
        # Names only: the whole width is theirs.
        for metric in metrics:
            table.add_row(bullet, Text(clean_text(metric.text, multiline=True)))
        return table
    table.add_column(no_wrap=True, justify="right")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, width=SPARKLINE_WIDTH)
    for metric in metrics:
        name = Text(clean_text(metric.text, multiline=True))
        if not metric.value:
            table.add_row(bullet, name, "", "", "")
            continue
        unit = f" {display_text(metric.unit)}" if metric.unit else ""
        value = Text(f"{display_text(metric.value)}{unit}", style="bold")
        target = Text()
        met = meets_target(metric)
        if metric.target:
            target.append(f"target {display_text(metric.target)}{unit} ", style="dim")
        if met is not None:
            target.append("meets" if met else "below", style="green" if met else "bold red")
        values = recent_values.get(metric.key or 0, [])
        spark = small_sparkline(values, SPARKLINE_WIDTH, ascii=ascii) if len(values) > 1 else ""
        table.add_row(bullet, name, value, target, spark)
    return table


class PlanView(DataView):
    """Checkpoints, cadence and metrics; ``refresh_data()`` reads them again."""

    def __init__(self, store: Store, *, id: str | None = "plan-view") -> None:
        super().__init__(id=id, classes="register-view")
        self.store = store

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plan-scroll"):
            yield Static(Text("Upcoming Checkpoints", style="bold"), classes="plan-heading")
            yield Static(id="plan-checkpoints", classes="plan-section")
            yield Static(Text("Communication Cadence", style="bold"), classes="plan-heading")
            yield Static(id="plan-cadence", classes="plan-section")
            yield Static(Text("Metrics to Monitor", style="bold"), classes="plan-heading")
            yield Static(id="plan-metrics", classes="plan-section")

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the three sections again, off the UI thread."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-load")
    def _load(self) -> None:
        with reading(self, "the plan"):
            store = self.store
            metrics = store.metrics()
            self.post_message(
                PlanRead(store.checkpoints(), store.cadence(), metrics, self._recent(metrics))
            )

    def _recent(self, metrics: list[Metric]) -> dict[int, list[float]]:
        """Each measured metric's values over the last ``SPARKLINE_DAYS`` days."""
        if not any(metric.value for metric in metrics):
            return {}
        today = self.store.clock.today()
        inputs = self.store.trend_inputs(since=today - timedelta(days=SPARKLINE_DAYS))
        return {
            metric.key: [
                point.value
                for point in metric_series(inputs, str(metric.key), metric_name(metric)).points
            ]
            for metric in metrics
            if metric.value and metric.key is not None
        }

    def on_plan_read(self, message: PlanRead) -> None:
        self._loaded(message.checkpoints, message.cadence, message.metrics, message.recent_values)

    def _loaded(
        self,
        checkpoints: list[Checkpoint],
        cadence: list[CadenceItem],
        metrics: list[Metric],
        recent_values: Mapping[int, Sequence[float]] | None = None,
    ) -> None:
        self.query_one("#plan-checkpoints", Static).update(checkpoints_renderable(checkpoints))
        self.query_one("#plan-cadence", Static).update(cadence_renderable(cadence))
        self.query_one("#plan-metrics", Static).update(
            metrics_renderable(metrics, ascii=ascii_mode(self), recent_values=recent_values)
        )
