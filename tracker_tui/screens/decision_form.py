"""DecisionFormScreen: add or edit one entry of the decision log in a modal form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult

from tracker_tui.domain import Decision
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
        self.today = today or store.clock.today()
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

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
        store = self.store
        if self.decision is None or self.decision.key is None:
            values = self.form_values()
            decision = Decision(
                key=None,
                date=values["date"],
                decision=values["decision"],
                rationale=values["rationale"],
                owner=values["owner"],
            )
            return lambda: store.save_decision(decision)
        key = self.decision.key
        # Only the changed fields, merged by the store with others' changes since ``base``.
        return lambda: store.merge_decision(key, changes, base=base)
