"""Net changes from the per-field history: what each entity went from, and to.

The history holds one row per field changed (``Change``), oldest first here. For each
entity the net change of a field is its first ``old`` against its last ``new``: 40 → 50
→ 60 is 40 → 60, and an edit that was undone (or a value that went back to where it was)
nets to nothing. A row created within the window (field ``*``, no ``old``) is new; one
deleted (field ``*``, no ``new``) is gone; created and deleted within it, it never was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tracker_tui.domain import Change, HistoryRow

#: The field a whole-row change (a create or a delete) is recorded under.
WHOLE_ROW = "*"
#: Rows the history writes that change no field (an undo that found nothing to put back).
_NOT_A_FIELD = frozenset({"skipped", "import"})


@dataclass(slots=True)
class NetChange:
    """The net change of one entity (``kind`` and ``id`` as the history names them).

    ``fields`` maps a field to (value before, value after), as the history stores them
    (text, None for none), only for fields whose value differs. ``created`` and
    ``deleted`` say whether the row is new or gone; ``row_before`` / ``row_after`` hold
    the whole row the create or delete recorded, when there was one. ``users`` are those
    who changed it, in the order of their first change.
    """

    kind: str
    id: str
    fields: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    created: bool = False
    deleted: bool = False
    row_before: dict[str, Any] | None = None
    row_after: dict[str, Any] | None = None
    users: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.fields or self.created or self.deleted)

    def before(self, name: str) -> str | None:
        """The field's value at the baseline (from the deleted row when there is one)."""
        if name in self.fields:
            return self.fields[name][0]
        if self.row_before is not None and name in self.row_before:
            value = self.row_before[name]
            return None if value is None else str(value)
        return None


class _Tracking:
    """One entity's history, folded row by row (a plain class: one is made per entity
    touched, thousands on a big day)."""

    __slots__ = ("existed_before", "exists_after", "fields", "row_after", "row_before", "users")

    def __init__(self, user: str) -> None:
        #: Per field: [its first old value, its last new value].
        self.fields: dict[str, list[str | None]] = {}
        #: Decided by the first whole-row change, if any.
        self.existed_before: bool | None = None
        self.exists_after = True
        self.row_before: dict[str, Any] | None = None
        self.row_after: dict[str, Any] | None = None
        self.users: dict[str, None] = {user: None}


def _row(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def net_changes(changes: Iterable[Change]) -> dict[tuple[str, str], NetChange]:
    """The net change of every entity ``changes`` touch (oldest change first), keyed by
    (kind, id); entities whose changes cancel out are left out."""
    return net_of_rows((c.user, c.entity, c.id, c.field, c.old, c.new) for c in changes)


def net_of_rows(
    rows: Iterable[HistoryRow], *, ignore: frozenset[str] = frozenset()
) -> dict[tuple[str, str], NetChange]:
    """``net_changes`` of history rows as the store's query gives them (oldest first),
    leaving out the fields in ``ignore`` (those the store sets by itself).

    Hot (a day of a big tracker is tens of thousands of rows): one pass over plain
    tuples, and a ``NetChange`` only for an entity that moved.
    """
    tracked: dict[tuple[str, str], _Tracking] = {}
    find = tracked.get
    for user, kind, entity_id, name, old, new in rows:
        if name in _NOT_A_FIELD:
            continue
        key = (kind, entity_id)
        state = find(key)
        if state is None:
            state = tracked[key] = _Tracking(user)
        else:
            state.users[user] = None
        if name == WHOLE_ROW:
            created = old is None
            if state.existed_before is None:
                # The first whole-row change says whether the row was there before: a
                # create means it was not, a delete that it was (as it was deleted).
                state.existed_before = not created
                if not created:
                    state.row_before = _row(old)
            state.exists_after = created
            state.row_after = _row(new) if created else None
            continue
        if state.existed_before is None:
            state.existed_before = True  # edited before anything created it: it was there
        if name in ignore:
            continue
        pair = state.fields.get(name)
        if pair is None:
            state.fields[name] = [old, new]
        else:
            pair[1] = new
    result: dict[tuple[str, str], NetChange] = {}
    for (kind, entity_id), state in tracked.items():
        net = _fold(kind, entity_id, state)
        if net is not None:
            result[(kind, entity_id)] = net
    return result


def _fold(kind: str, entity_id: str, state: _Tracking) -> NetChange | None:
    """The entity's net change, or None when nothing is left of it."""
    existed = state.existed_before is not False
    if not existed and not state.exists_after:
        return None  # created and gone again within the window: nothing happened
    if existed and state.exists_after:
        fields = {
            name: (old, new)
            for name, (old, new) in state.fields.items()
            if (old or "") != (new or "")
        }
        if not fields:
            return None
        # Positional: one is built per task moved, thousands on a big day.
        return NetChange(
            kind,
            entity_id,
            fields,
            False,
            False,
            state.row_before,
            state.row_after,
            tuple(state.users),
        )
    return NetChange(
        kind,
        entity_id,
        created=not existed,
        deleted=not state.exists_after,
        row_before=state.row_before,
        row_after=state.row_after,
        users=tuple(state.users),
    )
