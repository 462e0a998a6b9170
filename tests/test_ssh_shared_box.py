"""Two leads share one store on a box over real SSH, set up as the README says.

Nothing is simulated: a real ``sshd`` listens on 127.0.0.1 (a free port, a throwaway host
key and config, key login only), two throwaway users in one throwaway group log in with
``ssh``, and each dashboard is ``ssh -t ... tracker-tui`` in a tmux pane, read as a
person would read it. The login has no locale (sshd passes none: ``LANG`` is unset),
one terminal is ``xterm`` and the other ``xterm-256color``.

- The README recipe, step by step: the folder ``2775 root:GROUP``; the first lead imports
  the seed with ``umask 002``; the second lead presses ``j`` ``-``; the store has UT-002 at
  90 %, the history names the second lead, and the first lead's open dashboard shows it.
- A broken setup (a store that is not group-writable, a ``-shm`` root left behind): the
  message names the file in the way, and ``check`` names the command that fixes it.
- A dropped session: the ``ssh`` client killed in the middle of a form and of a quick
  edit; then ``check`` passes and another process writes at once (no lock is left).

Needs root (to create the users and run sshd) and ``/usr/sbin/sshd``: outside CI the
test skips without them; under ``CI=true`` it fails (``.ci/run`` installs openssh-server).
"""

from __future__ import annotations

import contextlib
import grp
import io
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from requirements import missing
from terminal_driver import Screen, Tmux, tmux_path

pytestmark = pytest.mark.slow

SSHD = Path("/usr/sbin/sshd")
#: The check a throwaway user's interpreter must pass to run tracker-tui.
_IMPORTS = "import sqlite3, sqlmodel, textual, tracker_tui.cli"
#: Generous: a loaded 2-core CI box may take seconds to start a Python over SSH.
WAIT = 45.0


# -- the box -------------------------------------------------------------------------------


