"""SVG snapshots of the Risks screen (and the Snapshot screen's header) in 16 colours and
under NO_COLOR, at 80x24: Critical, High, Medium and Low keep their order in each.

In 16 colours every colour is mapped to the nearest of the 16 before the picture is taken
(``colour_modes.SixteenColours``), as the terminal would: the SVG shows what it shows.
"""

from __future__ import annotations

from typing import Any

import pytest
from colour_modes import Mode, show_as_terminal, use_colour_mode, with_every_urgency

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store


async def _settled(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _keys(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await _settled(pilot)
        await pilot.press(*keys)
        await _settled(pilot)

    return run_before


@pytest.mark.parametrize("screen", ["risks", "snapshot"])
@pytest.mark.parametrize("mode", ["16", "none"], ids=["16-colours", "no-color"])
def test_urgency(
    snap_compare: Any,
    seed_store: Store,
    frozen_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    mode: Mode,
    screen: str,
) -> None:
    with_every_urgency(seed_store)
    use_colour_mode(monkeypatch, mode)
    app = make_app(seed_store, frozen_settings)
    show_as_terminal(monkeypatch, app, mode)
    keys = ("2", "j") if screen == "risks" else ("j",)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))
