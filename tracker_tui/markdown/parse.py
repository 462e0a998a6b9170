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
from pathlib import Path

from tracker_tui.document import EXTRA_PREFIX, Block, Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import (
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.markdown import limits
from tracker_tui.markdown.cells import HINT_ID_GENERATED, StatusReader
from tracker_tui.markdown.checklists import (
    ChecklistItem,
    checklist_milestone,
    id_prefix,
    is_check_item,
    read_items,
)
from tracker_tui.markdown.columns import closest_kind
from tracker_tui.markdown.lines import (
    BULLET_RE,
    FENCE_RE,
    escape_cell,
    fence_closes,
    heading_text,
    is_blank,
    is_delimiter_row,
    is_row,
    split_row,
    table_row,
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
from tracker_tui.markdown.options import ReadOptions
from tracker_tui.markdown.report import Found, Reading
from tracker_tui.markdown.scorecard import read_scorecard, scorecard_roles
from tracker_tui.markdown.sections import (
    DATED_RE,
    RECORD_RE,
    level,
    read_run,
    record_form,
    starts_record,
)
from tracker_tui.markdown.snapshot import date_text_value, locate
from tracker_tui.markdown.source import file_error, prepare_lines, read_text
from tracker_tui.markdown.tables import fit_cells, read_table

_GENERATED_ID_PREFIX = {"task": "T-", "risk": "R-"}


def parse_document(text: str, options: ReadOptions | None = None) -> Document:
    """Parse a tracker written in markdown.

    Every cell and item text is passed through ``sanitize.clean_text``. Statuses are
    mapped to the default set (``status_text`` keeps the source spelling); statuses that
    match nothing are kept as written and listed in ``task_statuses``/``risk_statuses``.
    Tables without an ID column get generated IDs (``T-01``, ``R-01``...) that export does
    not write; so do checklist items without one (``P1-01`` under ``Phase 1``). Store keys
    (``key``) are None.

    Raises:
        TrackerError: the text is empty, binary, over a limit, has duplicate IDs, or holds
            no tracker table, checklist or record section and no activity log (the message
            names the closest thing found and suggests ``--dry-run``).
    """
    document, reading = read_markdown(text, options)
    if not understood(document):
        raise TrackerError(refusal(reading))
    return document


def understood(document: Document) -> bool:
    """Whether the importer read anything of a tracker in the document."""
    return any(
        isinstance(b, TableBlock) or (isinstance(b, ListBlock) and b.kind == "activity")
        for b in document.blocks
    )


def refusal(reading: Reading) -> str:
    """The one line that refuses a document nothing was understood of: it names the
    closest thing found and suggests ``--dry-run``."""
    closest = reading.closest()
    if closest is None:
        found = "no tracker table, checklist, record section or activity log found"
    else:
        note = closest.note or "not a tracker table"
        found = f"no tracker table found; the closest is {closest.describe()}: {note}"
    return f"{found}; run import with --dry-run to see what was read"


def read_markdown(text: str, options: ReadOptions | None = None) -> tuple[Document, Reading]:
    """The document, and what was understood of it (for ``--dry-run``); never refuses a
    document for holding no tracker (``parse_document`` does).

    Raises:
        TrackerError: the text is empty, binary, over a limit or has duplicate IDs.
    """
    options = options or ReadOptions()
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
    final_newline = text.endswith(("\n", "\r"))
    lines = prepare_lines(text)
    scanner = _Scanner(lines, options)
    scanner.run()
    blocks = _drop_summaries(scanner)
    _assign_ids(blocks, scanner.row_lines)
    reading = scanner.reading
    for kind, reader in scanner.statuses.items():
        reading.statuses += [(kind, written, read) for written, read in reader.mapped]
        reading.statuses += [(kind, written, "(new status)") for written in reader.unknown]
    document = Document(
        tracker=_tracker_info(blocks),
        blocks=blocks,
        task_statuses=scanner.statuses["task"].unknown,
        risk_statuses=scanner.statuses["risk"].unknown,
        newline=newline,
        final_newline=final_newline,
        read_options="" if options.empty else options.as_json(),
    )
    return document, reading


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

    def __init__(self, lines: list[str], options: ReadOptions) -> None:
        self.lines = lines
        self.options = options
        self.blocks: list[Block] = []
        #: For each record block (by index), the line number of each item.
        self.row_lines: dict[int, list[int]] = {}
        #: For each record block (by index), its source lines [start, end).
        self.spans: dict[int, tuple[int, int]] = {}
        self.statuses = {
            "task": StatusReader(DEFAULT_TASK_STATUSES, "task"),
            "risk": StatusReader(DEFAULT_RISK_STATUSES, "risk"),
        }
        self.reading = Reading()
        self._raw: list[str] = []
        self._heading = ""
        #: (level, text) of the headings above the current line.
        self._headings: list[tuple[int, str]] = []
        self._section: tuple[int, str] | None = None
        self._section_read = False

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
                index = self._checklist(index) if is_check_item(line) else self._list(index)
                continue
            elif first in ("`", "~", " "):
                match = FENCE_RE.match(line)
                if match:
                    fence = match.group(1)
            if first in ("#", " "):
                heading = heading_text(line)
                if heading is not None:
                    end = self._records(index)
                    if end is not None:
                        index = end
                        continue
                    self._enter(index, line, heading)
            self._raw.append(line)
            index += 1
        self._flush()
        self._leave()

    def _enter(self, index: int, line: str, heading: str) -> None:
        depth = level(line)
        self._leave()
        self._heading = heading
        while self._headings and self._headings[-1][0] >= depth:
            self._headings.pop()
        self._headings.append((depth, heading))
        self._section = (index + 1, heading)
        self._section_read = False

    def _leave(self) -> None:
        if self._section is not None and not self._section_read:
            self.reading.text_sections.append(self._section)
        self._section = None

    def _flush(self) -> None:
        # Blank lines between two modelled blocks are dropped: export writes one there.
        if any(line.strip() for line in self._raw):
            self.blocks.append(RawBlock("\n".join(self._raw)))
        self._raw = []

    def _add(self, block: Block, start: int, end: int, numbers: list[int] | None = None) -> None:
        self._flush()
        self.blocks.append(block)
        self._section_read = True
        if numbers is not None:
            self.row_lines[len(self.blocks) - 1] = numbers
            self.spans[len(self.blocks) - 1] = (start, end)

    def _records(self, start: int) -> int | None:
        """Read the records written as sections from the heading at ``start``; the index
        after them, or None when that heading does not open one."""
        line = self.lines[start]
        depth = level(line)
        above = [text for d, text in self._headings if d < depth]
        if not starts_record(line, above):
            return None
        run = read_run(self.lines, start, above, self.statuses, self.options)
        if run is None:
            return None
        end, kind, items, labels = run
        hashes, sep = record_form(line)
        numbers, index = [], start
        for _ in items:  # each record starts at a heading of the run's depth
            numbers.append(index + 1)
            index += 1
            while index < end and level(self.lines[index]) != depth:
                index += 1
        style = {"layout": "sections", "level": hashes, "sep": sep}
        dated = DATED_RE.match(line) is not None and RECORD_RE.match(line) is None
        if dated:
            style["dated"] = "1"
        self._add(TableBlock(kind, [], [], list(items), style), start, end, numbers)
        seen: dict[str, str] = {}
        for fields in labels:
            for label, name in fields:
                seen.setdefault(label, name)
        layout = "dated headings" if dated else "record sections"
        rule = "dated headings under a decision log" if dated else "headings with an ID and fields"
        self.reading.found.append(
            Found(start + 1, end, layout, kind, len(items), rule, list(seen.items()))
        )
        return end

    def _checklist(self, start: int) -> int:
        """Read the run of ``- [ ]`` items at ``start`` as tasks."""
        lines, count = self.lines, len(self.lines)
        items: list[ChecklistItem] = []
        numbers: list[int] = []
        index, end = start, start
        gap = False
        while index < count:
            line = lines[index]
            if is_check_item(line):
                item = ChecklistItem(line, [], gap)
                gap = False
                numbers.append(index + 1)
                index += 1
                while index < count and lines[index][:1] in (" ", "\t") and lines[index].strip():
                    item.more.append(lines[index])
                    index += 1
                items.append(item)
                end = index
                continue
            if is_blank(line):
                after = index
                while after < count and is_blank(lines[after]):
                    after += 1
                if after < count and is_check_item(lines[after]):
                    index, gap = after, True
                    continue
            break
        heading = self._heading
        milestone = checklist_milestone(heading)
        tasks = read_items(items, heading, milestone, self.statuses["task"])
        style = {"layout": "checklist", "prefix": id_prefix(milestone)}
        self._add(TableBlock("task", [], [], list(tasks), style), start, end, numbers)
        self.reading.found.append(
            Found(start + 1, end, "checklist", "task", len(tasks), f"items under {heading!r}")
        )
        return end

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
        labels = [_one_line(c) for c in columns]
        found = Found(start + 1, index, "table", None, len(rows), headers=[])
        if width <= limits.MAX_TABLE_COLUMNS:
            widths = [len(row) for row in rows]
            fitted = [fit_cells([_one_line(c) for c in row], width) for row in rows]
            block, header = read_table(labels, fitted, self.statuses, self.options, widths)
            roles = scorecard_roles(labels) if block is None and self.options.kind is None else None
            if roles is not None:
                metrics, style = read_scorecard(lines[start : start + 2], roles, fitted)
                found.kind, found.rule = "metric", "a metric, a target and a current column"
                found.headers = [
                    (label, "extra" if role.startswith(EXTRA_PREFIX) else role)
                    for label, role in zip(labels, roles, strict=True)
                ]
                self._add(ListBlock("metric", list(metrics), style), start, index, numbers)
                self.reading.found.append(found)
                return index
            found.headers = [
                (label, "extra" if f.startswith(EXTRA_PREFIX) else f)
                for label, f in zip(labels, header.fields, strict=True)
            ]
            found.rule = header.rule
            if header.lost:
                lost = ", ".join(f"{labels[i]} ({f})" for i, f in sorted(header.lost.items()))
                found.note = f"also matched, kept as extra: {lost}"
            if block is None:
                guess = closest_kind(labels)
                found.note = (
                    "not a tracker table"
                    + (
                        f" (it looks like a {guess} table, which is kept as text)"
                        if guess in ("checkpoint", "metric")
                        else ""
                    )
                    + f"; try --kind {guess if guess in ('task', 'risk', 'decision') else 'task'}s"
                )
        else:
            found.note = f"wider than {limits.MAX_TABLE_COLUMNS} columns: kept as text"
        if block is None:
            self._raw.extend(lines[start:index])
        else:
            found.kind = block.kind
            # The first two lines as written, when export would write them otherwise.
            default = table_row([escape_cell(c) for c in labels])
            if lines[start] != default:
                block.style["header"] = lines[start]
            if lines[start + 1] != table_row(["---"] * width):
                block.style["delimiter"] = lines[start + 1]
            self._add(block, start, index, numbers)
        self.reading.found.append(found)
        return index

    def _bullets(self, start: int) -> tuple[int, list[_Bullet]]:
        """The run of top-level bullets at ``start`` (blank lines between bullets allowed)."""
        lines, count = self.lines, len(self.lines)
        bullets: list[_Bullet] = []
        index = start
        blanks: list[str] = []
        while index < count:
            line = lines[index]
            if BULLET_RE.match(line) and not is_check_item(line):
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
                if (
                    after < count
                    and BULLET_RE.match(lines[after])
                    and not is_check_item(lines[after])
                ):
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
                self._add(current, start, end)
                self.reading.found.append(
                    Found(start + 1, end, "list", kind, 0, f"bullets under {self._heading!r}")
                )
            self.reading.found[-1].items += 1
            if "sep" in style:
                item = reread(item, _one_line(bullet.line), style["sep"])
            current.items.append(make_entity(kind, item))
        return end


def _drop_summaries(scanner: _Scanner) -> list[Block]:
    """Blocks whose every ID names a record read earlier (a summary table repeating a
    register written as sections) are kept as text, as they were."""
    blocks = scanner.blocks
    seen: dict[str, set[str]] = {"task": set(), "risk": set()}
    kept: list[Block] = []
    row_lines: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        ids = (
            [item.id for item in block.items if item.id]  # type: ignore[union-attr]
            if isinstance(block, TableBlock) and block.kind in seen
            else []
        )
        if ids and all(i in seen[block.kind] for i in ids):
            start, end = scanner.spans[index]
            text = "\n".join(scanner.lines[start:end])
            for found in scanner.reading.found:
                if found.first_line == start + 1:
                    found.kind, found.note = None, "repeats records read above: kept as text"
            if kept and isinstance(kept[-1], RawBlock):
                kept[-1] = RawBlock(kept[-1].text + "\n" + text)
            else:
                kept.append(RawBlock(text))
            continue
        if isinstance(block, TableBlock) and block.kind in seen:
            seen[block.kind].update(ids)
        if isinstance(block, RawBlock) and kept and isinstance(kept[-1], RawBlock):
            kept[-1] = RawBlock(kept[-1].text + "\n" + block.text)
            continue
        if index in scanner.row_lines:
            row_lines[len(kept)] = scanner.row_lines[index]
        kept.append(block)
    scanner.row_lines = row_lines
    return kept


def _assign_ids(blocks: list[Block], row_lines: dict[int, list[int]]) -> None:
    """Give records without an ID one (``T-01``, ``R-01``; ``P1-01`` in a checklist under
    ``Phase 1``), skipping IDs in use, and refuse an ID used twice within a kind."""
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
            checklist = block.style.get("layout") == "checklist"
            written = "id" in block.fields or block.style.get("layout") == "sections"
            counter = 0
            for position, item in enumerate(block.items):
                if item.id:  # type: ignore[union-attr]
                    continue
                while True:
                    if checklist:
                        counter += 1
                        identifier = f"{block.style.get('prefix') or 'T'}-{counter:02d}"
                    else:
                        number += 1
                        identifier = f"{prefix}{number:0{width}d}"
                    if identifier not in first_line:
                        break
                first_line[identifier] = 0
                extra = item.extra  # type: ignore[union-attr]
                if checklist or written:
                    extra = {**extra, HINT_ID_GENERATED: "1"}
                block.items[position] = dataclasses.replace(item, id=identifier, extra=extra)  # type: ignore[arg-type]


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


def read_document(path: str | PathLike[str], options: ReadOptions | None = None) -> Document:
    """Read and parse the tracker at ``path``.

    Raises:
        TrackerError: ``<path>[, line <n>]: <why>`` (one line, ``line`` set where one
            applies) when the path is missing, a directory, too large, unreadable,
            binary, not UTF-8, or not a tracker.
    """
    document, reading = read_file(path, options)
    if not understood(document):
        raise file_error(Path(path), refusal(reading), None)
    return document


def read_file(
    path: str | PathLike[str], options: ReadOptions | None = None
) -> tuple[Document, Reading]:
    """``read_markdown`` on the file at ``path``: the document and what was understood of
    it, whether or not it is a tracker (``--dry-run`` shows both).

    Raises:
        TrackerError: as ``read_document``, except for a document that is not a tracker.
    """
    file, text = read_text(path)
    try:
        return read_markdown(text, options)
    except TrackerError as error:
        message = str(error)
        if error.line is not None:
            message = message.removeprefix(f"line {error.line}: ")
        raise file_error(file, message, error.line) from None
