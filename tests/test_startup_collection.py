"""The dashboard's start-up runs with the cycle collector paused (issue 13: ~17 ms of the
first frame) and turns it back on once the first frame is drawn, or when the start-up
ends without one."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tracker_tui import cli
from tracker_tui.app import make_app
from tracker_tui.collection_pauses import collection_paused
from tracker_tui.config import Settings
from tracker_tui.store.store import Store


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()
    gc.unfreeze()


async def test_the_collector_is_back_on_once_the_first_frame_is_drawn(
    collector_on: None, seed_store: Store, frozen_settings: Settings
) -> None:
    resume = collection_paused()
    app = make_app(seed_store, frozen_settings, mode="standup")
    app.resume_at_first_frame(resume)
    assert not gc.isenabled()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.first_frame_shown
        assert gc.isenabled()
        # What the start-up made is out of the collector's way from now on.
        assert gc.get_freeze_count() > 0


def test_a_start_up_refused_leaves_the_collector_on(
    collector_on: None, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --read-only on a store that does not exist: refused before Textual starts.
    frozen = gc.get_freeze_count()
    code = cli.main(["--db", str(tmp_path / "none.db"), "--read-only"])
    assert code == 1
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # nothing frozen for a start-up that never drew
