"""The portfolio (key 0) and the owner view, driven with Pilot as a user would: the
first screen of a store with several trackers, enter opens one (the tabs name it),
its screens work as before, an edit moves its bar on the portfolio, and one owner's
open tasks from every tracker are edited in place."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from conftest import settle

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.store import Store
from tracker_tui.widgets.record_table import RecordTable


def _text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _row(app: Any, name: str) -> Any:
    table = app.screen.query_one("#trackers", RecordTable)
    return next(row for row in table.rows if row.tracker.name == name)


async def test_the_portfolio_comes_first_and_enter_opens_a_tracker(
    several: Store, frozen_settings: Settings
) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = _text(app)
        assert "0 Portfolio" in text and "Ops" in text and "Version 1.01" in text
        assert _row(app, "Version 1.00").mean_progress == pytest.approx(100)
        # Rows in name order: Ops, Version 1.00, Version 1.01.
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.current_mode == "snapshot"
        text = _text(app)
        # The tabs name the tracker: at 80 columns, beside seven screens, as far as it fits.
        assert text.splitlines()[0].startswith("0 Vers…1.00│1 Snapshot")
        assert "UT-001" in text
        await pilot.press("minus")  # UT-001: 100% -> 90%
        await settle(pilot)
        assert app.store.task("UT-001").progress == 90
        await pilot.press("0")
        await settle(pilot)
        assert app.current_mode == "portfolio"
        before = 100.0
        assert _row(app, "Version 1.00").mean_progress == pytest.approx(before - 10 / 7)
        assert _row(app, "Version 1.01").mean_progress == pytest.approx(before)
        assert _row(app, "Version 1.00").last_change.user == "alice"
        # Screens 1-5 of another tracker: enter on Version 1.01 rebuilds them on it.
        await pilot.press("j", "enter")
        await settle(pilot)
        assert "0 Vers…1.01│" in _text(app).splitlines()[0]
        assert app.store.task("UT-001").progress == 100
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "risks" and "0 Vers…1.01│" in _text(app).splitlines()[0]


async def test_an_edit_queued_just_before_a_switch_lands_in_its_own_tracker(
    several: Store, frozen_settings: Settings
) -> None:
    """- on Version 1.00, then at once 0 and enter on Version 1.01, while the write queue is
    still busy: the edit is saved in Version 1.00 when its turn comes, Version 1.01 is
    untouched, and the table on screen is Version 1.01's."""
    app = make_app(several, frozen_settings)
    refs = {ref.name: ref for ref in several.trackers()}
    other_history = several.for_tracker(refs["Version 1.01"]).history()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # Ops, Version 1.00, Version 1.01: Version 1.00
        await settle(pilot)
        assert app.store.task("UT-001").progress == 100
        # A write ahead in the queue holds the edit back until after the switch.
        release = threading.Event()
        app.write_queue.submit(release.wait, 10)
        await pilot.press("minus", "0", "j", "enter")
        for _ in range(100):
            if "0 Vers…1.01│" in _text(app).splitlines()[0]:
                break
            await pilot.pause(0.02)
        assert "0 Vers…1.01│" in _text(app).splitlines()[0]
        release.set()
        await settle(pilot)
        await pilot.pause(1.2)  # two polls: a change read back would show by now
        await settle(pilot)
        assert several.for_tracker(refs["Version 1.00"]).task("UT-001").progress == 90
        assert several.for_tracker(refs["Version 1.01"]).task("UT-001").progress == 100
        assert several.for_tracker(refs["Version 1.01"]).history() == other_history
        table = app.screen.query_one("#tasks", RecordTable)
        assert table.get_row("UT-001").progress == 100
        assert " 100%" in next(line for line in _text(app).splitlines() if "UT-001" in line)
        # The collector paused for the switch is running again once the screen is drawn.
        assert gc.isenabled()


async def test_the_portfolio_is_live_and_filters(several: Store, frozen_settings: Settings) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with Store.open(several.target, user="bob", tracker="ops") as bob:
            bob.update_task("UT-001", {"status": "Complete"})
        await pilot.pause(1.2)  # two polls
        await settle(pilot)
        assert _row(app, "Ops").done == 1
        assert _row(app, "Ops").last_change.user == "bob"
        await pilot.press("slash", "o", "p", "s", "enter")
        await settle(pilot)
        table = app.screen.query_one("#trackers", RecordTable)
        assert [row.tracker.name for row in table.visible_rows] == ["Ops"]


async def test_a_store_of_one_tracker_opens_on_its_snapshot(
    seed_store: Store, frozen_settings: Settings
) -> None:
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "snapshot" and "0 Portfolio" not in _text(app)
        await pilot.press("0")
        await settle(pilot)
        assert app.current_mode == "portfolio"


async def test_deleting_a_tracker_asks_first(several: Store, frozen_settings: Settings) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        from tracker_tui.screens.confirm import ConfirmScreen

        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert len(several.trackers()) == 3
        await pilot.press("D", "y")
        await settle(pilot)
        assert [t.name for t in several.trackers()] == ["Version 1.00", "Version 1.01"]


