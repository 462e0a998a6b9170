"""Every use of Textual's private API, in one place, each with the reason it has no public
equivalent (Textual 8.2.8, pinned in pyproject.toml).

Nothing else in tracker_tui touches a name of Textual's that starts with ``_``.
``tests/test_textual_private.py`` checks each of these still exists, so that a Textual
upgrade that removes one fails there with its name, not somewhere far away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO, TypeVar

# The context variable Textual sets to the running app while it handles events and
# renders. Public API reaches the app only through a node (``widget.app``); a scrollbar
# renderer and a style function are given no node, yet must follow their app's mode
# (``--ascii``, the colour mode).
from textual._context import active_app

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.driver import Driver
    from textual.notifications import Notification
    from textual.screen import Screen

ScreenT = TypeVar("ScreenT", bound="Screen[Any]")


def running_app() -> App[Any] | None:
    """The app handling the current event or render, or None outside one."""
    try:
        return active_app.get()
    except LookupError:
        return None


def withdraw_identical(app: App[Any], new: Notification) -> None:
    """Take down every notification on screen that says exactly what ``new`` says.

    Textual can only clear all notifications (``App.clear_notifications``); withdrawing one
    needs its private list and ``_unnotify``. Called from ``App.on_notify``, before Textual
    adds ``new``: twenty ``u`` with nothing to undo show one toast, its time renewed.
    """
    for shown in list(app._notifications):
        if (shown.message, shown.title, shown.severity, shown.markup) == (
            new.message,
            new.title,
            new.severity,
            new.markup,
        ):
            app._unnotify(shown, refresh=False)


def add_bindings(node: DOMNode, bindings: Iterable[Binding]) -> None:
    """Give ``node`` (not its class) ``bindings``, each on a key it does not bind yet.

    Textual reads a node's bindings from its own ``BindingsMap`` (``_bindings``), built from
    the class's ``BINDINGS``; it has no public way to add one to a single node (``App.bind``
    is the app's only, and marked as may-be-removed). The status picker's keys depend on
    the store's status list, known only at run time; added here, the footer, the help and
    the user's keymap see them as they see the rest.
    """
    own = node._bindings.key_to_bindings
    for binding in bindings:
        if binding.key not in own:  # never a second meaning for a key already bound
            own[binding.key] = [binding]


#: The names the functions above rely on, for tests/test_textual_private.py:
#: (module, object, attribute) where object is None for a module-level name.
PRIVATE_NAMES: tuple[tuple[str, str | None, str], ...] = (
    ("textual._context", None, "active_app"),
    ("textual.app", "App", "_unnotify"),
    ("textual.app", "App", "_notifications"),
    ("textual.widget", "Widget", "_bindings"),
    ("textual.binding", "BindingsMap", "key_to_bindings"),
    ("textual.app", "App", "_css_update_count"),
    ("textual.screen", "Screen", "_css_update_count"),
)


class _OutputThatOutlivesItsTerminal:
    """The terminal's stream, except that once a write or flush fails (the terminal hung
    up: EIO) every later one is dropped instead of raised."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except (OSError, ValueError):  # EIO after a hang-up; ValueError once closed
                self._gone = True
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._gone = True

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()


def outliving_its_terminal(driver_class: type[Driver]) -> type[Driver]:
    """``driver_class``, made to end cleanly when its terminal goes away under it.

    Textual's Linux driver writes to the terminal from a thread (``_writer_thread``) fed
    through a queue of 30 writes, and stops it by queueing ``None`` and joining it. When the
    terminal hangs up (an SSH connection drops, a terminal window is closed) that thread's
    next write raises EIO and it dies; the app, told to exit by SIGHUP, then queues its
    last frames and the stop, the queue fills, and ``put`` blocks for ever: the process
    lingers with the store open. The driver's stream (``_file``) has no public setter, so
    it is wrapped here, before the thread is made, to drop what a dead terminal cannot take.
    Any other driver (the web driver under ``serve``, the headless one in tests) is left as
    it is.
    """
    from textual.drivers.linux_driver import LinuxDriver

    if not issubclass(driver_class, LinuxDriver):
        return driver_class

    class DriverOutlivingItsTerminal(driver_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            terminal: TextIO = getattr(self, "_file")  # noqa: B009  (set by LinuxDriver)
            self._file = _OutputThatOutlivesItsTerminal(terminal)

    return DriverOutlivingItsTerminal


def styled_as_current(app: App[Any], screen: ScreenT) -> ScreenT:
    """``screen``, new, marked as styled by the app's stylesheet as it stands.

    A screen starts with its CSS update count at -1, so that the first time a mode shows
    it (``App._init_mode``, then ``App.switch_mode``) Textual calls ``refresh_css`` twice:
    each re-parses the whole stylesheet and restyles every node, about 150 ms apiece on an
    idle box and several times that under load, for a stylesheet that has not changed.
    Its widgets are styled as they mount (``App._register`` applies the stylesheet) and a
    screen's own CSS is still loaded by ``_load_screen_css``, so nothing needs the
    re-parse; a theme change later bumps the app's count, and the screen is restyled on
    its next show as before. There is no public way to say "already current".
    """
    screen._css_update_count = app._css_update_count
    return screen
