"""Urgency reads the same in every colour mode: full colour, 16 colours (``TERM=xterm``) and
``NO_COLOR``. The most urgent impact or status is always the loudest thing drawn.

Before the fix, under NO_COLOR High was a dark grey on near-black (Textual turns red into
a grey of its luminance), and in 16 colours Medium came out bright red and High magenta.
"""

from __future__ import annotations

import pytest
from colour_modes import (
    Mode,
    ansi_number,
    screen_cells,
    show_as_terminal,
    use_colour_mode,
    with_every_urgency,
)
from rich.style import Style

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store
from tracker_tui.widgets.urgency import Urgency, impact_urgency

BRIGHT_RED, YELLOW = 9, 3


@pytest.fixture
def store(seed_store: Store) -> Store:
    """Every impact, and UT-002 Blocked, UT-003 At Risk (see ``with_every_urgency``)."""
    return with_every_urgency(seed_store)


async def _run(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _cell(app, row_text: str, cell_text: str) -> Style:
    """The style of ``cell_text`` on the screen line that contains ``row_text``."""
    for line in screen_cells(app):
        # One style per character: unstyled text may share a segment with its neighbours.
        chars = [(char, style) for text, style in line for char in text]
        plain = "".join(char for char, _ in chars)
        start = plain.find(row_text)
        if start < 0:
            continue
        found = plain.find(f" {cell_text} ", start)
        if found >= 0:
            return chars[found + 1][1]
    raise AssertionError(f"{cell_text!r} not on the line of {row_text!r}")


def _ansi(style: Style) -> int | None:
    """The colour number a 16-colour terminal draws ``style``'s text in."""
    return ansi_number(style.color)


async def _risks_screen(app, pilot) -> None:
    await _run(pilot)
    await pilot.press("2", "G")  # the cursor away from R-01..R-04, onto R-05
    await _run(pilot)


@pytest.mark.parametrize("mode", ["16", "none"])
async def test_impacts_keep_their_order_on_the_risks_screen(
    store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    use_colour_mode(monkeypatch, mode)
    app = make_app(store, frozen_settings)
    show_as_terminal(monkeypatch, app, mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await _risks_screen(app, pilot)
        critical = _cell(app, "R-01", "Critical")
        high = _cell(app, "R-02", "High")
        medium = _cell(app, "R-03", "Medium")
        low = _cell(app, "R-04", "Low")
    if mode == "16":
        assert critical.reverse and _ansi(critical) == BRIGHT_RED
        assert high.bold and not high.reverse and _ansi(high) == BRIGHT_RED
        assert _ansi(medium) == YELLOW and not medium.bold
        assert _ansi(low) not in (BRIGHT_RED, YELLOW, 1)
    else:
        assert critical.reverse and critical.bold
        assert high.reverse and not high.bold
        assert medium.bold and not medium.reverse
        assert not low.bold and not low.reverse


@pytest.mark.parametrize("mode", ["16", "none"])
async def test_header_draws_high_louder_than_medium(
    store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    use_colour_mode(monkeypatch, mode)
    app = make_app(store, frozen_settings)
    show_as_terminal(monkeypatch, app, mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run(pilot)
        critical = _cell(app, "Open risks:", "Critical")
        high = _cell(app, "Open risks:", "High")
        medium = _cell(app, "Open risks:", "Medium")
    if mode == "16":
        assert critical.reverse and _ansi(critical) == BRIGHT_RED
        assert high.bold and _ansi(high) == BRIGHT_RED
        assert _ansi(medium) == YELLOW
    else:
        assert critical.reverse and critical.bold
        assert high.reverse
        assert medium.bold and not medium.reverse


@pytest.mark.parametrize("mode", ["16", "none"])
async def test_blocked_is_louder_than_at_risk(
    store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch, mode: Mode
) -> None:
    use_colour_mode(monkeypatch, mode)
    app = make_app(store, frozen_settings)
    show_as_terminal(monkeypatch, app, mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await _run(pilot)
        await pilot.press("G")  # the cursor off UT-002 and UT-003
        await _run(pilot)
        blocked = _cell(app, "UT-002", "Blocked")
        at_risk = _cell(app, "UT-003", "At Risk")
    if mode == "16":
        assert blocked.bold and _ansi(blocked) == BRIGHT_RED
        assert _ansi(at_risk) == YELLOW
    else:
        assert blocked.reverse
        assert at_risk.bold and not at_risk.reverse


@pytest.mark.parametrize(
    ("impact", "urgency"),
    [
        ("P0", Urgency.CRITICAL),
        ("p1", Urgency.HIGH),
        ("P2", Urgency.MEDIUM),
        ("P3", Urgency.LOW),
        ("Sev 1", Urgency.CRITICAL),
        ("sev-2", Urgency.HIGH),
        ("  high ", Urgency.HIGH),
        ("Moderate", Urgency.MEDIUM),
        ("whenever", Urgency.NONE),
    ],
)
def test_impacts_outside_the_scale_find_their_place(impact: str, urgency: Urgency) -> None:
    assert impact_urgency(impact) == urgency
