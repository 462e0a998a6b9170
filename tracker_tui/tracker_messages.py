"""Messages about the store's trackers as a whole (issue 12): past tense, plain values.

Apart from ``messages.py`` (one tracker's data) so that the two grow without meeting.
"""

from __future__ import annotations

from textual.message import Message

from tracker_tui.portfolio import OwnerTask, PortfolioRow


class TrackersChanged(Message, bubble=False):
    """A tracker other than the one on screen changed, or one came or went: what the
    portfolio and the owner view read again. ``revisions``: each tracker's now."""

    def __init__(self, revisions: dict[int, int]) -> None:
        super().__init__()
        self.revisions = revisions


class PortfolioRead(Message, bubble=False):
    """The portfolio's rows were read."""

    def __init__(self, rows: list[PortfolioRow]) -> None:
        super().__init__()
        self.rows = rows


class OwnerTasksRead(Message, bubble=False):
    """One owner's open tasks in every tracker were read."""

    def __init__(self, owner: str, rows: list[OwnerTask]) -> None:
        super().__init__()
        self.owner = owner
        self.rows = rows
