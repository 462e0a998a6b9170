"""The store's read path: plain SQL over a DB-API connection, returning domain values.

Reads are what the dashboard needs before its first frame, so this module stays light: for
SQLite it uses the standard library's ``sqlite3`` (a hundredth of a second to import)
rather than SQLAlchemy (half a second). Other engines run the same SQL through a
SQLAlchemy connection (``connections.SqlAlchemyConnection``). The SQL uses ``:name`` parameters,
which both understand, and only portable constructs: reserved words used as column names
(``"user"``, ``"when"``) are double-quoted, text matching is made case-insensitive
explicitly (SQLite's ``LIKE`` ignores ASCII case, PostgreSQL's does not), and text is
sorted in Python (code-point order, as SQLite's BINARY collation; a server's collation
may differ) wherever the order is shown.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from tracker_tui import rules
from tracker_tui.domain import (
    DEFAULT_IMPACTS,
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    ENTITIES,
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    Decision,
    Metric,
    MilestoneProgress,
    Risk,
    StatusCount,
    Summary,
    Task,
    TaskGlance,
    TrackerError,
    TrackerInfo,
    is_open_risk_status,
)
from tracker_tui.store.connections import Connection
from tracker_tui.store.rows import (
    CHANGE_COLUMNS,
    RISK_COLUMNS,
    TASK_COLUMNS,
    from_row,
    parse_date,
    risk_from_row,
    select_list,
    task_from_row,
)

ACTIVITY_COLUMNS = select_list(ActivityEntry)
CHECKPOINT_COLUMNS = select_list(Checkpoint)
GLANCE_COLUMNS = ", ".join(TaskGlance._fields)


def _mean(total: int | None, count: int) -> float:
    return int(total or 0) / count if count else 0.0


def like_literal(value: str) -> str:
    """``value`` for a ``LIKE ... ESCAPE '\\'`` pattern, matching itself only."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: str) -> str:
    """``column`` contains the ``:p`` pattern (escaped), whatever its case: both sides
    go through the same engine's ``LOWER``."""
    return f"LOWER({column}) LIKE LOWER(:p) ESCAPE '\\'"


