"""The store's edits: validated, each one short transaction with its history.

Every public method here runs one transaction through ``_transaction`` (``transaction.py``):
it takes the write lock first (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on
rows elsewhere), bumps the store's revision, applies the change, and writes one history
row per changed field. Relative progress edits read the current value inside that
transaction, so concurrent ``+1``s from several processes all count. A transaction that
fails validation, or changes nothing, is rolled back whole: no revision bump, no history
row. Undo and redo (``undo.py``) and an import's load (``loading.py``) complete the
``Writer``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select
from sqlmodel import Session, col

from tracker_tui import rules
from tracker_tui.domain import (
    COMPLETE,
    DEFAULT_IMPACTS,
    IN_PROGRESS,
    NOT_STARTED,
    ActivityEntry,
    ConflictError,
    Decision,
    FieldConflict,
    Merged,
    MergedField,
    NotFoundError,
    Risk,
    Task,
    ValidationError,
)
from tracker_tui.sanitize import clean_text
from tracker_tui.store.engine import with_lock_retry
from tracker_tui.store.loading import Loading
from tracker_tui.store.merging import merge_fields, own_changes
from tracker_tui.store.rows import (
    DIFF_FIELDS,
    EDITABLE_FIELDS,
    as_text,
    decision_from,
    domain_value,
    risk_from,
    task_from,
)
from tracker_tui.store.schema import (
    ROW_MODELS,
    ActivityRow,
    ChangeRow,
    DecisionRow,
    LayoutBlockRow,
    OpenedTrackerRow,
    RiskRow,
    StatusRow,
    TaskRow,
    TrackerRow,
)
from tracker_tui.store.standup_writes import StandupWrites
from tracker_tui.store.transaction import (
    NO_TRACKER,
    find_tracker_named,
    last_import,
    row_dict,
    tracker_name,
    tracker_of,
)
from tracker_tui.store.undo import Undo

#: What the history records of an edit: the user's fields and those the store derives.
TASK_DIFF_FIELDS = DIFF_FIELDS["task"]
RISK_DIFF_FIELDS = DIFF_FIELDS["risk"]
#: The fields of each kind of list item that ``save_item`` accepts.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    kind: EDITABLE_FIELDS[kind] for kind in ("activity", "checkpoint", "cadence", "metric")
}


#: How far back the history is read for the progress a task had before Complete or Not
#: Started forced it: enough for any stand-up's back-and-forth, bounded on a big store.
_RESTORE_HISTORY_LIMIT = 200


def _text(field: str, value: object) -> str:
    """Untrusted text made safe to store: control characters and terminal escape sequences
    removed (tab and newline kept only in multi-line fields), stripped, length-checked."""
    raw = "" if value is None else str(value)
    limit = rules.max_length(field)
    # Checked on the raw text too, so that a runaway paste is refused whatever it holds.
    rules.limit_text(raw, field=field, max_length=limit)
    cleaned = clean_text(raw, multiline=field in rules.MULTILINE_FIELDS).strip()
    return rules.limit_text(cleaned, field=field, max_length=limit)


class Writer(Undo, Loading, StandupWrites):
    """Validated writes to one store, on behalf of one user: the edits here, undo and
    redo from ``Undo``, an import's load from ``Loading``, a stand-up's record from
    ``StandupWrites``, all on ``Transactions``."""

    def _merge(
        self,
        session: Session,
        kind: str,
        before: Any,
        after: Any,
        base: Mapping[str, Any] | None,
        mine: Mapping[str, Any],
    ) -> tuple[MergedField, ...]:
        """An edit made over ``base`` merged with what others changed since, field by
        field (``merging.merge_fields``), inside this write transaction: nobody else can
        commit in between. Who changed a field comes from the history."""

        def last_editor(entity_id: str, field: str, fallback: str) -> str:
            return self._last_editor(session, kind, entity_id, field, fallback)

        return merge_fields(kind, before, after, base, mine, last_editor)

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
        mine = own_changes(changes, base)

        def work(session: Session, revision: int) -> Merged[Task]:
            row = self._row_to_edit(session, "task", task_id, expected_version)
            before = task_from(row)
            self._apply_task_changes(session, row, mine)
            merged = self._merge(session, "task", before, task_from(row), base, mine)
            if not _differs(before, task_from(row), TASK_DIFF_FIELDS):
                return Merged(before, merged)
            if "last_update" not in mine:
                row.last_update = self.clock.today().isoformat()  # any edit dates the task
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
            select(
                col(ChangeRow.revision),
                col(ChangeRow.field),
                col(ChangeRow.old),
                col(ChangeRow.new),
            )
            .where(
                col(ChangeRow.tracker_id) == tracker_of(session),
                col(ChangeRow.entity) == "task",
                col(ChangeRow.entity_id) == task_id,
                col(ChangeRow.field).in_(("status", "progress", "*")),
                col(ChangeRow.revision) > last_import(session),
            )
            .order_by(col(ChangeRow.seq).desc())
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
                tracker_id=tracker_of(session),
                id=task_id,
                title="",
                block=self._block_for(session, "task"),
                position=self._next_position(session, TaskRow),
                updated_by=self.user,
                updated_at=self._now(),
                last_update=self.clock.today().isoformat(),
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
            select(RiskRow.impact)
            .where(RiskRow.tracker_id == tracker_of(session), RiskRow.impact != "")
            .distinct()
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
        mine = own_changes(changes, base)

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
                tracker_id=tracker_of(session),
                id=risk_id,
                block=self._block_for(session, "risk"),
                position=self._next_position(session, RiskRow),
                updated_by=self.user,
                updated_at=self._now(),
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
                else self._find(session, "decision", str(decision.key), lock=True)
            )
            if existing is None or values["date"] != existing.date:
                # A new date must be a date; an imported one that is not ("20-03-2024",
                # "Q3 2024") is kept as long as this edit leaves it alone.
                values["date"] = rules.validate_date_text(values["date"], field="date")
            if decision.key is None:
                row = DecisionRow(
                    tracker_id=tracker_of(session),
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
        mine: dict[str, Any] = {
            field: _text(field, value) for field, value in own_changes(changes, base).items()
        }

        def work(session: Session, revision: int) -> Merged[Decision]:
            row = self._find(session, "decision", str(key), lock=True)
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
            when = parsed.isoformat() if parsed else self.clock.today().isoformat()
        else:
            when = self.clock.today().isoformat()
        body = rules.require_text(_text("text", text_), field="text")
        # The log is kept newest first: a new entry goes above the current top.
        top = session.execute(
            select(func.min(ActivityRow.position)).where(
                ActivityRow.tracker_id == tracker_of(session)
            )
        ).scalar()
        row = ActivityRow(
            tracker_id=tracker_of(session),
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
            if kind == "checkpoint" and "date" in cleaned:
                cleaned["date"] = rules.validate_date_text(cleaned["date"], field="date")
            if key is None:
                row = model(
                    tracker_id=tracker_of(session),
                    block=self._block_for(session, kind),
                    position=self._next_position(session, model),
                    **cleaned,
                )
                session.add(row)
                session.flush()
                self._record_created(session, revision, kind, str(row.key), row)
                return
            row = self._find(session, kind, str(key), lock=True)
            if row is None:
                raise NotFoundError(f"no {kind} {key}")
            self._refuse_if_moved(session, kind, row, expected, cleaned)
            for field, value in cleaned.items():
                if getattr(row, field) != value:
                    self._record(
                        session, revision, kind, str(key), field, getattr(row, field), value
                    )
                    setattr(row, field, value)

        self._transaction(work)

    def _refuse_if_moved(
        self,
        session: Session,
        kind: str,
        row: Any,
        expected: Mapping[str, Any] | None,
        mine: Mapping[str, str],
    ) -> None:
        """Optimistic concurrency for rows without a version (activity entries,
        checkpoints, cadence items, metrics): ``expected`` holds the values the caller saw
        (any of the kind's fields; other keys are ignored), and a row that holds others now
        is refused. ``mine``: the values the caller would save.

        Raises:
            ConflictError: the row changed since (``current`` is it now, a domain value;
                ``fields`` each field changed since, with who changed it).
        """
        if expected is None:
            return
        moved = [
            field
            for field in ITEM_FIELDS.get(kind, ())
            if field in expected and as_text(getattr(row, field)) != as_text(expected[field])
        ]
        if moved:
            raise ConflictError(
                f"this {kind} was changed by someone else since you read it ({moved[0]})",
                current=domain_value(kind, row),
                entity=kind,
                id=str(row.key),
                fields=tuple(
                    FieldConflict(
                        field,
                        mine.get(field, as_text(expected[field]) or ""),
                        as_text(getattr(row, field)) or "",
                        self._last_editor(session, kind, str(row.key), field, ""),
                    )
                    for field in moved
                ),
            )

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
            self._refuse_if_moved(session, kind, row, expected, {})
            self._record(
                session,
                revision,
                kind,
                str(getattr(row, "id", None) or row.key),
                "*",
                json.dumps(row_dict(row)),
                None,
                action="delete",
            )
            session.delete(row)

        self._transaction(work)

    def set_tracker(self, *, title: str | None, snapshot_date: date | None) -> int:
        """Name (or date) this tracker; with no tracker yet, start one named after the
        title. Returns the tracker's key."""

        def new_tracker(session: Session) -> int:
            if title is None:
                raise NotFoundError(NO_TRACKER)
            return self.create_tracker_row(
                session, rules.require_text(_text("title", title), field="title")
            )

        def work(session: Session, revision: int) -> int:
            row = _tracker_row(session)
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
            return tracker_of(session)

        return self._transaction(work, tracker=None if self.tracker_id is not None else new_tracker)

    # -- trackers --------------------------------------------------------------------------

    def rename_tracker(self, name: str) -> str:
        """Rename this tracker; returns the new name (refused if another has it)."""

        def work(session: Session, revision: int) -> str:
            row = _tracker_row(session)
            new = tracker_name(name)
            other = find_tracker_named(session, new)
            if other is not None and other.id != row.id:
                raise ValidationError(
                    f'a tracker named "{other.name}" exists already', field="name"
                )
            if new != row.name:
                self._record(session, revision, "tracker", "tracker", "name", row.name, new)
                row.name, row.name_key = new, new.casefold()
                session.add(row)
            return new

        return self._transaction(work)

    def delete_tracker(self) -> dict[str, int]:
        """Delete this tracker with every row, history and undo of it; returns how many
        rows of each kind went."""

        def attempt() -> dict[str, int]:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if self.tracker_id is None:
                    raise NotFoundError(NO_TRACKER)
                row = session.get(TrackerRow, self.tracker_id, with_for_update=True)
                if row is None:
                    raise NotFoundError("this tracker no longer exists (it was deleted)")
                counts: dict[str, int] = {}
                models: list[Any] = [*ROW_MODELS.values(), LayoutBlockRow, StatusRow, ChangeRow]
                for model in models:
                    result = session.execute(
                        sa_delete(model).where(model.tracker_id == self.tracker_id)
                    )
                    counts[model.__tablename__] = int(result.rowcount)  # type: ignore[attr-defined]
                session.execute(
                    sa_delete(OpenedTrackerRow).where(
                        col(OpenedTrackerRow.tracker_id) == self.tracker_id
                    )
                )
                session.delete(row)
                return counts

        return with_lock_retry(attempt, self.target.describe(), self.target.url)

    def remember_opened(self) -> None:
        """Record that this user opened this tracker (what a later command without
        ``--tracker`` uses). Not an edit: no revision, no history."""

        tracker_id = self.tracker_id
        if tracker_id is None:
            return

        def attempt() -> None:
            with Session(self.engine) as session, session.begin():
                row = session.get(OpenedTrackerRow, self.user)
                if row is None:
                    session.add(OpenedTrackerRow(user=self.user, tracker_id=tracker_id))
                elif row.tracker_id != tracker_id:
                    row.tracker_id = tracker_id
                    session.add(row)

        with_lock_retry(attempt, self.target.describe(), self.target.url)


def _tracker_row(session: Session) -> TrackerRow:
    """The row of the transaction's tracker (``_transaction`` has just bumped it)."""
    row = session.get(TrackerRow, tracker_of(session))
    assert row is not None
    return row


def _refuse_unknown(kind: str, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(f"a {kind} has no field {unknown[0]!r}", field=unknown[0])


def _differs(before: Any, after: Any, fields: tuple[str, ...]) -> bool:
    return any(getattr(before, field) != getattr(after, field) for field in fields)
