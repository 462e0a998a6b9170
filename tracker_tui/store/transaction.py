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
    timestamp,
)
from tracker_tui.store.engine import make_engine, with_lock_retry
from tracker_tui.store.migrations import ensure_schema
from tracker_tui.store.rows import as_text, domain_value
from tracker_tui.store.schema import ROW_MODELS, ChangeRow, LayoutBlockRow, Meta, StatusRow
from tracker_tui.store.target import StoreTarget

T = TypeVar("T")


def row_dict(row: Any) -> dict[str, Any]:
    """A table row object's columns, as a dict (what a create or a delete records)."""
    return {name: getattr(row, name) for name in type(row).model_fields}


def last_import(session: Session) -> int:
    """The revision of the last import (0 if none): it replaced every row, so the history
    before it describes rows that are gone (undo's steps and who changed a field count
    only from there)."""
    revision = session.execute(
        # entity_id is indexed: this stays cheap on a long history.
        select(func.max(ChangeRow.revision)).where(
            col(ChangeRow.entity_id) == "tracker", col(ChangeRow.action) == "import"
        )
    ).scalar()
    return int(revision or 0)


class Transactions:
    """The write path of one store, on behalf of one user, on one clock."""

    def __init__(
        self,
        target: StoreTarget,
        *,
        user: str,
        engine: Engine | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``engine``: one to share (a server store's, also used for reads); by default
        the writer makes its own. ``clock``: what Last Update and the history's
        timestamps read (default: the system clock)."""
        self.target = target
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

    def _now(self) -> str:
        """The history's timestamp for now: ISO 8601, UTC, to the second."""
        return timestamp(self.clock)

    def _transaction(self, work: Callable[[Session, int], T]) -> T:
        """Run ``work(session, revision)`` in one write transaction, retrying on a lock.

        The revision is bumped first, so that the lock is taken at once (``BEGIN
        IMMEDIATE``) and the history rows carry it. A transaction that records no change
        (an edit to the same values) is rolled back: the revision only moves when
        something did, so live views do not redraw for nothing.
        """

        def attempt() -> T:
            with Session(self.engine, expire_on_commit=False) as session:
                session.begin()
                try:
                    session.execute(
                        text(
                            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
                            "WHERE key = 'revision'"
                        )
                    )
                    revision = int(session.get(Meta, "revision").value)  # type: ignore[union-attr]
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
                .where(col(StatusRow.kind) == kind)
                .order_by(col(StatusRow.position))
            ).scalars()
        )
        if names:
            return names
        return list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)

    def _block_for(self, session: Session, kind: str) -> int:
        """The layout block where a new entity of ``kind`` goes: the last of its kind."""
        block = session.execute(
            select(func.max(LayoutBlockRow.position)).where(col(LayoutBlockRow.kind) == kind)
        ).scalar()
        return -1 if block is None else int(block)

    def _find(self, session: Session, kind: str, entity_id: str, *, lock: bool = False) -> Any:
        """The row of ``kind`` with ``entity_id``; task and risk IDs match whatever their
        case (``ut-001`` finds ``UT-001``), as they are unique that way."""
        model = ROW_MODELS[kind]
        if kind in ("task", "risk"):
            row = session.get(model, entity_id, with_for_update=lock)
            if row is None:
                query = select(model).where(func.lower(model.id) == str(entity_id).lower())
                row = session.execute(query.with_for_update() if lock else query).scalar()
            return row
        try:
            key = int(entity_id)
        except (TypeError, ValueError):
            return None
        return session.get(model, key, with_for_update=lock)

    def _taken_ids(self, session: Session, model: Any) -> list[str]:
        return list(session.execute(select(model.id)).scalars())

    def _next_position(self, session: Session, model: Any) -> int:
        """The position after the last row of ``model``: a new row goes at the end."""
        return (session.execute(select(func.max(model.position))).scalar() or 0) + 1

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
