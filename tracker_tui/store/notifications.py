"""ChangeListener: a dashboard on a database server hears of every commit without polling.

Every commit to a server store sends ``NOTIFY`` on ``engine.CHANGES_CHANNEL`` (see
``engine.py``). A listener holds one connection of its own, in autocommit, that
``LISTEN``s on that channel in a daemon thread, and counts: ``version`` goes up on every
notification, on every (re)connection (whatever was committed while it was away), and
every ``HEARTBEAT_SECONDS`` (a commit made by something that does not notify, such as
``psql``, is still seen). The dashboard's live refresh reads the store's revision only
when ``version`` has moved: an idle dashboard costs the server nothing but a heartbeat.

While the server cannot be reached the listener keeps trying every ``RETRY_SECONDS``,
and ``version()`` raises the connection's ``UnreachableError``, which the live refresh
shows as "reconnecting…".

psycopg is imported when the listener starts (a server store only).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from tracker_tui.domain import TrackerError

#: A revision check at least this often, notified or not.
HEARTBEAT_SECONDS = 5.0
#: How long to wait between attempts to reach a server that is away.
RETRY_SECONDS = 0.5
#: How long one wait for notifications lasts before the stop flag is looked at.
_WAIT_SECONDS = 0.5


class ChangeListener:
    """``LISTEN`` on ``channel`` through a connection made by ``connect()``; see the module.

    ``describe_error`` turns what ``connect()`` or the wait raised into the one-line
    ``TrackerError`` to show (an ``UnreachableError`` when the server is away).
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        channel: str,
        describe_error: Callable[[BaseException], TrackerError],
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._describe_error = describe_error
        self._lock = threading.Lock()
        #: Called (on the listener's thread) after each bump: set by ``wake_on_change``.
        self.wake: Callable[[], None] | None = None
        self._version = 0
        self._error: TrackerError | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tracker-listen", daemon=True)
        self._thread.start()

    def version(self) -> int:
        """A number that goes up whenever the store may have changed (see the module).

        Raises:
            TrackerError: the listener's connection is lost and not yet back.
        """
        with self._lock:
            if self._error is not None:
                raise self._error
            return self._version

    def close(self) -> None:
        """Stop listening; the thread closes its connection within ``_WAIT_SECONDS``."""
        self._stop.set()

    def _bump(self) -> None:
        with self._lock:
            self._version += 1
            self._error = None
        wake = self.wake
        if wake is not None:
            wake()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection = self._connect()
            except Exception as error:
                self._failed(error)
                continue
            try:
                self._listen(connection)
            except Exception as error:
                self._failed(error)
            finally:
                with contextlib.suppress(Exception):  # already broken: nothing to close
                    connection.close()

    def _listen(self, connection: Any) -> None:
        connection.execute(f"LISTEN {self._channel}")
        # Listening now: anything committed before this moment is found by the revision
        # check this bump causes (and it clears an error from the last connection).
        self._bump()
        beat = time.monotonic()
        while not self._stop.is_set():
            heard = False
            for _notification in connection.notifies(timeout=_WAIT_SECONDS, stop_after=1):
                heard = True
            now = time.monotonic()
            if heard or now - beat >= HEARTBEAT_SECONDS:
                beat = now
                self._bump()

    def _failed(self, error: BaseException) -> None:
        described = self._describe_error(error)
        with self._lock:
            newly = self._error is None
            self._error = described
        wake = self.wake
        if newly and wake is not None:
            wake()  # the dashboard says "reconnecting…" now, not at its next tick
        self._stop.wait(RETRY_SECONDS)
