"""The Since view: what changed between a baseline and now, from one history query.

``build_since`` takes the history rows after the baseline (oldest first) and the rows as
they are now, and sorts what moved into the stand-up's sections: Moved, Completed,
Blocked / At Risk, No movement, Risks, Decisions and Log, with the checkpoints due soon.
Nothing here reads the store: ``standup.reading.read_since`` does, once per section.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from tracker_tui.domain import (
    COMPLETE,
    ActivityEntry,
    Checkpoint,
    Decision,
    HistoryRow,
    Risk,
    Task,
    TaskGlance,
    is_open_risk_status,
)
from tracker_tui.fields import names
from tracker_tui.rules import checkpoint_date, next_checkpoint
from tracker_tui.standup.baseline import Baseline
from tracker_tui.standup.net import NetChange, net_of_rows

if TYPE_CHECKING:
    # Only named: the stand-up's first frame does without the forecasts' modules.
    from tracker_tui.trends.forecast import Forecast

#: Statuses the Blocked / At Risk section lists (compared case-insensitively).
ATTENTION_STATUSES = ("blocked", "at risk")
#: How far ahead a dated checkpoint counts as due.
CHECKPOINT_DAYS = 7
#: Fields the store sets by itself (Last Update, the document's status spelling): their
#: moving is a consequence of an edit, never a change of its own.
_DERIVED = frozenset(
    name for entity in (Task, Risk, Decision) for name in names(entity, derived=True)
)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def needs_attention(status: str) -> bool:
    """Whether a task's status puts it in Blocked / At Risk."""
    return " ".join(status.casefold().split()) in ATTENTION_STATUSES


@dataclass(slots=True)
class TaskMove:
    """One task's net change since the baseline. A pair is (before, after), present only
    when that field changed; ``progress`` values are whole percentages.

    Not frozen, though nothing changes one once built: a big day makes ~7,000 of them, and
    a frozen dataclass sets each of its 15 fields through ``object.__setattr__`` (three
    times slower to build, 15 ms of the Since view's 150 ms budget).
    """

    id: str
    title: str
    owner: str
    status: str
    progress_now: int
    progress: tuple[int | None, int | None] | None = None
    status_change: tuple[str, str] | None = None
    owner_change: tuple[str, str] | None = None
    milestone_change: tuple[str, str] | None = None
    title_change: tuple[str, str] | None = None
    notes_changed: bool = False
    created: bool = False
    deleted: bool = False
    completed: bool = False
    users: tuple[str, ...] = ()

    @property
    def delta(self) -> int | None:
        """Progress after minus before (None when progress did not change)."""
        if self.progress is None:
            return None
        before, after = self.progress
        return (after or 0) - (before or 0)

    @property
    def change_count(self) -> int:
        """How many of the task's fields moved (a new or deleted task counts once)."""
        if self.created or self.deleted:
            return 1
        # Spelt out rather than summed over a tuple: counted for every move of a big day.
        return (
            (self.progress is not None)
            + (self.status_change is not None)
            + (self.owner_change is not None)
            + (self.milestone_change is not None)
            + (self.title_change is not None)
            + self.notes_changed
        )


@dataclass(frozen=True, slots=True)
class RiskMove:
    """A risk opened, closed, or whose impact or status changed since the baseline."""

    id: str
    description: str
    owner: str
    impact: str
    status: str
    opened: bool = False
    closed: bool = False
    impact_change: tuple[str, str] | None = None
    status_change: tuple[str, str] | None = None
    users: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DueCheckpoint:
    """A checkpoint whose text holds a date within the next ``CHECKPOINT_DAYS`` days."""

    due: date
    checkpoint: Checkpoint


