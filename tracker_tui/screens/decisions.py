"""DecisionsView: the decision log (Date, Decision, Rationale, Owner), with the highlighted
decision and its rationale in full underneath. ``e``/enter edits, ``n`` adds, ``d`` deletes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from tracker_tui.domain import Decision
from tracker_tui.messages import DecisionsRead
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._failures import reading
from tracker_tui.screens._register import RegisterView
from tracker_tui.screens.decision_form import DecisionFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.record_table import Column

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


class DecisionsView(RegisterView):
    """The decision log. ``refresh_data()`` reads it again."""

    PREFIX: ClassVar[str] = "decisions"
    TITLE: ClassVar[str] = "Decision Log"
    COLUMNS = DECISION_COLUMNS
    EMPTY_TEXT: ClassVar[str] = "No decisions recorded."

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
        super().__init__(store, id=id)

    def refresh_data(self) -> None:
        """Read the log again, off the UI thread."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="decisions-load")
    def _load(self) -> None:
        with reading(self, "the decision log"):
            self.post_message(DecisionsRead(self.store.decisions()))

    def on_decisions_read(self, message: DecisionsRead) -> None:
        self._loaded(message.decisions)

    def _loaded(self, decisions: list[Decision]) -> None:
        self.table.set_rows(decisions)
        self.show_title()
        self._show_detail(self.table.cursor_value)

    def show_title(self) -> None:
        count = len(self.table.rows)
        self.set_title(
            Text.assemble((self.TITLE, "bold"), f"  {count} decision{'' if count == 1 else 's'}")
        )

    def detail(self, decision: Decision | None) -> Group | Text:
        return decision_detail(decision)

    def action_edit(self) -> None:
        """Edit the highlighted decision in a form."""
        decision = self.table.cursor_value
        if decision is not None:
            self.app.push_screen(DecisionFormScreen(self.store, decision), self._show_saved)

    def action_new(self) -> None:
        """Add a decision, dated today."""
        self.app.push_screen(DecisionFormScreen(self.store, None), self._show_saved)

    def action_delete(self) -> None:
        """Delete the highlighted decision, after a yes/no question."""
        decision = self.table.cursor_value
        if decision is None or decision.key is None:
            return
        mark = glyphs_for(self)
        quoted = f"{mark.open_quote}{self.summary(decision.decision)}{mark.close_quote}"
        self.confirm_delete(decision, f"Delete the decision {quoted}?")

    def delete_record(self, decision: Decision) -> None:
        # Only the decision the user saw: a changed one is refused, not lost.
        if decision.key is not None:  # a decision read from the store always has its key
            self.store.delete_decision(decision.key, expected_version=decision.version)
