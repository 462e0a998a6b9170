"""The stand-up's figures (issue 13), run by ``bench.py --only standup`` (and by default):

- ``Since view, 100k history``: ``read_since`` in this process on the big store (10,000
  tasks) with 100,000 history rows spread over the last 10 days, for the default kind of
  baseline (``24h``, a daily stand-up's: a day's rows, 10,000). Target ≤ 150 ms.
- ``Since view, 100k history, all rows``: the same for a baseline before all of them,
  the worst case, reported with ``history query alone, all rows``: the one history
  query by itself (sqlite3, no fold), the floor any reading of every row stands on.
- ``report vs export json``: the whole ``tracker-tui report`` command against the whole
  ``tracker-tui export --format json -o FILE`` on that store. Target ≤ 2x.
- ``standup first frame, seed``: ``tracker-tui standup`` on the seed until the Stand-up
  screen's top line shows, against the floor app, interleaved. Target ≤ 1.5x.
- ``standup first frame, 100k history``: ``tracker-tui standup --since 24h`` on the
  history store until its first moved task shows (information: ~7,500 tasks moved).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HISTORY_ROWS = 100_000
FIELDS = ("progress", "status", "owner")
USERS = ("ann", "bob", "carol", "dan", "eve", "fay", "gus", "hal")


def add_history(path: Path, rows: int, *, days: int = 10, seed: int = 13) -> None:
    """``rows`` history rows on the store's tasks, evenly over the last ``days`` days."""
    rng = random.Random(seed)
    with sqlite3.connect(path) as connection:
        # Revisions count per tracker (issue 12): the store's first tracker gets the rows.
        tracker_id, revision = connection.execute(
            "SELECT id, revision FROM trackers ORDER BY id LIMIT 1"
        ).fetchone()
        ids = [
            row[0]
            for row in connection.execute("SELECT id FROM task WHERE tracker_id = ?", (tracker_id,))
        ]
        now = datetime.now(UTC)
        start = now - timedelta(days=days)
        step = (now - start) / rows
        batch = []
        for number in range(rows):
            field = FIELDS[number % 3]
            if field == "progress":
                old, new = str(rng.randrange(0, 100)), str(rng.randrange(0, 100))
            elif field == "status":
                old, new = "In Progress", rng.choice(("Blocked", "At Risk", "Complete"))
            else:
                old, new = "DevOps Lead", rng.choice(("Data Engineering Lead", "QA Lead"))
            at = (start + step * number).isoformat(timespec="seconds")
            batch.append(
                (
                    tracker_id,
                    revision + number + 1,
                    at,
                    rng.choice(USERS),
                    "task",
                    rng.choice(ids),
                    field,
                    old,
                    new,
                )
            )
        connection.executemany(
            "INSERT INTO change "
            '(tracker_id, revision, at, "user", entity, entity_id, field, old, new, action) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'edit')",
            batch,
        )
        connection.execute(
            "UPDATE trackers SET revision = ? WHERE id = ?", (revision + rows, tracker_id)
        )
        # The tracker existed before its history: the import is dated before every row.
        connection.execute(
            "UPDATE change SET at = ? WHERE field = 'import' AND tracker_id = ?",
            ((start - timedelta(days=1)).isoformat(timespec="seconds"), tracker_id),
        )


def since_timings(path: Path, since: str, runs: int) -> tuple[list[float], int]:
    """``read_since`` timed ``runs`` times, and how many tasks moved in the view."""
    from tracker_tui.standup.reading import read_since
    from tracker_tui.store.store import Store

    samples = []
    with Store.open(str(path), user="bench", read_only=True) as store:
        # Without the forecasts, as the Stand-up screen reads it before its first frame
        # (they follow in a worker; the report's figure below includes them).
        view = read_since(store, since, forecast_window_days=None)  # warm: connection, cache
        for _ in range(runs):
            started = time.perf_counter()
            read_since(store, since, forecast_window_days=None)
            samples.append(time.perf_counter() - started)
    return samples, len(view.moves)


def query_timings(path: Path, runs: int) -> list[float]:
    """The Since view's one history query over every row, run bare in sqlite3."""
    from tracker_tui.store.standups import SINCE_KINDS

    kinds = ", ".join(f"'{kind}'" for kind in SINCE_KINDS)
    samples = []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        (tracker_id,) = connection.execute("SELECT id FROM trackers ORDER BY id LIMIT 1").fetchone()
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(
                'SELECT "user", entity, entity_id, field, old, new FROM change '
                f"WHERE tracker_id = ? AND at >= '' AND entity IN ({kinds}) "
                "ORDER BY seq",
                (tracker_id,),
            ).fetchall()
            samples.append(time.perf_counter() - started)
    return samples


def command_time(bench: Any, argv: list[str]) -> float | None:
    started = time.perf_counter()
    result = subprocess.run(argv, env=bench.env, capture_output=True, text=True, cwd=bench.work)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        bench.log(f"{argv[1]} failed ({result.returncode}): {result.stderr.strip()}")
        return None
    return elapsed


