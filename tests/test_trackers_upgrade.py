"""The real schema-2 store of the release before issue 12 (``tests/fixtures``) upgrades to
many trackers with everything kept, after the ``.bak-<version>`` copy: on SQLite, and on
PostgreSQL (the same rows, loaded into schema 2's tables as that release made them).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import Cluster, start_cluster
from requirements import missing
from store_docs import tasks_document

from tracker_tui.store import Store
from tracker_tui.store.rows import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
TITLE = "Version 1.00 Progress Tracker"


def _schema_2_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the fixture's tables, as schema 2 holds them."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = ("task", "risk", "decision", "activity", "checkpoint", "cadence", "metric")
        found = {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in tables
        }
        found["change"] = connection.execute(
            'SELECT revision, at, "user", entity, entity_id, field, old, new, action, undoes '
            "FROM change ORDER BY seq"
        ).fetchall()
        found["layout_block"] = connection.execute(
            "SELECT * FROM layout_block ORDER BY position"
        ).fetchall()
        return found
    finally:
        connection.close()


def _assert_everything_kept(store: Store) -> None:
    """What the fixture holds (README of tests/fixtures), read through the new store."""
    [tracker] = store.trackers()
    assert tracker.name == TITLE and tracker.title == TITLE
    assert tracker.revision == 6 and store.revision() == 6
    assert store.counts() == {
        "task": 7,
        "activity": 8,
        "checkpoint": 4,
        "risk": 5,
        "decision": 3,
        "cadence": 3,
        "metric": 7,
    }
    assert store.task("UT-002").status == "Blocked"
    assert store.task("UT-004").owner == "Product Engineering Lead"  # alice's undo kept
    assert store.risk("R-01").status == "Monitoring"
    assert store.activity()[0].text == "UT-003 reopened after review"
    history = store.history()
    assert len(history) == 10 and {change.user for change in history} == {"alice", "bob"}


def _assert_history_still_undoes(store: Store) -> None:
    """bob's edit from before the upgrade is his to undo after it."""
    with Store.open(store.target, user="bob") as bob:
        undone = bob.undo()
    assert [(c.id, c.field, c.new) for c in undone] == [("R-01", "status", "Resolved")]
    assert store.risk("R-01").status == "Resolved"


def test_the_schema_2_fixture_upgrades_on_sqlite_with_everything_kept(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    shutil.copyfile(FIXTURES / "store-schema2.db", path)
    before = _schema_2_rows(path)
    with Store.open(path, user="alice") as store:
        assert store.check()["schema_version"] == SCHEMA_VERSION
        _assert_everything_kept(store)
        _assert_history_still_undoes(store)
        # New keys go on after the old ones; the tracker takes more writes.
        assert store.add_activity("after the upgrade").key == 9
    backup = tmp_path / "tracker.db.bak-2"
    assert backup.exists()
    assert _schema_2_rows(backup) == before  # the copy is the store as it was
    connection = sqlite3.connect(path)
    try:
        scoped = connection.execute("SELECT DISTINCT tracker_id FROM task").fetchall()
        assert scoped == [(1,)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert "tracker" not in tables and not any(t.endswith("_schema2") for t in tables)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[Cluster]:
    cluster, why = start_cluster()
    if cluster is None:
        missing(why)
    yield cluster
    cluster.stop()


@pytest.mark.slow
def test_the_schema_2_fixture_upgrades_on_postgresql_with_everything_kept(
    pg_cluster: Cluster,
) -> None:
    database = pg_cluster.create_database()
    try:
        pg_cluster.execute((FIXTURES / "store-schema2.pg.sql").read_text(), database)
        with Store.open(pg_cluster.url(database), user="alice") as store:
            assert store.check()["schema_version"] == SCHEMA_VERSION
            _assert_everything_kept(store)
            _assert_history_still_undoes(store)
            # The server's sequences go on after the copied keys.
            assert store.add_activity("after the upgrade").key == 9
            imported = store.import_document(tasks_document(3), name="Second")
            assert imported["task"] == 3 and len(store.trackers()) == 2
    finally:
        pg_cluster.drop_database(database)


@pytest.mark.slow
def test_copy_from_sqlite_to_postgresql_and_back(pg_cluster: Cluster, tmp_path: Path) -> None:
    """Every tracker with its history and undo, both ways; a non-empty target is refused."""
    source = tmp_path / "source.db"
    with Store.open(source, user="alice") as store:
        store.import_document(tasks_document(5, title="Alpha"))
        store.import_document(tasks_document(4, title="Beta"))
        store.update_task("UT-002", {"progress": 80})
        expected = (store.trackers(), store.tasks(), store.history())
    database = pg_cluster.create_database()
    url = pg_cluster.url(database)
    try:
        with Store.open(source, user="alice") as store, Store.open(url, user="alice") as server:
            from tracker_tui.store.copying import copy_store

            counts = copy_store(store, server, replace=False)
            assert counts["trackers"] == 2 and counts["task"] == 9
            with pytest.raises(Exception, match="--replace"):
                copy_store(store, server, replace=False)
        with Store.open(url, user="alice", tracker="beta") as server:
            assert (server.trackers(), server.tasks(), server.history()) == expected
            assert server.undo()[0].id == "UT-002"  # alice's undo came along
            # New rows on the server take keys after the copied ones.
            server.add_activity("on the server")
            server.import_document(tasks_document(2, title="Gamma"))
        back = tmp_path / "back.db"
        with Store.open(url) as server, Store.open(back) as copy:
            from tracker_tui.store.copying import copy_store

            assert copy_store(server, copy, replace=False)["trackers"] == 3
        with Store.open(back, tracker="beta") as copy:
            assert copy.task("UT-002").progress == 50 and copy.activity()[0].text == "on the server"
    finally:
        pg_cluster.drop_database(database)
