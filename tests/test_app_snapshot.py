"""Pilot tests of the Snapshot screen: every key, checked in the store and on the screen."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest
from conftest import settle

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable

SEED_IDS = [f"UT-00{n}" for n in range(1, 8)]


def table(app: TrackerApp) -> RecordTable:
    return app.screen.query_one("#tasks", RecordTable)


class TestOpening:
    async def test_opens_on_snapshot_with_first_row_selected(self, app, screen_text):
        """The task table has the focus and the cursor on the first task."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.current_mode == "snapshot"
            assert app.focused is table(app)
            assert table(app).cursor_key == "UT-001"
            text = screen_text(app)
            assert "Version 1.00 Progress Tracker" in text
            assert "snapshot 2024-06-02" in text
            assert "Open risks: High 1 · Medium 2" in text
            assert "Next: Week 6 Tuesday" in text

    async def test_80x24_shows_every_seed_task_uncut(self, app, screen_text):
        """At 80 columns every task shows and nothing is cut at the right; Notes give way."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lines = screen_text(app).splitlines()
            for task_id in SEED_IDS:
                row = next(line for line in lines if task_id in line)
                assert row.rstrip().endswith(("100%  2024-05-09", "%  2024-06-02")) or (
                    row.rstrip()[-10:].startswith("2024-")
                )
            header = next(line for line in lines if "Title" in line and "ID" in line)
            assert "Last Update" in header
            assert "Notes" not in header

    async def test_120x40_shows_every_column(self, app, screen_text):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            header = next(line for line in screen_text(app).splitlines() if "Title" in line)
            for label in (
                "ID",
                "Title",
                "Milestone",
                "Owner",
                "Status",
                "Progress",
                "Last Update",
                "Notes",
            ):
                assert label in header

    async def test_empty_store_says_what_to_do(self, empty_store, frozen_settings, screen_text):
        async with make_app(empty_store, frozen_settings).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            text = screen_text(pilot.app)
            assert "No tracker yet" in text
            assert "tracker-tui import FILE" in text


class TestNavigation:
    async def test_cursor_keys(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j", "down")
            assert table(app).cursor_key == "UT-004"
            await pilot.press("k", "up")
            assert table(app).cursor_key == "UT-002"
            await pilot.press("G")
            assert table(app).cursor_key == "UT-007"
            await pilot.press("g")
            assert table(app).cursor_key == "UT-001"
            await pilot.press("end")
            assert table(app).cursor_key == "UT-007"
            await pilot.press("home", "pagedown")
            assert table(app).cursor_key == "UT-007"
            await pilot.press("pageup")
            assert table(app).cursor_key == "UT-001"

    async def test_click_selects_a_row(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            header_y = table(app).region.y
            await pilot.click(offset=(5, header_y + 3))
            assert table(app).cursor_key == "UT-003"

    async def test_number_keys_switch_screens(self, app, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key, mode in (
                ("2", "risks"),
                ("3", "decisions"),
                ("4", "activity"),
                ("5", "plan"),
                ("1", "snapshot"),
            ):
                await pilot.press(key)
                await settle(pilot)
                assert app.current_mode == mode
                assert "1 Snapshot" in screen_text(app)
            assert table(app).cursor_key == "UT-001"


class TestQuickEdits:
    async def test_minus_lowers_progress_in_store_and_row(self, app, seed_store, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "minus")
            await settle(pilot)
            task = seed_store.task("UT-002")
            assert task.progress == 90
            assert task.status != "Complete"
            row = next(line for line in screen_text(app).splitlines() if "UT-002" in line)
            assert "90%" in row
            assert table(app).cursor_key == "UT-002"
            assert "99%" in screen_text(app)  # the programme bar moved: 690/7

    async def test_plus_is_clamped_at_100(self, app, seed_store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("plus")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 100

    async def test_progress_is_relative_to_the_store(self, app, seed_store, tmp_path):
        """Another user's edit since we read the row is not overwritten by ours."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
                bob.update_task("UT-001", {"progress": 50})
            await pilot.press("minus")  # before the poller noticed bob
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 40

    async def test_status_next_and_previous(self, app, seed_store):
        statuses = seed_store.statuses("task")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s", "enter")  # the picker opens on the next status
            await settle(pilot)
            after_next = seed_store.task("UT-001").status
            assert after_next == statuses[(statuses.index("Complete") + 1) % len(statuses)]
            assert table(app).cursor_value.status == after_next
            await pilot.press("S", "enter")
            await settle(pilot)
            assert seed_store.task("UT-001").status == "Complete"

    async def test_complete_adds_an_activity_entry(self, app, seed_store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "minus")
            await settle(pilot)
            await pilot.press("plus")
            await settle(pilot)
            assert seed_store.task("UT-002").status == "Complete"
            assert seed_store.activity(limit=1)[0].text == "UT-002 completed."

    async def test_complete_adds_no_entry_when_turned_off(self, seed_store, frozen_settings):
        frozen_settings.complete_adds_activity = False
        app = make_app(seed_store, frozen_settings)
        before = seed_store.activity_count()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("minus")
            await settle(pilot)
            await pilot.press("plus")
            await settle(pilot)
        assert seed_store.task("UT-001").status == "Complete"
        assert seed_store.activity_count() == before

    async def test_percent_sets_exact_progress(self, app, seed_store, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j", "percent_sign")
            await pilot.pause()
            assert "Progress of UT-003" in screen_text(app)
            await pilot.press(*"45", "enter")
            await settle(pilot)
            assert seed_store.task("UT-003").progress == 45
            row = next(line for line in screen_text(app).splitlines() if "UT-003" in line)
            assert "45%" in row

    async def test_store_error_is_notified(self, app, seed_store, tmp_path):
        """A value the prompt accepts and the store then refuses (the task was deleted
        meanwhile) is told in a toast. (A bad value keeps the prompt open: test_form_input.)"""
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("percent_sign")
            await pilot.pause()
            with Store.open(str(tmp_path / "t.db"), user="bob") as bob:
                bob.delete_task("UT-001")
            await pilot.press(*"50", "enter")
            await settle(pilot)
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors

    async def test_undo_and_redo(self, app, seed_store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("minus")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 90
            await pilot.press("u")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 100
            assert table(app).cursor_value.progress == 100
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 90
            assert table(app).cursor_value.progress == 90


class TestForms:
    async def test_delete_after_yes(self, app, seed_store, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("G", "d")
            await pilot.pause()
            assert "Delete UT-007" in screen_text(app)
            await pilot.press("y")
            await settle(pilot)
            assert seed_store.task("UT-007") is None
            assert table(app).get_row("UT-007") is None
            assert table(app).cursor_key == "UT-006"

    async def test_delete_no_keeps_the_task(self, app, seed_store):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("n")
            await settle(pilot)
            assert seed_store.task("UT-001") is not None

    async def test_edit_new_activity_detail_and_help_open(self, app, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key, expected in (
                ("e", "TaskFormScreen"),
                ("a", "ActivityFormScreen"),
                ("enter", "TaskDetailScreen"),
                ("question_mark", "HelpScreen"),
            ):
                await pilot.press(key)
                await settle(pilot)
                assert type(app.screen).__name__ == expected, key
                await pilot.press("escape")
                await settle(pilot)
                assert type(app.screen).__name__ == "SnapshotScreen", key

    async def test_new_proposes_next_id(self, app, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert type(app.screen).__name__ == "TaskFormScreen"
            assert app.screen.proposed_id == "UT-008"


class TestFilterSortCopy:
    async def test_filter_as_you_type_and_escape(self, app, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"vitest")
            await pilot.pause()
            assert [t.id for t in table(app).visible_rows] == ["UT-005", "UT-007"]
            assert "UT-001" not in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert len(table(app).visible_rows) == 7
            assert app.focused is table(app)

    async def test_filter_matches_every_column(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"2024-05-2", "enter")
            await pilot.pause()
            assert [t.id for t in table(app).visible_rows] == ["UT-003", "UT-004", "UT-005"]
            assert app.focused is table(app)

    async def test_sort_and_reverse(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("o")
            await pilot.pause()
            await pilot.click("#choices", offset=(2, 2))  # Title
            await pilot.pause()
            titles = [t.title for t in table(app).visible_rows]
            assert titles == sorted(titles, key=str.casefold)
            assert table(app).cursor_key == "UT-001"  # the cursor stays on its task
            table(app).sort_by("title")
            await pilot.pause()
            assert [t.title for t in table(app).visible_rows] == titles[::-1]

    async def test_copy_id(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "y")
            assert app.clipboard == "UT-002"
            await pilot.press("Y")
            assert app.clipboard.startswith("| UT-002 | CI/CD")


class TestSafety:
    async def test_markup_in_user_text_is_literal(self, seed_store, frozen_settings, screen_text):
        seed_store.update_task("UT-001", {"notes": "[@click=app.quit]boom[/] [b]x"})
        app = make_app(seed_store, frozen_settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "[@click=app.quit]boom" in screen_text(app)
            row_y = table(app).region.y + 1
            await pilot.click(offset=(100, row_y))
            await pilot.click(offset=(100, row_y))
            await pilot.pause()
            assert app.is_running

    async def test_read_only_refuses_edits(
        self, tmp_path, seed_store, frozen_settings, screen_text
    ):
        seed_store.close()
        store = Store.open(str(tmp_path / "t.db"), user="alice", read_only=True)
        app = make_app(store, frozen_settings)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            assert "READ-ONLY" in screen_text(app)
            for key in (
                "s",
                "S",
                "plus",
                "minus",
                "percent_sign",
                "e",
                "n",
                "d",
                "a",
                "u",
                "ctrl+r",
            ):
                await pilot.press(key)
                await pilot.pause()
                assert type(app.screen).__name__ == "SnapshotScreen", key
                # Each key says why (a repeat of the same words renews that toast).
                latest = max(app._notifications, key=lambda n: n.raised_at)
                assert "read-only" in latest.message.lower(), key
            assert sum("read-only" in n.message.lower() for n in app._notifications) == 8
            assert store.task("UT-001").status == "Complete"
        store.close()

    async def test_tiny_terminal_and_back(self, app, screen_text):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await pilot.resize_terminal(40, 10)
            await pilot.pause()
            assert "needs at least 60x15 (now 40x10)" in " ".join(screen_text(app).split())
            await pilot.press("2", "s")  # nothing happens, nothing breaks
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            assert app.current_mode == "snapshot"
            assert table(app).cursor_key == "UT-002"

    async def test_ascii_mode_draws_plain_bars(self, seed_store, frozen_settings, screen_text):
        app = make_app(seed_store, frozen_settings, ascii=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "#####" in text
            assert "█" not in text


class TestCommands:
    async def test_jump_to_task(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            app.goto_task("UT-005")
            await settle(pilot)
            assert app.current_mode == "snapshot"
            assert table(app).cursor_key == "UT-005"

    async def test_palette_lists_screens_tasks_and_export(self, app):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "Go to Risks" in titles
            assert "Export markdown" in titles
            assert "Task UT-007" in titles
            assert "Theme" in titles

    async def test_export_markdown(self, app, tmp_path: Path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            app.export_markdown()
            await settle(pilot)
            files = list(tmp_path.glob("*.md"))
            assert len(files) == 1
            assert "UT-007" in files[0].read_text()
            assert any(str(files[0]) in n.message for n in app._notifications)

    def test_today_comes_from_the_stores_clock(self, tmp_path):
        """One clock: with no date pinned in the settings, the dashboard's today is the
        store's clock's (the one the writer stamps Last Update with)."""
        from datetime import datetime

        from tracker_tui.domain import FixedClock

        clock = FixedClock(datetime(2031, 1, 2, 9, 0, tzinfo=UTC))
        with Store.open(str(tmp_path / "c.db"), user="alice", clock=clock) as store:
            assert make_app(store, Settings()).settings.current_date(store.clock) == date(
                2031, 1, 2
            )

    def test_today_comes_from_settings(self, seed_store):
        settings = Settings(today=date(2024, 6, 5))
        assert make_app(seed_store, settings).settings.current_date(seed_store.clock) == date(
            2024, 6, 5
        )


class TestUndoConflict:
    async def test_undo_over_another_users_change_asks_first(self, app, seed_store, screen_text):
        """bob changed the progress since alice's edit: u asks; no keeps his, yes undoes."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("minus")
            await settle(pilot)
            with Store.open(seed_store.target, user="bob") as bob:
                bob.update_task("UT-001", {"progress": 50})
            await pilot.press("u")
            await settle(pilot)
            assert type(app.screen).__name__ == "ConfirmScreen"
            # Who: the row's updated_by as the store reports it (see conflict_question).
            assert "changed progress of UT-001 since; undo anyway?" in screen_text(app)
            await pilot.press("n")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 50
            await pilot.press("u")
            await settle(pilot)
            assert type(app.screen).__name__ == "ConfirmScreen"
            await pilot.press("y")
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 100
            assert table(app).get_row("UT-001").progress == 100


class TestCompletionThroughTheForm:
    @pytest.fixture
    def in_progress(self, seed_store):
        seed_store.update_task("UT-002", {"status": "In Progress", "progress": 90})
        return seed_store

    async def _complete_in_form(self, app, pilot) -> None:
        from textual.widgets import Select

        from tracker_tui.screens.task_form import TaskFormScreen

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TaskFormScreen)
        app.screen.query_one("#in-status", Select).value = "Complete"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TaskFormScreen)

    async def test_one_undo_takes_back_the_status_and_the_entry(self, in_progress, app):
        store = in_progress
        before = store.activity_count()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await self._complete_in_form(app, pilot)
            assert store.task("UT-002").status == "Complete"
            assert store.activity(limit=1)[0].text == "UT-002 completed."
            assert store.activity_count() == before + 1
            assert table(app).get_row("UT-002").status == "Complete"
            await pilot.press("u")
            await settle(pilot)
            assert store.task("UT-002").status == "In Progress"
            assert store.activity_count() == before
            assert table(app).get_row("UT-002").status == "In Progress"

    async def test_editing_from_the_detail_screen_logs_the_completion(self, in_progress, app):
        store = in_progress
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "TaskDetailScreen"
            await self._complete_in_form(app, pilot)
            assert store.task("UT-002").status == "Complete"
            assert store.activity(limit=1)[0].text == "UT-002 completed."

    async def test_no_entry_when_turned_off(self, in_progress, frozen_settings):
        store = in_progress
        frozen_settings.complete_adds_activity = False
        app = make_app(store, frozen_settings)
        before = store.activity_count()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await self._complete_in_form(app, pilot)
        assert store.task("UT-002").status == "Complete"
        assert store.activity_count() == before


class TestWriteOrder:
    async def test_a_burst_of_keys_commits_in_order(self, app, seed_store, monkeypatch):
        """-, -, u sent at once (the first edits slow to commit): the store ends as if
        they were pressed one by one: 100, 90, 80, and the undo back to 90."""
        import time

        from textual import events

        original = seed_store.update_task

        def slow_update(*args, **kwargs):
            time.sleep(0.3)
            return original(*args, **kwargs)

        monkeypatch.setattr(seed_store, "update_task", slow_update)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            for key, character in (("minus", "-"), ("minus", "-"), ("u", "u")):
                app.post_message(events.Key(key, character))
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            assert seed_store.task("UT-001").progress == 90
            assert table(app).get_row("UT-001").progress == 90
            assert not [n for n in app._notifications if n.severity == "error"]


class TestPaletteMarkup:
    TITLE = "Broken [/x] and [@click=app.quit]quit[/] [b]bold"

    async def test_task_titles_are_literal_in_the_palette(self, seed_store, frozen_settings):
        from textual.command import CommandPalette

        seed_store.update_task("UT-003", {"title": self.TITLE})
        app = make_app(seed_store, frozen_settings)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert CommandPalette.is_open(app)
            await pilot.press(*"UT-003")
            await settle(pilot)
            await pilot.pause(0.5)
            shown = " ".join(
                str(option.prompt) for option in app.screen.query("CommandList").first().options
            )
            assert "Broken [/x] and [@click=app.quit]quit[/] [b]bold" in shown
            assert app.is_running


def test_conflict_question_names_who_what_and_which() -> None:
    """The question comes from the error's data (field, id, who), not its wording."""
    from tracker_tui.domain import ConflictError, FieldConflict, Task
    from tracker_tui.screens.conflict import conflict_question

    current = Task(id="UT-002", title="x", progress=50, updated_by="cy")
    error = ConflictError(
        "worded any way at all",
        current=current,
        entity="task",
        id="UT-002",
        fields=(FieldConflict("progress", "40", "50", "bob"),),
    )
    assert conflict_question("undo", error) == "bob changed progress of UT-002 since; undo anyway?"
    error.fields = (FieldConflict("last_update", "", "2024-06-01", "bob"),)
    assert conflict_question("redo", error) == (
        "bob changed last update of UT-002 since; redo anyway?"
    )
    whole_row = ConflictError("x", current=current, entity="task", id="UT-002")
    assert conflict_question("undo", whole_row) == "cy changed UT-002 since; undo anyway?"
    assert conflict_question("undo", ConflictError("x", current=None)) == (
        "someone changed it since; undo anyway?"
    )


async def test_an_edit_just_before_quitting_is_saved(app, seed_store, monkeypatch):
    """- then q at once, the store slow to commit: the edit is saved, not dropped."""
    import time

    original = seed_store.update_task

    def slow_update(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(seed_store, "update_task", slow_update)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("minus", "q")
    assert seed_store.task("UT-001").progress == 90
