"""Headers matched by meaning: every synonym-table entry, header variants as people write
them, the rules that say what a table is, the ambiguity rule, and status mapping that
keeps meaning."""

from __future__ import annotations

import pytest

from tracker_tui.document import TableBlock
from tracker_tui.domain import DEFAULT_RISK_STATUSES, DEFAULT_TASK_STATUSES
from tracker_tui.markdown import parse_document, render_document
from tracker_tui.markdown.columns import classify, read_header
from tracker_tui.markdown.synonyms import SYNONYMS, field_for, normalise_header
from tracker_tui.rules import canonical_status

ENTRIES = [
    (kind, field, word)
    for kind, fields in SYNONYMS.items()
    for field, words in fields.items()
    for word in words
]


@pytest.mark.parametrize(("kind", "field", "word"), ENTRIES, ids=lambda v: str(v))
def test_every_synonym_entry_reads_as_its_field(kind: str, field: str, word: str) -> None:
    # As written in a document: capitalised, in bold, with a unit in parentheses.
    written = f"**{word.title()}** (note)"
    assert field_for(kind, written) is not None
    assert field_for(kind, written)[0] == field  # type: ignore[index]
    assert SYNONYMS[kind][field].count(word) == 1


def test_no_synonym_means_two_fields_of_one_kind() -> None:
    for kind, fields in SYNONYMS.items():
        seen: dict[str, str] = {}
        for field, words in fields.items():
            for word in words:
                assert word == normalise_header(word), word
                assert seen.setdefault(word, field) == field, (kind, word)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Date (UTC)", "date"),
        ("Progress (%)", "progress"),
        ("**% Complete**", "% complete"),
        ("🟢 Status", "status"),
        ("Owner:", "owner"),
        ("OWNER", "owner"),
        ("_Decided by_", "decided by"),
        ("Variant(s)", "variants"),
        ("`Risk ID`", "risk id"),
        ("Mitigation plan 🛡️", "mitigation plan"),
        ("(optional)", "optional"),
        ("Last-Updated", "last updated"),
    ],
)
def test_headers_are_normalised(written: str, normalised: str) -> None:
    assert normalise_header(written) == normalised


def table(header: list[str], row: list[str]) -> str:
    return (
        "# T\n\n| "
        + " | ".join(header)
        + " |\n|"
        + "---|" * len(header)
        + "\n| "
        + " | ".join(row)
        + " |\n"
    )


# (header as people write it, the table around it, the field it must reach).
VARIANTS = [
    ("Task ID", ["Task ID", "Title", "Status"], "task", "id"),
    ("**ID**", ["**ID**", "Title", "Status"], "task", "id"),
    ("Key", ["Key", "Summary", "Status"], "task", "id"),
    ("Summary", ["ID", "Summary", "Status"], "task", "title"),
    ("Task", ["ID", "Task", "Owner"], "task", "title"),
    ("Deliverable", ["ID", "Deliverable", "State"], "task", "title"),
    ("State", ["ID", "Title", "State"], "task", "status"),
    ("RAG", ["ID", "Title", "RAG"], "task", "status"),
    ("RAG Status", ["ID", "Title", "RAG Status"], "task", "status"),
    ("Progress (%)", ["ID", "Title", "Progress (%)"], "task", "progress"),
    ("% Done", ["ID", "Title", "% Done"], "task", "progress"),
    ("Responsible", ["ID", "Title", "Responsible"], "task", "owner"),
    ("DRI", ["ID", "Title", "DRI"], "task", "owner"),
    ("Agent", ["ID", "Title", "Agent", "Status"], "task", "owner"),
    ("Assigned to", ["ID", "Title", "Assigned to"], "task", "owner"),
    ("Updated (UTC)", ["ID", "Title", "Status", "Updated (UTC)"], "task", "last_update"),
    ("Completed", ["ID", "Title", "Completed"], "task", "completed"),
    ("Phase", ["ID", "Title", "Phase", "Status"], "task", "milestone"),
    ("Risk ID", ["Risk ID", "Risk", "Severity"], "risk", "id"),
    ("Severity", ["ID", "Risk", "Severity", "Likelihood"], "risk", "impact"),
    ("Response", ["ID", "Risk", "Response"], "risk", "mitigation"),
    ("Mitigation plan", ["ID", "Issue", "Mitigation plan"], "risk", "mitigation"),
    ("Summary", ["ID", "Summary", "Severity", "Probability"], "risk", "description"),
    ("Risk Owner", ["ID", "Risk", "Impact", "Risk Owner"], "risk", "owner"),
    ("RAG", ["ID", "Risk", "Impact", "RAG"], "risk", "status"),
    ("Decided by", ["Date", "Decision", "Decided by"], "decision", "owner"),
    ("Approver", ["Date", "Decision", "Approver"], "decision", "owner"),
    ("Made By", ["Date", "Decision Title", "Made By"], "decision", "owner"),
    ("Date (UTC)", ["Date (UTC)", "Decision", "Why"], "decision", "date"),
    ("Decision date", ["Decision date", "Decision"], "decision", "date"),
    ("Reasoning", ["Date", "Decision", "Reasoning"], "decision", "rationale"),
    ("Justification", ["Decision", "Justification"], "decision", "rationale"),
    ("Decision Title", ["Date", "Decision Title", "Owner"], "decision", "decision"),
]


