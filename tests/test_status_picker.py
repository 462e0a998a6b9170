"""The status picker (issue 9, item 1): ``s``/``S`` open a picker on the row, and only the
status finally chosen is saved: one write, one history entry, at most one "completed."
line, and the progress the task had before Complete or Not Started comes back.

Each test starts from UT-001 at In Progress 40% (the sample has it Complete, 100%).
"""

from __future__ import annotations

import pytest
from conftest import settle
from test_app_keys import burst
from test_screens_support import plain
from textual.widgets import Static

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.screens.help import HelpScreen
from tracker_tui.screens.status_picker import StatusPicker, status_keys
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable


@pytest.fixture
def store(seed_store: Store) -> Store:
    seed_store.update_task("UT-001", {"status": "In Progress", "progress": 40})
    return seed_store


@pytest.fixture
def app(store: Store, frozen_settings: Settings) -> TrackerApp:
    return make_app(store, frozen_settings)


def status_changes(store: Store, since: int) -> list[tuple[str | None, str | None]]:
    """(old, new) of each status change of UT-001 after revision ``since``, oldest first."""
    return [
        (change.old, change.new)
        for change in reversed(store.history("UT-001"))
        if change.field == "status" and change.revision > since
    ]


def completed_lines(store: Store) -> int:
    return sum(entry.text == "UT-001 completed." for entry in store.activity())


class TestPickingOnTheSnapshot:
    async def test_s_opens_a_picker_and_a_letter_saves_that_status_once(self, app, store):
        revision, activity = store.revision(), store.activity_count()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, StatusPicker)
            assert store.revision() == revision  # nothing saved while the picker is open
            await pilot.press("b")
            await settle(pilot)
            assert not isinstance(app.screen, StatusPicker)
            assert app.screen.query_one("#tasks", RecordTable).get_row("UT-001").status == (
                "Blocked"
            )
        assert status_changes(store, revision) == [("In Progress", "Blocked")]
        assert store.revision() == revision + 1
        assert store.activity_count() == activity
        assert (store.task("UT-001").status, store.task("UT-001").progress) == ("Blocked", 40)

    async def test_a_burst_of_s_then_enter_saves_once(self, app, store):
        """s s s s enter, as a terminal delivers it: Complete, written once, logged once."""
        revision, completed = store.revision(), completed_lines(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            burst(app, "s", "s", "s", "s", "enter")
            await settle(pilot)
            assert not isinstance(app.screen, StatusPicker)
        assert status_changes(store, revision) == [("In Progress", "Complete")]
        assert store.revision() == revision + 1
        assert completed_lines(store) == completed + 1

    async def test_complete_to_blocked_gives_back_40_not_90(self, app, store):
        store.update_task("UT-001", {"status": "Complete"})
        revision = store.revision()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s", "b")
            await settle(pilot)
        assert status_changes(store, revision) == [("Complete", "Blocked")]
        assert (store.task("UT-001").status, store.task("UT-001").progress) == ("Blocked", 40)

    async def test_through_not_started_and_back_keeps_the_progress(self, app, store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("S", "n")  # straight to Not Started: 0%
            await settle(pilot)
            assert store.task("UT-001").progress == 0
            await pilot.press("s", "i")  # and back to In Progress
            await settle(pilot)
        assert (store.task("UT-001").status, store.task("UT-001").progress) == ("In Progress", 40)

    async def test_escape_writes_nothing(self, app, store):
        revision = store.revision()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s", "s", "S", "j", "escape")
            await settle(pilot)
            assert not isinstance(app.screen, StatusPicker)
            await pilot.press("S", "escape")
            await settle(pilot)
        assert store.revision() == revision
        assert (store.task("UT-001").status, store.task("UT-001").progress) == ("In Progress", 40)

    async def test_s_and_shift_s_open_on_the_next_and_previous_status(self, app, store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s", "enter")
            await settle(pilot)
            assert store.task("UT-001").status == "Blocked"
            await pilot.press("S", "enter")
            await settle(pilot)
            assert store.task("UT-001").status == "In Progress"

    async def test_the_picker_lists_the_stores_statuses_with_their_keys(self, app, store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, StatusPicker)
            assert picker.statuses == store.statuses("task")
            assert picker.choice_keys == ["n", "i", "b", "a", "o", "c"]
            # It opens beside the row it acts on: the row stays in sight, just above it.
            row_y = app.screen_stack[0].query_one("#tasks", RecordTable).cursor_region().y
            box = picker.query_one("#picker-box").region
            assert box.y == row_y + 1

    async def test_its_keys_are_in_its_help_and_the_row_key_in_the_screens(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            text = plain(app.screen.query_one("#help-table", Static))
            assert "Status ▶" in text
            await pilot.press("escape", "s", "question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = plain(app.screen.query_one("#help-table", Static))
            for does in ("Blocked", "Next status", "Previous status", "Cancel"):
                assert does in text, text

    async def test_a_remapped_key_opens_it_and_steps_in_it(self, store, frozen_settings):
        frozen_settings.keymap = {"snapshot.status-next": "x"}
        app = make_app(store, frozen_settings)
        revision = store.revision()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("x", "x", "enter")
            await settle(pilot)
        assert store.task("UT-001").status == "At Risk"
        assert store.revision() == revision + 1


class TestPickingARiskStatus:
    async def test_one_write_for_the_status_chosen(self, seed_store, frozen_settings):
        app = make_app(seed_store, frozen_settings)
        revision = seed_store.revision()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            app.screen.query_one("#risks-table", RecordTable).move_cursor_to_key("R-03")
            await pilot.press("s", "s")
            await settle(pilot)
            assert isinstance(app.screen, StatusPicker)
            assert seed_store.revision() == revision
            await pilot.press("enter")
            await settle(pilot)
        assert seed_store.risk("R-03").status == "Mitigated"
        assert seed_store.revision() == revision + 1

    async def test_clashing_initials_get_digits(self, seed_store, frozen_settings):
        app = make_app(seed_store, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            app.screen.query_one("#risks-table", RecordTable).move_cursor_to_key("R-03")
            await pilot.press("S", "2")  # Monitoring and Mitigated share an M
            await settle(pilot)
        assert seed_store.risk("R-03").status == "Monitoring"


@pytest.mark.parametrize(
    ("statuses", "keys"),
    [
        (["Not Started", "In Progress", "Blocked", "Complete"], ["n", "i", "b", "c"]),
        (["Open", "Monitoring", "Mitigated", "Resolved", "Closed"], ["o", "2", "3", "r", "c"]),
        # s, j and k move in the picker; an emoji has no key to type.
        (["Stuck", "Kicked off", "✅ Done", "Done"], ["1", "2", "3", "d"]),
    ],
)
def test_status_keys(statuses: list[str], keys: list[str]) -> None:
    assert status_keys(statuses) == keys
