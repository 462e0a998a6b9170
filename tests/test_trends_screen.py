"""The Trends screen (key 7), the Snapshot header's forecasts and the Plan screen's metric
values, as a user sees them (Pilot)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, settle
from trend_docs import MONTH_END, clock_on

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.markdown import read_document
from tracker_tui.screens.trends import TrendsView
from tracker_tui.store.store import Store

SEED_IMPORTED = date(2024, 6, 4)


@pytest.fixture
def seed(tmp_path: Path):
    """The sample tracker imported on 2024-06-04: its past is all in the document."""
    with Store.open(tmp_path / "seed.db", user="alice", clock=clock_on(SEED_IMPORTED)) as store:
        store.import_document(read_document(SAMPLE))
        yield store


@pytest.fixture
def month(month_db: Path):
    with Store.open(month_db, user="alice", clock=clock_on(MONTH_END)) as store:
        yield store


def _settings(tmp_path: Path, today: date = MONTH_END) -> Settings:
    return Settings(today=today, path=tmp_path / "config.toml")


async def _shown(app: Any, screen_text: Callable[[Any], str], *keys: str) -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        return screen_text(app)


async def test_seven_shows_the_burn_up_recovered_from_the_document(
    seed: Store, tmp_path: Path, screen_text
) -> None:
    app = make_app(seed, _settings(tmp_path, date(2024, 6, 5)))
    text = await _shown(app, screen_text, "7")
    assert "7 Trends" in text and "Range:" in text
    assert "recovered from the document" in text
    assert "Programme 100%" in text and "Tasks by status" in text
    assert "May 9" in text  # the first completion starts the time axis


async def test_brackets_switch_the_range(month: Store, tmp_path: Path, screen_text) -> None:
    app = make_app(month, _settings(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        view = app.screen.query_one(TrendsView)
        assert "Apr 29" in screen_text(app)  # everything: from the first recovered day
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        # Two weeks (and no further at the shortest): from May 23 to Jun 5.
        assert view.range_index == 0
        assert "May 23" in screen_text(app) and "Apr 29" not in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert view.range_index == 2


async def test_forecasts_beside_the_milestones(month: Store, tmp_path: Path, screen_text) -> None:
    app = make_app(month, _settings(tmp_path))
    text = await _shown(app, screen_text, "7")
    assert "M1 100%  done" in text
    assert "M2  74%  ~Jun" in text
    assert "M3  24%  no movement" in text
    assert "| May 20" in text  # the dated checkpoint, marked


async def test_m_charts_a_metric(month: Store, tmp_path: Path, screen_text) -> None:
    app = make_app(month, _settings(tmp_path))
    text = await _shown(app, screen_text, "7", "m")
    assert "Metric: Pipeline success rate" in text and "target 99 %" in text
    text = await _shown(make_app(month, _settings(tmp_path)), screen_text, "7", "m", "m")
    assert "Tasks by status" in text


async def test_no_history_says_so(tmp_path: Path, screen_text) -> None:
    with Store.open(tmp_path / "new.db", user="alice") as store:
        store.set_tracker(title="New")
        store.create_task({"id": "UT-001", "title": "First"})
        text = await _shown(make_app(store, _settings(tmp_path)), screen_text, "7")
    assert "not enough history yet" in text and "Tasks by status" not in text


async def test_the_snapshot_header_shows_forecasts_after_the_first_frame(
    month: Store, tmp_path: Path, screen_text
) -> None:
    text = await _shown(make_app(month, _settings(tmp_path)), screen_text)
    line = next(line for line in text.splitlines() if line.lstrip().startswith("M1 "))
    assert "M2" in line and "74% · ~Jun" in line and "24% · no movement" in line


async def test_the_plan_shows_metric_values_against_their_targets(
    month: Store, tmp_path: Path, screen_text
) -> None:
    text = await _shown(make_app(month, _settings(tmp_path)), screen_text, "5")
    assert re.search(r"99 %\s+99 % meets", text)  # Value, then Target
    assert "▁" in text  # the sparkline of the month's values


async def test_ascii_trends_draw_in_ascii_only(month: Store, tmp_path: Path, screen_text) -> None:
    app = make_app(month, _settings(tmp_path), ascii=True)
    text = await _shown(app, screen_text, "7")
    assert text.isascii(), sorted({c for c in text if not c.isascii()})
    assert "recovered from the document" in text


async def test_series_are_told_apart_by_marker(month: Store, tmp_path: Path, screen_text) -> None:
    text = await _shown(make_app(month, _settings(tmp_path)), screen_text, "7")
    legend = [line.split("│")[-1].strip() for line in text.splitlines()[2:6]]
    markers = [entry.split(" ")[0] for entry in legend]
    assert len(set(markers)) == len(markers) == 4, legend
