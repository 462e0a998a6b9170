"""Sharing a store on one box, without SSH: the umask decides a new store's mode,
``share`` and ``check`` on the files, a failed quick edit that stays on screen, and a
hang-up that ends the dashboard as ``q`` does. (Two real users over real SSH:
test_ssh_shared_box.py.)"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import COMMAND, SAMPLE, settle

from tracker_tui.cli import main
from tracker_tui.domain import TrackerError
from tracker_tui.store import permissions
from tracker_tui.store.rows import SCHEMA_VERSION
from tracker_tui.store.store import Store


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- creation honours the umask ------------------------------------------------------------


@pytest.mark.parametrize(("mask", "expected"), [(0o002, 0o664), (0o022, 0o644), (0o077, 0o600)])
def test_a_new_store_and_its_wal_files_take_the_umask(
    tmp_path: Path, mask: int, expected: int
) -> None:
    path = tmp_path / "tracker.db"
    with umask(mask):
        code, _, err = run("import", str(SAMPLE), "--db", str(path))
        assert code == 0, err
        with Store.open(path, user="alice") as store:
            store.update_task("UT-002", {"progress": "-10"})
            files = [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))]
            assert all(p.exists() for p in files)
            assert {p.name: mode(p) for p in files} == {p.name: expected for p in files}


def test_in_a_setgid_folder_the_store_takes_the_folders_group(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    gid = next((g for g in os.getgroups() if g != os.getegid()), None)
    if gid is None and os.geteuid() == 0:
        gid = 65534  # root may give a folder any group
    if gid is None:
        pytest.skip("needs a second group to give the folder")
    os.chown(folder, -1, gid)
    folder.chmod(0o2775)
    with umask(0o002):
        code, _, err = run("import", str(SAMPLE), "--db", str(folder / "tracker.db"))
    assert code == 0, err
    info = (folder / "tracker.db").stat()
    assert info.st_gid == gid and stat.S_IMODE(info.st_mode) == 0o664


def test_creating_never_touches_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    path.write_bytes(b"keep")
    path.chmod(0o600)
    assert permissions.create_store_file(path) is False
    assert path.read_bytes() == b"keep" and mode(path) == 0o600


# -- share ---------------------------------------------------------------------------------


def _other_group() -> str:
    import grp

    if os.geteuid() != 0:
        pytest.skip("needs root, to give the files another group")
    return grp.getgrgid(65534).gr_name


def test_share_check_shows_the_changes_and_makes_none(tmp_path: Path) -> None:
    group = _other_group()
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o755)
    path = folder / "tracker.db"
    with umask(0o022):
        assert run("import", str(SAMPLE), "--db", str(path))[0] == 0
    before = {p: (p.stat().st_gid, mode(p)) for p in (folder, path)}
    code, out, err = run("share", str(path), "--group", group, "--check")
    assert code == 0, err
    assert out.splitlines()[0] == "would change:"
    assert f"chgrp {group} {folder}" in out and f"chmod 2775 {folder}" in out
    assert f"chmod 664 {path}   (was 644)" in out
    assert {p: (p.stat().st_gid, mode(p)) for p in (folder, path)} == before


def test_share_makes_the_folder_setgid_and_the_files_group_writable(tmp_path: Path) -> None:
    import grp

    group = _other_group()
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o755)
    path = folder / "tracker.db"
    with umask(0o022):
        assert run("import", str(SAMPLE), "--db", str(path))[0] == 0
        with Store.open(path, user="alice") as store:
            store.update_task("UT-002", {"progress": "-10"})
            code, out, err = run("share", str(path), "--group", group)
            assert code == 0, err
            assert out.startswith("changed:")
            gid = grp.getgrnam(group).gr_gid
            assert folder.stat().st_gid == gid and mode(folder) == 0o2775
            for suffix in ("", "-wal", "-shm"):
                info = path.with_name(path.name + suffix).stat()
                assert info.st_gid == gid and info.st_mode & stat.S_IWGRP, suffix
    code, out, _ = run("share", str(path), "--group", group)
    assert code == 0 and "nothing to change" in out


def test_share_refuses_a_network_file_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"server:/export {tmp_path} nfs4 rw,relatime 0 0\n/dev/sda1 / ext4 rw 0 0\n")
    monkeypatch.setattr(permissions, "MOUNTS", mounts)
    code, out, err = run("share", str(tmp_path / "tracker.db"), "--group", "nogroup")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "is on nfs4, a network file system" in err
    assert "shared memory on one machine" in err


def test_share_usage_errors(tmp_path: Path) -> None:
    assert run("share", str(tmp_path / "t.db"))[0] == 2  # --group is required
    code, _, err = run("share", str(tmp_path / "t.db"), "--group", "no-such-group-xyz")
    assert code == 1 and "there is no group named 'no-such-group-xyz'" in err
    code, _, err = run("share", str(tmp_path), "--group", "nogroup")
    assert code == 1 and "is a folder" in err


def test_filesystem_type_reads_the_longest_mount(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\nsrv:/x /mnt/my\\040share cifs rw 0 0\nsrv:/y /mnt nfs rw 0 0\n"
    )
    assert permissions.filesystem_type(Path("/mnt/my share/t.db"), mounts) == "cifs"
    assert permissions.filesystem_type(Path("/mnt/other"), mounts) == "nfs"
    assert permissions.filesystem_type(Path("/home/a"), mounts) == "ext4"


# -- check ---------------------------------------------------------------------------------


def test_check_shows_owner_group_mode_and_writers(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with umask(0o022):
        assert run("import", str(SAMPLE), "--db", str(path))[0] == 0
    code, out, err = run("check", "--db", str(path))
    assert code == 0, err
    assert f"schema version: {SCHEMA_VERSION}" in out  # the existing report is still there
    me = permissions.user_name(os.geteuid())
    line = next(line for line in out.splitlines() if line.strip().startswith(str(path) + " "))
    assert f"{me}:" in line and " 644 " in line and f"writable by {me}" in line
    code, out, _ = run("check", "--format", "json", "--db", str(path))
    sharing = json.loads(out)["sharing"]
    assert sharing["ok"] is True and sharing["fix"] is None
    assert sharing["files"][0] == {
        "file": str(path),
        "role": "store",
        "exists": True,
        "owner": me,
        "group": permissions.group_name(os.getegid()),
        "mode": "644",
        "writers": [me],
    }


# -- messages that name the file -----------------------------------------------------------


SAVE_AS_NOBODY = """
    from tracker_tui.domain import TrackerError
    from tracker_tui.store import Store
    try:
        with Store.open({path!r}, user="nobody") as store:
            store.update_task("UT-002", {{"progress": "-10"}})
    except TrackerError as error:
        print(error)
