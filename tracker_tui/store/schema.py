"""The store's tables, as SQLModel models.

This module imports SQLModel (and so SQLAlchemy's ORM), which costs about half a second:
only the write path and migrations import it, never the path to the dashboard's first
frame (the read path in ``reader.py`` speaks plain SQL to these same tables).

The entity tables (task, risk, decision and the list items) are generated from the
fields the domain declares (``tracker_tui.fields``), so that a field is declared once;
the store's own tables (meta, trackers, opened_tracker, layout, status, history) are
written out here. Every table but ``meta`` and ``opened_tracker`` holds rows of many
trackers, told apart by ``tracker_id`` (schema 3).
Every change to these tables needs a migration in ``migrations.py`` and a bump of
``rows.SCHEMA_VERSION``; ``tests/test_fields.py`` holds the schema as it is, so that
such a change cannot go unnoticed.
"""

from __future__ import annotations

import dataclasses
import types
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from tracker_tui.domain import ENTITIES
from tracker_tui.fields import FieldSpec, field_specs

#: Indexes for the reads before the dashboard's first frame (and the Activity screen's
#: pages): document order without a sort, and the Snapshot header's aggregates from
#: covering indexes, each within one tracker (schema 3 put ``tracker_id`` first; schema
#: 2's, without it, are frozen in ``migrations._upgrade_to_2``).
ORDER_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_task_document_order": ("task", ("tracker_id", "block", "position", "id")),
    "ix_task_milestone_progress": ("task", ("tracker_id", "milestone", "progress")),
    "ix_task_owner": ("task", ("owner", "tracker_id")),
    "ix_risk_document_order": ("risk", ("tracker_id", "block", "position", "id")),
    "ix_activity_document_order": ("activity", ("tracker_id", "block", "position")),
    "ix_change_tracker_revision": ("change", ("tracker_id", "revision")),
}


def _indexes(table: str) -> tuple[Index, ...]:
    return tuple(
        Index(name, *columns) for name, (owner, columns) in ORDER_INDEXES.items() if owner == table
    )


class Meta(SQLModel, table=True):
    """Key/value facts about the store: schema version, revision counter."""

    key: str = Field(primary_key=True)
    value: str


class TrackerRow(SQLModel, table=True):
    """One tracker of the store (schema 3: a store holds many). Every other table but
    ``meta`` and ``opened_tracker`` has a ``tracker_id`` pointing here."""

    __tablename__ = "trackers"
    id: int | None = Field(default=None, primary_key=True)
    #: What ``--tracker`` matches and export names files after (the title by default).
    name: str
    #: ``name`` folded (``str.casefold``): names are unique whatever their case.
    name_key: str = Field(unique=True)
    title: str = ""
    snapshot_date: str | None = None  # YYYY-MM-DD
    #: The tracker's change counter: it goes up with every committed write to it.
    revision: int = 0


class OpenedTrackerRow(SQLModel, table=True):
    """The tracker each user opened last: what a command without ``--tracker`` uses
    when the store holds more than one."""

    __tablename__ = "opened_tracker"
    user: str = Field(primary_key=True)
    tracker_id: int


class LayoutBlockRow(SQLModel, table=True):
    """The document's layout: raw markdown, and where each table and list sits."""

    __tablename__ = "layout_block"
    tracker_id: int = Field(primary_key=True)
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    kind: str  # "raw" or an entity kind
    text: str = ""  # raw markdown, for kind == "raw"
    columns: str = "[]"  # JSON list of header labels
    fields: str = "[]"  # JSON list of field names
    style: str = "{}"  # JSON dict of rendering hints


class StatusRow(SQLModel, table=True):
    """The store's status lists, in cycling order: one per entity kind."""

    __tablename__ = "status"
    tracker_id: int = Field(primary_key=True)
    kind: str = Field(primary_key=True)  # "task" or "risk"
    name: str = Field(primary_key=True)
    position: int = 0


#: Columns indexed on their own (``ix_<table>_<column>``), besides ``ORDER_INDEXES``.
_INDEXED: dict[str, frozenset[str]] = {
    "task": frozenset({"milestone", "status", "position"}),
    "risk": frozenset({"status", "position"}),
}
_DEFAULT_INDEXED = frozenset({"position"})


