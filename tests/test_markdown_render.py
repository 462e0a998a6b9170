"""The exporter: the seed comes back as it was, and edits made in the store show."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from conftest import SAMPLE

from tracker_tui.document import Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import ActivityEntry, Decision, Metric, Risk, Task, TrackerInfo
from tracker_tui.markdown import ensure_block, parse_document, render_document
from tracker_tui.markdown.sample import synthetic_tracker


def seed() -> Document:
    return parse_document(SAMPLE.read_text(encoding="utf-8"))


def normalised_lines(text: str) -> list[str]:
    """Lines without blank ones, whitespace collapsed and tables unpadded."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [re.sub(r" ?\| ?", "|", line) for line in lines if line]


def replace_item(doc: Document, kind: str, index: int, **changes: object) -> None:
    """Change the ``index``-th entity of ``kind`` as the store would (a new frozen value)."""
    for block in doc.blocks:
        if isinstance(block, RawBlock) or block.kind != kind:
            continue
        if index < len(block.items):
            block.items[index] = dataclasses.replace(block.items[index], **changes)
            return
        index -= len(block.items)
    raise IndexError(index)


class TestSeedRoundTrip:
    def test_export_reproduces_the_seed_but_for_whitespace(self) -> None:
        text = SAMPLE.read_text(encoding="utf-8")
        assert normalised_lines(render_document(seed())) == normalised_lines(text)

    def test_only_the_blank_line_inside_the_risk_table_goes(self) -> None:
        text = SAMPLE.read_text(encoding="utf-8")
        assert render_document(seed()) == text.replace("Open |\n\n| R-05", "Open |\n| R-05")

    def test_parse_of_export_is_the_document(self) -> None:
        doc = seed()
        assert parse_document(render_document(doc)) == doc

    def test_crlf_source_exports_crlf(self) -> None:
        text = SAMPLE.read_text(encoding="utf-8")
        out = render_document(parse_document(text.replace("\n", "\r\n")))
        assert out.count("\r\n") == out.count("\n")
        assert normalised_lines(out.replace("\r\n", "\n")) == normalised_lines(text)

    def test_missing_final_newline_stays_missing(self) -> None:
        text = SAMPLE.read_text(encoding="utf-8").rstrip("\n")
        assert not render_document(parse_document(text)).endswith("\n")


class TestEdits:
    def test_snapshot_date_written_in_place(self) -> None:
        doc = seed()
        doc.tracker = TrackerInfo(doc.tracker.title, date(2024, 7, 1))
        out = render_document(doc)
        assert "## Snapshot (Updated 2024-07-01)" in out and "2024-06-02)" not in out
        assert parse_document(out).tracker.snapshot_date == date(2024, 7, 1)

    def test_no_snapshot_date_round_trips(self) -> None:
        doc = seed()
        doc.tracker = TrackerInfo(doc.tracker.title, None)
        out = render_document(doc)
        assert "## Snapshot (Updated –)" in out
        assert parse_document(out).tracker.snapshot_date is None

    def test_title_date_and_last_updated_line(self) -> None:
        for head, expected in [
            ("# Plan — 2025-11-09", "# Renamed — 2025-12-01"),
            ("# Plan\n\n_Last updated: 2024-06-18_", "# Renamed\n\n_Last updated: 2025-12-01_"),
            ("# Plan (Updated 2024-06-02)", "# Renamed (Updated 2025-12-01)"),
        ]:
            doc = parse_document(f"{head}\n\n## Log\n- **2024-01-01** – a\n")
            doc.tracker = TrackerInfo("Renamed", date(2025, 12, 1))
            assert render_document(doc).startswith(expected + "\n")

    def test_date_added_under_the_title_when_the_document_had_none(self) -> None:
        doc = parse_document("# Plan\n\n## Log\n- **2024-01-01** – a\n")
        doc.tracker = TrackerInfo("Plan", date(2025, 1, 2))
        out = render_document(doc)
        assert out.startswith("# Plan\n\n_Last updated: 2025-01-02_\n")
        assert parse_document(out).tracker.snapshot_date == date(2025, 1, 2)

    def test_changed_status_drops_the_source_spelling(self) -> None:
        doc = parse_document(
            "| ID | Title | Status | Progress |\n|-|-|-|-|\n| A | t | ✅ Done | 9% |\n"
        )
        assert "| ✅ Done |" in render_document(doc)
        replace_item(doc, "task", 0, status="Blocked")  # the store left status_text behind
        assert "| Blocked |" in render_document(doc)

    def test_progress_hints_follow_the_figure(self) -> None:
        doc = parse_document(
            "| ID | Title | Progress |\n|-|-|-|\n| A | t | ████████░░ 77% |\n| B | t | 60 |\n"
            "| C | t | n/a |\n"
        )
        assert "| ████████░░ 77% |" in render_document(doc)
        replace_item(doc, "task", 0, progress=30)
        replace_item(doc, "task", 1, progress=65)
        replace_item(doc, "task", 2, progress=10)
        out = render_document(doc)
        assert "| ███░░░░░░░ 30% |" in out and "| 65 |" in out and "| 10% |" in out

    def test_last_update_hints(self) -> None:
        doc = parse_document(
            "| ID | Title | Progress | Last Update |\n|-|-|-|-|\n| A | t | 1% | – |\n"
            "| B | t | 1% | 2024-05-09 (late) |\n"
        )
        out = render_document(doc)
        assert "| – |" in out and "| 2024-05-09 (late) |" in out
        replace_item(doc, "task", 0, last_update=date(2024, 6, 1))
        replace_item(doc, "task", 1, last_update=None)
        out = render_document(doc)
        assert "| A | t | 1% | 2024-06-01 |" in out and "| B | t | 1% |  |" in out

    def test_values_with_pipes_and_newlines(self) -> None:
        doc = seed()
        replace_item(doc, "task", 0, notes="a | b\nc", title="x \\| y")
        out = render_document(doc)
        assert "| x \\\\| y |" in out and "| a \\| b<br>c |" in out
        assert parse_document(out).tasks[0].title == "x \\| y"