async def test_the_owner_view_edits_tasks_of_every_tracker_in_place(
    several: Store, frozen_settings: Settings
) -> None:
    # DevOps Lead's task is Complete in the sample: reopened in both trackers.
    for name in ("Version 1.00", "Version 1.01"):
        several.for_tracker(several.use_tracker(name)).update_task("UT-002", {"progress": 70})
    app = make_app(several, frozen_settings, owner="devops lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.current_mode == "owner"
        table = app.screen.query_one("#owner-tasks", RecordTable)
        # The sample's DevOps Lead task that is not Complete, in both trackers.
        assert [(row.tracker.name, row.task.id) for row in table.rows] == [
            ("Version 1.00", "UT-002"),
            ("Version 1.01", "UT-002"),
        ]
        first = table.rows[0]
        await pilot.press("minus")
        await settle(pilot)
        scoped = several.for_tracker(first.tracker)
        assert scoped.task(first.task.id).progress == first.task.progress - 10
        other = several.for_tracker(table.rows[-1].tracker)
        assert other.task(first.task.id).progress == first.task.progress  # untouched
        assert "Open tasks of" in _text(app)


async def test_enter_in_the_owner_view_opens_the_task_in_its_tracker(
    several: Store, frozen_settings: Settings
) -> None:
    several.for_tracker(several.use_tracker("Version 1.01")).update_task("UT-002", {"progress": 70})
    app = make_app(several, frozen_settings, owner="devops lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "snapshot"
        assert "0 Version 1.01 │" in _text(app).splitlines()[0]  # its tracker, named in the tabs
        table = app.screen.query_one("#tasks", RecordTable)
        assert table.cursor_key == "UT-002"
        # Back to the owner view and enter again: the same tracker, no rebuild needed.
        app.show_owner("devops lead")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#tasks", RecordTable).cursor_key == "UT-002"


async def test_a_tracker_deleted_elsewhere_sends_its_screens_back_to_the_portfolio(
    several: Store, frozen_settings: Settings
) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "2")  # Version 1.00's risks
        await settle(pilot)
        assert app.current_mode == "risks"
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.delete_tracker()
        app.live_refresh.check_now()
        await settle(pilot)
        # Not its rows shown as if they were still there: the portfolio, and why.
        assert app.current_mode == "portfolio"
        assert any("'Version 1.00' was deleted" in str(n.message) for n in app._notifications)
        assert "Version 1.00" not in _text(app)
        await pilot.press("1")  # no tracker to show any more: it says to choose one
        await settle(pilot)
        assert app.current_mode == "portfolio"
        await pilot.press("j", "enter")  # Version 1.01 opens as usual
        await settle(pilot)
        assert "Version 1.01" in _text(app).splitlines()[0]
        assert app.store.task("UT-001").progress == 100


async def test_a_form_open_on_a_deleted_tracker_keeps_what_was_typed(
    several: Store, frozen_settings: Settings
) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "n")  # a new task in Version 1.00
        await settle(pilot)
        await pilot.press("tab", *"Draft")
        form = app.screen
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.delete_tracker()
        app.live_refresh.check_now()
        await settle(pilot)
        assert app.screen is form  # the form stays over the screens, with the text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        text = _text(app)
        assert "Draft" in text and "this tracker no longer exists" in text


async def test_a_tracker_renamed_here_or_elsewhere_is_renamed_in_the_tabs(
    several: Store, frozen_settings: Settings
) -> None:
    app = make_app(several, frozen_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "2")
        await settle(pilot)
        with Store.open(several.target, user="bob", tracker="Version 1.00") as bob:
            bob.rename_tracker("Release 1.00")
        app.live_refresh.check_now()
        await settle(pilot)
        assert "0 Release 1.00" in _text(app).splitlines()[0]
        # R on the portfolio renames it here: screens 1-5 say so too, built or not.
        await pilot.press("0", "R", "ctrl+u", *"[b]R2[/b]", "enter")
        await settle(pilot)
        app.live_refresh.check_now()
        await settle(pilot)
        for key in ("2", "3"):
            await pilot.press(key)
            await settle(pilot)
            assert "0 [b]R2[/b]" in _text(app).splitlines()[0]


async def test_r_then_a_name_and_enter_in_one_burst_renames(
    several: Store, frozen_settings: Settings
) -> None:
    from test_form_input import burst

    app = make_app(several, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Ops: R, the old name cleared, the new one and enter, typed before the prompt is up.
        burst(app, "R", "ctrl+u", *"Ops 2", "enter")
        await settle(pilot)
        assert "Ops 2" in [t.name for t in several.trackers()]
        assert app.current_mode == "portfolio" and "Ops 2" in _text(app)


async def test_a_tracker_named_on_the_command_line_opens_on_its_snapshot(
    several: Store, frozen_settings: Settings
) -> None:
    import sys
    import types

    from tracker_tui.cli import main

    opened: list[dict[str, Any]] = []
    fake = types.ModuleType("tracker_tui.app")
    fake.run_dashboard = lambda store, **options: opened.append(options)  # type: ignore[attr-defined]
    real = sys.modules["tracker_tui.app"]
    sys.modules["tracker_tui.app"] = fake
    try:
        assert main(["--db", str(several.target.path), "--tracker", "version 1.01"]) == 0
        assert main(["--db", str(several.target.path)]) == 0
    finally:
        sys.modules["tracker_tui.app"] = real  # Textual finds the app's CSS through it
    assert [options.get("mode") for options in opened] == ["snapshot", None]

    with Store.open(several.target.path, user="alice", tracker="version 1.01") as chosen:
        app = make_app(chosen, frozen_settings, mode="snapshot")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.current_mode == "snapshot"
            assert "Version 1.01" in _text(app).splitlines()[0]
            await pilot.press("0")
            await settle(pilot)
            assert app.current_mode == "portfolio"
