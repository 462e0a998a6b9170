"""Pilot tests of the Stand-up screen: the sections, the walk-through forward and back,
an edit during it, the recording of the stand-up, and the read-only presenter view."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settle
from standup_scene import NOW, build_scene, open_scene
from textual.widgets import OptionList, Static

from tracker_tui.app import make_app
from tracker_tui.config import Settings
from tracker_tui.screens import standup as standup_screen
from tracker_tui.screens.standup import StandupView
from tracker_tui.screens.task_detail import TaskDetailScreen
from tracker_tui.store.store import Store


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    return build_scene(tmp_path / "scene.db")


@pytest.fixture(autouse=True)
def still_countdown(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The countdown's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(standup_screen, "clock", lambda: now[0])
    return now


def _view(app) -> StandupView:
    return app.screen.query_one(StandupView)


def _top(app) -> str:
    return str(app.screen.query_one("#standup-top", Static).render())


def _options(app) -> list[str]:
    options = app.screen.query_one("#standup-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_key_6_opens_the_standup_with_its_sections(scene, frozen_settings):
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("6")
            await settle(pilot)
            assert isinstance(_view(app), StandupView)
            assert "Since Tue 2024-06-04 00:00 (33 h ago)" in _top(app)
            assert "13 changes by 4 people" in _top(app)
            headers = [line.split(" (")[0] for line in _options(app) if line[:1] in "▼▶"]
            assert headers == [
                "▼ Moved",
                "▼ Completed",
                "▼ Blocked / At Risk",
                "▼ No movement",
                "▼ Risks",
                "▼ Decisions",
                "▼ Log",
            ]
            assert any("by ann" in line for line in _options(app))


async def test_sections_collapse_and_enter_opens_a_task(scene, frozen_settings):
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            options = app.screen.query_one("#standup-list", OptionList)
            options.highlighted = 0  # the Moved header
            await pilot.press("enter")
            await settle(pilot)
            assert _options(app)[0].startswith("▶ Moved (4)")
            assert not any("UT-002" in line for line in _options(app)[:2])
            await pilot.press("enter")  # unfolds again
            await pilot.press("j", "enter")
            await settle(pilot)
            assert isinstance(app.screen, TaskDetailScreen) and app.screen.task_id == "UT-002"


async def test_the_walk_through_forward_and_back_with_a_countdown(
    scene, frozen_settings, still_countdown
):
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            view = _view(app)
            first = view.owners[0]
            assert _top(app).startswith(f"Owner 1 of {len(view.owners)} · {first}")
            countdown = app.screen.query_one("#standup-countdown", Static)
            assert str(countdown.render()) == "2:00"
            still_countdown[0] += 100  # 20 s left: warning-coloured
            view._show_countdown()
            assert str(countdown.render()) == "0:20" and countdown.has_class("-warning")
            still_countdown[0] += 35  # past zero: error-coloured
            view._show_countdown()
            assert str(countdown.render()) == "-0:15" and countdown.has_class("-overdue")
            await pilot.press("space")
            await settle(pilot)
            assert _top(app).startswith(f"Owner 2 of {len(view.owners)}")
            assert str(countdown.render()) == "2:00"  # each owner gets the full time
            await pilot.press("n")
            await pilot.press("p", "p")
            await settle(pilot)
            assert _top(app).startswith(f"Owner 1 of {len(view.owners)} · {first}")


async def test_an_edit_during_the_walk_and_the_recording(scene, frozen_settings):
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w", "n")  # DevOps Lead second: UT-002 (70 %) highlighted
            await settle(pilot)
            assert _view(app).owners[:2] == ["Programme Manager", "DevOps Lead"]
            await pilot.press("plus")
            await settle(pilot)
            assert store.task("UT-002").progress == 80
            assert any("UT-002" in line and "80%" in line for line in _options(app))
            await pilot.press("escape")
            await settle(pilot)
            lines = _options(app)
            assert "Edits made 1" in lines
            assert any("UT-002 progress 70 % → 80 %" in line for line in lines)
            assert any(line.startswith("Recorded: run by lead") for line in lines)
            record = store.last_standup()
            assert record is not None and record.run_by == "lead" and record.edits == 1
            assert record.owners == ("Programme Manager", "DevOps Lead")
            await pilot.press("escape")  # back to the sections: since this stand-up
            await settle(pilot)
            assert "the last stand-up" in _top(app)


async def test_read_only_presenter_view_walks_but_records_nothing(scene, frozen_settings):
    with open_scene(scene, read_only=True) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w", "n")
            await settle(pilot)
            assert _top(app).startswith("Owner 2 of")
            await pilot.press("plus")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert any(
                line.startswith("Not recorded: this store is open read-only")
                for line in _options(app)
            )
    with open_scene(scene) as store:
        assert store.last_standup() is None
        assert store.task("UT-002").progress == 70


async def test_y_copies_the_report(scene, frozen_settings):
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
    assert copied and copied[0].startswith("**Stand-up: Version 1.00 Progress Tracker**")


async def test_palette_writes_the_report_to_a_file(scene, frozen_settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            commands = {c.title: c for c in app.get_system_commands(app.screen)}
            commands["Write stand-up report…"].callback()
            await settle(pilot)
    written = tmp_path / "standup-2024-06-05.md"
    assert written.read_text(encoding="utf-8").startswith("**Stand-up:")


async def test_standup_order_and_minutes_from_settings(scene, tmp_path):
    settings = Settings(
        today=frozen_today(),
        path=tmp_path / "c.toml",
        standup_order=["compliance lead"],
        standup_minutes_per_owner=1.5,
    )
    with open_scene(scene) as store:
        app = make_app(store, settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert "Compliance Lead" in _top(app)
            assert str(app.screen.query_one("#standup-countdown", Static).render()) == "1:30"


def frozen_today():
    from conftest import TODAY

    return TODAY


def test_a_long_detail_line_wraps_under_its_own_start_not_under_the_task_ids() -> None:
    from rich.console import Console
    from rich.text import Text

    from tracker_tui.screens.standup_render import DETAIL_INDENT, hanging

    prompt = Text("UT-003   Database migrations In Progress  60%")
    prompt.append(f"\n{DETAIL_INDENT}Data Engineering Lead: 100 % → 60 % (-40), Complete → In")
    prompt.append(" Progress (by alice)", style="dim")
    lines = hanging(prompt, 74, Console(width=200)).plain.split("\n")
    assert lines[0] == "UT-003   Database migrations In Progress  60%"
    assert all(line.startswith(DETAIL_INDENT) and len(line) <= 74 for line in lines[1:])
    assert " ".join(line.strip() for line in lines[1:]).endswith("In Progress (by alice)")
    # A prompt that fits is left as it is.
    assert hanging(prompt, 200, Console(width=200)) is prompt


async def test_w_typed_with_6_while_the_history_is_read_starts_the_walk(
    scene, frozen_settings, monkeypatch
):
    """``6 w`` typed together on a running dashboard: the read runs in a worker, and the
    ``w`` that arrives before it lands is kept, not dropped."""
    import threading

    gate = threading.Event()
    real_read = standup_screen.read_since

    def gated_read(*args, **kwargs):
        gate.wait(10)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(standup_screen, "read_since", gated_read)
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("6", "w")
            assert _view(app).view is None  # still reading when w arrived
            gate.set()
            await settle(pilot)
            assert _view(app).state == "walk"
            assert _top(app).startswith("Owner 1 of")


async def test_escape_twice_reads_the_sections_from_the_stand_up_just_recorded(
    scene, frozen_settings, monkeypatch
):
    """escape, escape: the sections' read may land before the stand-up is written (it
    did, and they stayed on the previous baseline until some other edit); when the
    record lands they are read again, so the baseline is this stand-up."""
    import threading

    gate = threading.Event()
    with open_scene(scene) as store:
        real_record = store.record_standup

        def gated_record(*args, **kwargs):
            gate.wait(10)
            return real_record(*args, **kwargs)

        monkeypatch.setattr(store, "record_standup", gated_record)
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            assert "the previous working day" in _top(app)
            await pilot.press("w", "escape", "escape")
            for worker in list(app.workers):
                if worker.group == "standup-load":
                    await worker.wait()
            gate.set()
            await settle(pilot)
            assert _view(app).state == "overview"
            assert "the last stand-up" in _top(app)


async def test_a_wide_title_keeps_the_columns_in_line_and_ascii_cuts_with_ascii(
    scene, frozen_settings
):
    """A CJK title is cut and padded by terminal cells (it was by characters: every
    column after it slid right by one cell per wide character), and ``--ascii`` marks the
    cut with ``~``, as the Snapshot does, not with ``…``."""
    from rich.cells import cell_len

    with open_scene(scene) as store:
        store.update_task("UT-003", {"title": "数据库迁移和验证" * 4, "progress": "+10"})
        app = make_app(store, frozen_settings, ascii=True, mode="standup")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            heads = [line.split("\n")[0] for line in _options(app) if line.startswith("UT-")]
            assert any("数据库" in head for head in heads)
            assert len({cell_len(head) for head in heads}) == 1, heads
            assert not any("…" in head for head in heads)
            wide = next(head for head in heads if head.startswith("UT-003"))
            assert wide.startswith("UT-003   数据库迁移和验证") and "~" in wide


def test_the_top_shows_as_many_forecasts_as_fit_and_counts_the_rest(scene):
    """Six open milestones: three lines, then how many more and where they all are."""
    from dataclasses import replace
    from datetime import UTC

    from tracker_tui.screens.standup_render import top_lines
    from tracker_tui.standup.reading import read_since
    from tracker_tui.trends.forecast import Forecast

    with open_scene(scene) as store:
        view = read_since(store, tz=UTC, today=NOW.today())
    six = tuple(Forecast(f"M{n}", "no-movement", 50.0) for n in range(1, 7))
    lines = top_lines(replace(view, forecasts=six), UTC, ascii=False, read_only=False).plain
    assert lines.splitlines()[3:] == [
        "M1: no movement",
        "M2: no movement",
        "M3: no movement",
        "+3 more forecasts: 7 Trends",
    ]


async def test_opened_on_the_standup_reads_the_forecasts_after_its_first_frame(
    scene, frozen_settings, monkeypatch
):
    """Issue 13: the forecasts' worker held the GIL the first frame needed; it now starts
    once the app's first frame is on the terminal, and its forecasts still land."""
    read_after_frame: list[bool] = []
    original = standup_screen.milestone_forecasts

    def recording(store, **options):
        read_after_frame.append(app.first_frame_shown)
        return original(store, **options)

    monkeypatch.setattr(standup_screen, "milestone_forecasts", recording)
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            assert read_after_frame == [True]
            assert "Programme" in _top(app)


