"""A throwaway PostgreSQL cluster for the tests: ``initdb`` into a temporary directory,
``pg_ctl start`` on a Unix socket only (no TCP), ``pg_ctl stop`` and removal at the end.

PostgreSQL refuses to run as root: when the tests run as root (CI, containers), the
server runs as the ``postgres`` OS user if there is one, else as ``nobody``, with a data
directory under /tmp that this user owns. Anything missing (the binaries, psycopg, a user
to run as) makes ``start_cluster`` return None with the reason, and the tests skip.

Not a conftest: ``tests/test_postgres.py`` wraps it in a session-scoped fixture.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: A role that must give a password (``PASSWORD``); every other role is trusted.
PASSWORD_USER = "pw_user"
PASSWORD = "correct-horse-42"


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: ``PG_BIN`` if set, else the
    newest /usr/lib/postgresql/*/bin, else wherever ``PATH`` finds them."""
    candidates: list[Path] = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))

    def version(path: str) -> int:
        try:
            return int(Path(path).parent.name)
        except ValueError:
            return 0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)]
    candidates.reverse()
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def _free_port() -> int:
    # The server listens on a Unix socket only, whose name carries the port: any number
    # nobody else uses in this socket directory will do, a free TCP port is a safe pick.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    bin_dir: Path
    root: Path  # owns data/ and the socket; removed at stop
    socket_dir: Path
    port: int
    user: str | None  # the OS user the server runs as (None: this process's user)
    options: str = ""  # the server's command-line options (pg_ctl -o)

    def url(self, database: str = "postgres", *, login: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database``; ``login`` is ``user`` or ``user:password``."""
        return f"postgresql+psycopg://{login}@/{database}?host={self.socket_dir}&port={self.port}"

    def _dsn(self, database: str) -> str:
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self._dsn(database), autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _pg_ctl(self, *args: str) -> None:
        _run(self, [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), *args])

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart -m mode``: every connection is cut, the server comes back."""
        # -l: without it the server would hold pg_ctl's output pipe open (and _run waits).
        log = str(self.root / "server.log")
        self._pg_ctl("-m", mode, "-w", "-t", "60", "-o", self.options, "-l", log, "restart")

    def shut_down(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m mode``, keeping the data: ``start_again`` brings it back."""
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def start_again(self) -> None:
        self._pg_ctl(
            "-o", self.options, "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        _run(
            self,
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _run(cluster_or_user: Cluster | str | None, args: list[str], *, check: bool = True):
    user = cluster_or_user.user if isinstance(cluster_or_user, Cluster) else cluster_or_user
    return subprocess.run(
        args,
        user=user,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
        cwd="/tmp",
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )


def _run_as() -> tuple[str | None, str | None]:
    """(the OS user to run the server as, or None for ourselves; a reason to skip)."""
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name, None
    return None, "running as root and there is neither a postgres nor a nobody user"


def start_cluster(
    max_connections: int = 60, *, durable_commits: bool = False
) -> tuple[Cluster | None, str]:
    """Start a cluster; returns (cluster, "") or (None, why not). ``durable_commits``:
    a commit has reached the WAL when it returns, as on a real server, so that it survives
    ``pg_ctl stop -m immediate`` (the default trades that for speed)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed (pip install 'tracker-tui[postgres]')"
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None, "PostgreSQL server binaries (initdb, pg_ctl) not found"
    user, reason = _run_as()
    if reason:
        return None, reason
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-", dir="/tmp"))
    socket_dir = root / "socket"
    socket_dir.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (root, socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        root.chmod(0o755)
    port = _free_port()
    cluster = Cluster(bin_dir, root, socket_dir, port, user)
    data = root / "data"
    try:
        _run(
            user,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )
        # One role logs in with a password (the others are trusted): for the tests of a
        # refused login. pg_hba.conf is read top down, so this line goes first.
        hba = data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_USER} scram-sha-256\n" + hba.read_text())
        options = (
            f"-k {socket_dir} -p {port} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off "
            f"-c synchronous_commit={'on' if durable_commits else 'off'} "
            f"-c max_connections={max_connections}"
        )
        cluster.options = options
        _run(
            user,
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        log = root / "server.log"
        if log.exists():
            detail += log.read_text(errors="replace")[-500:]
        cluster.stop()
        return None, f"cannot start a PostgreSQL cluster: {detail.strip()[:300]}"
    deadline = time.monotonic() + 30
    while True:
        try:
            cluster.execute("SELECT 1")
            break
        except Exception as error:
            if time.monotonic() > deadline:
                cluster.stop()
                return None, f"the PostgreSQL cluster does not answer: {error}"
            time.sleep(0.2)
    cluster.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")
    return cluster, ""


def running_cluster(
    max_connections: int = 60, *, durable_commits: bool = False
) -> Iterator[Cluster]:
    """A fixture's body: a cluster from ``start_cluster`` (the test is ``missing`` it
    otherwise: skipped, or failed under CI=true), stopped afterwards."""
    from requirements import missing

    cluster, why = start_cluster(max_connections, durable_commits=durable_commits)
    if cluster is None:
        missing(why)
    yield cluster
    cluster.stop()