@pytest.mark.parametrize(("header", "columns", "kind", "field"), VARIANTS)
def test_header_variants_reach_their_field(
    header: str, columns: list[str], kind: str, field: str
) -> None:
    cells = {
        "id": "X-1",
        "completed": "2024-05-01",
        "progress": "40%",
        "last_update": "2024-05-02",
        "date": "2024-05-03",
    }
    row = [cells.get(field, "value") if c == header else "cell" for c in columns]
    doc = parse_document(table(columns, row))
    block = next(b for b in doc.blocks if isinstance(b, TableBlock))
    assert block.kind == kind
    assert block.fields[columns.index(header)] == field


def test_a_completed_column_of_dates_completes_the_task() -> None:
    doc = parse_document(
        table(["ID", "Task", "Completed"], ["T-1", "Ship", "2024-05-01"]) + "| T-2 | Wait | |\n"
    )
    done, waiting = doc.tasks
    assert (done.status, done.progress, str(done.last_update)) == ("Complete", 100, "2024-05-01")
    assert (waiting.status, waiting.last_update) == ("Not Started", None)
    assert render_document(doc).count("2024-05-01") == 1


def test_a_decision_log_with_experiment_columns_is_a_decision_log() -> None:
    header = [
        "Date",
        "Area",
        "Hypothesis",
        "Variant(s)",
        "Metric(s)",
        "Result",
        "Decision",
        "Follow-up",
    ]
    doc = parse_document(table(header, ["2024-05-01", "a", "h", "v", "m", "r", "Ship B", "f"]))
    (decision,) = doc.decisions
    assert (decision.date, decision.decision) == ("2024-05-01", "Ship B")
    assert set(decision.extra) == {
        "Area",
        "Hypothesis",
        "Variant(s)",
        "Metric(s)",
        "Result",
        "Follow-up",
    }


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (["Phase", "Owner", "Completion"], "task"),  # rule 2: progress
        (["Date", "Decision", "Area", "Status"], "decision"),  # rule 3
        (["ADR", "Title", "Date"], "decision"),
        (["Risk", "Likelihood"], "risk"),  # rule 4
        (["Description", "Impact"], "risk"),
        (["Issue", "Status"], "risk"),
        (["ID", "Title", "Owner"], "task"),  # rule 5
        (["Area", "Status", "Evidence"], None),
        (["Metric", "Current", "Target", "Status"], None),
        (["ID", "Title", "Priority", "Status"], "task"),  # priority is not a risk's impact
    ],
)
def test_what_makes_a_table_of_each_kind(columns: list[str], kind: str | None) -> None:
    decided = classify(columns)
    assert (decided[0] if decided else None) == kind


def test_two_owner_columns_the_better_synonym_wins_the_other_goes_to_extra() -> None:
    reading = read_header(["Date", "Decision", "Approver", "Owner"])
    assert reading.fields == ["date", "decision", "extra:Approver", "owner"]
    assert reading.lost == {2: "owner"}
    # Between equals, the leftmost.
    reading = read_header(["ID", "Title", "Owner", "Owner"])
    assert reading.fields[2:] == ["owner", "extra:Owner"]


def test_ids_statuses_and_dates_come_out_of_formatting_and_go_back_in() -> None:
    text = table(
        ["ID", "Title", "Status", "Last Update"],
        ["**REL-101**", "Ship", "`In progress`", "[2024-05-01](notes.md)"],
    )
    doc = parse_document(text)
    (task,) = doc.tasks
    assert (task.id, task.status, str(task.last_update)) == ("REL-101", "In Progress", "2024-05-01")
    assert task.extra["_wrap_id"] == "**{}**"
    assert render_document(doc) == text


# Pairs that must never be merged into one status.
DIFFERENT = [
    ("Mitigating", "Mitigated", "risk"),
    ("Reopened", "Open", "risk"),
    ("Reopened", "Open", "task"),
    ("In progress", "Monitoring", "risk"),
    ("Accepted", "Closed", "risk"),
    ("Not done", "Done", "task"),
    ("Incomplete", "Complete", "task"),
    ("Partially complete", "Complete", "task"),
    ("Unblocked", "Blocked", "task"),
    ("Not started", "Started", "task"),
]


@pytest.mark.parametrize(("one", "other", "kind"), DIFFERENT)
def test_statuses_of_different_meaning_are_never_merged(one: str, other: str, kind: str) -> None:
    known = list(DEFAULT_RISK_STATUSES if kind == "risk" else DEFAULT_TASK_STATUSES)
    assert canonical_status(one, known, kind=kind) != canonical_status(other, known, kind=kind)


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Done", "Complete"),
        ("✅", "Complete"),
        ("In progress", "In Progress"),
        ("🟡", "At Risk"),
        ("Amber", "At Risk"),
        ("`todo`", "Not Started"),
    ],
)
def test_statuses_that_mean_the_same_are_mapped(written: str, status: str) -> None:
    assert canonical_status(written, list(DEFAULT_TASK_STATUSES)) == status


def test_an_unknown_status_is_kept_and_joins_the_list() -> None:
    text = (
        "# T\n\n| ID | Risk | Impact | Status |\n|---|---|---|---|\n"
        "| R-1 | a | High | Mitigating |\n| R-2 | b | Low | Mitigated |\n"
    )
    doc = parse_document(text)
    assert [r.status for r in doc.risks] == ["Mitigating", "Mitigated"]
    assert doc.risk_statuses == ["Mitigating"]
