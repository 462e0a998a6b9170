"""SQLAlchemy engines for the write path, with each engine's specifics kept here.

SQLite: WAL journal (readers never block the writer), a busy timeout, foreign keys on, and
``BEGIN IMMEDIATE`` for every transaction, so that two writers queue on the lock at the
start instead of one failing with "database is locked" when it upgrades a read lock.

PostgreSQL (``postgresql+psycopg://``): its URL goes to ``create_engine`` as is, with a
pool of ONE connection (a dashboard holds it and its change listener's: two per viewer,
whatever the number of worker threads), checked before each use (``pool_pre_ping``: a
server restarted meanwhile costs a reconnect, not an error), a ``connect_timeout`` (a
host that drops packets fails a call in seconds, never hangs it), and a ``NOTIFY`` in
every commit that dashboards ``LISTEN`` for (``store/notifications.py``). Writers
queue on row locks (every write transaction updates the ``meta`` revision row first, so
writes are serialised as on SQLite); a ``lock_timeout`` of ``BUSY_TIMEOUT_MS`` makes a
lock held too long fail like SQLite's busy handler, and ``with_lock_retry`` retries it
within the same budget. Schema creation takes a transaction-scoped advisory lock
(``schema_lock``). Server errors (refused connection, failed login, missing database, no
write privilege) become one-line ``TrackerError``s that never show a password.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, StatementError

from tracker_tui.domain import StoreLockedError, TrackerError, UnreachableError
from tracker_tui.store.permissions import create_store_file, why_not_writable
from tracker_tui.store.target import StoreTarget

#: How long one attempt waits in SQLite's busy handler for another writer's lock.
#: Read when an engine is created (tests lower it before opening a store).
BUSY_TIMEOUT_MS = 3000
#: The whole budget a write may spend waiting for the lock, across attempts, before it
#: gives up with ``StoreLockedError``. Read at each write (tests lower it).
LOCK_BUDGET_SECONDS = 15.0

#: Seconds a connection attempt to a server may take (unless the URL sets its own).
CONNECT_TIMEOUT_SECONDS = 5
#: Connections a server store's pool holds; with the change listener's, a dashboard
#: holds at most this plus one.
SERVER_POOL_SIZE = 1
#: The channel every commit NOTIFYs and dashboards LISTEN on (per database, by nature).
CHANGES_CHANNEL = "tracker_tui_changes"

T = TypeVar("T")


def make_engine(target: StoreTarget) -> Engine:
    """An engine for ``target``, configured for short, safe write transactions.

    Raises:
        TrackerError: the store's folder cannot be created.
    """
    if not target.is_sqlite:
        return _server_engine(target)
    if target.path is not None:
        try:
            target.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TrackerError(
                f"cannot create the folder {target.path.parent}: {error.strerror}"
            ) from None
        # Made by us, not by SQLite (which would make it 0644 whatever the umask): a
        # lead's umask 002 gives a group-writable store, and its -wal and -shm follow.
        try:
            create_store_file(target.path)
        except OSError as error:
            raise TrackerError(
                f"cannot create {target.path}: {error.strerror}; check the folder's permissions"
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


def _server_engine(target: StoreTarget) -> Engine:
    """An engine for a database server (PostgreSQL), created lazily: nothing connects
    until the first query.

    Raises:
        TrackerError: the URL is not one SQLAlchemy understands, or its driver is missing.
    """
    where = target.describe()
    try:
        engine = create_engine(
            target.url,
            pool_pre_ping=True,
            pool_size=SERVER_POOL_SIZE,
            max_overflow=0,
            connect_args=server_connect_args(target.url),
        )
    except (ModuleNotFoundError, NoSuchModuleError) as error:
        if target.url.startswith("postgresql"):
            raise TrackerError(
                f"cannot open {where}: PostgreSQL needs the psycopg driver "
                "(pip install 'tracker-tui[postgres]')"
            ) from None
        raise TrackerError(f"cannot open {where}: {_first_line(error)}") from None
    except (ArgumentError, ValueError) as error:
        raise TrackerError(f"{where} is not a database URL: {_first_line(error)}") from None
    if engine.dialect.name == "postgresql":
        lock_timeout_ms = int(BUSY_TIMEOUT_MS)

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # A lock held longer than this fails the statement (SQLSTATE 55P03), which
            # with_lock_retry retries within LOCK_BUDGET_SECONDS, as on SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = {lock_timeout_ms}")
            cursor.close()
            dbapi_connection.commit()

        @event.listens_for(engine, "commit")
        def _notify(connection: Connection) -> None:
            # Inside the transaction, just before COMMIT: PostgreSQL delivers it only if
            # the commit succeeds (a rolled-back write wakes nobody), and folds repeats.
            dbapi_connection = connection.connection.dbapi_connection
            if dbapi_connection is not None:
                dbapi_connection.execute(f"NOTIFY {CHANGES_CHANNEL}")

    return engine


def server_connect_args(url: str) -> dict[str, object]:
    """What every connection to the server at ``url`` is opened with, besides the URL:
    a connect timeout and an application name (what ``pg_stat_activity`` shows), each
    unless the URL sets its own. The change listener opens its connection with these too.
    """
    if not url.startswith("postgresql"):
        return {}
    query = url.partition("?")[2].lower()
    extra: dict[str, object] = {}
    if "connect_timeout=" not in query:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if "application_name=" not in query:
        extra["application_name"] = "tracker-tui"
    return extra


def schema_lock(connection: Connection) -> None:
    """Serialise schema creation and upgrades between processes, until the end of the
    current transaction. SQLite needs nothing: its ``BEGIN IMMEDIATE`` holds the lock."""
    if connection.dialect.name == "postgresql":
        # Two processes opening an empty database at once: the second waits, then finds
        # the schema made (CREATE TABLE IF NOT EXISTS is not atomic with the check).
        connection.execute(text("SELECT pg_advisory_xact_lock(7142001)"))


#: SQLSTATEs that mean "another transaction holds the lock; try again" on PostgreSQL:
#: lock_not_available (lock_timeout), deadlock_detected, serialization_failure.
_RETRY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None) or error
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _first_line(error: BaseException) -> str:
    text_ = str(getattr(error, "orig", None) or error).strip()
    return (text_.splitlines() or ["unknown error"])[0].strip()


def _message(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).lower()


def is_locked(error: BaseException) -> bool:
    if _sqlstate(error) in _RETRY_SQLSTATES:
        return True
    message = _message(error)
    return "database is locked" in message or "database table is locked" in message


def is_missing_table(error: BaseException) -> bool:
    """Whether ``error`` is a server saying a table does not exist (a database without
    the schema yet)."""
    return _sqlstate(error) == "42P01"


def _scrub(message: str, url: str | None) -> str:
    """``message`` without the URL's password, should a driver ever echo it."""
    message = re.sub(r"(password\s*=\s*)\S+", r"\1***", message, flags=re.IGNORECASE)
    if url:
        try:
            from sqlalchemy.engine import make_url

            password = make_url(url).password
        except Exception:
            password = None
        if password and len(password) >= 3:
            message = message.replace(password, "***")
    return message


