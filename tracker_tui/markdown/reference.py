"""The importer's vocabulary as markdown tables, for the README.

Generated from the one source of each list (``synonyms.SYNONYMS`` for headers and labels,
``rules.IMPORT_STATUS_WORDS`` / ``IMPORT_STATUS_EMOJI`` for statuses), so the README
cannot drift from what the importer does: ``python tools/readme_tables.py`` writes these
tables into README.md, and a test checks that the README holds them as generated.
"""

from __future__ import annotations

from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES
from tracker_tui.markdown.synonyms import DECISION_MARKERS, RISK_MARKERS, SYNONYMS
from tracker_tui.rules import IMPORT_STATUS_EMOJI, IMPORT_STATUS_WORDS

_STATUSES = {"task": DEFAULT_TASK_STATUSES, "risk": DEFAULT_RISK_STATUSES}


def _codes(words: tuple[str, ...] | list[str]) -> str:
    return " ".join(f"`{word}`" for word in words)


def header_table() -> str:
    """Each kind's fields and the headers (normalised, best first) that mean them."""
    lines = ["| Kind | Field | Headers, best first |", "| --- | --- | --- |"]
    for kind, fields in SYNONYMS.items():
        for field, words in fields.items():
            lines.append(f"| {kind} | {field} | {_codes(words)} |")
    lines.append(f"| risk | (marks a risk table; kept as extra) | {_codes(RISK_MARKERS)} |")
    lines.append(
        f"| decision | (marks a decision index; kept as extra) | {_codes(DECISION_MARKERS)} |"
    )
    return "\n".join(lines)


def status_table() -> str:
    """Each kind's default statuses and the words and emoji the import maps to them."""
    lines = ["| Kind | Read as | Written |", "| --- | --- | --- |"]
    for kind, statuses in _STATUSES.items():
        for status in statuses:
            written = [w for w, s in IMPORT_STATUS_WORDS[kind].items() if s == status]
            written += [e for e, s in IMPORT_STATUS_EMOJI[kind].items() if s == status]
            if written:
                lines.append(f"| {kind} | {status} | {_codes(written)} |")
    return "\n".join(lines)
