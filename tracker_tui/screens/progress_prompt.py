"""Small prompts of the Snapshot screen: an exact progress value, and a choice from a list.

``ProgressPrompt`` returns what the user typed (``"40"``, ``"40%"``, ``"+5"``), or None. It
checks the value as the forms do (the store's own rule, ``rules.parse_progress``) and shows
the error under the field: a bad value keeps it open, so the keys typed next stay in it
instead of reaching the dashboard. ``ChoicePrompt`` returns the chosen key, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.validation import ValidationResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tracker_tui.sanitize import display_text
from tracker_tui.screens._early_keys import FocusAfterEarlyKeys
from tracker_tui.screens._form import (
    FieldError,
    GuardedInput,
    PasteRefused,
    ProgressValidator,
    paste_refused_message,
)
from tracker_tui.widgets.glyphs import glyphs_for


class ProgressPrompt(FocusAfterEarlyKeys, ModalScreen[str | None]):
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
            # Selected on focus: the first key typed replaces the current figure.
            yield GuardedInput(
                str(self.current),
                id="progress-value",
                limit=8,
                select_on_focus=True,
                validators=[ProgressValidator(relative=True)],
            )
            yield FieldError(id="progress-error", classes="prompt-error")
            separator = glyphs_for(self).separator
            yield Static(Text(f"enter saves{separator}escape cancels", style="dim"))

    @property
    def error(self) -> FieldError:
        return self.query_one("#progress-error", FieldError)

    @on(Input.Changed, "#progress-value")
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        self.error.set_message("" if result is None or result.is_valid else _first(result))

    @on(PasteRefused)
    def _paste_refused(self, event: PasteRefused) -> None:
        self.error.set_message(paste_refused_message(event))

    @on(Input.Submitted, "#progress-value")
    def _submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.error.set_message(_first(result))
            return  # stays open: the value is still there to fix
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


def _first(result: ValidationResult) -> str:
    return result.failure_descriptions[0] if result.failure_descriptions else "Not a valid value"


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


def ask_progress(
    node: DOMNode,
    task_id: str,
    progress: int,
    update_task: Callable[[str, dict[str, Any]], None],
) -> None:
    """Ask for ``task_id``'s progress (for ``node``, a screen or a view); what is typed
    ("60", "+10", "60%") goes to ``update_task`` as the progress change, for the store to
    check."""

    def done(value: str | None) -> None:
        if value is not None:
            update_task(task_id, {"progress": value.replace("%", "").strip()})

    node.app.push_screen(ProgressPrompt(task_id, progress), done)
