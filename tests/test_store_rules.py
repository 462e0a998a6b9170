"""The store's rules, as the spec states them: statuses, progress, IDs, Last Update, the
history, refused edits and hostile text. Every test has its own store under tmp_path."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from store_docs import sample_document, tasks_document

from tracker_tui.document import Document, RawBlock, TableBlock
from tracker_tui.domain import (
    DEFAULT_TASK_STATUSES,
    Checkpoint,
    ConflictError,
    Decision,
    NotFoundError,
    ReadOnlyError,
    Risk,
    Task,
    TrackerInfo,
    ValidationError,
)
from tracker_tui.store import Store


@pytest.fixture
def store(alice: Store) -> Store:
    """The seven-task store (conftest's ``alice``), by the name these tests give it."""
    return alice


def _history_rows(store: Store) -> int:
    return len(store.history(limit=100_000))


# -- statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("in progress", "In Progress"),
        ("IN PROGRESS", "In Progress"),
        ("  blocked ", "Blocked"),
        ("on hold", "On Hold"),
        ("at risk", "At Risk"),
        ("not started", "Not Started"),
        ("Done", "Complete"),
        ("✅", "Complete"),
    ],
)
def test_status_matched_case_insensitively_and_stored_canonically(
    store: Store, typed: str, stored: str
) -> None:
    assert store.update_task("UT-001", {"status": typed}).status == stored
    assert store.task("UT-001").status == stored


