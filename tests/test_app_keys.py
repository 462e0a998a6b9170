"""Keys as a terminal delivers them, and what the footer says about them.

- Keys typed right after ``/`` in one burst (a paste, ``tmux send-keys '/vit'``) land in
  the filter; ``/`` typed inside the filter is text.
- At 80 columns every screen's footer shows ``? Help`` and ``q Quit``, nothing cut.
- On a read-only store the write keys show as unavailable, and still say why when pressed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settle
from textual import events
from textual.widgets import Input

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.record_table import RecordTable

KEY_CHARACTERS = {"slash": "/", "space": " ", "minus": "-", "plus": "+"}


def burst(app: TrackerApp, *keys: str) -> None:
    """Queue ``keys`` all at once, as a terminal delivers a paste or ``send-keys``
    (``pilot.press`` waits for the app to go idle between keys, which hides the bug)."""
    for key in keys:
        app.post_message(events.Key(key, KEY_CHARACTERS.get(key, key)))


def footer_line(app: TrackerApp, screen_text) -> str:
    return screen_text(app).splitlines()[-1]


def footer_items(app: TrackerApp) -> dict[str, bool]:
    """key -> enabled, for the items the footer of the current screen shows."""
    footer = app.screen.query_one(KeyFooter)
    return {binding.key: enabled for binding, enabled, _ in footer.items()}


@pytest.fixture
def read_only_app(tmp_path: Path, seed_store: Store, frozen_settings: Settings):
    seed_store.close()
    store = Store.open(str(tmp_path / "t.db"), user="alice", read_only=True)
    yield make_app(store, frozen_settings)
    store.close()


class TestFilterTyping:
    async def test_keys_in_one_burst_after_slash_reach_the_filter(self, app):
        """/vit sent in one go: no character is lost to the table."""
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            burst(app, "slash", "v", "i", "t")
            await settle(pilot)
            assert app.screen.query_one("#filter", Input).value == "vit"
            assert [t.id for t in app.screen.query_one("#tasks", RecordTable).visible_rows] == [
                "UT-005",
                "UT-007",
            ]

    async def test_pressed_without_pauses(self, app):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("slash", "v", "i", "t")
            assert app.screen.query_one("#filter", Input).value == "vit"

    async def test_slash_plus_and_minus_are_text_in_the_filter(self, app, screen_text):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            burst(app, "slash", "c", "i", "slash", "c", "d")
            await settle(pilot)
            assert app.screen.query_one("#filter", Input).value == "ci/cd"
            # ... and the footer does not offer them while the filter has the focus.
            assert set(footer_items(app)) == {"escape"}
            assert "+10%" not in footer_line(app, screen_text)
            await pilot.press("escape")
            await settle(pilot)
            assert "slash" in footer_items(app) and "escape" not in footer_items(app)


class TestFooterAt80Columns:
    @pytest.mark.parametrize("mode", ["1", "2", "3", "4", "5"])
    async def test_every_screen_shows_help_and_quit(self, app, screen_text, mode):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(mode)
            await settle(pilot)
            line = footer_line(app, screen_text)
            assert "? Help" in line and "q Quit" in line, line
            assert "…" not in line

    async def test_task_detail_and_read_only_footers_fit(self, read_only_app, screen_text):
        app = read_only_app
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "? Help  q Quit" in footer_line(app, screen_text)
            await pilot.press("enter")
            await settle(pilot)
            assert "esc Back  e Edit  ? Help  q Quit" in footer_line(app, screen_text)

    async def test_narrower_than_the_keys_keeps_help_and_quit(self, app, screen_text):
        async with app.run_test(size=(60, 20)) as pilot:
            await settle(pilot)
            line = footer_line(app, screen_text)
            assert line.rstrip().endswith("? Help  q Quit")
            assert line.startswith(" ⏎ Open  s Status")

    async def test_a_click_on_an_item_presses_its_key(self, app, seed_store):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            footer = app.screen.query_one(KeyFooter)
            start = next(s for s, _, key in footer._spans if key == "minus")
            await pilot.click(KeyFooter, offset=(start, 0))
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 90


class TestReadOnlyFooter:
    WRITE_KEYS = ("s", "plus", "minus", "e", "n")

    async def test_write_keys_show_unavailable(self, read_only_app, screen_text):
        app = read_only_app
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            items = footer_items(app)
            assert {key: items[key] for key in self.WRITE_KEYS} == dict.fromkeys(
                self.WRITE_KEYS, False
            )
            assert items["slash"] and items["question_mark"] and items["q"]
            # Still listed: the footer and help say the keys exist, dimmed.
            assert "s Status" in footer_line(app, screen_text)

    async def test_write_keys_are_available_on_a_writable_store(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            items = footer_items(app)
            assert all(items[key] for key in self.WRITE_KEYS)

    @pytest.mark.parametrize("key", ["s", "plus", "minus", "e", "n", "d", "u", "percent_sign"])
    async def test_a_dimmed_key_still_says_why(self, read_only_app, key):
        app = read_only_app
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any(m.startswith("Read-only:") for m in messages), (key, messages)
            assert type(app.screen).__name__ == "SnapshotScreen"

    async def test_a_remapped_key_says_why_too(self, tmp_path, seed_store, frozen_settings):
        seed_store.close()
        frozen_settings.keymap = {"snapshot.status-next": "x"}
        store = Store.open(str(tmp_path / "t.db"), user="alice", read_only=True)
        app = make_app(store, frozen_settings)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            assert footer_items(app)["x"] is False
            await pilot.press("x")
            await settle(pilot)
            assert any("changing the status" in n.message for n in app._notifications)
        store.close()

    @pytest.mark.parametrize(
        ("mode", "keys"),
        [
            ("2", ("s", "e", "n", "d")),
            ("3", ("e", "n", "d")),
            ("4", ("a",)),
            ("5", ("n", "e", "d", "u")),
        ],
    )
    async def test_register_views_too(self, read_only_app, mode, keys):
        app = read_only_app
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press(mode)
            await settle(pilot)
            items = footer_items(app)
            assert all(items[key] is False for key in keys), items
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
                assert app.screen.__class__.__name__ == "ViewScreen", key
            assert sum(n.message.startswith("Read-only:") for n in app._notifications) == len(keys)


async def test_repeated_nothing_to_undo_shows_one_toast(app: TrackerApp) -> None:
    """Twenty ``u`` with nothing to undo: one "nothing to undo" toast, not a stack of
    them over the table."""
    from textual.widgets._toast import Toast

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for _ in range(20):
            await pilot.press("u")
        await settle(pilot)
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert len(toasts) == 1, toasts
        assert "nothing to undo" in toasts[0]
        # A different message still gets its own toast beside it.
        app.notify("Saved.")
        await settle(pilot)
        assert len(app.screen.query(Toast)) == 2
