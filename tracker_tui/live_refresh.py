"""LiveRefresh: the app sees every commit to the store, whoever made it.

Every ``POLL_SECONDS`` a thread worker asks the store whether anything changed: first the
free check (SQLite's ``PRAGMA data_version``; None on an engine without one), then, only
when that moved, the store's own revision counter; only when the revision moved are the
changes read. The result is posted to the app as ``StoreChanged``, which the app hands to
its screens.

On PostgreSQL the free check is the store's LISTEN/NOTIFY counter (the revision is read
only when a commit was announced, or at a heartbeat). A check that finds the server away
(``UnreachableError``: refused, restarting) posts ``StoreUnreachable`` at once, which the
app shows as "reconnecting…" in every screen's tab row; the first check that works again
reads what changed meanwhile and posts ``StoreReachable``.

A failing check is tried again at the next tick. After ``POLL_FAILURES_TOLD`` failures in
a row (other than a server away, told already) the app gets one ``RefreshFailed`` (an
unexpected error is logged, once), and when a check works again after that, one
``RefreshRecovered``. Nothing is marked as seen until its check succeeded, so a change
made while the store was unreachable is shown afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker_tui.domain import TrackerError, UnreachableError
from tracker_tui.errors_log import report_unexpected
from tracker_tui.messages import (
    ChangeAnnounced,
    RefreshFailed,
    RefreshRecovered,
    StoreChanged,
    StoreReachable,
    StoreUnreachable,
)
from tracker_tui.tracker_messages import TrackersChanged

if TYPE_CHECKING:
    from textual.app import App

    from tracker_tui.store.store import Store

POLL_SECONDS = 0.5
#: Failed polls in a row before the user is told (one busy moment is not worth it).
POLL_FAILURES_TOLD = 3


class LiveRefresh:
    """Polls ``store`` on behalf of ``app`` and posts what changed to it."""

    def __init__(self, app: App[None], store: Store) -> None:
        self.app = app
        self.store = store
        #: The store's revision the screens show, and the data_version it was read at.
        self.revision = 0
        self._data_version: int | None = None
        #: Every tracker's revision, as last seen: a move in any of them (or a tracker
        #: added or deleted) is a ``TrackersChanged`` for the portfolio.
        self._revisions: dict[int, int] | None = None
        #: Checks that failed in a row (0 once one works).
        self.failures = 0
        self._polling = False
        self._failure_told = False
        self._error_logged = False
        #: True from a check that found the server away until one that reached it.
        self.unreachable = False

    def read_counters(self) -> None:
        """Start from the store's counters as they are now: call it before the screens'
        first read, so that a commit made during that read is shown by the first poll."""
        self.revision = self.store.revision()
        self._data_version = self.store.data_version()
        self._revisions = self.store.revisions()

    def follow(self, store: Store) -> None:
        """Watch ``store`` (a view on another tracker) from now on: the app opened it."""
        self.store = store
        self.revision = store.revision()

    def start(self) -> None:
        """Check every ``POLL_SECONDS`` from now on (call once the app is running), and
        at once when the store announces a commit (the app hands ``ChangeAnnounced`` to
        ``check_now``)."""
        self.app.set_interval(POLL_SECONDS, self._tick)
        self.store.wake_on_change(self._announced)

    def _announced(self) -> None:
        """On the store's listener thread (post_message is safe from any thread)."""
        self.app.post_message(ChangeAnnounced())

    def check_now(self) -> None:
        """Check now, unless a check is under way (the next tick sees what it missed)."""
        self._tick()

    def _tick(self) -> None:
        # One check at a time: a slow disk must not pile up workers.
        if not self._polling:
            self._polling = True
            self.app.run_worker(self._check, thread=True, exit_on_error=False, group="poll")

    def _check(self) -> None:
        """Runs in a thread worker."""
        store = self.store
        try:
            data_version = store.data_version()
            if data_version is None or data_version != self._data_version:
                revisions = store.revisions()
                if revisions != self._revisions:
                    self._revisions = revisions
                    self.app.post_message(TrackersChanged(revisions))
                revision = store.revision()
                seen = self.revision
                if revision != seen:
                    changes = store.changes_since(seen)
                    # As many as the store returns at most: there may be more, so the
                    # screens read everything rather than patch rows.
                    full = len(changes) >= store.CHANGES_LIMIT
                    # Another tracker opened meanwhile (``follow``): these changes and
                    # this revision are of the one before; the next tick reads the new.
                    if store is not self.store:
                        return
                    self.app.post_message(StoreChanged(changes, revision, full=full, source=store))
                    self.revision = revision
                # Only now that the reads succeeded: a failed tick is tried again.
                self._data_version = data_version
        except Exception as error:
            self._failed(error)
        else:
            if self.failures:
                self.failures = 0
                self._error_logged = False
                if self.unreachable:
                    self.unreachable = False
                    self.app.post_message(StoreReachable())
                if self._failure_told:
                    self._failure_told = False
                    self.app.post_message(RefreshRecovered())
        finally:
            self._polling = False

    def _failed(self, error: Exception) -> None:
        """Count the failure; log an unexpected one (once a streak)."""
        self.failures += 1
        if isinstance(error, UnreachableError) and not self.unreachable:
            self.unreachable = True
            self.app.post_message(StoreUnreachable(str(error)))
        if isinstance(error, TrackerError):
            reason = str(error)
        else:
            reason = f"{type(error).__name__}: {error}"
            if not self._error_logged:
                self._error_logged = True
                reason = report_unexpected(error)
        # A server away has been told already ("reconnecting…"): no toast on top of it.
        if self.failures == POLL_FAILURES_TOLD and not self.unreachable:
            self._failure_told = True
            self.app.post_message(RefreshFailed(reason, self.failures))
