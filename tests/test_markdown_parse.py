"""The importer: what a tracker's markdown becomes, one requirement at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLE

from tracker_tui.document import ListBlock, RawBlock, TableBlock
from tracker_tui.domain import TrackerError
from tracker_tui.markdown import parse_document, read_document

TASKS = """\
# Tracker

## Snapshot (Updated 2024-06-02)
| Task ID | Title | Milestone | Owner | Status | Progress | Last Update | Notes |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}
"""


def tasks_doc(*rows: str) -> str:
    return TASKS.format(rows="\n".join(rows))


def only_table(text: str) -> TableBlock:
    tables = [b for b in parse_document(text).blocks if isinstance(b, TableBlock)]
    assert len(tables) == 1
    return tables[0]


class TestSeed:
    def test_blocks_in_document_order(self) -> None:
        doc = parse_document(SAMPLE.read_text(encoding="utf-8"))
        kinds = [b.kind for b in doc.blocks if not isinstance(b, RawBlock)]
        assert kinds == ["task", "activity", "checkpoint", "risk", "decision", "cadence", "metric"]
        assert (len(doc.tasks), len(doc.activity), len(doc.checkpoints)) == (7, 7, 4)
        assert (len(doc.risks), len(doc.decisions), len(doc.cadence), len(doc.metrics)) == (
            5,
            3,
            3,
            7,
        )

    def test_tracker_info(self) -> None:
        doc = parse_document(SAMPLE.read_text(encoding="utf-8"))
        assert doc.tracker.title == "Version 1.00 Progress Tracker"
        assert doc.tracker.snapshot_date == date(2024, 6, 2)

    def test_values(self) -> None:
        doc = parse_document(SAMPLE.read_text(encoding="utf-8"))
        task = doc.tasks[6]
        assert (task.id, task.milestone, task.owner) == ("UT-007", "M3", "Product Engineering Lead")
        assert (task.status, task.progress, task.last_update) == ("Complete", 100, date(2024, 6, 2))
        assert task.extra == {} and task.status_text == ""
        assert doc.activity[0].date == "2024-06-02" and doc.activity[0].key is None
        assert doc.checkpoints[0].when == "Week 6 Tuesday"
        assert (doc.cadence[2].label, doc.cadence[2].text[:11]) == ("Bi-weekly", "demo/review")
        assert doc.decisions[0].date == "2024-05-09" and doc.decisions[0].key is None
        assert doc.metrics[0].text == "Pipeline success rate & mean duration per stage."

    def test_blank_line_inside_table_keeps_following_rows(self) -> None:
        doc = parse_document(SAMPLE.read_text(encoding="utf-8"))
        assert [r.id for r in doc.risks] == ["R-01", "R-02", "R-03", "R-04", "R-05"]
        assert sum(1 for b in doc.blocks if isinstance(b, TableBlock) and b.kind == "risk") == 1


class TestTables:
    def test_columns_in_any_order_and_synonyms(self) -> None:
        table = only_table(
            "# T\n| State | Assignee | % Complete | Task | Key | Updated | Comments |\n"
            "|---|---|---|---|---|---|---|\n"
            "| Done | Ann | 60% complete | Build | K-1 | 2024-01-02 | fine |\n"
        )
        assert table.fields == [
            "status", "owner", "progress", "title", "id", "last_update", "notes"
        ]  # fmt: skip
        task = table.items[0]
        assert (task.id, task.title, task.owner, task.notes) == ("K-1", "Build", "Ann", "fine")
        assert (task.status, task.status_text, task.progress) == ("Complete", "Done", 60)
        assert task.extra == {"_progress_text": "60% complete"}

    def test_one_kind_split_under_sub_headings(self) -> None:
        text = "# T\n" + "".join(
            f"\n### Part {n}\n\n| ID | Title | Status |\n|--|--|--|\n| X-{n} | t | Done |\n"
            for n in range(3)
        )
        doc = parse_document(text)
        assert [b.kind for b in doc.blocks if isinstance(b, TableBlock)] == ["task"] * 3
        assert [t.id for t in doc.tasks] == ["X-0", "X-1", "X-2"]

    @pytest.mark.parametrize(
        ("header", "kind"),
        [
            ("| Task ID | Title | Status |", "task"),
            ("| Workstream | Owner | Completion |", "task"),
            ("| ID | Risk | Severity | Owner |", "risk"),
            ("| Issue | Mitigation |", "risk"),
            ("| Date | Decision | Owner |", "decision"),
            ("| Decision | Why |", "decision"),
            ("| ADR | Title | Status | Date |", "decision"),
        ],
    )
    def test_classified_by_header_words(self, header: str, kind: str) -> None:
        width = header.count("|") - 1
        text = f"# T\n{header}\n{'| --- ' * width}|\n{'| x ' * width}|\n"
        assert only_table(text).kind == kind

    @pytest.mark.parametrize(
        "header",
        # A scorecard (Metric, Target, Current) is read as metrics: test_markdown_scorecard.
        ["| Metric | Target | Status |", "| Milestone ID | Name | Description |"],
    )
    def test_other_tables_stay_raw(self, header: str) -> None:
        width = header.count("|") - 1
        table = f"{header}\n{'| --- ' * width}|\n{'| x ' * width}|"
        text = f"# T\n\n{table}\n\n- **2024-01-01** – started\n"
        doc = parse_document(text)
        assert isinstance(doc.blocks[0], RawBlock) and table in doc.blocks[0].text

    def test_unknown_columns_kept_as_extra(self) -> None:
        table = only_table(
            "| ID | Area | Risk | Impact | Area |\n|-|-|-|-|-|\n| R-1 | Ops | Outage | High | x |\n"
        )
        assert table.fields == ["id", "extra:Area", "description", "impact", "extra:Area (2)"]
        assert table.items[0].extra == {"Area": "Ops", "Area (2)": "x"}

    def test_cells_keep_markdown_and_unescape_pipes(self) -> None:
        row = "| UT-1 | **Bold** [link](http://x) `a\\|b` | M1 | Ann | Open | 5 | – | a \\| b |"
        task = only_table(tasks_doc(row)).items[0]
        assert task.title == "**Bold** [link](http://x) `a|b`"
        assert task.notes == "a | b"

    def test_short_and_long_rows(self) -> None:
        table = only_table("| ID | Title | Status |\n|-|-|-|\n| A | t |\n| B | t | Done | more |\n")
        assert table.items[0].status == "Not Started"
        # A surplus cell joins the last one rather than being dropped.
        assert (table.items[1].status, table.items[1].status_text) == ("Complete", "Done | more")

    @pytest.mark.parametrize(
        ("cell", "progress", "hint"),
        [
            ("60%", 60, None),
            ("60", 60, "60"),
            ("60 %", 60, "60 %"),
            ("60% complete", 60, "60% complete"),
            ("████████░░ 77%", 77, "████████░░ 77%"),
            ("", 0, ""),
            ("n/a", 0, "n/a"),
            ("150%", 100, "150%"),
        ],
    )
    def test_progress_cells(self, cell: str, progress: int, hint: str | None) -> None:
        task = only_table(tasks_doc(f"| A | t | M | o | Open | {cell} | | |")).items[0]
        assert task.progress == progress
        assert task.extra.get("_progress_text") == hint

    @pytest.mark.parametrize(
        ("cell", "day", "hint"),
        [
            ("2024-05-09", date(2024, 5, 9), None),
            ("", None, None),
            ("–", None, "–"),
            ("-", None, "-"),
            ("20-03-2024", None, "20-03-2024"),
            ("2024-05-09 (late)", date(2024, 5, 9), "2024-05-09 (late)"),
            ("2024-13-45", None, "2024-13-45"),
        ],
    )
    def test_last_update_cells(self, cell: str, day: date | None, hint: str | None) -> None:
        task = only_table(tasks_doc(f"| A | t | M | o | Open | 1% | {cell} | |")).items[0]
        assert task.last_update == day
        assert task.extra.get("_last_update_text") == hint

    def test_statuses_mapped_and_unknown_ones_listed(self) -> None:
        doc = parse_document(
            tasks_doc(
                "| A | t | M | o | ✅ Complete | 100% | | |",
                "| B | t | M | o | 🟡 AMBER | 10% | | |",
                "| C | t | M | o | Parked | 10% | | |",
                "| D | t | M | o | parked | 10% | | |",
            )
        )
        got = [(t.status, t.status_text) for t in doc.tasks]
        assert got == [
            ("Complete", "✅ Complete"),
            ("At Risk", "🟡 AMBER"),
            ("Parked", ""),
            ("Parked", "parked"),
        ]
        assert doc.task_statuses == ["Parked"]

    def test_risk_statuses(self) -> None:
        doc = parse_document(
            "| ID | Risk | Impact | Status |\n|-|-|-|-|\n| R | x | Low | Watching |\n"
        )
        assert doc.risks[0].status == "Watching" and doc.risk_statuses == ["Watching"]

    def test_tables_without_id_column_get_ids(self) -> None:
        text = (
            "| Workstream | Owner | % Complete |\n|-|-|-|\n| Web | Ann | 50% |\n| API | Bo | 5% |\n"
            "\n| ID | Title | Progress |\n|-|-|-|\n| T-01 | Taken | 1% |\n"
        )
        doc = parse_document(text)
        assert [t.id for t in doc.tasks] == ["T-02", "T-03", "T-01"]
        assert doc.blocks[0].fields == ["title", "owner", "progress"]

    def test_id_inside_the_name_cell(self) -> None:
        table = only_table(
            "| Phase | Owner | Completion |\n|-|-|-|\n"
            "| 1. Docs | A | 100% |\n| 2. Code | B | 5% |\n"
        )
        assert table.fields[0] == "id+title"
        assert [(t.id, t.title) for t in table.items] == [("1", "Docs"), ("2", "Code")]

    def test_link_in_the_id_cell(self) -> None:
        table = only_table(
            "| ID | Title | Progress |\n|-|-|-|\n| [EPIC-1](e/README.md) | x | 5% |\n"
        )
        assert table.items[0].id == "EPIC-1"
        assert table.items[0].extra == {"_id_link": "e/README.md"}

    def test_duplicate_ids_refused_with_line(self) -> None:
        with pytest.raises(TrackerError, match="used twice") as error:
            parse_document(tasks_doc("| A | t | | | | | | |", "| A | u | | | | | | |"))
        assert error.value.line == 7

    def test_crlf(self) -> None:
        doc = parse_document(SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n"))
        assert len(doc.tasks) == 7 and not any("\r" in t.notes for t in doc.tasks)
        assert all("\r" not in b.text for b in doc.blocks if isinstance(b, RawBlock))

    def test_cells_are_sanitised(self) -> None:
        task = only_table(tasks_doc("| A | t\x1b[31mred\x1b[0m\tx | | | | | | |")).items[0]
        assert task.title == "tred x"

    def test_tables_in_code_fences_are_raw(self) -> None:
        text = "# T\n```\n| ID | Title | Status |\n|-|-|-|\n| A | t | Done |\n```\n"
        with pytest.raises(TrackerError, match="no tracker table"):
            parse_document(text)


class TestLists:
    @pytest.mark.parametrize("dash", ["–", "—", "-"])
    def test_activity_dashes(self, dash: str) -> None:
        doc = parse_document(f"# T\n\n## Activity Log\n- **2024-06-02** {dash} shipped it\n")
        block = doc.blocks[1]
        assert isinstance(block, ListBlock) and block.kind == "activity"
        assert block.style == {"marker": "-", "sep": f" {dash} ", "dash": dash}
        assert doc.activity[0].text == "shipped it"

    def test_activity_found_by_dated_bullets(self) -> None:
        doc = parse_document("# T\n\n## Notes\n- **2024-06-02** – a\n- **03/06/2024** – b\n")
        assert [a.date for a in doc.activity] == ["2024-06-02", "03/06/2024"]

    def test_undated_bullets_are_not_activity(self) -> None:
        with pytest.raises(TrackerError):
            parse_document("# T\n\n## Notes\n- **UT-001**: a note\n")

    def test_other_bullets_stay_raw_in_place(self) -> None:
        text = "# T\n\n## Activity\n- **2024-01-02** – a\n- see the archive\n- **2024-01-01** – b\n"
        doc = parse_document(text)
        assert [type(b).__name__ for b in doc.blocks] == [
            "RawBlock", "ListBlock", "RawBlock", "ListBlock"
        ]  # fmt: skip
        assert doc.blocks[2].text == "- see the archive"

    def test_items_with_continuation_lines_stay_raw(self) -> None:
        text = "## Activity\n- **2024-01-02** – a\n  more\n- **2024-01-01** – b\n"
        doc = parse_document(text)
        assert [a.text for a in doc.activity] == ["b"]
        assert "  more" in doc.blocks[0].text

    def test_checkpoints_cadence_metrics_by_heading(self) -> None:
        text = (
            "## Activity Log\n- **2024-01-01** – a\n"
            "\n## Upcoming Checkpoints\n- **Week 6 Tuesday** – QA\n"
            "\n## Cadence & Artifacts\n- Monday: Tracker review\n"
            "\n## KPIs\n* Pass rate\n"
        )
        doc = parse_document(text)
        assert [(c.when, c.text) for c in doc.checkpoints] == [("Week 6 Tuesday", "QA")]
        assert [(c.label, c.text) for c in doc.cadence] == [("Monday", "Tracker review")]
        assert [m.text for m in doc.metrics] == ["Pass rate"]
        cadence = next(b for b in doc.blocks if getattr(b, "kind", "") == "cadence")
        assert cadence.style == {"marker": "-", "sep": ": ", "form": "colon"}

    def test_cadence_text_starting_with_dash(self) -> None:
        text = "## Activity\n- **2024-01-01** – a\n\n## Cadence\n- **Daily** a\n- **Weekly** -5 b\n"
        assert [c.text for c in parse_document(text).cadence] == ["a", "-5 b"]


class TestTrackerInfo:
    @pytest.mark.parametrize(
        ("head", "title", "day"),
        [
            ("# Plan\n\n## Snapshot (Updated 2024-06-02)", "Plan", date(2024, 6, 2)),
            ("# Plan\n\n_Last updated: 2024-06-18_", "Plan", date(2024, 6, 18)),
            ("# Plan\n\nLast updated: 2026-02-19", "Plan", date(2026, 2, 19)),
            ("# Plan\n\n**Last Updated**: 2025-10-14 (note)", "Plan", date(2025, 10, 14)),
            ("# Plan — 2025-11-09", "Plan", date(2025, 11, 9)),
            ("# Plan (Updated 2024-06-02)", "Plan", date(2024, 6, 2)),
            ("# Plan\n\n## Snapshot (Updated –)", "Plan", None),
            ("## Plan", "", None),
            ("# Plan\n```\n# Not the title\n_Last updated: 2024-01-01_\n```", "Plan", None),
        ],
    )
    def test_title_and_snapshot_date(self, head: str, title: str, day: date | None) -> None:
        doc = parse_document(f"{head}\n\n## Log\n- **2024-01-01** – a\n")
        assert (doc.tracker.title, doc.tracker.snapshot_date) == (title, day)


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "empty"),
            (" \n\n\t\n", "empty"),
            ("# T\n\nJust prose.\n", "no tracker table"),
            ("# T\n\x00\x01", "binary"),
            ("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 3, "binary"),
        ],
    )
    def test_not_a_tracker(self, text: str, message: str) -> None:
        with pytest.raises(TrackerError, match=message):
            parse_document(text)

    def test_long_line_refused_with_its_number(self) -> None:
        with pytest.raises(TrackerError, match="line too long") as error:
            parse_document("# T\n\n" + "x" * 100_001 + "\n")
        assert error.value.line == 3
        assert str(error.value).startswith("line 3: ")

    def test_wide_table_kept_raw(self) -> None:
        header = "| ID | Title | Status |" + " x |" * 200
        doc = parse_document(f"{header}\n{'|-' * 203}|\n\n## Log\n- **2024-01-01** – a\n")
        assert isinstance(doc.blocks[0], RawBlock)


class TestReadDocument:
    def test_reads_the_seed(self) -> None:
        assert len(read_document(SAMPLE).tasks) == 7

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(TrackerError, match="no such file"):
            read_document(tmp_path / "nope.md")

    def test_directory(self, tmp_path: Path) -> None:
        with pytest.raises(TrackerError, match="is a directory"):
            read_document(tmp_path)

    def test_not_utf8_names_the_line(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.md"
        path.write_bytes("# T\n\n## Log\n- **2024-01-01** - café\n".encode("latin-1"))
        with pytest.raises(TrackerError, match="not UTF-8") as error:
            read_document(path)
        assert error.value.line == 4
        assert str(error.value) == f"{path}, line 4: not UTF-8 text (byte 0xe9); save it as UTF-8"

    def test_binary(self, tmp_path: Path) -> None:
        path = tmp_path / "image.md"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        with pytest.raises(TrackerError, match="binary") as error:
            read_document(path)
        assert error.value.line == 3  # "\x89PNG\r\n" and "\x1a\n" come first

    def test_utf16(self, tmp_path: Path) -> None:
        path = tmp_path / "utf16.md"
        path.write_bytes("# T\n".encode("utf-16"))
        with pytest.raises(TrackerError, match="UTF-16"):
            read_document(path)

    def test_utf8_bom(self, tmp_path: Path) -> None:
        path = tmp_path / "bom.md"
        path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
        assert read_document(path).tracker.title == "Version 1.00 Progress Tracker"

    def test_parse_errors_name_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "dup.md"
        path.write_text("| ID | Title | Status |\n|-|-|-|\n| A | t | Done |\n| A | t | Done |\n")
        with pytest.raises(TrackerError) as error:
            read_document(path)
        assert error.value.line == 4
        assert str(error.value) == f"{path}, line 4: task ID 'A' is used twice (first on line 3)"

    def test_too_large(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from tracker_tui.markdown import limits

        monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
        with pytest.raises(TrackerError, match="too large"):
            read_document(SAMPLE)


def test_a_done_task_in_a_table_without_progress_is_at_100_percent() -> None:
    """A status-only tracker (ID | Task | Status): a done task is Complete at 100 %, so the
    bars and the portfolio do not read 0 % beside "2 of 3 done"; the rest stay at 0 %."""
    text = (
        "# T\n\n## Tasks\n\n| ID | Task | Status |\n|---|---|---|\n"
        "| A-1 | Ship it | done |\n| A-2 | Test it | todo |\n"
    )
    table = next(b for b in parse_document(text).blocks if isinstance(b, TableBlock))
    assert [(t.status, t.progress) for t in table.items] == [
        ("Complete", 100),
        ("Not Started", 0),
    ]
