"""Where the store lives: a ``--db`` target, ``TRACKER_TUI_DB``, or the platform's data dir."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "tracker-tui"
DB_ENV = "TRACKER_TUI_DB"
USER_ENV = "TRACKER_TUI_USER"


@dataclass(frozen=True, slots=True)
class StoreTarget:
    """A resolved store location.

    ``path`` is set for SQLite files (the embedded default); ``url`` is always a
    SQLAlchemy URL, so that another engine (PostgreSQL) is reached the same way.
    """

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def describe(self) -> str:
        return str(self.path) if self.path is not None else _hide_password(self.url)


def default_store_path() -> Path:
    """``tracker.db`` in platformdirs' user data dir for tracker-tui."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "tracker.db"


def resolve_target(target: str | os.PathLike[str] | None = None) -> StoreTarget:
    """Resolve ``--db TARGET`` (or ``TRACKER_TUI_DB``, or the default) to a StoreTarget.

    A target containing ``://`` is a SQLAlchemy URL; anything else is a file path.
    """
    raw = os.fspath(target) if target else (os.environ.get(DB_ENV) or "")
    if "://" in raw:
        if raw.startswith("sqlite:///"):
            path = Path(raw.removeprefix("sqlite:///")).expanduser()
            return StoreTarget(url=f"sqlite:///{path}", path=path)
        return StoreTarget(url=raw, path=None)
    path = Path(raw).expanduser() if raw else default_store_path()
    path = path.absolute()
    return StoreTarget(url=f"sqlite:///{path}", path=path)


def current_user(as_name: str | None = None) -> str:
    """Who is editing: ``TRACKER_TUI_USER`` when set (a shared Unix account), else
    ``--as NAME``, else the OS login name."""
    from tracker_tui.sanitize import clean_text

    name = os.environ.get(USER_ENV) or as_name
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name in some containers
            name = f"uid{os.getuid()}"
    return clean_text(name).strip()[:64] or "unknown"


def _hide_password(url: str) -> str:
    """``url`` fit to show: a password in it (``user:secret@`` or ``?password=``) becomes
    ``***``; a URL without one is shown as it is."""
    import re

    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    # As SQLAlchemy reads it: the user name stops at ":" or "/", the password at "@".
    credentials = re.match(r"(?P<user>[^:/@]*):(?P<password>[^@]*)@", rest)
    if credentials is not None:
        rest = f"{credentials.group('user')}:***@{rest[credentials.end() :]}"
    rest = re.sub(r"([?&]password=)[^&]*", r"\1***", rest, flags=re.IGNORECASE)
    return f"{scheme}://{rest}"