"""


def test_a_refused_save_names_the_file_in_the_way() -> None:
    """The issue's case: the store is writable, the -shm root left behind is not."""
    from store_docs import run_python

    if os.geteuid() != 0:
        pytest.skip("needs root, to leave a -shm that another user cannot write")
    folder = Path(tempfile.mkdtemp(prefix="tracker-shm-", dir="/tmp"))
    try:
        folder.chmod(0o777)
        path = folder / "tracker.db"
        assert run("import", str(SAMPLE), "--db", str(path))[0] == 0
        os.chown(path, 65534, -1)
        shm = path.with_name(path.name + "-shm")
        shm.write_bytes(b"")
        shm.chmod(0o644)
        done = run_python(SAVE_AS_NOBODY.format(path=str(path)), user="nobody")
        assert done.returncode == 0, done.stderr
        message = done.stdout.strip()
        assert message.startswith(f"cannot save to {path}: tracker.db-shm is owned by root:")
        assert "mode 644, read-only for you" in message
        assert message.endswith(f"fix: sudo tracker-tui share {path} --group root"), message
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- a quick edit that fails stays on screen -----------------------------------------------


async def test_a_failed_quick_edit_stays_marked_until_a_key(
    app, seed_store, monkeypatch: pytest.MonkeyPatch, screen_text
) -> None:
    from tracker_tui.screens.unsaved import UNSAVED_MARK

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise TrackerError("cannot save to t.db: tracker.db-shm is owned by root, mode 644")

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        monkeypatch.setattr(seed_store, "update_task", refuse)
        await pilot.press("j", "minus")
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "UT-002" in line)
        assert row.startswith(UNSAVED_MARK), row
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "UT-002 not saved" in errors[0].message
        assert "tracker.db-shm is owned by root" in errors[0].message
        assert errors[0].timeout > 3600  # not a five-second toast
        await pilot.press("k")
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "UT-002" in line)
        assert not row.startswith(UNSAVED_MARK)
        assert not app._notifications


