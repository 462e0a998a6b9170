"""Switching trackers shows the new one on the Snapshot screen already built (issue #12),
driven with Pilot as a user would: edits land in the tracker they were made on, a read
of the tracker before that arrives late is dropped, live refresh follows the new
tracker, undo stays in it, and with a task detail or a form open over the Snapshot the
screens are rebuilt as before."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from conftest import settle
from test_screens_support import wait_for

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.live_refresh import POLL_SECONDS
from tracker_tui.store import Store
from tracker_tui.widgets.record_table import RecordTable

#: The portfolio's rows, in name order.
TRACKERS = ("Ops", "Version 1.00", "Version 1.01")
#: What the first tab says at 80 columns once each is opened.
TABS = {"Version 1.00": "0 Vers…1.00│", "Version 1.01": "0 Vers…1.01│"}


def _text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _snapshot(app: Any) -> Any:
    return app.get_screen_stack("snapshot")[0]


def _table(app: Any) -> RecordTable:
    return _snapshot(app).query_one("#tasks", RecordTable)


def _keys_to(name: str) -> list[str]:
    """On the portfolio: to the first row, down to ``name``'s, and enter."""
    return ["g", *["j"] * TRACKERS.index(name), "enter"]


async def _open(pilot: Any, name: str) -> None:
    await pilot.press("0")
    await settle(pilot)
    await pilot.press(*_keys_to(name))
    await settle(pilot)
    assert TABS[name] in _text(pilot.app).splitlines()[0]


@asynccontextmanager
async def _on_version_1_00(store: Store, settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """The dashboard at 80x24, Version 1.00 opened from the portfolio."""
    app = make_app(store, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot, "Version 1.00")
        yield app, pilot


def _progress(store: Store, tracker: str, task_id: str) -> int:
    ref = next(ref for ref in store.trackers() if ref.name == tracker)
    return store.for_tracker(ref).task(task_id).progress


async def test_switching_back_and_forth_reuses_the_snapshot_and_edits_stay_in_their_tracker(
    several: Store, frozen_settings: Settings
) -> None:
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        first = _snapshot(app)
        await pilot.press("minus")  # 1.00's UT-001: 100% -> 90%
        await settle(pilot)
        await _open(pilot, "Version 1.01")
        assert _snapshot(app) is first  # shown on 1.01, not composed again
        assert _table(app).get_row("UT-001").progress == 100
        await pilot.press("j", "minus", "minus")  # 1.01's UT-002: 100% -> 80%
        await settle(pilot)
        await _open(pilot, "Version 1.00")
        assert _snapshot(app) is first
        assert _table(app).cursor_key == "UT-001"  # as a new screen opens: the first row
        lines = _text(app).splitlines()
        assert " 90%" in next(line for line in lines if "UT-001" in line)
        assert " 100%" in next(line for line in lines if "UT-002" in line)
    assert _progress(several, "Version 1.00", "UT-001") == 90
    assert _progress(several, "Version 1.00", "UT-002") == 100
    assert _progress(several, "Version 1.01", "UT-001") == 100
    assert _progress(several, "Version 1.01", "UT-002") == 80


async def test_the_next_tracker_opens_as_a_new_snapshot_would(
    several: Store, frozen_settings: Settings
) -> None:
    """A filter, a sort and a cursor on Version 1.00 are not carried to Version 1.01: the
    screen reads as it does when 1.01 is the first tracker opened."""
    fresh = make_app(several, frozen_settings)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*_keys_to("Version 1.01"))
        await settle(pilot)
        expected = _text(fresh)
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        await pilot.press("o", "j", "j", "enter")  # sorted by Title
        await settle(pilot)
        await pilot.press("slash", *"M3", "enter", "j")
        await settle(pilot)
        assert _table(app).filter_text == "M3"
        await _open(pilot, "Version 1.01")
        assert _text(app) == expected


