"""The notice drawn over everything while the terminal is below the minimum size.

It is a widget laid over the screen in front, not a screen of its own: the screen stack
(an open form, the help, a task detail) stays exactly as it was, so nothing is lost and
nothing has to be put back when the terminal grows. (Switching to a screen of its own and
back, with a popup open, left the screen under the popup with two Resize events of
different sizes queued; each one it handled laid it out again and queued it another, so
the two alternated for ever and starved the event loop: issue 9, item 5.)

``TooSmallOverlay`` keeps the notice on whichever screen is in front while the terminal is
small (a popup closed with escape, or opened by a finished save, takes it along) and lets
through only the keys that still make sense when nothing can be seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

MIN_WIDTH, MIN_HEIGHT = 60, 15

#: While too small, every other key and mouse event is dropped: it would act on a screen
#: nobody can see. Escape still closes the popup in front, ctrl+q still quits.
KEYS_WHILE_TOO_SMALL = frozenset({"escape", "ctrl+q"})


def is_too_small(size: Size) -> bool:
    """Whether a terminal of ``size`` is below the minimum the app can be drawn in."""
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def too_small_message(size: Size) -> str:
    return f"tracker-tui needs at least {MIN_WIDTH}x{MIN_HEIGHT} (now {size.width}x{size.height})"


class TooSmallHint:
    """Mixed into a screen that says, under the notice, what the keys that still work do
    to it (the quit question: a second ctrl+q quits without saving)."""

    too_small_hint: str = ""


class TooSmallNotice(Widget):
    """Covers its screen (and the screens seen through a popup) with the size message."""

    def render(self) -> Text:
        # A screen can say what the keys that still work do to it (the quit question).
        screen = self.screen
        hint = screen.too_small_hint if isinstance(screen, TooSmallHint) else ""
        message = too_small_message(self.app.size)
        return Text(f"{message}\n{hint}" if hint else message)


class TooSmallOverlay:
    """Shows a ``TooSmallNotice`` over the screen in front while the terminal is too small."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.active = False
        self._notice: TooSmallNotice | None = None

    def start(self) -> None:
        """Follow screen changes (call once the app is running), and check the size now."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)
        self.check(self.app.size)

    def check(self, size: Size) -> None:
        """The terminal is now ``size``: show, update or take away the notice."""
        self.active = is_too_small(size)
        self.app.set_class(self.active, "-too-small")
        self._place()

    def allows(self, message: Message) -> bool:
        """Whether ``message`` may reach the app now (see ``KEYS_WHILE_TOO_SMALL``)."""
        if not self.active:
            return True
        if isinstance(message, events.Key):
            return message.key in KEYS_WHILE_TOO_SMALL
        return not isinstance(message, (events.MouseEvent, events.Paste))

    def _screen_changed(self, screen: Screen[object]) -> None:
        self._place()

    def _place(self) -> None:
        notice = self._notice
        screen = self.app.screen
        if self.active and notice is not None and notice.parent is screen:
            notice.refresh()  # the size it shows
            return
        if notice is not None:
            self._notice = None
            if notice.is_attached:
                notice.remove()
        if self.active:
            self._notice = TooSmallNotice()
            screen.mount(self._notice)
