"""The portfolio (key ``0``): one row per tracker of the store, live.

Each row: the tracker's name, its overall progress bar, tasks done out of the total, open
risks by impact, stale tasks, the next checkpoint and the last change (who, when). The
figures are the store's aggregates over every tracker at once (``Store.portfolio``), read
in a worker and again whenever any tracker changes. ``enter`` opens a tracker (the app
rebuilds screens 1-5 on it); ``/`` filters and ``o`` sorts as on the other tables; ``R``
renames and ``D`` deletes a tracker, after a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from tracker_tui.config import Settings
from tracker_tui.messages import StoreChanged
from tracker_tui.portfolio import PortfolioRow, TrackerRef
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import reading, writing
from tracker_tui.screens._filter_sort import FilterSort, filter_input
from tracker_tui.store.store import Store
from tracker_tui.tracker_messages import PortfolioRead, TrackersChanged
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.mode_tabs import PORTFOLIO_MODE, ModeTabs
from tracker_tui.widgets.progress import progress_cell
from tracker_tui.widgets.record_table import Column, RecordTable

EMPTY_TEXT = "No tracker yet: import one with 'tracker-tui import FILE'."
#: Impacts shortened to their initial in the Risks column (others keep their first 3).
_IMPACT_ORDER = ("Critical", "High", "Medium", "Low")


def risks_text(row: PortfolioRow) -> str:
    """Open risks by impact, most severe first: ``C1 H2 M3``."""
    counts = dict(row.open_risks_by_impact)
    known = [(impact[0], counts.pop(impact)) for impact in _IMPACT_ORDER if impact in counts]
    others = [(impact[:3], count) for impact, count in sorted(counts.items())]
    return " ".join(f"{label}{count}" for label, count in known + others) or "-"


def last_change_text(row: PortfolioRow) -> str:
    """``alice 06-02 13:08`` (the time as stored: UTC)."""
    last = row.last_change
    if last is None:
        return ""
    try:
        when = datetime.fromisoformat(last.at).strftime("%m-%d %H:%M")
    except ValueError:
        when = last.at[:16]
    return f"{display_text(last.user)} {when}"


def portfolio_columns(*, ascii: bool) -> list[Column]:
    def bar(value: float, width: int) -> Text:
        return progress_cell(value, width, ascii=ascii)

    return [
        Column(
            "name",
            "Tracker",
            width=14,
            max_width=40,
            priority=100,
            grow=3,
            value=lambda row: row.tracker.name,
        ),
        Column(
            "progress",
            "Progress",
            width=12,
            max_width=22,
            priority=95,
            value=lambda row: row.mean_progress,
            render=bar,
            gap=2,
        ),
        Column(
            "done",
            "Done",
            width=7,
            priority=90,
            value=lambda row: f"{row.done}/{row.tasks}",
            sort_key=lambda value: tuple(int(part) for part in value.split("/")),
        ),
        Column("risks", "Risks", width=8, priority=85, value=risks_text),
        Column(
            "stale", "Stale", width=5, priority=80, justify="right", value=lambda row: row.stale
        ),
        Column(
            "next",
            "Next checkpoint",
            width=12,
            max_width=40,
            priority=60,
            grow=2,
            value=lambda row: (
                f"{row.next_checkpoint.when}: {row.next_checkpoint.text}"
                if row.next_checkpoint
                else ""
            ),
        ),
        Column("last", "Last change", width=17, priority=70, value=last_change_text),
    ]


class PortfolioScreen(FilterSort):
    """Every tracker of the store, one row each."""

    AUTO_FOCUS = "#trackers"
    UNSORTED_LABEL = "Name order"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_tracker", "Open", id="portfolio.open"),
        Binding("slash", "filter", "Filter", priority=True, id="portfolio.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="portfolio.clear-filter"),
        Binding("o", "sort", "Sort", id="portfolio.sort"),
        Binding("R", "rename", "Rename", show=False, id="portfolio.rename"),
        Binding("D", "delete", "Delete", show=False, id="portfolio.delete"),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        open_tracker: Callable[[TrackerRef], object],
        *,
        ascii: bool = False,
    ) -> None:
        super().__init__(name=PORTFOLIO_MODE)
        self.store = store
        self.settings = settings
        self.open_tracker = open_tracker
        self.ascii = ascii

    def compose(self) -> ComposeResult:
        yield ModeTabs(PORTFOLIO_MODE, ascii=self.ascii, portfolio=True)
        yield filter_input()
        yield RecordTable(
            portfolio_columns(ascii=self.ascii),
            key=lambda row: row.tracker.id,
            empty_text=EMPTY_TEXT,
            id="trackers",
        )
        yield KeyFooter()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#trackers", RecordTable)

    def on_mount(self) -> None:
        self.table.focus()

    def on_screen_resume(self) -> None:
        # First shown, or come back to with `0` after an edit on a tracker: read the
        # figures now rather than show the old bars until the next live-refresh tick.
        self.refresh_data()

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="portfolio-load")
    def _load(self) -> None:
        with reading(self, "the portfolio"):
            today = self.settings.current_date(self.store.clock)
            rows = self.store.portfolio(today=today, stale_days=self.settings.stale_days)
            self.post_message(PortfolioRead(rows))

    def on_portfolio_read(self, message: PortfolioRead) -> None:
        self.table.set_rows(message.rows)
        if self.table.cursor_row < 0 and message.rows:
            self.table.cursor_row = 0

    def on_trackers_changed(self, message: TrackersChanged) -> None:
        self.refresh_data()

    def on_store_changed(self, message: StoreChanged) -> None:
        self.refresh_data()

    def _current(self) -> TrackerRef | None:
        row = self.table.cursor_value
        return row.tracker if isinstance(row, PortfolioRow) else None

    @on(RecordTable.RowSelected, "#trackers")
    def _selected(self, event: RecordTable.RowSelected) -> None:
        self.action_open_tracker()

    def action_open_tracker(self) -> None:
        tracker = self._current()
        if tracker is not None:
            self.open_tracker(tracker)

    def action_rename(self) -> None:
        tracker = self._current()
        if tracker is None or self.store.read_only:
            return
        from tracker_tui.screens.tracker_prompts import RenamePrompt

        def named(name: str | None) -> None:
            if name:
                self._rename(tracker, name)

        self.app.push_screen(RenamePrompt(tracker.name), named)

    @work(thread=True, exit_on_error=False, group="portfolio-write")
    def _rename(self, tracker: TrackerRef, name: str) -> None:
        with writing(self, tracker.name):
            self.store.for_tracker(tracker).rename_tracker(name)
            self.refresh_data()

    def action_delete(self) -> None:
        tracker = self._current()
        if tracker is None or self.store.read_only:
            return
        from tracker_tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(tracker)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the tracker {display_text(tracker.name)!r} with all its history? "
                "This cannot be undone."
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="portfolio-write")
    def _delete(self, tracker: TrackerRef) -> None:
        with writing(self, tracker.name):
            self.store.for_tracker(tracker).delete_tracker()
            self.refresh_data()
