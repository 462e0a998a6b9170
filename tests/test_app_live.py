"""Live refresh: another user's edit shows up in place; an idle app writes nothing; a
poller that fails says so (once) and catches up when the store is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_screens_support import wait_for

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.errors_log import log_path
from tracker_tui.live_refresh import POLL_FAILURES_TOLD, POLL_SECONDS
from tracker_tui.screens.snapshot import FIRST_SCREENFUL
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable


def table(app: TrackerApp) -> RecordTable:
    return snapshot_screen(app).query_one("#tasks", RecordTable)


def snapshot_screen(app: TrackerApp):
    return app.get_screen_stack("snapshot")[0]


def progress_of(app: TrackerApp, task_id: str) -> int | None:
    row = table(app).get_row(task_id)
    return None if row is None else row.progress


def notes_of(app: TrackerApp, task_id: str) -> str | None:
    row = table(app).get_row(task_id)
    return None if row is None else row.notes


def messages(app: TrackerApp) -> list[str]:
    return [notification.message for notification in app._notifications]


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


async def polls(app: TrackerApp, pilot, count: int = 2) -> None:
    """Let the poller run ``count`` times (for "nothing happens" checks)."""
    await pilot.pause(POLL_SECONDS * count + 0.1)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_another_users_edit_shows_with_cursor_unmoved(
    app: TrackerApp, tmp_path: Path, screen_text
) -> None:
    """bob edits UT-003; alice sees it within a poll, her cursor stays on UT-002."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-003", {"progress": 30, "status": "In Progress"})
        await wait_for(pilot, lambda: "✎UT-003" in screen_text(app))
        assert table(app).cursor_key == "UT-002"
        assert table(app).get_row("UT-003").progress == 30
        row = next(line for line in screen_text(app).splitlines() if "UT-003" in line)
        assert "30%" in row
        assert "In Progress" in row
        # The mark has a column of its own: the notes are still there.
        assert "Marketplace taxonomy" in row


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
        await wait_for(pilot, lambda: notes_of(app, "UT-005") == "moved")
        assert asked == [["UT-005"]]


async def test_as_many_changes_as_the_limit_reload_everything(
    app: TrackerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``changes_since`` returned CHANGES_LIMIT changes (there may be more): the table is
    read whole, not patched from a list that may be cut short."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        store = app.store
        monkeypatch.setattr(store, "CHANGES_LIMIT", 1, raising=False)
        read_all: list[bool] = []
        original = store.tasks
        monkeypatch.setattr(
            store, "tasks", lambda **kwargs: read_all.append(True) or original(**kwargs)
        )
        monkeypatch.setattr(store, "tasks_by_id", lambda ids: pytest.fail("patched rows"))
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-005", {"notes": "moved"})
        await wait_for(pilot, lambda: notes_of(app, "UT-005") == "moved")
        assert read_all


async def test_idle_app_writes_nothing(app: TrackerApp, monkeypatch) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        written = count_writes(app, monkeypatch)
        await polls(app, pilot)
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
        await wait_for(pilot, lambda: app.store.task("UT-001").progress == 90)
        revision = app.store.revision()
        # The poller sees our own write too: no second redraw.
        await wait_for(pilot, lambda: app.live_refresh.revision == revision)
        await polls(app, pilot, 1)
        assert 0 < sum(written) <= 2048, written


async def test_modal_is_left_alone(app: TrackerApp, tmp_path: Path, screen_text) -> None:
    """A change under an open prompt leaves the prompt as it was; the table underneath
    is up to date when it closes."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("percent_sign")
        await pilot.pause()
        prompt = app.screen
        assert type(prompt).__name__ == "ProgressPrompt"
        box = prompt.query_one(".prompt-box").region

        def prompt_text() -> list[str]:
            lines = screen_text(app).splitlines()[box.y : box.bottom]
            return [line[box.x : box.right] for line in lines]

        before = prompt_text()
        assert "Progress of UT-001" in " ".join(before)
        value = prompt.query_one("#progress-value").value
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-001", {"progress": 10})
        await wait_for(pilot, lambda: progress_of(app, "UT-001") == 10)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is prompt
        assert prompt.query_one("#progress-value").value == value == "100"
        assert prompt_text() == before
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SnapshotScreen"
        row = next(line for line in screen_text(app).splitlines() if "UT-001" in line)
        assert "10%" in row


async def test_a_failing_poller_says_so_once_and_catches_up(
    app: TrackerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """revision() fails for a while: the error is logged, the user told once; when it
    works again the change made meanwhile is shown (it was not marked as seen)."""
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        store = app.store
        original = store.revision
        broken = {"on": True}

        def revision() -> int:
            if broken["on"]:
                raise RuntimeError("disk went away")
            return original()

        monkeypatch.setattr(store, "revision", revision)
        with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
            bob.update_task("UT-005", {"notes": "while it was down"})
        await wait_for(pilot, lambda: any("Live refresh is failing" in m for m in messages(app)))
        assert "RuntimeError: disk went away" in log_path().read_text(encoding="utf-8")
        assert app.live_refresh.failures >= POLL_FAILURES_TOLD
        failures = app.live_refresh.failures
        await wait_for(pilot, lambda: app.live_refresh.failures > failures)
        told = [m for m in messages(app) if "Live refresh is failing" in m]
        assert len(told) == 1  # once, not at every tick
        assert notes_of(app, "UT-005") != "while it was down"

        broken["on"] = False
        await wait_for(pilot, lambda: notes_of(app, "UT-005") == "while it was down")
        await wait_for(pilot, lambda: "Live refresh works again." in messages(app))
        assert app.live_refresh.failures == 0


async def test_a_commit_during_the_first_read_is_shown(
    seed_store: Store, frozen_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob commits while the Snapshot screen reads its first rows: the poller starts from
    the counters read before that read, so his change shows up."""
    original = seed_store.tasks
    bob_done: list[bool] = []

    def tasks(*, limit: int | None = None):
        rows = original(limit=limit)
        if limit == FIRST_SCREENFUL and not bob_done:
            bob_done.append(True)
            with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
                bob.update_task("UT-005", {"notes": "during start-up"})
        return rows

    monkeypatch.setattr(seed_store, "tasks", tasks)
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert bob_done
        await wait_for(pilot, lambda: notes_of(app, "UT-005") == "during start-up")
