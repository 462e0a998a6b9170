"""StandupView: the Stand-up screen (key ``6``). What moved since the baseline, in
collapsible sections; the walk-through, owner by owner, with quick edits and a countdown;
and, at its end, a summary and the stand-up recorded in the store.

Three states: the sections (``overview``), one owner's page (``walk``), and the end
summary (``summary``). Every store call runs in a worker and ends in a message:
``SinceRead`` (or ``ReadFailed``), ``TaskSaved``/``QuickEditFailed`` for a quick edit,
``StandupRecorded`` (or ``WriteFailed``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static

from tracker_tui.config import Settings
from tracker_tui.domain import Task, TaskGlance, TrackerError
from tracker_tui.messages import QuickEditFailed
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import reading, writing
from tracker_tui.screens._read_only import ReadOnlyActions, read_only_message
from tracker_tui.screens._writes import run_write
from tracker_tui.screens.standup_render import (
    MORE,
    Line,
    countdown_text,
    edit_line,
    escape_hint,
    overview_lines,
    owner_lines,
    summary_lines,
    top_lines,
    walk_header,
)
from tracker_tui.screens.view_screen import DataView
from tracker_tui.standup.baseline import history_time, local_zone
from tracker_tui.standup.owners import owner_page, walk_order
from tracker_tui.standup.reading import milestone_forecasts, read_since, tracker_name
from tracker_tui.standup.report import render
from tracker_tui.standup.since import SinceView
from tracker_tui.store.standups import StandupRecord
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import ascii_mode, glyphs

if TYPE_CHECKING:
    from tracker_tui.trends.forecast import Forecast

#: The clock the countdown runs on (a test holds it still).
clock = time.monotonic
#: The countdown turns warning-coloured in its last this many seconds.
WARNING_SECONDS = 30


class SinceRead(Message):
    """The Since view was read (``view``), for the baseline the screen asked for."""

    def __init__(self, view: SinceView) -> None:
        self.view = view
        super().__init__()


class ForecastsRead(Message):
    """The open milestones' forecasts were read, after the first frame."""

    def __init__(self, forecasts: tuple[Forecast, ...]) -> None:
        self.forecasts = forecasts
        super().__init__()


class QuickEditSaved(Message):
    """A quick edit made on the Stand-up screen was saved: ``task`` as saved, ``before``
    as it was (for the summary's list of edits)."""

    def __init__(self, before: Task | None, task: Task) -> None:
        self.before = before
        self.task = task
        super().__init__()


class TaskReadForForm(Message):
    """The read of the whole task ``e`` edits ended: ``task`` is None when it is gone
    (deleted meanwhile) or, with ``failed``, when the read failed (``ReadFailed`` says
    why)."""

    def __init__(self, task_id: str, task: Task | None, *, failed: bool = False) -> None:
        super().__init__()
        self.task_id = task_id
        self.task = task
        self.failed = failed


class StandupRecorded(Message):
    """The stand-up was recorded in the store."""

    def __init__(self, record: StandupRecord) -> None:
        self.record = record
        super().__init__()