# -- a hang-up ends the app as q does ------------------------------------------------------


def _dashboard_in_a_pty(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the dashboard in a terminal of its own
        os.execvpe(argv[0], argv, env)
    screen = b""
    end = time.monotonic() + 45
    while b"UT-007" not in screen and time.monotonic() < end:
        try:
            screen += os.read(fd, 65536)
        except OSError:
            break
    assert b"UT-007" in screen, screen[-2000:]
    return pid, fd


def _exit_code(pid: int) -> int:
    end = time.monotonic() + 45
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("the dashboard did not end after the signal")


@pytest.mark.slow
@pytest.mark.parametrize(
    "how",
    [
        "SIGHUP",
        "SIGTERM",
        # The kernel hangs the terminal up: SIGHUP, and every write to it fails (EIO).
        "terminal closed",
    ],
)
def test_demo_removes_its_temporary_folder_on_a_hang_up(tmp_path: Path, how: str) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TERM": "xterm-256color", "LANG": ""}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    pid, fd = _dashboard_in_a_pty([*COMMAND, "demo"], env)
    assert [p.name[:17] for p in temp.iterdir()] == ["tracker-tui-demo-"]
    os.write(fd, b"j-")  # an edit just before the hang-up
    if how == "terminal closed":
        os.close(fd)  # the kernel hangs up the terminal: SIGHUP
    else:
        os.kill(pid, getattr(signal, how))
    code = _exit_code(pid)
    assert code == 128 + (signal.SIGTERM if how == "SIGTERM" else signal.SIGHUP)
    assert list(temp.iterdir()) == []
    if how != "terminal closed":
        os.close(fd)


@pytest.mark.slow
def test_a_hang_up_saves_the_edit_already_made_and_leaves_a_sound_store(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    assert run("import", str(SAMPLE), "--db", str(path))[0] == 0
    env = {**os.environ, "TERM": "xterm", "LANG": "", "TRACKER_TUI_USER": "bob"}
    pid, fd = _dashboard_in_a_pty([*COMMAND, "--db", str(path)], env)
    os.write(fd, b"j-")
    time.sleep(0.5)  # let the key reach the app (it is then saved before it ends)
    os.kill(pid, signal.SIGHUP)
    assert _exit_code(pid) == 128 + signal.SIGHUP
    os.close(fd)
    done = subprocess.run(
        [*COMMAND, "check", "--db", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with Store.open(path, user="alice", read_only=True) as store:
        task = store.task("UT-002")
        assert task is not None and task.progress == 90 and task.updated_by == "bob"


def test_a_store_read_only_by_permissions_that_were_fixed_since_says_to_restart(
    tmp_path: Path,
) -> None:
    """A dashboard that opened read-only because its files were not writable, after
    ``share`` fixed them, says that a restart is what is left, not "you can watch"."""
    path = tmp_path / "tracker.db"
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0
    with Store.open(path, user="sam", read_only=True) as store:
        store.read_only_by_permissions = True  # as _check_compatible sets it for sam
        with pytest.raises(TrackerError, match="writable since tracker-tui opened them"):
            store.update_task("UT-002", {"progress": "-10"})
