"""The Snapshot screen's header: title, programme bar, milestone bars, counts, next checkpoint.

Each line is its own ``Static`` and is only updated when its text changes, so that a
progress edit redraws the one or two lines that moved (the programme bar, a milestone)
rather than the whole header.
"""

from __future__ import annotations

from typing import Self

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import Static

from tracker_tui.domain import Summary, TrackerInfo
from tracker_tui.sanitize import display_text
from tracker_tui.widgets.glyphs import glyphs, truncate
from tracker_tui.widgets.progress import progress_bar, status_style
from tracker_tui.widgets.urgency import impact_style, impact_urgency

_MILESTONE_LINES = 2
#: The fewest cells of the next checkpoint's text worth showing after its countdown
#: (" – " and a word's start).
_MIN_TAIL = 6


class HeaderLine(Static):
    """One line (or two) of the header, repainted only as far as its text reaches.

    A ``Static`` repaints its whole width on ``update``, and the terminal is sent the
    blank cells after the text as well; here an update that keeps the height repaints
    only the cells the old or the new text cover (the rest is blank before and after),
    which keeps a progress edit's output small on a wide terminal.
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._text_width = 0
        self._repaint_width: int | None = None

    def show(self, text: Text, *, layout: bool) -> None:
        """Show ``text``; ``layout`` when its height may have changed."""
        width = max((cell_len(line) for line in text.plain.split("\n")), default=0)
        if not layout:
            self._repaint_width = max(width, self._text_width)
        self._text_width = width
        try:
            self.update(text, layout=layout)
        finally:
            self._repaint_width = None

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._repaint_width is not None and not regions and not layout and not recompose:
            regions = (Region(0, 0, self._repaint_width, max(1, self.size.height)),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class SnapshotHeader(Vertical):
    """The figures of ``Store.summary()`` drawn in a few compact lines."""

    def __init__(
        self,
        *,
        ascii: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.ascii = ascii
        self._shown: dict[str, Text] = {}
        self._last: tuple[TrackerInfo, Summary, bool, tuple[str, ...], int] | None = None
        self._has_tasks = False
        #: milestone -> its compact forecast ("~Jun 20"), once computed (after the
        #: first frame); shown beside the milestone's bar where the width allows.
        self.forecasts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield HeaderLine(id="header-title")
        yield HeaderLine(id="header-programme")
        yield HeaderLine(id="header-milestones")
        yield HeaderLine(id="header-status")
        yield HeaderLine(id="header-risks")

    def show(
        self,
        info: TrackerInfo,
        summary: Summary,
        *,
        read_only: bool = False,
        statuses: list[str] | None = None,
    ) -> None:
        """Show these figures; lines whose text did not change are left alone."""
        state = (info, summary, read_only, tuple(statuses or ()), self.size.width)
        if state == self._last:
            return
        self._last = state
        width = max(self._width(), 40)
        self._has_tasks = summary.tasks > 0
        self._set("header-title", self._title_line(info, read_only, width))
        self._set("header-programme", self._programme_line(summary, width))
        self._set("header-milestones", self._milestone_lines(summary, width))
        self._set("header-status", self._status_line(summary, statuses or [], width))
        self._set("header-risks", self._risk_line(summary, width))

    def show_forecasts(self, forecasts: dict[str, str]) -> None:
        """Show these forecasts beside the milestone bars (where they fit)."""
        if forecasts == self.forecasts:
            return
        self.forecasts = forecasts
        if self._last is not None:
            summary, width = self._last[1], max(self._width(), 40)
            self._set("header-milestones", self._milestone_lines(summary, width))

    def _width(self) -> int:
        """The width the lines are laid out for.

        Before its first layout the header has no size yet (the Snapshot screen fills it
        in ``on_mount``): the lines are laid out for the width it is about to get, the
        terminal's less the padding. A guess that wrapped the milestones onto a second line
        would make the first layout shrink the header and resize the task table, and that
        leaves the table with a whole-table repaint pending, which the first edit after
        launch would then write out (5 KB instead of a row).
        """
        return self.size.width or self.app.size.width - self.styles.gutter.width

    def on_resize(self) -> None:
        if self._last is not None:
            info, summary, read_only, statuses, _ = self._last
            self.show(info, summary, read_only=read_only, statuses=list(statuses))

    def _set(self, widget_id: str, text: Text) -> None:
        previous = self._shown.get(widget_id)
        if previous is not None and previous == text:
            return
        self._shown[widget_id] = text
        line = self.query_one(f"#{widget_id}", HeaderLine)
        # A layout pass only when the line's height may change. Static.update() asks for
        # one by default, and every layout pass of the screen makes the task table (a
        # ScrollView) repaint its scrollbar: ~2 KB at 40 rows, on an edit that changed
        # a count in this header.
        same_height = previous is not None and self._rows(previous) == self._rows(text) > 0
        line.show(text, layout=not same_height)
        line.display = bool(text.plain)

    def _rows(self, text: Text) -> int:
        """The lines ``text`` takes, or 0 when that is not known without wrapping it."""
        width = self.size.width  # the content area: the header's padding is outside it
        lines = text.plain.split("\n")
        if width <= 0 or any(cell_len(line) > width for line in lines):
            return 0
        return len(lines)

    # -- the lines ---------------------------------------------------------------------

    def _title_line(self, info: TrackerInfo, read_only: bool, width: int) -> Text:
        title = display_text(info.title) or "Untitled tracker"
        if not info.title and info.snapshot_date is None and not self._has_tasks:
            title = "No tracker yet"
        line = Text(title, style="bold")
        if info.snapshot_date is not None:
            line.append(f"  snapshot {info.snapshot_date.isoformat()}", style="dim")
        if read_only:
            badge = " READ-ONLY "
            truncate(line, max(0, width - len(badge) - 1), ascii=self.ascii)
            line.pad_right(width - len(badge) - line.cell_len)
            line.append(badge, style="bold reverse yellow")
        else:
            truncate(line, width, ascii=self.ascii)
        return line

    def _programme_line(self, summary: Summary, width: int) -> Text:
        if not summary.tasks:
            return Text("")
        label = Text("Programme ", style="bold")
        tail = f" {round(summary.mean_progress):>3d}%  {summary.tasks} task" + (
            "s" if summary.tasks != 1 else ""
        )
        bar_width = max(5, min(40, width - label.cell_len - len(tail)))
        return Text.assemble(
            label, progress_bar(summary.mean_progress, bar_width, ascii=self.ascii), tail
        )

    def _milestone_lines(self, summary: Summary, width: int) -> Text:
        """The milestone bars, with their forecasts when every bar still fits with them."""
        plain, _ = self._milestone_items(summary, width, forecasts=False)
        if self.forecasts:
            # Only where every bar still shows in the same lines: a header that grew
            # would move the task table, and repaint all of it.
            lines, hidden = self._milestone_items(summary, width, forecasts=True)
            if not hidden and lines.plain.count("\n") == plain.plain.count("\n"):
                return lines
        return plain

    def _milestone_items(
        self, summary: Summary, width: int, *, forecasts: bool
    ) -> tuple[Text, int]:
        """The milestone lines, and how many milestones did not fit (``+N more``)."""
        items: list[Text] = []
        separator = glyphs(self.ascii).separator
        for milestone in summary.by_milestone:
            name = display_text(milestone.milestone) or "(none)"
            item = Text(name[:12] + " ", style="bold")
            item.append_text(progress_bar(milestone.progress, 6, ascii=self.ascii))
            item.append(f" {round(milestone.progress):>3d}%")
            forecast = self.forecasts.get(milestone.milestone) if forecasts else None
            if forecast and milestone.progress < 100:
                item.append(separator + forecast, style="dim")
            items.append(item)
        lines: list[Text] = []
        current = Text()
        more = 0
        for index, item in enumerate(items):
            gap = 2 if current.cell_len else 0
            if current.cell_len + gap + item.cell_len > width:
                lines.append(current)
                current = Text()
                gap = 0
                if len(lines) == _MILESTONE_LINES:
                    more = len(items) - index
                    lines[-1].append(f"  +{more} more", style="dim")
                    current = Text()
                    break
            if gap:
                current.append("  ")
            current.append_text(item)
        if current.cell_len:
            lines.append(current)
        return Text("\n").join(lines[:_MILESTONE_LINES]), more

    def _status_line(self, summary: Summary, statuses: list[str], width: int) -> Text:
        """The count of each status, in the configured order, on ONE line of ``width``.

        When they do not fit, a shorter separator is tried first (``, ``); then the
        statuses with the fewest tasks give way and ``+N more`` says how many are not
        shown. The line never wraps: a second line would push the task table down.
        """
        if not summary.tasks:
            return Text("")
        counts = {count.status: count.count for count in summary.by_status}
        order = [s for s in statuses if s in counts] + [s for s in counts if s not in statuses]
        parts = {
            status: Text.assemble(
                (display_text(status), status_style(status)), f" {counts[status]}"
            )
            for status in order
        }
        separators = list(dict.fromkeys([glyphs(self.ascii).separator, ", "]))
        # Fewest tasks first; among equals, the last in the configured order.
        dropping = sorted(order, key=lambda s: (counts[s], -order.index(s)))
        shown = list(order)
        while True:
            for separator in separators:
                line = Text(separator).join(parts[status] for status in shown)
                hidden = len(order) - len(shown)
                if hidden:
                    line.append(f"  +{hidden} more", style="dim")
                if line.cell_len <= width:
                    return line
            if len(shown) <= 1:
                break
            shown.remove(dropping[hidden])
        truncate(line, width, ascii=self.ascii)
        return line

    def _risk_line(self, summary: Summary, width: int) -> Text:
        line = Text()
        if summary.open_risks_by_impact:
            line.append("Open risks: ", style="bold")
            risks = sorted(
                summary.open_risks_by_impact,
                key=lambda item: (-impact_urgency(item[0]), item[0]),
            )
            line.append_text(
                Text(glyphs(self.ascii).separator).join(
                    Text.assemble(
                        (display_text(impact) or "?", impact_style(impact)),
                        f" {n}",
                    )
                    for impact, n in risks
                )
            )
        elif summary.tasks:
            line.append("No open risks", style="dim")
        checkpoint = summary.next_checkpoint
        if checkpoint is not None:
            if line.cell_len:
                line.append("   ")
            line.append("Next: ", style="bold")
            when = Text(display_text(checkpoint.when))
            countdown = summary.next_checkpoint_countdown
            if countdown:
                overdue = countdown.startswith("overdue")
                due = Text(f" ({countdown})", style="bold red" if overdue else "")
                # A long "when" is cut rather than the countdown: how far off it is
                # matters more than the rest of its words.
                truncate(when, width - line.cell_len - due.cell_len, ascii=self.ascii)
                when.append_text(due)
            line.append_text(when)
            dash = glyphs(self.ascii).dash
            tail = Text(f" {dash} " + display_text(checkpoint.text), style="dim")
            # After a countdown: room for a word's start, or none of it (a lone mark
            # would cut the countdown).
            if not countdown or line.cell_len + min(tail.cell_len, _MIN_TAIL) <= width:
                line.append_text(tail)
        truncate(line, width, ascii=self.ascii)
        return line
