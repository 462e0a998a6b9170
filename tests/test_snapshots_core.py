"""SVG snapshots of the Snapshot screen, seeded and empty (and naming the tracker), at 80x24
and 120x40.

Deterministic: "today" is 2024-06-05 (frozen_settings), animations and cursor blink are
off (conftest), and each snapshot is taken after the workers have finished.
"""

from __future__ import annotations

import pytest

from tracker_tui.app import make_app


async def settled(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_screen(snap_compare, seed_store, frozen_settings, size) -> None:
    app = make_app(seed_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_empty_store(snap_compare, empty_store, frozen_settings, size) -> None:
    app = make_app(empty_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=settled)


async def naming_the_tracker(pilot) -> None:
    await settled(pilot)
    await pilot.press("t", *"Release 2")
    await settled(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_empty_store_naming_the_tracker(snap_compare, empty_store, frozen_settings, size) -> None:
    """``t`` on the empty dashboard: the small prompt that names (starts) the tracker."""
    app = make_app(empty_store, frozen_settings)
    assert snap_compare(app, terminal_size=size, run_before=naming_the_tracker)


async def settled_with_help(pilot) -> None:
    await settled(pilot)
    await pilot.press("4", "question_mark")
    await settled(pilot)


@pytest.mark.parametrize("size", [(80, 24)])
def test_ascii_activity_and_help(snap_compare, seed_store, frozen_settings, size) -> None:
    """``--ascii``: ASCII key names, borders, separators and scrollbar (the seed's own
    en dashes stay: user data is shown as it is)."""
    app = make_app(seed_store, frozen_settings, ascii=True)
    assert snap_compare(app, terminal_size=size, run_before=settled_with_help)
