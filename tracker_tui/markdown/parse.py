"""Markdown → Document: the importer.

The document is read line by line (see ``lines``). Tables recognised by their header words
become ``TableBlock``s, bullet lists of a known kind become ``ListBlock``s, and everything
else, including tables and lists we do not model, stays verbatim in ``RawBlock``s, so that
export can write it back where it was.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from os import PathLike

from tracker_tui.document import Block, Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import (
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.markdown import limits
from tracker_tui.markdown.cells import StatusReader
from tracker_tui.markdown.lines import (
    BULLET_RE,
    FENCE_RE,
    fence_closes,
    heading_text,
    is_blank,
    is_delimiter_row,
    is_row,
    split_row,
)
from tracker_tui.markdown.lists import (
    Item,
    is_dated,
    kind_for_heading,
    list_style,
    make_entity,
    read_item,
    reread,
)
from tracker_tui.markdown.snapshot import date_text_value, locate
from tracker_tui.markdown.source import file_error, prepare_lines, read_text
from tracker_tui.markdown.tables import fit_cells, read_table

_GENERATED_ID_PREFIX = {"task": "T-", "risk": "R-"}


def parse_document(text: str) -> Document:
    """Parse a tracker written in markdown.

    Every cell and item text is passed through ``sanitize.clean_text``. Statuses are
    mapped to the default set (``status_text`` keeps the source spelling); statuses that
    match nothing are kept as written and listed in ``task_statuses``/``risk_statuses``.
    Tables without an ID column get generated IDs (``T-01``, ``R-01``...) that export does
    not write. Store keys (``key``) are None.

    Raises:
        TrackerError: the text is empty, binary, over a limit, has duplicate IDs, or holds
            no tracker table (tasks, risks, decisions) and no activity log.
    """
    lines = prepare_lines(text)
    scanner = _Scanner(lines)
    scanner.run()
    blocks = scanner.blocks
    _assign_ids(blocks, scanner.row_lines)
    if not any(
        isinstance(b, TableBlock) or (isinstance(b, ListBlock) and b.kind == "activity")
        for b in blocks
    ):
        raise TrackerError(
            "no tracker table (tasks, risks or decisions) or activity log found; "
            "is this a progress tracker?"
        )
    return Document(
        tracker=_tracker_info(blocks),
        blocks=blocks,
        task_statuses=scanner.statuses["task"].unknown,
        risk_statuses=scanner.statuses["risk"].unknown,
    )


def _one_line(text: str) -> str:
    # The whole text went through clean_text(multiline=True) already; for a single-line
    # value clean_text(multiline=False) then only turns tabs into spaces.
    return text.replace("\t", " ") if "\t" in text else text


@dataclass
class _Bullet:
    """One bullet of a list: the blank lines before it, its line, and indented lines after."""

    before: list[str]
    line: str
    more: list[str] = field(default_factory=list)


class _Scanner:
    """Walks the lines once, emitting blocks in document order."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.blocks: list[Block] = []
        #: For each table block (by index), the line number of each item's row.
        self.row_lines: dict[int, list[int]] = {}
        self.statuses = {
            "task": StatusReader(DEFAULT_TASK_STATUSES, "task"),
            "risk": StatusReader(DEFAULT_RISK_STATUSES, "risk"),
        }
        self._raw: list[str] = []
        self._heading = ""

    def run(self) -> None:
        lines, count = self.lines, len(self.lines)
        index, fence = 0, ""
        while index < count:
            line = lines[index]
            if fence:
                self._raw.append(line)
                if fence_closes(fence, line):
                    fence = ""
                index += 1
                continue
            first = line[:1]
            if first in ("|", " ") and is_row(line):
                end = self._table(index)
                if end is not None:
                    index = end
                    continue
            elif first in ("-", "*", "+") and BULLET_RE.match(line):
                index = self._list(index)
                continue
            elif first in ("`", "~", " "):
                match = FENCE_RE.match(line)
                if match:
                    fence = match.group(1)
            if first in ("#", " "):
                heading = heading_text(line)
                if heading is not None:
                    self._heading = heading
            self._raw.append(line)
            index += 1
        self._flush()

    def _flush(self) -> None:
        # Blank lines between two modelled blocks are dropped: export writes one there.
        if any(line.strip() for line in self._raw):
            self.blocks.append(RawBlock("\n".join(self._raw)))
        self._raw = []

    def _add(self, block: Block) -> None:
        self._flush()
        self.blocks.append(block)

    def _table(self, start: int) -> int | None:
        """Read the table whose header is at ``start``; the index after it, or None when
        ``start`` is not a table header."""
        lines = self.lines
        if start + 1 >= len(lines) or not is_delimiter_row(lines[start + 1]):
            return None
        columns = split_row(lines[start])
        width = len(columns)
        if len(split_row(lines[start + 1])) != width:
            return None
        rows: list[list[str]] = []
        numbers: list[int] = []
        index = start + 2
        while index < len(lines):
            line = lines[index]
            if is_row(line):
                if index + 1 < len(lines) and is_delimiter_row(lines[index + 1]):
                    break  # the header of the next table
                rows.append(split_row(line))
                numbers.append(index + 1)
                index += 1
                continue
            if is_blank(line):
                # A blank line inside a table, with more rows of the same width after it
                # and no new header: those rows belong to this table (the seed's R-05).
                after = index
                while after < len(lines) and is_blank(lines[after]):
                    after += 1
                if (
                    after < len(lines)
                    and is_row(lines[after])
                    and not (after + 1 < len(lines) and is_delimiter_row(lines[after + 1]))
                    and len(split_row(lines[after])) == width
                ):
                    index = after
                    continue
            break
        block = None
        if width <= limits.MAX_TABLE_COLUMNS:
            fitted = [fit_cells([_one_line(c) for c in row], width) for row in rows]
            block = read_table([_one_line(c) for c in columns], fitted, self.statuses)
        if block is None:
            self._raw.extend(lines[start:index])
        else:
            self._add(block)
            self.row_lines[len(self.blocks) - 1] = numbers
        return index

    def _bullets(self, start: int) -> tuple[int, list[_Bullet]]:
        """The run of top-level bullets at ``start`` (blank lines between bullets allowed)."""
        lines, count = self.lines, len(self.lines)
        bullets: list[_Bullet] = []
        index = start
        blanks: list[str] = []
        while index < count:
            line = lines[index]
            if BULLET_RE.match(line):
                bullet = _Bullet(blanks, line)
                blanks = []
                index += 1
                while index < count and lines[index][:1] in (" ", "\t") and lines[index].strip():
                    bullet.more.append(lines[index])
                    index += 1
                bullets.append(bullet)
                continue
            if is_blank(line):
                after = index
                while after < count and is_blank(lines[after]):
                    after += 1
                if after < count and BULLET_RE.match(lines[after]):
                    blanks = lines[index:after]
                    index = after
                    continue
            break
        return index, bullets

    def _list(self, start: int) -> int:
        """Read the bullets at ``start``: those in the form of the section's kind become
        ``ListBlock``s, the others stay raw, in place."""
        end, bullets = self._bullets(start)
        kind = kind_for_heading(self._heading)
        items: list[Item | None] = []
        for bullet in bullets:
            item = None
            if not bullet.more:
                item = read_item(kind or "activity", _one_line(bullet.line))
                if kind is None and item is not None and not is_dated(item):
                    item = None
            items.append(item)
        kind = kind or "activity"
        matched = [item for item in items if item is not None]
        style = list_style(kind, matched) if matched else {}
        current: ListBlock | None = None
        for bullet, item in zip(bullets, items, strict=True):
            if item is not None and kind == "cadence" and item.form != style["form"]:
                item = None
            if item is None:
                self._raw.extend(bullet.before)
                self._raw.append(bullet.line)
                self._raw.extend(bullet.more)
                current = None
                continue
            if current is None:
                current = ListBlock(kind=kind, items=[], style=dict(style))
                self._add(current)
            if "sep" in style:
                item = reread(item, _one_line(bullet.line), style["sep"])
            current.items.append(make_entity(kind, item))
        return end


