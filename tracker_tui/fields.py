"""How an entity's fields are declared, once, on the domain's dataclasses.

Each field of ``Task``, ``Risk``, ``Decision`` and the list items carries a ``FieldSpec``
in its dataclass metadata (``field(metadata=spec("Title"))``): its label for humans and
for a markdown header, what kind of value it holds, the longest text an edit may give it,
and whether a user may set it, whether the history records it, and whether the JSON/CSV
export shows it. Everything else is derived from that declaration: the store's table
columns and its SELECT lists, the history's diff fields, the fields ``set`` and the forms
accept, the export's keys, the default markdown header and the copied row. A new field is
one line in ``domain.py`` (and, as every schema change, a migration in the store).

Nothing here imports anything but the standard library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

#: What a field holds, which decides how it is stored, cleaned, exported and shown:
#:
#: - ``id``: a task's or risk's ID (text, the table's primary key);
#: - ``key``: a store-assigned integer key (the primary key of a row without an ID);
#: - ``text`` / ``multiline``: text of one line / that keeps tabs and newlines;
#: - ``status``: a status of the store's list (text);
#: - ``progress``: a percentage, 0-100;
#: - ``date``: a ``date`` (stored as ``YYYY-MM-DD`` text, or NULL);
#: - ``extra``: the document's other columns (a dict, stored as JSON);
#: - ``version``: the row's optimistic-concurrency counter;
#: - ``stamp``: who changed the row last and when (text the store sets).
FieldKind = Literal[
    "id", "key", "text", "multiline", "status", "progress", "date", "extra", "version", "stamp"
]

#: The longest text an edit may give a field that declares no limit of its own.
DEFAULT_MAX_LENGTH = 1_000

_SPEC_KEY = "tracker_tui.field"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of one entity, as declared (``name`` is the dataclass field's)."""

    label: str | None
    kind: FieldKind = "text"
    #: The longest text an edit may give it (a runaway paste is refused, never cut).
    max_length: int = DEFAULT_MAX_LENGTH
    #: A user may set it (``tracker-tui set``, the forms, the quick edits).
    editable: bool = False
    #: An edit records its old and new value in the history.
    diff: bool = False
    #: A key of the JSON export and a column of the CSV export.
    export: bool = False
    #: The store sets it as a consequence of an edit (Last Update, the status's
    #: spelling): undo puts it back only if nobody has moved it since.
    derived: bool = False
    #: Every edit moves it, whoever makes it: bookkeeping, not content.
    stamped: bool = False
    name: str = ""


def spec(
    label: str | None = None,
    kind: FieldKind = "text",
    *,
    max_length: int = DEFAULT_MAX_LENGTH,
    editable: bool | None = None,
    diff: bool | None = None,
    export: bool | None = None,
    derived: bool = False,
    stamped: bool | None = None,
) -> Mapping[str, FieldSpec]:
    """A field's declaration, as dataclass metadata: ``field(metadata=spec("Title"))``.

    The defaults follow from the label and the kind: a labelled field (one a human sees)
    is editable (but an ID or a key), exported, and recorded in the history when edited;
    a derived field is recorded too; ``extra`` is exported; ``version`` and ``stamp``
    fields are bookkeeping.
    """
    shown = label is not None
    is_editable = (shown and kind not in ("id", "key")) if editable is None else editable
    return {
        _SPEC_KEY: FieldSpec(
            label=label,
            kind=kind,
            max_length=max_length,
            editable=is_editable,
            diff=(is_editable or derived) if diff is None else diff,
            export=(shown or kind == "extra") if export is None else export,
            derived=derived,
            stamped=kind in ("version", "stamp") if stamped is None else stamped,
        )
    }


_SPECS: dict[type, tuple[FieldSpec, ...]] = {}


def field_specs(entity: type) -> tuple[FieldSpec, ...]:
    """Every field of ``entity`` (a domain dataclass), in declaration order.

    Raises:
        TypeError: a field of ``entity`` has no declaration.
    """
    known = _SPECS.get(entity)
    if known is None:
        known = _SPECS[entity] = _read_specs(entity)
    return known


def _read_specs(entity: type) -> tuple[FieldSpec, ...]:
    found: list[FieldSpec] = []
    for item in dataclasses.fields(entity):
        declared = item.metadata.get(_SPEC_KEY)
        if not isinstance(declared, FieldSpec):
            raise TypeError(f"{entity.__name__}.{item.name} has no field declaration (spec)")
        found.append(dataclasses.replace(declared, name=item.name))
    return tuple(found)


def names(entity: type, **flags: bool) -> tuple[str, ...]:
    """The names of ``entity``'s fields whose flags have the given values, in order:
    ``names(Task, editable=True)`` is what ``set`` accepts."""
    return tuple(
        item.name
        for item in field_specs(entity)
        if all(getattr(item, flag) == wanted for flag, wanted in flags.items())
    )


def spec_of(entity: type, name: str) -> FieldSpec:
    """The declaration of ``entity``'s field ``name``.

    Raises:
        KeyError: no such field.
    """
    for item in field_specs(entity):
        if item.name == name:
            return item
    raise KeyError(f"{entity.__name__} has no field {name!r}")


def labelled(entity: type) -> tuple[FieldSpec, ...]:
    """The fields a human sees, in order: the columns of the entity's default markdown
    table, of its copied row and of the Snapshot."""
    return tuple(item for item in field_specs(entity) if item.label is not None)


def export_value(item: FieldSpec, value: Any) -> Any:
    """A field's value as the JSON export gives it: a date as ``YYYY-MM-DD`` (or null),
    a percentage as an integer, ``extra`` without the format's internal ``_`` hints."""
    if item.kind == "date":
        return value.isoformat() if isinstance(value, date) else None
    if item.kind == "progress":
        return int(value)
    if item.kind == "extra":
        return {key: text for key, text in value.items() if not key.startswith("_")}
    return value


def cell_text(item: FieldSpec, value: Any) -> str:
    """A field's value as a plain markdown cell: ``80%``, ``2024-06-04``, the text."""
    if item.kind == "progress":
        return f"{value}%"
    if item.kind == "date":
        return value.isoformat() if isinstance(value, date) else ""
    return "" if value is None else str(value)


def max_lengths(*entities: type) -> dict[str, int]:
    """Field name → its edit limit, where it differs from ``DEFAULT_MAX_LENGTH``.

    Raises:
        ValueError: two entities declare different limits for one field name (the
            limits are looked up by name: they must agree).
    """
    limits: dict[str, int] = {}
    for entity in entities:
        for item in field_specs(entity):
            if item.max_length == DEFAULT_MAX_LENGTH:
                continue
            if limits.setdefault(item.name, item.max_length) != item.max_length:
                raise ValueError(f"{item.name} has two edit limits")
    return limits
