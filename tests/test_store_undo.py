"""Undo and redo: per user, from the history (so across restarts), with conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_docs import tasks_document

from tracker_tui.domain import ConflictError, Task, TrackerError
from tracker_tui.store import Store


def test_undo_reverts_own_last_change_and_redo_reapplies(alice: Store) -> None:
    alice.update_task("UT-001", {"progress": 70, "notes": "halfway"})
    alice.update_task("UT-002", {"status": "Blocked"})
    undone = alice.undo()
    assert {change.field for change in undone} >= {"status"}
    assert alice.task("UT-002").status == "In Progress"
    assert alice.task("UT-001").progress == 70
    alice.undo()
    first = alice.task("UT-001")
    assert (first.progress, first.notes) == (50, "notes 1")
    alice.redo()
    assert alice.task("UT-001").progress == 70
    alice.redo()
    assert alice.task("UT-002").status == "Blocked"
    with pytest.raises(TrackerError, match="nothing to redo"):
        alice.redo()


def test_undo_survives_a_restart(tasks_path: Path) -> None:
    with Store.open(tasks_path, user="alice") as store:
        store.update_task("UT-003", {"owner": "Dana"})
    with Store.open(tasks_path, user="alice") as restarted:
        restarted.undo()
        assert restarted.task("UT-003").owner == "Owner 0"
    with Store.open(tasks_path, user="alice") as again:
        again.redo()
        assert again.task("UT-003").owner == "Dana"


def test_undo_is_per_user(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"notes": "alice's"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.update_task("UT-002", {"notes": "bob's"})
        bob.undo()
        assert bob.task("UT-002").notes == "notes 2"
        with pytest.raises(TrackerError, match="nothing to undo"):
            bob.undo()
    assert alice.task("UT-001").notes == "alice's"
    alice.undo()
    assert alice.task("UT-001").notes == "notes 1"


def test_undo_conflicts_with_another_users_later_change(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"progress": 70})
    with Store.open(tasks_path, user="bob") as bob:
        bob.update_task("UT-001", {"progress": 80})
    revision = alice.revision()
    with pytest.raises(ConflictError) as conflict:
        alice.undo()
    assert isinstance(conflict.value.current, Task)
    assert conflict.value.current.progress == 80
    assert alice.revision() == revision
    assert alice.task("UT-001").progress == 80
    alice.undo(force=True)
    assert alice.task("UT-001").progress == 50


def test_another_users_change_to_another_field_is_no_conflict(
    tasks_path: Path, alice: Store
) -> None:
    alice.update_task("UT-001", {"progress": 70})
    with Store.open(tasks_path, user="bob") as bob:
        bob.update_task("UT-001", {"notes": "bob was here"})
    alice.undo()
    task = alice.task("UT-001")
    assert (task.progress, task.notes) == (50, "bob was here")


def test_undo_of_create_deletes_and_undo_of_delete_restores(alice: Store) -> None:
    created = alice.create_task({"title": "temporary"})
    assert alice.task(created.id) is not None
    alice.undo()
    assert alice.task(created.id) is None
    alice.redo()
    assert alice.task(created.id).title == "temporary"

    before = alice.task("UT-004")
    alice.delete_task("UT-004")
    assert alice.task("UT-004") is None
    alice.undo()
    restored = alice.task("UT-004")
    assert (restored.title, restored.progress, restored.notes) == (
        before.title,
        before.progress,
        before.notes,
    )
    assert [task.id for task in alice.tasks()].index("UT-004") == 3  # back in its place


def test_undo_of_create_conflicts_when_someone_edited_it(tasks_path: Path, alice: Store) -> None:
    created = alice.create_task({"title": "shared"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.update_task(created.id, {"notes": "bob's work"})
    with pytest.raises(ConflictError):
        alice.undo()
    assert alice.task(created.id) is not None


def test_undo_of_an_edit_with_its_completion_entry_is_one_step(alice: Store) -> None:
    count = alice.activity_count()
    alice.update_task("UT-001", {"status": "Complete"}, log_completion=True)
    alice.undo()
    assert alice.task("UT-001").status == "In Progress"
    assert alice.activity_count() == count
    with pytest.raises(TrackerError, match="nothing to undo"):
        alice.undo()


def test_undo_restores_an_imported_status_spelling(tmp_path: Path) -> None:
    document = tasks_document(2)
    document.blocks[2].items[0] = Task(id="UT-001", title="a", status="🟡 AMBER")  # type: ignore[union-attr]
    with Store.open(tmp_path / "t.db") as store:
        store.import_document(document)
        store.update_task("UT-001", {"status": "Blocked"})
        store.undo()
        task = store.task("UT-001")
        assert (task.status, task.status_text) == ("At Risk", "🟡 AMBER")


def test_nothing_before_an_import_can_be_undone(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"notes": "before the import"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.import_document(tasks_document(3), replace=True)
    with pytest.raises(TrackerError, match="nothing to undo"):
        alice.undo()


def test_a_new_edit_clears_redo(alice: Store) -> None:
    alice.update_task("UT-001", {"notes": "one"})
    alice.undo()
    alice.update_task("UT-001", {"notes": "two"})
    with pytest.raises(TrackerError, match="nothing to redo"):
        alice.redo()


def test_undo_of_risks_decisions_and_tracker_title(alice: Store) -> None:
    alice.update_risk("R-01", {"status": "Closed"})
    alice.undo()
    assert alice.risk("R-01").status == "Open"
    alice.set_tracker(title="Renamed")
    alice.undo()
    assert alice.tracker_info().title == "Tracker"
    entry = alice.add_activity("temporary note")
    alice.undo()
    assert entry.key not in [item.key for item in alice.activity()]


# -- a row deleted by someone else never blocks undo for good ---------------------------------


def test_undo_skips_a_row_someone_else_deleted_and_moves_on(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"progress": 70})
    alice.update_task("UT-002", {"notes": "alice's notes"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.delete_task("UT-002")
    result = alice.undo()  # UT-002's step: its row is gone
    assert list(result) == []
    assert [(c.entity, c.id, c.field) for c in result.skipped] == [("task", "UT-002", "notes")]
    assert "UT-002 no longer exists" in result.message
    assert alice.task("UT-002") is None  # nothing brought back
    # The step is passed (a marker in the history), so the one before it is next.
    assert any(c.field == "skipped" and c.id == "UT-002" for c in alice.history("UT-002"))
    alice.undo()
    assert alice.task("UT-001").progress == 50
    with pytest.raises(TrackerError, match="nothing to undo"):
        alice.undo()


def test_undo_with_force_skips_a_deleted_row_too(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-003", {"owner": "Dana"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.delete_task("UT-003")
    result = alice.undo(force=True)
    assert [c.id for c in result.skipped] == ["UT-003"]
    with pytest.raises(TrackerError, match="nothing to undo"):
        alice.undo()


def test_redo_skips_a_row_someone_else_deleted(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"progress": 70})
    alice.update_task("UT-002", {"notes": "alice's notes"})
    alice.undo()
    alice.undo()
    alice.redo()  # UT-001 back at 70
    with Store.open(tasks_path, user="bob") as bob:
        bob.delete_task("UT-002")
    result = alice.redo()
    assert list(result) == [] and [c.id for c in result.skipped] == ["UT-002"]
    with pytest.raises(TrackerError, match="nothing to redo"):
        alice.redo()
    # Both steps count as done again: undo goes back through them in order.
    assert list(alice.undo()) == [] and alice.task("UT-001").progress == 70
    alice.undo()
    assert alice.task("UT-001").progress == 50


def test_the_rest_of_a_step_applies_when_one_row_is_gone(tasks_path: Path, alice: Store) -> None:
    count = alice.activity_count()
    alice.update_task("UT-001", {"status": "Complete"}, log_completion=True)
    with Store.open(tasks_path, user="bob") as bob:
        bob.delete_task("UT-001")
    result = alice.undo()
    assert alice.activity_count() == count  # the completion entry went
    assert {c.entity for c in result} == {"activity"}
    assert {c.id for c in result.skipped} == {"UT-001"}
    assert "skipped" in result.message
    with pytest.raises(TrackerError, match="nothing to undo"):
        alice.undo()


def test_a_conflict_still_asks_and_force_overwrites(tasks_path: Path, alice: Store) -> None:
    alice.update_task("UT-001", {"notes": "alice's"})
    with Store.open(tasks_path, user="bob") as bob:
        bob.update_task("UT-001", {"notes": "bob's"})
    with pytest.raises(ConflictError) as conflict:
        alice.undo()
    assert isinstance(conflict.value.current, Task) and conflict.value.current.notes == "bob's"
    result = alice.undo(force=True)
    assert result.skipped == [] and result.message == ""
    assert alice.task("UT-001").notes == "notes 1"
