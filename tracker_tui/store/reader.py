"""The store's read path: plain SQL over a DB-API connection, returning domain values.

Reads are what the dashboard needs before its first frame, so this module stays light: for
SQLite it uses the standard library's ``sqlite3`` (a hundredth of a second to import)
rather than SQLAlchemy (half a second). Other engines run the same SQL through a
SQLAlchemy connection (``SqlAlchemyConnection``). The SQL uses ``:name`` parameters,
which both understand, and only portable constructs: reserved words used as column names
(``"user"``, ``"when"``) are double-quoted, text matching is made case-insensitive
explicitly (SQLite's ``LIKE`` ignores ASCII case, PostgreSQL's does not), and text is
sorted in Python (code-point order, as SQLite's BINARY collation; a server's collation
may differ) wherever the order is shown.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from tracker_tui.domain import (
    DEFAULT_IMPACTS,
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    ENTITIES,
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    Decision,
    Metric,
    MilestoneProgress,
    Risk,
    StatusCount,
    Summary,
    Task,
    TrackerError,
    TrackerInfo,
    is_open_risk_status,
)
from tracker_tui.store.rows import (
    CHANGE_COLUMNS,
    RISK_COLUMNS,
    TASK_COLUMNS,
    from_row,
    parse_date,
    risk_from_row,
    select_list,
    task_from_row,
)

ACTIVITY_COLUMNS = select_list(ActivityEntry)
CHECKPOINT_COLUMNS = select_list(Checkpoint)


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

    def close(self) -> None:
        pass


def _mean(total: int | None, count: int) -> float:
    return int(total or 0) / count if count else 0.0


def like_literal(value: str) -> str:
    """``value`` for a ``LIKE ... ESCAPE '\\'`` pattern, matching itself only."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column: str) -> str:
    """``column`` contains the ``:p`` pattern (escaped), whatever its case: both sides
    go through the same engine's ``LOWER``."""
    return f"LOWER({column}) LIKE LOWER(:p) ESCAPE '\\'"


