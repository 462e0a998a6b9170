"""Pilot tests of the edit forms: validation beside the field, nothing saved until valid,
escape saves nothing, a valid save changes the store, refused pastes, store errors kept in
the form, and the conflict dialog's three choices."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import settle
from test_screens_support import ScreenHarness, plain
from textual import events
from textual.widgets import Input, Label, TextArea

from tracker_tui.domain import Task
from tracker_tui.screens.activity_form import ActivityFormScreen
from tracker_tui.screens.conflict import ConflictScreen
from tracker_tui.screens.risk_form import RiskFormScreen
from tracker_tui.screens.task_form import TaskFormScreen
from tracker_tui.store.store import Store


def task_form(store: Store, task_id: str | None = "UT-007", **kwargs: object) -> ScreenHarness:
    task = store.task(task_id) if task_id else None
    return ScreenHarness(lambda: TaskFormScreen(store, task, **kwargs))


def error_of(app: ScreenHarness, name: str) -> str:
    label = app.screen.query_one(f"#err-{name}", Label)
    return plain(label).strip() if label.display else ""


def status_of(app: ScreenHarness) -> str:
    label = app.screen.query_one("#form-status", Label)
    return plain(label).strip() if label.display else ""


async def retype(pilot: object, app: ScreenHarness, name: str, text: str) -> None:
    """Clear field ``name`` and type ``text`` into it, key by key."""
    widget = app.screen.query_one(f"#in-{name}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text) if text else None  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def snapshot(store: Store) -> list[Task]:
    return store.tasks()


class TestTaskFormValidation:
    @pytest.mark.parametrize(
        ("name", "typed", "message"),
        [
            ("progress", "150", "from 0 to 100"),
            ("progress", "abc", "whole number from 0 to 100"),
            ("progress", "+10", "whole number from 0 to 100"),
            ("last_update", "2024-13-45", "YYYY-MM-DD"),
            ("last_update", "yesterday", "YYYY-MM-DD"),
        ],
    )
    async def test_invalid_value_shows_message_beside_field(self, seed_store, name, typed, message):
        """Typing an invalid value shows its message under the field at once."""
        before = snapshot(seed_store)
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, name, typed)
            assert message in error_of(app, name)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen), "an invalid form must stay open"
            assert "Not saved" in status_of(app)
        assert snapshot(seed_store) == before

    async def test_empty_title_is_required(self, seed_store):
        before = snapshot(seed_store)
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "title", "")
            await pilot.press("x", "backspace")
            assert error_of(app, "title") == "Title is required"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
        assert snapshot(seed_store) == before

    async def test_fixing_the_value_clears_the_message(self, seed_store):
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "progress", "150")
            assert error_of(app, "progress")
            await retype(pilot, app, "progress", "50")
            assert error_of(app, "progress") == ""

    async def test_a_new_form_opens_without_messages(self, seed_store):
        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for name in TaskFormScreen.FIELDS:
                assert error_of(app, name) == ""

    async def test_huge_paste_is_refused_with_a_message(self, seed_store):
        """A 100,000-character paste inserts nothing and says why, in Input and TextArea."""
        before = snapshot(seed_store)
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            title = app.screen.query_one("#in-title", Input)
            title.focus()
            title.post_message(events.Paste("x" * 100_000))
            notes = app.screen.query_one("#in-notes", TextArea)
            notes.post_message(events.Paste("y" * 100_000))
            await pilot.pause()
            assert title.value == "Campaign manager model remediation"
            assert "x" not in notes.text.replace("xtracker", "")[:5]
            assert "Paste refused: 100,000 characters" in error_of(app, "title")
            assert "Paste refused: 100,000 characters" in error_of(app, "notes")
            await pilot.press("escape")
            await settle(pilot)
        assert snapshot(seed_store) == before


class TestTaskFormSaving:
    async def test_escape_leaves_the_store_unchanged(self, seed_store):
        before = snapshot(seed_store)
        revision = seed_store.revision()
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "owner", "Somebody Else")
            await retype(pilot, app, "progress", "40")
            await pilot.press("escape")
            await settle(pilot)
            assert app.results == [None]
        assert snapshot(seed_store) == before
        assert seed_store.revision() == revision

    async def test_valid_save_changes_only_the_changed_fields(self, seed_store):
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "owner", "Data Engineering Lead")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
        saved = app.results[0]
        assert isinstance(saved, Task) and saved.owner == "Data Engineering Lead"
        task = seed_store.task("UT-007")
        assert task.owner == "Data Engineering Lead"
        assert task.title == "Campaign manager model remediation"
        fields = {change.field for change in seed_store.history("UT-007")}
        assert "owner" in fields and "title" not in fields

    async def test_save_button_saves_too(self, seed_store):
        app = task_form(seed_store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "milestone", "M4")
            await pilot.click("#form-save")
            await settle(pilot)
        assert seed_store.task("UT-007").milestone == "M4"

    async def test_new_task_gets_the_next_id_and_is_created(self, seed_store):
        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#in-id", Input).value == "UT-008"
            await retype(pilot, app, "title", "Accessibility audit")
            await pilot.press("ctrl+s")
            await settle(pilot)
        task = seed_store.task("UT-008")
        assert task is not None and task.title == "Accessibility audit"

    async def test_new_task_refuses_an_id_already_taken(self, seed_store):
        count = len(seed_store.tasks())
        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "id", "UT-001")
            assert error_of(app, "id") == "UT-001 is already taken"
            await retype(pilot, app, "title", "Duplicate")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
        assert len(seed_store.tasks()) == count

    async def test_store_error_stays_in_the_form_with_the_edit(self, seed_store):
        """A store that refuses the write (read-only here; locked or full disk alike)
        leaves the form open, with the message and the user's edit, to retry."""
        read_only = Store.open(seed_store.target, user="alice", read_only=True)
        app = ScreenHarness(lambda: TaskFormScreen(read_only, read_only.task("UT-007")))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "owner", "Nobody")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert "read-only" in status_of(app)
            assert app.screen.query_one("#in-owner", Input).value == "Nobody"
        read_only.close()
        assert seed_store.task("UT-007").owner == "Product Engineering Lead"


