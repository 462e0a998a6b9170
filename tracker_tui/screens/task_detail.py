"""TaskDetailScreen: one task in full.

Every field, the notes wrapped in full, who changed what and when (``store.history``),
and the activity entries, risks and checkpoints that mention the task's ID
(``store.mentions``). ``e`` edits the task; ``escape`` closes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, OverflowMethod, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from tracker_tui.domain import ActivityEntry, Change, Checkpoint, Risk, Task
from tracker_tui.messages import StoreChanged
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._failures import reading
from tracker_tui.screens._read_only import ReadOnlyActions
from tracker_tui.screens.task_form import TaskFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import ascii_mode, glyphs
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.progress import progress_cell, status_style


@dataclass(frozen=True, slots=True)
class TaskDetails:
    """What the screen shows, read together in one worker."""

    task: Task | None
    history: list[Change]
    activity: list[ActivityEntry]
    risks: list[Risk]
    checkpoints: list[Checkpoint]


class TaskDetailsRead(Message, bubble=False):
    """The task, its history and its mentions were read."""

    def __init__(self, details: TaskDetails) -> None:
        self.details = details
        super().__init__()


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


def fields_renderable(task: Task, *, ascii: bool = False) -> Table:
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column(style="bold", no_wrap=True, width=12, overflow="crop" if ascii else "ellipsis")
    table.add_column(ratio=1)
    status = Text(display_text(task.status), style=status_style(task.status))
    if task.status_text and task.status_text != task.status:
        mark = glyphs(ascii)
        written = f"{mark.open_quote}{display_text(task.status_text)}{mark.close_quote}"
        status.append(f"  (written {written})", style="dim")
    rows: list[tuple[str, RenderableType]] = [
        ("ID", Text(display_text(task.id))),
        ("Title", Text(clean_text(task.title, multiline=True))),
        ("Milestone", Text(display_text(task.milestone) or "-")),
        ("Owner", Text(display_text(task.owner) or "-")),
        ("Status", status),
        ("Progress", progress_cell(task.progress, 24, ascii=ascii)),
        ("Last Update", Text(task.last_update.isoformat() if task.last_update else "-")),
    ]
    # Extra columns of the imported table; keys starting with "_" are the store's own
    # (format hints for the export), not the user's.
    rows += [
        (display_text(name), Text(display_text(value)))
        for name, value in task.extra.items()
        if not name.startswith("_")
    ]
    if task.updated_by:
        rows.append(
            ("Saved by", Text(f"{display_text(task.updated_by)}, {_when(task.updated_at)}"))
        )
    for label, value in rows:
        # A str cell is read as markup, and an extra column's name is user text.
        table.add_row(Text(label), value)
    return table


def _when(timestamp: str) -> str:
    """``2024-06-02T14:54:20+00:00`` → ``2024-06-02 14:54 UTC``."""
    if "T" not in timestamp:
        return display_text(timestamp)
    day, _, time = timestamp.partition("T")
    return f"{display_text(day)} {display_text(time[:5])} UTC"


def _value(value: str | None) -> Text:
    if value is None or value == "":
        return Text("(empty)", style="dim")
    return Text(clean_text(value, multiline=True))


def history_renderable(history: list[Change], *, ascii: bool = False) -> RenderableType:
    if not history:
        return Text("No changes recorded since the task was imported.", style="dim")
    table = Table(box=None, expand=True, padding=(0, 1), show_header=True)
    overflow: OverflowMethod = "crop" if ascii else "ellipsis"
    table.add_column("When", no_wrap=True, style="dim", overflow=overflow)
    table.add_column("Who", no_wrap=True, overflow=overflow)
    table.add_column("Field", no_wrap=True, style="bold", overflow=overflow)
    table.add_column("Change", ratio=1)
    for change in history:
        if change.field == "*":
            what = Text("created" if change.old is None else "deleted", style="italic")
            if change.new:
                try:
                    title = json.loads(change.new).get("title", "")
                except (ValueError, AttributeError):
                    title = ""
                if title:
                    what.append(f": {display_text(str(title))}")
        else:
            what = Text.assemble(_value(change.old), glyphs(ascii).arrow, _value(change.new))
        table.add_row(
            Text(_when(change.at)),
            Text(display_text(change.user)),
            Text(display_text(change.field.replace("_", " ")) if change.field != "*" else ""),
            what,
        )
    return table


def mentions_renderable(details: TaskDetails, *, ascii: bool = False) -> RenderableType:
    if not (details.activity or details.risks or details.checkpoints):
        return Text("Nothing else mentions this task.", style="dim")
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
    overflow: OverflowMethod = "crop" if ascii else "ellipsis"
    table.add_column(no_wrap=True, style="bold", overflow=overflow)
    table.add_column(no_wrap=True, overflow=overflow)
    table.add_column(ratio=1)
    for risk in details.risks:
        table.add_row(
            Text("Risk"),
            Text(display_text(risk.id) + " ", style=status_style(risk.status)),
            Text(clean_text(risk.description, multiline=True)),
        )
    for checkpoint in details.checkpoints:
        table.add_row(
            Text("Checkpoint"),
            Text(display_text(checkpoint.when)),
            Text(clean_text(checkpoint.text, multiline=True)),
        )
    for entry in details.activity:
        table.add_row(
            Text("Activity"),
            Text(display_text(entry.date)),
            Text(clean_text(entry.text, multiline=True)),
        )
    return table


class TaskDetailScreen(ReadOnlyActions, Screen[None]):
    """One task in full; ``escape`` closes, ``e`` edits."""

    #: On a read-only store ``e`` shows dimmed in the footer and says why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {"edit": "editing"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="detail.close"),
        Binding("e", "edit", "Edit", id="detail.edit"),
    ]

    def __init__(self, store: Store, task_id: str, *, log_completion: bool = True) -> None:
        super().__init__(classes="task-detail")
        self.store = store
        self.task_id = task_id
        #: Settings.complete_adds_activity, for the edit form.
        self.log_completion = log_completion
        self.details: TaskDetails | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Static(
                Text(f"Task {display_text(self.task_id)}", style="bold"), id="detail-title"
            )
            reading = f"Reading{glyphs(ascii_mode(self)).ellipsis}"
            yield Static(Text(reading, style="dim"), id="detail-fields")
            yield Static(_heading("Notes"), classes="detail-heading")
            yield Static(id="detail-notes")
            yield Static(_heading("History"), classes="detail-heading")
            yield Static(id="detail-history")
            yield Static(_heading("Mentioned in"), classes="detail-heading")
            yield Static(id="detail-mentions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the task, its history and its mentions again, off the UI thread."""
        self._load()

    def on_store_changed(self, message: StoreChanged) -> None:
        if self.task_id in message.task_ids or any(c.entity != "task" for c in message.changes):
            self.refresh_data()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail-load")
    def _load(self) -> None:
        with reading(self, f"task {display_text(self.task_id)}"):
            task = self.store.task(self.task_id)
            history = self.store.history(self.task_id, limit=200)
            activity, risks, checkpoints = self.store.mentions(self.task_id)
            details = TaskDetails(task, history, activity, risks, checkpoints)
            self.post_message(TaskDetailsRead(details))

    def on_task_details_read(self, message: TaskDetailsRead) -> None:
        self._show(message.details)

    def _show(self, details: TaskDetails) -> None:
        self.details = details
        task = details.task
        if task is None:
            self.query_one("#detail-fields", Static).update(
                Text(f"There is no task {display_text(self.task_id)} (deleted?).", style="bold")
            )
            return
        title = Text.assemble(
            (display_text(task.id), "bold"), "  ", (clean_text(task.title), "bold")
        )
        self.query_one("#detail-title", Static).update(title)
        ascii = ascii_mode(self)
        self.query_one("#detail-fields", Static).update(fields_renderable(task, ascii=ascii))
        notes = clean_text(task.notes, multiline=True)
        self.query_one("#detail-notes", Static).update(
            Text(notes) if notes else Text("No notes.", style="dim")
        )
        self.query_one("#detail-history", Static).update(
            history_renderable(details.history, ascii=ascii)
        )
        self.query_one("#detail-mentions", Static).update(
            Group(mentions_renderable(details, ascii=ascii))
        )

    def action_close(self) -> None:
        """Back to where the task was opened from."""
        self.dismiss(None)

    def action_edit(self) -> None:
        """Edit this task in a form."""
        if self.details is not None and self.details.task is not None:
            self.app.push_screen(
                TaskFormScreen(self.store, self.details.task, log_completion=self.log_completion),
                lambda _: self.refresh_data(),
            )