def _column(item: FieldSpec, default: Any, indexed: bool) -> tuple[Any, Any]:
    """The annotation and the ``Field`` of one declared field, as stored."""
    if item.kind == "id":
        # Unique within a tracker: the key is (tracker_id, id).
        return str, Field(primary_key=True)
    if item.kind == "key":
        return int | None, Field(default=None, primary_key=True)
    if item.kind == "date":
        return str | None, Field(default=None, index=indexed)  # YYYY-MM-DD
    if item.kind == "extra":
        # JSON; "{}" on the server too, for rows an upgrade copies from a table that had
        # no such column yet (a metric's, before schema 6).
        return str, Field(default="{}", index=indexed, sa_column_kwargs={"server_default": "{}"})
    if item.kind in ("progress", "version"):
        return int, Field(default=default, index=indexed)
    if default == "":
        # Empty on the server too: an upgrade that copies rows from an older table (schema
        # 3's) fills a column added since (a metric's value, schema 4) with it.
        return str, Field(default="", index=indexed, sa_column_kwargs={"server_default": ""})
    return str, Field(default="" if default is dataclasses.MISSING else default, index=indexed)


def entity_table(kind: str, entity: type, *, name: str | None = None) -> type[SQLModel]:
    """The SQLModel table of ``entity``: its declared fields, in order, with the
    placement columns after the content (before the version and stamps, as schema 1
    laid them out)."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {
        "__tablename__": kind,
        "__table_args__": _indexes(kind),
        "__module__": __name__,
        "__annotations__": annotations,
    }
    indexed = _INDEXED.get(kind, _DEFAULT_INDEXED)
    defaults = {item.name: item.default for item in dataclasses.fields(entity)}
    specs = field_specs(entity)
    content = [item for item in specs if item.kind not in ("version", "stamp")]
    bookkeeping = [item for item in specs if item.kind in ("version", "stamp")]
    # First: the tracker the row belongs to (part of the key of a table keyed by ID; an
    # integer key stays the table's own, unique across trackers).
    keyed_by_id = any(item.kind == "id" for item in specs)
    annotations["tracker_id"] = int
    namespace["tracker_id"] = (
        Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
        if keyed_by_id
        else Field(default=0, index=True)
    )
    for item in content:
        annotations[item.name], namespace[item.name] = _column(
            item, defaults[item.name], item.name in indexed
        )
    annotations["block"], namespace["block"] = int, 0
    annotations["position"], namespace["position"] = int, Field(default=0, index=True)
    for item in bookkeeping:
        annotations[item.name], namespace[item.name] = _column(
            item, defaults[item.name], item.name in indexed
        )
    class_name = name or f"{entity.__name__}Row"
    return types.new_class(
        class_name, (SQLModel,), {"table": True}, lambda body: body.update(namespace)
    )


# To the type checker a generated row is Any: its attributes are the declared fields,
# which it cannot see through ``entity_table``.
if TYPE_CHECKING:
    TaskRow: TypeAlias = Any
    RiskRow: TypeAlias = Any
    DecisionRow: TypeAlias = Any
    ActivityRow: TypeAlias = Any
    CheckpointRow: TypeAlias = Any
    CadenceRow: TypeAlias = Any
    MetricRow: TypeAlias = Any
else:
    TaskRow = entity_table("task", ENTITIES["task"])
    RiskRow = entity_table("risk", ENTITIES["risk"])
    DecisionRow = entity_table("decision", ENTITIES["decision"])
    ActivityRow = entity_table("activity", ENTITIES["activity"], name="ActivityRow")
    CheckpointRow = entity_table("checkpoint", ENTITIES["checkpoint"])
    CadenceRow = entity_table("cadence", ENTITIES["cadence"], name="CadenceRow")
    MetricRow = entity_table("metric", ENTITIES["metric"])


class ChangeRow(SQLModel, table=True):
    """The change history: one row per field changed, grouped by ``revision``.

    ``action`` is ``edit``, ``create``, ``delete``, ``import``, ``undo`` or ``redo``;
    ``undoes`` points at the revision an undo reverted (or a redo re-applied), which is
    what lets undo work across restarts.
    """

    __tablename__ = "change"
    __table_args__ = _indexes("change")
    seq: int | None = Field(default=None, primary_key=True)
    #: The tracker changed (0: the store itself, e.g. a tracker deleted).
    tracker_id: int = Field(default=0)
    #: The tracker's revision this change made (revisions count per tracker).
    revision: int = Field(index=True)
    at: str
    user: str = Field(index=True)
    entity: str
    entity_id: str = Field(index=True)
    field: str
    old: str | None = None
    new: str | None = None
    action: str = "edit"
    undoes: int | None = None


#: Entity kind → its table's model, for generic code (import, export, check). Any to
#: the type checker, as each generated model is.
ROW_MODELS: dict[str, Any] = {
    "task": TaskRow,
    "risk": RiskRow,
    "decision": DecisionRow,
    "activity": ActivityRow,
    "checkpoint": CheckpointRow,
    "cadence": CadenceRow,
    "metric": MetricRow,
}
