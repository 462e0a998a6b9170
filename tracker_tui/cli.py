"""The ``tracker-tui`` command line: argparse over ``Store``.

argparse rather than Typer because start-up time matters (``import typer`` alone costs
a sixth of a second); heavy modules (Rich, the store's writer, the markdown parser,
Textual) are imported inside the command that needs them.

Exit codes: 0 success, 1 a user error (``TrackerError``: one line on stderr) or an
unexpected error (traceback logged, one line on stderr), 2 a usage error, 130 Ctrl-C,
141 a closed pipe (``tracker-tui export | head``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_tui import __version__
from tracker_tui.domain import COMPLETE, NotFoundError, TrackerError
from tracker_tui.sanitize import display_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from tracker_tui.document import Document
    from tracker_tui.domain import Change, Risk, Task
    from tracker_tui.store import Store

PROG = "tracker-tui"

#: ``set`` options per kind, in the order results are shown.
TASK_OPTIONS = ("status", "progress", "owner", "milestone", "title", "notes")
RISK_OPTIONS = ("status", "impact", "mitigation", "owner", "description")
SET_OPTIONS = tuple(dict.fromkeys(TASK_OPTIONS + RISK_OPTIONS))

EXPORT_FORMATS = ("markdown", "json", "csv")
CSV_TABLES = ("tasks", "activity", "checkpoints", "risks", "decisions", "cadence", "metrics")

# Options whose value may legitimately start with "-" ("--progress -10", "--notes '-'").
# argparse would take such a value for an option, so it is glued on as "--opt=value".
_DASH_VALUE_OPTIONS = frozenset(f"--{name}" for name in SET_OPTIONS)
_SHORT_OPTIONS = frozenset({"-h", "-o"})

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


# -- the parser ------------------------------------------------------------------------


def _common_options(*, on_command: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name.

    The copy attached to each command defaults to SUPPRESS: otherwise the command's
    default (None) would overwrite a value given before the command's name.
    """
    unset = argparse.SUPPRESS if on_command else None
    off = argparse.SUPPRESS if on_command else False
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("common options")
    group.add_argument(
        "--db",
        metavar="TARGET",
        default=unset,
        help="the store: a file path or a database URL (default: $TRACKER_TUI_DB, "
        "else tracker.db in your data directory)",
    )
    group.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        default=unset,
        help="your name in the history ($TRACKER_TUI_USER wins when set)",
    )
    group.add_argument(
        "--read-only", action="store_true", default=off, help="watch without editing"
    )
    group.add_argument(
        "--ascii", action="store_true", default=off, help="ASCII-only drawing characters"
    )
    return parent


def _iso_date(text: str) -> date:
    """argparse type for ``--date``: a bad date is a usage error (exit 2)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for scripts",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; ``parser.commands`` maps each command to its subparser."""
    common = _common_options(on_command=True)
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[_common_options(on_command=False)],
        description="A keyboard-driven dashboard for programme progress trackers kept as "
        "markdown. With no command, opens the dashboard on the store.",
        epilog="Examples: tracker-tui import tracker.md; tracker-tui set UT-003 --progress +10; "
        'tracker-tui log "UT-003 reopened"; tracker-tui export > tracker.md',
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    command("demo", "open the dashboard on a throwaway copy of the bundled sample tracker")

    sub = command("import", "load a markdown tracker into the store")
    sub.add_argument("file", metavar="FILE", help="the tracker's markdown file")
    sub.add_argument(
        "--replace", action="store_true", help="replace the tracker the store already holds"
    )
    _add_format(sub)

    sub = command("set", "change fields of a task or a risk")
    sub.add_argument("id", metavar="ID", help="a task ID (UT-003) or a risk ID (R-03)")
    sub.add_argument("--status", help="a status, e.g. 'In Progress' (task or risk)")
    sub.add_argument(
        "--progress", metavar="N", help="task progress: 40, 40%%, or relative +10 / -10"
    )
    sub.add_argument("--owner", help="owner (task or risk)")
    sub.add_argument("--milestone", help="task milestone")
    sub.add_argument("--title", help="task title")
    sub.add_argument("--notes", help="task notes")
    sub.add_argument(
        "--impact",
        help="risk impact: Low, Medium, High, Critical (any case), or your own, e.g. P1",
    )
    sub.add_argument("--mitigation", help="risk mitigation")
    sub.add_argument("--description", help="risk description")
    _add_format(sub)

    sub = command("log", "add an entry at the top of the activity log")
    sub.add_argument("text", nargs="+", metavar="TEXT", help="what happened")
    sub.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="default: today")
    _add_format(sub)

    sub = command("export", "write the tracker as markdown, JSON or CSV")
    sub.add_argument(
        "--format", choices=EXPORT_FORMATS, default="markdown", help="default: markdown"
    )
    sub.add_argument("--table", choices=CSV_TABLES, help="the table to write as CSV")
    sub.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )

    sub = command("history", "who changed what, and when")
    sub.add_argument("id", nargs="?", metavar="ID", help="only this task or risk")
    sub.add_argument("--limit", type=_positive_int, default=1000, metavar="N", help="default: 1000")
    _add_format(sub)

    sub = command("check", "integrity, schema version and counts of the store")
    _add_format(sub)

    parser.commands = dict(commands.choices)  # type: ignore[attr-defined]
    return parser


