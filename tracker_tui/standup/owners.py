"""The walk-through's owners: who, in which order, and what each one's page shows.

Owner names that differ only in case or spacing are one owner (``owner_key``), shown as
first spelt in the task table. The order is that of ``standup_order`` in ``config.toml``
for the names it lists, then the order owners first appear in the task table, then the
owners of open risks who own no task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker_tui.domain import COMPLETE, Risk, TaskGlance, is_open_risk_status
from tracker_tui.standup.since import SinceView, TaskMove, needs_attention, owner_key

__all__ = ["OwnerPage", "owner_key", "owner_page", "walk_order"]


@dataclass(frozen=True, slots=True)
class OwnerPage:
    """One owner's page of the walk-through: their open tasks (Blocked, At Risk and stale
    first) and their tasks completed since the baseline, what moved for each, and the open
    risks they own."""

    name: str
    tasks: tuple[TaskGlance, ...]
    moves: dict[str, TaskMove]
    risks: tuple[Risk, ...]


def _on_page(view: SinceView, task: TaskGlance) -> bool:
    if task.status != COMPLETE:
        return True
    move = view.moves.get(task.id)
    return move is not None and move.completed


def walk_order(view: SinceView, standup_order: Sequence[str] = ()) -> list[str]:
    """The owners the walk-through visits, each once, in order (display spellings)."""
    spelling: dict[str, str] = {}
    for task in view.tasks:
        if task.owner.strip() and _on_page(view, task):
            spelling.setdefault(owner_key(task.owner), " ".join(task.owner.split()))
    for risk in view.risks:
        if risk.owner.strip() and is_open_risk_status(risk.status):
            spelling.setdefault(owner_key(risk.owner), " ".join(risk.owner.split()))
    ordered: dict[str, str] = {}
    for name in standup_order:
        key = owner_key(name)
        if key in spelling:
            ordered[key] = spelling[key]
    for key, name in spelling.items():
        ordered.setdefault(key, name)
    return list(ordered.values())


def _urgency(view: SinceView, task: TaskGlance) -> int:
    """Blocked and At Risk first, then stale, then the rest (then completed)."""
    if needs_attention(task.status):
        return 0
    if view.is_stale(task):
        return 1
    if task.status == COMPLETE:
        return 3
    return 2


def owner_page(view: SinceView, name: str) -> OwnerPage:
    """The page of the owner ``name`` (any spelling of it)."""
    key = owner_key(name)
    order = {task.id: index for index, task in enumerate(view.tasks)}
    tasks = sorted(
        (t for t in view.tasks if owner_key(t.owner) == key and _on_page(view, t)),
        key=lambda task: (_urgency(view, task), order[task.id]),
    )
    risks = tuple(
        r for r in view.risks if owner_key(r.owner) == key and is_open_risk_status(r.status)
    )
    moves = {task.id: view.moves[task.id] for task in tasks if task.id in view.moves}
    return OwnerPage(name, tuple(tasks), moves, risks)
