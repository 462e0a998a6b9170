"""A theme change restyles every screen, though the app's stylesheet is parsed only once
while the theme stays the same (``widgets/kept_stylesheet.py``, issue 13)."""

from __future__ import annotations

from textual.color import Color

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store


def _panel(app: object) -> Color:
    """The panel colour of the theme the app runs (what ``$panel`` resolves to)."""
    return Color.parse(app.get_css_variables()["panel"])  # type: ignore[attr-defined]


async def test_the_stand_up_head_follows_a_theme_change(
    seed_store: Store, frozen_settings: Settings
) -> None:
    app = make_app(seed_store, frozen_settings, mode="standup")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        head = app.screen.query_one(".standup-head")
        dark = head.styles.background
        assert dark == _panel(app)
        app.theme = "nord"
        await pilot.pause()
        assert head.styles.background == _panel(app) != dark
        app.theme = "textual-dark"
        await pilot.pause()
        assert head.styles.background == dark


async def test_a_screen_first_shown_after_a_theme_change_is_in_that_theme(
    seed_store: Store, frozen_settings: Settings
) -> None:
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        await pilot.press("6")  # the Stand-up screen, built now
        await pilot.pause()
        head = app.screen.query_one(".standup-head")
        assert head.styles.background == _panel(app)
        assert app.theme == "nord"
