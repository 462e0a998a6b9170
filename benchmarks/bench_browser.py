"""The browser figures of ``bench.py`` (issue 16): ``tracker-tui serve`` in Chromium.

A real ``tracker-tui serve`` on a copy of the seed and Debian's chromium through
Playwright, with the helpers of the browser tests (``tests/browser.py``):

- page to first frame: from ``page.goto`` (the printed URL, token and all: the page
  request) until the page's terminal shows the first task's row with a percentage; a new
  tab (a new browser context, made before the clock starts, so a new dashboard process)
  each time, once the server is idle again (the last tab's process ended, the spare's
  imports done): a tab opened a few seconds after the last;
- the same, tabs back to back: each opened as soon as the last showed its frame, while
  its process quits and the next spare starts;
- keystroke to row: ``-``/``+`` on the selected row, until the page's terminal shows the
  new percentage on it (polled in the page at every animation frame); Playwright's own
  round trips (a few ms) are included;
- other tab: the same keystroke, until a second tab (its own process) shows it;
- memory: ``VmHWM`` of a tab's dashboard process, ``VmRSS`` of the spare process (started
  ahead of the next tab, its imports done) and of the server, with the tabs still open.
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


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _settle(served: Any, open_tabs: int, timeout: float = 20.0) -> None:
    """Wait until the server and its processes use no CPU for 0.3 s, with no more than
    ``open_tabs`` + 1 (a spare) of them: a closed tab's process has ended."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        pids = [served.process.pid, *served.tab_processes()]
        ticks = _cpu_ticks(pids)
        if ticks == last and len(pids) <= open_tabs + 2:
            return
        last = ticks
        time.sleep(0.3)


def _first_frame(chrome: Any, url: str, task_id: str) -> tuple[Any, float]:
    """A new tab at ``url``; the ms from the page request to its first frame."""
    context = chrome.new_context(viewport={"width": 1000, "height": 620})
    page = context.new_page()
    import browser  # tests/browser.py

    page.add_init_script(browser.TERMINAL_HOOK)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(_ROW_SHOWS, arg=[task_id, "100"], polling="raf", timeout=60_000)
    return page, (time.perf_counter() - started) * 1000


def measure(bench: Bench) -> None:
    """Add the browser figures to ``bench`` (skipped, with a log line, without Chromium)."""
    import browser  # tests/browser.py

    first_frame = bench.figure(
        "browser: page to first frame", "ms", target="≤ 3 s", limits=[("median", 3000.0)]
    )
    back_to_back = bench.figure(
        "browser: first frame, tabs back to back", "ms", note="each tab opened as the last drew"
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
    spare_memory = bench.figure(
        "browser: spare process memory", "MB", note="VmRSS of the process ready for the next tab"
    )
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
                _settle(served, open_tabs=0)
                page, elapsed = _first_frame(chrome, url, task_id)
                first_frame.samples.append(elapsed)
                page.context.close()
            for _ in range(bench.args.runs):
                page, elapsed = _first_frame(chrome, url, task_id)
                back_to_back.samples.append(elapsed)
                page.context.close()
            bench.log(f"browser first frames: {first_frame.samples}")
            bench.log(f"browser first frames, back to back: {back_to_back.samples}")
            _settle(served, open_tabs=0)
            pages = [browser.open_page(chrome, url) for _ in range(2)]
            for page in pages:
                page.wait_for_function(
                    _ROW_SHOWS, arg=[task_id, "100"], polling="raf", timeout=60_000
                )
            # Typed once the tabs have settled (the spare they started has done its imports),
            # as a person would after looking at the page.
            _settle(served, open_tabs=len(pages))
            _keystrokes(bench, pages, task_id, keystroke, other_tab)
            bench.log(f"seen in the other tab, in order: {[round(x) for x in other_tab.samples]}")
            _settle(served, open_tabs=len(pages))
            tabs = {served.tab_process("bench", last=index) for index in range(len(pages))}
            for pid in served.tab_processes():
                if pid in tabs and (hwm := _vm(pid, "VmHWM")) is not None:
                    tab_memory.samples.append(hwm)
                elif pid not in tabs and (rss := _vm(pid, "VmRSS")) is not None:
                    spare_memory.samples.append(rss)
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
