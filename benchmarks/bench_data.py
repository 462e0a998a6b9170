"""The benchmark's stores and documents.

Big documents come from ``tracker_tui.markdown.sample.synthetic_tracker`` (the markdown
layer's own generator) when it is there, else from ``fallback_tracker`` below, which writes
the same format as ``data/sample-tracker.md`` (task IDs ``T-00001``...). Stores are made
the way a user makes them: the document is parsed and imported through ``Store``.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sample-tracker.md"

STATUSES = ("Not Started", "In Progress", "Blocked", "At Risk", "On Hold", "Complete")
OWNERS = (
    "Programme Manager",
    "DevOps Lead",
    "Data Engineering Lead",
    "Product Engineering Lead",
    "Commerce Squad Lead",
    "Compliance Lead",
    "Support Engineering Lead",
)
WORDS = [
    "pipeline",
    "migration",
    "rollout",
    "audit",
    "dashboard",
    "gateway",
    "billing",
    "search",
    "ingest",
    "moderation",
    "compliance",
    "export",
    "webhook",
    "catalogue",
    "ledger",
    "onboarding",
    "retention",
    "cache",
    "rehearsal",
    "review",
]


def synthetic_markdown(tasks: int, activity: int) -> tuple[str, str]:
    """A tracker document with ``tasks`` tasks and ``activity`` activity entries, and the
    name of the generator that wrote it."""
    try:
        from tracker_tui.markdown.sample import synthetic_tracker
    except ImportError:
        return fallback_tracker(tasks, activity), "benchmarks.bench_data.fallback_tracker"
    return synthetic_tracker(tasks, activity), "tracker_tui.markdown.sample.synthetic_tracker"


def fallback_tracker(tasks: int, activity: int, *, seed: int = 7) -> str:
    """The sample's format at any size (used only until the markdown layer's generator
    exists): Snapshot table, Activity Log, Checkpoints, Risks, Decisions, Cadence, Metrics."""
    rng = random.Random(seed)
    width = max(5, len(str(tasks)))
    out = ["# Synthetic Programme Progress Tracker", "", "## Snapshot (Updated 2024-06-02)"]
    out.append("| Task ID | Title | Milestone | Owner | Status | Progress | Last Update | Notes |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for number in range(1, tasks + 1):
        status = rng.choice(STATUSES)
        progress = 100 if status == "Complete" else rng.randrange(0, 10) * 10
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
        out.append(
            f"| T-{number:0{width}d} | {words.capitalize()} | M{rng.randint(1, 8)} | "
            f"{rng.choice(OWNERS)} | {status} | {progress}% | 2024-05-{rng.randint(1, 28):02d} | "
            f"{' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}. |"
        )
    out += ["", "## Activity Log"]
    for number in range(activity):
        task = rng.randint(1, max(tasks, 1))
        out.append(
            f"- **2024-{(number % 12) + 1:02d}-{(number % 28) + 1:02d}** – T-{task:0{width}d} "
            f"{' '.join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))}."
        )
    out += [
        "",
        "## Upcoming Checkpoints",
        "- **Week 6 Tuesday** – Review of the synthetic programme (T-00001).",
        "",
        "## Issues & Risks (Active)",
        "| ID | Description | Impact | Mitigation | Owner | Status |",
        "| --- | --- | --- | --- | --- | --- |",
        "| R-01 | Synthetic risk. | Medium | Watch it. | DevOps Lead | Open |",
        "",
        "## Decision Log",
        "| Date | Decision | Rationale | Owner |",
        "| --- | --- | --- | --- |",
        "| 2024-05-09 | Use synthetic data. | Benchmarks. | Programme Manager |",
        "",
        "## Communication Cadence Summary",
        "- **Daily** stand-up.",
        "",
        "## Metrics to Monitor",
        "- Pipeline success rate.",
        "",
    ]
    return "\n".join(out)


def parse(text: str) -> object:
    from tracker_tui.markdown import parse_document

    return parse_document(text)


def make_store(path: Path, markdown: str, *, user: str = "bench") -> None:
    """A store at ``path`` holding ``markdown``, imported through ``Store``."""
    from tracker_tui.store.store import Store

    document = parse(markdown)
    with Store.open(str(path), user=user) as store:
        store.import_document(document)


def task_ids(path: Path) -> list[str]:
    """Task IDs in document order (the dashboard's default order)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return [
            row[0] for row in connection.execute("SELECT id FROM task ORDER BY block, position, id")
        ]


