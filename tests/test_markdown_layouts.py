"""Checklists as tasks and records written as sections, on small documents of our own:
three checklist trackers, two section-record registers and two heading-dated decision
logs. Each is read as a user expects and written back as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker_tui.cli import main
from tracker_tui.markdown import parse_document, render_document

ROADMAP = """\
# Launch roadmap

## Phase 1: Foundation (COMPLETE) ✅
- [x] Scaffold the repo @ann
- [ ] Write the CI pipeline
- [x] Pick a licence (2024-05-02)

## Phase 2: Beta — In progress
- [ ] Invite testers @bob 2024-06-01
- [x] Feedback form
"""

RELEASE = """\
# Release checklist

## Milestone 3 — shipped
* [X] REL-101: Freeze the branch
* [x] **REL-102** — Tag the release
  Signed with the release key.
  - [x] checked by Dana

## Milestone 4
* [ ] REL-103: Announce it (Owner: Priya Shah)
"""

SPRINT = """\
# Sprint 12

Notes before the list.

## Backlog

- [ ] Login page (Ann Lee)
- [ ] Password reset (Bob Stone)
- [x] Session timeout (Cy Young)

- [ ] Audit log (Ann Lee)
"""


def test_checklist_items_are_tasks_under_their_heading() -> None:
    doc = parse_document(ROADMAP)
    tasks = doc.tasks
    assert [t.id for t in tasks] == ["P1-01", "P1-02", "P1-03", "P2-01", "P2-02"]
    assert all(t.extra["_id_generated"] == "1" for t in tasks)
    assert {t.milestone for t in tasks[:3]} == {"Phase 1: Foundation"}
    # The heading says Phase 1 is complete: its unchecked item is Complete too.
    assert [t.status for t in tasks[:3]] == ["Complete"] * 3
    assert [t.status for t in tasks[3:]] == ["In Progress", "Complete"]
    assert (tasks[0].owner, tasks[0].title) == ("ann", "Scaffold the repo")
    assert tasks[2].last_update == date(2024, 5, 2)
    assert (tasks[3].owner, tasks[3].last_update) == ("bob", date(2024, 6, 1))
    assert render_document(doc) == ROADMAP


def test_checklist_ids_written_in_items_are_kept_with_their_formatting() -> None:
    doc = parse_document(RELEASE)
    _, second, third = doc.tasks
    assert [t.id for t in doc.tasks] == ["REL-101", "REL-102", "REL-103"]
    assert second.extra["_wrap_id"] == "**{}**"
    assert second.notes == "Signed with the release key.\n- [x] checked by Dana"
    assert (third.owner, third.status, third.milestone) == (
        "Priya Shah",
        "Not Started",
        "Milestone 4",
    )
    assert render_document(doc) == RELEASE


def test_owners_in_parentheses_when_most_items_have_one() -> None:
    doc = parse_document(SPRINT)
    assert [t.owner for t in doc.tasks] == ["Ann Lee", "Bob Stone", "Cy Young", "Ann Lee"]
    assert [t.id for t in doc.tasks] == ["B-01", "B-02", "B-03", "B-04"]
    assert render_document(doc) == SPRINT
    # One item in parentheses among many is part of the title, not an owner.
    doc = parse_document("# T\n\n## Charts\n- [ ] Charts (Recharts)\n- [ ] Export CSV\n")
    assert doc.tasks[0].title == "Charts (Recharts)" and doc.tasks[0].owner == ""


def through_the_store(tmp_path: Path, text: str, *edit: str) -> str:
    """``text`` imported, edited with ``tracker-tui set`` (``edit``), and exported."""
    source, db, out = tmp_path / "r.md", tmp_path / "t.db", tmp_path / "out.md"
    source.write_text(text, encoding="utf-8")
    assert main(["import", str(source), "--db", str(db)]) == 0
    assert main(["set", *edit, "--db", str(db)]) == 0
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_completing_a_task_checks_its_box(tmp_path: Path) -> None:
    written = through_the_store(tmp_path, ROADMAP, "P2-01", "--status", "Complete")
    assert "- [x] Invite testers @bob" in written
    assert (
        written.replace("- [x] Invite testers", "- [ ] Invite testers").split("\n")[:8]
        == (ROADMAP.split("\n")[:8])
    )


def test_a_milestones_progress_is_the_share_of_its_items_done() -> None:
    doc = parse_document(ROADMAP)
    phase2 = [t.progress for t in doc.tasks if t.milestone == "Phase 2: Beta"]
    assert sum(phase2) / len(phase2) == 50


RISKS_WITH_FIELDS = """\
# Risk register

## Critical risks

### RISK-001: Lint errors in module X
**Severity:** Medium
**Status:** Known Issue
**Owner:** TBD

**Mitigation:**
- Fix the worst rules first
- Gate CI on the rest

---

### RISK-002: Vendor delay
**Severity:** High
**Likelihood:** Possible (the vendor missed two dates)
**Status:** **Mitigating** - weekly calls
**Owner:** Ann

**Mitigation:** Second vendor on standby.
Contract signed in May.
"""

RISKS_REPOPILOT_STYLE = """\
# RISKS.md

## R-01 — Sandbox escape

**Severity:** Critical
**Likelihood:** Possible
**Mitigation:** Never execute target code.

**Detection:** injection.ts flags it.

## R-02 — Mock payments in production

**Severity:** High
**Status:** Mitigated in rc.2

