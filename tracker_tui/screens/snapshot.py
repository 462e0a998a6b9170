"""SnapshotScreen: the programme at a glance and the task table, with quick edits.

Every store call runs in a thread worker and comes back as a message (``TaskSaved``,
``TasksRead``, or ``ReadFailed``/``WriteFailed``, which the app tells); the handler
patches the one row that changed and the header lines that moved. Live changes
(``StoreChanged`` from the app's poller) are handled the same way: only the task IDs named
in the changes are read again, and the cursor stays on its task (by key), the filter and
the scroll position hold.
"""

from __future__ import annotations

import contextlib
import time
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from tracker_tui.config import Settings
from tracker_tui.domain import (
    COMPLETE,
    Change,
    Summary,
    Task,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.fields import cell_text, labelled
from tracker_tui.messages import QuickEditFailed, StoreChanged, TaskSaved, TasksRead
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import reading, writing
from tracker_tui.screens._filter_sort import FilterSort, filter_input
from tracker_tui.screens._forecasts import HeaderForecasts
from tracker_tui.screens._read_only import ReadOnlyActions, read_only_message
from tracker_tui.screens._replay import UndoRedo
from tracker_tui.screens._writes import run_write, warm_up_writer_soon
from tracker_tui.screens.unsaved import UnsavedEdit
from tracker_tui.store.replayed import Replayed
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.mode_tabs import ModeTabs
from tracker_tui.widgets.progress import progress_cell, status_style
from tracker_tui.widgets.record_table import Column, RecordTable
from tracker_tui.widgets.snapshot_header import SnapshotHeader
from tracker_tui.widgets.urgency import Urgency, urgency_style

EMPTY_TEXT = (
    "No tracker yet. Press t to name it and n to add its first task, "
    "or import a markdown tracker: tracker-tui import FILE."
)
EMPTY_TEXT_ASCII = EMPTY_TEXT.replace("—", "-")
#: Once the tracker has a name: only its tasks are missing.
NO_TASKS_TEXT = "No tasks yet. Press n to add the first one."
#: Nothing to start on a store open read-only: someone else must.
READ_ONLY_EMPTY_TEXT = (
    "No tracker yet. This store is open read-only: nothing to show until someone "
    "imports or starts one."
)
#: How long a row changed by another user says so.
MARKER_SECONDS = 60.0
#: The mark of a row another user changed, in its own one-cell column left of the ID.
EDITED_MARK, EDITED_MARK_ASCII = "✎", "*"
#: How often the footer's "edited by ann 20 s ago" counts on while its row is selected.
NOTE_REFRESH_SECONDS = 5.0
#: The clock the marks are timed by (a test holds it still).
clock = time.monotonic
#: Rows read before the first frame: more than any terminal shows.
FIRST_SCREENFUL = 200


def task_columns(*, today: date, stale_days: int, ascii: bool) -> list[Column]:
    """The task table's columns; Notes give way first when the terminal is narrow."""
    stale_before = today - timedelta(days=stale_days)

    def is_stale(task: Task) -> bool:
        return (
            task.status != COMPLETE
            and task.last_update is not None
            and task.last_update < stale_before
        )

    def render_status(value: Any, width: int) -> Text:
        return Text(display_text(str(value)), style=status_style(str(value)))

    def render_progress(value: Any, width: int) -> Text:
        return progress_cell(float(value or 0), width, ascii=ascii)

    def render_update(task: Task, width: int) -> Text:
        if task.last_update is None:
            return Text("")
        day = task.last_update.isoformat()
        if is_stale(task):
            # Stale calls for attention: Medium on the urgency scale, in every colour mode.
            style = urgency_style(Urgency.MEDIUM)
            return Text.assemble(("!", f"bold {style}"), (day, style))
        return Text(" " + day)

    return [
        # A gutter for the "edited by someone else" mark: one cell against the ID, where
        # the table's left padding was, so that it never costs another column its place.
        Column(
            "edited",
            "",
            width=1,
            max_width=1,
            priority=99,
            gap=0,
            value=lambda task: "",
            search=lambda value: "",
        ),
        # IDs are never cut: as wide as the widest ID (UT-00001 on a big store).
        Column("id", "ID", width=6, max_width=7, fit=16, priority=100),
        Column("title", "Title", width=14, priority=90, grow=3),
        Column("milestone", "Milestone", width=9, max_width=10, priority=40),
        Column("owner", "Owner", width=10, max_width=20, priority=50),
        Column("status", "Status", width=11, max_width=11, priority=80, render=render_status),
        Column("progress", "Progress", width=10, max_width=14, priority=85, render=render_progress),
        Column(
            "last_update",
            "Last Update",
            width=11,
            max_width=11,
            priority=60,
            value=lambda task: task,
            render=render_update,
            sort_key=lambda task: task.last_update,
            search=_task_text,
        ),
        Column("notes", "Notes", width=16, priority=10, grow=2),
    ]


def _task_text(task: Task) -> str:
    """What the Last Update column filters on (the value is the whole task)."""
    return task.last_update.isoformat() if task.last_update else ""


class SnapshotScreen(UndoRedo, ReadOnlyActions, HeaderForecasts, FilterSort):
    """The tracker's header figures and its task table (the screen the app opens on)."""

    AUTO_FOCUS = "#tasks"

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "pick_status": "changing the status",
        "nudge_progress": "changing the progress",
        "set_progress": "changing the progress",
        "edit_task": "editing",
        "new_task": "adding a task",
        "name_tracker": "naming the tracker",
        "delete_task": "deleting",
        "add_activity": "adding to the activity log",
        "undo": "undo",
        "redo": "redo",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # A picker opens on the next (previous) status: only the status chosen is saved.
        Binding("s", "pick_status(1)", "Status ▶", id="snapshot.status-next"),
        Binding("S", "pick_status(-1)", "◀ Status", show=False, id="snapshot.status-previous"),
        Binding("plus", "nudge_progress('+10')", "+10%", id="snapshot.progress-up"),
        Binding("minus", "nudge_progress('-10')", "-10%", id="snapshot.progress-down"),
        Binding(
            "percent_sign", "set_progress", "Progress…", show=False, id="snapshot.progress-set"
        ),
        Binding("enter", "open_task", "Open", show=False, id="snapshot.open"),
        Binding("e", "edit_task", "Edit", id="snapshot.edit"),
        Binding("n", "new_task", "New", id="snapshot.new"),
        Binding("t", "name_tracker", "Name tracker", show=False, id="snapshot.title"),
        Binding("d", "delete_task", "Delete", show=False, id="snapshot.delete"),
        Binding("a", "add_activity", "Log", show=False, id="snapshot.add-activity"),
        Binding("u", "undo", "Undo", show=False, id="snapshot.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="snapshot.redo"),
        # Priority: run as soon as the app reads the key, before the keys typed after it
        # (a paste, a fast typist) are handed on, so that they land in the filter.
        Binding("slash", "filter", "Filter", priority=True, id="snapshot.filter"),
        # Shown only while there is a filter to clear (check_action).
        Binding("escape", "clear_filter", "Clear filter", id="snapshot.clear-filter"),
        Binding("o", "sort", "Sort", show=False, id="snapshot.sort"),
        Binding("y", "copy_id", "Copy ID", show=False, id="snapshot.copy-id"),
        Binding("Y", "copy_row", "Copy row", show=False, id="snapshot.copy-row"),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        ascii: bool = False,
        first_frame_shown: bool = False,
        tracker: str | None = None,
    ) -> None:
        super().__init__(name="snapshot")
        #: The tracker's name, for the tabs, when the store holds several.
        self.tracker = tracker
        self.store = store
        self.settings = settings
        self.ascii = ascii
        #: False while the app's first frame is still to come: the app then calls
        #: ``after_first_frame`` once it is on the terminal.
        self.first_frame_shown = first_frame_shown
        self.today = settings.current_date(store.clock)
        self._statuses: list[str] = []
        self._info = TrackerInfo(title="", snapshot_date=None)
        self._summary: Summary | None = None
        self._marks: dict[str, tuple[str, float]] = {}  # task ID -> (who, when: monotonic)
        self._marker_timer: Timer | None = None
        self._note_timer: Timer | None = None
        self._rest_pending = False  # rows beyond the first screenful still to read
        self._unsaved = UnsavedEdit(self, lambda: self.table)

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ModeTabs("snapshot", ascii=self.ascii, tracker=self.tracker)
        yield SnapshotHeader(ascii=self.ascii, id="snapshot-header")
        yield filter_input()
        table = RecordTable(
            task_columns(today=self.today, stale_days=self.settings.stale_days, ascii=self.ascii),
            empty_text=EMPTY_TEXT_ASCII if self.ascii else EMPTY_TEXT,
            id="tasks",
        )
        table.marker_column = "edited"
        yield table
        yield KeyFooter()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#tasks", RecordTable)

    @property
    def header(self) -> SnapshotHeader:
        return self.query_one("#snapshot-header", SnapshotHeader)

    def on_mount(self) -> None:
        self._load_first()
        if self.first_frame_shown:
            self.call_after_refresh(self.after_drawn)

    def _load_first(self) -> None:
        """Read and show the tracker's first screenful (on mount, and on a retarget)."""
        self.set_class(self.store.read_only, "-read-only")
        # The first read happens here, before the first frame: the screen opens with its
        # data rather than flashing empty. Everything after this runs in workers. (Live
        # refresh read the change counters before this, when the app loaded: a commit
        # made while the rows below are read is shown by the first poll, not missed.)
        self._statuses = self.store.statuses("task")
        # Only a screenful before the first frame, so that start-up does not grow with
        # the store; on a big store the rest follows in a worker right after.
        tasks = self.store.tasks(limit=FIRST_SCREENFUL)
        self._show_figures(self.store.tracker_info(), self.store.summary())
        self.table.incomplete = len(tasks) == FIRST_SCREENFUL
        self.table.start_over(tasks)
        if len(tasks) == FIRST_SCREENFUL:
            # Read after the first frame is on the terminal (the app calls
            # after_first_frame, or after_drawn once this screen is drawn): a worker
            # building 10,000 rows competes for the GIL with the UI thread, and would
            # delay the frame it is meant to follow.
            self._rest_pending = True
        warm_up_writer_soon(self, self.store)

    def after_drawn(self) -> None:
        """The screen is drawn, built or retargeted after the app's first frame: read
        the rest of a big tracker (and start its forecasts) now."""
        if self._rest_pending:
            self.after_first_frame()

    # -- another tracker on this screen ------------------------------------------------

    def can_retarget(self) -> bool:
        """Whether this screen may be shown on another tracker in place (``retarget``):
        not while it holds state of its tracker the user has yet to see go (a quick
        edit's unsaved mark). The app checks that nothing is open over it."""
        return self._unsaved.task_id is None

    def retarget(self, store: Store, tracker: str | None) -> None:
        """Show ``store``'s tracker here as a new Snapshot screen would, without
        composing one (a switch of tracker then costs a read and one repaint).

        Reads under way for the tracker before are cancelled, and whatever they still
        post is dropped: every read and write names its store (``source``), and this
        screen drops a result whose store is not the one it shows now. Writes already
        queued were given their own store when they were queued: they are saved there.
        """
        for group in ("read", "reload", "forecasts", "warm-up"):
            self.workers.cancel_group(self, group)
        for timer in (self._marker_timer, self._note_timer, self._forecast_timer):
            if timer is not None:
                timer.stop()
        self._marker_timer = self._note_timer = self._forecast_timer = None
        self.store = store
        self.tracker = tracker
        self.today = self.settings.current_date(store.clock)
        self._marks = {}
        self._rest_pending = False
        self._info = TrackerInfo(title="", snapshot_date=None)
        self._summary = None
        # Forecasts of the tracker before are not shown, nor are any still on their way
        # (a run number they do not answer); they start again as on a new screen.
        self._forecasts_on = False
        self._forecast_runs += 1
        self.header.show_forecasts({})
        if tracker is not None:
            self.query_one(ModeTabs).name_tracker(tracker)
        self.close_filter()
        # The rest of a big tracker is read once this is drawn: the app calls
        # after_drawn after its switch to this screen (a call_after_refresh from here
        # would run after the portfolio's next refresh, not this screen's).
        self._load_first()
        self._show_note()

    def after_first_frame(self) -> None:
        """Start what waited for the first frame: reading the rest of a big store, and
        the milestones' forecasts."""
        self.start_forecasts()
        if self._rest_pending:
            self._rest_pending = False
            self._read_all(None, self.store)

    def _show_figures(self, info: TrackerInfo, summary: Summary) -> None:
        self._info = info
        self._summary = summary
        # What the empty table says next depends on how far the tracker has got.
        if self.store.read_only:
            empty = READ_ONLY_EMPTY_TEXT
        elif info.title:
            empty = NO_TASKS_TEXT
        else:
            empty = EMPTY_TEXT_ASCII if self.ascii else EMPTY_TEXT
        if self.table.empty_text != empty:
            self.table.empty_text = empty
            self.table.refresh()
        self.header.show(info, summary, read_only=self.store.read_only, statuses=self._statuses)
        self.request_forecasts()

    def show_task(self, task_id: str) -> None:
        """Put the cursor on ``task_id``, reading the rest of the tasks first when it is
        not among the screenful read so far."""
        if not self.focus_task(task_id):
            self._rest_pending = False
            self._reload(focus=task_id)

    def focus_task(self, task_id: str) -> bool:
        """Put the cursor on ``task_id`` (clearing a filter that hides it)."""
        table = self.table
        if not table.move_cursor_to_key(task_id) and table.get_row(task_id) is not None:
            self.action_clear_filter()
            table.move_cursor_to_key(task_id)
        table.focus()
        return table.cursor_key == task_id

    # -- helpers -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The filter's rule first; then ReadOnlyActions' (earlier in the MRO, it does
        # not hand on to FilterSort's).
        if not self.filter_allows(action):
            return False
        return super().check_action(action, parameters)

    def _current(self) -> Task | None:
        """The task under the cursor, as the user sees it."""
        return self.table.cursor_value

    def _editable(self, what: str) -> bool:
        if self.store.read_only:
            self.notify(read_only_message(self.store, what), severity="warning", markup=False)
            return False
        return True

    # -- quick edits -------------------------------------------------------------------

    def action_pick_status(self, step: int) -> None:
        """Choose the status in a picker on the row, opened on the next (1) or previous
        (-1) one; nothing is saved until a status is chosen, and then only that one."""
        task = self._current()
        if task is None or not self._editable("changing the status"):
            return
        from tracker_tui.screens.status_picker import StatusPicker, binding_keys

        task_id, status = task.id, task.status

        def chosen(new: str | None) -> None:
            if new is not None:  # the status it has already: the store writes nothing
                self._update_task(task_id, {"status": new})

        picker = StatusPicker(
            task_id,
            self._statuses or [status],
            status,
            step=step,
            anchor=self.table.cursor_region("status"),
            next_keys=binding_keys(self, "snapshot.status-next"),
            previous_keys=binding_keys(self, "snapshot.status-previous"),
        )
        self.app.push_screen(picker, chosen)

    def action_nudge_progress(self, delta: str) -> None:
        task = self._current()
        if task is None or not self._editable("changing the progress"):
            return
        # Relative: applied by the store to the value in the database, not to ours.
        self._update_task(task.id, {"progress": delta})

    def action_set_progress(self) -> None:
        task = self._current()
        if task is None or not self._editable("changing the progress"):
            return
        from tracker_tui.screens.progress_prompt import ask_progress

        ask_progress(self, task.id, task.progress, self._update_task)

    def _update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        # The store of the tracker shown now, with the key: saved there even if the
        # screen shows another tracker by the time the job runs.
        run_write(self, self._update_task_job, self.store, task_id, changes)

    def _update_task_job(self, store: Store, task_id: str, changes: dict[str, Any]) -> None:
        """Runs on the app's write queue."""
        with writing(self, task_id):
            try:
                # The completion entry ("UT-004 completed.") is written in the same
                # transaction, so one undo takes back the whole edit.
                task = store.update_task(
                    task_id, changes, log_completion=self.settings.complete_adds_activity
                )
                summary = store.summary()
            except TrackerError as err:
                # Refused (locked, read-only, a bad value): the row stays marked unsaved.
                self.post_message(QuickEditFailed(str(err), task_id, source=store))
                return
            self.post_message(TaskSaved(task, summary, source=store))

    def _shows(self, source: object) -> bool:
        """Whether a result from ``source`` (a store) is of the tracker shown now."""
        return source is self.store

    def on_task_saved(self, message: TaskSaved) -> None:
        if not self._shows(message.source):
            return  # saved in the tracker shown before
        self.table.update_row(message.task.id, message.task)
        if message.summary is not None:
            self._show_figures(self._info, message.summary)

    def on_quick_edit_failed(self, message: QuickEditFailed) -> None:
        if not self._shows(message.source):
            # Its row is not on screen any more (another tracker is): say it in a line.
            self.notify(
                f"{message.task_id} not saved: {message.error}", severity="error", markup=False
            )
            return
        self._unsaved.show(message, self._restore_mark)

    def on_key(self, event: events.Key) -> None:
        # The unsaved mark and its reason stay until the user presses a key.
        self._unsaved.clear(self._restore_mark)
        super().on_key(event)

    def _restore_mark(self, task_id: str) -> None:
        if task_id in self._marks:
            self.table.set_marker(task_id, Text(EDITED_MARK_ASCII if self.ascii else EDITED_MARK))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A store call's failure arrives as ReadFailed/WriteFailed (told by the app); an
        # error outside one is a bug, but one that must not take the dashboard down.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.notify(
                f"Unexpected error: {type(error).__name__}: {error}",
                severity="error",
                markup=False,
            )

    # -- forms and other screens -------------------------------------------------------

    @on(RecordTable.RowSelected, "#tasks")
    def _row_selected(self, event: RecordTable.RowSelected) -> None:
        event.stop()
        self.action_open_task()

    def action_open_task(self) -> None:
        task = self._current()
        if task is None:
            return
        from tracker_tui.screens.task_detail import TaskDetailScreen

        # Anything it changes arrives here by live refresh, as any other change does.
        self.app.push_screen(
            TaskDetailScreen(
                self.store, task.id, log_completion=self.settings.complete_adds_activity
            )
        )

    def action_edit_task(self) -> None:
        task = self._current()
        if task is None or not self._editable("editing"):
            return
        from tracker_tui.screens.task_form import TaskFormScreen

        store = self.store

        def saved(result: Task | None) -> None:
            if isinstance(result, Task) and self._shows(store):
                # The form saved (and logged a completion) in one transaction: show the
                # row now, and the header figures it moved once they are read.
                self.table.update_row(result.id, result)
                self._read_saved(result, self.store)

        form = TaskFormScreen(store, task, log_completion=self.settings.complete_adds_activity)
        self.app.push_screen(form, saved)

    def action_new_task(self) -> None:
        if self._editable("adding a task"):
            self._open_new_form(self.store)

    @work(thread=True, group="read", exit_on_error=False)
    def _open_new_form(self, store: Store) -> None:
        with reading(self, "the next task ID"):
            proposed = store.next_id("task")
            self.app.call_from_thread(self._push_new_form, proposed, store)

    def _push_new_form(self, proposed: str, store: Store) -> None:
        if not self._shows(store):
            return  # asked on the tracker shown before
        from tracker_tui.screens.task_form import TaskFormScreen

        store = self.store

        def saved(result: Task | None) -> None:
            if isinstance(result, Task) and self._shows(store):
                self._reload(focus=result.id)

        self.app.push_screen(TaskFormScreen(store, None, proposed_id=proposed), saved)

    def action_name_tracker(self) -> None:
        """Name (or rename) the tracker: on a new store, this is how it starts."""
        if not self._editable("naming the tracker"):
            return
        from tracker_tui.screens.title_prompt import TitlePrompt

        def named(title: str | None) -> None:
            if title is not None:
                self.notify(f"Named the tracker: {title}", markup=False)
                self._reload()

        self.app.push_screen(TitlePrompt(self.store, self._info.title), named)

    def action_delete_task(self) -> None:
        task = self._current()
        if task is None or not self._editable("deleting"):
            return
        from tracker_tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(task.id, task.version)

        dash = glyphs(self.ascii).dash
        question = f"Delete {display_text(task.id)} {dash} {display_text(task.title)}?"
        self.app.push_screen(ConfirmScreen(question), answered)

    def _delete(self, task_id: str, version: int) -> None:
        run_write(self, self._delete_job, self.store, task_id, version)

    def _delete_job(self, store: Store, task_id: str, version: int) -> None:
        """Runs on the app's write queue."""
        with writing(self, task_id):
            store.delete_task(task_id, expected_version=version)
            with reading(self, "the tracker's totals"):
                self.post_message(
                    TasksRead(
                        [], store.summary(), store.tracker_info(), removed=[task_id], source=store
                    )
                )

    def action_add_activity(self) -> None:
        if not self._editable("adding to the activity log"):
            return
        from tracker_tui.screens.activity_form import ActivityFormScreen

        self.app.push_screen(ActivityFormScreen(self.store, today=self.settings.today))

    @work(thread=True, exclusive=False, group="read", exit_on_error=False)
    def _read_saved(self, task: Task, store: Store) -> None:
        with reading(self, "the tracker's totals"):
            self.post_message(TaskSaved(task, store.summary(), source=store))

    # -- undo / redo -------------------------------------------------------------------

    def action_undo(self) -> None:
        if self._editable("undo"):
            self._replay("undo")

    def action_redo(self) -> None:
        if self._editable("redo"):
            self._replay("redo")

    def replayed(self, changes: Replayed, store: Store) -> None:
        self._read_changed(changes, store)

    def replayed_names(self, changes: Replayed) -> list[str]:
        return sorted({c.id for c in changes if c.entity == "task"})

    # -- reading changes ---------------------------------------------------------------

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.full:
            # Too many changes to patch row by row (the store said so): read everything.
            self._reload()
        else:
            self._read_live(message.changes, self.store)

    @work(thread=True, exclusive=False, group="read", exit_on_error=False)
    def _read_live(self, changes: list[Change], store: Store) -> None:
        self._read_changed(changes, store)

    def _read_changed(self, changes: list[Change], store: Store) -> None:
        """Runs in a worker: read the tasks ``changes`` (of ``store``) name, post them
        as ``TasksRead``."""
        with reading(self, "the changed tasks"):
            ids = list(dict.fromkeys(c.id for c in changes if c.entity == "task"))
            structural = any(c.entity == "task" and c.field == "*" for c in changes) or any(
                c.entity == "tracker" and c.field in ("*", "import") for c in changes
            )
            summary = store.summary()
            info = store.tracker_info()
            statuses = store.statuses("task")
            if structural or len(ids) > 500:
                tasks = store.tasks()
                message = TasksRead(tasks, summary, info, full=True, changes=changes, source=store)
            else:
                tasks = store.tasks_by_id(ids)
                found = {task.id for task in tasks}
                removed = [task_id for task_id in ids if task_id not in found]
                message = TasksRead(
                    tasks, summary, info, removed=removed, changes=changes, source=store
                )
            message.statuses = statuses
            self.post_message(message)

    def _reload(self, *, focus: str | None = None) -> None:
        self._read_all(focus, self.store)

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def _read_all(self, focus: str | None, store: Store) -> None:
        with reading(self, "the tasks"):
            self.post_message(
                TasksRead(
                    store.tasks(), store.summary(), store.tracker_info(), full=True, source=store
                )
            )
            if focus is not None:
                self.app.call_from_thread(self._focus_read_task, focus, store)

    def _focus_read_task(self, task_id: str, store: Store) -> None:
        if self._shows(store):
            self.focus_task(task_id)

    def on_tasks_read(self, message: TasksRead) -> None:
        if not self._shows(message.source):
            # Read for the tracker shown before: its UT-001 is not this one's.
            return
        if message.statuses is not None:
            self._statuses = message.statuses
        table = self.table
        if message.full:
            table.incomplete = False  # g/G pressed meanwhile now go to the whole list's ends
            table.set_rows(message.tasks)
        else:
            for task in message.tasks:
                current = table.get_row(task.id)
                if current is None:
                    # A task we have never seen (created elsewhere): re-read in order.
                    self._reload()
                    break
                if current != task:  # unchanged rows are not redrawn (idle stays idle)
                    table.update_row(task.id, task)
            for task_id in message.removed:
                table.remove_row(task_id)
        self._show_figures(message.info, message.summary)
        self._mark_others(message.changes)

    # -- "edited by priya" markers -----------------------------------------------------
    # A row another user changed gets a mark in its own gutter column (never over a
    # value); who it was shows in the footer while the row is selected, and in the task
    # detail ("Saved by"). The mark goes after MARKER_SECONDS.

    def _mark_others(self, changes: list[Change]) -> None:
        others = {
            c.id: c.user
            for c in changes
            if c.entity == "task" and c.user and c.user != self.store.user
        }
        if not others:
            return
        now = clock()
        mark = EDITED_MARK_ASCII if self.ascii else EDITED_MARK
        for task_id, user in others.items():
            if self.table.get_row(task_id) is None:
                continue
            self._marks[task_id] = (user, now)
            self.table.set_marker(task_id, Text(mark))
        self._schedule_marker_expiry()
        self._show_note()

    def _schedule_marker_expiry(self) -> None:
        # One one-shot timer for the earliest expiry: nothing repaints while we wait.
        if self._marker_timer is not None or not self._marks:
            return
        first = min(when for _, when in self._marks.values())
        delay = max(0.05, first + MARKER_SECONDS - clock())
        self._marker_timer = self.set_timer(delay, self._expire_markers)

    def _expire_markers(self) -> None:
        self._marker_timer = None
        now = clock()
        for task_id in [k for k, (_, when) in self._marks.items() if when + MARKER_SECONDS <= now]:
            del self._marks[task_id]
            self.table.set_marker(task_id, None)
        self._schedule_marker_expiry()
        self._show_note()

    @on(RecordTable.RowHighlighted, "#tasks")
    def _row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
        self._show_note()

    def edited_note(self, task_id: str) -> Text | None:
        """``UT-003 edited by ann 20 s ago`` while the row of ``task_id`` is marked."""
        marked = self._marks.get(task_id)
        if marked is None:
            return None
        user, when = marked
        seconds = int(clock() - when)
        ago = "just now" if seconds < NOTE_REFRESH_SECONDS else f"{seconds} s ago"
        mark = EDITED_MARK_ASCII if self.ascii else EDITED_MARK
        return Text.assemble(
            (mark, "bold"),
            f" {display_text(task_id)} edited by ",
            (display_text(user), "bold"),
            f" {ago}",
        )

    def _show_note(self) -> None:
        """Say in the footer who changed the selected row, while its mark lasts."""
        if self._note_timer is not None:
            self._note_timer.stop()
            self._note_timer = None
        key = self.table.cursor_key
        note = None if key is None else self.edited_note(str(key))
        with contextlib.suppress(Exception):  # no footer yet (mounting) or any more
            self.query_one(KeyFooter).note = note
        if note is not None:
            # The age counts on only while it is on screen; nothing repaints otherwise.
            self._note_timer = self.set_timer(NOTE_REFRESH_SECONDS, self._show_note)

    # -- filter, sort, copy ------------------------------------------------------------

    def action_copy_id(self) -> None:
        task = self._current()
        if task is not None:
            self.app.copy_to_clipboard(display_text(task.id))
            self.notify(f"Copied {display_text(task.id)}", markup=False)

    def action_copy_row(self) -> None:
        task = self._current()
        if task is None:
            return
        # The task's columns as the domain declares them (its markdown header's order).
        cells = [cell_text(field, getattr(task, field.name)) for field in labelled(Task)]
        row = "| " + " | ".join(display_text(c).replace("|", "\\|") for c in cells) + " |"
        self.app.copy_to_clipboard(row)
        self.notify(f"Copied the row of {display_text(task.id)}", markup=False)
