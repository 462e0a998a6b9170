"""Pilot tests of the register views, the task detail, help, confirm and conflict dialogs."""

from __future__ import annotations

import re

import pytest
from conftest import settle
from test_screens_support import ScreenHarness, plain
from textual.widgets import Static

from tracker_tui.app import make_app
from tracker_tui.domain import Decision, FieldConflict
from tracker_tui.screens.activity import ActivityView
from tracker_tui.screens.activity_form import ActivityFormScreen
from tracker_tui.screens.confirm import ConfirmScreen
from tracker_tui.screens.conflict import ConflictScreen
from tracker_tui.screens.decision_form import DecisionFormScreen
from tracker_tui.screens.help import HelpScreen
from tracker_tui.screens.plan import PlanView
from tracker_tui.screens.risk_form import RiskFormScreen
from tracker_tui.screens.risks import RisksView
from tracker_tui.screens.task_detail import TaskDetailScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.record_table import RecordTable


class TestRisksView:
    async def test_lists_the_register_and_shows_the_highlighted_risk(self, seed_store):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.query_one("#risks-table", RecordTable)
            assert [risk.id for risk in table.rows] == ["R-01", "R-02", "R-03", "R-04", "R-05"]
            assert "5 risks, 3 open" in plain(app.query_one("#risks-title", Static))
            await pilot.press("j", "j")
            assert "Validation listener" in plain(app.query_one("#risks-detail", Static))

    async def test_s_and_shift_s_cycle_the_status(self, seed_store):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.query_one(RecordTable).move_cursor_to_key("R-03")
            await pilot.press("s", "enter")  # the picker opens on the next status
            await settle(pilot)
            assert seed_store.risk("R-03").status == "Monitoring"
            assert app.query_one(RecordTable).get_row("R-03").status == "Monitoring"
            await pilot.press("S", "S", "enter")  # one step back is Open, two: Closed
            await settle(pilot)
        assert seed_store.risk("R-03").status == "Closed"  # Open, then back round the list

    async def test_cycle_on_a_stale_row_does_not_overwrite(self, seed_store):
        """Bob changed the risk: s refuses, says so, and shows his version."""
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.query_one(RecordTable).move_cursor_to_key("R-03")
            with Store.open(seed_store.target, user="bob") as bob:
                bob.update_risk("R-03", {"status": "Mitigated"}, expected_version=1)
            await pilot.press("s", "enter")
            await settle(pilot)
            assert app.query_one(RecordTable).get_row("R-03").status == "Mitigated"
        assert seed_store.risk("R-03").status == "Mitigated"

    async def test_e_opens_the_form_and_n_a_new_one(self, seed_store):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, RiskFormScreen) and app.screen.risk.id == "R-01"
            await pilot.press("escape")
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, RiskFormScreen) and app.screen.risk is None

    @pytest.mark.parametrize(("answer", "kept"), [("y", False), ("n", True), ("escape", True)])
    async def test_d_asks_before_deleting(self, seed_store, answer, kept):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            assert (app.query_one(RecordTable).get_row("R-01") is not None) is kept
        assert (seed_store.risk("R-01") is not None) is kept

    async def test_markup_in_user_text_is_shown_literally(self, seed_store):
        seed_store.update_risk("R-01", {"description": "[@click=app.quit]Quit[/] [b]x[/b]"})
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            detail = app.query_one("#risks-detail", Static)
            assert "[@click=app.quit]Quit[/] [b]x[/b]" in plain(detail)
            await pilot.click("#risks-detail")
            await pilot.pause()
            assert app.is_running


