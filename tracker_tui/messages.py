"""Messages the dashboard's screens and workers post: past tense, plain domain values.

Workers post these from threads (``post_message`` is thread-safe); handlers on the UI
thread update widgets in place.
"""

from __future__ import annotations

from textual.message import Message

from tracker_tui.domain import Change, Summary, Task


class StoreChanged(Message):
    """Somebody (maybe another user, maybe us) committed ``changes`` to the store.

    Posted by the app's live-refresh poller to the active screen, and forwarded to screens
    that are shown later; ``revision`` is the store revision the changes bring us to.
    """

    def __init__(self, changes: list[Change], revision: int) -> None:
        self.changes = changes
        self.revision = revision
        super().__init__()

    @property
    def task_ids(self) -> list[str]:
        """IDs of tasks touched by the changes, without duplicates, in order."""
        return list(dict.fromkeys(c.id for c in self.changes if c.entity == "task"))


class TaskSaved(Message):
    """A task was written; ``task`` is the row as saved, ``summary`` the new totals."""

    def __init__(self, task: Task, summary: Summary | None = None) -> None:
        self.task = task
        self.summary = summary
        super().__init__()


class TaskDeleted(Message):
    """A task was deleted."""

    def __init__(self, task_id: str, summary: Summary | None = None) -> None:
        self.task_id = task_id
        self.summary = summary
        super().__init__()


class TasksReloaded(Message):
    """Every task was read again (after undo/redo, an import, or a large change)."""

    def __init__(self, tasks: list[Task], summary: Summary) -> None:
        self.tasks = tasks
        self.summary = summary
        super().__init__()


class WriteFailed(Message):
    """A store write was refused; ``error`` is the one-line message for the user."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class DocumentExported(Message):
    """The tracker was written to ``path`` as markdown."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()
