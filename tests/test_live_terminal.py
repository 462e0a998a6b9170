"""The real ``tracker-tui`` in a real terminal (tmux) while another process edits the store.

Nothing here is simulated: each dashboard is the installed ``tracker-tui`` command running in
a tmux pane of its own private tmux server, the other writer is a second process (the CLI or
a second dashboard), and what is checked is the text (and the cursor's highlight) that tmux
shows on the pane. Every wait polls the screen up to a deadline; no timing is asserted.

Skipped when tmux is not installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import COMMAND, SAMPLE
from requirements import missing
from terminal_driver import DEADLINE, Screen, Tmux, tmux_path

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _needs_tmux() -> None:
    if tmux_path() is None:
        missing("tmux is not installed")


WIDE = (140, 30)  # wide enough for the Notes column


# -- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def child_env(tmp_path: Path) -> dict[str, str]:
    """What every tracker-tui process here gets: private XDG dirs, a fixed terminal."""
    env = {}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        directory = tmp_path / "xdg" / name.lower()
        directory.mkdir(parents=True, exist_ok=True)
        env[name] = str(directory)
    env["HOME"] = str(tmp_path / "home")
    env["TERM"] = "xterm-256color"
    env["TEXTUAL_ANIMATIONS"] = "none"
    env["TRACKER_TUI_USER"] = "alice"
    return env


@pytest.fixture
def db(tmp_path: Path, child_env: dict[str, str]) -> Path:
    path = tmp_path / "tracker.db"
    result = cli(child_env, "import", str(SAMPLE), "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.close()


def cli(env: dict[str, str], *argv: str, user: str | None = None) -> subprocess.CompletedProcess:
    """Run the tracker-tui command as another process (``user`` via TRACKER_TUI_USER)."""
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_TUI_")},
        **env,
    }
    if user is not None:
        full["TRACKER_TUI_USER"] = user
    return subprocess.run(
        [*COMMAND, *argv], env=full, capture_output=True, text=True, timeout=60, check=False
    )


def export(env: dict[str, str], db: Path) -> dict:
    result = cli(env, "export", "--format", "json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def task(document: dict, task_id: str) -> dict:
    return next(t for t in document["tasks"] if t["id"] == task_id)


def open_dashboard(
    tmux: Tmux,
    env: dict[str, str],
    db: Path,
    *,
    user: str,
    extra: tuple[str, ...] = (),
    size: tuple[int, int] = WIDE,
) -> str:
    pane = tmux.start(
        [*COMMAND, "--db", str(db), *extra], {**env, "TRACKER_TUI_USER": user}, size=size
    )
    wait_ready(tmux, pane)
    return pane


def wait_ready(tmux: Tmux, pane: str) -> Screen:
    """The dashboard is up: every task row drawn, the footer shown, the cursor on row 1."""
    return tmux.wait_for(
        pane,
        lambda s: s.row("UT-007") is not None and "Quit" in s.text and s.cursor_key() == "UT-001",
        "the dashboard with its cursor on UT-001",
    )


def marked(screen: Screen, key: str) -> bool:
    """The row of ``key`` carries the "edited by someone else" mark in its gutter."""
    line = screen.row(key)
    return line is not None and line.startswith("✎")


def row_shows(screen: Screen, key: str, *texts: str) -> bool:
    line = screen.row(key)
    return line is not None and all(text in line for text in texts)


# -- the tests -----------------------------------------------------------------------------


def test_dashboard_shows_another_process_edit_and_keeps_the_cursor(tmux, child_env, db):
    pane = open_dashboard(tmux, child_env, db, user="alice")
    assert tmux.size(pane) == WIDE
    before = tmux.capture(pane)
    assert row_shows(before, "UT-003", "Complete", "100%")
    assert "Notes" in before.text  # every column: the mark must not cover one

    tmux.send(pane, "j", "j")
    tmux.wait_for(pane, lambda s: s.cursor_key() == "UT-003", "the cursor on UT-003")

    result = cli(child_env, "set", "UT-003", "--progress", "40", "--db", str(db), user="bob")
    assert result.returncode == 0, result.stderr

    screen = tmux.wait_for(
        pane,
        lambda s: row_shows(s, "UT-003", "40%") and marked(s, "UT-003"),
        "UT-003 at 40%, marked",
    )
    # The cursor is on it: the footer says who.
    assert "UT-003 edited by bob" in screen.text, screen.text
    assert "Marketplace taxonomy" in screen.row("UT-003")  # the Notes still shown
    assert screen.cursor_key() == "UT-003", screen.text
    assert row_shows(screen, "UT-003", "In Progress")
    # Only the row bob changed moved; the others read as before.
    for key in ("UT-001", "UT-002", "UT-004"):
        assert screen.row(key) == before.row(key), (key, screen.text)
    assert screen.text.count("edited by") == 1

    # Enter opens the task under the cursor: it is still UT-003, as bob left it.
    tmux.send(pane, "Enter")
    detail = tmux.wait_for(
        pane,
        lambda s: s.lines and s.lines[0].lstrip().startswith("UT-003") and "History" in s.text,
        "the detail screen of UT-003",
    )
    assert "Database migrations, seeding, and verification suite" in detail.lines[0]
    assert "40%" in detail.text
    assert "Saved by      bob" in detail.text
    assert any("bob" in line and "100 → 40" in line for line in detail.lines), detail.text


def test_two_panes_on_one_store_see_each_others_edits(tmux, child_env, db):
    # One window split in two, as a person would: alice on the left, bob on the right.
    alice = tmux.start(
        [*COMMAND, "--db", str(db)], {**child_env, "TRACKER_TUI_USER": "alice"}, size=(201, 30)
    )
    bob = tmux.split(alice, [*COMMAND, "--db", str(db)], {**child_env, "TRACKER_TUI_USER": "bob"})
    assert tmux.size(alice)[0] >= 99 and tmux.size(bob)[0] >= 99
    wait_ready(tmux, alice)
    wait_ready(tmux, bob)

    # alice: UT-001 (the cursor is on it), one step down.
    tmux.send(alice, "g", "-")
    tmux.wait_for(
        alice,
        lambda s: row_shows(s, "UT-001", "In Progress", "90%"),
        "alice's own edit on her screen",
    )
    screen = tmux.wait_for(
        bob,
        lambda s: row_shows(s, "UT-001", "In Progress", "90%"),
        "alice's edit (UT-001 at 90%, In Progress) on bob's screen",
    )
    assert marked(screen, "UT-001") and "UT-001 edited by alice" in screen.text, screen.text
    stored = task(export(child_env, db), "UT-001")
    assert (stored["progress"], stored["status"]) == (90, "In Progress")

    # bob: the next status of UT-002.
    tmux.send(bob, "j")
    tmux.wait_for(bob, lambda s: s.cursor_key() == "UT-002", "bob's cursor on UT-002")
    tmux.send(bob, "s", "Enter")  # the status picker, opened on the next status
    tmux.wait_for(
        bob,
        lambda s: row_shows(s, "UT-002") and "Complete" not in s.row("UT-002"),
        "bob's own status change on his screen",
    )
    new_status = task(export(child_env, db), "UT-002")["status"]
    assert new_status != "Complete"
    screen = tmux.wait_for(
        alice,
        lambda s: row_shows(s, "UT-002", new_status) and marked(s, "UT-002"),
        f"bob's edit (UT-002 {new_status}) on alice's screen",
    )
    # alice's cursor stayed where she left it.
    assert screen.cursor_key() == "UT-001", screen.text


def test_read_only_viewer_refuses_edits_and_still_sees_them_live(tmux, child_env, db):
    viewer = open_dashboard(tmux, child_env, db, user="carol", extra=("--read-only",))
    screen = tmux.capture(viewer)
    title = next(line for line in screen.lines if "Version 1.00 Progress Tracker" in line)
    assert "READ-ONLY" in title, screen.text

    before = export(child_env, db)
    tmux.send(viewer, "-")
    screen = tmux.wait_for(
        viewer,
        lambda s: "Read-only: changing the progress is not possible" in s.toasts(),
        "the read-only notification",
    )
    assert "this store is open read-only" in screen.toasts()
    assert row_shows(screen, "UT-001", "Complete", "100%")
    assert export(child_env, db) == before
    history = cli(child_env, "history", "--db", str(db))
    assert "carol" not in history.stdout

    result = cli(child_env, "set", "UT-001", "--progress", "60", "--db", str(db), user="bob")
    assert result.returncode == 0, result.stderr
    screen = tmux.wait_for(
        viewer,
        lambda s: row_shows(s, "UT-001", "60%") and "UT-001 edited by bob" in s.text,
        "bob's edit on the read-only viewer's screen",
    )
    assert marked(screen, "UT-001")
    assert row_shows(screen, "UT-001", "In Progress")
    assert screen.cursor_key() == "UT-001"
    assert task(export(child_env, db), "UT-001")["progress"] == 60


def test_open_task_detail_shows_another_process_edit(tmux, child_env, db):
    # Regression: TrackerApp.on_store_changed once told only the base screen of each mode,
    # so an open task detail (pushed on top) stayed stale until it was reopened.
    pane = open_dashboard(tmux, child_env, db, user="alice")
    tmux.send(pane, "Enter")
    tmux.wait_for(
        pane,
        lambda s: s.lines[0].lstrip().startswith("UT-001") and "History" in s.text,
        "the detail screen of UT-001",
    )
    result = cli(child_env, "set", "UT-001", "--progress", "50", "--db", str(db), user="bob")
    assert result.returncode == 0, result.stderr
    tmux.wait_for(
        pane,
        lambda s: "50%" in s.text and any("bob" in line and "100 → 50" in line for line in s.lines),
        "bob's edit on alice's open detail screen of UT-001",
    )


# -- a terminal shrunk below 60x15 and grown back, with a popup open -------------------------
# Issue 9, item 5: the app froze at the first popup (a mix of the size message and fragments,
# one core busy, every key ignored) and the open form was lost. One dashboard goes through
# all five popups in turn, to keep the test quick.

LARGE, SMALL, MEDIUM = (120, 30), (40, 10), (80, 24)
MESSAGE = "tracker-tui needs at least 60x15 (now 40x10)"


def words(screen: Screen) -> str:
    """The screen's text with every run of blanks (and line breaks) made one space."""
    return " ".join(screen.text.split())


