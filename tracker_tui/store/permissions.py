"""Who may write a SQLite store and its ``-wal``/``-shm`` files, and creating it so that
the user's umask decides.

SQLite creates a new database file with mode 0644 whatever the umask, so ``umask 002``
alone can never make a store group-writable; it then gives the ``-wal`` and ``-shm``
files the main file's mode (and, run as root, its owner and group). So the store is
created here, empty, with ``0666 & ~umask`` before SQLite first opens it, and the other
two follow it. In a setgid folder the group comes from the folder, as for any file.

The rest describes the sharing: each file's owner, group and mode, who can write it,
and what would leave another member of the store's group read-only, with the command
that fixes it. Standard library only (``pwd``/``grp`` where the platform has them).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path

#: File systems whose locks and shared memory do not span machines: SQLite's WAL needs
#: every user on one machine, so a store there is refused for sharing.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs"}
)
MOUNTS = Path("/proc/mounts")
#: The store's companions, by their role in messages: ``-wal`` then ``-shm``.
COMPANIONS = ("-wal", "-shm")


def create_store_file(path: Path) -> bool:
    """Create ``path`` empty with mode ``0666 & ~umask``, unless it exists; whether it did.

    Called just before SQLite opens a new store, so that the main file (and with it the
    ``-wal`` and ``-shm`` SQLite copies its mode to) honours the umask.

    Raises:
        OSError: the folder does not let us create the file.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def companion(path: Path, suffix: str) -> Path:
    """``tracker.db`` -> ``tracker.db-wal`` / ``tracker.db-shm``."""
    return path.with_name(path.name + suffix)


# -- names -----------------------------------------------------------------------------


def user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


def group_members(gid: int) -> list[str]:
    """Everyone in the group: its listed members and those whose own group it is."""
    try:
        import grp
        import pwd
    except ImportError:
        return []
    members: list[str] = []
    with contextlib.suppress(KeyError):
        members.extend(grp.getgrgid(gid).gr_mem)
    members.extend(entry.pw_name for entry in pwd.getpwall() if entry.pw_gid == gid)
    return sorted(dict.fromkeys(members))


def _user_ids(name: str) -> tuple[int, set[int]] | None:
    """A user's uid and every group they are in, or None for an unknown name."""
    try:
        import pwd

        entry = pwd.getpwnam(name)
    except (ImportError, KeyError):
        return None
    try:
        groups = set(os.getgrouplist(name, entry.pw_gid))
    except OSError:
        groups = {entry.pw_gid}
    return entry.pw_uid, groups


# -- file systems ----------------------------------------------------------------------


def filesystem_type(path: Path, mounts: Path | None = None) -> str | None:
    """The type of the file system ``path`` is on (``ext4``, ``nfs4``...), from the mount
    table (``mounts``, default ``MOUNTS``); None where there is none to read (not Linux)."""
    try:
        lines = (mounts or MOUNTS).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best: tuple[int, str] | None = None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        # The mount table writes a space in a path as \040 (and tab, newline, \ alike).
        point = parts[1].encode().decode("unicode_escape")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), parts[2])
    return best[1] if best else None


def network_filesystem(path: Path, mounts: Path | None = None) -> str | None:
    """The network file system type ``path`` is on (``nfs4``, ``cifs``...), or None."""
    kind = filesystem_type(path, mounts)
    return kind if kind in NETWORK_FILESYSTEMS else None


