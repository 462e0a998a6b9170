"""Hostile input, damaged stores, hard kills: the store refuses what is not its own with a
one-line TrackerError and leaves the file's bytes exactly as they were."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from requirements import missing
from sqlalchemy import Connection, text
from store_docs import child_env, popen_python, run_python, tasks_document

from tracker_tui.domain import ReadOnlyError, TrackerError
from tracker_tui.store import Store, migrations, rows

FIXTURES = Path(__file__).parent / "fixtures"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(path: Path, match: str, **open_args: object) -> TrackerError:
    """Store.open refuses ``path`` with a one-line message, and leaves it untouched."""
    before = sha256(path)
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(TrackerError, match=match) as refused:
        Store.open(path, **open_args)  # type: ignore[arg-type]
    message = str(refused.value)
    assert "\n" not in message
    assert "Traceback" not in message
    assert sha256(path) == before
    # No -wal, -shm or journal was left behind either.
    assert sorted(p.name for p in path.parent.iterdir()) == siblings
    return refused.value


def make_store(path: Path, tasks: int = 7) -> Path:
    with Store.open(path) as store:
        store.import_document(tasks_document(tasks))
    assert not Path(f"{path}-wal").exists()  # closed cleanly: checkpointed
    return path


# -- files that are not ours ---------------------------------------------------------------


def test_text_file_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# My tracker\n\n| a | b |\n")
    assert_refused(path, "not a tracker store")


def test_zero_byte_file_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    assert_refused(path, "empty file")
    assert path.stat().st_size == 0


def test_another_apps_sqlite_database_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO users (name) VALUES ('eve')")
    other.commit()
    other.close()
    assert_refused(path, "another application")


def test_another_apps_database_with_a_meta_table_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    other.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    other.commit()
    other.close()
    assert_refused(path, "another application")


def test_missing_store_is_not_created_until_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "tracker.db"
    with Store.open(path) as store:
        assert store.tasks() == [] and store.revision() == 0 and not store.exists
        assert store.check()["ok"]
        store.prepare_writer()
        assert not path.exists() and not path.parent.exists()
        store.create_task({"title": "first"})
        assert path.exists() and store.exists
        assert [task.id for task in store.tasks()] == ["T-1"]


def test_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="directory"):
        Store.open(tmp_path)


# -- damage --------------------------------------------------------------------------------


def _damage(path: Path, pages: range, *, seed: int = 7) -> None:
    """Overwrite whole pages with garbage, as a bad disk or a stray write would."""
    page_size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    noise = random.Random(seed)
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek(page * page_size)
            handle.write(bytes(noise.getrandbits(8) for _ in range(page_size)))


def test_damaged_store_refused_untouched_and_check_reports_it(tmp_path: Path) -> None:
    path = make_store(tmp_path / "tracker.db", tasks=2000)
    pages = path.stat().st_size // 4096
    assert pages > 20
    _damage(path, range(pages // 2, pages // 2 + 4))
    error = assert_refused(path, "damaged")
    assert "bak" in str(error)  # says how to recover
    before = sha256(path)
    with Store.open(path, verify=False, read_only=True) as store:
        report = store.check()
    assert report["ok"] is False
    assert report["problems"]
    assert "bak" in report["recovery"]
    assert sha256(path) == before


def test_store_with_a_damaged_first_page_refused(tmp_path: Path) -> None:
    path = make_store(tmp_path / "tracker.db")
    _damage(path, range(0, 1))
    assert_refused(path, "not a tracker store|damaged")


def test_check_reports_a_healthy_store(tmp_path: Path) -> None:
    path = make_store(tmp_path / "tracker.db")
    with Store.open(path) as store:
        report = store.check()
    assert report["ok"] is True, report
    assert report["integrity"] == "ok"
    assert report["schema_version"] == rows.SCHEMA_VERSION
    assert report["counts"]["task"] == 7
    assert report["problems"] == []


# -- versions ------------------------------------------------------------------------------


def _set_schema_version(path: Path, version: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    connection.commit()
    connection.close()


def test_newer_store_refused_untouched(tmp_path: Path) -> None:
    path = make_store(tmp_path / "tracker.db")
    _set_schema_version(path, "99")
    assert_refused(path, "newer tracker-tui")
    assert_refused(path, "newer tracker-tui", read_only=True)


def _upgrade_marks(connection: Connection) -> None:
    connection.execute(text("INSERT INTO meta (key, value) VALUES ('upgraded', 'yes')"))


def schema_2_store(path: Path) -> Path:
    """A copy of the real schema-2 store made by the release before issue 12."""
    shutil.copyfile(FIXTURES / "store-schema2.db", path)
    return path


def test_v0_store_upgraded_after_a_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = schema_2_store(tmp_path / "tracker.db")
    _set_schema_version(path, "0")
    monkeypatch.setitem(migrations.UPGRADES, 1, _upgrade_marks)
    with Store.open(path) as store:
        assert len(store.tasks()) == 7 and store.risk("R-05") is not None
        assert store.check()["schema_version"] == rows.SCHEMA_VERSION
        assert store._read().meta("upgraded") == "yes"  # the upgrade ran
        store.update_task("UT-001", {"notes": "after the upgrade"})
    backup = tmp_path / "tracker.db.bak-0"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("0",)
    assert old.execute("SELECT COUNT(*) FROM task").fetchone() == (7,)
    old.close()


def _upgrade_adds_a_column(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE task ADD COLUMN estimate INTEGER DEFAULT 0"))


def test_store_of_the_previous_release_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path / "tracker.db")
    current = rows.SCHEMA_VERSION
    monkeypatch.setattr(rows, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.UPGRADES, current + 1, _upgrade_adds_a_column)
    with Store.open(path) as store:
        assert [task.id for task in store.tasks()][-1] == "UT-007"
        assert store.check()["schema_version"] == current + 1
        columns = [row[1] for row in store._read().connection.fetchall("PRAGMA table_info(task)")]
        assert "estimate" in columns
    assert (tmp_path / f"tracker.db.bak-{current}").exists()
    # A second open finds nothing to do, and makes no second backup.
    with Store.open(path) as store:
        assert len(store.tasks()) == 7
    assert sorted(p.name for p in tmp_path.glob("tracker.db.bak-*")) == [
        f"tracker.db.bak-{current}"
    ]


def test_older_store_without_an_upgrade_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path / "tracker.db")
    current = rows.SCHEMA_VERSION
    monkeypatch.setattr(rows, "SCHEMA_VERSION", current + 2)
    monkeypatch.setitem(migrations.UPGRADES, current + 1, _upgrade_adds_a_column)  # none to +2
    assert_refused(path, "no upgrade")


def test_older_store_opened_read_only_is_not_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path / "tracker.db")
    current = rows.SCHEMA_VERSION
    monkeypatch.setattr(rows, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.UPGRADES, current + 1, _upgrade_adds_a_column)
    assert_refused(path, "needs an upgrade", read_only=True)
    # Its owner is told what upgrades it (it is theirs to write).
    assert_refused(path, r"open it once with `tracker-tui`", read_only=True)


SCHEMA_2_INDEXES = {
    "ix_task_document_order",
    "ix_task_milestone_progress",
    "ix_risk_document_order",
    "ix_activity_document_order",
}


def _indexes(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {row[0] for row in rows}
    finally:
        connection.close()


def _as_schema_1(path: Path) -> None:
    """What a tracker-tui of schema 1 wrote: the same tables, without schema 2's indexes."""
    connection = sqlite3.connect(path)
    for name in SCHEMA_2_INDEXES:
        connection.execute(f"DROP INDEX {name}")
    connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()


