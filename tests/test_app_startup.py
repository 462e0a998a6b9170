"""Start-up and the first edit on a store bigger than a screenful.

- The rows beyond the first screenful are read after the first frame is on the terminal,
  not while it is being drawn (a worker building thousands of rows competes for the GIL).
- An edit that changes the header's counts redraws the edited row and the header lines
  that moved: not the task table's scrollbar (which every layout pass of the screen used
  to repaint, ~2 KB at 40 rows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import settle

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.markdown import parse_document
from tracker_tui.markdown.sample import synthetic_tracker
from tracker_tui.screens.snapshot import FIRST_SCREENFUL, SnapshotScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable

TASKS = FIRST_SCREENFUL + 100


@pytest.fixture
def big_store(synthetic_store: Callable[[int, int], Store]) -> Store:
    return synthetic_store(TASKS, 20)


def rows_written(app: TrackerApp, monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """For each screen update, the screen rows (0-based) it writes to."""
    from textual._compositor import CompositorUpdate

    updates: list[set[int]] = []
    original = app._display

    def display(screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            text = renderable.render_segments(app.console)
            updates.append({int(m.group(1)) - 1 for m in re.finditer(r"\x1b\[(\d+);\d+H", text)})
        original(screen, renderable)

    monkeypatch.setattr(app, "_display", display)
    return updates


async def test_the_rest_is_read_after_the_first_frame(big_store, frozen_settings, monkeypatch):
    started: list[bool] = []
    original = SnapshotScreen._read_all

    def read_all(self: SnapshotScreen, focus: str | None, store: Store):
        started.append(self.app.first_frame_shown)
        return original(self, focus, store)

    monkeypatch.setattr(SnapshotScreen, "_read_all", read_all)
    app = make_app(big_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert started == [True]
        assert app.screen.query_one("#tasks", RecordTable).row_count == TASKS


async def test_a_small_store_reads_nothing_more(seed_store, frozen_settings, monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(SnapshotScreen, "_read_all", lambda self, focus, store: calls.append(focus))
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.first_frame_shown
    assert calls == []


async def test_first_edit_redraws_the_row_and_header_only(
    big_store: Store, frozen_settings: Settings, monkeypatch
) -> None:
    # A Complete task: "-" makes it In Progress, so the header's status counts change.
    first = big_store.tasks(limit=1)[0].id
    big_store.update_task(first, {"status": "Complete"})
    app = make_app(big_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#tasks", RecordTable)
        assert table.cursor_key == first
        status_before = app.screen.query_one("#header-status").render()
        updates = rows_written(app, monkeypatch)
        await pilot.press("minus")
        await settle(pilot)
        assert big_store.task(first).status != "Complete"
        assert app.screen.query_one("#header-status").render() != status_before
        written = set().union(*updates)
        cursor_y = table.region.y + 1  # the header line, then the first row
        assert cursor_y in written
        # Nothing below the edited row: the table's other rows and its scrollbar stay.
        assert max(written) == cursor_y, sorted(written)


class TestKeysBeforeTheRestArrives:
    """G (or g) pressed while only the first screenful is read means the whole list's end:
    the cursor follows when the rest arrives; any other move keeps the cursor on its task."""

    TASKS = 1_000

    @pytest.fixture
    def thousand(self, tmp_path: Path):
        store = Store.open(str(tmp_path / "thousand.db"), user="alice")
        store.import_document(parse_document(synthetic_tracker(self.TASKS, 10)))
        yield store
        store.close()

    async def _opened_with_the_rest_held(self, app: TrackerApp, pilot, held: list) -> RecordTable:
        """The app showing its first screenful; the rest is read when ``held`` is released."""
        await pilot.pause()
        table = app.screen.query_one("#tasks", RecordTable)
        assert held and table.row_count == FIRST_SCREENFUL
        return table

    @pytest.fixture
    def held(self, monkeypatch: pytest.MonkeyPatch) -> list[SnapshotScreen]:
        screens: list[SnapshotScreen] = []
        monkeypatch.setattr(SnapshotScreen, "after_first_frame", lambda self: screens.append(self))
        return screens

    @staticmethod
    def release(held: list[SnapshotScreen]) -> None:
        """The rest arrives: what ``after_first_frame`` would have started."""
        screen = held[0]
        assert screen._rest_pending
        screen._rest_pending = False
        screen._read_all(None, screen.store)

    async def test_G_lands_on_the_last_task(self, thousand, frozen_settings, held):
        last = thousand.tasks()[-1].id
        app = make_app(thousand, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            table = await self._opened_with_the_rest_held(app, pilot, held)
            await pilot.press("G")
            assert table.cursor_row == FIRST_SCREENFUL - 1
            self.release(held)
            await settle(pilot)
            assert table.row_count == self.TASKS
            assert table.cursor_row == self.TASKS - 1 and table.cursor_key == last
            # Once everything is here, G is an ordinary key again.
            await pilot.press("k", "G")
            assert table.cursor_key == last

    async def test_g_after_a_sort_lands_on_the_first_of_the_whole_list(
        self, thousand, frozen_settings, held
    ):
        first_by_title = min(thousand.tasks(), key=lambda task: task.title.casefold()).id
        app = make_app(thousand, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            table = await self._opened_with_the_rest_held(app, pilot, held)
            table.sort_by("title")
            await pilot.press("G", "g")
            self.release(held)
            await settle(pilot)
            assert table.cursor_row == 0 and table.cursor_key == first_by_title

    async def test_a_move_after_G_keeps_the_cursor_on_its_task(
        self, thousand, frozen_settings, held
    ):
        app = make_app(thousand, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            table = await self._opened_with_the_rest_held(app, pilot, held)
            await pilot.press("G", "k")
            chosen = table.cursor_key
            self.release(held)
            await settle(pilot)
            assert table.row_count == self.TASKS and table.cursor_key == chosen

    async def test_a_filter_typed_early_covers_the_whole_list(
        self, thousand, frozen_settings, held
    ):
        last = thousand.tasks()[-1].id
        app = make_app(thousand, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            table = await self._opened_with_the_rest_held(app, pilot, held)
            table.filter_text = last
            self.release(held)
            await settle(pilot)
            assert [task.id for task in table.visible_rows] == [last]


# -- a fresh install: no store yet ------------------------------------------------------


@pytest.fixture
def fresh_store(tmp_path: Path):
    """A store whose file (and folder) do not exist yet, as on a fresh install."""
    store = Store.open(str(tmp_path / "data" / "tracker.db"), user="alice")
    yield store
    store.close()


async def test_a_fresh_install_starts_a_tracker_from_the_empty_dashboard(
    fresh_store, frozen_settings, screen_text
):
    """The empty dashboard says what to do; t names the tracker, n adds its first task."""
    from textual.widgets import Input

    from tracker_tui.screens.task_form import TaskFormScreen
    from tracker_tui.screens.title_prompt import TitlePrompt

    path = fresh_store.target.path
    app = make_app(fresh_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "No tracker yet. Press t to name it and n to add its first task" in text
        assert not path.exists()  # looking creates nothing

        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TitlePrompt)
        await pilot.press(*"Release 2", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TitlePrompt)
        assert fresh_store.tracker_info().title == "Release 2"
        assert screen_text(app).splitlines()[1].strip().startswith("Release 2")  # header
        text = " ".join(screen_text(app).split())
        assert "No tasks yet. Press n to add the first one." in text

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)
        app.screen.query_one("#in-title", Input).focus()
        await pilot.press(*"Kick-off", "ctrl+s")
        await settle(pilot)
        assert [task.title for task in fresh_store.tasks()] == ["Kick-off"]
        assert "Kick-off" in screen_text(app)
    assert path.exists()


async def test_the_title_prompt_refuses_an_empty_title_and_stays_open(fresh_store, frozen_settings):
    from textual.widgets import Static

    from tracker_tui.screens.title_prompt import TitlePrompt

    app = make_app(fresh_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t", "space", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TitlePrompt)
        error = app.screen.query_one("#title-error", Static)
        assert "title cannot be empty" in str(error.render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TitlePrompt)
    assert not fresh_store.target.path.exists()
