"""The JSON/CSV export helpers, the error log and the bundled sample, in isolation."""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import pytest

from tracker_tui import errors_log
from tracker_tui.cli import _glue_dash_values
from tracker_tui.domain import Change, Risk, Task, TrackerError
from tracker_tui.export_files import write_atomically
from tracker_tui.export_formats import (
    TABLE_KEYS,
    change_dict,
    risk_dict,
    rows_to_csv,
    task_dict,
)
from tracker_tui.resources import sample_tracker, sample_tracker_text

# Away from the real home (conftest puts platformdirs' dirs under tmp_path).
pytestmark = pytest.mark.usefixtures("home")


def test_task_dict_hides_internal_extra_keys():
    item = Task(
        id="UT-9",
        title="T",
        progress=40,
        last_update=date(2024, 6, 1),
        extra={"_style": "bold", "Priority": "High"},
        status_text="🟢 Active",
    )
    data = task_dict(item)
    assert data["extra"] == {"Priority": "High"}
    assert data["last_update"] == "2024-06-01"
    assert data["progress"] == 40
    assert list(data) == list(TABLE_KEYS["tasks"])


def test_risk_dict():
    data = risk_dict(Risk(id="R-1", description="d", extra={"_x": "1"}))
    assert data == {
        "id": "R-1",
        "description": "d",
        "impact": "",
        "mitigation": "",
        "owner": "",
        "status": "Open",
        "extra": {},
    }


def test_change_dict():
    change = Change("2024-06-01T10:00:00+00:00", "ann", "task", "UT-1", "progress", "40", "50", 3)
    assert change_dict(change) == {
        "at": "2024-06-01T10:00:00+00:00",
        "user": "ann",
        "entity": "task",
        "id": "UT-1",
        "field": "progress",
        "old": "40",
        "new": "50",
    }


def test_csv_appends_extra_columns():
    rows = [
        task_dict(Task(id="A", title="a", extra={"Priority": "High", "_hint": "x"})),
        task_dict(Task(id="B", title="b", extra={"Team": "Blue", "id": "clash"})),
    ]
    table = list(csv.reader(io.StringIO(rows_to_csv(rows, TABLE_KEYS["tasks"]))))
    assert table[0] == [
        "id",
        "title",
        "milestone",
        "owner",
        "status",
        "progress",
        "last_update",
        "notes",
        "Priority",
        "Team",
        "extra:id",
    ]
    assert table[1][-3:] == ["High", "", ""]
    assert table[2][-3:] == ["", "Blue", "clash"]
    assert table[1][6] == ""  # a null last_update is an empty cell


def test_csv_of_nothing_still_has_a_header():
    assert rows_to_csv([], TABLE_KEYS["metrics"]) == "text,value,unit,target\n"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["set", "X", "--progress", "-10"], ["set", "X", "--progress=-10"]),
        (["set", "X", "--notes", "- a"], ["set", "X", "--notes=- a"]),
        (["set", "X", "--progress", "--status", "Y"], ["set", "X", "--progress", "--status", "Y"]),
        (["log", "--", "--progress", "-1"], ["log", "--", "--progress", "-1"]),
        (["set", "X", "--owner", "-o"], ["set", "X", "--owner", "-o"]),
    ],
)
def test_glue_dash_values(argv, expected):
    assert _glue_dash_values(argv) == expected


def test_write_atomically_new_file_follows_umask(tmp_path):
    target = write_atomically(tmp_path / "a.md", "héllo\n")
    assert target.read_text(encoding="utf-8") == "héllo\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_atomically_refuses_a_directory(tmp_path):
    with pytest.raises(TrackerError, match="directory"):
        write_atomically(tmp_path, "x")


def test_write_atomically_through_a_symlink(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_error_log_hides_passwords(tmp_path):
    try:
        raise ValueError("boom")
    except ValueError as error:
        line = errors_log.report_unexpected(
            error, ["--db", "postgresql://ann:s3cret@db.example/tracker", "export"]
        )
    path = errors_log.log_path()
    assert line == f"tracker-tui: unexpected error (details in {path})"
    assert path.is_relative_to(tmp_path)
    text = path.read_text()
    assert "s3cret" not in text and "postgresql://ann:***@db.example" in text
    assert "ValueError: boom" in text
    assert path.stat().st_mode & 0o777 == 0o600


def test_error_log_rotates(tmp_path, monkeypatch):
    monkeypatch.setattr(errors_log, "MAX_LOG_BYTES", 100)
    for _ in range(3):
        errors_log.report_unexpected(RuntimeError("x" * 200), [])
    path = errors_log.log_path()
    assert path.with_name("errors.log.1").exists()
    assert path.stat().st_size < 1000


def test_error_log_unwritable(tmp_path, monkeypatch):
    monkeypatch.setattr(errors_log, "log_path", lambda: tmp_path / "missing" / "\0bad")
    line = errors_log.report_unexpected(RuntimeError("x"), [])
    assert line.startswith("tracker-tui: unexpected error RuntimeError (could not write a log")


def test_sample_is_bundled():
    assert sample_tracker().is_file()
    assert sample_tracker_text().startswith("# Version 1.00 Progress Tracker")


def test_the_csv_table_names_the_cli_offers_are_the_exports_own() -> None:
    from tracker_tui import commands, export_formats

    assert commands.CSV_TABLES == export_formats.CSV_TABLES
