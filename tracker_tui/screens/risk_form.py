"""RiskFormScreen: add or edit one entry of the risk register in a modal form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select

from tracker_tui.domain import DEFAULT_IMPACTS, DEFAULT_RISK_STATUSES, Risk
from tracker_tui.screens._form import (
    EditForm,
    GuardedInput,
    NewIdValidator,
    Required,
    choices,
    field,
)
from tracker_tui.store.store import Store


class RiskFormScreen(EditForm[Risk | None]):
    """Edit ``risk``, or add one when it is None. Dismisses with the saved risk, or None."""

    FIELDS: ClassVar[dict[str, str]] = {
        "id": "ID",
        "description": "Description",
        "impact": "Impact",
        "mitigation": "Mitigation",
        "owner": "Owner",
        "status": "Status",
    }

    def __init__(self, store: Store, risk: Risk | None, proposed_id: str | None = None) -> None:
        self.store = store
        self.risk = risk
        self.proposed_id = proposed_id or ""
        self._taken: set[str] = set()
        super().__init__(risk)

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
            yield field(
                "ID",
                "id",
                GuardedInput(self.proposed_id, validators=[NewIdValidator(self._taken)]),
            )
        yield field(
            "Description",
            "description",
            GuardedInput(risk.description, validators=[Required("Description")]),
        )
        impacts = [*DEFAULT_IMPACTS, risk.impact] if risk.impact else list(DEFAULT_IMPACTS)
        yield field(
            "Impact", "impact", Select(choices(impacts), value=risk.impact, allow_blank=False)
        )
        yield field("Mitigation", "mitigation", GuardedInput(risk.mitigation))
        yield field("Owner", "owner", GuardedInput(risk.owner))
        statuses = [*DEFAULT_RISK_STATUSES, risk.status]
        yield field(
            "Status", "status", Select(choices(statuses), value=risk.status, allow_blank=False)
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._load_choices()

    @work(thread=True, exit_on_error=False, group="form-load")
    def _load_choices(self) -> None:
        risks = self.store.risks()
        statuses = self.store.statuses("risk")
        next_id = self.store.next_id("risk") if self.risk is None and not self.proposed_id else ""
        self.app.call_from_thread(self._apply_choices, risks, statuses, next_id)

    def _apply_choices(self, risks: list[Risk], statuses: list[str], next_id: str) -> None:
        self._taken.update(risk.id.casefold() for risk in risks)
        owners = sorted({risk.owner for risk in risks if risk.owner})
        self.query_one("#in-owner", Input).suggester = SuggestFromList(owners, case_sensitive=False)
        for name, values in (
            ("status", statuses),
            ("impact", [*DEFAULT_IMPACTS, *sorted({r.impact for r in risks if r.impact})]),
        ):
            select = self.query_one(f"#in-{name}", Select)
            current = str(select.value)
            select.set_options(choices([*values, current]))
            select.value = current
        if self.risk is None:
            id_input = self.query_one("#in-id", Input)
            if next_id and not id_input.value:
                id_input.value = next_id
                self._loaded["id"] = next_id
            elif id_input.value:
                self._show_field_error("id", id_input.validate(id_input.value), id_input.value)

    def save_operation(self, changes: dict[str, str], version: int | None) -> Callable[[], Any]:
        store = self.store
        values = dict(changes)
        if self.risk is None:
            # A taken ID is the store's to refuse: its error is shown beside the ID field.
            return lambda: store.create_risk(values)
        risk_id = self.risk.id
        return lambda: store.update_risk(risk_id, values, expected_version=version)
