"""Shared fixtures and helpers: every test runs with its own config/data dirs, user alice,
and a UI that holds still (no animations, no cursor blink) so that screens can be compared.

A fixture or helper used by two test files lives here, once. Helpers for the store's own
tests (documents built by hand, child processes) are in ``store_docs.py``.

Fixtures:
    isolate_environment (autouse)  XDG_* dirs under tmp_path (``xdg_data_home``, ...),
                                   TRACKER_TUI_USER=alice, TRACKER_TUI_DB unset, NO_COLOR
                                   unset, animations off, Input/TextArea cursors never blink,
                                   and the app's console in truecolor whatever $TERM says
                                   (the colour mode decides the urgency styles; see
                                   tests/test_app_colours.py for 16 colours).
    home                           HOME under tmp_path too (the CLI tests).
    seed_store                     a Store at tmp_path/"t.db" (user alice) holding
                                   data/sample-tracker.md.
    empty_store                    a Store at tmp_path/"empty.db" with nothing in it.
    several                        a Store at tmp_path/"t.db" holding the sample as
                                   "Version 1.00" and "Version 1.01", and "Ops" (four
                                   tasks owned by Owner 0/1/2).
    tasks_path                     tmp_path/"tracker.db", closed, holding
                                   ``store_docs.tasks_document()`` (UT-001..UT-007).
    alice                          that store, opened as alice.
    synthetic_store                a function (tasks, activity) -> a Store at
                                   tmp_path/"big.db" holding a synthetic tracker.
    frozen_settings                Settings with today fixed to 2024-06-05, config file
                                   under tmp_path.
    app                            the dashboard on seed_store with frozen_settings.
    month_db                       a copy of ``trend_docs.scripted_month``'s store (built
                                   once per session: a month of edits takes seconds).
    screen_text                    a function: the text on the app's screen now.

Helpers (``from conftest import ...``): ROOT, SAMPLE, TODAY, COMMAND (the installed
``tracker-tui``), and ``settle(pilot)``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tracker_tui.app import TrackerApp
    from tracker_tui.config import Settings
    from tracker_tui.store.store import Store

# Read by textual.constants at import time: set before anything imports Textual.
os.environ["TEXTUAL_ANIMATIONS"] = "none"

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name: str) -> ModuleType:
    """``tools/NAME.py``, a script rather than a package module, loaded for its tests."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE = ROOT / "data" / "sample-tracker.md"
TODAY = date(2024, 6, 5)

#: The ``tracker-tui`` script installed beside this Python, or the module when there is none.
_SCRIPT = Path(sys.executable).with_name("tracker-tui")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "tracker_tui"]


async def settle(pilot: Any) -> None:
    """Let the app settle: workers finish and the messages they post land (three rounds,
    for a worker that starts another)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture(autouse=True)
def isolate_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        directory = tmp_path / name.lower()
        directory.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(directory))
    monkeypatch.setenv("TRACKER_TUI_USER", "alice")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("TRACKER_TUI_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)

    import textual.constants
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
    # Read by App.__init__: without it, TERM=xterm (or no TERM, as in CI) would make every
    # app a 16-colour one, and the snapshots would depend on the shell they ran in.
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")

    def _cursor_still(self: object) -> None:
        self._cursor_visible = True  # type: ignore[attr-defined]

    monkeypatch.setattr(Input, "_toggle_cursor", _cursor_still)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", _cursor_still)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME under tmp_path: nothing a test runs can find the real one."""
    path = tmp_path / "home"
    monkeypatch.setenv("HOME", str(path))
    return path


@pytest.fixture
def several(tmp_path: Path) -> Iterator[Store]:
    """The sample as "Version 1.00" and "Version 1.01", and a third, "Ops", whose tasks
    Owner 0/1/2 own (the portfolio's rows, in name order: Ops, Version 1.00, 1.01)."""
    from store_docs import tasks_document

    from tracker_tui.markdown import read_document
    from tracker_tui.store.store import Store

    store = Store.open(tmp_path / "t.db", user="alice")
    store.import_document(read_document(SAMPLE), name="Version 1.00")
    store.import_document(read_document(SAMPLE), name="Version 1.01")
    store.import_document(tasks_document(4, title="Ops"))
    yield store
    store.close()


@pytest.fixture
def seed_store(tmp_path: Path) -> Iterator[Store]:
    """The sample tracker in a fresh store (``Store``), opened as alice."""
    from tracker_tui.markdown import read_document
    from tracker_tui.store.store import Store

    store = Store.open(str(tmp_path / "t.db"), user="alice")
    store.import_document(read_document(SAMPLE))
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    from tracker_tui.store.store import Store

    store = Store.open(str(tmp_path / "empty.db"), user="alice")
    yield store
    store.close()


@pytest.fixture
def tasks_path(tmp_path: Path) -> Path:
    """A closed store holding seven plain tasks (UT-001..UT-007 at 50%) and five risks."""
    from store_docs import tasks_document

    from tracker_tui.store.store import Store

    path = tmp_path / "tracker.db"
    with Store.open(path, user="alice") as store:
        store.import_document(tasks_document())
    return path


@pytest.fixture
def alice(tasks_path: Path) -> Iterator[Store]:
    """The ``tasks_path`` store, opened as alice."""
    from tracker_tui.store.store import Store

    with Store.open(tasks_path, user="alice") as store:
        yield store


@pytest.fixture
def synthetic_store(tmp_path: Path) -> Iterator[Callable[[int, int], Store]]:
    """A function: a store (tmp_path/"big.db", alice) holding a synthetic tracker of
    ``tasks`` tasks and ``activity`` log entries; closed after the test."""
    from tracker_tui.markdown import parse_document
    from tracker_tui.markdown.sample import synthetic_tracker
    from tracker_tui.store.store import Store

    opened: list[Store] = []

    def make(tasks: int, activity: int) -> Store:
        store = Store.open(str(tmp_path / "big.db"), user="alice")
        store.import_document(parse_document(synthetic_tracker(tasks, activity)))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def frozen_settings(tmp_path: Path) -> Settings:
    """Settings with ``today`` = 2024-06-05 and the config file under tmp_path."""
    from tracker_tui.config import Settings

    return Settings(today=TODAY, path=tmp_path / "config.toml")


@pytest.fixture
def app(seed_store: Store, frozen_settings: Settings) -> TrackerApp:
    """The dashboard on the sample tracker, with today frozen."""
    from tracker_tui.app import make_app

    return make_app(seed_store, frozen_settings)


@pytest.fixture(scope="session")
def _month_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trend_docs import scripted_month

    path = tmp_path_factory.mktemp("month") / "month.db"
    scripted_month(path)
    return path


@pytest.fixture
def month_db(_month_original: Path, tmp_path: Path) -> Path:
    """A store holding the scripted month (``tests/trend_docs.py``), this test's own."""
    import shutil

    path = tmp_path / "month.db"
    shutil.copyfile(_month_original, path)
    return path


@pytest.fixture
def screen_text() -> Callable[[Any], str]:
    """A function: the text on the app's screen now (what a person would read)."""

    def text(app: Any) -> str:
        screen = app.screen
        return "\n".join(strip.text for strip in screen._compositor.render_strips())

    return text
