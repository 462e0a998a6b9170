"""``tracker-tui trend``: one point per day, recovered points flagged, the documented JSON
contract, CSV, a range, and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import assert_one_line_error, run


def _trend(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "trend", *argv, "--db", str(db))


def test_the_json_contract(capsys, month_db: Path) -> None:
    code, out, _ = _trend(
        capsys, month_db, "--milestone", "m2", "--to", "2024-06-05", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "version",
        "kind",
        "name",
        "unit",
        "target",
        "from",
        "to",
        "points",
        "forecast",
        "extra",  # added (metrics only): the contract's keys only grow
    }
    assert data["extra"] is None  # a milestone has no scorecard columns
    assert (data["version"], data["kind"], data["name"], data["unit"]) == (
        1,
        "milestone",
        "M2",
        "%",
    )
    assert data["to"] == "2024-06-05"
    assert set(data["points"][0]) == {"date", "value", "recovered"}
    # One point a day, oldest first; before the import (2024-05-06) recovered.
    days = [point["date"] for point in data["points"]]
    assert days == sorted(days) and len(days) == len(set(days))
    assert data["points"][-1] == {"date": "2024-06-05", "value": 74.0, "recovered": False}
    assert all(p["recovered"] for p in data["points"] if p["date"] < "2024-05-06")
    assert any(p["recovered"] for p in data["points"])
    assert data["forecast"]["kind"] == "estimate" and data["forecast"]["expected"] > "2024-06-05"


def test_programme_by_default_in_a_range_as_csv(capsys, month_db: Path) -> None:
    code, out, _ = _trend(
        capsys, month_db, "--from", "2024-06-01", "--to", "2024-06-03", "--format", "csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "date,value,recovered"
    assert [line.split(",")[0] for line in lines[1:]] == ["2024-06-01", "2024-06-02", "2024-06-03"]


def test_a_metric_series(capsys, month_db: Path) -> None:
    code, out, _ = _trend(capsys, month_db, "--metric", "PIPE", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "metric" and data["target"] == "99"
    assert data["points"][0]["value"] == 95.0 and data["points"][-1]["value"] == 99.0


def test_refusals_are_one_line(capsys, month_db: Path) -> None:
    code, _, err = _trend(capsys, month_db, "--milestone", "M9")
    assert code == 1
    assert_one_line_error(err, "no milestone 'M9'", "M1, M2, M3")
    code, _, err = _trend(capsys, month_db, "--from", "2024-06-03", "--to", "2024-06-01")
    assert code == 1
    assert_one_line_error(err, "--from is after --to")
    code, _, err = _trend(capsys, month_db, "--from", "June")
    assert code == 2


def test_an_empty_store_says_not_enough_history(capsys, tmp_path: Path) -> None:
    code, _, _ = run(capsys, "title", "New", "--db", str(tmp_path / "n.db"))
    code, out, _ = run(capsys, "trend", "--db", str(tmp_path / "n.db"))
    assert code == 0 and "not enough history yet" in out


def test_each_tracker_has_its_own_trend(capsys, tmp_path: Path) -> None:
    from conftest import SAMPLE

    db = str(tmp_path / "two.db")
    for name in ("Alpha", "Beta"):
        assert run(capsys, "import", str(SAMPLE), "--name", name, "--db", db)[0] == 0
    assert (
        run(capsys, "set", "UT-002", "--progress", "50", "--tracker", "Alpha", "--db", db)[0] == 0
    )
    assert run(capsys, "metric", "pipe", "90", "--tracker", "Beta", "--db", db)[0] == 0
    alpha = json.loads(
        run(capsys, "trend", "--format", "json", "--tracker", "Alpha", "--db", db)[1]
    )
    beta = json.loads(run(capsys, "trend", "--format", "json", "--tracker", "Beta", "--db", db)[1])
    assert round(alpha["points"][-1]["value"], 1) == 92.9
    assert beta["points"][-1]["value"] == 100.0
    code, alpha_metric, _ = run(
        capsys, "trend", "--metric", "pipe", "--tracker", "Alpha", "--db", db
    )
    assert code == 0 and "90.0" not in alpha_metric
    beta_metric = run(capsys, "trend", "--metric", "pipe", "--tracker", "Beta", "--db", db)[1]
    assert "90.0" in beta_metric