def _highlight(app, line_id: str) -> None:
    """Put the list's highlight on the line ``line_id`` (``task:UT-003``)."""
    view = _view(app)
    view.options.highlighted = list(view._lines).index(line_id)


async def test_e_edits_the_whole_task_its_notes_too(scene, frozen_settings):
    """The view holds what the stand-up shows of each task; ``e`` reads the task whole,
    so the form's notes are the task's and saving keeps them."""
    from textual.widgets import TextArea

    from tracker_tui.screens.task_form import TaskFormScreen

    with open_scene(scene) as store:
        task_id = store.tasks()[0].id
        store.update_task(task_id, {"notes": "keep these notes"})
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            _highlight(app, f"task:{task_id}")
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert app.screen.query_one(TextArea).text == "keep these notes"
            assert app.screen.editing is not None and app.screen.editing.id == task_id


async def test_e_on_a_task_another_user_deleted_says_so(scene, frozen_settings):
    from tracker_tui.screens.task_form import TaskFormScreen

    with open_scene(scene) as store:
        task_id = store.tasks()[0].id
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            _highlight(app, f"task:{task_id}")
            store.delete_task(task_id)  # another user, meanwhile
            await pilot.press("e")
            await settle(pilot)
            assert not isinstance(app.screen, TaskFormScreen)
            assert any(f"{task_id} is gone" in str(n.message) for n in app._notifications)


