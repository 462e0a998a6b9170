"""Run a program in a pseudo-terminal and watch what it draws.

``PtySession`` forks a child on a fresh pty (``os.openpty`` + ``os.login_tty``: the child
gets the pty as its controlling terminal, stdin, stdout and stderr, with the window size
already set), and a reader thread timestamps every chunk the child writes. ``Screen`` is a
small terminal emulator (cursor moves, erases, text; colours ignored) good enough to ask
"what does row N of the screen say now?" of Textual's output.

Only the standard library is used, so the benchmark runs in the project's venv as is.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence

# -- escape sequences ------------------------------------------------------------------

#: One escape sequence: CSI (with private markers), OSC (BEL or ST terminated), DCS/APC/PM
#: (ST terminated), or a two/three-character escape (ESC 7, ESC ( B, ...).
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b(?![\[\]PX^_])[ -/]*[0-~]"
)
_TOKENS = re.compile(
    r"(?P<esc>\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\|\x1b(?![\[\]PX^_])[ -/]*[0-~])"
    r"|(?P<ctl>[\x00-\x1a\x1c-\x1f\x7f])"
    r"|(?P<text>[^\x00-\x1f\x7f]+)"
)


def strip_escapes(text: str) -> str:
    """Text with every escape sequence removed (what the brief calls "stripped output")."""
    return _ESCAPE.sub("", text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class Screen:
    """A grid of characters that follows cursor-addressed output (no colours, no scroll
    regions: Textual repaints by absolute cursor moves, which is all this needs)."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns = columns
        self.rows = rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.x = 0
        self.y = 0
        self._pending = ""  # an escape sequence cut in two by a read

    def feed(self, data: str) -> None:
        data = self._pending + data
        self._pending = ""
        # Keep an unfinished escape sequence for the next chunk.
        cut = data.rfind("\x1b")
        if cut != -1 and cut >= len(data) - 64:
            tail = data[cut:]
            if not _ESCAPE.match(tail):
                self._pending = tail
                data = data[:cut]
        for match in _TOKENS.finditer(data):
            if match.group("text") is not None:
                self._text(match.group("text"))
            elif match.group("esc") is not None:
                self._escape(match.group("esc"))
            else:
                self._control(match.group("ctl"))

    def _text(self, text: str) -> None:
        row = self.grid[self.y] if 0 <= self.y < self.rows else None
        for char in text:
            width = _char_width(char)
            if width == 0:
                continue
            if self.x >= self.columns:  # autowrap
                self.x = 0
                self.y = min(self.y + 1, self.rows - 1)
                row = self.grid[self.y]
            if row is not None and self.x < self.columns:
                row[self.x] = char
                if width == 2 and self.x + 1 < self.columns:
                    row[self.x + 1] = ""
            self.x += width

    def _control(self, char: str) -> None:
        if char == "\r":
            self.x = 0
        elif char == "\n":
            self.y = min(self.y + 1, self.rows - 1)
        elif char == "\b":
            self.x = max(self.x - 1, 0)

    def _escape(self, sequence: str) -> None:
        if not sequence.startswith("\x1b["):
            return
        final = sequence[-1]
        body = sequence[2:-1]
        if body.startswith(("?", ">", "<", "=")):
            return  # private modes: no effect on the grid
        numbers = [int(part) if part.isdigit() else 0 for part in body.split(";")] if body else []

        def arg(index: int, default: int) -> int:
            return numbers[index] if len(numbers) > index and numbers[index] else default

        if final in "Hf":
            self.y = min(max(arg(0, 1) - 1, 0), self.rows - 1)
            self.x = min(max(arg(1, 1) - 1, 0), self.columns - 1)
        elif final == "A":
            self.y = max(self.y - arg(0, 1), 0)
        elif final == "B":
            self.y = min(self.y + arg(0, 1), self.rows - 1)
        elif final == "C":
            self.x = min(self.x + arg(0, 1), self.columns - 1)
        elif final == "D":
            self.x = max(self.x - arg(0, 1), 0)
        elif final == "G":
            self.x = min(max(arg(0, 1) - 1, 0), self.columns - 1)
        elif final == "d":
            self.y = min(max(arg(0, 1) - 1, 0), self.rows - 1)
        elif final == "K":
            mode = arg(0, 0)
            row = self.grid[self.y]
            start, end = {0: (self.x, self.columns), 1: (0, self.x + 1)}.get(
                mode, (0, self.columns)
            )
            for index in range(start, end):
                row[index] = " "
        elif final == "J":
            mode = arg(0, 0)
            if mode == 0:
                rows = range(self.y + 1, self.rows)
                self._escape("\x1b[K")
            elif mode == 1:
                rows = range(0, self.y)
            else:
                rows = range(self.rows)
            for index in rows:
                self.grid[index] = [" "] * self.columns
        elif final == "X":
            row = self.grid[self.y]
            for index in range(self.x, min(self.x + arg(0, 1), self.columns)):
                row[index] = " "

    def line(self, y: int) -> str:
        return "".join(self.grid[y])

    def lines(self) -> list[str]:
        return [self.line(y) for y in range(self.rows)]

    def text(self) -> str:
        return "\n".join(self.lines())

    def find_line(self, needle: str) -> str | None:
        for line in self.lines():
            if needle in line:
                return line
        return None


# -- the session -----------------------------------------------------------------------


