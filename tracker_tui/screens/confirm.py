"""ConfirmScreen: a yes/no question before something that cannot be taken back."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tracker_tui.sanitize import display_text
from tracker_tui.widgets.too_small import TooSmallHint


class ConfirmScreen(TooSmallHint, ModalScreen[bool]):
    """Ask ``question``; dismiss with True for yes, False for no or escape.

    The question may quote user text (a risk's description): it is drawn as plain text.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
    ]

    def __init__(self, question: str, *, too_small_hint: str = "") -> None:
        super().__init__(classes="dialog")
        self.question = question
        #: Shown under the below-60x15 notice while this question is in front.
        self.too_small_hint = too_small_hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(Text(display_text(self.question)), id="dialog-question")
            with Horizontal(id="dialog-buttons"):
                yield Button("Yes  y", id="yes", variant="error", compact=True)
                yield Button("No  n", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        # The safe answer has the focus, so a stray enter does not delete anything.
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
