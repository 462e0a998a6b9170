"""What the process behind a browser tab of ``tracker-tui serve`` runs: the dashboard,
which ends when the server does.

The server ends its tabs itself when it stops. Should it be killed outright (SIGKILL,
an out-of-memory kill), Linux sends each tab SIGTERM as its parent dies
(``PR_SET_PDEATHSIG``), which the dashboard takes as ``q``: no tab is left running.

A module of its own beside ``cli``, not in ``serve``: it runs the command line, which
reaches ``serve`` through ``commands``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from tracker_tui.serve.access import PARENT_ENV

_PR_SET_PDEATHSIG = 1


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


def main() -> int:
    _end_with_parent()
    from tracker_tui.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
