"""The browser figures of ``bench.py`` (issue 16): ``tracker-tui serve`` in Chromium.

A real ``tracker-tui serve`` on a copy of the seed and Debian's chromium through
Playwright, with the helpers of the browser tests (``tests/browser.py``):

- page to first frame: from ``page.goto`` (the printed URL, token and all) until the
  page's terminal shows the first task's row with a percentage; a new tab (a new browser
  context, so a new dashboard process) each time;
- keystroke to row: ``-``/``+`` on the selected row, until the page's terminal shows the
  new percentage on it (polled in the page at every animation frame); Playwright's own
  round trips (a few ms) are included;
- other tab: the same keystroke, until a second tab (its own process) shows it;
- memory: ``VmHWM`` of a tab's dashboard process, ``VmRSS`` of the server with the tabs
  still open.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

if TYPE_CHECKING:
    from bench import Bench

#: True in the page once row ``id`` of the terminal shows ``percent``%.
_ROW_SHOWS = """([id, percent]) => {
  const owner = window.__textualTerminal;
  if (!owner || !owner.terminal) return false;
  const buffer = owner.terminal.buffer.active;
  for (let y = 0; y < owner.terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    const text = line ? line.translateToString(true) : "";
    if (text.includes(id)) return new RegExp("\\\\b" + percent + "%").test(text);
  }
  return false;
}"""


def _vm(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        return None
    return None


def measure(bench: Bench) -> None:
    """Add the browser figures to ``bench`` (skipped, with a log line, without Chromium)."""
    import browser  # tests/browser.py

    first_frame = bench.figure(
        "browser: page to first frame", "ms", target="≤ 3 s", limits=[("median", 3000.0)]
    )
    keystroke = bench.figure(
        "browser: keystroke to row",
        "ms",
        target="median ≤ 150 ms",
        limits=[("median", 150.0)],
        spread="p95",
    )
    other_tab = bench.figure(
        "browser: edit seen in another tab", "ms", target="≤ 1 s", limits=[("max", 1000.0)]
    )
    tab_memory = bench.figure("browser: memory per tab", "MB", note="VmHWM of a tab's process")
    server_memory = bench.figure(
        "browser: server memory", "MB", note="VmRSS of tracker-tui serve, two tabs open"
    )
    if not browser.CHROMIUM.exists():
        bench.log(f"browser figures skipped: no {browser.CHROMIUM}")
        return
    store = bench.work / "served.db"
    shutil.copy(bench.stores["seed"], store)
    task_id = bench.markers["seed"]
    served = browser.start_server(store, environment=dict(bench.env))
    try:
        with browser.chromium() as chrome:
            url = served.url_with_token + "&name=bench"
            for _ in range(bench.args.runs):
                started = time.perf_counter()
                page = browser.open_page(chrome, url)
                page.wait_for_function(
                    _ROW_SHOWS, arg=[task_id, "100"], polling="raf", timeout=60_000
                )
                first_frame.samples.append((time.perf_counter() - started) * 1000)
                page.context.close()
            bench.log(f"browser first frames: {first_frame.samples}")
            pages = [browser.open_page(chrome, url) for _ in range(2)]
            for page in pages:
                page.wait_for_function(
                    _ROW_SHOWS, arg=[task_id, "100"], polling="raf", timeout=60_000
                )
            _keystrokes(bench, pages, task_id, keystroke, other_tab)
            tabs = served.tab_processes()
            for pid in tabs:
                if (hwm := _vm(pid, "VmHWM")) is not None:
                    tab_memory.samples.append(hwm)
            if (rss := _vm(served.process.pid, "VmRSS")) is not None:
                server_memory.samples.append(rss)
            for page in pages:
                page.context.close()
    finally:
        served.stop()


def _keystrokes(
    bench: Bench, pages: list[Any], task_id: str, keystroke: Any, other_tab: Any
) -> None:
    first, second = pages
    first.locator(".xterm-helper-textarea").focus()
    percent = 100
    for index in range(bench.args.keystrokes):
        key, percent = ("Minus", percent - 10) if index % 2 == 0 else ("+", percent + 10)
        started = time.perf_counter()
        first.keyboard.press(key)
        first.wait_for_function(
            _ROW_SHOWS, arg=[task_id, str(percent)], polling="raf", timeout=30_000
        )
        keystroke.samples.append((time.perf_counter() - started) * 1000)
        if index < bench.args.live_edits:
            second.wait_for_function(
                _ROW_SHOWS, arg=[task_id, str(percent)], polling="raf", timeout=30_000
            )
            other_tab.samples.append((time.perf_counter() - started) * 1000)
        else:
            second.wait_for_function(_ROW_SHOWS, arg=[task_id, str(percent)], timeout=30_000)
        time.sleep(0.1)
