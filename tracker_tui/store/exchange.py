"""Document ⇄ store rows: the bridge between the markdown layer and the tables.

Import flattens a Document into plain dicts ready for bulk insert (layout blocks, and each
entity with the index of its block and its position); export reads them back and puts each
entity into its block. Entities added after the import go into the last block of their
kind; a kind with no block at all gets a new section at the end of the document.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tracker_tui.document import (
    LIST_KINDS,
    Document,
    ListBlock,
    RawBlock,
    TableBlock,
)
from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

#: Where a kind with no block in the document goes, and with which columns.
DEFAULT_SECTIONS: dict[str, tuple[str, list[str], list[str]]] = {
    "task": (
        "## Snapshot",
        ["Task ID", "Title", "Milestone", "Owner", "Status", "Progress", "Last Update", "Notes"],
        ["id", "title", "milestone", "owner", "status", "progress", "last_update", "notes"],
    ),
    "risk": (
        "## Issues & Risks",
        ["ID", "Description", "Impact", "Mitigation", "Owner", "Status"],
        ["id", "description", "impact", "mitigation", "owner", "status"],
    ),
    "decision": (
        "## Decision Log",
        ["Date", "Decision", "Rationale", "Owner"],
        ["date", "decision", "rationale", "owner"],
    ),
    "activity": ("## Activity Log", [], []),
    "checkpoint": ("## Upcoming Checkpoints", [], []),
    "cadence": ("## Communication Cadence Summary", [], []),
    "metric": ("## Metrics to Monitor", [], []),
}


def _statuses(defaults: tuple[str, ...], extra: list[str]) -> list[str]:
    names = list(defaults)
    names.extend(name for name in extra if name not in names)
    return names


def rows_from_document(document: Document) -> dict[str, Any]:
    """Plain dicts for every table, ready for a bulk insert."""
    rows: dict[str, Any] = {kind: [] for kind in DEFAULT_SECTIONS}
    rows["tracker"] = {
        "title": document.tracker.title,
        "snapshot_date": (
            document.tracker.snapshot_date.isoformat() if document.tracker.snapshot_date else None
        ),
    }
    rows["layout"] = []
    rows["status"] = [
        {"kind": kind, "name": name, "position": position}
        for kind, names in (
            ("task", _statuses(DEFAULT_TASK_STATUSES, document.task_statuses)),
            ("risk", _statuses(DEFAULT_RISK_STATUSES, document.risk_statuses)),
        )
        for position, name in enumerate(names)
    ]
    seen_ids: dict[str, set[str]] = {"task": set(), "risk": set()}
    for index, block in enumerate(document.blocks):
        if isinstance(block, RawBlock):
            rows["layout"].append(
                {
                    "position": index,
                    "kind": "raw",
                    "text": block.text,
                    "columns": "[]",
                    "fields": "[]",
                    "style": "{}",
                }
            )
            continue
        columns = block.columns if isinstance(block, TableBlock) else []
        fields = block.fields if isinstance(block, TableBlock) else []
        style = block.style if isinstance(block, ListBlock) else {}
        rows["layout"].append(
            {
                "position": index,
                "kind": block.kind,
                "text": "",
                "columns": json.dumps(columns),
                "fields": json.dumps(fields),
                "style": json.dumps(style),
            }
        )
        for position, item in enumerate(block.items):
            row = _entity_row(block.kind, item)
            if block.kind in seen_ids:
                # IDs are unique per kind: a repeated ID in a document gets a suffix
                # rather than failing the import or losing the row.
                base, n = row["id"], 2
                while row["id"] in seen_ids[block.kind]:
                    row["id"] = f"{base}~{n}"
                    n += 1
                seen_ids[block.kind].add(row["id"])
            row["block"], row["position"] = index, position
            rows[block.kind].append(row)
    return rows


def _entity_row(kind: str, item: Any) -> dict[str, Any]:
    if kind == "task":
        return {
            "id": item.id,
            "title": item.title,
            "milestone": item.milestone,
            "owner": item.owner,
            "status": item.status,
            "status_text": item.status_text,
            "progress": item.progress,
            "last_update": item.last_update.isoformat() if item.last_update else None,
            "notes": item.notes,
            "extra": json.dumps(item.extra),
            "version": 1,
        }
    if kind == "risk":
        return {
            "id": item.id,
            "description": item.description,
            "impact": item.impact,
            "mitigation": item.mitigation,
            "owner": item.owner,
            "status": item.status,
            "status_text": item.status_text,
            "extra": json.dumps(item.extra),
            "version": 1,
        }
    if kind == "decision":
        return {
            "date": item.date,
            "decision": item.decision,
            "rationale": item.rationale,
            "owner": item.owner,
            "extra": json.dumps(item.extra),
            "version": 1,
        }
    if kind == "activity":
        return {"date": item.date, "text": item.text}
    if kind == "checkpoint":
        return {"when": item.when, "text": item.text}
    if kind == "cadence":
        return {"label": item.label, "text": item.text}
    return {"text": item.text}


def document_from_store(store: Store) -> Document:
    """Rebuild the Document from the store: its layout, with each entity in its block."""
    document = Document(tracker=store.tracker_info())
    reader = store._read()
    if reader is None or not reader.has_schema():
        return document
    blocks: dict[int, Any] = {}
    for position, kind, raw, columns, fields, style in reader.layout():
        if kind == "raw":
            block: Any = RawBlock(raw)
        elif kind in LIST_KINDS:
            block = ListBlock(kind, [], style)
        else:
            block = TableBlock(kind, columns, fields, [])
        blocks[position] = block
        document.blocks.append(block)
    for kind in DEFAULT_SECTIONS:
        orphans = []
        for index, item in reader.items_by_block(kind):
            block = blocks.get(index)
            if block is not None and getattr(block, "kind", None) == kind:
                block.items.append(item)
            else:
                orphans.append(item)
        if orphans:
            _place_orphans(document, kind, orphans)
    known = set(DEFAULT_TASK_STATUSES)
    document.task_statuses = [s for s in reader.statuses("task") if s not in known]
    known_risk = set(DEFAULT_RISK_STATUSES)
    document.risk_statuses = [s for s in reader.statuses("risk") if s not in known_risk]
    return document


def _place_orphans(document: Document, kind: str, items: list[Any]) -> None:
    """Put entities whose block is gone (or never existed) into the last block of their
    kind, or into a new section at the end."""
    for block in reversed(document.blocks):
        if not isinstance(block, RawBlock) and block.kind == kind:
            if kind == "activity":
                block.items[:0] = items  # the log is newest first
            else:
                block.items.extend(items)
            return
    heading, columns, fields = DEFAULT_SECTIONS[kind]
    document.blocks.append(RawBlock(heading))
    if kind in LIST_KINDS:
        document.blocks.append(ListBlock(kind, list(items), {}))
    else:
        document.blocks.append(TableBlock(kind, list(columns), list(fields), list(items)))
