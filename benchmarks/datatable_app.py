"""The comparison: the same store shown in Textual's own ``DataTable`` instead of our
virtual ``RecordTable``, read with the same ``Store`` API, the same way (one read on the
UI thread before the first frame). The benchmark times its first frame like tracker-tui's,
so the gain of the virtual table is visible.

Run: ``python benchmarks/datatable_app.py --db PATH`` (ctrl+q quits).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script from anywhere: the repository's package first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tracker_tui.sanitize import display_text
from tracker_tui.store.store import Store

# Progress second: DataTable sizes columns to their content, so at 120 columns a long
# title would push it off screen (the benchmark looks for an ID and a percentage).
COLUMNS = ("Task ID", "Progress", "Status", "Title", "Milestone", "Owner", "Last Update", "Notes")


class DataTableApp(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield DataTable(id="tasks", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(
            (
                task.id,
                f"{task.progress}%",
                task.status,
                display_text(task.title),
                display_text(task.milestone),
                display_text(task.owner),
                task.last_update.isoformat() if task.last_update else "",
                display_text(task.notes),
            )
            for task in self.store.tasks()
        )
        table.focus()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    with Store.open(args.db, read_only=True) as store:
        DataTableApp(store).run()


if __name__ == "__main__":
    main()
