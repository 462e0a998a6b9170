"""SQLAlchemy engines for the write path, with each engine's specifics kept here.

SQLite: WAL journal (readers never block the writer), a busy timeout, foreign keys on, and
``BEGIN IMMEDIATE`` for every transaction, so that two writers queue on the lock at the
start instead of one failing with "database is locked" when it upgrades a read lock.
Another engine (PostgreSQL) needs none of this: its URL goes to ``create_engine`` as is.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, StatementError

from tracker_tui.domain import StoreLockedError, TrackerError
from tracker_tui.store.target import StoreTarget

#: How long one attempt waits in SQLite's busy handler for another writer's lock.
#: Read when an engine is created (tests lower it before opening a store).
BUSY_TIMEOUT_MS = 3000
#: The whole budget a write may spend waiting for the lock, across attempts, before it
#: gives up with ``StoreLockedError``. Read at each write (tests lower it).
LOCK_BUDGET_SECONDS = 15.0

T = TypeVar("T")


def make_engine(target: StoreTarget) -> Engine:
    """An engine for ``target``, configured for short, safe write transactions.

    Raises:
        TrackerError: the store's folder cannot be created.
    """
    if not target.is_sqlite:
        return create_engine(target.url, pool_pre_ping=True)
    if target.path is not None:
        try:
            target.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TrackerError(
                f"cannot create the folder {target.path.parent}: {error.strerror}"
            ) from None
    busy_timeout_ms = int(BUSY_TIMEOUT_MS)
    engine = create_engine(
        target.url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling would issue a deferred BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable across application crashes (kill -9) in WAL mode; only a
        # power loss can roll back the last commits, and never corrupts the store.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _message(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).lower()


def is_locked(error: BaseException) -> bool:
    message = _message(error)
    return "database is locked" in message or "database table is locked" in message


def friendly_error(error: BaseException, where: str) -> TrackerError:
    """A one-line message for an engine error a user can do something about."""
    message = _message(error)
    if "readonly" in message or "read-only" in message:
        return TrackerError(
            f"cannot save to {where}: the file or its folder is read-only for you "
            "(check permissions, or open it with --read-only)"
        )
    if "disk" in message and ("full" in message or "i/o" in message):
        return TrackerError(f"cannot save to {where}: the disk is full, failing or read-only")
    if "unable to open" in message:
        return TrackerError(
            f"cannot open {where} for writing: check the file's and its folder's permissions"
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return TrackerError(f"{where} is damaged; run `tracker-tui check --db {where}`")
    if "unique constraint" in message:
        return TrackerError(f"cannot save to {where}: that ID is already taken")
    first = (str(getattr(error, "orig", None) or error).splitlines() or ["unknown error"])[0]
    return TrackerError(f"database error on {where}: {first}")


def with_lock_retry(operation: Callable[[], T], where: str) -> T:
    """Run ``operation``; while the store stays locked past the busy timeout, retry until
    ``LOCK_BUDGET_SECONDS`` have passed, then give up with ``StoreLockedError`` (a clear
    message, never "database is locked"). Any other database error becomes a one-line
    ``TrackerError``."""
    deadline = time.monotonic() + float(LOCK_BUDGET_SECONDS)
    attempt = 0
    while True:
        try:
            return operation()
        except (DBAPIError, StatementError, sqlite3.Error) as error:
            if not is_locked(error):
                raise friendly_error(error, where) from None
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{where} is busy: another program has held its write lock for over "
                    f"{float(LOCK_BUDGET_SECONDS):g}s; try again in a moment"
                ) from None
            time.sleep(min(0.05 * (2**attempt), 0.5))
            attempt += 1
        except OSError as error:
            raise TrackerError(f"cannot save to {where}: {error.strerror or error}") from None
