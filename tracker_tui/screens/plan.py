"""PlanView: what comes next, and what to watch. One list of three sections (upcoming
checkpoints, the communication cadence, the metrics to monitor), each under its heading;
a metric with a value shows it against its target, with a sparkline of its recent values.

The selected item is drawn in full under the list. ``n`` adds to the section the cursor
is in (on its heading or one of its items), ``e``/enter edits the selected item in a
form and ``d`` deletes it after a yes/no question, as the registers do; ``u`` undoes
this user's last change, as on the Snapshot.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import timedelta
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from tracker_tui.domain import CadenceItem, Checkpoint, Metric
from tracker_tui.messages import PlanRead
from tracker_tui.screens._failures import reading
from tracker_tui.screens._register import RegisterView
from tracker_tui.screens._replay import UndoRedo
from tracker_tui.screens.plan_forms import PlanItem, PlanItemForm
from tracker_tui.screens.plan_rows import KIND_NAMES, PLAN_COLUMNS, PlanRow, plan_detail, plan_rows
from tracker_tui.store.replayed import Replayed
from tracker_tui.store.store import Store
from tracker_tui.trends.metrics import metric_name
from tracker_tui.trends.series import metric_series
from tracker_tui.widgets.glyphs import ascii_mode

#: The days of values a metric's sparkline draws.
SPARKLINE_DAYS = 30


class PlanView(UndoRedo, RegisterView):
    """Checkpoints, cadence and metrics; ``refresh_data()`` reads them again."""

    PREFIX: ClassVar[str] = "plan"
    TITLE: ClassVar[str] = "Plan"
    COLUMNS = PLAN_COLUMNS
    EMPTY_TEXT: ClassVar[str] = "Nothing planned."

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "new": "adding to the plan",
        "edit": "editing the plan",
        "delete": "deleting from the plan",
        "undo": "undo",
        "redo": "redo",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="plan.new"),
        Binding("e", "edit", "Edit", id="plan.edit"),
        Binding("d", "delete", "Delete", id="plan.delete"),
        Binding("u", "undo", "Undo", id="plan.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="plan.redo"),
    ]

    def __init__(self, store: Store, *, id: str | None = "plan-view") -> None:
        super().__init__(store, id=id)
        self._counts: dict[str, int] = {}
        # The section whose new item to select once the list has been read again.
        self._select_last_of: str | None = None

    def record_key(self, record: Any) -> Hashable:
        row: PlanRow = record
        return row.key

    # -- reading -----------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Read the three sections again, off the UI thread."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-load")
    def _load(self) -> None:
        with reading(self, "the plan"):
            store = self.store
            metrics = store.metrics()
            self.post_message(
                PlanRead(store.checkpoints(), store.cadence(), metrics, self._recent(metrics))
            )

    def _recent(self, metrics: list[Metric]) -> dict[int, list[float]]:
        """Each measured metric's values over the last ``SPARKLINE_DAYS`` days."""
        if not any(metric.value for metric in metrics):
            return {}
        today = self.store.clock.today()
        inputs = self.store.trend_inputs(since=today - timedelta(days=SPARKLINE_DAYS))
        return {
            metric.key: [
                point.value
                for point in metric_series(inputs, str(metric.key), metric_name(metric)).points
            ]
            for metric in metrics
            if metric.value and metric.key is not None
        }

    def on_plan_read(self, message: PlanRead) -> None:
        self._loaded(message.checkpoints, message.cadence, message.metrics, message.recent_values)

    def _loaded(
        self,
        checkpoints: list[Checkpoint],
        cadence: list[CadenceItem],
        metrics: list[Metric],
        recent_values: Mapping[int, Sequence[float]] | None = None,
    ) -> None:
        self._counts = {
            "checkpoint": len(checkpoints),
            "cadence": len(cadence),
            "metric": len(metrics),
        }
        rows = plan_rows(
            checkpoints,
            cadence,
            metrics,
            recent_values,
            ascii=ascii_mode(self),
            today=self.store.clock.today(),
        )
        self.table.set_rows(rows)
        if self._select_last_of is not None:
            last = [row for row in rows if row.kind == self._select_last_of]
            self.table.move_cursor_to_key(last[-1].key)
            self._select_last_of = None
        self.show_title()
        self._show_detail(self.table.cursor_value)

    def show_title(self) -> None:
        title = Text(self.TITLE, style="bold")
        counts = self._counts
        if counts:
            title.append(
                f"  {counts['checkpoint']} checkpoints, {counts['cadence']} cadence, "
                f"{counts['metric']} metrics"
            )
        self.set_title(title)

    def detail(self, record: Any | None) -> Group | Text:
        return plan_detail(record)

    # -- editing -----------------------------------------------------------------------

    def _selected_row(self) -> PlanRow | None:
        row: PlanRow | None = self.table.cursor_value
        return row

    def action_new(self) -> None:
        """Add an item to the section the cursor is in."""
        row = self._selected_row()
        kind = row.kind if row is not None else "checkpoint"
        self.app.push_screen(PlanItemForm(self.store, kind), self._after_new(kind))

    def _after_new(self, kind: str) -> Any:
        def added(item: PlanItem | None) -> None:
            if item is not None:
                # A new item goes at the end of its section: select it there.
                self._select_last_of = kind
                self.refresh_data()

        return added

    def action_edit(self) -> None:
        """Edit the selected item in a form (on a heading: nothing to edit)."""
        row = self._selected_row()
        if row is not None and row.item is not None:
            self.app.push_screen(PlanItemForm(self.store, row.kind, row.item), self._edited)

    def _edited(self, item: PlanItem | None) -> None:
        if item is not None:
            self.refresh_data()

    def action_delete(self) -> None:
        """Delete the selected item, after a yes/no question."""
        row = self._selected_row()
        if row is None or row.item is None:
            return
        name = KIND_NAMES[row.kind]
        self.confirm_delete(row, f"Delete the {name} {self.summary(row.item.text)}?")

    def delete_record(self, record: Any) -> None:
        row: PlanRow = record
        item = row.item
        if item is not None and item.key is not None:
            # Only as read: another user's change made meanwhile is a conflict.
            self.store.delete_item(row.kind, item.key, expected=item)

    def _deleted(self, key: Hashable) -> None:
        super()._deleted(key)
        self.refresh_data()  # the section may now be empty, and the counts change

    # -- undo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        """Undo this user's last change (a Plan edit, or one made on another screen)."""
        self._replay("undo")

    def action_redo(self) -> None:
        self._replay("redo")

    def replayed(self, changes: Replayed, store: Store) -> None:
        # The Plan is rebuilt on a switch of tracker: ``store`` is always its own.
        self.app.call_from_thread(self.refresh_data)

    def replayed_names(self, changes: Replayed) -> list[str]:
        return sorted({KIND_NAMES.get(c.entity, c.entity) for c in changes})
