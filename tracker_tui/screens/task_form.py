"""TaskFormScreen: add or edit one task in a modal form.

Fields are validated as the user types (the error sits under its field); nothing is saved
until every field is valid. Saving sends only the changed fields with the version the form
was opened on, so a concurrent edit by someone else surfaces as a conflict dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select

from tracker_tui import rules
from tracker_tui.domain import DEFAULT_TASK_STATUSES, Task, ValidationError
from tracker_tui.screens._form import (
    DateValidator,
    EditForm,
    GuardedInput,
    GuardedTextArea,
    NewIdValidator,
    ProgressValidator,
    Required,
    choices,
    field,
)
from tracker_tui.store.store import Store


class TaskFormScreen(EditForm[Task | None]):
    """Edit ``task``, or add a new task when it is None. Dismisses with the saved task,
    or None when nothing was saved (cancelled, nothing changed, or "keep theirs")."""

    FIELDS: ClassVar[dict[str, str]] = {
        "id": "ID",
        "title": "Title",
        "milestone": "Milestone",
        "owner": "Owner",
        "status": "Status",
        "progress": "Progress",
        "last_update": "Last Update",
        "notes": "Notes",
    }

    def __init__(self, store: Store, task: Task | None, proposed_id: str | None = None) -> None:
        self.store = store
        # Not ``self.task``: that name is Textual's (the screen's asyncio task).
        self.editing = task
        self.proposed_id = proposed_id or ""
        self._taken: set[str] = set()
        super().__init__(task)

    def form_title(self) -> str:
        return f"Edit task {self.editing.id}" if self.editing is not None else "New task"

    def entity_values(self, entity: Any) -> dict[str, str]:
        task: Task = entity
        return {
            "title": task.title,
            "milestone": task.milestone,
            "owner": task.owner,
            "status": task.status,
            "progress": str(task.progress),
            "last_update": task.last_update.isoformat() if task.last_update else "",
            "notes": task.notes,
        }

    def compose_fields(self) -> ComposeResult:
        task = self.editing or Task(id="", title="")
        if self.editing is None:
            yield field(
                "ID",
                "id",
                GuardedInput(self.proposed_id, validators=[NewIdValidator(self._taken)]),
            )
        yield field("Title", "title", GuardedInput(task.title, validators=[Required("Title")]))
        yield field("Milestone", "milestone", GuardedInput(task.milestone))
        yield field("Owner", "owner", GuardedInput(task.owner))
        statuses = [*DEFAULT_TASK_STATUSES, task.status]
        yield field(
            "Status", "status", Select(choices(statuses), value=task.status, allow_blank=False)
        )
        yield field(
            "Progress %",
            "progress",
            GuardedInput(
                str(task.progress), limit=8, placeholder="0-100", validators=[ProgressValidator()]
            ),
        )
        last_update = task.last_update.isoformat() if task.last_update else ""
        yield field(
            "Last update",
            "last_update",
            GuardedInput(
                last_update,
                limit=20,
                placeholder="YYYY-MM-DD or empty",
                validators=[DateValidator("Last Update")],
            ),
        )
        yield field("Notes", "notes", GuardedTextArea(task.notes))

    def on_mount(self) -> None:
        super().on_mount()
        self._load_choices()

    @work(thread=True, exit_on_error=False, group="form-load")
    def _load_choices(self) -> None:
        # Reading every task can take a moment on a big store: off the UI thread.
        tasks = self.store.tasks()
        statuses = self.store.statuses("task")
        next_id = (
            self.store.next_id("task") if self.editing is None and not self.proposed_id else ""
        )
        self.app.call_from_thread(self._apply_choices, tasks, statuses, next_id)

    def _apply_choices(self, tasks: list[Task], statuses: list[str], next_id: str) -> None:
        self._taken.update(task.id.casefold() for task in tasks)
        milestones = sorted({task.milestone for task in tasks if task.milestone})
        owners = sorted({task.owner for task in tasks if task.owner})
        self.query_one("#in-milestone", Input).suggester = SuggestFromList(
            milestones, case_sensitive=False
        )
        self.query_one("#in-owner", Input).suggester = SuggestFromList(owners, case_sensitive=False)
        select = self.query_one("#in-status", Select)
        current = str(select.value)
        select.set_options(choices([*statuses, current]))
        select.value = current
        if self.editing is None:
            id_input = self.query_one("#in-id", Input)
            if next_id and not id_input.value:
                id_input.value = next_id
                self._loaded["id"] = next_id
            elif id_input.value:
                # Re-check the proposed ID now that the taken IDs are known.
                self._show_field_error("id", id_input.validate(id_input.value), id_input.value)

    def extra_errors(self) -> dict[str, str]:
        notes = self.form_values().get("notes", "")
        try:
            rules.limit_text(notes, field="Notes", max_length=rules.max_length("notes"))
        except ValidationError as error:
            return {"notes": str(error)}
        return {}

    def save_operation(self, changes: dict[str, str], version: int | None) -> Callable[[], Any]:
        values: dict[str, Any] = dict(changes)
        if "progress" in values:
            values["progress"] = rules.parse_progress(values["progress"])
        if "last_update" in values:
            values["last_update"] = rules.parse_date(values["last_update"], field="last_update")
        store = self.store
        if self.editing is None:
            # A taken ID (whatever its case) is the store's to refuse: its error is shown
            # beside the ID field.
            return lambda: store.create_task(values)
        task_id = self.editing.id
        # A task made Complete here gets its "UT-004 completed." entry in the same
        # transaction, so one undo takes back both.
        settings = getattr(self.app, "settings", None)
        log_completion = bool(getattr(settings, "complete_adds_activity", True))
        return lambda: store.update_task(
            task_id, values, expected_version=version, log_completion=log_completion
        )
