"""Opening a store safely: refuse what is not ours, detect damage, read WAL stores read-only.

Everything here uses the standard library's ``sqlite3`` only, and never writes to a file it
has not recognised as a tracker store of a version it understands: a text file, another
application's database, a zero-byte file, a damaged store or a newer store are all refused
with a one-line message and left exactly as they were (the reading connection is opened
``mode=ro``, so it cannot write the main file at all).

A store on a database server (PostgreSQL) gets the same refusals from plain reads through
the store's reader (``_check_server``): another application's tables, a newer schema; an
empty database gets the schema, and a role that may only read opens read-only. There are
no pages to check (``PRAGMA quick_check``): the server keeps its own files.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker_tui.domain import TrackerError
from tracker_tui.store import rows
from tracker_tui.store.connections import (
    MissingTableError,
    SqlAlchemyConnection,
    SqliteConnection,
)
from tracker_tui.store.reader import Reader
from tracker_tui.store.rows import APPLICATION
from tracker_tui.store.target import StoreTarget

# ``rows.SCHEMA_VERSION`` is read at call time here (never imported by value), so that a
# test can pretend to be a newer release.

SQLITE_HEADER = b"SQLite format 3\x00"
RECOVERY_HINT = (
    "restore the latest tracker.db.bak-* copy, or re-import your last exported markdown "
    "with `tracker-tui import FILE` into a new --db"
)

SERVER_RECOVERY_HINT = (
    "restore the database from your latest pg_dump backup, or re-import your last exported "
    "markdown with `tracker-tui import FILE` into a new, empty database"
)


def open_sqlite_reader(path: Path, read_only: bool) -> SqliteConnection:
    """A reading connection to ``path`` (see ``SqliteConnection`` for read-only WAL).

    Raises:
        TrackerError: the file cannot be opened or is not an SQLite database.
    """
    try:
        return SqliteConnection(path, read_only=read_only)
    except sqlite3.DatabaseError as error:
        raise TrackerError(_describe_open_error(path, error)) from None


def _describe_open_error(path: Path, error: sqlite3.DatabaseError) -> str:
    message = str(error).lower()
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return f"{path} is damaged or not a tracker store; it was left untouched. {RECOVERY_HINT}"
    if "unable to open" in message:
        return f"cannot open {path}: check the file's and its folder's permissions"
    return f"cannot read {path}: {(str(error).splitlines() or ['unknown error'])[0]}"


def sniff_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database at all, without opening it with SQLite."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise TrackerError(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise TrackerError(f"cannot read {path}: {error.strerror}") from None
    if not header:
        raise TrackerError(f"{path} is an empty file, not a tracker store; it was left untouched")
    if not header.startswith(SQLITE_HEADER):
        raise TrackerError(
            f"{path} is not a tracker store (not an SQLite database); it was left untouched"
        )


def _probe(path: Path) -> SqliteConnection:
    """A throwaway connection for the opening checks that creates no file next to
    ``path``: without a ``-wal`` no writer is active and the main file holds every commit,
    so it is read ``immutable`` (no ``-shm``, no locks); with one, ``mode=ro``."""
    wal = path.with_name(path.name + "-wal")
    return SqliteConnection(path, read_only=True, immutable=not wal.exists())


def _meta(probe: SqliteConnection, key: str) -> str | None:
    found = probe.fetchall("SELECT value FROM meta WHERE key = :key", {"key": key})
    return found[0][0] if found else None


def _quick_check(path: Path, probe: SqliteConnection) -> list[str]:
    """SQLite's ``quick_check``: every page of every table and index is read and its
    structure verified (not index-to-table agreement, which ``integrity_check`` adds).
    About 2 ms per MB; worth it so that a damaged store fails at open with a clear
    message rather than half-way through a screen."""
    problems = [row[0] for row in probe.fetchall("PRAGMA quick_check(20)")]
    if problems != ["ok"] and probe.immutable:
        # A writer may have started (and checkpointed) under the immutable read: look
        # again through the WAL before calling the store damaged.
        again = SqliteConnection(path, read_only=True)
        try:
            problems = [row[0] for row in again.fetchall("PRAGMA quick_check(20)")]
        finally:
            again.close()
    return problems


def _damage_message(path: Path, problems: list[str]) -> str:
    return f"{path} is damaged ({problems[0]}); it was left untouched. {RECOVERY_HINT}"


class BackgroundCheck:
    """``quick_check`` of a store on a thread of its own, for a caller that has other
    work to do before it needs the answer (the dashboard imports Textual meanwhile).

    SQLite releases the GIL while it reads the pages, so on a machine with two cores the
    check costs the caller nothing; ``wait()`` joins it and refuses a damaged store with
    the same one-line message as ``Store.open(verify=True)``.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        if path is not None and path.exists():
            self._thread = threading.Thread(
                target=self._run, name="tracker-tui-quick-check", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        assert self.path is not None
        try:
            probe = _probe(self.path)
            try:
                problems = _quick_check(self.path, probe)
            finally:
                probe.close()
        except sqlite3.DatabaseError as error:
            self._error = _describe_open_error(self.path, error)
            return
        except Exception as error:  # reported by wait(), on the caller's thread
            first = (str(error).splitlines() or [type(error).__name__])[0]
            self._error = f"cannot check {self.path}: {first}"
            return
        if problems != ["ok"]:
            self._error = _damage_message(self.path, problems)

    def wait(self, *, raise_errors: bool = True) -> None:
        """Wait for the check to finish.

        Raises:
            TrackerError: the store is damaged (unless ``raise_errors`` is False).
        """
        if self._thread is not None:
            self._thread.join()
        if raise_errors and self._error is not None:
            raise TrackerError(self._error)


@dataclass(frozen=True, slots=True)
class Opening:
    """What the opening checks found that the caller must act on."""

    #: The user may only read this store (a role without write rights on a server).
    read_only: bool = False
    #: The store needs its write path now: an upgrade (after a backup), or the schema
    #: of an empty server database.
    needs_writer: bool = False


def check_compatible(
    target: StoreTarget, *, read_only: bool, verify: bool = True, reader: Reader | None = None
) -> Opening:
    """Refuse a foreign, damaged or newer store; say whether it needs an upgrade (or,
    on a server, its schema) and whether it can only be read.

    Args:
        target: the store being opened.
        read_only: it is being opened read-only.
        verify: also read every page (``quick_check``) and refuse a damaged store.
        reader: the store's reader (a server store's is needed; a SQLite file is
            probed on its own, without creating anything next to it).
    """
    if not target.is_sqlite:
        assert reader is not None, "a server store is checked through its reader"
        return _check_server(target.describe(), reader, read_only=read_only)
    path = target.path
    if path is None or not path.exists():
        return Opening()
    sniff_file(path)
    try:
        probe = _probe(path)
    except sqlite3.DatabaseError as error:
        raise TrackerError(_describe_open_error(path, error)) from None
    try:
        version = _check_probe(path, probe, verify=verify)
    except sqlite3.DatabaseError as error:
        raise TrackerError(_describe_open_error(path, error)) from None
    finally:
        probe.close()
    if version is not None and version < rows.SCHEMA_VERSION:
        if read_only:
            raise TrackerError(_upgrade_first(path, version))
        return Opening(needs_writer=True)  # migrates, after writing a backup copy
    return Opening()


def _upgrade_first(path: Path, version: int) -> str:
    """Why a read-only open of an older store file is refused, and what upgrades it: a
    command that only reads never migrates (it may be run by a viewer, or on a copy)."""
    needs = f"{path} needs an upgrade (schema {version} to {rows.SCHEMA_VERSION})"
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        return (
            f"{needs}: open it once with `tracker-tui` (or any command that edits), which "
            "upgrades it after a .bak copy; this command only reads, so it is untouched"
        )
    return f"{needs}, which only a user who can write it can do; the store is untouched"


def _check_server(where: str, reader: Reader, *, read_only: bool) -> Opening:
    """``check_compatible`` for a store on a database server, through its reader.

    Raises:
        TrackerError: unreachable, login refused, no such database, another application's
            tables, a newer schema, or an empty database the role may not create tables
            in; nothing is written to the database then.
    """
    connection = reader.connection
    assert isinstance(connection, SqlAlchemyConnection)
    tables = set(connection.table_names())
    if not tables:
        # An empty database: the schema is made now, so that the first reads find it,
        # by a login that may create tables; --read-only reads an empty store.
        if read_only:
            return Opening(read_only=True)
        if not connection.can_write(has_schema=False):
            raise TrackerError(
                f"cannot create the tracker's tables in {where}: your database role may "
                "not create tables there (ask for CREATE on the schema, e.g. GRANT CREATE "
                "ON SCHEMA public TO the role), or import with a role that may"
            )
        return Opening(needs_writer=True)
    foreign = (
        f"{where} is another application's database, not a tracker store; it was left untouched"
    )
    if "meta" not in tables or reader.meta("application") != APPLICATION:
        raise TrackerError(foreign)
    version = _readable_version(where, reader.meta("schema_version"))
    if not read_only and not connection.can_write(has_schema=True):
        read_only = True  # the database role may only read: watch, not edit
    if version < rows.SCHEMA_VERSION:
        if read_only:
            raise TrackerError(
                f"{where} needs an upgrade (schema {version} to {rows.SCHEMA_VERSION}), "
                "which only a role that can write it can do; the store is untouched"
            )
        # Upgrades in one transaction (no file to copy: keep pg_dump backups).
        return Opening(needs_writer=True)
    return Opening(read_only=read_only)


def _readable_version(where: object, raw_version: str | None) -> int:
    """The schema version a store's meta table records (none recorded reads as 0).

    Raises:
        TrackerError: unreadable, or newer than this tracker-tui reads.
    """
    try:
        version = int(raw_version or 0)
    except ValueError:
        raise TrackerError(
            f"{where} has an unreadable schema version {raw_version!r}; it was left untouched"
        ) from None
    if version > rows.SCHEMA_VERSION:
        raise TrackerError(
            f"{where} was written by a newer tracker-tui (schema {version}; this one reads "
            f"up to {rows.SCHEMA_VERSION}); upgrade tracker-tui to open it. The store is untouched."
        )
    return version


def _check_probe(path: Path, probe: SqliteConnection, *, verify: bool) -> int | None:
    """The store's schema version, or None for an empty SQLite file (the first write
    creates the schema).

    Raises:
        TrackerError: not a tracker store, newer, or damaged.
    """
    tables = {
        row[0] for row in probe.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not tables:
        return None
    foreign = (
        f"{path} is another application's SQLite database, not a tracker store; "
        "it was left untouched"
    )
    if "meta" not in tables:
        raise TrackerError(foreign)
    if _meta(probe, "application") != APPLICATION:
        raise TrackerError(foreign)
    version = _readable_version(path, _meta(probe, "schema_version"))
    if verify:
        problems = _quick_check(path, probe)
        if problems != ["ok"]:
            raise TrackerError(_damage_message(path, problems))
    return version


def check_store(
    target: StoreTarget, open_reader: Callable[[], Reader | None], *, read_only: bool
) -> dict[str, Any]:
    """Integrity, schema version and counts; ``ok`` is False when something is wrong,
    and then ``problems`` says what and ``recovery`` what to do.

    Args:
        target: the store checked.
        open_reader: its reader, opened on demand (failing to open is a finding).
        read_only: whether it is open read-only (reported).
    """
    report: dict[str, Any] = {"store": target.describe(), "ok": True, "problems": []}
    path = target.path
    if path is not None and not path.exists():
        report.update(exists=False, schema_version=None, counts={})
        return report
    reader: Reader | None
    try:
        reader = open_reader()
    except TrackerError as error:
        reader = None
        report["problems"].append(str(error))
    if reader is not None:
        try:
            if isinstance(reader.connection, SqliteConnection):
                checked = reader.connection.fetchall("PRAGMA integrity_check(50)")
                integrity = [row[0] for row in checked]
                report["integrity"] = "ok" if integrity == ["ok"] else integrity[:20]
                report["journal_mode"] = reader.connection.fetchall("PRAGMA journal_mode")[0][0]
                if integrity != ["ok"]:
                    report["problems"].append("the database file is damaged (integrity_check)")
                foreign = reader.connection.fetchall("PRAGMA foreign_key_check")
                if foreign:
                    report["problems"].append(f"{len(foreign)} rows break foreign keys")
            else:
                # No PRAGMAs on a server: its own tools check its files (amcheck).
                report["engine"] = getattr(reader.connection, "dialect", "server")
                report["integrity"] = "not applicable (checked by the database server)"
            application = reader.meta("application")
            if application != APPLICATION:
                report["problems"].append("not a tracker store (no tracker-tui marker)")
            report["schema_version"] = int(reader.meta("schema_version") or 0)
            if report["schema_version"] > rows.SCHEMA_VERSION:
                report["problems"].append(
                    f"written by a newer tracker-tui (schema {report['schema_version']})"
                )
            report["revision"] = reader.revision()
            report["counts"] = reader.counts()
        except (sqlite3.DatabaseError, ValueError, TrackerError, MissingTableError) as error:
            report["problems"].append(
                f"cannot read the store: {(str(error).splitlines() or ['unknown error'])[0]}"
            )
    report["read_only"] = read_only
    if report["problems"]:
        report["ok"] = False
        report["recovery"] = RECOVERY_HINT if target.is_sqlite else SERVER_RECOVERY_HINT
    return report
