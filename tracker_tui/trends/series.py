"""The daily series: the store's history replayed, and the document's past recovered.

The store keeps the tasks as they are now and one history row per field changed since
the last import. The state at the start of the history is the present with every
change undone (walked backwards); the days from there to today are then replayed
forwards, one end-of-day figure per day. Aggregates move by one task per change, so a
year of daily edits on 1,000 tasks (100,000 rows) replays in one pass.

Before the history begins, what the imported document says about its past is used
(``recovered`` points): a Complete task was completed on its Last Update (or on the
day of a dated activity entry naming it with "completed"); any other task had its
progress and status from its Last Update on. A task counts as Not Started at 0 %
before the first date the document gives it. From the day the store's history begins,
the store's figures are used: store history wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby

from tracker_tui.trends.model import (
    DailyTotals,
    DatedNote,
    FieldChange,
    Point,
    Series,
    TaskState,
    TrendInputs,
    Trends,
)

COMPLETE = "Complete"
NOT_STARTED = "Not Started"
PROGRAMME = "Programme"
_COMPLETED_RE = re.compile(r"\bcompleted\b", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[\w-]+")


def _as_int(value: object) -> int:
    try:
        return int(str(value or 0))
    except ValueError:
        return 0


def _as_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


#: A task's state while the history is replayed: [milestone, status, progress,
#: last_update], mutable (a year of history moves it 100,000 times).
_MILESTONE, _STATUS, _PROGRESS, _LAST = range(4)
_FIELDS = {"milestone": _MILESTONE, "status": _STATUS, "progress": _PROGRESS}
State = list[object]


def _state(task: TaskState) -> State:
    return [task.milestone, task.status, task.progress, task.last_update]


def _state_from_json(text: str) -> State:
    values = json.loads(text)
    return [
        str(values.get("milestone") or ""),
        str(values.get("status") or NOT_STARTED),
        _as_int(values.get("progress")),
        _as_date(values.get("last_update")),
    ]


def _task_state(state: State) -> TaskState:
    last = state[_LAST]
    return TaskState(
        str(state[_MILESTONE]),
        str(state[_STATUS]),
        int(str(state[_PROGRESS])),
        last if isinstance(last, date) else None,
    )


class _Tally:
    """Running sums over the tasks, moved one task (or one field) at a time."""

    def __init__(self, tasks: Mapping[str, State]) -> None:
        self.total = 0
        self.count = 0
        self.milestone_sum: dict[str, int] = {}
        self.milestone_count: dict[str, int] = {}
        self.status_count: dict[str, int] = {}
        for state in tasks.values():
            self.add(state, 1)

    def add(self, state: State, sign: int) -> None:
        progress = int(str(state[_PROGRESS]))
        name = str(state[_MILESTONE])
        status = str(state[_STATUS])
        self.total += sign * progress
        self.count += sign
        self.milestone_sum[name] = self.milestone_sum.get(name, 0) + sign * progress
        self.milestone_count[name] = self.milestone_count.get(name, 0) + sign
        self.status_count[status] = self.status_count.get(status, 0) + sign

    def add_totals(self, progress: Mapping[str, int], statuses: Mapping[str, int]) -> None:
        """Move the sums across one day of the tasks the store summed (``DailyTotals``)."""
        for name, gain in progress.items():
            self.total += gain
            self.milestone_sum[name] = self.milestone_sum.get(name, 0) + gain
        for status, moved in statuses.items():
            self.status_count[status] = self.status_count.get(status, 0) + moved

    def apply(self, tasks: dict[str, State], change: FieldChange) -> None:
        """Move ``tasks`` (and the sums) forward across one change."""
        field = change.field
        state = tasks.get(change.entity_id)
        if field == "progress":
            if state is None:
                return
            new = _as_int(change.new)
            delta = new - int(str(state[_PROGRESS]))
            self.total += delta
            name = str(state[_MILESTONE])
            self.milestone_sum[name] = self.milestone_sum.get(name, 0) + delta
            state[_PROGRESS] = new
        elif field == "*":
            if state is not None:
                self.add(state, -1)
                del tasks[change.entity_id]
            if change.new is not None:
                created = tasks[change.entity_id] = _state_from_json(change.new)
                self.add(created, 1)
        elif state is not None and field in _FIELDS:
            self.add(state, -1)
            state[_FIELDS[field]] = change.new or ""
            self.add(state, 1)


def _undo_totals(tasks: dict[str, State], totals: DailyTotals) -> None:
    """Move the summed tasks back to the start of the history."""
    for task_id, progress in totals.first_progress.items():
        state = tasks.get(task_id)
        if state is not None:
            state[_PROGRESS] = progress
    for task_id, status in totals.first_status.items():
        state = tasks.get(task_id)
        if state is not None:
            state[_STATUS] = status


def _undo(tasks: dict[str, State], change: FieldChange) -> None:
    """Move ``tasks`` backwards across one change."""
    if change.field == "*":
        if change.old is None:
            tasks.pop(change.entity_id, None)
        else:
            tasks[change.entity_id] = _state_from_json(change.old)
        return
    state = tasks.get(change.entity_id)
    index = _FIELDS.get(change.field)
    if state is not None and index is not None:
        state[index] = _as_int(change.old) if index == _PROGRESS else (change.old or "")


@dataclass
class _Collected:
    """Per-series points as they are gathered, day by day."""

    programme: list[Point]
    milestones: dict[str, list[Point]]
    statuses: dict[str, list[Point]]

    def record(self, day: date, tally: _Tally, *, recovered: bool) -> None:
        if not tally.count:
            return
        self.programme.append(Point(day, tally.total / tally.count, recovered))
        for name, count in tally.milestone_count.items():
            if count:
                mean = tally.milestone_sum[name] / count
                self.milestones.setdefault(name, []).append(Point(day, mean, recovered))
        for status, count in tally.status_count.items():
            self.statuses.setdefault(status, []).append(Point(day, float(count), recovered))


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def recovered_events(
    tasks: Mapping[str, TaskState], notes: Iterable[DatedNote]
) -> list[tuple[date, str, TaskState]]:
    """What the document says about its tasks' past: (day, task ID, state from then on),
    oldest first."""
    by_upper = {task_id.upper(): task_id for task_id in tasks}
    completed: dict[str, list[date]] = {}
    for note in notes:
        if not _COMPLETED_RE.search(note.text):
            continue
        for token in _TOKEN_RE.findall(note.text):
            task_id = by_upper.get(token.upper())
            if task_id is not None:
                completed.setdefault(task_id, []).append(note.day)
    events: list[tuple[date, str, TaskState]] = []
    for task_id, state in tasks.items():
        done = TaskState(state.milestone, COMPLETE, 100, None)
        days = completed.get(task_id, [])
        events.extend((day, task_id, done) for day in days)
        if state.last_update is None:
            continue
        if state.status == COMPLETE:
            if not days:
                events.append((state.last_update, task_id, done))
        else:
            events.append((state.last_update, task_id, state))
    events.sort(key=lambda event: event[0])
    return events


def _recover(
    baseline: Mapping[str, TaskState],
    notes: Iterable[DatedNote],
    until: date,
    collected: _Collected,
) -> None:
    """Recovered points for every day before ``until`` that the document dates."""
    events = [event for event in recovered_events(baseline, notes) if event[0] < until]
    if not events:
        return
    current: dict[str, State] = {
        task_id: [state.milestone, NOT_STARTED, 0, None] for task_id, state in baseline.items()
    }
    tally = _Tally(current)
    index = 0
    for day in _days(events[0][0], until - timedelta(days=1)):
        while index < len(events) and events[index][0] <= day:
            _, task_id, state = events[index]
            tally.add(current[task_id], -1)
            current[task_id] = _state(state)
            tally.add(current[task_id], 1)
            index += 1
        collected.record(day, tally, recovered=True)


def compute_trends(
    inputs: TrendInputs, *, start: date | None = None, end: date | None = None
) -> Trends:
    """The programme's, each milestone's and each status's series, one point per day
    from ``start`` (default: as far back as anything is known) to ``end`` (default:
    today)."""
    end = end or inputs.today
    tasks = {task_id: _state(task) for task_id, task in inputs.tasks.items()}
    totals = inputs.totals or DailyTotals()
    _undo_totals(tasks, totals)
    task_changes = [change for change in inputs.changes if change.entity == "task"]
    for change in reversed(task_changes):
        _undo(tasks, change)
    collected = _Collected([], {}, {})
    first_store_day = inputs.since or inputs.history_start
    covers_import = inputs.since is None or (
        inputs.history_start is not None and inputs.since <= inputs.history_start
    )
    if covers_import and inputs.history_start is not None:
        baseline = {task_id: _task_state(state) for task_id, state in tasks.items()}
        for task_id, last in inputs.first_last_updates.items():
            if task_id in baseline:
                baseline[task_id] = replace(baseline[task_id], last_update=_as_date(last))
        _recover(baseline, inputs.notes, inputs.history_start, collected)
    if first_store_day is not None:
        tally = _Tally(tasks)
        by_day = {day: list(group) for day, group in groupby(task_changes, lambda c: c.day)}
        for day in _days(first_store_day, inputs.today):
            for change in by_day.get(day, ()):
                tally.apply(tasks, change)
            tally.add_totals(totals.progress.get(day, {}), totals.statuses.get(day, {}))
            collected.record(day, tally, recovered=False)

    def clip(points: list[Point]) -> tuple[Point, ...]:
        return tuple(p for p in points if (start is None or p.day >= start) and p.day <= end)

    order = {status: index for index, status in enumerate(inputs.statuses)}
    statuses = sorted(collected.statuses, key=lambda s: (order.get(s, len(order)), s))
    # A status no task had on a day still has a point there (0): unbroken lines.
    for status in statuses:
        known = {point.day: point for point in collected.statuses[status]}
        collected.statuses[status] = [
            known.get(point.day) or Point(point.day, 0.0, point.recovered)
            for point in collected.programme
        ]
    return Trends(
        programme=Series(PROGRAMME, clip(collected.programme)),
        milestones=tuple(
            Series(name, clip(collected.milestones[name]))
            for name in sorted(collected.milestones)
            if clip(collected.milestones[name])
        ),
        statuses=tuple(
            Series(status, clip(collected.statuses[status]))
            for status in statuses
            if any(p.value for p in clip(collected.statuses[status]))
        ),
        checkpoints=tuple(
            (day, label)
            for day, label in inputs.checkpoints
            if (start is None or day >= start) and day <= end
        ),
    )


def metric_series(
    inputs: TrendInputs, key: str, name: str, *, start: date | None = None, end: date | None = None
) -> Series:
    """One metric's value per day, from the first day it had one; days whose value is
    not a number are left out."""
    end = end or inputs.today
    changes = [
        change
        for change in inputs.changes
        if change.entity == "metric" and change.entity_id == key and change.field == "value"
    ]
    value = inputs.metric_values.get(key)
    for change in reversed(changes):
        value = change.old
    first = inputs.since or inputs.history_start
    if changes and (first is None or changes[0].day < first):
        first = changes[0].day
    if first is None:
        return Series(name, ())
    by_day = {day: list(group) for day, group in groupby(changes, lambda c: c.day)}
    points: list[Point] = []
    for day in _days(first, inputs.today):
        for change in by_day.get(day, ()):
            value = change.new
        number = parse_number(value)
        if number is not None and (start is None or day >= start) and day <= end:
            points.append(Point(day, number))
    return Series(name, tuple(points))


def parse_number(value: str | None) -> float | None:
    """A stored metric value as a number, or None when it is empty or not a number."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None
