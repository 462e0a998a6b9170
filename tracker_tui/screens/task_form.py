"""TaskFormScreen: add or edit one task in a modal form.

Fields are validated as the user types (the error sits under its field); nothing is saved
until every field is valid. Saving sends only the changed fields with the values the form
was opened on, so the store merges them with someone else's edit of other fields, and
only a field both changed surfaces as a conflict dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult

from tracker_tui import rules
from tracker_tui.domain import DEFAULT_TASK_STATUSES, Task, ValidationError
from tracker_tui.screens._form import (
    ChoiceSelect,
    DateValidator,
    GuardedInput,
    GuardedTextArea,
    ProgressValidator,
    Required,
    field,
)
from tracker_tui.screens._identified_form import IdentifiedForm
from tracker_tui.store.store import Store


class TaskFormScreen(IdentifiedForm[Task | None]):
    """Edit ``task``, or add a new task when it is None. Dismisses with the saved task,
    or None when nothing was saved (cancelled, nothing changed, or "keep theirs")."""

    KIND: ClassVar[str] = "task"

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

    def __init__(
        self,
        store: Store,
        task: Task | None,
        proposed_id: str | None = None,
        *,
        log_completion: bool = True,
    ) -> None:
        # Not ``self.task``: that name is Textual's (the screen's asyncio task).
        self.editing = task
        #: Settings.complete_adds_activity: a task made Complete here is logged.
        self.log_completion = log_completion
        super().__init__(store, task, proposed_id)

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
            yield self.id_field()
        yield field("Title", "title", GuardedInput(task.title, validators=[Required("Title")]))
        yield field("Milestone", "milestone", GuardedInput(task.milestone))
        yield field("Owner", "owner", GuardedInput(task.owner))
        statuses = [*DEFAULT_TASK_STATUSES, task.status]
        yield field("Status", "status", ChoiceSelect(statuses, value=task.status))
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

    def read_records(self) -> list[Task]:
        return self.store.tasks()

    def offer_record_choices(self, records: list[Task]) -> None:
        self.suggest("milestone", (task.milestone for task in records))

    def extra_errors(self) -> dict[str, str]:
        notes = self.form_values().get("notes", "")
        try:
            rules.limit_text(notes, field="Notes", max_length=rules.max_length("notes"))
        except ValidationError as error:
            return {"notes": str(error)}
        return {}

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
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
        log_completion = self.log_completion
        return lambda: store.merge_task(task_id, values, base=base, log_completion=log_completion)
