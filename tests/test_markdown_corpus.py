"""Real trackers from public repositories, read in place from ``../shared/corpus/``.

Each exercises a way real documents differ from the seed (see the corpus README). The
files are other people's documents: they are never copied into the project. The tests skip
when the folder is absent, except under ``CI=true``, where a missing corpus fails them.

Every file either imports and exports back differing from the source in whitespace only
(alignment colons, CRLF and the final newline as they were), or is refused in one line
naming the file and the closest thing found in it, with the store left exactly as it was.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLE
from requirements import missing

from tracker_tui.document import Document, TableBlock
from tracker_tui.domain import TrackerError
from tracker_tui.markdown import parse_document, read_document, render_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
DOCUMENTS = [p for p in FILES if p.name != "README.md"]

# Documents that are not trackers: each is refused in one line, changing nothing.
REFUSED = (
    "update_milestone_list",  # a table of milestones (checkpoints): no task, risk or decision
)
TRACKERS = [p for p in DOCUMENTS if not any(f in p.name for f in REFUSED)]
REFUSED_FILES = [p for p in DOCUMENTS if any(f in p.name for f in REFUSED)]


def require_corpus() -> None:
    if not CORPUS.is_dir():
        missing(f"the corpus is missing at {CORPUS}")


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def corpus_file(fragment: str) -> Path:
    require_corpus()
    matches = [p for p in FILES if fragment in p.name]
    assert len(matches) == 1, fragment
    return matches[0]


def load(fragment: str) -> Document:
    return read_document(corpus_file(fragment))


@pytest.mark.parametrize("path", [SAMPLE, *TRACKERS], ids=lambda p: p.name[:40])
def test_every_word_survives_export(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    doc = read_document(path)
    out = render_document(doc)
    assert words(text) - words(out) == Counter()
    assert_whitespace_only(text, out)
    assert parse_document(out) == doc


def assert_whitespace_only(source: str, exported: str) -> None:
    """The export differs from the source in whitespace only: every other character in
    place (alignment colons included), the same line ending, the final newline as it was."""
    assert re.sub(r"\s+", "", exported) == re.sub(r"\s+", "", source)
    assert ("\r\n" in exported) == ("\r\n" in source)
    assert exported.endswith("\n") == source.endswith("\n")


@pytest.mark.parametrize("path", [SAMPLE, *TRACKERS], ids=lambda p: p.name[:40])
def test_import_then_export_differs_in_whitespace_only(path: Path, tmp_path: Path) -> None:
    from tracker_tui.cli import main

    db, out = tmp_path / "t.db", tmp_path / "out.md"
    assert main(["import", str(path), "--db", str(db)]) == 0
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    source = path.read_bytes().decode("utf-8-sig")
    exported = out.read_bytes().decode("utf-8")
    assert_whitespace_only(source, exported)


def test_corpus_present_and_every_file_accounted_for() -> None:
    require_corpus()
    assert len(DOCUMENTS) == 19
    assert len(REFUSED_FILES) == len(REFUSED)  # each fragment names exactly one file
    assert len(TRACKERS) == 18


@pytest.mark.parametrize("path", REFUSED_FILES, ids=lambda p: p.name[:40])
def test_unreadable_layouts_are_refused_in_one_line_and_change_nothing(
    path: Path, tmp_path: Path
) -> None:
    from tracker_tui.cli import main

    db = tmp_path / "t.db"
    assert main(["import", str(SAMPLE), "--db", str(db)]) == 0
    before = db.read_bytes()
    with pytest.raises(TrackerError) as refused:
        read_document(path)
    message = str(refused.value)
    assert "\n" not in message and message.startswith(str(path))
    assert "a table at line" in message and "--dry-run" in message
    assert main(["import", str(path), "--replace", "--db", str(db)]) == 1
    assert db.read_bytes() == before


def test_gigvora_workstreams_without_ids() -> None:
    doc = load("Gigvora")
    assert doc.tracker == type(doc.tracker)("Aurora Release Progress Tracker", date(2024, 6, 18))
    assert [t.id for t in doc.tasks[:6]] == ["T-01", "T-02", "T-03", "T-04", "T-05", "T-06"]
    # The approvals checklist: tasks too, with IDs made from its heading.
    assert [t.id for t in doc.tasks[6:]] == ["AC-01", "AC-02", "AC-03", "AC-04", "AC-05"]
    assert doc.tasks[0].title == "Frontend Web" and doc.tasks[0].status_text == "✅ Green"
    assert doc.tasks[0].extra == {
        "Scope": "Workspace dashboard, task board, notification center revamp"
    }
    assert [r.id for r in doc.risks] == ["R-231", "R-234", "I-112"]
    assert doc.risk_statuses == ["Watching"]
    assert "T-01" not in render_document(doc)


def test_fixnado_task_list_extra_columns() -> None:
    doc = load("update_task_list")
    table = next(b for b in doc.blocks if isinstance(b, TableBlock))
    assert "extra:Summary" in table.fields and "extra:Dependencies" in table.fields
    assert doc.tasks[3].extra["Dependencies"] == "UT-002, UT-003"
    assert doc.tasks[0].last_update is None


def test_milestone_list_is_refused_naming_its_table() -> None:
    # A list of milestones, not a progress tracker: no task, risk or decision table.
    with pytest.raises(TrackerError) as refused:
        load("milestone_list")
    assert (
        "no tracker table found; the closest is a table at line 3 with columns Milestone ID, "
        "Name, Target Window, Description, Entry Criteria, Exit Criteria: not a tracker table; "
        "try --kind tasks; "
        "run import with --dry-run to see what was read" in str(refused.value)
    )
    # ... and --kind tasks reads it: the milestones as tasks.
    from tracker_tui.markdown.options import ReadOptions

    doc = read_document(corpus_file("milestone_list"), ReadOptions(kind="task"))
    assert [(t.id, t.title) for t in doc.tasks][:1] == [
        ("M1", "Programme Mobilisation & Governance Lock")
    ]


def test_lchtangen_ids_in_name_cells_and_emoji_statuses() -> None:
    doc = load("lchtangen")
    assert doc.tracker.title == "Strategic Phase Tracker"
    assert doc.tracker.snapshot_date == date(2025, 11, 9)
    assert [(t.id, t.title) for t in doc.tasks[:2]] == [
        ("1", "Documentation Refactoring"),
        ("2", "Architecture Documentation"),
    ]
    assert (doc.tasks[5].status, doc.tasks[5].status_text) == ("In Progress", "🟡 In Progress")
    assert [c.label for c in doc.cadence] == ["Monday", "Wednesday", "Friday"]


def test_gitctx_links_and_bars() -> None:
    doc = load("gitctx")
    epic = next(t for t in doc.tasks if t.id == "EPIC-0001.3")
    assert (epic.id, epic.progress, epic.status) == ("EPIC-0001.3", 77, "In Progress")
    assert epic.extra == {"_id_link": "EPIC-0001.3/README.md", "_progress_text": "████████░░ 77%"}
    assert [r.id for r in doc.risks] == ["R-01", "R-02", "R-03", "R-04"]
    assert doc.risks[0].extra == {"Likelihood": "Medium"} and doc.risks[0].status == "Open"
    assert doc.tracker.snapshot_date == date(2025, 10, 14)


def test_nugraphix_nine_column_risk_register() -> None:
    doc = load("nugraphix")
    assert len(doc.risks) == 15
    risk = doc.risks[0]
    assert (risk.impact, risk.status, risk.owner) == ("P0", "Closed", "Eng")
    assert set(risk.extra) == {"Area", "Evidence", "Target Phase"}
    assert doc.tracker.snapshot_date == date(2026, 2, 19)


def test_reelbanana_decisions() -> None:
    doc = load("reelbanana")
    assert len(doc.decisions) == 7
    assert doc.decisions[1].decision == "Adopt 2‑week crash plan (Sep 8–21)"
    assert doc.decisions[0].extra == {"Area": "KPIs"}


def test_lab_allocator_crlf_badges_and_two_tables() -> None:
    path = corpus_file("lab-allocator")
    assert b"\r\n" in path.read_bytes()
    doc = read_document(path)
    assert [len(b.items) for b in doc.blocks if isinstance(b, TableBlock)] == [3, 12]
    decision = doc.decisions[3]
    assert (decision.date, decision.owner) == ("20-03-2024", "Edward Nivison")
    assert decision.extra["Status"].startswith("![IN PROGRESS](")


def test_entitydb_index_split_into_ten_tables() -> None:
    doc = load("entitydb")
    tables = [b for b in doc.blocks if isinstance(b, TableBlock)]
    assert [b.kind for b in tables] == ["decision"] * 10
    assert len(doc.decisions) == 32  # ADR 001-035, without 029-031
    assert doc.decisions[0].extra["ADR"] == "[001](./001-temporal-tag-storage.md)"
    assert doc.metrics == []  # "Phase 5: System Stability & Metrics" is not a metrics section