**Mitigation (rc.2):**
- Schema guard on start
- No silent fallback

```
PAYMENT_MODE=okx
```
"""


def test_a_section_register_reads_each_record_whole() -> None:
    doc = parse_document(RISKS_WITH_FIELDS)
    first, second = doc.risks
    assert (first.id, first.description, first.impact, first.owner) == (
        "RISK-001",
        "Lint errors in module X",
        "Medium",
        "TBD",
    )
    assert first.mitigation == "- Fix the worst rules first\n- Gate CI on the rest"
    assert first.status == "Known Issue" and "Known Issue" in doc.risk_statuses
    assert second.status == "**Mitigating** - weekly calls"  # not Mitigated: not the same
    assert second.extra["Likelihood"] == "Possible (the vendor missed two dates)"
    assert second.mitigation == "Second vendor on standby.\nContract signed in May."
    assert render_document(doc) == RISKS_WITH_FIELDS


def test_a_second_section_register_with_qualified_labels_and_code() -> None:
    doc = parse_document(RISKS_REPOPILOT_STYLE)
    first, second = doc.risks
    assert (first.id, first.impact, first.status) == ("R-01", "Critical", "Open")
    assert first.extra == {
        "Likelihood": "Possible",
        "Detection": "injection.ts flags it.",
        "_section": first.extra["_section"],
    }
    assert (second.status, second.status_text) == ("Mitigated", "Mitigated in rc.2")
    assert second.mitigation.startswith("- Schema guard on start")
    assert "PAYMENT_MODE=okx" in second.mitigation
    assert render_document(doc) == RISKS_REPOPILOT_STYLE


def test_editing_a_record_changes_only_that_field(tmp_path: Path) -> None:
    written = through_the_store(tmp_path, RISKS_WITH_FIELDS, "RISK-001", "--owner", "Priya")
    assert written == RISKS_WITH_FIELDS.replace("**Owner:** TBD", "**Owner:** Priya")


RISK_LABEL_ALONE = """\
# Risks

### RISK-001: CoreML FFI too complex
**Owner:** Team 1 Lead

**Description:**
The bridge needs Objective-C++ expertise.

**Status:** Open
"""


def test_a_label_alone_over_one_line_holds_that_line_and_survives_the_store(
    tmp_path: Path,
) -> None:
    # The value used to start with the label's newline, which the store strips: the export
    # then glued the text to its label ("**Description:**The bridge...").
    risk = parse_document(RISK_LABEL_ALONE).risks[0]
    assert risk.extra["Description"] == "The bridge needs Objective-C++ expertise."
    written = through_the_store(tmp_path, RISK_LABEL_ALONE, "RISK-001", "--owner", "Ann")
    assert written == RISK_LABEL_ALONE.replace("Team 1 Lead", "Ann")


DECISIONS_DATED = """\
# Project notes

## Decision log

### 2026-02-03 — Drop the nightly build
Nobody read its results.

It cost an hour of CI a day.

### 2026-01-20 — Move to PostgreSQL
**Decided by:** Ann
SQLite could not take the write load.

## Other notes

### 2026-01-01 — Not a decision
A dated heading outside the decision log.
"""

DECISIONS_ADR = """\
# ADRs

## Decisions

## 2025-11-02: Adopt trunk-based development
**Rationale:** Long branches kept breaking the release.
**Owner:** Platform team

## 2025-10-15: Keep the monorepo
Splitting would cost more than it saves.
"""


def test_dated_headings_under_a_decision_log_are_decisions() -> None:
    doc = parse_document(DECISIONS_DATED)
    first, second = doc.decisions
    assert (first.date, first.decision) == ("2026-02-03", "Drop the nightly build")
    assert first.rationale == "Nobody read its results.\n\nIt cost an hour of CI a day."
    assert (second.owner, second.rationale) == ("Ann", "SQLite could not take the write load.")
    assert len(doc.decisions) == 2  # the dated heading under "Other notes" is text
    assert render_document(doc) == DECISIONS_DATED


def test_a_second_dated_decision_log() -> None:
    doc = parse_document(DECISIONS_ADR)
    first, second = doc.decisions
    assert (first.rationale, first.owner) == (
        "Long branches kept breaking the release.",
        "Platform team",
    )
    assert (second.date, second.rationale) == (
        "2025-10-15",
        "Splitting would cost more than it saves.",
    )
    assert render_document(doc) == DECISIONS_ADR


@pytest.mark.parametrize(
    "text", [ROADMAP, RELEASE, SPRINT, RISKS_WITH_FIELDS, RISKS_REPOPILOT_STYLE, DECISIONS_DATED]
)
def test_import_then_export_gives_the_document_back(text: str, tmp_path: Path) -> None:
    source, db, out = tmp_path / "in.md", tmp_path / "t.db", tmp_path / "out.md"
    source.write_bytes(text.replace("\n", "\r\n").encode())
    assert main(["import", str(source), "--db", str(db)]) == 0
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    assert out.read_bytes() == source.read_bytes()


def test_a_summary_table_repeating_the_records_is_kept_as_text() -> None:
    text = RISKS_WITH_FIELDS + (
        "\n## Dashboard\n\n| Risk ID | Impact | Status |\n|---|---|---|\n"
        "| RISK-001 | Medium | Active |\n| RISK-002 | High | Active |\n"
    )
    doc = parse_document(text)
    assert [r.id for r in doc.risks] == ["RISK-001", "RISK-002"]
    assert render_document(doc) == text