def dashboard_shown(screen: Screen) -> bool:
    """The task table with no popup over it (the help's last line, a form's title...)."""
    return (
        screen.row("UT-001") is not None
        and screen.row("UT-007") is not None
        and "Quit" in screen.text
        and not any(mark in screen.text for mark in ("closes", "Sort by", "Edit task", "New task"))
        and "needs at least" not in screen.text
    )


def resize_to_large(tmux: Tmux, pane: str) -> None:
    tmux.resize(pane, LARGE)
    tmux.wait_for(
        pane,
        lambda s: dashboard_shown(s) and "Notes" in s.text,  # the 120-column layout
        "the dashboard at 120x30",
    )


def through_too_small(
    tmux: Tmux, pane: str, popup_shown: Callable[[Screen], bool], popup: str
) -> Screen:
    """Shrink to 40x10 and grow to 80x24 with ``popup`` open; the screen once it is back."""
    tmux.resize(pane, SMALL)
    # The message alone: nothing of the popup or of the table shows through it.
    tmux.wait_for(pane, lambda s: words(s) == MESSAGE, f"the size message over the {popup}")
    tmux.resize(pane, MEDIUM)
    screen = tmux.wait_for(
        pane,
        lambda s: popup_shown(s) and "needs at least" not in s.text,
        f"the {popup} back, whole, at 80x24",
    )
    assert tmux.size(pane) == MEDIUM
    return screen