def _run(*argv: str, check: bool = True, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
        **options,  # type: ignore[arg-type]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _python_for(user: str) -> tuple[str, str]:
    """An interpreter ``user`` can run with this checkout importable: (executable,
    PYTHONPATH). This one first; when it lives where other users cannot reach (a pyenv
    build under /root), a system Python of the same version given this venv's
    site-packages (same version, so its compiled wheels load)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    pythonpath = os.pathsep.join([str(ROOT), *site])
    candidates = [(sys.executable, str(ROOT))]
    candidates += [(f"{folder}/{version}", pythonpath) for folder in ("/usr/bin", "/usr/local/bin")]
    tried = []
    for executable, path in candidates:
        if not Path(executable).exists():
            continue
        try:
            done = _run(
                executable,
                "-c",
                _IMPORTS,
                check=False,
                cwd="/",
                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": path},
                user=user,
            )
        except OSError as error:  # cannot even be started as that user
            tried.append(f"{executable}: {error.strerror}")
            continue
        if done.returncode == 0:
            return executable, path
        tried.append(f"{executable}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    pytest.fail(
        f"the throwaway user {user} cannot run tracker-tui with any Python here "
        f"({'; '.join(tried) or 'none found'}): the checkout ({ROOT}) and its virtualenv "
        "must be readable by other users, e.g. not under a 0700 /root",
        pytrace=False,
    )


@dataclass
class Box:
    """The shared box: a group, two leads, sshd, and the folder the README names."""

    base: Path
    group: str
    first: str
    second: str
    port: int
    key: Path
    bin: Path
    seed: Path
    sshd: subprocess.Popen[bytes] | None = None

    def folder(self, name: str) -> Path:
        """A fresh ``/srv/tracker`` for one test, shared as README step 1 does it:
        ``tracker-tui share FOLDER/tracker.db --group GROUP``, run by an admin (root)."""
        folder = self.base / "srv" / name
        folder.mkdir(parents=True, mode=0o755)
        folder.chmod(0o755)
        code, out, err = local("share", str(folder / "tracker.db"), "--group", self.group)
        assert code == 0, err
        assert out.splitlines() == [
            "changed:",
            f"  chgrp {self.group} {folder}   (was root)",
            f"  chmod 2775 {folder}   (was 755)",
            f"every member of {self.group} can now open and save {folder / 'tracker.db'}",
        ], out
        info = folder.stat()
        assert stat.S_IMODE(info.st_mode) == 0o2775 and info.st_uid == 0
        return folder

    def ssh(self, user: str, command: str, *, tty: bool = False) -> list[str]:
        """``ssh user@127.0.0.1 command`` with the throwaway key, no config, no prompts."""
        return [
            "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(self.key),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            *(["-t"] if tty else ["-T"]),
            f"{user}@127.0.0.1",
            command,
        ]

    def lead(self, command: str, *, umask: str = "002") -> str:
        """What a lead types after logging in: ``umask 002``, then the command (with
        tracker-tui on the PATH, as the box installs it)."""
        return f"umask {umask}; export PATH={shlex.quote(str(self.bin))}:$PATH; {command}"

    def run(
        self, user: str, command: str, *, umask: str = "002"
    ) -> subprocess.CompletedProcess[str]:
        """Run ``command`` as ``user`` over SSH (no terminal)."""
        return _run(*self.ssh(user, self.lead(command, umask=umask)), check=False)

    def import_seed(self, user: str, store: Path, *, umask: str = "002") -> None:
        """README step 2: ``umask 002; tracker-tui import seed.md --db STORE``."""
        done = self.run(user, f"tracker-tui import {self.seed} --db {store}", umask=umask)
        assert done.returncode == 0, done.stderr

    def dashboard(
        self,
        tmux: Tmux,
        user: str,
        store: Path,
        *,
        size: tuple[int, int] = (80, 24),
        term: str = "xterm-256color",
    ) -> str:
        """``ssh -t user@box tracker-tui`` in a tmux pane of ``size``, once it is drawn."""
        pane = tmux.start(
            # README step 3: ssh -t lead@box 'umask 002; TRACKER_TUI_DB=... tracker-tui'
            self.ssh(user, self.lead(f"TRACKER_TUI_DB={store} tracker-tui"), tty=True),
            {"TERM": term, "LANG": "", "LC_ALL": ""},
            size=size,
        )
        tmux.wait_for(pane, ready, f"{user}'s dashboard over ssh", deadline=WAIT)
        return pane


def ready(screen: Screen) -> bool:
    return screen.row("UT-007") is not None and "Quit" in screen.text


def _wait_port(port: int, sshd: subprocess.Popen[bytes], log: Path) -> None:
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if sshd.poll() is not None:
            pytest.fail(f"sshd exited: {log.read_text(errors='replace')}", pytrace=False)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    pytest.fail(f"sshd never listened on {port}: {log.read_text(errors='replace')}")


def _kill_users_processes(name: str) -> None:
    """End what a throwaway user still runs (by process ID: only theirs)."""
    done = _run("pgrep", "-u", name, check=False)
    for pid in done.stdout.split():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signal.SIGKILL)


@pytest.fixture(scope="module")
def box() -> Iterator[Box]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        missing("needs root: to create two throwaway users and run sshd")
    if not SSHD.exists():
        missing(f"{SSHD} is not installed (apt-get install openssh-server)")
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        missing("the ssh client is not installed (apt-get install openssh-client)")
    if tmux_path() is None:
        missing("tmux is not installed")
    tag = uuid.uuid4().hex[:6]
    base = Path(tempfile.mkdtemp(prefix="tracker-ssh-", dir="/tmp"))
    base.chmod(0o755)  # the leads must reach the folder, the seed and the command
    names = (f"ttlead{tag}", f"ttl1{tag}", f"ttl2{tag}")
    group, first, second = names
    made: list[tuple[str, str]] = []
    sshd: subprocess.Popen[bytes] | None = None
    try:
        _run("groupadd", group)
        made.append(("groupdel", group))
        for user in (first, second):
            home = base / "home" / user
            # "*": no password, but not a locked account (sshd refuses those without PAM).
            _run("useradd", "-m", "-d", str(home), "-s", "/bin/sh", "-G", group, "-p", "*", user)
            made.insert(0, ("userdel", user))
        keys = base / "keys"
        keys.mkdir()
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host"))
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "lead"))
        shutil.copy(keys / "lead.pub", keys / "authorized_keys")
        (keys / "authorized_keys").chmod(0o644)
        port = _free_port()
        config = keys / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {port}",
                    f"HostKey {keys / 'host'}",
                    f"PidFile {keys / 'sshd.pid'}",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    f"AuthorizedKeysFile {keys / 'authorized_keys'}",
                    "StrictModes no",
                    f"AllowUsers {first} {second}",
                    "PermitRootLogin no",
                    "X11Forwarding no",
                    "PrintMotd no",
                    "Subsystem sftp internal-sftp",
                ]
            )
            + "\n"
        )
        # sshd refuses to start without its privilege separation folder (the service
        # makes it at boot; a container has none).
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        log = keys / "sshd.log"
        sshd = subprocess.Popen(
            [str(SSHD), "-D", "-f", str(config), "-E", str(log)], stdin=subprocess.DEVNULL
        )
        _wait_port(port, sshd, log)
        executable, pythonpath = _python_for(second)
        bin_dir = base / "bin"
        bin_dir.mkdir()
        command = bin_dir / "tracker-tui"
        # How tracker-tui is installed on this box: this checkout, run by a Python the
        # leads can run (the test's own virtualenv may be out of their reach).
        command.write_text(
            "#!/bin/sh\n"
            f"export PYTHONPATH={shlex.quote(pythonpath)}\n"
            f'exec {shlex.quote(executable)} -m tracker_tui "$@"\n'
        )
        command.chmod(0o755)
        seed = base / "seed.md"
        shutil.copy(SAMPLE, seed)
        seed.chmod(0o644)
        yield Box(base, group, first, second, port, keys / "lead", bin_dir, seed, sshd)
    finally:
        if sshd is not None:
            sshd.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                sshd.wait(10)
        for action, name in made:
            if action == "userdel":
                _kill_users_processes(name)
            _run(action, name, check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux()
    try:
        yield server
    finally:
        server.close()


# -- helpers --------------------------------------------------------------------------------


def files_of(store: Path) -> list[Path]:
    return [p for p in (store, *(store.with_name(store.name + s) for s in ("-wal", "-shm")))]


def local(*argv: str) -> tuple[int, str, str]:
    """``tracker-tui ARGV`` run here, as root (an admin on the box): in this process, so
    that the checks cost no Python start-up. Run as root, SQLite gives the -wal and
    -shm it makes the store's owner, so this leaves nothing the leads cannot write."""
    from tracker_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def progress_of(store: Path, task_id: str) -> int:
    code, out, err = local("export", "--format", "json", "--db", str(store))
    assert code == 0, err
    return int(next(t for t in json.loads(out)["tasks"] if t["id"] == task_id)["progress"])


def history_of(store: Path, task_id: str) -> list[dict]:
    code, out, err = local("history", task_id, "--format", "json", "--db", str(store))
    assert code == 0, err
    return list(json.loads(out))


def check(store: Path) -> tuple[int, dict]:
    code, out, err = local("check", "--format", "json", "--db", str(store))
    assert out, err
    return code, json.loads(out)


def shows_progress(task_id: str, percent: int):  # type: ignore[no-untyped-def]
    def condition(screen: Screen) -> bool:
        row = screen.row(task_id)
        return row is not None and f"{percent}%" in row

    return condition


def remote_pids(user: str) -> list[str]:
    return _run("pgrep", "-u", user, "-f", "tracker_tui", check=False).stdout.split()


def wait_until_gone(user: str) -> None:
    end = time.monotonic() + WAIT
    while remote_pids(user):
        assert time.monotonic() < end, f"{user}'s tracker-tui did not end after the hang-up"
        time.sleep(0.1)


def kill_ssh_client(tmux: Tmux, pane: str) -> None:
    """Kill the pane's ``ssh`` client, as a dropped connection would end it."""
    shell = tmux.tmux("display-message", "-p", "-t", pane, "#{pane_pid}").strip()
    children = _run("pgrep", "-P", shell, "-x", "ssh", check=False).stdout.split()
    assert children, "no ssh client in the pane"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)


