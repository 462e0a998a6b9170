"""A row another user changed is marked in a gutter column of its own: the mark never takes
another column's place. Who changed it shows in the footer while the row is selected, and
in the task detail.

Before the fix, at 80 columns "edited by ann" replaced the Last Update date for a minute
(the marker was drawn over the last column shown) and was itself cut short.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settle
from test_screens_support import wait_for

from tracker_tui.app import TrackerApp, make_app
from tracker_tui.config import Settings
from tracker_tui.screens.snapshot import EDITED_MARK, EDITED_MARK_ASCII
from tracker_tui.store.store import Store
from tracker_tui.widgets.key_footer import KeyFooter


def _row(text: str, task_id: str) -> str:
    return next(line for line in text.splitlines() if task_id in line and "%" in line)


def _footer(app: TrackerApp) -> str:
    return app.screen.query_one(KeyFooter).render().plain


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
async def test_another_users_edit_is_marked_without_hiding_the_date(
    seed_store: Store, frozen_settings: Settings, tmp_path: Path, screen_text, ascii: bool
) -> None:
    app = make_app(seed_store, frozen_settings, ascii=ascii)
    mark = EDITED_MARK_ASCII if ascii else EDITED_MARK
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = _row(screen_text(app), "UT-003")
        with Store.open(str(tmp_path / "t.db"), user="ann") as ann:
            edited = ann.update_task("UT-003", {"progress": 40})
        await wait_for(pilot, lambda: "40%" in _row(screen_text(app), "UT-003"))
        await settle(pilot)
        row = _row(screen_text(app), "UT-003")

        # The mark in the gutter, left of the ID; the date in full, every column in place.
        assert row.startswith(f"{mark}UT-003 ")
        assert edited.last_update is not None
        assert row.rstrip().endswith(edited.last_update.isoformat())
        assert len(row) == len(before)
        for header in ("ID", "Title", "Milestone", "Owner", "Status", "Progress", "Last Update"):
            assert header in screen_text(app)
        assert "edited by" not in row

        # The name, when the row is selected: in the footer...
        assert "edited by" not in _footer(app)  # the cursor is on UT-001
        await pilot.press("j", "j")
        await settle(pilot)
        assert "UT-003 edited by ann" in _footer(app)
        await pilot.press("j")
        await settle(pilot)
        assert "edited by" not in _footer(app)

        # ...and in the task detail.
        await pilot.press("k", "enter")
        await settle(pilot)
        assert "Saved by      ann" in screen_text(app)
