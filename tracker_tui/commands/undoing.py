"""``tracker-tui undo`` and ``tracker-tui redo``: the dashboard's ``u`` and ``ctrl+r``.

Both go through ``Store.undo``/``Store.redo``, so they undo exactly what the key would:
the last change of the user ``--as`` (or ``TRACKER_TUI_USER``) names, from the history.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tracker_tui.commands.history import row_summary, short_value
from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import print_json, rich_console, say
from tracker_tui.domain import ConflictError, NothingToReplayError, TrackerError

if TYPE_CHECKING:
    from tracker_tui.domain import Change
    from tracker_tui.store.store import Replayed

#: Bookkeeping the store keeps beside a status (the document's spelling): not news.
_UNSHOWN_FIELDS = frozenset({"status_text"})


def _one_line(value: str | None) -> str:
    return short_value(" ".join(value.split()) if value else value)


def _what(change: Change) -> str:
    """``UT-003`` for a task or risk (its ID says which), else the kind of row."""
    if change.entity in ("task", "risk"):
        return change.id
    return "the tracker" if change.entity == "tracker" else change.entity


def _describe(change: Change, arrow: str) -> str:
    if change.field == "*" and change.new is None:
        return f"removed ({_one_line(row_summary(change.old))})"
    if change.field == "*":
        return f"back ({_one_line(row_summary(change.new))})"
    old, new = _one_line(change.old), _one_line(change.new)
    if change.field == "progress":
        old, new = f"{old}%", f"{new}%"
    return f"{change.field.replace('_', ' ')} {old}{arrow}{new}"


def replay_line(action: str, replayed: Replayed, *, ascii: bool = False) -> str:
    """What an undo or redo did, on one line:
    ``Undone: UT-002 progress 40% → 30%, last update 2024-06-05 → 2024-05-20``."""
    arrow = " -> " if ascii else " → "
    grouped: dict[str, list[str]] = {}
    for change in replayed:
        if change.field not in _UNSHOWN_FIELDS:
            grouped.setdefault(_what(change), []).append(_describe(change, arrow))
    parts = [f"{what} {', '.join(described)}" for what, described in grouped.items()]
    label = "Undone" if action == "undo" else "Redone"
    line = f"{label}: {'; '.join(parts)}" if parts else f"{label}: nothing left to put back"
    return f"{line}; {replayed.message}" if replayed.message else line


def _replay(args: argparse.Namespace, action: str) -> int:
    from tracker_tui.export_formats import change_dict

    with open_store(args) as store:
        require_tracker(store)
        try:
            replayed = (
                store.undo(force=args.force) if action == "undo" else store.redo(force=args.force)
            )
        except ConflictError as error:
            current = error.current
            what = getattr(current, "id", None) or "that row"
            who = getattr(current, "updated_by", "") or "someone"
            raise TrackerError(
                f"{what} was changed by {who} since your change; "
                f"'tracker-tui {action} --force' overwrites their change"
            ) from None
        except NothingToReplayError:
            raise TrackerError(f"nothing to {action} for {store.user}") from None
        user = store.user
    if args.format == "json":
        print_json(
            {
                "action": action,
                "user": user,
                "changes": [change_dict(change) for change in replayed],
                "skipped": [change_dict(change) for change in replayed.skipped],
            }
        )
    else:
        say(rich_console(), replay_line(action, replayed, ascii=args.ascii))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    """Undo the user's last change not yet undone, and say what it put back.

    Raises:
        TrackerError: nothing to undo, or someone else has changed the same field since
            (``--force`` overwrites theirs).
    """
    return _replay(args, "undo")


def cmd_redo(args: argparse.Namespace) -> int:
    """Redo the user's last undone change, and say what it put back (as ``cmd_undo``)."""
    return _replay(args, "redo")
