"""One dashboard process per browser tab, and the cap on how many run at once.

textual-serve's ``AppService`` starts its command through a shell and, to stop it, asks
the app to quit and then waits for as long as that takes. Here the process is started
without a shell (the editor's name comes from a browser: it must never reach a command
line), in a session of its own (a Ctrl-C typed at the server's terminal is the server's
to handle, not every tab's), and stopping it is bounded: quit, then SIGTERM, then SIGKILL.

One process is kept ready ahead of the next tab (``SpareTab``): a tab that connects is
handed it, and waits only for the dashboard's first frame, not for Python to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Mapping, Sequence

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from tracker_tui.serve.access import PARENT_ENV, TOKEN_ENV
from tracker_tui.serve.handover import SPARE_ENV, Handover

#: How long a tab's dashboard gets to quit as ``q`` does (its queued writes saved).
QUIT_GRACE = 3.0
#: How long it gets after SIGTERM before SIGKILL.
TERM_GRACE = 2.0
#: Output after which a tab has drawn its first frame (the terminal set-up before it is a
#: few dozen bytes; the dashboard's first frame several KB).
FIRST_FRAME_BYTES = 1024
#: The longest the next spare waits for the last tab's first frame before it starts.
FIRST_FRAME_WAIT = 10.0
#: The editor's name in a tab's environment (``store.target.USER_ENV``).
USER_ENV = "TRACKER_TUI_USER"


async def _unattached(data: bytes | str) -> None:
    """A spare's output before it has a tab: there is none (it waits on its stdin)."""


async def _unattached_close() -> None:
    """Closing a spare's tab: it has none yet."""


class DashboardSession(AppService):
    """The dashboard process behind one browser tab."""

    def __init__(
        self,
        argv: Sequence[str],
        environment: Mapping[str, str],
        *,
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            " ".join(argv),  # only shown in textual-serve's debug output; never run
            write_bytes=_unattached,
            write_str=_unattached,
            close=_unattached_close,
            download_manager=download_manager,
        )
        self._argv = list(argv)
        self._extra_environment = dict(environment)
        self._spare = False
        self._bytes_out = 0
        #: Set once the tab's first frame has gone to its browser.
        self.first_frame = asyncio.Event()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop(TOKEN_ENV, None)  # a tab's process has no use for the token
        environment.update(self._extra_environment)
        environment[PARENT_ENV] = str(os.getpid())
        if self._spare:
            environment[SPARE_ENV] = "1"
        return environment

    async def start_spare(self) -> None:
        """Start the process before its tab connects: it imports, then waits."""
        self._spare = True
        await self._open_app_process()

    async def open_tab(
        self,
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        width: int,
        height: int,
        name: str,
    ) -> None:
        """Run the dashboard for a tab: hand it to this spare, or (no spare, or it died)
        start a process for it. The name never reaches a command line: it goes in the
        handover, or in the new process's environment."""
        self.remote_write_bytes = write_bytes
        self.remote_write_str = write_str
        self.remote_close = close
        process = self._process
        handed = (
            self._spare
            and process is not None
            and process.returncode is None
            and await self.send_meta(Handover(width, height, name).meta())
        )
        self._spare = False
        if not handed:
            if process is not None:
                _signal(process, signal.SIGKILL)
                await process.wait()
            self._extra_environment[USER_ENV] = name
            await self._open_app_process(width, height)
        self._task = asyncio.create_task(self.run())

    async def on_data(self, payload: bytes) -> None:
        await super().on_data(payload)
        self._bytes_out += len(payload)
        if self._bytes_out >= FIRST_FRAME_BYTES:
            self.first_frame.set()

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """End the process: ask it to quit, then terminate it, then kill it; reap it."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            if self._spare:  # nothing to save: it has not started the dashboard
                _signal(process, signal.SIGTERM)
            else:
                await self.send_meta({"type": "quit"})
            if not await _exited(process, 0 if self._spare else QUIT_GRACE):
                _signal(process, signal.SIGTERM)
                if not await _exited(process, TERM_GRACE):
                    _signal(process, signal.SIGKILL)
                    await process.wait()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, TERM_GRACE)


async def _exited(process: Process, within: float) -> bool:
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        return False
    return True


def _signal(process: Process, number: signal.Signals) -> None:
    # The process leads its own session: signal the group, so that anything it started
    # goes too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, number)


class SessionCap:
    """How many tabs are open, against ``--max-sessions``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: set[DashboardSession] = set()
        self._reserved = 0

    @property
    def full(self) -> bool:
        return len(self.open) + self._reserved >= self.limit

    def reserve(self) -> bool:
        """Hold a place for a tab that is starting; False when there is none."""
        if self.full:
            return False
        self._reserved += 1
        return True

    def release_reservation(self) -> None:
        self._reserved -= 1

    async def stop_all(self) -> None:
        """Stop every tab's process at once (the server is stopping)."""
        await asyncio.gather(*(session.stop() for session in list(self.open)))


class SpareTab:
    """The one dashboard process kept ready for the next tab.

    A new spare starts when the last one is taken, but only once that tab has drawn its
    first frame: on a 2-core box, a Python importing Textual beside it would slow it.
    """

    def __init__(self, make: Callable[[], DashboardSession]) -> None:
        self._make = make
        self._ready: DashboardSession | None = None
        self._filling: asyncio.Task[None] | None = None
        self._stopped = False

    def fill(self, after: asyncio.Event | None = None) -> None:
        """Start a spare (after ``after`` is set, or ``FIRST_FRAME_WAIT``), unless one is
        ready or starting."""
        if self._stopped or self._ready is not None or self._filling is not None:
            return
        self._filling = asyncio.create_task(self._fill(after))

    async def _fill(self, after: asyncio.Event | None) -> None:
        try:
            if after is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(after.wait(), FIRST_FRAME_WAIT)
            session = self._make()
            try:
                await session.start_spare()
            except asyncio.CancelledError:
                await session.stop()
                raise
            self._ready = session
        finally:
            self._filling = None

    def take(self) -> DashboardSession:
        """The spare for a tab that connects, else a session that will start afresh."""
        session, self._ready = self._ready, None
        return session if session is not None else self._make()

    async def stop(self) -> None:
        """End the spare (the server is stopping)."""
        self._stopped = True
        if self._filling is not None:
            self._filling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._filling
        if self._ready is not None:
            await self._ready.stop()
            self._ready = None


def session_argv(dashboard_arguments: Sequence[str]) -> list[str]:
    """The command a tab runs: this Python, the session entry point, the dashboard's
    options (``--db``, ``--read-only``...)."""
    return [sys.executable, "-m", "tracker_tui.serve_tab", *dashboard_arguments]
