"""The trend series: the history replayed day by day, the document's past recovered
before the import, and the store's history winning where both say something."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLE
from trend_docs import MONTH_END, MONTH_START, clock_on, scripted_month

from tracker_tui.markdown import read_document
from tracker_tui.store.store import Store
from tracker_tui.trends.model import DatedNote, FieldChange, TaskState, TrendInputs
from tracker_tui.trends.series import compute_trends, metric_series, recovered_events

IMPORTED = date(2024, 6, 4)


def _values(series, days):
    by_day = {point.day: point for point in series.points}
    return [(round(by_day[day].value, 1), by_day[day].recovered) for day in days]


@pytest.fixture
def seed(tmp_path: Path):
    with Store.open(tmp_path / "seed.db", user="alice", clock=clock_on(IMPORTED)) as store:
        store.import_document(read_document(SAMPLE))
        yield store


def test_the_seed_burn_up_is_recovered_from_completion_dates(seed: Store) -> None:
    trends = compute_trends(seed.trend_inputs(today=date(2024, 6, 5)))
    days = [date(2024, 5, 8), date(2024, 5, 9), date(2024, 5, 20), date(2024, 6, 2)]
    points = trends.programme.points
    # Nothing before the first completion (UT-001 on 2024-05-09).
    assert points[0].day == date(2024, 5, 9)
    assert _values(trends.programme, days[1:]) == [(14.3, True), (42.9, True), (100.0, True)]
    # From the import on, the store's own figures (nothing changed since: still 100 %).
    assert _values(trends.programme, [IMPORTED, date(2024, 6, 5)]) == [
        (100.0, False),
        (100.0, False),
    ]
    assert trends.has_recovered and trends.enough
    m2 = next(series for series in trends.milestones if series.name == "M2")
    assert _values(m2, [date(2024, 5, 16), date(2024, 5, 20)]) == [(50.0, True), (100.0, True)]


def test_store_history_wins_over_what_the_document_says(seed: Store) -> None:
    with Store.open(seed.target, user="bob", clock=clock_on(date(2024, 6, 5))) as bob:
        bob.update_task("UT-002", {"progress": 50})
    trends = compute_trends(seed.trend_inputs(today=date(2024, 6, 5)))
    # UT-002's Last Update is now 2024-06-05 in the store, but its completion on
    # 2024-05-16 is still recovered from the document as imported.
    assert _values(trends.programme, [date(2024, 5, 16), IMPORTED, date(2024, 6, 5)]) == [
        (28.6, True),
        (100.0, False),
        (92.9, False),
    ]
    in_progress = next(s for s in trends.statuses if s.name == "In Progress")
    assert _values(in_progress, [IMPORTED, date(2024, 6, 5)]) == [(0.0, False), (1.0, False)]


def test_a_dated_activity_entry_naming_a_task_completed_dates_its_completion() -> None:
    tasks = {
        "UT-001": TaskState("M1", "Complete", 100, date(2024, 5, 20)),
        "UT-002": TaskState("M1", "In Progress", 40, date(2024, 5, 18)),
    }
    notes = (DatedNote(date(2024, 5, 10), "UT-001 completed after review."),)
    events = recovered_events(tasks, notes)
    assert [(day, task_id, state.progress) for day, task_id, state in events] == [
        (date(2024, 5, 10), "UT-001", 100),
        (date(2024, 5, 18), "UT-002", 40),
    ]


def _at(day: int) -> date:
    return date(2024, 5, day)


def test_created_deleted_and_moved_tasks_are_replayed() -> None:
    now = {
        "A": TaskState("M1", "Complete", 100),
        "B": TaskState("M2", "In Progress", 50),
    }
    changes = (
        FieldChange(_at(2), "task", "A", "progress", "0", "100"),
        FieldChange(_at(2), "task", "A", "status", "Not Started", "Complete"),
        FieldChange(_at(3), "task", "B", "*", None, '{"milestone": "M1", "progress": 20}'),
        FieldChange(_at(4), "task", "B", "milestone", "M1", "M2"),
        FieldChange(_at(4), "task", "B", "progress", "20", "50"),
        FieldChange(_at(5), "task", "C", "*", '{"milestone": "M1", "progress": 0}', None),
    )
    inputs = TrendInputs(
        today=date(2024, 5, 5),
        tasks=now,
        changes=changes,
        history_start=date(2024, 5, 1),
        statuses=("Not Started", "In Progress", "Complete"),
    )
    trends = compute_trends(inputs)
    days = [date(2024, 5, d) for d in (1, 2, 3, 4, 5)]
    # C existed (at 0 %) until deleted on the 5th; B arrived on the 3rd.
    assert [round(v) for v, _ in _values(trends.programme, days)] == [0, 50, 40, 50, 75]
    m1 = next(s for s in trends.milestones if s.name == "M1")
    assert [round(v) for v, _ in _values(m1, days)] == [0, 50, 40, 50, 100]
    assert not trends.has_recovered


def test_an_empty_store_has_not_enough_history(empty_store: Store) -> None:
    trends = compute_trends(empty_store.trend_inputs())
    assert not trends.enough and trends.programme.points == ()


def test_a_scripted_month_and_a_metric_series(tmp_path: Path) -> None:
    scripted_month(tmp_path / "m.db")
    with Store.open(tmp_path / "m.db", user="alice", clock=clock_on(MONTH_END)) as store:
        inputs = store.trend_inputs()
        trends = compute_trends(inputs)
        assert trends.programme.points[-1].day == MONTH_END
        m1 = next(s for s in trends.milestones if s.name == "M1")
        assert _values(m1, [MONTH_START, date(2024, 5, 24)]) == [(20.0, False), (100.0, False)]
        metric = store.metric("pipeline")
        series = metric_series(inputs, str(metric.key), "Pipeline")
        assert series.points[0] == series.points[0].__class__(MONTH_START, 95.0)
        assert series.points[-1].value == 99.0 and len(series.points) == 31
        # Only the window of a forecast is read when asked for less.
        assert len(store.trend_inputs(since=date(2024, 6, 1)).changes) < len(inputs.changes)


def test_the_store_s_daily_sums_draw_what_replaying_every_change_draws(tmp_path: Path) -> None:
    """Tasks that only move progress and status are summed per day by the store; a task
    created, deleted or moved to another milestone is replayed change by change. Both
    together draw the same lines as replaying every change."""
    path = tmp_path / "m.db"
    scripted_month(path)
    edits = {
        date(2024, 6, 6): lambda store: store.update_task("UT-006", {"status": "In Progress"}),
        date(2024, 6, 7): lambda store: store.update_task("UT-003", {"milestone": "M1"}),
        date(2024, 6, 8): lambda store: store.create_task(
            {"title": "Late", "milestone": "M2", "progress": 40}
        ),
        date(2024, 6, 9): lambda store: store.delete_task("UT-004"),
        date(2024, 6, 10): lambda store: store.update_task(
            "UT-006", {"status": "Complete", "progress": 100}
        ),
    }
    for day, edit in edits.items():
        with Store.open(path, user="bob", clock=clock_on(day)) as store:
            edit(store)
    today = date(2024, 6, 10)
    with Store.open(path, user="bob", clock=clock_on(today)) as store:
        summed = store.trend_inputs(today=today)
        replayed = store.trend_inputs(today=today, summed=False)
        window = store.trend_inputs(today=today, since=date(2024, 6, 1))
    assert summed.totals is not None and summed.totals.progress  # most of it was summed
    assert {change.entity_id for change in summed.changes if change.entity == "task"} == {
        "UT-003",
        "UT-004",
        next(c.entity_id for c in replayed.changes if c.field == "*" and c.old is None),
    }
    assert compute_trends(summed) == compute_trends(replayed)
    assert compute_trends(summed).statuses  # the status moves are in it
    in_window = compute_trends(window, start=date(2024, 6, 1))
    assert in_window == compute_trends(replayed, start=date(2024, 6, 1))


def test_the_history_read_is_kept_until_someone_edits(seed: Store) -> None:
    """The Snapshot screen reads the history ahead for the Trends screen; what it read
    serves until the next edit, by anyone, and never hides that edit."""
    today = date(2024, 6, 5)
    first = seed.trend_inputs(today=today)
    assert seed.trend_inputs(today=today) is first
    with Store.open(seed.target, user="bob", clock=clock_on(today)) as bob:
        bob.update_task("UT-002", {"progress": 50})
    after = seed.trend_inputs(today=today)
    assert after is not first
    assert compute_trends(after).programme.points[-1].value < 100