def press_until(
    tmux: Tmux, pane: str, key: str, condition: Callable[[Screen], bool], what: str
) -> None:
    """Press ``key`` (one that does no harm pressed twice) until ``condition`` holds: a key
    that arrives before a new popup has its focus goes nowhere."""
    for _ in range(int(DEADLINE / 3)):
        tmux.send(pane, key)
        with contextlib.suppress(AssertionError):
            tmux.wait_for(pane, condition, what, deadline=3)
            return
    tmux.wait_for(pane, condition, what)  # the last screen, in the error


def type_text(tmux: Tmux, pane: str, text: str) -> None:
    """Type ``text`` one key at a time, as a person would (a space is the Space key)."""
    tmux.send(pane, *("Space" if char == " " else char for char in text))


def test_each_popup_survives_a_too_small_terminal(tmux, child_env, db):
    pane = tmux.start(
        [*COMMAND, "--db", str(db)], {**child_env, "TRACKER_TUI_USER": "alice"}, size=LARGE
    )
    tmux.wait_for(
        pane,
        lambda s: dashboard_shown(s) and s.cursor_key() == "UT-001",
        "the dashboard with its cursor on UT-001",
    )
    title = task(export(child_env, db), "UT-001")["title"]

    # `e`: an edit typed before the shrink is still in the form, and is what ctrl+s saves.
    tmux.send(pane, "e")
    tmux.wait_for(pane, lambda s: "Edit task UT-001" in s.text, "the edit form of UT-001")
    press_until(
        tmux, pane, "End", lambda s: s.input_cursor_after(title), "the cursor after the title"
    )
    type_text(tmux, pane, " v2")
    tmux.wait_for(pane, lambda s: f"{title} v2" in s.text, "the edited title in the form")
    screen = through_too_small(
        tmux,
        pane,
        lambda s: "Edit task UT-001" in s.text and "Milestone" in s.text and "Save" in s.text,
        "edit form",
    )
    assert "Notes" in screen.text
    tmux.send(pane, "C-s")
    tmux.wait_for(pane, dashboard_shown, "the dashboard after saving the edit form")
    assert task(export(child_env, db), "UT-001")["title"] == f"{title} v2"

    # `?`, `enter`, `o`: each comes back as it was, and escape still closes it.
    popups: list[tuple[str, str, Callable[[Screen], bool]]] = [
        ("?", "help", lambda s: "Keys" in s.text and "escape or ? closes" in s.text),
        (
            "Enter",
            "task detail",
            lambda s: s.lines[0].lstrip().startswith("UT-001") and "History" in s.text,
        ),
        ("o", "sort chooser", lambda s: "Sort by" in s.text and "Last Update" in s.text),
    ]
    for key, popup, shown in popups:
        resize_to_large(tmux, pane)
        tmux.send(pane, key)
        tmux.wait_for(pane, shown, f"the {popup} at 120x30")
        through_too_small(tmux, pane, shown, popup)
        tmux.send(pane, "Escape")
        tmux.wait_for(pane, dashboard_shown, f"the dashboard after escape closed the {popup}")

    # `n`: a new task typed before the shrink is saved after it.
    resize_to_large(tmux, pane)
    tmux.send(pane, "n")
    tmux.wait_for(pane, lambda s: "New task" in s.text and "UT-008" in s.text, "the new form")
    press_until(tmux, pane, "End", lambda s: s.input_cursor_after("UT-008"), "the ID's cursor")
    tmux.send(pane, "Tab")  # from the proposed ID to the title
    type_text(tmux, pane, "Shrunk")
    tmux.wait_for(pane, lambda s: "Shrunk" in s.text, "the new title in the form")
    through_too_small(
        tmux, pane, lambda s: "New task" in s.text and "Shrunk" in s.text, "new-task form"
    )
    tmux.send(pane, "C-s")
    tmux.wait_for(
        pane,
        lambda s: dashboard_shown(s) and s.row("UT-008") is not None,
        "the new task UT-008 in the table",
    )
    assert task(export(child_env, db), "UT-008")["title"] == "Shrunk"

    # ctrl+q still quits while the terminal is too small.
    tmux.resize(pane, SMALL)
    tmux.wait_for(pane, lambda s: MESSAGE in words(s), "the size message")
    tmux.send(pane, "C-q")
    tmux.wait_for(pane, lambda s: "[exited with 0]" in s.text, "the dashboard to quit")
