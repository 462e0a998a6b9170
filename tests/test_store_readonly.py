"""A lead who may only read the store file gets a live, read-only store automatically.

The reader runs as ``nobody`` against a 0644 store owned by root, in a folder nobody
cannot write, so it can never create the WAL's ``-shm`` index itself. Two cases
(https://www.sqlite.org/wal.html#readonly): a writer has the store open (``-wal`` and
``-shm`` exist, readable), and no writer is active (neither exists: the store is read as
immutable and the files are watched). Either way, a root writer's edits must reach the
reader through a ``data_version()`` change and a re-read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from requirements import missing
from store_docs import child_env, popen_python, tasks_document

from tracker_tui.store import Store

pytestmark = pytest.mark.slow

WATCHER = """
    import json, sys, time
    from tracker_tui.domain import TrackerError
    from tracker_tui.store import Store

    store = Store.open({path!r})
    connection = store._read().connection

    def report(**values):
        # The baseline for the next "wait" is taken before the parent hears from us, so
        # that no write of the parent's can slip in unnoticed.
        global version
        version = store.data_version()
        values.update(read_only=store.read_only, immutable=connection.immutable)
        print(json.dumps(values), flush=True)

    report(notes=store.task("UT-001").notes, tasks=len(store.tasks()))
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "wait":
            # Re-read only when data_version() says something changed: what the
            # dashboard's live refresh does.
            changes, notes, deadline = 0, None, time.monotonic() + 15
            while time.monotonic() < deadline:
                now = store.data_version()
                if now != version:
                    changes, version = changes + 1, now
                    notes = store.task("UT-001").notes
                    if notes == argument:
                        break
                time.sleep(0.05)
            report(notes=notes, changes=changes)
        elif command == "write":
            try:
                store.update_task("UT-001", {{"notes": "written by nobody"}})
                report(saved=True)
            except TrackerError as error:
                report(error=type(error).__name__, message=str(error))
        else:
            break
"""


@pytest.fixture(autouse=True)
def _user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TUI_USER", "root-lead")


@pytest.fixture
def store_path() -> Iterator[Path]:
    """A 0644 store owned by root, in a 0755 folder under /tmp (nobody may traverse it,
    not write it; tmp_path's own parents are 0700)."""
    if os.geteuid() != 0:
        missing("needs root, to run a reader as nobody")
    folder = Path(tempfile.mkdtemp(prefix="tracker-ro-", dir="/tmp"))
    folder.chmod(0o755)
    path = folder / "tracker.db"
    with Store.open(path) as store:
        store.import_document(tasks_document())
        store.update_task("UT-001", {"notes": "first"})
    path.chmod(0o644)
    yield path
    shutil.rmtree(folder, ignore_errors=True)


class Watcher:
    """The nobody process, driven line by line."""

    def __init__(self, path: Path) -> None:
        self.process = popen_python(
            WATCHER.format(path=str(path)),
            user="nobody",
            env=child_env(TRACKER_TUI_USER="nobody-lead", HOME="/tmp"),
        )

    def read(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            pytest.fail(f"the nobody reader died: {err}")
        return json.loads(line)

    def ask(self, command: str) -> dict[str, object]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        try:
            self.process.communicate("quit\n", timeout=10)
        except (BrokenPipeError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.communicate(timeout=10)


@pytest.fixture
def watch(store_path: Path) -> Iterator[type[Watcher]]:
    started: list[Watcher] = []

    class Tracked(Watcher):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            started.append(self)

    yield Tracked
    for watcher in started:
        watcher.close()


def _wal(path: Path) -> tuple[bool, bool]:
    return Path(f"{path}-wal").exists(), Path(f"{path}-shm").exists()


def _edit(path: Path, notes: str) -> None:
    with Store.open(path) as writer:
        writer.update_task("UT-001", {"notes": notes})


def test_reader_while_a_writer_has_the_store_open(store_path: Path, watch: type[Watcher]) -> None:
    with Store.open(store_path) as writer:
        writer.update_task("UT-001", {"notes": "in the wal"})
        assert _wal(store_path) == (True, True)
        watcher = watch(store_path)
        state = watcher.read()
        assert state["read_only"] is True
        assert state["immutable"] is False  # reads through the writer's WAL
        assert state["notes"] == "in the wal" and state["tasks"] == 7

        writer.update_task("UT-001", {"notes": "second"})
        seen = watcher.ask("wait second")
        assert seen["notes"] == "second" and seen["changes"] >= 1

        refused = watcher.ask("write")
        assert refused["error"] == "ReadOnlyError"
        assert "read-only" in str(refused["message"])
        assert "\n" not in str(refused["message"])

    # The writer leaves, and another comes later: the reader still follows.
    _edit(store_path, "third")
    seen = watcher.ask("wait third")
    assert seen["notes"] == "third", seen
    with Store.open(store_path) as task:
        assert task.task("UT-001").notes == "third"


def test_reader_with_no_writer_active(store_path: Path, watch: type[Watcher]) -> None:
    assert _wal(store_path) == (False, False)
    watcher = watch(store_path)
    state = watcher.read()
    assert state["read_only"] is True
    assert state["immutable"] is True  # could not create -shm: read the main file as is
    assert state["notes"] == "first" and state["tasks"] == 7
    assert _wal(store_path) == (False, False)  # and created nothing

    # A writer comes, edits and leaves (its WAL checkpointed and removed).
    _edit(store_path, "second")
    assert _wal(store_path) == (False, False)
    seen = watcher.ask("wait second")
    assert seen["notes"] == "second" and seen["changes"] >= 1, seen

    # A writer that stays: the reader moves onto its WAL.
    with Store.open(store_path) as writer:
        writer.update_task("UT-001", {"notes": "third"})
        seen = watcher.ask("wait third")
        assert seen["notes"] == "third", seen
        writer.update_task("UT-001", {"notes": "fourth"})
        seen = watcher.ask("wait fourth")
        assert seen["notes"] == "fourth", seen

    refused = watcher.ask("write")
    assert refused["error"] == "ReadOnlyError"
    assert store_path.stat().st_uid == 0
