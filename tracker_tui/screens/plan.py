"""PlanView: what comes next. Three sections: upcoming checkpoints, the communication
cadence, and the metrics to monitor, each drawn in full (wrapped), read-only."""

from __future__ import annotations

from collections.abc import Sequence

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
from tracker_tui.widgets.glyphs import ascii_mode


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


def metrics_renderable(metrics: Sequence[Metric], *, ascii: bool = False) -> Table | Text:
    if not metrics:
        return Text("No metrics listed.", style="dim")
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column(width=1)
    table.add_column(ratio=1)
    bullet = "-" if ascii else "•"
    for metric in metrics:
        table.add_row(bullet, Text(clean_text(metric.text, multiline=True)))
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
            self.post_message(PlanRead(store.checkpoints(), store.cadence(), store.metrics()))

    def on_plan_read(self, message: PlanRead) -> None:
        self._loaded(message.checkpoints, message.cadence, message.metrics)

    def _loaded(
        self, checkpoints: list[Checkpoint], cadence: list[CadenceItem], metrics: list[Metric]
    ) -> None:
        self.query_one("#plan-checkpoints", Static).update(checkpoints_renderable(checkpoints))
        self.query_one("#plan-cadence", Static).update(cadence_renderable(cadence))
        self.query_one("#plan-metrics", Static).update(
            metrics_renderable(metrics, ascii=ascii_mode(self))
        )
