"""The tracker's domain: plain, frozen values that every layer shares.

Nothing here imports Textual, SQLAlchemy or SQLModel. The store converts its rows into
these values at its edge, the markdown importer produces them and the exporter consumes
them, and the UI only ever sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Generic, Literal, NamedTuple, Protocol, TypeVar

from tracker_tui.fields import spec

#: The kinds of entity the store holds, as named in the history and in the JSON export.
EntityKind = Literal[
    "tracker", "task", "activity", "checkpoint", "risk", "decision", "cadence", "metric"
]

DEFAULT_TASK_STATUSES: tuple[str, ...] = (
    "Not Started",
    "In Progress",
    "Blocked",
    "At Risk",
    "On Hold",
    "Complete",
)
DEFAULT_RISK_STATUSES: tuple[str, ...] = ("Open", "Monitoring", "Mitigated", "Resolved", "Closed")
DEFAULT_IMPACTS: tuple[str, ...] = ("Low", "Medium", "High", "Critical")

#: Risk statuses (case-insensitive) that no longer count as open, wherever risks are counted.
CLOSED_RISK_STATUSES: frozenset[str] = frozenset({"resolved", "closed", "mitigated", "done"})


def is_open_risk_status(status: str) -> bool:
    """Whether a risk with this status still counts as open."""
    return status.strip().casefold() not in CLOSED_RISK_STATUSES


COMPLETE = "Complete"
IN_PROGRESS = "In Progress"
NOT_STARTED = "Not Started"


class Clock(Protocol):
    """Where the store, the UI and the CLI get the time: one clock per opened store
    (``Store.open(clock=...)``, ``store.clock``), so that a test freezes all of them at
    once, without patching modules."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (history timestamps are UTC)."""
        ...

    def today(self) -> date:
        """The local date: what Last Update and a new activity entry are dated."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return date.today()


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock that stands still (tests, demos): ``now`` always ``at``, ``today`` its
    date unless given."""

    at: datetime
    day: date | None = None

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.day or self.at.date()


def timestamp(clock: Clock) -> str:
    """``clock``'s now as the store writes it: ISO 8601 in UTC, to the second."""
    return clock.now().astimezone(UTC).isoformat(timespec="seconds")


class TrackerError(Exception):
    """An error a user can act on. Its message is one line, shown as is.

    The CLI prints it to stderr and exits 1; the UI shows it in a notification.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class ValidationError(TrackerError):
    """A value the store cannot accept. ``field`` names the field, for forms."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class NotFoundError(TrackerError):
    """No entity with the given ID."""


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """One field that the caller and someone else both changed, to different values.

    Values are as the store keeps them, as text ("" for none): ``mine`` what the caller's
    edit would leave there, ``theirs`` what the store holds now, set by ``who``.
    """

    field: str
    mine: str
    theirs: str
    who: str


@dataclass(frozen=True, slots=True)
class MergedField:
    """A field someone else (``who``) changed since the caller read the row, which the
    caller's edit left alone: it keeps their ``value``."""

    field: str
    value: str
    who: str


class ConflictError(TrackerError):
    """A row changed since the caller read it (optimistic concurrency).

    ``current`` is the row as it is now in the store (a domain value, or None). ``entity``
    and ``id`` name the row (``"task"``, ``"UT-004"``), and ``fields`` lists the fields in
    conflict, each with both values and who set theirs: empty when the store could not
    tell which fields (a version check alone, a row deleted or recreated). Callers read
    these, never the message, which is for people.
    """

    def __init__(
        self,
        message: str,
        *,
        current: object,
        entity: str = "",
        id: str = "",
        fields: tuple[FieldConflict, ...] = (),
    ) -> None:
        self.current = current
        self.entity = entity
        self.id = id
        self.fields = fields
        super().__init__(message)

    @property
    def who(self) -> str:
        """Who made the change in the way ("" when unknown): the first conflicting
        field's author, else the row's last editor."""
        if self.fields:
            return self.fields[0].who
        return str(getattr(self.current, "updated_by", "") or "")


