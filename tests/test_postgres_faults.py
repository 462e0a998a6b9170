"""A team server that rides out faults: dashboards and commands on PostgreSQL while the
server restarts, stops, or is the wrong one.

The cluster here is this module's own (``pg_cluster.start_cluster``, as in
``test_postgres.py``): its tests restart and stop it, which must not pull the server from
under another module's tests. It allows 120 connections, for the 30 dashboards.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, TODAY, settle
from pg_cluster import PASSWORD_USER, Cluster, running_cluster
from store_docs import run_cli_as_carol, tasks_document
from test_screens_support import wait_for

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.domain import TrackerError, UnreachableError
from tracker_tui.screens.unsaved import UNSAVED_MARK
from tracker_tui.store import Store
from tracker_tui.widgets.mode_tabs import ModeTabs
from tracker_tui.widgets.record_table import RecordTable

pytestmark = pytest.mark.slow

#: Generous: these wait for something to arrive, they do not time it (bench.py does).
ARRIVES_WITHIN = 60.0
VIEWERS = 30


@pytest.fixture(scope="module")
def fault_cluster() -> Iterator[Cluster]:
    # Durable commits: an immediate stop must not lose what a test committed before it.
    yield from running_cluster(max_connections=120, durable_commits=True)


@pytest.fixture
def team_url(fault_cluster: Cluster) -> Iterator[str]:
    """A database holding seven tasks at 50% (UT-001..UT-007), imported by alice."""
    name = fault_cluster.create_database("faults")
    url = fault_cluster.url(name)
    with Store.open(url, user="alice") as store:
        store.import_document(tasks_document())
    yield url
    fault_cluster.drop_database(name)


@contextlib.contextmanager
def server_down(cluster: Cluster, mode: str = "fast") -> Iterator[None]:
    """The server stopped for the block, and started again after it (even on failure)."""
    cluster.shut_down(mode)
    try:
        yield
    finally:
        cluster.start_again()


def database_of(url: str) -> str:
    """The database name in a cluster URL (``…@/NAME?host=…``)."""
    return url.split("@/")[1].split("?")[0]


def dashboard(url: str, tmp_path: Path, user: str = "alice") -> TrackerApp:
    store = Store.open(url, user=user)
    return make_app(store, Settings(today=TODAY, path=tmp_path / "config.toml"))


def tasks_table(app: TrackerApp) -> RecordTable:
    return app.get_screen_stack("snapshot")[0].query_one("#tasks", RecordTable)


def progress_of(app: TrackerApp, task_id: str) -> int | None:
    row = tasks_table(app).get_row(task_id)
    return None if row is None else row.progress


def tab_note(app: TrackerApp) -> str:
    """What the Snapshot screen's tab row (its header line) says at its right end."""
    return app.get_screen_stack("snapshot")[0].query_one(ModeTabs).note


def tab_row(app: TrackerApp) -> str:
    """The tab row as drawn on the terminal."""
    screen = app.get_screen_stack("snapshot")[0]
    return "".join(segment.text for segment in screen.query_one(ModeTabs).render_line(0))


def said(app: TrackerApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def no_traceback(app: TrackerApp) -> None:
    for message in said(app):
        assert "Traceback" not in message and "unexpected error" not in message, message


async def in_thread(work: Callable[[], Any]) -> Any:
    """Run ``work`` (pg_ctl, a CLI) off the event loop: the dashboards keep running."""
    return await asyncio.to_thread(work)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command wrote; it exited 1 without a traceback."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- restart -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_a_restart_keeps_the_open_form_and_the_dashboard_live(
    fault_cluster: Cluster, team_url: str, tmp_path: Path, mode: str
) -> None:
    """``pg_ctl restart -m fast|immediate`` under an open form: the form keeps what was
    typed and saves afterwards; another user's edit after the restart shows up."""
    from textual.widgets import Input

    app = dashboard(team_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")  # UT-001's form
        await settle(pilot)
        title = app.screen.query_one("#in-title", Input)
        title.value = "Typed before the restart"
        form = app.screen

        await in_thread(lambda: fault_cluster.restart(mode))
        with Store.open(team_url, user="bob") as bob:
            bob.update_task("UT-004", {"progress": 10})
        await wait_for(pilot, lambda: progress_of(app, "UT-004") == 10, ARRIVES_WITHIN)
        await wait_for(pilot, lambda: tab_note(app) == "", ARRIVES_WITHIN)

        assert app.screen is form  # still open, still holding the typing
        assert title.value == "Typed before the restart"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form, ARRIVES_WITHIN)
        no_traceback(app)
    with Store.open(team_url) as store:
        assert store.task("UT-001").title == "Typed before the restart"
    app.store.close()