# -- one file --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileState:
    """One of the store's files (or its folder) as the file system has it."""

    role: str  # "store", "wal", "shm" or "folder"
    path: Path
    exists: bool
    owner: str = ""
    group: str = ""
    uid: int = -1
    gid: int = -1
    mode: int = 0  # permission bits, with setgid (0o2775)

    @property
    def mode_text(self) -> str:
        """``644``, or ``2775`` for a setgid folder."""
        return f"{self.mode:o}" if self.mode & 0o7000 else f"{self.mode & 0o777:o}"

    def describe(self) -> str:
        """``tracker.db-shm is owned by root, mode 644``."""
        name = self.path.name if self.role != "folder" else f"the folder {self.path}"
        return f"{name} is owned by {self.owner}:{self.group}, mode {self.mode_text}"

    def can_write(self, uid: int, groups: set[int]) -> bool:
        """Whether that user may write it (a folder: create files in it)."""
        if not self.exists:
            return True
        if uid == 0:
            return True
        needed = (stat.S_IWUSR | stat.S_IXUSR) if self.role == "folder" else stat.S_IWUSR
        if uid == self.uid:
            bits = needed
        elif self.gid in groups:
            bits = needed >> 3
        else:
            bits = needed >> 6
        return self.mode & bits == bits

    def writers(self) -> list[str]:
        """Who may write it, as a person would say it: the owner, a group, everyone."""
        if not self.exists:
            return []
        who = []
        folder = self.role == "folder"
        if self.mode & stat.S_IWUSR and (not folder or self.mode & stat.S_IXUSR):
            who.append(self.owner)
        if self.mode & stat.S_IWGRP and (not folder or self.mode & stat.S_IXGRP):
            members = group_members(self.gid)
            listed = f" ({', '.join(members)})" if members else ""
            who.append(f"group {self.group}{listed}")
        if self.mode & stat.S_IWOTH and (not folder or self.mode & stat.S_IXOTH):
            who.append("everyone")
        return who


def file_state(role: str, path: Path) -> FileState:
    try:
        info = path.stat()
    except OSError:
        return FileState(role, path, exists=False)
    return FileState(
        role,
        path,
        exists=True,
        owner=user_name(info.st_uid),
        group=group_name(info.st_gid),
        uid=info.st_uid,
        gid=info.st_gid,
        mode=stat.S_IMODE(info.st_mode),
    )


def store_files(path: Path) -> list[FileState]:
    """The store, its ``-wal`` and ``-shm``, and its folder, in that order."""
    return [
        file_state("store", path),
        file_state("wal", companion(path, "-wal")),
        file_state("shm", companion(path, "-shm")),
        file_state("folder", path.parent),
    ]


# -- the store as shared ---------------------------------------------------------------


@dataclass(slots=True)
class Sharing:
    """How a store is shared: its files, its group's members, and what is wrong."""

    store: Path
    files: list[FileState]
    group: str
    members: list[str]
    filesystem: str | None
    problems: list[str] = field(default_factory=list)
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "group": self.group,
            "members": self.members,
            "filesystem": self.filesystem,
            "files": [
                {
                    "file": str(state.path),
                    "role": state.role,
                    "exists": state.exists,
                    **(
                        {
                            "owner": state.owner,
                            "group": state.group,
                            "mode": state.mode_text,
                            "writers": state.writers(),
                        }
                        if state.exists
                        else {}
                    ),
                }
                for state in self.files
            ],
            "problems": self.problems,
            "fix": self.fix,
        }


def share_command(store: Path, group: str, *, as_root: bool) -> str:
    """The command that shares ``store`` with ``group`` (``sudo`` first when needed)."""
    command = shlex.join(["tracker-tui", "share", str(store), "--group", group])
    return f"sudo {command}" if as_root else command


