"""``tracker-tui share PATH --group GROUP``: one step to share a store on a box.

The folder becomes the group's, setgid (a file made in it gets the group) and
group-writable; the store and its ``-wal`` and ``-shm`` become the group's and
group-writable. Each change is printed; ``--check`` prints them without making them.
A store on NFS or SMB is refused: SQLite's write-ahead log uses shared memory, which
only works between processes on one machine.
"""

from __future__ import annotations

import argparse
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from tracker_tui.commands.output import print_json, rich_console, say
from tracker_tui.domain import TrackerError
from tracker_tui.store.permissions import (
    FileState,
    network_filesystem,
    share_command,
    store_files,
)


@dataclass(frozen=True, slots=True)
class Step:
    """One change to one file: ``chgrp leads /srv/tracker`` or ``chmod 2775 ...``."""

    path: Path
    action: str  # "chgrp" or "chmod"
    before: str
    after: str
    gid: int = -1
    mode: int = 0

    def command(self) -> str:
        return f"{self.action} {self.after} {self.path}"

    def as_dict(self) -> dict[str, str]:
        return {
            "file": str(self.path),
            "change": self.action,
            "from": self.before,
            "to": self.after,
        }


def _group_id(name: str) -> int:
    """Raises: TrackerError: no such group on this machine."""
    try:
        import grp
    except ImportError:
        raise TrackerError("sharing by group needs a Unix system") from None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise TrackerError(
            f"there is no group named {name!r} on this machine: create it first "
            f"(sudo groupadd {name}) and add each lead to it (sudo usermod -aG {name} USER)"
        ) from None


def _steps_for(state: FileState, gid: int, group: str) -> list[Step]:
    if not state.exists:
        return []
    steps = []
    if state.gid != gid:
        steps.append(Step(state.path, "chgrp", state.group, group, gid=gid))
    wanted = state.mode | stat.S_IRGRP | stat.S_IWGRP
    if state.role == "folder":
        wanted |= stat.S_IXGRP | stat.S_ISGID
    if wanted != state.mode:
        before = f"{state.mode:o}" if state.mode & 0o7000 else f"{state.mode & 0o777:o}"
        after = f"{wanted:o}" if wanted & 0o7000 else f"{wanted & 0o777:o}"
        steps.append(Step(state.path, "chmod", before, after, mode=wanted))
    return steps


def plan(path: Path, group: str) -> list[Step]:
    """What sharing ``path`` with ``group`` changes: folder first, then the files.

    Raises:
        TrackerError: the group does not exist, the folder does not, or the store is on
            a network file system.
    """
    kind = network_filesystem(path)
    if kind is not None:
        raise TrackerError(
            f"{path} is on {kind}, a network file system: SQLite's write-ahead log needs "
            "shared memory on one machine, so every lead must use a store on a local disk "
            "of the box they log in to"
        )
    gid = _group_id(group)
    files = store_files(path)
    folder = files[3]
    if not folder.exists:
        raise TrackerError(f"the folder {folder.path} does not exist: create it first")
    # The folder first: its setgid is what gives files made later the group.
    return [step for state in (folder, *files[:3]) for step in _steps_for(state, gid, group)]


def apply(steps: list[Step], path: Path, group: str) -> None:
    """Make the changes, in order.

    Raises:
        TrackerError: a change is not allowed (someone else's file); the message says
            which file and the command to run instead.
    """
    for step in steps:
        try:
            if step.action == "chgrp":
                os.chown(step.path, -1, step.gid)
            else:
                os.chmod(step.path, step.mode)
        except PermissionError:
            owner = Path(step.path).owner() if step.path.exists() else "another user"
            raise TrackerError(
                f"cannot {step.action} {step.path}: it belongs to {owner}; "
                f"run: {share_command(path, group, as_root=True)}"
            ) from None
        except OSError as error:
            raise TrackerError(f"cannot {step.action} {step.path}: {error.strerror}") from None


def _store_path(args: argparse.Namespace) -> Path:
    """Raises: TrackerError: the path is a folder, or not a file path at all."""
    from tracker_tui.store import resolve_target

    target = resolve_target(args.path or args.db)
    if target.path is None:
        raise TrackerError(
            f"{target.describe()} is a database server: share it with the server's roles"
        )
    if target.path.is_dir():
        raise TrackerError(
            f"{target.path} is a folder: give the store's file "
            f"(e.g. {target.path / 'tracker.db'}); its folder is shared with it"
        )
    return target.path


def cmd_share(args: argparse.Namespace) -> int:
    """Share the store with a group (or, with ``--check``, say what that would change)."""
    path = _store_path(args)
    steps = plan(path, args.group)
    if not args.check:
        apply(steps, path, args.group)
    if args.format == "json":
        print_json(
            {
                "store": str(path),
                "group": args.group,
                "changes": [step.as_dict() for step in steps],
                "applied": bool(steps) and not args.check,
            }
        )
        return 0
    console = rich_console()
    if not steps:
        say(console, f"{path} is already shared with group {args.group}: nothing to change")
        return 0
    say(console, "would change:" if args.check else "changed:")
    for step in steps:
        say(console, f"  {step.command()}   (was {step.before})")
    if args.check:
        say(console, "run again without --check to make these changes")
    else:
        say(console, f"every member of {args.group} can now open and save {path}")
    return 0
