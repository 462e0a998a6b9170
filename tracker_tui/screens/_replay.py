"""UndoRedo: ``u`` and ``ctrl+r`` on a screen that edits the store (the Snapshot, the Plan).

The store's undo is this user's last change whatever the screen it was made on; it runs
on the app's write queue, in order with the other writes. A change someone else has made
since is overwritten only after a yes (``conflict_question``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_tui.domain import ConflictError
from tracker_tui.screens._failures import writing
from tracker_tui.screens._writes import run_write
from tracker_tui.store.replayed import Replayed

if TYPE_CHECKING:
    from tracker_tui.store.store import Store


class UndoRedo:
    """Mix into a widget or screen that has ``store``; give ``replayed`` (what to read
    again, in the worker) and ``replayed_names`` (what the toast names)."""

    store: Store
    app: Any

    def replayed(self, changes: Replayed, store: Store) -> None:
        """Runs on the write queue after an undo or redo in ``store``: read again what
        changed (if the screen still shows that store's tracker)."""

    def replayed_names(self, changes: Replayed) -> list[str]:
        """What the toast says was undone ("UT-004"); empty: "last change"."""
        return []

    def _replay(self, action: str, force: bool = False) -> None:
        # The store of the tracker shown now, taken with the key: the screen may show
        # another tracker by the time the job runs (the Snapshot screen is reused).
        run_write(self, self._replay_job, self.store, action, force)  # type: ignore[arg-type]

    def _replay_job(self, store: Store, action: str, force: bool) -> None:
        """Runs on the app's write queue: undo or redo, then read what it changed."""
        with writing(self, action):  # type: ignore[arg-type]
            try:
                replay = store.undo if action == "undo" else store.redo
                changes = replay(force=force)
            except ConflictError as err:
                # Someone changed it since: ask before overwriting their change.
                self.app.call_from_thread(self._ask_force, action, err)
                return
            self.replayed(changes, store)
            what = self.replayed_names(changes)
            label = "Undone" if action == "undo" else "Redone"
            done = f"{label}: {', '.join(what) if what else 'last change'}"
            # Parts skipped because someone deleted the row since (the store says which).
            skipped = changes.message
            self.app.call_from_thread(
                self.app.notify, f"{done}; {skipped}" if skipped else done, markup=False
            )

    def _ask_force(self, action: str, error: ConflictError) -> None:
        """``action`` would overwrite another user's change: do it only after a yes."""
        from tracker_tui.screens.confirm import ConfirmScreen
        from tracker_tui.screens.conflict import conflict_question

        def answered(yes: bool | None) -> None:
            if yes:
                self._replay(action, force=True)

        self.app.push_screen(ConfirmScreen(conflict_question(action, error)), answered)
