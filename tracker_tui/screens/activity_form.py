"""ActivityFormScreen: add an entry at the top of the activity log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult

from tracker_tui.domain import ActivityEntry
from tracker_tui.screens._form import DateValidator, EditForm, GuardedInput, Required, field
from tracker_tui.store.store import Store


class ActivityFormScreen(EditForm[ActivityEntry | None]):
    """A date (default ``today``, else the real today) and a line of text; dismisses with
    the new entry, or None when cancelled."""

    FIELDS: ClassVar[dict[str, str]] = {"date": "Date", "text": "Entry"}

    def __init__(self, store: Store, *, today: date | None = None) -> None:
        self.store = store
        self.today = today or date.today()
        super().__init__(None)

    def form_title(self) -> str:
        return "New activity entry"

    def entity_values(self, entity: Any) -> dict[str, str]:
        entry: ActivityEntry = entity
        return {"date": entry.date, "text": entry.text}

    def compose_fields(self) -> ComposeResult:
        yield field(
            "Date",
            "date",
            GuardedInput(
                self.today.isoformat(),
                limit=20,
                placeholder="YYYY-MM-DD",
                validators=[DateValidator("Date", required=True)],
            ),
        )
        yield field("Entry", "text", GuardedInput("", validators=[Required("Entry")]))

    def save_operation(self, changes: dict[str, str], version: int | None) -> Callable[[], Any]:
        store = self.store
        text, on = changes["text"], changes["date"]
        return lambda: store.add_activity(text, on=on)
