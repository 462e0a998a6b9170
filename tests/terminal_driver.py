"""Drive real programs in a real terminal (tmux) and read their screens, as a person would.

Used by ``test_live_terminal.py``. One ``Tmux`` is one tmux server on a socket of its own
(``tmux -L <unique name> -f /dev/null``), so tests running side by side (``pytest -n 2``)
never see each other's sessions; ``close()`` kills the server and everything in it.

    with Tmux() as tmux:
        pane = tmux.start(["tracker-tui", "--db", db], env={...}, size=(140, 30))
        tmux.wait_for(pane, lambda s: "UT-007" in s.text, "the task table")
        tmux.send(pane, "j", "j")
        screen = tmux.wait_for(pane, lambda s: s.cursor_key() == "UT-003", "cursor on UT-003")
        tmux.resize(pane, (40, 10))  # the program sees the terminal shrink

Waiting is always by polling the screen until a condition holds (every 0.1 s, up to a
deadline); nothing here asserts how long anything took. When the deadline passes the
AssertionError carries the last screen, which is usually all one needs to see what went
wrong.

``Screen`` is one capture (``capture-pane -p -e``): ``text`` / ``lines`` without the
escapes, ``row(task_id)`` the line that starts with an ID, ``cursor_key()`` the row the app
highlights as its cursor (the one table row whose background differs from the others), and
``toasts()`` the text of the notifications in the bottom right corner, and
``input_cursor_after(text)`` whether a text field's cursor sits just after ``text``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

DEADLINE = 45.0  # generous: a loaded 2-core CI box can take long to start a process
POLL = 0.1

#: Never passed on to the programs (see ``Tmux.__init__``).
UNSET = ("COLUMNS", "LINES")

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# A table row: its ID, after the gutter where the "edited by someone else" mark goes.
_ROW_ID = re.compile(r"^[ ✎*]?([A-Z]+-\d+)\s")


def tmux_path() -> str | None:
    return shutil.which("tmux")


def _background(state: str | None, params: str) -> str | None:
    """The background colour after one SGR sequence (None: the terminal's default)."""
    codes = params.replace(":", ";").split(";") if params else ["0"]
    i = 0
    while i < len(codes):
        code = codes[i] or "0"
        if code == "0" or code == "49":
            state = None
        elif code in ("38", "48", "58"):
            # Extended colour: 5;n or 2;r;g;b follow.
            mode = codes[i + 1] if i + 1 < len(codes) else ""
            width = 2 if mode == "5" else 4 if mode == "2" else 1
            if code == "48":
                state = "48;" + ";".join(codes[i + 1 : i + 1 + width])
            i += width
        elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
            state = code
        i += 1
    return state


@dataclass(frozen=True)
class Screen:
    """One capture of a pane, with and without its colours."""

    raw: str

    @property
    def text(self) -> str:
        return _SGR.sub("", self.raw)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def row(self, key: str) -> str | None:
        """The line whose first word is ``key`` (a table row), or None."""
        for line in self.lines:
            match = _ROW_ID.match(line)
            if match and match.group(1) == key:
                return line
        return None

    def row_backgrounds(self) -> dict[str, str | None]:
        """Each table row (a line starting with an ID) -> its background at the ID.

        ``capture-pane -e`` writes only the changes from one cell to the next, carried
        across lines, so the whole capture is read as one stream.
        """
        result: dict[str, str | None] = {}
        state: str | None = None
        for raw_line in self.raw.split("\n"):
            plain = _SGR.sub("", raw_line)
            match = _ROW_ID.match(plain)
            target = match.start(1) if match else -1
            column = 0
            position = 0
            background_at_id: str | None = None
            while position < len(raw_line):
                sgr = _SGR.match(raw_line, position)
                if sgr:
                    state = _background(state, sgr.group(1))
                    position = sgr.end()
                    continue
                if column == target:
                    background_at_id = state
                column += 1
                position += 1
            if match:
                result[match.group(1)] = background_at_id
        return result

    def backgrounds(self) -> list[list[str | None]]:
        """Each line -> the background of each of its characters (as in ``lines``)."""
        result: list[list[str | None]] = []
        state: str | None = None
        for raw_line in self.raw.split("\n"):
            line: list[str | None] = []
            position = 0
            while position < len(raw_line):
                sgr = _SGR.match(raw_line, position)
                if sgr:
                    state = _background(state, sgr.group(1))
                    position = sgr.end()
                    continue
                line.append(state)
                position += 1
            result.append(line)
        return result

    def input_cursor_after(self, text: str) -> bool:
        """Whether a text field shows ``text`` with its cursor just after it and nothing
        selected: the cell after ``text`` has a background of its own (the cursor), and
        ``text`` has the field's background (a selection would have another)."""
        backgrounds = self.backgrounds()
        for number, line in enumerate(self.lines):
            start = line.find(text)
            end = start + len(text)
            if start < 0 or end + 1 >= len(backgrounds[number]):
                continue
            cells = backgrounds[number]
            field = cells[end + 1]
            if cells[end] != field and all(cell == field for cell in cells[start:end]):
                return True
        return False

    def cursor_key(self) -> str | None:
        """The one row drawn with a background unlike the rest (the app's cursor)."""
        backgrounds = self.row_backgrounds()
        if len(backgrounds) < 2:
            return None
        common, _ = Counter(backgrounds.values()).most_common(1)[0]
        odd = [key for key, bg in backgrounds.items() if bg != common]
        return odd[0] if len(odd) == 1 else None

    def toasts(self) -> str:
        """The notifications' text (right of their ``▌`` edge), joined into one line."""
        parts = [line.rsplit("▌", 1)[1] for line in self.lines if "▌" in line]
        return " ".join(" ".join(parts).split())

    def __str__(self) -> str:
        return self.text


class Tmux:
    """A private tmux server; ``start`` opens a session, ``split`` a second pane in it."""

    def __init__(self) -> None:
        executable = tmux_path()
        if executable is None:
            raise RuntimeError("tmux is not installed")
        self.executable = executable
        self.socket = f"tt-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self._started = False
        # The server inherits this environment; the programs get theirs explicitly too.
        # COLUMNS and LINES must not reach them: shutil.get_terminal_size() (and so Textual)
        # believes those over the terminal, and pytest-xdist workers export COLUMNS=80,
        # LINES=24, which would draw an 80x24 app in a 140x30 pane.
        self._server_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TRACKER_TUI_", "TMUX")) and k not in UNSET
        }

    # -- plumbing ----------------------------------------------------------------------

    def tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [self.executable, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self._server_env,
            timeout=30,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    @staticmethod
    def _shell_command(argv: Sequence[str], env: Mapping[str, str]) -> str:
        assignments = [f"{key}={value}" for key, value in env.items()]
        # When the program ends, say so and keep the pane: a crash stays on the screen.
        return (
            shlex.join(["env", *(f"--unset={name}" for name in UNSET), *assignments, *argv])
            + '; echo "[exited with $?]"; exec sleep 600'
        )

    # -- sessions and panes --------------------------------------------------------------

    def start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (100, 30),
        name: str | None = None,
    ) -> str:
        """Run ``argv`` in a new detached session of ``size`` (cols, rows); its pane ID."""
        name = name or f"s{uuid.uuid4().hex[:6]}"
        cols, rows = size
        self._started = True  # from here on there may be a server to kill
        pane = (
            self.tmux(
                "new-session",
                "-d",
                "-P",
                "-F",
                "#{pane_id}",
                "-s",
                name,
                "-x",
                str(cols),
                "-y",
                str(rows),
                self._shell_command(argv, env),
                ";",
                "set-option",
                "-t",
                name,
                "status",
                "off",
            )
            .strip()
            .splitlines()[0]
        )
        return pane

    def split(self, target: str, argv: Sequence[str], env: Mapping[str, str]) -> str:
        """Split ``target``'s window side by side and run ``argv`` on the right; its pane ID."""
        return self.tmux(
            "split-window",
            "-h",
            "-d",
            "-P",
            "-F",
            "#{pane_id}",
            "-t",
            target,
            self._shell_command(argv, env),
        ).strip()

    def send(self, pane: str, *keys: str) -> None:
        """Press ``keys`` (tmux key names: ``j``, ``Enter``, ``Escape``, ``-``...) in order."""
        for key in keys:
            # One key per call, "--" first so that "-" is a key and not an option.
            self.tmux("send-keys", "-t", pane, "--", key)

    def resize(self, pane: str, size: tuple[int, int]) -> None:
        """Make ``pane``'s window ``size`` (cols, rows), as a person dragging its edge would:
        the program gets SIGWINCH and reads the new size."""
        cols, rows = size
        self.tmux("resize-window", "-t", pane, "-x", str(cols), "-y", str(rows))

    def capture(self, pane: str) -> Screen:
        return Screen(self.tmux("capture-pane", "-p", "-e", "-t", pane))

    def size(self, pane: str) -> tuple[int, int]:
        out = self.tmux("display-message", "-p", "-t", pane, "#{pane_width} #{pane_height}")
        cols, rows = out.split()
        return int(cols), int(rows)

    def wait_for(
        self,
        pane: str,
        condition: Callable[[Screen], bool],
        what: str,
        deadline: float = DEADLINE,
    ) -> Screen:
        """Poll ``pane`` until ``condition(screen)``; the screen, or AssertionError."""
        end = time.monotonic() + deadline
        while True:
            screen = self.capture(pane)
            try:
                if condition(screen):
                    return screen
            except (AttributeError, TypeError, ValueError):
                pass  # a half-drawn screen: look again
            if time.monotonic() >= end:
                raise AssertionError(
                    f"waited {deadline:.0f}s for {what} in pane {pane}; its screen:\n{screen.text}"
                )
            time.sleep(POLL)

    def close(self) -> None:
        if not self._started:
            return
        socket_path = self.tmux("display-message", "-p", "#{socket_path}", check=False).strip()
        self.tmux("kill-server", check=False)
        # tmux 3.3 leaves the socket file behind: remove ours, only ours.
        if socket_path.endswith("/" + self.socket):
            with contextlib.suppress(OSError):
                os.unlink(socket_path)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
