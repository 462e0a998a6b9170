"""The ``tracker-tui`` command line: from ``argv`` to an exit code.

This module parses the command line (argparse) and hands it to the command, whose module
in ``tracker_tui.commands`` is imported only when that command runs; it also turns every
way a command can end into an exit code and at most one line on stderr.

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
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn, cast

from tracker_tui import __version__, hangup
from tracker_tui.commands import CSV_TABLES, EXPORT_FORMATS, SET_OPTIONS
from tracker_tui.commands.output import PROG, print_error
from tracker_tui.domain import TrackerError

__all__ = ["PROG", "build_parser", "main"]

# Options whose value may legitimately start with "-" ("--progress -10", "--notes '-'").
# argparse would take such a value for an option, so it is glued on as "--opt=value".
_DASH_VALUE_OPTIONS = frozenset(f"--{name}" for name in SET_OPTIONS)
_SHORT_OPTIONS = frozenset({"-h", "-o"})


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
        "--tracker",
        metavar="NAME",
        default=unset,
        help="the tracker to work on, by name (a unique prefix, any case; default: the "
        "only one, else the one you opened last)",
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


class _NotParsed(Exception):
    """The command line does not parse with the one command's parser (``_run`` then
    parses it again with the whole one, which says why as it always has)."""


class _OneCommandParser(argparse.ArgumentParser):
    """A parser built for one command: while it parses, a usage error raises instead of
    printing; afterwards (the command's own checks call ``error``) it prints as usual."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trying = True

    def error(self, message: str) -> NoReturn:
        if self.trying:
            raise _NotParsed(message)
        super().error(message)


class _Unbuilt:
    """What ``build_parser(only=...)`` gives the other commands: their arguments are
    never read, so they are not built (argparse's parsers cost ~0.3 ms apiece)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_mutually_exclusive_group(self, *args: Any, **kwargs: Any) -> _Unbuilt:
        return self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``parser.commands`` maps each command to its subparser.

    With ``only``, the parser of that one command (the others absent; "" for none: the
    dashboard), whose usage errors raise ``_NotParsed``: what ``_run`` tries first, as
    building all twenty commands cost ~6 ms of every start-up, much of it argparse's
    message lookups (gettext looks for a translation on disk each time).
    """
    common = _common_options(on_command=True)
    parser = (argparse.ArgumentParser if only is None else _OneCommandParser)(
        prog=PROG,
        parents=[_common_options(on_command=False)],
        description="A keyboard-driven dashboard for programme progress trackers kept as "
        "markdown. With no command, opens the dashboard on the store.",
        epilog="Examples: tracker-tui import tracker.md; tracker-tui set UT-003 --progress +10; "
        'tracker-tui log "UT-003 reopened"; tracker-tui export > tracker.md',
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--owner",
        metavar="NAME",
        help="open the dashboard on NAME's open tasks in every tracker (any case)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return cast("argparse.ArgumentParser", _Unbuilt())
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    command("demo", "open the dashboard on a throwaway copy of the bundled sample tracker")

    sub = command("import", "add a markdown tracker to the store, named after its title")
    sub.add_argument("file", metavar="FILE", help="the tracker's markdown file")
    sub.add_argument("--name", metavar="NAME", help="the tracker's name (default: its title)")
    sub.add_argument(
        "--replace", action="store_true", help="replace the tracker of that name, if there is one"
    )
    sub.add_argument(
        "--dry-run",
        action="store_true",
        help="change nothing: show each table, checklist and section found and how it was read",
    )
    sub.add_argument(
        "--map",
        action="append",
        metavar="[KIND:]HEADER=FIELD",
        help="read a column or label as a field ('Decided by=owner', "
        "'risks:Response=mitigation', 'Area=extra'); repeatable",
    )
    sub.add_argument(
        "--kind",
        choices=("tasks", "risks", "decisions"),
        help="read every table that has fields of this kind as this kind",
    )
    _add_format(sub)

    sub = command("trackers", "list the store's trackers, with their counts")
    _add_format(sub)

    sub = command("rename", "rename a tracker")
    sub.add_argument("name", metavar="NAME", help="the tracker (a unique prefix will do)")
    sub.add_argument("new", nargs="+", metavar="NEW", help="its new name")

    sub = command("delete", "delete a tracker, with its history and undo (needs --yes)")
    sub.add_argument("name", metavar="NAME", help="the tracker's whole name")
    sub.add_argument("--yes", action="store_true", help="yes, delete it for good")

    sub = command(
        "copy",
        "copy every tracker, with history and undo, into another store (SQLite or "
        "PostgreSQL), in one transaction",
    )
    sub.add_argument("--to", required=True, metavar="TARGET", help="a file path or database URL")
    sub.add_argument(
        "--replace", action="store_true", help="overwrite a target that holds trackers"
    )
    _add_format(sub)

    sub = command("title", "name the tracker (on a new store: start an empty one)")
    sub.add_argument("title", nargs="+", metavar="TITLE", help="the tracker's title")
    _add_format(sub)

    sub = command("set", "change fields of a task or a risk")
    sub.add_argument("id", metavar="ID", help="a task ID (UT-003) or a risk ID (R-03)")
    kind = sub.add_mutually_exclusive_group()
    kind.add_argument(
        "--task",
        dest="kind",
        action="store_const",
        const="task",
        help="ID is a task's (needed when a task and a risk share it)",
    )
    kind.add_argument(
        "--risk",
        dest="kind",
        action="store_const",
        const="risk",
        help="ID is a risk's (needed when a task and a risk share it)",
    )
    sub.add_argument(
        "--status",
        help="a task status (Not Started, In Progress, Blocked, At Risk, On Hold, Complete; "
        "also done, todo, wip...) or a risk status (Open, Monitoring, Mitigated, Resolved, "
        "Closed), any case",
    )
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

    for action in ("undo", "redo"):
        sub = command(
            action,
            f"{action} your own last change (the dashboard's "
            f"{'u' if action == 'undo' else 'ctrl+r'}); --as names whose",
        )
        sub.add_argument(
            "--force",
            action="store_true",
            help="overwrite a change someone else has made since to the same field",
        )
        _add_format(sub)

    sub = command("export", "write a tracker as markdown, JSON or CSV")
    sub.add_argument(
        "--all",
        action="store_true",
        help="every tracker, one markdown file each, into the folder -o names",
    )
    sub.add_argument(
        "--format", choices=EXPORT_FORMATS, default="markdown", help="default: markdown"
    )
    sub.add_argument("--table", choices=CSV_TABLES, help="the table to write as CSV")
    sub.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )

    since_help = (
        "the baseline: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', yesterday, last (the last "
        "stand-up), Nd or Nh (default: the last stand-up, else the previous working day)"
    )
    sub = command(
        "standup", "open the dashboard on the Stand-up screen: what moved since the baseline"
    )
    sub.add_argument("--since", metavar="WHEN", help=since_help)

    sub = command("report", "the stand-up summary to post: what moved since the baseline")
    sub.add_argument("--since", metavar="WHEN", help=since_help)
    sub.add_argument(
        "--format", choices=("md", "text", "json"), default="md", help="default: md (markdown)"
    )
    sub.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )

    sub = command("history", "who changed what, and when")
    sub.add_argument("id", nargs="?", metavar="ID", help="only this task or risk")
    sub.add_argument("--limit", type=_positive_int, default=1000, metavar="N", help="default: 1000")
    _add_format(sub)

    sub = command("trend", "a series over time, one point per day (programme by default)")
    which = sub.add_mutually_exclusive_group()
    which.add_argument("--milestone", metavar="M", help="this milestone's progress")
    which.add_argument("--metric", metavar="NAME", help="this metric's values (a name's start)")
    sub.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD")
    sub.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD")
    sub.add_argument(
        "--format", choices=("text", "json", "csv"), default="text", help="default: text"
    )

    sub = command("metric", "give a metric a value (and unit, target), or show its series")
    sub.add_argument("name", metavar="NAME", help="the metric: the start of its name, any case")
    sub.add_argument("value", nargs="?", metavar="VALUE", help="its new value, a number")
    sub.add_argument("--unit", help="its unit (%%, ms, ...)")
    sub.add_argument("--target", help='its target, a number ("<=5": met at or below)')
    _add_format(sub)

    sub = command(
        "check", "integrity, schema version and counts of the store, and who can write it"
    )
    _add_format(sub)

    sub = command(
        "share",
        "share a store with a group: its folder setgid and group-writable, the store "
        "and its -wal and -shm the group's and group-writable",
    )
    sub.add_argument(
        "path", nargs="?", metavar="PATH", help="the store's file (default: the store --db names)"
    )
    sub.add_argument("--group", required=True, metavar="GROUP", help="the group of the leads")
    sub.add_argument(
        "--check", action="store_true", help="show what would change, without changing it"
    )
    _add_format(sub)

    _add_serve(command("serve", "serve the dashboard to browsers: one process per tab"))

    parser.commands = dict(commands.choices)  # type: ignore[attr-defined]
    return parser


