"""ReadOnlyActions: on a read-only store, write keys show as unavailable and still say why.

Textual shows a binding dimmed in the footer (and the help screen) when the node's
``check_action`` returns ``None``. But a disabled binding's key no longer reaches its
action: ``App.run_action`` skips an action whose check is falsy, and the key falls
through. So the explanation comes from ``on_key``, which sees the key on its way up to
the app's binding check: the key's *active* binding is looked up (the user's keymap
applied, exactly as the footer shows it) and, when it is one of ``READ_ONLY_ACTIONS`` of
this node, the reason is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events

if TYPE_CHECKING:
    from tracker_tui.store.store import Store


def read_only_message(store: Store, what: str) -> str:
    """``Read-only: {what} is not possible; ...``, naming the file that makes the store
    read-only for this user and the command that fixes it, when permissions do."""
    message = f"Read-only: {what} is not possible; this store is open read-only"
    from tracker_tui.store.permissions import why_read_only

    why = why_read_only(store.target.path, by_permissions=store.read_only_by_permissions)
    return f"{message}: {why}" if why is not None else f"{message}."


class ReadOnlyActions:
    """Mix into a Screen or widget that has ``store`` and write actions."""

    #: action name (no parameters) -> what it would do, for "Read-only: ... is not possible"
    READ_ONLY_ACTIONS: ClassVar[dict[str, str]] = {}

    store: Store

    def _read_only(self) -> bool:
        return self.store.read_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown, but dimmed (unavailable). False would hide the key altogether.
        if action in self.READ_ONLY_ACTIONS and self._read_only():
            return None
        return True

    def explain_read_only(self, action: str) -> None:
        """Say why ``action`` does nothing here."""
        what = self.READ_ONLY_ACTIONS.get(action, "this")
        self.notify(  # type: ignore[attr-defined]
            read_only_message(self.store, what), severity="warning", markup=False
        )

    def on_key(self, event: events.Key) -> None:
        if not self._read_only():
            return
        active = self.screen.active_bindings.get(event.key)  # type: ignore[attr-defined]
        if active is None or active.node is not self or active.enabled:
            return
        action = active.binding.action.partition("(")[0]
        if action in self.READ_ONLY_ACTIONS:
            event.stop()
            event.prevent_default()
            self.explain_read_only(action)