async def test_a_read_of_the_tracker_before_that_arrives_after_the_switch_is_dropped(
    several: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bob's edit of 1.00's UT-001 is being read when alice opens 1.01: when the read
    comes back, 1.01's UT-001 (another task with the same ID) is left as it is."""
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        store = _snapshot(app).store
        started, release = threading.Event(), threading.Event()
        read = store.tasks_by_id

        def held(ids: list[str]) -> Any:
            started.set()
            release.wait(10)
            return read(ids)

        monkeypatch.setattr(store, "tasks_by_id", held)
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.update_task("UT-001", {"progress": 5})
        app.live_refresh.check_now()
        await wait_for(pilot, started.is_set)
        # Not settle: the held read is a worker, and it is held until after the switch.
        await pilot.press("0")
        await wait_for(pilot, lambda: app.current_mode == "portfolio")
        await pilot.press(*_keys_to("Version 1.01"))
        await wait_for(pilot, lambda: TABS["Version 1.01"] in _text(app).splitlines()[0])
        release.set()
        await settle(pilot)
        await pilot.pause(POLL_SECONDS * 2 + 0.1)
        await settle(pilot)
        assert _table(app).get_row("UT-001").progress == 100
        assert _table(app).get_marker("UT-001") is None
        row = next(line for line in _text(app).splitlines() if "UT-001" in line)
        assert " 100%" in row and "✎" not in row


async def test_live_refresh_follows_the_tracker_opened(
    several: Store, frozen_settings: Settings
) -> None:
    """After the switch, bob's edit in 1.01 shows (with its mark) and his edit in 1.00
    does not; the mark 1.00's UT-001 had is not carried to 1.01's."""
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.update_task("UT-001", {"progress": 50})
        await wait_for(pilot, lambda: "✎UT-001" in _text(app))
        await _open(pilot, "Version 1.01")
        assert "✎" not in _text(app)
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.update_task("UT-003", {"progress": 30})
        with Store.open(several.target, user="bob", tracker="Version 1.01") as bob:
            bob.update_task("UT-002", {"progress": 40})
        await wait_for(pilot, lambda: "✎UT-002" in _text(app))
        await pilot.pause(POLL_SECONDS * 2 + 0.1)
        await settle(pilot)
        table = _table(app)
        assert table.get_row("UT-002").progress == 40
        assert table.get_row("UT-001").progress == 100
        assert table.get_row("UT-003").progress == 100
        assert table.get_marker("UT-001") is None and table.get_marker("UT-003") is None


async def test_undo_after_a_switch_undoes_in_the_tracker_shown(
    several: Store, frozen_settings: Settings
) -> None:
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        await pilot.press("minus")  # 1.00's UT-001: 90%
        await settle(pilot)
        await _open(pilot, "Version 1.01")
        await pilot.press("minus")  # 1.01's UT-001: 90%
        await settle(pilot)
        assert _table(app).get_row("UT-001").progress == 90
        await pilot.press("u")
        await settle(pilot)
        assert _table(app).get_row("UT-001").progress == 100
        assert any("Undone: UT-001" in str(n.message) for n in app._notifications)
    assert _progress(several, "Version 1.01", "UT-001") == 100
    assert _progress(several, "Version 1.00", "UT-001") == 90


async def test_a_task_detail_open_over_the_snapshot_means_a_rebuild(
    several: Store, frozen_settings: Settings
) -> None:
    """The detail (a full screen, so 0 works from it) goes with the tracker's screens,
    as before: the next tracker opens on a new Snapshot screen."""
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        first = _snapshot(app)
        await pilot.press("enter")  # UT-001's detail
        await settle(pilot)
        detail = app.screen
        assert detail is not first
        await _open(pilot, "Version 1.01")
        assert _snapshot(app) is not first
        assert app.screen is _snapshot(app)
        assert detail not in app.get_screen_stack("snapshot")
        assert _table(app).get_row("UT-001").progress == 100


async def test_a_form_open_over_the_snapshot_means_a_rebuild(
    several: Store, frozen_settings: Settings
) -> None:
    """A tracker opened while a form is open on the Snapshot (the keys to the portfolio
    are refused under a form; the app's ``open_tracker`` is not): the screens are
    rebuilt as before, the form with them, and nothing typed in it is saved."""
    app = make_app(several, frozen_settings)
    refs = {ref.name: ref for ref in several.trackers()}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot, "Version 1.00")
        first = _snapshot(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", *"Draft")
        form = app.screen
        assert form is not first
        app.open_tracker(refs["Version 1.01"])
        await settle(pilot)
        assert _snapshot(app) is not first
        assert app.screen is _snapshot(app)
        assert form not in app.get_screen_stack("snapshot")
        assert TABS["Version 1.01"] in _text(app).splitlines()[0]
    assert all(
        "Draft" not in task.title for task in several.for_tracker(refs["Version 1.00"]).tasks()
    )


async def test_keys_typed_in_one_burst_across_a_switch_land_in_their_trackers(
    several: Store, frozen_settings: Settings
) -> None:
    """`-`, the switch and `- -` typed at once, before any of them is drawn: one edit in
    1.00, two in 1.01, none lost and none in the wrong tracker."""
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        await pilot.press("minus", "0", *_keys_to("Version 1.01"), "minus", "minus")
        await settle(pilot)
        assert TABS["Version 1.01"] in _text(app).splitlines()[0]
    assert _progress(several, "Version 1.00", "UT-001") == 90
    assert _progress(several, "Version 1.01", "UT-001") == 80


async def test_a_resize_during_a_switch_draws_the_new_tracker(
    several: Store, frozen_settings: Settings
) -> None:
    with Store.open(several.target, user="bob", tracker="Version 1.01") as bob:
        bob.update_task("UT-001", {"title": "Only in 1.01"})
    async with _on_version_1_00(several, frozen_settings) as (app, pilot):
        await pilot.press("0", *_keys_to("Version 1.01"))
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "Only in 1.01" in _text(app)
