"""``--ascii``: every character the app draws itself is ASCII.

The store's data is made ASCII first (the sample's en dashes become hyphens), so any
character above 0x7F on screen is the app's own chrome: a separator, an arrow, a key
name, a truncation mark, a border, a scrollbar, the command palette, a toast. The test
walks every screen, the help, the forms, the detail view, prompts and a toast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE, settle

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.markdown import parse_document
from tracker_tui.store.store import Store


@pytest.fixture
def ascii_store(tmp_path: Path):
    text = SAMPLE.read_text(encoding="utf-8").replace("–", "-")
    assert text.isascii()
    store = Store.open(str(tmp_path / "ascii.db"), user="alice")
    store.import_document(parse_document(text))
    # A change by bob, so that the task detail shows a history line (old -> new).
    with Store.open(store.target, user="bob") as bob:
        bob.update_task("UT-001", {"owner": "Someone Else", "progress": 90})
    yield store
    store.close()


def non_ascii(app: TrackerApp) -> dict[str, str]:
    """Each non-ASCII character on any screen of the stack -> a line it is on."""
    found: dict[str, str] = {}
    for screen in app.screen_stack:
        for strip in screen._compositor.render_strips():
            line = strip.text
            for char in line:
                if ord(char) > 0x7F:
                    found.setdefault(char, line.strip())
    return found


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_ascii_mode_draws_only_ascii(ascii_store: Store, frozen_settings: Settings, size):
    app = make_app(ascii_store, frozen_settings, ascii=True)
    seen: dict[str, dict[str, str]] = {}
    async with app.run_test(size=size, notifications=True) as pilot:

        async def look(where: str, *keys: str) -> None:
            if keys:
                await pilot.press(*keys)
            await settle(pilot)
            found = non_ascii(app)
            if found:
                seen[where] = found

        await look("snapshot")
        app.notify("A toast", title="Toast")
        app.notify("A warning", severity="warning")
        await pilot.pause(0.2)
        await look("toasts")
        app.clear_notifications()
        await look("help", "question_mark")
        await look("back", "escape")
        await look("detail", "enter")
        await look("detail help", "question_mark")
        await look("back", "escape", "escape")
        await look("task form", "e")
        await look("task form select", "tab", "tab", "tab", "enter")
        await look("back", "escape", "escape")
        await look("confirm", "d")
        await look("back", "escape")
        await look("progress prompt", "percent_sign")
        await look("back", "escape")
        await look("status picker", "s")
        await look("status picker help", "question_mark")
        await look("back", "escape", "escape")
        await look("sort prompt", "o")
        await look("sorted", "down", "enter")
        await look("filter", "slash", "z", "z", "z")
        await look("back", "escape")
        await look("palette", "ctrl+p")
        await look("palette keys", *"keys", "enter")
        await look("back", "escape")
        await look("theme picker", "ctrl+p", *"theme", "enter")
        await look("back", "escape")
        for key, name in (("2", "risks"), ("3", "decisions"), ("4", "activity"), ("5", "plan")):
            await look(name, key)
            await look(f"{name} help", "question_mark")
            await look("back", "escape")
            if name in ("risks", "decisions"):
                await look(f"{name} form", "e")
                await look("back", "escape")
                await look(f"{name} delete", "d")
                await look("back", "escape")
            if name == "activity":
                await look("activity form", "a")
                await look("back", "escape")
        # The app's own tall screens scroll: the scrollbars are drawn too.
        await look("plan scrolled", "end")
    assert seen == {}


async def test_ascii_key_names(seed_store: Store, frozen_settings: Settings):
    from textual.binding import Binding

    app = make_app(seed_store, frozen_settings, ascii=True)
    async with app.run_test(size=(80, 24)):
        shown = {
            key: app.get_key_display(Binding(key, "x"))
            for key in ("enter", "up", "pagedown", "ctrl+r", "question_mark", "slash", "G")
        }
    assert shown == {
        "enter": "enter",
        "up": "up",
        "pagedown": "pgdn",
        "ctrl+r": "^r",
        "question_mark": "?",
        "slash": "/",
        "G": "G",
    }


async def test_unicode_mode_is_unchanged(seed_store: Store, frozen_settings: Settings, screen_text):
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    assert "⏎ Open" in text and "Status ▶" in text and " · " in text and "…" in text
