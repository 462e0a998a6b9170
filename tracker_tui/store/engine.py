"""SQLAlchemy engines for the write path, with each engine's specifics kept here.

SQLite: WAL journal (readers never block the writer), a busy timeout, foreign keys on, and
``BEGIN IMMEDIATE`` for every transaction, so that two writers queue on the lock at the
start instead of one failing with "database is locked" when it upgrades a read lock.
Another engine (PostgreSQL) needs none of this: its URL goes to ``create_engine`` as is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from tracker_tui.domain import StoreLockedError, TrackerError
from tracker_tui.store.target import StoreTarget

BUSY_TIMEOUT_MS = 5000
LOCK_RETRIES = 3

T = TypeVar("T")


def make_engine(target: StoreTarget) -> Engine:
    """An engine for ``target``, configured for short, safe write transactions."""
    if not target.is_sqlite:
        return create_engine(target.url, pool_pre_ping=True)
    if target.path is not None:
        target.path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        target.url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling would issue a deferred BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable across application crashes in WAL mode; only a power loss
        # can roll back the last commits, never corrupt the store.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_locked(error: BaseException) -> bool:
    message = str(getattr(error, "orig", error)).lower()
    return "database is locked" in message or "database table is locked" in message


def friendly_error(error: OperationalError, where: str) -> TrackerError:
    """A one-line message for an engine error a user can do something about."""
    message = str(error.orig).lower()
    if "readonly" in message or "read-only" in message:
        return TrackerError(f"{where} cannot be written (read-only file or file system)")
    if "disk" in message and ("full" in message or "i/o" in message):
        return TrackerError(f"cannot save to {where}: the disk is full or failing")
    if "unable to open" in message:
        return TrackerError(f"cannot open {where}: check the path and its permissions")
    if "not a database" in message or "malformed" in message:
        return TrackerError(f"{where} is damaged or not a tracker store; run `tracker-tui check`")
    return TrackerError(f"database error on {where}: {str(error.orig).splitlines()[0]}")


def with_lock_retry(operation: Callable[[], T], where: str) -> T:
    """Run ``operation``; if the store stays locked past the busy timeout, retry a few times,
    then give up with a clear message (never "database is locked")."""
    for attempt in range(LOCK_RETRIES + 1):
        try:
            return operation()
        except OperationalError as error:
            if is_locked(error):
                if attempt < LOCK_RETRIES:
                    time.sleep(0.05 * (2**attempt))
                    continue
                raise StoreLockedError(
                    f"{where} is busy: another tracker-tui kept it locked for too long; try again"
                ) from None
            raise friendly_error(error, where) from None
    raise AssertionError("unreachable")