def run(bench: Any, *, tracker: str, python: str, floor_app: str, floor_marker: str) -> None:
    """Measure the stand-up's figures into ``bench.figures``."""
    from bench import copy_store

    runs = bench.args.runs
    history = bench.work / "big-history.db"
    copy_store(bench.stores["big"], history)
    rows = 10_000 if bench.args.quick else HISTORY_ROWS
    started = time.perf_counter()
    add_history(history, rows)
    bench.log(f"{rows} history rows added in {time.perf_counter() - started:.2f} s")

    for name, since, note in (
        # 24h, not "yesterday": the start of yesterday is 24 to 48 hours back depending on
        # the hour the bench runs (13,000-19,000 rows); a day's stand-up cadence is 24h.
        ("Since view, 100k history", "24h", "baseline 24 h ago (the last daily stand-up)"),
        ("Since view, 100k history, all rows", "30d", "baseline before every row"),
    ):
        if since == "24h":
            figure = bench.figure(name, "ms", target="≤ 150 ms", limits=[("median", 150.0)])
        else:
            # Information: every row of the history is read (the SQL alone is the floor
            # below), which no baseline a stand-up uses comes near.
            figure = bench.figure(name, "ms", target="worst case (info)")
        # Quick (CI smoke): two timings; the full run: at least five.
        timings, moved = since_timings(history, since, 2 if bench.args.quick else max(runs, 5))
        figure.samples = [s * 1000 for s in timings]
        figure.note = (
            f"{note}; {bench.args.tasks} tasks ({moved} moved), {rows} history rows, in "
            "process, without the forecasts"
        )
        bench.log(f"{name}: {[round(s) for s in figure.samples]} ms")

    query = bench.figure("history query alone, all rows", "ms", target="floor of the above")
    query.samples = [s * 1000 for s in query_timings(history, 5 if not bench.args.quick else 2)]
    query.note = "the Since view's history query over every row, in sqlite3, nothing else"
    bench.log(f"history query alone: {[round(s) for s in query.samples]} ms")

    report = bench.figure(
        "report vs export json", "s", target="≤ 2x export --format json", limits=[("ratio", 2.0)]
    )
    exports: list[float] = []
    for number in range(max(1, min(runs, 5))):
        output = bench.work / f"export-{number}.json"
        exported = command_time(
            bench, [tracker, "export", "--format", "json", "--db", str(history), "-o", str(output)]
        )
        reported = command_time(bench, [tracker, "report", "--db", str(history), "--since", "24h"])
        if exported is not None and reported is not None:
            exports.append(exported)
            report.samples.append(reported)
    if exports and report.samples:
        report.ratio = statistics.median(report.samples) / statistics.median(exports)
        report.note = f"export --format json median {statistics.median(exports):.2f} s"
    bench.log(f"report {report.samples} s, export json {exports} s")

    floor = bench.figure("floor: first frame (stand-up rounds)", "s")
    frame = bench.figure(
        "standup first frame, seed", "s", target="≤ 1.5x floor", limits=[("ratio", 1.5)]
    )

    def floor_ready(session: Any) -> bool:
        return any(floor_marker in line for line in session.screen.lines())

    def standup_ready(session: Any) -> bool:
        lines = session.screen.lines()
        return any("Since" in line for line in lines) and any("Programme" in line for line in lines)

    variants = {
        floor.name: ([python, floor_app], floor_ready),
        frame.name: ([tracker, "standup", "--db", str(bench.stores["seed"])], standup_ready),
    }
    for name, (argv, ready) in variants.items():  # warm-up
        bench.first_frame(name, argv, ready)[1].stop()
    for number in range(runs):
        order = list(variants) if number % 2 == 0 else list(reversed(variants))
        for name in order:
            seconds, session = bench.first_frame(name, *variants[name])
            session.stop()
            if seconds is not None:
                bench.figures[name].samples.append(seconds)
    if floor.samples and frame.samples:
        frame.ratio = statistics.median(frame.samples) / statistics.median(floor.samples)
    bench.log(f"standup first frame {frame.samples} s, floor {floor.samples} s")

    big = bench.figure("standup first frame, 100k history", "s", target="info")
    argv = [tracker, "standup", "--db", str(history), "--since", "24h"]

    def big_ready(session: Any) -> bool:
        lines = session.screen.lines()
        return any("Since" in line for line in lines) and any("UT-" in line for line in lines)

    for _ in range(2 if bench.args.quick else max(3, min(runs, 5))):
        seconds, session = bench.first_frame(big.name, argv, big_ready)
        session.stop()
        if seconds is not None:
            big.samples.append(seconds)
    big.note = "tasks moved in 24 h listed 50 a section (enter shows the rest)"
    bench.log(f"standup first frame, 100k history: {big.samples} s")
