"""The row of screen tabs at the top of every full screen, and the screens it names.

``MODES`` is the one list of the app's screens (Textual modes), and ``MODE_KEYS`` their
keys: the tabs, the number keys and the palette's "Go to" commands are all drawn from them.
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
    "trends": "Trends",
}
#: mode name -> the key that shows it (declared here once: bindings, tabs, palette).
MODE_KEYS: dict[str, str] = {
    "snapshot": "1",
    "risks": "2",
    "decisions": "3",
    "activity": "4",
    "plan": "5",
    "trends": "7",
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
        for mode, label in MODES.items():
            number = MODE_KEYS[mode]
            if mode == self.current:
                parts.append(f"[b reverse] {number} {label} [/]")
            else:
                parts.append(f"[@click=app.go('{mode}')] {number} {label} [/]")
        self.update(Content.from_markup(("|" if self.ascii else "│").join(parts)))
