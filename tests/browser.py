"""A real ``tracker-tui serve`` and a real Chromium for the browser tests and benchmarks.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it),
driven by Playwright with ``executable_path`` pointing at it: nothing downloads a browser.
A test whose browser or Playwright is missing skips, and fails under ``CI=true``.

The dashboard in the page is drawn by xterm.js on a canvas, so its text is not in the
DOM. ``TERMINAL_HOOK`` (added to each page before textual.js runs) keeps a reference to
the page's terminal object as textual.js builds it, and ``screen_text`` reads the
terminal's buffer through it: the characters the browser shows, row by row.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conftest import COMMAND
from requirements import missing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "test-token-0123456789abcdef"
#: Generous: a loaded 2-core box may take seconds to start a Python and a browser.
WAIT = 30.0
PARENT_ENV = "TRACKER_TUI_SERVE_PARENT"

#: textual.js sets ``this.fitAddon`` in the constructor of the object that owns the
#: terminal: a setter on Object.prototype sees that object go by and keeps it.
TERMINAL_HOOK = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    window.__textualTerminal = this;
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true});
  },
});
"""
_SCREEN_JS = """() => {
  const owner = window.__textualTerminal;
  if (!owner || !owner.terminal) return "";
  const buffer = owner.terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < owner.terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


@dataclass
class Served:
    """A running ``tracker-tui serve``: its process, address and everything it printed."""

    process: subprocess.Popen[str]
    port: int
    token: str
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url_with_token(self) -> str:
        return f"{self.url}?token={self.token}"

    def printed(self) -> str:
        return "\n".join(self.output)

    def tab_processes(self) -> list[int]:
        return tab_processes(self.process.pid)

    def stop(self, signal_number: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
        try:
            return self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(WAIT)


def tab_processes(server_pid: int) -> list[int]:
    """The live processes a server started for its tabs, found by the server's pid in
    their environment: an orphan that outlived its server is found too."""
    marker = f"{PARENT_ENV}={server_pid}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # it ended while we looked
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(condition: Any, what: str, timeout: float = WAIT) -> Any:
    """Poll ``condition()`` until it is truthy; return its value. No timing is asserted:
    the limit only stops a test that would otherwise hang."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def start_server(db: Path, *options: str, environment: dict[str, str]) -> Served:
    """``tracker-tui serve --db DB --port 0 --token TOKEN OPTIONS``, once it listens."""
    process = subprocess.Popen(
        [*COMMAND, "serve", "--db", str(db), "--port", "0", "--token", TOKEN, *options],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    served = Served(process, port=0, token=TOKEN)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()

    def url_line() -> str | None:
        if process.poll() is not None:
            raise AssertionError(f"serve ended with {process.returncode}:\n{served.printed()}")
        return next((line for line in served.output if "?token=" in line), None)

    line = wait_for(url_line, "the URL line of tracker-tui serve")
    served.port = int(line.split(":")[2].split("/")[0])
    return served


def serve_environment(home: Path) -> dict[str, str]:
    """The environment of a server under test: its own config, data and state dirs."""
    environment = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        directory = home / name.lower()
        directory.mkdir(parents=True, exist_ok=True)
        environment[name] = str(directory)
    environment["TRACKER_TUI_USER"] = "alice"
    environment.pop("TRACKER_TUI_DB", None)
    environment.pop("TRACKER_TUI_TOKEN", None)
    return environment


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, url: str, *, width: int = 1000, height: int = 620) -> Page:
    """A new tab (its own cookies) at ``url``, with the terminal hook in place."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.add_init_script(TERMINAL_HOOK)
    page.goto(url)
    return page


def screen_text(page: Page) -> str:
    """The text of the dashboard as the page shows it now."""
    text: str = page.evaluate(_SCREEN_JS)
    return text


def wait_for_text(page: Page, text: str, timeout: float = WAIT) -> str:
    """Wait until the page's dashboard shows ``text``; return the screen."""

    last = [""]

    def shown() -> str | None:
        last[0] = screen = screen_text(page)
        return screen if text in screen else None

    try:
        return str(wait_for(shown, f"{text!r} in the page", timeout))
    except AssertionError as error:
        raise AssertionError(f"{error}; the page shows:\n{last[0]}") from None


def press(page: Page, *keys: str) -> None:
    """Type ``keys`` into the dashboard (Playwright key names: "Minus", "Control+p")."""
    page.locator(".xterm-helper-textarea").focus()
    for key in keys:
        page.keyboard.press(key)


def row(screen: str, task_id: str) -> str:
    return next((line for line in screen.splitlines() if task_id in line), "")