# -- the README recipe ---------------------------------------------------------------------


def test_readme_recipe_two_leads_both_edit(box: Box, tmux: Tmux) -> None:
    """The README's "Sharing a store on a box", step by step, over SSH."""
    folder = box.folder("recipe")
    store = folder / "tracker.db"
    # 2. The first lead imports the seed, with umask 002.
    box.import_seed(box.first, store)
    mode = stat.S_IMODE(store.stat().st_mode)
    assert mode == 0o664, f"the store came out {mode:o}"
    assert grp.getgrgid(store.stat().st_gid).gr_name == box.group
    # Both dashboards open over ssh -t, with no locale; one xterm, one xterm-256color.
    first = box.dashboard(tmux, box.first, store, size=(100, 30), term="xterm")
    second = box.dashboard(tmux, box.second, store, size=(80, 24))
    # No locale over SSH (sshd passes none), and the drawing is still the full one.
    assert box.run(box.second, 'echo "[$LANG$LC_ALL]"').stdout.strip() == "[]"
    screen = tmux.wait_for(
        second, lambda s: "2 Risks" in s.text and "7 Trends" in s.text, "the tabs, drawn in full"
    )
    assert "█" in screen.text and "READ-ONLY" not in screen.text, screen.text
    assert all(len(line) <= 80 for line in screen.lines)
    # Every file SQLite made meanwhile is the group's and group-writable.
    for path in files_of(store):
        if path.exists():
            info = path.stat()
            assert info.st_mode & stat.S_IWGRP, f"{path.name} is {info.st_mode:o}"
            assert grp.getgrgid(info.st_gid).gr_name == box.group, path.name
    # 3. The second lead presses j -: UT-002 (Complete, 100 %) goes to 90 %.
    tmux.send(second, "j", "-")
    tmux.wait_for(second, shows_progress("UT-002", 90), "UT-002 at 90% for the second lead")
    seen = time.monotonic()
    # 4. The first lead's open dashboard shows it (the README says within a second).
    tmux.wait_for(first, shows_progress("UT-002", 90), "UT-002 at 90% for the first lead")
    print(f"\nthe first lead saw the second's edit {time.monotonic() - seen:.2f} s later")
    assert progress_of(store, "UT-002") == 90
    assert history_of(store, "UT-002")[0]["user"] == box.second
    # Both can edit: the first lead's own + comes back to the second's screen.
    tmux.send(first, "j", "+")
    tmux.wait_for(second, shows_progress("UT-002", 100), "the first lead's + on the second's")
    # A terminal resized over SSH: the client passes it on, the dashboard redraws.
    tmux.resize(second, (120, 30))
    tmux.wait_for(
        second,
        lambda s: ready(s) and any(len(line.rstrip()) > 100 for line in s.lines),
        "the dashboard redrawn at 120 columns",
    )
    tmux.send(first, "q")
    tmux.send(second, "q")
    wait_until_gone(box.first)
    wait_until_gone(box.second)
    code, report = check(store)
    assert code == 0 and report["ok"] and report["sharing"]["ok"], report


