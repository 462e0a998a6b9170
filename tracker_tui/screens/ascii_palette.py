"""The command palette drawn in ASCII (``--ascii``): ``>`` for the search icon, ``...``
for ``…`` in its placeholder."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.command import CommandPalette, SearchIcon

from tracker_tui.widgets.glyphs import chrome_text


class AsciiCommandPalette(CommandPalette):
    """Textual's command palette with its two non-ASCII characters replaced."""

    def __init__(
        self, *args: Any, placeholder: str = "Search for commands...", **kwargs: Any
    ) -> None:
        super().__init__(*args, placeholder=chrome_text(placeholder), **kwargs)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, SearchIcon):
                widget.icon = ">"
            yield widget
