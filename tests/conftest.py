"""Shared fixtures: every test runs with its own config/data dirs, user alice, and a UI
that holds still (no animations, no cursor blink) so that screens can be compared.

Fixtures:
    isolate_environment (autouse)  XDG_* dirs under tmp_path, TRACKER_TUI_USER=alice,
                                   TRACKER_TUI_DB unset, NO_COLOR unset, animations off,
                                   Input/TextArea cursors never blink, and the app's
                                   console in truecolor whatever $TERM says (the colour
                                   mode decides the urgency styles; see
                                   tests/test_app_colours.py for 16 colours).
    seed_store                     a Store at tmp_path/"t.db" (user alice) holding
                                   data/sample-tracker.md.
    empty_store                    a Store at tmp_path/"empty.db" with nothing in it.
    frozen_settings                Settings with today fixed to 2024-06-05, config file
                                   under tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

# Read by textual.constants at import time: set before anything imports Textual.
os.environ["TEXTUAL_ANIMATIONS"] = "none"

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample-tracker.md"
TODAY = date(2024, 6, 5)


@pytest.fixture(autouse=True)
def isolate_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        directory = tmp_path / "xdg" / name.lower()
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
def seed_store(tmp_path: Path) -> Iterator[object]:
    """The sample tracker in a fresh store (``Store``), opened as alice."""
    from tracker_tui.markdown import read_document
    from tracker_tui.store.store import Store

    store = Store.open(str(tmp_path / "t.db"), user="alice")
    store.import_document(read_document(SAMPLE))
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[object]:
    from tracker_tui.store.store import Store

    store = Store.open(str(tmp_path / "empty.db"), user="alice")
    yield store
    store.close()


@pytest.fixture
def frozen_settings(tmp_path: Path) -> object:
    """Settings with ``today`` = 2024-06-05 and the config file under tmp_path."""
    from tracker_tui.config import Settings

    return Settings(today=TODAY, path=tmp_path / "config.toml")


@pytest.fixture
def screen_text() -> object:
    """A function: the text on the app's screen now (what a person would read)."""

    def text(app: object) -> str:
        screen = app.screen  # type: ignore[attr-defined]
        return "\n".join(strip.text for strip in screen._compositor.render_strips())

    return text
