"""Helpers for the store's tests: documents built by hand, and child processes.

Not a conftest (that file is the TUI's): import what you need from here.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import COMMAND, ROOT, SAMPLE
from requirements import missing

from tracker_tui.document import Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import ActivityEntry, Risk, Task, TrackerInfo

if TYPE_CHECKING:
    from tracker_tui.store import Store
    from tracker_tui.store.target import StoreTarget


TASK_COLUMNS = ["Task ID", "Title", "Milestone", "Owner", "Status", "Progress", "Notes"]
TASK_FIELDS = ["id", "title", "milestone", "owner", "status", "progress", "notes"]


def tasks_document(
    count: int = 7, *, prefix: str = "UT-", width: int = 3, title: str = "Tracker"
) -> Document:
    """A tracker of ``count`` tasks (UT-001...), five risks (R-01...) and one activity."""
    tasks = [
        Task(
            id=f"{prefix}{n:0{width}d}",
            title=f"Task {n}",
            milestone=f"M{n % 5 + 1}",
            owner=f"Owner {n % 3}",
            status="In Progress",
            progress=50,
            last_update=date(2024, 5, 1),
            notes=f"notes {n}",
        )
        for n in range(1, count + 1)
    ]
    risks = [Risk(id=f"R-{n:02d}", description=f"Risk {n}", impact="Medium") for n in range(1, 6)]
    return Document(
        tracker=TrackerInfo(title, date(2024, 6, 2)),
        blocks=[
            RawBlock(f"# {title}"),
            RawBlock("## Snapshot"),
            TableBlock("task", list(TASK_COLUMNS), list(TASK_FIELDS), list(tasks)),
            RawBlock("## Activity Log"),
            ListBlock("activity", [ActivityEntry(None, "2024-06-01", "Started.")]),
            RawBlock("## Issues & Risks"),
            TableBlock(
                "risk",
                ["ID", "Description", "Impact", "Status"],
                ["id", "description", "impact", "status"],
                list(risks),
            ),
        ],
    )


def sample_document() -> Document:
    from tracker_tui.markdown import read_document

    return read_document(SAMPLE)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: this one's, plus ``extra``."""
    env = dict(os.environ)
    env.update(extra)
    return env


def run_cli_as_carol(*args: str) -> subprocess.CompletedProcess[str]:
    """``tracker-tui ARGS`` as user carol, its output captured, with no terminal input."""
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(TRACKER_TUI_USER="carol"),
        stdin=subprocess.DEVNULL,
        check=False,
    )


_NOBODY_CHECK = "import sqlite3, sqlmodel, tracker_tui.store.writer"


@functools.lru_cache(maxsize=1)
def nobody_python() -> tuple[str, str] | None:
    """An interpreter that ``nobody`` can run with this project importable, as
    (executable, PYTHONPATH), or None. ``sys.executable`` first; when it lives where
    nobody cannot reach (a pyenv build under /root), a system Python of the same version,
    given this venv's site-packages and the repository."""
    if os.geteuid() != 0:
        return None
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    pythonpath = os.pathsep.join([str(ROOT), *site])
    candidates = [(sys.executable, ""), (f"/usr/bin/{version}", pythonpath)]
    candidates.append((f"/usr/local/bin/{version}", pythonpath))
    for executable, path in candidates:
        if not Path(executable).exists():
            continue
        try:
            done = subprocess.run(
                [executable, "-c", _NOBODY_CHECK],
                capture_output=True,
                timeout=60,
                cwd="/",
                env={**os.environ, "PYTHONPATH": path},
                user="nobody",
                group="nogroup",
                extra_groups=[],
                check=False,
            )
        except OSError:
            continue
        if done.returncode == 0:
            return executable, path
    return None


def _command(code: str, user: str | None, env: dict[str, str]) -> tuple[list[str], dict]:
    """The argv and Popen options to run ``code``, as ``user`` if given."""
    if user is None:
        return [sys.executable, "-c", textwrap.dedent(code)], {"cwd": ROOT, "env": env}
    found = nobody_python()
    if found is None:
        missing("no Python interpreter that the nobody user can run")
    executable, pythonpath = found
    env = {**env, "PYTHONPATH": pythonpath} if pythonpath else env
    options = {"cwd": "/", "env": env, "user": user, "group": "nogroup", "extra_groups": []}
    return [executable, "-c", textwrap.dedent(code)], options


def run_python(
    code: str,
    *,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    user: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (optionally as another Unix user)."""
    argv, options = _command(code, user, env or child_env())
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )


def popen_python(
    code: str, *, env: dict[str, str] | None = None, user: str | None = None
) -> subprocess.Popen[str]:
    argv, options = _command(code, user, env or child_env())
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


#: A child that adds +1 eight times to UT-001 of the store at ``target`` (a path or a URL),
#: once ``start_together`` releases it: the lost-update test for every engine.
PLUS_ONE = """
    import sys
    from tracker_tui.store import Store
    store = Store.open({target!r})
    store.prepare_writer()
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(8):
        store.update_task("UT-001", {{"progress": "+1"}})
    store.close()
    print("done", flush=True)
"""


def start_together(
    children: list[subprocess.Popen[str]], *, timeout: float = 60
) -> list[tuple[int, str, str]]:
    """Wait until every child says it is ready, release them at once, collect results."""
    for child in children:
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() != "ready":
            for other in children:
                other.kill()
            _, err = child.communicate(timeout=10)
            pytest.fail(f"a child did not start: {line!r} {err}")
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        out, err = child.communicate(timeout=timeout)
        results.append((child.returncode, out, err))
    return results


def assert_clean(results: list[tuple[int, str, str]]) -> None:
    for returncode, out, err in results:
        assert returncode == 0, err
        assert "locked" not in (out + err).lower()
        assert "Traceback" not in err


# -- a write between two reads (SQLite and PostgreSQL) --------------------------------------


def write_after(store: Store, calls: int, write: Callable[[], object]) -> list[int]:
    """Make ``write`` commit (through another connection) right after ``store``'s reader
    has run ``calls`` queries: a write landing between two reads of one export. The list
    counts the reader's queries from then on."""
    connection = store._read().connection  # type: ignore[union-attr]
    original = connection.fetchall
    seen = [0]

    def fetchall(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        rows = original(sql, params)
        seen[0] += 1
        if seen[0] == calls:
            write()
        return rows

    connection.fetchall = fetchall  # type: ignore[method-assign]
    return seen


def replace_tracker(where: Path | str | StoreTarget, title: str) -> Callable[[], None]:
    """A write for ``write_after``: bob replaces the (only) tracker with three NEW- tasks
    under ``title`` (``import --replace`` under its name), and commits."""

    def write() -> None:
        from tracker_tui.store import Store

        with Store.open(where, user="bob") as bob:
            current = bob.tracker()
            bob.import_document(
                tasks_document(3, prefix="NEW-", title=title),
                replace=True,
                name=current.name if current is not None else None,
            )

    return write
