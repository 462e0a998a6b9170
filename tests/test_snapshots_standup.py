"""SVG snapshots of the Stand-up screen (the sections), one owner's page and the end
summary, at 80x24 and 120x40, on the scripted stand-up (tests/standup_scene.py) with a
frozen clock: the store's (FixedClock), the settings' today, and the countdown's.

Update with ``pytest tests/test_snapshots_standup.py --snapshot-update`` after a real
change, and look at the new pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import settle
from standup_scene import build_scene, open_scene

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.screens import standup as standup_screen
from tracker_tui.store.store import Store

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(standup_screen, "clock", lambda: 1000.0)
    with open_scene(build_scene(tmp_path / "scene.db")) as opened:
        yield opened


def _keys(*keys: str) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


SCENES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "sections": _keys(),
    # The second owner, DevOps Lead: UT-002 moved, UT-008 new, R-06 theirs.
    "owner_page": _keys("w", "n"),
    "end_summary": _keys("w", "n", "plus", "escape"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_standup(snap_compare, store: Store, frozen_settings: Settings, scene, size):
    app = make_app(store, frozen_settings, mode="standup")
    assert snap_compare(app, terminal_size=size, run_before=SCENES[scene])
