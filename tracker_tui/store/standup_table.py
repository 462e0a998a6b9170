"""The ``standup`` table (schema 4), and the history's index by time that the Since view
reads through. Kept apart from ``schema.py``: only the stand-up uses them.

Imported by ``migrations.py`` (so that a new store gets them) and by the write that
records a stand-up; the reads are plain SQL in ``standups.py``.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from tracker_tui.store.schema import ChangeRow


class StandupRow(SQLModel, table=True):
    """A stand-up that was run: its start and end (ISO 8601, UTC), who ran it, the owners
    it walked through (a JSON list) and how many edits were made during it."""

    __tablename__ = "standup"
    key: int | None = Field(default=None, primary_key=True)
    #: The tracker whose stand-up it was (stand-ups are per tracker, like the history).
    tracker_id: int = Field(default=0, index=True)
    started_at: str = Field(index=True)
    ended_at: str
    run_by: str = ""
    owners: str = "[]"
    edits: int = 0


#: The history by time: "what changed since" reads only the rows after the baseline.
CHANGE_AT_INDEX = Index("ix_change_at", ChangeRow.__table__.c.at)  # type: ignore[attr-defined]
#: One tracker's history by time (schema 6): with ``ix_change_at`` alone SQLite chose the
#: index by tracker and revision, read every row of the tracker's history and sorted it.
CHANGE_TRACKER_AT_INDEX = Index(
    "ix_change_tracker_at",
    ChangeRow.__table__.c.tracker_id,  # type: ignore[attr-defined]
    ChangeRow.__table__.c.at,  # type: ignore[attr-defined]
)
