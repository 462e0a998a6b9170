"""Document → markdown: the exporter.

Raw blocks are written verbatim, tables and lists from their entities' plain values (the
format hints in ``extra`` are used when present, never required), so a document that
comes back from the store renders as well as a freshly imported one. One blank line is
written between two modelled blocks; everything else keeps the source's layout.
"""

from __future__ import annotations

from tracker_tui.document import (
    Block,
    Document,
    ListBlock,
    RawBlock,
    TableBlock,
)
from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES
from tracker_tui.markdown.cells import (
    HINT_CELLS,
    StatusWriter,
)
from tracker_tui.markdown.checklists import render_item
from tracker_tui.markdown.columns import (
    DEFAULT_COLUMNS,
    DEFAULT_FIELDS,
    DEFAULT_HEADINGS,
)
from tracker_tui.markdown.lines import HEADING_RE, escape_cell, split_row, table_row
from tracker_tui.markdown.lists import DEFAULT_STYLE, render_items
from tracker_tui.markdown.sections import render_record
from tracker_tui.markdown.snapshot import date_text, date_text_value, locate
from tracker_tui.markdown.values import cell_getter


def render_document(doc: Document) -> str:
    """The document as markdown, in the layout it was imported with.

    The tracker's title and snapshot date are written where the document had them (a
    ``_Last updated: …_`` line is added under the title when it had no date). A table or
    list the store created (a ``TableBlock`` without columns, a ``ListBlock`` without
    style) gets the default columns and, unless a heading precedes it, a default heading.
    """
    raw = {i: b.text.split("\n") for i, b in enumerate(doc.blocks) if isinstance(b, RawBlock)}
    out = _write_heading(doc, raw)
    previous: Block | None = None
    for index, block in enumerate(doc.blocks):
        if isinstance(block, RawBlock):
            out.extend(raw[index])
            previous = block
            continue
        new = _is_new(block)
        if new and not block.items:
            continue
        if previous is not None and not isinstance(previous, RawBlock):
            out.append("")
        if new and not _ends_with_heading(out):
            if out and out[-1].strip():
                out.append("")
            out.append(f"## {DEFAULT_HEADINGS[block.kind]}")
        if isinstance(block, TableBlock):
            out.extend(_record_lines(block))
        else:
            out.extend(render_items(block.kind, block.items, block.style))
        previous = block
    text = "\n".join(out)
    if doc.final_newline or not text:
        text += "\n"
    return text.replace("\n", doc.newline) if doc.newline != "\n" else text


def ensure_block(doc: Document, kind: str) -> TableBlock | ListBlock:
    """The last block of ``kind``, where a new entity of that kind belongs; when the
    document has none, a new section (heading and empty block) is appended for it."""
    for block in reversed(doc.blocks):
        if not isinstance(block, RawBlock) and block.kind == kind:
            return block
    new: TableBlock | ListBlock
    if kind in DEFAULT_COLUMNS:
        new = TableBlock(kind, list(DEFAULT_COLUMNS[kind]), list(DEFAULT_FIELDS[kind]), [])
    else:
        new = ListBlock(kind, [], dict(DEFAULT_STYLE[kind]))
    doc.blocks.append(RawBlock(f"\n## {DEFAULT_HEADINGS[kind]}"))
    doc.blocks.append(new)
    return new


def _is_new(block: TableBlock | ListBlock) -> bool:
    if isinstance(block, TableBlock):
        return not block.columns and not block.style.get("layout")
    return not block.style


def _record_lines(block: TableBlock) -> list[str]:
    """A block of records in its layout: a table, a checklist or sections."""
    layout = block.style.get("layout")
    lines: list[str] = []
    if layout == "checklist":
        for item in block.items:
            lines.extend(render_item(item))  # type: ignore[arg-type]
        return lines
    if layout == "sections":
        for position, item in enumerate(block.items):
            if position:
                lines.append("")
            lines.extend(render_record(item, block.kind, block.style))
        return lines
    return _table_lines(block)


def _ends_with_heading(out: list[str]) -> bool:
    for line in reversed(out):
        if line.strip():
            return HEADING_RE.match(line) is not None
    return False


def _write_heading(doc: Document, raw: dict[int, list[str]]) -> list[str]:
    """Write the title and snapshot date into the raw lines (in place); the lines to put
    before the document when it has no title heading."""
    places = locate(raw.items())
    info = doc.tracker
    date_line = f"_Last updated: {date_text(info.snapshot_date)}_"
    if places.date is not None:
        where = places.date
        line = raw[where.block][where.line]
        if date_text_value(line[where.start : where.end]) != info.snapshot_date:
            text = date_text(info.snapshot_date)
            raw[where.block][where.line] = line[: where.start] + text + line[where.end :]
    if places.title is not None:
        where = places.title
        line = raw[where.block][where.line]
        if info.title and line[where.start : where.end] != info.title:
            raw[where.block][where.line] = line[: where.start] + info.title + line[where.end :]
        if places.date is None and info.snapshot_date is not None:
            raw[where.block][where.line + 1 : where.line + 1] = ["", date_line]
        return []
    prefix = [f"# {info.title}", ""] if info.title else []
    if places.date is None and info.snapshot_date is not None:
        prefix += [date_line, ""]
    return prefix


def _table_lines(block: TableBlock) -> list[str]:
    columns, fields = block.columns, block.fields
    if not columns:
        columns, fields = DEFAULT_COLUMNS[block.kind], DEFAULT_FIELDS[block.kind]
    defaults = DEFAULT_RISK_STATUSES if block.kind == "risk" else DEFAULT_TASK_STATUSES
    status = StatusWriter(defaults, block.kind)
    getters = [cell_getter(block.kind, field, status) for field in fields]
    header = block.style.get("header")
    delimiter = block.style.get("delimiter")
    if header is None or split_row(header) != columns:
        header = table_row([escape_cell(c) for c in columns])
    if delimiter is None or len(split_row(delimiter)) != len(columns):
        delimiter = table_row(["---"] * len(columns))
    lines = [header, delimiter]
    # Rows written without the closing pipe (as the header is) are written back so.
    open_end = not header.rstrip().endswith("|") or header.rstrip().endswith("\\|")
    for item in block.items:
        cells = [escape_cell(get(item)) for get in getters]
        short = item.extra.get(HINT_CELLS)  # type: ignore[union-attr]
        if short is not None and short.isdigit():
            keep = int(short)
            if not any(cells[keep:]):
                cells = cells[:keep]
        row = table_row(cells)
        lines.append(row[:-2] if open_end else row)
    return lines
