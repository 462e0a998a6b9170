"""The row of screen tabs at the top of every full screen, and the screens it names.

``MODES`` is the one list of the app's screens (Textual modes), and ``MODE_KEYS`` their
keys: the tabs, the number keys and the palette's "Go to" commands are all drawn from them.
"""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static

from tracker_tui.sanitize import display_text

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
#: The portfolio (every tracker of the store; key 0) and one owner's tasks across them:
#: modes of the app too, outside the 1-5 keys (issue 12).
PORTFOLIO_MODE = "portfolio"
PORTFOLIO_LABEL = "Portfolio"
OWNER_MODE = "owner"
#: The most cells the tracker's name takes in the tabs (all six fit in 80 columns).
TRACKER_TAB_WIDTH = 16


class ModeTabs(Static):
    """The row of screen tabs; the current one is highlighted. Clicking a tab goes there.

    ``portfolio``: the store holds several trackers, so the ``0 Portfolio`` tab is drawn
    first; ``tracker``: the name of the tracker screens 1-5 show, which that first tab then
    reads (``0 Version 1.01``: the header names the tracker). ``note`` is said at the right
    end of the row, over the last tabs if the row is too narrow for both: the app's
    "reconnecting…" while the store's server is away.
    """

    def __init__(
        self,
        current: str,
        *,
        ascii: bool = False,
        portfolio: bool = False,
        tracker: str | None = None,
        note: str = "",
    ) -> None:
        super().__init__(classes="mode-tabs")
        self.current = current
        self.ascii = ascii
        self.portfolio = portfolio or tracker is not None
        self.tracker = tracker
        self.note = note

    def on_mount(self) -> None:
        self._draw()
        # A screen first shown while the server is away says so too (the app keeps the
        # note; a test harness app has none).
        self.show_note(getattr(self.app, "connection_note", self.note))

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        # Markup is safe here: the labels are the app's own constants, never user text.
        # The name is user text: a variable of the markup, never parsed as markup.
        name = display_text(self.tracker or "")
        if len(name) > TRACKER_TAB_WIDTH:
            name = name[: TRACKER_TAB_WIDTH - 1] + ("~" if self.ascii else "…")
        width = self.size.width or self.app.size.width
        for pad in (" ", ""):
            # Without the spaces around each label when the row would not fit (the
            # portfolio's tab and seven screens at 80 columns).
            row = Content.from_markup(self._markup(pad), tracker=name)
            if row.cell_length <= width:
                break
        self.update(row)

    def _markup(self, pad: str) -> str:
        parts = []
        if self.portfolio:
            if self.current in (PORTFOLIO_MODE, OWNER_MODE) or self.tracker is None:
                parts.append(f"[b reverse]{pad}0 {PORTFOLIO_LABEL}{pad}[/]")
            else:
                # The tracker shown names the tab that leads back to all of them.
                parts.append(f"[@click=app.go('{PORTFOLIO_MODE}')]{pad}0 $tracker{pad}[/]")
        for mode, label in MODES.items():
            number = MODE_KEYS[mode]
            if mode == self.current:
                parts.append(f"[b reverse]{pad}{number} {label}{pad}[/]")
            else:
                parts.append(f"[@click=app.go('{mode}')]{pad}{number} {label}{pad}[/]")
        return ("|" if self.ascii else "│").join(parts)

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
