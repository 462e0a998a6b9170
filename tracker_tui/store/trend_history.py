"""The history queries of the trends (issue 14), in one place.

Every read the series, the forecasts and ``tracker-tui trend`` need is here, as plain SQL
on the reader's connection (stdlib ``sqlite3`` on SQLite: no SQLAlchemy), returning
``trends.model`` values. When the store holds many trackers, the tracker's scope is
added to these queries and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from tracker_tui.rules import checkpoint_date
from tracker_tui.store.reader import Reader
from tracker_tui.store.rows import parse_date
from tracker_tui.trends.model import (
    DailyTotals,
    DatedNote,
    FieldChange,
    TaskState,
    TrendInputs,
)

#: The history's fields that move a series: the task's, and a metric's value. (Last
#: Update matters only as it was when the history began: read apart, once per task.)
_TRACKED = ("progress", "status", "milestone", "*", "value")
#: A progress change's gain, in SQL (the history keeps values as text; the store writes
#: progress as a whole number).
_GAIN = "CAST(new AS INTEGER) - CAST(old AS INTEGER)"


def _utc(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _start_of(day: date) -> str:
    """The first moment of the local ``day`` as the history writes it (UTC, ISO)."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(UTC).isoformat(timespec="seconds")


def _listed(values: list[str]) -> str:
    """Bound parameters for an SQL ``IN`` list of ``values`` (see ``_numbered``)."""
    return ", ".join(f":v{index}" for index in range(len(values)))


def _numbered(values: list[str]) -> dict[str, object]:
    return {f"v{index}": value for index, value in enumerate(values)}


