"""The command line, in process: every command, its output and its exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker_tui import __version__, cli
from tracker_tui.cli import main
from tracker_tui.commands import exporting
from tracker_tui.resources import sample_tracker
from tracker_tui.store import Store

TASK_KEYS = {
    "id",
    "title",
    "milestone",
    "owner",
    "status",
    "progress",
    "last_update",
    "notes",
    "extra",
}
RISK_KEYS = {"id", "description", "impact", "mitigation", "owner", "status", "extra"}
DECISION_KEYS = {"date", "decision", "rationale", "owner", "extra"}
TOP_KEYS = {
    "tracker",
    "tasks",
    "activity",
    "checkpoints",
    "risks",
    "decisions",
    "cadence",
    "metrics",
}
CHANGE_KEYS = {"at", "user", "entity", "id", "field", "old", "new"}


@pytest.fixture(autouse=True)
def isolated(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI runs as "tester", away from the real home (conftest puts platformdirs' dirs
    under tmp_path, as ``xdg_data_home`` and so on)."""
    monkeypatch.setenv("TRACKER_TUI_USER", "tester")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


@pytest.fixture
def sample() -> str:
    return str(sample_tracker())


@pytest.fixture
def loaded(db: str, sample: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A store holding the bundled sample."""
    assert main(["import", sample, "--db", db]) == 0
    capsys.readouterr()
    return db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert err.startswith("tracker-tui: ")
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
    if not any("unexpected" in fragment for fragment in fragments):
        assert "unexpected error" not in err  # a user error, not a crash
    for fragment in fragments:
        assert fragment in err


def task(db: str, task_id: str):
    with Store.open(db) as store:
        return store.task(task_id)


def risk(db: str, risk_id: str):
    with Store.open(db) as store:
        return store.risk(risk_id)


# -- the basics ------------------------------------------------------------------------


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"tracker-tui {__version__}"


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("demo", "import", "set", "log", "export", "history", "check"):
        assert command in out


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["export", "--format", "yaml"],
        ["set"],
        ["log"],
        ["import"],
        ["history", "--limit", "0"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_exit_2(capsys, db, argv):
    code, _, err = run(capsys, *argv, "--db", db)
    assert code == 2
    assert "usage:" in err
    assert "Traceback" not in err


# -- import ----------------------------------------------------------------------------


def test_import_sample(capsys, db, sample):
    code, out, err = run(capsys, "import", sample, "--db", db)
    assert code == 0, err
    assert "Version 1.00 Progress Tracker" in out
    assert "7 tasks" in out
    with Store.open(db) as store:
        assert len(store.tasks()) == 7
        assert len(store.risks()) == 5
        assert store.tracker_info().title == "Version 1.00 Progress Tracker"


def test_import_json_output(capsys, db, sample):
    code, out, _ = run(capsys, "import", sample, "--db", db, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["title"] == "Version 1.00 Progress Tracker"
    assert report["store"] == db


def test_import_refused_without_replace_leaves_store_unchanged(capsys, loaded, sample):
    assert main(["set", "UT-003", "--progress", "40", "--db", loaded]) == 0
    capsys.readouterr()
    with Store.open(loaded) as store:
        revision = store.revision()
    code, _, err = run(capsys, "import", sample, "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "--replace")
    assert task(loaded, "UT-003").progress == 40
    with Store.open(loaded) as store:
        assert store.revision() == revision


def test_import_replace(capsys, loaded, sample):
    assert main(["set", "UT-003", "--progress", "40", "--db", loaded]) == 0
    code, _, err = run(capsys, "import", sample, "--replace", "--db", loaded)
    assert code == 0, err
    assert task(loaded, "UT-003").progress == 100


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "blank", "binary"])
def test_import_bad_file(capsys, tmp_path, db, kind):
    path = tmp_path / "bad.md"
    if kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_text("")
    elif kind == "blank":
        path.write_text("  \n\n\t\n")
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage\x80\x81")
    code, _, err = run(capsys, "import", str(path), "--db", db)
    assert code == 1
    assert_one_line_error(err, str(path))
    assert not Path(db).exists()  # a failed import creates nothing


# -- set -------------------------------------------------------------------------------


def test_set_task_status_and_progress(capsys, loaded):
    code, out, err = run(
        capsys, "set", "UT-003", "--status", "In Progress", "--progress", "40", "--db", loaded
    )
    assert code == 0, err
    assert out.splitlines()[0] == "UT-003  In Progress  40%  (was Complete, 100%)"
    saved = task(loaded, "UT-003")
    assert (saved.status, saved.progress, saved.updated_by) == ("In Progress", 40, "tester")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--progress", "+10"], 50),
        (["--progress", "-10"], 30),
        (["--progress=-10"], 30),
        (["--progress", "-10%"], 30),
        (["--progress", "+100"], 100),
        (["--progress", "-90"], 0),
    ],
)
def test_set_relative_progress(capsys, loaded, argv, expected):
    assert (
        main(["set", "UT-003", "--status", "In Progress", "--progress", "40", "--db", loaded]) == 0
    )
    capsys.readouterr()
    code, out, err = run(capsys, "set", "UT-003", *argv, "--db", loaded)
    assert code == 0, err
    assert task(loaded, "UT-003").progress == expected
    assert f"{expected}%" in out
    assert "(was 40%" in out or expected == 100


def test_set_status_restores_the_progress_from_history(capsys, loaded):
    """Complete and back (or through Not Started) gives back 40%, not 90% or 0%."""
    setup = ["set", "UT-003", "--status", "In Progress", "--progress", "40", "--db", loaded]
    assert main(setup) == 0
    capsys.readouterr()
    for status, expected in [
        ("Complete", 100),
        ("Blocked", 40),
        ("Not Started", 0),
        ("On Hold", 40),
    ]:
        code, out, err = run(capsys, "set", "UT-003", "--status", status, "--db", loaded)
        assert code == 0, err
        assert out.splitlines()[0].startswith(f"UT-003  {status}  {expected}%"), out
        assert task(loaded, "UT-003").progress == expected


def test_set_other_task_fields(capsys, loaded):
    code, out, err = run(
        capsys,
        "set",
        "UT-002",
        "--owner",
        "Alice",
        "--notes",
        "- see the QA report",
        "--milestone",
        "M9",
        "--title",
        "New title",
        "--db",
        loaded,
    )
    assert code == 0, err
    saved = task(loaded, "UT-002")
    assert (saved.owner, saved.notes, saved.milestone, saved.title) == (
        "Alice",
        "- see the QA report",
        "M9",
        "New title",
    )
    assert "owner: Alice  (was DevOps Lead)" in out


def test_completing_a_task_logs_it(capsys, loaded):
    assert main(["set", "UT-003", "--progress", "50", "--db", loaded]) == 0
    code, out, _ = run(capsys, "set", "UT-003", "--status", "done", "--db", loaded)
    assert code == 0
    assert "logged: UT-003 completed." in out
    with Store.open(loaded) as store:
        assert store.activity(limit=1)[0].text == "UT-003 completed."
        assert store.task("UT-003").progress == 100


def test_completion_log_follows_the_settings(capsys, loaded, tmp_path):
    config = tmp_path / "xdg_config_home" / "tracker-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("complete_adds_activity = false\n")
    assert main(["set", "UT-003", "--progress", "50", "--db", loaded]) == 0
    code, out, _ = run(capsys, "set", "UT-003", "--progress", "100", "--db", loaded)
    assert code == 0
    assert "logged" not in out
    with Store.open(loaded) as store:
        assert store.activity(limit=1)[0].text.startswith("UT-007 created")


def test_broken_settings_warn_but_do_not_stop(capsys, loaded, tmp_path):
    config = tmp_path / "xdg_config_home" / "tracker-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("this is = = not toml")
    code, _, err = run(capsys, "set", "UT-003", "--progress", "50", "--db", loaded)
    assert code == 0
    assert err.startswith("tracker-tui: warning: ")


def test_set_lower_case_id(capsys, loaded):
    code, out, _ = run(capsys, "set", "ut-003", "--progress", "50", "--db", loaded)
    assert code == 0
    assert out.startswith("UT-003")
    assert task(loaded, "UT-003").progress == 50


def test_set_risk(capsys, loaded):
    code, out, err = run(capsys, "set", "R-03", "--status", "Resolved", "--db", loaded)
    assert code == 0, err
    assert out.splitlines()[0].startswith("R-03  Resolved")
    assert "(was Open)" in out
    assert risk(loaded, "R-03").status == "Resolved"


def test_set_risk_fields(capsys, loaded):
    code, _, err = run(
        capsys,
        "set",
        "R-03",
        "--impact",
        "High",
        "--mitigation",
        "VPN",
        "--owner",
        "Bob",
        "--description",
        "NAT ranges",
        "--db",
        loaded,
    )
    assert code == 0, err
    saved = risk(loaded, "R-03")
    assert (saved.impact, saved.mitigation, saved.owner, saved.description) == (
        "High",
        "VPN",
        "Bob",
        "NAT ranges",
    )


def test_set_risk_impact_matches_the_list_in_any_case(capsys, loaded):
    code, out, err = run(capsys, "set", "R-03", "--impact", "high", "--db", loaded)
    assert code == 0, err
    assert risk(loaded, "R-03").impact == "High"
    assert "High impact" in out
    # Real registers use their own scales: kept as written, then matched like the rest.
    assert run(capsys, "set", "R-03", "--impact", "P1", "--db", loaded)[0] == 0
    assert risk(loaded, "R-03").impact == "P1"
    assert run(capsys, "set", "r-02", "--impact", "p1", "--db", loaded)[0] == 0
    assert risk(loaded, "R-02").impact == "P1"


def test_set_task_option_on_risk_is_refused(capsys, loaded):
    code, _, err = run(
        capsys, "set", "R-03", "--status", "Resolved", "--progress", "10", "--db", loaded
    )
    assert code == 1
    assert_one_line_error(err, "R-03", "risk", "--progress")
    assert risk(loaded, "R-03").status == "Open"


def test_set_risk_option_on_task_is_refused(capsys, loaded):
    code, _, err = run(capsys, "set", "UT-003", "--impact", "High", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "UT-003", "task", "--impact")


def test_set_unknown_id(capsys, loaded):
    code, _, err = run(capsys, "set", "UT-999", "--progress", "10", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "UT-999")


def test_set_nothing_to_change_is_usage_error(capsys, loaded):
    code, _, err = run(capsys, "set", "UT-003", "--db", loaded)
    assert code == 2
    assert "nothing to change" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--status", "Bogus", "--progress", "10"],
        ["--progress", "10", "--status", "Bogus"],
        ["--progress", "150"],
        ["--progress", "abc"],
    ],
)
def test_set_invalid_value_changes_nothing(capsys, loaded, argv):
    code, _, err = run(capsys, "set", "UT-003", *argv, "--db", loaded)
    assert code == 1
    assert_one_line_error(err)
    saved = task(loaded, "UT-003")
    assert (saved.status, saved.progress, saved.version) == ("Complete", 100, 1)


def test_set_json(capsys, loaded):
    code, out, _ = run(
        capsys, "set", "UT-003", "--progress", "60", "--format", "json", "--db", loaded
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == TASK_KEYS
    assert data["progress"] == 60
    assert data["status"] == "In Progress"


def test_set_on_empty_store(capsys, db):
    code, _, err = run(capsys, "set", "UT-003", "--progress", "1", "--db", db)
    assert code == 1
    assert_one_line_error(err, "no tracker")
    assert not Path(db).exists()


def test_set_read_only(capsys, loaded):
    code, _, err = run(capsys, "--read-only", "set", "UT-003", "--progress", "1", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "read-only")
    assert task(loaded, "UT-003").progress == 100


def test_user_text_is_printed_literally_and_safely(capsys, loaded):
    notes = "[bold red]alarm[/] :fire: \x1b]52;c;ZXZpbA==\x07 \x1b[31mred"
    code, out, err = run(capsys, "set", "UT-003", "--notes", notes, "--db", loaded)
    assert code == 0, err
    assert "[bold red]alarm[/]" in out
    assert ":fire:" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "ZXZpbA" not in out


# -- log -------------------------------------------------------------------------------


def test_log(capsys, loaded):
    code, out, err = run(
        capsys,
        "log",
        "UT-003 reopened after QA found a regression",
        "--date",
        "2024-06-03",
        "--db",
        loaded,
    )
    assert code == 0, err
    assert "2024-06-03" in out and "UT-003 reopened" in out
    with Store.open(loaded) as store:
        top = store.activity(limit=1)[0]
    assert (top.date, top.text) == ("2024-06-03", "UT-003 reopened after QA found a regression")


def test_log_joins_words_and_defaults_to_today(capsys, loaded):
    from datetime import date

    code, out, _ = run(capsys, "log", "UT-003", "reopened", "--format", "json", "--db", loaded)
    assert code == 0
    assert json.loads(out) == {"date": date.today().isoformat(), "text": "UT-003 reopened"}


def test_log_bad_date_is_usage_error(capsys, loaded):
    code, _, err = run(capsys, "log", "x", "--date", "03/06/2024", "--db", loaded)
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_log_empty_text(capsys, loaded):
    code, _, err = run(capsys, "log", "  ", "--db", loaded)
    assert code == 1
    assert_one_line_error(err)


# -- export ----------------------------------------------------------------------------


def test_export_markdown_round_trips(capsys, loaded, tmp_path):
    code, out, err = run(capsys, "export", "--db", loaded)
    assert code == 0, err
    assert out.startswith("# Version 1.00 Progress Tracker")
    assert "| UT-007 |" in out
    exported = tmp_path / "exported.md"
    exported.write_text(out, encoding="utf-8")
    again = str(tmp_path / "again.db")
    assert main(["import", str(exported), "--db", again]) == 0
    with Store.open(loaded) as first, Store.open(again) as second:
        assert [t.id for t in first.tasks()] == [t.id for t in second.tasks()]


def test_export_json_shape(capsys, loaded):
    code, out, _ = run(capsys, "export", "--format", "json", "--db", loaded)
    assert code == 0
    data = json.loads(out)
    assert set(data) == TOP_KEYS
    assert list(data) == [
        "tracker",
        "tasks",
        "activity",
        "checkpoints",
        "risks",
        "decisions",
        "cadence",
        "metrics",
    ]
    assert data["tracker"] == {
        "title": "Version 1.00 Progress Tracker",
        "snapshot_date": "2024-06-02",
    }
    assert len(data["tasks"]) == 7
    for item in data["tasks"]:
        assert set(item) == TASK_KEYS
        assert isinstance(item["progress"], int)
        assert all(not key.startswith("_") for key in item["extra"])
    first = data["tasks"][0]
    assert first["id"] == "UT-001" and first["last_update"] == "2024-05-09"
    for item in data["risks"]:
        assert set(item) == RISK_KEYS
    for item in data["decisions"]:
        assert set(item) == DECISION_KEYS
    assert all(set(item) == {"date", "text"} for item in data["activity"])
    assert all(set(item) == {"when", "text", "date"} for item in data["checkpoints"])
    assert all(set(item) == {"label", "text"} for item in data["cadence"])
    metric_keys = {"text", "value", "unit", "target", "extra"}
    assert all(set(item) == metric_keys for item in data["metrics"])
    assert (
        len(data["activity"]),
        len(data["checkpoints"]),
        len(data["risks"]),
        len(data["decisions"]),
        len(data["cadence"]),
        len(data["metrics"]),
    ) == (7, 4, 5, 3, 3, 7)


def test_export_csv(capsys, loaded):
    code, out, _ = run(capsys, "export", "--format", "csv", "--table", "tasks", "--db", loaded)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "id",
        "title",
        "milestone",
        "owner",
        "status",
        "progress",
        "last_update",
        "notes",
    ]
    assert len(rows) == 8
    assert rows[1][0] == "UT-001" and rows[1][5] == "100"


@pytest.mark.parametrize(
    ("table", "header"),
    [
        ("activity", ["date", "text"]),
        ("checkpoints", ["when", "text", "date"]),
        ("risks", ["id", "description", "impact", "mitigation", "owner", "status"]),
        ("decisions", ["date", "decision", "rationale", "owner"]),
        ("cadence", ["label", "text"]),
        ("metrics", ["text", "value", "unit", "target"]),
    ],
)
def test_export_csv_tables(capsys, loaded, table, header):
    code, out, _ = run(capsys, "export", "--format", "csv", "--table", table, "--db", loaded)
    assert code == 0
    assert next(csv.reader(io.StringIO(out))) == header


def test_export_csv_needs_table(capsys, loaded):
    code, _, err = run(capsys, "export", "--format", "csv", "--db", loaded)
    assert code == 2
    assert "--table" in err


def test_export_table_needs_csv(capsys, loaded):
    code, _, _ = run(capsys, "export", "--table", "tasks", "--db", loaded)
    assert code == 2


def test_export_to_file(capsys, loaded, tmp_path):
    target = tmp_path / "out" / "tracker.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    code, out, err = run(capsys, "export", "--format", "json", "-o", str(target), "--db", loaded)
    assert code == 0, err
    assert out == ""
    assert str(target) in err
    assert json.loads(target.read_text(encoding="utf-8"))["tracker"]["title"]
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(target.parent) == ["tracker.json"]  # no temporary file left behind


def test_export_to_file_matches_stdout(capsys, loaded, tmp_path):
    target = tmp_path / "tracker.md"
    assert main(["export", "--db", loaded, "--output", str(target)]) == 0
    capsys.readouterr()
    _, out, _ = run(capsys, "export", "--db", loaded)
    assert target.read_text(encoding="utf-8") == out


def test_export_to_missing_directory(capsys, loaded, tmp_path):
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "nope" / "x.md"), "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "no such directory")


def test_export_empty_store(capsys, db):
    code, _, err = run(capsys, "export", "--db", db)
    assert code == 1
    assert_one_line_error(err, "no tracker")


def test_export_broken_pipe_is_quiet(capsys, loaded, monkeypatch):
    def closed(_text: str) -> None:
        raise BrokenPipeError

    # Patched where the export command looks it up: its module, not tracker_tui.cli.
    monkeypatch.setattr(exporting, "write_stdout", closed)
    code, _, err = run(capsys, "export", "--db", loaded)
    assert code == 141
    assert err == ""


# -- history ---------------------------------------------------------------------------


def test_history_json(capsys, loaded):
    assert (
        main(["set", "UT-003", "--status", "In Progress", "--progress", "40", "--db", loaded]) == 0
    )
    capsys.readouterr()
    code, out, _ = run(capsys, "history", "UT-003", "--format", "json", "--db", loaded)
    assert code == 0
    changes = json.loads(out)
    assert changes and all(set(change) == CHANGE_KEYS for change in changes)
    by_field = {change["field"]: change for change in changes}
    assert by_field["status"]["old"] == "Complete"
    assert by_field["status"]["new"] == "In Progress"
    assert by_field["progress"]["new"] == "40"
    assert {change["user"] for change in changes} == {"tester"}
    assert {change["id"] for change in changes} == {"UT-003"}


def test_history_text(capsys, loaded):
    assert main(["set", "R-03", "--status", "Resolved", "--db", loaded]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "history", "--db", loaded)
    assert code == 0
    assert "R-03" in out and "tester" in out and "Resolved" in out


def test_history_of_an_id_without_changes(capsys, loaded):
    code, out, _ = run(capsys, "history", "UT-001", "--db", loaded)
    assert code == 0
    assert "No changes recorded for UT-001" in out


def test_as_name_is_recorded_unless_user_env_set(capsys, loaded, monkeypatch):
    monkeypatch.delenv("TRACKER_TUI_USER")
    assert main(["--as", "alice", "set", "UT-001", "--owner", "A", "--db", loaded]) == 0
    assert main(["set", "UT-002", "--owner", "B", "--as", "bob", "--db", loaded]) == 0
    monkeypatch.setenv("TRACKER_TUI_USER", "shared")
    assert main(["set", "UT-004", "--owner", "C", "--as", "carol", "--db", loaded]) == 0
    capsys.readouterr()
    assert task(loaded, "UT-001").updated_by == "alice"
    assert task(loaded, "UT-002").updated_by == "bob"
    assert task(loaded, "UT-004").updated_by == "shared"


# -- check -----------------------------------------------------------------------------


def test_check(capsys, loaded):
    code, out, _ = run(capsys, "check", "--db", loaded)
    assert code == 0
    assert "schema version" in out
    code, out, _ = run(capsys, "check", "--format", "json", "--db", loaded)
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["counts"]["task"] == 7


def test_check_foreign_file(capsys, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    code, out, err = run(capsys, "check", "--db", str(path))
    assert code == 1
    assert "not a tracker store" in out and "damaged or unreadable" in out
    assert "Traceback" not in err
    code, out, _ = run(capsys, "check", "--format", "json", "--db", str(path))
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False and report["store"] == str(path)
    assert path.read_text() == "hello"


def test_check_damaged_store(capsys, loaded):
    # Overwrite the middle of the file: the header survives, the pages do not.
    size = os.path.getsize(loaded)
    with open(loaded, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 1024)
    code, out, err = run(capsys, "check", "--format", "json", "--db", loaded)
    assert code == 1
    assert json.loads(out)["ok"] is False
    assert "Traceback" not in err


@pytest.mark.parametrize("output", ["text", "json"])
def test_check_a_directory_says_so(capsys, tmp_path, output):
    """A directory is a wrong --db, not a damaged store: no "restore a backup" advice."""
    code, out, err = run(capsys, "check", "--format", output, "--db", str(tmp_path))
    assert code == 1
    assert out == ""
    assert_one_line_error(err, "is a directory")
    assert "damaged" not in err and "backup" not in err


def test_check_empty_store(capsys, db):
    code, _, err = run(capsys, "check", "--db", db)
    assert code == 1
    assert_one_line_error(err, "no tracker")


# -- where the store is ----------------------------------------------------------------


def test_db_before_and_after_the_command(capsys, loaded):
    _, before, _ = run(capsys, "--db", loaded, "export", "--format", "json")
    _, after, _ = run(capsys, "export", "--format", "json", "--db", loaded)
    assert before == after
    assert json.loads(before)["tasks"]


def test_db_from_environment(capsys, loaded, monkeypatch):
    monkeypatch.setenv("TRACKER_TUI_DB", loaded)
    code, out, _ = run(capsys, "export", "--format", "json")
    assert code == 0
    assert len(json.loads(out)["tasks"]) == 7


def test_db_option_beats_environment(capsys, loaded, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_TUI_DB", str(tmp_path / "other.db"))
    code, _, _ = run(capsys, "export", "--db", loaded)
    assert code == 0


def test_default_store_lives_in_the_data_dir(capsys, sample, tmp_path):
    assert main(["import", sample]) == 0
    assert (tmp_path / "xdg_data_home" / "tracker-tui" / "tracker.db").exists()


def test_db_is_a_directory(capsys, tmp_path):
    code, _, err = run(capsys, "export", "--db", str(tmp_path))
    assert code == 1
    assert_one_line_error(err, "directory")


# -- the dashboard and the demo --------------------------------------------------------


@pytest.fixture
def dashboard(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """A stand-in ``tracker_tui.app`` that records what the dashboard was given."""
    calls: list[dict] = []

    def run_dashboard(
        store: Store,
        *,
        ascii: bool = False,
        owner: str | None = None,
        resume_collection: Callable[[], None] | None = None,
    ) -> None:
        calls.append(
            {
                "tasks": len(store.tasks()),
                "title": store.tracker_info().title,
                "ascii": ascii,
                "read_only": store.read_only,
                "path": store.target.path,
            }
        )

    fake = types.ModuleType("tracker_tui.app")
    fake.run_dashboard = run_dashboard  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tracker_tui.app", fake)
    return calls


def test_demo(capsys, dashboard):
    assert main(["demo", "--ascii"]) == 0
    (call,) = dashboard
    assert call["tasks"] == 7
    assert call["ascii"] is True
    assert not call["path"].exists()  # the throwaway store is removed afterwards
    assert not call["path"].parent.exists()


def test_demo_read_only(capsys, dashboard):
    assert main(["--read-only", "demo"]) == 0
    assert dashboard[0]["read_only"] is True


def test_bare_command_opens_the_dashboard(capsys, loaded, dashboard, monkeypatch):
    monkeypatch.setenv("TRACKER_TUI_DB", loaded)
    assert main([]) == 0
    assert dashboard == [
        {
            "tasks": 7,
            "title": "Version 1.00 Progress Tracker",
            "ascii": False,
            "read_only": False,
            "path": Path(loaded),
        }
    ]


def test_bare_command_flags(capsys, loaded, dashboard):
    assert main(["--db", loaded, "--read-only", "--ascii"]) == 0
    assert dashboard[0]["read_only"] is True and dashboard[0]["ascii"] is True


def test_bare_command_on_a_fresh_install_opens_the_empty_dashboard(capsys, tmp_path, dashboard):
    """No store yet (the default one, in a data directory that does not exist either):
    the empty dashboard opens, and merely looking creates no file."""
    code, _, err = run(capsys)
    assert (code, err) == (0, "")
    store_path = tmp_path / "xdg_data_home" / "tracker-tui" / "tracker.db"
    assert dashboard == [
        {"tasks": 0, "title": "", "ascii": False, "read_only": False, "path": store_path}
    ]
    assert not store_path.exists()


def test_bare_command_on_an_empty_store_file_opens_the_dashboard(capsys, db, dashboard):
    with Store.open(db) as store:
        store.set_tracker(title="Fresh")
    code, _, _ = run(capsys, "--db", db)
    assert code == 0
    assert dashboard[0]["tasks"] == 0 and dashboard[0]["title"] == "Fresh"


def test_read_only_with_no_store_is_one_line_and_creates_nothing(capsys, tmp_path, dashboard):
    db = tmp_path / "new" / "tracker.db"
    code, _, err = run(capsys, "--read-only", "--db", str(db))
    assert code == 1
    assert_one_line_error(err, "no tracker in", "--read-only")
    assert dashboard == []
    assert not db.exists() and not db.parent.exists()


def test_title_starts_a_tracker_on_a_new_store(capsys, tmp_path):
    db = str(tmp_path / "new" / "tracker.db")
    code, out, err = run(capsys, "title", "Release", "2", "tracker", "--db", db)
    assert code == 0, err
    assert out == f"Started Release 2 tracker in {db}\n"
    code, out, _ = run(capsys, "title", "Release 3", "--db", db, "--format", "json")
    assert code == 0
    assert json.loads(out) == {"store": db, "title": "Release 3", "was": "Release 2 tracker"}
    with Store.open(db) as store:
        assert store.exists and store.tasks() == []
    code, _, err = run(capsys, "title", " ", "--db", db)
    assert code == 1
    assert_one_line_error(err, "title cannot be empty")


def _damage_middle_pages(path: Path) -> None:
    """Overwrite pages in the middle of the file: the header and the schema still read,
    so only the page check (``quick_check``) finds the damage."""
    page_size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    pages = path.stat().st_size // page_size
    with path.open("r+b") as handle:
        for page in range(pages // 2, pages // 2 + 4):
            handle.seek(page * page_size)
            handle.write(bytes((page * 37 + i * 101) % 256 for i in range(page_size)))


def test_bare_command_refuses_a_damaged_store_before_the_dashboard(
    capsys, db, sample, dashboard, monkeypatch
):
    from store_docs import tasks_document

    with Store.open(db) as store:
        store.import_document(tasks_document(2000))
    _damage_middle_pages(Path(db))
    # The cheap checks of the open pass: the damage is found by the page check that runs
    # beside the import of Textual, and the dashboard never starts.
    with Store.open(db, verify=False, read_only=True):
        pass
    code, out, err = run(capsys, "--db", db)
    assert code == 1
    assert_one_line_error(err, "damaged", "bak")
    assert out == ""
    assert dashboard == []


def test_background_check_passes_a_healthy_store_and_waits_for_nothing_missing(tmp_path):
    from store_docs import tasks_document

    path = tmp_path / "tracker.db"
    with Store.open(path) as store:
        store.verify_in_background().wait()  # no file yet: nothing to check
        store.import_document(tasks_document(50))
    with Store.open(path, verify=False) as store:
        store.verify_in_background().wait()
        assert len(store.tasks()) == 50


# -- errors nobody expected ------------------------------------------------------------


def test_unexpected_error_is_logged_not_shown(capsys, loaded, monkeypatch, tmp_path):
    def broken(_args):
        raise RuntimeError("the flux capacitor")

    monkeypatch.setitem(cli._COMMANDS, "history", broken)
    code, out, err = run(capsys, "history", "--db", loaded)
    assert code == 1
    assert out == ""
    assert_one_line_error(err, "unexpected error (details in ")
    log = Path(err.split("details in ", 1)[1].rstrip(")\n"))
    assert log.is_relative_to(tmp_path / "xdg_state_home")
    text = log.read_text()
    assert "RuntimeError: the flux capacitor" in text and "Traceback" in text


def test_keyboard_interrupt_is_quiet(capsys, loaded, monkeypatch):
    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli._COMMANDS, "history", interrupted)
    code, out, err = run(capsys, "history", "--db", loaded)
    assert (code, out, err) == (130, "", "")


def test_store_sqlite_error_is_one_line(capsys, tmp_path):
    # Another application's database is refused, and left as it was.
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE things (x)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    code, _, err = run(capsys, "import", str(sample_tracker()), "--db", str(path))
    assert code == 1
    assert_one_line_error(err, "not a tracker store")
    assert path.read_bytes() == before


# -- statuses a task (or a risk) accepts ---------------------------------------------------


def _revision(db: str) -> int:
    with Store.open(db) as store:
        return store.revision()


@pytest.mark.parametrize(
    ("task_id", "typed", "kind"),
    [
        ("UT-002", "Open", "risk status"),  # the issue: it became Not Started 0%
        ("UT-003", "Resolved", "risk status"),  # it completed the task
        ("UT-002", "closed", "risk status"),
        ("UT-002", "amber", "unknown status"),  # RAG colours map on import only
        ("UT-002", "Sleeping", "unknown status"),
    ],
)
def test_set_refuses_a_status_not_in_the_task_list(capsys, loaded, task_id, typed, kind):
    before, revision = task(loaded, task_id), _revision(loaded)
    code, out, err = run(capsys, "set", task_id, "--status", typed, "--db", loaded)
    assert code == 1
    assert out == ""
    assert_one_line_error(
        err, kind, "Not Started, In Progress, Blocked, At Risk, On Hold, Complete"
    )
    assert task(loaded, task_id) == before
    assert _revision(loaded) == revision


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("in progress", "In Progress"),
        ("IN-PROGRESS", "In Progress"),
        ("not_started", "Not Started"),
        ("done", "Complete"),
        ("Finished", "Complete"),
        ("todo", "Not Started"),
        ("WIP", "In Progress"),
        ("paused", "On Hold"),
    ],
)
def test_set_accepts_any_case_and_unambiguous_synonyms(capsys, loaded, typed, stored):
    code, _, err = run(capsys, "set", "UT-002", "--status", typed, "--db", loaded)
    assert code == 0, err
    assert task(loaded, "UT-002").status == stored


def test_set_refuses_a_task_status_for_a_risk(capsys, loaded):
    code, _, err = run(capsys, "set", "R-03", "--status", "In Progress", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "task status", "Open, Monitoring, Mitigated, Resolved, Closed")
    assert risk(loaded, "R-03").status == "Open"


def test_a_status_change_that_resets_progress_shows_the_old_figure(capsys, loaded):
    assert main(["set", "UT-002", "--status", "Complete", "--db", loaded]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "set", "UT-002", "--status", "Not Started", "--db", loaded)
    assert code == 0
    headline = out.splitlines()[0]
    assert headline.startswith("UT-002  Not Started  ")
    assert headline.endswith("(was Complete, 100%)")


# -- an ID that a task and a risk share ---------------------------------------------------


@pytest.fixture
def shared(tmp_path: Path, sample: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The sample, with risk R-03 renamed UT-003: task UT-003 and risk UT-003."""
    document = tmp_path / "shared.md"
    text = Path(sample).read_text(encoding="utf-8")
    document.write_text(text.replace("| R-03 |", "| UT-003 |"), encoding="utf-8")
    db = str(tmp_path / "shared.db")
    assert main(["import", str(document), "--db", db]) == 0
    capsys.readouterr()
    return db


def test_import_warns_about_an_id_shared_by_a_task_and_a_risk(capsys, tmp_path, sample):
    document = tmp_path / "shared.md"
    text = Path(sample).read_text(encoding="utf-8")
    document.write_text(
        text.replace("| R-03 |", "| UT-003 |").replace("| R-04 |", "| ut-005 |"),
        encoding="utf-8",
    )
    db = str(tmp_path / "shared.db")
    code, out, err = run(capsys, "import", str(document), "--db", db)
    assert code == 0
    assert out.startswith("Imported ")
    assert err.splitlines() == [
        "tracker-tui: warning: UT-003 is both a task and a risk: "
        "'tracker-tui set UT-003' needs --task or --risk",
        "tracker-tui: warning: UT-005 is both a task and a risk: "
        "'tracker-tui set UT-005' needs --task or --risk",
    ]
    assert risk(db, "UT-003") is not None and task(db, "UT-003") is not None


def test_import_without_shared_ids_warns_nothing(capsys, db, sample):
    code, _, err = run(capsys, "import", sample, "--db", db)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "argv", [["--status", "Resolved"], ["--owner", "Ann"], ["--impact", "High"]]
)
def test_set_on_a_shared_id_needs_task_or_risk(capsys, shared, argv):
    before, revision = task(shared, "UT-003"), _revision(shared)
    code, out, err = run(capsys, "set", "UT-003", *argv, "--db", shared)
    assert code == 1
    assert out == ""
    assert_one_line_error(err, "UT-003 is both a task and a risk: add --task or --risk")
    assert task(shared, "UT-003") == before
    assert _revision(shared) == revision