@pytest.fixture
def bob(seed_store: Store):
    """A second user on the same store."""
    store = Store.open(seed_store.target, user="bob")
    yield store
    store.close()


class TestConflict:
    async def _conflict(self, seed_store: Store, bob: Store, pilot, app) -> None:
        await settle(pilot)
        # Bob saves after the form opened: owner (which alice also edits) and notes.
        version = bob.task("UT-007").version
        bob.update_task(
            "UT-007",
            {"owner": "Bob's Team", "notes": "Bob was here."},
            expected_version=version,
        )
        await retype(pilot, app, "owner", "Alice's Team")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)

    async def test_dialog_shows_both_values_and_who(self, seed_store, bob):
        app = task_form(seed_store)
        async with app.run_test(size=(100, 30)) as pilot:
            await self._conflict(seed_store, bob, pilot, app)
            dialog = app.screen
            assert dialog.who == "bob"
            assert dialog.differing() == [("Owner", "Alice's Team", "Bob's Team")]

    async def test_keep_theirs(self, seed_store, bob):
        app = task_form(seed_store)
        async with app.run_test(size=(100, 30)) as pilot:
            await self._conflict(seed_store, bob, pilot, app)
            await pilot.press("t")
            await settle(pilot)
            assert app.results == [None]
        assert seed_store.task("UT-007").owner == "Bob's Team"

    async def test_take_mine_keeps_their_other_fields(self, seed_store, bob):
        app = task_form(seed_store)
        async with app.run_test(size=(100, 30)) as pilot:
            await self._conflict(seed_store, bob, pilot, app)
            await pilot.press("m")
            await settle(pilot)
            assert not isinstance(app.screen, (ConflictScreen, TaskFormScreen))
        task = seed_store.task("UT-007")
        assert task.owner == "Alice's Team"
        assert task.notes == "Bob was here."  # alice did not touch the notes
        assert task.updated_by == "alice"

    async def test_edit_again_returns_to_the_form_rebased(self, seed_store, bob):
        app = task_form(seed_store)
        async with app.run_test(size=(100, 30)) as pilot:
            await self._conflict(seed_store, bob, pilot, app)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert app.screen.query_one("#in-owner", Input).value == "Alice's Team"
            assert app.screen.query_one("#in-notes", TextArea).text == "Bob was here."
            assert "bob" in status_of(app)
            assert seed_store.task("UT-007").owner == "Bob's Team"
            await pilot.press("ctrl+s")
            await settle(pilot)
        task = seed_store.task("UT-007")
        assert task.owner == "Alice's Team" and task.notes == "Bob was here."