# -- outage --------------------------------------------------------------------------------


async def test_an_outage_says_reconnecting_and_leaves_the_edit_to_retry(
    fault_cluster: Cluster, team_url: str, tmp_path: Path
) -> None:
    """While the server is down: "reconnecting…" in the header; a quick edit and a form's
    save each get one line and stay on screen; nothing reaches the store. When it is
    back: the note goes, and the same save works."""
    from textual.widgets import Input

    app = dashboard(team_url, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with server_down(fault_cluster):
            await wait_for(pilot, lambda: tab_note(app) == "reconnecting…", ARRIVES_WITHIN)
            assert tab_row(app).rstrip().endswith("reconnecting…")

            await pilot.press("j", "minus")  # UT-002: 50% -> 40%, refused
            await wait_for(pilot, lambda: any("UT-002 not saved" in m for m in said(app)))
            line = next(m for m in said(app) if "UT-002 not saved" in m)
            assert "cannot connect to" in line and "\n" not in line
            marker = tasks_table(app).get_marker("UT-002")
            assert marker is not None and marker.plain == UNSAVED_MARK

            await pilot.press("e")  # UT-002's form: opened from the row on screen
            await settle(pilot)
            form = app.screen
            form.query_one("#in-title", Input).value = "Saved after the outage"
            await pilot.press("ctrl+s")
            status = form.query_one("#form-status")
            await wait_for(pilot, lambda: "Not saved" in str(status.render()))
            assert "cannot connect to" in str(status.render())
            assert app.screen is form
            assert form.query_one("#in-title", Input).value == "Saved after the outage"
            # The header says it; no "Live refresh is failing" toast on top of it.
            assert not any("Live refresh" in message for message in said(app))
        await wait_for(pilot, lambda: tab_note(app) == "", ARRIVES_WITHIN)
        assert "reconnecting" not in tab_row(app)

        await pilot.press("ctrl+s")  # the same form, retried
        await wait_for(pilot, lambda: app.screen is not form, ARRIVES_WITHIN)
        no_traceback(app)
    with Store.open(team_url) as store:
        task = store.task("UT-002")
        assert task.title == "Saved after the outage"
        assert task.progress == 50  # the refused -10% was never applied
    app.store.close()


def test_a_command_during_the_outage_exits_1_with_one_line(
    fault_cluster: Cluster, team_url: str
) -> None:
    with server_down(fault_cluster, "immediate"):
        for args in (("set", "UT-003", "--progress", "+10"), ("export",), ()):
            line = one_line(run_cli_as_carol(*args, "--db", team_url))
            assert line.startswith("tracker-tui: cannot connect to"), line
    with Store.open(team_url) as store:
        assert store.task("UT-003").progress == 50


def test_a_write_cut_off_by_the_server_is_not_half_applied(
    fault_cluster: Cluster, team_url: str
) -> None:
    """A write that has bumped the revision and then waits on a row lock is cut off by
    ``pg_ctl stop -m immediate``: after the restart, none of it is there."""
    import threading

    import psycopg

    database = database_of(team_url)
    with Store.open(team_url) as store:
        revision = store.revision()
        history = len(store.history())
        before = store.task("UT-003")
    dsn = f"host={fault_cluster.socket_dir} port={fault_cluster.port} user=postgres"
    outcome: list[BaseException | None] = []
    holder = psycopg.connect(f"{dsn} dbname={database}")
    holder.execute("SELECT * FROM task WHERE id = 'UT-003' FOR UPDATE")

    def write() -> None:
        try:
            with Store.open(team_url, user="bob") as bob:
                bob.update_task("UT-003", {"progress": 90, "notes": "half?"})
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as watcher:
        deadline = time.monotonic() + ARRIVES_WITHIN
        while not watcher.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,),
        ).fetchall():
            assert time.monotonic() < deadline, "the write never waited on the lock"
            time.sleep(0.02)
    with server_down(fault_cluster, "immediate"):
        writer.join(ARRIVES_WITHIN)
    with contextlib.suppress(Exception):
        holder.close()
    assert len(outcome) == 1 and isinstance(outcome[0], UnreachableError), outcome
    assert "\n" not in str(outcome[0])
    with Store.open(team_url) as store:
        assert store.revision() == revision
        assert len(store.history()) == history
        assert store.task("UT-003") == before


# -- many viewers --------------------------------------------------------------------------