def test_set_risk_on_a_shared_id(capsys, shared):
    code, out, err = run(
        capsys, "set", "ut-003", "--risk", "--status", "Resolved", "--impact", "high",
        "--db", shared,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("UT-003  Resolved  High impact")
    assert (risk(shared, "UT-003").status, risk(shared, "UT-003").impact) == ("Resolved", "High")
    assert task(shared, "UT-003").status == "Complete"
    with Store.open(shared) as store:
        assert "UT-003 completed." not in [entry.text for entry in store.activity(limit=5)]


def test_set_task_on_a_shared_id(capsys, shared):
    code, out, err = run(capsys, "set", "UT-003", "--task", "--progress", "50", "--db", shared)
    assert code == 0, err
    assert out.startswith("UT-003  In Progress  50%")
    assert risk(shared, "UT-003").status == "Open"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--risk", "--progress", "40"], "--progress is for a task; with --risk"),
        (["--risk", "--milestone", "M2", "--notes", "x"], "--milestone, --notes is for a task"),
        (["--task", "--impact", "High"], "--impact is for a risk; with --task"),
        (["--task", "--risk", "--owner", "Ann"], "not allowed with argument"),
    ],
)
def test_options_of_the_other_kind_are_a_usage_error(capsys, shared, argv, fragment):
    revision = _revision(shared)
    code, _, err = run(capsys, "set", "UT-003", *argv, "--db", shared)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err
    assert _revision(shared) == revision