# -- the broken setup ----------------------------------------------------------------------


def test_a_store_that_is_not_group_writable_says_which_file_and_the_fix(
    box: Box, tmux: Tmux
) -> None:
    folder = box.folder("broken")
    store = folder / "tracker.db"
    # The first lead forgot the umask: the store is theirs alone to write.
    box.import_seed(box.first, store, umask="022")
    second = box.dashboard(tmux, box.second, store)
    tmux.send(second, "j", "-")
    screen = tmux.wait_for(second, lambda s: "tracker.db is owned by" in s.toasts(), "why")
    # The toast wraps a long path anywhere: compare without the spaces.
    said = "".join(screen.toasts().split())
    assert f"{box.first}:{box.group},mode644" in said, screen.text
    assert f"sudotracker-tuishare{store}--group{box.group}" in said, screen.text
    tmux.send(second, "q")
    # check, as the second lead runs it, names who cannot save and the fix.
    done = box.run(box.second, f"tracker-tui check --db {store}")
    assert done.returncode == 1, done.stdout + done.stderr
    # The summary at the top agrees with the exit status (it said "ok: True").
    assert "ok: False" in done.stdout, done.stdout
    assert f"- tracker.db is owned by {box.first}:{box.group}, mode 644" in done.stdout
    assert f"{box.second} cannot save" in done.stdout, done.stdout
    assert f"fix: sudo tracker-tui share {store} --group {box.group}" in done.stdout
    # As the issue found it: the store made group-writable by hand, and a -shm that
    # root's processes left behind (root's check, while root owned the store).
    os.chown(store, 0, -1)
    local("check", "--db", str(store))
    os.chown(store, pwd.getpwnam(box.first).pw_uid, -1)
    store.chmod(0o664)
    shm = store.with_name(store.name + "-shm")
    assert shm.exists() and shm.stat().st_uid == 0, "root's check left no -shm"
    done = box.run(box.second, f"tracker-tui set UT-002 --progress -10 --db {store}")
    assert done.returncode == 1
    assert "tracker.db-shm is owned by root" in done.stderr, done.stderr
    assert f"fix: sudo tracker-tui share {store} --group {box.group}" in done.stderr
    code, report = check(store)
    assert code == 1 and report["sharing"]["fix"].endswith(f"share {store} --group {box.group}")
    # The fix it names works: the second lead saves.
    code, out, err = local("share", str(store), "--group", box.group)
    assert code == 0, err
    assert f"chmod 664 {shm}" in out, out
    done = box.run(box.second, f"tracker-tui set UT-002 --progress -10 --db {store}")
    assert done.returncode == 0, done.stderr
    assert progress_of(store, "UT-002") == 90
    assert check(store)[0] == 0


