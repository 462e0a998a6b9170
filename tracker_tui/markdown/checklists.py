"""Checklists as tasks: ``- [ ]`` / ``- [x]`` items under a heading.

Each item is a task. Its milestone is the nearest heading; its status Complete for ``[x]``,
else what the heading says (``Phase 1 ✅ COMPLETED``, ``— **active**``), else Not Started.
An item that starts with an ID (``UT-001:``, ``**REL-7**``) has that ID; the others get one
made from the heading (``P1-01``, ``P1-02`` under ``Phase 1``), recorded as generated
(``_id_generated``) so that export leaves it out. An ``@owner``, an ``(Owner: Name)`` and a
date at the end of an item are read; when most items of a list end with ``(Name)``, that is
their owner. Indented lines under an item are its notes.

Export writes each task back as its item: ``[x]`` while it is Complete, ``[ ]`` otherwise
(``s`` to Complete checks the box), the end of the line as it was while the owner and date
still say the same.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from tracker_tui.domain import COMPLETE, NOT_STARTED, Task
from tracker_tui.markdown.cells import HINT_ID_GENERATED, StatusReader, date_from_text
from tracker_tui.markdown.unwrap import unwrap, wrap

CHECK_RE = re.compile(r"^(?P<marker>[-*+])[ \t]+\[(?P<box>[ xX])\](?:[ \t]+(?P<text>.*))?$")
_ID_RE = re.compile(
    r"^(?P<id>\*\*[A-Za-z][A-Za-z0-9]*[-_][0-9][A-Za-z0-9.\-]*\*\*|`[A-Za-z][A-Za-z0-9]*[-_][0-9]"
    r"[A-Za-z0-9.\-]*`|[A-Za-z][A-Za-z0-9]*[-_][0-9][A-Za-z0-9.\-]*)"
    r"(?P<sep>:[ \t]+|[ \t]+[–—-][ \t]+)(?P<rest>\S.*)$"
)
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
# The end of an item: owner and date marks, each after a space (and maybe a dash or comma).
_TAIL_PART = (
    r"(?:[ \t]*[,;]?[ \t]+(?:[–—-][ \t]+)?"
    r"(?:@[A-Za-z0-9_.\-]+|\((?:owner:[ \t]*)?@?[A-Za-z][^()\n]{0,40}\)|\(?(?:due|done|on)?[ \t]*"
    + _DATE
    + r"\)?))"
)
_TAIL_RE = re.compile(r"(?P<tail>(?:" + _TAIL_PART + r")+)$", re.IGNORECASE)
_PART_RE = re.compile(_TAIL_PART, re.IGNORECASE)
_DATE_RE = re.compile(_DATE)
_MAY_END_TAIL = re.compile(r"(?:@[A-Za-z0-9_.\-]+|\)|[0-9]{4}-[0-9]{2}-[0-9]{2})[,;]?$")
_NAME_RE = re.compile(r"^[A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,2}$")
_PREFIX_WORD_RE = re.compile(r"[A-Za-z]+")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)*")

HINT_BOX = "_box"
HINT_TAIL = "_tail"
HINT_INDENT = "_indent"
HINT_SEP = "_id_sep"
#: A blank line before the item in the source.
HINT_GAP = "_gap"


def is_check_item(line: str) -> bool:
    return CHECK_RE.match(line) is not None


def heading_status(heading: str, statuses: StatusReader) -> str | None:
    """The status a heading gives its unchecked items (``✅ COMPLETED``, ``— **active**``,
    ``(In progress)``), or None."""
    if any(mark in heading for mark in ("✅", "✔", "☑")):
        return COMPLETE
    candidates = []
    for dash in (" — ", " – ", " - "):
        if dash in heading:
            candidates.append(heading.rsplit(dash, 1)[1])
    candidates += re.findall(r"\(([^()]{1,40})\)", heading)
    for text in candidates:
        words = unwrap(text.strip())[0].strip()
        if not words or len(words.split()) > 3:
            continue
        mapped = statuses.peek(words)
        if mapped is not None and mapped != NOT_STARTED:
            return mapped
    return None


def checklist_milestone(heading: str) -> str:
    """The milestone a heading names: its text without the status it gives and without
    emoji or formatting (``Phase 1: Foundation ✅ COMPLETED`` → ``Phase 1: Foundation``)."""
    text = heading
    for dash in (" — ", " – ", " - "):
        text = text.split(dash, 1)[0]
    text = re.sub(r"\((?:[^()]*)\)", " ", text)
    text = re.sub(r"[✅✔☑]\s*[A-Za-z ]*$", "", text)
    text = "".join(c for c in text if c not in "*_`" and (c.isalnum() or c in " .:/&+,'-#"))
    return " ".join(text.split()) or " ".join(heading.split())


def id_prefix(heading: str) -> str:
    """``Phase 1: Foundation`` → ``P1``; ``Milestone 4.5`` → ``M4.5``; ``Core features`` →
    ``CF``; no heading → ``T``."""
    words = _PREFIX_WORD_RE.findall(heading)
    number = _NUMBER_RE.search(heading)
    if number is not None and words:
        return str(words[0][0].upper() + number.group(0))
    initials = "".join(w[0] for w in words[:3]).upper()
    return initials or "T"


@dataclass
class ChecklistItem:
    """One ``- [ ]`` item as read: its line, the indented lines under it, and whether a
    blank line came before it."""

    line: str
    more: list[str]
    gap: bool = False


def owners_in_parens(items: list[ChecklistItem]) -> bool:
    """Whether most items of a list end with ``(Name)``: then that is each one's owner."""
    ended = 0
    for item in items:
        match = CHECK_RE.match(item.line)
        text = (match["text"] or "") if match else ""
        last = re.search(r"\(([^()]*)\)$", text)
        if last is not None and _NAME_RE.match(last.group(1)):
            ended += 1
    return len(items) >= 2 and ended * 5 >= len(items) * 3


