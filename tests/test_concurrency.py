"""Several writers at once, as real processes: no lost update, no "database is locked".

Children are fresh interpreters (``sys.executable -c``) using the Store, or the
``tracker-tui`` command line. They open the store and warm the write path first, then wait
on stdin for the go, so that their edits really overlap.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import COMMAND
from store_docs import (
    PLUS_ONE,
    assert_clean,
    child_env,
    popen_python,
    replace_tracker,
    run_python,
    start_together,
    tasks_document,
    write_after,
)

from tracker_tui.domain import ConflictError, StoreLockedError, Task
from tracker_tui.store import Store, engine


@pytest.fixture
def path(tasks_path: Path) -> Path:
    """The seven-task store with UT-001 at 0%, so that the additions below count from zero."""
    with Store.open(tasks_path) as store:
        store.update_task("UT-001", {"progress": 0})
    return tasks_path


@pytest.mark.slow
def test_three_processes_adding_one_eight_times_make_24(path: Path) -> None:
    children = [
        popen_python(PLUS_ONE.format(target=str(path)), env=child_env(TRACKER_TUI_USER=f"w{n}"))
        for n in range(3)
    ]
    assert_clean(start_together(children))
    with Store.open(path) as store:
        assert store.task("UT-001").progress == 24
        plus_ones = [c for c in store.history("UT-001") if c.field == "progress"]
        assert len(plus_ones) == 24 + 1  # and the fixture's own edit to 0


# The console script ``tracker-tui`` is ``tracker_tui.cli:main``: each call below parses
# the arguments and opens its own Store (engine, schema check) exactly as a new process
# would; only the imports are shared. 24 fresh interpreters would cost ~24 CPU-seconds of
# importing SQLModel on a 2-CPU CI box for no extra coverage of the store.
CLI_LOOP = """
    import sys
    from tracker_tui.cli import main
    import tracker_tui.store.writer  # warm the imports before the go
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(8):
        code = main(["--db", {path!r}, "set", "UT-001", "--progress", "+1"])
        if code:
            sys.exit(code)
"""


@pytest.mark.slow
def test_three_cli_processes_adding_one_eight_times_make_24(path: Path) -> None:
    children = [
        popen_python(CLI_LOOP.format(path=str(path)), env=child_env(TRACKER_TUI_USER=f"cli{n}"))
        for n in range(3)
    ]
    results = start_together(children)
    assert_clean(results)
    assert all(out.count("UT-001") == 8 for _, out, _ in results)
    with Store.open(path) as store:
        assert store.task("UT-001").progress == 24
        users = {c.user for c in store.history("UT-001") if c.field == "progress"}
        assert {"cli0", "cli1", "cli2"} <= users
    # And the installed command itself, once.
    done = subprocess.run(
        [*COMMAND, "--db", str(path), "set", "UT-001", "--progress", "+1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(TRACKER_TUI_USER="cli3"),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with Store.open(path) as store:
        assert store.task("UT-001").progress == 25


STRESS = """
    import sys
    from tracker_tui.store import Store
    n = {n}
    store = Store.open({path!r})
    store.prepare_writer()
    print("ready", flush=True)
    sys.stdin.readline()
    for k in range(25):
        op = k % 5
        if op == 0:
            store.update_task("UT-001", {{"progress": "+1"}})
        elif op == 1:
            store.update_task(f"UT-00{{n + 2}}", {{"notes": f"w{{n}}-{{k}}"}})
        elif op == 2:
            store.create_task({{"title": f"made by w{{n}} at {{k}}"}})
        elif op == 3:
            store.add_activity(f"w{{n}} note {{k}}")
        else:
            store.update_risk(f"R-0{{n + 1}}", {{"mitigation": f"w{{n}}-{{k}}"}})
    store.close()
    print("done", flush=True)
"""


@pytest.mark.slow
def test_stress_four_writers_mixed_edits(path: Path) -> None:
    with Store.open(path) as store:
        revision = store.revision()
        activity = store.activity_count()
    children = [
        popen_python(STRESS.format(n=n, path=str(path)), env=child_env(TRACKER_TUI_USER=f"w{n}"))
        for n in range(4)
    ]
    started = time.perf_counter()
    assert_clean(start_together(children))
    elapsed = time.perf_counter() - started
    print(f"\nstress: 4 processes x 25 mixed edits in {elapsed:.2f}s (incl. process exit)")
    with Store.open(path) as store:
        assert store.task("UT-001").progress == 20  # 4 writers x 5 increments
        for n in range(4):
            assert store.task(f"UT-00{n + 2}").notes == f"w{n}-21"
            assert store.risk(f"R-0{n + 1}").mitigation == f"w{n}-24"
        tasks = store.tasks()
        created = [task for task in tasks if task.title.startswith("made by")]
        assert len(created) == 20
        assert len({task.id for task in tasks}) == len(tasks) == 7 + 20
        assert store.activity_count() == activity + 20
        assert store.revision() == revision + 100  # one revision per edit, none lost
        assert {c.user for c in store.changes_since(revision)} == {"w0", "w1", "w2", "w3"}
        report = store.check()
        assert report["ok"], report


OTHER_WRITER = """
    from tracker_tui.store import Store
    with Store.open({path!r}, user="bob") as store:
        store.update_task("UT-002", {{"notes": "bob got there first"}})
