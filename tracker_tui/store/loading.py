"""An import's write: the whole tracker replaced by new rows, in one transaction.

The rows come from ``exchange.rows_from_document`` as plain dicts; they are inserted in
bulk (``executemany``), without an ORM object per row: 20,000 tasks load in a fraction
of a second.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session

from tracker_tui.domain import TrackerError
from tracker_tui.store.schema import ROW_MODELS, LayoutBlockRow, StatusRow, TrackerRow
from tracker_tui.store.transaction import (
    Transactions,
    find_tracker_named,
    tracker_name,
    tracker_of,
)


class Loading(Transactions):
    """The load of an import, on the write path's core."""

    def load_rows(
        self, rows: dict[str, Any], *, replace: bool, name: str | None = None
    ) -> tuple[int, dict[str, int]]:
        """Load ``rows`` (``exchange.rows_from_document``'s) as a new tracker called
        ``name`` (default: the document's title), or, with ``replace``, in place of the
        tracker of that name, in one transaction. Other trackers are not touched.

        Returns:
            The tracker's key, and how many rows of each kind it holds now.

        Raises:
            TrackerError: a tracker has that name and ``replace`` is False.
        """
        # A title longer than a name may be is cut (an explicit name is refused).
        wanted = (
            tracker_name(name)
            if name
            else tracker_name(rows["tracker"]["title"][:200] or "Tracker")
        )

        def pick(session: Session) -> int:
            existing = find_tracker_named(session, wanted)
            if existing is None:
                return self.create_tracker_row(session, wanted)
            if not replace:
                raise TrackerError(
                    f'the store already holds a tracker named "{existing.name}"; '
                    "use --replace to replace it, or --name to import it under another name"
                )
            assert existing.id is not None
            return existing.id

        def work(session: Session, revision: int) -> tuple[int, dict[str, int]]:
            tracker_id = tracker_of(session)
            # One transaction: a crash (even kill -9) leaves the old tracker or the new
            # one, never a mixture.
            tables: list[Any] = [*ROW_MODELS.values(), LayoutBlockRow, StatusRow]
            for model in tables:
                session.execute(delete(model).where(model.tracker_id == tracker_id))
            tracker = session.get(TrackerRow, tracker_id)
            assert tracker is not None
            tracker.title = rows["tracker"]["title"]
            tracker.snapshot_date = rows["tracker"]["snapshot_date"]
            session.add(tracker)
            stamp = self._now()
            for table, model in (("layout", LayoutBlockRow), ("status", StatusRow)):
                if rows[table]:
                    _bulk_insert(session, model, _scoped(rows[table], tracker_id))
            for kind, model in ROW_MODELS.items():
                items = _scoped(rows[kind], tracker_id)
                if kind in ("task", "risk"):
                    for item in items:
                        item["updated_by"], item["updated_at"] = self.user, stamp
                if items:
                    _bulk_insert(session, model, items)
            counts = {kind: len(rows[kind]) for kind in ROW_MODELS}
            self._record(
                session,
                revision,
                "tracker",
                "tracker",
                "import",
                None,
                json.dumps(counts),
                action="import",
            )
            return tracker_id, counts

        return self._transaction(work, tracker=pick)


def _scoped(items: list[dict[str, Any]], tracker_id: int) -> list[dict[str, Any]]:
    """``items`` as rows of the tracker ``tracker_id`` (new dicts: the caller's stay)."""
    return [{**item, "tracker_id": tracker_id} for item in items]


def _bulk_insert(session: Session, model: Any, items: list[dict[str, Any]]) -> None:
    """Insert plain dicts (no ORM objects) in one ``executemany``.

    On SQLite the statement goes to the driver as is: SQLAlchemy's Core insert processes
    every parameter set in Python first, a tenth of a second for 20,000 rows, for nothing
    (the values are plain strings and integers already). Columns a row leaves out get
    their model defaults. Other engines, and rows whose keys differ, take the Core insert.
    """
    table = model.__table__
    connection = session.connection()
    keys = items[0].keys()
    if connection.dialect.name != "sqlite" or any(item.keys() != keys for item in items):
        session.execute(table.insert(), items)
        return
    defaults = {
        column.name: column.default.arg
        for column in table.columns
        if column.name not in keys and column.default is not None and column.default.is_scalar
    }
    if defaults:
        items = [{**defaults, **item} for item in items]
    names = [
        column.name for column in table.columns if column.name in keys or column.name in defaults
    ]
    quoted = ", ".join(f'"{name}"' for name in names)
    placeholders = ", ".join(f":{name}" for name in names)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', items
    )
