"""HelpScreen: every key that works on the screen underneath, read from its live bindings.

The list is built from ``Screen.active_bindings`` of the screen below (the focused
widget's bindings, then its ancestors', the screen's and the app's), after the user's
keymap is applied, so it cannot drift from what the keys actually do.

The keys are grouped under short headings, the screen's own actions first (Edit, Walk,
Choose, Undo, Find, Copy, Go) and the keys that move the cursor or the focus last, so that at
80x24 the first page holds what the screen is for. Which group a key falls in comes from
its action, in one table (``HELP_GROUPS``). Where the width allows, each part is laid out
in two columns. The keys that switch screens (``0``-``7``, which the tab row shows too)
are listed two to a line, so that adding a screen does not push the screen's own actions
off the first page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tracker_tui.widgets.glyphs import ascii_mode, chrome_text

#: The headings, in the order they are shown, and the actions listed under each (an
#: action's name without its namespace or parameters: ``go('risks')`` is ``go``). Within
#: a heading, keys follow the order of the actions here, then the order of the bindings.
HELP_GROUPS: dict[str, tuple[str, ...]] = {
    "Edit": (
        "pick_status",
        "cycle_status",
        "nudge_progress",
        "set_progress",
        "edit",
        "edit_task",
        "new",
        "new_task",
        "delete",
        "delete_task",
        "add",
        "add_activity",
        "name_tracker",
    ),
    # The stand-up's walk-through, owner by owner.
    "Walk": ("start_walk", "next_owner", "previous_owner", "end"),
    # In a picker or a question (the status picker, yes/no, a conflict): the answers.
    "Choose": ("choose", "answer", "move", "select", "accept", "save", "cancel"),
    "Undo": ("undo", "redo"),
    "Find": ("filter", "clear_filter", "sort"),
    "Copy": ("copy_id", "copy_row", "copy_report"),
    "Go": (
        "select_cursor",
        "open_task",
        "close",
        "page",
        "go",
        "command_palette",
        "help",
        "keys",
        "quit",
    ),
    "Move": (
        "cursor",
        "cursor_up",
        "cursor_down",
        "scroll_up",
        "scroll_down",
        "scroll_left",
        "scroll_right",
        "cursor_first",
        "cursor_last",
        "first",
        "last",
        "scroll_home",
        "scroll_end",
        "page_up",
        "page_down",
        "page_left",
        "page_right",
    ),
    "Focus": ("focus_next", "focus_previous", "copy_text"),
}
#: An action missing from the table is listed under this heading, after the screen's
#: own groups and before the moving keys.
OTHER_GROUP = "More"
#: The groups shown last, after the screen's own actions.
LAST_GROUPS = ("Move", "Focus")
#: Actions whose keys share a line two by two: the screen switches, one per screen.
PAIRED_ACTIONS = ("go",)
#: Below this many cells a part of the help is one column, not two.
TWO_COLUMNS_WIDTH = 56
#: Cells between the two columns.
COLUMN_GAP = 3

_PLACES = {"RecordTable": "Table", "VerticalScroll": "Scrolling", "TextArea": "Text"}


def _where(node: DOMNode) -> str:
    if node is node.app:
        return "Anywhere"
    if isinstance(node, Screen):
        return (node.name or node.__class__.__name__.removesuffix("Screen")).capitalize()
    name = node.__class__.__name__
    return _PLACES.get(name, name.removesuffix("View"))


def _action_name(action: str) -> str:
    """``app.go('risks')`` -> ``go``."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def help_group(action: str) -> str:
    """The heading ``action`` is listed under."""
    name = _action_name(action)
    for group, actions in HELP_GROUPS.items():
        if name in actions:
            return group
    return OTHER_GROUP