def connections_by_application(cluster: Cluster, database: str) -> dict[str, int]:
    import psycopg

    dsn = f"host={cluster.socket_dir} port={cluster.port} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT application_name, COUNT(*) FROM pg_stat_activity "
            "WHERE datname = %s GROUP BY application_name",
            (database,),
        ).fetchall()
    return {name: count for name, count in rows}


async def test_thirty_dashboards_see_every_edit_on_two_connections_each(
    fault_cluster: Cluster, team_url: str, tmp_path: Path
) -> None:
    database = database_of(team_url)
    apps = [
        dashboard(f"{team_url}&application_name=viewer{index}", tmp_path, user=f"v{index}")
        for index in range(VIEWERS)
    ]
    async with contextlib.AsyncExitStack() as stack:
        pilots = [await stack.enter_async_context(app.run_test(size=(80, 24))) for app in apps]
        for pilot in pilots:
            await settle(pilot)
        with Store.open(team_url, user="writer") as writer:
            for value in (10, 20, 30):
                writer.update_task("UT-005", {"progress": value})
                await wait_for(
                    pilots[0],
                    lambda value=value: all(progress_of(a, "UT-005") == value for a in apps),
                    ARRIVES_WITHIN,
                )
        held = connections_by_application(fault_cluster, database)
        viewers = {name: count for name, count in held.items() if name.startswith("viewer")}
        assert len(viewers) == VIEWERS  # every dashboard is connected...
        assert max(viewers.values()) <= 2, viewers  # ...on two connections at most
        for app in apps:
            no_traceback(app)
    for app in apps:
        app.store.close()


# -- the wrong target ----------------------------------------------------------------------


def wrong_targets(cluster: Cluster, database: str) -> dict[str, tuple[str, str]]:
    """name -> (URL, what the line must say); every URL names its host and database."""
    return {
        "wrong password": (
            cluster.url(database, login=f"{PASSWORD_USER}:wrong-horse-99"),
            "cannot log in to",
        ),
        "unknown database": (cluster.url("no_such_db"), "'no_such_db' does not exist"),
        "refused (TCP)": (
            "postgresql+psycopg://ann:s3cret-pw@127.0.0.1:1/tracker",
            "Connection refused",
        ),
        "no server on that socket": (
            f"postgresql+psycopg://ann:s3cret-pw@/tracker?host=/nonexistent&port={cluster.port}",
            "cannot connect to",
        ),
    }


@pytest.mark.parametrize(
    "command", [("import", str(SAMPLE)), ("export",), ()], ids=["import", "export", "dashboard"]
)
def test_a_wrong_target_is_one_line_naming_host_and_database_never_the_password(
    fault_cluster: Cluster, team_url: str, command: tuple[str, ...]
) -> None:
    database = database_of(team_url)
    for name, (url, expected) in wrong_targets(fault_cluster, database).items():
        line = one_line(run_cli_as_carol(*command, "--db", url))
        assert expected in line, (name, line)
        assert "wrong-horse-99" not in line and "s3cret-pw" not in line, name
        host = "127.0.0.1" if "127.0.0.1" in url else url.split("host=")[1].split("&")[0]
        database_name = url.split("/")[3].split("?")[0]
        assert host in line and database_name in line, (name, line)


def test_a_wrong_target_in_process_is_one_tracker_error(
    fault_cluster: Cluster, team_url: str
) -> None:
    database = database_of(team_url)
    for name, (url, expected) in wrong_targets(fault_cluster, database).items():
        with pytest.raises(TrackerError) as refused:
            Store.open(url)
        assert expected in str(refused.value) and "\n" not in str(refused.value), name


@pytest.mark.parametrize(
    "command",
    [("import", str(SAMPLE)), ("title", "Team tracker"), ()],
    ids=["import", "title", "dashboard"],
)
def test_a_role_that_may_not_create_tables_is_told_so(
    fault_cluster: Cluster, command: tuple[str, ...]
) -> None:
    """Every command that would create the store's tables in an empty database (a read,
    such as export, just finds no tracker there yet)."""
    database = fault_cluster.create_database("nocreate")
    role = f"nocreate_{uuid.uuid4().hex[:8]}"
    fault_cluster.execute(f"CREATE ROLE {role} LOGIN")
    try:
        fault_cluster.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database)
        line = one_line(run_cli_as_carol(*command, "--db", fault_cluster.url(database, login=role)))
        assert "may not create tables" in line and database in line, line
    finally:
        fault_cluster.drop_database(database)
        fault_cluster.execute(f"DROP ROLE IF EXISTS {role}")