def _add_serve(sub: argparse.ArgumentParser) -> None:
    """``serve``'s options (README: In the browser)."""
    sub.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this machine only; "
        "anything else prints how to keep it private)",
    )
    sub.add_argument("--port", type=int, default=8421, help="default: 8421 (0: any free port)")
    sub.add_argument(
        "--token",
        help="the access token (default: $TRACKER_TUI_TOKEN, else a new random one)",
    )
    sub.add_argument(
        "--max-sessions",
        type=_positive_int,
        default=20,
        metavar="N",
        help="open tabs at most (default: 20)",
    )
    sub.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, behind a reverse proxy (https://host/tracker/)",
    )
    sub.add_argument(
        "--demo", action="store_true", help="serve a throwaway copy of the bundled sample"
    )


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


# -- dispatch --------------------------------------------------------------------------


def _command(module: str, name: str) -> Callable[..., int]:
    """The handler ``name`` of ``tracker_tui.commands.<module>``, imported on its first
    call: ``--version``, ``--help`` and a usage error import no command's module."""

    def handler(*arguments: object) -> int:
        from importlib import import_module

        run: Callable[..., int] = getattr(import_module(f"tracker_tui.commands.{module}"), name)
        return run(*arguments)

    handler.__name__ = handler.__qualname__ = name
    return handler


