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
    from tracker_tui.markdown.options import ReadOptions
    from tracker_tui.markdown.report import Reading

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


def read_tracker_file(path: Path, options: ReadOptions | None = None) -> Document:
    """Parse a markdown tracker file.

    Raises:
        TrackerError: one line, naming the file: missing, a directory, too large,
            unreadable, binary, not UTF-8, empty, or not a tracker.
    """
    from tracker_tui.markdown import read_document

    return read_document(path, options)


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
    from tracker_tui.markdown.options import ReadOptions, UsageError, fields_help
    from tracker_tui.rules import shared_ids

    try:
        options = ReadOptions.from_args(args.kind, args.map)
    except UsageError as error:
        print_error(str(error))
        return 2
    if args.dry_run:
        return _dry_run(args, options)
    if options.empty and args.replace:
        options = _recorded_options(args, Path(args.file))
    document = read_tracker_file(Path(args.file), options)
    unknown = _unknown_headers(options, document_headers(Path(args.file), options))
    if unknown:
        print_error(f"{unknown}; valid fields: {fields_help()}")
        return 2
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


def _recorded_options(args: argparse.Namespace, path: Path) -> ReadOptions:
    """The ``--map``/``--kind`` the tracker this import replaces was imported with: a
    re-import (``--replace``) without its own reads the document the same way."""
    from tracker_tui.markdown.options import ReadOptions

    document, _ = _reading(path, ReadOptions())
    name = (args.name or document.tracker.title).casefold()
    with open_store(args, read_only=True) as store:
        for tracker in store.trackers():
            if tracker.name.casefold() == name:
                recorded = store.for_tracker(tracker).export_document().read_options
                return ReadOptions.from_json(recorded)
    return ReadOptions()


def document_headers(path: Path, options: ReadOptions) -> set[str]:
    """Every column header and record label of the document, normalised."""
    from tracker_tui.markdown.synonyms import normalise_header

    _, reading = _reading(path, options)
    return {normalise_header(header) for found in reading.found for header, _ in found.headers}


def _reading(path: Path, options: ReadOptions) -> tuple[Document, Reading]:
    from tracker_tui.markdown.parse import read_file

    return read_file(path, options)


def _unknown_headers(options: ReadOptions, headers: set[str]) -> str:
    for mapping in options.mappings:
        if mapping.header not in headers:
            return (
                f"--map {mapping.written!r}: no column or label {mapping.header!r} in the document"
            )
    return ""


def _dry_run(args: argparse.Namespace, options: ReadOptions) -> int:
    """``import --dry-run``: what would be read, and how; changes nothing. Exit 1 when
    the import would be refused."""
    from tracker_tui.markdown.options import fields_help
    from tracker_tui.markdown.parse import refusal, understood

    path = Path(args.file)
    document, reading = _reading(path, options)
    headers = {h for found in reading.found for h, _ in found.headers}
    from tracker_tui.markdown.synonyms import normalise_header

    unknown = _unknown_headers(options, {normalise_header(h) for h in headers})
    if unknown:
        print_error(f"{unknown}; valid fields: {fields_help()}")
        return 2
    ok = understood(document)
    if args.format == "json":
        print_json({"file": str(path), "would_import": ok, **reading.as_json()})
    else:
        _print_reading(path, reading)
    if not ok:
        print_error(f"{path}: {refusal(reading)}")
        return 1
    return 0


def _print_reading(path: Path, reading: Reading) -> None:
    console = rich_console()
    say(console, "Dry run of ", (str(path), "bold"), ": nothing was changed")
    for found in reading.found:
        what = f"{found.kind} ({found.items})" if found.kind else "kept as text"
        say(
            console,
            f"  lines {found.first_line}-{found.last_line}  {found.layout}: ",
            (what, "bold"),
        )
        if found.rule and found.kind:
            say(console, f"    read as {found.kind}s: {found.rule}")
        for header, field in found.headers:
            say(console, f"    {header} -> {field}")
        if found.note:
            say(console, f"    {found.note}")
    if reading.statuses:
        say(console, "  statuses:")
        for kind, written, read in reading.statuses:
            say(console, f"    {kind} {written!r} -> {read}")
    if reading.text_sections:
        say(console, "  sections kept as plain text:")
        for line, heading in reading.text_sections:
            say(console, f"    line {line}: {heading}")
    counts = reading.counts()
    say(console, "  would import: ", describe_counts(counts) if counts else "nothing")
