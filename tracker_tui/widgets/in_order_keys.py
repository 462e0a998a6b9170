"""Text fields whose editing keys take effect in the order they were typed.

Textual hands a printable key to the focused field, which inserts it at once. A key that is
a binding (backspace, delete, the arrows, home, end, enter...) takes a longer road: the
field lets it pass, it bubbles through every container up to the app, and only there is
the field's binding looked up and run. Keys that arrive in a burst (a laggy SSH link, a
paste of keys, ``tmux send-keys``) can then overtake each other: ``backspace`` then ``a``
inserts the ``a`` first, and the late backspace deletes it. The deeper the field sits (a
form nests it five containers down) and the busier those containers are (validation on
every keystroke), the wider that window.

``KeysInOrder`` runs the field's own bindings as soon as the field receives the key, in
the same queue as the characters around it. Priority bindings (``ctrl+s`` in a form) were
already run by the app before the key reached the field, and keys the field does not bind
(escape, tab) still bubble to the screen and the app as before.
"""

from __future__ import annotations

from typing import cast

from textual import events
from textual.widget import Widget
from textual.widgets import Input


class KeysInOrder:
    """Mix into a text widget (before the widget class) so its bindings keep key order."""

    async def on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # the widget's own handler inserts it, in order already
        widget = cast(Widget, self)
        # The binding the app's check would find first for this key, with the user's
        # keymap applied: the focused widget's own, unless a priority binding (already
        # run by the app before the key got here) or a disabled one.
        active = widget.screen.active_bindings.get(event.key)
        if active is None or active.node is not widget or active.binding.priority:
            return
        if active.enabled and await widget.app.run_action(active.binding.action, widget):
            event.stop()
            # Done: the widget's own key handler must not act on it a second time.
            event.prevent_default()


class InOrderInput(KeysInOrder, Input):
    """An ``Input`` whose backspace, arrows and enter keep their place among the characters."""
