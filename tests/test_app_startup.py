"""Start-up and the first edit on a store bigger than a screenful.

- The rows beyond the first screenful are read after the first frame is on the terminal,
  not while it is being drawn (a worker building thousands of rows competes for the GIL).
- An edit that changes the header's counts redraws the edited row and the header lines
  that moved: not the task table's scrollbar (which every layout pass of the screen used
  to repaint, ~2 KB at 40 rows).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.markdown import parse_document
from tracker_tui.markdown.sample import synthetic_tracker
from tracker_tui.screens.snapshot import FIRST_SCREENFUL, SnapshotScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable

TASKS = FIRST_SCREENFUL + 100


@pytest.fixture
def big_store(tmp_path: Path):
    store = Store.open(str(tmp_path / "big.db"), user="alice")
    store.import_document(parse_document(synthetic_tracker(tasks=TASKS, activity=20)))
    yield store
    store.close()


async def settle(app: TrackerApp, pilot: object) -> None:
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()


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

    def read_all(self: SnapshotScreen, focus: str | None):
        started.append(self.app.first_frame_shown)
        return original(self, focus)

    monkeypatch.setattr(SnapshotScreen, "_read_all", read_all)
    app = make_app(big_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert started == [True]
        assert app.screen.query_one("#tasks", RecordTable).row_count == TASKS


async def test_a_small_store_reads_nothing_more(seed_store, frozen_settings, monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(SnapshotScreen, "_read_all", lambda self, focus: calls.append(focus))
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
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
        await settle(app, pilot)
        table = app.screen.query_one("#tasks", RecordTable)
        assert table.cursor_key == first
        status_before = app.screen.query_one("#header-status").render()
        updates = rows_written(app, monkeypatch)
        await pilot.press("minus")
        await settle(app, pilot)
        assert big_store.task(first).status != "Complete"
        assert app.screen.query_one("#header-status").render() != status_before
        written = set().union(*updates)
        cursor_y = table.region.y + 1  # the header line, then the first row
        assert cursor_y in written
        # Nothing below the edited row: the table's other rows and its scrollbar stay.
        assert max(written) == cursor_y, sorted(written)
