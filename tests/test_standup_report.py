"""``tracker-tui report``: golden files (markdown and JSON) of the scripted stand-up, the
caps, the markdown's shape, and the command line's bad input.

Update the golden files after a deliberate change with
``UPDATE_GOLDEN=1 pytest tests/test_standup_report.py``, and read the diff before
committing it.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from standup_scene import NOW, build_scene, open_scene

from tracker_tui.cli import main
from tracker_tui.domain import Task
from tracker_tui.standup.reading import read_since
from tracker_tui.standup.report import MAX_ITEMS, render

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    return build_scene(tmp_path / "scene.db")


def _report(scene: Path, report_format: str) -> str:
    with open_scene(scene) as store:
        view = read_since(store, tz=UTC, today=NOW.today(), forecast_window_days=14)
        return render(view, store.tracker_info().title, report_format, tz=UTC)


@pytest.mark.parametrize(
    ("report_format", "name"), [("md", "standup-report.md"), ("json", "standup-report.json")]
)
def test_golden_report(scene, report_format, name):
    text = _report(scene, report_format)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_is_chat_clean(scene):
    """No tables, no headings (Slack shows # as is), the bar in a code span."""
    text = _report(scene, "md")
    lines = text.splitlines()
    assert not any(line.lstrip().startswith(("|", "#")) for line in lines)
    assert any(line.startswith("`") and "█" in line and line.endswith("%`") for line in lines)
    assert "Programme at 82 % (-9 since the baseline), 1 task completed." in text


def test_json_contract_keys(scene):
    data = json.loads(_report(scene, "json"))
    assert set(data) == {
        "version",
        "tracker",
        "now",
        "baseline",
        "tracker_start",
        "no_history",
        "programme",
        "changes",
        "people",
        "completed",
        "moved",
        "attention",
        "no_movement",
        "risks",
        "decisions",
        "log",
        "checkpoints_due",
        "next_checkpoint",
        "forecasts",
    }
    assert data["moved"][0]["progress_change"] == {"from": 100, "to": 70, "delta": -30}
    # Each open milestone's forecast, the object ``tracker-tui trend --format json`` gives.
    assert [set(f) for f in data["forecasts"]] == [
        {"milestone", "kind", "progress", "expected", "earliest", "latest", "rate_per_day"}
    ] * len(data["forecasts"])
    assert {f["milestone"]: f["kind"] for f in data["forecasts"]}["M2"] == "no-movement"


def test_report_has_a_line_per_open_milestone_forecast(scene):
    """A milestone at 100 % is not open: it has no line; the others say when, or that
    nothing moved."""
    text = _report(scene, "text")
    assert "M2: no movement" in text
    assert "M3 95 % · ~Jun 6" in text
    assert "M5 90 % · ~Jun 7 (Jun 6 to later)" in text
    assert "M1" not in text.split("Completed")[0]


def test_every_list_is_capped(scene):
    with open_scene(scene) as store:
        view = read_since(store, tz=UTC, today=NOW.today())
    extra = [
        Task(f"X-{n:03d}", f"Blocked thing {n}", owner="Ann", status="Blocked", progress=10)
        for n in range(MAX_ITEMS + 5)
    ]
    view = replace(view, tasks=[*view.tasks, *extra])
    text = render(view, "T", "md", tz=UTC)
    assert "_… and 7 more_" in text  # 2 + 15 blocked, 10 shown
    plain = render(view, "T", "text", tz=UTC)
    assert "- … and 7 more" in plain and "**" not in plain
    ascii_text = render(view, "T", "text", tz=UTC, ascii=True)
    assert "- ... and 7 more" in ascii_text and "…" not in ascii_text


def test_report_on_the_command_line(scene, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    out = tmp_path / "report.md"
    assert main(["report", "--db", str(scene), "--since", "2024-06-04", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("**Stand-up: Version 1.00 Progress Tracker**")
    assert main(["report", "--db", str(scene), "--format", "json", "--since", "3d"]) == 0
    assert json.loads(capsys.readouterr().out)["baseline"]["source"] == "--since"


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("next week", "is not a time"),
        ("2999-01-01", "is in the future"),
        ("last", "no stand-up has been recorded yet"),
    ],
)
def test_bad_since_is_one_line_and_exit_1(scene, capsys, since, message):
    assert main(["report", "--db", str(scene), "--since", since]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert main(["standup", "--db", str(scene), "--since", since]) == 1


def test_standup_on_a_missing_store_is_one_line_and_creates_nothing(tmp_path, capsys):
    """Checked on the dashboard's own store (issue 13): still before Textual, no file."""
    missing = tmp_path / "typo.db"
    assert main(["standup", "--db", str(missing)]) == 1
    err = capsys.readouterr().err
    assert "no tracker in" in err and err.count("\n") == 1
    assert not missing.exists()


def test_since_before_the_import_shows_everything_since_it(scene, capsys):
    assert main(["report", "--db", str(scene), "--since", "2020-01-01", "--format", "text"]) == 0
    assert "showing everything since the import" in capsys.readouterr().out


def test_report_after_a_recorded_standup_shows_no_changes(scene, capsys):
    with open_scene(scene) as store:
        store.record_standup("2024-06-05T09:00:00+00:00", "2024-06-05T09:10:00+00:00", [], 0)
    assert main(["report", "--db", str(scene), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "the last stand-up" in out and "No changes since the baseline." in out


def test_standup_opens_the_dashboard_on_the_standup_screen(scene, monkeypatch):
    import sys
    import types

    calls: list[dict] = []
    fake = types.ModuleType("tracker_tui.app")
    fake.run_dashboard = lambda store, **options: calls.append(options)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tracker_tui.app", fake)
    assert main(["standup", "--db", str(scene), "--since", "2d"]) == 0
    assert len(calls) == 1
    given = calls[0]
    assert callable(given.pop("resume_collection"))  # the start-up's pause of the collector
    assert given == {"ascii": False, "owner": None, "mode": "standup", "since": "2d"}


def test_an_owner_respelt_in_case_or_spacing_is_no_change_of_owner(scene):
    """Two spellings of one name are one owner: a respelling alone does not put the task
    under Moved, nor an "owner A → a" next to a real move."""
    with open_scene(scene) as store:
        store.update_task("UT-006", {"owner": "  " + store.task("UT-006").owner.upper() + " "})
        owner = store.task("UT-007").owner
        store.update_task("UT-007", {"owner": owner.lower().replace(" ", "  ")})
        store.update_task("UT-007", {"progress": "+5"})
    text = _report(scene, "text")
    moved = [line for line in text.splitlines() if line.startswith("- UT-00")]
    assert not any(line.startswith("- UT-006") and "owner" in line for line in moved)
    assert not any("owner " in line for line in moved if line.startswith("- UT-007"))
    data = json.loads(_report(scene, "json"))
    assert all(move["owner_change"] is None for move in data["moved"] if move["id"] == "UT-007")
    assert "UT-006" not in [move["id"] for move in data["moved"]]


def test_a_title_changed_only_at_its_end_reads_as_two_titles(scene):
    """Old and new titles are cut to fit the line: when they share their start, they are
    shown from where they differ, not as the same cut-off text twice."""
    with open_scene(scene) as store:
        old = store.task("UT-003").title
        store.update_task("UT-003", {"title": old + " (phase two)"})
        cut_old, cut_new = (old[-10:], old[-10:] + " (phase two)")
    for report_format in ("text", "md"):
        line = next(line for line in _report(scene, report_format).splitlines() if "UT-003" in line)
        title_part = line.split(" title ", 1)[1]
        before, after = title_part.split(" → ", 1)
        assert before != after.split(" (by")[0]
        if report_format == "text":
            assert before == "…" + cut_old and after.startswith("…" + cut_new)


def test_the_report_is_headed_with_the_trackers_name_of_several(scene, capsys, monkeypatch):
    """Two trackers imported from one file share its title: the report names the one it
    is about (as --tracker and the tabs do), not the title both carry."""
    from conftest import SAMPLE

    with open_scene(scene) as store:
        title = store.tracker_info().title
    assert main(["import", "--db", str(scene), "--name", "Version 1.01", str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["report", "--db", str(scene), "--tracker", "Version 1.01"]) == 0
    assert capsys.readouterr().out.startswith("**Stand-up: Version 1.01**\n")
    as_json = ["report", "--db", str(scene), "--tracker", "Version 1.01", "--format", "json"]
    assert main(as_json) == 0
    tracker = json.loads(capsys.readouterr().out)["tracker"]
    assert tracker == {"title": title, "name": "Version 1.01"}
