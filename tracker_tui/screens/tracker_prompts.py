"""Small prompts about trackers: a new name (the portfolio's ``R``) and an owner (the
palette's "Tasks of…", suggested as you type from every tracker's owners)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.in_order_keys import InOrderInput


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; dismissed with it (stripped, not empty) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="text-prompt.cancel"),
    ]

    def __init__(
        self, title: str, value: str = "", *, placeholder: str = "", choices: Sequence[str] = ()
    ) -> None:
        super().__init__(classes="prompt")
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Static(Text(self.prompt_title, style="bold"))
            yield InOrderInput(
                self.value,
                placeholder=self.placeholder,
                id="prompt-value",
                select_on_focus=False,
                suggester=(
                    SuggestFromList(self.choices, case_sensitive=False) if self.choices else None
                ),
            )
            separator = glyphs_for(self).separator
            hint = f"enter opens{separator}right takes the suggestion{separator}escape cancels"
            yield Static(
                Text(hint if self.choices else f"enter saves{separator}escape cancels", style="dim")
            )

    @on(Input.Submitted, "#prompt-value")
    def _submitted(self, event: Input.Submitted) -> None:
        value = " ".join(event.value.split())
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def RenamePrompt(current: str) -> TextPrompt:
    return TextPrompt("Rename the tracker", current, placeholder="e.g. Release 2")


def OwnerPrompt(owners: Sequence[str], *, ascii: bool = False) -> TextPrompt:
    return TextPrompt(
        "Tasks of..." if ascii else "Tasks of…",
        placeholder="an owner, e.g. DevOps Lead (any case)",
        choices=owners,
    )
