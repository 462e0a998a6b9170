"""ConflictScreen: someone else saved the row while this user was editing it.

Shows, field by field, the user's value beside the value now in the store (only the
fields that differ) and who saved it, and asks what to do:

- ``"theirs"``: keep their version; the user's edit is dropped;
- ``"mine"``: save the user's values over theirs (re-saved with the current version);
- ``"edit"``: go back to the form, rebased on their version, to edit again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import OverflowMethod
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.widgets.glyphs import ascii_mode


def _cell(value: str) -> Text:
    return Text(clean_text(value, multiline=True)) if value else Text("(empty)", style="dim")


class ConflictScreen(ModalScreen[str]):
    """Dismisses with ``"theirs"``, ``"mine"`` or ``"edit"`` (escape: edit again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("m", "choose('mine')", "Take mine", id="conflict.mine"),
        Binding("e", "choose('edit')", "Edit again", id="conflict.edit"),
        Binding("escape", "choose('edit')", "Back to the form", id="conflict.back"),
    ]

    def __init__(self, mine: dict[str, str], theirs: dict[str, str], who: str) -> None:
        super().__init__(classes="dialog")
        self.mine = mine
        self.theirs = theirs
        self.who = who or "someone"

    def differing(self) -> list[tuple[str, str, str]]:
        """(field, mine, theirs) for the fields whose values differ."""
        fields = [*self.mine, *(name for name in self.theirs if name not in self.mine)]
        return [
            (name, self.mine.get(name, ""), self.theirs.get(name, ""))
            for name in fields
            if self.mine.get(name, "") != self.theirs.get(name, "")
        ]

    def compose(self) -> ComposeResult:
        who = display_text(self.who)
        table = Table(expand=True, box=None, padding=(0, 1))
        overflow: OverflowMethod = "crop" if ascii_mode(self) else "ellipsis"
        table.add_column("Field", style="bold", no_wrap=True, overflow=overflow)
        table.add_column("Yours", ratio=1)
        # A str header is read as markup: the user's name is plain text.
        table.add_column(Text(f"Theirs ({who})"), ratio=1)
        for name, mine, theirs in self.differing():
            table.add_row(Text(display_text(name)), _cell(mine), _cell(theirs))
        with Vertical(id="dialog-box"):
            yield Static(
                Text(f"{who} saved this row while you were editing it.", style="bold"),
                id="dialog-question",
            )
            with VerticalScroll(id="conflict-fields"):
                if self.differing():
                    yield Static(table, id="conflict-table")
                else:
                    yield Static(Text("Your values and theirs are the same."))
            with Horizontal(id="dialog-buttons"):
                yield Button("Keep theirs  t", id="theirs", compact=True)
                yield Button("Take mine  m", id="mine", variant="warning", compact=True)
                yield Button("Edit again  e", id="edit", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#edit", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "edit")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
