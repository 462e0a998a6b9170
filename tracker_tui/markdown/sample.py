"""A synthetic tracker in the seed's format, for benchmarks and tests."""

from __future__ import annotations

import random
from datetime import date, timedelta

_STATUSES = ("Complete", "In Progress", "✅ Complete", "🟡 AMBER", "Blocked", "Not Started", "Done")
_OWNERS = ("Programme Manager", "DevOps Lead", "Data Engineering Lead", "Compliance Lead")
_WORDS = (
    *("pipeline", "migration", "review", "rollout", "audit", "dashboard", "escrow"),
    *("taxonomy", "moderation", "checkout", "policy", "runbook", "rehearsal", "seed"),
    *("verification", "telemetry", "parity"),
)


def synthetic_tracker(tasks: int = 20_000, activity: int = 1_000, *, seed: int = 1) -> str:
    """A tracker like the seed with ``tasks`` task rows and ``activity`` log entries (plus
    a few checkpoints, risks, decisions, cadence items and metrics), deterministic for a
    given ``seed``."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)

    def words(count: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(count)).capitalize()

    lines = [
        "# Synthetic Progress Tracker",
        "",
        f"## Snapshot (Updated {start + timedelta(days=tasks % 300)})",
        "| Task ID | Title | Milestone | Owner | Status | Progress | Last Update | Notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    width = max(3, len(str(tasks)))
    for number in range(1, tasks + 1):
        day = start + timedelta(days=rng.randrange(365))
        updated = day.isoformat() if rng.random() > 0.05 else "–"
        lines.append(
            f"| UT-{number:0{width}d} | {words(5)} | M{rng.randrange(1, 6)} | "
            f"{rng.choice(_OWNERS)} | {rng.choice(_STATUSES)} | {rng.randrange(101)}% | "
            f"{updated} | {words(12)}. |"
        )
    lines += ["", "## Activity Log"]
    for number in range(activity):
        day = start + timedelta(days=activity - number)
        lines.append(f"- **{day}** – UT-{number % max(tasks, 1) + 1:0{width}d} {words(15)}.")
    lines += ["", "## Upcoming Checkpoints"]
    lines += [f"- **Week {n} Tuesday** – {words(10)}." for n in range(1, 6)]
    lines += [
        "",
        "## Issues & Risks (Active)",
        "| ID | Description | Impact | Mitigation | Owner | Status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| R-{n:02d} | {words(10)}. | {rng.choice(('Low', 'Medium', 'High'))} | {words(10)}. "
        f"| {rng.choice(_OWNERS)} | {rng.choice(('Open', 'Resolved'))} |"
        for n in range(1, 21)
    ]
    lines += [
        "",
        "## Decision Log",
        "| Date | Decision | Rationale | Owner |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {start + timedelta(days=n)} | {words(8)}. | {words(10)}. | {rng.choice(_OWNERS)} |"
        for n in range(10)
    ]
    lines += ["", "## Communication Cadence Summary"]
    lines += [f"- **{label}** {words(6)}." for label in ("Daily", "Weekly", "Bi-weekly")]
    lines += ["", "## Metrics to Monitor"]
    lines += [f"- {words(7)}." for _ in range(5)]
    return "\n".join(lines) + "\n"
