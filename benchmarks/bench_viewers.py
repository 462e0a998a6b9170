"""Many viewers on one PostgreSQL store, and a server restart under a dashboard.

Run by ``bench.py`` (its ``viewers`` part) as a child process, which prints one JSON
object; on its own:

    .venv/bin/python benchmarks/bench_viewers.py --viewers 30 --edits 5 --idle 10

Method: a throwaway cluster (``tests/pg_cluster.py``: initdb, pg_ctl, Unix socket only,
durable commits). ``--viewers`` dashboards (Pilot apps, 80x24, all in this one process,
each with its own ``Store`` and an ``application_name`` of its own) watch the seed
tracker; one writer (another ``Store``) sets a task's progress. For each change mode:

- ``listen``: the dashboards as shipped (LISTEN/NOTIFY, a revision check on a
  notification or every 5 s);
- ``poll``: ``Store.data_version()`` forced to None, so that live refresh reads the
  revision every 0.5 s (what it did before LISTEN/NOTIFY),

it records the server's cost over ``--idle`` quiet seconds (``pg_stat_database``:
transactions committed and rolled back per second, which are this app's queries, one or
two statements each; the CPU time of the database's backends from /proc), the connections
(``pg_stat_activity``: all, and the most held by one dashboard), and for each edit the
time from the writer's commit until every dashboard's table shows the new value (and
until the first one does).

Restart: one dashboard; ``pg_ctl restart -m fast`` (then ``-m immediate``); as soon as
pg_ctl reports the server back, the writer commits an edit; timed until the dashboard
shows it and its "reconnecting…" note is gone.

The dashboards share one Python process (one GIL, 2 cores here): the arrival time is the
time for the last of them to redraw, an upper bound for one dashboard per terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(1, str(ROOT))
os.environ["TEXTUAL_ANIMATIONS"] = "none"

from pg_cluster import Cluster, start_cluster  # noqa: E402

from tracker_tui.app import TrackerApp, make_app  # noqa: E402
from tracker_tui.config import Settings  # noqa: E402
from tracker_tui.markdown import read_document  # noqa: E402
from tracker_tui.store import Store  # noqa: E402
from tracker_tui.store.connections import SqlAlchemyConnection  # noqa: E402
from tracker_tui.widgets.mode_tabs import ModeTabs  # noqa: E402

SEED = ROOT / "data" / "sample-tracker.md"
TASK = "UT-003"


def server_figures(cluster: Cluster, database: str) -> dict[str, Any]:
    """Transactions so far, the backends' CPU seconds, and connections (all, most held
    by one application_name)."""
    import psycopg

    dsn = f"host={cluster.socket_dir} port={cluster.port} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        transactions = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            (database,),
        ).fetchone()
        rows = connection.execute(
            "SELECT pid, application_name FROM pg_stat_activity WHERE datname = %s",
            (database,),
        ).fetchall()
    ticks = 0
    for pid, _name in rows:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    per_app: dict[str, int] = {}
    for _pid, name in rows:
        per_app[name] = per_app.get(name, 0) + 1
    viewers = [count for name, count in per_app.items() if name.startswith("viewer")]
    return {
        "transactions": int(transactions[0]) if transactions else 0,
        "cpu_seconds": ticks / os.sysconf("SC_CLK_TCK"),
        "connections": len(rows),
        "most_per_dashboard": max(viewers, default=0),
    }


def progress(app: TrackerApp) -> int | None:
    table = app.get_screen_stack("snapshot")[0].table  # type: ignore[attr-defined]
    row = table.get_row(TASK)
    return None if row is None else int(row.progress)


async def until(predicate: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("never arrived")
        await asyncio.sleep(0.005)


def dashboard(url: str, name: str, config: Path) -> TrackerApp:
    store = Store.open(f"{url}&application_name={name}", user=name)
    return make_app(store, Settings(today=date(2024, 6, 5), path=config))


async def viewers_run(
    cluster: Cluster, url: str, database: str, args: argparse.Namespace, mode: str, work: Path
) -> dict[str, Any]:
    original = SqlAlchemyConnection.data_version
    if mode == "poll":
        SqlAlchemyConnection.data_version = lambda self: None  # type: ignore[method-assign,assignment]
    apps = [dashboard(url, f"viewer{i}", work / "config.toml") for i in range(args.viewers)]
    try:
        async with contextlib.AsyncExitStack() as stack:
            for app in apps:
                await stack.enter_async_context(app.run_test(size=(80, 24)))
            await asyncio.sleep(3)  # every first read done, every listener listening
            before = server_figures(cluster, database)
            started = time.monotonic()
            await asyncio.sleep(args.idle)
            after = server_figures(cluster, database)
            seconds = time.monotonic() - started
            arrivals: list[float] = []
            firsts: list[float] = []
            with Store.open(url, user="writer") as writer:
                for number in range(args.edits):
                    value = 10 + number % 9 * 10
                    if all(progress(app) == value for app in apps):
                        value += 5
                    writer.update_task(TASK, {"progress": value})
                    committed = time.monotonic()
                    await until(lambda value=value: any(progress(app) == value for app in apps))
                    firsts.append(time.monotonic() - committed)
                    await until(lambda value=value: all(progress(app) == value for app in apps))
                    arrivals.append(time.monotonic() - committed)
                    await asyncio.sleep(0.3)
    finally:
        SqlAlchemyConnection.data_version = original  # type: ignore[method-assign]
        for app in apps:
            app.store.close()
    return {
        "transactions_per_second": (after["transactions"] - before["transactions"]) / seconds,
        "server_cpu_percent": (after["cpu_seconds"] - before["cpu_seconds"]) / seconds * 100,
        "connections": after["connections"],
        "most_per_dashboard": after["most_per_dashboard"],
        "arrivals": arrivals,
        "first_arrivals": firsts,
    }


async def restart_run(
    cluster: Cluster, url: str, args: argparse.Namespace, mode: str, work: Path
) -> list[float]:
    app = dashboard(url, "restarted", work / "config.toml")
    samples: list[float] = []
    try:
        async with app.run_test(size=(80, 24)):
            await asyncio.sleep(2)
            tabs = app.get_screen_stack("snapshot")[0].query_one(ModeTabs)
            for number in range(args.restarts):
                await asyncio.to_thread(cluster.restart, mode)
                back = time.monotonic()
                value = 1 + number
                with Store.open(url, user="writer") as writer:
                    writer.update_task(TASK, {"progress": value})
                await until(lambda value=value: progress(app) == value and not tabs.note)
                samples.append(time.monotonic() - back)
    finally:
        app.store.close()
    return samples


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    cluster, why = start_cluster(max_connections=args.viewers * 2 + 30, durable_commits=True)
    if cluster is None:
        return {"missing": why}
    try:
        database = cluster.create_database("bench")
        url = cluster.url(database)
        with Store.open(url, user="bench") as store:
            store.import_document(read_document(SEED))
        with tempfile.TemporaryDirectory(prefix="tracker-viewers-") as tmp:
            work = Path(tmp)
            report: dict[str, Any] = {"viewers": args.viewers}
            for mode in ("listen", "poll"):
                report[mode] = await viewers_run(cluster, url, database, args, mode, work)
            for mode in ("fast", "immediate"):
                report[f"restart_{mode}"] = await restart_run(cluster, url, args, mode, work)
        return report
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--idle", type=float, default=10.0, help="quiet window (s)")
    parser.add_argument("--restarts", type=int, default=3, help="per restart mode")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(main_async(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
