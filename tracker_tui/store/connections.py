"""The read path's connections: stdlib ``sqlite3`` for SQLite, SQLAlchemy for a server.

Both offer what the reader needs (``fetchall``, ``snapshot``, ``close``; the
``Connection`` protocol). ``SqliteConnection`` is on the path to the dashboard's first
frame, so this module imports no SQLAlchemy at load time (``SqlAlchemyConnection``
imports it when first used, for a server store only).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote


class Connection(Protocol):
    """What the reader needs of a database connection."""

    def fetchall(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


def _cannot_open_wal(error: sqlite3.Error) -> bool:
    """Whether ``error`` is SQLite failing to open or create the WAL index (``-shm``),
    which is what a user without write permission on the store's folder meets."""
    message = str(error).lower()
    return "readonly" in message or "read-only" in message or "unable to open" in message


class SqliteConnection:
    """A long-lived stdlib ``sqlite3`` connection used only for reading.

    One connection is shared by the UI thread and worker threads, so calls are
    serialised with a lock. It is always opened ``mode=ro`` (and ``query_only``): reading
    never writes the main file, whoever the user is; ``read_only`` only records whether
    the store as a whole refuses edits.

    A WAL store can be read ``mode=ro`` as long as its ``-wal`` and ``-shm`` files exist
    (a writer has it open) or can be created. When neither holds (a lead who may only
    read the file, in a folder they cannot write, with no writer active), the main file
    holds every commit and is read ``immutable``; the files are then watched, and the
    connection reopened through the WAL as soon as a writer appears (and immutable again
    after it leaves). See https://www.sqlite.org/wal.html#readonly. Limit: if the last
    writer was killed and left a ``-wal`` with commits but such a reader cannot open its
    index, the reader shows the main file's state until a writer opens the store.
    """

    def __init__(self, path: Path, *, read_only: bool, immutable: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.immutable = False
        self._lock = threading.RLock()
        #: How deep the current thread is in ``snapshot()`` (only read under ``_lock``).
        self._snapshot_depth = 0
        self._generation = 0
        self._last_token: tuple[int, int] | None = None
        self._version = 0
        self._file_signature = self._signature()
        self._connection = self._open(prefer_immutable=immutable)

    def _connect(self, *, immutable: bool) -> sqlite3.Connection:
        suffix = "&immutable=1" if immutable else ""
        # Quoted: a path with "?", "#" or "%" in it would otherwise change the URI.
        connection = sqlite3.connect(
            f"file:{quote(str(self.path))}?mode=ro{suffix}",
            uri=True,
            check_same_thread=False,
            timeout=5.0,
            # Autocommit: every read sees the latest commit, and ``snapshot`` issues its
            # own BEGIN/COMMIT (no implicit transactions from the driver).
            isolation_level=None,
        )
        try:
            connection.execute("PRAGMA query_only = ON")
            # Reading the schema opens the WAL index: this is where a read-only user
            # without -shm fails, so fail here rather than on the first real query.
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except BaseException:
            connection.close()
            raise
        return connection

    def _open(self, *, prefer_immutable: bool = False) -> sqlite3.Connection:
        """The best connection this user can have: read-only (``mode=ro``: reading never
        writes the main file, whatever it turns out to hold), else immutable (no writer
        active, and no right to create the WAL index)."""
        self._file_signature = self._signature()
        self._generation += 1
        if not prefer_immutable:
            try:
                connection = self._connect(immutable=False)
            except sqlite3.OperationalError as error:
                if not _cannot_open_wal(error):
                    raise
            else:
                self.immutable = False
                return connection
        connection = self._connect(immutable=True)
        self.immutable = True
        return connection

    def _reopen(self, *, prefer_immutable: bool = False) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()
        self._connection = self._open(prefer_immutable=prefer_immutable)

    def _wal_exists(self) -> bool:
        return self.path.with_name(self.path.name + "-wal").exists()

    def _signature(self) -> tuple[int, ...]:
        """What changes when a writer commits to, opens or leaves the store."""
        values: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                stat = path.stat()
            except OSError:
                values.extend((0, 0, 0))
            else:
                values.extend((stat.st_ino, stat.st_mtime_ns, stat.st_size))
        return tuple(values)

    def _check_immutable(self) -> None:
        """An immutable connection sees no change by itself: reopen when the files move."""
        if self.immutable and self._signature() != self._file_signature:
            self._reopen()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run the reads inside on one snapshot of the store: a deferred read transaction
        (``BEGIN`` ... ``COMMIT``), which in WAL mode sees the database as of its first
        read, whatever commits meanwhile. The connection's lock is held throughout, so
        other threads' reads wait (they would otherwise read inside this transaction).
        Re-entrant: an inner snapshot joins the outer one."""
        with self._lock:
            if self._snapshot_depth:
                self._snapshot_depth += 1
                try:
                    yield
                finally:
                    self._snapshot_depth -= 1
                return
            self._check_immutable()
            self._connection.execute("BEGIN")
            self._snapshot_depth = 1
            try:
                yield
            finally:
                self._snapshot_depth = 0
                with contextlib.suppress(sqlite3.Error):
                    self._connection.execute("COMMIT")

    def fetchall(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            if self._snapshot_depth:
                # Inside a snapshot: no reopening (it would leave the transaction).
                return self._connection.execute(sql, params or {}).fetchall()
            self._check_immutable()
            try:
                return self._connection.execute(sql, params or {}).fetchall()
            except sqlite3.OperationalError as error:
                # The writer left (its -wal/-shm gone) or arrived under our feet.
                if not _cannot_open_wal(error):
                    raise
            except sqlite3.DatabaseError:
                # An immutable read may have raced a checkpoint into the main file: read
                # again, immutable still if no writer has appeared (a damaged file fails
                # the same way twice, and nothing is created next to it).
                if not self.immutable:
                    raise
                time.sleep(0.05)
                self._reopen(prefer_immutable=not self._wal_exists())
                return self._connection.execute(sql, params or {}).fetchall()
            self._reopen()
            return self._connection.execute(sql, params or {}).fetchall()

    def data_version(self) -> int:
        """A number that goes up whenever another connection has committed since the last
        call: SQLite's ``PRAGMA data_version`` (no I/O beyond the WAL index), plus a
        reopen of the connection, which counts as a change. Never goes down."""
        with self._lock:
            self._check_immutable()
            try:
                pragma = self._connection.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.OperationalError as error:
                if not _cannot_open_wal(error):
                    raise
                self._reopen()
                pragma = self._connection.execute("PRAGMA data_version").fetchone()[0]
            token = (self._generation, int(pragma))
            if token != self._last_token:
                self._last_token = token
                self._version += 1
            return self._version

    def close(self) -> None:
        with self._lock:
            self._connection.close()


class MissingTableError(Exception):
    """A server says a table does not exist: a database without the schema (yet)."""


class SqlAlchemyConnection:
    """The same reads through a SQLAlchemy engine, for engines other than SQLite.

    Each call checks a connection out of the engine's pool (safe from any thread). Server
    errors become one-line ``TrackerError``s (a refused connection, a failed login, a
    missing database), except a missing table, raised as ``MissingTableError``.
    """

    def __init__(self, engine: Any, where: str = "the store", url: str | None = None) -> None:
        self._engine = engine
        self._where = where
        self._url = url
        # The connection of this thread's ``snapshot()``, if it is in one.
        self._local = threading.local()
        self._listener: Any = None  # a ChangeListener, from the first data_version()
        self._listener_lock = threading.Lock()
        self._wake: Callable[[], None] | None = None

    @property
    def dialect(self) -> str:
        return str(self._engine.dialect.name)

    def _run(self, work: Any) -> Any:
        from sqlalchemy.exc import DBAPIError

        from tracker_tui.store.engine import friendly_error, is_missing_table

        try:
            held = getattr(self._local, "connection", None)
            if held is not None:
                return work(held)
            with self._engine.connect() as connection:
                return work(connection)
        except DBAPIError as error:
            if is_missing_table(error):
                raise MissingTableError(str(error.orig).splitlines()[0]) from None
            raise friendly_error(error, self._where, self._url) from None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run this thread's reads inside on one snapshot: a ``REPEATABLE READ``, read-only
        transaction on one connection (PostgreSQL: every statement sees the database as
        of the first). Re-entrant; other threads keep using the pool."""
        if getattr(self._local, "connection", None) is not None:
            yield
            return
        from sqlalchemy.exc import DBAPIError

        from tracker_tui.store.engine import friendly_error

        try:
            connection = self._engine.connect()
        except DBAPIError as error:
            raise friendly_error(error, self._where, self._url) from None
        try:
            options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
            if self.dialect == "postgresql":
                options["postgresql_readonly"] = True
            connection = connection.execution_options(**options)
            connection.begin()
            self._local.connection = connection
            try:
                yield
            finally:
                self._local.connection = None
                with contextlib.suppress(Exception):
                    connection.rollback()  # read only: nothing to keep
        finally:
            connection.close()

    def fetchall(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        rows: list[tuple[Any, ...]] = self._run(
            lambda connection: [tuple(row) for row in connection.execute(text(sql), params or {})]
        )
        return rows

    def table_names(self) -> list[str]:
        """The tables visible in the connection's default schema."""
        from sqlalchemy import inspect

        names: list[str] = self._run(lambda connection: list(inspect(connection).get_table_names()))
        return names

    def can_write(self, *, has_schema: bool) -> bool:
        """Whether this login may write the store: on PostgreSQL, a role with UPDATE on
        ``meta`` (or, in an empty database, CREATE in the current schema), outside a
        read-only server (a standby). Other engines: assumed so."""
        if self.dialect != "postgresql":
            return True
        privilege = (
            "has_table_privilege('meta', 'UPDATE')"
            if has_schema
            else "has_schema_privilege(current_schema(), 'CREATE')"
        )
        rows = self.fetchall(f"SELECT {privilege}, current_setting('transaction_read_only') = 'on'")
        allowed, read_only_server = rows[0]
        return bool(allowed) and not read_only_server

    def data_version(self) -> int | None:
        """On PostgreSQL, a number that goes up whenever another connection may have
        committed (``store/notifications.py``: LISTEN/NOTIFY, a reconnection, a heartbeat);
        the first call starts listening, on a connection of its own. Other engines: None
        (poll the revision).

        Raises:
            TrackerError: the server cannot be reached now (``UnreachableError``).
        """
        if self.dialect != "postgresql":
            return None
        with self._listener_lock:
            if self._listener is None:
                from tracker_tui.store.engine import CHANGES_CHANNEL
                from tracker_tui.store.notifications import ChangeListener

                self._listener = ChangeListener(
                    self._connect_listener, CHANGES_CHANNEL, self._describe_error
                )
                self._listener.wake = self._wake
            listener = self._listener
        version: int = listener.version()
        return version

    def wake_on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the listener's thread) whenever ``data_version`` moves."""
        with self._listener_lock:
            self._wake = callback
            if self._listener is not None:
                self._listener.wake = callback

    def _connect_listener(self) -> Any:
        """A psycopg connection outside the pool, in autocommit, for the listener."""
        import psycopg

        from tracker_tui.store.engine import server_connect_args

        _args, params = self._engine.dialect.create_connect_args(self._engine.url)
        return psycopg.connect(
            **{**params, **server_connect_args(str(self._url or ""))}, autocommit=True
        )

    def _describe_error(self, error: BaseException) -> Any:
        from tracker_tui.store.engine import friendly_error

        return friendly_error(error, self._where, self._url)

    def close(self) -> None:
        with self._listener_lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
