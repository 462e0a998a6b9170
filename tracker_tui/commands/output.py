"""How the commands write: Rich text for people, data verbatim, errors on one line (files
are written atomically by ``tracker_tui.export_files``, which the app shares).

Rich is imported by the first call that draws something, never by this module: a
command that only writes JSON (or only fails) does not pay for it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from tracker_tui.sanitize import display_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: The program's name, as ``--help`` shows it and as every error line starts.
PROG = "tracker-tui"


def rich_console(*, stderr: bool = False) -> Console:
    """A Rich console that never interprets user text: no markup, emoji codes or
    highlighting (a note saying ``[bold red]`` or ``:fire:`` prints as written)."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def rich_text(*parts: tuple[str, str] | str) -> Text:
    """A Rich Text of sanitised pieces: ``"plain"`` or ``("text", "style")``."""
    from rich.text import Text

    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(display_text(text), style=style)
    return line


def say(console: Console, *parts: tuple[str, str] | str) -> None:
    """Print one line of sanitised pieces, as ``rich_text`` takes them."""
    # soft_wrap: a line piped to a file or another program is never cut at 80 columns.
    console.print(rich_text(*parts), soft_wrap=True)


def write_stdout(text: str) -> None:
    """Data (exports) goes out verbatim as UTF-8, whatever the terminal's encoding.

    Raises:
        BrokenPipeError: the reader went away (``export | head``): the CLI exits 141.
    """
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    data = memoryview(text.encode("utf-8"))
    # Under PYTHONUNBUFFERED the binary layer is a raw FileIO, whose write() may take only
    # part of the data (a pipe whose reader left mid-write): write the rest until the
    # pipe says it is closed, rather than drop it and exit 0.
    while data:
        written = buffer.write(data)
        data = data[written if written is not None else len(data) :]
    buffer.flush()


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; what JSON cannot hold (dates) as text."""
    import json

    write_stdout(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def print_error(message: str) -> None:
    """``tracker-tui: message`` on stderr; a stderr that is gone is ignored."""
    # Plain write, not Rich: an error is always exactly one line, never wrapped.
    try:
        sys.stderr.write(f"{PROG}: {display_text(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