@pytest.fixture
def ann(seed_store: Store):
    """Another user on the same store."""
    store = Store.open(seed_store.target, user="ann")
    yield store
    store.close()


def notices(app: ScreenHarness) -> list[str]:
    return [notification.message for notification in app._notifications]


class TestMergeWithAnotherUsersEdit:
    """ann changed UT-002 while alice had it open in the form (issue 9, item 6)."""

    async def _save_over_ann(self, app, pilot, ann: Store, ann_changes, typed) -> None:
        await settle(pilot)
        ann.update_task("UT-002", ann_changes)
        for name, text in typed.items():
            await retype(pilot, app, name, text)
        await pilot.press("ctrl+s")
        await settle(pilot)

    async def test_different_fields_merge_with_a_notice(self, seed_store, ann):
        """ann changed Owner, alice Milestone: no dialog; both are saved, and alice is told
        whose change came along."""
        app = task_form(seed_store, "UT-002")
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await self._save_over_ann(app, pilot, ann, {"owner": "Ann's team"}, {"milestone": "M9"})
            assert not isinstance(app.screen, (ConflictScreen, TaskFormScreen))
            assert "merged with ann's change to Owner" in notices(app)
        task = seed_store.task("UT-002")
        assert (task.owner, task.milestone) == ("Ann's team", "M9")
        assert app.results == [task]

    async def _same_field(self, seed_store, ann, pilot, app) -> None:
        await self._save_over_ann(
            app,
            pilot,
            ann,
            {"owner": "Ann's team", "notes": "ann's note"},
            {"owner": "Alice's team", "milestone": "M9"},
        )
        assert isinstance(app.screen, ConflictScreen)

    async def test_same_field_conflict_lists_only_that_field(self, seed_store, ann):
        app = task_form(seed_store, "UT-002")
        async with app.run_test(size=(100, 30)) as pilot:
            await self._same_field(seed_store, ann, pilot, app)
            dialog = app.screen
            assert dialog.differing() == [("Owner", "Alice's team", "Ann's team")]
            assert dialog.who == "ann"
            table = plain(dialog.query_one("#conflict-table"))
            assert "Milestone" not in table and "Notes" not in table
            assert "Milestone" in plain(dialog.query_one("#conflict-also-saved"))
        # Nothing saved until alice chooses.
        assert seed_store.task("UT-002").milestone == "M2"

    @pytest.mark.parametrize(("key", "owner"), [("m", "Alice's team"), ("t", "Ann's team")])
    async def test_either_choice_saves_the_rest_and_keeps_anns_notes(
        self, seed_store, ann, key, owner
    ):
        app = task_form(seed_store, "UT-002")
        async with app.run_test(size=(100, 30)) as pilot:
            await self._same_field(seed_store, ann, pilot, app)
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, (ConflictScreen, TaskFormScreen))
        task = seed_store.task("UT-002")
        assert (task.owner, task.milestone, task.notes) == (owner, "M9", "ann's note")

    async def test_risk_form_merges_too(self, seed_store, ann):
        app = ScreenHarness(lambda: RiskFormScreen(seed_store, seed_store.risk("R-03")))
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settle(pilot)
            ann.update_risk("R-03", {"owner": "Ann", "mitigation": "Ann's plan"})
            await retype(pilot, app, "description", "Egress IPs may rotate")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, (ConflictScreen, RiskFormScreen))
            assert "merged with ann's changes to Mitigation and Owner" in notices(app)
        risk = seed_store.risk("R-03")
        assert (risk.description, risk.owner) == ("Egress IPs may rotate", "Ann")


