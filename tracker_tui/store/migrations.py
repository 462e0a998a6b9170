"""Schema versions: create a new store, upgrade an older one, refuse a newer one.

A lighter mechanism than Alembic, and as safe for an embedded store: the version lives in
the ``meta`` table, each upgrade is a function run inside one transaction together with
the version bump, and a SQLite store is copied to ``<file>.bak-<version>`` (with SQLite's
online backup API, so the copy is consistent) before any upgrade touches it.

To change the schema: edit ``schema.py``, add ``_upgrade_to_N`` here and register it in
``UPGRADES``, and bump ``rows.SCHEMA_VERSION``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import SQLModel

from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES, TrackerError
from tracker_tui.store import rows
from tracker_tui.store.engine import schema_lock
from tracker_tui.store.schema import (  # noqa: F401  (ROW_MODELS registers the tables)
    ORDER_INDEXES,
    ROW_MODELS,
)
from tracker_tui.store.target import StoreTarget


def _upgrade_to_2(connection: Connection) -> None:
    """Schema 2: indexes for document order and the Snapshot header's aggregates (the
    first frame on a big store read 10,000 rows through a sort). Data is unchanged."""
    for name, (table, columns) in ORDER_INDEXES.items():
        connection.execute(
            text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")
        )


def _upgrade_to_3(connection: Connection) -> None:
    """Schema 3: a metric holds a value, a unit and a target (issue 14, trends); empty
    for the metrics already stored, which stay plain bullets until given a value."""
    # A store whose tables an older step created with today's models has them already.
    present = {column["name"] for column in inspect(connection).get_columns("metric")}
    for column in ("value", "unit", "target"):
        if column not in present:
            connection.execute(
                text(f"ALTER TABLE metric ADD COLUMN {column} VARCHAR NOT NULL DEFAULT ''")
            )


#: version N-1 -> N upgrades, run in order inside one transaction. Each takes the
#: connection of that transaction (SQLAlchemy Core: ``connection.execute(text(...))``).
UPGRADES: dict[int, Callable[[Connection], None]] = {2: _upgrade_to_2, 3: _upgrade_to_3}


def stored_version(connection: Connection) -> int | None:
    """The store's schema version, or None when it has no ``meta`` table yet."""
    if not inspect(connection).has_table("meta"):
        return None
    row = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    return int(row[0]) if row else 0


def refuse_newer(version: int, where: str) -> None:
    if version > rows.SCHEMA_VERSION:
        raise TrackerError(
            f"{where} was written by a newer tracker-tui (schema {version}; this one reads "
            f"up to {rows.SCHEMA_VERSION}); upgrade tracker-tui to open it. "
            "The store is untouched."
        )


def ensure_schema(engine: Engine, target: StoreTarget) -> None:
    """Create the schema in a new store, or upgrade an older one after a backup.

    All in one write transaction (``BEGIN IMMEDIATE``; on PostgreSQL, an advisory lock
    and transactional DDL): two processes opening an old (or empty) store at once queue
    on the lock, and the second finds it upgraded (or created) already. The backup
    is taken inside that transaction, so nothing can commit between the copy and the
    upgrade; a failed upgrade rolls back and leaves the store as it was.
    """
    current = rows.SCHEMA_VERSION
    with engine.begin() as connection:
        schema_lock(connection)
        version = stored_version(connection)
        if version is None:
            if inspect(connection).get_table_names():
                raise TrackerError(
                    f"{target.describe()} is another application's database, "
                    "not a tracker store; it was left untouched"
                )
            _create(connection, current)
            return
        refuse_newer(version, target.describe())
        if version == current:
            return
        missing = [step for step in range(version + 1, current + 1) if step not in UPGRADES]
        if missing:
            raise TrackerError(
                f"{target.describe()} has schema {version} and this tracker-tui has no "
                f"upgrade to schema {missing[0]}; the store is untouched"
            )
        if target.path is not None:
            backup_sqlite(target.path, version)
        for step in range(version + 1, current + 1):
            UPGRADES[step](connection)
        SQLModel.metadata.create_all(connection)
        connection.execute(
            text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(current)}
        )


def _create(connection: Connection, version: int) -> None:
    SQLModel.metadata.create_all(connection)
    connection.execute(
        text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
        [
            {"k": "application", "v": rows.APPLICATION},
            {"k": "schema_version", "v": str(version)},
            {"k": "revision", "v": "0"},
        ],
    )
    connection.execute(text("INSERT INTO tracker (id, title) VALUES (1, '')"))
    statuses = [
        {"kind": kind, "name": name, "position": position}
        for kind, names in (("task", DEFAULT_TASK_STATUSES), ("risk", DEFAULT_RISK_STATUSES))
        for position, name in enumerate(names)
    ]
    connection.execute(
        text("INSERT INTO status (kind, name, position) VALUES (:kind, :name, :position)"), statuses
    )


def backup_sqlite(path: Path, version: int) -> Path:
    """Copy the store to ``<path>.bak-<version>`` with SQLite's online backup API (a
    consistent copy even while others read it); an existing backup is never overwritten
    (``.bak-<version>.2``, ``.3``... instead)."""
    destination = path.with_name(f"{path.name}.bak-{version}")
    number = 2
    while destination.exists():
        destination = path.with_name(f"{path.name}.bak-{version}.{number}")
        number += 1
    source = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
        # The same permissions as the store: a group-shared store's backup stays
        # readable by the group that shares it.
        destination.chmod(path.stat().st_mode & 0o777)
    except (sqlite3.Error, OSError) as error:
        destination.unlink(missing_ok=True)
        raise TrackerError(
            f"cannot write the backup {destination} before upgrading: {error}; "
            "the store is untouched"
        ) from None
    finally:
        source.close()
    return destination
