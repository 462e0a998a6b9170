"""Records written as sections: a heading with an ID and a title, then ``**Field:** value``
lines; and decision logs written as dated headings.

```
### RISK-001: CoreML FFI Too Complex        ## 2026-02-03 — Drop the nightly build
**Likelihood:** Medium                      (under a "Decision log" heading: a decision,
**Impact:** High (blocks Phase 1)            the paragraphs below are its rationale)
**Mitigation:**
1. Start MLX backend in parallel
```

A record's kind comes from the section it sits in (a heading above it that says risks,
decisions or tasks), else from its fields (severity, likelihood, mitigation: a risk;
decision, rationale: a decision; status, progress, owner: a task), else from its ID
(``RISK-``, ``R-``: a risk). Labels are matched through the synonym table; a label the kind
does not know is an extra field under its own name. A field that holds text (mitigation,
description, rationale, notes and extras) keeps its paragraph, and when its label stands
alone on its line, every paragraph, list and code block under it up to the next label.
Other fields (status, owner, impact, dates) take the rest of their line.

A record is written back as the section it was: its text is kept as a template in the
``_section`` hint, with the place of each field's value, and export puts the current
values in those places. A record with no hint (added in the dashboard) is written in the
default form: the heading, a blank line, then a ``**Label:** value`` line per field.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from tracker_tui.document import EXTRA_PREFIX, Entity
from tracker_tui.domain import Decision, Risk, Task
from tracker_tui.fields import labelled
from tracker_tui.markdown.cells import StatusReader, StatusWriter
from tracker_tui.markdown.lines import FENCE_RE, HEADING_RE, fence_closes, outside_fences
from tracker_tui.markdown.options import ReadOptions
from tracker_tui.markdown.synonyms import field_for, normalise_header
from tracker_tui.markdown.values import cell_getter, read_value

_ID = r"(?:\*\*|`)?[A-Za-z][A-Za-z0-9]*[-_][0-9][A-Za-z0-9.\-]*(?:\*\*|`)?"
_SEP = r"(?:[ \t]*[:–—][ \t]*|[ \t]+-[ \t]+|[ \t]+)"
RECORD_RE = re.compile(
    r"^(?P<hashes>#{2,6})[ \t]+(?P<id>" + _ID + r")(?P<sep>" + _SEP + r")(?P<title>\S.*)$"
)
DATED_RE = re.compile(
    r"^(?P<hashes>#{2,6})[ \t]+(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<sep>"
    + _SEP
    + r")(?P<title>\S.*)$"
)
FIELD_RE = re.compile(
    r"^(?P<lead>(?:[-*+][ \t]+)?)\*\*(?P<label>[^*\n]{1,60}?)(?::\*\*|\*\*[ \t]*:)"
    r"(?P<gap>[ \t]*)(?P<value>.*)$"
)
_BREAK_RE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")

HINT_SECTION = "_section"
MAIN_FIELD = {"task": "title", "risk": "description", "decision": "decision"}
#: Fields that keep paragraphs; the others take the rest of their line.
TEXT_FIELDS = frozenset({"description", "mitigation", "rationale", "notes", "decision", "title"})
_CONTEXT_WORDS = (
    ("risk", re.compile(r"\b(risks?|issues?|threats?|raid)\b")),
    ("decision", re.compile(r"\b(decisions?|adrs?)\b")),
    ("task", re.compile(r"\b(tasks?|backlog|work items?|stories|tickets?)\b")),
)
_RISK_LABELS = frozenset({"impact", "mitigation"})
_RISK_MARKS = frozenset({"likelihood", "probability", "severity"})
_ENTITY: dict[str, Callable[[dict[str, object]], Entity]] = {
    "task": lambda values: Task(**values),  # type: ignore[arg-type]
    "risk": lambda values: Risk(**values),  # type: ignore[arg-type]
    "decision": lambda values: Decision(key=None, **values),  # type: ignore[arg-type]
}
_REQUIRED: dict[str, dict[str, object]] = {
    "task": {"id": "", "title": ""},
    "risk": {"id": "", "description": ""},
    "decision": {"date": "", "decision": ""},
}


def level(line: str) -> int:
    match = HEADING_RE.match(line)
    return len(match.group(1)) if match else 0


def context_kind(headings: list[str]) -> str | None:
    """The kind a section says its records are, from the nearest heading that says one."""
    for heading in reversed(headings):
        words = heading.casefold()
        for kind, pattern in _CONTEXT_WORDS:
            if pattern.search(words):
                return kind
    return None


def _kind_from_labels(labels: list[str], identifier: str) -> str | None:
    words = {normalise_header(label) for label in labels}
    if words & (_RISK_LABELS | _RISK_MARKS):
        return "risk"
    if words & {"decision", "rationale", "decided by", "why"}:
        return "decision"
    if words & {"status", "progress", "owner", "assignee", "milestone", "due"}:
        return "task" if not re.match(r"(?i)^(risk|r)[-_]", identifier) else "risk"
    return None


@dataclass
class Record:
    """A record's text and where each field's value sits in it (offsets into ``text``)."""

    text: str
    spans: list[tuple[int, int, str]]


def _end_of_record(lines: list[str], start: int, depth: int) -> int:
    """The index of the first line after the record whose heading is at ``start``."""
    index, fence = start + 1, ""
    while index < len(lines):
        line = lines[index]
        if fence:
            if fence_closes(fence, line):
                fence = ""
        else:
            opened = FENCE_RE.match(line)
            if opened:
                fence = opened.group(1)
            elif 0 < level(line) <= depth:
                break
        index += 1
    while index - 1 > start and not lines[index - 1].strip():
        index -= 1
    return index


def record_form(line: str) -> tuple[str, str]:
    """(heading marks, separator) of a record heading: what the records a run adds in
    the dashboard are written with."""
    match = RECORD_RE.match(line) or DATED_RE.match(line)
    return (match["hashes"], match["sep"]) if match else ("###", ": ")


def starts_record(line: str, headings: list[str]) -> bool:
    """Whether a heading line may open a record (an ID and a title; or a date and a title
    under a decision log)."""
    if line[:1] != "#":
        return False
    if RECORD_RE.match(line):
        return True
    return DATED_RE.match(line) is not None and context_kind(headings) == "decision"


def read_run(
    lines: list[str],
    start: int,
    headings: list[str],
    statuses: dict[str, StatusReader],
    options: ReadOptions,
) -> tuple[int, str, list[Entity], list[list[tuple[str, str]]]] | None:
    """The records from ``start`` on, while each heading at the same depth opens one of the
    same kind: (index after them, kind, entities, each record's labels and fields). None
    when the heading at ``start`` does not open a record."""
    depth = level(lines[start])
    index = start
    kind: str | None = None
    items: list[Entity] = []
    labels: list[list[tuple[str, str]]] = []
    form = record_form(lines[start])
    while (
        index < len(lines)
        and level(lines[index]) == depth
        and starts_record(lines[index], headings)
    ):
        end = _end_of_record(lines, index, depth)
        read = _read_record(lines[index:end], headings, statuses, options, kind, form)
        if read is None:
            break
        record_kind, entity, fields = read
        kind = record_kind
        items.append(entity)
        labels.append(fields)
        index = end
        after = index
        while after < len(lines) and not lines[after].strip():
            after += 1
        if (
            after < len(lines)
            and level(lines[after]) == depth
            and starts_record(lines[after], headings)
        ):
            index = after
        else:
            break
    if kind is None or not items:
        return None
    return index, kind, items, labels


def _field_lines(body: list[str]) -> list[tuple[int, re.Match[str]]]:
    found = []
    for number, line in outside_fences(enumerate(body)):
        match = FIELD_RE.match(line)
        if match is not None:
            found.append((number, match))
    return found


def _read_record(
    lines: list[str],
    headings: list[str],
    statuses: dict[str, StatusReader],
    options: ReadOptions,
    run_kind: str | None,
    form: tuple[str, str],
) -> tuple[str, Entity, list[tuple[str, str]]] | None:
    head = lines[0]
    dated = DATED_RE.match(head) if context_kind(headings) == "decision" else None
    record = RECORD_RE.match(head) if dated is None else None
    body = lines[1:]
    field_lines = _field_lines(body)
    if dated is None and not field_lines:
        return None
    identifier = record["id"] if record is not None else ""
    kind = options.kind or run_kind or context_kind(headings)
    if kind is None:
        kind = _kind_from_labels([m["label"] for _, m in field_lines], identifier)
    if kind is None or (run_kind is not None and kind != run_kind):
        return None
    spans: list[tuple[int, int, str]] = []
    taken: dict[str, int] = {}
    extras: set[str] = set()
    values: dict[str, object] = dict(_REQUIRED[kind])
    extra: dict[str, str] = {}
    status = statuses.get(kind)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    head_match = dated or record
    assert head_match is not None
    first = "date" if dated is not None else ("id" if kind != "decision" else "extra:ID")
    pieces = [(first, "date" if dated is not None else "id"), (MAIN_FIELD[kind], "title")]
    for name, group in pieces:
        spans.append((head_match.start(group), head_match.end(group), name))
    assigned: list[tuple[str, str]] = []
    covered: set[int] = set()
    for number, match in field_lines:
        label = match["label"].strip()
        mapped = _label_field(kind, label, options)
        name = mapped or ""
        if mapped is None or name in taken or name in (first, MAIN_FIELD[kind]):
            key = label
            suffix = 2
            while key in extras:
                key = f"{label} ({suffix})"
                suffix += 1
            extras.add(key)
            name = EXTRA_PREFIX + key
        taken[name] = number
        assigned.append((label, name if not name.startswith(EXTRA_PREFIX) else "extra"))
        offset = starts[number + 1] + match.start("value")
        end_line = _value_end(body, number, field_lines, name, bool(match["value"].strip()))
        if match["value"].strip():
            begin = offset
        else:
            nxt = number + 1
            while nxt < end_line and not body[nxt].strip():
                nxt += 1
            begin = starts[nxt + 1] if nxt <= end_line else offset
        finish = starts[end_line + 2] - 1
        covered.update(range(number, end_line + 1))
        finish = max(finish, begin)
        spans.append((begin, finish, name))
    if dated is not None and "rationale" not in taken:
        _dated_rationale(body, covered, starts, spans)
    text = "\n".join(lines)
    spans.sort()
    for begin, finish, name in spans:
        value = text[begin:finish]
        if name.startswith(EXTRA_PREFIX):
            extra[name[len(EXTRA_PREFIX) :]] = value
        else:
            read_value(name, value, values, extra, status)
    entity = _ENTITY[kind](dict(values, extra=extra))
    if render_default(entity, kind, *form) != text:
        extra[HINT_SECTION] = json.dumps(_template(text, spans), ensure_ascii=False)
        entity = _ENTITY[kind](dict(values, extra=extra))
    heading_fields = [(piece, name) for name, piece in pieces]
    return kind, entity, heading_fields + assigned


def _dated_rationale(
    body: list[str],
    covered: set[int],
    starts: list[int],
    spans: list[tuple[int, int, str]],
) -> None:
    """A dated decision's rationale: its first run of paragraphs that no label holds."""
    first = next((n for n, line in enumerate(body) if line.strip() and n not in covered), None)
    if first is None:
        return
    last = first
    for number in range(first, len(body)):
        if number in covered:
            break
        if body[number].strip():
            last = number
    spans.append((starts[first + 1], starts[last + 2] - 1, "rationale"))


def _label_field(kind: str, label: str, options: ReadOptions) -> str | None:
    mapped = options.field_for(kind, normalise_header(label))
    if mapped is not None:
        return None if mapped == "extra" else mapped
    found = field_for(kind, label)
    if found is None or found[0] == "completed":
        return None
    return found[0]


def _value_end(
    body: list[str],
    number: int,
    field_lines: list[tuple[int, re.Match[str]]],
    name: str,
    inline: bool,
) -> int:
    """The body index of the last line of a field's value (``number`` for its own line)."""
    following = [n for n, _ in field_lines if n > number]
    limit = following[0] if following else len(body)
    text_field = name.startswith(EXTRA_PREFIX) or name in TEXT_FIELDS
    if not text_field:
        return number
    end = number
    index = number + 1
    fence = ""
    while index < limit:
        line = body[index]
        if fence:
            if fence_closes(fence, line):
                fence = ""
            end = index
            index += 1
            continue
        if _BREAK_RE.match(line) or HEADING_RE.match(line):
            break
        if not line.strip():
            if inline:
                break
            index += 1
            continue
        opened = FENCE_RE.match(line)
        if opened:
            if inline:
                break
            fence = opened.group(1)
        end = index
        index += 1
    return end


def _template(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """``text`` as literal, field, literal, field, ..., literal."""
    parts, at = [], 0
    for begin, finish, name in spans:
        parts += [text[at:begin], name]
        at = finish
    parts.append(text[at:])
    return parts


@functools.lru_cache(maxsize=4)
def _status_writer(kind: str) -> StatusWriter:
    from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES

    return StatusWriter(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES, kind)


def _value(entity: Entity, kind: str, name: str, status: StatusWriter) -> str:
    if name.startswith(EXTRA_PREFIX):
        return entity.extra.get(name[len(EXTRA_PREFIX) :], "")  # type: ignore[union-attr]
    return cell_getter(kind, name, status)(entity)


def render_record(entity: Entity, kind: str, style: dict[str, str]) -> list[str]:
    """A record's lines: its template filled with its values, or the default form."""
    hint = entity.extra.get(HINT_SECTION)  # type: ignore[union-attr]
    if hint:
        try:
            parts = json.loads(hint)
        except ValueError:
            parts = None
        if (
            isinstance(parts, list)
            and len(parts) % 2 == 1
            and all(isinstance(p, str) for p in parts)
        ):
            status = _status_writer(kind)
            out = []
            for index, part in enumerate(parts):
                out.append(part if index % 2 == 0 else _value(entity, kind, part, status))
            return "".join(out).split("\n")
    hashes = style.get("level", "###")
    sep = style.get("sep", ": ")
    return render_default(entity, kind, hashes, sep).split("\n")


def render_default(entity: Entity, kind: str, hashes: str, sep: str) -> str:
    """The default form of a record: heading, blank line, one labelled line per field."""
    status = _status_writer(kind)
    main = MAIN_FIELD[kind]
    if kind == "decision":
        first = _value(entity, kind, "date", status) or _value(entity, kind, "extra:ID", status)
    else:
        first = _value(entity, kind, "id", status)
    lines = [f"{hashes} {first}{sep}{_value(entity, kind, main, status)}"]
    body = []
    skip = {main, "date" if kind == "decision" else "id"}
    for spec in labelled(type(entity)):
        if spec.name in skip:
            continue
        value = _value(entity, kind, spec.name, status)
        if value:
            body.append(_labelled(str(spec.label), value))
    for label, value in entity.extra.items():  # type: ignore[union-attr]
        if not label.startswith("_") and value and not (kind == "decision" and label == "ID"):
            body.append(_labelled(label, value))
    if body:
        lines += ["", *body]
    return "\n".join(lines)


def _labelled(label: str, value: str) -> str:
    return f"**{label}:**\n{value}" if "\n" in value else f"**{label}:** {value}"
