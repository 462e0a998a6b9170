"""Table rows as entities: a recognised table becomes a ``TableBlock`` of tasks, risks or
decisions; any other table is left to the caller to keep verbatim."""

from __future__ import annotations

from collections.abc import Callable

from tracker_tui.document import EXTRA_PREFIX, Entity, TableBlock
from tracker_tui.domain import Decision, Risk, Task
from tracker_tui.markdown.cells import (
    HINT_ID_LINK,
    HINT_ID_SEP,
    HINT_LAST_UPDATE,
    HINT_PROGRESS,
    StatusReader,
    date_from_text,
    default_id_sep,
    progress_from_text,
    split_id_cell,
    split_id_title,
)
from tracker_tui.markdown.columns import ID_TITLE, classify, header_role, map_fields

_ENTITY: dict[str, Callable[..., Entity]] = {
    "task": Task,
    "risk": Risk,
    "decision": lambda **values: Decision(key=None, **values),
}
_REQUIRED: dict[str, dict[str, str]] = {
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
    columns: list[str], rows: list[list[str]], statuses: dict[str, StatusReader]
) -> TableBlock | None:
    """The table as a ``TableBlock`` when its header names a kind, else None.

    ``rows`` are already fitted to the header's width. Tables without IDs get empty IDs,
    which the caller fills in once it knows every ID of the document.
    """
    roles = [header_role(column) for column in columns]
    kind = classify(roles)
    if kind is None:
        return None
    fields = map_fields(kind, columns, roles)
    if kind == "task":
        fields = _id_title_column(fields, rows)
    make = _ENTITY[kind]
    required = _REQUIRED[kind]
    status = statuses.get(kind)
    plan = [
        (index, field, field[len(EXTRA_PREFIX) :] if field.startswith(EXTRA_PREFIX) else "")
        for index, field in enumerate(fields)
    ]
    items: list[Entity] = []
    for cells in rows:
        values: dict[str, object] = dict(required)
        extra: dict[str, str] = {}
        for index, field, label in plan:
            text = cells[index]
            if label:
                extra[label] = text
            elif field == "id":
                identifier, link = split_id_cell(text)
                values["id"] = identifier
                if link is not None:
                    extra[HINT_ID_LINK] = link
            elif field == "progress":
                progress = progress_from_text(text) or 0
                values["progress"] = progress
                if text != f"{progress}%":
                    extra[HINT_PROGRESS] = text
            elif field == "last_update":
                day = date_from_text(text)
                values["last_update"] = day
                if text != (day.isoformat() if day is not None else ""):
                    extra[HINT_LAST_UPDATE] = text
            elif field == "status" and status is not None:
                values["status"], values["status_text"] = status.read(text)
            elif field == ID_TITLE:
                identifier, sep, title = split_id_title(text)  # type: ignore[misc]
                values["id"], values["title"] = identifier, title
                if sep != default_id_sep(identifier):
                    extra[HINT_ID_SEP] = sep
            else:
                values[field] = text
        items.append(make(extra=extra, **values))
    return TableBlock(kind=kind, columns=list(columns), fields=fields, items=items)
