"""JSON and CSV exports of a store: the contract that scripts rely on.

Shared by ``tracker-tui export`` and the dashboard's export command. The JSON shape is a
public interface: add keys only with care, never rename or remove them.

Keys of ``extra`` starting with ``_`` are the markdown format's internal hints and are
left out: they mean nothing to a script.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol

from tracker_tui.domain import (
    ActivityEntry,
    CadenceItem,
    Change,
    Checkpoint,
    Decision,
    Metric,
    Risk,
    Task,
    TrackerInfo,
)
from tracker_tui.fields import export_value, field_specs, names

#: The JSON export's top-level keys, in order; also the tables ``--format csv`` accepts.
TOP_LEVEL_KEYS = (
    "tracker",
    "tasks",
    "activity",
    "checkpoints",
    "risks",
    "decisions",
    "cadence",
    "metrics",
)
CSV_TABLES = TOP_LEVEL_KEYS[1:]


class Source(Protocol):
    """What an export reads: the read half of ``tracker_tui.store.Store``."""

    def tracker_info(self) -> TrackerInfo: ...
    def tasks(self) -> list[Task]: ...
    def activity(self) -> list[ActivityEntry]: ...
    def checkpoints(self) -> list[Checkpoint]: ...
    def risks(self) -> list[Risk]: ...
    def decisions(self) -> list[Decision]: ...
    def cadence(self) -> list[CadenceItem]: ...
    def metrics(self) -> list[Metric]: ...


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def public_extra(extra: dict[str, str]) -> dict[str, str]:
    """``extra`` without the format's internal ``_`` hints."""
    return {key: value for key, value in extra.items() if not key.startswith("_")}


def tracker_dict(info: TrackerInfo) -> dict[str, Any]:
    return {"title": info.title, "snapshot_date": _iso(info.snapshot_date)}


def entity_dict(item: Any) -> dict[str, Any]:
    """One task, risk, decision or list item as the JSON export gives it: the fields
    its domain class declares for export, in declaration order."""
    return {
        spec.name: export_value(spec, getattr(item, spec.name))
        for spec in field_specs(type(item))
        if spec.export
    }


def task_dict(task: Task) -> dict[str, Any]:
    return entity_dict(task)


def risk_dict(risk: Risk) -> dict[str, Any]:
    return entity_dict(risk)


def change_dict(change: Change) -> dict[str, Any]:
    """One history row, as ``tracker-tui history --format json`` gives it."""
    return {
        "at": change.at,
        "user": change.user,
        "entity": change.entity,
        "id": change.id,
        "field": change.field,
        "old": change.old,
        "new": change.new,
    }


# For each table: how to read its rows from a source, and how to turn one into a dict.
_TABLES: dict[str, tuple[Callable[[Source], Iterable[Any]], type]] = {
    "tasks": (lambda source: source.tasks(), Task),
    "activity": (lambda source: source.activity(), ActivityEntry),
    "checkpoints": (lambda source: source.checkpoints(), Checkpoint),
    "risks": (lambda source: source.risks(), Risk),
    "decisions": (lambda source: source.decisions(), Decision),
    "cadence": (lambda source: source.cadence(), CadenceItem),
    "metrics": (lambda source: source.metrics(), Metric),
}


def table_rows(source: Source, table: str) -> list[dict[str, Any]]:
    """The rows of one table (one of ``CSV_TABLES``) as JSON-ready dicts."""
    read, _entity = _TABLES[table]
    return [entity_dict(item) for item in read(source)]


def export_dict(source: Source) -> dict[str, Any]:
    """Everything in the store, as the JSON export's structure."""
    data: dict[str, Any] = {"tracker": tracker_dict(source.tracker_info())}
    for table in CSV_TABLES:
        data[table] = table_rows(source, table)
    return data


def to_json(source: Source) -> str:
    """The JSON export, pretty-printed, with a final newline."""
    return json.dumps(export_dict(source), indent=2, ensure_ascii=False) + "\n"


def changes_to_json(changes: Iterable[Change]) -> str:
    return json.dumps([change_dict(c) for c in changes], indent=2, ensure_ascii=False) + "\n"


def rows_to_csv(rows: list[dict[str, Any]], keys: Iterable[str]) -> str:
    """CSV of ``rows``: a header of ``keys`` (minus ``extra``), then the extra columns.

    Extra columns are the union of the rows' extra keys, in order of first appearance; one
    that clashes with a standard key is headed ``extra:<key>``.
    """
    standard = [key for key in keys if key != "extra"]
    extra_columns: dict[str, str] = {}  # extra key -> header
    for row in rows:
        for key in row.get("extra", {}):
            if key not in extra_columns:
                extra_columns[key] = f"extra:{key}" if key in standard else key
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*standard, *extra_columns.values()])
    for row in rows:
        values = ["" if row[key] is None else row[key] for key in standard]
        extra = row.get("extra", {})
        values += [extra.get(key, "") for key in extra_columns]
        writer.writerow(values)
    return buffer.getvalue()


#: The JSON keys of each table's rows, so that an empty table still gets its header.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    table: names(entity, export=True) for table, (_read, entity) in _TABLES.items()
}


def to_csv(source: Source, table: str) -> str:
    """One table as CSV.

    Raises:
        KeyError: ``table`` is not one of ``CSV_TABLES``.
    """
    return rows_to_csv(table_rows(source, table), TABLE_KEYS[table])