def test_default_status_list(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as empty:
        assert empty.statuses() == list(DEFAULT_TASK_STATUSES)
        empty.create_task({"title": "first"})
        assert empty.statuses() == [
            "Not Started",
            "In Progress",
            "Blocked",
            "At Risk",
            "On Hold",
            "Complete",
        ]


def test_unknown_status_refused_and_nothing_changes(store: Store) -> None:
    revision, rows = store.revision(), _history_rows(store)
    with pytest.raises(ValidationError, match="unknown status"):
        store.update_task("UT-001", {"status": "Sleeping"})
    assert store.revision() == revision
    assert _history_rows(store) == rows
    assert store.task("UT-001").status == "In Progress"


def _status_document() -> Document:
    tasks = [
        Task(id="UT-001", title="a", status="✅ Complete", progress=100),
        Task(id="UT-002", title="b", status="🟡 AMBER", progress=40),
        Task(id="UT-003", title="c", status="Done", progress=100),
        Task(id="UT-004", title="d", status="Descoped", progress=0),
        Task(id="UT-005", title="e", status="in progress", progress=10),
    ]
    risks = [Risk(id="R-01", description="r", status="🔴 Red")]
    return Document(
        tracker=TrackerInfo("Statuses", None),
        blocks=[
            RawBlock("# Statuses"),
            TableBlock(
                "task",
                ["Task ID", "Title", "Status", "Progress"],
                ["id", "title", "status", "progress"],
                list(tasks),
            ),
            TableBlock(
                "risk", ["ID", "Description", "Status"], ["id", "description", "status"], risks
            ),
        ],
    )


def test_imported_emoji_and_rag_statuses_map_and_keep_their_spelling(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(_status_document())
        tasks = {task.id: task for task in store.tasks()}
        assert (tasks["UT-001"].status, tasks["UT-001"].status_text) == (
            "Complete",
            "✅ Complete",
        )
        assert (tasks["UT-002"].status, tasks["UT-002"].status_text) == ("At Risk", "🟡 AMBER")
        assert (tasks["UT-003"].status, tasks["UT-003"].status_text) == ("Complete", "Done")
        assert tasks["UT-005"].status == "In Progress"
        # A status nothing maps to joins the list, as written.
        assert tasks["UT-004"].status == "Descoped"
        assert "Descoped" in store.statuses()
        assert store.statuses()[:6] == list(DEFAULT_TASK_STATUSES)
        assert store.update_task("UT-003", {"status": "descoped"}).status == "Descoped"
        assert store.risk("R-01").status == "Open"
        assert store.risk("R-01").status_text == "🔴 Red"


def test_status_text_kept_until_the_status_changes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(_status_document())
        # Editing another field, or setting the same status, keeps the spelling.
        store.update_task("UT-002", {"notes": "chasing"})
        assert store.task("UT-002").status_text == "🟡 AMBER"
        store.update_task("UT-002", {"status": "at risk"})
        assert store.task("UT-002").status_text == "🟡 AMBER"
        changed = store.update_task("UT-002", {"status": "Blocked"})
        assert (changed.status, changed.status_text) == ("Blocked", "")
        # ...and export writes the canonical status from then on.
        exported = {t.id: t for t in store.export_document().tasks}
        assert exported["UT-002"].status_text == ""
        assert exported["UT-001"].status_text == "✅ Complete"


def test_sample_imports_with_its_counts(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.db") as store:
        counts = store.import_document(sample_document())
        assert counts["task"] == 7
        assert counts["risk"] == 5
        assert store.next_id() == "UT-008"
        assert store.next_id("risk") == "R-06"


# -- progress ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "value", "expected"),
    [
        (50, "40", 40),
        (50, "40%", 40),
        (50, 0, 0),
        (50, "+10", 60),
        (50, "-10", 40),
        (95, "+10", 100),
        (5, "-10", 0),
        (50, "+0", 50),
    ],
)
def test_progress_absolute_and_relative(
    store: Store, start: int, value: str, expected: int
) -> None:
    store.update_task("UT-001", {"progress": start})
    assert store.update_task("UT-001", {"progress": value}).progress == expected


@pytest.mark.parametrize(
    "value", ["150", "abc", "1.5", "", "101", "+", "1e2", "5 0", "+1000", None, 1.5, "٣", True]
)
def test_bad_progress_refused_and_nothing_changes(store: Store, value: object) -> None:
    revision, rows = store.revision(), _history_rows(store)
    with pytest.raises(ValidationError) as refused:
        store.update_task("UT-001", {"progress": value})  # type: ignore[dict-item]
    assert refused.value.field == "progress"
    assert store.revision() == revision
    assert _history_rows(store) == rows
    assert store.task("UT-001").progress == 50


def test_complete_and_100_percent_go_together(store: Store) -> None:
    done = store.update_task("UT-001", {"status": "Complete"})
    assert (done.status, done.progress) == ("Complete", 100)
    lowered = store.update_task("UT-001", {"progress": "-10"})
    assert (lowered.status, lowered.progress) == ("In Progress", 90)
    full = store.update_task("UT-002", {"progress": 100})
    assert (full.status, full.progress) == ("Complete", 100)
    relative = store.update_task("UT-003", {"progress": "+60"})
    assert (relative.status, relative.progress) == ("Complete", 100)
    reopened = store.update_task("UT-002", {"status": "Blocked"})
    assert reopened.status == "Blocked" and reopened.progress < 100


def test_status_cycle_from_complete_to_not_started_goes_to_zero(store: Store) -> None:
    # ``s`` on a Complete task wraps to the first status: Not Started means 0%, not 90%.
    done = store.update_task("UT-001", {"status": "Complete"})
    assert (done.status, done.progress) == ("Complete", 100)
    wrapped = store.update_task("UT-001", {"status": "Not Started"})
    assert (wrapped.status, wrapped.progress) == ("Not Started", 0)
    changed = {c.field: (c.old, c.new) for c in store.history("UT-001", limit=10)[:3]}
    assert changed["progress"] == ("100", "0")
    store.undo()
    undone = store.task("UT-001")
    assert (undone.status, undone.progress) == ("Complete", 100)


def test_not_started_means_zero_from_any_status(store: Store) -> None:
    assert store.task("UT-002").progress == 50
    reset = store.update_task("UT-002", {"status": "not started"})
    assert (reset.status, reset.progress) == ("Not Started", 0)
    # Set together, the user's figure stands (only Complete and 100% must agree).
    both = store.update_task("UT-003", {"status": "Not Started", "progress": 20})
    assert (both.status, both.progress) == ("Not Started", 20)


def test_reopening_restores_the_figure_it_had_before_complete(store: Store) -> None:
    store.update_task("UT-004", {"progress": 40})
    for status in ("Blocked", "In Progress", "On Hold"):
        store.update_task("UT-004", {"status": "Complete"})
        reopened = store.update_task("UT-004", {"status": status})
        assert (reopened.status, reopened.progress) == (status, 40)
    # A task that was not Complete keeps its progress whatever status it moves to.
    store.update_task("UT-005", {"progress": 40})
    for status in ("At Risk", "On Hold", "Blocked", "In Progress"):
        assert store.update_task("UT-005", {"status": status}).progress == 40


def test_reopening_with_no_earlier_figure_is_90_never_100(tmp_path: Path) -> None:
    # Imported Complete: the history holds no figure from before, so 90% stands in.
    with Store.open(tmp_path / "complete.db") as opened:
        opened.import_document(sample_document())  # UT-001 is Complete, 100%
        reopened = opened.update_task("UT-001", {"status": "Blocked"})
        assert (reopened.status, reopened.progress) == ("Blocked", 90)
        # Not Started with nothing earlier: leaving it keeps 0%.
        opened.update_task("UT-001", {"status": "Not Started"})
        opened.update_task("UT-001", {"status": "Complete"})
        assert opened.update_task("UT-001", {"status": "On Hold"}).progress == 90


def test_passing_through_not_started_keeps_the_earlier_figure(store: Store) -> None:
    store.update_task("UT-001", {"progress": 40})
    assert store.update_task("UT-001", {"status": "Not Started"}).progress == 0
    back = store.update_task("UT-001", {"status": "In Progress"})
    assert (back.status, back.progress) == ("In Progress", 40)
    # Complete, then Not Started, then Blocked: both forced figures are skipped.
    store.update_task("UT-001", {"status": "Complete"})
    store.update_task("UT-001", {"status": "Not Started"})
    assert store.update_task("UT-001", {"status": "Blocked"}).progress == 40
    # A figure the user gave with Not Started is theirs: leaving keeps it.
    store.update_task("UT-002", {"status": "Not Started", "progress": 20})
    assert store.update_task("UT-002", {"status": "At Risk"}).progress == 20


def test_the_restored_figure_follows_undo(store: Store) -> None:
    store.update_task("UT-001", {"progress": 40})
    store.update_task("UT-001", {"progress": 60})
    store.update_task("UT-001", {"status": "Complete"})
    assert store.update_task("UT-001", {"status": "Blocked"}).progress == 60
    store.undo()  # back to Complete
    store.undo()  # back to In Progress 60
    store.undo()  # back to 40
    store.update_task("UT-001", {"status": "Complete"})
    assert store.update_task("UT-001", {"status": "Blocked"}).progress == 40


def test_a_new_task_restores_the_figure_it_was_created_with(store: Store) -> None:
    created = store.create_task({"title": "New", "status": "In Progress", "progress": 30})
    store.update_task(created.id, {"status": "Complete"})
    assert store.update_task(created.id, {"status": "Blocked"}).progress == 30


@pytest.mark.parametrize(
    ("old_status", "old_progress", "status", "expected"),
    [
        ("Complete", 100, "Not Started", ("Not Started", 0)),
        ("Complete", 100, "Blocked", ("Blocked", 90)),
        ("In Progress", 60, "Not Started", ("Not Started", 0)),
        ("In Progress", 60, "Complete", ("Complete", 100)),
        ("Blocked", 30, "On Hold", ("On Hold", 30)),
        ("Not Started", 0, "In Progress", ("In Progress", 0)),
    ],
)
def test_reconcile_status_change(
    old_status: str, old_progress: int, status: str, expected: tuple[str, int]
) -> None:
    from tracker_tui.rules import reconcile_status_progress

    result = reconcile_status_progress(
        status,
        old_progress,
        old_status=old_status,
        old_progress=old_progress,
        status_changed=True,
        progress_changed=False,
    )
    assert result == expected
    assert (result[0] == "Complete") == (result[1] == 100)


@pytest.mark.parametrize(
    ("old_status", "old_progress", "status", "earlier", "expected"),
    [
        ("Complete", 100, "Blocked", 40, ("Blocked", 40)),
        ("Not Started", 0, "In Progress", 40, ("In Progress", 40)),
        ("Complete", 100, "Not Started", 40, ("Not Started", 0)),
        ("Blocked", 30, "On Hold", 70, ("On Hold", 30)),  # nothing forced: not asked
        ("Not Started", 20, "In Progress", 70, ("In Progress", 20)),  # the user's 20%
    ],
)
def test_reconcile_gives_back_the_earlier_figure(
    old_status: str, old_progress: int, status: str, earlier: int, expected: tuple[str, int]
) -> None:
    from tracker_tui.rules import reconcile_status_progress

    result = reconcile_status_progress(
        status,
        old_progress,
        old_status=old_status,
        old_progress=old_progress,
        status_changed=True,
        progress_changed=False,
        earlier_progress=lambda: earlier,
    )
    assert result == expected


def test_progress_before_skips_forced_figures() -> None:
    from tracker_tui.rules import progress_before

    states = [("Not Started", 0), ("Complete", 100), ("In Progress", 40), ("Blocked", 70)]
    assert progress_before(states) == 40
    assert progress_before([("Complete", 100), ("Not Started", 0)]) is None
    assert progress_before([("In Progress", 0)]) == 0  # reported, not forced


def test_contradicting_status_and_progress_refused(store: Store) -> None:
    revision = store.revision()
    with pytest.raises(ValidationError, match="contradict"):
        store.update_task("UT-001", {"status": "Complete", "progress": 40})
    with pytest.raises(ValidationError, match="contradict"):
        store.update_task("UT-001", {"status": "In Progress", "progress": 100})
    assert store.revision() == revision
    both = store.update_task("UT-001", {"status": "complete", "progress": "100%"})
    assert (both.status, both.progress) == ("Complete", 100)


# -- Last Update, IDs, the history ---------------------------------------------------------


def test_any_edit_sets_last_update_to_today(store: Store) -> None:
    assert store.task("UT-001").last_update == date(2024, 5, 1)
    assert store.update_task("UT-001", {"notes": "x"}).last_update == date.today()
    assert store.update_task("UT-002", {"owner": "Bob"}).last_update == date.today()
    # ...unless the edit sets it explicitly.
    explicit = store.update_task("UT-003", {"notes": "y", "last_update": "2024-06-01"})
    assert explicit.last_update == date(2024, 6, 1)
    with pytest.raises(ValidationError):
        store.update_task("UT-003", {"last_update": "yesterday"})


def test_same_values_write_nothing(store: Store) -> None:
    revision, rows = store.revision(), _history_rows(store)
    unchanged = store.update_task("UT-001", {"status": "In Progress", "progress": 50})
    assert unchanged.version == 1
    assert store.revision() == revision
    assert _history_rows(store) == rows


def test_new_ids_continue_the_pattern(store: Store) -> None:
    assert store.next_id() == "UT-008"
    assert store.create_task({"title": "next"}).id == "UT-008"
    assert store.create_task({"title": "after"}).id == "UT-009"
    assert store.next_id("risk") == "R-06"
    assert store.create_risk({"description": "new risk"}).id == "R-06"


def test_ids_unique_per_kind_whatever_their_case(store: Store) -> None:
    revision = store.revision()
    with pytest.raises(ValidationError, match="already exists"):
        store.create_task({"id": "UT-001", "title": "dup"})
    with pytest.raises(ValidationError, match="already exists"):
        store.create_task({"id": "ut-001", "title": "dup"})
    with pytest.raises(ValidationError, match="already exists"):
        store.create_risk({"id": "r-01", "description": "dup"})
    assert store.revision() == revision
    # The same ID may exist once per kind.
    assert store.create_risk({"id": "UT-001", "description": "a risk named like a task"})


def test_duplicate_ids_in_a_document_are_kept_apart(tmp_path: Path) -> None:
    document = tasks_document(3)
    document.blocks[2].items.append(Task(id="ut-001", title="again"))  # type: ignore[union-attr]
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(document)
        ids = [task.id for task in store.tasks()]
        assert len(ids) == 4 and len({i.casefold() for i in ids}) == 4


def test_every_edit_records_who_when_what(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.update_task("UT-001", {"progress": "+5", "owner": "Carol"})
    changes = {change.field: change for change in store.history("UT-001")}
    assert changes["progress"].old == "50" and changes["progress"].new == "55"
    assert changes["owner"].new == "Carol"
    assert changes["last_update"].old == "2024-05-01"
    assert {change.user for change in changes.values()} == {"alice"}
    assert all(change.at.endswith("+00:00") for change in changes.values())
    assert {change.entity for change in changes.values()} == {"task"}
    # A second user, named by --as (user=) or TRACKER_TUI_USER.
    with Store.open(store.target, user="bob") as bob:
        bob.update_task("UT-001", {"notes": "from bob"})
    monkeypatch.setenv("TRACKER_TUI_USER", "carol")
    with Store.open(store.target) as carol:
        carol.update_task("UT-001", {"notes": "from carol"})
    users = [change.user for change in store.history("UT-001") if change.field == "notes"]
    assert users[:2] == ["carol", "bob"]


def test_not_found_and_unknown_fields(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.update_task("UT-999", {"notes": "x"})
    with pytest.raises(ValidationError, match="no field"):
        store.update_task("UT-001", {"version": 9})
    with pytest.raises(ValidationError, match="no field"):
        store.create_task({"title": "x", "updated_by": "mallory"})
    assert store.update_task("ut-001", {"notes": "any case"}).id == "UT-001"


def test_optimistic_version(store: Store) -> None:
    task = store.task("UT-001")
    store.update_task("UT-001", {"notes": "first"}, expected_version=task.version)
    revision = store.revision()
    with pytest.raises(ConflictError) as conflict:
        store.update_task("UT-001", {"notes": "stale"}, expected_version=task.version)
    assert isinstance(conflict.value.current, Task)
    assert conflict.value.current.notes == "first"
    assert store.revision() == revision


def test_log_completion_adds_an_activity_entry(store: Store) -> None:
    before = store.activity_count()
    store.update_task("UT-001", {"status": "Complete"}, log_completion=True)
    assert store.activity_count() == before + 1
    assert store.activity(limit=1)[0].text == "UT-001 completed."


def test_read_only_store_refuses_writes(store: Store) -> None:
    with Store.open(store.target, read_only=True) as watcher:
        assert watcher.task("UT-001") is not None
        with pytest.raises(ReadOnlyError):
            watcher.update_task("UT-001", {"notes": "x"})


# -- hostile text --------------------------------------------------------------------------


def test_runaway_paste_refused(store: Store) -> None:
    revision = store.revision()
    paste = "x" * 100_000
    for field in ("notes", "title", "owner", "milestone"):
        with pytest.raises(ValidationError, match="too long"):
            store.update_task("UT-001", {field: paste})
    with pytest.raises(ValidationError, match="too long"):
        store.create_task({"title": paste})
    with pytest.raises(ValidationError, match="too long"):
        store.add_activity(paste)
    assert store.revision() == revision


def test_control_characters_and_escape_sequences_stripped(store: Store) -> None:
    hostile = "a\x1b]52;c;ZWNobyBwd25lZA==\x07b\x1b[2Jc\x07d\x00e\tf\ng\r\nh"
    task = store.update_task("UT-001", {"notes": hostile, "title": hostile, "owner": hostile})
    assert task.notes == "abcde\tf\ng\nh"  # tab and newline kept only in notes
    assert task.title == "abcde f g h"
    assert task.owner == "abcde f g h"
    for text in (task.notes, task.title, task.owner):
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    entry = store.add_activity("done \x1b[31mred\x1b[0m")
    assert entry.text == "done red"


def test_hostile_text_in_an_imported_document_is_cleaned(tmp_path: Path) -> None:
    document = tasks_document(2)
    document.blocks[2].items[0] = Task(  # type: ignore[union-attr]
        id="UT-001", title="evil\x1b]52;c;AAAA\x07 title", notes="x\x1b[2Jy"
    )
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(document)
        assert store.task("UT-001").title == "evil title"
        assert store.task("UT-001").notes == "xy"


def test_import_refuses_to_overwrite_without_replace(store: Store) -> None:
    revision = store.revision()
    with pytest.raises(Exception, match="--replace"):
        store.import_document(tasks_document(3))
    assert store.revision() == revision
    assert store.import_document(tasks_document(3), replace=True)["task"] == 3


# -- risk impact ---------------------------------------------------------------------------


def test_impact_takes_the_registers_spelling(store: Store) -> None:
    assert store.update_risk("R-03", {"impact": "high"}).impact == "High"
    assert store.update_risk("R-03", {"impact": "  CRITICAL "}).impact == "Critical"
    assert store.update_risk("R-03", {"impact": "medium"}).impact == "Medium"
    # Unknown impacts are kept as written; once in the register, they are matched too.
    assert store.update_risk("R-01", {"impact": "P0"}).impact == "P0"
    assert store.update_risk("R-02", {"impact": "p0"}).impact == "P0"
    assert store.update_risk("R-04", {"impact": "Sev 2"}).impact == "Sev 2"
    assert store.impacts() == ["Low", "Medium", "High", "Critical", "P0", "Sev 2"]
    created = store.create_risk({"description": "new", "impact": "low"})
    assert created.impact == "Low"


def test_match_impact_prefers_the_first_known_spelling() -> None:
    from tracker_tui.rules import match_impact

    known = ["Low", "Medium", "High", "Critical", "high", "P1"]
    assert match_impact("HIGH", known) == "High"
    assert match_impact("p1", known) == "P1"
    assert match_impact("Very  high", known) == "Very high"
    assert match_impact("", known) == ""


# -- one source of truth: rules' limits, IDs and field lists --------------------------------


def test_edit_limits_come_from_rules(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker_tui import rules

    monkeypatch.setitem(rules.FIELD_MAX_LENGTH, "owner", 5)
    with pytest.raises(ValidationError, match="the limit is 5") as refused:
        store.update_task("UT-001", {"owner": "abcdefg"})
    assert refused.value.field == "owner"
    assert store.update_task("UT-001", {"owner": "abcde"}).owner == "abcde"
    monkeypatch.setattr(rules, "MULTILINE_FIELDS", frozenset({"notes", "owner"}))
    monkeypatch.setitem(rules.FIELD_MAX_LENGTH, "owner", 50)
    assert store.update_task("UT-001", {"owner": "a\nb"}).owner == "a\nb"


@pytest.mark.parametrize("typed", ["UT 9", "UT|9", "x" * 41])
def test_new_ids_are_checked_by_rules_validate_id(store: Store, typed: str) -> None:
    revision = store.revision()
    with pytest.raises(ValidationError) as refused:
        store.create_task({"id": typed, "title": "t"})
    assert refused.value.field == "id"
    with pytest.raises(ValidationError):
        store.create_risk({"id": typed, "description": "d"})
    assert store.revision() == revision


def test_one_definition_of_the_editable_fields() -> None:
    from tracker_tui import rules
    from tracker_tui.store import RISK_FIELDS, TASK_FIELDS, writer

    assert TASK_FIELDS is rules.TASK_FIELDS and RISK_FIELDS is rules.RISK_FIELDS
    for duplicate in (
        "MAX_FIELD_LENGTH",
        "DEFAULT_MAX_LENGTH",
        "MULTILINE_FIELDS",
        "TASK_EDIT_FIELDS",
        "RISK_EDIT_FIELDS",
    ):
        assert not hasattr(writer, duplicate), duplicate


def test_complete_given_with_a_lower_figure_is_refused_even_if_already_complete(
    store: Store,
) -> None:
    store.update_task("UT-001", {"status": "Complete"})
    with pytest.raises(ValidationError, match="contradict") as refused:
        store.update_task("UT-001", {"status": "Complete", "progress": 40})
    assert refused.value.field == "progress"
    assert store.task("UT-001").progress == 100


def test_imported_text_is_never_cut(tmp_path: Path) -> None:
    long_title, long_notes = "t" * 20_000, "n\n" * 30_000
    long_id, long_spelling = "UT-" + "9" * 60, "🟡 " + "amber " * 100
    document = tasks_document(2, title="T" * 3_000)
    document.blocks[2].items[0] = Task(  # type: ignore[union-attr]
        id=long_id, title=long_title, notes=long_notes, owner="o" * 2_000, status=long_spelling
    )
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(document)
        task = store.task(long_id)
        assert task is not None
        assert (task.title, task.notes.strip(), task.owner) == (
            long_title,
            long_notes.strip(),
            "o" * 2_000,
        )
        assert task.status_text == long_spelling.strip()
        assert store.tracker_info().title == "T" * 3_000
        # An edit of another field leaves the long ones alone.
        assert store.update_task(long_id, {"progress": 60}).title == long_title


# -- open risks ----------------------------------------------------------------------------


def test_open_risks_are_counted_by_the_domains_rule(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker_tui import domain

    store.update_risk("R-01", {"status": "Monitoring"})
    store.update_risk("R-02", {"status": "Closed"})
    assert dict(store.summary().open_risks_by_impact) == {"Medium": 4}
    monkeypatch.setattr(
        domain, "CLOSED_RISK_STATUSES", domain.CLOSED_RISK_STATUSES | {"monitoring"}
    )
    assert dict(store.summary().open_risks_by_impact) == {"Medium": 3}


# -- decisions and list items --------------------------------------------------------------


def test_a_decisions_date_is_a_date_or_empty(seed_store: Store) -> None:
    revision = seed_store.revision()
    for typed in ("tomorrow", "20-03-2024", "2024-02-30"):
        with pytest.raises(ValidationError) as refused:
            seed_store.save_decision(Decision(None, typed, "Decide."))
        assert refused.value.field == "date"
    assert seed_store.revision() == revision
    assert seed_store.save_decision(Decision(None, " 2024-03-20 ", "Decide.")).date == "2024-03-20"
    assert seed_store.save_decision(Decision(None, "", "Undated.")).date == ""
    first = seed_store.decisions()[0]
    with pytest.raises(ValidationError):
        seed_store.save_decision(dataclasses.replace(first, date="next week"))


def test_an_imported_decision_date_survives_an_edit_of_another_field(tmp_path: Path) -> None:
    document = sample_document()
    block = next(b for b in document.blocks if getattr(b, "kind", "") == "decision")
    block.items[0] = dataclasses.replace(block.items[0], date="20-03-2024 – 22-03-2024")
    with Store.open(tmp_path / "d.db") as store:
        store.import_document(document)
        decision = store.decisions()[0]
        assert decision.date == "20-03-2024 – 22-03-2024"
        saved = store.save_decision(dataclasses.replace(decision, owner="New owner"))
        assert (saved.date, saved.owner) == ("20-03-2024 – 22-03-2024", "New owner")


def test_delete_decision_refuses_a_stale_version(seed_store: Store) -> None:
    decision = seed_store.decisions()[0]
    seed_store.save_decision(dataclasses.replace(decision, rationale="Changed by someone."))
    with pytest.raises(ConflictError) as conflict:
        seed_store.delete_decision(decision.key, expected_version=decision.version)
    assert isinstance(conflict.value.current, Decision)
    assert conflict.value.current.rationale == "Changed by someone."
    current = seed_store.decisions()[0]
    seed_store.delete_decision(current.key, expected_version=current.version)
    assert current.key not in [d.key for d in seed_store.decisions()]


def test_list_items_refuse_a_change_since_read(seed_store: Store) -> None:
    seen = seed_store.checkpoints()[0]
    seed_store.save_item("checkpoint", seen.key, {"text": "Moved by someone."})
    revision = seed_store.revision()
    with pytest.raises(ConflictError) as conflict:
        seed_store.save_item("checkpoint", seen.key, {"when": "Friday"}, expected=seen)
    assert isinstance(conflict.value.current, Checkpoint)
    assert conflict.value.current.text == "Moved by someone."
    with pytest.raises(ConflictError):
        seed_store.delete_item("checkpoint", seen.key, expected={"text": seen.text})
    assert seed_store.revision() == revision
    fresh = seed_store.checkpoints()[0]
    seed_store.save_item("checkpoint", fresh.key, {"when": "Friday"}, expected=fresh)
    fresh = seed_store.checkpoints()[0]
    assert fresh.when == "Friday"
    entry = seed_store.activity()[0]
    seed_store.delete_item("activity", entry.key, expected=entry)
    assert entry.key not in [e.key for e in seed_store.activity()]


def test_progress_on_a_not_started_task_makes_it_in_progress(store: Store) -> None:
    """``+`` on a Not Started task is work under way: it becomes In Progress, never
    "Not Started, 40%" (issue 9 QA)."""
    store.update_task("UT-003", {"status": "Not Started"})
    nudged = store.update_task("UT-003", {"progress": "+10"})
    assert (nudged.status, nudged.progress) == ("In Progress", 10)
