"""ActivityFormScreen: add an entry at the top of the activity log, or correct one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.validation import ValidationResult

from tracker_tui.domain import ActivityEntry
from tracker_tui.screens._form import DateValidator, EditForm, GuardedInput, Required, field
from tracker_tui.store.store import Store


class KeptOrDateValidator(DateValidator):
    """A date (YYYY-MM-DD), or the entry's date left as it was.

    Real logs are not always ISO-dated ("Week 6"): correcting the text of such an entry
    must not require rewriting its date.
    """

    def __init__(self, label: str, kept: str) -> None:
        super().__init__(label, required=True)
        self.kept = kept

    def validate(self, value: str) -> ValidationResult:
        if self.kept and value.strip() == self.kept:
            return self.success()
        return super().validate(value)


class ActivityFormScreen(EditForm[ActivityEntry | None]):
    """A date (default ``today``, else the real today) and a line of text; dismisses with
    the new or corrected entry, or None when cancelled.

    Given ``entry``, the form edits it (saved with ``store.save_item("activity", key,
    ...)``, only the fields changed); without, it adds an entry at the top of the log.
    """

    FIELDS: ClassVar[dict[str, str]] = {"date": "Date", "text": "Entry"}

    def __init__(
        self, store: Store, entry: ActivityEntry | None = None, *, today: date | None = None
    ) -> None:
        self.store = store
        self.today = today or store.clock.today()
        super().__init__(entry)

    def form_title(self) -> str:
        return "New activity entry" if self.is_new else "Edit activity entry"

    def entity_values(self, entity: Any) -> dict[str, str]:
        entry: ActivityEntry = entity
        return {"date": entry.date, "text": entry.text}

    def compose_fields(self) -> ComposeResult:
        values = self._loaded
        kept = values.get("date", "")
        yield field(
            "Date",
            "date",
            GuardedInput(
                kept or self.today.isoformat(),
                limit=20,
                placeholder="YYYY-MM-DD",
                validators=[KeptOrDateValidator("Date", kept)],
            ),
        )
        yield field(
            "Entry", "text", GuardedInput(values.get("text", ""), validators=[Required("Entry")])
        )

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
        store, entity = self.store, self._entity
        if entity is None:
            text, on = changes["text"], changes["date"]
            return lambda: store.add_activity(text, on=on)
        key = entity.key
        saved = ActivityEntry(key=key, **{**self._loaded, **changes})

        def save() -> ActivityEntry:
            store.save_item("activity", key, changes)
            return saved

        return save
