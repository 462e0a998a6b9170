"""RisksView: the risk register, impact and status coloured, with the highlighted risk's
description and mitigation in full underneath.

Keys: ``s``/``S`` pick the status from ``store.statuses("risk")`` in a picker on the row
(opened on the next/previous one; only the status chosen is saved), ``e`` (or enter)
edits, ``n`` adds, ``d`` deletes after a yes/no question. Every store call runs in a thread
worker; the table is updated in place with the row the store returns.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from tracker_tui.domain import ConflictError, Risk, is_open_risk_status
from tracker_tui.messages import RiskSaved, RisksRead, WriteFailed
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._failures import reading, writing
from tracker_tui.screens._register import RegisterView
from tracker_tui.screens._writes import run_write
from tracker_tui.screens.risk_form import RiskFormScreen
from tracker_tui.screens.status_picker import StatusPicker, binding_keys
from tracker_tui.store.store import Store
from tracker_tui.widgets.progress import status_style
from tracker_tui.widgets.record_table import Column
from tracker_tui.widgets.urgency import impact_style, impact_urgency


def _styled(style_for: Any) -> Any:
    def render(value: Any, width: int) -> Text:
        text = display_text(str(value or ""))
        return Text(text, style=style_for(text))

    return render


RISK_COLUMNS = [
    Column("id", "ID", width=5, max_width=8, fit=16, priority=100),
    Column("description", "Description", width=20, priority=90),
    Column(
        "impact",
        "Impact",
        width=8,
        max_width=9,
        priority=80,
        render=_styled(impact_style),
        sort_key=lambda value: impact_urgency(str(value or "")),
    ),
    Column("status", "Status", width=10, max_width=11, priority=85, render=_styled(status_style)),
    Column("owner", "Owner", width=12, max_width=24, priority=40),
    Column("mitigation", "Mitigation", width=16, priority=20),
]


def risk_detail(risk: Risk | None) -> Group | Text:
    """The highlighted risk in full: description, then mitigation and owner."""
    if risk is None:
        return Text("")
    head = Text.assemble(
        (display_text(risk.id), "bold"),
        "  ",
        (display_text(risk.impact) or "-", impact_style(risk.impact)),
        "  ",
        (display_text(risk.status) or "-", status_style(risk.status)),
        "  ",
        (display_text(risk.owner), "dim"),
    )
    body = Text(clean_text(risk.description, multiline=True))
    mitigation = Text.assemble(
        ("Mitigation: ", "bold"), clean_text(risk.mitigation, multiline=True) or "-"
    )
    return Group(head, body, mitigation)


class RisksView(RegisterView):
    """The risk register. ``refresh_data()`` reads it again (after a live change)."""

    PREFIX: ClassVar[str] = "risks"
    TITLE: ClassVar[str] = "Issues & Risks"
    COLUMNS = RISK_COLUMNS
    EMPTY_TEXT: ClassVar[str] = "No risks recorded."

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "pick_status": "changing the status",
        "edit": "editing",
        "new": "adding a risk",
        "delete": "deleting",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "pick_status(1)", "Status ▶", id="risks.status-next"),
        Binding("S", "pick_status(-1)", "◀ Status", show=False, id="risks.status-previous"),
        Binding("e", "edit", "Edit", id="risks.edit"),
        Binding("n", "new", "New risk", id="risks.new"),
        Binding("d", "delete", "Delete", id="risks.delete"),
    ]

    def __init__(self, store: Store, *, id: str | None = "risks-view") -> None:
        super().__init__(store, id=id)
        self._statuses: list[str] = []

    def refresh_data(self) -> None:
        """Read the register again, off the UI thread; the cursor stays on its risk."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="risks-load")
    def _load(self) -> None:
        with reading(self, "the risk register"):
            self.post_message(RisksRead(self.store.risks(), self.store.statuses("risk")))

    def on_risks_read(self, message: RisksRead) -> None:
        self._loaded(message.risks, message.statuses)

    def _loaded(self, risks: list[Risk], statuses: list[str]) -> None:
        self._statuses = statuses
        self.table.set_rows(risks)
        self.show_title()
        self._show_detail(self.table.cursor_value)

    def show_title(self) -> None:
        rows = self.table.rows
        open_count = sum(1 for risk in rows if is_open_risk_status(risk.status))
        title = Text.assemble(
            (self.TITLE, "bold"),
            f"  {len(rows)} risk{'' if len(rows) == 1 else 's'}, {open_count} open",
        )
        self.set_title(title)

    def record_key(self, risk: Risk) -> str:
        return risk.id

    def detail(self, risk: Risk | None) -> Group | Text:
        return risk_detail(risk)

    # -- actions -----------------------------------------------------------------------

    def action_edit(self) -> None:
        """Edit the highlighted risk in a form."""
        risk = self.table.cursor_value
        if risk is not None:
            self.app.push_screen(RiskFormScreen(self.store, risk), self._show_saved)

    def action_new(self) -> None:
        """Add a risk (its ID continues the register's pattern)."""
        self.app.push_screen(RiskFormScreen(self.store, None), self._show_saved)

    def action_pick_status(self, step: int) -> None:
        """Choose the highlighted risk's status in a picker on its row, opened on the
        next (1) or previous (-1) one; only the status chosen is saved."""
        risk = self.table.cursor_value
        if risk is None or not self._statuses:
            return

        def chosen(status: str | None) -> None:
            if status is not None:  # the status it has already: the store writes nothing
                self._write_status(risk, status)

        picker = StatusPicker(
            risk.id,
            self._statuses,
            risk.status,
            step=step,
            anchor=self.table.cursor_region("status"),
            next_keys=binding_keys(self.screen, "risks.status-next"),
            previous_keys=binding_keys(self.screen, "risks.status-previous"),
        )
        self.app.push_screen(picker, chosen)

    def _write_status(self, risk: Risk, status: str) -> None:
        # The store as it is when the key is pressed (see run_write).
        run_write(self, self._write_status_job, self.store, risk, status, group="risks-write")

    def _write_status_job(self, store: Store, risk: Risk, status: str) -> None:
        """Runs on the app's write queue."""
        with writing(self, risk.id, title="Not saved"):
            saved = store.update_risk(risk.id, {"status": status}, expected_version=risk.version)
            self.post_message(RiskSaved(saved))

    def on_risk_saved(self, message: RiskSaved) -> None:
        self._show_saved(message.risk)

    def on_write_failed(self, message: WriteFailed) -> None:
        # Someone else changed it: show theirs (the app says so) rather than overwrite it.
        error = message.exception
        current = error.current if isinstance(error, ConflictError) else None
        if isinstance(current, Risk):
            self._show_saved(current)

    def action_delete(self) -> None:
        """Delete the highlighted risk, after a yes/no question."""
        risk = self.table.cursor_value
        if risk is None:
            return
        summary = self.summary(risk.description)
        self.confirm_delete(risk, f"Delete risk {risk.id}: {summary}?")

    def delete_record(self, risk: Risk) -> None:
        self.store.delete_risk(risk.id, expected_version=risk.version)

    def _deleted(self, risk_id: Hashable) -> None:
        super()._deleted(risk_id)
        self.app.notify(f"Deleted {risk_id}", markup=False)
