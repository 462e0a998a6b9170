"""The commands about a store's trackers: ``trackers`` (the list, with counts),
``rename``, ``delete`` and ``copy`` (every tracker into another store)."""

from __future__ import annotations

import argparse

from tracker_tui.commands.opening import open_store
from tracker_tui.commands.output import print_json, rich_console, say
from tracker_tui.domain import TrackerError
from tracker_tui.portfolio import match_tracker


def cmd_trackers(args: argparse.Namespace) -> int:
    """List the store's trackers with how many rows of each kind they hold."""
    from rich.table import Table

    with open_store(args, read_only=True) as store:
        listed = store.tracker_counts()
        where = store.target.describe()
    if args.format == "json":
        print_json(
            {
                "store": where,
                "trackers": [
                    {
                        "name": item.tracker.name,
                        "title": item.tracker.title,
                        "revision": item.tracker.revision,
                        "counts": item.counts,
                    }
                    for item in listed
                ],
            }
        )
        return 0
    console = rich_console()
    if not listed:
        say(console, f"No tracker in {where} yet: import one with 'tracker-tui import FILE'")
        return 0
    table = Table(box=None, header_style="bold")
    for heading in ("Tracker", "Tasks", "Risks", "Decisions", "Activity", "Checkpoints"):
        table.add_column(heading, justify="left" if heading == "Tracker" else "right")
    for item in listed:
        counts = item.counts
        table.add_row(
            item.tracker.name,
            *(
                str(counts.get(key, 0))
                for key in ("task", "risk", "decision", "activity", "checkpoint")
            ),
            # User text: never read as markup.
        )
    console.print(table, markup=False)
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    """Rename the tracker ``NAME`` (a unique prefix will do) to ``NEW``."""
    with open_store(args) as store:
        old = store.use_tracker(args.name)
        new = store.rename_tracker(" ".join(args.new))
    say(rich_console(), "Renamed ", (old.name, "bold"), " to ", (new.name, "bold"))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete the tracker ``NAME`` (its whole name: no prefix) with its history; only
    with ``--yes``."""
    with open_store(args) as store:
        tracker = match_tracker(store.trackers(), args.name)
        if tracker.name.casefold() != args.name.strip().casefold():
            raise TrackerError(
                f'delete needs the tracker\'s whole name: "{tracker.name}" (nothing deleted)'
            )
        if not args.yes:
            raise TrackerError(
                f'deleting "{tracker.name}" removes its rows, history and undo for good; '
                "add --yes to do it (nothing deleted)"
            )
        store.use_tracker(tracker)
        counts = store.delete_tracker()
    say(
        rich_console(),
        "Deleted ",
        (tracker.name, "bold"),
        f" ({counts.get('task', 0)} tasks, {counts.get('change', 0)} history rows)",
    )
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy every tracker of the store into ``--to``, in one transaction."""
    from tracker_tui.store import Store, current_user
    from tracker_tui.store.copying import copy_store

    with open_store(args) as source, Store.open(args.to, user=current_user(args.as_name)) as target:
        counts = copy_store(source, target, replace=args.replace)
        where = target.target.describe()
        source_where = source.target.describe()
    if args.format == "json":
        print_json({"from": source_where, "to": where, "counts": counts})
        return 0
    console = rich_console()
    say(console, f"Copied {counts.get('trackers', 0)} tracker(s) from {source_where} to {where}")
    shown = ("trackers", "task", "risk", "decision", "activity", "checkpoint", "change")
    say(console, "  " + ", ".join(f"{name}: {counts.get(name, 0)}" for name in shown))
    say(console, "  counts checked: the target holds exactly what the source held")
    return 0
