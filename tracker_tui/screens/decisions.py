"""DecisionsView: the decision log (Date, Decision, Rationale, Owner), with the highlighted
decision and its rationale in full underneath. ``e``/enter edits, ``n`` adds, ``d`` deletes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from tracker_tui.domain import Decision, TrackerError
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._read_only import ReadOnlyActions
from tracker_tui.screens._writes import run_write
from tracker_tui.screens.confirm import ConfirmScreen
from tracker_tui.screens.decision_form import DecisionFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.record_table import Column, RecordTable

DECISION_COLUMNS = [
    Column("date", "Date", width=10, max_width=10, priority=100),
    Column("decision", "Decision", width=24, priority=90),
    Column("rationale", "Rationale", width=20, priority=30),
    Column("owner", "Owner", width=12, max_width=24, priority=60),
]


def decision_detail(decision: Decision | None) -> Group | Text:
    if decision is None:
        return Text("")
    return Group(
        Text.assemble(
            (display_text(decision.date), "bold"), "  ", (display_text(decision.owner), "dim")
        ),
        Text(clean_text(decision.decision, multiline=True)),
        Text.assemble(
            ("Rationale: ", "bold"), clean_text(decision.rationale, multiline=True) or "-"
        ),
    )


class DecisionsView(ReadOnlyActions, Vertical):
    """The decision log. ``refresh_data()`` reads it again."""

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "edit": "editing",
        "new": "adding a decision",
        "delete": "deleting",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="decisions.edit"),
        Binding("n", "new", "New decision", id="decisions.new"),
        Binding("d", "delete", "Delete", id="decisions.delete"),
    ]

    def __init__(self, store: Store, *, id: str | None = "decisions-view") -> None:
        super().__init__(id=id, classes="register-view")
        self.store = store

    def compose(self) -> ComposeResult:
        yield Static(Text("Decision Log", style="bold"), classes="view-title", id="decisions-title")
        yield RecordTable(
            DECISION_COLUMNS,
            key=lambda decision: decision.key,
            empty_text="No decisions recorded.",
            id="decisions-table",
        )
        yield Static(id="decisions-detail", classes="view-detail")

    @property
    def table(self) -> RecordTable:
        return self.query_one("#decisions-table", RecordTable)

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the log again, off the UI thread."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="decisions-load")
    def _load(self) -> None:
        decisions = self.store.decisions()
        self.app.call_from_thread(self._loaded, decisions)

    def _loaded(self, decisions: list[Decision]) -> None:
        self.table.set_rows(decisions)
        self._show_count()
        self._show_detail(self.table.cursor_value)

    def _show_count(self) -> None:
        count = len(self.table.rows)
        self.query_one("#decisions-title", Static).update(
            Text.assemble(
                ("Decision Log", "bold"), f"  {count} decision{'' if count == 1 else 's'}"
            )
        )

    def _show_detail(self, decision: Decision | None) -> None:
        self.query_one("#decisions-detail", Static).update(decision_detail(decision))

    @on(RecordTable.RowHighlighted, "#decisions-table")
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        self._show_detail(event.row)

    @on(RecordTable.RowSelected, "#decisions-table")
    def _selected(self) -> None:
        if self._read_only():
            self.explain_read_only("edit")
            return
        self.action_edit()

    def _saved(self, decision: Decision | None) -> None:
        if decision is None:
            return
        self.table.update_row(decision.key, decision)
        self.table.move_cursor_to_key(decision.key)
        self._show_count()
        self._show_detail(self.table.cursor_value)

    def action_edit(self) -> None:
        """Edit the highlighted decision in a form."""
        decision = self.table.cursor_value
        if decision is not None:
            self.app.push_screen(DecisionFormScreen(self.store, decision), self._saved)

    def action_new(self) -> None:
        """Add a decision, dated today."""
        self.app.push_screen(DecisionFormScreen(self.store, None), self._saved)

    def action_delete(self) -> None:
        """Delete the highlighted decision, after a yes/no question."""
        decision = self.table.cursor_value
        if decision is None or decision.key is None:
            return
        mark = glyphs_for(self)
        summary = display_text(decision.decision)
        if len(summary) > 60:
            summary = summary[:59] + mark.ellipsis

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(decision)

        quoted = f"{mark.open_quote}{summary}{mark.close_quote}"
        self.app.push_screen(ConfirmScreen(f"Delete the decision {quoted}?"), answered)

    def _delete(self, decision: Decision) -> None:
        run_write(self, self._delete_job, decision, group="decisions-write")

    def _delete_job(self, decision: Decision) -> None:
        """Runs on the app's write queue."""
        key = decision.key
        assert key is not None
        try:
            # Only the decision the user saw: a changed one is refused, not lost.
            self.store.delete_decision(key, expected_version=decision.version)
        except TrackerError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title="Not deleted", severity="error", markup=False
            )
        else:
            self.app.call_from_thread(self._deleted, key)

    def _deleted(self, key: int) -> None:
        self.table.remove_row(key)
        self._show_count()
        self._show_detail(self.table.cursor_value)
