"""``tracker-tui history``: who changed what, and when."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tracker_tui.commands.opening import open_store
from tracker_tui.commands.output import rich_console, rich_text, say, write_stdout
from tracker_tui.sanitize import display_text

if TYPE_CHECKING:
    from rich.text import Text

    from tracker_tui.domain import Change


def _local_time(at: str) -> str:
    """An ISO UTC timestamp as local ``YYYY-MM-DD HH:MM``; unparseable text as is."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def short_value(value: str | None, limit: int = 40) -> str:
    """A field's value on one line of at most ``limit`` characters; empty as ``-``."""
    if value is None or value == "":
        return "-"
    value = display_text(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def row_summary(value: str | None) -> str:
    """A created or deleted row's JSON as its main text (title, description...)."""
    import json

    try:
        row = json.loads(value or "")
    except ValueError:
        return short_value(value)
    if isinstance(row, dict):
        for key in ("id", "title", "description", "decision", "text", "label"):
            if row.get(key) not in (None, ""):
                return short_value(str(row[key]))
    return short_value(value)


def _change_cells(change: Change, arrow: str) -> tuple[str, str, Text]:
    """What, Field and Change cells of one history row, as people read them."""
    what = change.entity if change.id == change.entity else f"{change.entity} {change.id}"
    if change.field == "*" and change.old is None:
        return what, "created", rich_text(row_summary(change.new))
    if change.field == "*" and change.new is None:
        return what, "deleted", rich_text((row_summary(change.old), "dim"))
    return (
        what,
        change.field,
        rich_text((short_value(change.old), "dim"), arrow, short_value(change.new)),
    )


def cmd_history(args: argparse.Namespace) -> int:
    """Show the store's recorded changes, newest first, at most ``--limit`` of them:
    every change, or only those to ``ID`` (tried as typed, then in upper case).

    Read-only, and works on an empty store (it says no changes are recorded).
    """
    from tracker_tui.export_formats import changes_to_json

    with open_store(args, read_only=True) as store:
        changes = store.history(args.id, limit=args.limit)
        if not changes and args.id and args.id.upper() != args.id:
            changes = store.history(args.id.upper(), limit=args.limit)
    if args.format == "json":
        write_stdout(changes_to_json(changes))
        return 0
    console = rich_console()
    if not changes:
        say(console, "No changes recorded" + (f" for {args.id}." if args.id else "."))
        return 0
    from rich import box
    from rich.table import Table

    arrow = " -> " if args.ascii else " → "
    table = Table(box=box.ASCII if args.ascii else box.SIMPLE_HEAD, show_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("What", no_wrap=True)
    table.add_column("Field", no_wrap=True)
    table.add_column("Change", overflow="fold", ratio=1)
    for change in changes:
        what, field, cell = _change_cells(change, arrow)
        table.add_row(
            _local_time(change.at), rich_text(change.user), rich_text(what), rich_text(field), cell
        )
    console.print(table)
    return 0
