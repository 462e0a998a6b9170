"""Textual's private API that tracker-tui relies on is still there.

Every use lives in ``tracker_tui/widgets/textual_private.py``, which lists the names in
``PRIVATE_NAMES``. After a Textual upgrade, a failure here names what went and where it
is used, instead of a crash somewhere in the app.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from pathlib import Path

import pytest
from textual.scrollbar import ScrollBar

import tracker_tui
from tracker_tui.widgets.textual_private import PRIVATE_NAMES

WHERE = "tracker_tui/widgets/textual_private.py"


@pytest.mark.parametrize(("module", "owner", "name"), PRIVATE_NAMES)
def test_private_name_still_exists(module: str, owner: str | None, name: str) -> None:
    found = importlib.import_module(module)
    if owner is not None:
        found = getattr(found, owner)
        if isinstance(found, type):
            found = found()  # most are set by __init__, not on the class
    label = f"{module}.{owner + '.' if owner else ''}{name}"
    assert hasattr(found, name), (
        f"Textual no longer has {label}, which {WHERE} uses: find the public way to do what "
        "it does there (or its new private name), and update that module and PRIVATE_NAMES."
    )


def test_no_other_module_touches_textual_private_names() -> None:
    """Only textual_private.py imports a private module of Textual's."""
    package = Path(tracker_tui.__file__).parent
    private_import = re.compile(r"^\s*(from|import)\s+textual\.(\w+\.)*_\w+", re.MULTILINE)
    offenders = [
        str(path.relative_to(package.parent))
        for path in package.rglob("*.py")
        if path.name != "textual_private.py" and private_import.search(path.read_text())
    ]
    assert offenders == [], f"private Textual imports outside {WHERE}: {offenders}"


async def test_ascii_scrollbars_last_only_while_an_ascii_app_runs(seed_store, frozen_settings):
    """The ASCII scrollbar renderer is Textual's class attribute: it is put in place while
    an ASCII app runs, and taken away when it stops, so no other app inherits it."""
    from tracker_tui.app import make_app
    from tracker_tui.widgets.glyphs import ChromeScrollBarRender

    before = ScrollBar.renderer
    app = make_app(seed_store, frozen_settings, ascii=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ScrollBar.renderer is ChromeScrollBarRender
    assert ScrollBar.renderer is before


async def test_a_terminal_that_hung_up_does_not_keep_the_dashboard_from_ending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Textual's Linux driver writes through a thread and a queue of 30; on a terminal that
    has hung up (an SSH connection dropped), the thread's first write raised EIO and killed
    it, and once 30 more writes were queued the app's exit blocked for ever. The dashboard's
    driver drops what a dead terminal cannot take, so stopping it returns."""
    import os
    import pty
    import signal
    import threading

    from textual.app import App
    from textual.drivers._writer_thread import WriterThread
    from textual.drivers.linux_driver import LinuxDriver

    from tracker_tui.widgets.textual_private import outliving_its_terminal

    master, slave = pty.openpty()
    terminal = os.fdopen(slave, "w")
    os.close(master)  # the terminal hangs up: a write to it now fails with EIO
    with pytest.raises(OSError):
        terminal.write("x")
        terminal.flush()
    monkeypatch.setattr("sys.__stderr__", terminal)
    before = {number: signal.getsignal(number) for number in (signal.SIGTSTP, signal.SIGCONT)}
    try:
        driver = outliving_its_terminal(LinuxDriver)(App())
    finally:
        for number, handler in before.items():  # the driver sets its own
            signal.signal(number, handler)
    writer = WriterThread(driver._file)  # as start_application_mode makes it
    writer.start()
    stopping = threading.Thread(
        target=lambda: [*(writer.write("frame") for _ in range(100)), writer.stop()], daemon=True
    )
    stopping.start()
    stopping.join(10)
    assert not stopping.is_alive(), "stopping the driver blocked on the hung-up terminal"
    with contextlib.suppress(OSError):  # its buffer still holds what it could not write
        terminal.close()
