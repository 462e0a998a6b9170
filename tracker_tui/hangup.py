"""A hang-up (SIGHUP: the SSH connection dropped, the terminal closed) or a SIGTERM ends
tracker-tui as ``q`` does, not in the middle of whatever it was doing.

By default either signal kills the process where it stands: the dashboard's queued
writes are lost, and ``demo`` leaves its ``tracker-tui-demo-*`` folder behind. Instead:

- while the dashboard runs, the signal asks the app to exit on its own event loop (the
  writes already asked for are saved, an unsaved form is dropped: nobody is left to
  answer "quit anyway?"), and once it has, the command unwinds with exit status
  128 + the signal, so ``with`` blocks close the store and remove temporary folders;
- at any other moment (an ``import``, ``demo`` before its dashboard is up) the signal
  raises ``SystemExit`` there, with the same effect: a write transaction in progress
  rolls back, files are closed and temporary folders removed.

A terminal that hung up also fails every write the dashboard makes to it (EIO); the
app's driver drops those instead of blocking on them (``widgets/textual_private.py``,
``outliving_its_terminal``), so that the exit asked for here can finish.

Standard library only: the app is reached through the callback it registers.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from types import FrameType

#: The signals that end the program cleanly (SIGHUP does not exist on Windows).
SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)


class _State:
    """What the handler needs: the running app's exit, and the signal that came."""

    exit_app: Callable[[], None] | None = None
    received: int | None = None


def _handle(signum: int, _frame: FrameType | None) -> None:
    _State.received = signum
    exit_app = _State.exit_app
    if exit_app is not None:
        import asyncio  # loaded by then (the app runs on it); not at the CLI's start

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            # The handler runs between two bytecodes of the loop's thread: hand the exit
            # to the loop rather than run it half-way through something else.
            loop.call_soon_threadsafe(exit_app)
            return
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Within: SIGHUP and SIGTERM end the program cleanly (see the module). The handlers
    in place before are put back after, so that a caller (a test) keeps its own."""
    previous = {}
    for number in SIGNALS:
        try:
            previous[number] = signal.signal(number, _handle)
        except ValueError:  # not the main thread: leave the defaults alone
            break
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def ending_app(exit_app: Callable[[], None]) -> Iterator[None]:
    """While the app runs, a hang-up calls ``exit_app`` on its loop; when it has ended
    because of one, raise ``SystemExit(128 + signal)`` so that the caller unwinds."""
    _State.exit_app, _State.received = exit_app, None
    try:
        yield
    finally:
        _State.exit_app = None
    if _State.received is not None:
        raise SystemExit(128 + _State.received)
