"""ViewScreen: a full screen holding one data view (Risks, Decisions, Activity, Plan)
under the screen tabs, with the key footer below.

A view is a ``DataView``: a container that reads its data itself and reads it again when
``refresh_data()`` is called, which the screen does on every live change.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen

from tracker_tui.messages import StoreChanged
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.mode_tabs import ModeTabs


class DataView(Vertical):
    """A view of some of the store's data, shown by a ``ViewScreen``."""

    def refresh_data(self) -> None:
        """Read the data again (off the UI thread) and show it."""
        raise NotImplementedError

    def after_first_frame(self) -> None:
        """The app's first frame is on the terminal (the app calls this on the views
        built by then): start what could wait for it. Nothing by default."""


class ViewScreen(Screen[None]):
    """A screen holding one data view under the tabs (the app's non-Snapshot modes)."""

    def __init__(
        self, mode: str, view: DataView, *, ascii: bool = False, tracker: str | None = None
    ) -> None:
        """``tracker``: the tracker's name, for the tabs, when the store holds several."""
        super().__init__(name=mode)
        self.mode = mode
        self.view = view
        self.ascii = ascii
        self.tracker = tracker

    def compose(self) -> ComposeResult:
        yield ModeTabs(self.mode, ascii=self.ascii, tracker=self.tracker)
        yield self.view
        yield KeyFooter()

    def on_store_changed(self, message: StoreChanged) -> None:
        self.view.refresh_data()
