"""SVG snapshots of a row another user changed, at 80x24 and 120x40: the mark in its gutter
left of the ID, every column still in place, and who changed it in the footer (the cursor
is on the row). The store's clock and the marks' clock are held still.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import settle
from test_screens_support import wait_for

import tracker_tui.screens.snapshot as snapshot
from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.domain import FixedClock
from tracker_tui.store.store import Store

#: The store's clock for ann's edit (Last Update, the history's time).
CLOCK = FixedClock(datetime(2024, 6, 4, 9, 30, tzinfo=UTC))


@pytest.fixture
def still_clocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The marks' clock (how long a mark stays); the store's is ``CLOCK``, injected."""
    monkeypatch.setattr(snapshot, "clock", lambda: 1000.0)


def _ann_edits(db: Path) -> Any:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        with Store.open(str(db), user="ann", clock=CLOCK) as ann:
            ann.update_task("UT-003", {"progress": 40})
        table = pilot.app.screen.query_one("#tasks")
        await wait_for(pilot, lambda: table.get_marker("UT-003") is not None)
        await pilot.press("j", "j")
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_edited_by_another_user(
    snap_compare: Any,
    seed_store: Store,
    frozen_settings: Settings,
    tmp_path: Path,
    still_clocks: None,
    size: tuple[int, int],
) -> None:
    app = make_app(seed_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=_ann_edits(tmp_path / "t.db"))


def _server_away(ascii: bool = False) -> Any:
    async def run_before(pilot: Any) -> None:
        from tracker_tui.messages import StoreUnreachable

        await settle(pilot)
        # What live refresh posts when the store's server cannot be reached (the real
        # thing, on PostgreSQL, is in tests/test_postgres_faults.py).
        pilot.app.post_message(StoreUnreachable("cannot connect to the server"))
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_reconnecting_in_the_tab_row(
    snap_compare: Any,
    seed_store: Store,
    frozen_settings: Settings,
    size: tuple[int, int],
) -> None:
    """The store's server is away: "reconnecting…" at the right end of the tab row."""
    app = make_app(seed_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=_server_away())
