"""Bytes an edit writes to the terminal: ``-`` on the first task of a dashboard.

Kept apart from ``bench.py`` (which times keystrokes on the big store with animations
off) because what is measured here is the output, on the seed, where every header line
is filled in, with the environment the caller chooses (animations on or off). The
session's first edit is returned apart: it used to repaint the whole task table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench_pty import PtySession

#: Silence after a keystroke that ends its output.
QUIET_SECONDS = 0.25


def _first_task(path: Path) -> tuple[str, int]:
    """The first task in document order and its progress."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT id, progress FROM task ORDER BY block, position LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0]), int(row[1])


def edit_bytes(
    session: PtySession, path: Path, *, edits: int, timeout: float
) -> tuple[int | None, list[int]]:
    """Press ``-`` (``+`` at 0%) ``edits`` times on the first row of the dashboard in
    ``session`` (on the store at ``path``); return the bytes of the first edit and of
    each one after it. The session is stopped before returning."""
    first: int | None = None
    later: list[int] = []
    try:
        task_id, _ = _first_task(path)
        if session.wait_for_text(task_id, timeout=timeout) is None:
            return None, []
        # Start-up done, the writer warmed up (0.5 s after the first frame).
        session.wait_quiet(1.0, timeout=10.0)
        for number in range(edits):
            _, progress = _first_task(path)
            before = session.total_bytes
            sent = session.send("-" if progress >= 10 else "+")
            session.wait_for(lambda s, before=before: s.total_bytes > before, timeout=5.0)
            session.wait_quiet(QUIET_SECONDS, timeout=5.0, since=sent)
            written = session.bytes_since(sent)
            if number == 0:
                first = written
            else:
                later.append(written)
    finally:
        session.stop()
    return first, later
