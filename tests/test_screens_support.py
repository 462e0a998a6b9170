"""A small app for testing one screen or view on its own, with the app's stylesheet.

Holds no tests: imported by the other ``tests/test_screens_*.py`` and the snapshot tests.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

import tracker_tui
from tracker_tui.screens._writes import WritesInOrder

APP_TCSS = Path(tracker_tui.__file__).parent / "app.tcss"


class ScreenHarness(WritesInOrder, App[None]):
    """Pushes ``make_screen()`` at start and records what it dismisses with in ``results``;
    or, given ``make_view``, shows that widget (as the app's ViewScreen would)."""

    CSS_PATH = str(APP_TCSS)
    BINDINGS = [Binding("question_mark", "help", "Help", id="app.help")]  # noqa: RUF012

    def __init__(
        self,
        make_screen: Callable[[], Screen[Any]] | None = None,
        make_view: Callable[[], Widget] | None = None,
    ) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.make_view = make_view
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        if self.make_view is not None:
            yield self.make_view()
        else:
            yield Label("underneath")
        yield Footer()

    def on_mount(self) -> None:
        if self.make_screen is not None:
            self.push_screen(self.make_screen(), self.results.append)

    def action_help(self) -> None:
        from tracker_tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (tables and groups rendered 120 wide)."""
    console = Console(width=120, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


async def wait_for(pilot: Any, predicate: Callable[[], object], timeout: float = 10) -> None:
    """Pause until ``predicate()`` is true (polling, not a fixed sleep); fail after
    ``timeout`` seconds. For what arrives on its own, like a live refresh."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {predicate}")
        await pilot.pause(0.05)
