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
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Integer, inspect, text
from sqlmodel import SQLModel

from tracker_tui.domain import TrackerError
from tracker_tui.store import rows
from tracker_tui.store.engine import schema_lock
from tracker_tui.store.schema import (
    ROW_MODELS,
    ChangeRow,
    LayoutBlockRow,
    OpenedTrackerRow,
    StatusRow,
    TrackerRow,
)
from tracker_tui.store.standup_table import CHANGE_AT_INDEX, CHANGE_TRACKER_AT_INDEX, StandupRow
from tracker_tui.store.target import StoreTarget

#: Schema 2's indexes, as ``_upgrade_to_2`` made them (frozen: schema 3 changed them).
_SCHEMA_2_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_task_document_order": ("task", ("block", "position", "id")),
    "ix_task_milestone_progress": ("task", ("milestone", "progress")),
    "ix_risk_document_order": ("risk", ("block", "position", "id")),
    "ix_activity_document_order": ("activity", ("block", "position")),
}


def _upgrade_to_2(connection: Connection) -> None:
    """Schema 2: indexes for document order and the Snapshot header's aggregates (the
    first frame on a big store read 10,000 rows through a sort). Data is unchanged."""
    for name, (table, columns) in _SCHEMA_2_INDEXES.items():
        connection.execute(
            text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")
        )


#: The tables schema 3 scopes by tracker (a ``tracker_id`` column, in the key of those
#: keyed by ID or position), in the order they are copied.
_SCOPED_MODELS = [*ROW_MODELS.values(), LayoutBlockRow, StatusRow, ChangeRow]


def _upgrade_to_3(connection: Connection) -> None:
    """Schema 3: many trackers in one store (issue 12).

    The one tracker of schema 2 becomes tracker 1 of the new ``trackers`` table, named
    after its title, with the store's revision as its own. Every table holding its rows
    gains ``tracker_id`` (1 for every row kept): each is rebuilt, since a primary key
    changes (a task's is (tracker_id, id) now), by renaming it aside, creating it anew,
    copying every row and dropping the old one. Rows keep their keys (an undo of a
    delete restores the same key), and a server's sequences go on past them.
    """
    inspector = inspect(connection)
    old_columns: dict[str, list[str]] = {}
    for model in _SCOPED_MODELS:
        table = model.__table__.name
        old_columns[table] = [column["name"] for column in inspector.get_columns(table)]
        # Index names are the schema's, not the table's: the new table's would clash.
        for index in inspector.get_indexes(table):
            connection.execute(text(f'DROP INDEX "{index["name"]}"'))
        connection.execute(text(f'ALTER TABLE "{table}" RENAME TO "{table}_schema2"'))
    tables = [model.__table__ for model in (*_SCOPED_MODELS, TrackerRow, OpenedTrackerRow)]
    SQLModel.metadata.create_all(connection, tables=tables)
    found = connection.execute(text("SELECT title, snapshot_date FROM tracker")).first()
    title, snapshot_date = (found[0] or "", found[1]) if found else ("", None)
    held = sum(
        int(connection.execute(text(f'SELECT COUNT(*) FROM "{table}_schema2"')).scalar() or 0)
        for table in old_columns
        if table != "status"
    )
    if not title and not held:
        # A store created but never given a tracker: it upgrades to one with none.
        for table in old_columns:
            connection.execute(text(f'DROP TABLE "{table}_schema2"'))
        connection.execute(text("DROP TABLE tracker"))
        connection.execute(text("DELETE FROM meta WHERE key = 'revision'"))
        return
    revision = connection.execute(text("SELECT value FROM meta WHERE key = 'revision'")).scalar()
    name = " ".join(title.split()) or "Tracker"
    connection.execute(
        text(
            "INSERT INTO trackers (id, name, name_key, title, snapshot_date, revision) "
            "VALUES (1, :name, :key, :title, :snapshot_date, :revision)"
        ),
        {
            "name": name,
            "key": name.casefold(),
            "title": title,
            "snapshot_date": snapshot_date,
            "revision": int(revision or 0),
        },
    )
    for model in _SCOPED_MODELS:
        table = model.__table__.name
        columns = ", ".join(f'"{name}"' for name in old_columns[table])
        connection.execute(
            text(
                f'INSERT INTO "{table}" (tracker_id, {columns}) '
                f'SELECT 1, {columns} FROM "{table}_schema2"'
            )
        )
        connection.execute(text(f'DROP TABLE "{table}_schema2"'))
    connection.execute(text("DROP TABLE tracker"))
    connection.execute(text("DELETE FROM meta WHERE key = 'revision'"))
    if connection.dialect.name == "postgresql":
        restart_sequences(connection, [model.__table__ for model in (*_SCOPED_MODELS, TrackerRow)])


def restart_sequences(connection: Connection, tables: list[Any]) -> None:
    """A server's serial keys go on after rows inserted with their own keys (PostgreSQL)."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            if column.autoincrement is True or (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
            ):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                        f"'{column.name}'), COALESCE((SELECT MAX(\"{column.name}\") "
                        f'FROM "{table.name}"), 0) + 1, false)'
                    )
                )


def _upgrade_to_4(connection: Connection) -> None:
    """Schema 4 (issue 13, the stand-up): the ``standup`` table of recorded stand-ups,
    and the history's index by time (``ix_change_at``) that "what changed since" reads."""
    StandupRow.__table__.create(connection, checkfirst=True)  # type: ignore[attr-defined]
    CHANGE_AT_INDEX.create(connection, checkfirst=True)


def _upgrade_to_5(connection: Connection) -> None:
    """Schema 5: a metric holds a value, a unit and a target (issue 14, trends); empty
    for the metrics already stored, which stay plain bullets until given a value."""
    # A store whose tables an older step created with today's models has them already.
    present = {column["name"] for column in inspect(connection).get_columns("metric")}
    for column in ("value", "unit", "target"):
        if column not in present:
            connection.execute(
                text(f"ALTER TABLE metric ADD COLUMN {column} VARCHAR NOT NULL DEFAULT ''")
            )


def _upgrade_to_6(connection: Connection) -> None:
    """Schema 6 (issue 14): a checkpoint's real date beside its words, and a metric's
    scorecard columns (``extra``); empty for the rows already stored."""
    for table, column, default in (("checkpoint", "date", "''"), ("metric", "extra", "'{}'")):
        present = {found["name"] for found in inspect(connection).get_columns(table)}
        if column not in present:
            connection.execute(
                text(
                    f'ALTER TABLE {table} ADD COLUMN "{column}" VARCHAR NOT NULL DEFAULT {default}'
                )
            )


def _upgrade_to_7(connection: Connection) -> None:
    """Schema 7: one tracker's history by time (``ix_change_tracker_at``), which the
    stand-up's "what changed since" reads: only the rows after the baseline."""
    CHANGE_TRACKER_AT_INDEX.create(connection, checkfirst=True)


#: version N-1 -> N upgrades, run in order inside one transaction. Each takes the
#: connection of that transaction (SQLAlchemy Core: ``connection.execute(text(...))``).
UPGRADES: dict[int, Callable[[Connection], None]] = {
    2: _upgrade_to_2,
    3: _upgrade_to_3,
    4: _upgrade_to_4,
    5: _upgrade_to_5,
    6: _upgrade_to_6,
    7: _upgrade_to_7,
}


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
        ],
    )
    # No tracker yet: an import or a title adds the first (with its status lists).


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
