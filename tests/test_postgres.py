"""The store on PostgreSQL, through the same ``--db`` URL: ``postgresql+psycopg://``.

A throwaway cluster is started once per test session (``pg_cluster.start_cluster``: Unix
socket only, under /tmp, run as the ``postgres`` or ``nobody`` user when the tests run as
root); each test gets a database of its own. Without the server binaries or psycopg the
whole module skips.

Reads are compared with the same calls on an SQLite store holding the same tracker: the
two engines must give the same answers (timestamps aside).
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE
from pg_cluster import PASSWORD, PASSWORD_USER, Cluster, running_cluster
from store_docs import (
    PLUS_ONE,
    child_env,
    popen_python,
    replace_tracker,
    run_cli_as_carol,
    sample_document,
    start_together,
    tasks_document,
    write_after,
)

from tracker_tui.domain import (
    ConflictError,
    ReadOnlyError,
    StoreLockedError,
    TrackerError,
    ValidationError,
)
from tracker_tui.export_formats import to_json
from tracker_tui.markdown import read_document, render_document
from tracker_tui.store import Store, engine
from tracker_tui.store.rows import SCHEMA_VERSION
from tracker_tui.store.target import resolve_target

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    yield from running_cluster()


@pytest.fixture
def pg_db(pg_cluster: Cluster) -> Iterator[str]:
    """The name of a new, empty database (dropped afterwards)."""
    name = pg_cluster.create_database()
    yield name
    pg_cluster.drop_database(name)


@pytest.fixture
def pg_url(pg_cluster: Cluster, pg_db: str) -> str:
    return pg_cluster.url(pg_db)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    """The sample tracker on PostgreSQL, opened as alice."""
    store = Store.open(pg_url, user="alice")
    store.import_document(read_document(SAMPLE))
    yield store
    store.close()


def _rows(cluster: Cluster, database: str, sql: str) -> list[tuple]:
    import psycopg

    dsn = f"host={cluster.socket_dir} port={cluster.port} user=postgres dbname={database}"
    with psycopg.connect(dsn) as connection:
        return [tuple(row) for row in connection.execute(sql).fetchall()]


def _tables(cluster: Cluster, database: str) -> set[str]:
    return {
        row[0]
        for row in _rows(
            cluster,
            database,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        )
    }


def _plain(value: Any) -> Any:
    """``value`` with what legitimately differs between two stores removed (when rows
    were stamped), for comparing the answers of two engines."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.asdict(value)
        for stamp in ("updated_at", "at"):
            fields.pop(stamp, None)
        for name in ("old", "new"):
            # A whole row in the history (a create or delete) carries its stamp too.
            if isinstance(fields.get(name), str) and fields[name].startswith("{"):
                row = json.loads(fields[name])
                if isinstance(row, dict):
                    row.pop("updated_at", None)
                    fields[name] = row
        return (type(value).__name__, {key: _plain(item) for key, item in fields.items()})
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _both(pg: Store, lite: Store, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``method`` on both stores, assert the same answer, return PostgreSQL's."""
    on_pg = getattr(pg, method)(*args, **kwargs)
    assert _plain(on_pg) == _plain(getattr(lite, method)(*args, **kwargs)), method
    return on_pg


# -- opening -------------------------------------------------------------------------------


def test_open_on_an_empty_database_creates_the_schema(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    with Store.open(pg_url, user="alice") as store:
        assert store.exists
        assert store.revision() == 0
        assert store.tasks() == []
        # No PRAGMA data_version: a LISTEN/NOTIFY counter (tests/test_postgres_faults.py).
        assert isinstance(store.data_version(), int)
        assert not store.read_only
    assert {"meta", "task", "risk", "change", "layout_block"} <= _tables(pg_cluster, pg_db)
    meta = dict(_rows(pg_cluster, pg_db, "SELECT key, value FROM meta"))
    assert meta == {"application": "tracker-tui", "schema_version": str(SCHEMA_VERSION)}
    indexes = {row[0] for row in _rows(pg_cluster, pg_db, "SELECT indexname FROM pg_indexes")}
    assert {"ix_task_document_order", "ix_activity_document_order"} <= indexes


def test_read_only_open_of_an_empty_database_creates_nothing(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    with Store.open(pg_url, user="alice", read_only=True) as store:
        assert not store.exists
        assert store.tasks() == [] and store.revision() == 0
        with pytest.raises(ReadOnlyError):
            store.create_task({"title": "x"})
    assert _tables(pg_cluster, pg_db) == set()


def test_processes_opening_an_empty_database_at_once_all_succeed(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    code = f"""
        import sys
        import tracker_tui.store.writer  # the imports before the go
        from tracker_tui.store import Store
        print("ready", flush=True)
        sys.stdin.readline()
        with Store.open({pg_url!r}) as store:
            print(store.revision(), flush=True)
    """
    children = [popen_python(code) for _ in range(3)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.strip() == "0"
    assert _rows(pg_cluster, pg_db, "SELECT COUNT(*) FROM meta") == [(2,)]


def test_a_newer_store_is_refused_and_left_untouched(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    with Store.open(pg_url) as store:
        store.import_document(tasks_document())
    pg_cluster.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", pg_db)
    before = _rows(pg_cluster, pg_db, "SELECT key, value FROM meta ORDER BY key")
    tasks_before = _rows(pg_cluster, pg_db, "SELECT * FROM task ORDER BY id")
    with pytest.raises(TrackerError, match="newer tracker-tui") as refused:
        Store.open(pg_url)
    assert "\n" not in str(refused.value)
    assert _rows(pg_cluster, pg_db, "SELECT key, value FROM meta ORDER BY key") == before
    assert _rows(pg_cluster, pg_db, "SELECT * FROM task ORDER BY id") == tasks_before


def test_another_applications_database_is_refused_and_left_untouched(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    pg_cluster.execute("CREATE TABLE customers (id integer PRIMARY KEY, name text)", pg_db)
    pg_cluster.execute("INSERT INTO customers VALUES (1, 'Ann')", pg_db)
    for read_only in (False, True):
        with pytest.raises(TrackerError, match="another application's database"):
            Store.open(pg_url, read_only=read_only)
    assert _tables(pg_cluster, pg_db) == {"customers"}
    # A table named meta is not enough: it must say it is tracker-tui's.
    pg_cluster.execute("CREATE TABLE meta (key text PRIMARY KEY, value text)", pg_db)
    with pytest.raises(TrackerError, match="another application's database"):
        Store.open(pg_url)
    assert _tables(pg_cluster, pg_db) == {"customers", "meta"}
    assert _rows(pg_cluster, pg_db, "SELECT * FROM customers") == [(1, "Ann")]


def test_an_older_store_is_upgraded(pg_cluster: Cluster, pg_db: str, pg_url: str) -> None:
    """A schema-1 store (the schema-2 fixture without schema 2's indexes) goes all the way."""
    pg_cluster.execute((FIXTURES / "store-schema2.pg.sql").read_text(), pg_db)
    for name in ("ix_task_document_order", "ix_task_milestone_progress"):
        pg_cluster.execute(f"DROP INDEX {name}", pg_db)
    pg_cluster.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'", pg_db)
    with pytest.raises(TrackerError, match="needs an upgrade"):
        Store.open(pg_url, read_only=True)
    with Store.open(pg_url) as store:
        assert len(store.tasks()) == 7
    assert _rows(pg_cluster, pg_db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    indexes = {row[0] for row in _rows(pg_cluster, pg_db, "SELECT indexname FROM pg_indexes")}
    assert "ix_task_document_order" in indexes


def test_a_role_that_may_only_read_opens_read_only(
    pg_cluster: Cluster, pg_db: str, pg_url: str
) -> None:
    with Store.open(pg_url) as store:
        store.import_document(tasks_document())
    role = f"viewer_{uuid.uuid4().hex[:8]}"
    pg_cluster.execute(f"CREATE ROLE {role} LOGIN")
    try:
        pg_cluster.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", pg_db)
        with Store.open(pg_cluster.url(pg_db, login=role)) as viewer:
            assert viewer.read_only
            assert len(viewer.tasks()) == 7
            with pytest.raises(ReadOnlyError):
                viewer.update_task("UT-001", {"progress": 10})
        # Told it may write (it may not): the server's refusal is one clear line.
        forced = Store(resolve_target(pg_cluster.url(pg_db, login=role)), user="v", read_only=False)
        try:
            with pytest.raises(TrackerError, match="your database role may not change it"):
                forced.update_task("UT-001", {"progress": 10})
        finally:
            forced.close()
    finally:
        pg_cluster.drop_database(pg_db)
        pg_cluster.execute(f"DROP ROLE IF EXISTS {role}")


# -- errors --------------------------------------------------------------------------------


def _one_line(error: pytest.ExceptionInfo[TrackerError]) -> str:
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_no_server_there_is_one_line(pg_cluster: Cluster, tmp_path: Path) -> None:
    nowhere = f"postgresql+psycopg://postgres@/x?host={tmp_path}&port={pg_cluster.port}"
    with pytest.raises(TrackerError) as refused:
        Store.open(nowhere)
    assert _one_line(refused).startswith(f"cannot connect to {nowhere}")
    tcp = "postgresql+psycopg://ann:s3cret-pw@127.0.0.1:1/tracker?connect_timeout=5"
    with pytest.raises(TrackerError) as refused:
        Store.open(tcp)
    message = _one_line(refused)
    assert "s3cret-pw" not in message
    assert "postgresql+psycopg://ann:***@127.0.0.1:1/tracker" in message
    assert "refused" in message.lower()


def test_a_missing_database_is_one_line(pg_cluster: Cluster) -> None:
    with pytest.raises(TrackerError) as refused:
        Store.open(pg_cluster.url("no_such_db"))
    message = _one_line(refused)
    assert "'no_such_db' does not exist" in message


def test_a_refused_login_is_one_line_without_the_password(pg_cluster: Cluster, pg_db: str) -> None:
    url = pg_cluster.url(pg_db, login=f"{PASSWORD_USER}:wrong-horse-99")
    with pytest.raises(TrackerError) as refused:
        Store.open(url)
    message = _one_line(refused)
    assert message.startswith("cannot log in to")
    assert "wrong-horse-99" not in message and f"{PASSWORD_USER}:***@" in message
    # And with the right one, it opens (an empty database a login can create in).
    pg_cluster.execute(f"GRANT CREATE ON SCHEMA public TO {PASSWORD_USER}", pg_db)
    with Store.open(pg_cluster.url(pg_db, login=f"{PASSWORD_USER}:{PASSWORD}")) as store:
        assert store.exists and not store.read_only
        assert PASSWORD not in store.target.describe()


def test_a_write_waiting_too_long_for_the_lock_gives_up_clearly(
    pg_cluster: Cluster, pg_db: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(engine, "LOCK_BUDGET_SECONDS", 1.0)
    with Store.open(pg_url) as store:
        store.import_document(tasks_document())
        dsn = f"host={pg_cluster.socket_dir} port={pg_cluster.port} user=postgres dbname={pg_db}"
        with psycopg.connect(dsn) as holder:
            holder.execute("SELECT * FROM trackers FOR UPDATE")
            started = time.monotonic()
            with pytest.raises(StoreLockedError, match="busy"):
                store.update_task("UT-001", {"progress": "+1"})
            assert time.monotonic() - started < 10
        assert store.update_task("UT-001", {"progress": "+1"}).progress == 51


# -- reads ---------------------------------------------------------------------------------


def test_every_read_gives_what_sqlite_gives(pg_store: Store, seed_store: Store) -> None:
    tasks = _both(pg_store, seed_store, "tasks")
    assert len(tasks) == 7
    assert _both(pg_store, seed_store, "tasks", limit=3) == tasks[:3]
    _both(pg_store, seed_store, "task", "UT-003")
    _both(pg_store, seed_store, "tasks_by_id", ["UT-002", "UT-005", "nope"])
    _both(pg_store, seed_store, "summary")
    _both(pg_store, seed_store, "tracker_info")
    _both(pg_store, seed_store, "statuses", "task")
    _both(pg_store, seed_store, "statuses", "risk")
    assert len(_both(pg_store, seed_store, "risks")) == 5
    _both(pg_store, seed_store, "risk", "R-02")
    _both(pg_store, seed_store, "impacts")
    _both(pg_store, seed_store, "decisions")
    everything = _both(pg_store, seed_store, "activity")
    assert _both(pg_store, seed_store, "activity_count") == len(everything) == 7
    for offset in range(0, 8, 3):
        page = _both(pg_store, seed_store, "activity", limit=3, offset=offset)
        assert page == everything[offset : offset + 3]
    _both(pg_store, seed_store, "checkpoints")
    _both(pg_store, seed_store, "cadence")
    _both(pg_store, seed_store, "metrics")
    _both(pg_store, seed_store, "counts")
    _both(pg_store, seed_store, "next_id", "task")
    _both(pg_store, seed_store, "next_id", "risk")
    mentions = _both(pg_store, seed_store, "mentions", "UT-003")
    assert mentions[0], "the seed's activity log mentions UT-003"
    # The same whatever the case, on both engines; LIKE's wildcards are taken literally.
    assert _plain(_both(pg_store, seed_store, "mentions", "ut-003")) == _plain(mentions)
    assert _both(pg_store, seed_store, "mentions", "UT_003") == ([], [], [])
    assert _both(pg_store, seed_store, "mentions", "%") == ([], [], [])
    assert pg_store.revision() == seed_store.revision() == 1


def test_history_and_changes_since_name_the_user(pg_store: Store, seed_store: Store) -> None:
    for store in (pg_store, seed_store):
        store.update_task("UT-003", {"progress": "-10", "owner": "Bea"})
        store.update_risk("R-02", {"owner": "Bea", "impact": "critical"})
    history = _both(pg_store, seed_store, "history", "UT-003")
    # "user" is a reserved word on PostgreSQL: unquoted, it reads the login (postgres).
    assert {change.user for change in history} == {"alice"}
    assert {change.field for change in history} >= {"progress", "owner"}
    _both(pg_store, seed_store, "history")
    since = _both(pg_store, seed_store, "changes_since", 1)
    assert {(c.entity, c.id) for c in since} == {("task", "UT-003"), ("risk", "R-02")}
    assert _both(pg_store, seed_store, "changes_since", 3) == []


# -- writes --------------------------------------------------------------------------------


def _statements(store: Store) -> list[str]:
    """Every SQL statement the store's engine runs from now on."""
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(
        store._server_engine(),
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: seen.append(statement),
    )
    return seen


def test_relative_progress_reads_the_row_for_update(pg_store: Store) -> None:
    before = pg_store.task("UT-003")
    seen = _statements(pg_store)
    after = pg_store.update_task("UT-003", {"progress": "-10"})
    assert after.progress == before.progress - 10 and after.version == before.version + 1
    assert any("FROM task" in s and "FOR UPDATE" in s for s in seen)
    seen.clear()
    # Found whatever the case of its ID: that lookup locks the row too.
    assert pg_store.update_task("ut-003", {"progress": "+5"}).progress == before.progress - 5
    assert any("lower(task.id)" in s and "FOR UPDATE" in s for s in seen)
    assert pg_store.update_task("UT-003", {"progress": "+500"}).progress == 100
    assert pg_store.task("UT-003").status == "Complete"


def test_writes_undo_redo_and_conflicts(pg_store: Store, seed_store: Store) -> None:
    for store in (pg_store, seed_store):
        task = store.task("UT-002")
        store.update_task("UT-002", {"status": "In Progress", "progress": 40, "notes": "n"})
        with pytest.raises(ConflictError) as conflict:
            store.update_task("UT-002", {"owner": "X"}, expected_version=task.version)
        assert conflict.value.current.progress == 40
        with pytest.raises(ValidationError):
            store.update_task("UT-002", {"progress": "lots"})
        created = store.create_task({"title": "New work", "milestone": "M9", "progress": 20})
        assert created.id == "UT-008" and created.progress == 20
        store.create_risk({"description": "A new risk", "impact": "low"})
        store.delete_task("UT-001")
        store.add_activity("UT-008 started.", on="2024-06-03")
        store.set_tracker(title="Renamed")
    _both(pg_store, seed_store, "tasks")
    _both(pg_store, seed_store, "risks")
    _both(pg_store, seed_store, "activity")
    _both(pg_store, seed_store, "tracker_info")
    assert pg_store.revision() == seed_store.revision()
    for _ in range(4):
        assert _plain(pg_store.undo()) == _plain(seed_store.undo())
    assert pg_store.task("UT-001") is not None  # the delete is undone: the row is back
    assert _plain(pg_store.redo()) == _plain(seed_store.redo())
    _both(pg_store, seed_store, "tasks")
    _both(pg_store, seed_store, "risks")
    _both(pg_store, seed_store, "activity")
    # Someone else moves a field this user's next undo would put back: a conflict.
    pg_store.update_task("UT-004", {"notes": "alice's notes"})
    with Store.open(pg_store.target, user="bob") as bob:
        bob.update_task("UT-004", {"notes": "bob's notes"})
    with pytest.raises(ConflictError) as conflict:
        pg_store.undo()
    assert conflict.value.current.notes == "bob's notes"
    pg_store.undo(force=True)
    assert pg_store.task("UT-004").notes == seed_store.task("UT-004").notes


def test_a_forms_save_merges_field_by_field(pg_store: Store) -> None:
    """As on SQLite (tests/test_store_merge.py): bob's form merges ann's Owner with his
    Milestone, and his Owner over hers is a conflict naming only Owner, and her."""
    base = {"owner": "DevOps Lead", "milestone": "M2"}
    with Store.open(pg_store.target, user="ann") as ann:
        ann.update_task("UT-002", {"owner": "Ann's team"})
    with Store.open(pg_store.target, user="bob") as bob:
        saved = bob.merge_task("UT-002", {"milestone": "M9"}, base=base)
        assert [(m.field, m.value, m.who) for m in saved.merged] == [("owner", "Ann's team", "ann")]
        with pytest.raises(ConflictError) as conflict:
            bob.merge_task("UT-002", {"owner": "Bob's team"}, base=base)
    assert [(c.field, c.mine, c.theirs, c.who) for c in conflict.value.fields] == [
        ("owner", "Bob's team", "Ann's team", "ann")
    ]
    task = pg_store.task("UT-002")
    assert (task.owner, task.milestone) == ("Ann's team", "M9")


def test_an_undone_delete_keeps_its_key_and_later_keys_do_not_collide(pg_store: Store) -> None:
    entry = pg_store.add_activity("Temporary entry.")
    pg_store.delete_item("activity", entry.key)
    pg_store.undo()  # the row comes back with its old key
    assert entry.key in {e.key for e in pg_store.activity()}
    later = [pg_store.add_activity(f"Entry {n}.") for n in range(3)]
    keys = [e.key for e in pg_store.activity()]
    assert len(keys) == len(set(keys))
    assert all(e.key > entry.key for e in later)
    decision = pg_store.decisions()[0]
    pg_store.delete_decision(decision.key)
    pg_store.undo()
    pg_store.save_item("checkpoint", None, {"when": "Friday", "text": "Review."})
    pg_store.save_item("metric", None, {"text": "Lead time."})
    keys = [d.key for d in pg_store.decisions()]
    assert decision.key in keys and len(keys) == len(set(keys))


def test_import_replace_and_export_round_trip(pg_store: Store, seed_store: Store) -> None:
    assert to_json(pg_store) == to_json(seed_store)
    markdown = render_document(pg_store.export_document())
    assert markdown == render_document(seed_store.export_document())
    with pytest.raises(TrackerError, match="--replace"):
        pg_store.import_document(sample_document())
    pg_store.update_task("UT-003", {"progress": 10})
    pg_store.import_document(read_document(SAMPLE), replace=True)
    assert to_json(pg_store) == to_json(seed_store)
    assert render_document(pg_store.export_document()) == markdown


def test_check_reports_sensibly(pg_store: Store) -> None:
    report = pg_store.check()
    assert report["ok"] is True and report["problems"] == []
    assert report["integrity"].startswith("not applicable")
    assert report["engine"] == "postgresql"
    assert report["schema_version"] == SCHEMA_VERSION and report["revision"] == 1
    assert report["counts"]["task"] == 7
    assert "***" not in report["store"]  # no password in the URL: nothing to hide


# -- several users -------------------------------------------------------------------------


def _moves_past(read: Any, value: int | None) -> int:
    """Wait (up to a generous minute) for ``read()`` to go past ``value``; return it."""
    deadline = time.monotonic() + 60
    while (now := read()) == value:
        assert time.monotonic() < deadline, "the change signal never moved"
        time.sleep(0.02)
    return int(now)


def test_a_second_store_sees_the_revision_move(pg_store: Store) -> None:
    with Store.open(pg_store.target, user="bob") as watcher:
        # The first call starts listening; the version moves once it listens.
        listening = _moves_past(watcher.data_version, watcher.data_version())
        seen = watcher.revision()
        assert watcher.revision() == seen  # nothing moved: nothing to redraw
        pg_store.update_task("UT-003", {"progress": "-10"})
        _moves_past(watcher.data_version, listening)  # the commit's NOTIFY is heard
        assert watcher.revision() == seen + 1
        changes = watcher.changes_since(seen)
        assert {(c.id, c.field, c.user) for c in changes} >= {("UT-003", "progress", "alice")}
        assert watcher.task("UT-003").progress == pg_store.task("UT-003").progress


def test_three_processes_adding_one_eight_times_make_24(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        store.import_document(tasks_document())
        store.update_task("UT-001", {"progress": 0})
    children = [
        popen_python(PLUS_ONE.format(target=pg_url), env=child_env(TRACKER_TUI_USER=f"w{n}"))
        for n in range(3)
    ]
    for returncode, out, err in start_together(children, timeout=120):
        assert returncode == 0, err
        assert "Traceback" not in err and "done" in out
    with Store.open(pg_url) as store:
        assert store.task("UT-001").progress == 24
        plus_ones = [c for c in store.history("UT-001") if c.field == "progress"]
        assert len(plus_ones) == 24 + 1
        assert {c.user for c in plus_ones} == {"alice", "w0", "w1", "w2"}


# -- the command line ----------------------------------------------------------------------


def test_the_command_line_end_to_end(pg_url: str, tmp_path: Path) -> None:
    with Store.open(tmp_path / "seed.db") as seed:
        seed.import_document(sample_document())
        seed_progress = seed.task("UT-003").progress
    lite = str(tmp_path / "cli.db")
    exports = []
    for db in (pg_url, lite):
        done = run_cli_as_carol("import", str(SAMPLE), "--db", db)
        assert done.returncode == 0, done.stderr
        done = run_cli_as_carol("set", "UT-003", "--progress", "-10", "--db", db)
        assert done.returncode == 0, done.stderr
        done = run_cli_as_carol("export", "--format", "json", "--db", db)
        assert done.returncode == 0, done.stderr
        exports.append(json.loads(done.stdout))
    assert exports[0] == exports[1]
    progress = {task["id"]: task["progress"] for task in exports[0]["tasks"]}
    assert progress["UT-003"] == seed_progress - 10
    with Store.open(pg_url) as store:
        assert {c.user for c in store.history("UT-003")} == {"carol"}


def test_the_command_line_reports_server_errors_in_one_line(pg_cluster: Cluster) -> None:
    url = pg_cluster.url("postgres", login=f"{PASSWORD_USER}:wrong-horse-99")
    for args in (("export", "--db", url), ("set", "UT-003", "--progress", "+1", "--db", url)):
        done = run_cli_as_carol(*args)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "wrong-horse-99" not in done.stderr + done.stdout
        assert "cannot log in" in done.stderr
    done = run_cli_as_carol("export", "--db", pg_cluster.url("no_such_db"))
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "does not exist" in done.stderr


# -- consistent reads and check -------------------------------------------------------------


def test_an_export_is_one_state_even_if_a_replace_commits_midway(pg_store: Store) -> None:
    from tracker_tui.export_files import render_export

    expected_json = json.loads(render_export(pg_store, "json", None))
    expected_markdown = render_document(pg_store.export_document())
    seen = write_after(pg_store, 2, replace_tracker(pg_store.target, "Other"))
    assert json.loads(render_export(pg_store, "json", None)) == expected_json
    assert seen[0] > 2 and pg_store.tracker_info().title == "Other"
    markdown_seen = write_after(pg_store, 2, replace_tracker(pg_store.target, "Third"))
    exported = render_document(pg_store.export_document())
    assert markdown_seen[0] > 2
    assert exported.count("NEW-") == 3 and "# Other" in exported and "Third" not in exported
    assert exported != expected_markdown


def test_the_header_figures_are_one_state_on_postgresql(pg_store: Store) -> None:
    tasks = pg_store.summary().tasks
    connection = pg_store._read().connection  # type: ignore[union-attr]
    original = connection.fetchall
    seen = [0]

    def fetchall(sql: str, params: dict | None = None) -> list[tuple]:
        rows = original(sql, params)
        seen[0] += 1
        if seen[0] == 1:
            with Store.open(pg_store.target, user="bob") as bob:
                bob.import_document(
                    tasks_document(3, prefix="NEW-"), replace=True, name=pg_store.tracker().name
                )
        return rows

    connection.fetchall = fetchall  # type: ignore[method-assign]
    summary = pg_store.summary()
    assert seen[0] > 1
    assert summary.tasks == tasks
    assert sum(item.count for item in summary.by_status) == tasks
    assert sum(item.tasks for item in summary.by_milestone) == tasks
    assert pg_store.summary().tasks == 3


def test_check_on_a_healthy_store_exits_0(pg_store: Store) -> None:
    url = pg_store.target.url
    done = run_cli_as_carol("check", "--db", url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "damaged" not in done.stdout.lower()
    done = run_cli_as_carol("check", "--format", "json", "--db", url)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["integrity"].startswith("not applicable")


# -- the stand-up ----------------------------------------------------------------------


def test_the_since_view_reads_the_same_on_postgresql(pg_store: Store, tmp_path: Path) -> None:
    """The stand-up's history query (by time, in any order, then sorted) and the forecasts
    read the same on both back ends: net changes, undone edits gone, who made them."""
    from datetime import UTC

    from tracker_tui.standup.reading import read_since

    lite = Store.open(str(tmp_path / "lite.db"), user="alice")
    lite.import_document(read_document(SAMPLE))
    try:
        for store in (pg_store, lite):
            store.update_task("UT-002", {"progress": 40})
            store.update_task("UT-002", {"progress": 60, "status": "In Progress"})
            store.update_task("UT-003", {"progress": 50})
            store.update_task("UT-003", {"progress": 100})  # undone: no change
        pg_view, lite_view = (
            read_since(store, "2000-01-01", tz=UTC, forecast_window_days=14)
            for store in (pg_store, lite)
        )
        assert _plain(pg_view.moves) == _plain(lite_view.moves)
        assert list(pg_view.moves) == ["UT-002"]
        assert pg_view.moves["UT-002"].progress == (100, 60)
        assert pg_view.people == lite_view.people == ("alice",)
        assert _plain(pg_view.forecasts) == _plain(lite_view.forecasts)
    finally:
        lite.close()
