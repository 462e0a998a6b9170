"""``tracker-tui set``, ``log`` and ``title``: the commands that edit the tracker."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker_tui.commands import RISK_OPTIONS, SET_OPTIONS, TASK_OPTIONS
from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import print_error, print_json, rich_console, rich_text, say
from tracker_tui.domain import COMPLETE, NotFoundError, TrackerError

if TYPE_CHECKING:
    from rich.text import Text

    from tracker_tui.domain import Risk, Task
    from tracker_tui.store import Store

TASK_STATUS_STYLES = {
    "Complete": "green",
    "In Progress": "cyan",
    "Blocked": "bold red",
    "At Risk": "yellow",
    "On Hold": "magenta",
    "Not Started": "dim",
}
RISK_STATUS_STYLES = {
    "Open": "red",
    "Monitoring": "yellow",
    "Mitigated": "green",
    "Resolved": "green",
    "Closed": "dim",
}


def _find_entity(store: Store, entity_id: str, kind: str | None) -> Task | Risk:
    """The task or risk with ``entity_id`` (``kind`` says which, when given). IDs are
    tried as typed, then in upper case, since ``ut-003`` is an easy slip.

    Raises:
        NotFoundError: no such task or risk (of ``kind``); says when the other kind has it.
        TrackerError: ``kind`` is None and a task and a risk both have the ID.
    """
    candidates = tuple(dict.fromkeys((entity_id, entity_id.upper())))
    task = next(filter(None, (store.task(c) for c in candidates)), None)
    risk = next(filter(None, (store.risk(c) for c in candidates)), None)
    if kind is None and task is not None and risk is not None:
        raise TrackerError(f"{task.id} is both a task and a risk: add --task or --risk")
    if kind == "task" or (kind is None and task is not None):
        if task is None:
            also = f" ({risk.id} is a risk: use --risk)" if risk is not None else ""
            raise NotFoundError(f"no task with ID {entity_id!r}{also}")
        return task
    if risk is None:
        if kind == "risk" and task is not None:
            raise NotFoundError(f"no risk with ID {entity_id!r} ({task.id} is a task: use --task)")
        raise NotFoundError(f"no {kind or 'task or risk'} with ID {entity_id!r}")
    return risk


def _refuse_options(entity_id: str, kind: str, wrong: list[str], allowed: tuple[str, ...]) -> None:
    if wrong:
        flags = ", ".join(f"--{name}" for name in wrong)
        takes = ", ".join(f"--{name}" for name in allowed)
        raise TrackerError(f"{entity_id} is a {kind}: it has no {flags} (a {kind} takes {takes})")


def _refuse_other_kinds_options(
    kind: str | None, changes: dict[str, str], parser: argparse.ArgumentParser
) -> None:
    """``--risk --progress 40``: an option the named kind does not have is a usage error,
    found before the store is opened."""
    if kind is None:
        return
    allowed = TASK_OPTIONS if kind == "task" else RISK_OPTIONS
    wrong = [name for name in changes if name not in allowed]
    if wrong:
        flags = ", ".join(f"--{name}" for name in wrong)
        other = "risk" if kind == "task" else "task"
        takes = ", ".join(f"--{name}" for name in allowed)
        parser.error(f"{flags} is for a {other}; with --{kind}, set takes {takes}")


def _changed_lines(old: Any, new: Any, fields: tuple[str, ...]) -> list[Text]:
    """One line per changed field other than the ones on the headline."""
    lines = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            lines.append(rich_text(f"  {name}: ", str(after), (f"  (was {before or '-'})", "dim")))
    return lines


def _show_change(
    old: Any,
    new: Any,
    *,
    styles: dict[str, str],
    figure: str,
    shown: Callable[[Any], str],
    details: tuple[str, ...],
    unchanged: bool = False,
) -> None:
    """A headline ``ID  status  figure  (was ...)``, then one line per other changed field.

    ``figure`` is the field beside the status (a task's progress, a risk's impact),
    written by ``shown``; ``details`` are the fields listed below the headline;
    ``unchanged`` notes "(unchanged)" on the headline instead of what it was.
    """
    was = []
    if old.status != new.status:
        was.append(old.status)
    if getattr(old, figure) != getattr(new, figure):
        was.append(shown(getattr(old, figure)))
    note = f"  (was {', '.join(was)})" if was else ""
    if unchanged:
        note = "  (unchanged)"
    console = rich_console()
    say(
        console,
        (new.id, "bold"),
        "  ",
        (new.status, styles.get(new.status, "")),
        f"  {shown(getattr(new, figure))}",
        (note, "dim"),
    )
    for line in _changed_lines(old, new, details):
        console.print(line, soft_wrap=True)


def _show_task(old: Task, new: Task) -> None:
    # An unchanged version means the store wrote nothing (the values given were the ones
    # it held): say so, rather than print a headline that looks like an edit.
    same_headline = old.status == new.status and old.progress == new.progress
    unchanged = old == new or (same_headline and old.version == new.version)
    _show_change(
        old,
        new,
        styles=TASK_STATUS_STYLES,
        figure="progress",
        shown=lambda progress: f"{progress}%",
        details=("owner", "milestone", "title", "notes"),
        unchanged=unchanged,
    )


def _show_risk(old: Risk, new: Risk) -> None:
    _show_change(
        old,
        new,
        styles=RISK_STATUS_STYLES,
        figure="impact",
        shown=lambda impact: f"{impact or '-'} impact",
        details=("owner", "description", "mitigation"),
    )


def _completion_logged() -> bool:
    """Whether completing a task adds "UT-007 completed." to the log, as in the dashboard
    (``complete_adds_activity`` in config.toml; a broken file is warned about, not fatal)."""
    from tracker_tui.config import load_settings

    settings = load_settings()
    for warning in settings.warnings:
        print_error(f"warning: {warning}")
    return settings.complete_adds_activity


def cmd_set(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Change fields of the task or risk ``ID``, and show what changed (and what it was).

    ``ID`` is matched as typed, then in upper case. An ID that a task and a risk share
    needs ``--task`` or ``--risk``. An option the entity does not have (``--impact`` on
    a task) is refused before anything is written; with ``--task``/``--risk``, and with
    no option at all, it is a usage error. Completing a task logs it, as the dashboard
    does, unless config.toml says not to.
    """
    from tracker_tui.domain import Task
    from tracker_tui.export_formats import risk_dict, task_dict

    changes = {name: getattr(args, name) for name in SET_OPTIONS if getattr(args, name) is not None}
    if not changes:
        parser.error(
            "nothing to change: give at least one of "
            + ", ".join(f"--{name}" for name in SET_OPTIONS)
        )
    kind = getattr(args, "kind", None)
    _refuse_other_kinds_options(kind, changes, parser)
    with open_store(args) as store:
        require_tracker(store)
        old = _find_entity(store, args.id, kind)
        if isinstance(old, Task):
            _refuse_options(
                old.id, "task", [n for n in changes if n not in TASK_OPTIONS], TASK_OPTIONS
            )
            logs = _completion_logged()
            new: Task | Risk = store.update_task(old.id, changes, log_completion=logs)
        else:
            _refuse_options(
                old.id, "risk", [n for n in changes if n not in RISK_OPTIONS], RISK_OPTIONS
            )
            new = store.update_risk(old.id, changes)
    if args.format == "json":
        print_json(task_dict(new) if isinstance(new, Task) else risk_dict(new))
    elif isinstance(new, Task):
        _show_task(old, new)  # type: ignore[arg-type]
        if logs and new.status == COMPLETE and old.status != COMPLETE:
            say(rich_console(), (f"  logged: {new.id} completed.", "dim"))
    else:
        _show_risk(old, new)  # type: ignore[arg-type]
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    """Add ``TEXT`` (its words joined by spaces) at the top of the activity log, dated
    ``--date`` or today, and show the entry as stored."""
    from tracker_tui.export_formats import entity_dict

    text = " ".join(args.text)
    with open_store(args) as store:
        require_tracker(store)
        entry = store.add_activity(text, on=args.date)
    if args.format == "json":
        print_json(entity_dict(entry))
    else:
        say(rich_console(), "Logged  ", (entry.date, "bold"), "  ", entry.text)
    return 0


def cmd_title(args: argparse.Namespace) -> int:
    """Name the tracker ``TITLE``; on a store that holds none yet, this starts an empty
    tracker (the dashboard's ``t``, through the same ``Store.set_tracker``)."""
    title = " ".join(args.title)
    with open_store(args) as store:
        before = store.tracker_info().title if store.exists else None
        store.set_tracker(title=title)
        info = store.tracker_info()
        where = store.target.describe()
    if args.format == "json":
        print_json({"store": where, "title": info.title, "was": before})
    elif before is None:
        say(rich_console(), "Started ", (info.title, "bold"), f" in {where}")
    else:
        say(rich_console(), "Title  ", (info.title, "bold"), (f"  (was {before or '-'})", "dim"))
    return 0
