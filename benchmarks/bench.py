"""tracker-tui's performance benchmark: every figure of the performance issue, measured on
the real ``tracker-tui`` in a real (pseudo-)terminal, against a floor measured the same way
in the same run.

    .venv/bin/python benchmarks/bench.py            # 5 runs each, full-size stores
    .venv/bin/python benchmarks/bench.py --quick    # 1 run, small stores (CI smoke)
    .venv/bin/python benchmarks/bench.py --json     # the same figures as JSON

Method (docs/performance.md has the long form):

- Stores are generated into a temporary directory: the seed (``data/sample-tracker.md``),
  a big store (10,000 tasks, 100,000 activity entries) and a 20,000-row document for
  import/export. Every process gets its own XDG dirs there, ``TRACKER_TUI_USER=bench``,
  ``TEXTUAL_ANIMATIONS=none`` and ``TERM=xterm-256color``.
- Each app is started on a fresh pty (120x40 unless ``--size``); its first frame is the
  moment a screen line shows the marker: ``FLOOR-READY`` for the floor (a one-``Static``
  Textual app, ``benchmarks/floor_app.py``), the first task's ID on a line that also shows
  a percentage for ``tracker-tui`` and for ``benchmarks/datatable_app.py``. Output is fed
  to a small terminal emulator (``bench_pty.Screen``), so escape sequences never match.
- Start-ups are interleaved: every round runs each variant once, in a rotated order, and
  a ratio is the median of a variant over the median of the floor.
- Keystroke: ``-`` (or ``+`` at 0%) on the row under the cursor of the big store, timed
  until the row shows the new percentage, the Programme/status header lines agree with
  the store, AND the store holds the commit (polled with sqlite3 every millisecond in a
  thread); bytes are counted from the keystroke until 250 ms of silence.
- Live edit: this process writes through ``Store.update_task`` (another process as far
  as the dashboard is concerned); timed from the commit's return until the row shows it.
- Idle: CPU (``/proc/PID/stat`` utime+stime) and pty bytes over a quiet window.
- Edit bytes: ``-`` on the seed's first row, bytes until 250 ms of silence, the session's
  first edit apart from the rest; once with Textual's animations on (unset
  ``TEXTUAL_ANIMATIONS``: what users get) and once with them off.
- Peak memory: ``VmHWM`` of the dashboard on the big store after start-up and keystrokes.
- Import/export: whole ``tracker-tui import`` / ``tracker-tui export -o`` commands.
- Viewers (PostgreSQL): ``benchmarks/bench_viewers.py`` in a child process: 30 dashboards
  (Pilot apps) and one writer on a throwaway cluster; the server's queries/s, CPU and
  connections while they idle, with LISTEN/NOTIFY and with revision polling; each edit
  until every screen shows it; a server restart until a dashboard is live again.
- Browser (``bench_browser.py``): ``tracker-tui serve`` in Debian's chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import bench_data  # noqa: E402
import bench_edits  # noqa: E402
import bench_trackers  # noqa: E402
from bench_pty import PtySession  # noqa: E402

PYTHON = sys.executable
TRACKER = str(Path(PYTHON).with_name("tracker-tui"))
FLOOR_APP = str(HERE / "floor_app.py")
DATATABLE_APP = str(HERE / "datatable_app.py")
FLOOR_MARKER = "FLOOR-READY"

#: Figure names, in the order they are printed (the smoke test looks for each).
#: The parts of the benchmark, in the order they run (``--only`` picks some).
PARTS = (
    "startup",
    "interactive",
    "exchange",
    "trackers",
    "viewers",
    "browser",
    "standup",
    "trends",
)

FIGURES = (
    "floor: first frame",
    "first frame, seed",
    "first frame, big store",
    "DataTable first frame, seed",
    "DataTable first frame, big store",
    "keystroke to redraw + commit",
    "first keystroke after launch",
    "bytes, first edit after launch",
    "live edit to screen",
    "idle CPU",
    "idle bytes written",
    "bytes per progress edit",
    "bytes, first edit, animations on",
    "bytes per edit, animations on",
    "bytes, first edit, animations off",
    "bytes per edit, animations off",
    "peak RSS, big store",
    "import 20k rows",
    "export 20k rows",
    *bench_trackers.FIGURES,
    "viewers: edit to every screen",
    "viewers idle: server queries/s",
    "viewers idle: server CPU",
    "viewers: connections per dashboard",
    "restart -m fast to live",
    "restart -m immediate to live",
    "first frame, 100k history",
    "first frame, same tasks without history",
    "Trends screen drawn from the key",
    "Plan screen drawn from the key",
    "trend --format json, 100k history",
    "browser: page to first frame",
    "browser: first frame, tabs back to back",
    "browser: keystroke to row",
    "browser: edit seen in another tab",
    "browser: memory per tab",
    "browser: spare process memory",
    "browser: server memory",
    # The stand-up (issue 13; bench_standup.py).
    "Since view, 100k history",
    "Since view, 100k history, all rows",
    "history query alone, all rows",
    "report vs export json",
    "floor: first frame (stand-up rounds)",
    "standup first frame, seed",
    "standup first frame, 100k history",
)


# -- figures ---------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    unit: str  # "s", "ms", "%", "B", "MB"
    samples: list[float] = field(default_factory=list)
    target: str = ""
    #: (statistic, limit): PASS when every listed statistic is at or under its limit.
    #: statistic is "median", "p95", "max", "ratio" (median / floor median).
    limits: list[tuple[str, float]] = field(default_factory=list)
    spread: str = "range"  # "range" (min-max) or "p95"
    note: str = ""
    ratio: float | None = None
    status: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 95) if self.samples else None

    def stat(self, name: str) -> float | None:
        if name == "median":
            return self.median
        if name == "p95":
            return self.p95
        if name == "max":
            return max(self.samples) if self.samples else None
        if name == "ratio":
            return self.ratio
        raise ValueError(name)

    def judge(self) -> None:
        if not self.limits:
            self.status = "info"
            return
        values = [self.stat(statistic) for statistic, _ in self.limits]
        if any(value is None for value in values):
            self.status = "n/a"
            return
        ok = all(value <= limit for value, (_, limit) in zip(values, self.limits, strict=True))
        self.status = "PASS" if ok else "MISS"

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(
            median=self.median,
            p95=self.p95,
            min=min(self.samples) if self.samples else None,
            max=max(self.samples) if self.samples else None,
        )
        return data


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "q/s":
        return f"{value:.0f}/s"
    if unit == "conn":
        return f"{value:.0f}"
    return f"{value:g}"


# -- the environment ---------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.columns, self.rows = args.columns, args.rows
        self.figures: dict[str, Figure] = {}
        self.log_lines: list[str] = []
        self.env = self._environment()
        self.stores: dict[str, Path] = {}
        self.markers: dict[str, str] = {}
        self.info: dict[str, object] = {}

    def log(self, message: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {message}"
        self.log_lines.append(line)
        if not self.args.quiet:
            print(line, file=sys.stderr, flush=True)

    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "TRACKER_TUI", "XDG_", "COLUMNS", "LINES"))
            and key
            not in (
                "NO_COLOR",
                "FORCE_COLOR",
                "PYTHONDEVMODE",
                "PYTHONTRACEMALLOC",
                "PYTHONDONTWRITEBYTECODE",
                "PYTHONPYCACHEPREFIX",
                "PYTHONPROFILEIMPORTTIME",
            )
        }
        # Bytecode as an installed app has it: written once (by the warm-up) and reused,
        # but into the work dir, so that the repository is left as it was.
        env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            directory = self.work / "xdg" / name.lower()
            directory.mkdir(parents=True, exist_ok=True)
            env[name] = str(directory)
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            TEXTUAL_ANIMATIONS="none",
            TRACKER_TUI_USER="bench",
            PYTHONPATH=str(ROOT),
            HOME=str(self.work / "home"),
        )
        (self.work / "home").mkdir(exist_ok=True)
        return env

    def figure(self, name: str, unit: str, **kwargs: object) -> Figure:
        assert name in FIGURES, name
        found = self.figures.get(name)
        if found is None:
            found = self.figures[name] = Figure(name, unit, **kwargs)  # type: ignore[arg-type]
        return found

    # -- stores --------------------------------------------------------------------------

    def prepare(self) -> None:
        args = self.args
        self.log(f"work dir {self.work}")
        self.info["load_at_start"] = [round(value, 2) for value in os.getloadavg()]
        seed = self.work / "seed.db"
        started = time.perf_counter()
        bench_data.make_store(seed, bench_data.SEED.read_text(encoding="utf-8"))
        self.stores["seed"] = seed
        self.markers["seed"] = bench_data.task_ids(seed)[0]
        self.stores["seed-edit"] = self.work / "seed-edit.db"
        copy_store(seed, self.stores["seed-edit"])
        self.log(f"seed store in {time.perf_counter() - started:.2f} s")

        started = time.perf_counter()
        text, generator = bench_data.synthetic_markdown(args.tasks, args.activity)
        self.info["generator"] = generator
        big = self.work / "big.db"
        bench_data.make_store(big, text)
        self.stores["big"] = big
        self.markers["big"] = bench_data.task_ids(big)[0]
        self.info["big_store_rows"] = bench_data.counts(big)
        self.info["big_store_bytes"] = big.stat().st_size
        self.log(
            f"big store {self.info['big_store_rows']} ({len(text) / 1e6:.1f} MB markdown) in "
            f"{time.perf_counter() - started:.2f} s"
        )
        # The interactive session edits a copy, so start-ups always read the same data.
        edit = self.work / "big-edit.db"
        copy_store(big, edit)
        self.stores["big-edit"] = edit

        started = time.perf_counter()
        text, _ = bench_data.synthetic_markdown(args.import_rows, 0)
        self.import_file = self.work / "import.md"
        self.import_file.write_text(text, encoding="utf-8")
        self.log(
            f"import document: {args.import_rows} task rows, {len(text) / 1e6:.1f} MB "
            f"in {time.perf_counter() - started:.2f} s"
        )

    # -- processes -----------------------------------------------------------------------

    def spawn(self, argv: list[str]) -> PtySession:
        return PtySession(
            argv, env=self.env, columns=self.columns, rows=self.rows, cwd=str(self.work)
        )

    def variants(self) -> dict[str, tuple[list[str], Callable[[PtySession], bool]]]:
        def floor(session: PtySession) -> bool:
            return any(FLOOR_MARKER in line for line in session.screen.lines())

        seed, big = self.markers["seed"], self.markers["big"]
        return {
            "floor: first frame": ([PYTHON, FLOOR_APP], floor),
            "first frame, seed": ([TRACKER, "--db", str(self.stores["seed"])], task_shown(seed)),
            "first frame, big store": ([TRACKER, "--db", str(self.stores["big"])], task_shown(big)),
            "DataTable first frame, seed": (
                [PYTHON, DATATABLE_APP, "--db", str(self.stores["seed"])],
                task_shown(seed),
            ),
            "DataTable first frame, big store": (
                [PYTHON, DATATABLE_APP, "--db", str(self.stores["big"])],
                task_shown(big),
            ),
        }

    def first_frame(
        self, name: str, argv: list[str], ready: Callable[[PtySession], bool]
    ) -> tuple[float | None, PtySession]:
        session = self.spawn(argv)
        moment = session.wait_for(ready, timeout=self.args.timeout)
        if moment is None:
            self.log(
                f"{name}: no first frame within {self.args.timeout} s; screen:\n"
                + "\n".join(line.rstrip() for line in session.snapshot()).rstrip()
                + f"\n(alive {session.alive()}, exit status {session.exit_status})"
            )
            return None, session
        return moment - session.started, session

    def warm_bytecode(self) -> None:
        """Compile every module the measured commands import (the writer's SQLAlchemy and
        SQLModel too, which no start-up imports) into this run's bytecode cache: an
        installed app has its .pyc files, and the first keystroke must not compile them."""
        if getattr(self, "_warmed", False):
            return
        self._warmed = True
        modules = (
            "tracker_tui.cli, tracker_tui.commands.dashboard, tracker_tui.commands.opening, "
            "tracker_tui.commands.importing, tracker_tui.commands.exporting, "
            "tracker_tui.app, tracker_tui.screens.snapshot, "
            "tracker_tui.store.writer, tracker_tui.markdown, tracker_tui.export_formats, "
            "textual.app, textual.widgets._data_table, textual.widgets._static"
        )
        subprocess.run([PYTHON, "-c", f"import {modules}"], env=self.env, cwd=self.work, check=True)

    # -- start-up ------------------------------------------------------------------------

    def startup(self) -> None:
        variants = self.variants()
        names = list(variants)
        self.warm_bytecode()
        self.log("warm-up: one untimed start of each (bytecode cache, page cache)")
        for name in names:
            _, session = self.first_frame(name, *variants[name])
            session.stop()
        limits = {
            "first frame, seed": ("≤ 2.0x floor (1.5x stretch)", [("ratio", 2.0)]),
            "first frame, big store": ("≤ 2.2x floor", [("ratio", 2.2)]),
        }
        for name in names:
            target, lims = limits.get(name, ("", []))
            self.figure(name, "s", target=target, limits=lims)
        for round_number in range(self.args.runs):
            shift = round_number % len(names)
            order = names[shift:] + names[:shift]
            for name in order:
                seconds, session = self.first_frame(name, *variants[name])
                session.stop()
                if seconds is not None:
                    self.figures[name].samples.append(seconds)
            self.log(
                f"start-up round {round_number + 1}/{self.args.runs}: "
                + ", ".join(
                    f"{name} {self.figures[name].samples[-1] * 1000:.0f} ms"
                    for name in names
                    if self.figures[name].samples
                )
            )
        floor = self.figures["floor: first frame"].median
        for name in names:
            figure = self.figures[name]
            if floor and figure.median is not None:
                figure.ratio = figure.median / floor
        # The per-round ratio as well: robust to load that drifts over the run.
        for name in names[1:]:
            pairs = zip(
                self.figures["floor: first frame"].samples, self.figures[name].samples, strict=False
            )
            ratios = [value / base for base, value in pairs if base]
            if ratios:
                self.figures[name].note = (
                    f"per-round ratio median {statistics.median(ratios):.2f}x "
                    f"({min(ratios):.2f}–{max(ratios):.2f})"
                )

    # -- interactive sessions --------------------------------------------------------------

    def open_dashboard(self, path: Path) -> tuple[PtySession, list[str]] | None:
        ids = bench_data.task_ids(path)
        session = self.spawn([TRACKER, "--db", str(path)])
        if session.wait_for(task_shown(ids[0]), timeout=self.args.timeout) is None:
            self.log(f"dashboard on {path.name} never showed its first task")
            session.stop()
            return None
        session.wait_quiet(1.0, timeout=10)
        return session, ids

    def interactive(self) -> None:
        self.warm_bytecode()
        self.edit_bytes()
        if not self.args.quick:
            opened = self.open_dashboard(self.stores["seed-edit"])
            if opened is not None:
                session, _ = opened
                try:
                    self.idle(session, "seed")
                finally:
                    session.stop()
        opened = self.open_dashboard(self.stores["big-edit"])
        if opened is None:
            return
        session, ids = opened
        try:
            self.idle(session, "big store")
            self.keystrokes(session, self.stores["big-edit"], ids)
            self.live_edits(session, self.stores["big-edit"], ids)
            rss = session.proc_status("VmHWM")
            if rss is not None:
                self.figure(
                    "peak RSS, big store",
                    "MB",
                    target="≤ 120 MB",
                    limits=[("max", 120.0)],
                    note="VmHWM after start-up, keystrokes and live edits",
                ).samples.append(rss / 1e6)
        finally:
            session.stop()

    def idle(self, session: PtySession, label: str) -> None:
        window = self.args.idle_seconds
        cpu_before = session.cpu_seconds()
        bytes_before = session.total_bytes
        started = time.perf_counter()
        time.sleep(window)
        elapsed = time.perf_counter() - started
        cpu = session.cpu_seconds() - cpu_before
        written = session.total_bytes - bytes_before
        cpu_figure = self.figure("idle CPU", "%", target="≤ 1 % of a core", limits=[("max", 1.0)])
        bytes_figure = self.figure("idle bytes written", "B", target="0 B", limits=[("max", 0.0)])
        cpu_figure.samples.append(100.0 * cpu / elapsed)
        bytes_figure.samples.append(float(written))
        for figure in (cpu_figure, bytes_figure):
            figure.note = (figure.note + "; " if figure.note else "") + (
                f"{label}: {fmt(figure.samples[-1], figure.unit)} over {elapsed:.1f} s"
            )
        self.log(f"idle ({label}): {100 * cpu / elapsed:.2f} % CPU, {written} B in {elapsed:.1f} s")

    def keystrokes(self, session: PtySession, path: Path, ids: list[str]) -> None:
        """``-``/``+`` on the row under the cursor (the first row: the dashboard opens
        with the cursor there), each timed until row, header and store agree."""
        task_id = ids[0]
        latency = self.figure(
            "keystroke to redraw + commit",
            "ms",
            target="median ≤ 50 ms, p95 ≤ 100 ms",
            limits=[("median", 50.0), ("p95", 100.0)],
            spread="p95",
        )
        first = self.figure(
            "first keystroke after launch",
            "ms",
            target="≤ 100 ms",
            limits=[("max", 100.0)],
            note="the session's first edit (not in the series above)",
        )
        written = self.figure(
            "bytes per progress edit", "B", target="≤ 2 KB", limits=[("max", 2048.0)], spread="p95"
        )
        first_written = self.figure(
            "bytes, first edit after launch", "B", target="≤ 2 KB", limits=[("max", 2048.0)]
        )
        watcher = CommitWatcher(path)
        screen_ms: list[float] = []
        commit_ms: list[float] = []
        try:
            for number in range(self.args.keystrokes):
                progress, version = watcher.read(task_id)
                key = "-" if progress >= 10 else "+"
                expected = max(0, progress - 10) if key == "-" else min(100, progress + 10)
                row_ok = row_shows(0, expected)
                thread = watcher.start(task_id, version)
                sent = session.send(key)
                shown = session.wait_for(row_ok, timeout=5.0)
                committed = watcher.join(timeout=5.0, thread=thread)
                if shown is None or committed is None:
                    self.log(
                        f"keystroke {key} on {task_id}: shown={shown} committed={committed}"
                        " screen:\n" + "\n".join(session.snapshot()[:14])
                    )
                    session.wait_quiet(0.5, timeout=3.0, since=sent)
                    continue
                # The header (Programme line, status counts) must agree with the store.
                totals = header_expectation(path)
                totals_at = session.wait_for(
                    lambda s, totals=totals: header_matches(s.screen.lines(), totals),
                    timeout=2.0,
                )
                if totals_at is None:
                    self.log(f"keystroke: the header never showed {totals}")
                    totals_at = shown
                done = max(shown, committed, totals_at)
                session.wait_quiet(0.25, timeout=3.0, since=sent)
                if number == 0:
                    first.samples.append((done - sent) * 1000)
                    first.note = (
                        f"row on screen after {(shown - sent) * 1000:.0f} ms, commit seen after "
                        f"{(committed - sent) * 1000:.0f} ms, header after "
                        f"{(totals_at - sent) * 1000:.0f} ms (not in the series above)"
                    )
                    first_written.samples.append(float(session.bytes_since(sent)))
                    continue
                latency.samples.append((done - sent) * 1000)
                screen_ms.append((shown - sent) * 1000)
                commit_ms.append((committed - sent) * 1000)
                written.samples.append(float(session.bytes_since(sent)))
        finally:
            watcher.close()
        if screen_ms:
            latency.note = (
                f"{len(latency.samples)} edits of {task_id}; row on screen median "
                f"{statistics.median(screen_ms):.1f} ms, commit seen median "
                f"{statistics.median(commit_ms):.1f} ms (after the session's first edit)"
            )
            self.log(
                f"keystrokes: first {first.samples} ms / {first_written.samples} B; then "
                f"{[round(v) for v in latency.samples]} ms; bytes "
                f"{[int(v) for v in written.samples]}"
            )

    def edit_bytes(self) -> None:
        """Bytes written per ``-`` on the seed (every header line filled in), with the
        animations on and off; the session's first edit is a figure of its own."""
        for label, animations in (("on", None), ("off", "none")):
            env = dict(self.env)
            if animations is None:
                env.pop("TEXTUAL_ANIMATIONS", None)
            else:
                env["TEXTUAL_ANIMATIONS"] = animations
            path = self.work / f"seed-bytes-{label}.db"
            copy_store(self.stores["seed"], path)
            first, later = bench_edits.edit_bytes(
                PtySession(
                    [TRACKER, "--db", str(path)],
                    env=env,
                    columns=self.columns,
                    rows=self.rows,
                    cwd=str(self.work),
                ),
                path,
                edits=max(2, self.args.keystrokes // 2),
                timeout=self.args.timeout,
            )
            limit = [("max", 2048.0)]
            first_figure = self.figure(
                f"bytes, first edit, animations {label}", "B", target="≤ 2 KB", limits=limit
            )
            later_figure = self.figure(
                f"bytes per edit, animations {label}", "B", target="≤ 2 KB", limits=limit
            )
            if first is not None:
                first_figure.samples.append(float(first))
            later_figure.samples.extend(float(value) for value in later)
            later_figure.note = f"seed, edits after the first: {later} B"
            self.log(f"edit bytes, animations {label}: first {first} B, then {later} B")

    def live_edits(self, session: PtySession, path: Path, ids: list[str]) -> None:
        """Another writer (this process, through ``Store``) changes a visible row; timed
        from the commit's return until the row shows it."""
        from tracker_tui.store.store import Store

        figure = self.figure("live edit to screen", "s", target="≤ 1 s", limits=[("max", 1.0)])
        visible = min(6, len(ids) - 1, max(1, len(table_rows(session.snapshot())) - 1))
        if visible < 1:
            self.log("live edit: no second row on screen")
            return
        with Store.open(str(path), user="bench-other") as store:
            store.update_task(ids[1], {"notes": "warming the writer"})  # imports, connects
            session.wait_quiet(1.0, timeout=5.0, since=time.perf_counter())
            for number in range(self.args.live_edits):
                index = 1 + number % visible
                task_id = ids[index]
                task = store.task(task_id)
                assert task is not None
                value = task.progress - 10 if task.progress >= 50 else task.progress + 10
                store.update_task(task_id, {"progress": value})
                committed = time.perf_counter()
                shown = session.wait_for(row_shows(index, value), timeout=5.0)
                if shown is None:
                    self.log(f"live edit of {task_id} to {value}% never showed")
                    continue
                figure.samples.append(max(0.0, shown - committed))
                # Spread the edits over the poll period rather than in phase with it.
                session.wait_quiet(0.3, timeout=3.0, since=shown)
                time.sleep(0.137 * (number % 5))
        figure.note = "Store.update_task from this process; timed from its return"
        self.log(f"live edits: {[round(s * 1000) for s in figure.samples]} ms")

    # -- import / export -----------------------------------------------------------------

    def exchange(self) -> None:
        self.warm_bytecode()
        rows = self.args.import_rows
        imports = self.figure(
            "import 20k rows",
            "s",
            target="≤ 2 s",
            limits=[("median", 2.0)],
            note=f"{rows} task rows, whole command",
        )
        exports = self.figure(
            "export 20k rows",
            "s",
            target="≤ 1 s",
            limits=[("median", 1.0)],
            note=f"{rows} task rows, whole command, -o FILE",
        )
        for number in range(max(1, min(self.args.runs, 3))):
            database = self.work / f"import-{number}.db"
            started = time.perf_counter()
            result = subprocess.run(
                [TRACKER, "import", str(self.import_file), "--db", str(database)],
                env=self.env,
                capture_output=True,
                text=True,
                cwd=self.work,
            )
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                self.log(f"import failed ({result.returncode}): {result.stderr.strip()}")
                continue
            imports.samples.append(elapsed)
            output = self.work / f"export-{number}.md"
            started = time.perf_counter()
            result = subprocess.run(
                [TRACKER, "export", "--db", str(database), "-o", str(output)],
                env=self.env,
                capture_output=True,
                text=True,
                cwd=self.work,
            )
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                self.log(f"export failed ({result.returncode}): {result.stderr.strip()}")
                continue
            exports.samples.append(elapsed)
        self.log(
            f"import {[round(s, 2) for s in imports.samples]} s, "
            f"export {[round(s, 2) for s in exports.samples]} s"
        )
        if self.args.in_process:
            self.exchange_in_process()

    def exchange_in_process(self) -> None:
        """Where import/export time goes, in this process (parse, import, read, render)."""
        from tracker_tui.markdown import parse_document, render_document
        from tracker_tui.store.store import Store

        text = self.import_file.read_text(encoding="utf-8")
        phases: dict[str, float] = {}
        started = time.perf_counter()
        document = parse_document(text)
        phases["parse_document"] = time.perf_counter() - started
        database = self.work / "import-inproc.db"
        with Store.open(str(database), user="bench") as store:
            started = time.perf_counter()
            store.import_document(document)
            phases["Store.import_document"] = time.perf_counter() - started
        with Store.open(str(database), user="bench", read_only=True) as store:
            started = time.perf_counter()
            exported = store.export_document()
            phases["Store.export_document"] = time.perf_counter() - started
            started = time.perf_counter()
            render_document(exported)
            phases["render_document"] = time.perf_counter() - started
        self.info["exchange_phases_s"] = {k: round(v, 3) for k, v in phases.items()}
        self.log("in-process: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))

    def viewers(self) -> None:
        """Many dashboards on one PostgreSQL store (``bench_viewers.py``, a child process)."""
        viewers = self.args.viewers
        quick = self.args.quick
        command = [PYTHON, str(HERE / "bench_viewers.py"), "--viewers", str(viewers)]
        command += ["--edits", "2", "--idle", "2", "--restarts", "1"] if quick else []
        self.log(f"viewers: {viewers} dashboards on PostgreSQL")
        env = {key: value for key, value in self.env.items() if key != "TEXTUAL_ANIMATIONS"}
        result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=self.work)
        if result.returncode != 0:
            self.log(f"viewers failed ({result.returncode}): {result.stderr.strip()[-500:]}")
            return
        report = json.loads(result.stdout.strip().splitlines()[-1])
        if "missing" in report:
            self.info["postgres_missing"] = report["missing"]
            self.log(f"viewers: no PostgreSQL ({report['missing']})")
            return
        listen, poll = report["listen"], report["poll"]
        first = statistics.median(listen["first_arrivals"])
        self.figure(
            "viewers: edit to every screen",
            "s",
            target="≤ 1 s",
            limits=[("median", 1.0)],
            note=f"{viewers} dashboards in one process, until the last redraws; the first "
            f"shows it in {first * 1000:.0f} ms (median); with revision polling instead, "
            f"{statistics.median(poll['arrivals']) * 1000:.0f} ms",
        ).samples.extend(listen["arrivals"])
        self.figure(
            "viewers idle: server queries/s",
            "q/s",
            note=f"{viewers} dashboards, LISTEN/NOTIFY (pg_stat_database transactions); "
            f"polling the revision every 0.5 s: {poll['transactions_per_second']:.0f}/s",
        ).samples.append(listen["transactions_per_second"])
        self.figure(
            "viewers idle: server CPU",
            "%",
            note=f"of one core, the database's backends; polling: "
            f"{poll['server_cpu_percent']:.2f} %",
        ).samples.append(listen["server_cpu_percent"])
        self.figure(
            "viewers: connections per dashboard",
            "conn",
            target="≤ 2",
            limits=[("max", 2)],
            note=f"{listen['connections']} in all for {viewers} dashboards (pg_stat_activity)",
        ).samples.append(listen["most_per_dashboard"])
        for mode in ("fast", "immediate"):
            self.figure(
                f"restart -m {mode} to live",
                "s",
                target="≤ 5 s",
                limits=[("max", 5.0)],
                note="from pg_ctl reporting the server back to an edit on screen",
            ).samples.extend(report[f"restart_{mode}"])

    # -- trends (issue 14) ---------------------------------------------------------------

    def trends(self) -> None:
        """A year of daily edits on 1,000 tasks (about 100,000 history rows): the Trends
        screen from the key ``7`` until its charts are on the terminal, ``trend --format
        json`` as a whole command, and what the history (the header's forecasts included)
        adds to the first frame, against the same tasks with no history."""
        self.warm_bytecode()
        quick = self.args.quick
        tasks, days, rows = (200, 30, 6_000) if quick else (1_000, 365, 100_000)
        history = self.work / "history.db"
        started = time.perf_counter()
        count = bench_data.make_history_store(history, tasks=tasks, days=days, rows=rows)
        bare = self.work / "history-bare.db"
        copy_store(history, bare)
        with sqlite3.connect(bare) as connection:
            connection.execute("DELETE FROM change WHERE action <> 'import'")
        self.info["history_store"] = {"tasks": tasks, "days": days, "history_rows": count}
        self.log(f"history store: {count} history rows in {time.perf_counter() - started:.1f} s")
        marker = bench_data.task_ids(history)[0]
        with_history = self.figure(
            "first frame, 100k history",
            "s",
            target="≤ 1.05x the same without history",
            note=f"{tasks} tasks, {count} history rows",
        )
        without = self.figure("first frame, same tasks without history", "s")
        warm_up = 0 if quick else 1  # the first start of each is a warm-up
        for _ in range(self.args.runs + warm_up):
            for figure, path in ((with_history, history), (without, bare)):
                seconds, session = self.first_frame(
                    figure.name, [TRACKER, "--db", str(path)], task_shown(marker)
                )
                session.stop()
                if seconds is not None:
                    figure.samples.append(seconds)
        for figure in (with_history, without):
            figure.samples = figure.samples[warm_up:]
        if with_history.median and without.median:
            with_history.ratio = with_history.median / without.median
            with_history.limits = [("median", without.median * 1.05)]
        screen = self.figure(
            "Trends screen drawn from the key",
            "ms",
            target="≤ 300 ms",
            limits=[("median", 300.0)],
            note="everything (a year), 7 pressed on the Snapshot screen",
        )
        self.screen_from_key(screen, history, "7", "Tasks by status")
        measured = self.work / "history-metrics.db"
        copy_store(history, measured)
        bench_data.add_measured_metrics(measured, metrics=5)
        plan = self.figure(
            "Plan screen drawn from the key",
            "ms",
            target="≤ 300 ms",
            limits=[("median", 300.0)],
            note="5 metrics with values (sparklines from the history), 5 pressed",
        )
        self.screen_from_key(plan, measured, "5", "Metrics to Monitor")
        command = self.figure(
            "trend --format json, 100k history",
            "s",
            target="≤ 1 s",
            limits=[("median", 1.0)],
            note="whole command, programme series",
        )
        for _ in range(max(1, min(self.args.runs, 5))):
            started = time.perf_counter()
            result = subprocess.run(
                [TRACKER, "trend", "--format", "json", "--db", str(history)],
                env=self.env,
                capture_output=True,
                text=True,
                cwd=self.work,
            )
            if result.returncode == 0:
                command.samples.append(time.perf_counter() - started)
            else:
                self.log(f"trend failed ({result.returncode}): {result.stderr.strip()}")
        self.log(
            f"trends: screen {[round(s) for s in screen.samples]} ms, "
            f"plan {[round(s) for s in plan.samples]} ms, "
            f"trend {[round(s, 2) for s in command.samples]} s"
        )

    def screen_from_key(self, figure: Figure, path: Path, key: str, text: str) -> None:
        """Time ``key`` pressed on the Snapshot of ``path`` until ``text`` is drawn and
        the terminal goes quiet (the screen's data read and shown)."""
        for _ in range(self.args.runs):
            opened = self.open_dashboard(path)
            if opened is None:
                break
            session, _ = opened
            try:
                since = session.plain_length
                pressed = session.send(key)
                shown = session.wait_for_text(text, timeout=30, since=since)
                if shown is not None:
                    session.wait_quiet(0.3, timeout=10)
                    figure.samples.append((session.last_output_at() - pressed) * 1000)
            finally:
                session.stop()

    # -- the report ----------------------------------------------------------------------

    def report(self) -> dict:
        for figure in self.figures.values():
            figure.judge()
        return {
            "machine": machine(),
            "config": {
                "quick": self.args.quick,
                "runs": self.args.runs,
                "terminal": f"{self.columns}x{self.rows}",
                "big_store": {"tasks": self.args.tasks, "activity": self.args.activity},
                "import_rows": self.args.import_rows,
                **self.info,
            },
            "figures": [self.figures[name].as_json() for name in FIGURES if name in self.figures],
            "missing": [
                name for name in FIGURES if not self.figures.get(name, Figure("", "")).samples
            ],
        }


class CommitWatcher:
    """Polls one task's version with plain sqlite3 (every ~1 ms, in a thread) and notes
    the moment it moves past a given version."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.committed: float | None = None

    def read(self, task_id: str) -> tuple[int, int]:
        row = self.connection.execute(
            "SELECT progress, version FROM task WHERE id = ?", (task_id,)
        ).fetchone()
        return int(row[0]), int(row[1])

    def start(self, task_id: str, version: int) -> threading.Thread:
        self.committed = None

        def poll() -> None:
            deadline = time.perf_counter() + 5.0
            while time.perf_counter() < deadline:
                if self.read(task_id)[1] > version:
                    self.committed = time.perf_counter()
                    return
                time.sleep(0.001)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        return thread

    def join(self, *, timeout: float, thread: threading.Thread) -> float | None:
        thread.join(timeout)
        return self.committed

    def close(self) -> None:
        self.connection.close()


def id_pattern(task_id: str) -> str:
    """A task ID as a table shows it: whole, or cut with an ellipsis by a narrow column."""
    cuts = [re.escape(task_id[:n]) + "…" for n in range(len(task_id) - 1, 2, -1)]
    return "(?:" + "|".join([re.escape(task_id) + r"\b", *cuts]) + ")"


def task_shown(task_id: str) -> Callable[[PtySession], bool]:
    """First frame showing tasks: a screen line with the task's ID and a percentage (so
    that an activity entry mentioning the ID does not count)."""
    pattern = re.compile(id_pattern(task_id) + r".*\d%")
    return lambda session: any(pattern.search(line) for line in session.screen.lines())


def table_rows(lines: list[str]) -> list[str]:
    """The task table's data lines: those after its header line (``ID  Title ...``)."""
    for index, line in enumerate(lines):
        if re.match(r"^\W*(?:Task )?ID\s+", line) and "Title" in line:
            rows = []
            for row in lines[index + 1 :]:
                if not re.search(r"\d%", row):
                    break
                rows.append(row)
            return rows
    return []