class TestRiskForm:
    async def test_description_required_and_nothing_saved(self, seed_store):
        before = seed_store.risks()
        app = ScreenHarness(lambda: RiskFormScreen(seed_store, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#in-id", Input).value == "R-06"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert error_of(app, "description") == "Description is required"
            await pilot.press("escape")
            await settle(pilot)
        assert seed_store.risks() == before

    async def test_new_risk_saved(self, seed_store):
        app = ScreenHarness(lambda: RiskFormScreen(seed_store, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "description", "Vendor outage during launch")
            await pilot.press("ctrl+s")
            await settle(pilot)
        risk = seed_store.risk("R-06")
        assert risk is not None and risk.description == "Vendor outage during launch"

    async def test_edit_risk_conflict_take_mine(self, seed_store, bob):
        app = ScreenHarness(lambda: RiskFormScreen(seed_store, seed_store.risk("R-03")))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            bob.update_risk("R-03", {"mitigation": "Bob's plan"}, expected_version=1)
            await retype(pilot, app, "mitigation", "Alice's plan")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            await pilot.press("m")
            await settle(pilot)
        assert seed_store.risk("R-03").mitigation == "Alice's plan"


class TestActivityForm:
    async def test_adds_an_entry_at_the_top(self, seed_store):
        count = seed_store.activity_count()
        app = ScreenHarness(lambda: ActivityFormScreen(seed_store, today=date(2024, 6, 5)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#in-date", Input).value == "2024-06-05"
            await retype(pilot, app, "text", "UT-007 QA sign-off booked")
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert seed_store.activity_count() == count + 1
        newest = seed_store.activity(limit=1)[0]
        assert (newest.date, newest.text) == ("2024-06-05", "UT-007 QA sign-off booked")

    async def test_bad_date_is_refused(self, seed_store):
        count = seed_store.activity_count()
        app = ScreenHarness(lambda: ActivityFormScreen(seed_store, today=date(2024, 6, 5)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "date", "June 5th")
            await retype(pilot, app, "text", "something")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "YYYY-MM-DD" in error_of(app, "date")
        assert seed_store.activity_count() == count


class TestDecisionForm:
    async def test_conflict_then_take_mine(self, seed_store, bob):
        from tracker_tui.screens.decision_form import DecisionFormScreen

        first = seed_store.decisions()[0]
        app = ScreenHarness(lambda: DecisionFormScreen(seed_store, first))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            from dataclasses import replace

            bob.save_decision(replace(first, owner="Bob"))
            await retype(pilot, app, "owner", "Alice")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConflictScreen)
            assert app.screen.differing() == [("Owner", "Alice", "Bob")]
            await pilot.press("m")
            await settle(pilot)
        assert seed_store.decisions()[0].owner == "Alice"


class TestRulesAreTheStores:
    async def test_field_limits_are_the_stores(self, seed_store):
        """A form accepts as much as the store does, field by field (rules.max_length)."""
        from tracker_tui import rules

        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            for name in ("id", "title", "milestone", "owner"):
                assert screen.query_one(f"#in-{name}", Input).max_length == rules.max_length(
                    name
                ), name
            assert screen.query_one("#in-notes", TextArea).limit == rules.max_length("notes")
        app = ScreenHarness(lambda: RiskFormScreen(seed_store, None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for name in ("description", "mitigation", "owner"):
                widget = app.screen.query_one(f"#in-{name}", Input)
                assert widget.max_length == rules.max_length(name), name

    async def test_an_id_the_store_refuses_is_shown_beside_the_field(self, seed_store, bob):
        """bob adds UT-100 after the form read the IDs; alice types ut-100: the store's
        own refusal (any case) sits under the ID field, and nothing is saved."""
        count = len(seed_store.tasks())
        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            bob.create_task({"id": "UT-100", "title": "Bob's"})
            await retype(pilot, app, "id", "ut-100")
            assert error_of(app, "id") == ""  # the form did not know it yet
            await retype(pilot, app, "title", "Alice's")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert "UT-100" in error_of(app, "id") or "ut-100" in error_of(app, "id")
            assert "already exists" in error_of(app, "id")
        assert len(seed_store.tasks()) == count + 1

    async def test_id_rules_are_the_stores(self, seed_store):
        app = task_form(seed_store, None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await retype(pilot, app, "id", "UT|9")
            assert error_of(app, "id") == "an ID cannot contain spaces or '|'"