async def test_a_big_section_shows_its_first_items_and_the_rest_on_enter(scene, frozen_settings):
    """A big day moves thousands of tasks: a section lists ``SECTION_CAP`` of them, then
    "… and N more", which ``enter`` opens; an owner's page is capped the same way."""
    from standup_scene import EDITED

    from tracker_tui.screens.standup_render import SECTION_CAP

    extra = SECTION_CAP + 5
    with Store.open(scene, user="dan", clock=EDITED) as dan:
        for number in range(extra):
            dan.create_task({"id": f"BIG-{number:03}", "title": f"Task {number}", "owner": "Dan"})
    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            moved = len(_view(app).view.moved)
            assert moved > SECTION_CAP
            lines = _options(app)
            assert f"and {moved - SECTION_CAP} more (enter shows them all)" in "\n".join(lines)
            assert not any("BIG-054" in line for line in lines)
            _highlight(app, "more:moved")
            await pilot.press("enter")
            await settle(pilot)
            lines = _options(app)
            assert any("BIG-054" in line for line in lines)
            # The cursor is on the first item that was hidden.
            options = _view(app).options
            assert "BIG-" in str(options.get_option_at_index(options.highlighted).prompt)
            assert not any("more (enter shows them all)" in line for line in lines[: moved + 2])
            # Dan's page in the walk: his first SECTION_CAP tasks, then the rest on enter.
            view = _view(app)
            await pilot.press("w")
            await settle(pilot)
            while view.owners[view.owner_index] != "Dan":
                await pilot.press("n")
                await settle(pilot)
            lines = _options(app)
            assert any("and 5 more" in line for line in lines)
            _highlight(app, "more:tasks:dan")
            await pilot.press("enter")
            await settle(pilot)
            assert sum(line.lstrip().startswith("BIG-") for line in _options(app)) == extra


