"""Many trackers in one store: the store's scope (IDs, history, undo and the revision
per tracker), how a tracker is chosen, import, rename, delete, ``export --all`` and
``copy``, through the store's API and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE
from store_docs import tasks_document

from tracker_tui.cli import main
from tracker_tui.domain import NotFoundError, TrackerError, ValidationError
from tracker_tui.markdown import read_document
from tracker_tui.store import Store


@pytest.fixture
def two(tmp_path: Path) -> Store:
    """A store holding "Alpha" and "Beta", the same seven task IDs in each."""
    store = Store.open(tmp_path / "t.db", user="alice")
    store.import_document(tasks_document(7, title="Alpha"))
    store.import_document(tasks_document(7, title="Beta"))
    return store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, *fragments: str) -> None:
    assert err.startswith("tracker-tui: ") and err.count("\n") == 1
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


# -- the scope -------------------------------------------------------------------------------


def test_the_same_id_lives_in_two_trackers_and_edits_stay_in_theirs(two: Store) -> None:
    alpha = two.for_tracker(two.use_tracker("alpha"))
    beta = two.for_tracker(two.use_tracker("beta"))
    alpha.update_task("UT-001", {"progress": 90})
    assert alpha.task("UT-001").progress == 90
    assert beta.task("UT-001").progress == 50
    beta.create_task({"id": "UT-100", "title": "only in beta"})
    assert alpha.task("UT-100") is None
    with pytest.raises(ValidationError, match="already exists"):
        beta.create_task({"id": "UT-100", "title": "twice in beta"})
    assert alpha.create_task({"id": "UT-100", "title": "alpha's own"}).title == "alpha's own"


def test_history_undo_and_the_revision_are_per_tracker(two: Store) -> None:
    alpha = two.for_tracker(two.use_tracker("alpha"))
    beta = two.for_tracker(two.use_tracker("beta"))
    start_alpha, start_beta = alpha.revision(), beta.revision()
    alpha.update_task("UT-001", {"progress": 60})
    beta.update_task("UT-002", {"progress": 70})
    beta.update_task("UT-003", {"progress": 80})
    assert alpha.revision() == start_alpha + 1 and beta.revision() == start_beta + 2
    assert [c.id for c in alpha.history() if c.field == "progress"] == ["UT-001"]
    assert [c.id for c in alpha.changes_since(start_alpha)] == ["UT-001", "UT-001"]
    # alice's last change in Alpha is Alpha's, whatever she did in Beta since.
    assert alpha.undo()[0].id == "UT-001"
    assert beta.task("UT-003").progress == 80
    assert beta.undo()[0].id == "UT-003"
    assert beta.task("UT-002").progress == 70


def test_importing_a_second_document_never_touches_the_first(two: Store) -> None:
    alpha = two.for_tracker(two.use_tracker("alpha"))
    before = (alpha.tasks(), alpha.risks(), alpha.history(), alpha.revision())
    two.import_document(read_document(SAMPLE))
    two.import_document(tasks_document(3, title="Beta"), replace=True)
    assert (alpha.tasks(), alpha.risks(), alpha.history(), alpha.revision()) == before
    assert [t.name for t in two.trackers()] == ["Alpha", "Beta", "Version 1.00 Progress Tracker"]
    with pytest.raises(TrackerError, match="--replace"):
        two.import_document(tasks_document(3, title="ALPHA"))
    two.import_document(tasks_document(3, title="Alpha"), name="Gamma")
    assert [t.name for t in two.trackers()][-1] == "Version 1.00 Progress Tracker"
    assert two.use_tracker("gam").name == "Gamma" and len(two.tasks()) == 3


# -- choosing a tracker ----------------------------------------------------------------------


def test_the_only_tracker_else_the_last_opened_else_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Store.open(path) as store:
        store.import_document(tasks_document(3, title="Alpha"))
    with Store.open(path) as store:
        assert store.tracker().name == "Alpha"  # the only one
        store.import_document(tasks_document(3, title="Beta"))
    with Store.open(path) as store, pytest.raises(TrackerError) as refused:
        store.tracker()
    assert '"Alpha", "Beta"' in str(refused.value) and "--tracker" in str(refused.value)
    with Store.open(path, tracker="b") as store:
        store.remember_opened()  # what the dashboard does on opening a tracker
    with Store.open(path) as store:
        assert store.tracker().name == "Beta"
    with Store.open(path, user="bob") as store, pytest.raises(TrackerError):
        store.tracker()  # bob has opened none


@pytest.mark.parametrize(
    ("wanted", "fragment"), [("nope", "no tracker 'nope'"), ("", "more than one")]
)
def test_an_unknown_or_ambiguous_name_lists_the_trackers(
    two: Store, wanted: str, fragment: str
) -> None:
    with pytest.raises(TrackerError) as refused:
        two.use_tracker(wanted or "")
    message = str(refused.value)
    assert '"Alpha", "Beta"' in message and "\n" not in message
    if wanted:
        assert fragment in message


def test_rename_and_delete(two: Store) -> None:
    two.use_tracker("beta")
    assert two.rename_tracker("Release 2").name == "Release 2"
    with pytest.raises(ValidationError, match="exists already"):
        two.rename_tracker("alpha")
    counts = two.delete_tracker()
    assert counts["task"] == 7 and counts["change"] >= 2
    assert [t.name for t in two.trackers()] == ["Alpha"]
    with pytest.raises(NotFoundError, match="no longer exists"):
        two.for_tracker(type(two.trackers()[0])(999, "gone")).update_task("UT-001", {})


# -- the command line ----------------------------------------------------------------------


def test_the_command_line_chooses_as_the_store_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "t.db")
    for name in ("Alpha", "Beta"):
        seed = tmp_path / f"{name}.md"
        seed.write_text(SAMPLE.read_text().replace("Version 1.00 Progress Tracker", name))
        code, out, _ = run(capsys, "import", str(seed), "--db", db)
        assert code == 0 and f"Imported {name}" in out
    code, _, err = run(capsys, "set", "UT-001", "--progress", "10", "--db", db)
    assert code == 1
    assert_one_line(err, '"Alpha", "Beta"', "--tracker")
    code, _, err = run(capsys, "history", "--db", db, "--tracker", "gamma")
    assert code == 1
    assert_one_line(err, "no tracker 'gamma'", '"Alpha", "Beta"')
    code, out, _ = run(capsys, "set", "UT-001", "--progress", "10", "--db", db, "--tracker", "B")
    assert code == 0 and "10%" in out
    # Named once, Beta is the one a command without --tracker uses from now on.
    code, out, _ = run(capsys, "set", "UT-001", "--progress", "+5", "--db", db)
    assert code == 0 and "15%" in out
    code, out, _ = run(capsys, "trackers", "--db", db, "--format", "json")
    listed = {t["name"]: t["counts"]["task"] for t in json.loads(out)["trackers"]}
    assert listed == {"Alpha": 7, "Beta": 7}
    code, out, _ = run(capsys, "export", "--format", "json", "--db", db, "--tracker", "alpha")
    assert json.loads(out)["tasks"][0]["progress"] == 100


def test_rename_and_delete_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "t.db")
    with Store.open(db) as store:
        store.import_document(tasks_document(3, title="Alpha"))
        store.import_document(tasks_document(3, title="Beta"))
    assert run(capsys, "rename", "al", "Release", "1", "--db", db)[0] == 0
    code, _, err = run(capsys, "delete", "Release 1", "--db", db)
    assert code == 1
    assert_one_line(err, "--yes", "nothing deleted")
    assert run(capsys, "delete", "Release 1", "--yes", "--db", db)[0] == 0
    with Store.open(db) as store:
        assert [t.name for t in store.trackers()] == ["Beta"]


def test_export_all_writes_one_file_per_tracker(
    two: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = run(capsys, "export", "--all", "-o", str(out), "--db", str(two.target.path))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["alpha.md", "beta.md"]
    assert read_document(out / "beta.md").tracker.title == "Beta"
    assert len(read_document(out / "alpha.md").tasks) == 7
    code, _, err = run(capsys, "export", "--all", "--db", str(two.target.path))
    assert code == 2 and "-o DIR" in err


def test_copy_file_to_file_carries_history_and_undo(
    two: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two.use_tracker("alpha")
    two.update_task("UT-001", {"progress": 75})
    target = str(tmp_path / "copy.db")
    code, out, _ = run(capsys, "copy", "--to", target, "--db", str(two.target.path))
    assert code == 0 and "trackers: 2" in out and "counts checked" in out
    with Store.open(target, tracker="alpha") as copy:
        assert copy.task("UT-001").progress == 75
        assert copy.history() == two.history()
        assert copy.undo()[0].id == "UT-001"  # alice's undo came along
        assert copy.task("UT-001").progress == 50
    code, _, err = run(capsys, "copy", "--to", target, "--db", str(two.target.path))
    assert code == 1
    assert_one_line(err, "--replace")
    assert run(capsys, "copy", "--to", target, "--replace", "--db", str(two.target.path))[0] == 0
    with Store.open(target, tracker="alpha") as copy:
        assert copy.task("UT-001").progress == 75
