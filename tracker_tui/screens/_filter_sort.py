"""Filter (``/``) and sort (``o``) for a screen built around one RecordTable, as the
Snapshot screen does them: the portfolio and the owner view share this.

The screen declares the bindings itself (each with its own id) and yields
``filter_input()`` above its table; this mixin gives the actions.
"""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.widgets import Input

from tracker_tui.widgets.in_order_keys import InOrderInput
from tracker_tui.widgets.record_table import RecordTable


def filter_input() -> InOrderInput:
    field = InOrderInput(
        placeholder="filter: type to match any column; enter keeps, escape clears",
        id="filter",
    )
    field.display = False
    return field


class FilterSort(Screen[None]):
    """``action_filter``, ``action_clear_filter`` and ``action_sort`` over ``table``,
    for the Snapshot screen, the portfolio and the owner view."""

    #: The sort choice that undoes sorting: the rows' own order.
    UNSORTED_LABEL = "Document order"

    @property
    def table(self) -> RecordTable:
        raise NotImplementedError

    def _typing_in_filter(self) -> bool:
        focused = self.focused
        return focused is not None and focused.id == "filter"

    def filter_allows(self, action: str) -> bool:
        """Whether the filter leaves ``action`` to its binding now. While the filter has
        the focus, / and +/- are text (Textual does not know that "slash", "plus" and
        "minus" are printable): hidden from the footer, and / is not taken by its
        priority binding. "esc Clear filter" shows only while there is a filter."""
        if action in ("filter", "nudge_progress") and self._typing_in_filter():
            return False
        return not (
            action == "clear_filter"
            and not (self.is_mounted and (self._typing_in_filter() or bool(self.table.filter_text)))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.filter_allows(action):
            return False
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        # Shown and focused now, not after the next refresh, so that keys typed right
        # after / (a fast typist, a paste) land in the filter.
        field.display = True
        self.set_focus(field)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.filter_text = event.value

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.remove_class("-active")
            event.input.display = False
        self.table.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if not field.has_class("-active") and not self.table.filter_text:
            return
        self.close_filter()

    def close_filter(self) -> None:
        """No filter, its field hidden and empty, the table focused."""
        field = self.query_one("#filter", Input)
        field.value = ""
        field.remove_class("-active")
        field.display = False
        self.table.filter_text = ""
        self.table.focus()
        self.refresh_bindings()  # "esc Clear filter" leaves the footer

    def action_sort(self) -> None:
        from tracker_tui.screens.progress_prompt import ChoicePrompt

        table = self.table
        choices = [("", self.UNSORTED_LABEL)] + [
            (column.key, column.label) for column in table.columns if column.label
        ]

        def chosen(key: str | None) -> None:
            if key is not None:
                table.sort_by(key or None)

        self.app.push_screen(
            ChoicePrompt("Sort by (again to reverse)", choices, table.sort_column or ""), chosen
        )
