"""Live refresh: another user's edit shows up in place; an idle app writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable


def table(app: TrackerApp) -> RecordTable:
    return app.screen.query_one("#tasks", RecordTable)


@pytest.fixture
def app(seed_store: Store, frozen_settings: Settings) -> TrackerApp:
    return make_app(seed_store, frozen_settings)


def count_writes(app: TrackerApp, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes the app would send to the terminal, one entry per screen update.

    Headless apps skip the write itself, so the update is rendered here as the real
    driver would render it.
    """
    from textual._compositor import CompositorUpdate

    written: list[int] = []
    original = app._display

    def display(screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            written.append(len(renderable.render_segments(app.console).encode("utf-8")))
        original(screen, renderable)

    monkeypatch.setattr(app, "_display", display)
    return written


async def test_another_users_edit_shows_with_cursor_unmoved(
    app: TrackerApp, tmp_path: Path, screen_text
) -> None:
    """bob edits UT-003; alice sees it within a poll, her cursor stays on UT-002."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-003", {"progress": 30, "status": "In Progress"})
        await pilot.pause(1.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table(app).cursor_key == "UT-002"
        assert table(app).get_row("UT-003").progress == 30
        row = next(line for line in screen_text(app).splitlines() if "UT-003" in line)
        assert "30%" in row
        assert "In Progress" in row
        assert "edited by bob" in row


async def test_changes_by_another_user_are_read_by_id(
    app: TrackerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the changed task is read again, never the whole table."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        store = app.store
        asked: list[list[str]] = []
        original = store.tasks_by_id
        monkeypatch.setattr(store, "tasks_by_id", lambda ids: asked.append(ids) or original(ids))
        monkeypatch.setattr(store, "tasks", lambda: pytest.fail("read every task"))
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-005", {"notes": "moved"})
        await pilot.pause(1.2)
        await app.workers.wait_for_complete()
        assert asked == [["UT-005"]]


async def test_idle_app_writes_nothing(app: TrackerApp, monkeypatch) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        written = count_writes(app, monkeypatch)
        await pilot.pause(1.2)
        assert sum(written) == 0


async def test_progress_edit_writes_little(app: TrackerApp, monkeypatch) -> None:
    """A progress edit redraws the row and the header lines that moved: under 2 KB."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        # Textual's first partial update after the first full frame repaints each widget
        # whole (its start-up dirty region is still pending): move the cursor once first.
        await pilot.press("j", "k")
        await pilot.pause()
        written = count_writes(app, monkeypatch)
        await pilot.press("minus")
        await app.workers.wait_for_complete()
        await pilot.pause(1.2)  # the poller sees our own write too: no second redraw
        assert app.store.task("UT-001").progress == 90
        assert 0 < sum(written) <= 2048, written


async def test_modal_is_left_alone(app: TrackerApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("percent_sign")
        await pilot.pause()
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-004", {"progress": 10})
        await pilot.pause(1.2)
        await app.workers.wait_for_complete()
        assert type(app.screen).__name__ == "ProgressPrompt"
        snapshot = (
            app.get_screen_stack("snapshot")[0]
            if hasattr(app, "get_screen_stack")
            else app._screen_stacks["snapshot"][0]
        )
        assert snapshot.query_one("#tasks", RecordTable).get_row("UT-004").progress == 10
