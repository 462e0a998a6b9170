"""Scorecard tables (issue 14): metrics kept as a table with a target and a current
column import as metrics with values, and export writes the table back as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_markdown_corpus import corpus_file

from tracker_tui.cli import main
from tracker_tui.markdown import parse_document, read_document, render_document
from tracker_tui.store.store import Store

TASKS = """| Task ID | Title | Status | Progress |
| --- | --- | --- | --- |
| UT-001 | Pipeline | In Progress | 40% |
"""

# The issue's own example, columns in its order.
SCORECARD = (
    """# Launch

## Readiness
| Dimension | Target | Current | Confidence | Evidence |
| --- | --- | --- | --- | --- |
| Uptime | 99% | 97.5% | High | Grafana |
| Latency p95 | ≤ 300ms | 280ms | Medium | k6 run |
| Migration | 100% | TBD | Low | not started |

"""
    + TASKS
)


def metrics(text: str) -> list[tuple[str, str, str, str, dict[str, str]]]:
    return [(m.text, m.value, m.unit, m.target, m.extra) for m in parse_document(text).metrics]


def test_a_scorecard_imports_as_metrics_with_values_units_and_targets() -> None:
    assert metrics(SCORECARD) == [
        (
            "Uptime",
            "97.5",
            "%",
            "99",
            {"_target": "99%", "_current": "97.5%", "Confidence": "High", "Evidence": "Grafana"},
        ),
        (
            "Latency p95",
            "280",
            "ms",
            "<=300",
            {
                "_target": "≤ 300ms",
                "_current": "280ms",
                "Confidence": "Medium",
                "Evidence": "k6 run",
            },
        ),
        # "TBD" is no number: no value, the cell kept for export.
        (
            "Migration",
            "",
            "%",
            "100",
            {"_target": "100%", "_current": "TBD", "Confidence": "Low", "Evidence": "not started"},
        ),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "| Metric | Target | Current | Status | Notes |",
        "| KPI | Description | Target | Current | Trend | Notes |",
        "| Metric | Current | Target | Status |",
    ],
)
def test_the_corpus_headers_are_scorecards_and_export_in_their_own_layout(header: str) -> None:
    width = header.count("|") - 1
    table = f"{header}\n{'| --- ' * width}|\n{'| x ' * width}|"
    text = f"# T\n\n## Metrics\n{table}\n\n{TASKS}"
    doc = parse_document(text)
    assert [m.text for m in doc.metrics] == ["x"]
    assert render_document(doc) == text


def test_the_document_exports_byte_for_byte_and_a_new_value_is_written_with_its_unit(
    tmp_path: Path,
) -> None:
    assert render_document(parse_document(SCORECARD)) == SCORECARD
    with Store.open(str(tmp_path / "t.db"), user="alice") as store:
        store.import_document(parse_document(SCORECARD))
        assert render_document(store.export_document()) == SCORECARD
        store.set_metric_value("uptime", "98.1")
        store.set_metric_value("migration", "40")
        written = render_document(store.export_document())
    assert "| Uptime | 99% | 98.1% | High | Grafana |" in written
    assert "| Migration | 100% | 40% | Low | not started |" in written
    assert "| Latency p95 | ≤ 300ms | 280ms | Medium | k6 run |" in written


def test_the_metric_contract_shows_the_other_columns(tmp_path: Path, capsys) -> None:
    source = tmp_path / "launch.md"
    source.write_text(SCORECARD, encoding="utf-8")
    db = str(tmp_path / "t.db")
    assert main(["import", str(source), "--db", db]) == 0
    capsys.readouterr()
    assert main(["metric", "uptime", "--format", "json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["value"] == "97.5" and shown["target"] == "99"
    assert shown["extra"] == {"Confidence": "High", "Evidence": "Grafana"}


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("Zoooooomlittleone", ("Code Coverage", "", "%", "80")),
        (
            "orbas1__Nodejs-Gigvora__update_template",
            ("Workspace load time (p75)", "2.1", "s", "<=2.5"),
        ),
        ("Avi7702", ("**Critical Bugs**", "0", "", "0")),
    ],
)
def test_corpus_scorecards_import_and_come_back_from_the_store(
    fragment: str, expected: tuple[str, str, str, str], tmp_path: Path
) -> None:
    path = corpus_file(fragment)
    doc = read_document(path)
    found = [(m.text, m.value, m.unit, m.target) for m in doc.metrics]
    assert expected in found
    with Store.open(str(tmp_path / "t.db"), user="alice") as store:
        store.import_document(doc)
        assert render_document(store.export_document()) == render_document(read_document(path))
