"""The row of screen tabs at the top of every full screen, and the screens it names.

``MODES`` is the one list of the app's screens (Textual modes): the tabs, the ``1``-``6``
keys and the palette's "Go to" commands are all drawn from it.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

#: mode name -> tab label, in tab (and number key) order.
MODES: dict[str, str] = {
    "snapshot": "Snapshot",
    "risks": "Risks",
    "decisions": "Decisions",
    "activity": "Activity",
    "plan": "Plan",
    "standup": "Stand-up",
}
SNAPSHOT_MODE = "snapshot"


class ModeTabs(Static):
    """The row of screen tabs; the current one is highlighted. Clicking a tab goes there."""

    def __init__(self, current: str, *, ascii: bool = False) -> None:
        super().__init__(classes="mode-tabs")
        self.current = current
        self.ascii = ascii

    def on_mount(self) -> None:
        # Markup is safe here: the labels are the app's own constants, never user text.
        parts = []
        for number, (mode, label) in enumerate(MODES.items(), start=1):
            if mode == self.current:
                parts.append(f"[b reverse] {number} {label} [/]")
            else:
                parts.append(f"[@click=app.go('{mode}')] {number} {label} [/]")
        self.update(Content.from_markup(("|" if self.ascii else "│").join(parts)))
