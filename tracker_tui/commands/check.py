"""``tracker-tui check``: integrity, schema version and counts of the store, and who can
write its files (the sharing section: what would leave a lead unable to save, and the fix)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import print_json, rich_console, rich_text, say
from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from rich.text import Text

    from tracker_tui.store.permissions import Sharing


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


def _sharing(args: argparse.Namespace) -> Sharing | None:
    """Who can write the store's files (None for a store on a database server)."""
    from tracker_tui.store import resolve_target
    from tracker_tui.store.permissions import sharing

    path = resolve_target(args.db).path
    return sharing(path) if path is not None and path.exists() else None


def _sharing_lines(report: Sharing) -> list[Text]:
    """The sharing section: one line per file (owner:group, mode, who can write it),
    then each problem, then the command that fixes them."""
    members = f" ({', '.join(report.members)})" if report.members else ""
    lines = [rich_text(("sharing: ", "bold"), f"group {report.group}{members}")]
    width = max(len(str(state.path)) for state in report.files)
    owners = max(len(f"{state.owner}:{state.group}") for state in report.files)
    for state in report.files:
        if not state.exists:
            lines.append(rich_text(f"  {state.path!s:<{width}}  (none yet)"))
            continue
        writers = ", ".join(state.writers()) or "nobody but root"
        owner = f"{state.owner}:{state.group}"
        lines.append(
            rich_text(
                f"  {state.path!s:<{width}}  {owner:<{owners}}  "
                f"{state.mode_text:>4}  writable by {writers}"
            )
        )
    # Its problems are listed with the store's, at the top.
    if report.fix:
        lines.append(rich_text(("  fix: ", "bold"), report.fix))
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    """Report on the store without writing to it: integrity, schema version, counts.

    A store that will not open is reported on, not refused; an empty one is refused.

    Returns:
        1 when the store is damaged or unreadable (so scripts can test it), else 0.
    """
    report = _check_report(args)
    damaged = _is_damaged(report)
    sharing = _sharing(args)
    if sharing is not None and not sharing.ok:
        # The summary's verdict is the exit status's: a store that is sound but that a
        # member of its group cannot save to is not "ok".
        problems = [*report.get("problems", []), *sharing.problems]
        report = {**report, "ok": False, "problems": problems}
    if args.format == "json":
        print_json({**report, "sharing": sharing.as_dict()} if sharing else report)
    else:
        console = rich_console()
        for line in _report_lines(report):
            console.print(line, soft_wrap=True)
        if sharing is not None:
            for line in _sharing_lines(sharing):
                console.print(line, soft_wrap=True)
        if damaged:
            say(console, ("The store is damaged or unreadable.", "bold red"))
        elif sharing is not None and not sharing.ok:
            say(console, ("Some members of the group cannot save: run the fix above.", "bold red"))
    return 1 if damaged or (sharing is not None and not sharing.ok) else 0
