"""StatusPicker: choose a task's or a risk's status in a small list beside its row.

``s`` on a row used to save the next status at once, so a lead stepping from Complete to
Blocked wrote (and logged) every status in between. The picker holds the choice instead:
``s``/``S`` inside it move to the next/previous status, each status has one key (its
initial, or its place in the list when initials clash), ``enter`` takes the highlighted
one and ``escape`` takes none. It returns the status chosen, or None; the screen that
opened it saves that one status, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tracker_tui import rules
from tracker_tui.sanitize import display_text
from tracker_tui.widgets.glyphs import glyphs_for

#: Keys the picker keeps for itself: a status whose initial is one of these gets a digit.
RESERVED_KEYS = frozenset({"s", "j", "k", "q"})
#: Lines around the statuses: the border, the title and the hint.
_CHROME_HEIGHT = 2 + 2
#: From the box's left edge to a status name: the border, the padding, "b  ".
_NAME_INDENT = 1 + 1 + 3


def status_keys(statuses: Sequence[str], reserved: Iterable[str] = RESERVED_KEYS) -> list[str]:
    """One key per status: its initial (lower case) where no other status shares it and
    the picker does not use it, else its place in the list (1-9), else none ("").

    >>> status_keys(["Open", "Monitoring", "Mitigated", "Resolved", "Closed"])
    ['o', '2', '3', 'r', 'c']
    """
    taken = {key.lower() for key in reserved}
    initials = [status.strip()[:1].lower() for status in statuses]
    keys = []
    for place, initial in enumerate(initials, 1):
        usable = initial.isascii() and initial.isalpha() and initial not in taken
        if usable and initials.count(initial) == 1:
            keys.append(initial)
        else:
            keys.append(str(place) if place <= 9 else "")
    return keys


def binding_keys(screen: Screen, binding_id: str) -> list[str]:
    """The keys that run the binding ``binding_id`` on ``screen`` now, the user's keymap
    applied (so that the key that opened the picker also steps inside it)."""
    return [
        key for key, active in screen.active_bindings.items() if active.binding.id == binding_id
    ]


class StatusPicker(ModalScreen[str | None]):
    """The statuses of one row, the next (or previous) one highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Choose", id="status-picker.accept"),
        Binding("escape", "cancel", "Cancel", id="status-picker.cancel"),
        Binding("s", "move(1)", "Next status", id="status-picker.next"),
        Binding("S", "move(-1)", "Previous status", id="status-picker.previous"),
        Binding("down,j", "move(1)", "Next status", show=False, id="status-picker.down"),
        Binding("up,k", "move(-1)", "Previous status", show=False, id="status-picker.up"),
        Binding("question_mark", "keys", "Keys", show=False, id="status-picker.help"),
    ]

    def __init__(
        self,
        subject: str,
        statuses: Sequence[str],
        current: str,
        *,
        step: int = 1,
        anchor: Region | None = None,
        next_keys: Sequence[str] = (),
        previous_keys: Sequence[str] = (),
    ) -> None:
        """The picker for the row ``subject`` (its ID), now at ``current``.

        Args:
            statuses: the store's list for this kind of row, in its order.
            step: 1 opens on the status after ``current``, -1 on the one before.
            anchor: the row's status cell on the screen; the picker opens under it (or
                above, when there is no room below). None: centred.
            next_keys, previous_keys: the keys that opened the picker (the user's keymap
                for ``s``/``S``); they step inside it too.
        """
        super().__init__(name="status picker", classes="status-picker")
        self.subject = subject
        self.statuses = list(statuses)
        self.current = current
        self.row_region = anchor
        self._answered = False
        self._start = self.statuses.index(rules.cycle_status(self.statuses, current, step))
        stepping = {"s", "S", *next_keys, *previous_keys}
        self.choice_keys = status_keys(self.statuses, RESERVED_KEYS | {k.lower() for k in stepping})
        # A status list is known only at run time (a document may bring its own), so its
        # keys are added to this picker's own map: Textual reads every binding from the
        # node's BindingsMap, and the help lists these as it lists the rest.
        added = [
            Binding(key, f"choose({place})", status, show=False, id=f"status-picker.{key}")
            for place, (key, status) in enumerate(zip(self.choice_keys, self.statuses, strict=True))
            if key
        ]
        added += [Binding(key, "move(1)", "Next status", show=False) for key in next_keys]
        added += [Binding(key, "move(-1)", "Previous status", show=False) for key in previous_keys]
        own = self._bindings.key_to_bindings
        for binding in added:
            if binding.key not in own:  # never a second meaning for s, S, j, k...
                own[binding.key] = [binding]

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(
                Text.assemble("Status of ", (display_text(self.subject), "bold")),
                id="picker-title",
            )
            labels = map(self._label, self.choice_keys, self.statuses)
            yield OptionList(
                *(Option(label, id=str(place)) for place, label in enumerate(labels)),
                id="picker-options",
            )
            yield Static(Text(self._hint(), style="dim"), id="picker-hint")

    def _hint(self) -> str:
        return f"enter chooses{glyphs_for(self).separator}esc cancels"

    def _label(self, key: str, status: str) -> Text:
        now = "  (now)" if status == self.current else ""
        # No status colours here: under the highlight they can vanish (cyan on cyan).
        return Text.assemble((f"{key or ' '}  ", "bold"), display_text(status), (now, "dim"))

    @property
    def options(self) -> OptionList:
        return self.query_one("#picker-options", OptionList)

    def on_mount(self) -> None:
        self.options.highlighted = self._start
        self._place(self.size.width, self.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._place(event.size.width, event.size.height)

    def _place(self, screen_width: int, screen_height: int) -> None:
        """Size the box to its statuses and put it under the row's status (above it when
        there is no room below), inside the screen."""
        labels = [label.cell_len for label in map(self._label, self.choice_keys, self.statuses)]
        hint = cell_len(self._hint())
        width = min(screen_width, max([*labels, hint, 12 + cell_len(self.subject)]) + 4)
        height = min(screen_height, len(self.statuses) + _CHROME_HEIGHT)
        box = self.query_one("#picker-box", Vertical)
        box.styles.width = width
        box.styles.height = height
        row = self.row_region
        if row is None:
            x, y = (screen_width - width) // 2, (screen_height - height) // 2
        else:
            x = row.x - _NAME_INDENT  # the names line up with the row's status
            y = row.bottom
            if y + height > screen_height:
                y = row.y - height if row.y >= height else screen_height - height
        box.styles.offset = (max(0, min(x, screen_width - width)), max(0, y))

    # -- keys --------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        """Highlight the next (1) or previous (-1) status, wrapping round the list."""
        options = self.options
        index = self._start if options.highlighted is None else options.highlighted
        options.highlighted = (index + step) % len(self.statuses)

    def action_choose(self, place: int) -> None:
        self._close(self.statuses[place])

    def action_accept(self) -> None:
        highlighted = self.options.highlighted
        self._close(self.statuses[self._start if highlighted is None else highlighted])

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, status: str | None) -> None:
        # Once: a second enter in the same burst must not save (or dismiss) again.
        if not self._answered:
            self._answered = True
            self.dismiss(status)

    def action_keys(self) -> None:
        from tracker_tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    @on(OptionList.OptionSelected, "#picker-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._close(self.statuses[event.option_index])
