"""An entity's field as the text the document writes for it, and back: the values of
table cells, checklist items and section records, with their format hints (``cells``)."""

from __future__ import annotations

from collections.abc import Callable

from tracker_tui.document import EXTRA_PREFIX, Entity
from tracker_tui.markdown.cells import (
    HINT_BLANK_STATUS,
    HINT_COMPLETED,
    HINT_ID_GENERATED,
    HINT_ID_LINK,
    HINT_ID_SEP,
    HINT_LAST_UPDATE,
    HINT_PROGRESS,
    StatusReader,
    StatusWriter,
    date_cell,
    date_from_text,
    default_id_sep,
    id_cell,
    progress_cell,
    progress_from_text,
    split_id_cell,
    wrap_hint,
)
from tracker_tui.markdown.columns import ID_TITLE
from tracker_tui.markdown.unwrap import unwrap, wrap

#: Fields read without the formatting around their text (kept as a ``_wrap_`` hint).
WRAPPED_FIELDS = frozenset({"id", "status", "last_update", "completed", "date"})


def read_value(
    field: str,
    text: str,
    values: dict[str, object],
    extra: dict[str, str],
    status: StatusReader | None,
    *,
    has_status: bool = True,
    has_update: bool = True,
) -> None:
    """Read ``text``, written for ``field``, into ``values`` (and its hints into ``extra``):
    an ID, status or date without the formatting around it, a progress figure, a
    Completed date; any other field as written."""
    if field in WRAPPED_FIELDS:
        value, wrapper = unwrap(text, links=field != "id")
        if wrapper:
            extra[wrap_hint(field)] = wrapper
            text = value
    if field == "id":
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
    elif field == "completed":
        # A date in a Completed column: the task is Complete, and that is its last update.
        day = date_from_text(text)
        if text != (day.isoformat() if day is not None else ""):
            extra[HINT_COMPLETED] = text
        if day is not None and not has_update:
            values["last_update"] = day
        if day is not None and not has_status and status is not None:
            values["status"], values["status_text"] = status.read("Complete")
            values["progress"] = 100
    elif field == "status" and status is not None:
        if not text:
            extra[HINT_BLANK_STATUS] = "1"
        values["status"], values["status_text"] = status.read(text)
    else:
        values[field] = text


def cell_getter(kind: str, field: str, status: StatusWriter) -> Callable[[Entity], str]:
    """A function from an entity to the text of its cell in a column holding ``field``."""
    if field.startswith(EXTRA_PREFIX):
        label = field[len(EXTRA_PREFIX) :]
        return lambda e: e.extra.get(label, "")  # type: ignore[union-attr]
    plain = _plain_getter(kind, field, status)
    if field not in WRAPPED_FIELDS:
        return plain
    hint = wrap_hint(field)
    return lambda e: wrap(plain(e), e.extra.get(hint))  # type: ignore[union-attr]


def _plain_getter(kind: str, field: str, status: StatusWriter) -> Callable[[Entity], str]:
    if field == "id":
        return lambda e: (
            ""
            if e.extra.get(HINT_ID_GENERATED)  # type: ignore[union-attr]
            else id_cell(e.id, e.extra.get(HINT_ID_LINK))  # type: ignore[union-attr]
        )
    if field == ID_TITLE:
        return lambda e: (
            f"{e.id}{e.extra.get(HINT_ID_SEP) or default_id_sep(e.id)}{e.title}"  # type: ignore[union-attr]
        )
    if field == "progress":
        return lambda e: progress_cell(e.progress, e.extra.get(HINT_PROGRESS))  # type: ignore[union-attr]
    if field == "last_update":
        return lambda e: date_cell(e.last_update, e.extra.get(HINT_LAST_UPDATE))  # type: ignore[union-attr]
    if field == "completed":
        return _completed_cell
    if field == "status":
        blank = status.defaults[0]
        return lambda e: (
            ""
            if e.extra.get(HINT_BLANK_STATUS) and e.status == blank  # type: ignore[union-attr]
            else status.write(e.status, e.status_text)  # type: ignore[union-attr]
        )
    return lambda e: str(getattr(e, field, "") or "")


def _completed_cell(task: Entity) -> str:
    hint = task.extra.get(HINT_COMPLETED)  # type: ignore[union-attr]
    if task.status != "Complete":  # type: ignore[union-attr]
        return hint if hint is not None and date_from_text(hint) is None else ""
    return date_cell(task.last_update, hint)  # type: ignore[union-attr]
