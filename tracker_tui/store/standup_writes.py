"""Recording a stand-up: one row of the ``standup`` table, in one write transaction.

Not a change to the tracker, so it adds no history row (nothing to undo); the store's
revision still moves, so that other dashboards see a new "last stand-up".
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlmodel import Session

from tracker_tui.store.standup_table import StandupRow
from tracker_tui.store.standups import StandupRecord
from tracker_tui.store.transaction import Transactions, tracker_of


class StandupWrites(Transactions):
    """The write of a stand-up, on the write path's core."""

    def record_standup(
        self, started_at: str, ended_at: str, owners: Sequence[str], edits: int
    ) -> StandupRecord:
        def work(session: Session, revision: int) -> StandupRecord:
            row = StandupRow(
                tracker_id=tracker_of(session),
                started_at=started_at,
                ended_at=ended_at,
                run_by=self.user,
                owners=json.dumps(list(owners), ensure_ascii=False),
                edits=edits,
            )
            session.add(row)
            session.flush()
            session.info["changes"] = 1  # commit: a stand-up is a write, if not an edit
            return StandupRecord(row.key, started_at, ended_at, self.user, tuple(owners), edits)

        return self._transaction(work)