async def test_keys_typed_behind_e_while_the_task_is_read_belong_to_the_form(
    scene, frozen_settings, monkeypatch
):
    """``e`` reads the task whole before its form opens: keys typed meanwhile (a burst, a
    slow server) go to the form, so ``e`` esc closes the form and the walk goes on."""
    import threading

    from textual.widgets import Input

    from tracker_tui.screens.task_form import TaskFormScreen

    with open_scene(scene) as store:
        gate = threading.Event()
        read = store.task

        def slow_task(task_id: str):
            gate.wait(5)
            return read(task_id)

        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            view = _view(app)
            monkeypatch.setattr(store, "task", slow_task)
            await pilot.press("e", "escape", "p")  # all typed before the task is read
            await pilot.pause()
            assert view.state == "walk" and not isinstance(app.screen, TaskFormScreen)
            gate.set()
            await settle(pilot)
            assert view.state == "walk"  # esc closed the form; it did not end the walk
            assert not isinstance(app.screen, TaskFormScreen)

            gate.clear()
            await pilot.press("e", "X")
            await pilot.pause()
            gate.set()
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert app.screen.query_one(Input).value.endswith("X")


async def test_keys_in_the_same_burst_as_e_reach_the_form(scene, frozen_settings):
    """A terminal hands ``e X Y`` over in one read: the keys behind ``e`` reach the
    view before a plain binding of ``e`` runs, so they were lost (found in tmux)."""
    from textual import events
    from textual.widgets import Input

    from tracker_tui.screens.task_form import TaskFormScreen

    with open_scene(scene) as store:
        app = make_app(store, frozen_settings, mode="standup")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            for key in "eXY":  # posted together, as the driver does, not one by one
                app.post_message(events.Key(key, key))
            await settle(pilot)
            assert isinstance(app.screen, TaskFormScreen)
            assert app.screen.query_one(Input).value.endswith("XY")
