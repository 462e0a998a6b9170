"""Pilot tests of a terminal below 60x15 with a popup open (issue 9, item 5).

The size message lies over whatever is in front; the screens and popups stay underneath as
they were, with their unsaved edits, and show again when the terminal grows. While it is
too small, the only keys that act are escape (closes the popup in front) and ctrl+q.
The real-terminal version, through every kind of popup, is in test_live_terminal.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import settle
from textual.widgets import Input

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.screens.help import HelpScreen
from tracker_tui.screens.snapshot import SnapshotScreen
from tracker_tui.screens.task_form import TaskFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.too_small import TooSmallNotice

MESSAGE = "tracker-tui needs at least 60x15 (now 40x10)"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def app(seed_store: Store, frozen_settings: Settings) -> TrackerApp:
    return make_app(seed_store, frozen_settings)


async def test_edit_form_keeps_its_edit_through_a_too_small_terminal(
    app: TrackerApp, seed_store: Store, screen_text: Callable[[TrackerApp], str]
) -> None:
    title = seed_store.task("UT-001").title
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskFormScreen)
        await pilot.press("end", "space", "v", "2")
        title_input = form.query_one("#in-title", Input)
        assert title_input.value == f"{title} v2"

        await pilot.resize_terminal(40, 10)
        await settle(pilot)
        # The message alone on the screen, and the form still open underneath it.
        assert words(screen_text(app)) == MESSAGE
        assert app.screen is form
        # Keys typed while nothing can be seen change nothing.
        await pilot.press("x", "backspace", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert title_input.value == f"{title} v2"

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        text = screen_text(app)
        assert "needs at least" not in text
        assert "Edit task UT-001" in text
        assert "Save" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotScreen)
    assert seed_store.task("UT-001").title == f"{title} v2"


async def test_escape_closes_the_popup_and_ctrl_q_quits_while_too_small(
    app: TrackerApp, screen_text: Callable[[TrackerApp], str]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(40, 10)
        await settle(pilot)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotScreen)
        # The message goes with the screen in front: the dashboard does not show through.
        assert words(screen_text(app)) == MESSAGE

        # A popup that opens by itself meanwhile (a save's conflict question) is covered too.
        app.action_help()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert words(screen_text(app)) == MESSAGE

        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "escape or ? closes" in screen_text(app)
        await pilot.resize_terminal(40, 10)
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


async def test_quit_while_too_small_with_an_unsaved_form_says_how_to_answer(
    app: TrackerApp,
) -> None:
    """The quit question can't be seen below 60x15: the notice says so, and a second
    ctrl+q quits without saving."""
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("end", "x")
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        notice = app.screen.query_one(TooSmallNotice)
        assert "ctrl+q again to quit without saving" in str(notice.render())
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running