class Reader:
    """Every query the dashboard, the CLI and the exporter run about one tracker (the
    store's ``tracker_id``; None reads an empty tracker), on one connection.

    Every query names its tracker: ``tracker_id = :t`` (``_all`` passes ``t``).
    ``scoped`` gives a reader of another tracker on the same connection.
    """

    def __init__(self, connection: Connection, tracker_id: int | None = None) -> None:
        self.connection = connection
        self.tracker_id = tracker_id
        self._has_schema = False

    def scoped(self, tracker_id: int | None) -> Reader:
        """A reader of ``tracker_id`` sharing this one's connection."""
        reader = Reader(self.connection, tracker_id)
        reader._has_schema = self._has_schema
        return reader

    def _all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        if ":t" in sql:
            params["t"] = self.tracker_id
        return self.connection.fetchall(sql, params)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one consistent state of the store, whatever commits
        meanwhile (an edit, an ``import --replace``): for reads that must agree with each
        other, such as an export or the header's figures. Re-entrant."""
        snapshot = getattr(self.connection, "snapshot", None)
        if snapshot is None:
            yield
            return
        with snapshot():
            yield

    # -- the tracker -------------------------------------------------------------------

    def has_schema(self) -> bool:
        # Cached once true: tables are never dropped, and every read asks this first.
        if self._has_schema:
            return True
        try:
            self._all("SELECT 1 FROM meta LIMIT 1")
        except TrackerError:
            raise  # a server that cannot be reached is not an empty store
        except Exception:
            return False
        self._has_schema = True
        return True

    def meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = :key", key=key)
        return rows[0][0] if rows else None

    def revision(self) -> int:
        """The tracker's change counter (of the whole store, summed, when no tracker
        is chosen: ``check`` reports it so)."""
        if self.tracker_id is None:
            return int(self._all("SELECT COALESCE(SUM(revision), 0) FROM trackers")[0][0])
        rows = self._all("SELECT revision FROM trackers WHERE id = :t")
        return int(rows[0][0]) if rows else 0

    def tracker_info(self) -> TrackerInfo | None:
        rows = self._all("SELECT title, snapshot_date FROM trackers WHERE id = :t")
        if not rows:
            return None
        return TrackerInfo(title=rows[0][0], snapshot_date=parse_date(rows[0][1]))

    def statuses(self, kind: str) -> list[str]:
        rows = self._all(
            "SELECT name FROM status WHERE tracker_id = :t AND kind = :kind "
            "ORDER BY position, name",
            kind=kind,
        )
        if rows:
            return [row[0] for row in rows]
        return list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)

    # -- tasks -------------------------------------------------------------------------

    def tasks(self, *, limit: int | None = None) -> list[Task]:
        sql = f"SELECT {TASK_COLUMNS} FROM task WHERE tracker_id = :t ORDER BY block, position, id"
        rows = self._all(sql + " LIMIT :limit", limit=limit) if limit else self._all(sql)
        return [task_from_row(row) for row in rows]

    def task_glances(self) -> list[TaskGlance]:
        # Hot (the Since view of a 10,000-task tracker): the columns as tuples, only the
        # date decoded.
        rows = self._all(
            f"SELECT {GLANCE_COLUMNS} FROM task WHERE tracker_id = :t ORDER BY block, position, id"
        )
        return [
            TaskGlance(task_id, title, milestone, owner, status, progress, parse_date(day), version)
            for task_id, title, milestone, owner, status, progress, day, version in rows
        ]

    def task(self, task_id: str) -> Task | None:
        rows = self._all(
            f"SELECT {TASK_COLUMNS} FROM task WHERE tracker_id = :t AND id = :id", id=task_id
        )
        return task_from_row(rows[0]) if rows else None

    def tasks_by_id(self, ids: Sequence[str]) -> list[Task]:
        found: list[Task] = []
        # Chunked so that the parameter count stays under every engine's limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            names = ", ".join(f":p{i}" for i in range(len(chunk)))
            params = {f"p{i}": value for i, value in enumerate(chunk)}
            rows = self._all(
                f"SELECT {TASK_COLUMNS} FROM task WHERE tracker_id = :t AND id IN ({names})",
                **params,
            )
            found.extend(task_from_row(row) for row in rows)
        return found

    def task_ids(self) -> list[str]:
        return [row[0] for row in self._all("SELECT id FROM task WHERE tracker_id = :t")]

    def summary(self, today: date) -> Summary:
        """The Snapshot header's figures, from aggregate queries (no Python loops over
        rows), all read on one snapshot of the store; the next checkpoint's countdown
        is counted from ``today``."""
        with self.snapshot():
            return self._summary(today)

    def _summary(self, today: date) -> Summary:
        # SUM / COUNT in Python rather than AVG: AVG is a float on SQLite but a NUMERIC on
        # PostgreSQL; an exact integer sum divided here is the same float on both.
        count, total = self._all("SELECT COUNT(*), SUM(progress) FROM task WHERE tracker_id = :t")[
            0
        ]
        # Groups are few: sorted here, in the same order whatever the engine's collation.
        by_status = tuple(
            StatusCount(status, n)
            for status, n in sorted(
                self._all("SELECT status, COUNT(*) FROM task WHERE tracker_id = :t GROUP BY status")
            )
        )
        by_milestone = tuple(
            MilestoneProgress(milestone, _mean(total_, n), n)
            for milestone, total_, n in sorted(
                self._all(
                    "SELECT milestone, SUM(progress), COUNT(*) FROM task "
                    "WHERE tracker_id = :t GROUP BY milestone"
                ),
                key=lambda row: row[0],
            )
        )
        # Which statuses count as open is the domain's call (``is_open_risk_status``): the
        # (impact, status) groups are few, and filtered here rather than in SQL.
        open_counts: dict[str, int] = {}
        for impact, status, n in self._all(
            "SELECT impact, status, COUNT(*) FROM risk WHERE tracker_id = :t "
            "GROUP BY impact, status"
        ):
            if is_open_risk_status(status):
                open_counts[impact] = open_counts.get(impact, 0) + n
        open_risks = tuple(sorted(open_counts.items()))
        # A plan lists a handful of checkpoints: all are read, and the rules pick.
        next_checkpoint = rules.next_checkpoint(self.checkpoints(), today)
        due = None if next_checkpoint is None else rules.checkpoint_date(next_checkpoint)
        return Summary(
            tasks=count,
            mean_progress=_mean(total, count),
            by_status=by_status,
            by_milestone=by_milestone,
            open_risks_by_impact=open_risks,
            next_checkpoint=next_checkpoint,
            next_checkpoint_countdown="" if due is None else rules.countdown(due, today),
        )

    # -- the other registers -----------------------------------------------------------

    def risks(self) -> list[Risk]:
        rows = self._all(
            f"SELECT {RISK_COLUMNS} FROM risk WHERE tracker_id = :t ORDER BY block, position, id"
        )
        return [risk_from_row(row) for row in rows]

    def risk(self, risk_id: str) -> Risk | None:
        rows = self._all(
            f"SELECT {RISK_COLUMNS} FROM risk WHERE tracker_id = :t AND id = :id", id=risk_id
        )
        return risk_from_row(rows[0]) if rows else None

    def impacts(self) -> list[str]:
        """The default impacts, then any other spelling the register uses (P0, Sev 1...)."""
        rows = self._all("SELECT DISTINCT impact FROM risk WHERE tracker_id = :t AND impact != ''")
        return list(dict.fromkeys((*DEFAULT_IMPACTS, *sorted(row[0] for row in rows))))

    def risk_ids(self) -> list[str]:
        return [row[0] for row in self._all("SELECT id FROM risk WHERE tracker_id = :t")]

    def decisions(self) -> list[Decision]:
        rows = self._all(
            f"SELECT {select_list(Decision)} FROM decision WHERE tracker_id = :t "
            "ORDER BY block, position, key"
        )
        return [from_row(Decision, row) for row in rows]

    def activity(self, *, limit: int | None = None, offset: int = 0) -> list[ActivityEntry]:
        """Activity entries in document order (the log is kept newest first)."""
        sql = (
            f"SELECT {ACTIVITY_COLUMNS} FROM activity WHERE tracker_id = :t "
            "ORDER BY block, position, key"
        )
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            rows = self._all(sql, limit=limit, offset=offset)
        else:
            rows = self._all(sql)
        return [from_row(ActivityEntry, row) for row in rows]

    def activity_count(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM activity WHERE tracker_id = :t")[0][0])

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._all(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoint WHERE tracker_id = :t "
            "ORDER BY block, position, key"
        )
        return [from_row(Checkpoint, row) for row in rows]

    def cadence(self) -> list[CadenceItem]:
        rows = self._all(
            f"SELECT {select_list(CadenceItem)} FROM cadence WHERE tracker_id = :t "
            "ORDER BY block, position, key"
        )
        return [from_row(CadenceItem, row) for row in rows]

    def metrics(self) -> list[Metric]:
        rows = self._all(
            f"SELECT {select_list(Metric)} FROM metric WHERE tracker_id = :t "
            "ORDER BY block, position, key"
        )
        return [from_row(Metric, row) for row in rows]

    def mentions(self, entity_id: str) -> tuple[list[ActivityEntry], list[Risk], list[Checkpoint]]:
        """Activity entries, risks and checkpoints whose text mentions ``entity_id``,
        whatever the case (``LOWER(...) LIKE``: the same on every engine), taking the ID
        literally (``%``, ``_`` and ``\\`` in it are escaped)."""
        pattern = "%" + like_literal(entity_id) + "%"
        activity = [
            from_row(ActivityEntry, row)
            for row in self._all(
                f"SELECT {ACTIVITY_COLUMNS} FROM activity "
                f"WHERE tracker_id = :t AND {_contains('text')} "
                "ORDER BY block, position LIMIT 200",
                p=pattern,
            )
        ]
        risks = [
            risk_from_row(row)
            for row in self._all(
                f"SELECT {RISK_COLUMNS} FROM risk WHERE tracker_id = :t "
                f"AND ({_contains('description')} OR {_contains('mitigation')}) "
                "ORDER BY block, position",
                p=pattern,
            )
        ]
        checkpoints = [
            from_row(Checkpoint, row)
            for row in self._all(
                f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoint "
                f"WHERE tracker_id = :t AND {_contains('text')} "
                "ORDER BY block, position",
                p=pattern,
            )
        ]
        return activity, risks, checkpoints

    # -- history and change detection --------------------------------------------------

    def history(self, entity_id: str | None = None, *, limit: int = 1000) -> list[Change]:
        """Changes, newest first; of one entity when ``entity_id`` is given."""
        columns = CHANGE_COLUMNS
        if entity_id is None:
            rows = self._all(
                f"SELECT {columns} FROM change WHERE tracker_id = :t "
                "ORDER BY seq DESC LIMIT :limit",
                limit=limit,
            )
        else:
            rows = self._all(
                f"SELECT {columns} FROM change WHERE tracker_id = :t AND entity_id = :id "
                "ORDER BY seq DESC LIMIT :limit",
                id=entity_id,
                limit=limit,
            )
        return [Change(*row) for row in rows]

    def changes_since(self, revision: int, *, limit: int) -> list[Change]:
        """The first ``limit`` changes recorded after ``revision``, oldest first (for live
        refresh). ``limit`` rows back means there may be more: reload everything."""
        rows = self._all(
            f"SELECT {CHANGE_COLUMNS} FROM change "
            "WHERE tracker_id = :t AND revision > :revision ORDER BY seq LIMIT :limit",
            revision=revision,
            limit=limit,
        )
        return [Change(*row) for row in rows]

    def layout(self) -> list[tuple[int, str, str, list[str], list[str], dict[str, str]]]:
        rows = self._all(
            "SELECT position, kind, text, columns, fields, style FROM layout_block "
            "WHERE tracker_id = :t ORDER BY position"
        )
        return [
            (r[0], r[1], r[2], json.loads(r[3]), json.loads(r[4]), json.loads(r[5])) for r in rows
        ]

    def items_by_block(self, table: str) -> list[tuple[int, Any]]:
        """(block, item) for every row of an entity table, in document order, for export."""
        entity = ENTITIES[table]
        rows = self._all(
            f"SELECT block, {select_list(entity)} FROM {table} WHERE tracker_id = :t "
            "ORDER BY block, position"
        )
        return [(row[0], from_row(entity, row[1:])) for row in rows]

    def counts(self) -> dict[str, int]:
        tables = ("task", "activity", "checkpoint", "risk", "decision", "cadence", "metric")
        # No tracker chosen (``check``): the whole store's.
        where = "" if self.tracker_id is None else " WHERE tracker_id = :t"
        return {table: self._all(f"SELECT COUNT(*) FROM {table}{where}")[0][0] for table in tables}
