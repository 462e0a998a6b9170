"""The tracker's title and snapshot date, and where the document writes them.

The title is the first ``# `` heading. The snapshot date is found in one of three places,
in this order of preference: a heading's ``(Updated 2024-06-02)``; a "last updated" line
(``_Last updated: 2024-06-18_``, ``**Last Updated**: 2025-10-14 (...)``); a date at the end
of the title heading (``# Phase Tracker — 2025-11-09``). Export finds the same place with
the same search and writes the tracker's current date there (``–`` for no date), leaving
the rest of the line as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from tracker_tui.markdown.lines import HEADING_RE, outside_fences

_DATE = r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}|[–—-](?=%s))"
_IN_HEADING_RE = re.compile(
    r"\((?:last[ \t]++)?updated:?[ \t]*+" + _DATE % r"\)" + r"\)", re.IGNORECASE
)
_LINE_RE = re.compile(
    r"^[ \t]*+[_*]{0,3}+[ \t]*+(?:last[ \t]++updated|updated[ \t]++on)[ \t]*+[_*]{0,3}+"
    r"[ \t]*+:?+[ \t]*+[_*]{0,3}+[ \t]*+" + _DATE % r"[ \t_*]*+$",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(r"^ {0,3}#[ \t]++")
_ISO_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NO_DATE = "–"


@dataclass(frozen=True)
class Place:
    """A span of one line of one raw block: (block index, line index, start, end)."""

    block: int
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    """Where the title and snapshot date are written; each None when the document has none."""

    title: Place | None
    date: Place | None


def _outside_fences(blocks: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, int, str]]:
    pairs = (((b, i), line) for b, lines in blocks for i, line in enumerate(lines))
    for (block_index, line_index), line in outside_fences(pairs):
        yield block_index, line_index, line


def _valid(text: str) -> bool:
    if text[0] in "–—-":
        return True
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _title(block: int, number: int, line: str) -> tuple[Place | None, Place | None]:
    """The title's span in a ``# `` line, and the span of a date ending it
    (``# Tracker — 2025-11-09``), if any. String operations, not a regular expression
    searched from every position, keep this linear on long lines."""
    match = _TITLE_RE.match(line)
    if match is None:
        return None, None
    start, end = match.end(), len(line.rstrip(" \t"))
    if end <= start:
        return None, None
    title = Place(block, number, start, end)
    if end - start < 14 or not _ISO_RE.fullmatch(line, end - 10, end):
        return title, None
    before = line[start : end - 10]
    spaced = before.rstrip(" \t")
    if spaced == before or not spaced or spaced[-1] not in "—–-":
        return title, None
    dashless = spaced[:-1]
    text = dashless.rstrip(" \t")
    if text == dashless or not text or not _valid(line[end - 10 : end]):
        return title, None
    return Place(block, number, start, start + len(text)), Place(block, number, end - 10, end)


def locate(blocks: Iterable[tuple[int, list[str]]]) -> Heading:
    """Where the title and the snapshot date are, in raw blocks given as (index, lines)."""
    blocks_list = list(blocks)
    title: Place | None = None
    title_date: Place | None = None
    in_heading: Place | None = None
    on_line: Place | None = None
    for block, number, line in _outside_fences(blocks_list):
        heading = HEADING_RE.match(line)
        if heading is not None:
            if title is None and heading.group(1) == "#":
                title, title_date = _title(block, number, line)
            if in_heading is None:
                match = _IN_HEADING_RE.search(line)
                if match is not None and _valid(match["date"]):
                    in_heading = Place(block, number, *match.span("date"))
        elif on_line is None and ("pdated" in line or "PDATED" in line):
            match = _LINE_RE.match(line)
            if match is not None and _valid(match["date"]):
                on_line = Place(block, number, *match.span("date"))
    when = in_heading or on_line or title_date
    if (
        title is not None
        and when is not None
        and when is in_heading
        and (when.block, when.line) == (title.block, title.line)
        and title.start <= when.start < title.end
    ):
        # "# Tracker (Updated 2024-06-02)": the title is the text before the parenthesis.
        line = dict(blocks_list)[title.block][title.line]
        end = line.rfind("(", title.start, when.start)
        while end > title.start and line[end - 1] in " \t":
            end -= 1
        title = Place(title.block, title.line, title.start, max(end, title.start))
    return Heading(title, when)


def date_text_value(text: str) -> date | None:
    return None if text[0] in "–—-" else date.fromisoformat(text)


def date_text(value: date | None) -> str:
    return value.isoformat() if value is not None else NO_DATE