def server_error(error: BaseException, where: str, url: str | None = None) -> TrackerError | None:
    """A one-line message for a database server's error, or None for an error that is
    not the server's (SQLite's, or a statement's)."""
    state = _sqlstate(error)
    message = _message(error)
    orig = getattr(error, "orig", None) or error
    module = type(orig).__module__ or ""
    if not module.startswith("psycopg"):
        return None
    if state == "3D000" or ("database" in message and "does not exist" in message):
        match = re.search(r'database "([^"]+)" does not exist', str(orig))
        name = f" {match.group(1)!r}" if match else ""
        return TrackerError(
            f"cannot open {where}: the database{name} does not exist on that server "
            "(create it first, e.g. createdb)"
        )
    if (
        state in ("28P01", "28000")
        or "authentication failed" in message
        or ("password" in message and "no password" in message)
    ):
        return TrackerError(
            f"cannot log in to {where}: the server refused the user name or password "
            f"({_scrub(_reason(str(orig)), url)})"
        )
    if state == "42501" or "permission denied" in message:
        return TrackerError(
            f"cannot save to {where}: your database role may not change it "
            "(ask for write privileges, or open it with --read-only)"
        )
    if state == "25006" or "read-only transaction" in message:
        return TrackerError(
            f"cannot save to {where}: the server is read-only (a standby?); "
            "open it with --read-only"
        )
    if state is None or state.startswith(("08", "57P")):
        # No SQLSTATE: libpq failed before the server answered (refused, no such socket,
        # unknown host, timeout); 08xxx/57Pxx: the connection broke or the server left.
        return UnreachableError(
            f"cannot connect to {where}: {_scrub(_reason(str(orig)), url)} "
            "(is the server running, and the host and port right?)"
        )
    return None


def _reason(message: str) -> str:
    """The useful end of a libpq connection message: ``connection failed: connection to
    server on socket "..." failed: Connection refused`` → ``Connection refused``."""
    line = (message.strip().splitlines() or ["unknown error"])[0]
    line = line.rsplit(" failed: ", 1)[-1]
    return line.removeprefix("FATAL:").strip().rstrip(".") or "unknown error"


def friendly_error(error: BaseException, where: str, url: str | None = None) -> TrackerError:
    """A one-line message for an engine error a user can do something about."""
    from_server = server_error(error, where, url)
    if from_server is not None:
        return from_server
    message = _message(error)
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        # Name the file that is in the way (often the -shm another user left behind),
        # not the store, and the command that fixes it.
        culprit = _not_writable(url)
        if culprit is not None:
            return TrackerError(f"cannot save to {where}: {culprit}")
        if url and url.startswith("sqlite:///") and "unable to open" not in message:
            # Every file is writable now, yet the write was refused: they were not when
            # this process opened them.
            from tracker_tui.store.permissions import FIXED_SINCE_OPENED

            return TrackerError(f"cannot save to {where}: {FIXED_SINCE_OPENED}")
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
    return TrackerError(f"database error on {where}: {_scrub(_first_line(error), url)}")


def _not_writable(url: str | None) -> str | None:
    """Which of a SQLite store's files this user may not write, or None."""
    if not url or not url.startswith("sqlite:///"):
        return None
    from pathlib import Path

    return why_not_writable(Path(url.removeprefix("sqlite:///")))


def with_lock_retry(operation: Callable[[], T], where: str, url: str | None = None) -> T:
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
                raise friendly_error(error, where, url) from None
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{where} is busy: another program has held its write lock for over "
                    f"{float(LOCK_BUDGET_SECONDS):g}s; try again in a moment"
                ) from None
            time.sleep(min(0.05 * (2**attempt), 0.5))
            attempt += 1
        except OSError as error:
            raise TrackerError(f"cannot save to {where}: {error.strerror or error}") from None
