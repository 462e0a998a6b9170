"""A form's save over a row that someone else changed since the form read it: the store
merges field by field against the row as the form read it (the base), in one transaction.

Two users, ann and bob, each with their own ``Store`` on one file, as two dashboards are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker_tui.domain import ConflictError, FieldConflict, MergedField, Task
from tracker_tui.markdown import read_document
from tracker_tui.store.store import Store

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample-tracker.md"


@pytest.fixture
def ann(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(str(tmp_path / "t.db"), user="ann")
    store.import_document(read_document(SAMPLE))
    yield store
    store.close()


@pytest.fixture
def bob(ann: Store) -> Iterator[Store]:
    store = Store.open(ann.target, user="bob")
    yield store
    store.close()


def base_of(value: Any, fields: tuple[str, ...]) -> dict[str, str]:
    """A row's fields as a form holds them: text, "" for none."""
    base: dict[str, str] = {}
    for name in fields:
        field = getattr(value, name)
        base[name] = field.isoformat() if isinstance(field, date) else str(field or "")
    return base


TASK = ("title", "milestone", "owner", "status", "progress", "last_update", "notes")


def test_different_fields_merge_and_name_who(ann: Store, bob: Store) -> None:
    """ann changes Owner, bob (from the same base) Milestone: both are kept, and bob is
    told that ann's Owner came along."""
    base = base_of(bob.task("UT-002"), TASK)
    ann.merge_task("UT-002", {"owner": "Ann's team"}, base=base_of(ann.task("UT-002"), TASK))
    saved = bob.merge_task("UT-002", {"milestone": "M9"}, base=base)
    assert saved.merged == (MergedField("owner", "Ann's team", "ann"),)
    task = ann.task("UT-002")
    assert (task.owner, task.milestone, task.updated_by) == ("Ann's team", "M9", "bob")
    assert saved.value == task


def test_nobody_else_changed_it_merges_nothing(ann: Store) -> None:
    saved = ann.merge_task("UT-002", {"notes": "n"}, base=base_of(ann.task("UT-002"), TASK))
    assert saved.merged == ()
    assert ann.task("UT-002").notes == "n"


def test_same_field_same_value_is_no_conflict(ann: Store, bob: Store) -> None:
    base = base_of(bob.task("UT-002"), TASK)
    ann.update_task("UT-002", {"owner": "Platform"})
    saved = bob.merge_task("UT-002", {"owner": "Platform"}, base=base)
    assert saved.merged == ()
    assert saved.value.owner == "Platform"
    # Nothing left for bob to change: nothing written in his name.
    assert not [change for change in ann.history("UT-002") if change.user == "bob"]


def test_same_field_different_values_conflict_names_only_that_field(ann: Store, bob: Store) -> None:
    base = base_of(bob.task("UT-002"), TASK)
    ann.update_task("UT-002", {"owner": "Ann's team", "notes": "ann's note"})
    with pytest.raises(ConflictError) as raised:
        bob.merge_task("UT-002", {"owner": "Bob's team", "milestone": "M9"}, base=base)
    error = raised.value
    assert (error.entity, error.id) == ("task", "UT-002")
    assert error.fields == (FieldConflict("owner", "Bob's team", "Ann's team", "ann"),)
    assert error.who == "ann"
    assert isinstance(error.current, Task) and error.current.owner == "Ann's team"
    # Nothing saved, not even bob's milestone: he chooses first.
    task = ann.task("UT-002")
    assert (task.owner, task.milestone, task.notes) == ("Ann's team", "M2", "ann's note")


def test_who_is_whoever_changed_that_field(ann: Store, bob: Store, tmp_path: Path) -> None:
    """cy saved the row last, but it was ann who changed the owner."""
    base = base_of(bob.task("UT-002"), TASK)
    ann.update_task("UT-002", {"owner": "Ann's team"})
    with Store.open(ann.target, user="cy") as cy:
        cy.update_task("UT-002", {"notes": "cy's note"})
    with pytest.raises(ConflictError) as raised:
        bob.merge_task("UT-002", {"owner": "Bob's team"}, base=base)
    assert [(c.field, c.who) for c in raised.value.fields] == [("owner", "ann")]


