"""When Python's cycle collector may run: not while a switch of tracker is being drawn.

A switch of tracker builds a new Snapshot screen (its widgets, a screenful of tasks, a few
thousand strips) and drops the old one: enough new objects to start a full (generation 2)
collection during the switch more often than not. A full collection walks every object of
the process (~130,000 with the portfolio, the screens and Textual's own): 55-105 ms on the
2-core box, measured with ``gc.callbacks`` around ``enter`` on the 50-tracker store, on a
150 ms budget. Paused from the key until the new screen is drawn, the collector then runs
as usual: the garbage is collected a frame later, nothing is kept.

The dashboard's start-up is paused too, until its first frame (``commands.dashboard``):
Textual's import, the stylesheet and the first screen make a few hundred thousand objects,
and ~120 young collections of them cost ~17 ms of a ~400 ms first frame. Those objects
(modules, classes, parsed rules, the first screen) live as long as the process, so the
pause ends by freezing them (``gc.freeze``): otherwise the first collection after it walks
every one of them, ~45 ms measured (a young and a middle collection), and every later full
collection walks them again.
"""

from __future__ import annotations

import gc
from typing import Protocol


class Resume(Protocol):
    def __call__(self, *, freeze: bool = False) -> None:
        """Resume collection; with ``freeze``, first move every object alive out of the
        collector's reach for good (``gc.freeze``): for objects that last as long as the
        process, such as what the start-up made."""


def collection_paused() -> Resume:
    """Pause automatic collection; return the call that resumes it (as it was before:
    a caller that had it off, such as a test, keeps it off). Resuming twice is harmless."""
    was_enabled = gc.isenabled()
    gc.disable()
    resumed = False

    def resume(*, freeze: bool = False) -> None:
        nonlocal resumed
        if not resumed:
            resumed = True
            if freeze and was_enabled:
                gc.freeze()
            if was_enabled:
                gc.enable()

    return resume
