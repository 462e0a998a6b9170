"""The issue-12 figures of ``bench.py``: a store of 50 trackers of 1,000 tasks each, plus
their activity (``--trackers``, ``--tracker-tasks``; quick: 10 x 200).

- portfolio first frame: ``tracker-tui`` on that store opens on the portfolio; timed on
  a pty to the frame showing the first tracker's row with its bar, interleaved with the
  floor app, as the other first frames (a ratio of medians).
- switching trackers: on the portfolio, ``enter`` on a tracker (then ``0``, ``g``, ``j``
  n times, ``enter`` for the next one, a different tracker each time), timed from the
  ``enter`` to the frame whose tabs name that tracker over its task table.
- owner view: ``Store.owner_tasks`` of one owner across every tracker, in process (the
  read the view makes; its drawing is the RecordTable's, a screenful whatever the store).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import bench_data
from bench_pty import PtySession

if TYPE_CHECKING:
    from bench import Bench

FIGURES = (
    "portfolio first frame, 50 trackers",
    "switch tracker, key to table",
    "owner view, 50 trackers",
)


def make_store(path: Path, trackers: int, tasks: int, activity: int) -> None:
    """``trackers`` trackers named T01, T02... each of ``tasks`` tasks and ``activity``
    activity entries."""
    from tracker_tui.store.store import Store

    text, _ = bench_data.synthetic_markdown(tasks, activity)
    document = bench_data.parse(text)
    with Store.open(str(path), user="bench") as store:
        for number in range(1, trackers + 1):
            store.import_document(document, name=f"T{number:02d}")


def portfolio_shown(session: PtySession) -> bool:
    return any("T01" in line and "%" in line for line in session.screen.lines())


def tracker_shown(name: str) -> Callable[[PtySession], bool]:
    def check(session: PtySession) -> bool:
        lines = session.screen.lines()
        return bool(lines) and f"0 {name}" in lines[0] and any("%" in line for line in lines[3:])

    return check


def run(bench: Bench, tracker_executable: str) -> None:
    args = bench.args
    trackers, tasks = args.trackers, args.tracker_tasks
    path = bench.work / "trackers.db"
    started = time.perf_counter()
    make_store(path, trackers, tasks, tasks // 2)
    bench.log(f"{trackers} trackers x {tasks} tasks in {time.perf_counter() - started:.1f} s")
    portfolio = bench.figure(FIGURES[0], "s", target="≤ 2x floor", limits=[("ratio", 2.0)])
    floor_name, (floor_argv, floor_ready) = next(iter(bench.variants().items()))
    floor = bench.figure(floor_name, "s")
    # The floor as the start-up part measured it, when it ran (a quick run has no time to
    # spare); else measured here, interleaved.
    floor_measured = bool(floor.samples)
    for _ in range(args.runs):
        for name, argv, ready, figure in (
            *([] if floor_measured else [(floor_name, floor_argv, floor_ready, floor)]),
            (FIGURES[0], [tracker_executable, "--db", str(path)], portfolio_shown, portfolio),
        ):
            seconds, session = bench.first_frame(name, argv, ready)
            session.stop()
            if seconds is not None:
                figure.samples.append(seconds)
    if floor.median and portfolio.median is not None:
        portfolio.ratio = portfolio.median / floor.median
    switch = bench.figure(
        FIGURES[1], "ms", target="≤ 150 ms", limits=[("median", 150.0)], spread="p95"
    )
    seconds, session = bench.first_frame(
        FIGURES[0], [tracker_executable, "--db", str(path)], portfolio_shown
    )
    try:
        if seconds is not None:
            for number in range(1, min(trackers, 1 if args.quick else 2 * args.runs + 1) + 1):
                if number > 1:
                    session.send("0")
                    session.wait_for(portfolio_shown, timeout=args.timeout)
                    # From the first row: the portfolio keeps its cursor on the tracker
                    # opened last, so j alone would skip one more each round.
                    session.send("g" + "j" * (number - 1))
                    time.sleep(0.3)
                sent = session.send("\r")
                moment = session.wait_for(tracker_shown(f"T{number:02d}"), timeout=args.timeout)
                if moment is None:
                    bench.log(f"switch to T{number:02d}: not shown within {args.timeout} s")
                    break  # the rest would each wait as long for nothing
                switch.samples.append((moment - sent) * 1000)
                time.sleep(0.2)
    finally:
        session.stop()
    owner = bench.figure(
        FIGURES[2], "ms", target="≤ 300 ms", limits=[("median", 300.0)], spread="p95"
    )
    from tracker_tui.store.store import Store

    with Store.open(str(path), user="bench") as store:
        store.owner_tasks("devops lead")  # the connection and the page cache warm
        for _ in range(max(5, args.runs * 2)):
            begun = time.perf_counter()
            rows = store.owner_tasks("devops lead")
            owner.samples.append((time.perf_counter() - begun) * 1000)
    owner.note = f"{len(rows)} open tasks of DevOps Lead in {trackers} trackers"
