"""What the process behind a browser tab of ``tracker-tui serve`` runs: the dashboard,
which ends when the server does.

The server ends its tabs itself when it stops. Should it be killed outright (SIGKILL,
an out-of-memory kill), Linux sends each tab SIGTERM as its parent dies
(``PR_SET_PDEATHSIG``), which the dashboard takes as ``q``: no tab is left running.

Started as a spare (``serve.handover``), the process imports what the dashboard's first
frame needs, then waits for its tab's size and editor's name before it starts.

A module of its own beside ``cli``, not in ``serve``: it runs the command line, which
reaches ``serve`` through ``commands``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from tracker_tui.serve.access import PARENT_ENV
from tracker_tui.serve.handover import SPARE_ENV, read_handover

_PR_SET_PDEATHSIG = 1
#: The editor's name, as ``store.target.USER_ENV`` reads it (not imported: a spare
#: imports the store with the rest, below).
_USER_ENV = "TRACKER_TUI_USER"


def _end_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = os.environ.get(PARENT_ENV)
    if parent is not None and str(os.getppid()) != parent:
        raise SystemExit(0)  # the server died before the request above took effect


def _wait_as_spare() -> bool:
    """Import now what the first frame needs, then wait for a tab; False when none came
    (the server stopped)."""
    import textual.drivers.web_driver  # noqa: F401  (the driver textual-serve names)

    import tracker_tui.app
    import tracker_tui.commands.dashboard  # noqa: F401

    handover = read_handover(sys.stdin.fileno())
    if handover is None:
        return False
    # Read where a tab started afresh finds them: its environment.
    os.environ["COLUMNS"] = str(handover.width)
    os.environ["ROWS"] = str(handover.height)
    os.environ[_USER_ENV] = handover.name
    return True


def main() -> int:
    _end_with_parent()
    if os.environ.pop(SPARE_ENV, None) is not None and not _wait_as_spare():
        return 0
    from tracker_tui.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
