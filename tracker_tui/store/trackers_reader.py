"""Reads across every tracker of a store: the list of trackers, the portfolio's figures,
one owner's open tasks, and who opened which tracker last.

Plain SQL on the reader's connection, as ``reader.py`` (light: on the path to the first
frame of a store with many trackers, whose first screen is the portfolio). Each figure
is one aggregate query grouped by tracker, not one query per tracker: the portfolio of
50 trackers costs the same handful of queries as that of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tracker_tui.domain import COMPLETE, Checkpoint, is_open_risk_status
from tracker_tui.portfolio import LastChange, OwnerTask, PortfolioRow, TrackerCounts, TrackerRef
from tracker_tui.rules import next_checkpoint
from tracker_tui.store.connections import Connection
from tracker_tui.store.reader import CHECKPOINT_COLUMNS, Reader
from tracker_tui.store.rows import TASK_COLUMNS, from_row, task_from_row

#: The tables ``counts`` reports, in the order ``check`` has always printed them.
COUNTED_TABLES = ("task", "activity", "checkpoint", "risk", "decision", "cadence", "metric")


def _mean(total: int | None, count: int) -> float:
    return int(total or 0) / count if count else 0.0


class TrackersReader:
    """The store-wide reads, on one connection (a ``Reader``'s)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return self.connection.fetchall(sql, params)

    def trackers(self) -> list[TrackerRef]:
        """Every tracker, by name (code-point order of the folded name, on every engine)."""
        rows = self._all("SELECT id, name, title, revision FROM trackers")
        found = [TrackerRef(int(row[0]), row[1], row[2] or "", int(row[3] or 0)) for row in rows]
        return sorted(found, key=lambda tracker: (tracker.name.casefold(), tracker.id))

    def revisions(self) -> dict[int, int]:
        """Each tracker's revision: what live refresh polls on a server store."""
        return {int(row[0]): int(row[1]) for row in self._all("SELECT id, revision FROM trackers")}

    def opened_by(self, user: str) -> int | None:
        """The tracker ``user`` opened last, if any (and if it still exists)."""
        rows = self._all(
            "SELECT o.tracker_id FROM opened_tracker o JOIN trackers t ON t.id = o.tracker_id "
            'WHERE o."user" = :user',
            user=user,
        )
        return int(rows[0][0]) if rows else None

    def counts(self) -> list[TrackerCounts]:
        """Every tracker with how many rows of each kind it holds."""
        per: dict[int, dict[str, int]] = {}
        for table in COUNTED_TABLES:
            for tracker_id, count in self._all(
                f"SELECT tracker_id, COUNT(*) FROM {table} GROUP BY tracker_id"
            ):
                per.setdefault(int(tracker_id), {})[table] = int(count)
        return [
            TrackerCounts(
                tracker, {table: per.get(tracker.id, {}).get(table, 0) for table in COUNTED_TABLES}
            )
            for tracker in self.trackers()
        ]

    def portfolio(self, *, today: date, stale_days: int) -> list[PortfolioRow]:
        """One row per tracker, in name order. All read on one snapshot of the store."""
        with Reader(self.connection).snapshot():
            return self._portfolio(today, stale_days)

    def _portfolio(self, today: date, stale_days: int) -> list[PortfolioRow]:
        stale_before = date.fromordinal(today.toordinal() - stale_days).isoformat()
        tasks: dict[int, tuple[int, int, int, int]] = {}
        for tracker_id, count, total, done, stale in self._all(
            "SELECT tracker_id, COUNT(*), SUM(progress), "
            "SUM(CASE WHEN status = :complete THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status != :complete AND last_update < :stale THEN 1 ELSE 0 END) "
            "FROM task GROUP BY tracker_id",
            complete=COMPLETE,
            stale=stale_before,
        ):
            tasks[int(tracker_id)] = (int(count), int(total or 0), int(done or 0), int(stale or 0))
        risks: dict[int, dict[str, int]] = {}
        for tracker_id, impact, status, count in self._all(
            "SELECT tracker_id, impact, status, COUNT(*) FROM risk "
            "GROUP BY tracker_id, impact, status"
        ):
            if is_open_risk_status(status):
                by_impact = risks.setdefault(int(tracker_id), {})
                by_impact[impact] = by_impact.get(impact, 0) + int(count)
        # Each tracker's next checkpoint by the header's rule (a plan lists a handful).
        listed: dict[int, list[Checkpoint]] = {}
        for row in self._all(
            f"SELECT tracker_id, {CHECKPOINT_COLUMNS} FROM checkpoint "
            "ORDER BY tracker_id, block, position, key"
        ):
            listed.setdefault(int(row[0]), []).append(from_row(Checkpoint, row[1:]))
        checkpoints = {
            tracker_id: found
            for tracker_id, items in listed.items()
            if (found := next_checkpoint(items, today)) is not None
        }
        # The newest change of each tracker is one of those of its current revision (the
        # index on (tracker_id, revision) finds them without reading the history).
        last: dict[int, LastChange] = {}
        for tracker_id, user, at in self._all(
            'SELECT c.tracker_id, c."user", c.at FROM trackers t '
            "JOIN change c ON c.tracker_id = t.id AND c.revision = t.revision"
        ):
            last[int(tracker_id)] = LastChange(user, at)
        rows = []
        for tracker in self.trackers():
            count, total, done, stale = tasks.get(tracker.id, (0, 0, 0, 0))
            rows.append(
                PortfolioRow(
                    tracker=tracker,
                    tasks=count,
                    done=done,
                    mean_progress=_mean(total, count),
                    open_risks_by_impact=tuple(sorted(risks.get(tracker.id, {}).items())),
                    stale=stale,
                    next_checkpoint=checkpoints.get(tracker.id),
                    last_change=last.get(tracker.id),
                )
            )
        return rows

    def owners(self) -> list[str]:
        """Every owner of a task in any tracker, once each whatever the case, sorted."""
        names: dict[str, str] = {}
        for (owner,) in self._all("SELECT DISTINCT owner FROM task WHERE owner != ''"):
            names.setdefault(str(owner).casefold(), str(owner))
        return sorted(names.values(), key=str.casefold)

    def owner_tasks(self, owner: str) -> list[OwnerTask]:
        """Every task not Complete whose owner is ``owner`` (whatever the case), in every
        tracker: grouped by tracker (in name order), in document order within each."""
        wanted = owner.strip().casefold()
        spellings = [
            name
            for (name,) in self._all("SELECT DISTINCT owner FROM task WHERE owner != ''")
            if str(name).casefold() == wanted
        ]
        if not spellings:
            return []
        trackers = {tracker.id: tracker for tracker in self.trackers()}
        order = {tracker_id: index for index, tracker_id in enumerate(trackers)}
        found: list[tuple[int, OwnerTask]] = []
        for start in range(0, len(spellings), 100):
            chunk: Sequence[str] = spellings[start : start + 100]
            names = ", ".join(f":o{i}" for i in range(len(chunk)))
            params = {f"o{i}": value for i, value in enumerate(chunk)}
            for row in self.connection.fetchall(
                f"SELECT tracker_id, {TASK_COLUMNS} FROM task "
                f"WHERE owner IN ({names}) AND status != :complete "
                "ORDER BY tracker_id, block, position, id",
                {**params, "complete": COMPLETE},
            ):
                tracker = trackers.get(int(row[0]))
                if tracker is not None:
                    found.append((order[tracker.id], OwnerTask(tracker, task_from_row(row[1:]))))
        found.sort(key=lambda item: item[0])  # stable: document order kept within each
        return [item for _, item in found]