def _read_tail(tail: str, parens_are_owners: bool) -> tuple[str, str] | None:
    """(owner, date) from the end of an item, or None when it is not all owner/date marks."""
    owner, day = "", ""
    for part in _PART_RE.findall(tail):
        mark = part.strip(" \t,;–—-")
        date_match = _DATE_RE.search(mark)
        if date_match is not None and not mark.startswith("@"):
            if day:
                return None
            day = date_match.group(0)
            continue
        name = mark.strip("()")
        if mark.startswith("@"):
            name = name[1:]
        elif name.casefold().startswith("owner:"):
            name = name[6:].strip()
        elif (
            mark.startswith("(")
            and not name.startswith("@")
            and not (parens_are_owners and _NAME_RE.match(name))
        ):
            return None
        if owner:
            return None
        owner = name
    return owner, day


def default_tail(owner: str, day: str) -> str:
    """How export ends an item whose owner or date changed: `` @ann (2024-06-02)``."""
    tail = ""
    if owner:
        tail += f" @{owner}" if re.fullmatch(r"@?[A-Za-z0-9_.\-]+", owner) else f" ({owner})"
        tail = tail.replace("@@", "@")
    if day:
        tail += f" ({day})"
    return tail


def read_items(
    items: list[ChecklistItem],
    heading: str,
    milestone: str,
    statuses: StatusReader,
) -> list[Task]:
    """The tasks of one checklist. IDs not written in an item are left empty here: the
    caller makes them (see ``id_prefix``) once it knows every ID of the document."""
    from_heading = heading_status(heading, statuses)
    parens = owners_in_parens(items)
    tasks = []
    for item in items:
        match = CHECK_RE.match(item.line)
        assert match is not None
        box, text = match["box"], match["text"] or ""
        extra: dict[str, str] = {}
        identifier = ""
        found = _ID_RE.match(text) if text[:1].isalpha() or text[:1] in "*`" else None
        if found is not None:
            identifier, wrapper = unwrap(found["id"])
            if wrapper:
                extra["_wrap_id"] = wrapper
            if found["sep"] != ": ":
                extra[HINT_SEP] = found["sep"]
            text = found["rest"]
        owner, day = "", ""
        # Owner and date marks are short: only the end of a long item is searched.
        start = max(0, len(text) - 160)
        # Every mark ends in a letter, digit, ")" or "."; most items end otherwise.
        tail = _TAIL_RE.search(text, start) if _MAY_END_TAIL.search(text) else None
        if tail is not None and tail.start() > 0:
            read = _read_tail(tail["tail"], parens)
            if read is not None:
                owner, day = read
                if tail["tail"] != default_tail(owner, day):
                    extra[HINT_TAIL] = tail["tail"]
                text = text[: tail.start()]
        if box in "xX":
            status, status_text = COMPLETE, ""
            if box == "X":
                extra[HINT_BOX] = "X"
        else:
            status, status_text = from_heading or statuses.default, ""
            if status == COMPLETE:
                extra[HINT_BOX] = "open"  # unchecked, yet Complete by its heading
        notes = ""
        if item.more:
            indent = os.path.commonprefix(  # noqa: RUF071  (whitespace, not paths)
                [line[: len(line) - len(line.lstrip())] for line in item.more]
            )
            notes = "\n".join(line[len(indent) :] for line in item.more)
            if indent != "  ":
                extra[HINT_INDENT] = indent
        if match["marker"] != "-":
            extra["_marker"] = match["marker"]
        if match["text"] is None:
            extra["_bare"] = "1"
        if item.gap:
            extra[HINT_GAP] = "1"
        tasks.append(
            Task(
                id=identifier,
                title=text,
                milestone=milestone,
                owner=owner,
                status=status,
                status_text=status_text,
                progress=100 if status == COMPLETE else 0,
                last_update=date_from_text(day) if day else None,
                notes=notes,
                extra=extra,
            )
        )
    return tasks


def render_item(task: Task) -> list[str]:
    """The checklist lines of a task: its item, then its notes indented under it."""
    extra = task.extra
    box = "x" if task.status == COMPLETE else " "
    hinted = extra.get(HINT_BOX)
    if hinted == "X" and task.status == COMPLETE:
        box = "X"
    elif hinted == "open" and task.status == COMPLETE:
        box = " "
    text = ""
    if task.id and not extra.get(HINT_ID_GENERATED):
        text = wrap(task.id, extra.get("_wrap_id")) + (extra.get(HINT_SEP) or ": ")
    text += task.title
    day = task.last_update.isoformat() if task.last_update is not None else ""
    tail = extra.get(HINT_TAIL)
    if tail is None or _read_tail(tail, True) != (task.owner, day):
        tail = default_tail(task.owner, day)
    text += tail
    marker = extra.get("_marker") or "-"
    line = f"{marker} [{box}]" + ("" if extra.get("_bare") and not text else f" {text}")
    lines = [""] if extra.get(HINT_GAP) else []
    lines.append(line)
    if task.notes:
        indent = extra.get(HINT_INDENT) or "  "
        lines += [indent + part if part.strip() else part for part in task.notes.split("\n")]
    return lines