def row_shows(index: int, percent: int) -> Callable[[PtySession], bool]:
    """Row ``index`` of the task table (0: the first) shows ``percent``%."""
    pattern = re.compile(r"(?<![\d.])" + str(percent) + "%")

    def check(session: PtySession) -> bool:
        rows = table_rows(session.screen.lines())
        return len(rows) > index and bool(pattern.search(rows[index]))

    return check


def header_expectation(path: Path) -> dict[str, object]:
    """What the Snapshot header should say about the store as it is now."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        count, mean = connection.execute("SELECT COUNT(*), AVG(progress) FROM task").fetchone()
        by_status = dict(connection.execute("SELECT status, COUNT(*) FROM task GROUP BY status"))
    finally:
        connection.close()
    return {"programme": f"{round(mean or 0):>3d}%  {count} task", "status": by_status}


def header_matches(lines: list[str], expected: dict[str, object]) -> bool:
    """Whether the Snapshot header shows the store's figures: the Programme line's
    percentage and task count, and every status count."""
    programme = next((line for line in lines if "Programme" in line), None)
    if programme is None or str(expected["programme"]) not in programme:
        return False
    wanted = [
        re.compile(r"(?:^|\s)" + re.escape(status) + r" " + str(count) + r"\b")
        for status, count in expected["status"].items()  # type: ignore[union-attr]
    ]
    return any(all(pattern.search(line) for pattern in wanted) for line in lines)


def copy_store(source: Path, destination: Path) -> None:
    """A consistent copy of a store (sqlite's backup API: the WAL is folded in)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(destination)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    # The copy keeps the source's journal mode (WAL) in its header.


def machine() -> dict[str, object]:
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib.metadata import version

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "textual": version("textual"),
        "rich": version("rich"),
        "commit": commit + ("+dirty" if dirty else ""),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def render_table(report: dict) -> str:
    m = report["machine"]
    c = report["config"]
    out = [
        f"tracker-tui benchmark ({'quick' if c['quick'] else 'full'}: {c['runs']} run(s), "
        f"pty {c['terminal']}; big store {c['big_store']['tasks']:,} tasks / "
        f"{c['big_store']['activity']:,} activity; import {c['import_rows']:,} rows)",
        f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['os']}, "
        f"Python {m['python']}, Textual {m['textual']}, Rich {m['rich']}, commit {m['commit']}",
        f"load average at the end: {' '.join(str(v) for v in m['load_average'])}"
        + (
            f" (at the start: {' '.join(str(v) for v in c['load_at_start'])})"
            if c.get("load_at_start")
            else ""
        ),
        "",
    ]
    header = ("figure", "median", "spread", "x floor", "target", "result")
    rows = [header]
    for data in report["figures"]:
        unit = data["unit"]
        if data["spread"] == "p95":
            spread = f"p95 {fmt(data['p95'], unit)}"
        elif data["samples"] and len(data["samples"]) > 1:
            spread = f"{fmt(data['min'], unit)}–{fmt(data['max'], unit)}"
        else:
            spread = f"n={len(data['samples'])}"
        ratio = f"{data['ratio']:.2f}x" if data["ratio"] is not None else ""
        rows.append(
            (
                data["name"],
                fmt(data["median"], unit),
                spread,
                ratio,
                data["target"],
                data["status"] or "-",
            )
        )
    for name in report["missing"]:
        if name not in {data["name"] for data in report["figures"]}:
            rows.append((name, "-", "-", "", "", "n/a"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = zip(row, widths, strict=True)
        out.append("  ".join(str(cell).ljust(width) for cell, width in cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    notes = [f"  {data['name']}: {data['note']}" for data in report["figures"] if data["note"]]
    if notes:
        out += ["", "notes:", *notes]
    phases = c.get("exchange_phases_s")
    if phases:
        out.append(
            "  in-process import/export: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
        )
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="tracker-tui performance benchmark")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 run, small stores, short windows (CI smoke; figures not comparable)",
    )
    parser.add_argument("--runs", type=int, help="start-ups per variant (default 5; quick 1)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--json-out", metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--size", default="120x40", help="pty size COLSxROWS (default 120x40)")
    parser.add_argument("--tasks", type=int, help="big store tasks (default 10000; quick 1000)")
    parser.add_argument(
        "--activity", type=int, help="big store activity entries (default 100000; quick 5000)"
    )
    parser.add_argument(
        "--import-rows", type=int, help="import document rows (default 20000; quick 2000)"
    )
    parser.add_argument("--keystrokes", type=int, help="keystrokes timed (default 20; quick 6)")
    parser.add_argument("--live-edits", type=int, help="live edits timed (default 8; quick 3)")
    parser.add_argument("--viewers", type=int, help="PostgreSQL dashboards (default 30; quick 5)")
    parser.add_argument("--idle-seconds", type=float, help="idle window (default 5; quick 2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="first-frame timeout (s)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    parser.add_argument(
        "--no-in-process",
        dest="in_process",
        action="store_false",
        help="skip the in-process import/export breakdown",
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only these parts (repeatable)",
    )
    parser.add_argument("--trackers", type=int, help="trackers in one store (default 50; quick 4)")
    parser.add_argument(
        "--tracker-tasks", type=int, help="tasks per tracker (default 1000; quick 100)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "runs": 1 if quick else 5,
        "tasks": 1000 if quick else 10_000,
        "activity": 5000 if quick else 100_000,
        "import_rows": 2000 if quick else 20_000,
        "keystrokes": 6 if quick else 21,
        "live_edits": 3 if quick else 8,
        "idle_seconds": 2.0 if quick else 5.0,
        "trackers": 4 if quick else 50,
        "tracker_tasks": 100 if quick else 1000,
        "viewers": 5 if quick else 30,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.columns, args.rows = (int(part) for part in args.size.lower().split("x"))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = set(args.only or PARTS)
    if args.keep:
        work = Path(args.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="tracker-bench-")
        work = Path(cleanup.name)
    try:
        bench = Bench(args, work)
        bench.prepare()
        if "startup" in parts:
            bench.startup()
        if "interactive" in parts:
            bench.interactive()
        if "exchange" in parts:
            bench.exchange()
        if "trackers" in parts:
            bench.warm_bytecode()
            bench_trackers.run(bench, TRACKER)
        if "viewers" in parts:
            bench.viewers()
        if "trends" in parts:
            bench.trends()
        if "browser" in parts:
            import bench_browser

            bench_browser.measure(bench)
        if "standup" in parts:
            import bench_standup

            bench.warm_bytecode()
            bench_standup.run(
                bench,
                tracker=TRACKER,
                python=PYTHON,
                floor_app=FLOOR_APP,
                floor_marker=FLOOR_MARKER,
            )
        report = bench.report()
        if args.json_out:
            Path(args.json_out).write_text(
                json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            print(render_table(report))
    finally:
        if cleanup is not None:
            shutil.rmtree(work, ignore_errors=True)
            cleanup.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
