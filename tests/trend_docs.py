"""Stores with a past, for the trend tests and snapshots.

``scripted_month(path)``: a small tracker imported on 2024-05-06, then a month of edits,
one clock per day (each at 09:30 UTC), so that every series and forecast is known:

- M1 (UT-001, UT-002) climbs 10 points a weekday per task until done on 2024-05-24;
- M2 (UT-003, UT-004) climbs steadily, 3 points every weekday, to 74 % by 2024-06-05;
- M3 (UT-005, UT-006) does not move after 2024-05-10 (a forecast of "no movement");
- the pipeline metric gets a value every Monday, rising toward its target of 99 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tracker_tui.domain import FixedClock
from tracker_tui.markdown import parse_document
from tracker_tui.store.store import Store

MONTH_START = date(2024, 5, 6)
MONTH_END = date(2024, 6, 5)

MONTH_DOCUMENT = """# Release 2 Progress Tracker

## Snapshot (Updated 2024-05-06)
| Task ID | Title | Milestone | Owner | Status | Progress | Last Update | Notes |
| --- | --- | --- | --- | --- | --- | --- | --- |
| UT-001 | Charter | M1 | Ann | In Progress | 20% | 2024-05-03 | |
| UT-002 | Pipeline | M1 | Bob | Not Started | 0% | 2024-05-01 | |
| UT-003 | Schema | M2 | Cem | In Progress | 10% | 2024-05-02 | |
| UT-004 | Seeds | M2 | Cem | Not Started | 0% | | |
| UT-005 | Hub | M3 | Dee | In Progress | 30% | 2024-04-29 | |
| UT-006 | Moderation | M3 | Dee | Blocked | 10% | 2024-04-30 | |

## Activity Log
- **2024-05-03** – UT-001 charter drafted.

## Upcoming Checkpoints
- **2024-05-20** – M1 sign-off.
- **Week 6 Tuesday** – QA review.

## Metrics to Monitor
- Pipeline success rate & mean duration per stage.
- Checkout funnel conversion during commerce testing.
"""


def clock_on(day: date) -> FixedClock:
    return FixedClock(datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC))


def scripted_month(path: Path) -> None:
    """Write the month described above into a new store at ``path``."""
    with Store.open(path, user="ann", clock=clock_on(MONTH_START)) as store:
        store.import_document(parse_document(MONTH_DOCUMENT))
    day = MONTH_START
    while day <= MONTH_END:
        if day.weekday() < 5:
            with Store.open(path, user="bob", clock=clock_on(day)) as store:
                for task_id in ("UT-001", "UT-002"):
                    task = store.task(task_id)
                    if task is not None and task.progress < 100:
                        store.update_task(task_id, {"progress": min(100, task.progress + 10)})
                for task_id in ("UT-003", "UT-004"):
                    task = store.task(task_id)
                    if task is not None and task.progress < 100:
                        store.update_task(task_id, {"progress": task.progress + 3})
                if day <= date(2024, 5, 10):
                    store.update_task("UT-005", {"progress": 30 + 2 * (day - MONTH_START).days})
                if day.weekday() == 0:
                    week = (day - MONTH_START).days // 7
                    store.set_metric_value(
                        "pipeline",
                        str(95 + week),
                        unit="%" if week == 0 else None,
                        target="99" if week == 0 else None,
                    )
        day += timedelta(days=1)
