"""A form's edit merged field by field with what others changed since the form read the row.

Pure functions on domain values (no session): the writer calls them inside its write
transaction, where nobody else can commit in between, and says who changed a field from
the history (``Transactions._last_editor``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tracker_tui.domain import ConflictError, FieldConflict, MergedField
from tracker_tui.store.rows import DERIVED_FIELDS, text_of

#: Who last changed a field of the row: ``(entity_id, field, fallback) -> user``.
LastEditor = Callable[[str, str, str], str]


def own_changes(changes: Mapping[str, Any], base: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``changes`` that really change something against ``base`` (the row as the
    caller read it): a field sent with the value it was read with is no edit of the
    caller's, and must not put back a value someone else has changed since."""
    if base is None:
        return dict(changes)
    return {
        field: value
        for field, value in changes.items()
        if field not in base or text_of(value) != text_of(base[field])
    }


def merge_fields(
    kind: str,
    before: Any,
    after: Any,
    base: Mapping[str, Any] | None,
    mine: Mapping[str, Any],
    last_editor: LastEditor,
) -> tuple[MergedField, ...]:
    """Merge an edit made over ``base`` (the row as the caller read it) with what
    others changed since, field by field. ``before`` is the row now, ``after`` the
    row with the caller's edit applied (domain values), ``mine`` the caller's own
    changes (``own_changes``).

    A field only the caller changed is saved, a field only others changed keeps
    their value, a field both changed to the same value is fine. Fields the store
    derives (Last Update) are never in conflict.

    Returns:
        The fields others changed that the edit keeps, with who changed them.

    Raises:
        ConflictError: the edit would change a field that others changed since
            ``base`` to another value (typed by the caller, or derived by the store
            as with Complete and 100 %). ``fields`` lists only those fields; the
            caller's transaction is rolled back, so nothing is saved.
    """
    if base is None:
        return ()
    entity_id = str(getattr(before, "id", None) or getattr(before, "key", ""))
    fields = [name for name in base if hasattr(before, name) and name not in DERIVED_FIELDS]
    theirs = [name for name in fields if text_of(getattr(before, name)) != text_of(base[name])]
    if not theirs:
        return ()
    fallback = str(getattr(before, "updated_by", "") or "")
    who = {name: last_editor(entity_id, name, fallback) for name in theirs}
    conflicts = tuple(
        FieldConflict(
            name, text_of(getattr(after, name)), text_of(getattr(before, name)), who[name]
        )
        for name in theirs
        if text_of(getattr(after, name)) != text_of(getattr(before, name))
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
        MergedField(name, text_of(getattr(before, name)), who[name])
        for name in theirs
        if name not in mine
    )
