"""The stand-up's reads: the history since a baseline (one query), the recorded stand-ups,
and when the tracker began. Plain SQL on the reader's connection (light: the dashboard may
open on the Stand-up screen, and this is on the path to its first frame).

Every query of the stand-up is here, and the ``standup`` table's columns
(``standup_table.py`` declares the table, ``standup_writes.py`` inserts a row). Each is
scoped to one tracker (``tracker_id = :t``), as the history and the stand-ups are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from tracker_tui.domain import HistoryRow
from tracker_tui.store.connections import Connection

#: The entity kinds the Since view reads from the history (never the tracker's own rows,
#: the list items nobody sees in a stand-up, or the bookkeeping).
SINCE_KINDS = ("task", "risk", "decision", "activity")
#: The ``standup`` table's columns, as ``StandupRecord`` takes them.
STANDUP_COLUMNS = "key, started_at, ended_at, run_by, owners, edits"


@dataclass(frozen=True, slots=True)
class StandupRecord:
    """A stand-up that was run: when (ISO 8601, UTC), by whom, the owners it walked
    through and how many edits were made during it."""

    key: int | None
    started_at: str
    ended_at: str
    run_by: str
    owners: tuple[str, ...] = ()
    edits: int = 0


def _record(row: tuple[Any, ...]) -> StandupRecord:
    try:
        owners = tuple(str(name) for name in json.loads(row[4] or "[]"))
    except (ValueError, TypeError):
        owners = ()
    return StandupRecord(row[0], row[1], row[2], row[3], owners, int(row[5] or 0))


class StandupQueries:
    """The stand-up's queries on one read connection."""

    def __init__(self, connection: Connection, tracker_id: int) -> None:
        self.connection = connection
        self.tracker_id = tracker_id

    def history_since(self, at: str) -> list[HistoryRow]:
        """Every change to tasks, risks, decisions and the log recorded at or after
        ``at`` (the history's ISO UTC text), oldest first: ONE query, whatever the number
        of tasks (``ix_change_tracker_at`` keeps it to the rows after ``at``). The rows as
        the driver gives them: only the columns the fold reads, no object per row."""
        kinds = ", ".join(f"'{kind}'" for kind in SINCE_KINDS)
        rows = self.connection.fetchall(
            'SELECT "user", entity, entity_id, field, old, new FROM change '
            f"WHERE tracker_id = :t AND at >= :at AND entity IN ({kinds}) ORDER BY seq",
            {"at": at, "t": self.tracker_id},
        )
        return cast("list[HistoryRow]", rows)  # six columns, as HistoryRow says

    def tracker_start(self) -> str | None:
        """When the tracker was last imported (its rows replaced), else its first
        recorded change: the history before it describes rows that are gone."""
        # ``+tracker_id``: the same value without its index, so that SQLite looks up the
        # few 'tracker' rows by ``ix_change_entity_id`` rather than walk the tracker's
        # whole history by ``ix_change_tracker_at``.
        rows = self.connection.fetchall(
            "SELECT MAX(at) FROM change WHERE +tracker_id = :t AND entity_id = 'tracker' "
            "AND field = 'import'",
            {"t": self.tracker_id},
        )
        if rows and rows[0][0]:
            return str(rows[0][0])
        rows = self.connection.fetchall(
            "SELECT MIN(at) FROM change WHERE tracker_id = :t", {"t": self.tracker_id}
        )
        return str(rows[0][0]) if rows and rows[0][0] else None

    def has_edits_after(self, at: str) -> bool:
        """Whether anything but an import was recorded at or after ``at``."""
        rows = self.connection.fetchall(
            "SELECT 1 FROM change WHERE tracker_id = :t AND at >= :at AND field != 'import' "
            "LIMIT 1",
            {"at": at, "t": self.tracker_id},
        )
        return bool(rows)

    def last_standup(self) -> StandupRecord | None:
        """The stand-up recorded last (by its start), or None."""
        try:
            rows = self.connection.fetchall(
                f"SELECT {STANDUP_COLUMNS} FROM standup WHERE tracker_id = :t "
                "ORDER BY started_at DESC, key DESC LIMIT 1",
                {"t": self.tracker_id},
            )
        except Exception:  # a store older than the table, opened read-only: none recorded
            return None
        return _record(rows[0]) if rows else None
