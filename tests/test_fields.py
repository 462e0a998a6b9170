"""Each entity's fields are declared once, on the domain's dataclasses (``fields.spec``),
and every layer derives its field list from that declaration.

- The layers' lists are the declaration's, for tasks and risks: table columns, SELECT
  list, history diff, what ``set`` accepts, JSON/CSV keys, markdown header.
- A field added in one place (a test-only entity: Task plus one declared field) reaches
  every derivation: a column of the generated table, stored and read back, the diff,
  the editable fields, the JSON and CSV keys, the markdown header and the copied row.
- The tables are schema 2 exactly: a change to a declaration that changes the tables
  fails here until it comes with a migration and a new ``SCHEMA_VERSION``.
- The Snapshot's copied row (``Y``) is the task's markdown row.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

from tracker_tui import domain, rules
from tracker_tui.domain import Risk, Task
from tracker_tui.export_formats import TABLE_KEYS, entity_dict, rows_to_csv
from tracker_tui.fields import cell_text, field_specs, labelled, names, spec
from tracker_tui.markdown.columns import DEFAULT_COLUMNS, KIND_FIELDS
from tracker_tui.store import exchange, rows, schema, writer
from tracker_tui.store.store import Store

#: sha256 of the SQLite DDL of every table and index, per schema version (2: the same
#: fingerprint as the hand-written tables before they were generated; 3: many trackers
#: per store; 4: stand-ups and the history's index by time; 5: metric values; 6: a
#: checkpoint's date and a metric's scorecard columns; 7: the history by tracker and time).
#: A new version (with its migration) records its own line here.
SCHEMA_FINGERPRINTS = {
    2: "dbb73759",
    3: "55b68e11",
    4: "d8c47668",
    5: "6c330176",
    6: "9719ede0",
    7: "a0668123",
}


def _column_names(model: Any) -> list[str]:
    return [column.name for column in model.__table__.columns]


def test_the_layers_take_their_field_lists_from_the_declaration() -> None:
    for kind, entity, model, table in (
        ("task", Task, schema.TaskRow, "tasks"),
        ("risk", Risk, schema.RiskRow, "risks"),
    ):
        declared = names(entity)
        placement = ("tracker_id", "block", "position")
        assert [c for c in _column_names(model) if c not in placement] == list(declared)
        assert rows.select_list(entity) == ", ".join(declared)
        assert rows.DIFF_FIELDS[kind] == names(entity, diff=True)
        assert TABLE_KEYS[table] == names(entity, export=True)
        assert KIND_FIELDS[kind] == tuple(item.name for item in labelled(entity))
        assert DEFAULT_COLUMNS[kind] == [item.label for item in labelled(entity)]
        assert exchange.DEFAULT_SECTIONS[kind][1] == DEFAULT_COLUMNS[kind]
    assert rows.select_list(Task) == rows.TASK_COLUMNS
    assert names(Task, diff=True) == writer.TASK_DIFF_FIELDS
    assert names(Risk, diff=True) == writer.RISK_DIFF_FIELDS
    assert names(Task, editable=True) == rules.TASK_FIELDS
    assert names(Risk, editable=True) == rules.RISK_FIELDS
    assert rules.max_length("notes") == 10_000
    # Paragraphs of a record written as a section (mitigations, rationales) are kept whole.
    assert {"notes", "description", "mitigation", "rationale"} == rules.MULTILINE_FIELDS


def _ddl() -> str:
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=sqlite.dialect())).strip())
        statements += [
            str(CreateIndex(index).compile(dialect=sqlite.dialect()))
            for index in sorted(table.indexes, key=lambda index: str(index.name))
        ]
        statements += [
            f"{column.name} default={column.default.arg if column.default else None!r}"
            for column in table.columns
        ]
    return "\n".join(statements)


def test_the_generated_tables_are_the_schema_version_they_claim() -> None:
    fingerprint = hashlib.sha256(_ddl().encode()).hexdigest()[:8]
    assert SCHEMA_FINGERPRINTS.get(rows.SCHEMA_VERSION) == fingerprint, (
        "the store's tables changed: add a migration (migrations.py), bump "
        f"rows.SCHEMA_VERSION and record {fingerprint} for it here"
    )


# -- a field added in one place ----------------------------------------------------------


def _task_plus_priority() -> type:
    """Task, plus one field declared the way every field is: a single line."""
    base = [(item.name, item.type, item) for item in dataclasses.fields(Task)]
    priority = ("priority", str, dataclasses.field(default="", metadata=spec("Priority")))
    return dataclasses.make_dataclass(
        "PriorityTask", [*base[:-4], priority, *base[-4:]], frozen=True, slots=True
    )


@pytest.fixture
def priority_task(monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    entity = _task_plus_priority()
    monkeypatch.setitem(domain.ENTITIES, "priority_task", entity)
    yield entity


@pytest.fixture
def priority_table(priority_task: type) -> Iterator[Any]:
    model = schema.entity_table("priority_task", priority_task)
    try:
        yield model
    finally:
        # Out of the shared metadata again: no other store gets this table.
        SQLModel.metadata.remove(model.__table__)


def test_a_field_declared_once_reaches_every_layer(
    priority_task: type, priority_table: Any
) -> None:
    assert "priority" in _column_names(priority_table)
    assert "priority" in rows.select_list(priority_task).split(", ")
    assert "priority" in names(priority_task, diff=True)
    assert "priority" in names(priority_task, editable=True)
    assert [item.label for item in labelled(priority_task)][-1] == "Priority"

    # Imported, stored in the generated table, read back through the reader's SELECT
    # list and conversion, and exported.
    imported = priority_task(id="UT-1", title="Docs", progress=40, priority="P1")
    row = exchange._entity_row("priority_task", imported)
    assert row["priority"] == "P1"
    engine = create_engine("sqlite://")
    priority_table.__table__.create(engine)
    with engine.begin() as connection:
        connection.execute(priority_table.__table__.insert(), [{**row, "tracker_id": 1}])
        stored = connection.execute(
            text(f"SELECT {rows.select_list(priority_task)} FROM priority_task")
        ).one()
    engine.dispose()
    read = rows.from_row(priority_task, stored)
    assert read == imported
    exported = entity_dict(read)
    assert exported["priority"] == "P1"
    assert list(exported) == [*TABLE_KEYS["tasks"][:-1], "priority", "extra"]
    header = rows_to_csv([exported], names(priority_task, export=True)).splitlines()[0]
    assert header.endswith(",notes,priority")
    cells = [cell_text(item, getattr(read, item.name)) for item in labelled(priority_task)]
    assert cells == ["UT-1", "Docs", "", "", "Not Started", "40%", "", "", "P1"]


def test_every_domain_field_is_declared() -> None:
    for entity in domain.ENTITIES.values():
        assert [item.name for item in field_specs(entity)] == [
            item.name for item in dataclasses.fields(entity)
        ]


# -- the copied row ------------------------------------------------------------------------


async def test_copy_row_gives_the_tasks_markdown_row(
    seed_store: Store, frozen_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker_tui.app import make_app

    app = make_app(seed_store, frozen_settings)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.press("Y")
        await pilot.pause()
    first = seed_store.tasks()[0]
    assert first.last_update is None or isinstance(first.last_update, date)
    when = first.last_update.isoformat() if first.last_update else ""
    assert copied == [
        f"| {first.id} | {first.title} | {first.milestone} | {first.owner} | {first.status} "
        f"| {first.progress}% | {when} | {first.notes} |"
    ]


def test_the_stand_ups_task_glance_is_a_subset_of_the_task_declaration() -> None:
    """``TaskGlance`` (what the Since view reads of each task) names only fields of
    ``Task``, each with the same type, so it cannot drift from the declaration."""
    from tracker_tui.domain import TaskGlance

    declared = {item.name: item.type for item in dataclasses.fields(Task)}
    for name in TaskGlance._fields:
        assert name in declared, name
        # Both modules postpone annotations: compared as written.
        glance_type = TaskGlance.__annotations__[name]
        assert getattr(glance_type, "__forward_arg__", glance_type) == declared[name], name


def test_a_glance_reads_what_the_task_holds(tmp_path) -> None:
    from conftest import SAMPLE

    from tracker_tui.markdown import read_document
    from tracker_tui.store.store import Store

    with Store.open(str(tmp_path / "t.db"), user="alice") as store:
        store.import_document(read_document(SAMPLE))
        tasks = store.tasks()
        glances = store.task_glances()
    assert [g.id for g in glances] == [t.id for t in tasks]
    for glance, task in zip(glances, tasks, strict=True):
        assert glance == tuple(getattr(task, name) for name in glance._fields)
