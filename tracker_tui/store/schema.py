"""The store's tables, as SQLModel models.

This module imports SQLModel (and so SQLAlchemy's ORM), which costs about half a second:
only the write path and migrations import it, never the path to the dashboard's first
frame (the read path in ``reader.py`` speaks plain SQL to these same tables).

Every change to these tables needs a migration in ``migrations.py`` and a bump of
``SCHEMA_VERSION`` there.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

#: Indexes added in schema 2 for the reads before the dashboard's first frame (and the
#: Activity screen's pages): document order without a sort, and the Snapshot header's
#: aggregates from covering indexes. ``migrations._upgrade_to_2`` adds them to older
#: stores; their names are what it creates, so keep the two in step.
ORDER_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_task_document_order": ("task", ("block", "position", "id")),
    "ix_task_milestone_progress": ("task", ("milestone", "progress")),
    "ix_risk_document_order": ("risk", ("block", "position", "id")),
    "ix_activity_document_order": ("activity", ("block", "position")),
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
    __tablename__ = "tracker"
    id: int = Field(default=1, primary_key=True)
    title: str = ""
    snapshot_date: str | None = None  # YYYY-MM-DD


class LayoutBlockRow(SQLModel, table=True):
    """The document's layout: raw markdown, and where each table and list sits."""

    __tablename__ = "layout_block"
    position: int = Field(primary_key=True)
    kind: str  # "raw" or an entity kind
    text: str = ""  # raw markdown, for kind == "raw"
    columns: str = "[]"  # JSON list of header labels
    fields: str = "[]"  # JSON list of field names
    style: str = "{}"  # JSON dict of rendering hints


class StatusRow(SQLModel, table=True):
    """The store's status lists, in cycling order: one per entity kind."""

    __tablename__ = "status"
    kind: str = Field(primary_key=True)  # "task" or "risk"
    name: str = Field(primary_key=True)
    position: int = 0


class TaskRow(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = _indexes("task")
    id: str = Field(primary_key=True)
    title: str = ""
    milestone: str = Field(default="", index=True)
    owner: str = ""
    status: str = Field(default="Not Started", index=True)
    status_text: str = ""
    progress: int = 0
    last_update: str | None = None  # YYYY-MM-DD
    notes: str = ""
    extra: str = "{}"  # JSON
    block: int = 0
    position: int = Field(default=0, index=True)
    version: int = 1
    updated_by: str = ""
    updated_at: str = ""


class RiskRow(SQLModel, table=True):
    __tablename__ = "risk"
    __table_args__ = _indexes("risk")
    id: str = Field(primary_key=True)
    description: str = ""
    impact: str = ""
    mitigation: str = ""
    owner: str = ""
    status: str = Field(default="Open", index=True)
    status_text: str = ""
    extra: str = "{}"
    block: int = 0
    position: int = Field(default=0, index=True)
    version: int = 1
    updated_by: str = ""
    updated_at: str = ""


class DecisionRow(SQLModel, table=True):
    __tablename__ = "decision"
    key: int | None = Field(default=None, primary_key=True)
    date: str = ""
    decision: str = ""
    rationale: str = ""
    owner: str = ""
    extra: str = "{}"
    block: int = 0
    position: int = Field(default=0, index=True)
    version: int = 1


class ActivityRow(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = _indexes("activity")
    key: int | None = Field(default=None, primary_key=True)
    date: str = ""
    text: str = ""
    block: int = 0
    position: int = Field(default=0, index=True)


class CheckpointRow(SQLModel, table=True):
    __tablename__ = "checkpoint"
    key: int | None = Field(default=None, primary_key=True)
    when: str = ""
    text: str = ""
    block: int = 0
    position: int = Field(default=0, index=True)


class CadenceRow(SQLModel, table=True):
    __tablename__ = "cadence"
    key: int | None = Field(default=None, primary_key=True)
    label: str = ""
    text: str = ""
    block: int = 0
    position: int = Field(default=0, index=True)


class MetricRow(SQLModel, table=True):
    __tablename__ = "metric"
    key: int | None = Field(default=None, primary_key=True)
    text: str = ""
    block: int = 0
    position: int = Field(default=0, index=True)


class ChangeRow(SQLModel, table=True):
    """The change history: one row per field changed, grouped by ``revision``.

    ``action`` is ``edit``, ``create``, ``delete``, ``import``, ``undo`` or ``redo``;
    ``undoes`` points at the revision an undo reverted (or a redo re-applied), which is
    what lets undo work across restarts.
    """

    __tablename__ = "change"
    seq: int | None = Field(default=None, primary_key=True)
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


#: Entity kind → its table's model, for generic code (import, export, check).
ROW_MODELS: dict[str, type[SQLModel]] = {
    "task": TaskRow,
    "risk": RiskRow,
    "decision": DecisionRow,
    "activity": ActivityRow,
    "checkpoint": CheckpointRow,
    "cadence": CadenceRow,
    "metric": MetricRow,
}