#: Each command's handler, called with the parsed arguments (and, for the commands in
#: ``_NEED_PARSER``, the command's subparser, for usage errors argparse cannot see).
_COMMANDS: dict[str | None, Callable[..., int]] = {
    None: _command("dashboard", "cmd_dashboard"),
    "demo": _command("dashboard", "cmd_demo"),
    "import": _command("importing", "cmd_import"),
    "title": _command("editing", "cmd_title"),
    "set": _command("editing", "cmd_set"),
    "log": _command("editing", "cmd_log"),
    "undo": _command("undoing", "cmd_undo"),
    "redo": _command("undoing", "cmd_redo"),
    "export": _command("exporting", "cmd_export"),
    "history": _command("history", "cmd_history"),
    "standup": _command("standup", "cmd_standup"),
    "report": _command("standup", "cmd_report"),
    "check": _command("check", "cmd_check"),
    "trend": _command("trends", "cmd_trend"),
    "metric": _command("trends", "cmd_metric"),
    "share": _command("share", "cmd_share"),
    "trackers": _command("trackers", "cmd_trackers"),
    "rename": _command("trackers", "cmd_rename"),
    "delete": _command("trackers", "cmd_delete"),
    "copy": _command("trackers", "cmd_copy"),
    "serve": _command("serve", "cmd_serve"),
}
_NEED_PARSER = frozenset({"set", "export", "serve"})


# -- the entry point -------------------------------------------------------------------


#: Options that take a value: the word after one is its value, never a command's name.
_VALUE_OPTIONS = frozenset({"--db", "--as", "--tracker", "--owner"})


def _command_named(argv: list[str]) -> str | None:
    """The command ``argv`` plainly names ("" for none: the dashboard), or None when it
    asks for help or the version (which list every command) or names no command."""
    after_value_option = False
    for token in argv:
        if token in ("-h", "--help", "--version", "--"):
            return None
        if after_value_option:
            after_value_option = False
        elif token in _VALUE_OPTIONS:
            after_value_option = True
        elif not token.startswith("-"):
            return token if token in _COMMANDS else None
    return ""


def _parse(argv: list[str]) -> tuple[argparse.Namespace, argparse.ArgumentParser]:
    """The parsed command line, and the parser that parsed it: the named command's own
    when that parses it, else the whole one (whose usage errors exit 2 as always)."""
    glued = _glue_dash_values(argv)
    name = _command_named(glued)
    if name is not None:
        parser = build_parser(only=name)
        try:
            args = parser.parse_args(glued)
        except _NotParsed:
            pass
        else:
            for parsed_by in (parser, *parser.commands.values()):  # type: ignore[attr-defined]
                parsed_by.trying = False
            return args, parser
    parser = build_parser()
    return parser.parse_args(glued), parser


def _run(argv: list[str]) -> int:
    args, parser = _parse(argv)
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
    print_error(str(code))
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run ``tracker-tui`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Never raises and never shows a traceback: the console-script wrapper passes the
    result to ``sys.exit``.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        _tolerate_encoding()
        with hangup.handled():  # SIGHUP, SIGTERM: end as q does, temporary files removed
            code = _run(arguments)
        # Flushed here, not at interpreter exit: a reader gone by then (``| head``) must
        # still end in 141 and silence, not in "Exception ignored ... BrokenPipeError".
        sys.stdout.flush()
        return code
    except SystemExit as exit_request:  # argparse: --help, --version, usage errors
        return _exit_code(exit_request.code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except TrackerError as error:
        print_error(str(error))
        return 1
    except Exception as error:
        from tracker_tui.errors_log import report_unexpected

        try:
            line = report_unexpected(error, arguments)
        except Exception:  # even the report failed: still one line, still no traceback
            line = f"{PROG}: unexpected error ({type(error).__name__})"
        print_error(line.removeprefix(f"{PROG}: "))
        return 1
