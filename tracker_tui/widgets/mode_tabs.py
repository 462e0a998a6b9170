"""The row of screen tabs at the top of every full screen, and the screens it names.

``MODES`` is the one list of the app's screens (Textual modes): the tabs, the ``1``-``5``
keys and the palette's "Go to" commands are all drawn from it.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static

#: mode name -> tab label, in tab (and number key) order.
MODES: dict[str, str] = {
    "snapshot": "Snapshot",
    "risks": "Risks",
    "decisions": "Decisions",
    "activity": "Activity",
    "plan": "Plan",
}
SNAPSHOT_MODE = "snapshot"


class ModeTabs(Static):
    """The row of screen tabs; the current one is highlighted. Clicking a tab goes there.

    ``note`` is said at the right end of the row, over the last tabs if the row is too
    narrow for both: the app's "reconnecting…" while the store's server is away.
    """

    def __init__(self, current: str, *, ascii: bool = False, note: str = "") -> None:
        super().__init__(classes="mode-tabs")
        self.current = current
        self.ascii = ascii
        self.note = note

    def on_mount(self) -> None:
        # Markup is safe here: the labels are the app's own constants, never user text.
        parts = []
        for number, (mode, label) in enumerate(MODES.items(), start=1):
            if mode == self.current:
                parts.append(f"[b reverse] {number} {label} [/]")
            else:
                parts.append(f"[@click=app.go('{mode}')] {number} {label} [/]")
        self.update(Content.from_markup(("|" if self.ascii else "│").join(parts)))
        # A screen first shown while the server is away says so too (the app keeps the
        # note; a test harness app has none).
        self.show_note(getattr(self.app, "connection_note", self.note))

    def show_note(self, note: str) -> None:
        """Say ``note`` at the right end of the row ("" removes it)."""
        if note != self.note:
            self.note = note
            self.refresh()

    def render(self) -> VisualType:
        tabs = super().render()
        if not self.note or not isinstance(tabs, Content):
            return tabs
        note = Content.styled(f" {self.note} ", "bold $text-warning")
        room = max(0, self.size.width - note.cell_length)
        return Content.assemble(tabs.truncate(room, pad=True), note)
