"""The store's API: the one small surface that the CLI and the dashboard talk to.

Reads go through ``Reader`` (plain SQL, light to import); writes through ``Writer``
(SQLModel, imported on first use, so that the dashboard's first frame never waits for
SQLAlchemy). Every write is one short transaction that validates with ``rules``, bumps
the row's version and the store's revision, and records who changed what in the history.

Values in and out are the frozen dataclasses of ``tracker_tui.domain``; no ORM object or
session ever leaves this package.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from tracker_tui.domain import (
    DEFAULT_IMPACTS,
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    Clock,
    Decision,
    HistoryRow,
    Merged,
    Metric,
    ReadOnlyError,
    Risk,
    Summary,
    SystemClock,
    Task,
    TaskGlance,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.portfolio import (
    OwnerTask,
    PortfolioRow,
    TrackerCounts,
    TrackerRef,
    choose_tracker,
    match_tracker,
)
from tracker_tui.rules import RISK_FIELDS, TASK_FIELDS, next_id
from tracker_tui.store.connections import SqlAlchemyConnection, SqliteConnection
from tracker_tui.store.reader import Reader
from tracker_tui.store.replayed import Replayed
from tracker_tui.store.standups import StandupQueries, StandupRecord
from tracker_tui.store.target import StoreTarget, current_user, resolve_target
from tracker_tui.store.trackers_reader import TrackersReader
from tracker_tui.store.trend_memo import TrendMemo

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker_tui.document import Document
    from tracker_tui.store.safety import BackgroundCheck
    from tracker_tui.store.writer import Writer
    from tracker_tui.trends.forecast import Forecast
    from tracker_tui.trends.model import TrendInputs

__all__ = ["RISK_FIELDS", "TASK_FIELDS", "Replayed", "Store"]

R = TypeVar("R")


#: A list item as read: what ``save_item``/``delete_item`` take as ``expected``.
ItemValue = ActivityEntry | Checkpoint | CadenceItem | Metric


def _expected_values(expected: Mapping[str, Any] | ItemValue | None) -> dict[str, Any] | None:
    """``expected`` as a mapping of field values (a domain value's fields, but its key)."""
    if expected is None:
        return None
    if isinstance(expected, Mapping):
        return dict(expected)
    values = {name: getattr(expected, name) for name in expected.__dataclass_fields__}
    values.pop("key", None)
    return values


class _Connections:
    """What every view of one store shares: the reader's connection, the write path and
    a server's engine, each made once, under one lock."""

    def __init__(self) -> None:
        self.reader: Reader | None = None
        self.writer: Writer | None = None
        # A database server (PostgreSQL): one engine (one pool) for reads and writes.
        self.engine: Engine | None = None
        # Workers may make the first read or write at the same moment.
        self.lock = threading.RLock()


class Store:
    """A tracker store at one target, used by one user, on its current tracker.

    A store holds many trackers (``trackers()``). Every read and edit below that is not
    about the store as a whole (``trackers``, ``portfolio``, ``owner_tasks``) is about
    the *current tracker*: the one ``Store.open(tracker=...)`` names, else the only one,
    else the one this user opened last (``choose_tracker``'s rule); ``use_tracker``
    switches it, and ``for_tracker`` gives a view on another tracker that shares this
    store's connections (the owner view edits tasks of many trackers through it).

    Open it with ``Store.open``; close it with ``close()`` (or use it as a context manager).
    Methods are safe to call from worker threads.
    """

    #: The most changes ``changes_since`` returns; exactly this many means "there may be
    #: more: reload everything" (a class attribute: a test or a caller may lower it).
    CHANGES_LIMIT: int = 5_000

    def __init__(
        self,
        target: StoreTarget,
        *,
        user: str,
        read_only: bool,
        clock: Clock | None = None,
        tracker: str | None = None,
    ) -> None:
        self.target = target
        self.user = user
        self.read_only = read_only
        #: Read-only because this user may not write its files, not because they asked.
        self.read_only_by_permissions = False
        #: The one clock of this store: Last Update, the history's timestamps, and what
        #: the UI and the CLI call today.
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._shared = _Connections()
        self._open_lock = self._shared.lock
        #: The tracker asked for (``--tracker``), matched when first needed.
        self._wanted = tracker
        #: The current tracker, once chosen (None: not yet, or the store holds none).
        self._tracker: TrackerRef | None = None
        #: A view (``for_tracker``) leaves the shared connections to the store it came from.
        self._owns_connections = True
        #: A view on no tracker (``without_tracker``): nothing is chosen, ever.
        self._chosen_none = False
        #: The trend inputs last read (``trend_inputs``), by tracker and revision.
        self._trend_memo: TrendMemo[TrendInputs] = TrendMemo()

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | StoreTarget | None = None,
        *,
        user: str | None = None,
        read_only: bool = False,
        verify: bool = True,
        clock: Clock | None = None,
        tracker: str | None = None,
    ) -> Store:
        """Open (without creating) the store at ``target``.

        A missing SQLite file is not an error: the store reads as empty, and is created by
        the first write. A file the user may only read opens read-only automatically.
        An older store is upgraded, after a backup copy ``<file>.bak-<version>``.

        On a database server (a ``postgresql+psycopg://`` URL) the database must exist:
        an empty one gets the schema at once (unless ``read_only``), and a login whose
        role may only read opens read-only automatically. No backup is taken before an
        upgrade there (it runs in one transaction; keep ``pg_dump`` backups).

        Args:
            target: ``--db`` (a path or a SQLAlchemy URL); None for ``TRACKER_TUI_DB``
                or the default store.
            user: who is editing, for the history (default: ``current_user()``).
            read_only: refuse every edit (``--read-only``); reads stay live.
            verify: read every page of the file first and refuse a damaged store. Pass
                False to open a damaged store anyway, e.g. to ``check()`` it.
            clock: the store's clock (``store.clock``), for Last Update and the history's
                timestamps; default the system clock. A test passes a ``FixedClock``.
            tracker: the current tracker's name, or a unique prefix of it, whatever the
                case (``--tracker``); matched on first use (``tracker()``), which raises
                ``TrackerError`` listing the names when it matches none or several.

        Raises:
            TrackerError: the target is not a tracker store, is damaged, or was written by
                a newer tracker-tui. The file is left exactly as it was. On a server, also:
                it cannot be reached, the login fails, or the database does not exist.
        """
        if isinstance(target, StoreTarget):
            resolved = target
        else:
            resolved = resolve_target(os.fspath(target) if target is not None else None)
        if resolved.path is not None and resolved.path.exists():
            if resolved.path.is_dir():
                raise TrackerError(f"{resolved.path} is a directory, not a tracker store")
            if not os.access(resolved.path, os.W_OK):
                read_only = True
        store = cls(
            resolved, user=user or current_user(), read_only=read_only, clock=clock, tracker=tracker
        )
        try:
            store._check_compatible(verify=verify)
        except BaseException:
            store.close()
            raise
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (a view's: nothing; its store closes them). The reader
        goes first, so that the writer's engine is the last to leave and SQLite
        checkpoints the WAL into the main file."""
        if not self._owns_connections:
            return
        shared = self._shared
        with self._open_lock:
            if shared.reader is not None:
                shared.reader.connection.close()
                shared.reader = None
            if shared.writer is not None:
                shared.writer.close()
                shared.writer = None
            if shared.engine is not None:
                shared.engine.dispose()
                shared.engine = None

    def _server_engine(self) -> Engine:
        """The engine of a store on a database server, created once (no connection yet)."""
        with self._open_lock:
            if self._shared.engine is None:
                from tracker_tui.store.engine import make_engine

                self._shared.engine = make_engine(self.target)
            return self._shared.engine

    # -- the current tracker -----------------------------------------------------------

    def without_tracker(self) -> Store:
        """A view of this store on no tracker: its reads of one tracker are empty, and
        the store-wide ones (``trackers``, ``portfolio``...) work. For a dashboard that
        opens on the portfolio of a store whose tracker is still to be chosen."""
        view = self.for_tracker(TrackerRef(0, ""))
        view._tracker = None
        view._chosen_none = True
        return view

    def for_tracker(self, tracker: TrackerRef) -> Store:
        """A view of this store on ``tracker``: the same connections, user, clock and
        read-only state; every read and edit of it is about ``tracker``. Closing it
        closes nothing."""
        view = Store(self.target, user=self.user, read_only=self.read_only, clock=self.clock)
        view._shared = self._shared
        view._open_lock = self._shared.lock
        view.read_only_by_permissions = self.read_only_by_permissions
        view._tracker = tracker
        view._owns_connections = False
        return view

    def use_tracker(self, wanted: str | TrackerRef) -> TrackerRef:
        """Make ``wanted`` (a tracker, or a name or unique prefix of one) the current
        tracker; returns it.

        Raises:
            TrackerError: no tracker, or several, match (the message lists the names).
        """
        if isinstance(wanted, str):
            wanted = match_tracker(self.trackers(), wanted)
        self._tracker = wanted
        self._wanted = None
        return wanted

    def tracker(self) -> TrackerRef | None:
        """The current tracker, chosen on first use (see the class); None while the
        store holds none.

        Raises:
            TrackerError: the ``tracker`` given to ``open`` matches none or several, or
                the store holds several and this user has opened none of them yet.
        """
        if self._tracker is not None or self._chosen_none:
            return self._tracker
        base = self._base_reader()
        if base is None or not base.has_schema():
            return None
        trackers = TrackersReader(base.connection)
        chosen = choose_tracker(
            trackers.trackers(),
            self._wanted,
            trackers.opened_by(self.user) if self._wanted is None else None,
        )
        # Kept once found: a store with none looks again next time (an import elsewhere).
        self._tracker = chosen
        return chosen

    def _tracker_id(self) -> int | None:
        tracker = self.tracker()
        return tracker.id if tracker is not None else None

    def trackers(self) -> list[TrackerRef]:
        """Every tracker of the store, in name order."""
        return self._store_reads(TrackersReader.trackers, [])

    def tracker_counts(self) -> list[TrackerCounts]:
        """Every tracker with how many rows of each kind it holds."""
        return self._store_reads(TrackersReader.counts, [])

    def revisions(self) -> dict[int, int]:
        """Each tracker's revision, by key: it moves whenever that tracker changes."""
        return self._store_reads(TrackersReader.revisions, {})

    def portfolio(self, *, today: date, stale_days: int) -> list[PortfolioRow]:
        """One row per tracker: progress, tasks done, open risks, stale tasks (not
        Complete, Last Update more than ``stale_days`` before ``today``), the next
        checkpoint and the last change. One snapshot, a few grouped queries."""
        return self._store_reads(
            lambda reader: reader.portfolio(today=today, stale_days=stale_days), []
        )

    def owners(self) -> list[str]:
        """Every task owner in any tracker, once each whatever the case."""
        return self._store_reads(TrackersReader.owners, [])

    def owner_tasks(self, owner: str) -> list[OwnerTask]:
        """Every open (not Complete) task of ``owner`` (whatever the case) in every
        tracker, grouped by tracker; edit one through ``for_tracker(row.tracker)``."""
        return self._store_reads(lambda reader: reader.owner_tasks(owner), [])

    def remember_opened(self) -> None:
        """Record that this user opened the current tracker: a later command without
        ``--tracker`` uses it. Quietly nothing on a read-only store."""
        if not self.read_only and self._tracker_id() is not None:
            self._write().remember_opened()

    def rename_tracker(self, name: str) -> TrackerRef:
        """Rename the current tracker (recorded in its history; undo puts it back).

        Raises:
            ValidationError: an empty name, or another tracker has it (any case).
        """
        new = self._write().rename_tracker(name)
        current = self.tracker()
        assert current is not None
        self._tracker = TrackerRef(current.id, new, current.title, current.revision)
        return self._tracker

    def delete_tracker(self) -> dict[str, int]:
        """Delete the current tracker, with all its rows, history and undo, in one
        transaction; returns how many rows of each table went. The store then has no
        current tracker until one is chosen again."""
        counts = self._write().delete_tracker()
        self._tracker = None
        return counts

    def _store_reads(self, read: Callable[[TrackersReader], R], default: R) -> R:
        base = self._base_reader()
        if base is None or not base.has_schema():
            return default
        return read(TrackersReader(base.connection))

    @property
    def exists(self) -> bool:
        """Whether the store holds a schema yet (a new store is created on first write)."""
        if self.target.path is not None and not self.target.path.exists():
            return False
        reader = self._base_reader()
        return reader is not None and reader.has_schema()

    def _base_reader(self) -> Reader | None:
        """The shared reader (of no tracker), or None for a SQLite store whose file does
        not exist yet."""
        shared = self._shared
        if shared.reader is not None:
            return shared.reader
        with self._open_lock:
            if shared.reader is None:
                if self.target.is_sqlite and self.target.path is not None:
                    if not self.target.path.exists():
                        return None
                    from tracker_tui.store.safety import open_sqlite_reader

                    shared.reader = Reader(open_sqlite_reader(self.target.path, self.read_only))
                else:
                    shared.reader = Reader(
                        SqlAlchemyConnection(
                            self._server_engine(), self.target.describe(), self.target.url
                        )
                    )
            return shared.reader

    def _read(self) -> Reader | None:
        """The reader of the current tracker, or None for a SQLite store whose file does
        not exist yet."""
        base = self._base_reader()
        if base is None:
            return None
        return base.scoped(self._tracker_id() if base.has_schema() else None)

    def _base_writer(self) -> Writer:
        if self.read_only:
            from tracker_tui.store.permissions import read_only_message

            raise ReadOnlyError(
                read_only_message(
                    self.target.describe(),
                    self.target.path,
                    by_permissions=self.read_only_by_permissions,
                )
            )
        shared = self._shared
        if shared.writer is not None:
            return shared.writer
        with self._open_lock:
            if shared.writer is None:
                from tracker_tui.store.writer import Writer

                engine = None if self.target.is_sqlite else self._server_engine()
                shared.writer = Writer(self.target, user=self.user, engine=engine, clock=self.clock)
            return shared.writer

    def _write(self) -> Writer:
        """The write path on the current tracker."""
        base = self._base_writer()
        return base.scoped(self._tracker_id())

    def prepare_writer(self) -> None:
        """Prepare the write path now: import SQLModel, build the engine, check the schema.

        The first write otherwise pays for it (most of a second, mostly importing SQLModel
        and pydantic). The dashboard calls this from a worker after its first frame. A
        read-only store has no write path and returns at once; a store whose file does not
        exist yet only gets the imports, so that it stays uncreated until its first write.
        """
        if self.read_only:
            return
        if self.target.path is not None and not self.target.path.exists():
            import tracker_tui.store.writer  # noqa: F401  (the import is the cost)

            return
        self._base_writer()

    def verify_in_background(self) -> BackgroundCheck:
        """Start the page check that ``open(verify=True)`` makes, on a thread; call
        ``wait()`` on the result before trusting the store (it raises ``TrackerError``
        for a damaged one). For a store opened with ``verify=False`` by a caller that has
        other work to do meanwhile: the dashboard imports Textual while SQLite reads."""
        from tracker_tui.store.safety import BackgroundCheck

        return BackgroundCheck(self.target.path if self.target.is_sqlite else None)

    def _check_compatible(self, *, verify: bool = True) -> None:
        from tracker_tui.store.safety import check_compatible

        # A SQLite file is probed on its own (nothing created next to it); a server
        # store is checked through the reader it will use.
        reader = None if self.target.is_sqlite else self._base_reader()
        opening = check_compatible(
            self.target, read_only=self.read_only, verify=verify, reader=reader
        )
        if opening.read_only:
            # Not asked for: the files' permissions leave this user only reading.
            self.read_only_by_permissions = not self.read_only
            self.read_only = True
        if opening.needs_writer:
            self._base_writer()  # upgrades (after a backup) or creates the schema

    # -- reads -------------------------------------------------------------------------

    def tracker_info(self) -> TrackerInfo:
        reader = self._read()
        info = reader.tracker_info() if reader and reader.has_schema() else None
        return info or TrackerInfo(title="", snapshot_date=None)

    def revision(self) -> int:
        """The current tracker's change counter: it goes up with every committed write
        to it (other trackers have their own)."""
        reader = self._read()
        return reader.revision() if reader and reader.has_schema() else 0

    def data_version(self) -> int | None:
        """A cheap change signal that goes up when another connection may have committed:
        SQLite's ``PRAGMA data_version``; on PostgreSQL, LISTEN/NOTIFY (the first call
        starts listening, on a connection of its own). None when the engine has neither,
        and ``revision()`` must be polled instead.

        Raises:
            UnreachableError: the server cannot be reached now.
        """
        reader = self._base_reader()
        if reader is not None and isinstance(
            reader.connection, SqliteConnection | SqlAlchemyConnection
        ):
            return reader.connection.data_version()
        return None

    def wake_on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback``, from another thread, as soon as ``data_version()`` moves,
        where the engine announces commits (PostgreSQL's NOTIFY); elsewhere never (poll
        ``data_version()``). A dashboard checks at once rather than at its next tick."""
        reader = self._base_reader()
        if reader is not None and isinstance(reader.connection, SqlAlchemyConnection):
            reader.connection.wake_on_change(callback)

    def _reads(self, read: Callable[[Reader], R], default: R) -> R:
        """``read(reader)`` of the current tracker, or ``default`` while the store has no
        schema (a new store) or no tracker."""
        reader = self._read()
        if reader is None or not reader.has_schema() or reader.tracker_id is None:
            return default
        return read(reader)

    def tasks(self, *, limit: int | None = None) -> list[Task]:
        """Every task in document order, or the first ``limit`` (a first screenful)."""
        return self._reads(lambda reader: reader.tasks(limit=limit), [])

    def task_glances(self) -> list[TaskGlance]:
        """Every task in document order, as the stand-up reads them (``TaskGlance``)."""
        return self._reads(lambda reader: reader.task_glances(), [])

    def task(self, task_id: str) -> Task | None:
        return self._reads(lambda reader: reader.task(task_id), None)

    def tasks_by_id(self, ids: list[str]) -> list[Task]:
        return self._reads(lambda reader: reader.tasks_by_id(ids), [])

    def summary(self) -> Summary:
        today = self.clock.today()
        return self._reads(lambda reader: reader.summary(today), Summary(0, 0.0, (), (), (), None))

    def statuses(self, kind: str = "task") -> list[str]:
        """The store's status list for ``task`` or ``risk``, in cycling order."""
        defaults = DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES
        return self._reads(lambda reader: reader.statuses(kind), list(defaults))

    def risks(self) -> list[Risk]:
        return self._reads(Reader.risks, [])

    def impacts(self) -> list[str]:
        """Risk impacts to offer, in order: Low, Medium, High, Critical, then any other
        the register uses. ``update_risk`` stores a typed impact in the spelling of the
        one it matches case-insensitively (``high`` → ``High``), else as written."""
        return self._reads(Reader.impacts, list(DEFAULT_IMPACTS))

    def risk(self, risk_id: str) -> Risk | None:
        return self._reads(lambda reader: reader.risk(risk_id), None)

    def decisions(self) -> list[Decision]:
        return self._reads(Reader.decisions, [])

    def activity(self, *, limit: int | None = None, offset: int = 0) -> list[ActivityEntry]:
        """Activity entries in log order (newest first, as the document keeps them)."""
        return self._reads(lambda reader: reader.activity(limit=limit, offset=offset), [])

    def activity_count(self) -> int:
        return self._reads(Reader.activity_count, 0)

    def checkpoints(self) -> list[Checkpoint]:
        return self._reads(Reader.checkpoints, [])

    def cadence(self) -> list[CadenceItem]:
        return self._reads(Reader.cadence, [])

    def metrics(self) -> list[Metric]:
        return self._reads(Reader.metrics, [])

    def mentions(self, entity_id: str) -> tuple[list[ActivityEntry], list[Risk], list[Checkpoint]]:
        """Activity entries, risks and checkpoints that mention ``entity_id``."""
        nothing: tuple[list[ActivityEntry], list[Risk], list[Checkpoint]] = ([], [], [])
        return self._reads(lambda reader: reader.mentions(entity_id), nothing)

    def history(self, entity_id: str | None = None, *, limit: int = 1000) -> list[Change]:
        """Who changed what, newest first; of one entity when ``entity_id`` is given."""
        return self._reads(lambda reader: reader.history(entity_id, limit=limit), [])

    def changes_since(self, revision: int) -> list[Change]:
        """Changes committed after ``revision``, oldest first: what a live view must redraw.

        At most ``CHANGES_LIMIT`` of them: a result of exactly ``CHANGES_LIMIT`` changes
        may be cut short (an import, a bulk edit, a long absence), and means "reload
        everything" rather than "redraw these rows".
        """
        limit = self.CHANGES_LIMIT
        return self._reads(lambda reader: reader.changes_since(revision, limit=limit), [])

    def counts(self) -> dict[str, int]:
        return self._reads(Reader.counts, {})

    # -- the stand-up (issue 13; its queries are in standups.py) ------------------------

    def history_since(self, at: str) -> list[HistoryRow]:
        """Changes to tasks, risks, decisions and the log recorded at or after ``at``
        (ISO 8601 UTC, as the history holds it), oldest first, in one query, as rows
        (``HistoryRow``) for ``standup.net.net_of_rows``."""
        return self._reads(lambda reader: _standups(reader).history_since(at), [])

    def tracker_start(self) -> str | None:
        """When the tracker was imported (or first written): the history before that
        describes rows that are gone."""
        return self._reads(lambda reader: _standups(reader).tracker_start(), None)

    def has_edits_after(self, at: str) -> bool:
        """Whether the history holds anything but an import at or after ``at``."""
        return self._reads(lambda reader: _standups(reader).has_edits_after(at), False)

    def last_standup(self) -> StandupRecord | None:
        """The stand-up recorded last, or None."""
        return self._reads(lambda reader: _standups(reader).last_standup(), None)

    def record_standup(
        self, started_at: str, ended_at: str, owners: list[str], edits: int
    ) -> StandupRecord:
        """Record a stand-up run by this user (times ISO 8601 UTC): "since the last
        stand-up" then means this one.

        Raises:
            ReadOnlyError: the store is read-only (a presenter view records nothing).
        """
        return self._write().record_standup(started_at, ended_at, owners, edits)

    def next_id(self, kind: str = "task") -> str:
        """The ID a new task (or risk) would get: UT-008 after UT-007."""
        read = Reader.task_ids if kind == "task" else Reader.risk_ids
        return next_id(self._reads(read, []), "T-" if kind == "task" else "R-")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside (from this thread) sees one consistent state of the store,
        whatever other users commit meanwhile: wrap reads that must agree with each other,
        such as an export made of several calls (``to_json``, ``to_csv``). SQLite: one
        read transaction (other threads' reads on this store wait until it ends);
        PostgreSQL: one REPEATABLE READ transaction. Re-entrant; keep it short."""
        reader = self._base_reader()
        if reader is None or not reader.has_schema():
            yield
            return
        with reader.snapshot():
            yield

    def export_document(self) -> Document:
        """The whole tracker as a Document, ready for ``render_document``."""
        from tracker_tui.store.exchange import document_from_reader

        return document_from_reader(self._read())

    # -- writes ------------------------------------------------------------------------

    def update_task(
        self,
        task_id: str,
        changes: Mapping[str, str | int | date | None],
        *,
        expected_version: int | None = None,
        log_completion: bool = False,
    ) -> Task:
        """Change fields of a task, in one transaction, and return it as saved.

        ``changes`` maps field names of ``TASK_FIELDS`` to new values; ``progress`` may
        be relative (``"+10"``, ``"-10"``), applied in the database against the current
        value and clamped at 0 and 100. Complete ⇔ 100%, and Last Update becomes today
        (unless ``last_update`` is among the changes). With ``log_completion``, a task
        that becomes Complete also gets an activity entry ("UT-007 completed."), in the
        same transaction. Changing nothing writes nothing (no revision, no history).

        Raises:
            ValidationError: a value is refused (nothing is saved).
            NotFoundError: no such task.
            ConflictError: ``expected_version`` is given and the row has moved on.
        """
        return (
            self._write()
            .update_task(
                task_id, changes, expected_version=expected_version, log_completion=log_completion
            )
            .value
        )

    def merge_task(
        self,
        task_id: str,
        changes: Mapping[str, str | int | date | None],
        *,
        base: Mapping[str, str | int | date | None],
        log_completion: bool = False,
    ) -> Merged[Task]:
        """Save a form's edit of a task: ``changes`` made over ``base``, the task's fields
        as the form read them (``entity_values``), merged field by field with what
        others have changed since, in one transaction against the row as it is now.

        A field only this user changed is saved; a field only others changed keeps their
        value; a field both changed to the same value is fine. Otherwise as
        ``update_task``.

        Returns:
            The task as saved, and the fields others changed that were kept, with who
            changed each (``merged``; empty when nobody had). Nothing changed by either
            side writes nothing.

        Raises:
            ConflictError: both changed a field to different values; ``fields`` lists
                only those (field, mine, theirs, who), ``current`` is the task now.
                Nothing is saved, not even the fields that merged.
            ValidationError, NotFoundError: as ``update_task``.
        """
        return self._write().update_task(task_id, changes, base=base, log_completion=log_completion)

    def create_task(self, fields: Mapping[str, str | int | date | None]) -> Task:
        """Add a task; ``fields["id"]`` defaults to ``next_id("task")``."""
        return self._write().create_task(fields)

    def delete_task(self, task_id: str, *, expected_version: int | None = None) -> None:
        self._write().delete("task", task_id, expected_version=expected_version)

    def update_risk(
        self,
        risk_id: str,
        changes: Mapping[str, str | None],
        *,
        expected_version: int | None = None,
    ) -> Risk:
        """Change fields of a risk (``RISK_FIELDS``); as ``update_task``."""
        return self._write().update_risk(risk_id, changes, expected_version=expected_version).value

    def merge_risk(
        self, risk_id: str, changes: Mapping[str, str | None], *, base: Mapping[str, str | None]
    ) -> Merged[Risk]:
        """Save a form's edit of a risk over ``base``, merged; as ``merge_task``."""
        return self._write().update_risk(risk_id, changes, base=base)

    def create_risk(self, fields: Mapping[str, str | None]) -> Risk:
        return self._write().create_risk(fields)

    def delete_risk(self, risk_id: str, *, expected_version: int | None = None) -> None:
        self._write().delete("risk", risk_id, expected_version=expected_version)

    def save_decision(self, decision: Decision) -> Decision:
        """Add (``key`` None) or replace a decision."""
        return self._write().save_decision(decision)

    def merge_decision(
        self, key: int, changes: Mapping[str, str], *, base: Mapping[str, str]
    ) -> Merged[Decision]:
        """Save a form's edit of a decision (``date``, ``decision``, ``rationale``,
        ``owner``) over ``base``, merged; as ``merge_task``.

        Raises:
            ValidationError: a value is refused. NotFoundError: no such decision.
            ConflictError: both changed a field to different values (as ``merge_task``).
        """
        return self._write().merge_decision(key, changes, base=base)

    def delete_decision(self, key: int, *, expected_version: int | None = None) -> None:
        """Delete a decision; with ``expected_version`` (its ``version`` as read), only if
        nobody has changed it since.

        Raises:
            NotFoundError: no such decision.
            ConflictError: it changed since (``current`` is the decision now).
        """
        self._write().delete("decision", str(key), expected_version=expected_version)

    def add_activity(self, text: str, *, on: str | date | None = None) -> ActivityEntry:
        """Add an entry at the top of the activity log, dated today unless ``on`` is given."""
        return self._write().add_activity(text, on=on)

    def save_item(
        self,
        kind: str,
        key: int | None,
        values: Mapping[str, str],
        *,
        expected: Mapping[str, Any] | ItemValue | None = None,
    ) -> None:
        """Add (``key`` None) or change a checkpoint, cadence item, metric or activity entry.

        These rows have no version: pass ``expected``, the item as read (the domain value,
        or a mapping of its fields), and the change is refused if the row holds other
        values now.

        Raises:
            NotFoundError: no such item.
            ConflictError: it changed since ``expected`` (``current`` is the item now).
        """
        self._write().save_item(kind, key, values, expected=_expected_values(expected))

    def delete_item(
        self, kind: str, key: int, *, expected: Mapping[str, Any] | ItemValue | None = None
    ) -> None:
        """Delete a list item; with ``expected`` (as ``save_item``), only if unchanged."""
        self._write().delete(kind, str(key), expected=_expected_values(expected))

    def set_tracker(self, *, title: str | None = None, snapshot_date: date | None = None) -> None:
        """Title the current tracker (and/or date its snapshot); on a store without any
        tracker, this starts one, named after the title, and makes it current.

        The dashboard's ``t`` and ``tracker-tui title`` both come here.

        Raises:
            ValidationError: an empty or too long title (nothing is saved).
        """
        tracker_id = self._write().set_tracker(title=title, snapshot_date=snapshot_date)
        if self._tracker is None or self._tracker.id != tracker_id:
            self._tracker = self._find_tracker(tracker_id)

    def _find_tracker(self, tracker_id: int) -> TrackerRef | None:
        return next((t for t in self.trackers() if t.id == tracker_id), None)

    def import_document(
        self, document: Document, *, replace: bool = False, name: str | None = None
    ) -> dict[str, int]:
        """Load a parsed document as a new tracker called ``name`` (default: the
        document's title), in one transaction, and make it current; return the counts.
        Other trackers are never touched.

        Raises:
            TrackerError: a tracker has that name (whatever its case) and ``replace`` is
                False; with ``replace``, that tracker's rows are replaced (its history
                stays, and nothing before the import can be undone).
        """
        from tracker_tui.store.exchange import import_document

        tracker_id, counts = import_document(
            self._base_writer(), document, replace=replace, name=name
        )
        self._tracker = self._find_tracker(tracker_id)
        return counts

    def undo(self, *, force: bool = False) -> Replayed:
        """Revert this user's last change that is not yet undone; return what changed.

        It comes from the history, so it works after a restart too. Changes made before
        the last import cannot be undone.

        A change whose row someone else has deleted since is skipped (listed in the
        result's ``skipped``, and said in its ``message``); the step counts as undone all
        the same, so the next undo reaches this user's step before it.

        Raises:
            ConflictError: someone else has changed one of those fields since (``current``
                is that row now, a domain value); ``force=True`` overwrites their value.
            NothingToReplayError: nothing to undo (a TrackerError).
        """
        return self._write().undo(force=force)

    def redo(self, *, force: bool = False) -> Replayed:
        """Re-apply this user's last undone change; return what changed (as ``undo``)."""
        return self._write().redo(force=force)

    # -- trends and metric values (issue 14) --------------------------------------------

    def trend_inputs(
        self, *, since: date | None = None, today: date | None = None, summed: bool = True
    ) -> TrendInputs:
        """What the trends are computed from (``tracker_tui.trends``), read on one
        snapshot: the tasks now, the history since ``since`` (default: all of it since
        the last import) and what recovery reads of the document. ``today``: the last
        day of the series (default: the store's clock). ``summed``: most tasks' edits
        summed per day by the database (False: every change, one by one)."""
        from tracker_tui.store.trend_history import TrendHistory
        from tracker_tui.trends.model import TrendInputs

        today = today or self.clock.today()

        def read(reader: Reader) -> TrendInputs:
            with reader.snapshot():
                key = (reader.tracker_id, reader.revision(), since, today, summed)
                return self._trend_memo.get(
                    key, lambda: TrendHistory(reader).inputs(today, since=since, summed=summed)
                )

        return self._reads(read, TrendInputs(today=today, tasks={}))

    def milestone_forecasts(
        self, *, window_days: int = 14, today: date | None = None
    ) -> list[Forecast]:
        """When each milestone reaches 100 %, at the rate of the last ``window_days``
        days (``forecast_window_days``); reads only that window of the history."""
        from datetime import timedelta

        from tracker_tui.trends.forecast import forecasts
        from tracker_tui.trends.series import compute_trends

        today = today or self.clock.today()
        since = today - timedelta(days=max(1, window_days) + 1)
        trends = compute_trends(self.trend_inputs(since=since, today=today), start=since)
        return forecasts(trends.milestones, today, window_days=window_days)

    def metric(self, name: str) -> Metric:
        """The metric whose name starts with ``name`` (case-insensitive, unique).

        Raises:
            NotFoundError: none, or several, match.
        """
        from tracker_tui.trends.metrics import match_metric

        return match_metric(self.metrics(), name)

    def set_metric_value(
        self,
        name: str,
        value: str | None,
        *,
        unit: str | None = None,
        target: str | None = None,
        expected: Metric | None = None,
        text: str | None = None,
    ) -> Metric:
        """Record a metric's new value (and/or its unit and target), in the history like
        any field; return the metric as saved.

        The Plan screen's metric form comes here too, so both refuse the same input:
        ``expected`` is the metric as the form read it (found by its key, not ``name``;
        refused if someone has changed it since; one without a key is added), ``text``
        renames it in the same save, and an empty target clears it.

        Raises:
            NotFoundError: no metric (or several) starts with ``name``.
            ValidationError: a name another metric has; a value or target that is not
                a number, or a target whose unit differs from the metric's (nothing is
                saved).
            ConflictError: ``expected`` changed since it was read.
        """
        from tracker_tui.trends.metrics import metric_values, refuse_taken_name

        metric = expected if expected is not None else self.metric(name)
        clear_target = target is not None and not target.strip()
        if clear_target:
            target = None
        given = (value, unit, target) != (None, None, None)
        values = metric_values(metric, value, unit=unit, target=target) if given else {}
        if clear_target:
            values["target"] = ""
        if text is not None:
            refuse_taken_name(self.metrics(), text, metric.key)
            values["text"] = text
        if metric.key is None:
            self.save_item("metric", None, values)
            return self.metrics()[-1]
        self.save_item("metric", metric.key, values, expected=metric)
        return next(m for m in self.metrics() if m.key == metric.key)

    def check(self) -> dict[str, Any]:
        """Integrity, schema version and counts, for ``tracker-tui check``."""
        from tracker_tui.store.safety import check_store

        return check_store(self.target, self._base_reader, read_only=self.read_only)


def _standups(reader: Reader) -> StandupQueries:
    """The stand-up's queries on ``reader``'s connection, for its tracker (``_reads``
    calls only with a tracker chosen)."""
    return StandupQueries(reader.connection, reader.tracker_id or 0)
