"""SVG snapshots of the portfolio (14 trackers: at 80x24 at least 12 rows show) and of the
owner view, at 80x24 and 120x40, with the clock frozen and every edit at a fixed time.

Update with ``pytest tests/test_snapshots_portfolio.py --snapshot-update`` after a real
change, and look at the new pictures before committing them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE, settle

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.domain import FixedClock
from tracker_tui.markdown import read_document
from tracker_tui.store import Store

SIZES = [(80, 24), (120, 40)]
CLOCK = FixedClock(datetime(2024, 6, 4, 9, 30, tzinfo=UTC))


@pytest.fixture
def portfolio_store(tmp_path: Path) -> Store:
    """14 copies of the sample, each with a different progress on UT-00n, edited by bob."""
    store = Store.open(tmp_path / "t.db", user="alice", clock=CLOCK)
    document = read_document(SAMPLE)
    for number in range(1, 15):
        store.import_document(document, name=f"Release {number:02d}")
    with Store.open(store.target, user="bob", clock=CLOCK) as bob:
        for number in range(1, 15, 3):
            scoped = bob.for_tracker(bob.use_tracker(f"Release {number:02d}"))
            scoped.update_task("UT-002", {"progress": 10 * (number % 7)})
    return store


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_portfolio(snap_compare, portfolio_store: Store, frozen_settings: Settings, size):
    app = make_app(portfolio_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_owner_view(snap_compare, portfolio_store: Store, frozen_settings: Settings, size):
    app = make_app(portfolio_store, frozen_settings, owner="devops lead")
    assert snap_compare(app, terminal_size=size, run_before=settle)