def _group_order() -> list[str]:
    own = [group for group in HELP_GROUPS if group not in LAST_GROUPS]
    return [*own, OTHER_GROUP, *LAST_GROUPS]


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One action of the screen underneath: its keys, what it does, where it is bound."""

    group: str
    keys: str
    description: str
    where: str
    enabled: bool
    #: Listed two to a line with the next such row (``PAIRED_ACTIONS``).
    paired: bool = False


def help_rows(screen: Screen[object], bindings: dict[str, ActiveBinding]) -> list[HelpRow]:
    """The active bindings as rows, keys of one action joined ("↓ / j"), grouped under
    their headings in the order of ``HELP_GROUPS``."""
    keys: dict[tuple[int, str], list[str]] = {}
    info: dict[tuple[int, str], tuple[str, str, bool]] = {}
    for active in bindings.values():
        binding = active.binding
        slot = (id(active.node), binding.action)
        display = screen.app.get_key_display(binding)
        keys.setdefault(slot, [])
        if display not in keys[slot]:
            keys[slot].append(display)
        description = binding.description or binding.action.replace("_", " ")
        if ascii_mode(screen):
            description = chrome_text(description)
        info[slot] = (_where(active.node), description, active.enabled)
    groups = _group_order()
    first_seen = {slot: index for index, slot in enumerate(info)}

    def order(slot: tuple[int, str]) -> tuple[int, int, int]:
        action = slot[1]
        group = help_group(action)
        actions = HELP_GROUPS.get(group, ())
        name = _action_name(action)
        rank = actions.index(name) if name in actions else len(actions)
        return groups.index(group), rank, first_seen[slot]

    rows: list[HelpRow] = []
    for slot in sorted(info, key=order):
        where, description, enabled = info[slot]
        group = help_group(slot[1])
        paired = _action_name(slot[1]) in PAIRED_ACTIONS
        rows.append(HelpRow(group, " / ".join(keys[slot]), description, where, enabled, paired))
    return rows


# -- layout ----------------------------------------------------------------------------


class _Line(NamedTuple):
    """A line of one column: a heading (``keys`` is None) or a key and what it does,
    with, for paired rows, a second key and what it does beside them."""

    text: str
    keys: str | None
    enabled: bool = True
    beside: HelpRow | None = None
    #: Cells the first description is padded to, so that the second keys line up.
    text_width: int = 0


def _lines(rows: Iterable[HelpRow]) -> list[_Line]:
    lines: list[_Line] = []
    group = None
    pending: list[HelpRow] = []

    def flush() -> None:
        pairs = [pending[index : index + 2] for index in range(0, len(pending), 2)]
        width = max((cell_len(pair[0].description) for pair in pairs if len(pair) == 2), default=0)
        for pair in pairs:
            first, beside = pair[0], (pair[1] if len(pair) == 2 else None)
            lines.append(_Line(first.description, first.keys, first.enabled, beside, width))
        pending.clear()

    for row in rows:
        if row.group != group:
            flush()
            group = row.group
            lines.append(_Line(group, None))
        if row.paired:
            pending.append(row)
            continue
        flush()
        lines.append(_Line(row.description, row.keys, row.enabled))
    flush()
    return lines


#: Lines a cut inside a group must save over the best cut between groups: a group read
#: in one piece is worth a slightly longer column.
_MID_GROUP_COST = 3


def _split(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Two columns of about the same height, cut between two groups unless a cut inside
    one (which repeats its heading at the top of the second column) is much more even."""
    if len(lines) < 2:
        return lines, []
    best: tuple[int, bool, int] | None = None  # (cost, inside a group, index)
    for index in range(1, len(lines)):
        if lines[index].keys is None:
            candidate = (max(index, len(lines) - index), False, index)
        elif lines[index - 1].keys is not None:
            height = max(index, len(lines) - index + 1)
            candidate = (height + _MID_GROUP_COST, True, index)
        else:
            continue  # never leave a heading alone at the bottom of a column
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is None:
        return lines, []
    index = best[2]
    left, right = lines[:index], lines[index:]
    if right[0].keys is not None:
        heading = next(line for line in reversed(left) if line.keys is None)
        right = [heading, *right]
    return left, right


class HelpColumns:
    """The help's rows, in two columns per part when the width allows, else one.

    A Rich renderable, so that the layout follows the width it is drawn at (a resize
    lays it out again).
    """

    def __init__(self, rows: list[HelpRow], *, ascii: bool = False) -> None:
        self.parts = [
            [row for row in rows if row.group not in LAST_GROUPS],
            [row for row in rows if row.group in LAST_GROUPS],
        ]
        self.ascii = ascii

    def _grid(self, width: int, part: list[HelpRow]) -> Table:
        """One part in a grid of its own, so that its key columns are as wide as its own
        keys (the moving keys' "pgup / ctrl+b" does not narrow the screen's actions)."""
        two = width >= TWO_COLUMNS_WIDTH
        grid = Table.grid(expand=True)
        for index in range(2 if two else 1):
            if index:
                grid.add_column(width=COLUMN_GAP)
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, no_wrap=True, overflow="crop" if self.ascii else "ellipsis")
        lines = _lines(part)
        columns = list(_split(lines)) if two else [lines]
        height = max(len(column) for column in columns)
        for y in range(height):
            cells: list[Text] = []
            for index, column in enumerate(columns):
                if index:
                    cells.append(Text(""))
                cells.extend(self._cells(column[y] if y < len(column) else None))
            grid.add_row(*cells)
        return grid

    @staticmethod
    def _cells(line: _Line | None) -> list[Text]:
        if line is None:
            return [Text(""), Text("")]
        if line.keys is None:
            return [Text(line.text, style="bold underline"), Text("")]
        style = "" if line.enabled else "dim"
        text = Text(line.text, style=style)
        if line.beside is not None:
            beside = line.beside
            beside_style = "" if beside.enabled else "dim"
            text.pad_right(line.text_width - text.cell_len + 2)
            text.append(beside.keys + " ", style=f"bold {beside_style}".strip())
            text.append(beside.description, style=beside_style)
        return [Text(line.keys + " ", style=f"bold {style}".strip()), text]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        parts = [part for part in self.parts if part]
        for index, part in enumerate(parts):
            if index:
                yield Text("")
            yield self._grid(options.max_width, part)


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
        self._rows: list[HelpRow] | None = (
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
        self.query_one("#help-table", Static).update(HelpColumns(rows, ascii=ascii_mode(self)))

    def action_close(self) -> None:
        self.dismiss(None)
