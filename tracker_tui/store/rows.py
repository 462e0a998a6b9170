"""The store's rows as the domain declares them: schema constants, column lists, and the
one conversion between a row and a domain value, shared by the reader and the writer.

Light on purpose (the standard library and the domain only): the reader, on the path to
the dashboard's first frame, imports it, and so do the opening checks in ``safety``.
The SQLModel tables in ``schema.py`` are generated from the same declarations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from tracker_tui.domain import ENTITIES, Decision, Risk, Task, TrackerInfo
from tracker_tui.fields import field_specs, names

#: The schema this tracker-tui writes. A change to the tables needs a migration in
#: ``migrations.py`` and a bump here.
SCHEMA_VERSION = 7
#: The ``meta`` table's ``application`` value: what makes a database a tracker store.
APPLICATION = "tracker-tui"

E = TypeVar("E")

#: Column names that are reserved words in SQL (``when``; ``user`` in PostgreSQL, where
#: unquoted it is ``current_user``): always double-quoted in the reader's SQL.
_RESERVED = frozenset({"when", "user"})


def quoted(name: str) -> str:
    return f'"{name}"' if name in _RESERVED else name


def select_list(entity: type) -> str:
    """The SELECT list of ``entity``'s columns, in the order ``from_row`` takes them."""
    return ", ".join(quoted(name) for name in names(entity))


TASK_COLUMNS = select_list(Task)
RISK_COLUMNS = select_list(Risk)
#: The history's columns, as ``Change`` takes them.
CHANGE_COLUMNS = 'at, "user", entity, entity_id, field, old, new, revision'

#: Per entity kind: the fields the store's history diffs, and those users may set.
DIFF_FIELDS: dict[str, tuple[str, ...]] = {
    kind: names(entity, diff=True) for kind, entity in ENTITIES.items()
}
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    kind: names(entity, editable=True) for kind, entity in ENTITIES.items()
}
#: Fields the store sets by itself as a consequence of an edit: undo puts them back only
#: if nobody has moved them since, and their moving is never a conflict.
DERIVED_FIELDS = frozenset(
    name for entity in ENTITIES.values() for name in names(entity, derived=True)
)
#: Columns that change with every write whoever makes it (not content).
BOOKKEEPING_FIELDS = frozenset(
    name for entity in ENTITIES.values() for name in names(entity, stamped=True)
)


def parse_date(value: str | None) -> date | None:
    """A stored ``YYYY-MM-DD`` as a date (None for empty or unreadable text)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_extra(value: str | None) -> dict[str, str]:
    """A row's extra columns from their JSON."""
    # Most rows have no extra columns: skip the JSON parser for them (a third of the
    # time of reading 20,000 tasks).
    if not value or value == "{}":
        return {}
    extra: dict[str, str] = json.loads(value)
    return extra


def as_text(value: object) -> str | None:
    """A value as the history stores it: text, a date as ``YYYY-MM-DD``, or None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text_of(value: object) -> str:
    """A field's value as text, for comparing values across versions: "" for none."""
    return as_text(value) or ""


_DECODERS: dict[str, Callable[[Any], Any]] = {"date": parse_date, "extra": parse_extra}


def _decoders(entity: type) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    return tuple(
        (index, _DECODERS[item.kind])
        for index, item in enumerate(field_specs(entity))
        if item.kind in _DECODERS
    )


_ENTITY_DECODERS = {entity: _decoders(entity) for entity in ENTITIES.values()}


def from_row(entity: type[E], row: Sequence[Any]) -> E:
    """The domain value of one row, given its columns in ``select_list(entity)`` order.

    Hot (20,000 tasks on a big store's export): positional, and only the dates and the
    extra columns are decoded.
    """
    decoders = _ENTITY_DECODERS.get(entity)
    if decoders is None:
        decoders = _ENTITY_DECODERS[entity] = _decoders(entity)
    values = list(row)
    for index, decode in decoders:
        values[index] = decode(values[index])
    return entity(*values)


def task_from_row(row: Sequence[Any]) -> Task:
    return from_row(Task, row)


def risk_from_row(row: Sequence[Any]) -> Risk:
    return from_row(Risk, row)


def row_values(entity: type, row: object) -> tuple[Any, ...]:
    """A table row object's columns in ``select_list(entity)`` order."""
    return tuple(getattr(row, name) for name in names(entity))


def domain_value(kind: str, row: Any) -> object:
    """A table row object (an ORM row of the writer) as the domain value the UI may see,
    e.g. ``ConflictError.current``: never an ORM object, which would be detached and
    lazy-loading outside its session."""
    if row is None:
        return None
    entity = ENTITIES.get(kind)
    if entity is not None:
        return from_row(entity, row_values(entity, row))
    if kind == "tracker":
        return TrackerInfo(row.title, parse_date(row.snapshot_date))
    return None


# The writer's rows (ORM objects) as domain values: the same conversion, by attribute.


def task_from(row: Any) -> Task:
    return from_row(Task, row_values(Task, row))


def risk_from(row: Any) -> Risk:
    return from_row(Risk, row_values(Risk, row))


def decision_from(row: Any) -> Decision:
    return from_row(Decision, row_values(Decision, row))
