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
from tracker_tui.domain import (
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    ENTITIES,
    TrackerInfo,
)
from tracker_tui.fields import FieldSpec, field_specs, labelled
from tracker_tui.rules import canonical_status, next_id
from tracker_tui.sanitize import clean_text

if TYPE_CHECKING:
    from tracker_tui.store.loading import Loading
    from tracker_tui.store.reader import Reader

_HEADINGS: dict[str, str] = {
    "task": "## Snapshot",
    "risk": "## Issues & Risks",
    "decision": "## Decision Log",
    "activity": "## Activity Log",
    "checkpoint": "## Upcoming Checkpoints",
    "cadence": "## Communication Cadence Summary",
    "metric": "## Metrics to Monitor",
}


def _section(kind: str) -> tuple[str, list[str], list[str]]:
    """A table kind's heading, header labels and fields; a list kind has no columns."""
    if kind in LIST_KINDS:
        return _HEADINGS[kind], [], []
    shown = labelled(ENTITIES[kind])
    return _HEADINGS[kind], [str(item.label) for item in shown], [item.name for item in shown]


#: Where a kind with no block in the document goes, and with which columns (the
#: entity's labelled fields, as the domain declares them).
DEFAULT_SECTIONS: dict[str, tuple[str, list[str], list[str]]] = {
    kind: _section(kind) for kind in _HEADINGS
}


def _statuses(defaults: tuple[str, ...], extra: list[str]) -> list[str]:
    names = list(defaults)
    folded = {name.casefold() for name in names}
    for name in extra:
        if name and name.casefold() not in folded:
            names.append(name)
            folded.add(name.casefold())
    return names


def _clean(value: object, *, multiline: bool = False) -> str:
    """Imported text passes the same sanitiser as typed text (a document is untrusted
    input too), but is never cut: nothing in a document is lost on import. Its size is
    bounded by the markdown layer (a line holds at most 100,000 characters); the field
    limits of ``rules.max_length`` apply to edits only."""
    return clean_text("" if value is None else str(value), multiline=multiline).strip()


class _StatusNormaliser:
    """Canonical statuses for imported rows: ``in progress`` becomes ``In Progress``,
    ``✅ Done`` becomes ``Complete`` (its spelling kept in ``status_text`` for export),
    and a status nothing maps to joins the store's list as written.

    A document spells its statuses a handful of ways over thousands of rows: each
    spelling is cleaned and mapped once. The memo is dropped whenever a new status joins
    the list, since mapping looks at the list, so the result never depends on it.
    """

    def __init__(self, kind: str, names: list[str]) -> None:
        self.kind = kind
        self.names = names
        self._memo: dict[str, tuple[str, str]] = {}

    def _map(self, status: str) -> tuple[str, str]:
        """(canonical status, the spelling to keep, or "" when it is the canonical one)."""
        written = _clean(status)
        if not written:
            return self.names[0], ""
        mapped = canonical_status(written, self.names, kind=self.kind)
        if mapped is None:
            self.names.append(written)
            self._memo.clear()
            return written, ""
        return mapped, written if mapped != written else ""

    def __call__(self, status: str, status_text: str) -> tuple[str, str]:
        key = "" if status is None else str(status)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._map(key)
        mapped, spelling = found
        return mapped, status_text or spelling


def rows_from_document(document: Document) -> dict[str, Any]:
    """Plain dicts for every table, ready for a bulk insert."""
    rows: dict[str, Any] = {kind: [] for kind in DEFAULT_SECTIONS}
    rows["tracker"] = {
        "title": _clean(document.tracker.title),
        "snapshot_date": (
            document.tracker.snapshot_date.isoformat() if document.tracker.snapshot_date else None
        ),
    }
    rows["layout"] = [_document_row(document)]
    normalisers = {
        "task": _StatusNormaliser(
            "task", _statuses(DEFAULT_TASK_STATUSES, list(document.task_statuses))
        ),
        "risk": _StatusNormaliser(
            "risk", _statuses(DEFAULT_RISK_STATUSES, list(document.risk_statuses))
        ),
    }
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
        style = block.style
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
            if block.kind in normalisers:
                row["status"], row["status_text"] = normalisers[block.kind](
                    row["status"], row["status_text"]
                )
            if block.kind in seen_ids:
                seen = seen_ids[block.kind]
                if not row["id"]:
                    row["id"] = next_id(
                        [r["id"] for r in rows[block.kind]], "T-" if block.kind == "task" else "R-"
                    )
                # IDs are unique per kind (whatever their case): a repeated ID in a
                # document gets a suffix rather than failing the import or losing the row.
                base, n = row["id"], 2
                while row["id"].casefold() in seen:
                    row["id"] = f"{base}~{n}"
                    n += 1
                seen.add(row["id"].casefold())
            row["block"], row["position"] = index, position
            rows[block.kind].append(row)
    rows["status"] = [
        {"kind": kind, "name": name, "position": position}
        for kind, normaliser in normalisers.items()
        for position, name in enumerate(normaliser.names)
    ]
    return rows


