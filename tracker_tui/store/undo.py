"""Undo and redo, from the history: they work across restarts and between users.

Each user's steps are replayed from the ``change`` table (``_undo_state``): a step is
one revision of theirs since the last import. Undo puts each field back provided nobody
has changed it since (or overwrites it with ``force``); a row someone else has deleted
is skipped, and the step still counts as undone so that earlier steps stay in reach.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from tracker_tui.domain import Change, ConflictError, FieldConflict, NothingToReplayError
from tracker_tui.store.replayed import Replayed
from tracker_tui.store.rows import (
    BOOKKEEPING_FIELDS,
    DERIVED_FIELDS,
    as_text,
    domain_value,
    text_of,
)
from tracker_tui.store.schema import ROW_MODELS, ChangeRow, TrackerRow
from tracker_tui.store.transaction import Transactions, last_import, row_dict, tracker_of


class _RowGone(Exception):
    """Undo or redo met a row that someone else has deleted since."""


def _content(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's user-visible content: what undo compares to tell whether someone else has
    changed a row since (bookkeeping columns move with every edit, undo included)."""
    # tracker_id too: a row recorded before schema 3 has none, and undo works in one
    # tracker anyway.
    return {k: v for k, v in values.items() if k not in BOOKKEEPING_FIELDS and k != "tracker_id"}


class Undo(Transactions):
    """This user's undo and redo, on the write path's core."""

    def _undo_state(self, session: Session) -> tuple[list[int], list[int]]:
        """Replay this user's history since the last import (by anyone: an import
        replaces every row, so nothing before it can be undone): the revisions that can
        be undone, and those that can be redone, oldest first."""
        groups = session.execute(
            select(col(ChangeRow.revision), col(ChangeRow.action), col(ChangeRow.undoes))
            .where(
                col(ChangeRow.tracker_id) == tracker_of(session),
                col(ChangeRow.user) == self.user,
                col(ChangeRow.revision) > last_import(session),
            )
            .group_by(col(ChangeRow.revision), col(ChangeRow.action), col(ChangeRow.undoes))
            .order_by(col(ChangeRow.revision))
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
                    select(ChangeRow)
                    .where(
                        col(ChangeRow.tracker_id) == tracker_of(session),
                        col(ChangeRow.revision) == target,
                    )
                    .order_by(col(ChangeRow.seq))
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
                    self._now(),
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
            row = session.get(TrackerRow, tracker_of(session))
            if row is None or change.field not in ("title", "snapshot_date", "name"):
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
                            text_of(current),
                            self._last_editor(session, "tracker", "tracker", change.field, ""),
                        ),
                    ),
                )
            if change.field == "name":
                if not value:
                    return False
                row.name, row.name_key = value, value.casefold()
                return True
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
        current = as_text(getattr(row, change.field))
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
            row.updated_by, row.updated_at = self.user, self._now()
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
            now = _content(row_dict(row))
            was = _content(json.loads(expected)) if expected is not None else now
            # (A column added since the row was created, empty, is no change.)
            moved = [name for name in now if (now[name] or None) != (was.get(name) or None)]
            if moved and not force:
                # The first field changed since, and who changed it: the question names them.
                name = moved[0]
                who = self._last_editor(session, change.entity, change.entity_id, name, "")
                before, after = as_text(was.get(name)) or "", as_text(now[name]) or ""
                raise ConflictError(
                    f"{change.entity_id} was changed since it was created; "
                    "removing it would lose that (force to do it anyway)",
                    current=domain_value(change.entity, row),
                    entity=change.entity,
                    id=change.entity_id,
                    fields=(FieldConflict(name, before, after, who),),
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
        # A row recorded before schema 3 does not say its tracker: it is this one.
        values["tracker_id"] = tracker_of(session)
        if "version" in values:
            # A new version, so that a form still holding the old one sees a conflict.
            values["version"] = int(values["version"] or 0) + 1
        if "updated_by" in values:
            values["updated_by"], values["updated_at"] = self.user, self._now()
        session.add(model(**values))
        return True
