"""The Snapshot header on a big store: the status counts stay on one line.

At 80 columns the counts of a 10,000-task store (four digits each) no longer fit: the
statuses with the fewest tasks give way, and ``+N more`` says how many are not shown.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import settle
from textual.widgets import Static

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store


@pytest.fixture
def big_store(synthetic_store: Callable[[int, int], Store]) -> Store:
    return synthetic_store(10_000, 10)


def status_line(app: TrackerApp) -> tuple[int, str]:
    """(rows the status counts take, their text)."""
    static = app.screen.query_one("#header-status", Static)
    return static.region.height, str(static.render()).strip()


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
async def test_every_count_fits_one_line_at_80_columns(big_store, frozen_settings, ascii):
    counts = {c.status: c.count for c in big_store.summary().by_status}
    assert len(counts) >= 5 and min(counts.values()) >= 1000  # four digits each
    app = make_app(big_store, frozen_settings, ascii=ascii)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows, text = status_line(app)
    assert rows == 1 and len(text) <= 78
    assert all(f"{status} {count}" in text for status, count in counts.items())
    assert "more" not in text


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
async def test_the_fewest_give_way_when_narrower(big_store, frozen_settings, ascii):
    counts = {c.status: c.count for c in big_store.summary().by_status}
    app = make_app(big_store, frozen_settings, ascii=ascii)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        rows, text = status_line(app)
    assert rows == 1 and len(text) <= 58
    shown = [status for status in counts if f"{status} {counts[status]}" in text]
    hidden = len(counts) - len(shown)
    assert hidden >= 1 and text.endswith(f"+{hidden} more")
    assert max(counts[s] for s in counts if s not in shown) <= min(counts[s] for s in shown)


async def test_roomy_terminal_keeps_the_dots(big_store, frozen_settings: Settings):
    counts = {c.status: c.count for c in big_store.summary().by_status}
    app = make_app(big_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows, text = status_line(app)
    assert rows == 1 and "more" not in text and " · " in text
    assert all(f"{status} {count}" in text for status, count in counts.items())
