"""The write path's core: one short transaction per write, with its revision and history.

``Transactions`` owns the engine, the user and the clock of one store's write path.
Every write is built on ``_transaction`` (take the write lock, bump the revision, run the
work, commit only if something changed) and ``_record`` (one history row per changed
field), with the row lookups every kind of write shares (who last changed a field
included). The edits (``writer.py``), undo and redo (``undo.py``) and the whole-tracker
load of an import (``loading.py``) are subclasses: these protected methods are their
shared vocabulary, and nobody else's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col

from tracker_tui.domain import (
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    Clock,
    ConflictError,
    NotFoundError,
    SystemClock,
    ValidationError,
    timestamp,
)
from tracker_tui.sanitize import clean_text
from tracker_tui.store.engine import make_engine, with_lock_retry
from tracker_tui.store.migrations import ensure_schema
from tracker_tui.store.rows import as_text, domain_value
from tracker_tui.store.schema import ROW_MODELS, ChangeRow, LayoutBlockRow, StatusRow, TrackerRow
from tracker_tui.store.target import StoreTarget

T = TypeVar("T")
W = TypeVar("W", bound="Transactions")


def row_dict(row: Any) -> dict[str, Any]:
    """A table row object's columns, as a dict (what a create or a delete records)."""
    return {name: getattr(row, name) for name in type(row).model_fields}


#: Said when a write needs a tracker and the store holds none.
NO_TRACKER = (
    "the store holds no tracker yet: import one (tracker-tui import FILE) "
    "or start one (tracker-tui title TEXT)"
)


def tracker_of(session: Session) -> int:
    """The tracker the write transaction of ``session`` works on (``_transaction``)."""
    return int(session.info["tracker_id"])


def last_import(session: Session) -> int:
    """The revision of the tracker's last import (0 if none): it replaced every row, so
    the history before it describes rows that are gone (undo's steps and who changed a
    field count only from there)."""
    revision = session.execute(
        # entity_id is indexed: this stays cheap on a long history.
        select(func.max(ChangeRow.revision)).where(
            col(ChangeRow.entity_id) == "tracker",
            col(ChangeRow.action) == "import",
            col(ChangeRow.tracker_id) == tracker_of(session),
        )
    ).scalar()
    return int(revision or 0)


def tracker_name(name: str) -> str:
    """A tracker's name as stored: cleaned of control characters, one line, not empty."""
    cleaned = " ".join(clean_text(name).split())
    if not cleaned:
        raise ValidationError("a tracker's name cannot be empty", field="name")
    if len(cleaned) > 200:
        raise ValidationError("a tracker's name is at most 200 characters", field="name")
    return cleaned


def find_tracker_named(session: Session, name: str) -> TrackerRow | None:
    """The tracker called ``name`` whatever its case, if any."""
    row: TrackerRow | None = session.execute(
        select(TrackerRow).where(col(TrackerRow.name_key) == name.casefold())
    ).scalar()
    return row


