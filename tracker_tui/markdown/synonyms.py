"""Header words, as data: for each kind of record, the headers that mean each of its fields.

This is the one place a new header is taught to the importer (a table's column header, or a
section record's ``**Label:**``). Every entry is tested (``tests/test_markdown_headers.py``).

Headers are compared after ``normalise_header``: lower case, without emphasis, emoji,
punctuation or text in parentheses (``**Date (UTC)** 📅`` → ``date``). Within a field the
synonyms are listed best first: when two columns of a table match the same field, the one
whose header comes earlier in the list wins, and between equals the leftmost (the other
goes to ``extra``, and ``import --dry-run`` shows it there).

``completed`` is a task column of dates (``Completed``, ``Done on``): a date there makes the
task Complete, and that date is its last update.
"""

from __future__ import annotations

import functools
import re

#: kind → field → synonyms (normalised), best first. Kinds: task, risk, decision (tables
#: and section records), checkpoint and metric (named in refusals and ``--dry-run``: they are
#: read from lists, a table of them is kept as text).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "task": {
        "id": ("id", "task id", "key", "ref", "#", "no", "item id", "ticket"),
        "title": (
            "title",
            "task",
            "name",
            "task name",
            "summary",
            "workstream",
            "epic",
            "deliverable",
            "work item",
            "item",
            "feature",
            "description",
        ),
        "milestone": ("milestone", "milestones", "phase", "stage", "sprint", "release"),
        "owner": (
            "owner",
            "owners",
            "assignee",
            "assignees",
            "assigned to",
            "lead",
            "responsible",
            "dri",
            "agent",
            "who",
        ),
        "status": ("status", "state", "rag", "rag status", "health"),
        "progress": (
            "progress",
            "% complete",
            "percent complete",
            "completion",
            "% done",
            "complete %",
            "progress %",
            "% progress",
            "done %",
        ),
        "last_update": (
            "last update",
            "updated",
            "last updated",
            "updated on",
            "last modified",
            "last change",
            "since",
        ),
        "completed": ("completed", "completed on", "date completed", "done on", "finished"),
        "notes": ("notes", "note", "comments", "comment", "remarks"),
    },
    "risk": {
        "id": ("id", "risk id", "issue id", "ref", "#", "no", "key", "risk #", "risk no"),
        "description": (
            "description",
            "risk",
            "risk description",
            "issue",
            "risks",
            "issues",
            "risk issue",
            "summary",
            "title",
            "blocker",
            "threat",
        ),
        "impact": ("impact", "severity", "risk level", "risk rating"),
        "mitigation": (
            "mitigation",
            "mitigations",
            "mitigation plan",
            "mitigation strategy",
            "response",
            "response plan",
            "action",
            "actions",
            "countermeasure",
            "contingency",
        ),
        "owner": (
            "owner",
            "owners",
            "risk owner",
            "assignee",
            "responsible",
            "dri",
            "lead",
            "agent",
            "who",
        ),
        "status": ("status", "state", "rag", "rag status"),
    },
    "decision": {
        "date": (
            "date",
            "decision date",
            "date decided",
            "decided on",
            "when",
            "decided",
            "date made",
        ),
        "decision": (
            "decision",
            "decisions",
            "decision made",
            "decision title",
            "title",
            "summary",
            "what",
        ),
        "rationale": (
            "rationale",
            "why",
            "reason",
            "reasons",
            "reasoning",
            "justification",
            "decision reasoning",
            "context",
        ),
        "owner": (
            "owner",
            "decided by",
            "made by",
            "decision maker",
            "approver",
            "approved by",
            "responsible",
            "dri",
            "agent",
            "who",
        ),
    },
    "checkpoint": {
        "when": ("when", "date", "target", "target window", "target date", "due", "due date"),
        "text": ("checkpoint", "milestone", "name", "event", "description", "what"),
    },
    # A table with all three is a scorecard (``markdown.scorecard``).
    "metric": {
        "text": ("metric", "metrics", "kpi", "kpis", "dimension", "measure", "indicator"),
        "value": ("current", "actual", "current value", "value", "now"),
        "target": ("target", "goal", "target value"),
    },
}

#: Headers that say a risk table is a risk table beside its description (the likelihood
#: and probability columns themselves go to ``extra``: the store has no field for them).
RISK_MARKERS: tuple[str, ...] = ("likelihood", "probability", "exposure", "risk score")

#: An Architecture Decision Record number marks a decision index (kept as an extra column).
DECISION_MARKERS: tuple[str, ...] = ("adr", "adr #", "adr id", "adr no", "decision id")

_PARENS_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_MARKUP_RE = re.compile(r"[*_`~]")


@functools.lru_cache(maxsize=4096)
def normalise_header(label: str) -> str:
    """A header as the synonym table spells it: ``**Date (UTC)** 📅`` → ``date``.

    Lower case; emphasis, emoji and punctuation dropped (``%`` and ``#`` kept, they are
    words in ``% Complete`` and ``#``); text in parentheses dropped, unless that is all
    there is; ``(s)`` kept as a plural (``Variant(s)`` → ``variants``).
    """
    text = label.replace("(s)", "s").replace("(S)", "S")
    stripped = _PARENS_RE.sub(" ", text)
    if _words(stripped):
        text = stripped
    return _words(text)


_NOT_WORD_RE = re.compile(r"[^\w%#]+")


def _words(text: str) -> str:
    # \w: letters and digits of any script (emoji and punctuation are not words).
    text = _MARKUP_RE.sub("", text).casefold()
    return " ".join(_NOT_WORD_RE.sub(" ", text).split())


#: normalised header → field, per kind (the first kind's own synonyms are checked first).
FIELD_OF: dict[str, dict[str, tuple[str, int]]] = {
    kind: {
        word: (field, rank) for field, words in fields.items() for rank, word in enumerate(words)
    }
    for kind, fields in SYNONYMS.items()
}


def field_for(kind: str, label: str) -> tuple[str, int] | None:
    """The field of ``kind`` a header means, and its rank among that field's synonyms
    (0 is the best); None for a header the kind does not know."""
    words = normalise_header(label)
    found = FIELD_OF[kind].get(words)
    if found is not None:
        return found
    if words.endswith(" id") and "id" in SYNONYMS[kind]:
        return "id", 50
    if words.endswith(" date") and kind == "decision":
        return "date", 50
    return None