def _assign_ids(blocks: list[Block], row_lines: dict[int, list[int]]) -> None:
    """Give rows without an ID one (``T-01``, ``R-01``... skipping IDs in use), and refuse
    an ID used twice within a kind."""
    for kind, prefix in _GENERATED_ID_PREFIX.items():
        tables = [
            (index, block)
            for index, block in enumerate(blocks)
            if isinstance(block, TableBlock) and block.kind == kind
        ]
        first_line: dict[str, int] = {}
        missing = 0
        for index, block in tables:
            for item, number in zip(block.items, row_lines[index], strict=True):
                identifier = item.id  # type: ignore[union-attr]
                if not identifier:
                    missing += 1
                elif identifier in first_line:
                    raise TrackerError(
                        f"{kind} ID {identifier!r} is used twice "
                        f"(first on line {first_line[identifier]})",
                        line=number,
                    )
                else:
                    first_line[identifier] = number
        if not missing:
            continue
        width = max(2, len(str(missing)))
        number = 0
        for _, block in tables:
            for position, item in enumerate(block.items):
                if item.id:  # type: ignore[union-attr]
                    continue
                while True:
                    number += 1
                    identifier = f"{prefix}{number:0{width}d}"
                    if identifier not in first_line:
                        break
                block.items[position] = dataclasses.replace(item, id=identifier)  # type: ignore[arg-type]


def _tracker_info(blocks: list[Block]) -> TrackerInfo:
    raw = [(i, b.text.split("\n")) for i, b in enumerate(blocks) if isinstance(b, RawBlock)]
    places = locate(raw)
    texts = dict(raw)
    title = ""
    if places.title is not None:
        title = texts[places.title.block][places.title.line][places.title.start : places.title.end]
    snapshot = None
    if places.date is not None:
        line = texts[places.date.block][places.date.line]
        snapshot = date_text_value(line[places.date.start : places.date.end])
    return TrackerInfo(title=title, snapshot_date=snapshot)


def read_document(path: str | PathLike[str]) -> Document:
    """Read and parse the tracker at ``path``.

    Raises:
        TrackerError: ``<path>[, line <n>]: <why>`` (one line, ``line`` set where one
            applies) when the path is missing, a directory, too large, unreadable,
            binary, not UTF-8, or not a tracker.
    """
    file, text = read_text(path)
    try:
        return parse_document(text)
    except TrackerError as error:
        message = str(error)
        if error.line is not None:
            message = message.removeprefix(f"line {error.line}: ")
        raise file_error(file, message, error.line) from None
