"""The row of screen tabs at the top of every full screen, and the screens it names.

``MODES`` is the one list of the app's screens (Textual modes): the tabs, the ``1``-``7``
keys (``MODE_KEYS``) and the palette's "Go to" commands are all drawn from it.
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
    "standup": "Stand-up",
    "trends": "Trends",
}
#: mode name -> the key that shows it: its place in ``MODES``.
MODE_KEYS: dict[str, str] = {mode: str(number) for number, mode in enumerate(MODES, start=1)}
SNAPSHOT_MODE = "snapshot"
#: The portfolio (every tracker of the store; key 0) and one owner's tasks across them:
#: modes of the app too, outside the 1-5 keys (issue 12).
PORTFOLIO_MODE = "portfolio"
PORTFOLIO_LABEL = "Portfolio"
OWNER_MODE = "owner"
#: The most cells the tracker's name takes in the tabs. Drawn tight (no space around each
#: label), every tab fits in 80 columns with ``0 Portfolio``; a longer name is shortened
#: further where the row is too narrow for it.
TRACKER_TAB_WIDTH = 16


class ModeTabs(Static):
    """The row of screen tabs; the current one is highlighted. Clicking a tab goes there.

    ``portfolio``: the store holds several trackers, so the ``0 Portfolio`` tab is drawn
    first; ``tracker``: the name of the tracker screens 1-5 show, which that first tab then
    reads (``0 Version 1.01``: the header names the tracker). Where the row is too narrow
    for the tabs with a space either side of each label, they are drawn without it.
    ``note`` is said at the right end of the row, over the last tabs if the row is too
    narrow for both: the app's "reconnecting…" while the store's server is away.
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
        #: The tabs without the space either side of each label, for a narrow row.
        self._tight = Content("")

    def _tabs(self, pad: str, name_width: int = TRACKER_TAB_WIDTH) -> Content:
        """The tabs, each label with ``pad`` either side, the tracker's name in at most
        ``name_width`` cells."""
        # Markup is safe here: the labels are the app's own constants, never user text.
        parts = []
        if self.portfolio:
            if self.current in (PORTFOLIO_MODE, OWNER_MODE) or self.tracker is None:
                parts.append(f"[b reverse]{pad}0 {PORTFOLIO_LABEL}{pad}[/]")
            else:
                # The tracker shown names the tab that leads back to all of them.
                parts.append(f"[@click=app.go('{PORTFOLIO_MODE}')]{pad}0 $tracker{pad}[/]")
        for number, (mode, label) in enumerate(MODES.items(), start=1):
            if mode == self.current:
                parts.append(f"[b reverse]{pad}{number} {label}{pad}[/]")
            else:
                parts.append(f"[@click=app.go('{mode}')]{pad}{number} {label}{pad}[/]")
        # The name is user text: a variable of the markup, never parsed as markup.
        name = display_text(self.tracker or "")
        if len(name) > name_width:
            cut = "~" if self.ascii else "…"
            if name_width < TRACKER_TAB_WIDTH:
                # Squeezed by the row: keep the end too, which tells "Version 1.00" from
                # "Version 1.01" ("Vers…1.00").
                tail = (name_width - 1) // 2
                name = name[: name_width - 1 - tail] + cut + name[len(name) - tail :]
            else:
                name = name[: max(0, name_width - 1)] + cut
        return Content.from_markup(("|" if self.ascii else "│").join(parts), tracker=name)

    def on_mount(self) -> None:
        self._draw_tabs()
        # A screen first shown while the server is away says so too (the app keeps the
        # note; a test harness app has none).
        self.show_note(getattr(self.app, "connection_note", self.note))

    def name_tracker(self, name: str) -> None:
        """Name the tracker ``name`` from now on (it was renamed)."""
        self.tracker = name
        self._draw_tabs()

    def _draw_tabs(self) -> None:
        self._tight = self._tabs("")
        self.update(self._tabs(" "))

    def show_note(self, note: str) -> None:
        """Say ``note`` at the right end of the row ("" removes it)."""
        if note != self.note:
            self.note = note
            self.refresh()

    def render(self) -> VisualType:
        tabs = super().render()
        if not isinstance(tabs, Content):
            return tabs
        note = Content.styled(f" {self.note} ", "bold $text-warning") if self.note else None
        room = self.size.width - (note.cell_length if note is not None else 0)
        if tabs.cell_length > room:
            tabs = self._tight
            if tabs.cell_length > room and self.tracker:
                # The tracker's name gives way (the tab's number still leads there).
                shown = min(len(display_text(self.tracker)), TRACKER_TAB_WIDTH)
                name_width = shown - (tabs.cell_length - max(0, room))
                tabs = self._tabs("", max(len(PORTFOLIO_LABEL), name_width))
        if note is None:
            return tabs
        return Content.assemble(tabs.truncate(max(0, room), pad=True), note)
