"""SVG snapshots of the Risks, Decisions, Activity and Plan screens, the task detail, help,
a form showing a validation error, the conflict dialog and the status picker, at 80x24 and
120x40.

Deterministic: fixed dates (the store's clock is pinned for the one edit made), animations
off and the cursor still (conftest), and every worker finished before the picture.
Update with ``pytest tests/test_snapshots_screens.py --snapshot-update`` after a real
change, and look at the new pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import settle
from textual.widgets import Input

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.domain import FixedClock
from tracker_tui.screens.task_detail import TaskDetailScreen
from tracker_tui.screens.task_form import TaskFormScreen
from tracker_tui.store.store import Store

SIZES = [(80, 24), (120, 40)]
#: The time of every edit made for a picture (Last Update and the history show it).
CLOCK = FixedClock(datetime(2024, 6, 4, 9, 30, tzinfo=UTC))


@pytest.fixture
def store(seed_store: Store) -> Store:
    """The sample tracker, with one change by bob at a fixed time (for the history)."""
    with Store.open(seed_store.target, user="bob", clock=CLOCK) as bob:
        bob.update_task("UT-007", {"owner": "QA Lead", "progress": 80})
    return seed_store


def _keys(*keys: str) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def _push(make: Callable[[Any], Any]) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.app.push_screen(make(pilot.app))
        await settle(pilot)

    return run_before


async def _form_with_error(pilot: Any) -> None:
    app = pilot.app
    await settle(pilot)
    await app.push_screen(TaskFormScreen(app.store, app.store.task("UT-007")))
    await settle(pilot)
    progress = app.screen.query_one("#in-progress", Input)
    progress.focus()
    progress.value = ""
    await pilot.press("1", "5", "0")
    await settle(pilot)


async def _conflict(pilot: Any) -> None:
    """ann changed UT-002's owner and notes; alice's form changes owner and milestone: the
    dialog asks about the owner only, and says her milestone is saved either way."""
    app = pilot.app
    await settle(pilot)
    await app.push_screen(TaskFormScreen(app.store, app.store.task("UT-002")))
    await settle(pilot)
    with Store.open(app.store.target, user="ann", clock=CLOCK) as ann:
        ann.update_task("UT-002", {"owner": "Platform Team", "notes": "Moved to platform."})
    for name, text in (("owner", "DevOps Guild"), ("milestone", "M9")):
        field = app.screen.query_one(f"#in-{name}", Input)
        field.focus()
        field.value = ""
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _progress_prompt_with_error(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("percent_sign")
    await settle(pilot)
    await pilot.press("1", "5", "0", "enter")
    await settle(pilot)


async def _plan_metric_form_with_error(pilot: Any) -> None:
    """e on the last metric of the Plan, a value that is not a number: the store refuses
    it, and the form says so under the field, the edit still in it."""
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    await pilot.press("G", "e")
    await settle(pilot)
    value = pilot.app.screen.query_one("#in-value", Input)
    value.focus()
    await pilot.press(*"about 97")
    await pilot.press("ctrl+s")
    await settle(pilot)


SCENES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "risks": _keys("2", "j", "j"),
    "decisions": _keys("3"),
    "activity": _keys("4"),
    "plan": _keys("5"),
    "plan_metric_form": _plan_metric_form_with_error,
    "task_detail": _push(lambda app: TaskDetailScreen(app.store, "UT-007")),
    "help": _keys("2", "question_mark"),
    "form_error": _form_with_error,
    "conflict": _conflict,
    "progress_error": _progress_prompt_with_error,
    # s on a row: the status picker under it, opened on the next status.
    "status_picker": _keys("j", "s"),
    "risk_status_picker": _keys("2", "j", "j", "s"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare, store: Store, frozen_settings: Settings, scene, size):
    app = make_app(store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=SCENES[scene])
