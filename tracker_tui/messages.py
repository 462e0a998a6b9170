"""Messages the dashboard's screens and workers post: past tense, plain domain values.

Workers post these from threads (``post_message`` is thread-safe); handlers on the UI
thread update widgets in place.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.message import Message

from tracker_tui.domain import (
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    Decision,
    Metric,
    Risk,
    Summary,
    Task,
    TrackerError,
    TrackerInfo,
)


class StoreChanged(Message, bubble=False):
    """Somebody (maybe another user, maybe us) committed ``changes`` to the store.

    The app's live-refresh poller posts it to itself, and the app hands a copy to the
    base screen of every mode (it does not bubble, so it cannot come back round);
    ``revision`` is the store revision the changes bring us to. ``full`` says there were
    too many changes to list (the store returned its limit): read everything again.
    ``source``: the store (the tracker) they were read from; the app drops them when it
    has opened another tracker since.
    """

    def __init__(
        self, changes: list[Change], revision: int, *, full: bool = False, source: object = None
    ) -> None:
        self.changes = changes
        self.revision = revision
        self.full = full
        self.source = source
        super().__init__()

    @property
    def task_ids(self) -> list[str]:
        """IDs of tasks touched by the changes, without duplicates, in order."""
        return list(dict.fromkeys(c.id for c in self.changes if c.entity == "task"))


class TaskSaved(Message):
    """A task was written; ``task`` is the row as saved, ``summary`` the new totals.

    ``source``: the store it was written to; a screen that shows another tracker since
    (the Snapshot screen is reused on a switch) drops it.
    """

    def __init__(
        self, task: Task, summary: Summary | None = None, *, source: object = None
    ) -> None:
        self.task = task
        self.summary = summary
        self.source = source
        super().__init__()


class TasksRead(Message):
    """Tasks were read again after a change.

    ``tasks`` are the rows as they are now; ``removed`` the IDs that no longer exist;
    ``full`` says ``tasks`` is every task in document order (rows were added or
    re-ordered), so the table is rebuilt rather than patched in place. ``source``: the
    store they were read from; a screen that shows another tracker since drops them (the
    same task ID in another tracker is another task).
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
        source: object = None,
    ) -> None:
        self.source = source
        #: The tracker's statuses as read with them (None: not read).
        self.statuses: list[str] | None = None
        self.tasks = tasks
        self.summary = summary
        self.info = info
        self.removed = removed or []
        self.full = full
        self.changes = changes or []
        super().__init__()


class StoreCallFailed(Message):
    """A store call made for the UI failed (the base of ``ReadFailed``/``WriteFailed``).

    ``what`` names the call for the user ("the risk register", "UT-003"), ``exception``
    is what was raised, and ``title`` a heading for the notification ("Not deleted").
    They bubble up to the app, whose one handler (``screens/_failures.py``) shows each as
    one line and logs it.
    """

    def __init__(self, what: str, exception: BaseException, *, title: str = "") -> None:
        self.what = what
        self.exception = exception
        self.title = title
        super().__init__()

    @property
    def expected(self) -> bool:
        """A refusal the store explains in its own words (locked, read-only, changed by
        someone else...), as opposed to a bug."""
        return isinstance(self.exception, TrackerError)

    @property
    def error(self) -> str:
        """The store's one-line reason (or the exception's type and text for a bug)."""
        if self.expected:
            return str(self.exception)
        return f"{type(self.exception).__name__}: {self.exception}"


class ReadFailed(StoreCallFailed):
    """Reading ``what`` from the store failed."""


class WriteFailed(StoreCallFailed):
    """Writing ``what`` to the store was refused or failed."""


class RisksRead(Message, bubble=False):
    """The risk register was read: the risks in order, and the statuses a risk can have."""

    def __init__(self, risks: list[Risk], statuses: list[str]) -> None:
        self.risks = risks
        self.statuses = statuses
        super().__init__()


class RiskSaved(Message, bubble=False):
    """A risk was written (a quick status change); ``risk`` is the row as saved."""

    def __init__(self, risk: Risk) -> None:
        self.risk = risk
        super().__init__()


class RecordDeleted(Message, bubble=False):
    """A register's record (risk, decision, activity entry) was deleted; ``key`` is its
    key in the register's table."""

    def __init__(self, key: Hashable) -> None:
        self.key = key
        super().__init__()


class DecisionsRead(Message, bubble=False):
    """The decision log was read."""

    def __init__(self, decisions: list[Decision]) -> None:
        self.decisions = decisions
        super().__init__()


class ActivityPageRead(Message, bubble=False):
    """A page of the activity log was read: ``entries`` from ``offset``, of ``total``."""

    def __init__(self, offset: int, total: int, entries: list[ActivityEntry]) -> None:
        self.offset = offset
        self.total = total
        self.entries = entries
        super().__init__()


class PlanRead(Message, bubble=False):
    """The checkpoints, the communication cadence and the metrics were read."""

    def __init__(
        self,
        checkpoints: list[Checkpoint],
        cadence: list[CadenceItem],
        metrics: list[Metric],
        recent_values: dict[int, list[float]] | None = None,
    ) -> None:
        self.checkpoints = checkpoints
        self.cadence = cadence
        self.metrics = metrics
        #: metric key -> its values over the last weeks, one a day (the sparklines).
        self.recent_values = recent_values or {}
        super().__init__()


class RefreshFailed(Message, bubble=False):
    """Live refresh failed ``count`` times in a row; ``error`` is the last reason."""

    def __init__(self, error: str, count: int) -> None:
        self.error = error
        self.count = count
        super().__init__()


class RefreshRecovered(Message, bubble=False):
    """Live refresh works again after failing."""


class ChangeAnnounced(Message, bubble=False):
    """The store announced a commit (PostgreSQL's NOTIFY): live refresh checks now."""


class StoreUnreachable(Message, bubble=False):
    """The store's server cannot be reached (``error`` says why); live refresh keeps
    trying. Posted once, on the first check that found it away."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class StoreReachable(Message, bubble=False):
    """The store's server answers again, after a ``StoreUnreachable``; what changed
    meanwhile has been read (a ``StoreChanged`` was posted before this)."""


class DocumentExported(Message):
    """The tracker was written to ``path`` as markdown."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__()


class QuickEditFailed(Message):
    """A quick edit of ``task_id`` was refused; ``error`` says why, in one line.

    Not a ``WriteFailed``: the Snapshot screen shows it on the row, and it must not reach
    the app's handler for failures that have no better place to be shown.
    """

    def __init__(self, error: str, task_id: str, *, source: object = None) -> None:
        self.error = error
        self.task_id = task_id
        #: The store the edit was for (the screen may show another tracker since).
        self.source = source
        super().__init__()
