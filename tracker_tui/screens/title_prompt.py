"""A small prompt that names the tracker (``t`` on the Snapshot screen).

On a new store this is how a tracker starts: the title is saved with
``Store.set_tracker``, the same call as ``tracker-tui title``, which creates the store's
file on its first write. The prompt saves on the app's write queue and stays open with
the reason under the field when the store refuses, as the forms do.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from tracker_tui import rules
from tracker_tui.domain import TrackerError, ValidationError
from tracker_tui.screens._early_keys import FocusAfterEarlyKeys
from tracker_tui.screens._writes import run_write
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.in_order_keys import InOrderInput


class TitlePrompt(FocusAfterEarlyKeys, ModalScreen[str | None]):
    """Ask for the tracker's title and save it; dismissed with the title as saved, or
    None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="title-prompt.cancel"),
    ]

    class Saved(Message):
        """The title was saved."""

        def __init__(self, title: str) -> None:
            self.title = title
            super().__init__()

    class Refused(Message):
        """The store refused the title; ``error`` is its one-line reason."""

        def __init__(self, error: str) -> None:
            self.error = error
            super().__init__()

    def __init__(self, store: Store, current: str) -> None:
        super().__init__(classes="prompt")
        self.store = store
        self.current = current
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Static(Text("Name the tracker", style="bold"))
            # In-order keys: a burst of backspaces then letters keeps its order (issue 9).
            yield InOrderInput(
                self.current,
                placeholder="e.g. Release 2 Progress Tracker",
                id="title-value",
                select_on_focus=False,
            )
            yield Static("", id="title-error", classes="prompt-error")
            separator = glyphs_for(self).separator
            yield Static(Text(f"enter saves{separator}escape cancels", style="dim"))

    def _show_error(self, error: str) -> None:
        self.query_one("#title-error", Static).update(Text(error))

    @on(Input.Submitted, "#title-value")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._saving:
            return
        try:
            title = rules.require_text(
                event.value, field="title", max_length=rules.max_length("title")
            )
        except ValidationError as error:
            self._show_error(str(error))
            return
        self._saving = True
        self._show_error("")
        run_write(self, self._save, self.store, title)

    def _save(self, store: Store, title: str) -> None:
        """Runs on the app's write queue."""
        try:
            store.set_tracker(title=title)
        except TrackerError as error:
            self.post_message(self.Refused(str(error)))
            return
        self.post_message(self.Saved(title))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # TrackerErrors arrive as Refused; anything else is a bug, told in one line and
        # logged, with the prompt still open.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from tracker_tui.errors_log import report_unexpected

            self.post_message(self.Refused(report_unexpected(event.worker.error)))

    def on_title_prompt_saved(self, message: Saved) -> None:
        self.dismiss(message.title)

    def on_title_prompt_refused(self, message: Refused) -> None:
        self._saving = False
        self._show_error(message.error)

    def action_cancel(self) -> None:
        self.dismiss(None)
