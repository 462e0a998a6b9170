"""What an undo or a redo did: the result ``Store.undo``/``redo`` return.

Its own small module, light (the domain only), so that the undo machinery (``undo.py``,
which imports SQLModel) and the ``Store`` facade (which must not, before a first write)
can both name it.
"""

from __future__ import annotations

from tracker_tui.domain import Change


class Replayed(list[Change]):
    """What an undo or redo did: the changes it made (a plain ``list`` of ``Change``, as
    always), plus ``skipped``, those it could not make because someone else has deleted
    the row since. ``message`` says so in one line ("" when nothing was skipped).

    A step whose every change was skipped still counts as undone (or redone): the next
    undo goes on to this user's step before it.
    """

    def __init__(
        self, applied: list[Change], skipped: list[Change] | None = None, *, action: str = "undo"
    ) -> None:
        super().__init__(applied)
        self.skipped: list[Change] = list(skipped or [])
        self.action = action

    @property
    def message(self) -> str:
        if not self.skipped:
            return ""
        gone = ", ".join(dict.fromkeys(f"{c.entity} {c.id}" for c in self.skipped))
        verb = "undo" if self.action == "undo" else "redo"
        if not self:
            return f"nothing to {verb} there: {gone} no longer exists; skipped"
        return f"{gone} no longer exists: that part of the {verb} was skipped"
