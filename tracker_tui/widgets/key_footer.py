"""KeyFooter: the keys of the current screen on one line, drawn by a single widget.

Textual's ``Footer`` mounts a widget per key and recomposes them whenever the bindings
change (each focus change); before the first frame that cost the dashboard as much as a
third of a minimal Textual app's whole start-up. This footer reads the same source,
``Screen.active_bindings`` (the focused widget's bindings, then its ancestors', the
screen's and the app's, the user's keymap applied), and redraws one line when the
screen's ``bindings_updated_signal`` fires:

- bindings with ``show=True``, one item per action, in the order Textual resolves them;
- a binding whose ``check_action`` returns ``None`` is drawn dimmed (unavailable);
- when the line is too narrow, the screen's last items give way first; the app's own
  keys (help, quit) stay, and the command palette hint shows only when there is room;
- a click on an item presses its key (a dimmed one says why it does nothing);
- ``note``: a short status about the selection ("UT-003 edited by ann 20 s ago"), drawn
  at the right end in place of the palette hint; the screen's last items give way to it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

from tracker_tui.widgets.glyphs import ascii_mode, chrome_text, truncate


class KeyFooter(Widget, can_focus=False):
    """One line of ``key description`` items for the screen's active bindings."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }

    # Reusable widget: its defaults live here; the app's stylesheet may override them.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--disabled { text-style: dim; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each item
        self._note: Text | None = None

    @property
    def note(self) -> Text | None:
        """A status line about the selection, shown at the right end (None: none)."""
        return self._note

    @note.setter
    def note(self, note: Text | None) -> None:
        if note != self._note:
            self._note = note
            self.refresh()  # one line, same height: no layout

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        self.refresh()  # one line, same height: no layout

    def items(self) -> list[tuple[Binding, bool, bool]]:
        """(binding, enabled, from the app) for each action shown, in footer order."""
        app = self.app
        seen: set[tuple[int, str]] = set()
        result: list[tuple[Binding, bool, bool]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show:
                continue
            slot = (id(active.node), binding.action)
            if slot in seen:
                continue
            seen.add(slot)
            result.append((binding, active.enabled, active.node is app))
        return result

    def _item(self, binding: Binding, enabled: bool) -> Text:
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description", partial=True)
        if not enabled:
            dim = self.get_component_rich_style("key-footer--disabled", partial=True)
            key_style += dim
            description_style += dim
        item = Text(no_wrap=True, end="")
        item.append(self.app.get_key_display(binding), key_style)
        if binding.description:
            description = binding.description
            if ascii_mode(self):
                description = chrome_text(description)  # "Status ▶" is the app's own text
            item.append(" " + description, description_style)
        return item

    def on_click(self, event: events.Click) -> None:
        # A click presses the item's key (as Textual's FooterKey does); a dimmed one
        # too, so that it can say why it does nothing.
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return

    def render(self) -> Text:
        width = self.size.width
        screen_items: list[tuple[Text, str]] = []
        app_items: list[tuple[Text, str]] = []
        palette: tuple[Text, str] | None = None
        palette_key = self.app.COMMAND_PALETTE_BINDING
        for binding, enabled, from_app in self.items():
            item = (self._item(binding, enabled), binding.key)
            (app_items if from_app else screen_items).append(item)
        note = self._note
        if note is not None:
            palette = None  # the note takes the palette hint's place
        elif self.app.ENABLE_COMMAND_PALETTE:
            active = self.screen.active_bindings.get(palette_key)
            if active is not None:
                palette = (self._item(active.binding, active.enabled), active.binding.key)

        def length(items: list[tuple[Text, str]]) -> int:
            return 1 + sum(text.cell_len for text, _ in items) + 2 * max(0, len(items) - 1)

        # The screen's last items give way first (to the note too); help and quit stay.
        room = width - (note.cell_len + 2 if note is not None else 0)
        while screen_items and length(screen_items + app_items) > room:
            screen_items.pop()
        line = Text(" ", no_wrap=True, end="")
        spans: list[tuple[int, int, str]] = []
        for number, (text, key) in enumerate(screen_items + app_items):
            if number:
                line.append("  ")
            spans.append((line.cell_len, line.cell_len + text.cell_len, key))
            line.append_text(text)
        if palette is not None:
            text, key = palette
            gap = width - line.cell_len - text.cell_len - 2
            if gap >= 2:
                line.append(" " * gap)
                line.append("|" if ascii_mode(self) else "▏", "dim")
                spans.append((line.cell_len, line.cell_len + text.cell_len, key))
                line.append_text(text)
                line.append(" ")
        if note is not None:
            note = note.copy()
            truncate(note, max(0, width - line.cell_len - 3), ascii=ascii_mode(self))
            if note.cell_len:
                line.append(" " * (width - line.cell_len - note.cell_len - 1))
                line.append_text(note)
        line.truncate(width)
        self._spans = spans
        return line
