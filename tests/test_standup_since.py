"""The stand-up's computation: net changes from the history (a hypothesis test among
them), the baseline rules, the owners of the walk-through, and the Since view's sections."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standup_scene import EDITED, NOW, build_scene, open_scene

from tracker_tui.domain import Change, FixedClock, TrackerError
from tracker_tui.markdown import read_document
from tracker_tui.standup.baseline import (
    LAST_STANDUP,
    PREVIOUS_WORKING_DAY,
    SINCE_OPTION,
    THE_IMPORT,
    ago,
    describe,
    parse_since,
    previous_working_day,
    resolve_baseline,
)
from tracker_tui.standup.net import net_changes
from tracker_tui.standup.owners import owner_key, owner_page, walk_order
from tracker_tui.standup.reading import read_since
from tracker_tui.store.store import Store

WED = datetime(2024, 6, 5, 9, 30, tzinfo=UTC)


def change(field: str, old: str | None, new: str | None, user: str = "ann") -> Change:
    return Change("2024-06-04T09:00:00+00:00", user, "task", "UT-003", field, old, new)


# -- net changes -----------------------------------------------------------------------


class TestNetChange:
    def test_a_chain_of_edits_is_its_first_and_last_value(self):
        nets = net_changes([change("progress", "40", "50"), change("progress", "50", "60")])
        assert nets[("task", "UT-003")].fields == {"progress": ("40", "60")}

    def test_a_value_that_went_back_shows_nothing(self):
        nets = net_changes(
            [change("status", "Blocked", "At Risk"), change("status", "At Risk", "Blocked")]
        )
        assert nets == {}

    def test_created_then_deleted_never_was(self):
        row = json.dumps({"id": "UT-009", "title": "x"})
        assert net_changes([change("*", None, row), change("*", row, None)]) == {}

    def test_new_and_deleted_rows_say_so(self):
        row = json.dumps({"id": "UT-003", "title": "Old", "progress": 40})
        created = net_changes([change("*", None, row)])[("task", "UT-003")]
        deleted = net_changes([change("*", row, None)])[("task", "UT-003")]
        assert created.created and not created.deleted and created.row_after["title"] == "Old"
        assert deleted.deleted and deleted.before("progress") == "40"

    def test_who_made_the_changes_in_order(self):
        nets = net_changes(
            [
                change("progress", "1", "2", "bob"),
                change("owner", "a", "b", "ann"),
                change("progress", "2", "3", "bob"),
            ]
        )
        assert nets[("task", "UT-003")].users == ("bob", "ann")


#: An edit sequence: each step sets a field to a value, or undoes the last edit not
#: yet undone (as the store's undo does: the inverse change, recorded as a new row).
steps = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["progress", "status", "owner"]), st.sampled_from("abcd")),
        st.just(("undo", "")),
    ),
    max_size=25,
)


@given(steps)
def test_net_change_is_final_minus_initial_and_undone_edits_vanish(sequence):
    initial = {"progress": "a", "status": "a", "owner": "a"}
    current = dict(initial)
    history: list[Change] = []
    done: list[Change] = []
    for field, value in sequence:
        if field == "undo":
            if done:
                last = done.pop()
                history.append(change(last.field, last.new, last.old))
                current[last.field] = last.old or ""
            continue
        if current[field] == value:
            continue  # the store writes nothing for an edit to the same value
        step = change(field, current[field], value)
        history.append(step)
        done.append(step)
        current[field] = value
    nets = net_changes(history)
    expected = {f: (initial[f], current[f]) for f in initial if initial[f] != current[f]}
    assert (nets[("task", "UT-003")].fields if nets else {}) == expected


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(st.integers(0, 100), st.just(-1)), min_size=1, max_size=6))
def test_net_progress_on_a_real_store_matches_the_task(tmp_path_factory, sequence):
    """Through the store: progress edits and undos (-1) on UT-002; the Since view's
    progress change is the task's progress now against the imported one, or nothing."""
    path = tmp_path_factory.mktemp("net") / "t.db"
    with Store.open(path, user="alice", clock=FixedClock(datetime(2024, 6, 3, 8, tzinfo=UTC))) as s:
        s.import_document(
            read_document(Path(__file__).parent.parent / "data" / "sample-tracker.md")
        )
    with Store.open(path, user="ann", clock=EDITED) as store:
        for value in sequence:
            if value < 0:
                with contextlib.suppress(TrackerError):  # nothing left to undo
                    store.undo()
            else:
                store.update_task("UT-002", {"progress": value})
        view = read_since(store, "2024-06-03", tz=UTC, today=date(2024, 6, 4))
        now = store.task("UT-002").progress
    move = view.moves.get("UT-002")
    if now == 100:
        assert move is None
    else:
        assert move is not None and move.progress == (100, now) and move.delta == now - 100


