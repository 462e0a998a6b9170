"""Messages the dashboard's screens and workers post: past tense, plain domain values.

Workers post these from threads (``post_message`` is thread-safe); handlers on the UI
thread update widgets in place.
"""

from __future__ import annotations

from textual.message import Message

from tracker_tui.domain import Change, Summary, Task, TrackerInfo


class StoreChanged(Message, bubble=False):
    """Somebody (maybe another user, maybe us) committed ``changes`` to the store.

    The app's live-refresh poller posts it to itself, and the app hands a copy to the
    base screen of every mode (it does not bubble, so it cannot come back round);
    ``revision`` is the store revision the changes bring us to. ``full`` says there were
    too many changes to list (the store returned its limit): read everything again.
    """

    def __init__(self, changes: list[Change], revision: int, *, full: bool = False) -> None:
        self.changes = changes
        self.revision = revision
        self.full = full
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


class TasksRead(Message):
    """Tasks were read again after a change.

    ``tasks`` are the rows as they are now; ``removed`` the IDs that no longer exist;
    ``full`` says ``tasks`` is every task in document order (rows were added or
    re-ordered), so the table is rebuilt rather than patched in place.
    """

    def __init__(
        self,
        tasks: list[Task],
        summary: Summary,
        info: TrackerInfo,
        *,
        removed: list[str] | None = None,
        full: bool = False,
        changes: list[Change] | None = None,
    ) -> None:
        self.tasks = tasks
        self.summary = summary
        self.info = info
        self.removed = removed or []
        self.full = full
        self.changes = changes or []
        super().__init__()


class WriteFailed(Message):
    """A store write was refused; ``error`` is the one-line message for the user."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class RefreshFailed(Message, bubble=False):
    """Live refresh failed ``count`` times in a row; ``error`` is the last reason."""

    def __init__(self, error: str, count: int) -> None:
        self.error = error
        self.count = count
        super().__init__()


class RefreshRecovered(Message, bubble=False):
    """Live refresh works again after failing."""


class DocumentExported(Message):
    """The tracker was written to ``path`` as markdown."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()
