"""``tracker-tui serve`` in a real Chromium: the page, the token, edits, tabs, processes.

Nothing is simulated: a real ``tracker-tui serve`` (its own process) on a store holding
the seed, and Debian's chromium driven by Playwright (``tests/browser.py``). One server
and one browser serve the module's tests (each test opens its own tabs, and waits for
what it reads rather than for a fixed time); the tests that stop a server start their own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.cookiejar
import json
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest
from browser import (
    TERMINAL_HOOK,
    TOKEN,
    Served,
    chromium,
    open_page,
    press,
    row,
    screen_text,
    serve_environment,
    start_server,
    tab_processes,
    wait_for,
    wait_for_text,
)
from conftest import COMMAND, SAMPLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow


def _seeded(home: Path, environment: dict[str, str]) -> Path:
    db = home / "tracker.db"
    subprocess.run(
        [*COMMAND, "import", str(SAMPLE), "--db", str(db)],
        env=environment,
        check=True,
        capture_output=True,
    )
    return db


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def environment(home: Path) -> dict[str, str]:
    return serve_environment(home)


@pytest.fixture(scope="module")
def db(home: Path, environment: dict[str, str]) -> Path:
    return _seeded(home, environment)


@pytest.fixture(scope="module")
def served(db: Path, environment: dict[str, str]) -> Iterator[Served]:
    server = start_server(db, environment=environment)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as chrome:
        yield chrome


def _task(db: Path, environment: dict[str, str], task_id: str) -> dict[str, object]:
    done = subprocess.run(
        [*COMMAND, "export", "--format", "json", "--db", str(db)],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return next(task for task in json.loads(done.stdout)["tasks"] if task["id"] == task_id)


def _status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _websocket_status(url: str) -> int:
    async def connect() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url) as socket:
                    await socket.close()
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    # In a thread of its own: Playwright's sync API keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, connect()).result()


# -- the page ----------------------------------------------------------------------------


def test_the_printed_url_opens_the_dashboard_on_the_seed(served: Served, browser: Browser) -> None:
    page = open_page(browser, served.url_with_token + "&name=tester")
    screen = wait_for_text(page, "UT-001")
    assert "Version 1.00 Progress Tracker" in wait_for_text(page, "Version 1.00")
    assert "UT-007" in screen
    assert TOKEN not in page.url  # dropped from the address bar once loaded
    assert page.url == served.url
    page.context.close()


def test_without_the_token_every_path_is_forbidden(served: Served) -> None:
    for path in (
        "",
        "?token=wrong-token-0123456789",
        "static/js/textual.js",
        "static/",
        "static/../pyproject.toml",
        "ws",
        "nothing-here",
    ):
        assert _status(served.url + path) == 403, path
    ws = f"ws://127.0.0.1:{served.port}/ws"
    assert _websocket_status(ws) == 403
    assert _websocket_status(ws + "?token=wrong-token-0123456789") == 403
    # The right token is let in, and still no listing nor any file but the static ones.
    cookie = f"tracker_tui_token_{served.port}={TOKEN}"
    assert _status(served.url, cookie) == 200
    assert _status(served.url + "static/js/textual.js", cookie) == 200
    for path in ("static/", "static/js", "static/../server.py", "static/%2e%2e/server.py"):
        assert _status(served.url + path, cookie) == 404, path


def test_the_token_is_in_no_log_line(served: Served) -> None:
    # As a browser does: the redirect's cookie comes back with the page's request.
    browser_like = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser_like.open(served.url_with_token, timeout=30) as response:
        assert response.status == 200
        assert response.url == served.url
    assert _status(served.url + f"static/css/xterm.css?token={TOKEN}") == 200
    assert _status(served.url + "?token=wrong-token-0123456789") == 403
    assert _websocket_status(f"ws://127.0.0.1:{served.port}/ws?token={TOKEN}") == 101
    wait_for(lambda: "tab closed" in served.printed(), "the tab's end in the log")
    url_lines = [line for line in served.output if line.strip().startswith("http://")]
    assert len(url_lines) == 1 and url_lines[0].endswith(f"?token={TOKEN}")
    others = [line for line in served.output if line not in url_lines]
    assert any("GET /static/css/xterm.css 200" in line for line in others)
    assert not [line for line in others if TOKEN in line]


# -- edits -------------------------------------------------------------------------------


def test_minus_in_the_page_changes_the_store_and_another_tab_sees_it(
    served: Served, browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    first = open_page(browser, served.url_with_token + "&name=tester")
    second = open_page(browser, served.url_with_token + "&name=viewer")
    wait_for_text(first, "UT-003")
    wait_for_text(second, "UT-003")
    before = _task(db, environment, "UT-003")["progress"]
    assert "100%" in row(screen_text(second), "UT-003")
    press(first, "j", "j", "Minus")
    wait_for(lambda: _task(db, environment, "UT-003")["progress"] == before - 10, "the save")
    # Live: the other tab's own dashboard process shows it (README: within a second).
    wait_for(lambda: "90%" in row(screen_text(second), "UT-003"), "the edit in the second tab")
    history = subprocess.run(
        [*COMMAND, "history", "UT-003", "--format", "json", "--db", str(db)],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(history.stdout)[0]["user"] == "tester"
    first.context.close()
    second.context.close()


def test_a_first_visit_asks_a_name_and_the_browser_keeps_it(
    served: Served, browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    page = open_page(browser, served.url_with_token)
    field = page.locator("#name")
    field.wait_for(state="visible")
    assert field.input_value() == "alice"  # the serving user's name, to keep or change
    field.fill("Priya K")
    field.press("Enter")
    wait_for_text(page, "UT-001")
    press(page, "G", "Minus")
    wait_for(
        lambda: (
            subprocess.run(
                [*COMMAND, "history", "UT-007", "--format", "json", "--db", str(db)],
                env=environment,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.count('"Priya K"')
            > 0
        ),
        "Priya K's edit in the history",
    )
    # The same browser, later: no question, the same name.
    page.goto(served.url)
    wait_for_text(page, "UT-001")
    assert not page.locator("#name").is_visible()
    page.context.close()


# -- processes ---------------------------------------------------------------------------


def test_closing_a_tab_ends_its_process(
    browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    # A server of its own: the module's shared one may be between spares (another test's
    # tab took the last, and the next starts only once that tab has drawn).
    server = start_server(db, environment=environment)
    try:
        # The tab is handed the spare the server started before the page was asked for.
        spare = wait_for(server.tab_processes, "the server's spare process")
        page = open_page(browser, server.url_with_token + "&name=tester")
        wait_for_text(page, "UT-001")
        mine = server.tab_process("tester")
        assert mine in spare
        page.context.close()
        wait_for(lambda: mine not in server.tab_processes(), "the tab's process to end")
    finally:
        server.stop()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_the_server_ends_every_tab(
    stop: signal.Signals, browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    server = start_server(db, environment=environment)
    tabs = 2 if stop == signal.SIGTERM else 1  # each costs a dashboard's start
    pages = [open_page(browser, server.url_with_token + "&name=tester") for _ in range(tabs)]
    for page in pages:
        wait_for_text(page, "UT-001")
    # Each tab's process, and the spare started for the next tab once they had drawn.
    wait_for(lambda: len(server.tab_processes()) == tabs + 1, "the tabs' and the spare's")
    assert server.stop(stop) == 0
    assert tab_processes(server.process.pid) == []
    for page in pages:
        page.context.close()


def test_a_killed_server_leaves_no_tab_behind(
    browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    server = start_server(db, environment=environment)
    page = open_page(browser, server.url_with_token + "&name=tester")
    wait_for_text(page, "UT-001")
    wait_for(lambda: len(server.tab_processes()) == 2, "the tab's and the spare's processes")
    server.stop(signal.SIGKILL)
    wait_for(lambda: tab_processes(server.process.pid) == [], "the orphaned tab to end")
    page.context.close()


# -- the presenter view and the cap -------------------------------------------------------


def test_read_only_refuses_edits_and_the_cap_says_so(
    browser: Browser, db: Path, environment: dict[str, str]
) -> None:
    server = start_server(db, "--read-only", "--max-sessions", "1", environment=environment)
    try:
        page = open_page(browser, server.url_with_token)
        wait_for_text(page, "UT-001")  # no name asked: nobody edits
        before = _task(db, environment, "UT-001")
        press(page, "Minus")
        wait_for_text(page, "Read-only")
        press(page, "s")
        assert _task(db, environment, "UT-001") == before
        # The only place is taken: another tab gets a page that says so.
        request = urllib.request.Request(
            server.url, headers={"Cookie": f"tracker_tui_token_{server.port}={TOKEN}"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 503
        assert "All 1 dashboards this server allows are open" in refused.value.read().decode()
        page.context.close()
    finally:
        server.stop()


# -- keys --------------------------------------------------------------------------------

#: Keys Chromium (and Firefox) keep for the browser: a page never sees them, whatever it
#: does. Chromium's list is its reserved commands (close, new and reopen tab or window,
#: next and previous tab, quit); headless Chromium cannot show this (keys typed through
#: DevTools reach the page), so the dashboard must simply bind none of them.
BROWSER_RESERVED = frozenset(
    {
        "ctrl+n",
        "ctrl+t",
        "ctrl+w",
        "ctrl+shift+n",
        "ctrl+shift+t",
        "ctrl+shift+w",
        "ctrl+shift+q",
        "ctrl+tab",
        "ctrl+shift+tab",
        "ctrl+pageup",
        "ctrl+pagedown",
        "ctrl+f4",
        "alt+f4",
        "f11",
    }
)
_PLAYWRIGHT_NAMES = {
    "enter": "Enter",
    "escape": "Escape",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "up": "ArrowUp",
    "down": "ArrowDown",
    "left": "ArrowLeft",
    "right": "ArrowRight",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "backspace": "Backspace",
    "delete": "Delete",
    "space": " ",
}
#: Records what the page sends over its WebSocket; with ``__dropKeys`` set, keeps the
#: keys from the dashboard (so that pressing q, d or ctrl+q there does nothing).
_SEND_RECORDER = """
window.__sent = [];
const originalSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const message = JSON.parse(data);
  if (message[0] === "stdin") {
    window.__sent.push(message[1]);
    if (window.__dropKeys) return;
  }
  return originalSend.call(this, data);
};
"""


def _dashboard_keys() -> set[str]:
    """Every key the dashboard binds: the app's, each screen's, each widget's, Textual's."""
    import importlib
    import inspect
    import pkgutil

    from textual.app import App
    from textual.binding import Binding

    import tracker_tui.screens
    import tracker_tui.widgets
    from tracker_tui.app import TrackerApp

    owners: list[type] = [TrackerApp, App]
    for package in (tracker_tui.screens, tracker_tui.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            owners += [
                owner
                for _, owner in inspect.getmembers(module, inspect.isclass)
                if owner.__module__ == module.__name__ and "BINDINGS" in vars(owner)
            ]
    keys = {App.COMMAND_PALETTE_BINDING}
    for owner in owners:
        for binding in vars(owner)["BINDINGS"]:
            key = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(part.strip() for part in key.split(","))
    return keys


def _playwright_key(key: str) -> str:
    from textual.keys import _character_to_key

    if key in _PLAYWRIGHT_NAMES:
        return _PLAYWRIGHT_NAMES[key]
    if key.startswith("ctrl+"):
        return "Control+" + _playwright_key(key.removeprefix("ctrl+"))
    # Textual names a printable key after its character ("minus", "question_mark").
    by_name = {_character_to_key(chr(code)): chr(code) for code in range(33, 127)}
    return by_name[key]


def _textual_keys(sent: str) -> set[str]:
    """The keys Textual reads from what the browser sent, as it does from a terminal."""
    import time

    from textual import events
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    read = list(parser.feed(sent))
    time.sleep(0.15)  # a lone escape is a key once nothing follows it
    read += list(parser.tick())
    return {alias for event in read if isinstance(event, events.Key) for alias in event.aliases}


def test_no_dashboard_key_is_one_the_browser_keeps() -> None:
    assert not _dashboard_keys() & BROWSER_RESERVED


def test_every_dashboard_key_reaches_the_dashboard_in_chromium(
    served: Served, browser: Browser
) -> None:
    keys = sorted(_dashboard_keys())
    assert {"ctrl+p", "ctrl+q", "ctrl+r", "ctrl+s", "question_mark", "minus", "escape"} <= set(keys)
    context = browser.new_context(viewport={"width": 1000, "height": 620})
    context.add_init_script(_SEND_RECORDER)
    page = context.new_page()
    page.add_init_script(TERMINAL_HOOK)
    page.goto(served.url_with_token + "&name=tester")
    wait_for_text(page, "UT-001")
    page.evaluate("window.__dropKeys = true")
    lost = []
    for key in keys:
        page.evaluate("window.__sent = []")
        press(page, _playwright_key(key))
        sent = "".join(page.evaluate("window.__sent"))
        if key not in _textual_keys(sent):
            lost.append(f"{key}: sent {sent!r}")
    assert lost == []
    # And they act: the palette, the help, a screen key, over the live connection.
    page.evaluate("window.__dropKeys = false")
    press(page, "Control+p")
    wait_for_text(page, "Search for commands")
    # One at a time, as a person types: an escape with a key right behind it is alt+key,
    # in a browser as in a terminal.
    press(page, "Escape")
    wait_for(lambda: "Search for commands" not in screen_text(page), "the palette to close")
    press(page, "?")
    wait_for_text(page, "escape or ? closes")
    press(page, "Escape")
    wait_for(lambda: "escape or ? closes" not in screen_text(page), "the help to close")
    press(page, "2")
    wait_for_text(page, "R-01")
    context.close()


def test_tracker_names_the_tracker_every_tab_opens_on(
    browser: Browser, home: Path, environment: dict[str, str]
) -> None:
    db = home / "two-trackers.db"
    for name in ("First", "Second"):
        subprocess.run(
            [*COMMAND, "import", str(SAMPLE), "--name", name, "--db", str(db)],
            env=environment,
            check=True,
            capture_output=True,
        )

    def progress(tracker: str) -> object:
        done = subprocess.run(
            [*COMMAND, "export", "--format", "json", "--db", str(db), "--tracker", tracker],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        return next(t for t in json.loads(done.stdout)["tasks"] if t["id"] == "UT-001")["progress"]

    server = start_server(db, "--tracker", "Second", environment=environment)
    try:
        page = open_page(browser, server.url_with_token + "&name=tester")
        # The tracker named opens on its Snapshot, its name in the first tab.
        wait_for_text(page, "0 Second")
        wait_for_text(page, "UT-001")
        press(page, "Minus")
        wait_for(lambda: progress("Second") == 90, "the edit in the tracker named")
        assert progress("First") == 100
        page.context.close()
    finally:
        server.stop()
