"""DecisionFormScreen: add or edit one entry of the decision log in a modal form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult

from tracker_tui.domain import ConflictError, Decision
from tracker_tui.screens._form import DateValidator, EditForm, GuardedInput, Required, field
from tracker_tui.store.store import Store


class DecisionFormScreen(EditForm[Decision | None]):
    """Edit ``decision``, or add one when it is None (dated ``today``, default the real
    today). Dismisses with the saved decision, or None."""

    FIELDS: ClassVar[dict[str, str]] = {
        "date": "Date",
        "decision": "Decision",
        "rationale": "Rationale",
        "owner": "Owner",
    }

    def __init__(
        self, store: Store, decision: Decision | None, *, today: date | None = None
    ) -> None:
        self.store = store
        self.decision = decision
        self.today = today or date.today()
        super().__init__(decision)

    def form_title(self) -> str:
        return "Edit decision" if self.decision is not None else "New decision"

    def entity_values(self, entity: Any) -> dict[str, str]:
        decision: Decision = entity
        return {
            "date": decision.date,
            "decision": decision.decision,
            "rationale": decision.rationale,
            "owner": decision.owner,
        }

    def compose_fields(self) -> ComposeResult:
        decision = self.decision or Decision(key=None, date=self.today.isoformat(), decision="")
        yield field(
            "Date",
            "date",
            GuardedInput(
                decision.date,
                limit=20,
                placeholder="YYYY-MM-DD",
                validators=[DateValidator("Date", required=True)],
            ),
        )
        yield field(
            "Decision",
            "decision",
            GuardedInput(decision.decision, validators=[Required("Decision")]),
        )
        yield field("Rationale", "rationale", GuardedInput(decision.rationale))
        yield field("Owner", "owner", GuardedInput(decision.owner))

    def save_operation(self, changes: dict[str, str], version: int | None) -> Callable[[], Any]:
        # A decision is saved whole: the store replaces the row (checking its version).
        values = self.form_values()
        # The form's values are Decision's text fields only (FIELDS): never key, extra or
        # version, which mypy cannot tell from a dict[str, str].
        if self.decision is None:
            decision = Decision(key=None, **values)  # type: ignore[arg-type]
        else:
            base = version or self.decision.version
            decision = replace(self.decision, **values, version=base)  # type: ignore[arg-type]
        store = self.store

        def save() -> Decision:
            try:
                return store.save_decision(decision)
            except ConflictError as error:
                if isinstance(error.current, Decision):
                    raise
                # The conflict must carry a domain value for the dialog: read it again.
                current = next((d for d in store.decisions() if d.key == decision.key), None)
                raise ConflictError(str(error), current=current) from None

        return save