def task_progress(path: Path, task_id: str) -> tuple[int, int]:
    """``(progress, version)`` of one task, read with plain sqlite3."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT progress, version FROM task WHERE id = ?", (task_id,)
        ).fetchone()
    finally:
        connection.close()
    return int(row[0]), int(row[1])


def counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in ("task", "activity")
        }
    finally:
        connection.close()


def make_history_store(path: Path, *, tasks: int, days: int, rows: int, seed: int = 11) -> int:
    """A store of ``tasks`` synthetic tasks imported ``days`` days ago, then a history of
    daily edits (about ``rows`` history rows: each edit moves a task's progress and its
    Last Update, as the dashboard's ``+`` does) written straight into the tables, with
    the tasks left as the last edit put them. Returns the history's row count.

    Written with plain SQL rather than through ``Store``: a year of edits one transaction
    at a time would take the benchmark longer than everything else it measures.
    """
    from datetime import UTC, datetime, timedelta

    text, _ = synthetic_markdown(tasks, 0)
    make_store(path, text)
    rng = random.Random(seed)
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=days
    )
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "UPDATE change SET at = ? WHERE action = 'import'",
            (start.isoformat(timespec="seconds"),),
        )
        # One tracker (the import made it); issue 12 scopes the rows and the revision by it.
        tracker_id, revision = connection.execute("SELECT id, revision FROM trackers").fetchone()
        state = {
            task_id: [progress, last]
            for task_id, progress, last in connection.execute(
                "SELECT id, progress, last_update FROM task WHERE tracker_id = ?", (tracker_id,)
            )
        }
        ids = list(state)
        edits_per_day = max(1, rows // (2 * days))
        inserts = []
        for day in range(1, days + 1):
            moment = start + timedelta(days=day)
            at = moment.isoformat(timespec="seconds")
            for _ in range(edits_per_day):
                task_id = rng.choice(ids)
                progress, last = state[task_id]
                new = max(0, min(100, progress + rng.choice((-10, 10, 10, 10, 20))))
                revision += 1
                today = moment.date().isoformat()
                row = (tracker_id, revision, at, "bench", "task", task_id)
                inserts.append((*row, "progress", str(progress), str(new)))
                inserts.append((*row, "last_update", last, today))
                state[task_id] = [new, today]
        connection.executemany(
            "INSERT INTO change"
            ' (tracker_id, revision, at, "user", entity, entity_id, field, old, new, action) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'edit')",
            inserts,
        )
        connection.executemany(
            "UPDATE task SET progress = ?, last_update = ? WHERE tracker_id = ? AND id = ?",
            [(progress, last, tracker_id, task_id) for task_id, (progress, last) in state.items()],
        )
        connection.execute("UPDATE trackers SET revision = ? WHERE id = ?", (revision, tracker_id))
        connection.commit()
        return int(connection.execute("SELECT COUNT(*) FROM change").fetchone()[0])
    finally:
        connection.close()


def add_measured_metrics(path: Path, *, metrics: int) -> None:
    """Add ``metrics`` metrics to the store at ``path``, each with a value, unit and
    target, through ``Store.set_metric_value`` (what ``tracker-tui metric`` calls)."""
    from tracker_tui.store.store import Store

    with Store.open(str(path), user="bench") as store:
        for number in range(metrics):
            name = f"Bench metric {number + 1}"
            store.save_item("metric", None, {"text": name})
            store.set_metric_value(name, f"{90 + number}", unit="%", target="95")
