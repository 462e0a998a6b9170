"""The store's write path: validated edits, each one short transaction with its history.

Every public method here runs one transaction through ``_transaction``: it takes the write
lock first (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on rows elsewhere),
bumps the store's revision, applies the change, and writes one history row per changed
field. Relative progress edits read the current value inside that transaction, so
concurrent ``+1``s from several processes all count. A transaction that fails validation,
or changes nothing, is rolled back whole: no revision bump, no history row.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select, text
from sqlmodel import Session

from tracker_tui import rules
from tracker_tui.domain import (
    COMPLETE,
    DEFAULT_IMPACTS,
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    IN_PROGRESS,
    NOT_STARTED,
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    ConflictError,
    Decision,
    FieldConflict,
    Merged,
    MergedField,
    Metric,
    NotFoundError,
    NothingToReplayError,
    Risk,
    Task,
    TrackerError,
    TrackerInfo,
    ValidationError,
)
from tracker_tui.sanitize import clean_text
from tracker_tui.store.engine import make_engine, with_lock_retry
from tracker_tui.store.migrations import ensure_schema
from tracker_tui.store.schema import (
    ROW_MODELS,
    ActivityRow,
    ChangeRow,
    DecisionRow,
    LayoutBlockRow,
    Meta,
    RiskRow,
    StatusRow,
    TaskRow,
    TrackerRow,
)
from tracker_tui.store.store import Replayed
from tracker_tui.store.target import StoreTarget

T = TypeVar("T")


class _RowGone(Exception):
    """Undo or redo met a row that someone else has deleted since."""


#: What the history records of an edit: the user's fields and those the store derives.
TASK_DIFF_FIELDS = (
    "title",
    "milestone",
    "owner",
    "status",
    "status_text",
    "progress",
    "last_update",
    "notes",
)
RISK_DIFF_FIELDS = ("description", "impact", "mitigation", "owner", "status", "status_text")
#: Fields the store sets by itself as a consequence of an edit: undo puts them back only
#: if nobody has moved them since, and their moving is never a conflict.
DERIVED_FIELDS = frozenset({"last_update", "status_text"})
#: Columns that change with every write whoever makes it (not content).
_BOOKKEEPING = frozenset({"version", "updated_by", "updated_at", "last_update"})
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "activity": ("date", "text"),
    "checkpoint": ("when", "text"),
    "cadence": ("label", "text"),
    "metric": ("text",),
}


#: How far back the history is read for the progress a task had before Complete or Not
#: Started forced it: enough for any stand-up's back-and-forth, bounded on a big store.
_RESTORE_HISTORY_LIMIT = 200


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(field: str, value: object) -> str:
    """Untrusted text made safe to store: control characters and terminal escape sequences
    removed (tab and newline kept only in multi-line fields), stripped, length-checked."""
    raw = "" if value is None else str(value)
    limit = rules.max_length(field)
    # Checked on the raw text too, so that a runaway paste is refused whatever it holds.
    rules.limit_text(raw, field=field, max_length=limit)
    cleaned = clean_text(raw, multiline=field in rules.MULTILINE_FIELDS).strip()
    return rules.limit_text(cleaned, field=field, max_length=limit)


def _as_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _text_of(value: object) -> str:
    """A field's value as text, for comparing values across versions: "" for none."""
    return _as_str(value) or ""


