"""Typing into the forms and the ``%`` prompt as a lead at a laggy terminal does (issue 9).

- Keys in one burst keep their order: backspaces are not overtaken by the characters typed
  after them, in a form's fields, the Notes box and the filter; what is saved is exactly
  what was typed.
- A form opens with the cursor at the end of its first field, nothing selected, the field
  shown from its start; ``ctrl+q`` over a form with unsaved edits asks first.
- The ``%`` prompt keeps a bad value on screen with its error, writes nothing, and keeps
  the keys typed next; a good value is saved.

A burst is keys queued all at once, as a terminal hands over a paste or keys that a slow
link delivered together (``pilot.press`` waits for the app to go idle between keys, which
hides the bug).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import settle
from textual import events
from textual.widgets import Input, TextArea
from textual.widgets.input import Selection

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.screens.confirm import ConfirmScreen
from tracker_tui.screens.progress_prompt import ProgressPrompt
from tracker_tui.screens.task_form import TaskFormScreen
from tracker_tui.store.store import Store

ScreenText = Callable[[TrackerApp], str]
CHARACTERS = {"percent_sign": "%", "slash": "/", "space": " ", "plus": "+", "minus": "-"}
TITLE = "Programme mobilisation, charter, and governance toolkit"  # UT-001 in the sample


def burst(app: TrackerApp, *keys: str) -> None:
    """Queue ``keys`` at once; a one-character key is typed text, others are named keys."""
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


@pytest.fixture
def app(seed_store: Store, frozen_settings: Settings) -> TrackerApp:
    return make_app(seed_store, frozen_settings)


async def open_form(app: TrackerApp, pilot: object) -> TaskFormScreen:
    await settle(pilot)
    await pilot.press("e")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, TaskFormScreen)
    return app.screen


class TestBurstsKeepEveryKey:
    async def test_backspaces_then_text_in_one_burst_saves_exactly_the_text(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """End, 60 backspaces and "abcdefghij" as one burst: the title is "abcdefghij"."""
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            burst(app, "end", *["backspace"] * 60, *"abcdefghij")
            await settle(pilot)
            assert form.query_one("#in-title", Input).value == "abcdefghij"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
        assert seed_store.task("UT-001").title == "abcdefghij"

    async def test_short_corrections_in_a_burst(self, app: TrackerApp, seed_store: Store) -> None:
        """Three backspaces then three letters: the letters replace the last three."""
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            burst(app, "backspace", "backspace", "backspace", "x", "y", "z", "left", "left", "Q")
            await settle(pilot)
            assert form.query_one("#in-title", Input).value == TITLE[:-3] + "xQyz"

    async def test_save_in_the_same_burst_saves_what_was_typed_before_it(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """End, four backspaces, "Q1" and ctrl+s in one burst: the save waits for the keys
        typed before it (ctrl+s is a priority key, taken by the app before the field has
        handled the letters queued ahead of it)."""
        async with app.run_test(size=(80, 24)) as pilot:
            await open_form(app, pilot)
            burst(app, "end", *["backspace"] * 4, "Q", "1", "ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
        assert seed_store.task("UT-001").title == TITLE[:-4] + "Q1"

    async def test_title_prompt_keeps_a_burst_in_order(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """``t``, then End, backspaces over the whole title and a new one, in one burst."""
        old = seed_store.tracker_info().title
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            burst(app, "end", *["backspace"] * len(old), *"Launch", "enter")
            await settle(pilot)
        assert seed_store.tracker_info().title == "Launch"

    async def test_keys_in_the_burst_that_opens_a_form_reach_it(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """``e``, End, "ZZ" and ctrl+s in one burst: the form opens, takes "ZZ" and saves
        it (the keys came before its field had the focus, and were dropped)."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            burst(app, "e", "end", "Z", "Z", "ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
        assert seed_store.task("UT-001").title == TITLE + "ZZ"

    async def test_keys_in_the_burst_that_opens_the_progress_prompt_reach_it(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """``%`` then 66 and enter in one burst set 66 %, not the old figure."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            burst(app, "j", "percent_sign", "6", "6", "enter")
            await settle(pilot)
        assert seed_store.task("UT-002").progress == 66

    async def test_tab_in_a_burst_moves_on_before_the_next_letters(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """``n``, then tab and a title in one burst: the title lands in Title, not after the
        proposed ID (the focus moves at once, before the letters behind it are handed out)."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            burst(app, "tab", *"Shrunk", "shift+tab", "end", "9")
            await settle(pilot)
            assert app.screen.query_one("#in-title", Input).value == "Shrunk"
            assert app.screen.query_one("#in-id", Input).value == "UT-0089"

    async def test_notes_box_keeps_a_burst_in_order(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        notes = seed_store.task("UT-001").notes
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            box = form.query_one("#in-notes", TextArea)
            box.focus()
            box.move_cursor(box.document.end)
            await pilot.pause()
            burst(app, *["backspace"] * 5, *"xyz")
            await settle(pilot)
            assert box.text == notes[:-5] + "xyz"
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert seed_store.task("UT-001").notes == notes[:-5] + "xyz"

    async def test_filter_keeps_a_burst_with_backspaces(self, app: TrackerApp) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            burst(app, "slash", "x", "x", "x", "backspace", "backspace", "backspace", *"vit")
            await settle(pilot)
            assert app.screen.query_one("#filter", Input).value == "vit"


class TestFormOpening:
    async def test_cursor_at_the_end_and_nothing_selected(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """e twice adds an "e" to the title instead of replacing the title with it."""
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            title = form.query_one("#in-title", Input)
            assert title.has_focus
            assert title.selection == Selection.cursor(len(TITLE))
            await pilot.press("e")
            await pilot.pause()
            assert title.value == TITLE + "e"

    async def test_title_shown_from_its_start_at_80_columns(
        self, app: TrackerApp, seed_store: Store, screen_text: ScreenText
    ) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_form(app, pilot)
            assert f"Title        {TITLE}" in screen_text(app)

    async def test_a_title_longer_than_the_field_shows_its_start(
        self, app: TrackerApp, seed_store: Store, screen_text: ScreenText
    ) -> None:
        long_title = "Start of a very long title " + "x" * 80
        seed_store.update_task("UT-001", {"title": long_title})
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            assert "Title        Start of a very long title xxx" in screen_text(app)
            title = form.query_one("#in-title", Input)
            assert title.selection == Selection.cursor(len(long_title))


class TestQuitWithAFormOpen:
    async def test_ctrl_q_over_unsaved_edits_asks_first(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(app, pilot)
            await pilot.press("x", "ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert app.is_running
            await pilot.press("ctrl+q")  # asking again adds no second question
            await pilot.pause()
            assert len([s for s in app.screen_stack if isinstance(s, ConfirmScreen)]) == 1
            await pilot.press("n")  # no: back to the form, the edit still there
            await pilot.pause()
            assert app.screen is form
            assert form.query_one("#in-title", Input).value == TITLE + "x"
            await pilot.press("ctrl+q")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
            assert not app.is_running
        assert seed_store.task("UT-001").title == TITLE

    async def test_ctrl_q_over_a_clean_form_quits_at_once(self, app: TrackerApp) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_form(app, pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert not app.is_running

    async def test_a_typed_and_undone_edit_is_clean(self, app: TrackerApp) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_form(app, pilot)
            await pilot.press("x", "backspace", "ctrl+q")
            await pilot.pause()
            assert not app.is_running


class TestProgressPrompt:
    async def test_bad_value_keeps_the_prompt_open_and_writes_nothing(
        self, app: TrackerApp, seed_store: Store, screen_text: ScreenText
    ) -> None:
        before = (seed_store.tasks(), seed_store.activity_count(), seed_store.revision())
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("percent_sign")
            await settle(pilot)
            await pilot.press(*"150", "enter")
            await settle(pilot)
            prompt = app.screen
            assert isinstance(prompt, ProgressPrompt), "a bad value must keep the prompt open"
            error = prompt.query_one("#progress-error")
            assert error.display and "from 0 to 100, not 150" in " ".join(screen_text(app).split())
            assert not app._notifications, "the error is under the field, not a toast"
            # The next keys stay in the prompt: + does not nudge any task.
            await pilot.press("plus")
            await settle(pilot)
            assert app.screen is prompt
            assert prompt.query_one("#progress-value", Input).value == "150+"
            assert (seed_store.tasks(), seed_store.activity_count(), seed_store.revision()) == (
                before
            )
            await pilot.press(*["backspace"] * 4, *"50", "enter")
            await settle(pilot)
            assert not isinstance(app.screen, ProgressPrompt)
        assert seed_store.task("UT-001").progress == 50

    @pytest.mark.parametrize("typed", ["+5", "-5", "40%"])
    async def test_relative_and_percent_values_are_accepted(
        self, app: TrackerApp, seed_store: Store, typed: str
    ) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j", "percent_sign")
            await settle(pilot)
            await pilot.press(*typed, "enter")
            await settle(pilot)
            assert not isinstance(app.screen, ProgressPrompt)
        assert seed_store.task("UT-003").progress == {"+5": 100, "-5": 95, "40%": 40}[typed]


class TestTabsInABurst:
    async def test_tabs_in_the_burst_that_opens_a_form_move_to_the_next_fields(
        self, app: TrackerApp, seed_store: Store
    ) -> None:
        """``e``, tab, tab, End, ctrl+u, "Frank" and ctrl+s in one burst (keys over SSH
        arrive together) set the third field, as typed slowly, not the title."""
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("e", "tab", "tab")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            third = app.screen.focused
            assert isinstance(third, Input) and third.id != "in-title"
            await pilot.press("escape")
            await settle(pilot)
            burst(app, "e", "tab", "tab", "end", "ctrl+u", *"Frank", "ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
        task = seed_store.task("UT-001")
        assert task.title == TITLE
        assert getattr(task, third.id.removeprefix("in-")) == "Frank"