class Reader:
    """Every query the dashboard, the CLI and the exporter run, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._has_schema = False

    def _all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return self.connection.fetchall(sql, params)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one consistent state of the store, whatever commits
        meanwhile (an edit, an ``import --replace``): for reads that must agree with each
        other, such as an export or the header's figures. Re-entrant."""
        snapshot = getattr(self.connection, "snapshot", None)
        if snapshot is None:
            yield
            return
        with snapshot():
            yield

    # -- the tracker -------------------------------------------------------------------

    def has_schema(self) -> bool:
        # Cached once true: tables are never dropped, and every read asks this first.
        if self._has_schema:
            return True
        try:
            self._all("SELECT 1 FROM meta LIMIT 1")
        except TrackerError:
            raise  # a server that cannot be reached is not an empty store
        except Exception:
            return False
        self._has_schema = True
        return True

    def meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = :key", key=key)
        return rows[0][0] if rows else None

    def revision(self) -> int:
        value = self.meta("revision")
        return int(value) if value else 0

    def tracker_info(self) -> TrackerInfo | None:
        rows = self._all("SELECT title, snapshot_date FROM tracker WHERE id = 1")
        if not rows:
            return None
        return TrackerInfo(title=rows[0][0], snapshot_date=parse_date(rows[0][1]))

    def statuses(self, kind: str) -> list[str]:
        rows = self._all(
            "SELECT name FROM status WHERE kind = :kind ORDER BY position, name", kind=kind
        )
        if rows:
            return [row[0] for row in rows]
        return list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)

    # -- tasks -------------------------------------------------------------------------

    def tasks(self, *, limit: int | None = None) -> list[Task]:
        sql = f"SELECT {TASK_COLUMNS} FROM task ORDER BY block, position, id"
        rows = self._all(sql + " LIMIT :limit", limit=limit) if limit else self._all(sql)
        return [task_from_row(row) for row in rows]

    def task(self, task_id: str) -> Task | None:
        rows = self._all(f"SELECT {TASK_COLUMNS} FROM task WHERE id = :id", id=task_id)
        return task_from_row(rows[0]) if rows else None

    def tasks_by_id(self, ids: Sequence[str]) -> list[Task]:
        found: list[Task] = []
        # Chunked so that the parameter count stays under every engine's limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            names = ", ".join(f":p{i}" for i in range(len(chunk)))
            params = {f"p{i}": value for i, value in enumerate(chunk)}
            rows = self.connection.fetchall(
                f"SELECT {TASK_COLUMNS} FROM task WHERE id IN ({names})", params
            )
            found.extend(task_from_row(row) for row in rows)
        return found

    def task_ids(self) -> list[str]:
        return [row[0] for row in self._all("SELECT id FROM task")]

    def summary(self) -> Summary:
        """The Snapshot header's figures, from aggregate queries (no Python loops over
        rows), all read on one snapshot of the store."""
        with self.snapshot():
            return self._summary()

    def _summary(self) -> Summary:
        # SUM / COUNT in Python rather than AVG: AVG is a float on SQLite but a NUMERIC on
        # PostgreSQL; an exact integer sum divided here is the same float on both.
        count, total = self._all("SELECT COUNT(*), SUM(progress) FROM task")[0]
        # Groups are few: sorted here, in the same order whatever the engine's collation.
        by_status = tuple(
            StatusCount(status, n)
            for status, n in sorted(self._all("SELECT status, COUNT(*) FROM task GROUP BY status"))
        )
        by_milestone = tuple(
            MilestoneProgress(milestone, _mean(total_, n), n)
            for milestone, total_, n in sorted(
                self._all("SELECT milestone, SUM(progress), COUNT(*) FROM task GROUP BY milestone"),
                key=lambda row: row[0],
            )
        )
        # Which statuses count as open is the domain's call (``is_open_risk_status``): the
        # (impact, status) groups are few, and filtered here rather than in SQL.
        open_counts: dict[str, int] = {}
        for impact, status, n in self._all(
            "SELECT impact, status, COUNT(*) FROM risk GROUP BY impact, status"
        ):
            if is_open_risk_status(status):
                open_counts[impact] = open_counts.get(impact, 0) + n
        open_risks = tuple(sorted(open_counts.items()))
        first = self._all(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoint ORDER BY block, position LIMIT 1"
        )
        next_checkpoint = from_row(Checkpoint, first[0]) if first else None
        return Summary(
            tasks=count,
            mean_progress=_mean(total, count),
            by_status=by_status,
            by_milestone=by_milestone,
            open_risks_by_impact=open_risks,
            next_checkpoint=next_checkpoint,
        )

    # -- the other registers -----------------------------------------------------------

    def risks(self) -> list[Risk]:
        rows = self._all(f"SELECT {RISK_COLUMNS} FROM risk ORDER BY block, position, id")
        return [risk_from_row(row) for row in rows]

    def risk(self, risk_id: str) -> Risk | None:
        rows = self._all(f"SELECT {RISK_COLUMNS} FROM risk WHERE id = :id", id=risk_id)
        return risk_from_row(rows[0]) if rows else None

    def impacts(self) -> list[str]:
        """The default impacts, then any other spelling the register uses (P0, Sev 1...)."""
        rows = self._all("SELECT DISTINCT impact FROM risk WHERE impact != ''")
        return list(dict.fromkeys((*DEFAULT_IMPACTS, *sorted(row[0] for row in rows))))

    def risk_ids(self) -> list[str]:
        return [row[0] for row in self._all("SELECT id FROM risk")]

    def decisions(self) -> list[Decision]:
        rows = self._all(
            f"SELECT {select_list(Decision)} FROM decision ORDER BY block, position, key"
        )
        return [from_row(Decision, row) for row in rows]

    def activity(self, *, limit: int | None = None, offset: int = 0) -> list[ActivityEntry]:
        """Activity entries in document order (the log is kept newest first)."""
        sql = f"SELECT {ACTIVITY_COLUMNS} FROM activity ORDER BY block, position, key"
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            rows = self._all(sql, limit=limit, offset=offset)
        else:
            rows = self._all(sql)
        return [from_row(ActivityEntry, row) for row in rows]

    def activity_count(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM activity")[0][0])

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._all(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoint ORDER BY block, position, key"
        )
        return [from_row(Checkpoint, row) for row in rows]

    def cadence(self) -> list[CadenceItem]:
        rows = self._all(
            f"SELECT {select_list(CadenceItem)} FROM cadence ORDER BY block, position, key"
        )
        return [from_row(CadenceItem, row) for row in rows]

    def metrics(self) -> list[Metric]:
        rows = self._all(f"SELECT {select_list(Metric)} FROM metric ORDER BY block, position, key")
        return [from_row(Metric, row) for row in rows]

    def mentions(self, entity_id: str) -> tuple[list[ActivityEntry], list[Risk], list[Checkpoint]]:
        """Activity entries, risks and checkpoints whose text mentions ``entity_id``,
        whatever the case (``LOWER(...) LIKE``: the same on every engine), taking the ID
        literally (``%``, ``_`` and ``\\`` in it are escaped)."""
        pattern = "%" + like_literal(entity_id) + "%"
        activity = [
            from_row(ActivityEntry, row)
            for row in self._all(
                f"SELECT {ACTIVITY_COLUMNS} FROM activity WHERE {_contains('text')} "
                "ORDER BY block, position LIMIT 200",
                p=pattern,
            )
        ]
        risks = [
            risk_from_row(row)
            for row in self._all(
                f"SELECT {RISK_COLUMNS} FROM risk WHERE {_contains('description')} "
                f"OR {_contains('mitigation')} ORDER BY block, position",
                p=pattern,
            )
        ]
        checkpoints = [
            from_row(Checkpoint, row)
            for row in self._all(
                f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoint WHERE {_contains('text')} "
                "ORDER BY block, position",
                p=pattern,
            )
        ]
        return activity, risks, checkpoints

    # -- history and change detection --------------------------------------------------

    def history(self, entity_id: str | None = None, *, limit: int = 1000) -> list[Change]:
        """Changes, newest first; of one entity when ``entity_id`` is given."""
        columns = CHANGE_COLUMNS
        if entity_id is None:
            rows = self._all(
                f"SELECT {columns} FROM change ORDER BY seq DESC LIMIT :limit", limit=limit
            )
        else:
            rows = self._all(
                f"SELECT {columns} FROM change WHERE entity_id = :id "
                "ORDER BY seq DESC LIMIT :limit",
                id=entity_id,
                limit=limit,
            )
        return [Change(*row) for row in rows]

    def changes_since(self, revision: int, *, limit: int) -> list[Change]:
        """The first ``limit`` changes recorded after ``revision``, oldest first (for live
        refresh). ``limit`` rows back means there may be more: reload everything."""
        rows = self._all(
            f"SELECT {CHANGE_COLUMNS} FROM change "
            "WHERE revision > :revision ORDER BY seq LIMIT :limit",
            revision=revision,
            limit=limit,
        )
        return [Change(*row) for row in rows]

    def layout(self) -> list[tuple[int, str, str, list[str], list[str], dict[str, str]]]:
        rows = self._all(
            "SELECT position, kind, text, columns, fields, style FROM layout_block "
            "ORDER BY position"
        )
        return [
            (r[0], r[1], r[2], json.loads(r[3]), json.loads(r[4]), json.loads(r[5])) for r in rows
        ]

    def items_by_block(self, table: str) -> list[tuple[int, Any]]:
        """(block, item) for every row of an entity table, in document order, for export."""
        entity = ENTITIES[table]
        rows = self._all(
            f"SELECT block, {select_list(entity)} FROM {table} ORDER BY block, position"
        )
        return [(row[0], from_row(entity, row[1:])) for row in rows]

    def counts(self) -> dict[str, int]:
        tables = ("task", "activity", "checkpoint", "risk", "decision", "cadence", "metric")
        return {table: self._all(f"SELECT COUNT(*) FROM {table}")[0][0] for table in tables}
