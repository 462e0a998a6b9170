"""ActivityView: the activity log, newest first, a page at a time.

A log can hold 100,000 entries: only one page is read (``store.activity(limit, offset)``)
and held; ``]`` and ``[`` turn the page, and the title says where you are. ``a``/``n``
adds an entry at the top; enter (or ``e``) corrects the highlighted entry in a form, ``d``
deletes it after a yes/no question.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from tracker_tui.domain import ActivityEntry
from tracker_tui.messages import ActivityPageRead
from tracker_tui.sanitize import clean_text, display_text
from tracker_tui.screens._failures import reading
from tracker_tui.screens._register import RegisterView
from tracker_tui.screens.activity_form import ActivityFormScreen
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import glyphs_for
from tracker_tui.widgets.record_table import Column

#: Entries read and held at once.
PAGE_SIZE = 200

ACTIVITY_COLUMNS = [
    Column("date", "Date", width=10, max_width=12, priority=100),
    Column("text", "Entry", width=30, priority=90),
]


def activity_detail(entry: ActivityEntry | None) -> Group | Text:
    if entry is None:
        return Text("")
    return Group(
        Text(display_text(entry.date), style="bold"),
        Text(clean_text(entry.text, multiline=True)),
    )


class ActivityView(RegisterView):
    """The activity log; ``refresh_data()`` reads the current page (and the count) again."""

    PREFIX: ClassVar[str] = "activity"
    TITLE: ClassVar[str] = "Activity Log"
    COLUMNS = ACTIVITY_COLUMNS
    EMPTY_TEXT: ClassVar[str] = "No activity yet: a adds an entry."

    #: On a read-only store these keys show dimmed in the footer and say why when pressed.
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {
        "add": "adding to the activity log",
        "edit": "editing the activity log",
        "delete": "deleting from the activity log",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a,n", "add", "Add entry", id="activity.add"),
        Binding("e", "edit", "Edit", id="activity.edit"),
        Binding("d", "delete", "Delete", id="activity.delete"),
        Binding("right_square_bracket", "page(1)", "Older", id="activity.page-older"),
        Binding("left_square_bracket", "page(-1)", "Newer", id="activity.page-newer"),
    ]

    def __init__(
        self, store: Store, *, page_size: int = PAGE_SIZE, id: str | None = "activity-view"
    ) -> None:
        super().__init__(store, id=id)
        self.page_size = page_size
        self.page_offset = 0
        self.total = 0
        # The entry to highlight once the page has been read (a new entry).
        self._select_key: int | None = None

    def refresh_data(self) -> None:
        """Read the current page and the entry count again, off the UI thread."""
        self._load(self.page_offset)

    @work(thread=True, exclusive=True, exit_on_error=False, group="activity-load")
    def _load(self, offset: int) -> None:
        with reading(self, "the activity log"):
            total = self.store.activity_count()
            # A page past the end (entries were deleted meanwhile) falls back to the last.
            if offset >= total:
                offset = max(0, (total - 1) // self.page_size * self.page_size)
            entries = self.store.activity(limit=self.page_size, offset=offset)
            self.post_message(ActivityPageRead(offset, total, entries))

    def on_activity_page_read(self, message: ActivityPageRead) -> None:
        self._loaded(message.offset, message.total, message.entries)

    def _loaded(self, offset: int, total: int, entries: list[ActivityEntry]) -> None:
        self.page_offset, self.total = offset, total
        self.table.set_rows(entries)
        if self._select_key is not None:
            self.table.move_cursor_to_key(self._select_key)
            self._select_key = None
        self.show_title()
        self.refresh_bindings()  # the footer's Older/Newer depend on the page
        self._show_detail(self.table.cursor_value)

    def show_title(self) -> None:
        title = Text(self.TITLE, style="bold")
        if self.total:
            last = min(self.page_offset + self.page_size, self.total)
            dash = glyphs_for(self).dash
            title.append(
                f"  {self.page_offset + 1:,}{dash}{last:,} of {self.total:,}, newest first"
            )
            if self.total > self.page_size:
                title.append("   [ newer  ] older", style="dim")
        self.set_title(title)

    def detail(self, entry: ActivityEntry | None) -> Group | Text:
        return activity_detail(entry)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and parameters:
            step = int(parameters[0])  # type: ignore[call-overload]
            target = self.page_offset + step * self.page_size
            return 0 <= target < self.total or None  # shown dim at either end
        return super().check_action(action, parameters)

    def action_page(self, step: int) -> None:
        """Show the next older (1) or newer (-1) page."""
        target = self.page_offset + step * self.page_size
        if 0 <= target < self.total:
            self._load(target)
            self.table.cursor_row = 0

    def action_add(self) -> None:
        """Add an entry at the top of the log."""
        self.app.push_screen(ActivityFormScreen(self.store), self._added)

    def _added(self, entry: ActivityEntry | None) -> None:
        if entry is not None:
            # The new entry is the newest: show the first page with it highlighted.
            self.page_offset = 0
            self._select_key = entry.key
            self.refresh_data()

    def action_edit(self) -> None:
        """Correct the highlighted entry (its date and text) in a form."""
        entry = self.table.cursor_value
        if entry is not None and entry.key is not None:
            self.app.push_screen(ActivityFormScreen(self.store, entry), self._edited)

    def _edited(self, entry: ActivityEntry | None) -> None:
        if entry is not None:
            # The row changes in place; a new date may move it: read the page again.
            self.table.update_row(entry.key, entry)
            self._show_detail(self.table.cursor_value)
            self._select_key = entry.key
            self.refresh_data()

    def action_delete(self) -> None:
        """Delete the highlighted entry, after a yes/no question."""
        entry = self.table.cursor_value
        if entry is None or entry.key is None:
            return
        summary = self.summary(entry.text)
        question = f"Delete the activity entry of {display_text(entry.date)}: {summary}?"
        self.confirm_delete(entry, question)

    def delete_record(self, entry: ActivityEntry) -> None:
        if entry.key is not None:  # an entry read from the store always has its key
            self.store.delete_item("activity", entry.key)

    def _deleted(self, key: Hashable) -> None:
        super()._deleted(key)
        self.refresh_data()  # the count, and the page's next entry moves up