# -- baselines ---------------------------------------------------------------------------


class TestBaseline:
    @pytest.mark.parametrize(
        ("today", "expected"),
        [
            (date(2024, 6, 3), date(2024, 5, 31)),  # Monday -> Friday
            (date(2024, 6, 4), date(2024, 6, 3)),  # Tuesday -> Monday
            (date(2024, 6, 9), date(2024, 6, 7)),  # Sunday -> Friday
            (date(2024, 6, 8), date(2024, 6, 7)),  # Saturday -> Friday
        ],
    )
    def test_the_previous_working_day(self, today, expected):
        assert previous_working_day(today) == expected

    def test_default_on_a_monday_is_fridays_start(self):
        monday = datetime(2024, 6, 3, 9, 30, tzinfo=UTC)
        baseline = resolve_baseline(None, now=monday, tz=UTC, last_standup=None, tracker_start=None)
        assert baseline.at == datetime(2024, 5, 31, tzinfo=UTC)
        assert baseline.source == PREVIOUS_WORKING_DAY

    def test_default_is_the_last_standup_when_there_is_one(self):
        last = datetime(2024, 6, 4, 9, 15, tzinfo=UTC)
        baseline = resolve_baseline(None, now=WED, tz=UTC, last_standup=last, tracker_start=None)
        assert (baseline.at, baseline.source) == (last, LAST_STANDUP)
        assert (
            resolve_baseline("last", now=WED, tz=UTC, last_standup=last, tracker_start=None).at
            == last
        )

    def test_last_with_none_recorded_is_refused(self):
        with pytest.raises(TrackerError, match="no stand-up has been recorded"):
            resolve_baseline("last", now=WED, tz=UTC, last_standup=None, tracker_start=None)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3d", WED - timedelta(days=3)),
            ("12h", WED - timedelta(hours=12)),
            ("yesterday", datetime(2024, 6, 4, tzinfo=UTC)),
            ("2024-06-01", datetime(2024, 6, 1, tzinfo=UTC)),
            ("2024-06-04 16:45", datetime(2024, 6, 4, 16, 45, tzinfo=UTC)),
            (" 2D ", WED - timedelta(days=2)),
        ],
    )
    def test_since_forms(self, text, expected):
        assert parse_since(text, WED, UTC) == expected
        baseline = resolve_baseline(text, now=WED, tz=UTC, last_standup=None, tracker_start=None)
        assert baseline.source == SINCE_OPTION

    @pytest.mark.parametrize(
        "text", ["tomorrow", "2024-13-01", "0d", "-3d", "5w", "2024-06-04 25:00"]
    )
    def test_unparseable_since_is_one_line(self, text):
        with pytest.raises(TrackerError) as error:
            parse_since(text, WED, UTC)
        assert "\n" not in str(error.value) and "--since" in str(error.value)

    def test_a_future_since_is_refused(self):
        with pytest.raises(TrackerError, match="in the future"):
            parse_since("2024-06-06", WED, UTC)

    def test_before_the_tracker_existed_shows_everything_since_the_import(self):
        start = datetime(2024, 6, 3, 8, tzinfo=UTC)
        baseline = resolve_baseline(
            "2024-01-01", now=WED, tz=UTC, last_standup=None, tracker_start=start
        )
        assert baseline.at == start and baseline.source == THE_IMPORT
        assert baseline.note == "showing everything since the import"

    def test_shown_as_absolute_time_and_hours_ago(self):
        baseline = resolve_baseline(
            "yesterday", now=WED, tz=UTC, last_standup=None, tracker_start=None
        )
        assert describe(baseline, WED, UTC) == "Tue 2024-06-04 00:00 (33 h ago)"
        assert ago(WED - timedelta(days=5), WED) == "5 d ago"


# -- the Since view of the scripted stand-up ---------------------------------------------


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    return build_scene(tmp_path / "scene.db")