class TestDecisionsView:
    async def test_lists_and_edits(self, seed_store):
        from tracker_tui.screens.decisions import DecisionsView

        app = ScreenHarness(make_view=lambda: DecisionsView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.query_one("#decisions-table", RecordTable)
            assert table.row_count == 3
            assert "Rationale: Aligns with team expertise" in plain(
                app.query_one("#decisions-detail", Static)
            )
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, DecisionFormScreen)
            app.screen.query_one("#in-owner").value = "Steering Committee"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert table.cursor_value.owner == "Steering Committee"
        assert seed_store.decisions()[0].owner == "Steering Committee"

    async def test_new_and_delete(self, seed_store):
        from tracker_tui.screens.decisions import DecisionsView

        app = ScreenHarness(make_view=lambda: DecisionsView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            app.screen.query_one("#in-decision").value = "Freeze scope for v1.00"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert len(seed_store.decisions()) == 4
            await pilot.press("d", "y")
            await settle(pilot)
        decisions: list[Decision] = seed_store.decisions()
        assert [d.decision for d in decisions if "Freeze" in d.decision] == []


class TestActivityView:
    @pytest.fixture
    def long_log(self, seed_store: Store) -> Store:
        for number in range(120):
            seed_store.add_activity(f"entry {number}", on="2024-06-03")
        return seed_store

    async def test_reads_one_page_at_a_time(self, long_log, monkeypatch):
        """Only ``page_size`` entries are read: never the whole log."""
        limits: list[int | None] = []
        original = long_log.activity

        def spy(*, limit=None, offset=0):
            limits.append(limit)
            return original(limit=limit, offset=offset)

        monkeypatch.setattr(long_log, "activity", spy)
        app = ScreenHarness(make_view=lambda: ActivityView(long_log, page_size=50))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            view = app.query_one(ActivityView)
            table = app.query_one(RecordTable)
            assert view.total == 127 and table.row_count == 50
            assert table.rows[0].text == "entry 119"  # newest first
            assert "1–50 of 127" in plain(app.query_one("#activity-title", Static))
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert view.page_offset == 50 and table.rows[0].text == "entry 69"
            await pilot.press("right_square_bracket", "right_square_bracket")
            await settle(pilot)
            assert view.page_offset == 100 and table.row_count == 27
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert view.page_offset == 50
        assert limits and all(limit == 50 for limit in limits)

    async def test_a_adds_an_entry_and_shows_it_first(self, seed_store):
        app = ScreenHarness(make_view=lambda: ActivityView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            app.screen.query_one("#in-text").value = "Kick-off for v1.01"
            await pilot.press("ctrl+s")
            await settle(pilot)
            table = app.query_one(RecordTable)
            assert table.cursor_value.text == "Kick-off for v1.01"
            assert table.cursor_row == 0
        assert seed_store.activity(limit=1)[0].text == "Kick-off for v1.01"

    async def test_enter_edits_the_highlighted_entry(self, seed_store):
        """The footer's "Open" on the log: enter opens the entry in a form; saving fixes
        the typo in the store and in the row, under the cursor."""
        app = ScreenHarness(make_view=lambda: ActivityView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            entry = app.query_one(RecordTable).cursor_value
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ActivityFormScreen)
            assert app.screen.query_one("#in-date").value == entry.date
            assert app.screen.query_one("#in-text").value == entry.text
            app.screen.query_one("#in-text").value = "UT-006 completed (typo fixed)."
            app.screen.query_one("#in-date").value = "2024-05-31"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ActivityFormScreen)
            table = app.query_one(RecordTable)
            assert table.cursor_key == entry.key
            assert table.cursor_value.text == "UT-006 completed (typo fixed)."
            assert "typo fixed" in plain(app.query_one("#activity-detail", Static))
        saved = next(e for e in seed_store.activity() if e.key == entry.key)
        assert (saved.date, saved.text) == ("2024-05-31", "UT-006 completed (typo fixed).")
        assert seed_store.activity_count() == 7

    async def test_an_imported_date_that_is_not_iso_can_be_kept(self, tmp_path):
        """Imported logs are not always ISO-dated: fixing the text keeps "Week 6"."""
        from tracker_tui.markdown import parse_document

        store = Store.open(str(tmp_path / "weeks.db"), user="alice")
        store.import_document(parse_document("# T\n\n## Activity Log\n- **Week 6** - Planing\n"))
        assert store.activity()[0].date == "Week 6"
        app = ScreenHarness(make_view=lambda: ActivityView(store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            app.screen.query_one("#in-text").value = "Planning"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ActivityFormScreen)
        assert [(e.date, e.text) for e in store.activity()] == [("Week 6", "Planning")]
        store.close()

    @pytest.mark.parametrize(("answer", "kept"), [("y", False), ("n", True)])
    async def test_d_asks_before_deleting(self, seed_store, answer, kept):
        app = ScreenHarness(make_view=lambda: ActivityView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            entry = app.query_one(RecordTable).cursor_value
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            assert (app.query_one(RecordTable).get_row(entry.key) is not None) is kept
            assert app.query_one(ActivityView).total == (7 if kept else 6)
        assert (entry.key in {e.key for e in seed_store.activity()}) is kept


class TestPlanView:
    async def test_three_sections(self, seed_store):
        app = ScreenHarness(make_view=lambda: PlanView(seed_store))
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            rows = app.query_one("#plan-table", RecordTable).rows
            headings = [str(row.left) for row in rows if row.is_heading]
            assert headings == [
                "Upcoming Checkpoints",
                "Communication Cadence",
                "Metrics to Monitor",
            ]
            texts = " ".join(row.item.text for row in rows if not row.is_heading)
            assert "steering committee" in texts and "DSAR SLA completion rate" in texts
            assert "Week 6 Tuesday" in {str(row.left) for row in rows}


class TestTaskDetail:
    async def test_fields_notes_history_and_mentions(self, seed_store):
        with Store.open(seed_store.target, user="bob") as bob:
            bob.update_task("UT-007", {"owner": "QA Lead"})
        app = ScreenHarness(lambda: TaskDetailScreen(seed_store, "UT-007"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            fields = plain(screen.query_one("#detail-fields", Static))
            assert "QA Lead" in fields and "Campaign manager model remediation" in fields
            assert "Legacy Vitest alias collisions tracked separately." in plain(
                screen.query_one("#detail-notes", Static)
            )
            history = plain(screen.query_one("#detail-history", Static))
            assert "bob" in history and "Product Engineering Lead → QA Lead" in history
            mentions = plain(screen.query_one("#detail-mentions", Static))
            assert "Week 6 Tuesday" in mentions and "2024-06-02" in mentions
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, TaskDetailScreen)

    async def test_markup_in_extra_columns_and_notes_is_literal(self, seed_store, monkeypatch):
        """An extra column named ``Ref [/x]`` and notes ``[@click=app.quit]`` show as
        typed; the store's own ``_`` keys (export hints) do not show."""
        from dataclasses import replace

        task = replace(
            seed_store.task("UT-007"),
            extra={"Ref [/x]": "[b]R-1", "_format": "hint"},
            notes="[@click=app.quit]quit[/]",
        )
        monkeypatch.setattr(seed_store, "task", lambda task_id: task)
        app = ScreenHarness(lambda: TaskDetailScreen(seed_store, "UT-007"))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            fields = plain(app.screen.query_one("#detail-fields", Static))
            assert "Ref [/x]" in fields and "[b]R-1" in fields
            assert "_format" not in fields and "hint" not in fields
            notes = app.screen.query_one("#detail-notes", Static)
            assert "[@click=app.quit]quit[/]" in plain(notes)
            await pilot.click("#detail-notes")
            await pilot.pause()
            assert app.is_running

    async def test_missing_task(self, seed_store):
        app = ScreenHarness(lambda: TaskDetailScreen(seed_store, "NOPE-1"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "There is no task NOPE-1" in plain(app.screen.query_one("#detail-fields"))


class TestHelp:
    async def test_lists_the_keys_of_the_screen_underneath(self, seed_store):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = plain(app.screen.query_one("#help-table", Static))
            for key, does in [("s", "Status ▶"), ("S", "◀ Status"), ("d", "Delete"), ("⏎", "Open")]:
                # In either column: the key, then what it does.
                pattern = re.compile(rf"(?:^|\s\s){re.escape(key)}\s+{re.escape(does)}")
                assert any(pattern.search(line) for line in text.splitlines()), (key, text)
            await pilot.press("question_mark")
            assert not isinstance(app.screen, HelpScreen)

    async def test_follows_the_keymap(self, seed_store):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(80, 24)) as pilot:
            app.set_keymap({"risks.status-next": "x"})
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            text = plain(app.screen.query_one("#help-table", Static))
            line = next(line for line in text.splitlines() if "Status ▶" in line)
            assert line.split()[0] == "x"
            await pilot.press("escape")
            await pilot.press("x", "enter")
            await settle(pilot)
        assert seed_store.risk("R-01").status != "Resolved"

    async def test_at_80x24_the_screen_own_actions_come_first_in_two_columns(
        self, seed_store, frozen_settings, screen_text
    ):
        """On the Snapshot screen the first page holds Edit, Undo, Find and Go (undo
        included); moving and focus keys come after every one of them."""
        app = make_app(seed_store, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            shown = [line for line in screen_text(app).splitlines() if "│" in line]
            page = "\n".join(shown)
            for words in ("Edit", "Undo", "Find", "Go", "Status ▶", "Progress…", "Redo", "Sort"):
                assert words in page, (words, page)
            assert re.search(r"u\s+Undo", page)
            # Two columns: a line holds an Edit key and a Find or Go key side by side.
            assert any("Status ▶" in line and "Filter" in line for line in shown), page
            rows = app.screen._rows
            groups = list(dict.fromkeys(row.group for row in rows))
            assert groups[-2:] == ["Move", "Focus"], groups
            assert groups[:4] == ["Edit", "Undo", "Find", "Copy"], groups

    async def test_one_column_when_narrow(self, seed_store, screen_text):
        app = ScreenHarness(make_view=lambda: RisksView(seed_store))
        async with app.run_test(size=(60, 30)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            table = app.screen.query_one("#help-table", Static)
            lines = [line for line in screen_text(app).splitlines() if "Status ▶" in line]
            assert lines and "Open" not in lines[0]  # nothing beside it
            assert table.size.width < 56

    def test_every_binding_of_the_app_has_a_heading(self):
        """The group table covers every action bound on the app's screens (a new action
        goes in HELP_GROUPS, or shows under "More")."""
        from tracker_tui.screens.help import HELP_GROUPS, help_group
        from tracker_tui.screens.snapshot import SnapshotScreen

        actions = [binding.action for binding in SnapshotScreen.BINDINGS]  # type: ignore[union-attr]
        actions += [binding.action for binding in RisksView.BINDINGS]  # type: ignore[union-attr]
        assert all(help_group(action) in HELP_GROUPS for action in actions), actions

    def test_uses_no_private_textual_module(self):
        import inspect

        import tracker_tui.screens.help as help_module

        assert "textual._" not in inspect.getsource(help_module)

    async def test_in_the_app(self, seed_store, frozen_settings):
        """Pushed by the app's ? on the Risks screen: lists the app's keys too."""
        app = make_app(seed_store, frozen_settings)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            text = plain(app.screen.query_one("#help-table", Static))
            assert "Risks" in text and "Quit" in text and "New risk" in text


class TestDialogs:
    @pytest.mark.parametrize(("key", "answer"), [("y", True), ("n", False), ("escape", False)])
    async def test_confirm(self, key, answer):
        app = ScreenHarness(lambda: ConfirmScreen("Delete [b]R-01[/b]?"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "Delete [b]R-01[/b]?" in plain(app.screen.query_one("#dialog-question"))
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [answer]

    async def test_conflict_shows_the_users_name_literally(self):
        conflicts = [FieldConflict("Owner", "A", "B", "[bold]x")]
        app = ScreenHarness(lambda: ConflictScreen(conflicts))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "Theirs ([bold]x)" in plain(app.screen.query_one("#conflict-table"))
            assert "[bold]x saved this row" in plain(app.screen.query_one("#dialog-question"))

    async def test_conflict_names_each_fields_author(self):
        """Two people changed two fields: each value says whose it is."""
        conflicts = [
            FieldConflict("Owner", "Alice", "Ann's", "ann"),
            FieldConflict("Status", "Blocked", "On Hold", "cy"),
        ]
        app = ScreenHarness(lambda: ConflictScreen(conflicts, also_saved=["Milestone"]))
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause()
            table = plain(app.screen.query_one("#conflict-table"))
            assert "Ann's (ann)" in table and "On Hold (cy)" in table
            assert "ann and cy saved this row" in plain(app.screen.query_one("#dialog-question"))
            assert "save your change to Milestone" in plain(
                app.screen.query_one("#conflict-also-saved")
            )

    @pytest.mark.parametrize(
        ("key", "choice"), [("t", "theirs"), ("m", "mine"), ("e", "edit"), ("escape", "edit")]
    )
    async def test_conflict_choices(self, key, choice):
        app = ScreenHarness(lambda: ConflictScreen([FieldConflict("Owner", "Alice", "Bob", "bob")]))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.screen.differing() == [("Owner", "Alice", "Bob")]
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [choice]
