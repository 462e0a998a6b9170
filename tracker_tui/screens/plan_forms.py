"""The Plan screen's forms: a checkpoint, a cadence item, a metric.

Their fields come from the domain's field declarations (``fields.field_specs``), not a
list of their own: a field added to ``Checkpoint`` (a date, say) shows up here with its
label, its limit and, for a date, the date check. A checkpoint and a cadence item are
saved with ``store.save_item`` and a metric with ``store.set_metric_value`` (what
``tracker-tui metric`` calls), so the store refuses a bad value the same way for both,
with one line under the field. An edit passes the item as read: another user's change
made meanwhile is refused (``ConflictError``) instead of overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from tracker_tui.domain import (
    CadenceItem,
    Checkpoint,
    ConflictError,
    FieldConflict,
    Metric,
    NotFoundError,
)
from tracker_tui.fields import FieldSpec, field_specs
from tracker_tui.screens._form import DateValidator, EditForm, GuardedInput, Required, field
from tracker_tui.screens.plan_rows import KIND_NAMES
from tracker_tui.store.store import Store

PlanItem = Checkpoint | CadenceItem | Metric

#: Each kind's domain value.
ITEM_TYPES: dict[str, type] = {"checkpoint": Checkpoint, "cadence": CadenceItem, "metric": Metric}

#: Labels the Plan screen says differently from the declaration (a metric's text is
#: its name).
LABELS: dict[tuple[str, str], str] = {("metric", "text"): "Name"}

#: The fields a metric's value goes through ``set_metric_value`` with.
METRIC_VALUE_FIELDS = ("value", "unit", "target")


def editable_specs(kind: str) -> tuple[FieldSpec, ...]:
    """The fields a user sets on an item of ``kind``, in declaration order (text and
    date fields: an ``extra`` dict is the document's, not the form's)."""
    return tuple(
        spec
        for spec in field_specs(ITEM_TYPES[kind])
        if spec.editable and spec.kind in ("text", "multiline", "date")
    )


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


class PlanItemForm(EditForm[PlanItem | None]):
    """Adds (no ``item``) or edits an item of ``kind``; dismisses with what was saved
    (the item as the form leaves it; the view reads the list again), or None."""

    def __init__(self, store: Store, kind: str, item: PlanItem | None = None) -> None:
        self.store = store
        self.kind = kind
        self.specs = editable_specs(kind)
        # Per instance: the fields depend on the kind (the conflict dialog reads them).
        self.FIELDS: dict[str, str] = {  # type: ignore[misc]
            spec.name: LABELS.get((kind, spec.name), spec.label or spec.name) for spec in self.specs
        }
        super().__init__(item)

    FIELDS: ClassVar[dict[str, str]] = {}

    def form_title(self) -> str:
        verb = "New" if self.is_new else "Edit"
        return f"{verb} {KIND_NAMES[self.kind]}"

    def entity_values(self, entity: Any) -> dict[str, str]:
        return {spec.name: _shown(getattr(entity, spec.name)) for spec in self.specs}

    def compose_fields(self) -> ComposeResult:
        values = self._loaded
        for spec in self.specs:
            label = self.FIELDS[spec.name]
            value = values.get(spec.name, "")
            # A checkpoint's date is declared as text (kept as the document wrote it,
            # like a decision's), but an edit must give a real day: checked as typed.
            if spec.kind == "date" or spec.name == "date":
                widget = GuardedInput(
                    value, limit=10, placeholder="YYYY-MM-DD", validators=[DateValidator(label)]
                )
            elif spec.name == "text":
                widget = GuardedInput(value, limit=spec.max_length, validators=[Required(label)])
            else:
                widget = GuardedInput(value, limit=spec.max_length)
            yield field(label, spec.name, widget)

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
        store, kind, item = self.store, self.kind, self._entity
        if kind == "metric":
            return lambda: _save_metric(store, item, changes)
        key = None if item is None else item.key

        def save() -> PlanItem:
            store.save_item(kind, key, changes, expected=item)
            saved: PlanItem = item or ITEM_TYPES[kind](key=None, **changes)
            return saved

        return save

    # -- another user's change made meanwhile --------------------------------------------

    def _save_failed(self, error: BaseException | None) -> None:
        """These rows have no version: the store says which fields changed since, and
        who changed them. The form asks only about those the user changed too (the
        conflict dialog, as for a task); when none, it saves the user's fields over the
        item as it is now, keeping the other user's changes (as a merge does)."""
        if isinstance(error, NotFoundError) and self._entity is not None:
            self._deleted_meanwhile()
            return
        if isinstance(error, ConflictError) and error.current is not None:
            mine = self.changes()
            theirs = self.entity_values(error.current)
            who = {conflict.field: conflict.who for conflict in error.fields}
            clashes = tuple(
                FieldConflict(name, value, theirs.get(name, ""), who.get(name, ""))
                for name, value in mine.items()
                if theirs.get(name, "") not in (self._loaded.get(name, ""), value)
            )
            found = ConflictError(
                str(error), current=error.current, entity=error.entity, id=error.id, fields=clashes
            )
            if not clashes:
                self._resolve_conflict("mine", found, mine)
                return
            error = found
        super()._save_failed(error)

    def _deleted_meanwhile(self) -> None:
        """Someone deleted the item while this form had it open: the form becomes a new
        item's, holding what the user typed, so that ctrl+s adds it back instead of
        failing for ever (and esc being the only way out, losing the edit)."""
        self._entity = None
        self._loaded = {}
        self.query_one("#form-title", Static).update(Text(self.form_title()))
        name = KIND_NAMES[self.kind]
        self.set_status(f"Not saved: someone deleted this {name} meanwhile; ctrl+s adds it again")

    def _resolve_conflict(self, choice: str, error: ConflictError, mine: dict[str, str]) -> None:
        # The next save is checked against the item as it is now, not as first read.
        self._entity = error.current
        super()._resolve_conflict(choice, error, mine)


def _save_metric(store: Store, metric: Metric | None, changes: dict[str, str]) -> Metric:
    """A metric's name through ``save_item``'s checks, its value, unit and target through
    ``set_metric_value``'s, in one save (one step of undo)."""
    # A new metric's blank fields are not given (a value may come later); an edit's
    # blanked value is given, and refused as not a number.
    given = {
        name: (changes.get(name) or None) if metric is None else changes.get(name)
        for name in METRIC_VALUE_FIELDS
    }
    base = metric if metric is not None else Metric(key=None, text=changes.get("text", ""))
    return store.set_metric_value(
        base.text,
        given["value"],
        unit=given["unit"],
        target=given["target"],
        expected=base,
        text=changes.get("text"),
    )
