"""A scripted stand-up on the seed (data/sample-tracker.md), at fixed times: what the
Stand-up tests, snapshots and golden reports all look at.

- Mon 2024-06-03 08:00 UTC: alice imports the seed; a dated checkpoint is added; UT-006
  goes On Hold, last updated 2024-05-20 (so it shows under No movement); UT-001 goes
  back to In Progress at 50 %.
- Tue 2024-06-04 09:00: ann takes UT-002 to 60 % then +10 (net 100 → 70, In Progress)
  and completes UT-001 (50 → 100);
  bob blocks UT-003, puts UT-007 At Risk, moves UT-005 to 80 % and back to 100 % (no net
  change), gives UT-004 to the QA Lead and undoes it (no net change), opens R-06 and
  resolves R-03; alice logs a decision and an activity line; carol adds UT-008.
- "Now" is Wed 2024-06-05 09:30: the default baseline is Tue 2024-06-04 00:00.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import SAMPLE

from tracker_tui.domain import Decision, FixedClock
from tracker_tui.markdown import read_document
from tracker_tui.store.store import Store

IMPORTED = FixedClock(datetime(2024, 6, 3, 8, 0, tzinfo=UTC))
EDITED = FixedClock(datetime(2024, 6, 4, 9, 0, tzinfo=UTC))
NOW = FixedClock(datetime(2024, 6, 5, 9, 30, tzinfo=UTC))


def build_scene(path: Path) -> Path:
    """Write the scripted store at ``path``; return it (closed)."""
    with Store.open(path, user="alice", clock=IMPORTED) as alice:
        alice.import_document(read_document(SAMPLE))
        alice.save_item("checkpoint", None, {"when": "2024-06-07", "text": "Go/no-go review"})
        alice.update_task("UT-006", {"status": "On Hold", "last_update": "2024-05-20"})
        alice.update_task("UT-001", {"status": "In Progress", "progress": 50})
    with Store.open(path, user="ann", clock=EDITED) as ann:
        ann.update_task("UT-002", {"progress": 60})
        ann.update_task("UT-002", {"progress": "+10"})
        ann.update_task("UT-001", {"status": "Complete"})
    with Store.open(path, user="bob", clock=EDITED) as bob:
        bob.update_task("UT-003", {"status": "Blocked"})
        bob.update_task("UT-007", {"status": "At Risk"})
        bob.update_task("UT-005", {"progress": 80})
        bob.update_task("UT-005", {"progress": 100})
        bob.update_task("UT-004", {"owner": "QA Lead"})
        bob.undo()
        bob.create_risk(
            {
                "description": "Load balancer quota may run out at launch",
                "impact": "High",
                "owner": "DevOps Lead",
            }
        )
        bob.update_risk("R-03", {"status": "Resolved"})
    with Store.open(path, user="alice", clock=EDITED) as alice:
        alice.save_decision(
            Decision(
                None,
                "2024-06-04",
                "Freeze the schema until launch",
                "Fewer moving parts",
                "Programme Manager",
            )
        )
        alice.add_activity("UT-002 reopened after QA found a regression.")
    with Store.open(path, user="carol", clock=EDITED) as carol:
        carol.create_task(
            {"id": "UT-008", "title": "Load testing", "owner": "devops  lead", "progress": 20}
        )
    return path


def open_scene(path: Path, *, user: str = "lead", read_only: bool = False) -> Store:
    """The scripted store, opened at "now" (Wed 2024-06-05 09:30 UTC)."""
    return Store.open(path, user=user, clock=NOW, read_only=read_only)