class PtySession:
    """A child process on its own pseudo-terminal, with its output timestamped.

    ``chunks`` is a list of ``(perf_counter, bytes)``; ``screen`` follows the output.
    Times are ``time.perf_counter()`` values; ``started`` is taken just before ``fork``.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        columns: int = 120,
        rows: int = 40,
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.columns = columns
        self.rows = rows
        self.screen = Screen(columns, rows)
        self.chunks: list[tuple[float, bytes]] = []
        self.total_bytes = 0
        self._plain = ""  # escape-stripped output, for marker searches
        self._raw_tail = ""
        self._condition = threading.Condition()
        self._decoder_buffer = b""
        self.exit_status: int | None = None

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: only async-signal-safe-ish calls until exec
            try:
                os.close(master)
                os.login_tty(slave)
                if cwd:
                    os.chdir(cwd)
                os.execve(self.argv[0], self.argv, env)
            finally:
                os._exit(127)
        os.close(slave)
        self.pid = pid
        self.fd = master
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- reading -----------------------------------------------------------------------

    def _read_loop(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            now = time.perf_counter()
            with self._condition:
                if not data:
                    self._closed = True
                    self._condition.notify_all()
                    return
                self.chunks.append((now, data))
                self.total_bytes += len(data)
                combined = self._decoder_buffer + data
                self._decoder_buffer = _incomplete_utf8_tail(combined)
                text = combined[: len(combined) - len(self._decoder_buffer)].decode(
                    "utf-8", errors="replace"
                )
                self.screen.feed(text)
                # Strip escapes, holding back one cut in two by the read.
                raw = self._raw_tail + text
                self._raw_tail = ""
                cut = raw.rfind("\x1b")
                if cut != -1 and cut >= len(raw) - 64 and not _ESCAPE.match(raw[cut:]):
                    raw, self._raw_tail = raw[:cut], raw[cut:]
                self._plain += strip_escapes(raw)
                self._condition.notify_all()

    _closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def wait_for(
        self,
        predicate: Callable[[PtySession], bool],
        *,
        timeout: float,
    ) -> float | None:
        """Wait until ``predicate(self)`` holds after some output; return the timestamp of
        the chunk that made it true (None on timeout or when the child exits first)."""
        deadline = time.perf_counter() + timeout
        with self._condition:
            while True:
                if predicate(self):
                    return self.chunks[-1][0] if self.chunks else time.perf_counter()
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self._closed:
                    return None
                self._condition.wait(remaining)

    def wait_for_text(self, needle: str, *, timeout: float, since: int = 0) -> float | None:
        """Wait until ``needle`` appears in the escape-stripped output (after character
        ``since`` of it); return the timestamp of the chunk that completed it."""
        return self.wait_for(lambda s: needle in s._plain[since:], timeout=timeout)

    @property
    def plain_length(self) -> int:
        with self._condition:
            return len(self._plain)

    def plain(self) -> str:
        with self._condition:
            return self._plain

    def snapshot(self) -> list[str]:
        with self._condition:
            return self.screen.lines()

    def bytes_since(self, moment: float) -> int:
        with self._condition:
            return sum(len(data) for at, data in self.chunks if at >= moment)

    def last_output_at(self) -> float:
        with self._condition:
            return self.chunks[-1][0] if self.chunks else self.started

    def wait_quiet(self, quiet: float, *, timeout: float, since: float | None = None) -> float:
        """Wait until no output has arrived for ``quiet`` seconds (counted from ``since``
        too, e.g. a keystroke, when given); return the time of the last chunk."""
        deadline = time.perf_counter() + timeout
        while True:
            last = max(self.last_output_at(), since or 0.0)
            now = time.perf_counter()
            if now - last >= quiet or now >= deadline or self._closed:
                return last
            time.sleep(min(quiet - (now - last), deadline - now, 0.05) + 0.001)

    # -- writing and ending ------------------------------------------------------------

    def send(self, data: str | bytes) -> float:
        """Write keystrokes to the child's terminal; return the time just before."""
        payload = data.encode() if isinstance(data, str) else data
        moment = time.perf_counter()
        os.write(self.fd, payload)
        return moment

    def cpu_seconds(self) -> float:
        """utime + stime of the child (all its threads), from ``/proc/PID/stat``."""
        with open(f"/proc/{self.pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
        return ticks / os.sysconf("SC_CLK_TCK")

    def proc_status(self, key: str) -> int | None:
        """A ``kB`` figure of ``/proc/PID/status`` (VmHWM, VmRSS), in bytes."""
        try:
            with open(f"/proc/{self.pid}/status") as handle:
                for line in handle:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def alive(self) -> bool:
        if self.exit_status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.exit_status = status
        return False

    def stop(self, *, quit_keys: bytes | None = b"\x11", grace: float = 2.0) -> None:
        """Ask the app to quit (ctrl+q), then SIGTERM, then SIGKILL; reap it."""
        try:
            if quit_keys and self.alive():
                with contextlib.suppress(OSError):
                    os.write(self.fd, quit_keys)
                self._wait_exit(grace)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not self.alive():
                    break
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                self._wait_exit(grace)
        finally:
            with contextlib.suppress(OSError):
                os.close(self.fd)

    def _wait_exit(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while self.alive() and time.perf_counter() < deadline:
            time.sleep(0.02)

    def __enter__(self) -> PtySession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _incomplete_utf8_tail(data: bytes) -> bytes:
    """The bytes at the end of ``data`` that start a UTF-8 character not yet complete."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:  # continuation byte: keep looking for the lead
            continue
        if byte & 0x80 == 0:
            return b""
        need = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4
        return data[-back:] if back < need else b""
    return b""
