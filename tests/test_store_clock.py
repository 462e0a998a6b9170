"""One clock per store: Last Update, new activity entries and the history's timestamps
all read the clock the store was opened with (``Store.open(clock=...)``), which the UI
and the CLI reach as ``store.clock``. Tests freeze it without patching any module."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from tracker_tui.domain import FixedClock, SystemClock
from tracker_tui.markdown import read_document
from tracker_tui.store import Store

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample-tracker.md"


def test_edits_and_history_read_the_stores_clock(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2030, 1, 2, 23, 30, tzinfo=UTC), day=date(2030, 1, 3))
    with Store.open(tmp_path / "t.db", user="alice", clock=clock) as store:
        assert store.clock is clock
        store.import_document(read_document(SAMPLE))
        task = store.update_task("UT-001", {"notes": "x"})
        assert task.last_update == date(2030, 1, 3)
        assert task.updated_at == "2030-01-02T23:30:00+00:00"
        assert store.add_activity("Kick-off").date == "2030-01-03"
        assert store.create_task({"title": "New"}).last_update == date(2030, 1, 3)
        assert {change.at for change in store.history()} == {"2030-01-02T23:30:00+00:00"}
        undone = store.undo()
        assert {change.at for change in undone} == {"2030-01-02T23:30:00+00:00"}


def test_history_timestamps_are_utc_whatever_the_clocks_zone(tmp_path: Path) -> None:
    paris = timezone(timedelta(hours=2))
    clock = FixedClock(datetime(2030, 6, 1, 11, 0, tzinfo=paris))
    with Store.open(tmp_path / "t.db", user="alice", clock=clock) as store:
        store.import_document(read_document(SAMPLE))
        assert store.update_task("UT-001", {"owner": "Bo"}).updated_at == (
            "2030-06-01T09:00:00+00:00"
        )


def test_the_default_clock_is_the_system_clock(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.db", user="alice") as store:
        assert isinstance(store.clock, SystemClock)
        assert store.clock.today() == date.today()
