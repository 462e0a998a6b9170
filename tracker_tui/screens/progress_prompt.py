"""Small prompts of the Snapshot screen: an exact progress value, and a choice from a list.

``ProgressPrompt`` returns what the user typed (``"40"``, ``"40%"``, ``"+5"``) for the
store to validate, or None; ``ChoicePrompt`` returns the chosen key, or None.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker_tui.sanitize import display_text
from tracker_tui.widgets.glyphs import glyphs_for

_PROGRESS_RE = re.compile(r"^\s*[+-]?\s*\d{1,3}\s*%?\s*$")


class ProgressPrompt(ModalScreen[str | None]):
    """Ask for a task's progress; enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="progress-prompt.cancel"),
    ]

    def __init__(self, task_id: str, current: int) -> None:
        super().__init__(classes="prompt")
        self.task_id = task_id
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Static(
                Text.assemble("Progress of ", (display_text(self.task_id), "bold"), " (0-100)")
            )
            yield Input(str(self.current), id="progress-value", max_length=6, select_on_focus=True)
            yield Static("", id="progress-error", classes="prompt-error")
            separator = glyphs_for(self).separator
            yield Static(Text(f"enter saves{separator}escape cancels", style="dim"))

    @on(Input.Submitted, "#progress-value")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not _PROGRESS_RE.match(value):
            self.query_one("#progress-error", Static).update(
                Text("A whole number from 0 to 100, e.g. 40 or +5")
            )
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen[str | None]):
    """Choose one of ``choices`` (key, label); enter or a click chooses, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice-prompt.cancel"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None) -> None:
        super().__init__(classes="prompt")
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(
                *(Option(Text(label), id=key) for key, label in self.choices), id="choices"
            )

    def on_mount(self) -> None:
        options = self.query_one("#choices", OptionList)
        keys = [key for key, _ in self.choices]
        if self.current in keys:
            options.highlighted = keys.index(self.current)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