def test_task_or_risk_that_is_not_there(capsys, loaded):
    code, _, err = run(capsys, "set", "R-03", "--task", "--owner", "Ann", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "no task with ID 'R-03'", "R-03 is a risk: use --risk")
    code, _, err = run(capsys, "set", "UT-003", "--risk", "--owner", "Ann", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "no risk with ID 'UT-003'", "UT-003 is a task: use --task")


# -- undo and redo ---------------------------------------------------------------------------


def test_undo_and_redo_the_users_own_change(capsys, loaded, monkeypatch):
    monkeypatch.delenv("TRACKER_TUI_USER")
    assert main(["set", "UT-003", "--progress", "40", "--as", "ann", "--db", loaded]) == 0
    assert main(["set", "UT-002", "--owner", "Bob", "--as", "bob", "--db", loaded]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "undo", "--as", "ann", "--db", loaded)
    assert code == 0, err
    assert out.count("\n") == 1
    assert out.startswith("Undone: UT-003 ")
    assert "progress 40% → 100%" in out and "status In Progress → Complete" in out
    assert (task(loaded, "UT-003").progress, task(loaded, "UT-002").owner) == (100, "Bob")
    code, out, _ = run(capsys, "redo", "--as", "ann", "--db", loaded)
    assert code == 0
    assert out.startswith("Redone: UT-003 ") and "progress 100% → 40%" in out
    assert task(loaded, "UT-003").progress == 40


