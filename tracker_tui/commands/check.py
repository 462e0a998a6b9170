"""``tracker-tui check``: integrity, schema version and counts of the store."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import print_json, rich_console, rich_text, say
from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from rich.text import Text


def _is_damaged(report: Mapping[str, Any]) -> bool:
    """Whether ``Store.check()``'s report says the store is damaged."""
    if report.get("ok") is False or report.get("damaged"):
        return True
    integrity = report.get("integrity")
    # A server engine (PostgreSQL) checks its own pages: "not applicable" is not damage.
    return (
        isinstance(integrity, str)
        and integrity.lower() != "ok"
        and not integrity.lower().startswith("not applicable")
    )


def _report_lines(report: Mapping[str, Any], indent: str = "") -> list[Text]:
    """The report as ``label: value`` lines; nested mappings and lists indented below."""
    lines = []
    for key, value in report.items():
        label = key.replace("_", " ")
        if isinstance(value, Mapping):
            lines.append(rich_text((f"{indent}{label}", "bold")))
            lines.extend(_report_lines(value, indent + "  "))
        elif isinstance(value, list | tuple):
            count = str(len(value)) if value else "none"
            lines.append(rich_text((f"{indent}{label}: ", "bold"), count))
            lines.extend(rich_text(f"{indent}  - {item}") for item in value)
        else:
            lines.append(rich_text((f"{indent}{label}: ", "bold"), str(value)))
    return lines


def _check_report(args: argparse.Namespace) -> dict[str, Any]:
    """``Store.check()``'s report, or a failing one when the store will not even open
    (damaged, foreign, newer): ``check`` must report on exactly those stores.

    Raises:
        TrackerError: ``--db`` names a directory: a wrong path, not a damaged store, so
            one line saying so rather than a report that suggests restoring a backup.
    """
    from tracker_tui.store import resolve_target

    path = resolve_target(args.db).path
    if path is not None and path.is_dir():
        raise TrackerError(
            f"{path} is a directory, not a tracker store: give the store's file "
            f"(e.g. --db {path / 'tracker.db'})"
        )
    try:
        store = open_store(args, read_only=True)
    except TrackerError as error:
        from tracker_tui.store.safety import RECOVERY_HINT

        where = resolve_target(args.db).describe()
        return {"store": where, "ok": False, "problems": [str(error)], "recovery": RECOVERY_HINT}
    with store:
        require_tracker(store)
        report = store.check()
    # We open read-only so that check never writes (not even a migration): the report's
    # read_only flag would describe that choice, not the store.
    report.pop("read_only", None)
    return report


def cmd_check(args: argparse.Namespace) -> int:
    """Report on the store without writing to it: integrity, schema version, counts.

    A store that will not open is reported on, not refused; an empty one is refused.

    Returns:
        1 when the store is damaged or unreadable (so scripts can test it), else 0.
    """
    report = _check_report(args)
    damaged = _is_damaged(report)
    if args.format == "json":
        print_json(report)
    else:
        console = rich_console()
        for line in _report_lines(report):
            console.print(line, soft_wrap=True)
        if damaged:
            say(console, ("The store is damaged or unreadable.", "bold red"))
    return 1 if damaged else 0
