"""RisksView: the risk register, impact and status coloured, with the highlighted risk's
description and mitigation in full underneath.

Keys: ``s``/``S`` cycle the status through ``store.statuses("risk")``, ``e`` (or enter)
edits, ``n`` adds, ``d`` deletes after a yes/no question. Every store call runs in a thread
worker; the table is updated in place with the row the store returns.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from tracker_tui.domain import ConflictError, Risk, TrackerError, is_open_risk_status
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._read_only import ReadOnlyActions
from tracker_tui.screens._writes import run_write
from tracker_tui.screens.confirm import ConfirmScreen
from tracker_tui.screens.risk_form import RiskFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.progress import status_style
from tracker_tui.widgets.record_table import Column, RecordTable

_IMPACT_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
_IMPACT_ORDER = {"low": 1, "medium": 2, "high": 3, "critical": 4}


def impact_style(impact: str) -> str:
    return _IMPACT_STYLES.get(impact.strip().casefold(), "")


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
        sort_key=lambda value: _IMPACT_ORDER.get(str(value).casefold(), 0),
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


class RisksView(ReadOnlyActions, Vertical):
    """The risk register. ``refresh_data()`` reads it again (after a live change)."""

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "cycle_status": "changing the status",
        "edit": "editing",
        "new": "adding a risk",
        "delete": "deleting",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_status(1)", "Status ▶", id="risks.status-next"),
        Binding("S", "cycle_status(-1)", "◀ Status", show=False, id="risks.status-previous"),
        Binding("e", "edit", "Edit", id="risks.edit"),
        Binding("n", "new", "New risk", id="risks.new"),
        Binding("d", "delete", "Delete", id="risks.delete"),
    ]

    def __init__(self, store: Store, *, id: str | None = "risks-view") -> None:
        super().__init__(id=id, classes="register-view")
        self.store = store
        self._statuses: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Issues & Risks", style="bold"), classes="view-title", id="risks-title")
        yield RecordTable(RISK_COLUMNS, empty_text="No risks recorded.", id="risks-table")
        yield Static(id="risks-detail", classes="view-detail")

    @property
    def table(self) -> RecordTable:
        return self.query_one("#risks-table", RecordTable)

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the register again, off the UI thread; the cursor stays on its risk."""
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="risks-load")
    def _load(self) -> None:
        risks = self.store.risks()
        statuses = self.store.statuses("risk")
        self.app.call_from_thread(self._loaded, risks, statuses)

    def _loaded(self, risks: list[Risk], statuses: list[str]) -> None:
        self._statuses = statuses
        self.table.set_rows(risks)
        self._show_count()
        self._show_detail(self.table.cursor_value)

    def _show_count(self) -> None:
        rows = self.table.rows
        open_count = sum(1 for risk in rows if is_open_risk_status(risk.status))
        title = Text.assemble(
            ("Issues & Risks", "bold"),
            f"  {len(rows)} risk{'' if len(rows) == 1 else 's'}, {open_count} open",
        )
        self.query_one("#risks-title", Static).update(title)

    def _show_detail(self, risk: Risk | None) -> None:
        self.query_one("#risks-detail", Static).update(risk_detail(risk))

    @on(RecordTable.RowHighlighted, "#risks-table")
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        self._show_detail(event.row)

    @on(RecordTable.RowSelected, "#risks-table")
    def _selected(self) -> None:
        if self._read_only():
            self.explain_read_only("edit")
            return
        self.action_edit()

    # -- actions -----------------------------------------------------------------------

    def _saved(self, risk: Risk | None) -> None:
        if risk is None:
            return
        self.table.update_row(risk.id, risk)
        self.table.move_cursor_to_key(risk.id)
        self._show_count()
        self._show_detail(self.table.cursor_value)

    def action_edit(self) -> None:
        """Edit the highlighted risk in a form."""
        risk = self.table.cursor_value
        if risk is not None:
            self.app.push_screen(RiskFormScreen(self.store, risk), self._saved)

    def action_new(self) -> None:
        """Add a risk (its ID continues the register's pattern)."""
        self.app.push_screen(RiskFormScreen(self.store, None), self._saved)

    def action_cycle_status(self, step: int) -> None:
        """Move the highlighted risk to the next (or previous) status in the list."""
        risk = self.table.cursor_value
        if risk is None or not self._statuses:
            return
        statuses = self._statuses
        index = statuses.index(risk.status) if risk.status in statuses else -1
        new_status = statuses[(index + step) % len(statuses)]
        self._write_status(risk, new_status)

    def _write_status(self, risk: Risk, status: str) -> None:
        run_write(self, self._write_status_job, risk, status, group="risks-write")

    def _write_status_job(self, risk: Risk, status: str) -> None:
        """Runs on the app's write queue."""
        try:
            saved = self.store.update_risk(
                risk.id, {"status": status}, expected_version=risk.version
            )
        except ConflictError as error:
            # Someone else changed it: show theirs, and say so, rather than overwrite.
            self.app.call_from_thread(self._refused, str(error), error.current)
        except TrackerError as error:
            self.app.call_from_thread(self._refused, str(error), None)
        else:
            self.app.call_from_thread(self._saved, saved)

    def _refused(self, message: str, current: Risk | None) -> None:
        if isinstance(current, Risk):
            self._saved(current)
        self.app.notify(message, title="Not saved", severity="error", markup=False)

    def action_delete(self) -> None:
        """Delete the highlighted risk, after a yes/no question."""
        risk = self.table.cursor_value
        if risk is None:
            return
        summary = display_text(risk.description)
        if len(summary) > 60:
            summary = summary[:59] + glyphs_for(self).ellipsis

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(risk)

        self.app.push_screen(ConfirmScreen(f"Delete risk {risk.id}: {summary}?"), answered)

    def _delete(self, risk: Risk) -> None:
        run_write(self, self._delete_job, risk, group="risks-write")

    def _delete_job(self, risk: Risk) -> None:
        """Runs on the app's write queue."""
        try:
            self.store.delete_risk(risk.id, expected_version=risk.version)
        except ConflictError as error:
            self.app.call_from_thread(self._refused, str(error), error.current)
        except TrackerError as error:
            self.app.call_from_thread(self._refused, str(error), None)
        else:
            self.app.call_from_thread(self._deleted, risk.id)

    def _deleted(self, risk_id: str) -> None:
        self.table.remove_row(risk_id)
        self._show_count()
        self._show_detail(self.table.cursor_value)
        self.app.notify(f"Deleted {risk_id}", markup=False)