class Transactions:
    """The write path of one store, on behalf of one user, on one clock."""

    def __init__(
        self,
        target: StoreTarget,
        *,
        user: str,
        engine: Engine | None = None,
        clock: Clock | None = None,
        tracker_id: int | None = None,
    ) -> None:
        """``engine``: one to share (a server store's, also used for reads); by default
        the writer makes its own. ``clock``: what Last Update and the history's
        timestamps read (default: the system clock). ``tracker_id``: the tracker the
        edits are made to (``scoped`` gives the writer of another)."""
        self.target = target
        self.tracker_id = tracker_id
        self.user = user
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.engine = engine if engine is not None else make_engine(target)
        try:
            with_lock_retry(
                lambda: ensure_schema(self.engine, target), target.describe(), target.url
            )
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def scoped(self: W, tracker_id: int | None) -> W:
        """This writer for ``tracker_id``: the same engine, user and clock."""
        writer = copy.copy(self)
        writer.tracker_id = tracker_id
        return writer

    def _first_tracker(self, session: Session) -> int:
        """The tracker of a write to a store that had none when it was opened: the one
        someone has started since, else a new one, "Tracker" (the dashboard's ``n`` on
        a new store starts it, as before there were many)."""
        keys = list(session.execute(select(col(TrackerRow.id))).scalars())
        if len(keys) == 1 and keys[0] is not None:
            return int(keys[0])
        if keys:
            raise NotFoundError("the store holds several trackers; choose one with --tracker")
        return self.create_tracker_row(session, "Tracker")

    def create_tracker_row(self, session: Session, name: str) -> int:
        """Add an empty tracker called ``name`` (refused if one is called so, whatever
        the case), with the default status lists; returns its key."""
        name = tracker_name(name)
        if find_tracker_named(session, name) is not None:
            raise ValidationError(f'a tracker named "{name}" exists already', field="name")
        row = TrackerRow(name=name, name_key=name.casefold(), title="", revision=0)
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add_all(
            StatusRow(tracker_id=row.id, kind=kind, name=status, position=position)
            for kind, statuses in (
                ("task", DEFAULT_TASK_STATUSES),
                ("risk", DEFAULT_RISK_STATUSES),
            )
            for position, status in enumerate(statuses)
        )
        session.flush()
        return row.id

    def _now(self) -> str:
        """The history's timestamp for now: ISO 8601, UTC, to the second."""
        return timestamp(self.clock)

    def _transaction(
        self,
        work: Callable[[Session, int], T],
        *,
        tracker: Callable[[Session], int] | None = None,
    ) -> T:
        """Run ``work(session, revision)`` in one write transaction on one tracker,
        retrying on a lock.

        The tracker is this writer's, or the one ``tracker(session)`` finds or creates
        (an import, a title on a new store); ``tracker_of(session)`` names it to the
        work. Its revision is bumped first, so that the lock is taken at once (``BEGIN
        IMMEDIATE``; on PostgreSQL the tracker's row, so that writes to other trackers
        do not wait) and the history rows carry it. A transaction that records no change
        (an edit to the same values) is rolled back: the revision only moves when
        something did, so live views do not redraw for nothing.
        """

        def attempt() -> T:
            with Session(self.engine, expire_on_commit=False) as session:
                session.begin()
                try:
                    tracker_id = tracker(session) if tracker is not None else self.tracker_id
                    if tracker_id is None:
                        tracker_id = self._first_tracker(session)
                    bumped = session.execute(
                        text("UPDATE trackers SET revision = revision + 1 WHERE id = :t"),
                        {"t": tracker_id},
                    )
                    if not bumped.rowcount:  # type: ignore[attr-defined]
                        raise NotFoundError("this tracker no longer exists (it was deleted)")
                    revision = int(
                        session.execute(
                            text("SELECT revision FROM trackers WHERE id = :t"), {"t": tracker_id}
                        ).scalar_one()
                    )
                    session.info["tracker_id"] = tracker_id
                    session.info["changes"] = 0
                    result = work(session, revision)
                    if session.info["changes"]:
                        session.commit()
                    else:
                        session.rollback()
                    return result
                except BaseException:
                    session.rollback()
                    raise

        return with_lock_retry(attempt, self.target.describe(), self.target.url)

    def _record(
        self,
        session: Session,
        revision: int,
        entity: str,
        entity_id: str,
        field: str,
        old: object,
        new: object,
        *,
        action: str = "edit",
        undoes: int | None = None,
    ) -> None:
        session.info["changes"] = session.info.get("changes", 0) + 1
        session.add(
            ChangeRow(
                tracker_id=tracker_of(session),
                revision=revision,
                at=self._now(),
                user=self.user,
                entity=entity,
                entity_id=entity_id,
                field=field,
                old=as_text(old),
                new=as_text(new),
                action=action,
                undoes=undoes,
            )
        )

    def _statuses(self, session: Session, kind: str) -> list[str]:
        names = list(
            session.execute(
                select(col(StatusRow.name))
                .where(
                    col(StatusRow.kind) == kind, col(StatusRow.tracker_id) == tracker_of(session)
                )
                .order_by(col(StatusRow.position))
            ).scalars()
        )
        if names:
            return names
        return list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)

    def _block_for(self, session: Session, kind: str) -> int:
        """The layout block where a new entity of ``kind`` goes: the last of its kind."""
        block = session.execute(
            select(func.max(LayoutBlockRow.position)).where(
                col(LayoutBlockRow.kind) == kind,
                col(LayoutBlockRow.tracker_id) == tracker_of(session),
            )
        ).scalar()
        return -1 if block is None else int(block)

    def _find(self, session: Session, kind: str, entity_id: str, *, lock: bool = False) -> Any:
        """The row of ``kind`` with ``entity_id`` in this transaction's tracker; task and
        risk IDs match whatever their case (``ut-001`` finds ``UT-001``), as they are
        unique that way within a tracker."""
        model = ROW_MODELS[kind]
        tracker_id = tracker_of(session)
        if kind in ("task", "risk"):
            row = session.get(model, (tracker_id, entity_id), with_for_update=lock)
            if row is None:
                query = select(model).where(
                    model.tracker_id == tracker_id,
                    func.lower(model.id) == str(entity_id).lower(),
                )
                row = session.execute(query.with_for_update() if lock else query).scalar()
            return row
        try:
            key = int(entity_id)
        except (TypeError, ValueError):
            return None
        row = session.get(model, key, with_for_update=lock)
        return row if row is not None and row.tracker_id == tracker_id else None

    def _taken_ids(self, session: Session, model: Any) -> list[str]:
        return list(
            session.execute(
                select(model.id).where(model.tracker_id == tracker_of(session))
            ).scalars()
        )

    def _next_position(self, session: Session, model: Any) -> int:
        """The position after the last row of ``model`` in the tracker: a new row goes at
        the end."""
        last = session.execute(
            select(func.max(model.position)).where(model.tracker_id == tracker_of(session))
        ).scalar()
        return (last or 0) + 1

    def _record_created(
        self, session: Session, revision: int, kind: str, entity_id: str, row: Any
    ) -> None:
        """Log a new row whole, so that undo can take it away again."""
        self._record(
            session,
            revision,
            kind,
            entity_id,
            "*",
            None,
            json.dumps(row_dict(row)),
            action="create",
        )

    def _row_to_edit(
        self, session: Session, kind: str, entity_id: str, expected_version: int | None
    ) -> Any:
        """The locked task or risk row to edit; refused when it is gone, or when someone
        has changed it since the user read ``expected_version``."""
        row = self._find(session, kind, entity_id, lock=True)
        if row is None:
            raise NotFoundError(f"no {kind} {entity_id!r}")
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"{row.id} was changed by {row.updated_by or 'someone'} since you opened it",
                current=domain_value(kind, row),
                entity=kind,
                id=row.id,
            )
        return row

    def _last_editor(
        self, session: Session, kind: str, entity_id: str, field: str, fallback: str
    ) -> str:
        """Who last changed ``field`` of the row, from the history (``fallback`` when the
        history does not say, as for a value that came with the import: an import replaces
        every row, so nothing before the last one counts)."""
        user = session.execute(
            select(col(ChangeRow.user))
            .where(
                col(ChangeRow.tracker_id) == tracker_of(session),
                col(ChangeRow.entity) == kind,
                col(ChangeRow.entity_id) == entity_id,
                col(ChangeRow.field) == field,
                col(ChangeRow.revision) > last_import(session),
            )
            .order_by(col(ChangeRow.seq).desc())
            .limit(1)
        ).scalar()
        return str(user or fallback)

    def _stamp_edit(self, row: Any) -> None:
        """Mark a task or risk row as edited now, by this user."""
        row.version += 1
        row.updated_by = self.user
        row.updated_at = self._now()
