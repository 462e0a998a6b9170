"""RiskFormScreen: add or edit one entry of the risk register in a modal form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult

from tracker_tui.domain import DEFAULT_IMPACTS, DEFAULT_RISK_STATUSES, Risk
from tracker_tui.screens._form import ChoiceSelect, GuardedInput, Required, field
from tracker_tui.screens._identified_form import IdentifiedForm
from tracker_tui.store.store import Store


class RiskFormScreen(IdentifiedForm[Risk | None]):
    """Edit ``risk``, or add one when it is None. Dismisses with the saved risk, or None."""

    KIND: ClassVar[str] = "risk"

    FIELDS: ClassVar[dict[str, str]] = {
        "id": "ID",
        "description": "Description",
        "impact": "Impact",
        "mitigation": "Mitigation",
        "owner": "Owner",
        "status": "Status",
    }

    def __init__(self, store: Store, risk: Risk | None, proposed_id: str | None = None) -> None:
        self.risk = risk
        super().__init__(store, risk, proposed_id)

    def form_title(self) -> str:
        return f"Edit risk {self.risk.id}" if self.risk is not None else "New risk"

    def entity_values(self, entity: Any) -> dict[str, str]:
        risk: Risk = entity
        return {
            "description": risk.description,
            "impact": risk.impact,
            "mitigation": risk.mitigation,
            "owner": risk.owner,
            "status": risk.status,
        }

    def compose_fields(self) -> ComposeResult:
        risk = self.risk or Risk(id="", description="", impact="Medium")
        if self.risk is None:
            yield self.id_field()
        yield field(
            "Description",
            "description",
            GuardedInput(risk.description, validators=[Required("Description")]),
        )
        impacts = [*DEFAULT_IMPACTS, risk.impact] if risk.impact else list(DEFAULT_IMPACTS)
        yield field("Impact", "impact", ChoiceSelect(impacts, value=risk.impact))
        yield field("Mitigation", "mitigation", GuardedInput(risk.mitigation))
        yield field("Owner", "owner", GuardedInput(risk.owner))
        statuses = [*DEFAULT_RISK_STATUSES, risk.status]
        yield field("Status", "status", ChoiceSelect(statuses, value=risk.status))

    def read_records(self) -> list[Risk]:
        return self.store.risks()

    def offer_record_choices(self, records: list[Risk]) -> None:
        used = sorted({risk.impact for risk in records if risk.impact})
        self.reset_choices("impact", [*DEFAULT_IMPACTS, *used])

    def save_operation(self, changes: dict[str, str], base: dict[str, str]) -> Callable[[], Any]:
        store = self.store
        values = dict(changes)
        if self.risk is None:
            # A taken ID is the store's to refuse: its error is shown beside the ID field.
            return lambda: store.create_risk(values)
        risk_id = self.risk.id
        return lambda: store.merge_risk(risk_id, values, base=base)