#: The layout row (before every block) that keeps how the document was written and read:
#: its line ending, whether it ended with one, and the ``--map``/``--kind`` it was read
#: with (so that a re-import reads it the same way). Stores from before it have none.
_DOCUMENT = "document"


def _document_row(document: Document) -> dict[str, Any]:
    style = {
        "newline": document.newline,
        "final_newline": "1" if document.final_newline else "",
        "read_options": document.read_options,
    }
    return {
        "position": -1,
        "kind": _DOCUMENT,
        "text": "",
        "columns": "[]",
        "fields": "[]",
        "style": json.dumps(style),
    }


def _read_document_row(document: Document, style: dict[str, str]) -> None:
    if style.get("newline") in ("\n", "\r\n"):
        document.newline = style["newline"]
    document.final_newline = bool(style.get("final_newline", "1"))
    document.read_options = str(style.get("read_options") or "")


def _progress(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(0, min(100, number))


def _stored(item: FieldSpec, value: Any) -> Any:
    """An imported field's value as its column stores it."""
    if item.kind == "status":
        return value  # cleaned and mapped by the ``_StatusNormaliser``
    if item.kind == "progress":
        return _progress(value)
    if item.kind == "date":
        return value.isoformat() if value else None
    if item.kind == "extra":
        return _extra_json(value)
    if item.kind == "version":
        return 1
    return _clean(value, multiline=item.kind == "multiline")


def _entity_row(kind: str, item: Any) -> dict[str, Any]:
    """An imported entity as its table's row (the store sets keys and stamps)."""
    return {
        spec.name: _stored(spec, getattr(item, spec.name))
        for spec in field_specs(ENTITIES[kind])
        if spec.kind not in ("key", "stamp")
    }


def _clean_extra(extra: dict[str, str] | None) -> dict[str, str]:
    # A format hint (``_tail``, ``_indent``...) may be whitespace that matters: not stripped.
    return {
        # Extra fields of a record written as a section may hold paragraphs.
        _clean(key): clean_text(value) if key.startswith("_") else _clean(value, multiline=True)
        for key, value in (extra or {}).items()
    }


def _extra_json(extra: dict[str, str] | None) -> str:
    """The JSON of a row's extra columns; most rows have none (``{}``, no encoder)."""
    return json.dumps(_clean_extra(extra)) if extra else "{}"


def import_document(
    writer: Loading, document: Document, *, replace: bool, name: str | None = None
) -> tuple[int, dict[str, int]]:
    """Load a parsed document into the store through ``writer``, in one transaction, as
    a new tracker called ``name`` (default: its title), or in place of the tracker of
    that name with ``replace``; return the tracker's key and the counts.

    Raises:
        TrackerError: a tracker has that name and ``replace`` is False.
    """
    return writer.load_rows(rows_from_document(document), replace=replace, name=name)


def document_from_reader(reader: Reader | None) -> Document:
    """Rebuild the Document from the store: its layout, with each entity in its block.

    Every table is read on one snapshot of the store (``Reader.snapshot``): a write or an
    ``import --replace`` committed meanwhile is either all in the document or not at all.
    ``reader`` None (or a store without a schema yet) gives an empty document.
    """
    if reader is None or not reader.has_schema():
        return Document(tracker=TrackerInfo(title="", snapshot_date=None))
    with reader.snapshot():
        return _document_from_reader(reader)


def _document_from_reader(reader: Reader) -> Document:
    document = Document(tracker=reader.tracker_info() or TrackerInfo(title="", snapshot_date=None))
    blocks: dict[int, Any] = {}
    for position, kind, raw, columns, fields, style in reader.layout():
        if kind == _DOCUMENT:
            _read_document_row(document, style)
            continue
        if kind == "raw":
            block: Any = RawBlock(raw)
        elif kind in LIST_KINDS:
            block = ListBlock(kind, [], style)
        else:
            block = TableBlock(kind, columns, fields, [], style)
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
    document.blocks.append(RawBlock(f"\n{heading}"))
    if kind in LIST_KINDS:
        document.blocks.append(ListBlock(kind, list(items), {}))
    else:
        document.blocks.append(TableBlock(kind, list(columns), list(fields), list(items)))