def _mine(changes: Mapping[str, Any], base: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``changes`` that really change something against ``base`` (the row as the
    caller read it): a field sent with the value it was read with is no edit of the
    caller's, and must not put back a value someone else has changed since."""
    if base is None:
        return dict(changes)
    return {
        field: value
        for field, value in changes.items()
        if field not in base or _text_of(value) != _text_of(base[field])
    }


def task_from(row: TaskRow) -> Task:
    return Task(
        id=row.id,
        title=row.title,
        milestone=row.milestone,
        owner=row.owner,
        status=row.status,
        progress=row.progress,
        last_update=date.fromisoformat(row.last_update) if row.last_update else None,
        notes=row.notes,
        status_text=row.status_text,
        extra=json.loads(row.extra or "{}"),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def risk_from(row: RiskRow) -> Risk:
    return Risk(
        id=row.id,
        description=row.description,
        impact=row.impact,
        mitigation=row.mitigation,
        owner=row.owner,
        status=row.status,
        status_text=row.status_text,
        extra=json.loads(row.extra or "{}"),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def decision_from(row: DecisionRow) -> Decision:
    return Decision(
        row.key,
        row.date,
        row.decision,
        row.rationale,
        row.owner,
        json.loads(row.extra or "{}"),
        row.version,
    )


def domain_value(kind: str, row: Any) -> object:
    """A row as the domain value the UI may see (``ConflictError.current``): never an ORM
    object, which would be detached and lazy-loading outside its session."""
    if row is None:
        return None
    if kind == "task":
        return task_from(row)
    if kind == "risk":
        return risk_from(row)
    if kind == "decision":
        return decision_from(row)
    if kind == "activity":
        return ActivityEntry(row.key, row.date, row.text)
    if kind == "checkpoint":
        return Checkpoint(row.key, row.when, row.text)
    if kind == "cadence":
        return CadenceItem(row.key, row.label, row.text)
    if kind == "metric":
        return Metric(row.key, row.text)
    if kind == "tracker":
        return TrackerInfo(
            row.title, date.fromisoformat(row.snapshot_date) if row.snapshot_date else None
        )
    return None


def _row_dict(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).model_fields}


def _content(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's user-visible content: what undo compares to tell whether someone else has
    changed a row since (bookkeeping columns move with every edit, undo included)."""
    return {k: v for k, v in values.items() if k not in _BOOKKEEPING}


class Writer:
    """Validated writes to one store, on behalf of one user."""

    def __init__(self, target: StoreTarget, *, user: str, engine: Engine | None = None) -> None:
        """``engine``: one to share (a server store's, also used for reads); by default
        the writer makes its own."""
        self.target = target
        self.user = user
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

    # -- the transaction -----------------------------------------------------------------

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
                at=_now(),
                user=self.user,
                entity=entity,
                entity_id=entity_id,
                field=field,
                old=_as_str(old),
                new=_as_str(new),
                action=action,
                undoes=undoes,
            )
        )

    def _statuses(self, session: Session, kind: str) -> list[str]:
        names = list(
            session.execute(
                select(StatusRow.name).where(StatusRow.kind == kind).order_by(StatusRow.position)
            ).scalars()
        )
        if names:
            return names
        return list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)

    def _block_for(self, session: Session, kind: str) -> int:
        """The layout block where a new entity of ``kind`` goes: the last of its kind."""
        block = session.execute(
            select(func.max(LayoutBlockRow.position)).where(LayoutBlockRow.kind == kind)
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
            json.dumps(_row_dict(row)),
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

    def _stamp_edit(self, row: Any) -> None:
        """Mark a task or risk row as edited now, by this user."""
        row.version += 1
        row.updated_by = self.user
        row.updated_at = _now()

    def _merge(
        self,
        session: Session,
        kind: str,
        before: Any,
        after: Any,
        base: Mapping[str, Any] | None,
        mine: Mapping[str, Any],
    ) -> tuple[MergedField, ...]:
        """Merge an edit made over ``base`` (the row as the caller read it) with what
        others changed since, field by field. ``before`` is the row now, ``after`` the
        row with the caller's edit applied, inside the same write transaction: nobody
        else can commit in between.

        A field only the caller changed is saved, a field only others changed keeps
        their value, a field both changed to the same value is fine. Fields the store
        derives (Last Update) are never in conflict.

        Returns:
            The fields others changed that the edit keeps, with who changed them.

        Raises:
            ConflictError: the edit would change a field that others changed since
                ``base`` to another value (typed by the caller, or derived by the store
                as with Complete and 100 %). ``fields`` lists only those fields; the
                transaction is rolled back, so nothing is saved.
        """
        if base is None:
            return ()
        entity_id = str(getattr(before, "id", None) or getattr(before, "key", ""))
        fields = [name for name in base if hasattr(before, name) and name not in DERIVED_FIELDS]
        theirs = [
            name for name in fields if _text_of(getattr(before, name)) != _text_of(base[name])
        ]
        if not theirs:
            return ()
        fallback = str(getattr(before, "updated_by", "") or "")
        who = {name: self._last_editor(session, kind, entity_id, name, fallback) for name in theirs}
        conflicts = tuple(
            FieldConflict(
                name, _text_of(getattr(after, name)), _text_of(getattr(before, name)), who[name]
            )
            for name in theirs
            if _text_of(getattr(after, name)) != _text_of(getattr(before, name))
        )
        if conflicts:
            names = ", ".join(conflict.field.replace("_", " ") for conflict in conflicts)
            who_first = conflicts[0].who or "someone"
            raise ConflictError(
                f"{entity_id}: {who_first} changed {names} since you opened it",
                current=before,
                entity=kind,
                id=entity_id,
                fields=conflicts,
            )
        return tuple(
            MergedField(name, _text_of(getattr(before, name)), who[name])
            for name in theirs
            if name not in mine
        )

    def _last_editor(
        self, session: Session, kind: str, entity_id: str, field: str, fallback: str
    ) -> str:
        """Who last changed ``field`` of the row, from the history (``fallback`` when the
        history does not say, as for a value that came with the import: an import replaces
        every row, so nothing before the last one counts)."""
        last_import = _last_import(session)
        user = session.execute(
            select(ChangeRow.user)
            .where(
                ChangeRow.entity == kind,
                ChangeRow.entity_id == entity_id,
                ChangeRow.field == field,
                ChangeRow.revision > last_import,
            )
            .order_by(ChangeRow.seq.desc())  # type: ignore[union-attr]
            .limit(1)
        ).scalar()
        return str(user or fallback)

    # -- tasks -----------------------------------------------------------------------------

    def update_task(
        self,
        task_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        log_completion: bool = False,
        base: Mapping[str, Any] | None = None,
    ) -> Merged[Task]:
        """``base``: the row as the caller read it, to merge with what others changed
        since (see ``_merge``); None applies ``changes`` to the row as it is now."""
        _refuse_unknown("task", changes, rules.TASK_FIELDS)
        mine = _mine(changes, base)

        def work(session: Session, revision: int) -> Merged[Task]:
            row = self._row_to_edit(session, "task", task_id, expected_version)
            before = task_from(row)
            self._apply_task_changes(session, row, mine)
            merged = self._merge(session, "task", before, task_from(row), base, mine)
            if not _differs(before, task_from(row), TASK_DIFF_FIELDS):
                return Merged(before, merged)
            if "last_update" not in mine:
                row.last_update = date.today().isoformat()  # any edit dates the task
            self._stamp_edit(row)
            after = task_from(row)
            self._record_diff(session, revision, "task", before, after, TASK_DIFF_FIELDS)
            if log_completion and after.status == COMPLETE and before.status != COMPLETE:
                self._insert_activity(session, revision, f"{row.id} completed.", None)
            return Merged(after, merged)

        return self._transaction(work)

    def _apply_task_changes(
        self, session: Session, row: TaskRow, changes: Mapping[str, Any]
    ) -> None:
        old_status, old_progress = row.status, row.progress
        # Both given in one edit: taken as given, provided they agree (rules checks).
        both = "status" in changes and "progress" in changes
        for field, value in changes.items():
            if field == "status":
                if value is None or not str(value).strip():
                    raise ValidationError("status cannot be empty", field="status")
                row.status = rules.match_status(
                    clean_text(str(value)), self._statuses(session, "task")
                )
            elif field == "progress":
                row.progress = rules.parse_progress(value, current=row.progress)
            elif field == "last_update":
                parsed = (
                    value
                    if isinstance(value, date)
                    else rules.parse_date(_text("last_update", value), field="last_update")
                )
                row.last_update = parsed.isoformat() if parsed else None
            elif field == "title":
                row.title = rules.require_text(_text("title", value), field="title")
            else:
                setattr(row, field, _text(field, value))
        row.status, row.progress = rules.reconcile_status_progress(
            row.status,
            row.progress,
            old_status=old_status,
            old_progress=old_progress,
            status_changed=both or row.status != old_status,
            progress_changed=both or row.progress != old_progress,
            in_progress=IN_PROGRESS,
            not_started=NOT_STARTED,
            earlier_progress=lambda: rules.progress_before(
                self._earlier_states(session, row.id, old_status, old_progress),
                not_started=NOT_STARTED,
            ),
        )
        if row.status != old_status:
            row.status_text = ""  # the document's spelling described the old status

    def _earlier_states(
        self, session: Session, task_id: str, status: str, progress: int
    ) -> Iterator[tuple[str, int]]:
        """The task's (status, progress) before each of its recorded changes, newest
        first, from (``status``, ``progress``) now back to its creation or the last
        import (which replaced every row, so older history describes other data)."""
        rows = session.execute(
            select(ChangeRow.revision, ChangeRow.field, ChangeRow.old, ChangeRow.new)
            .where(
                ChangeRow.entity == "task",
                ChangeRow.entity_id == task_id,
                ChangeRow.field.in_(("status", "progress", "*")),  # type: ignore[attr-defined]
                ChangeRow.revision > _last_import(session),
            )
            .order_by(ChangeRow.seq.desc())  # type: ignore[union-attr]
            .limit(_RESTORE_HISTORY_LIMIT)
        )
        group: int | None = None
        for revision, field, old, new in rows:
            if revision != group and group is not None:
                yield status, progress  # every field of the newer change undone
            group = revision
            try:
                if field == "*":
                    # Created here (its whole row, as first saved) or deleted: nothing older.
                    created = json.loads(new) if new else None
                    if isinstance(created, dict):
                        yield str(created.get("status", "")), int(created.get("progress") or 0)
                    return
                if field == "status":
                    status = old or ""
                else:
                    progress = int(old or 0)
            except (ValueError, TypeError):
                return  # not a figure the store wrote: trust nothing older
        if group is not None:
            yield status, progress

    def _record_diff(
        self,
        session: Session,
        revision: int,
        entity: str,
        before: Any,
        after: Any,
        fields: tuple[str, ...],
    ) -> None:
        for field in fields:
            old, new = getattr(before, field), getattr(after, field)
            if old != new:
                self._record(session, revision, entity, before.id, field, old, new)

    def create_task(self, fields: Mapping[str, Any]) -> Task:
        _refuse_unknown("task", fields, (*rules.TASK_FIELDS, "id"))

        def work(session: Session, revision: int) -> Task:
            taken = self._taken_ids(session, TaskRow)
            task_id = self._new_id(fields.get("id"), taken, "T-", "task")
            row = TaskRow(
                id=task_id,
                title="",
                block=self._block_for(session, "task"),
                position=self._next_position(session, TaskRow),
                updated_by=self.user,
                updated_at=_now(),
                last_update=date.today().isoformat(),
            )
            values = {k: v for k, v in fields.items() if k != "id" and v is not None}
            values.setdefault("title", "")
            self._apply_task_changes(session, row, values)
            session.add(row)
            self._record_created(session, revision, "task", task_id, row)
            return task_from(row)

        return self._transaction(work)

    def _new_id(self, given: object, taken: list[str], prefix: str, kind: str) -> str:
        """A new task or risk ID: the one given, or the next in the store's pattern;
        refused when empty, too long, or taken whatever its case."""
        if given is None or not str(given).strip():
            return rules.next_id(taken, prefix)
        new_id = rules.validate_id(_text("id", given))
        if any(existing.casefold() == new_id.casefold() for existing in taken):
            raise ValidationError(f"a {kind} {new_id} already exists", field="id")
        return new_id

    # -- risks -----------------------------------------------------------------------------

    def _apply_risk_changes(
        self, session: Session, row: RiskRow, changes: Mapping[str, Any]
    ) -> None:
        for field, value in changes.items():
            if field == "status":
                if value is None or not str(value).strip():
                    raise ValidationError("status cannot be empty", field="status")
                status = rules.match_risk_status(
                    clean_text(str(value)), self._statuses(session, "risk")
                )
                if status != row.status:
                    row.status, row.status_text = status, ""
            elif field == "description":
                row.description = rules.require_text(_text(field, value), field=field)
            elif field == "impact":
                row.impact = rules.match_impact(_text(field, value), self._impacts(session))
            else:
                setattr(row, field, _text(field, value))

    def _impacts(self, session: Session) -> list[str]:
        """Impact spellings a typed impact is matched against: the defaults, then those
        the register already uses."""
        used = session.execute(
            select(RiskRow.impact).where(RiskRow.impact != "").distinct()
        ).scalars()
        # Sorted here: code-point order on every engine (a server's collation may differ).
        return list(dict.fromkeys((*DEFAULT_IMPACTS, *sorted(used))))

    def update_risk(
        self,
        risk_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        base: Mapping[str, Any] | None = None,
    ) -> Merged[Risk]:
        """``base``: as ``update_task``."""
        _refuse_unknown("risk", changes, rules.RISK_FIELDS)
        mine = _mine(changes, base)

        def work(session: Session, revision: int) -> Merged[Risk]:
            row = self._row_to_edit(session, "risk", risk_id, expected_version)
            before = risk_from(row)
            self._apply_risk_changes(session, row, mine)
            merged = self._merge(session, "risk", before, risk_from(row), base, mine)
            if not _differs(before, risk_from(row), RISK_DIFF_FIELDS):
                return Merged(before, merged)
            self._stamp_edit(row)
            after = risk_from(row)
            self._record_diff(session, revision, "risk", before, after, RISK_DIFF_FIELDS)
            return Merged(after, merged)

        return self._transaction(work)

    def create_risk(self, fields: Mapping[str, Any]) -> Risk:
        _refuse_unknown("risk", fields, (*rules.RISK_FIELDS, "id"))

        def work(session: Session, revision: int) -> Risk:
            taken = self._taken_ids(session, RiskRow)
            risk_id = self._new_id(fields.get("id"), taken, "R-", "risk")
            row = RiskRow(
                id=risk_id,
                block=self._block_for(session, "risk"),
                position=self._next_position(session, RiskRow),
                updated_by=self.user,
                updated_at=_now(),
            )
            values = {k: v for k, v in fields.items() if k != "id" and v is not None}
            values.setdefault("description", "")
            self._apply_risk_changes(session, row, values)
            session.add(row)
            self._record_created(session, revision, "risk", risk_id, row)
            return risk_from(row)

        return self._transaction(work)

    # -- the other registers ---------------------------------------------------------------

    def save_decision(self, decision: Decision) -> Decision:
        def work(session: Session, revision: int) -> Decision:
            values = {
                "date": _text("date", decision.date),
                "decision": rules.require_text(
                    _text("decision", decision.decision), field="decision"
                ),
                "rationale": _text("rationale", decision.rationale),
                "owner": _text("owner", decision.owner),
            }
            existing = (
                None
                if decision.key is None
                else session.get(DecisionRow, decision.key, with_for_update=True)
            )
            if existing is None or values["date"] != existing.date:
                # A new date must be a date; an imported one that is not ("20-03-2024",
                # "Q3 2024") is kept as long as this edit leaves it alone.
                values["date"] = rules.validate_date_text(values["date"], field="date")
            if decision.key is None:
                row = DecisionRow(
                    block=self._block_for(session, "decision"),
                    position=self._next_position(session, DecisionRow),
                    **values,
                )
                session.add(row)
                session.flush()
                self._record_created(session, revision, "decision", str(row.key), row)
                return decision_from(row)
            row = existing
            if row is None:
                raise NotFoundError(f"no decision {decision.key}")
            # ``version`` 0 skips the check; a Decision read from the store carries its own.
            if decision.version and row.version != decision.version:
                raise ConflictError(
                    "the decision changed since you opened it",
                    current=decision_from(row),
                    entity="decision",
                    id=str(row.key),
                )
            self._apply_decision_values(session, revision, row, values)
            return decision_from(row)

        return self._transaction(work)

    def merge_decision(
        self, key: int, changes: Mapping[str, Any], *, base: Mapping[str, Any]
    ) -> Merged[Decision]:
        """Change fields of a decision edited over ``base`` (as read), merged with what
        others changed since (see ``_merge``)."""
        _refuse_unknown("decision", changes, rules.DECISION_FIELDS)
        mine = {field: _text(field, value) for field, value in _mine(changes, base).items()}

        def work(session: Session, revision: int) -> Merged[Decision]:
            row = session.get(DecisionRow, key, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no decision {key}")
            if "decision" in mine:
                mine["decision"] = rules.require_text(mine["decision"], field="decision")
            if mine.get("date", row.date) != row.date:
                mine["date"] = rules.validate_date_text(mine["date"], field="date")
            before = decision_from(row)
            after = dataclasses.replace(before, **mine)
            merged = self._merge(session, "decision", before, after, base, mine)
            self._apply_decision_values(session, revision, row, mine)
            return Merged(decision_from(row), merged)

        return self._transaction(work)

    def _apply_decision_values(
        self, session: Session, revision: int, row: DecisionRow, values: Mapping[str, str]
    ) -> None:
        """Set the fields of ``values`` that differ, with a history row each; a new
        version if any did."""
        changed = False
        for field, value in values.items():
            if getattr(row, field) != value:
                self._record(
                    session, revision, "decision", str(row.key), field, getattr(row, field), value
                )
                setattr(row, field, value)
                changed = True
        if changed:
            row.version += 1

    def _insert_activity(
        self, session: Session, revision: int, text_: str, on: str | date | None
    ) -> ActivityEntry:
        if isinstance(on, date):
            when = on.isoformat()
        elif on:
            parsed = rules.parse_date(_text("date", on))
            when = parsed.isoformat() if parsed else date.today().isoformat()
        else:
            when = date.today().isoformat()
        body = rules.require_text(_text("text", text_), field="text")
        # The log is kept newest first: a new entry goes above the current top.
        top = session.execute(select(func.min(ActivityRow.position))).scalar()
        row = ActivityRow(
            date=when,
            text=body,
            block=self._block_for(session, "activity"),
            position=(top or 0) - 1,
        )
        session.add(row)
        session.flush()
        self._record_created(session, revision, "activity", str(row.key), row)
        return ActivityEntry(row.key, row.date, row.text)

    def add_activity(self, text_: str, *, on: str | date | None = None) -> ActivityEntry:
        return self._transaction(
            lambda session, revision: self._insert_activity(session, revision, text_, on)
        )

    def save_item(
        self,
        kind: str,
        key: int | None,
        values: Mapping[str, str],
        *,
        expected: Mapping[str, Any] | None = None,
    ) -> None:
        allowed = ITEM_FIELDS.get(kind)
        if allowed is None:
            raise ValidationError(f"no such kind of item {kind!r}")
        _refuse_unknown(kind, values, allowed)
        model = ROW_MODELS[kind]

        def work(session: Session, revision: int) -> None:
            cleaned = {f: _text(f, values.get(f, "")) for f in allowed if f in values}
            if key is None or "text" in cleaned:
                cleaned["text"] = rules.require_text(cleaned.get("text", ""), field="text")
            if key is None:
                row = model(
                    block=self._block_for(session, kind),
                    position=self._next_position(session, model),
                    **cleaned,
                )
                session.add(row)
                session.flush()
                self._record_created(session, revision, kind, str(row.key), row)
                return
            row = session.get(model, key, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no {kind} {key}")
            _refuse_if_moved(kind, row, expected)
            for field, value in cleaned.items():
                if getattr(row, field) != value:
                    self._record(
                        session, revision, kind, str(key), field, getattr(row, field), value
                    )
                    setattr(row, field, value)

        self._transaction(work)

    def delete(
        self,
        kind: str,
        entity_id: str,
        *,
        expected_version: int | None = None,
        expected: Mapping[str, Any] | None = None,
    ) -> None:
        if kind not in ROW_MODELS:
            raise ValidationError(f"no such kind of item {kind!r}")

        def work(session: Session, revision: int) -> None:
            row = self._find(session, kind, entity_id, lock=True)
            if row is None:
                raise NotFoundError(f"no {kind} {entity_id!r}")
            if expected_version is not None and getattr(row, "version", None) != expected_version:
                raise ConflictError(
                    f"{entity_id} changed since you looked at it",
                    current=domain_value(kind, row),
                    entity=kind,
                    id=str(getattr(row, "id", None) or row.key),
                )
            _refuse_if_moved(kind, row, expected)
            self._record(
                session,
                revision,
                kind,
                str(getattr(row, "id", None) or row.key),
                "*",
                json.dumps(_row_dict(row)),
                None,
                action="delete",
            )
            session.delete(row)

        self._transaction(work)

    def set_tracker(self, *, title: str | None, snapshot_date: date | None) -> None:
        def work(session: Session, revision: int) -> None:
            row = session.get(TrackerRow, 1) or TrackerRow(id=1)
            if title is not None:
                cleaned = rules.require_text(_text("title", title), field="title")
                if cleaned != row.title:
                    self._record(
                        session, revision, "tracker", "tracker", "title", row.title, cleaned
                    )
                    row.title = cleaned
            if snapshot_date is not None and snapshot_date.isoformat() != row.snapshot_date:
                self._record(
                    session,
                    revision,
                    "tracker",
                    "tracker",
                    "snapshot_date",
                    row.snapshot_date,
                    snapshot_date.isoformat(),
                )
                row.snapshot_date = snapshot_date.isoformat()
            session.add(row)

        self._transaction(work)

    # -- import ----------------------------------------------------------------------------

    def import_document(self, document: Any, *, replace: bool) -> dict[str, int]:
        from tracker_tui.store.exchange import rows_from_document

        rows = rows_from_document(document)

        def work(session: Session, revision: int) -> dict[str, int]:
            holds = session.execute(select(func.count()).select_from(TaskRow)).scalar() or 0
            title = session.execute(select(TrackerRow.title)).scalar() or ""
            layout = session.execute(select(func.count()).select_from(LayoutBlockRow)).scalar()
            if (holds or title or layout) and not replace:
                raise TrackerError(
                    "the store already holds a tracker; use --replace to overwrite it"
                )
            # One transaction: a crash (even kill -9) leaves the old tracker or the new
            # one, never a mixture.
            for model in (*ROW_MODELS.values(), LayoutBlockRow, StatusRow):
                session.execute(delete(model))
            tracker = session.get(TrackerRow, 1) or TrackerRow(id=1)
            tracker.title = rows["tracker"]["title"]
            tracker.snapshot_date = rows["tracker"]["snapshot_date"]
            session.add(tracker)
            stamp = _now()
            for table, model in (("layout", LayoutBlockRow), ("status", StatusRow)):
                if rows[table]:
                    _bulk_insert(session, model, rows[table])
            for kind, model in ROW_MODELS.items():
                items = rows[kind]
                if kind in ("task", "risk"):
                    for item in items:
                        item["updated_by"], item["updated_at"] = self.user, stamp
                if items:
                    _bulk_insert(session, model, items)
            counts = {kind: len(rows[kind]) for kind in ROW_MODELS}
            self._record(
                session,
                revision,
                "tracker",
                "tracker",
                "import",
                None,
                json.dumps(counts),
                action="import",
            )
            return counts

        return self._transaction(work)

    # -- undo and redo -----------------------------------------------------------------------

    def _undo_state(self, session: Session) -> tuple[list[int], list[int]]:
        """Replay this user's history since the last import (by anyone: an import
        replaces every row, so nothing before it can be undone): the revisions that can
        be undone, and those that can be redone, oldest first."""
        last_import = _last_import(session)
        groups = session.execute(
            select(ChangeRow.revision, ChangeRow.action, ChangeRow.undoes)
            .where(ChangeRow.user == self.user, ChangeRow.revision > last_import)
            .group_by(ChangeRow.revision, ChangeRow.action, ChangeRow.undoes)
            .order_by(ChangeRow.revision)
        ).all()
        # One entry per revision: an edit that also logs an activity entry has rows of
        # two actions (edit and create) but is one step to undo.
        steps: dict[int, tuple[str, int | None]] = {}
        for revision, action, undoes in groups:
            if action in ("undo", "redo"):
                steps[revision] = (action, undoes)
            else:
                steps.setdefault(revision, ("edit", None))
        done: list[int] = []
        undone: list[int] = []
        for revision, (action, undoes) in steps.items():
            if action == "edit":
                done.append(revision)
                undone.clear()
            elif action == "undo" and undoes in done:
                done.remove(undoes)
                undone.append(undoes)
            elif action == "redo" and undoes in undone:
                undone.remove(undoes)
                done.append(undoes)
        return done, undone

    def undo(self, *, force: bool = False) -> Replayed:
        return self._replay("undo", force=force)

    def redo(self, *, force: bool = False) -> Replayed:
        return self._replay("redo", force=force)

    def _replay(self, action: str, *, force: bool) -> Replayed:
        def work(session: Session, revision: int) -> Replayed:
            done, undone = self._undo_state(session)
            stack = done if action == "undo" else undone
            if not stack:
                raise NothingToReplayError(f"nothing to {action}")
            target = stack[-1]
            changes = list(
                session.execute(
                    select(ChangeRow).where(ChangeRow.revision == target).order_by(ChangeRow.seq)
                ).scalars()
            )
            if action == "undo":
                changes.reverse()
            # Fields the store sets by itself follow the others: they are put back only
            # when nobody has moved them since, and never cause a conflict (unless they
            # are all the step changed).
            only_derived = all(change.field in DERIVED_FIELDS for change in changes)
            # Stable sort: the user's own fields first, so that a conflict is found before
            # anything (such as updated_by) is touched, and names who really changed it.
            changes.sort(key=lambda change: change.field in DERIVED_FIELDS)
            applied: list[Change] = []
            skipped: list[Change] = []
            for change in changes:
                old, new = (
                    (change.new, change.old) if action == "undo" else (change.old, change.new)
                )
                derived = change.field in DERIVED_FIELDS and not only_derived
                step = Change(
                    _now(),
                    self.user,
                    change.entity,
                    change.entity_id,
                    change.field,
                    old,
                    new,
                    revision,
                )
                try:
                    restored = self._restore(
                        session, change, expected=old, value=new, force=force, derived=derived
                    )
                except _RowGone:
                    # Someone else deleted the row since: nothing to put back into it.
                    # The rest of the step still applies, and the step is passed either
                    # way, so that this user's earlier steps stay within reach. (Fields
                    # the store derived go unmentioned: their row is named already.)
                    if not derived:
                        skipped.append(step)
                    continue
                if not restored:
                    continue
                self._record(
                    session,
                    revision,
                    change.entity,
                    change.entity_id,
                    change.field,
                    old,
                    new,
                    action=action,
                    undoes=target,
                )
                applied.append(step)
            if not applied:
                self._record_passed(session, revision, action, target, changes, skipped)
            return Replayed(applied, skipped, action=action)

        return self._transaction(work)

    def _record_passed(
        self,
        session: Session,
        revision: int,
        action: str,
        target: int,
        changes: list[ChangeRow],
        skipped: list[Change],
    ) -> None:
        """Mark step ``target`` as undone (or redone) although nothing could be put back:
        without a row of ``action`` for it, ``_undo_state`` would offer the same step
        again and again, and every earlier one would be out of reach for good. The
        marker names what was skipped (field ``skipped``); it changes no row."""
        named = {(change.entity, change.id) for change in skipped}
        if not named:
            named = {(change.entity, change.entity_id) for change in changes[:1]}
        for entity, entity_id in sorted(named) or [("tracker", "tracker")]:
            self._record(
                session,
                revision,
                entity,
                entity_id,
                "skipped",
                None,
                "no longer exists" if skipped else "nothing to put back",
                action=action,
                undoes=target,
            )

    def _restore(
        self,
        session: Session,
        change: ChangeRow,
        *,
        expected: str | None,
        value: str | None,
        force: bool,
        derived: bool,
    ) -> bool:
        """Put ``value`` back into one field (or a whole row, for field ``*``), provided
        the field still holds ``expected`` (what this user's change left there).

        Returns whether anything was put back (a derived field that moved is skipped).

        Raises:
            ConflictError: someone changed it since, and ``force`` is False (with
                ``force``, their value is overwritten).
            _RowGone: the row was deleted since (``force`` or not: there is nothing to
                put a field back into).
        """
        if change.entity == "tracker":
            row = session.get(TrackerRow, 1)
            if row is None or change.field not in ("title", "snapshot_date"):
                return False
            current = getattr(row, change.field)
            if (current or None) != (expected or None) and not force:
                raise ConflictError(
                    f"the tracker's {change.field} was changed since; "
                    f"{'undo' if change.action != 'undo' else 'redo'} would overwrite it",
                    current=domain_value("tracker", row),
                    entity="tracker",
                    id="tracker",
                    fields=(
                        FieldConflict(
                            change.field,
                            value or "",
                            _text_of(current),
                            self._last_editor(session, "tracker", "tracker", change.field, ""),
                        ),
                    ),
                )
            setattr(row, change.field, value or ("" if change.field == "title" else None))
            return True
        model = ROW_MODELS.get(change.entity)
        if model is None:
            return False
        row = self._find(session, change.entity, change.entity_id, lock=True)
        if change.field == "*":
            return self._restore_row(session, change, row, expected, value, force)
        if row is None:
            raise _RowGone(change.entity, change.entity_id)
        current = _as_str(getattr(row, change.field))
        if current != expected:
            if derived:
                return False
            if not force:
                who = self._last_editor(
                    session,
                    change.entity,
                    change.entity_id,
                    change.field,
                    str(getattr(row, "updated_by", "") or ""),
                )
                raise ConflictError(
                    f"{change.entity_id} {change.field} was changed by {who or 'someone'} "
                    "since; this would overwrite it (force to do it anyway)",
                    current=domain_value(change.entity, row),
                    entity=change.entity,
                    id=change.entity_id,
                    fields=(FieldConflict(change.field, value or "", current or "", who),),
                )
        if change.field == "progress":
            setattr(row, change.field, int(value or 0))
        elif value is None:
            setattr(row, change.field, None if change.field == "last_update" else "")
        else:
            setattr(row, change.field, value)
        if hasattr(row, "version"):
            row.version += 1
        if hasattr(row, "updated_by"):
            row.updated_by, row.updated_at = self.user, _now()
        return True

    def _restore_row(
        self,
        session: Session,
        change: ChangeRow,
        row: Any,
        expected: str | None,
        value: str | None,
        force: bool,
    ) -> bool:
        """Undo of a create or redo of a delete (``value`` None: the row goes); undo of a
        delete or redo of a create (``value`` the row's JSON: it comes back)."""
        model = ROW_MODELS[change.entity]
        if value is None:
            if row is None:
                return True  # someone deleted it already: the outcome is the same
            moved = expected is not None and _content(_row_dict(row)) != _content(
                json.loads(expected)
            )
            if moved and not force:
                raise ConflictError(
                    f"{change.entity_id} was changed since it was created; "
                    "removing it would lose that (force to do it anyway)",
                    current=domain_value(change.entity, row),
                    entity=change.entity,
                    id=change.entity_id,
                )
            session.delete(row)
            return True
        if row is not None:
            if not force:
                raise ConflictError(
                    f"a {change.entity} {change.entity_id} exists again; "
                    "restoring would replace it (force to do it anyway)",
                    current=domain_value(change.entity, row),
                    entity=change.entity,
                    id=change.entity_id,
                )
            session.delete(row)
            session.flush()
        values = json.loads(value)
        if "version" in values:
            # A new version, so that a form still holding the old one sees a conflict.
            values["version"] = int(values["version"] or 0) + 1
        if "updated_by" in values:
            values["updated_by"], values["updated_at"] = self.user, _now()
        session.add(model(**values))
        return True


def _bulk_insert(session: Session, model: Any, items: list[dict[str, Any]]) -> None:
    """Insert plain dicts (no ORM objects) in one ``executemany``.

    On SQLite the statement goes to the driver as is: SQLAlchemy's Core insert processes
    every parameter set in Python first, a tenth of a second for 20,000 rows, for nothing
    (the values are plain strings and integers already). Columns a row leaves out get
    their model defaults. Other engines, and rows whose keys differ, take the Core insert.
    """
    table = model.__table__
    connection = session.connection()
    keys = items[0].keys()
    if connection.dialect.name != "sqlite" or any(item.keys() != keys for item in items):
        session.execute(table.insert(), items)
        return
    defaults = {
        column.name: column.default.arg
        for column in table.columns
        if column.name not in keys and column.default is not None and column.default.is_scalar
    }
    if defaults:
        items = [{**defaults, **item} for item in items]
    names = [
        column.name for column in table.columns if column.name in keys or column.name in defaults
    ]
    quoted = ", ".join(f'"{name}"' for name in names)
    placeholders = ", ".join(f":{name}" for name in names)
    connection.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', items
    )


def _last_import(session: Session) -> int:
    """The revision of the last import (0 if none): it replaced every row, so the history
    before it describes rows that are gone."""
    revision = session.execute(
        # entity_id is indexed: this stays cheap on a long history.
        select(func.max(ChangeRow.revision)).where(
            ChangeRow.entity_id == "tracker", ChangeRow.action == "import"
        )
    ).scalar()
    return int(revision or 0)


def _refuse_unknown(kind: str, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(f"a {kind} has no field {unknown[0]!r}", field=unknown[0])


def _differs(before: Any, after: Any, fields: tuple[str, ...]) -> bool:
    return any(getattr(before, field) != getattr(after, field) for field in fields)


def _refuse_if_moved(kind: str, row: Any, expected: Mapping[str, Any] | None) -> None:
    """Optimistic concurrency for rows without a version (activity entries, checkpoints,
    cadence items, metrics): ``expected`` holds the values the caller saw (any of the
    kind's fields; other keys are ignored), and a row that holds others now is refused.

    Raises:
        ConflictError: the row changed since (``current`` is it now, a domain value).
    """
    if expected is None:
        return
    moved = [
        field
        for field in ITEM_FIELDS.get(kind, ())
        if field in expected and _as_str(getattr(row, field)) != _as_str(expected[field])
    ]
    if moved:
        raise ConflictError(
            f"this {kind} was changed by someone else since you read it ({moved[0]})",
            current=domain_value(kind, row),
            entity=kind,
            id=str(row.key),
        )
