"""Store calls from the UI that fail: caught in the worker, told in one line, logged.

Every store call the dashboard makes runs in a worker (a thread worker for a read, the
app's ``WriteQueue`` for a write) and ends in a past-tense message: what was read or
saved, or ``ReadFailed`` / ``WriteFailed``. ``reading`` and ``writing`` turn whatever the
call raises into that message, posted to the widget that asked (it bubbles up to the
app); ``StoreFailureReports``, mixed into the app, is the one handler: one notification
line (markup off, the text sanitised) and the details in ``errors.log``.

A form or a prompt that shows a refusal next to the field (``screens/_form.py``,
``screens/title_prompt.py``) keeps it there; what reaches this handler has no better
place to be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from textual.app import App
from textual.dom import DOMNode

from tracker_tui.errors_log import log_failure
from tracker_tui.messages import ReadFailed, StoreCallFailed, WriteFailed
from tracker_tui.sanitize import display_text


@contextmanager
def reading(node: DOMNode, what: str) -> Iterator[None]:
    """Run the block (store reads, in a worker); if it raises, post ``ReadFailed(what)``
    to ``node`` instead of letting the worker die without a word.

    ``what`` is said to the user: "Could not read {what}: ...".
    """
    try:
        yield
    except Exception as error:
        node.post_message(ReadFailed(what, error))


@contextmanager
def writing(node: DOMNode, what: str, *, title: str = "") -> Iterator[None]:
    """Run the block (a store write, on the write queue); if it raises, post
    ``WriteFailed(what)`` to ``node``. ``title`` heads the notification ("Not deleted")."""
    try:
        yield
    except Exception as error:
        node.post_message(WriteFailed(what, error, title=title))


def failure_line(failure: StoreCallFailed, log: str | None) -> str:
    """The one line the user reads about ``failure``; ``log`` is where the details went
    (``None``: the log could not be written)."""
    # A refused write: the store's reason names what it refused ("UT-003 was deleted ...").
    head = f"Could not read {failure.what}: " if isinstance(failure, ReadFailed) else ""
    if failure.expected:
        reason = failure.error
    else:
        where = f"details in {log}" if log else "no log could be written"
        reason = f"unexpected error {type(failure.exception).__name__} ({where})"
    # One line, whatever the exception carried (a name typed by a user, a path...).
    return display_text(head + reason)


class StoreFailureReports:
    """Mixed into the app: every ``ReadFailed`` and ``WriteFailed`` that bubbles up is
    shown as one notification line and logged to ``errors.log``."""

    def on_read_failed(self, message: ReadFailed) -> None:
        report_store_failure(cast("App[object]", self), message)

    def on_write_failed(self, message: WriteFailed) -> None:
        report_store_failure(cast("App[object]", self), message)


def report_store_failure(app: App[object], failure: StoreCallFailed) -> None:
    """Log ``failure`` and tell the user in one line."""
    failure.stop()
    try:
        path = log_failure(failure.what, failure.exception, traceback=not failure.expected)
        log: str | None = str(path)
    except OSError:
        log = None
    app.notify(failure_line(failure, log), title=failure.title, severity="error", markup=False)
