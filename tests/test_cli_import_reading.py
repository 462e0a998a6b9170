"""``import --dry-run``, ``--map`` and ``--kind``: what a user sees, what changes (nothing
for a dry run), and the options kept with the tracker for a re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker_tui.cli import main

DECISIONS = """\
# Log

| Date | Decision | Approver | Owner | Response |
|---|---|---|---|---|
| 2024-05-01 | Ship it | Ann | Bob | yes |
"""

NOTHING = """\
# Audit

Some prose.

| Area | Status | Evidence |
|---|---|---|
| Auth | ok | tests |
"""


def write(tmp_path: Path, text: str, name: str = "t.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dry_run_says_what_was_read_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, db = write(tmp_path, DECISIONS), tmp_path / "t.db"
    assert main(["import", str(source), "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "lines 3-5  table: decision (1)" in out
    assert "Approver -> extra" in out and "Owner -> owner" in out
    assert "also matched, kept as extra: Approver (owner)" in out  # the ambiguity rule
    assert "would import: 1 decision" in out
    assert not db.exists()


def test_dry_run_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, DECISIONS)
    assert main(["import", str(source), "--dry-run", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["would_import"] is True and data["counts"] == {"decision": 1}
    (found,) = data["found"]
    assert (found["first_line"], found["layout"], found["kind"]) == (3, "table", "decision")
    assert ["Owner", "owner"] in found["headers"]


def test_dry_run_lists_statuses_mapped_and_sections_kept_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "# T\n\n## About\n\nProse.\n\n## Tasks\n\n| ID | Title | Status |\n|---|---|---|\n"
        "| A-1 | a | Done |\n| A-2 | b | Parked |\n"
    )
    assert main(["import", str(write(tmp_path, text)), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "task 'Done' -> Complete" in out and "task 'Parked' -> (new status)" in out
    assert "line 3: About" in out


def test_nothing_understood_is_refused_naming_the_closest_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, db = write(tmp_path, NOTHING), tmp_path / "t.db"
    assert main(["import", str(source), "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert (
        "a table at line 5 with columns Area, Status, Evidence: not a tracker table; "
        "try --kind tasks; run import with --dry-run" in err
    )
    assert not db.exists()
    assert main(["import", str(source), "--dry-run"]) == 1


def test_map_sends_a_header_to_a_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, db = write(tmp_path, DECISIONS), tmp_path / "t.db"
    args = ["import", str(source), "--db", str(db), "--map", "Approver=owner"]
    assert main([*args, "--map", "Owner=extra", "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "json", "--db", str(db)]) == 0
    (decision,) = json.loads(capsys.readouterr().out)["decisions"]
    assert decision["owner"] == "Ann" and decision["extra"]["Owner"] == "Bob"


def test_map_for_one_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "# R\n\n| ID | Risk | Impact | Plan |\n|---|---|---|---|\n| R-1 | a | High | b |\n"
    source = write(tmp_path, text)
    assert main(["import", str(source), "--dry-run", "--map", "risks:Plan=mitigation"]) == 0
    assert "Plan -> mitigation" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("Approver=boss", "'boss' is not a field of any kind; valid fields: tasks: id, title"),
        ("risks:Approver=decision", "'decision' is not a field of risks"),
        ("Approver", "write it as 'Header=field'"),
        ("Signed off by=owner", "no column or label 'signed off by' in the document"),
    ],
)
def test_a_bad_map_is_a_usage_error_listing_the_fields(
    mapping: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, db = write(tmp_path, DECISIONS), tmp_path / "t.db"
    assert main(["import", str(source), "--map", mapping, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert message in err and "decisions: date, decision, rationale, owner, extra" in err
    assert not db.exists()


def test_kind_reads_a_table_as_that_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "# M\n\n| Milestone ID | Name | Target Window |\n|---|---|---|\n| M1 | Kick-off | W1 |\n"
    source, db = write(tmp_path, text), tmp_path / "t.db"
    assert main(["import", str(source), "--db", str(db)]) == 1
    assert main(["import", str(source), "--db", str(db), "--kind", "tasks"]) == 0
    assert "1 task" in capsys.readouterr().out
    assert main(["import", str(source), "--kind", "people"]) == 2


def test_map_and_kind_are_kept_for_a_reimport(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, db = write(tmp_path, DECISIONS), tmp_path / "t.db"
    assert main(["import", str(source), "--db", str(db), "--map", "Approver=owner"]) == 0
    # The same document again, without --map: read the same way.
    assert main(["import", str(source), "--db", str(db), "--replace"]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "json", "--db", str(db)]) == 0
    (decision,) = json.loads(capsys.readouterr().out)["decisions"]
    assert decision["owner"] == "Ann"
