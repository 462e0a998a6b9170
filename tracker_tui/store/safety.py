"""Opening a store safely: refuse what is not ours, detect damage, read WAL stores read-only.

Everything here uses the standard library's ``sqlite3`` only, and never writes to a file it
has not recognised as a tracker store of a version it understands: a text file, another
application's database, a zero-byte file, a damaged store or a newer store are all refused
with a one-line message and left exactly as they were.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_tui.domain import TrackerError
from tracker_tui.store.reader import SqliteConnection

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

SCHEMA_VERSION = 1
APPLICATION = "tracker-tui"
SQLITE_HEADER = b"SQLite format 3\x00"
RECOVERY_HINT = (
    "restore the latest tracker.db.bak-* copy, or re-import your last exported markdown "
    "with `tracker-tui import FILE --replace` into a new --db"
)


def open_sqlite_reader(path: Path, read_only: bool) -> SqliteConnection:
    """A reading connection to ``path``.

    A user who may only read the file (a ``0644`` store of another lead) cannot create the
    WAL's ``-shm`` index. SQLite can still read a WAL store read-only when the ``-shm``
    and ``-wal`` files exist (a writer has it open); when they do not, no writer is active
    and the main file holds every commit, so it is read as immutable until a writer
    appears (see ``SqliteConnection``).
    """
    try:
        connection = SqliteConnection(path, read_only=read_only)
        connection.fetchall("SELECT COUNT(*) FROM sqlite_master")
        return connection
    except sqlite3.DatabaseError as error:
        if read_only and "unable to open" in str(error).lower():
            return SqliteConnection(path, read_only=True, immutable=True)
        raise TrackerError(_describe_open_error(path, error)) from None


def _describe_open_error(path: Path, error: sqlite3.DatabaseError) -> str:
    message = str(error).lower()
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return f"{path} is damaged or not a tracker store; run `tracker-tui check --db {path}`"
    if "unable to open" in message:
        return f"cannot open {path}: check its folder's permissions"
    return f"cannot read {path}: {str(error).splitlines()[0]}"


def sniff_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database at all, without opening it with SQLite."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise TrackerError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise TrackerError(f"cannot read {path}: {error.strerror}") from None
    if not header:
        raise TrackerError(f"{path} is an empty file, not a tracker store; it was left untouched")
    if header != SQLITE_HEADER:
        raise TrackerError(
            f"{path} is not a tracker store (not an SQLite database); it was left untouched"
        )


def check_compatible(store: Store) -> None:
    """Refuse a foreign, damaged or newer store; upgrade an older one (after a backup)."""
    path = store.target.path
    if path is None or not path.exists():
        return
    sniff_file(path)
    reader = store._read()
    assert reader is not None
    try:
        tables = {
            row[0]
            for row in reader.connection.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        if not tables:
            return  # an empty SQLite file: the first write creates the schema
        if "meta" not in tables:
            raise TrackerError(
                f"{path} is another application's SQLite database, not a tracker store; "
                "it was left untouched"
            )
        application = reader.meta("application")
        version = int(reader.meta("schema_version") or 0)
    except sqlite3.DatabaseError as error:
        raise TrackerError(_describe_open_error(path, error)) from None
    if application != APPLICATION:
        raise TrackerError(
            f"{path} is another application's SQLite database, not a tracker store; "
            "it was left untouched"
        )
    if version > SCHEMA_VERSION:
        raise TrackerError(
            f"{path} was written by a newer tracker-tui (schema {version}; this one reads up "
            f"to {SCHEMA_VERSION}); upgrade tracker-tui to open it. The store is untouched."
        )
    if version < SCHEMA_VERSION:
        if store.read_only:
            raise TrackerError(
                f"{path} needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                "which only a user who can write it can do"
            )
        store._write()  # migrates, after writing a backup copy next to the store


def check_store(store: Store) -> dict[str, Any]:
    """Integrity, schema version and counts; ``ok`` is False when something is wrong."""
    report: dict[str, Any] = {"store": store.target.describe(), "ok": True, "problems": []}
    path = store.target.path
    if path is not None and not path.exists():
        report.update(ok=True, exists=False, schema_version=None, counts={})
        return report
    reader = store._read()
    if reader is None:
        return report
    try:
        if isinstance(reader.connection, SqliteConnection):
            rows = reader.connection.fetchall("PRAGMA integrity_check")
            integrity = [row[0] for row in rows]
            report["integrity"] = "ok" if integrity == ["ok"] else integrity[:20]
            report["journal_mode"] = reader.connection.fetchall("PRAGMA journal_mode")[0][0]
            foreign = reader.connection.fetchall("PRAGMA foreign_key_check")
            if foreign:
                report["problems"].append(f"{len(foreign)} rows break foreign keys")
            if integrity != ["ok"]:
                report["problems"].append("the database file is damaged (integrity_check)")
        report["schema_version"] = int(reader.meta("schema_version") or 0)
        report["revision"] = reader.revision()
        report["counts"] = reader.counts()
        report["read_only"] = store.read_only
    except sqlite3.DatabaseError as error:
        report["problems"].append(f"cannot read the store: {str(error).splitlines()[0]}")
    if report["problems"]:
        report["ok"] = False
        report["recovery"] = RECOVERY_HINT
    return report
