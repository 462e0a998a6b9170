"""A store call from the UI that fails is never lost: one notification line, an entry in
errors.log, and the dashboard keeps running. Reads end in ``ReadFailed``, writes in
``WriteFailed`` (never the other way round), and one handler in the app tells them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import settle
from textual.message import Message

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.domain import StoreLockedError
from tracker_tui.errors_log import log_path
from tracker_tui.messages import ReadFailed, WriteFailed
from tracker_tui.store.store import Store


def _errors(app: TrackerApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def _break(store: Store, monkeypatch: pytest.MonkeyPatch, name: str, error: Exception) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(store, name, broken)


def _log() -> str:
    path = log_path()
    return path.read_text(encoding="utf-8") if path.exists() else ""


class _Posted:
    """Records the failure messages the app sees (``message_hook``)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        # The hook sees a message at every node it bubbles through: count it once.
        if isinstance(message, (ReadFailed, WriteFailed)) and all(
            message is not seen for seen in self.messages
        ):
            self.messages.append(message)

    def kinds(self) -> list[str]:
        return [type(message).__name__ for message in self.messages]


@pytest.mark.parametrize(
    ("key", "read", "what"),
    [
        ("2", "risks", "the risk register"),
        ("3", "decisions", "the decision log"),
        ("4", "activity", "the activity log"),
        ("5", "metrics", "the plan"),
    ],
)
async def test_a_view_whose_read_fails_says_so_once_and_logs_it(
    seed_store: Store,
    frozen_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    read: str,
    what: str,
) -> None:
    app = make_app(seed_store, frozen_settings)
    posted = _Posted()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=posted) as pilot:
        await settle(pilot)
        _break(seed_store, monkeypatch, read, RuntimeError("disk went away"))
        await pilot.press(key)
        await settle(pilot)
        [line] = _errors(app)
        assert line.startswith(f"Could not read {what}: unexpected error RuntimeError")
        assert str(log_path()) in line and "\n" not in line
        assert posted.kinds() == ["ReadFailed"]
        log = _log()
        assert f"while: {what}" in log and "RuntimeError: disk went away" in log
        assert "Traceback" in log  # a bug: the details are all there
        # Still running: another screen works.
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "SnapshotScreen"
        assert app.is_running


async def test_a_refused_read_gives_the_store_reason_in_one_safe_line(
    seed_store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's own words, markup shown as typed, control characters gone."""
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        reason = "store locked by [b]bob[/b]\x1b[31m\nfor a while"
        _break(seed_store, monkeypatch, "decisions", StoreLockedError(reason))
        await pilot.press("3")
        await settle(pilot)
        [line] = _errors(app)
        assert line.startswith("Could not read the decision log: store locked by [b]bob[/b]")
        assert "\x1b" not in line and "\n" not in line
        assert [n.markup for n in app._notifications] == [False]
        log = _log()
        assert "while: the decision log" in log and "StoreLockedError" in log
        assert "Traceback" not in log  # a refusal the store explained: its message is enough


async def test_the_task_detail_says_when_its_read_fails(
    seed_store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        _break(seed_store, monkeypatch, "history", RuntimeError("history table gone"))
        await pilot.press("enter")
        await settle(pilot)
        [line] = _errors(app)
        assert line.startswith("Could not read task UT-001: unexpected error RuntimeError")
        assert "history table gone" in _log()
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "SnapshotScreen"


async def test_a_failed_edit_says_so_once_logs_it_and_the_next_edit_works(
    seed_store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seed_store, frozen_settings)
    posted = _Posted()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=posted) as pilot:
        await settle(pilot)
        before = seed_store.task("UT-001")
        assert before is not None
        original: Callable[..., Any] = seed_store.update_task
        _break(seed_store, monkeypatch, "update_task", RuntimeError("disk full"))
        await pilot.press("minus")
        await settle(pilot)
        [line] = _errors(app)
        assert line.startswith("unexpected error RuntimeError (details in ")
        assert posted.kinds() == ["WriteFailed"]
        log = _log()
        assert "while: UT-001" in log and "RuntimeError: disk full" in log
        monkeypatch.setattr(seed_store, "update_task", original)
        await pilot.press("minus")
        await settle(pilot)
        after = seed_store.task("UT-001")
        assert after is not None and after.progress == max(0, before.progress - 10)
        assert len(_errors(app)) == 1


async def test_a_refused_delete_is_told_under_its_title(
    seed_store: Store, frozen_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seed_store, frozen_settings)
    posted = _Posted()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=posted) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        _break(seed_store, monkeypatch, "delete_decision", StoreLockedError("store is locked"))
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [(n.title, n.message) for n in errors] == [("Not deleted", "store is locked")]
        assert posted.kinds() == ["WriteFailed"]
        assert "StoreLockedError: store is locked" in _log()
        assert len(seed_store.decisions()) > 0
        assert app.is_running
