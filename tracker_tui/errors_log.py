"""Unexpected errors: the traceback goes to a log file, the user gets one line.

A traceback is no use to someone tracking a programme, and it may be long enough to
scroll their work away; but whoever fixes the bug needs it. So it is appended to
``errors.log`` in platformdirs' user log dir for tracker-tui, and the user is told where.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from tracker_tui import __version__

APP_NAME = "tracker-tui"
LOG_NAME = "errors.log"
#: Past this size the log is rotated to ``errors.log.1``, so it never grows without bound.
MAX_LOG_BYTES = 512 * 1024

# A database URL in argv may carry a password: never write it to disk.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@\s]*@")


def log_path() -> Path:
    """Where unexpected errors are logged."""
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False) / LOG_NAME


# The access token of ``serve`` (``--token X`` or ``--token=X``) likewise.
_TOKEN_OPTION = re.compile(r"(--token[= ])\S+")


def _hide_passwords(text: str) -> str:
    return _TOKEN_OPTION.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", text))


def _rotate(path: Path) -> None:
    try:
        if path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass


def write_log(
    exc: BaseException,
    argv: list[str] | None = None,
    *,
    context: str = "",
    details: bool = True,
) -> Path:
    """Append ``exc``'s traceback, with the version and command line, to the log;
    ``context`` says what was being done when it was raised; without ``details``, only
    the exception's type and message are written, not its traceback.

    Raises:
        OSError: the log could not be written.
    """
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _rotate(path)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    command = " ".join(argv if argv is not None else sys.argv[1:])
    if details:
        trace = "".join(traceback.format_exception(exc))
    else:
        trace = "".join(traceback.format_exception_only(exc))
    doing = f"while: {context}\n" if context else ""
    entry = (
        f"=== {when} tracker-tui {__version__} on Python {sys.version.split()[0]}\n"
        f"command: tracker-tui {command}\n{doing}{trace}\n"
    )
    # 0o600: a traceback can quote tracker text, which is the team's business only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8", errors="replace") as log:
        log.write(_hide_passwords(entry))
    return path


def log_failure(what: str, exc: BaseException, *, traceback: bool = True) -> Path:
    """Append a failed store call of the dashboard to the log: what it was doing, and the
    exception, with its traceback unless ``traceback`` is False (a refusal the store
    explained, such as a lock, needs no more than its message; a bug needs it all).

    Raises:
        OSError: the log could not be written.
    """
    return write_log(exc, context=what, details=traceback)


def report_unexpected(exc: BaseException, argv: list[str] | None = None) -> str:
    """Log ``exc`` and return the one line to show the user (without a newline)."""
    try:
        path = write_log(exc, argv)
    except Exception as log_error:  # the log itself failed: say so, still in one line
        reason = type(log_error).__name__
        return (
            f"{APP_NAME}: unexpected error {type(exc).__name__} (could not write a log: {reason})"
        )
    return f"{APP_NAME}: unexpected error (details in {path})"
