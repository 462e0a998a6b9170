"""``tracker-tui export``: the tracker as markdown, JSON or CSV, on stdout or in a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker_tui.commands import CSV_TABLES
from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import rich_console, say, write_stdout
from tracker_tui.export_files import render_export, write_atomically


def cmd_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Write the tracker in ``--format`` to stdout, verbatim UTF-8, or to ``-o FILE``.

    The store is opened read-only and the whole export is rendered before a byte is
    written, so a failure leaves no half export; ``-o`` replaces the file atomically.
    CSV is one table at a time (``--table``), and ``--table`` goes only with CSV.
    """
    if args.format == "csv" and not args.table:
        parser.error("--format csv needs --table " + "|".join(CSV_TABLES))
    if args.table and args.format != "csv":
        parser.error("--table goes with --format csv")
    if args.all:
        if args.format != "markdown" or not args.output or args.output == "-":
            parser.error("--all writes markdown files into the folder -o DIR names")
        return _export_all(args)
    with open_store(args, read_only=True) as store:
        require_tracker(store)
        text = render_export(store, args.format, args.table)
    if args.output and args.output != "-":
        path = write_atomically(Path(args.output), text)
        # On stderr: stdout stays for data, even when the data went to a file.
        say(rich_console(stderr=True), f"Wrote {args.format} to {path}")
    else:
        write_stdout(text)
    return 0


def _export_all(args: argparse.Namespace) -> int:
    """Every tracker as markdown, one file each in ``-o DIR``, named after it."""
    from tracker_tui.export_files import export_all

    with open_store(args, read_only=True) as store:
        require_tracker(store)
        written = export_all(store, Path(args.output))
    console = rich_console(stderr=True)
    for path in written:
        say(console, f"Wrote {path}")
    return 0