def _glue_dash_values(argv: list[str]) -> list[str]:
    """``--progress -10`` → ``--progress=-10``, so that argparse sees a value, not an option."""
    glued: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            glued.extend(argv[index:])
            break
        following = argv[index + 1] if index + 1 < len(argv) else None
        if (
            token in _DASH_VALUE_OPTIONS
            and following is not None
            and following.startswith("-")
            and not following.startswith("--")
            and following not in _SHORT_OPTIONS
        ):
            glued.append(f"{token}={following}")
            index += 2
            continue
        glued.append(token)
        index += 1
    return glued


# -- output helpers --------------------------------------------------------------------


def _console(*, stderr: bool = False) -> Console:
    """A Rich console that never interprets user text: no markup, emoji codes or
    highlighting (a note saying ``[bold red]`` or ``:fire:`` prints as written)."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def _text(*parts: tuple[str, str] | str) -> Text:
    """A Rich Text of sanitised pieces: ``"plain"`` or ``("text", "style")``."""
    from rich.text import Text

    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(display_text(text), style=style)
    return line


def _say(console: Console, *parts: tuple[str, str] | str) -> None:
    # soft_wrap: a line piped to a file or another program is never cut at 80 columns.
    console.print(_text(*parts), soft_wrap=True)


def _write_stdout(text: str) -> None:
    """Data (exports) goes out verbatim as UTF-8, whatever the terminal's encoding."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _print_json(value: Any) -> None:
    import json

    _write_stdout(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and a rename, so that a reader (or
    a crash) never sees half a file. An existing file keeps its permissions.

    Raises:
        TrackerError: the file cannot be written.
    """
    import tempfile

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


# -- the store -------------------------------------------------------------------------


def _open_store(
    args: argparse.Namespace, *, read_only: bool | None = None, verify: bool = True
) -> Store:
    from tracker_tui.store import Store, current_user

    return Store.open(
        args.db,
        user=current_user(args.as_name),
        read_only=args.read_only if read_only is None else read_only,
        verify=verify,
    )


def _require_tracker(store: Store) -> None:
    """Refuse to work on a store that holds nothing: most likely a mistyped ``--db``."""
    if not store.exists:
        raise TrackerError(
            f"no tracker in {store.target.describe()} yet: import one with "
            "'tracker-tui import FILE', or try 'tracker-tui demo'"
        )


def _launch_dashboard(store: Store, *, ascii: bool) -> None:
    # Imported here so that no other command pays for importing Textual.
    from tracker_tui.app import run_dashboard

    run_dashboard(store, ascii=ascii)


def read_tracker_file(path: Path) -> Document:
    """Parse a markdown tracker file.

    Raises:
        TrackerError: one line, naming the file: missing, a directory, too large,
            unreadable, binary, not UTF-8, empty, or not a tracker.
    """
    from tracker_tui.markdown import read_document

    return read_document(path)


# -- commands --------------------------------------------------------------------------


def cmd_dashboard(args: argparse.Namespace) -> int:
    # The page check that refuses a damaged store reads the whole file (~30 ms for a
    # 20 MB store): it runs on a thread while Textual is imported (~150 ms), and the
    # dashboard starts only once it has passed. The other checks (not ours, newer,
    # empty, first page damaged) are made by the open itself.
    with _open_store(args, verify=False) as store:
        check = store.verify_in_background()
        try:
            _require_tracker(store)
            from tracker_tui.app import run_dashboard  # no other command imports Textual
        except BaseException:
            check.wait()  # damage, when found, explains a failure better than its symptom
            raise
        check.wait()
        run_dashboard(store, ascii=args.ascii)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The dashboard on a copy of the sample, in a temporary store removed afterwards."""
    import tempfile

    from tracker_tui.markdown import parse_document
    from tracker_tui.resources import sample_tracker_text
    from tracker_tui.store import Store, current_user

    document = parse_document(sample_tracker_text())
    user = current_user(args.as_name)
    with tempfile.TemporaryDirectory(prefix="tracker-tui-demo-", ignore_cleanup_errors=True) as tmp:
        target = str(Path(tmp) / "demo.db")
        with Store.open(target, user=user) as store:
            store.import_document(document)
        with Store.open(target, user=user, read_only=args.read_only) as store:
            _launch_dashboard(store, ascii=args.ascii)
    return 0


def _describe_counts(counts: Mapping[str, int]) -> str:
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
    document = read_tracker_file(Path(args.file))
    with _open_store(args) as store:
        counts = store.import_document(document, replace=args.replace)
        title = store.tracker_info().title
        where = store.target.describe()
    if args.format == "json":
        _print_json({"store": where, "title": title, "counts": dict(counts)})
        return 0
    console = _console()
    _say(console, "Imported ", (title or args.file, "bold"), f" into {where}")
    if counts:
        _say(console, "  ", _describe_counts(counts))
    return 0


def _find_entity(store: Store, entity_id: str) -> Task | Risk:
    """The task (first) or risk with ``entity_id``; IDs are tried as typed, then in
    upper case, since ``ut-003`` is an easy slip."""
    for candidate in dict.fromkeys((entity_id, entity_id.upper())):
        found = store.task(candidate) or store.risk(candidate)
        if found is not None:
            return found
    raise NotFoundError(f"no task or risk with ID {entity_id!r}")


def _refuse_options(entity_id: str, kind: str, wrong: list[str], allowed: tuple[str, ...]) -> None:
    if wrong:
        flags = ", ".join(f"--{name}" for name in wrong)
        takes = ", ".join(f"--{name}" for name in allowed)
        raise TrackerError(f"{entity_id} is a {kind}: it has no {flags} (a {kind} takes {takes})")


def _changed_lines(old: Any, new: Any, fields: tuple[str, ...]) -> list[Text]:
    """One line per changed field other than the ones on the headline."""
    lines = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            lines.append(_text(f"  {name}: ", str(after), (f"  (was {before or '-'})", "dim")))
    return lines


def _show_task(old: Task, new: Task) -> None:
    was = []
    if old.status != new.status:
        was.append(old.status)
    if old.progress != new.progress:
        was.append(f"{old.progress}%")
    note = f"  (was {', '.join(was)})" if was else ""
    if old == new or (not was and old.version == new.version):
        note = "  (unchanged)"
    console = _console()
    _say(
        console,
        (new.id, "bold"),
        "  ",
        (new.status, TASK_STATUS_STYLES.get(new.status, "")),
        f"  {new.progress}%",
        (note, "dim"),
    )
    for line in _changed_lines(old, new, ("owner", "milestone", "title", "notes")):
        console.print(line, soft_wrap=True)


def _show_risk(old: Risk, new: Risk) -> None:
    was = []
    if old.status != new.status:
        was.append(old.status)
    if old.impact != new.impact:
        was.append(f"{old.impact or '-'} impact")
    note = f"  (was {', '.join(was)})" if was else ""
    console = _console()
    _say(
        console,
        (new.id, "bold"),
        "  ",
        (new.status, RISK_STATUS_STYLES.get(new.status, "")),
        f"  {new.impact or '-'} impact",
        (note, "dim"),
    )
    for line in _changed_lines(old, new, ("owner", "description", "mitigation")):
        console.print(line, soft_wrap=True)


def _completion_logged() -> bool:
    """Whether completing a task adds "UT-007 completed." to the log, as in the dashboard
    (``complete_adds_activity`` in config.toml; a broken file is warned about, not fatal)."""
    from tracker_tui.config import load_settings

    settings = load_settings()
    for warning in settings.warnings:
        _print_error(f"warning: {warning}")
    return settings.complete_adds_activity


def cmd_set(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from tracker_tui.domain import Task
    from tracker_tui.export_formats import risk_dict, task_dict

    changes = {name: getattr(args, name) for name in SET_OPTIONS if getattr(args, name) is not None}
    if not changes:
        parser.error(
            "nothing to change: give at least one of "
            + ", ".join(f"--{name}" for name in SET_OPTIONS)
        )
    with _open_store(args) as store:
        _require_tracker(store)
        old = _find_entity(store, args.id)
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
        _print_json(task_dict(new) if isinstance(new, Task) else risk_dict(new))
    elif isinstance(new, Task):
        _show_task(old, new)  # type: ignore[arg-type]
        if logs and new.status == COMPLETE and old.status != COMPLETE:
            _say(_console(), (f"  logged: {new.id} completed.", "dim"))
    else:
        _show_risk(old, new)  # type: ignore[arg-type]
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from tracker_tui.export_formats import activity_dict

    text = " ".join(args.text)
    with _open_store(args) as store:
        _require_tracker(store)
        entry = store.add_activity(text, on=args.date)
    if args.format == "json":
        _print_json(activity_dict(entry))
    else:
        _say(_console(), "Logged  ", (entry.date, "bold"), "  ", entry.text)
    return 0


def _render_export(store: Store, export_format: str, table: str | None) -> str:
    if export_format == "json":
        from tracker_tui.export_formats import to_json

        return to_json(store)
    if export_format == "csv":
        from tracker_tui.export_formats import to_csv

        return to_csv(store, table or "tasks")
    from tracker_tui.markdown import render_document

    return render_document(store.export_document())


def cmd_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.format == "csv" and not args.table:
        parser.error("--format csv needs --table " + "|".join(CSV_TABLES))
    if args.table and args.format != "csv":
        parser.error("--table goes with --format csv")
    with _open_store(args, read_only=True) as store:
        _require_tracker(store)
        text = _render_export(store, args.format, args.table)
    if args.output and args.output != "-":
        path = write_atomically(Path(args.output), text)
        _say(_console(stderr=True), f"Wrote {args.format} to {path}")
    else:
        _write_stdout(text)
    return 0


def _local_time(at: str) -> str:
    """An ISO UTC timestamp as local ``YYYY-MM-DD HH:MM``; unparseable text as is."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _short(value: str | None, limit: int = 40) -> str:
    if value is None or value == "":
        return "-"
    value = display_text(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _summary(value: str | None) -> str:
    """A created or deleted row's JSON as its main text (title, description...)."""
    import json

    try:
        row = json.loads(value or "")
    except ValueError:
        return _short(value)
    if isinstance(row, dict):
        for key in ("id", "title", "description", "decision", "text", "label"):
            if row.get(key) not in (None, ""):
                return _short(str(row[key]))
    return _short(value)


def _change_cells(change: Change, arrow: str) -> tuple[str, str, Text]:
    """What, Field and Change cells of one history row, as people read them."""
    what = change.entity if change.id == change.entity else f"{change.entity} {change.id}"
    if change.field == "*" and change.old is None:
        return what, "created", _text(_summary(change.new))
    if change.field == "*" and change.new is None:
        return what, "deleted", _text((_summary(change.old), "dim"))
    return what, change.field, _text((_short(change.old), "dim"), arrow, _short(change.new))


def cmd_history(args: argparse.Namespace) -> int:
    from tracker_tui.export_formats import changes_to_json

    with _open_store(args, read_only=True) as store:
        changes = store.history(args.id, limit=args.limit)
        if not changes and args.id and args.id.upper() != args.id:
            changes = store.history(args.id.upper(), limit=args.limit)
    if args.format == "json":
        _write_stdout(changes_to_json(changes))
        return 0
    console = _console()
    if not changes:
        _say(console, "No changes recorded" + (f" for {args.id}." if args.id else "."))
        return 0
    from rich import box
    from rich.table import Table

    arrow = " -> " if args.ascii else " → "
    table = Table(box=box.ASCII if args.ascii else box.SIMPLE_HEAD, show_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", overflow="fold")
    table.add_column("What", no_wrap=True)
    table.add_column("Field", no_wrap=True)
    table.add_column("Change", overflow="fold", ratio=1)
    for change in changes:
        what, field, cell = _change_cells(change, arrow)
        table.add_row(_local_time(change.at), _text(change.user), _text(what), _text(field), cell)
    console.print(table)
    return 0


def _is_damaged(report: Mapping[str, Any]) -> bool:
    """Whether ``Store.check()``'s report says the store is damaged."""
    if report.get("ok") is False or report.get("damaged"):
        return True
    integrity = report.get("integrity")
    return isinstance(integrity, str) and integrity.lower() != "ok"


def _report_lines(report: Mapping[str, Any], indent: str = "") -> list[Text]:
    lines = []
    for key, value in report.items():
        label = key.replace("_", " ")
        if isinstance(value, Mapping):
            lines.append(_text((f"{indent}{label}", "bold")))
            lines.extend(_report_lines(value, indent + "  "))
        elif isinstance(value, list | tuple):
            count = str(len(value)) if value else "none"
            lines.append(_text((f"{indent}{label}: ", "bold"), count))
            lines.extend(_text(f"{indent}  - {item}") for item in value)
        else:
            lines.append(_text((f"{indent}{label}: ", "bold"), str(value)))
    return lines


def _check_report(args: argparse.Namespace) -> dict[str, Any]:
    """``Store.check()``'s report, or a failing one when the store will not even open
    (damaged, foreign, newer): ``check`` must report on exactly those stores."""
    try:
        store = _open_store(args, read_only=True)
    except TrackerError as error:
        from tracker_tui.store import resolve_target
        from tracker_tui.store.safety import RECOVERY_HINT

        where = resolve_target(args.db).describe()
        return {"store": where, "ok": False, "problems": [str(error)], "recovery": RECOVERY_HINT}
    with store:
        _require_tracker(store)
        report = store.check()
    # We open read-only so that check never writes (not even a migration): the report's
    # read_only flag would describe that choice, not the store.
    report.pop("read_only", None)
    return report


def cmd_check(args: argparse.Namespace) -> int:
    report = _check_report(args)
    damaged = _is_damaged(report)
    if args.format == "json":
        _print_json(report)
    else:
        console = _console()
        for line in _report_lines(report):
            console.print(line, soft_wrap=True)
        if damaged:
            _say(console, ("The store is damaged or unreadable.", "bold red"))
    return 1 if damaged else 0


_COMMANDS: dict[str | None, Callable[..., int]] = {
    None: cmd_dashboard,
    "demo": cmd_demo,
    "import": cmd_import,
    "set": cmd_set,
    "log": cmd_log,
    "export": cmd_export,
    "history": cmd_history,
    "check": cmd_check,
}
_NEED_PARSER = frozenset({"set", "export"})


# -- the entry point -------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(_glue_dash_values(argv))
    handler = _COMMANDS[args.command]
    if args.command in _NEED_PARSER:
        return handler(args, parser.commands[args.command])  # type: ignore[attr-defined]
    return handler(args)


def _tolerate_encoding() -> None:
    """On a terminal that cannot show every character (a Latin-1 console), print a
    replacement character rather than crash on a task's emoji."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _print_error(message: str) -> None:
    # Plain write, not Rich: an error is always exactly one line, never wrapped.
    try:
        sys.stderr.write(f"{PROG}: {display_text(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so that Python's final flush does
    not print 'Exception ignored ... BrokenPipeError'."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    except Exception:  # io.UnsupportedOperation under a test's captured stdout
        pass


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    _print_error(str(code))
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run ``tracker-tui`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises and never shows a traceback: the console-script wrapper passes the
    result to ``sys.exit``.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        _tolerate_encoding()
        return _run(arguments)
    except SystemExit as exit_request:  # argparse: --help, --version, usage errors
        return _exit_code(exit_request.code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except TrackerError as error:
        _print_error(str(error))
        return 1
    except Exception as error:
        from tracker_tui.errors_log import report_unexpected

        try:
            line = report_unexpected(error, arguments)
        except Exception:  # even the report failed: still one line, still no traceback
            line = f"{PROG}: unexpected error ({type(error).__name__})"
        _print_error(line.removeprefix(f"{PROG}: "))
        return 1
