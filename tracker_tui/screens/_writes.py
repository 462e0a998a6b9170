"""Store writes in the order the user asked for them.

Each write used to be its own thread worker, and threads start in no particular order:
``-`` then a quick ``u`` could commit the undo first. Here every write is a job on the
app's one ``WriteQueue`` (a single thread, owned by the app through ``WritesInOrder``),
submitted on the UI thread as the key is handled, so jobs commit in keypress order. A job
still shows up as a Textual worker (an async one awaiting the job), so
``workers.wait_for_complete()`` and ``Worker.StateChanged`` handlers see it as before.

A job ends in a message: it runs its store call under ``writing()``
(``screens/_failures.py``), which posts ``WriteFailed`` for whatever the call raises, and
posts what was saved itself. A form, which shows a refusal in the form, reads the
worker's result or error from ``Worker.StateChanged`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from tracker_tui.domain import TrackerError
from tracker_tui.store.store import Store

#: How long after a screen mounts its store's writer is readied (after the first frame).
WARM_UP_SECONDS = 0.5


def warm_up_writer_soon(node: DOMNode, store: Store) -> None:
    """Ready ``store``'s writer in a worker shortly after ``node`` mounts: SQLAlchemy's
    import (~0.3 s on a quiet box, seconds under load) is then off the first edit."""
    if store.read_only:
        return

    def prepare() -> None:
        # A failure here is reported by the first edit, where the user can act on it.
        with contextlib.suppress(TrackerError):
            store.prepare_writer()

    node.set_timer(
        WARM_UP_SECONDS,
        lambda: node.run_worker(
            prepare, thread=True, exclusive=True, group="warm-up", exit_on_error=False
        ),
    )


T = TypeVar("T")


class WriteQueue:
    """Runs store writes one at a time, in the order they were submitted."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-write")

    def submit(self, job: Callable[..., T], *args: Any) -> Future[T]:
        """Queue ``job(*args)`` behind every job submitted before it.

        The job runs in the caller's context (Textual's active app), as a worker would.
        """
        context = contextvars.copy_context()
        return self._executor.submit(context.run, job, *args)

    def drained(self) -> Future[None]:
        """A future that is done once every job submitted so far has run."""
        return self._executor.submit(lambda: None)

    def shutdown(self) -> None:
        """Drop jobs not yet started; the one running finishes on its own."""
        self._executor.shutdown(wait=False, cancel_futures=True)


class WritesInOrder:
    """Mixed into an App (before ``App``): owns the one ``WriteQueue`` that every store
    write of its screens goes through."""

    _write_queue: WriteQueue | None = None

    @property
    def write_queue(self) -> WriteQueue:
        if self._write_queue is None:
            self._write_queue = WriteQueue()
        return self._write_queue


def write_queue(node: DOMNode) -> WriteQueue:
    """The write queue of ``node``'s app."""
    app = node.app
    if not isinstance(app, WritesInOrder):
        raise TypeError(f"{type(app).__name__} must mix in WritesInOrder to write to the store")
    return app.write_queue


def run_write(node: DOMNode, job: Callable[..., T], *args: Any, group: str = "write") -> Worker[T]:
    """Queue ``job(*args)`` on the app's write queue, now, and watch it as a worker of
    ``node`` in ``group``: its result or error arrive as ``Worker.StateChanged``.

    Call it on the UI thread, where the key was handled: that fixes the job's place in
    the queue. Pass the store the job writes to among ``args`` (taken now, with the
    key) rather than have the job read ``node.store`` when it runs: the Snapshot screen
    may show another tracker by then (a switch of tracker reuses it).
    """
    future = write_queue(node).submit(job, *args)

    async def wait() -> T:
        # Shielded: the watcher is cancelled with its node (a switch of tracker removes
        # the screen), and an unshielded wrap would cancel the job, not yet started, with
        # it; the edit asked for before the switch must still be saved.
        return await asyncio.shield(asyncio.wrap_future(future))

    return node.run_worker(wait(), group=group, exclusive=False, exit_on_error=False)