class StandupView(ReadOnlyActions, DataView):
    """The Stand-up screen's content (a ``DataView`` in a ``ViewScreen``)."""

    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "pick_status": "changing the status",
        "nudge_progress": "changing the progress",
        "set_progress": "changing the progress",
        "edit_task": "editing",
        "add_activity": "adding to the activity log",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w,space", "start_walk", "Walk through", id="standup.walk"),
        Binding("space,n", "next_owner", "Next owner", id="standup.next-owner"),
        Binding("p", "previous_owner", "Previous", id="standup.previous-owner"),
        Binding("escape", "end", "End", id="standup.end"),
        Binding("s", "pick_status(1)", "Status ▶", id="standup.status-next"),
        Binding("S", "pick_status(-1)", "◀ Status", show=False, id="standup.status-previous"),
        Binding("plus", "nudge_progress('+10')", "+10%", id="standup.progress-up"),
        Binding("minus", "nudge_progress('-10')", "-10%", id="standup.progress-down"),
        Binding("percent_sign", "set_progress", "Progress…", show=False, id="standup.progress-set"),
        # Priority: run as the app reads the key, so the keys typed behind it in the
        # same burst are held for the form (a plain binding ran after they had passed).
        Binding("e", "edit_task", "Edit", show=False, priority=True, id="standup.edit"),
        Binding("a", "add_activity", "Log", show=False, id="standup.add-activity"),
        Binding("y", "copy_report", "Copy report", id="standup.copy-report"),
        Binding("j", "cursor('down')", "Down", show=False, id="standup.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="standup.up"),
    ]

    def __init__(
        self, store: Store, settings: Settings, *, since: str | None = None, id: str = "standup"
    ) -> None:
        super().__init__(id=id, classes="standup-view")
        self.store = store
        self.settings = settings
        self.since = since
        self.tz = local_zone()
        self.view: SinceView | None = None
        self.state = "overview"
        self.collapsed: set[str] = set()
        #: Sections shown whole, past ``SECTION_CAP`` (enter on their "… and N more").
        self.expanded: set[str] = set()
        self._lines: dict[str, Line] = {}
        #: The width the list's prompts were wrapped to (a resize wraps them again).
        self._filled_width = 0
        # The walk-through: its owners, where it is, when it (and this owner) began.
        self.owners: list[str] = []
        self.owner_index = 0
        self.visited: dict[str, None] = {}
        self.edits: list[str] = []
        self.walk_started: datetime | None = None
        self.walk_ended: datetime | None = None
        self._owner_started = 0.0
        self._tick: Timer | None = None
        self.recorded: StandupRecord | None = None
        #: ``w`` pressed while the history was still being read (``6 w`` typed together):
        #: the walk starts as soon as the read lands, rather than the key being lost.
        self._walk_pending = False
        #: Keys typed behind ``e`` while its task is read (None: no read under way): they
        #: belong to the form (``e`` esc must close it, not end the walk), typed again
        #: once it opens.
        self._keys_for_form: list[events.Key] | None = None

    # -- layout and reading ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="standup-head"):
            yield Static(id="standup-top", classes="standup-top")
            yield Static(id="standup-countdown", classes="standup-countdown")
        # The sections, an owner's page and the end summary are all lines of this one
        # list: the focus (and with it the screen's keys) never leaves it.
        yield OptionList(id="standup-list")

    @property
    def options(self) -> OptionList:
        return self.query_one("#standup-list", OptionList)

    def on_mount(self) -> None:
        self.query_one("#standup-countdown").display = False
        self.options.focus()
        if getattr(self.app, "first_frame_shown", False):
            # `6` on a running dashboard: the read (a big store's history) must not
            # freeze the keys; the top line says what is coming until it lands.
            reading_note = f"Reading the history{glyphs(ascii_mode(self)).ellipsis}"
            self.query_one("#standup-top", Static).update(Text(reading_note, "dim"))
            self._load()
            return
        # The first read before the first frame (as the Snapshot screen does), so that
        # ``tracker-tui standup`` opens on its content; every later one in a worker.
        try:
            view = self._read(forecasts=False)
        except TrackerError as error:
            self.query_one("#standup-top", Static).update(display_text(str(error)))
            return
        self._show(view)
        # The forecasts read the trend of every milestone: the app calls
        # after_first_frame once its first frame is on the terminal.

    def _read(self, *, forecasts: bool = True) -> SinceView:
        return read_since(
            self.store,
            self.since,
            stale_days=self.settings.stale_days,
            forecast_window_days=self.settings.forecast_window_days if forecasts else None,
            today=self.settings.current_date(self.store.clock),
            tz=self.tz,
        )

    def after_first_frame(self) -> None:
        # Not from on_mount's call_after_refresh: that ran before the frame was written,
        # and the worker (its imports, every milestone's trend) held the GIL the frame
        # needed: ~40 ms of 'tracker-tui standup' on the seed (issue 13).
        if self.view is not None and not self.view.forecasts:
            self._load_forecasts()

    @work(thread=True, exit_on_error=False, group="standup-forecasts")
    def _load_forecasts(self) -> None:
        with reading(self, "the forecasts"):
            found = milestone_forecasts(
                self.store,
                window_days=self.settings.forecast_window_days,
                today=self.settings.current_date(self.store.clock),
            )
            self.post_message(ForecastsRead(found))

    def on_forecasts_read(self, message: ForecastsRead) -> None:
        if self.view is None or self.view.forecasts:
            return  # a read since brought its own
        self.view.forecasts = message.forecasts
        if self.state == "overview":  # the walk and its summary have a top of their own
            self.query_one("#standup-top", Static).update(
                top_lines(
                    self.view, self.tz, ascii=ascii_mode(self), read_only=self.store.read_only
                )
            )

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="standup-load")
    def _load(self) -> None:
        with reading(self, "what changed since the baseline"):
            self.post_message(SinceRead(self._read()))

    def on_since_read(self, message: SinceRead) -> None:
        self._show(message.view)

    def _show(self, view: SinceView) -> None:
        self.view = view
        ascii = ascii_mode(self)
        self.query_one("#standup-top", Static).update(
            top_lines(view, self.tz, ascii=ascii, read_only=self.store.read_only)
        )
        self._show_list()
        if self._walk_pending:
            self._walk_pending = False
            self.action_start_walk()

    def _show_list(self) -> None:
        """The list as the state has it: the sections, an owner's page or the summary."""
        if self.state == "overview":
            self._show_overview()
        elif self.state == "walk":
            self._show_owner()
        else:
            self._show_summary(self._recorded_text())

    def _show_overview(self) -> None:
        if self.view is not None:
            self._fill(
                overview_lines(
                    self.view, self.collapsed, ascii=ascii_mode(self), expanded=self.expanded
                )
            )

    def _prompt_width(self) -> int:
        """The cells an option's text gets: the list's width less its scrollbar and the
        option's padding (one cell each side). Before the first layout, the screen's less
        the list's padding, as if no scrollbar showed: a stand-up's overview mostly fits,
        and a wrong guess costs a second fill when the layout comes (``on_resize``),
        which is what every first frame paid before."""
        width = self.options.scrollable_content_region.width
        return (width if width else self.app.size.width - 2) - 2

    def on_resize(self) -> None:
        if self.view is not None and self._prompt_width() != self._filled_width:
            self._refill()

    def _refill(self) -> None:
        """The list again, from the lines it shows, wrapped to the list's width now."""
        self._fill(list(self._lines.values()))

    def _fill(self, lines: list[Line]) -> None:
        """Put ``lines`` in the list, keeping the highlight on the same item."""
        options = self.options
        highlighted = options.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        # A task may be listed twice (Moved, and Blocked / At Risk): ids must be unique.
        seen: dict[str, int] = {}
        for index, line in enumerate(lines):
            count = seen[line.id] = seen.get(line.id, 0) + 1
            if count > 1:
                lines[index] = Line(f"{line.id}#{count}", line.prompt, line.task)
        self._lines = {line.id: line for line in lines}
        options.clear_options()
        width = self._prompt_width()
        self._filled_width = width
        options.add_options([line.option(width, self.app.console) for line in lines])
        ids = [line.id for line in lines]
        if keep in ids:
            options.highlighted = ids.index(keep)
        elif ids:
            # The first item rather than a section header, where there is one.
            options.highlighted = next(
                (i for i, line_id in enumerate(ids) if not line_id.startswith("section:")), 0
            )

    # -- what the keys act on ----------------------------------------------------------

    def _current_task(self) -> TaskGlance | None:
        option = self.options.highlighted_option
        line = self._lines.get(option.id or "") if option is not None else None
        return line.task if line is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.state
        if action == "start_walk":
            return state == "overview"
        if action in ("next_owner", "previous_owner"):
            return state == "walk"
        if action == "end":
            return state in ("walk", "summary")
        if action in self.READ_ONLY_ACTIONS and state == "summary":
            return False
        return super().check_action(action, parameters)

    def action_cursor(self, direction: str) -> None:
        if direction == "down":
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    @on(OptionList.OptionSelected, "#standup-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """enter: a section header folds or unfolds; a task opens its detail view."""
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("section:") and self.state == "overview":
            section = option_id.removeprefix("section:")
            self.collapsed ^= {section}
            self._show_overview()
            return
        if option_id.startswith(MORE):
            # "… and N more": the section (or the owner's tasks) whole, asked for, the
            # cursor on the first item it hid (where the "more" line was).
            at = self.options.highlighted
            self.expanded.add(option_id.removeprefix(MORE))
            self._show_list()
            self.options.highlighted = at
            return
        line = self._lines.get(option_id)
        if line is not None and line.task is not None:
            from tracker_tui.screens.task_detail import TaskDetailScreen

            self.app.push_screen(
                TaskDetailScreen(
                    self.store, line.task.id, log_completion=self.settings.complete_adds_activity
                )
            )

    # -- the walk-through --------------------------------------------------------------

    def action_start_walk(self) -> None:
        if self.view is None:
            self._walk_pending = True
            return
        self.owners = walk_order(self.view, self.settings.standup_order)
        if not self.owners:
            self.notify("Nobody to walk through: no task or open risk has an owner.")
            return
        self.state = "walk"
        self.owner_index = 0
        self.visited = {}
        self.edits = []
        self.recorded = None
        self.walk_started = self.store.clock.now()
        self.query_one("#standup-countdown").display = True
        self._start_owner()
        self._tick = self.set_interval(1.0, self._show_countdown)
        self.refresh_bindings()

    def _start_owner(self) -> None:
        self._owner_started = clock()
        self.visited[self.owners[self.owner_index]] = None
        self.options.highlighted = None
        self._show_owner()
        self.options.focus()

    def _show_owner(self) -> None:
        if self.view is None or not self.owners:
            return
        name = self.owners[self.owner_index]
        ascii = ascii_mode(self)
        self.query_one("#standup-top", Static).update(
            walk_header(self.owner_index, len(self.owners), name, ascii=ascii)
        )
        self._fill(
            owner_lines(self.view, owner_page(self.view, name), ascii=ascii, expanded=self.expanded)
        )
        self._show_countdown()

    def _show_countdown(self) -> None:
        budget = self.settings.standup_minutes_per_owner * 60
        left = budget - (clock() - self._owner_started)
        widget = self.query_one("#standup-countdown", Static)
        widget.update(countdown_text(left))
        widget.set_class(0 <= left < WARNING_SECONDS, "-warning")
        widget.set_class(left < 0, "-overdue")

    def action_next_owner(self) -> None:
        if self.owner_index + 1 < len(self.owners):
            self.owner_index += 1
            self._start_owner()
        else:
            self.notify("That was the last owner: escape ends the stand-up.")

    def action_previous_owner(self) -> None:
        if self.owner_index > 0:
            self.owner_index -= 1
            self._start_owner()

    def action_end(self) -> None:
        if self.state == "walk":
            self._end_walk()
        elif self.state == "summary":
            self.state = "overview"
            self.refresh_bindings()
            self.refresh_data()

    def _end_walk(self) -> None:
        if self._tick is not None:
            self._tick.stop()
            self._tick = None
        self.state = "summary"
        self.walk_ended = self.store.clock.now()
        self.query_one("#standup-countdown").display = False
        self._show_summary(self._recorded_text())
        if not self.store.read_only:
            run_write(self, self._record_job, self.store, list(self.visited), len(self.edits))
        self.refresh_bindings()

    def _record_job(self, store: Store, owners: list[str], edits: int) -> None:
        """Runs on the app's write queue."""
        assert self.walk_started is not None and self.walk_ended is not None
        with writing(self, "the stand-up"):
            record = store.record_standup(
                history_time(self.walk_started), history_time(self.walk_ended), owners, edits
            )
            self.post_message(StandupRecorded(record))

    def on_standup_recorded(self, message: StandupRecorded) -> None:
        self.recorded = message.record
        # "Since the last stand-up" now means this one.
        self.since = None
        if self.state == "summary":
            self._show_summary(self._recorded_text())
        else:
            # escape pressed twice: the sections may have been read before the record was
            # written (from the previous baseline); read them again, from this stand-up.
            self.refresh_data()

    def _recorded_text(self) -> str:
        if self.store.read_only:
            return "Not recorded: this store is open read-only (a presenter view)."
        if self.recorded is None:
            return "Recording the stand-up…"
        started = self.walk_started or self.store.clock.now()
        return (
            f"Recorded: run by {display_text(self.recorded.run_by)}, started "
            f"{started.astimezone(self.tz):%H:%M}; "
            '"since the last stand-up" now means this one.'
        )

    def _show_summary(self, recorded: str) -> None:
        started = self.walk_started or datetime.now(UTC)
        ended = self.walk_ended or started
        self._fill(
            summary_lines(
                length_seconds=(ended - started).total_seconds(),
                owners=list(self.visited),
                total_owners=len(self.owners),
                edits=self.edits,
                recorded=recorded,
                ascii=ascii_mode(self),
            )
        )
        self.query_one("#standup-top", Static).update(
            Text.assemble(("Stand-up done", "bold"), f" ({escape_hint(ascii_mode(self))})")
        )

    # -- quick edits (the same store calls as the Snapshot screen's) --------------------

    def _editable(self, what: str) -> TaskGlance | None:
        task = self._current_task()
        if task is None:
            return None
        if self.store.read_only:
            self.notify(read_only_message(self.store, what), severity="warning", markup=False)
            return None
        return task

    def action_pick_status(self, step: int) -> None:
        task = self._editable("changing the status")
        if task is None:
            return
        from tracker_tui.screens.status_picker import StatusPicker, binding_keys

        task_id = task.id

        def chosen(new: str | None) -> None:
            if new is not None:
                self._update_task(task_id, {"status": new})

        self.app.push_screen(
            StatusPicker(
                task_id,
                self.store.statuses("task") or [task.status],
                task.status,
                step=step,
                next_keys=binding_keys(self.screen, "standup.status-next"),
                previous_keys=binding_keys(self.screen, "standup.status-previous"),
            ),
            chosen,
        )

    def action_nudge_progress(self, delta: str) -> None:
        task = self._editable("changing the progress")
        if task is not None:
            self._update_task(task.id, {"progress": delta})

    def action_set_progress(self) -> None:
        task = self._editable("changing the progress")
        if task is None:
            return
        from tracker_tui.screens.progress_prompt import ask_progress

        ask_progress(self, task.id, task.progress, self._update_task)

    def action_edit_task(self) -> None:
        glance = self._editable("editing")
        if glance is not None and self._keys_for_form is None:
            # The view holds what the stand-up shows of each task; the form edits all of
            # it (the notes, the extra columns), so the task is read whole first.
            self._keys_for_form = []
            self._read_for_form(self.store, glance.id)

    def on_key(self, event: events.Key) -> None:
        if self._keys_for_form is not None:
            event.stop()
            event.prevent_default()  # no binding of the stand-up acts on it either
            self._keys_for_form.append(event)
            return
        super().on_key(event)

    @work(thread=True, exit_on_error=False, group="standup-form")
    def _read_for_form(self, store: Store, task_id: str) -> None:
        task: Task | None = None
        failed = True
        try:
            with reading(self, f"task {task_id}"):
                task = store.task(task_id)
                failed = False
        finally:
            self.post_message(TaskReadForForm(task_id, task, failed=failed))

    def on_task_read_for_form(self, message: TaskReadForForm) -> None:
        held, self._keys_for_form = self._keys_for_form or [], None
        if message.failed:
            return  # ReadFailed says why; the keys meant for the form go with it
        if message.task is None:
            self.notify(
                f"{display_text(message.task_id)} is gone: another user deleted it.",
                severity="warning",
                markup=False,
            )
            self.refresh_data()
            return
        from tracker_tui.screens.task_form import TaskFormScreen

        def saved(result: Task | None) -> None:
            if isinstance(result, Task):
                self._note_edit(f"{result.id} edited in the form")
                self.refresh_data()

        form = TaskFormScreen(
            self.store, message.task, log_completion=self.settings.complete_adds_activity
        )
        self.app.push_screen(form, saved)
        if held:
            # Typed again once the form is up and its first field has the focus: as if
            # they came after it opened, so esc closes it and text fills it.
            form.call_after_refresh(self._type_again, held)

    def _type_again(self, keys: list[events.Key]) -> None:
        for key in keys:
            self.app.post_message(events.Key(key.key, key.character))

    def action_add_activity(self) -> None:
        if self.store.read_only:
            self.explain_read_only("add_activity")
            return
        from tracker_tui.screens.activity_form import ActivityFormScreen

        def added(entry: Any) -> None:
            if entry is not None:
                self._note_edit(f"log: {getattr(entry, 'text', '')}")
                self.refresh_data()

        self.app.push_screen(
            ActivityFormScreen(self.store, today=self.settings.current_date(self.store.clock)),
            added,
        )

    def _update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        run_write(self, self._update_task_job, self.store, task_id, changes)

    def _update_task_job(self, store: Store, task_id: str, changes: dict[str, Any]) -> None:
        """Runs on the app's write queue."""
        with writing(self, task_id):
            try:
                before = store.task(task_id)
                task = store.update_task(
                    task_id, changes, log_completion=self.settings.complete_adds_activity
                )
            except TrackerError as err:
                self.post_message(QuickEditFailed(str(err), task_id))
                return
            self.post_message(QuickEditSaved(before, task))

    def on_quick_edit_saved(self, message: QuickEditSaved) -> None:
        self._note_edit(edit_line(message.before, message.task, ascii=ascii_mode(self)))
        self.refresh_data()

    def on_quick_edit_failed(self, message: QuickEditFailed) -> None:
        message.stop()
        self.notify(display_text(message.error), severity="error", markup=False)

    def _note_edit(self, what: str) -> None:
        if self.state == "walk":
            self.edits.append(what)

    # -- the report --------------------------------------------------------------------

    def report_text(self) -> str:
        """The stand-up report in markdown, for the baseline on screen."""
        if self.view is None:
            return ""
        return render(
            self.view,
            self.store.tracker_info().title,
            "md",
            ascii=ascii_mode(self),
            tz=self.tz,
            name=tracker_name(self.store),
        )

    @work(thread=True, exit_on_error=False, group="standup-report")
    def write_report(self, directory: Path) -> None:
        """Save the report (markdown) as ``standup-YYYY-MM-DD.md`` in ``directory``
        (``-2``, ``-3``... rather than overwrite one), atomically; the palette's "Write
        stand-up report…"."""
        from tracker_tui.export_files import write_atomically

        with writing(self, "the stand-up report", title="Not written"):
            text = self.app.call_from_thread(self.report_text)
            day = self.settings.current_date(self.store.clock).isoformat()
            path = directory / f"standup-{day}.md"
            number = 2
            while path.exists():
                path = directory / f"standup-{day}-{number}.md"
                number += 1
            written = write_atomically(path, text)
            self.app.call_from_thread(
                self.notify, f"Wrote the stand-up report to {written}", markup=False
            )

    def action_copy_report(self) -> None:
        """Copy the report (markdown) to the clipboard: OSC 52, so it works over SSH."""
        text = self.report_text()
        if text:
            self.app.copy_to_clipboard(text)
            self.notify(f"Copied the stand-up report ({len(text.splitlines())} lines)")
