"""Tables are recognised by their header words: which column holds what, and what kind
of table it is (tasks, risks, decisions), whatever the section title or column order.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from tracker_tui.document import EXTRA_PREFIX
from tracker_tui.domain import Decision, Risk, Task
from tracker_tui.fields import labelled
from tracker_tui.markdown.options import ReadOptions
from tracker_tui.markdown.synonyms import (
    DECISION_MARKERS,
    RISK_MARKERS,
    SYNONYMS,
    field_for,
    normalise_header,
)

__all__ = ["normalise_header"]

#: A task table cell that holds both the ID and the title (``1. Documentation``), for a
#: table without an ID column.
ID_TITLE = "id+title"

#: The entity fields each kind of table can fill, in the order of the default header:
#: the labelled fields the domain declares.
_TABLE_ENTITIES: dict[str, type] = {"task": Task, "risk": Risk, "decision": Decision}
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(item.name for item in labelled(entity)) for kind, entity in _TABLE_ENTITIES.items()
}

#: The header a new table of each kind gets (the seed's columns): the fields' labels.
DEFAULT_COLUMNS: dict[str, list[str]] = {
    kind: [str(item.label) for item in labelled(entity)] for kind, entity in _TABLE_ENTITIES.items()
}
DEFAULT_FIELDS: dict[str, list[str]] = {kind: list(KIND_FIELDS[kind]) for kind in KIND_FIELDS}

#: The heading of a section that export adds for a kind the document did not have.
DEFAULT_HEADINGS: dict[str, str] = {
    "task": "Tasks",
    "risk": "Issues & Risks",
    "decision": "Decision Log",
    "activity": "Activity Log",
    "checkpoint": "Upcoming Checkpoints",
    "cadence": "Communication Cadence Summary",
    "metric": "Metrics to Monitor",
}

#: Fields a table of each kind may fill besides the domain's (read into them on import).
_PSEUDO_FIELDS = {"task": ("completed",), "risk": (), "decision": ()}
#: Headers whose presence alone says what a table is (normalised).
_DECISION_WORDS = frozenset({"decision", "decisions", "decision made", "decision title"})
_RISK_WORDS = frozenset(
    {"risk", "risks", "risk description", "issue", "issues", "risk issue", "threat", "blocker"}
)


@dataclass
class HeaderReading:
    """How a table's header was read: its kind (None: kept as text), the field of each
    column (``extra:<label>`` for the others), the rule that decided the kind, and the
    columns that matched a field another column had already taken."""

    kind: str | None
    fields: list[str]
    rule: str = ""
    lost: dict[int, str] = dataclass_field(default_factory=dict)


def _candidates(
    kind: str, columns: list[str], options: ReadOptions
) -> list[tuple[str, int] | None]:
    found: list[tuple[str, int] | None] = []
    allowed = (*KIND_FIELDS[kind], *_PSEUDO_FIELDS[kind])
    for label in columns:
        mapped = options.field_for(kind, normalise_header(label))
        if mapped is not None:
            found.append(None if mapped == "extra" else (mapped, -1))
            continue
        match = field_for(kind, label)
        found.append(match if match is not None and match[0] in allowed else None)
    return found


def _has(found: list[tuple[str, int] | None], *fields: str) -> bool:
    return any(f is not None and f[0] in fields for f in found)


def classify(columns: list[str], options: ReadOptions | None = None) -> tuple[str, str] | None:
    """The kind of a table with these headers, and the rule that said so; None to keep it
    as text. The rules, in order (the first that holds decides):

    1. ``--kind K``: a table with at least two columns K knows is read as K.
    2. a progress column: tasks.
    3. a decision column (Decision, Decision title, or an ADR number) and a date or a
       rationale: decisions, whatever else the table carries.
    4. a risk's description (Risk, Issue, Description...) and an impact, a mitigation, a
       likelihood or probability; or a risk word (Risk, Issue, Risk ID) with an impact, a
       mitigation or a status: risks.
    5. an ID, a title, and one of status, progress, owner or completed date: tasks.
    """
    options = options or ReadOptions()
    words = {normalise_header(c) for c in columns}
    found = {kind: _candidates(kind, columns, options) for kind in KIND_FIELDS}
    if options.kind is not None:
        known = [f for f in found[options.kind] if f is not None]
        if len(known) >= 2:
            return options.kind, f"--kind {options.kind}s"
        return None
    task, risk, decision = found["task"], found["risk"], found["decision"]
    if _has(task, "progress"):
        return "task", "a progress column"
    mapped_decision = any(options.field_for("decision", w) == "decision" for w in words)
    if (words & _DECISION_WORDS or words & set(DECISION_MARKERS) or mapped_decision) and _has(
        decision, "date", "rationale"
    ):
        return "decision", "a decision column with a date or a rationale"
    risk_word = bool(words & _RISK_WORDS) or any(w.startswith("risk ") for w in words)
    marker = bool(words & set(RISK_MARKERS))
    if _has(risk, "description") and (_has(risk, "impact", "mitigation") or marker):
        return "risk", "a risk description with an impact, mitigation or likelihood"
    if risk_word and (_has(risk, "impact", "mitigation", "status") or marker):
        return "risk", "a risk column with an impact, mitigation or status"
    if (
        _has(task, "id")
        and _has(task, "title")
        and _has(task, "status", "progress", "owner", "completed")
    ):
        return "task", "an ID, a title and a status, owner or completed date"
    return None


# When a table has no column for the kind's main text, the first column of one of these
# fields (of another kind) holds it, then the first column no kind knows.
_MAIN_FIELD = {"task": "title", "risk": "description", "decision": "decision"}
_MAIN_FALLBACK = {
    "task": (("risk", "description"), ("decision", "decision")),
    "risk": (("task", "title"),),
    "decision": (("task", "title"), ("risk", "description")),
}


def read_header(columns: list[str], options: ReadOptions | None = None) -> HeaderReading:
    """The kind of a table and the field of each of its columns.

    Each field goes to one column: the one whose header is the field's better synonym
    (``SYNONYMS`` lists them best first), and between equals the leftmost; the others
    are kept as extra columns, listed in ``lost``.
    """
    options = options or ReadOptions()
    decided = classify(columns, options)
    if decided is None:
        return HeaderReading(None, [EXTRA_PREFIX + c for c in columns])
    kind, rule = decided
    found = _candidates(kind, columns, options)
    best: dict[str, tuple[int, int]] = {}
    for index, match in enumerate(found):
        if match is None:
            continue
        name, rank = match
        if name not in best or rank < best[name][0]:
            best[name] = (rank, index)
    fields: list[str | None] = [None] * len(columns)
    lost: dict[int, str] = {}
    for index, match in enumerate(found):
        if match is None:
            continue
        if best[match[0]][1] == index:
            fields[index] = match[0]
        else:
            lost[index] = match[0]
    main = _MAIN_FIELD[kind]
    if main not in fields and kind == "task" and "milestone" in fields:
        # A table of phases (Phase, Owner, Completion): the phase is what each row is.
        fields[fields.index("milestone")] = main
    if main not in fields:
        free = [i for i in range(len(columns)) if fields[i] is None]
        preferred = [
            i
            for other, name in _MAIN_FALLBACK[kind]
            for i in free
            if (m := field_for(other, columns[i])) is not None and m[0] == name
        ]
        unknown = [i for i in free if i not in lost and not _known_anywhere(columns[i])]
        if preferred or unknown:
            fields[(preferred or unknown)[0]] = main
    labels: set[str] = set()
    result = []
    for index, field_name in enumerate(fields):
        if field_name is None:
            label = columns[index] or f"Column {index + 1}"
            base, number = label, 2
            while label in labels:
                label = f"{base} ({number})"
                number += 1
            labels.add(label)
            field_name = EXTRA_PREFIX + label
        result.append(field_name)
    return HeaderReading(kind, result, rule, lost)


def _known_anywhere(label: str) -> bool:
    return any(field_for(kind, label) is not None for kind in KIND_FIELDS)


def closest_kind(columns: list[str]) -> str | None:
    """For a table kept as text: the kind whose synonyms match most of its headers (a
    checkpoint or metric table included), to suggest ``--kind`` in a refusal."""
    best, score = None, 0
    for kind in SYNONYMS:
        matched = sum(field_for(kind, c) is not None for c in columns)
        if matched > score:
            best, score = kind, matched
    return best