class TestFromTheStore:
    def test_new_entities_go_to_the_last_block_of_their_kind(self) -> None:
        doc = seed()
        block = ensure_block(doc, "task")
        assert block is next(b for b in doc.blocks if getattr(b, "kind", "") == "task")
        block.items.append(Task(id="UT-008", title="New", progress=10))
        ensure_block(doc, "activity").items.insert(0, ActivityEntry(None, "2024-06-03", "Hi"))
        out = render_document(doc)
        assert "| UT-008 | New |  |  | Not Started | 10% |  |  |" in out
        assert "## Activity Log\n- **2024-06-03** – Hi\n" in out

    def test_missing_kind_gets_a_default_section(self) -> None:
        doc = parse_document("# Plan\n\n## Log\n- **2024-01-01** – a\n")
        ensure_block(doc, "risk").items.append(Risk(id="R-01", description="Outage"))
        ensure_block(doc, "metric").items.append(Metric(None, "Uptime"))
        out = render_document(doc)
        assert out.endswith(
            "\n\n## Issues & Risks\n| ID | Description | Impact | Mitigation | Owner | Status |\n"
            "| --- | --- | --- | --- | --- | --- |\n| R-01 | Outage |  |  |  | Open |\n"
            "\n## Metrics to Monitor\n- Uptime\n"
        )
        again = parse_document(out)
        assert again.risks == doc.risks and again.metrics == doc.metrics

    def test_blocks_without_columns_or_style_use_defaults(self) -> None:
        doc = Document(
            TrackerInfo("New tracker", date(2024, 1, 1)),
            [
                TableBlock("decision", [], [], [Decision(None, "2024-01-01", "Go", "Why not")]),
                ListBlock("activity", [ActivityEntry(None, "2024-01-01", "Started")]),
            ],
        )
        out = render_document(doc)
        assert out == (
            "# New tracker\n\n_Last updated: 2024-01-01_\n\n"
            "## Decision Log\n| Date | Decision | Rationale | Owner |\n| --- | --- | --- | --- |\n"
            "| 2024-01-01 | Go | Why not |  |\n\n## Activity Log\n- **2024-01-01** – Started\n"
        )
        assert parse_document(out).decisions == doc.decisions

    def test_entities_without_extra_or_hints(self) -> None:
        doc = parse_document(
            "| ID | Title | Area | Progress | Last Update |\n|-|-|-|-|-|\n"
            "| [A](a.md) | t | ops | ██░ 50% | – |\n"
        )
        replace_item(doc, "task", 0, extra={})
        out = render_document(doc)
        assert "| A | t |  | 50% |  |" in out


class TestBigDocuments:
    def test_twenty_thousand_rows_round_trip_byte_for_byte(self) -> None:
        # Speed is measured by benchmarks/bench.py, never asserted here.
        text = synthetic_tracker(20_000, 1_000)
        doc = parse_document(text)
        assert len(doc.tasks) == 20_000
        assert render_document(doc) == text
