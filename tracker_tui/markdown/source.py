"""The input gate: a file or a text is refused, with a one-line ``TrackerError``, before
parsing when it is not a tracker's text: missing, a directory, too large, binary, not
UTF-8, empty, too many lines or a line too long (see ``limits``).
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

from tracker_tui.domain import TrackerError
from tracker_tui.markdown import limits
from tracker_tui.sanitize import clean_text

# C0 controls other than tab, newline, carriage return and form feed: text has few.
_BINARY_CHARS_RE = re.compile(r"[\x01-\x08\x0e-\x1f]")


def read_text(path: str | PathLike[str]) -> tuple[Path, str]:
    """The file's text, decoded as UTF-8 (a BOM is dropped).

    Raises:
        TrackerError: ``<path>[, line <n>]: <why>`` when the path is missing, a directory,
            too large, unreadable, UTF-16, binary or not UTF-8 (with the line of the
            first bad byte).
    """
    file = Path(path)
    try:
        if file.is_dir():
            raise TrackerError(f"{file} is a directory, not a markdown file")
        size = file.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            raise TrackerError(
                f"{file} is too large to import ({size / 1e6:.1f} MB; "
                f"the limit is {limits.MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise TrackerError(f"{file}: no such file") from None
    except PermissionError:
        raise TrackerError(f"{file}: permission denied") from None
    except OSError as error:
        raise TrackerError(f"{file}: cannot read it ({error.strerror or error})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TrackerError(f"{file} is UTF-16 text; save it as UTF-8 and import it again")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise file_error(file, "looks binary (a NUL byte), not markdown", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
        raise file_error(file, message, line) from None
    return file, text


def file_error(file: Path, message: str, line: int | None) -> TrackerError:
    """``<path>, line <n>: <message>``, with ``line`` set for callers that want it."""
    where = f"{file}, line {line}" if line is not None else f"{file}"
    error = TrackerError(f"{where}: {message}")
    error.line = line
    return error


def prepare_lines(text: str) -> list[str]:
    """The document's lines, cleaned, after refusing input that is not a tracker's text."""
    if len(text) > limits.MAX_TEXT_CHARS:
        raise TrackerError(
            f"the document is too large to import ({len(text):,} characters; "
            f"the limit is {limits.MAX_TEXT_CHARS:,})"
        )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TrackerError("the document looks binary (a NUL byte), not markdown", line=line)
    sample = text[:65_536]
    if len(_BINARY_CHARS_RE.findall(sample)) > max(8, len(sample) // 100):
        raise TrackerError("the document looks binary (many control characters), not markdown")
    text = clean_text(text.removeprefix("\ufeff"), multiline=True)
    if not text.strip():
        raise TrackerError("the document is empty")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) > limits.MAX_LINES:
        raise TrackerError(
            f"the document has too many lines ({len(lines):,}; the limit is {limits.MAX_LINES:,})"
        )
    if max(map(len, lines)) > limits.MAX_LINE_CHARS:
        number = next(i for i, line in enumerate(lines, 1) if len(line) > limits.MAX_LINE_CHARS)
        raise TrackerError(
            f"line too long ({len(lines[number - 1]):,} characters; "
            f"the limit is {limits.MAX_LINE_CHARS:,})",
            line=number,
        )
    return lines