class NothingToReplayError(TrackerError):
    """An undo (or redo) found none of this user's changes left to undo (or redo)."""


class StoreLockedError(TrackerError):
    """The store stayed locked by another process beyond the retry budget."""


class ReadOnlyError(TrackerError):
    """An edit was attempted on a store opened read-only."""


class UnreachableError(TrackerError):
    """The store's database server cannot be reached now (refused, gone, restarting):
    nothing was done, and the same call may work once the server is back."""


@dataclass(frozen=True, slots=True)
class TrackerInfo:
    """The tracker's title and snapshot date."""

    title: str
    snapshot_date: date | None


@dataclass(frozen=True, slots=True)
class Task:
    """A row of the Snapshot table.

    Each field declares itself once (``spec``): the store's columns, the history's
    diff, the fields users may set, the export's keys and the default markdown header
    all follow from these lines (see ``tracker_tui.fields``).
    """

    id: str = field(metadata=spec("Task ID", "id", max_length=40))
    title: str = field(metadata=spec("Title"))
    milestone: str = field(default="", metadata=spec("Milestone"))
    owner: str = field(default="", metadata=spec("Owner"))
    status: str = field(default="Not Started", metadata=spec("Status", "status"))
    #: The status exactly as the imported document spelt it (``✅ Done``), kept for export
    #: until someone changes the status; empty when it equals ``status``.
    status_text: str = field(default="", metadata=spec(derived=True))
    progress: int = field(default=0, metadata=spec("Progress", "progress"))
    last_update: date | None = field(
        default=None, metadata=spec("Last Update", "date", derived=True, stamped=True)
    )
    notes: str = field(default="", metadata=spec("Notes", "multiline", max_length=10_000))
    extra: dict[str, str] = field(default_factory=dict, metadata=spec(kind="extra"))
    version: int = field(default=1, metadata=spec(kind="version"))
    updated_by: str = field(default="", metadata=spec(kind="stamp"))
    updated_at: str = field(default="", metadata=spec(kind="stamp"))  # ISO 8601, UTC


class TaskGlance(NamedTuple):
    """A task as the stand-up reads it: the fields of ``Task`` it shows (the same names
    and types, checked by a test), without the notes, the extra columns and the stamps.

    A plain tuple, not a ``Task``: the Since view reads every task of the tracker, and
    10,000 of these come from the store in a fifth of the time 10,000 frozen ``Task``
    values take (issue 13). What edits a task reads the whole ``Task`` by its ID.
    """

    id: str
    title: str
    milestone: str
    owner: str
    status: str
    progress: int
    last_update: date | None
    version: int


@dataclass(frozen=True, slots=True)
class Risk:
    """A row of the Issues & Risks register."""

    id: str = field(metadata=spec("ID", "id", max_length=40))
    description: str = field(metadata=spec("Description", "multiline", max_length=5_000))
    impact: str = field(default="", metadata=spec("Impact"))
    mitigation: str = field(default="", metadata=spec("Mitigation", "multiline", max_length=5_000))
    owner: str = field(default="", metadata=spec("Owner"))
    status: str = field(default="Open", metadata=spec("Status", "status"))
    status_text: str = field(default="", metadata=spec(derived=True))
    extra: dict[str, str] = field(default_factory=dict, metadata=spec(kind="extra"))
    version: int = field(default=1, metadata=spec(kind="version"))
    updated_by: str = field(default="", metadata=spec(kind="stamp"))
    updated_at: str = field(default="", metadata=spec(kind="stamp"))


