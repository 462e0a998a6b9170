"""Exports as files: what ``tracker-tui export`` and the dashboard's "Export markdown"
command both write, rendered the same way and written the same way (atomically).

No Textual or Rich here: the CLI imports it without the UI, and the app without the CLI.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

#: The longest title part of an export's file name.
SLUG_LENGTH = 40


def render_export(store: Store, export_format: str = "markdown", table: str | None = None) -> str:
    """The whole export as text, read on one snapshot of the store (a write committed
    meanwhile is all in it or not at all); each format imports its own writer, and only it.
    """
    with store.snapshot():
        if export_format == "json":
            from tracker_tui.export_formats import to_json

            return to_json(store)
        if export_format == "csv":
            from tracker_tui.export_formats import to_csv

            return to_csv(store, table or "tasks")
        from tracker_tui.markdown import render_document

        return render_document(store.export_document())


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename, so that a reader (or
    a crash) never sees half a file. An existing file keeps its permissions.

    Returns:
        The path written: the file a symbolic link points at, when ``path`` is one.

    Raises:
        TrackerError: the file cannot be written.
    """
    path = path.expanduser()
    if path.is_symlink():
        path = path.resolve()  # replace the file the link points at, not the link
    if path.is_dir():
        raise TrackerError(f"{path} is a directory")
    folder = path.parent
    if not folder.is_dir():
        raise TrackerError(f"{folder}: no such directory")
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise TrackerError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise TrackerError(f"cannot write {path}: {error.strerror}") from None
        raise
    return path


def export_name(title: str, day: date, number: int = 1) -> str:
    """The file name of a markdown export: ``<title slug>-<day>[-<number>].md``."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:SLUG_LENGTH] or "tracker"
    suffix = f"-{number}" if number > 1 else ""
    return f"{slug}-{day.isoformat()}{suffix}.md"


def export_markdown_into(store: Store, directory: Path, day: date) -> Path:
    """Write the tracker as markdown to a new file in ``directory`` (never over an
    existing one: ``-2``, ``-3``... are added to the name), atomically.

    Raises:
        TrackerError: the store cannot be read or the file cannot be written.
    """
    text = render_export(store, "markdown")
    title = store.tracker_info().title or "tracker"
    number = 1
    path = directory / export_name(title, day)
    while path.exists():
        number += 1
        path = directory / export_name(title, day, number)
    return write_atomically(path, text)


def tracker_file_name(name: str) -> str:
    """The file ``export --all`` writes a tracker to: its name as a slug, ``.md``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:SLUG_LENGTH]
    return f"{slug or 'tracker'}.md"


def export_all(store: Store, directory: Path) -> list[Path]:
    """Write every tracker of ``store`` as markdown into ``directory``, one file each,
    named after the tracker (two names that give one slug get ``-2``, ``-3``...), each
    written atomically. Returns the files written, in the trackers' order.

    Raises:
        TrackerError: the folder does not exist, or a file cannot be written.
    """
    directory = directory.expanduser()
    if not directory.is_dir():
        raise TrackerError(f"{directory}: no such directory (export --all writes into one)")
    written: list[Path] = []
    used: set[str] = set()
    for tracker in store.trackers():
        name = tracker_file_name(tracker.name)
        number = 1
        while name in used:
            number += 1
            name = tracker_file_name(f"{tracker.name}-{number}")
        used.add(name)
        text = render_export(store.for_tracker(tracker), "markdown")
        written.append(write_atomically(directory / name, text))
    return written
