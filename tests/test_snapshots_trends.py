"""SVG snapshots of the Trends screen (on the seed: recovered history only; on a store with
a scripted month of edits), of the Plan screen with metric values and of the Snapshot
header with its forecasts, at 80x24 and 120x40.

Deterministic: stores written on fixed clocks, today pinned, animations off, and every
worker (the history read, the forecasts) finished before the picture. Update with
``pytest tests/test_snapshots_trends.py --snapshot-update`` after a real change, and look
at the new pictures before committing them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, settle
from trend_docs import MONTH_END, clock_on

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.markdown import read_document
from tracker_tui.store.store import Store

SIZES = [(80, 24), (120, 40)]


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_trends_on_the_seed(snap_compare, tmp_path: Path, size) -> None:
    with Store.open(tmp_path / "seed.db", user="alice", clock=clock_on(date(2024, 6, 4))) as store:
        store.import_document(read_document(SAMPLE))
        app = make_app(store, Settings(today=date(2024, 6, 5), path=tmp_path / "c.toml"))
        assert snap_compare(app, terminal_size=size, run_before=_keys("7"))


@pytest.mark.parametrize("screen", ["trends", "plan", "snapshot"])
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_scripted_month(snap_compare, month_db: Path, tmp_path: Path, size, screen) -> None:
    with Store.open(month_db, user="alice", clock=clock_on(MONTH_END)) as store:
        app = make_app(store, Settings(today=MONTH_END, path=tmp_path / "c.toml"))
        keys = {"trends": ("7",), "plan": ("5",), "snapshot": ()}[screen]
        assert snap_compare(app, terminal_size=size, run_before=_keys(*keys))
