"""The real ``tracker-tui`` in a real terminal (tmux) while another process edits the store.

Nothing here is simulated: each dashboard is the installed ``tracker-tui`` command running in
a tmux pane of its own private tmux server, the other writer is a second process (the CLI or
a second dashboard), and what is checked is the text (and the cursor's highlight) that tmux
shows on the pane. Every wait polls the screen up to a deadline; no timing is asserted.

Skipped when tmux is not installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from terminal_driver import Screen, Tmux, tmux_path

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed"),
]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample-tracker.md"
SCRIPT = Path(sys.executable).with_name("tracker-tui")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tracker_tui"]

WIDE = (140, 30)  # wide enough for the Notes column, where "edited by ..." shows


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


def row_shows(screen: Screen, key: str, *texts: str) -> bool:
    line = screen.row(key)
    return line is not None and all(text in line for text in texts)


# -- the tests -----------------------------------------------------------------------------


def test_dashboard_shows_another_process_edit_and_keeps_the_cursor(tmux, child_env, db):
    pane = open_dashboard(tmux, child_env, db, user="alice")
    assert tmux.size(pane) == WIDE
    before = tmux.capture(pane)
    assert row_shows(before, "UT-003", "Complete", "100%")
    assert "Notes" in before.text  # the layout where markers have their column

    tmux.send(pane, "j", "j")
    tmux.wait_for(pane, lambda s: s.cursor_key() == "UT-003", "the cursor on UT-003")

    result = cli(child_env, "set", "UT-003", "--progress", "40", "--db", str(db), user="bob")
    assert result.returncode == 0, result.stderr

    screen = tmux.wait_for(
        pane,
        lambda s: row_shows(s, "UT-003", "40%", "edited by bob"),
        "UT-003 at 40% marked 'edited by bob'",
    )
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
    assert row_shows(screen, "UT-001", "edited by alice"), screen.text
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
        lambda s: row_shows(s, "UT-002", new_status, "edited by bob"),
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
        lambda s: row_shows(s, "UT-001", "60%", "edited by bob"),
        "bob's edit on the read-only viewer's screen",
    )
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