"""


@pytest.mark.slow
def test_optimistic_version_conflict_across_processes(path: Path) -> None:
    with Store.open(path) as store:
        opened = store.task("UT-002")
        done = run_python(OTHER_WRITER.format(path=str(path)))
        assert done.returncode == 0, done.stderr
        revision = store.revision()
        with pytest.raises(ConflictError) as conflict:
            store.update_task("UT-002", {"notes": "mine"}, expected_version=opened.version)
        current = conflict.value.current
        assert isinstance(current, Task)
        assert current.notes == "bob got there first"
        assert current.updated_by == "bob"
        assert current.version == opened.version + 1
        assert store.revision() == revision
        assert store.task("UT-002").notes == "bob got there first"


def test_live_refresh_sees_another_writer(path: Path) -> None:
    with Store.open(path) as watcher:
        version, revision = watcher.data_version(), watcher.revision()
        assert watcher.data_version() == version  # nothing happened: no change
        with Store.open(path, user="bob") as bob:
            bob.update_task("UT-003", {"owner": "Bob"})
        assert watcher.data_version() != version
        changes = watcher.changes_since(revision)
        assert {(c.id, c.field, c.new) for c in changes} >= {("UT-003", "owner", "Bob")}
        assert watcher.task("UT-003").owner == "Bob"


def test_store_held_locked_gives_store_locked_error(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small budget, so that the test is quick: the production one is seconds.
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(engine, "LOCK_BUDGET_SECONDS", 0.5)
    with Store.open(path) as store:
        store.prepare_writer()
        revision = store.revision()
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreLockedError) as locked:
                store.update_task("UT-001", {"notes": "blocked"})
            message = str(locked.value)
            assert "database is locked" not in message
            assert "busy" in message and str(path) in message
            assert "\n" not in message
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.revision() == revision
        # Once the lock is gone, the same store writes again.
        assert store.update_task("UT-001", {"notes": "free"}).notes == "free"


# -- consistent reads: an export or the header never mixes two states -------------------------


def test_a_markdown_export_is_one_state_even_if_a_replace_commits_midway(path: Path) -> None:
    from tracker_tui.markdown import render_document

    with Store.open(path) as store:
        expected = render_document(store.export_document())
        seen = write_after(store, 2, replace_tracker(path, "Other"))
        assert render_document(store.export_document()) == expected
        assert seen[0] > 2  # the write did land between the export's reads
        assert store.tracker_info().title == "Other"  # and is seen afterwards


def test_a_json_export_is_one_state_even_if_a_write_commits_midway(path: Path) -> None:
    from tracker_tui.export_files import render_export

    with Store.open(path) as store:
        expected = render_export(store, "json", None)
        write_after(store, 1, replace_tracker(path, "Other"))
        exported = json.loads(render_export(store, "json", None))
        assert exported == json.loads(expected)
        assert exported["tracker"]["title"] == "Tracker" and len(exported["tasks"]) == 7


def test_the_header_figures_are_one_state(path: Path) -> None:
    with Store.open(path) as store:
        assert store.summary().tasks == 7
        seen = write_after(store, 1, replace_tracker(path, "Other"))
        summary = store.summary()
        assert seen[0] > 1  # the write landed between the header's queries
        assert summary.tasks == 7
        assert sum(item.count for item in summary.by_status) == summary.tasks
        assert sum(item.tasks for item in summary.by_milestone) == summary.tasks
        assert store.summary().tasks == 3  # the next read sees the new state


def test_other_threads_read_while_a_snapshot_is_held(path: Path) -> None:
    with Store.open(path) as store:
        results: list[int] = []
        with store.snapshot():
            before = store.revision()
            with Store.open(path, user="bob") as bob:
                bob.update_task("UT-002", {"notes": "later"})
            reader = threading.Thread(target=lambda: results.append(store.revision()))
            reader.start()
            reader.join(0.2)
            assert store.revision() == before  # still the snapshot's state
        reader.join(10)
        assert results == [before + 1]  # waited for the snapshot, then saw the write


@pytest.mark.slow
def test_exports_stay_consistent_while_a_writer_hammers(path: Path) -> None:
    from tracker_tui.export_files import render_export

    documents = [
        tasks_document(7, title="Seven"),
        tasks_document(3, prefix="NEW-", title="Three"),
    ]
    stop = threading.Event()
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            with Store.open(path, user="bob") as bob:
                n = 0
                while not stop.is_set():
                    bob.import_document(documents[n % 2], replace=True)
                    bob.update_task("UT-001" if n % 2 == 0 else "NEW-001", {"progress": "+1"})
                    n += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    writer = threading.Thread(target=hammer)
    writer.start()
    try:
        with Store.open(path) as store:
            deadline = time.monotonic() + 3
            exports = 0
            while time.monotonic() < deadline or exports < 20:
                exported = json.loads(render_export(store, "json", None))
                title, tasks = exported["tracker"]["title"], exported["tasks"]
                assert title in ("Tracker", "Seven", "Three")
                assert len(tasks) == {"Tracker": 7, "Seven": 7, "Three": 3}[title], title
                prefixes = {task["id"].split("-")[0] for task in tasks}
                assert prefixes == ({"NEW"} if title == "Three" else {"UT"})
                exports += 1
    finally:
        stop.set()
        writer.join(30)
    assert not errors, errors


def test_changes_since_returns_at_most_changes_limit(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(Store.CHANGES_LIMIT, int) and Store.CHANGES_LIMIT == 5_000
    with Store.open(path) as store:
        revision = store.revision()
        for n in range(4):
            store.update_task("UT-002", {"notes": f"edit {n}"})
        everything = store.changes_since(revision)
        assert len(everything) >= 4
        monkeypatch.setattr(Store, "CHANGES_LIMIT", 3)
        cut = store.changes_since(revision)
        # Exactly CHANGES_LIMIT back: the caller must reload everything.
        assert len(cut) == Store.CHANGES_LIMIT == 3
        assert cut == everything[:3]
