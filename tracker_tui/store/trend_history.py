"""The history queries of the trends (issue 14), in one place.

Every read the series, the forecasts and ``tracker-tui trend`` need is here, as plain SQL
on the reader's connection (stdlib ``sqlite3`` on SQLite: no SQLAlchemy), returning
``trends.model`` values. When the store holds many trackers, the tracker's scope is
added to these queries and nowhere else.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from tracker_tui.store.reader import Reader
from tracker_tui.store.rows import parse_date
from tracker_tui.trends.model import DatedNote, FieldChange, TaskState, TrendInputs

#: The history's fields that move a series: the task's, and a metric's value. (Last
#: Update matters only as it was when the history began: read apart, once per task.)
_TRACKED = ("progress", "status", "milestone", "*", "value")
_ISO_DATE_RE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _utc(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _start_of(day: date) -> str:
    """The first moment of the local ``day`` as the history writes it (UTC, ISO)."""
    local = datetime.combine(day, time()).astimezone()
    return local.astimezone(UTC).isoformat(timespec="seconds")


def dated(text: str) -> date | None:
    """The date a checkpoint's "when" carries (``2024-06-10``, ``Tue 2024-06-10``)."""
    match = _ISO_DATE_RE.search(text)
    return parse_date(match[1]) if match else None


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
            "SELECT revision, at FROM change WHERE tracker_id = :t AND entity_id = 'tracker' "
            "AND action = 'import' ORDER BY revision DESC LIMIT 1"
        )
        if rows:
            return int(rows[0][0]), _utc(rows[0][1]).astimezone().date()
        first = self._all("SELECT MIN(at) FROM change WHERE tracker_id = :t")
        if first and first[0][0]:
            return 0, _utc(first[0][0]).astimezone().date()
        return 0, None

    def inputs(self, today: date, *, since: date | None = None) -> TrendInputs:
        """What the series are computed from; with ``since``, only the history from that
        day on is read (a forecast's window), unless the history begins later."""
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
            fields = ", ".join(repr(name) for name in _TRACKED)
            days: dict[str, date] = {}

            def day_of(moment: str) -> date:
                # Edits share their second (one save, several fields): parse each once.
                found = days.get(moment)
                if found is None:
                    found = days[moment] = _utc(moment).astimezone().date()
                return found

            changes = tuple(
                FieldChange(day_of(at), entity, str(entity_id), field, old, new)
                for at, entity, entity_id, field, old, new in self._all(
                    "SELECT at, entity, entity_id, field, old, new FROM change "
                    f"{where} AND field IN ({fields}) ORDER BY seq",
                    **params,
                )
            )
            # One scan in history order, the first change per task kept (a lookup per
            # task through the entity_id index would touch every row at random).
            first_last_updates: dict[str, str | None] = {}
            for task_id, old in self._all(
                f"SELECT entity_id, old FROM change {where} AND field = 'last_update' ORDER BY seq",
                **params,
            ):
                first_last_updates.setdefault(str(task_id), old)
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
                (day, str(text))
                for when, text in self._all(
                    'SELECT "when", text FROM checkpoint WHERE tracker_id = :t '
                    "ORDER BY block, position"
                )
                if (day := dated(str(when))) is not None
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
        )