class TrendHistory:
    """The trend reads of one store, on its reader."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def _all(self, sql: str, **params: object) -> list[tuple[Any, ...]]:
        # Every query names its tracker (``tracker_id = :t``), the reader's.
        params["t"] = self.reader.tracker_id
        return self.reader.connection.fetchall(sql, params)

    def history_start(self) -> tuple[int, date | None]:
        """The last import's revision (0 if none) and the day the history begins."""
        rows = self._all(
            # ``+tracker_id``: by the entity_id index (a few rows), not by walking the
            # whole revision index back to the import.
            "SELECT revision, at FROM change WHERE +tracker_id = :t "
            "AND entity_id = 'tracker' AND action = 'import' ORDER BY revision DESC LIMIT 1"
        )
        if rows:
            return int(rows[0][0]), _utc(rows[0][1]).astimezone().date()
        first = self._all("SELECT MIN(at) FROM change WHERE tracker_id = :t")
        if first and first[0][0]:
            return 0, _utc(first[0][0]).astimezone().date()
        return 0, None

    def inputs(self, today: date, *, since: date | None = None, summed: bool = True) -> TrendInputs:
        """What the series are computed from; with ``since``, only the history from that
        day on is read (a forecast's window), unless the history begins later. With
        ``summed`` False every change is replayed one by one (what the sums are tested
        against)."""
        with self.reader.snapshot():
            imported, start = self.history_start()
            if since is not None and (start is None or since <= start):
                since = None
            params: dict[str, object] = {"revision": imported}
            where = (
                "WHERE tracker_id = :t AND revision > :revision "
                "AND entity IN ('task', 'metric') AND action <> 'import'"
            )
            if since is not None:
                where += " AND at >= :since"
                params["since"] = _start_of(since)
                # The window's first revision, found from the newest end of the revision
                # index, so that a window's reads skip the older history (``at`` grows
                # with the revision; the ``at`` test above stays for exactness).
                older = self._all(
                    "SELECT revision FROM change WHERE tracker_id = :t AND at < :since "
                    "ORDER BY revision DESC LIMIT 1",
                    since=params["since"],
                )
                if older:
                    params["revision"] = max(imported, int(older[0][0]))
            changes, replayed = self._replayed_changes(where, params, every=not summed)
            totals, first_last_updates = self._totals(where, params, replayed)
            tasks = {
                str(task_id): TaskState(milestone, status, int(progress), parse_date(last))
                for task_id, milestone, status, progress, last in self._all(
                    "SELECT id, milestone, status, progress, last_update FROM task "
                    "WHERE tracker_id = :t"
                )
            }
            metric_values = {
                str(key): str(value)
                for key, value in self._all("SELECT key, value FROM metric WHERE tracker_id = :t")
            }
            notes = tuple(
                DatedNote(day, str(text))
                for when, text in self._all(
                    "SELECT date, text FROM activity WHERE tracker_id = :t "
                    "AND LOWER(text) LIKE '%completed%'"
                )
                if (day := parse_date(str(when))) is not None
            )
            checkpoints = tuple(
                (day, checkpoint.text)
                for checkpoint in self.reader.checkpoints()
                if (day := checkpoint_date(checkpoint)) is not None
            )
            statuses = tuple(self.reader.statuses("task"))
        return TrendInputs(
            today=today,
            tasks=tasks,
            metric_values=metric_values,
            changes=changes,
            since=since,
            history_start=start,
            first_last_updates=first_last_updates,
            notes=notes,
            statuses=statuses,
            checkpoints=checkpoints,
            totals=totals,
        )

    def _replayed_changes(
        self, where: str, params: dict[str, object], *, every: bool
    ) -> tuple[tuple[FieldChange, ...], list[str]]:
        """The changes replayed one by one (a metric's values; every change of a task
        created, deleted or moved to another milestone in the window), oldest first,
        and those tasks' IDs. Every other task's edits are summed per day by ``_totals``."""
        days: dict[str, date] = {}

        def day_of(moment: str) -> date:
            # Edits share their second (one save, several fields): parse each once.
            found = days.get(moment)
            if found is None:
                found = days[moment] = _utc(moment).astimezone().date()
            return found

        query = "SELECT at, entity, entity_id, field, old, new FROM change "
        rows = self._all(
            f"{query}{where} AND (entity = 'metric' AND field = 'value' "
            "OR entity = 'task' AND field IN ('*', 'milestone')) ORDER BY seq",
            **params,
        )
        replayed = sorted({str(row[2]) for row in rows if row[1] == "task"})
        fields = ", ".join(repr(name) for name in _TRACKED)
        if every:
            rows = self._all(f"{query}{where} AND field IN ({fields}) ORDER BY seq", **params)
            replayed = sorted({str(row[2]) for row in rows if row[1] == "task"})
        elif replayed:
            rows = self._all(
                f"{query}{where} AND field IN ({fields}) AND (entity = 'metric' "
                f"OR entity_id IN ({_listed(replayed)})) ORDER BY seq",
                **params,
                **_numbered(replayed),
            )
        changes = tuple(
            FieldChange(day_of(at), entity, str(entity_id), field, old, new)
            for at, entity, entity_id, field, old, new in rows
        )
        return changes, replayed

    def _totals(
        self, where: str, params: dict[str, object], replayed: list[str]
    ) -> tuple[DailyTotals, dict[str, str | None]]:
        """The progress and status edits of the tasks not ``replayed``, summed per day
        (one scan each), and what each task had before its first change of progress,
        status and Last Update (one more)."""
        summed = f"{where} AND entity = 'task'"
        if replayed:
            summed += f" AND entity_id NOT IN ({_listed(replayed)})"
            params = {**params, **_numbered(replayed)}
        if getattr(self.reader.connection, "dialect", "sqlite") == "sqlite":
            # SQLite's localtime is the C library's, as Python's astimezone() is.
            day_sql = "date(at, 'localtime')"

            def day_in(found: str) -> date:
                return date.fromisoformat(found)
        else:
            # Elsewhere by the minute, then by the local day here (a zone may be off UTC
            # by half an hour, and the server's zone is not the user's).
            # chr(58) is ':': a literal ":00" would be read as a bind parameter by
            # SQLAlchemy's text().
            day_sql = "substr(at, 1, 16) || chr(58) || '00' || substr(at, 20)"

            def day_in(found: str) -> date:
                return _utc(found).astimezone().date()

        totals = DailyTotals()
        for day, milestone, gain in self._all(
            f"SELECT {day_sql}, task.milestone, SUM(gain) FROM (SELECT at, entity_id, "
            f"{_GAIN} AS gain FROM change {summed} AND field = 'progress') AS edit "
            "JOIN task ON task.tracker_id = :t AND task.id = edit.entity_id GROUP BY 1, 2",
            **params,
        ):
            moved = totals.progress.setdefault(day_in(day), {})
            moved[str(milestone)] = moved.get(str(milestone), 0) + int(gain)
        for day, left, entered, count in self._all(
            f"SELECT {day_sql}, COALESCE(old, ''), COALESCE(new, ''), COUNT(*) FROM change "
            f"{summed} AND field = 'status' GROUP BY 1, 2, 3",
            **params,
        ):
            moved = totals.statuses.setdefault(day_in(day), {})
            moved[str(left)] = moved.get(str(left), 0) - int(count)
            moved[str(entered)] = moved.get(str(entered), 0) + int(count)
        first = {
            int(seq): (str(field), str(task_id))
            for task_id, field, seq in self._all(
                f"SELECT entity_id, field, MIN(seq) FROM change {where} AND entity = 'task' "
                "AND field IN ('progress', 'status', 'last_update') GROUP BY entity_id, field",
                **params,
            )
        }
        first_last_updates: dict[str, str | None] = {}
        if first:
            skip = set(replayed)
            for seq, old in self._all(
                "SELECT seq, old FROM change WHERE tracker_id = :t AND seq IN "
                f"({', '.join(str(seq) for seq in first)})"
            ):
                field, task_id = first[int(seq)]
                if field == "last_update":
                    first_last_updates[task_id] = old
                elif task_id in skip:
                    continue
                elif field == "status":
                    totals.first_status[task_id] = str(old or "")
                else:
                    totals.first_progress[task_id] = int(str(old or 0))
        return totals, first_last_updates
