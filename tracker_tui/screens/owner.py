"""One person's open tasks across every tracker (``tracker-tui --owner NAME``, the
palette's "Tasks of…"): grouped by tracker, editable in place.

The rows come from ``Store.owner_tasks`` (every tracker at once); an edit goes through
the same store functions as the Snapshot screen's, on a view of the store scoped to the
row's tracker (``Store.for_tracker``): ``s`` picks a status, ``+``/``-`` nudge the
progress, ``%`` sets it, ``e`` opens the task form. The app's write queue keeps them in
keypress order; a change anywhere (live refresh) reads the rows again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tracker_tui.config import Settings
from tracker_tui.domain import Task
from tracker_tui.messages import StoreChanged
from tracker_tui.portfolio import OwnerTask, TrackerRef
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import reading, writing
from tracker_tui.screens._filter_sort import FilterSort, filter_input
from tracker_tui.screens._writes import run_write
from tracker_tui.store.store import Store
from tracker_tui.tracker_messages import OwnerTasksRead, TrackersChanged
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.mode_tabs import OWNER_MODE, ModeTabs
from tracker_tui.widgets.progress import progress_cell, status_style
from tracker_tui.widgets.record_table import Column, RecordTable


def owner_columns(*, ascii: bool) -> list[Column]:
    return [
        Column(
            "tracker",
            "Tracker",
            width=14,
            max_width=24,
            priority=95,
            value=lambda row: row.tracker.name,
        ),
        Column("id", "ID", width=6, priority=100, fit=12, value=lambda row: row.task.id),
        Column("title", "Title", width=14, priority=90, grow=3, value=lambda row: row.task.title),
        Column(
            "status",
            "Status",
            width=11,
            priority=85,
            value=lambda row: row.task.status,
            render=lambda value, width: Text(display_text(value), style=status_style(value)),
        ),
        Column(
            "progress",
            "Progress",
            width=10,
            max_width=16,
            priority=80,
            value=lambda row: row.task.progress,
            render=lambda value, width: progress_cell(value, width, ascii=ascii),
        ),
        Column(
            "milestone", "Milestone", width=9, priority=40, value=lambda row: row.task.milestone
        ),
        Column(
            "updated",
            "Updated",
            width=10,
            priority=50,
            value=lambda row: row.task.last_update,
            render=lambda value, width: value.isoformat() if value else "",
        ),
    ]


class OwnerScreen(FilterSort):
    """The open tasks of ``owner`` in every tracker."""

    AUTO_FOCUS = "#owner-tasks"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_task", "Open", id="owner.open"),
        Binding("s", "pick_status(1)", "Status ▶", id="owner.status-next"),
        Binding("S", "pick_status(-1)", "◀ Status", show=False, id="owner.status-previous"),
        Binding("plus", "nudge_progress('+10')", "+10%", id="owner.progress-up"),
        Binding("minus", "nudge_progress('-10')", "-10%", id="owner.progress-down"),
        Binding("percent_sign", "set_progress", "Progress…", show=False, id="owner.progress-set"),
        Binding("e", "edit_task", "Edit", id="owner.edit"),
        Binding("slash", "filter", "Filter", priority=True, id="owner.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="owner.clear-filter"),
        Binding("o", "sort", "Sort", show=False, id="owner.sort"),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        owner: str,
        open_task: Callable[[TrackerRef, str], object],
        *,
        ascii: bool = False,
    ) -> None:
        super().__init__(name=OWNER_MODE)
        self.store = store
        self.settings = settings
        self.owner = owner
        self.open_task = open_task
        self.ascii = ascii

    def compose(self) -> ComposeResult:
        yield ModeTabs(OWNER_MODE, ascii=self.ascii, portfolio=True)
        yield Static(id="owner-heading", classes="owner-heading")
        yield filter_input()
        yield RecordTable(
            owner_columns(ascii=self.ascii),
            key=lambda row: (row.tracker.id, row.task.id),
            empty_text="No open task.",
            id="owner-tasks",
        )
        yield KeyFooter()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#owner-tasks", RecordTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.show_owner(self.owner)

    def show_owner(self, owner: str) -> None:
        """Show ``owner``'s tasks (the palette's "Tasks of…" asks again)."""
        self.owner = owner
        self.refresh_data()

    def refresh_data(self) -> None:
        self._load(self.owner)

    @work(thread=True, exclusive=True, exit_on_error=False, group="owner-load")
    def _load(self, owner: str) -> None:
        with reading(self, f"the tasks of {owner}"):
            self.post_message(OwnerTasksRead(owner, self.store.owner_tasks(owner)))

    def on_owner_tasks_read(self, message: OwnerTasksRead) -> None:
        if message.owner != self.owner:
            return  # an older read, for the owner shown before
        trackers = len({row.tracker.id for row in message.rows})
        # The owner as the trackers spell it (matched whatever the case).
        spelt = message.rows[0].task.owner if message.rows else self.owner
        heading = Text.assemble(
            "Open tasks of ",
            (display_text(spelt), "bold"),
            f": {len(message.rows)} in {trackers} tracker{'s' if trackers != 1 else ''}",
        )
        self.query_one("#owner-heading", Static).update(heading)
        self.table.set_rows(message.rows)
        if self.table.cursor_row < 0 and message.rows:
            self.table.cursor_row = 0

    def on_trackers_changed(self, message: TrackersChanged) -> None:
        self.refresh_data()

    def on_store_changed(self, message: StoreChanged) -> None:
        self.refresh_data()

    @on(RecordTable.RowSelected, "#owner-tasks")
    def _selected(self, event: RecordTable.RowSelected) -> None:
        self.action_open_task()

    def action_open_task(self) -> None:
        """The task in its tracker: that tracker's Snapshot, the cursor on the task."""
        row = self._current()
        if row is not None:
            self.open_task(row.tracker, row.task.id)

    # -- edits: the Snapshot screen's, on the row's tracker -----------------------------

    def _current(self) -> OwnerTask | None:
        row = self.table.cursor_value
        return row if isinstance(row, OwnerTask) else None

    def _editable(self) -> OwnerTask | None:
        row = self._current()
        if row is None:
            return None
        if self.store.read_only:
            self.notify("This store is read-only: nothing can be changed.", markup=False)
            return None
        return row

    def action_pick_status(self, step: int) -> None:
        row = self._editable()
        if row is None:
            return
        from tracker_tui.screens.status_picker import StatusPicker, binding_keys

        def chosen(new: str | None) -> None:
            if new is not None:
                self._update(row, {"status": new})

        statuses = self.store.for_tracker(row.tracker).statuses("task")
        self.app.push_screen(
            StatusPicker(
                row.task.id,
                statuses or [row.task.status],
                row.task.status,
                step=step,
                anchor=self.table.cursor_region("status"),
                next_keys=binding_keys(self, "owner.status-next"),
                previous_keys=binding_keys(self, "owner.status-previous"),
            ),
            chosen,
        )

    def action_nudge_progress(self, delta: str) -> None:
        row = self._editable()
        if row is not None:
            self._update(row, {"progress": delta})

    def action_set_progress(self) -> None:
        row = self._editable()
        if row is None:
            return
        from tracker_tui.screens.progress_prompt import ProgressPrompt

        def done(value: str | None) -> None:
            if value is not None:
                self._update(row, {"progress": value.replace("%", "").strip()})

        self.app.push_screen(ProgressPrompt(row.task.id, row.task.progress), done)

    def action_edit_task(self) -> None:
        row = self._editable()
        if row is None:
            return
        from tracker_tui.screens.task_form import TaskFormScreen

        def saved(result: Task | None) -> None:
            if isinstance(result, Task):
                self.refresh_data()

        form = TaskFormScreen(
            self.store.for_tracker(row.tracker),
            row.task,
            log_completion=self.settings.complete_adds_activity,
        )
        self.app.push_screen(form, saved)

    def _update(self, row: OwnerTask, changes: dict[str, Any]) -> None:
        run_write(self, self._update_job, row, changes)

    def _update_job(self, row: OwnerTask, changes: dict[str, Any]) -> None:
        """Runs on the app's write queue: the same ``update_task`` as the Snapshot's."""
        with writing(self, f"{row.task.id} in {row.tracker.name}"):
            try:
                self.store.for_tracker(row.tracker).update_task(
                    row.task.id, changes, log_completion=self.settings.complete_adds_activity
                )
            finally:
                self.refresh_data()
