"""HelpScreen: every key that works on the screen underneath, read from its live bindings.

The list is built from ``Screen.active_bindings`` of the screen below (the focused
widget's bindings, then its ancestors', the screen's and the app's), after the user's
keymap is applied, so it cannot drift from what the keys actually do.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import OverflowMethod
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tracker_tui.widgets.glyphs import ascii_mode, chrome_text

_PLACES = {"RecordTable": "Table", "VerticalScroll": "Scrolling", "TextArea": "Text"}


def _where(node: DOMNode) -> str:
    if node is node.app:
        return "Anywhere"
    if isinstance(node, Screen):
        return (node.name or node.__class__.__name__.removesuffix("Screen")).capitalize()
    name = node.__class__.__name__
    return _PLACES.get(name, name.removesuffix("View"))


def help_rows(
    screen: Screen[object], bindings: dict[str, ActiveBinding]
) -> list[tuple[str, str, str, bool]]:
    """(where, keys, description, enabled) for the active bindings, keys of one action
    joined ("down / j"), in the order Textual resolves them (focused widget first)."""
    grouped: dict[tuple[int, str], list[str]] = {}
    info: dict[tuple[int, str], tuple[str, str, bool]] = {}
    shown: set[tuple[int, str]] = set()
    for active in bindings.values():
        binding = active.binding
        slot = (id(active.node), binding.action)
        display = screen.app.get_key_display(binding)
        grouped.setdefault(slot, [])
        if display not in grouped[slot]:
            grouped[slot].append(display)
        description = binding.description or binding.action.replace("_", " ")
        if ascii_mode(screen):
            description = chrome_text(description)
        info[slot] = (_where(active.node), description, active.enabled)
        if binding.show:
            shown.add(slot)
    # The keys the footer shows come first; movement and scrolling keys after them.
    order = sorted(info, key=lambda slot: slot not in shown)
    return [
        (info[slot][0], " / ".join(grouped[slot]), info[slot][1], info[slot][2]) for slot in order
    ]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below; ``escape`` or ``?`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close help", id="help.close"),
        Binding("question_mark", "close", "Close help", show=False, id="help.close-question"),
    ]

    def __init__(self, below: Screen[object] | None = None) -> None:
        """The keys of ``below``.

        Args:
            below: the screen whose keys to list (the one in front when help is asked
                for); by default the screen under this one once it is shown.
        """
        super().__init__(classes="dialog")
        # Read the keys now, while the screen underneath is still the active one: once
        # this modal is up, the app rightly disables its screen-switching keys.
        self._rows: list[tuple[str, str, str, bool]] | None = (
            help_rows(below, below.active_bindings) if below is not None else None
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(id="help-table")
            yield Static(Text("escape or ? closes", style="dim"), id="help-hint")

    def on_mount(self) -> None:
        rows = self._rows
        if rows is None:
            stack = self.app.screen_stack
            index = stack.index(self) if self in stack else len(stack)
            below = stack[index - 1] if index > 0 else None
            rows = help_rows(below, below.active_bindings) if below is not None else []
        table = Table(box=None, expand=True, padding=(0, 1), show_header=True)
        # A cut cell ends in "…" unless the app draws ASCII only.
        overflow: OverflowMethod = "crop" if ascii_mode(self) else "ellipsis"
        table.add_column("Key", style="bold", no_wrap=True, overflow=overflow)
        table.add_column("Does")
        table.add_column("Where", style="dim", no_wrap=True, overflow=overflow)
        for where, keys, description, enabled in rows:
            style = "" if enabled else "dim"
            table.add_row(Text(keys, style=style), Text(description, style=style), Text(where))
        self.query_one("#help-table", Static).update(table)

    def action_close(self) -> None:
        self.dismiss(None)
