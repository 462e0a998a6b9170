"""One dashboard process per browser tab, and the cap on how many run at once.

textual-serve's ``AppService`` starts its command through a shell and, to stop it, asks
the app to quit and then waits for as long as that takes. Here the process is started
without a shell (the editor's name comes from a browser: it must never reach a command
line), in a session of its own (a Ctrl-C typed at the server's terminal is the server's
to handle, not every tab's), and stopping it is bounded: quit, then SIGTERM, then SIGKILL.
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

#: How long a tab's dashboard gets to quit as ``q`` does (its queued writes saved).
QUIT_GRACE = 3.0
#: How long it gets after SIGTERM before SIGKILL.
TERM_GRACE = 2.0


class DashboardSession(AppService):
    """The dashboard process behind one browser tab."""

    def __init__(
        self,
        argv: Sequence[str],
        environment: Mapping[str, str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            " ".join(argv),  # only shown in textual-serve's debug output; never run
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self._argv = list(argv)
        self._extra_environment = dict(environment)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop(TOKEN_ENV, None)  # a tab's process has no use for the token
        environment.update(self._extra_environment)
        environment[PARENT_ENV] = str(os.getpid())
        return environment

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
            await self.send_meta({"type": "quit"})
            if not await _exited(process, QUIT_GRACE):
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


def session_argv(dashboard_arguments: Sequence[str]) -> list[str]:
    """The command a tab runs: this Python, the session entry point, the dashboard's
    options (``--db``, ``--read-only``...)."""
    return [sys.executable, "-m", "tracker_tui.serve_tab", *dashboard_arguments]
