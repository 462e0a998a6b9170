"""What the UI says about other users' changes met while saving, from the store's
structured results (never from parsing its messages):

- ``ConflictScreen``: a form's save found fields that someone else changed too, to other
  values. It lists only those fields, the user's value beside theirs and who set it, and
  asks what to do with them:

  - ``"theirs"``: keep their values for those fields;
  - ``"mine"``: save the user's values over theirs;
  - ``"edit"``: go back to the form, rebased on their version, to edit again.

  The user's other changes are saved with either of the first two, and the fields only
  others changed are never overwritten (the form sees to both).
- ``merged_notice``: the one line shown when a save merged with others' changes.
- ``conflict_question``: the yes/no question before an undo overwrites another's change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

from tracker_tui.domain import ConflictError, FieldConflict, MergedField
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.widgets.glyphs import ascii_mode

SOMEONE = "someone"


def _cell(value: str) -> Text:
    return Text(clean_text(value, multiline=True)) if value else Text("(empty)", style="dim")


def _label(field: str, labels: Mapping[str, str]) -> str:
    return labels.get(field) or field.replace("_", " ")


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def names(people: Sequence[str]) -> str:
    """Who, as one phrase: ``ann``, ``ann and cy`` (``someone`` for nobody known)."""
    known = list(dict.fromkeys(display_text(who) or SOMEONE for who in people))
    return _and(known) if known else SOMEONE


def merged_notice(merged: Sequence[MergedField], labels: Mapping[str, str]) -> str:
    """``merged with ann's change to Owner`` (``ann's changes to Owner and Notes and
    cy's change to Status``): what a save kept of others' changes made meanwhile."""
    by_who: dict[str, list[str]] = {}
    for field in merged:
        by_who.setdefault(display_text(field.who) or SOMEONE, []).append(
            _label(field.field, labels)
        )
    parts = [
        f"{who}'s change{'s' if len(fields) > 1 else ''} to {_and(fields)}"
        for who, fields in by_who.items()
    ]
    return f"merged with {_and(parts)}" if parts else ""


def conflict_question(action: str, error: ConflictError) -> str:
    """``bob changed progress of UT-002 since; undo anyway?`` for a refused undo/redo."""
    who = display_text(error.who) or SOMEONE
    entity_id = _item_named(error) or display_text(error.id)
    field = error.fields[0].field if error.fields else ""
    if not entity_id:
        what = "it"
    elif field:
        what = f"{display_text(field).replace('_', ' ')} of {entity_id}"
    else:
        what = entity_id
    return f"{who} changed {what} since; {action} anyway?"


#: How long an item's text may be where a question names it.
_ITEM_NAME_LENGTH = 30


def _item_named(error: ConflictError) -> str:
    """A checkpoint, cadence line, metric or log entry named by its words (``checkpoint
    'Week 9 Launch…'``): its ID is only the store's number, which nobody has seen."""
    text = getattr(error.current, "text", None)
    if not error.id.isdigit() or not isinstance(text, str) or not text:
        return ""
    shown = display_text(text)
    if len(shown) > _ITEM_NAME_LENGTH:
        shown = shown[: _ITEM_NAME_LENGTH - 3] + "..."  # (any terminal: no --ascii here)
    kind = {"cadence": "cadence item", "activity": "log entry"}.get(error.entity, error.entity)
    return f"{kind} '{shown}'"


class ConflictScreen(ModalScreen[str]):
    """Dismisses with ``"theirs"``, ``"mine"`` or ``"edit"`` (escape: edit again).

    ``conflicts``: the fields in question, each named as the user knows it (a label).
    ``also_saved``: labels of the user's other changes, saved whichever way they choose.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("m", "choose('mine')", "Take mine", id="conflict.mine"),
        Binding("e", "choose('edit')", "Edit again", id="conflict.edit"),
        Binding("escape", "choose('edit')", "Back to the form", id="conflict.back"),
    ]

    def __init__(
        self, conflicts: Sequence[FieldConflict], *, also_saved: Sequence[str] = ()
    ) -> None:
        super().__init__(classes="dialog")
        self.conflicts = list(conflicts)
        self.also_saved = list(also_saved)
        self.who = names([conflict.who for conflict in self.conflicts])

    def differing(self) -> list[tuple[str, str, str]]:
        """(field, mine, theirs) for the fields in question, as shown."""
        return [(c.field, c.mine, c.theirs) for c in self.conflicts if c.mine != c.theirs]

    def _table(self) -> Table:
        table = Table(expand=True, box=None, padding=(0, 1))
        overflow: OverflowMethod = "crop" if ascii_mode(self) else "ellipsis"
        table.add_column("Field", style="bold", no_wrap=True, overflow=overflow)
        table.add_column("Yours", ratio=1)
        one_author = len({conflict.who for conflict in self.conflicts}) == 1
        # A str header is read as markup: the user's name is plain text.
        table.add_column(Text(f"Theirs ({self.who})" if one_author else "Theirs"), ratio=1)
        for conflict in self.conflicts:
            theirs = _cell(conflict.theirs)
            if not one_author:
                theirs.append(f" ({display_text(conflict.who) or SOMEONE})", style="dim")
            table.add_row(Text(display_text(conflict.field)), _cell(conflict.mine), theirs)
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(
                Text(f"{self.who} saved this row while you were editing it.", style="bold"),
                id="dialog-question",
            )
            with VerticalScroll(id="conflict-fields"):
                yield Static(self._table(), id="conflict-table")
            if self.also_saved:
                fields = _and([display_text(label) for label in self.also_saved])
                yield Static(
                    Text(f"Keep theirs and Take mine both save your change to {fields}."),
                    id="conflict-also-saved",
                )
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
