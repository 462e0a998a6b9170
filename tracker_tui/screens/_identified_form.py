"""IdentifiedForm: what the task and risk forms share, as both edit a record with an ID
the user sees and may choose (``UT-004``, ``R-12``).

A new record gets an ID field, checked against the IDs already taken and filled in with
the store's next ID. The taken IDs, the owners in use and the statuses are read off the UI
thread once the form is up (reading every record can take a moment on a big store), then
offered as suggestions and choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input

from tracker_tui.screens._failures import reading
from tracker_tui.screens._form import (
    ChoiceSelect,
    EditForm,
    GuardedInput,
    NewIdValidator,
    ResultT,
    field,
)
from tracker_tui.store.store import Store


class ChoicesRead(Message, bubble=False):
    """What a form offers was read: the records (for taken IDs and owners), the
    statuses, and the next ID when the form adds a record."""

    def __init__(self, records: list[Any], statuses: list[str], next_id: str) -> None:
        self.records = records
        self.statuses = statuses
        self.next_id = next_id
        super().__init__()


class IdentifiedForm(EditForm[ResultT]):
    """An ``EditForm`` for a task or a risk. Subclasses set ``KIND`` and give
    ``read_records``; ``offer_record_choices`` adds what else the records suggest."""

    #: "task" or "risk": whose statuses and next ID the store is asked for.
    KIND: ClassVar[str] = ""

    def __init__(self, store: Store, entity: Any | None, proposed_id: str | None) -> None:
        self.store = store
        self.proposed_id = proposed_id or ""
        # Case-folded IDs in use, filled in once read: the ID field's validator sees them.
        self._taken: set[str] = set()
        super().__init__(entity)

    # -- for subclasses --------------------------------------------------------------

    def read_records(self) -> list[Any]:
        """Every record of ``KIND`` (runs in a thread worker)."""
        raise NotImplementedError

    def offer_record_choices(self, records: list[Any]) -> None:
        """Offer what ``records`` suggest beyond owners and statuses (on the UI thread)."""

    def id_field(self) -> Vertical:
        """The ID field of a new record: refuses an ID already taken, whatever its case."""
        return field(
            "ID", "id", GuardedInput(self.proposed_id, validators=[NewIdValidator(self._taken)])
        )

    def suggest(self, name: str, values: Iterable[str]) -> None:
        """Offer the non-empty ``values`` as completions in the input ``name``."""
        suggestions = sorted({value for value in values if value})
        self.query_one(f"#in-{name}", Input).suggester = SuggestFromList(
            suggestions, case_sensitive=False
        )

    def reset_choices(self, name: str, values: list[str]) -> None:
        """Offer ``values`` in the select ``name``, keeping the value it shows."""
        select = self.query_one(f"#in-{name}", ChoiceSelect)
        current = str(select.value)
        select.set_choices([*values, current])
        select.value = current

    # -- reading the choices -----------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self._load_choices()

    @work(thread=True, exit_on_error=False, group="form-load")
    def _load_choices(self) -> None:
        with reading(self, "the form's choices (owners, statuses, the next ID)"):
            records = self.read_records()
            statuses = self.store.statuses(self.KIND)
            is_new = self.is_new and not self.proposed_id
            next_id = self.store.next_id(self.KIND) if is_new else ""
            self.post_message(ChoicesRead(records, statuses, next_id))

    def on_choices_read(self, message: ChoicesRead) -> None:
        self._apply_choices(message.records, message.statuses, message.next_id)

    def _apply_choices(self, records: list[Any], statuses: list[str], next_id: str) -> None:
        self._taken.update(record.id.casefold() for record in records)
        self.suggest("owner", (record.owner for record in records))
        self.reset_choices("status", statuses)
        self.offer_record_choices(records)
        if not self.is_new:
            return
        id_input = self.query_one("#in-id", Input)
        if next_id and not id_input.value:
            id_input.value = next_id
            self._loaded["id"] = next_id
        elif id_input.value:
            # Re-check the proposed ID now that the taken IDs are known.
            self._show_field_error("id", id_input.validate(id_input.value), id_input.value)