@dataclass(slots=True)
class SinceView:
    """Everything the Stand-up screen and the report show, for one baseline."""

    baseline: Baseline
    now: datetime
    today: date
    stale_days: int
    tasks: list[TaskGlance]
    #: The same tasks by ID.
    tasks_by_id: dict[str, TaskGlance]
    risks: list[Risk]
    moves: dict[str, TaskMove]
    risk_moves: list[RiskMove]
    decisions: list[Decision]
    log: list[ActivityEntry]
    checkpoints_due: list[DueCheckpoint]
    next_checkpoint: Checkpoint | None
    programme_now: float
    programme_then: float
    #: Whether the history holds no edit at all after the import (the view says so).
    no_history: bool = False
    #: When the tracker was imported (or first written), if the history says.
    tracker_start: datetime | None = None
    #: Each open milestone's forecast (``standup.reading.milestone_forecasts``).
    forecasts: tuple[Forecast, ...] = ()
    people: tuple[str, ...] = field(default=())
    change_count: int = 0

    @property
    def moved(self) -> list[TaskMove]:
        """Tasks that moved, but did not become Complete (those are ``completed``)."""
        return [move for move in self.moves.values() if not move.completed]

    @property
    def completed(self) -> list[TaskMove]:
        return [move for move in self.moves.values() if move.completed]

    @property
    def attention(self) -> list[TaskGlance]:
        """Tasks Blocked or At Risk now, in table order."""
        return [task for task in self.tasks if needs_attention(task.status)]

    @property
    def no_movement(self) -> list[TaskGlance]:
        """Tasks not Complete with no change for ``stale_days`` days, in table order."""
        return [task for task in self.tasks if self.is_stale(task)]

    @property
    def programme_delta(self) -> float:
        return self.programme_now - self.programme_then

    def is_stale(self, task: TaskGlance) -> bool:
        if task.status == COMPLETE or task.id in self.moves:
            return False
        limit = self.today - timedelta(days=self.stale_days)
        return task.last_update is not None and task.last_update < limit

    def idle_days(self, task: TaskGlance) -> int | None:
        """Days since the task's Last Update."""
        return None if task.last_update is None else (self.today - task.last_update).days


def _due(checkpoints: Sequence[Checkpoint], today: date) -> list[DueCheckpoint]:
    horizon = today + timedelta(days=CHECKPOINT_DAYS)
    due = []
    for checkpoint in checkpoints:
        day = checkpoint_date(checkpoint)
        if day is not None and today <= day <= horizon:
            due.append(DueCheckpoint(day, checkpoint))
    return sorted(due, key=lambda item: item.due)


def owner_key(name: str) -> str:
    """The name two spellings of one owner share: case and spacing folded."""
    return " ".join(name.split()).casefold()


def _pair(net: NetChange, name: str) -> tuple[str, str] | None:
    pair = net.fields.get(name)
    if pair is None:
        return None
    old, new = pair
    return (old or "", new or "")


def task_move(net: NetChange, task: TaskGlance | None) -> TaskMove:
    """A task's net change as the views show it; ``task`` is the row now (None: gone).

    Hot (a big day moves thousands of tasks): one pass over the fields that moved, and
    the move built positionally.
    """
    if task is not None:
        task_id, title, owner, status = task.id, task.title, task.owner, task.status
        progress_now = task.progress
    else:
        row = net.row_after if net.row_after else (net.row_before or {})
        task_id, title = net.id, str(row.get("title", ""))
        owner, status = str(row.get("owner", "")), str(row.get("status", ""))
        progress_now = _int(str(row.get("progress", ""))) or 0
    progress: tuple[int | None, int | None] | None = None
    status_change = owner_change = milestone_change = title_change = None
    notes_changed = False
    for name, (old, new) in net.fields.items():
        if name == "progress":
            progress = (_int(old), _int(new))
            continue
        pair = (old or "", new or "")
        if name == "status":
            status_change = pair
        elif name == "owner":
            # A respelling (case or spacing only) is no change: one owner everywhere.
            if owner_key(pair[0]) != owner_key(pair[1]):
                owner_change = pair
        elif name == "milestone":
            milestone_change = pair
        elif name == "title":
            title_change = pair
        elif name == "notes":
            notes_changed = True
    if progress is None and net.created:
        progress = (None, progress_now)
    completed = (
        task is not None
        and status == COMPLETE
        and (net.created or (status_change is not None and status_change[0] != COMPLETE))
    )
    return TaskMove(
        task_id,
        title,
        owner,
        status,
        progress_now,
        progress,
        status_change,
        owner_change,
        milestone_change,
        title_change,
        notes_changed,
        net.created,
        net.deleted,
        completed,
        net.users,
    )


def risk_move(net: NetChange, risk: Risk | None) -> RiskMove | None:
    """A risk's net change, if it is one the stand-up lists (opened, closed, impact or
    status); None for, say, a reworded mitigation."""
    row = (net.row_after or net.row_before or {}) if risk is None else {}
    status = risk.status if risk else str(row.get("status", ""))
    impact_change = _pair(net, "impact")
    status_change = _pair(net, "status")
    was_open = status_change is not None and is_open_risk_status(status_change[0])
    now_open = is_open_risk_status(status)
    opened = (net.created and now_open) or (
        status_change is not None and not is_open_risk_status(status_change[0]) and now_open
    )
    closed = net.deleted or (was_open and not now_open)
    if not (opened or closed or impact_change or status_change):
        return None
    return RiskMove(
        id=risk.id if risk else net.id,
        description=risk.description if risk else str(row.get("description", "")),
        owner=risk.owner if risk else str(row.get("owner", "")),
        impact=risk.impact if risk else str(row.get("impact", "")),
        status=status,
        opened=opened,
        closed=closed,
        impact_change=impact_change,
        status_change=status_change,
        users=net.users,
    )


