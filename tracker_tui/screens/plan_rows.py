"""The Plan screen's one list: three sections (upcoming checkpoints, the communication
cadence, the metrics to monitor), each under a heading row, as rows of a ``RecordTable``.

A heading row is there to be landed on: ``n`` on it adds to its section, even an empty
one. The selected item is drawn in full under the table (``plan_detail``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from tracker_tui.domain import CadenceItem, Checkpoint, Metric
from tracker_tui.rules import checkpoint_date, countdown
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.trends.metrics import meets_target
from tracker_tui.widgets.record_table import Column
from tracker_tui.widgets.trend_chart import small_sparkline

#: Cells of a metric's sparkline.
SPARKLINE_WIDTH = 10

#: The sections in screen order: kind -> (heading, what an empty section says).
SECTIONS: dict[str, tuple[str, str]] = {
    "checkpoint": ("Upcoming Checkpoints", "No checkpoints planned: n adds one."),
    "cadence": ("Communication Cadence", "No cadence recorded: n adds a line."),
    "metric": ("Metrics to Monitor", "No metrics listed: n adds one."),
}

#: What each kind is called in a question or a message.
KIND_NAMES = {"checkpoint": "checkpoint", "cadence": "cadence item", "metric": "metric"}


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the Plan list: a section's heading (``item`` None) or one item."""

    kind: str
    item: Checkpoint | CadenceItem | Metric | None = None
    #: A heading's "nothing here yet" line, or a metric's recent values.
    empty: str = ""
    recent: tuple[float, ...] = ()
    ascii: bool = False
    #: The store's today, for a dated checkpoint's countdown.
    today: date | None = None

    @property
    def key(self) -> Hashable:
        if self.item is None:
            return ("heading", self.kind)
        return (self.kind, self.item.key)

    @property
    def is_heading(self) -> bool:
        return self.item is None

    @property
    def left(self) -> Text:
        item = self.item
        if item is None:
            return Text(SECTIONS[self.kind][0], style="bold")
        if isinstance(item, Checkpoint):
            return Text(display_text(item.when))
        if isinstance(item, CadenceItem):
            return Text(display_text(item.label))
        return Text("-" if self.ascii else "•")

    @property
    def text(self) -> Text:
        if self.item is None:
            return Text(self.empty, style="dim")
        return Text(clean_text(self.item.text))

    @property
    def due(self) -> date | None:
        """A checkpoint's date (its field, else one its words hold)."""
        return checkpoint_date(self.item) if isinstance(self.item, Checkpoint) else None

    @property
    def countdown(self) -> Text:
        """How far off a dated checkpoint is, red once it is overdue."""
        day = self.due
        if day is None or self.today is None:
            return Text()
        overdue = day < self.today
        return Text(countdown(day, self.today), style="bold red" if overdue else "")

    @property
    def value(self) -> Text:
        if self.is_heading:
            return Text("Date" if self.kind == "checkpoint" else "", style="dim")
        day = self.due
        if day is not None:
            return Text(day.isoformat())
        metric = self.item
        if not isinstance(metric, Metric) or not metric.value:
            return Text()
        unit = f" {display_text(metric.unit)}" if metric.unit else ""
        return Text(f"{display_text(metric.value)}{unit}", style="bold")

    @property
    def target(self) -> Text:
        if self.is_heading:
            return Text("Due" if self.kind == "checkpoint" else "", style="dim")
        if isinstance(self.item, Checkpoint):
            return self.countdown
        metric = self.item
        target = Text()
        if not isinstance(metric, Metric) or not metric.value:
            return target
        if metric.target:
            unit = f" {display_text(metric.unit)}" if metric.unit else ""
            target.append(f"{display_text(metric.target)}{unit} ", style="dim")
        met = meets_target(metric)
        if met is not None:
            target.append("meets" if met else "below", style="green" if met else "bold red")
        return target

    @property
    def trend(self) -> Text:
        if len(self.recent) < 2:
            return Text()
        return sparkline_text(self.recent, ascii=self.ascii)


def sparkline_text(values: Sequence[float], *, ascii: bool) -> Text:
    """A metric's sparkline as a table cell: the renderable's segments as styled text."""
    sparkline = small_sparkline(list(values), SPARKLINE_WIDTH, ascii=ascii)
    console = Console(width=SPARKLINE_WIDTH, color_system="truecolor", force_terminal=True)
    text = Text()
    for segment in console.render(sparkline, console.options):
        if segment.text != "\n":
            text.append(segment.text, segment.style)
    return text


def _as_text(value: Any, width: int) -> Text | str:
    return value if isinstance(value, Text) else str(value)


PLAN_COLUMNS = [
    Column("left", "When / Label", width=8, fit=22, priority=100, render=_as_text),
    # Narrow enough at 80 columns for a checkpoint's date and countdown and a metric's
    # sparkline, all three (the selected item's text is in full under the list).
    Column("text", "Text", width=18, priority=90, grow=3, render=_as_text),
    # A dated checkpoint's date and countdown share the metrics' value and target columns;
    # the checkpoints' heading row names them there.
    Column("value", "Value", width=5, fit=12, priority=70, justify="right", render=_as_text),
    Column("target", "Target", width=6, fit=14, priority=60, render=_as_text),
    Column("trend", "Trend", width=SPARKLINE_WIDTH, priority=50, render=_as_text),
]


def plan_rows(
    checkpoints: Sequence[Checkpoint],
    cadence: Sequence[CadenceItem],
    metrics: Sequence[Metric],
    recent_values: Mapping[int, Sequence[float]] | None = None,
    *,
    ascii: bool = False,
    today: date | None = None,
) -> list[PlanRow]:
    """The three sections in order, each its heading then its items."""
    recent_values = recent_values or {}
    sections: dict[str, Sequence[Checkpoint | CadenceItem | Metric]] = {
        "checkpoint": checkpoints,
        "cadence": cadence,
        "metric": metrics,
    }
    rows: list[PlanRow] = []
    for kind, items in sections.items():
        rows.append(PlanRow(kind, empty="" if items else SECTIONS[kind][1]))
        for item in items:
            recent = tuple(recent_values.get(item.key or 0, ())) if kind == "metric" else ()
            rows.append(PlanRow(kind, item, recent=recent, ascii=ascii, today=today))
    return rows


def plan_detail(row: PlanRow | None) -> Group | Text:
    """The selected item in full (wrapped), or what a heading's ``n`` adds."""
    if row is None:
        return Text("")
    if row.item is None:
        return Text(f"n adds a {KIND_NAMES[row.kind]} here.", style="dim")
    text = Text(clean_text(row.item.text, multiline=True))
    if isinstance(row.item, Checkpoint) and row.due is not None:
        when = Text.assemble(
            row.left, f" · {row.due:%a %d %b %Y} (", row.countdown, ")", style="bold"
        )
        return Group(when, text)
    if not isinstance(row.item, Metric):
        return Group(Text.assemble(row.left, style="bold"), text)
    if not row.value:
        return text
    measured = Text.assemble(row.value, "  ", row.target, "  ", row.trend)
    return Group(text, measured)
