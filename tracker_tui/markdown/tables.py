"""Table rows as entities: a recognised table becomes a ``TableBlock`` of tasks, risks or
decisions; any other table is left to the caller to keep verbatim."""

from __future__ import annotations

from collections.abc import Callable

from tracker_tui.document import EXTRA_PREFIX, Entity, TableBlock
from tracker_tui.domain import Decision, Risk, Task
from tracker_tui.markdown.cells import (
    HINT_CELLS,
    HINT_ID_SEP,
    StatusReader,
    default_id_sep,
    split_id_title,
)
from tracker_tui.markdown.columns import ID_TITLE, HeaderReading, read_header
from tracker_tui.markdown.options import ReadOptions
from tracker_tui.markdown.values import read_value

ENTITY: dict[str, Callable[..., Entity]] = {
    "task": Task,
    "risk": Risk,
    "decision": lambda **values: Decision(key=None, **values),
}
REQUIRED: dict[str, dict[str, str]] = {
    "task": {"id": "", "title": ""},
    "risk": {"id": "", "description": ""},
    "decision": {"date": "", "decision": ""},
}


def fit_cells(cells: list[str], width: int) -> list[str]:
    """A row's cells made ``width`` long: missing cells are empty; surplus cells (a pipe
    someone forgot to escape) join the last cell, so that no word is lost."""
    if len(cells) == width:
        return cells
    if len(cells) < width:
        return cells + [""] * (width - len(cells))
    return [*cells[: width - 1], " | ".join(cells[width - 1 :])]


def _id_title_column(fields: list[str], rows: list[list[str]]) -> list[str]:
    """A task table without an ID column whose title cells all read ``<ID><sep><title>``
    (``1. Documentation Refactoring``) has its IDs there: that column becomes id+title."""
    if "id" in fields or "title" not in fields or not rows:
        return fields
    column = fields.index("title")
    seen = set()
    for row in rows:
        parts = split_id_title(row[column])
        if parts is None or parts[0] in seen:
            return fields
        seen.add(parts[0])
    return [ID_TITLE if index == column else f for index, f in enumerate(fields)]


def read_table(
    columns: list[str],
    rows: list[list[str]],
    statuses: dict[str, StatusReader],
    options: ReadOptions | None = None,
    widths: list[int] | None = None,
) -> tuple[TableBlock | None, HeaderReading]:
    """The table as a ``TableBlock`` when its header names a kind (else None), and how
    its header was read.

    ``rows`` are already fitted to the header's width; ``widths`` gives each row's own
    number of cells (a shorter row is written back as short). Empty ID cells get empty
    IDs, which the caller fills in once it knows every ID of the document.
    """
    reading = read_header(columns, options)
    kind = reading.kind
    if kind is None:
        return None, reading
    fields = reading.fields
    if kind == "task":
        fields = _id_title_column(fields, rows)
        reading.fields = fields
    make = ENTITY[kind]
    required = REQUIRED[kind]
    status = statuses.get(kind)
    has_status = "status" in fields
    has_update = "last_update" in fields
    plan = [
        (index, field, field[len(EXTRA_PREFIX) :] if field.startswith(EXTRA_PREFIX) else "")
        for index, field in enumerate(fields)
    ]
    items: list[Entity] = []
    for number, cells in enumerate(rows):
        values: dict[str, object] = dict(required)
        extra: dict[str, str] = {}
        if widths is not None and widths[number] < len(columns):
            extra[HINT_CELLS] = str(widths[number])
        for index, field, label in plan:
            text = cells[index]
            if label:
                extra[label] = text
            elif field == ID_TITLE:
                identifier, sep, title = split_id_title(text)  # type: ignore[misc]
                values["id"], values["title"] = identifier, title
                if sep != default_id_sep(identifier):
                    extra[HINT_ID_SEP] = sep
            else:
                read_value(
                    field, text, values, extra, status, has_status=has_status, has_update=has_update
                )
        if kind == "task" and "progress" not in fields and values.get("status") == "Complete":
            # A table without a Progress column: done is 100 %, as the store's rule has it
            # (a portfolio must not read "0 %" beside "2/11 done").
            values["progress"] = 100
        items.append(make(extra=extra, **values))
    block = TableBlock(kind=kind, columns=list(columns), fields=fields, items=items)
    return block, reading
