"""``tracker-tui standup`` (the dashboard, opened on the Stand-up screen) and
``tracker-tui report`` (the stand-up summary to post: markdown, text or JSON)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_tui.commands.dashboard import cmd_dashboard
from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import rich_console, say, write_stdout

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

#: The dashboard's mode (screen) for the stand-up.
STANDUP_MODE = "standup"


def cmd_standup(args: argparse.Namespace) -> int:
    """Open the dashboard on the Stand-up screen, since ``--since`` (checked first: a bad
    one is one line and exit 1, before Textual starts)."""
    # Checked on the dashboard's own store, not one opened before it (issue 13: a second
    # open and the Since view's modules cost the first frame ~50 ms); only the light
    # baseline module is imported here.
    from tracker_tui.standup.baseline import baseline_for

    def refusals(store: Store) -> None:
        require_tracker(store)
        baseline_for(store, args.since)

    return cmd_dashboard(args, mode=STANDUP_MODE, since=args.since, refusals=refusals)


def cmd_report(args: argparse.Namespace) -> int:
    """Print the stand-up report (``--format md|text|json``), or write it to ``-o FILE``."""
    from tracker_tui.config import load_settings
    from tracker_tui.export_files import write_atomically
    from tracker_tui.standup.baseline import local_zone
    from tracker_tui.standup.reading import read_since, tracker_name
    from tracker_tui.standup.report import render

    settings = load_settings()
    with open_store(args, read_only=True) as store:
        require_tracker(store)
        view = read_since(
            store,
            args.since,
            stale_days=settings.stale_days,
            forecast_window_days=settings.forecast_window_days,
        )
        title = store.tracker_info().title
        name = tracker_name(store)
    text = render(view, title, args.format, ascii=args.ascii, tz=local_zone(), name=name)
    if args.output and args.output != "-":
        path = write_atomically(Path(args.output), text)
        say(rich_console(stderr=True), f"Wrote the stand-up report to {path}")
    else:
        write_stdout(text)
    return 0
