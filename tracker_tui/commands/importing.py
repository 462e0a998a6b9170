"""``tracker-tui import``: load a markdown tracker into the store."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_tui.commands.opening import open_store
from tracker_tui.commands.output import print_error, print_json, rich_console, say

if TYPE_CHECKING:
    from tracker_tui.document import Document

# Labels for the import summary; the store's count keys may be singular or plural.
_COUNT_LABELS = {
    "task": ("task", "tasks"),
    "risk": ("risk", "risks"),
    "decision": ("decision", "decisions"),
    "activity": ("activity entry", "activity entries"),
    "checkpoint": ("checkpoint", "checkpoints"),
    "cadence": ("cadence item", "cadence items"),
    "metric": ("metric", "metrics"),
}


def read_tracker_file(path: Path) -> Document:
    """Parse a markdown tracker file.

    Raises:
        TrackerError: one line, naming the file: missing, a directory, too large,
            unreadable, binary, not UTF-8, empty, or not a tracker.
    """
    from tracker_tui.markdown import read_document

    return read_document(path)


def describe_counts(counts: Mapping[str, int]) -> str:
    """``{"task": 7, "risks": 5}`` → ``7 tasks, 5 risks`` (the keys may be plural)."""
    parts = []
    for key, number in counts.items():
        labels = _COUNT_LABELS.get(key) or _COUNT_LABELS.get(key.removesuffix("s"))
        if labels is None:
            parts.append(f"{key.replace('_', ' ')}: {number}")
        else:
            parts.append(f"{number} {labels[0] if number == 1 else labels[1]}")
    return ", ".join(parts)


def cmd_import(args: argparse.Namespace) -> int:
    """Load ``FILE`` into the store and say what was loaded.

    The file is parsed in full before the store is opened, so a file that is not a
    tracker changes nothing. It becomes a new tracker, named after its title (or
    ``--name``); a tracker of that name is only replaced with ``--replace`` (the store
    refuses otherwise). Other trackers are never touched. An ID that a task and a risk share is
    warned about on stderr, one line each.
    """
    from tracker_tui.rules import shared_ids

    document = read_tracker_file(Path(args.file))
    with open_store(args) as store:
        counts = store.import_document(document, replace=args.replace, name=args.name)
        title = store.tracker_info().title
        tracker = store.tracker()
        name = tracker.name if tracker is not None else title
        where = store.target.describe()
    # Imported all the same (the document is the user's), but said, one line each:
    # `set ID` cannot guess which of the two is meant.
    clashes = shared_ids((t.id for t in document.tasks), (r.id for r in document.risks))
    for shared in clashes:
        print_error(
            f"warning: {shared} is both a task and a risk: "
            f"'tracker-tui set {shared}' needs --task or --risk"
        )
    if args.format == "json":
        print_json({"store": where, "tracker": name, "title": title, "counts": dict(counts)})
        return 0
    console = rich_console()
    say(console, "Imported ", (name or args.file, "bold"), f" into {where}")
    if counts:
        say(console, "  ", describe_counts(counts))
    return 0