def test_new_store_has_the_schema_2_indexes(tmp_path: Path) -> None:
    path = make_store(tmp_path / "tracker.db")
    assert _indexes(path) >= SCHEMA_2_INDEXES


def test_schema_1_store_upgraded_to_the_current_with_a_backup_and_its_data(
    tmp_path: Path,
) -> None:
    with Store.open(schema_2_store(tmp_path / "from2.db")) as store:
        before = (store.tasks(), store.risks(), store.activity(), store.history(), store.revision())
    path = schema_2_store(tmp_path / "tracker.db")
    _as_schema_1(path)
    assert not SCHEMA_2_INDEXES & _indexes(path)
    with Store.open(path) as store:
        assert store.check()["schema_version"] == rows.SCHEMA_VERSION
        assert (
            store.tasks(),
            store.risks(),
            store.activity(),
            store.history(),
            store.revision(),
        ) == before
        plan = store._read().connection.fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM task WHERE tracker_id = 1 "
            "ORDER BY block, position, id LIMIT 10"
        )
        assert "TEMP B-TREE" not in " ".join(str(row[-1]) for row in plan)
        store.update_task("UT-003", {"progress": 60})  # writable after the upgrade
    assert _indexes(path) >= SCHEMA_2_INDEXES
    backup = tmp_path / "tracker.db.bak-1"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    assert old.execute("SELECT COUNT(*) FROM task").fetchone() == (7,)
    old.close()


