"""``tracker-tui copy``: every tracker of one store, with its history and undo, into
another (SQLite to PostgreSQL, back again, or file to file).

The source is read on one snapshot (``Store.snapshot``: one read transaction on SQLite,
REPEATABLE READ on PostgreSQL), so a copy of a store others are editing is one
consistent state of it. The target is written in one transaction: every table emptied
(with ``replace``) or found empty, every row inserted with its own keys, the counts read
back and compared, and only then committed; any failure leaves the target as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, select, text
from sqlmodel import SQLModel

from tracker_tui.domain import TrackerError
from tracker_tui.store.engine import schema_lock, with_lock_retry
from tracker_tui.store.migrations import restart_sequences
from tracker_tui.store.schema import ROW_MODELS  # noqa: F401  (registers the tables)

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

#: Rows inserted per statement.
_CHUNK = 2_000


def _tables() -> list[Table]:
    """The tables a copy carries: all but ``meta`` (the target keeps its own), parents
    first."""
    return [table for table in SQLModel.metadata.sorted_tables if table.name != "meta"]


def read_rows(source: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of ``source``, read on one snapshot."""
    reader = source._base_reader()
    if reader is None or not reader.has_schema():
        return {table.name: [] for table in _tables()}
    found: dict[str, list[dict[str, Any]]] = {}
    with source.snapshot():
        for table in _tables():
            names = [column.name for column in table.columns]
            quoted = ", ".join(f'"{name}"' for name in names)
            rows = reader.connection.fetchall(f'SELECT {quoted} FROM "{table.name}"')
            found[table.name] = [dict(zip(names, row, strict=True)) for row in rows]
    return found


def copy_store(source: Store, target: Store, *, replace: bool) -> dict[str, int]:
    """Copy every tracker of ``source`` into ``target``; return the rows of each table
    copied, as counted in the target before the commit.

    Raises:
        TrackerError: the target holds a tracker and ``replace`` is False; the target is
            the source; a count differs after the copy (nothing is committed then).
    """
    if source.target.describe() == target.target.describe():
        raise TrackerError("the source and the target of a copy are the same store")
    rows = read_rows(source)
    expected = {name: len(items) for name, items in rows.items()}
    writer = target._base_writer()  # creates or upgrades the target's schema

    def attempt() -> dict[str, int]:
        with writer.engine.begin() as connection:
            schema_lock(connection)
            tables = _tables()
            held = connection.execute(text("SELECT COUNT(*) FROM trackers")).scalar() or 0
            if held and not replace:
                raise TrackerError(
                    f"{target.target.describe()} already holds {held} tracker(s); "
                    "use --replace to overwrite it with the copy"
                )
            for table in reversed(tables):
                connection.execute(table.delete())
            for table in tables:
                items = rows[table.name]
                for start in range(0, len(items), _CHUNK):
                    connection.execute(table.insert(), items[start : start + _CHUNK])
            if connection.dialect.name == "postgresql":
                restart_sequences(connection, tables)
            counted = {
                table.name: int(
                    connection.execute(select(func.count()).select_from(table)).scalar() or 0
                )
                for table in tables
            }
            if counted != expected:
                differ = [name for name in expected if counted.get(name) != expected[name]]
                raise TrackerError(
                    f"the copy's counts differ from the source's ({', '.join(differ)}); "
                    "nothing was written"
                )
            return counted

    return with_lock_retry(attempt, target.target.describe(), target.target.url)
