"""Opening the store the common options name (``--db``, ``--as``, ``--read-only``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from tracker_tui.store import Store


def open_store(
    args: argparse.Namespace, *, read_only: bool | None = None, verify: bool = True
) -> Store:
    """The store ``--db`` names, opened as the user ``--as`` names.

    Args:
        args: the parsed command line.
        read_only: overrides ``--read-only``; commands that only read pass True.
        verify: False skips the open's page check (the caller runs it itself).

    Raises:
        TrackerError: the store cannot be opened (damaged, not ours, newer...).
    """
    # Imported here: the store's import is the heaviest thing a command pays for.
    from tracker_tui.store import Store, current_user

    store = Store.open(
        args.db,
        user=current_user(args.as_name),
        read_only=args.read_only if read_only is None else read_only,
        verify=verify,
        tracker=getattr(args, "tracker", None),
    )
    if getattr(args, "tracker", None) is not None:
        try:
            # Matched now: a wrong name is one line listing the names, before anything.
            store.tracker()
            # Named by hand: it becomes the one a later command without --tracker uses.
            if not store.read_only:
                store.remember_opened()
        except BaseException:
            store.close()
            raise
    return store


def require_tracker(store: Store) -> None:
    """Refuse to work on a store that holds nothing: most likely a mistyped ``--db``.

    Raises:
        TrackerError: the store holds no tracker; the message says how to get one.
    """
    if not store.exists:
        raise TrackerError(
            f"no tracker in {store.target.describe()} yet: import one with "
            "'tracker-tui import FILE', or try 'tracker-tui demo'"
        )