def test_undo_is_the_same_store_undo_as_the_key(capsys, loaded, monkeypatch):
    """What the CLI undoes, the dashboard's u would not undo again: one history."""
    assert main(["set", "UT-003", "--progress", "40", "--db", loaded]) == 0
    assert main(["undo", "--db", loaded]) == 0
    with Store.open(loaded, user="tester") as store:
        with pytest.raises(Exception, match="nothing to undo"):
            store.undo()
        assert store.redo()  # the key's redo picks up the CLI's undo
    assert task(loaded, "UT-003").progress == 40


def test_undo_json(capsys, loaded):
    assert main(["set", "UT-003", "--owner", "Ann", "--db", loaded]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "undo", "--format", "json", "--db", loaded)
    assert code == 0
    data = json.loads(out)
    assert (data["action"], data["user"], data["skipped"]) == ("undo", "tester", [])
    owner = [change for change in data["changes"] if change["field"] == "owner"]
    assert len(owner) == 1 and set(owner[0]) == CHANGE_KEYS
    assert (owner[0]["id"], owner[0]["old"]) == ("UT-003", "Ann")


@pytest.mark.parametrize("action", ["undo", "redo"])
def test_nothing_to_undo_is_one_line_exit_1(capsys, loaded, action):
    revision = _revision(loaded)
    code, out, err = run(capsys, action, "--db", loaded)
    assert code == 1
    assert out == ""
    assert_one_line_error(err, f"nothing to {action} for tester")
    assert _revision(loaded) == revision


def test_undo_over_someone_elses_change_needs_force(capsys, loaded, monkeypatch):
    monkeypatch.delenv("TRACKER_TUI_USER")
    assert main(["set", "UT-003", "--progress", "40", "--as", "ann", "--db", loaded]) == 0
    assert main(["set", "UT-003", "--progress", "60", "--as", "bob", "--db", loaded]) == 0
    capsys.readouterr()
    code, _, err = run(capsys, "undo", "--as", "ann", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "UT-003 was changed by bob", "--force")
    assert task(loaded, "UT-003").progress == 60
    code, _, _ = run(capsys, "undo", "--as", "ann", "--force", "--db", loaded)
    assert code == 0
    assert task(loaded, "UT-003").progress == 100


def test_undo_read_only(capsys, loaded):
    assert main(["set", "UT-003", "--progress", "40", "--db", loaded]) == 0
    code, _, err = run(capsys, "--read-only", "undo", "--db", loaded)
    assert code == 1
    assert_one_line_error(err, "read-only")
    assert task(loaded, "UT-003").progress == 40