def sharing(path: Path, mounts: Path | None = None) -> Sharing:
    """Describe how the store at ``path`` is shared with its group (the folder's group
    while the store does not exist yet), flagging every file that would leave one of
    that group's members unable to save, and the command that fixes it."""
    files = store_files(path)
    store, folder = files[0], files[3]
    anchor = store if store.exists else folder
    members = group_members(anchor.gid) if anchor.exists else []
    group = anchor.group if anchor.exists else ""
    report = Sharing(
        path, files, group=group, members=members, filesystem=filesystem_type(path, mounts)
    )
    if report.filesystem in NETWORK_FILESYSTEMS:
        report.problems.append(
            f"{path} is on {report.filesystem}, a network file system: SQLite's write-ahead "
            "log needs every user on the same machine; move the store to a local disk"
        )
        return report
    # Sharing means the group holds someone besides the owner; a personal store (its
    # owner's own group) has nobody to leave out.
    people = sorted(set(members) | ({anchor.owner} if anchor.exists else set()))
    if len(people) < 2:
        return report
    to_change: list[FileState] = []
    for state in files:
        if not state.exists:
            continue
        stuck = []
        for person in people:
            ids = _user_ids(person)
            if ids is not None and not state.can_write(*ids):
                stuck.append(person)
        if stuck:
            what = "create the -wal and -shm files in it" if state.role == "folder" else "save"
            report.problems.append(
                f"{state.describe()}: {', '.join(stuck)} cannot {what}, so "
                f"{'their dashboards open' if len(stuck) > 1 else 'their dashboard opens'} "
                "read-only or cannot save"
            )
            to_change.append(state)
        elif state.role == "folder" and not state.mode & stat.S_ISGID:
            report.problems.append(
                f"{state.describe()}: not setgid, so a file made in it gets its maker's "
                f"own group instead of {group}"
            )
            to_change.append(state)
    if to_change:
        report.fix = _fix_for(path, group, to_change)
    return report


def _fix_for(path: Path, group: str, states: list[FileState]) -> str:
    """``chmod g+w FILE`` when group write is all that is missing on files we own, else
    ``tracker-tui share``, with ``sudo`` when another user's file must change."""
    me = os.geteuid() if hasattr(os, "geteuid") else -1
    only_mode = all(
        s.role != "folder" and s.group == group and s.uid == me and not s.mode & stat.S_IWGRP
        for s in states
    )
    if only_mode:
        return shlex.join(["chmod", "g+w", *(str(s.path) for s in states)])
    return share_command(path, group, as_root=me != 0 and any(s.uid != me for s in states))


# -- the current user ------------------------------------------------------------------


def why_not_writable(path: Path) -> str | None:
    """Why this user cannot save to the store at ``path``: each of the store, its
    ``-wal`` and ``-shm`` they may not write (else the folder, when one of those is
    still to be made), described with the command that fixes it (``tracker.db-shm is
    owned by root:root, mode 644, read-only for you; fix: sudo tracker-tui share ...``);
    None when each is writable (the cause is elsewhere)."""
    states = store_files(path)
    folder = states[3]
    blocking = [s for s in states[:3] if s.exists and not os.access(s.path, os.W_OK)]
    missing = [s for s in states[1:3] if not s.exists]
    if not blocking and missing and folder.exists and not os.access(folder.path, os.W_OK):
        blocking = [folder]
    if not blocking:
        return None
    store = states[0]
    group = store.group if store.exists else folder.group
    me = os.geteuid() if hasattr(os, "geteuid") else -1
    if len(blocking) == 1 and blocking[0].uid == me:
        # Our own file: its owner's write bit is all that is missing.
        only = blocking[0]
        fix = shlex.join(["chmod", "u+wx" if only.role == "folder" else "u+w", str(only.path)])
    else:
        fix = share_command(path, group, as_root=me != 0)
    described = " and ".join(state.describe() for state in blocking)
    return f"{described}, read-only for you; fix: {fix}"


#: Files opened read-only stay so for the process that opened them (SQLite keeps the
#: ``-shm`` it mapped): once ``share`` or ``chmod`` has fixed them, only a restart helps.
FIXED_SINCE_OPENED = (
    "its files have become writable since tracker-tui opened them: restart tracker-tui to save"
)


def why_read_only(path: Path | None, *, by_permissions: bool) -> str | None:
    """Why a store opened read-only (``by_permissions``: not asked for) cannot be written
    by this user: the file in the way and its fix, or, when each is writable by now, that
    a restart is what is left; None when permissions are not why."""
    why = why_not_writable(path) if path is not None else None
    if why is None and by_permissions:
        return FIXED_SINCE_OPENED
    return why


def read_only_message(where: str, path: Path | None, *, by_permissions: bool = False) -> str:
    """``{where} is open read-only: ...``, naming the file that makes it so for this user
    and the command that fixes it, when permissions are why."""
    why = why_read_only(path, by_permissions=by_permissions)
    return f"{where} is open read-only: {why or 'you can watch, not edit'}"
