"""When Python's cycle collector may run: not while a switch of tracker is being drawn.

A switch of tracker builds a new Snapshot screen (its widgets, a screenful of tasks, a few
thousand strips) and drops the old one: enough new objects to start a full (generation 2)
collection during the switch more often than not. A full collection walks every object of
the process (~130,000 with the portfolio, the screens and Textual's own): 55-105 ms on the
2-core box, measured with ``gc.callbacks`` around ``enter`` on the 50-tracker store, on a
150 ms budget. Paused from the key until the new screen is drawn, the collector then runs
as usual: the garbage is collected a frame later, nothing is kept.
"""

from __future__ import annotations

import gc
from collections.abc import Callable


def collection_paused() -> Callable[[], None]:
    """Pause automatic collection; return the call that resumes it (as it was before:
    a caller that had it off, such as a test, keeps it off). Resuming twice is harmless."""
    was_enabled = gc.isenabled()
    gc.disable()
    resumed = False

    def resume() -> None:
        nonlocal resumed
        if not resumed:
            resumed = True
            if was_enabled:
                gc.enable()

    return resume
