"""A tracker document as a sequence of blocks: the shape that import produces and export renders.

A document is kept as its layout, so that export puts everything back where it was:

- ``RawBlock``: markdown the importer does not model (the title heading, section headings,
  paragraphs, unknown sections, checklists), kept verbatim;
- ``TableBlock``: a table of one entity kind, with its header exactly as written and, for
  each column, the field it maps to (unknown columns map to ``extra:<header>``);
- ``ListBlock``: a bullet list of one entity kind (activity, checkpoints, cadence, metrics).

Entities live inside the block they came from, in document order. The store persists the
layout next to the entities, and gives each entity the index of its block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker_tui.domain import (
    ActivityEntry,
    CadenceItem,
    Checkpoint,
    Decision,
    Metric,
    Risk,
    Task,
    TrackerInfo,
)

Entity = Task | Risk | Decision | ActivityEntry | Checkpoint | CadenceItem | Metric

#: Which entity kinds appear as tables and which as lists.
TABLE_KINDS = ("task", "risk", "decision")
LIST_KINDS = ("activity", "checkpoint", "cadence", "metric")

EXTRA_PREFIX = "extra:"


@dataclass
class RawBlock:
    text: str
    kind: str = "raw"


@dataclass
class TableBlock:
    kind: str  # one of TABLE_KINDS
    #: Header labels exactly as the document wrote them, in the document's order.
    columns: list[str]
    #: For each column, the entity field it holds, or ``extra:<label>`` for unknown columns.
    fields: list[str]
    items: list[Entity] = field(default_factory=list)
    #: How the source wrote the table's first two lines (``header``, ``delimiter``: the
    #: lines as they were, alignment colons included), written back while the columns are
    #: the same; empty for a table the store made.
    style: dict[str, str] = field(default_factory=dict)


@dataclass
class ListBlock:
    kind: str  # one of LIST_KINDS
    items: list[Entity] = field(default_factory=list)
    #: Rendering hints so that export writes the list as the source did (e.g. the dash
    #: between a bold date and its text: "–", "—" or "-").
    style: dict[str, str] = field(default_factory=dict)


Block = RawBlock | TableBlock | ListBlock


@dataclass
class Document:
    tracker: TrackerInfo
    blocks: list[Block] = field(default_factory=list)
    #: Statuses met in the document that are not in the default list, in order of
    #: appearance; they join the store's list on import.
    task_statuses: list[str] = field(default_factory=list)
    risk_statuses: list[str] = field(default_factory=list)
    #: How the file ended its lines (``\r\n`` or ``\n``) and whether it ended with one.
    newline: str = "\n"
    final_newline: bool = True
    #: The ``--map``/``--kind`` it was read with (``ReadOptions.as_json``), "" for none.
    read_options: str = ""

    def items(self, kind: str) -> Iterator[Entity]:
        """Every entity of ``kind``, in document order, across all its blocks."""
        for block in self.blocks:
            if not isinstance(block, RawBlock) and block.kind == kind:
                yield from block.items

    @property
    def tasks(self) -> list[Task]:
        return list(self.items("task"))  # type: ignore[arg-type]

    @property
    def risks(self) -> list[Risk]:
        return list(self.items("risk"))  # type: ignore[arg-type]

    @property
    def decisions(self) -> list[Decision]:
        return list(self.items("decision"))  # type: ignore[arg-type]

    @property
    def activity(self) -> list[ActivityEntry]:
        return list(self.items("activity"))  # type: ignore[arg-type]

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return list(self.items("checkpoint"))  # type: ignore[arg-type]

    @property
    def cadence(self) -> list[CadenceItem]:
        return list(self.items("cadence"))  # type: ignore[arg-type]

    @property
    def metrics(self) -> list[Metric]:
        return list(self.items("metric"))  # type: ignore[arg-type]
