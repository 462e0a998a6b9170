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
    Merged,
    Metric,
    ReadOnlyError,
    Risk,
    Summary,
    SystemClock,
    Task,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.rules import RISK_FIELDS, TASK_FIELDS, next_id
from tracker_tui.store.connections import SqlAlchemyConnection, SqliteConnection
from tracker_tui.store.reader import Reader
from tracker_tui.store.replayed import Replayed
from tracker_tui.store.target import StoreTarget, current_user, resolve_target

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


class Store:
    """A tracker store at one target, used by one user.

    Open it with ``Store.open``; close it with ``close()`` (or use it as a context manager).
    Methods are safe to call from worker threads.
    """

    #: The most changes ``changes_since`` returns; exactly this many means "there may be
    #: more: reload everything" (a class attribute: a test or a caller may lower it).
    CHANGES_LIMIT: int = 5_000

    def __init__(
        self, target: StoreTarget, *, user: str, read_only: bool, clock: Clock | None = None
    ) -> None:
        self.target = target
        self.user = user
        self.read_only = read_only
        #: Read-only because this user may not write its files, not because they asked.
        self.read_only_by_permissions = False
        #: The one clock of this store: Last Update, the history's timestamps, and what
        #: the UI and the CLI call today.
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._reader: Reader | None = None
        self._writer: Writer | None = None
        # A database server (PostgreSQL): one engine (one pool) for reads and writes.
        self._engine: Engine | None = None
        # Workers may make the first read or write at the same moment: one reader and
        # one writer per store, created under this lock.
        self._open_lock = threading.RLock()

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
        store = cls(resolved, user=user or current_user(), read_only=read_only, clock=clock)
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
        """Close the connections. The reader goes first, so that the writer's engine is
        the last to leave and SQLite checkpoints the WAL into the main file."""
        with self._open_lock:
            if self._reader is not None:
                self._reader.connection.close()
                self._reader = None
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _server_engine(self) -> Engine:
        """The engine of a store on a database server, created once (no connection yet)."""
        with self._open_lock:
            if self._engine is None:
                from tracker_tui.store.engine import make_engine

                self._engine = make_engine(self.target)
            return self._engine

    @property
    def exists(self) -> bool:
        """Whether the store holds a schema yet (a new store is created on first write)."""
        if self.target.path is not None and not self.target.path.exists():
            return False
        reader = self._read()
        return reader is not None and reader.has_schema()

    def _read(self) -> Reader | None:
        """The reader, or None for a SQLite store whose file does not exist yet."""
        if self._reader is not None:
            return self._reader
        with self._open_lock:
            if self._reader is None:
                if self.target.is_sqlite and self.target.path is not None:
                    if not self.target.path.exists():
                        return None
                    from tracker_tui.store.safety import open_sqlite_reader

                    self._reader = Reader(open_sqlite_reader(self.target.path, self.read_only))
                else:
                    self._reader = Reader(
                        SqlAlchemyConnection(
                            self._server_engine(), self.target.describe(), self.target.url
                        )
                    )
            return self._reader

    def _write(self) -> Writer:
        if self.read_only:
            from tracker_tui.store.permissions import read_only_message

            raise ReadOnlyError(
                read_only_message(
                    self.target.describe(),
                    self.target.path,
                    by_permissions=self.read_only_by_permissions,
                )
            )
        if self._writer is not None:
            return self._writer
        with self._open_lock:
            if self._writer is None:
                from tracker_tui.store.writer import Writer

                engine = None if self.target.is_sqlite else self._server_engine()
                self._writer = Writer(self.target, user=self.user, engine=engine, clock=self.clock)
            return self._writer

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
        self._write()

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
        reader = None if self.target.is_sqlite else self._read()
        opening = check_compatible(
            self.target, read_only=self.read_only, verify=verify, reader=reader
        )
        if opening.read_only:
            # Not asked for: the files' permissions leave this user only reading.
            self.read_only_by_permissions = not self.read_only
            self.read_only = True
        if opening.needs_writer:
            self._write()  # upgrades (after a backup) or creates the schema

    # -- reads -------------------------------------------------------------------------

    def tracker_info(self) -> TrackerInfo:
        reader = self._read()
        info = reader.tracker_info() if reader and reader.has_schema() else None
        return info or TrackerInfo(title="", snapshot_date=None)

    def revision(self) -> int:
        """The store's change counter: it goes up with every committed write."""
        reader = self._read()
        return reader.revision() if reader and reader.has_schema() else 0

    def data_version(self) -> int | None:
        """A cheap engine-level change signal (SQLite's ``PRAGMA data_version``), or None
        when the engine has none and ``revision()`` must be polled instead."""
        reader = self._read()
        if reader is not None and isinstance(reader.connection, SqliteConnection):
            return reader.connection.data_version()
        return None

    def _reads(self, read: Callable[[Reader], R], default: R) -> R:
        """``read(reader)``, or ``default`` while the store has no schema (a new store)."""
        reader = self._read()
        if reader is None or not reader.has_schema():
            return default
        return read(reader)

    def tasks(self, *, limit: int | None = None) -> list[Task]:
        """Every task in document order, or the first ``limit`` (a first screenful)."""
        return self._reads(lambda reader: reader.tasks(limit=limit), [])

    def task(self, task_id: str) -> Task | None:
        return self._reads(lambda reader: reader.task(task_id), None)

    def tasks_by_id(self, ids: list[str]) -> list[Task]:
        return self._reads(lambda reader: reader.tasks_by_id(ids), [])

    def summary(self) -> Summary:
        return self._reads(Reader.summary, Summary(0, 0.0, (), (), (), None))

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
        reader = self._read()
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
        """Name the tracker (and/or date its snapshot); on a new store, this creates it.

        The dashboard's ``t`` and ``tracker-tui title`` both come here.

        Raises:
            ValidationError: an empty or too long title (nothing is saved).
        """
        self._write().set_tracker(title=title, snapshot_date=snapshot_date)

    def import_document(self, document: Document, *, replace: bool = False) -> dict[str, int]:
        """Load a parsed document into the store, in one transaction; return the counts.

        Raises:
            TrackerError: the store already holds a tracker and ``replace`` is False.
        """
        from tracker_tui.store.exchange import import_document

        return import_document(self._write(), document, replace=replace)

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

    def trend_inputs(self, *, since: date | None = None, today: date | None = None) -> TrendInputs:
        """What the trends are computed from (``tracker_tui.trends``), read on one
        snapshot: the tasks now, the history since ``since`` (default: all of it since
        the last import) and what recovery reads of the document. ``today``: the last
        day of the series (default: the store's clock)."""
        from tracker_tui.store.trend_history import TrendHistory
        from tracker_tui.trends.model import TrendInputs

        today = today or self.clock.today()
        return self._reads(
            lambda reader: TrendHistory(reader).inputs(today, since=since),
            TrendInputs(today=today, tasks={}),
        )

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
    ) -> Metric:
        """Record a metric's new value (and/or its unit and target), in the history like
        any field; return the metric as saved.

        Raises:
            NotFoundError: no metric (or several) starts with ``name``.
            ValidationError: a value or target that is not a number, or a target whose
                unit differs from the metric's (nothing is saved).
        """
        from tracker_tui.trends.metrics import metric_values

        metric = self.metric(name)
        values = metric_values(metric, value, unit=unit, target=target)
        assert metric.key is not None  # read from the store: it has one
        self.save_item("metric", metric.key, values, expected=metric)
        return self.metric(metric.text)

    def check(self) -> dict[str, Any]:
        """Integrity, schema version and counts, for ``tracker-tui check``."""
        from tracker_tui.store.safety import check_store

        return check_store(self.target, self._read, read_only=self.read_only)