# -- kill -9 in the middle of an import ----------------------------------------------------

IMPORT_LOOP = """
    import sys, time
    sys.path.insert(0, {tests!r})
    from store_docs import tasks_document
    from tracker_tui.store import Store
    big = tasks_document(20_000, width=5, title="Big")
    small = tasks_document(7, title="Small")
    store = Store.open({path!r})
    store.prepare_writer()
    print("ready", flush=True)
    while True:
        # A pause after each commit, so that kills land at rest as well as mid-import.
        store.import_document(big, replace=True, name="Small")
        time.sleep(0.3)
        store.import_document(small, replace=True, name="Small")
        time.sleep(0.3)
"""


@pytest.mark.slow
def test_kill_9_mid_import_leaves_before_or_after(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with Store.open(path) as store:
        store.import_document(tasks_document(7, title="Small"))
    code = IMPORT_LOOP.format(tests=str(Path(__file__).parent), path=str(path))
    noise = random.Random(1)
    seen: set[str] = set()
    for _ in range(5):
        child = popen_python(code)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read()  # type: ignore[union-attr]
        time.sleep(noise.uniform(0.1, 1.5))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        with Store.open(path) as store:
            report = store.check()
            assert report["ok"], report
            title = store.tracker_info().title
            tasks = store.tasks()
            seen.add(title)
            if title == "Big":
                assert len(tasks) == 20_000
                assert tasks[-1].id == "UT-20000"
            else:
                assert title == "Small" and len(tasks) == 7
            assert store.counts()["risk"] == 5 and store.activity_count() == 1
            # The store still takes writes after the crash.
            store.update_task(tasks[0].id, {"notes": "after the kill"})
    print(f"\nkill -9 outcomes: {sorted(seen)}")


# -- read-only file systems and folders ----------------------------------------------------


def _require_root() -> None:
    if os.geteuid() != 0:
        missing("needs root, to run a child process as nobody")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder under /tmp that ``nobody`` can traverse (tmp_path's parents are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-safety-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


WRITE_AS_NOBODY = """
    import json
    from tracker_tui.domain import TrackerError
    from tracker_tui.store import Store
    result = {{}}
    try:
        store = Store.open({path!r}, read_only=False)
        result["read_only"] = store.read_only
        result["tasks"] = len(store.tasks())
        store.update_task("UT-001", {{"notes": "nobody was here"}})
        result["saved"] = True
    except TrackerError as error:
        result["error"] = type(error).__name__
        result["message"] = str(error)
    print(json.dumps(result))
"""


def _as_nobody(code: str, folder: Path) -> dict[str, object]:
    import json

    done = run_python(
        code, user="nobody", env=child_env(TRACKER_TUI_USER="nobody-lead", HOME=str(folder))
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_save_into_a_read_only_folder_gives_a_clear_error(shared_dir: Path) -> None:
    _require_root()
    folder = shared_dir / "mine"
    folder.mkdir()
    path = make_store(folder / "tracker.db")
    for item in (folder, path):
        os.chown(item, 65534, 65534)
    folder.chmod(0o555)  # the store file stays writable, its folder does not
    before = sha256(path)
    result = _as_nobody(WRITE_AS_NOBODY.format(path=str(path)), shared_dir)
    assert result.get("tasks") == 7
    assert result["error"] == "TrackerError", result
    message = str(result["message"])
    assert "\n" not in message and "cannot" in message and "read-only" in message
    assert "database is locked" not in message
    assert sha256(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["tracker.db"]


def test_store_file_without_write_permission_opens_read_only(shared_dir: Path) -> None:
    _require_root()
    path = make_store(shared_dir / "tracker.db")
    os.chown(path, 65534, 65534)
    path.chmod(0o444)
    before = sha256(path)
    result = _as_nobody(WRITE_AS_NOBODY.format(path=str(path)), shared_dir)
    assert result["read_only"] is True
    assert result["error"] == ReadOnlyError.__name__
    assert "read-only" in str(result["message"])
    assert sha256(path) == before