def build_since(
    baseline: Baseline,
    *,
    now: datetime,
    today: date,
    stale_days: int,
    history: Iterable[HistoryRow],
    tasks: list[TaskGlance],
    risks: list[Risk],
    decisions: Sequence[Decision],
    checkpoints: Sequence[Checkpoint],
    tracker_start: datetime | None = None,
    no_history: bool = False,
) -> SinceView:
    """The Since view from the history after ``baseline`` (oldest first, as
    ``Store.history_since`` gives it) and the rows now."""
    nets = net_of_rows(history, ignore=_DERIVED)
    tasks_by_id = {task.id: task for task in tasks}
    risks_by_id = {risk.id: risk for risk in risks}
    moves: dict[str, TaskMove] = {}
    risk_moves: list[RiskMove] = []
    new_decisions: list[Decision] = []
    new_log: list[ActivityEntry] = []
    decisions_by_key = {str(item.key): item for item in decisions}
    # Who changed what is listed, in the order of their first change: each entity's
    # users, gathered once per distinct tuple (most entities share a handful).
    user_lists: dict[tuple[str, ...], None] = {}
    count = 0
    for (kind, entity_id), net in nets.items():  # none empty: net_of_rows leaves them out
        if kind == "task":
            move = task_move(net, tasks_by_id.get(entity_id))
            moved_fields = move.change_count
            if moved_fields:
                moves[move.id] = move
                count += moved_fields
                user_lists[net.users] = None
        elif kind == "risk":
            moved = risk_move(net, risks_by_id.get(entity_id))
            if moved is not None:
                risk_moves.append(moved)
                count += 1
                user_lists[net.users] = None
        elif kind == "decision" and net.created and entity_id in decisions_by_key:
            new_decisions.append(decisions_by_key[entity_id])
            count += 1
            user_lists[net.users] = None
        elif kind == "activity" and net.created and net.row_after is not None:
            # The entry as it was written (the log is long: it is not read for this).
            row = net.row_after
            new_log.append(
                ActivityEntry(_int(entity_id), str(row.get("date", "")), str(row.get("text", "")))
            )
            count += 1
            user_lists[net.users] = None
    people = dict.fromkeys(user for users in user_lists for user in users)
    # Table order (a deleted task last), whatever order the history touched them in.
    gone = {task_id: move for task_id, move in moves.items() if task_id not in tasks_by_id}
    moves = {task_id: moves[task_id] for task_id in tasks_by_id if task_id in moves} | gone
    # The programme at the baseline: each task's progress then (a task created since did
    # not count; one deleted since did). Summed as the progress now, corrected by the
    # moves only (fewer than the tasks), in whole numbers: the mean is exactly the same.
    total_now = sum(task.progress for task in tasks)
    total_then, count_then = total_now, len(tasks)
    for task_id, move in moves.items():
        task = tasks_by_id.get(task_id)
        if task is not None and move.created:
            total_then -= task.progress
            count_then -= 1
        elif task is not None and move.progress is not None:
            total_then += (move.progress[0] or 0) - task.progress
        if move.deleted:
            total_then += move.progress_now
            count_then += 1
    # The log newest first, as the document keeps it.
    new_log.sort(key=lambda item: (item.date, item.key or 0), reverse=True)
    return SinceView(
        baseline=baseline,
        now=now,
        today=today,
        stale_days=stale_days,
        tasks=tasks,
        tasks_by_id=tasks_by_id,
        risks=risks,
        moves=moves,
        risk_moves=risk_moves,
        decisions=new_decisions,
        log=new_log,
        checkpoints_due=_due(checkpoints, today),
        next_checkpoint=next_checkpoint(checkpoints, today),
        programme_now=total_now / len(tasks) if tasks else 0.0,
        programme_then=total_then / count_then if count_then else 0.0,
        no_history=no_history,
        tracker_start=tracker_start,
        people=tuple(people),
        change_count=count,
    )