def test_the_since_view_of_the_scripted_edits(scene):
    with open_scene(scene) as store:
        view = read_since(store, tz=UTC, today=NOW.today())
    assert view.baseline.at == datetime(2024, 6, 4, tzinfo=UTC)  # Wednesday: Tuesday's start
    assert [m.id for m in view.moved] == ["UT-002", "UT-003", "UT-007", "UT-008"]
    assert [m.id for m in view.completed] == ["UT-001"]
    assert view.moves["UT-002"].progress == (100, 70) and view.moves["UT-002"].users == ("ann",)
    assert view.moves["UT-008"].created
    # Went back (UT-005) or undone (UT-004): nothing.
    assert "UT-005" not in view.moves and "UT-004" not in view.moves
    assert [t.id for t in view.attention] == ["UT-003", "UT-007"]
    assert [t.id for t in view.no_movement] == ["UT-006"]
    risks = {r.id: r for r in view.risk_moves}
    assert risks["R-06"].opened and risks["R-03"].closed
    assert [d.decision for d in view.decisions] == ["Freeze the schema until launch"]
    assert [e.text for e in view.log] == ["UT-002 reopened after QA found a regression."]
    assert [c.due for c in view.checkpoints_due] == [date(2024, 6, 7)]
    assert set(view.people) == {"ann", "bob", "alice", "carol"}


def test_history_is_read_in_one_query(scene, monkeypatch):
    """One query over the history, whatever the number of tasks."""
    with open_scene(scene) as store:
        store.tasks()  # open the reader
        seen: list[str] = []
        connection = store._read().connection
        original = connection.fetchall

        def counting(sql, params=None):
            seen.append(sql)
            return original(sql, params)

        monkeypatch.setattr(connection, "fetchall", counting)
        read_since(store, tz=UTC)
    assert sum("FROM change WHERE tracker_id = :t AND at >=" in sql for sql in seen) == 1


def test_owners_differing_in_case_or_spacing_are_one(scene):
    with open_scene(scene) as store:
        view = read_since(store, tz=UTC, today=NOW.today())
    owners = walk_order(view)
    assert owner_key("devops  lead") == owner_key("DevOps Lead")
    assert owners.count("DevOps Lead") == 1 and "devops  lead" not in owners
    page = owner_page(view, "DEVOPS LEAD")
    assert [t.id for t in page.tasks] == ["UT-002", "UT-008"]
    assert [r.id for r in page.risks] == ["R-06"]
    # standup_order first (any spelling), then the table's order.
    assert walk_order(view, ["compliance lead"])[0] == "Compliance Lead"


def test_blocked_at_risk_and_stale_come_first_on_an_owner_page(scene):
    with open_scene(scene) as store:
        store_view = read_since(store, tz=UTC, today=NOW.today())
    page = owner_page(store_view, "Product Engineering Lead")
    assert page.tasks[0].id == "UT-007"  # At Risk


def test_a_store_with_no_history_says_so(tmp_path):
    with Store.open(
        tmp_path / "t.db", user="alice", clock=FixedClock(datetime(2024, 6, 3, 8, tzinfo=UTC))
    ) as s:
        s.import_document(
            read_document(Path(__file__).parent.parent / "data" / "sample-tracker.md")
        )
    with Store.open(tmp_path / "t.db", user="alice", clock=NOW) as store:
        view = read_since(store, tz=UTC)
    assert view.no_history and not view.moves
    assert view.tracker_start == datetime(2024, 6, 3, 8, tzinfo=UTC)


def test_the_recorded_standup_becomes_the_baseline(scene):
    with open_scene(scene) as store:
        store.record_standup("2024-06-05T09:00:00+00:00", "2024-06-05T09:20:00+00:00", ["Ann"], 2)
        last = store.last_standup()
        view = read_since(store, tz=UTC)
    assert (
        last is not None and last.run_by == "lead" and last.owners == ("Ann",) and last.edits == 2
    )
    assert view.baseline.source == LAST_STANDUP and not view.moves


def test_a_read_only_store_records_nothing(scene):
    with open_scene(scene, read_only=True) as store, pytest.raises(TrackerError):
        store.record_standup("2024-06-05T09:00:00+00:00", "2024-06-05T09:20:00+00:00", [], 0)