@dataclass(frozen=True, slots=True)
class Decision:
    """A row of the Decision Log."""

    #: Store-assigned key; decisions have no ID of their own in the format.
    key: int | None = field(metadata=spec(kind="key"))
    date: str = field(metadata=spec("Date"))
    decision: str = field(metadata=spec("Decision"))
    rationale: str = field(default="", metadata=spec("Rationale", "multiline"))
    owner: str = field(default="", metadata=spec("Owner"))
    extra: dict[str, str] = field(default_factory=dict, metadata=spec(kind="extra"))
    version: int = field(default=1, metadata=spec(kind="version"))


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """An entry of the Activity Log."""

    key: int | None = field(metadata=spec(kind="key"))
    # Usually YYYY-MM-DD; kept as text because real logs are not always ISO.
    date: str = field(metadata=spec("Date"))
    text: str = field(metadata=spec("Text", max_length=5_000))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """An upcoming checkpoint."""

    key: int | None = field(metadata=spec(kind="key"))
    when: str = field(metadata=spec("When"))  # "Week 6 Tuesday", "2024-06-10", ...
    text: str = field(metadata=spec("Text", max_length=5_000))
    #: The real date beside the words (YYYY-MM-DD), empty when unknown: "Week 6 Tuesday"
    #: stays as written, and this is what countdowns and charts read
    #: (``rules.checkpoint_date``). Text like Decision.date; an edit must give a date.
    date: str = field(default="", metadata=spec("Date", max_length=40))


@dataclass(frozen=True, slots=True)
class CadenceItem:
    """A line of the Communication Cadence Summary."""

    key: int | None = field(metadata=spec(kind="key"))
    label: str = field(metadata=spec("Label"))  # "Daily", "Weekly", ...
    text: str = field(metadata=spec("Text", max_length=5_000))


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric to monitor; once measured, its latest value, unit and target.

    ``value`` and ``target`` are numbers kept as the text they were given (``97.5``),
    empty until set; their history is the metric's series (``tracker_tui.trends``).
    """

    key: int | None = field(metadata=spec(kind="key"))
    text: str = field(metadata=spec("Text", max_length=5_000))
    value: str = field(default="", metadata=spec("Value", max_length=40))
    unit: str = field(default="", metadata=spec("Unit", max_length=40))
    target: str = field(default="", metadata=spec("Target", max_length=40))
    #: A scorecard table's other columns (Status, Notes, Trend...) and the cells as
    #: written where they are not plain numbers (``_current``, ``_target``), so that
    #: export writes the table back as it was.
    extra: dict[str, str] = field(default_factory=dict, metadata=spec(kind="extra"))


#: The entity kinds the store keeps rows of, and their domain values, in export order.
ENTITIES: dict[str, type] = {
    "task": Task,
    "activity": ActivityEntry,
    "checkpoint": Checkpoint,
    "risk": Risk,
    "decision": Decision,
    "cadence": CadenceItem,
    "metric": Metric,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one entity changed by one user: a row of the history."""

    at: str  # ISO 8601 timestamp, UTC
    user: str
    entity: str
    id: str
    field: str
    old: str | None
    new: str | None
    revision: int = 0


#: A history row as the Since view folds it, straight from the query (no ``Change`` per
#: row: a day of a big tracker's history is tens of thousands of rows): user, entity,
#: entity id, field, old, new.
HistoryRow = tuple[str, str, str, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many tasks have one status."""

    status: str
    count: int


@dataclass(frozen=True, slots=True)
class MilestoneProgress:
    """The tasks of one milestone and their mean progress."""

    milestone: str
    progress: float  # mean progress, 0-100
    tasks: int


@dataclass(frozen=True, slots=True)
class Summary:
    """The Snapshot header's figures, computed by aggregate queries in the store."""

    tasks: int
    mean_progress: float
    by_status: tuple[StatusCount, ...]
    by_milestone: tuple[MilestoneProgress, ...]
    open_risks_by_impact: tuple[tuple[str, int], ...]
    next_checkpoint: Checkpoint | None
    #: How far off the next checkpoint is ("in 3 days", "overdue by 1 day"), by the
    #: store's clock; empty when it has no date.
    next_checkpoint_countdown: str = ""


ValueT = TypeVar("ValueT")


@dataclass(frozen=True, slots=True)
class Merged(Generic[ValueT]):
    """What a save made over a row that may have moved since it was read: ``value``, the
    row as saved, and ``merged``, the fields others changed meanwhile and the save kept
    (empty when nobody had)."""

    value: ValueT
    merged: tuple[MergedField, ...] = ()
