"""The plain values the trend computation reads and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class TaskState:
    """What the trends need of one task at one moment."""

    milestone: str
    status: str
    progress: int
    last_update: date | None = None


class FieldChange(NamedTuple):
    """One row of the history that can move a series, as plain values (a tuple: a
    year of history is 100,000 of them).

    ``day`` is the local day it happened on (the history keeps UTC). ``field`` ``*`` is
    a whole row created (``old`` None) or deleted (``new`` None), its values as the
    history's JSON.
    """

    day: date
    entity: str
    entity_id: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class DatedNote:
    """An activity entry with a date: what recovery reads for "UT-004 completed."."""

    day: date
    text: str


@dataclass(frozen=True, slots=True)
class DailyTotals:
    """The history of the tasks that only moved their progress and status (no row
    created, deleted or moved to another milestone), summed per day by the store: a
    year of such edits is a few thousand sums rather than 100,000 rows to replay.

    The series are sums over tasks, so these add to what the other tasks' ``changes``
    replay to.
    """

    #: day -> milestone -> the progress those tasks gained that day.
    progress: dict[date, dict[str, int]] = field(default_factory=dict)
    #: day -> status -> how many tasks entered it that day, less those that left it.
    statuses: dict[date, dict[str, int]] = field(default_factory=dict)
    #: task ID -> its progress when the history began, for the tasks whose progress changed.
    first_progress: dict[str, int] = field(default_factory=dict)
    #: task ID -> its status when the history began, for the tasks whose status changed.
    first_status: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrendInputs:
    """Everything the series are computed from, read on one snapshot of the store.

    ``changes`` are the history's task and metric changes since ``since`` (all of them
    since the history began when ``since`` is None), oldest first. ``history_start`` is
    the day the store's history begins (the last import, or the tracker's first edit);
    None for a store with no history at all.
    """

    today: date
    tasks: dict[str, TaskState]
    metric_values: dict[str, str] = field(default_factory=dict)
    changes: tuple[FieldChange, ...] = ()
    since: date | None = None
    history_start: date | None = None
    #: task ID -> the Last Update it had when ``changes`` begin, for the tasks whose Last
    #: Update changed since (``changes`` leave those rows out: half the history).
    first_last_updates: dict[str, str | None] = field(default_factory=dict)
    notes: tuple[DatedNote, ...] = ()
    statuses: tuple[str, ...] = ()
    #: The checkpoints that carry a date: (date, its text).
    checkpoints: tuple[tuple[date, str], ...] = ()
    #: The tasks whose history is summed per day by the store (their rows are then not
    #: in ``changes``); None when every change is in ``changes``.
    totals: DailyTotals | None = None


@dataclass(frozen=True, slots=True)
class Point:
    """A series' value at the end of one day; ``recovered`` when it comes from the
    document rather than from the store's history."""

    day: date
    value: float
    recovered: bool = False


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: a name and one point per day (days with no value left out)."""

    name: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> float | None:
        return self.points[-1].value if self.points else None


@dataclass(frozen=True, slots=True)
class Trends:
    """The burn-up (programme and each milestone) and the counts by status, per day."""

    programme: Series
    milestones: tuple[Series, ...]
    statuses: tuple[Series, ...]
    checkpoints: tuple[tuple[date, str], ...] = ()

    def within(self, start: date | None, end: date | None = None) -> Trends:
        """The same series, only the days from ``start`` to ``end``."""

        def clip(series: Series) -> Series:
            return Series(
                series.name,
                tuple(
                    p
                    for p in series.points
                    if (start is None or p.day >= start) and (end is None or p.day <= end)
                ),
            )

        return Trends(
            clip(self.programme),
            tuple(s for s in map(clip, self.milestones) if s.points),
            tuple(s for s in map(clip, self.statuses) if s.points),
            tuple(
                (day, label)
                for day, label in self.checkpoints
                if (start is None or day >= start) and (end is None or day <= end)
            ),
        )

    @property
    def enough(self) -> bool:
        """Whether there is anything to draw: at least two days."""
        return len(self.programme.points) >= 2

    @property
    def has_recovered(self) -> bool:
        return any(point.recovered for point in self.programme.points)
