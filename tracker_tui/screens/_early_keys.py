"""Keys typed right behind the key that opens a form or a prompt.

``%`` then ``66`` and enter, sent in one burst (a laggy SSH link, a fast typist), were lost
(issue 9). ``%`` is a binding of the dashboard: the app runs it only when the key has
bubbled back up from the table, and by then it has handed ``6``, ``6`` and enter to the
table as well; they bubble up after it, when the prompt is on top and no binding wants
them. Keys the app hands over while the prompt is still being composed reach the prompt
screen itself, with no field in focus yet.

``FocusAfterEarlyKeys`` takes both kinds: the app passes it the keys typed before the
screen opened (``typed_before_opening`` / ``take_early_key``), and the screen holds the
keys that reach it before its first field has the focus. It gives them all to that field,
in order, in the same step that gives it the focus. ``tab`` and ``shift+tab`` among them
move the focus there and then, so that the keys after them go to the field they lead to
(posted to the first field, a ``tab`` bubbled up to the app's binding only after the keys
behind it had been typed into the first field: ``e`` tab tab "Frank" set the title).
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from textual import events
from textual.screen import Screen
from textual.widget import Widget


class FocusAfterEarlyKeys:
    """Mix into a modal screen, before ``ModalScreen``; name the first field in
    ``FIRST_FIELD`` (a selector)."""

    #: The field that takes the focus, and the keys typed before it could.
    FIRST_FIELD: ClassVar[str] = "Input"
    #: Focus is ours to give, after the keys already queued for this screen.
    AUTO_FOCUS: ClassVar[str | None] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: When the screen was made (pushed), on the clock that stamps Textual's events.
        self.opened_at = _event_clock()
        #: When its first field took the focus; None until then.
        self._focused_at: float | None = None
        self._early_keys: list[events.Key] = []

    def typed_before_opening(self, event: events.Key) -> bool:
        """Whether ``event`` was typed before this screen was opened (and came late)."""
        return event.time < self.opened_at

    def take_early_key(self, event: events.Key) -> None:
        """Type ``event`` into the first field, after the keys taken before it."""
        screen = cast(Screen[object], self)
        if self._focused_at is None or screen.focused is None:
            self._early_keys.append(event)
        else:
            _type_into_focus(screen, event)

    def on_mount(self) -> None:
        # Queued behind any key the app has already handed this screen.
        cast(Screen[object], self).call_later(self._focus_first_field)

    def on_key(self, event: events.Key) -> None:
        if self._focused_at is None or event.time < self._focused_at:
            # Handed to the screen before its field had the focus.
            event.stop()
            event.prevent_default()
            self.take_early_key(event)

    def _focus_first_field(self) -> None:
        screen = cast(Screen[object], self)
        field = screen.query(self.FIRST_FIELD).first(Widget)
        screen.set_focus(field, scroll_visible=False)  # now: Widget.focus() waits a turn
        self._focused_at = _event_clock()
        # In one step with the focus: no key can come between these and the ones after.
        for key in self._early_keys:
            _type_into_focus(screen, key)
        self._early_keys.clear()


#: Keys that move the focus between a form's fields, and how (``Screen``'s bindings).
_FOCUS_MOVES = {"tab": "focus_next", "shift+tab": "focus_previous"}


def _type_into_focus(screen: Screen[object], key: events.Key) -> None:
    """Type ``key`` into the focused field, or move the focus now if it is tab."""
    move = _FOCUS_MOVES.get(key.key)
    if move is not None:
        getattr(screen, move)()  # at once: the keys behind it belong to the next field
    elif screen.focused is not None:
        screen.focused.post_message(events.Key(key.key, key.character))


def _event_clock() -> float:
    """Now, as Textual stamps an event's ``time`` (its clock differs by platform)."""
    return events.Key("", None).time