def test_a_dashboard_open_across_the_fix_says_to_restart(box: Box, tmux: Tmux) -> None:
    """A dashboard that opened the store while root's -shm was in the way keeps it mapped
    read-only after ``share`` fixes the files: its next save says to restart, not the
    vague "the file or its folder is read-only" that no longer holds."""
    folder = box.folder("fixed-while-open")
    store = folder / "tracker.db"
    box.import_seed(box.first, store)
    os.chown(store, 0, -1)
    store.chmod(0o644)  # SQLite gives the -shm the store's mode
    local("check", "--db", str(store))  # root's process leaves a root-owned 644 -shm
    os.chown(store, pwd.getpwnam(box.first).pw_uid, -1)
    store.chmod(0o664)
    assert store.with_name("tracker.db-shm").stat().st_mode & 0o777 == 0o644
    second = box.dashboard(tmux, box.second, store)
    tmux.send(second, "j", "-")
    tmux.wait_for(second, lambda s: "-shm is owned by root" in s.toasts(), "the -shm named")
    assert local("share", str(store), "--group", box.group)[0] == 0
    tmux.send(second, "-")  # (escape then "-" would reach it as alt+minus)
    screen = tmux.wait_for(second, lambda s: "restart" in s.toasts(), "restart named")
    said = " ".join(screen.toasts().split())
    assert "writable since tracker-tui opened them" in said, screen.text
    tmux.send(second, "q")
    done = box.run(box.second, f"tracker-tui set UT-002 --progress -10 --db {store}")
    assert done.returncode == 0, done.stderr


# -- a dropped session ---------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["form", "quick edit"])
def test_a_dropped_session_leaves_no_lock_and_no_half_edit(
    box: Box, tmux: Tmux, moment: str
) -> None:
    folder = box.folder(f"dropped-{moment.replace(' ', '-')}")
    store = folder / "tracker.db"
    box.import_seed(box.first, store)
    second = box.dashboard(tmux, box.second, store)
    if moment == "form":
        tmux.send(second, "e")
        tmux.wait_for(second, lambda s: "Save" in s.text and "Title" in s.text, "the form")
        tmux.send(second, "x", "y", "z")
    else:
        tmux.send(second, "j", "-", "-", "-")
    kill_ssh_client(tmux, second)
    wait_until_gone(box.second)
    code, report = check(store)
    assert code == 0 and report["ok"] and report["sharing"]["ok"], report
    # No half-written edit: UT-002's progress and its history agree.
    nudges = [c for c in history_of(store, "UT-002") if c["field"] == "progress"]
    assert progress_of(store, "UT-002") == 100 - 10 * len(nudges), nudges
    # No lock left: another process writes at once, with no time to wait for a lock.
    from tracker_tui.domain import StoreLockedError
    from tracker_tui.store import Store, engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
        patch.setattr(engine, "LOCK_BUDGET_SECONDS", 0.1)
        with Store.open(store, user="admin") as admin:
            try:
                admin.update_task("UT-003", {"progress": "+1"})
            except StoreLockedError as error:
                pytest.fail(f"a lock was left behind: {error}")
    if moment == "form":  # the form's typing was never saved
        assert all("xyz" not in str(change["new"]) for change in history_of(store, "UT-001"))
