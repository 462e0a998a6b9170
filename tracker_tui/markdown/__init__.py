"""Markdown import and export of trackers: pure functions, no database and no UI.

- ``parse_document(text)`` / ``read_document(path)``: markdown → ``Document``;
- ``render_document(doc)``: ``Document`` → markdown, in the layout it was imported with;
- ``ensure_block(doc, kind)``: the block where a new entity of ``kind`` belongs.

See ``cells`` for the format hints kept in ``extra`` and ``limits`` for the input limits.
"""

from __future__ import annotations

from tracker_tui.markdown.cells import HINT_KEYS
from tracker_tui.markdown.limits import (
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_TABLE_COLUMNS,
    MAX_TEXT_CHARS,
)
from tracker_tui.markdown.parse import parse_document, read_document
from tracker_tui.markdown.render import ensure_block, render_document

__all__ = [
    "HINT_KEYS",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "MAX_TABLE_COLUMNS",
    "MAX_TEXT_CHARS",
    "ensure_block",
    "parse_document",
    "read_document",
    "render_document",
]
