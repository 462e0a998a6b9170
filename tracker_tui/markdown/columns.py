"""Tables are recognised by their header words: which column holds what, and what kind
of table it is (tasks, risks, decisions), whatever the section title or column order.
"""

from __future__ import annotations

import re

from tracker_tui.document import EXTRA_PREFIX
from tracker_tui.domain import Decision, Risk, Task
from tracker_tui.fields import labelled

#: A task table cell that holds both the ID and the title (``1. Documentation``), for a
#: table without an ID column.
ID_TITLE = "id+title"

# Header words, normalised by ``normalise_header``, for each role a column can play.
_ROLE_WORDS: dict[str, frozenset[str]] = {
    "id": frozenset(
        {"id", "task id", "key", "ref", "#", "no", "risk id", "issue id", "item id", "ticket"}
    ),
    "title": frozenset(
        {"title", "task", "name", "workstream", "task name", "epic", "deliverable", "work item"}
    ),
    "milestone": frozenset({"milestone", "milestones"}),
    "owner": frozenset(
        {"owner", "owners", "assignee", "assignees", "lead", "responsible", "dri", "assigned to"}
    ),
    "status": frozenset({"status", "state", "rag", "rag status", "health"}),
    "progress": frozenset(
        {
            "progress",
            "% complete",
            "completion",
            "percent complete",
            "% done",
            "complete %",
            "progress %",
            "% progress",
        }
    ),
    "last_update": frozenset(
        {"last update", "updated", "last updated", "updated on", "last modified", "last change"}
    ),
    "impact": frozenset({"impact", "severity"}),
    "rationale": frozenset({"rationale", "why", "reason", "reasoning", "justification"}),
    "description": frozenset(
        {"description", "risk", "issue", "risks", "issues", "risk description", "risk issue"}
    ),
    "mitigation": frozenset(
        {"mitigation", "mitigations", "mitigation plan", "mitigation strategy", "response"}
    ),
    "decision": frozenset({"decision", "decisions", "decision made"}),
    "date": frozenset({"date", "decision date", "due date", "date decided", "when"}),
    "notes": frozenset({"notes", "note", "comments", "comment", "remarks"}),
    # An Architecture Decision Record number: marks a decision index; kept as an extra.
    "adr": frozenset({"adr", "adr #", "adr id", "adr no"}),
}
_WORD_ROLE = {word: role for role, words in _ROLE_WORDS.items() for word in words}

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

_MARKUP_RE = re.compile(r"[*_`]")
_PUNCT_RE = re.compile(r"[^\w%# ]+")


def normalise_header(label: str) -> str:
    """``**% Complete**`` → ``% complete``: lower case, without markup or punctuation."""
    text = _MARKUP_RE.sub("", label).lower().replace("(s)", "s")
    return " ".join(_PUNCT_RE.sub(" ", text).split())


def header_role(label: str) -> str | None:
    """The role of a column from its header words, or None for a column we do not know."""
    words = normalise_header(label)
    role = _WORD_ROLE.get(words)
    if role is None:
        if words.endswith(" id"):
            return "id"
        if words.endswith(" date"):
            return "date"
    return role


def classify(roles: list[str | None]) -> str | None:
    """The kind of a table with these column roles, or None to keep it as raw markdown.

    A task table has a progress column, or an ID, a title and a status; a decision table
    has a decision (or ADR) column and a date or rationale; a risk table has a description
    and an impact or mitigation.
    """
    present = set(roles)
    if "progress" in present:
        return "task"
    if present & {"decision", "adr"} and present & {"date", "rationale"}:
        return "decision"
    if ("description" in present and present & {"impact", "mitigation"}) or (
        "title" in present and "mitigation" in present
    ):
        return "risk"
    if {"id", "title", "status"} <= present:
        return "task"
    return None


# When a table has no column for the kind's main text, the first column of one of these
# roles holds it (then the first column we do not know at all).
_MAIN_FIELD = {"task": "title", "risk": "description", "decision": "decision"}
_MAIN_FALLBACK = {
    "task": ("description", "decision"),
    "risk": ("title",),
    "decision": ("title", "description"),
}


def map_fields(kind: str, columns: list[str], roles: list[str | None]) -> list[str]:
    """For each column, the entity field it fills, or ``extra:<label>`` (labels made
    unique within the table, so that no value overwrites another in ``extra``)."""
    allowed = KIND_FIELDS[kind]
    fields: list[str | None] = [None] * len(columns)
    taken: set[str] = set()
    for index, role in enumerate(roles):
        if role in allowed and role not in taken:
            fields[index] = role
            taken.add(role)
    main = _MAIN_FIELD[kind]
    if main not in taken:
        free = [i for i in range(len(columns)) if fields[i] is None]
        preferred = [i for i in free if roles[i] in _MAIN_FALLBACK[kind]]
        unknown = [i for i in free if roles[i] is None]
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
    return result
