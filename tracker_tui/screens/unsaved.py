"""A quick edit that could not be saved stays on screen until the user has seen it.

A failed ``+``/``-``, status pick or progress prompt used to be one toast that went after
five seconds, and with it any sign of the edit: over SSH, looking at another window, the
user never knew. Now the row gets an unsaved mark in its gutter and the reason (which
file is in the way, and the command that fixes it) stays in a toast, both until the next
key press.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widget import Widget

from tracker_tui.widgets.record_table import RecordTable

if TYPE_CHECKING:
    # The message lives with the others (``tracker_tui.messages``): the Stand-up screen
    # posts it too, without this module's table.
    from tracker_tui.messages import QuickEditFailed

#: The gutter mark of a row whose quick edit was not saved (ASCII already).
UNSAVED_MARK = "!"
#: Long enough to mean "until a key is pressed": the next key removes it.
UNTIL_A_KEY = 24 * 3600.0


class UnsavedEdit:
    """The unsaved mark and its message on one screen, until ``clear()``."""

    def __init__(self, owner: Widget, table: Callable[[], RecordTable]) -> None:
        self._owner = owner
        self._table = table
        self._task_id: str | None = None

    @property
    def task_id(self) -> str | None:
        """The row marked unsaved, if any."""
        return self._task_id

    def show(self, message: QuickEditFailed, restore: Callable[[str], None]) -> None:
        """Mark the row and keep the reason on screen; ``restore`` puts back whatever
        mark the previous unsaved row had before (an "edited by" mark)."""
        self.clear(restore)
        self._task_id = message.task_id
        self._table().set_marker(message.task_id, UNSAVED_MARK)
        self._owner.notify(
            f"{message.task_id} not saved: {message.error}",
            severity="error",
            timeout=UNTIL_A_KEY,
            markup=False,
        )

    def clear(self, restore: Callable[[str], None]) -> None:
        """Remove the mark and the message (the user has pressed a key)."""
        if self._task_id is None:
            return
        task_id, self._task_id = self._task_id, None
        self._table().set_marker(task_id, None)
        restore(task_id)
        # Every toast goes with it: Textual has no public way to remove just one, and a
        # key press says the user has read what was there.
        self._owner.app.clear_notifications()
