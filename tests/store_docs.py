"""Helpers for the store's tests: documents built by hand, and child processes.

Not a conftest (that file is the TUI's): import what you need from here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from tracker_tui.document import Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import ActivityEntry, Risk, Task, TrackerInfo

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample-tracker.md"

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


def run_python(
    code: str,
    *,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    user: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (optionally as another Unix user)."""
    kwargs: dict[str, object] = {}
    if user is not None:
        kwargs.update(user=user, group="nogroup", extra_groups=[])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or child_env(),
        cwd=ROOT,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def popen_python(
    code: str, *, env: dict[str, str] | None = None, user: str | None = None
) -> subprocess.Popen[str]:
    kwargs: dict[str, object] = {}
    if user is not None:
        kwargs.update(user=user, group="nogroup", extra_groups=[])
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or child_env(),
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )
