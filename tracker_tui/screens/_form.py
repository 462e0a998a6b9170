"""What the edit forms share.

- fields with a label above and an error line (class ``-error``) under them;
- ``GuardedInput`` / ``GuardedTextArea``: a paste longer than the field's limit is refused
  with a message beside the field, instead of being cut silently (or freezing the UI);
  their editing keys keep their order in a burst (``KeysInOrder``), and a field gets the
  focus with its cursor at the end and nothing selected, so a stray key never replaces it;
- validators built on ``tracker_tui.rules``, so a form refuses what the store refuses;
- ``EditForm``: the save loop. Values are compared as strings with what the form was filled
  with, so only the fields the user changed are sent, with what it was filled with (the
  base) for the store to merge them with others' changes made meanwhile; the store call
  runs on the write queue. A save that merged says so in one line; a ``ConflictError``
  (both changed a field) opens ``ConflictScreen`` on those fields only; any other
  ``TrackerError`` stays in the form with the user's edit, so they can retry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from tracker_tui import rules
from tracker_tui.domain import ConflictError, Merged, TrackerError, ValidationError
from tracker_tui.sanitize import display_text
from tracker_tui.screens._writes import run_write
from tracker_tui.widgets.glyphs import ascii_mode, glyphs_for
from tracker_tui.widgets.in_order_keys import InOrderInput, KeysInOrder

_PERCENT_RE = re.compile(r"^\s*\d{1,3}\s*%?\s*$")


class PasteRefused(Message):
    """A paste was longer than the field accepts; nothing was inserted."""

    def __init__(self, widget: Widget, length: int, limit: int) -> None:
        super().__init__()
        self.widget = widget
        self.length = length
        self.limit = limit

    @property
    def control(self) -> Widget:
        return self.widget


class GuardedInput(InOrderInput):
    """An ``Input`` with a length limit that refuses an over-long paste out loud.

    Without a ``limit`` of its own (a format's, like a date's), ``field()`` gives it the
    store's limit for its field (``rules.max_length``): the form accepts what the store does.
    It takes the focus with the cursor at the end and nothing selected (pass
    ``select_on_focus=True`` for a one-value prompt, where typing replaces the value).
    """

    def __init__(self, value: str = "", *, limit: int | None = None, **kwargs: Any) -> None:
        self.own_limit = limit is not None
        self.limit = limit if limit is not None else rules.DEFAULT_MAX_LENGTH
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, max_length=self.limit, **kwargs)

    def use_limit(self, limit: int) -> None:
        """Accept at most ``limit`` characters."""
        self.limit = limit
        self.max_length = limit

    def _on_paste(self, event: events.Paste) -> None:
        if len(event.text) > self.limit:
            # prevent_default skips Input's own paste handler (which would truncate).
            event.prevent_default()
            event.stop()
            self.post_message(PasteRefused(self, len(event.text), self.limit))


class GuardedTextArea(KeysInOrder, TextArea):
    """A ``TextArea`` that refuses a paste which would take it past ``limit`` characters."""

    def __init__(self, text: str = "", *, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(text, soft_wrap=True, show_line_numbers=False, **kwargs)
        self.own_limit = limit is not None
        self.limit = limit if limit is not None else rules.max_length("notes")

    def use_limit(self, limit: int) -> None:
        """Accept at most ``limit`` characters."""
        self.limit = limit

    async def _on_paste(self, event: events.Paste) -> None:
        if len(self.text) + len(event.text) > self.limit:
            event.prevent_default()
            event.stop()
            self.post_message(PasteRefused(self, len(event.text), self.limit))


class FieldError(Label):
    """The error under a field (wrapped to the field's width); hidden while there is none."""

    def __init__(self, *, id: str, classes: str = "") -> None:
        super().__init__("", id=id, classes=f"-error {classes}".strip())
        self.display = False

    def set_message(self, message: str) -> None:
        """Show ``message`` (plain text, never markup), or hide the line when it is empty."""
        self.update(Text(message))
        self.display = bool(message)


def paste_refused_message(event: PasteRefused) -> str:
    return f"Paste refused: {event.length:,} characters (the limit is {event.limit:,})"


# -- validators ---------------------------------------------------------------------------


class Required(Validator):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure(f"{self.label} is required")


class ProgressValidator(Validator):
    """A whole percentage the store accepts, 0 to 100 (``40`` or ``40%``); with
    ``relative``, also ``+5`` / ``-5`` (the ``%`` prompt; a form's field is absolute)."""

    def __init__(self, *, relative: bool = False) -> None:
        super().__init__()
        self.relative = relative

    def validate(self, value: str) -> ValidationResult:
        if not self.relative and not _PERCENT_RE.match(value):
            return self.failure("Progress must be a whole number from 0 to 100")
        try:
            rules.parse_progress(value)
        except ValidationError as error:
            return self.failure(str(error))
        return self.success()


class DateValidator(Validator):
    def __init__(self, label: str, *, required: bool = False) -> None:
        super().__init__()
        self.label = label
        self.required = required

    def validate(self, value: str) -> ValidationResult:
        if self.required and not value.strip():
            return self.failure(f"{self.label} is required (YYYY-MM-DD)")
        try:
            rules.parse_date(value, field=self.label)
        except ValidationError as error:
            return self.failure(str(error))
        return self.success()


class NewIdValidator(Validator):
    """An ID for a new row: what ``rules.validate_id`` accepts, and not among the IDs the
    form read (a hint as the user types: the store has the last word when saving)."""

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        # Shared with the form, which fills it once the existing IDs have been read.
        self.taken = taken

    def validate(self, value: str) -> ValidationResult:
        try:
            cleaned = rules.validate_id(value)
        except ValidationError as error:
            return self.failure(str(error))
        if cleaned.casefold() in self.taken:
            return self.failure(f"{cleaned} is already taken")
        return self.success()


def field(label: str, name: str, widget: Widget) -> Vertical:
    """A form row: the label beside the widget (id ``in-<name>``), its error line under."""
    widget.id = f"in-{name}"
    if isinstance(widget, (GuardedInput, GuardedTextArea)) and not widget.own_limit:
        widget.use_limit(rules.max_length(name))
    # Compact widgets (no border): a whole task form fits an 80x24 terminal.
    if isinstance(widget, (Input, Select, TextArea)):
        widget.compact = True
    return Vertical(
        Horizontal(Label(label, classes="field-label"), widget, classes="field-row"),
        FieldError(id=f"err-{name}"),
        classes="field",
        id=f"field-{name}",
    )


def choices(values: Iterable[str]) -> list[tuple[Text, str]]:
    """Select options drawn as plain text (a status is user data, never markup)."""
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return [(Text(display_text(value) or "(none)"), value) for value in seen]


# -- the form ----------------------------------------------------------------------------

ResultT = TypeVar("ResultT")


class EditForm(ModalScreen[ResultT]):
    """A modal edit form that saves through the store and returns what was saved.

    Subclasses give the fields (``compose_fields``), the entity as strings
    (``entity_values``) and the store call (``save_operation``). The form dismisses with
    the saved entity, or ``None`` when nothing was saved.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        # priority: the TextArea must not swallow the save key.
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        # priority: the app moves the focus as it takes the key, before it hands out the
        # letters typed behind it; a plain tab reached the app only after bubbling up from
        # the field, by which time those letters had gone to the field it was leaving.
        Binding("tab", "app.focus_next", "Next field", id="form.next-field", priority=True),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous field",
            id="form.previous-field",
            priority=True,
        ),
    ]

    # The first field, not the scrolling container around the fields.
    AUTO_FOCUS = ".field-row Input, .field-row Select, .field-row TextArea"

    #: Field names in display order, and their labels (used by the conflict dialog).
    FIELDS: ClassVar[dict[str, str]] = {}

    def __init__(self, entity: Any | None) -> None:
        super().__init__(classes="edit-form")
        self._entity = entity
        # What the form was filled with: the user's changes are measured against it, and
        # the store merges them with others' changes against it (the base).
        self._loaded: dict[str, str] = self.entity_values(entity) if entity is not None else {}
        self._attempted = False
        self._saving = False

    # -- for subclasses --------------------------------------------------------------

    @property
    def is_new(self) -> bool:
        return self._entity is None

    def form_title(self) -> str:
        raise NotImplementedError

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def entity_values(self, entity: Any) -> dict[str, str]:
        """Every editable field of ``entity`` as the string the form shows."""
        raise NotImplementedError

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
        """The store call that saves ``changes`` (only changed fields; all for a new row)
        made over ``base`` (the values the form was filled with). It returns the saved
        value, or a ``Merged`` one (``store.merge_task`` and the like)."""
        raise NotImplementedError

    def extra_errors(self) -> dict[str, str]:
        """Errors the Input validators cannot see (the notes' length, ...)."""
        return {}

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(Text(display_text(self.form_title())), id="form-title")
            # Not focusable itself: tab goes from field to field.
            with VerticalScroll(id="form-fields", can_focus=False):
                yield from self.compose_fields()
            yield FieldError(id="form-status")
            with Horizontal(id="form-buttons"):
                yield Button("Save ^s", id="form-save", variant="primary", compact=True)
                yield Button("Cancel esc", id="form-cancel", compact=True)

    def on_mount(self) -> None:
        if not self._loaded:
            self._loaded = self.form_values()
        if ascii_mode(self):
            # Select draws its own arrows (not CSS): ASCII ones in ASCII mode.
            for arrow in self.query("SelectCurrent .down-arrow").results(Static):
                arrow.update("v")
            for arrow in self.query("SelectCurrent .up-arrow").results(Static):
                arrow.update("^")

    # -- values ------------------------------------------------------------------------

    def form_values(self) -> dict[str, str]:
        """What the form holds now, by field name."""
        values: dict[str, str] = {}
        for name in self.FIELDS:
            widget = self.field_widget(name)
            if isinstance(widget, Input):
                values[name] = widget.value.strip()
            elif isinstance(widget, TextArea):
                values[name] = widget.text.rstrip()
            elif isinstance(widget, Select):
                values[name] = "" if widget.is_blank() else str(widget.value)
        return values

    def field_widget(self, name: str) -> Widget | None:
        """The input of field ``name``, or None when this form does not show it."""
        found = self.query(f"#in-{name}")
        return found.first() if found else None

    def set_form_value(self, name: str, value: str) -> None:
        widget = self.query_one(f"#in-{name}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(value)
        elif isinstance(widget, Select):
            options = [value for _, value in widget._options if isinstance(value, str)]
            if value not in options:
                widget.set_options(choices([*options, value]))
            widget.value = value

    def changes(self) -> dict[str, str]:
        """The fields the user changed (every field, for a new row)."""
        values = self.form_values()
        if self.is_new:
            return values
        return {name: value for name, value in values.items() if value != self._loaded.get(name)}

    def has_unsaved_edits(self) -> bool:
        """Whether closing the form now would lose what the user typed (a save already
        under way is not lost: quitting waits for the queued writes)."""
        if self._saving or not self.is_mounted:
            return False
        values = self.form_values()
        return any(value != self._loaded.get(name, "") for name, value in values.items())

    # -- errors ------------------------------------------------------------------------

    def set_error(self, name: str, message: str) -> None:
        found = self.query(f"#err-{name}")
        if not found:
            self.set_status(message)
            return
        found.first(FieldError).set_message(message)

    def set_status(self, message: str) -> None:
        self.query_one("#form-status", FieldError).set_message(message)

    def all_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name in self.FIELDS:
            widget = self.field_widget(name)
            if isinstance(widget, Input):
                result = widget.validate(widget.value)
                if result is not None and not result.is_valid:
                    errors[name] = result.failure_descriptions[0]
        errors.update(self.extra_errors())
        return errors

    def _show_field_error(self, name: str, result: ValidationResult | None, value: str) -> None:
        # A field shows its error once the user has changed it, or after a save attempt:
        # a new form does not open covered in "required" messages.
        if not self._attempted and value.strip() == self._loaded.get(name, ""):
            self.set_error(name, "")
            return
        failed = result is not None and not result.is_valid
        self.set_error(name, result.failure_descriptions[0] if failed and result else "")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("in-"):
            self._show_field_error(event.input.id[3:], event.validation_result, event.value)

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id and event.text_area.id.startswith("in-"):
            name = event.text_area.id[3:]
            self.set_error(name, self.extra_errors().get(name, ""))

    @on(PasteRefused)
    def _paste_refused(self, event: PasteRefused) -> None:
        name = (event.widget.id or "in-")[3:]
        self.set_error(name, paste_refused_message(event))

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "cancel") and self._saving:
            return None  # shown, but disabled while a save is under way
        return True

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close without saving: the store is left as it was."""
        if not self._saving:
            self.dismiss(None)

    def action_save(self) -> None:
        """Save once the field in focus has handled every key typed before the save key.

        ``ctrl+s`` is a priority key: the app runs it as it takes the key, while letters
        typed just before it in a burst may still wait in the field's queue. Queued behind
        them, the save sees the field as typed (issue 9: a burst ending in ctrl+s saved the
        old text).
        """
        focused = self.focused
        if focused is None:
            self._save_now()
        else:
            focused.call_later(self._save_now)

    def _save_now(self) -> None:
        """Validate every field; save only when all are valid."""
        if self._saving:
            return
        self._attempted = True
        errors = self.all_errors()
        for name in self.FIELDS:
            self.set_error(name, errors.get(name, ""))
        if errors:
            count = len(errors)
            self.set_status(f"Not saved: {count} field{'s' if count > 1 else ''} to fix")
            first = next(name for name in self.FIELDS if name in errors)
            self.query_one(f"#in-{first}").focus()
            return
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        self._start_save(changes)

    def _start_save(self, changes: dict[str, str]) -> None:
        self._saving = True
        self.set_status(f"Saving{glyphs_for(self).ellipsis}")
        self.query_one("#form-save", Button).disabled = True
        # On the app's write queue: never the UI thread (the store may wait on another
        # writer's lock or a slow disk), and in order with the other writes.
        operation = self.save_operation(changes, dict(self._loaded))
        run_write(self, operation, group="form-save")

    @on(Worker.StateChanged)
    def _save_finished(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "form-save" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self._saving = False
        self.query_one("#form-save", Button).disabled = False
        if event.state == WorkerState.SUCCESS:
            self._saved(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self._save_failed(event.worker.error)

    def _saved(self, result: Any) -> None:
        if isinstance(result, Merged):
            if result.merged:
                from tracker_tui.screens.conflict import merged_notice

                self.app.notify(merged_notice(result.merged, self.FIELDS), markup=False)
            result = result.value
        self.dismiss(result)

    def _save_failed(self, error: BaseException | None) -> None:
        if isinstance(error, ConflictError) and error.fields:
            self._open_conflict(error)
        elif isinstance(error, ValidationError) and error.field in self.FIELDS:
            self.set_error(error.field, str(error))
            self.set_status("Not saved: the store refused a value")
        elif isinstance(error, TrackerError):
            self.set_status(f"Not saved: {error}")
        else:
            self.set_status(f"Not saved: unexpected error: {error!r}")

    # -- conflicts ---------------------------------------------------------------------

    def _open_conflict(self, error: ConflictError) -> None:
        """Ask about the fields both changed (and only those: the store merged nothing
        yet, and will merge the rest whatever the answer)."""
        from tracker_tui.screens.conflict import ConflictScreen, names

        mine = self.changes()
        in_question = {conflict.field for conflict in error.fields}
        labelled = [
            replace(conflict, field=self.FIELDS.get(conflict.field, conflict.field))
            for conflict in error.fields
        ]
        also_saved = [
            self.FIELDS[name] for name in self.FIELDS if name in mine and name not in in_question
        ]
        self.set_status(f"Not saved: {names([c.who for c in error.fields])} changed this meanwhile")

        def chosen(choice: str | None) -> None:
            self._resolve_conflict(choice or "edit", error, mine)

        self.app.push_screen(ConflictScreen(labelled, also_saved=also_saved), chosen)

    def _resolve_conflict(self, choice: str, error: ConflictError, mine: dict[str, str]) -> None:
        """Rebase the form on the row as it is now, then act on ``choice`` for the fields
        in question: the user's other changes are saved (merged again by the store, in
        case a third user saved meanwhile), others' changes are kept."""
        theirs = self.entity_values(error.current) if error.current is not None else {}
        in_question = {conflict.field for conflict in error.fields}
        for name, value in theirs.items():
            keep_theirs = choice == "theirs" and name in in_question
            if name in self.FIELDS and (name not in mine or keep_theirs):
                self.set_form_value(name, value)
        self._loaded = theirs
        if choice == "edit":
            from tracker_tui.screens.conflict import names

            who = names([conflict.who for conflict in error.fields])
            self.set_status(f"Showing your edit over {who}'s version; ctrl+s saves it")
            return
        changes = self.changes()
        if not changes:
            self.dismiss(error.current if choice == "mine" else None)
            return
        self._start_save(changes)
