"""RegisterView: what the activity log, the decision log and the risk register share.

Each is a title, a ``RecordTable`` of the register and the highlighted record in full
underneath (ids ``<PREFIX>-title``, ``-table``, ``-detail``). Enter edits the highlighted
record unless the store is read-only (then it says why), and a delete asks first and runs
on the app's write queue, so it commits in keypress order with the other writes.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tracker_tui.messages import RecordDeleted
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import writing
from tracker_tui.screens._read_only import ReadOnlyActions
from tracker_tui.screens._writes import run_write
from tracker_tui.screens.confirm import ConfirmScreen
from tracker_tui.screens.view_screen import DataView
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.record_table import Column, RecordTable

#: How much of a record's text a delete question quotes.
SUMMARY_LENGTH = 60


class RegisterView(ReadOnlyActions, DataView):
    """A register's table and detail. Subclasses set the class attributes, read the
    register in ``refresh_data`` and give ``detail``, ``show_title``, ``action_edit``
    and ``delete_record``."""

    #: The start of the ids of the view's parts, and of its worker groups.
    PREFIX: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[Sequence[Column]] = ()
    EMPTY_TEXT: ClassVar[str] = "No rows."

    def __init__(self, store: Store, *, id: str | None) -> None:
        super().__init__(id=id, classes="register-view")
        self.store = store

    # -- for subclasses --------------------------------------------------------------

    def record_key(self, record: Any) -> Hashable:
        """The table key of ``record``: its store key (a task or risk overrides: its ID)."""
        key: Hashable = record.key
        return key

    def detail(self, record: Any | None) -> RenderableType:
        """The highlighted record in full, under the table."""
        raise NotImplementedError

    def show_title(self) -> None:
        """Say in the title how many records there are (or where the page is)."""
        raise NotImplementedError

    def action_edit(self) -> None:
        raise NotImplementedError

    def delete_record(self, record: Any) -> None:
        """The store call that deletes ``record`` (runs on the app's write queue)."""
        raise NotImplementedError

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(
            Text(self.TITLE, style="bold"), classes="view-title", id=f"{self.PREFIX}-title"
        )
        yield RecordTable(
            self.COLUMNS, key=self.record_key, empty_text=self.EMPTY_TEXT, id=self._table_id
        )
        yield Static(id=f"{self.PREFIX}-detail", classes="view-detail")

    @property
    def _table_id(self) -> str:
        return f"{self.PREFIX}-table"

    @property
    def table(self) -> RecordTable:
        return self.query_one(f"#{self._table_id}", RecordTable)

    def on_mount(self) -> None:
        self.refresh_data()

    def set_title(self, title: Text) -> None:
        self.query_one(f"#{self.PREFIX}-title", Static).update(title)

    def _show_detail(self, record: Any | None) -> None:
        self.query_one(f"#{self.PREFIX}-detail", Static).update(self.detail(record))

    def _show_saved(self, record: Any | None) -> None:
        """Show a record a form (or a quick edit) saved, in place, and highlight it."""
        if record is None:
            return
        key = self.record_key(record)
        self.table.update_row(key, record)
        self.table.move_cursor_to_key(key)
        self.show_title()
        self._show_detail(self.table.cursor_value)

    # -- the table's messages ---------------------------------------------------------------

    @on(RecordTable.RowHighlighted)
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if event.control.id == self._table_id:
            self._show_detail(event.row)

    @on(RecordTable.RowSelected)
    def _selected(self, event: RecordTable.RowSelected) -> None:
        if event.control.id != self._table_id:
            return
        event.stop()
        if self._read_only():
            self.explain_read_only("edit")
            return
        self.action_edit()

    # -- deleting ----------------------------------------------------------------------

    def summary(self, text: str) -> str:
        """``text`` as a delete question quotes it: one line, cut short when long."""
        shown = display_text(text)
        if len(shown) > SUMMARY_LENGTH:
            shown = shown[: SUMMARY_LENGTH - 1] + glyphs_for(self).ellipsis
        return shown

    def confirm_delete(self, record: Any, question: str) -> None:
        """Ask ``question``; on yes, delete ``record``."""

        def answered(yes: bool | None) -> None:
            if yes:
                run_write(self, self._delete_job, record, group=f"{self.PREFIX}-write")

        self.app.push_screen(ConfirmScreen(question), answered)

    def _delete_job(self, record: Any) -> None:
        """Runs on the app's write queue; a refusal is told by the app (WriteFailed)."""
        key = self.record_key(record)
        with writing(self, display_text(str(key)), title="Not deleted"):
            self.delete_record(record)
            self.post_message(RecordDeleted(key))

    def on_record_deleted(self, message: RecordDeleted) -> None:
        self._deleted(message.key)

    def _deleted(self, key: Hashable) -> None:
        self.table.remove_row(key)
        self.show_title()
        self._show_detail(self.table.cursor_value)