def test_completing_over_their_progress_is_a_conflict_on_progress(ann: Store, bob: Store) -> None:
    """Complete means 100 %: bob's Complete would overwrite ann's 60 % although bob never
    typed a progress, so the dialog must ask about Progress."""
    ann.update_task("UT-002", {"status": "In Progress", "progress": 40})
    base = base_of(bob.task("UT-002"), TASK)
    ann.update_task("UT-002", {"progress": 60})
    with pytest.raises(ConflictError) as raised:
        bob.merge_task("UT-002", {"status": "Complete"}, base=base)
    assert raised.value.fields == (FieldConflict("progress", "100", "60", "ann"),)
    assert ann.task("UT-002").progress == 60


def test_their_last_update_is_no_conflict(ann: Store, bob: Store) -> None:
    """Every edit dates the task: ann's edit moving Last Update is not a change of hers
    that bob's typed date would overwrite."""
    base = base_of(bob.task("UT-002"), TASK)
    ann.update_task("UT-002", {"owner": "Ann's team"})
    saved = bob.merge_task("UT-002", {"last_update": date(2024, 6, 1)}, base=base)
    assert [merged.field for merged in saved.merged] == ["owner"]
    assert saved.value.last_update == date(2024, 6, 1)


RISK = ("description", "impact", "mitigation", "owner", "status")


def test_risks_merge_and_conflict_field_by_field(ann: Store, bob: Store) -> None:
    base = base_of(bob.risk("R-03"), RISK)
    ann.update_risk("R-03", {"owner": "Ann", "impact": "High"})
    saved = bob.merge_risk("R-03", {"mitigation": "Bob's plan"}, base=base)
    assert [(m.field, m.value, m.who) for m in saved.merged] == [
        ("impact", "High", "ann"),
        ("owner", "Ann", "ann"),
    ]
    with pytest.raises(ConflictError) as raised:
        bob.merge_risk("R-03", {"impact": "Low", "status": "Monitoring"}, base=base)
    assert raised.value.fields == (FieldConflict("impact", "Low", "High", "ann"),)
    risk = ann.risk("R-03")
    assert (risk.impact, risk.status, risk.mitigation) == ("High", "Open", "Bob's plan")


DECISION = ("date", "decision", "rationale", "owner")


def test_decisions_merge_and_conflict_field_by_field(ann: Store, bob: Store) -> None:
    first = bob.decisions()[0]
    base = base_of(first, DECISION)
    ann.save_decision(dataclasses.replace(ann.decisions()[0], rationale="Ann's reason"))
    saved = bob.merge_decision(first.key, {"owner": "Bob"}, base=base)
    assert saved.merged == (MergedField("rationale", "Ann's reason", "ann"),)
    assert (saved.value.owner, saved.value.rationale) == ("Bob", "Ann's reason")
    with pytest.raises(ConflictError) as raised:
        bob.merge_decision(first.key, {"rationale": "Bob's reason"}, base=base)
    assert raised.value.fields == (
        FieldConflict("rationale", "Bob's reason", "Ann's reason", "ann"),
    )
    assert (raised.value.entity, raised.value.id) == ("decision", str(first.key))


def test_undo_conflict_names_the_field_and_who(ann: Store, bob: Store) -> None:
    """Undo over another user's change: the error carries the field, both values and
    who, for the question it asks (no parsing of its message)."""
    ann.update_task("UT-001", {"progress": 90})
    bob.update_task("UT-001", {"progress": 50})
    with pytest.raises(ConflictError) as raised:
        ann.undo()
    error = raised.value
    assert (error.entity, error.id) == ("task", "UT-001")
    assert error.fields[0] == FieldConflict("progress", "100", "50", "bob")
