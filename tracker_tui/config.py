"""User settings: ``config.toml`` in platformdirs' user config dir for tracker-tui.

    theme = "textual-dark"          # any Textual theme; saved when changed in the app
    stale_days = 7                  # a task not Complete, untouched this long, is stale
    complete_adds_activity = true   # "UT-004 completed." added to the log on Complete
    forecast_window_days = 14       # the days a milestone's forecast takes its rate from
    standup_order = ["Ann", "Bob"]  # the walk-through's order of owners (default: table order)
    standup_minutes_per_owner = 2   # the walk-through's countdown per owner

    [keymap]                        # binding id -> keys (comma-separated for several)
    "snapshot.status-next" = "x"
    "app.quit" = "ctrl+q"

A missing file gives the defaults; a broken one gives the defaults plus a warning that the
app shows once, rather than refusing to start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker_tui.domain import Clock

APP_NAME = "tracker-tui"
DEFAULT_THEME = "textual-dark"


def config_path() -> Path:
    """Where the settings file lives (it need not exist)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


@dataclass(slots=True)
class Settings:
    """The dashboard's settings. ``today`` fixes the date (tests); None means the store's clock."""

    theme: str = DEFAULT_THEME
    stale_days: int = 7
    complete_adds_activity: bool = True
    #: The days of history a milestone's forecast takes its rate from (Trends, header).
    forecast_window_days: int = 14
    keymap: dict[str, str] = field(default_factory=dict)
    #: The stand-up's walk-through: owners in this order first (issue 13).
    standup_order: list[str] = field(default_factory=list)
    standup_minutes_per_owner: float = 2
    today: date | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def current_date(self, clock: Clock) -> date:
        """Today: ``today`` when a test pins it, else the store's clock (one clock for
        the store, the UI and the CLI)."""
        return self.today or clock.today()


def load_settings(path: Path | None = None) -> Settings:
    """Read settings from ``path`` (default: ``config_path()``)."""
    path = path or config_path()
    settings = Settings(path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return settings
    except (OSError, UnicodeDecodeError) as err:
        settings.warnings.append(f"{path}: {err}; using the default settings")
        return settings
    import tomllib  # here: without a config file, the first frame does without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        settings.warnings.append(f"{path}: {err}; using the default settings")
        return settings

    theme = data.get("theme")
    if isinstance(theme, str) and theme:
        settings.theme = theme
    stale = data.get("stale_days")
    if isinstance(stale, int) and not isinstance(stale, bool) and stale >= 0:
        settings.stale_days = stale
    elif stale is not None:
        settings.warnings.append(f"{path}: stale_days must be a whole number of days")
    adds = data.get("complete_adds_activity")
    if isinstance(adds, bool):
        settings.complete_adds_activity = adds
    elif adds is not None:
        settings.warnings.append(f"{path}: complete_adds_activity must be true or false")
    window = data.get("forecast_window_days")
    if isinstance(window, int) and not isinstance(window, bool) and window >= 1:
        settings.forecast_window_days = window
    elif window is not None:
        settings.warnings.append(f"{path}: forecast_window_days must be a whole number of days")
    _load_standup(data, settings, path)
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        for binding_id, keys in keymap.items():
            if isinstance(keys, str) and keys.strip():
                settings.keymap[str(binding_id)] = keys.strip()
            elif isinstance(keys, list) and all(isinstance(k, str) for k in keys):
                settings.keymap[str(binding_id)] = ",".join(k.strip() for k in keys)
            else:
                settings.warnings.append(f"{path}: keymap {binding_id!r} must be a string")
    else:
        settings.warnings.append(f"{path}: [keymap] must be a table")
    return settings


def _load_standup(data: dict[str, object], settings: Settings, path: Path) -> None:
    """``standup_order`` (a list of owner names) and ``standup_minutes_per_owner``."""
    order = data.get("standup_order")
    if isinstance(order, list) and all(isinstance(name, str) for name in order):
        settings.standup_order = [str(name) for name in order]
    elif order is not None:
        settings.warnings.append(f"{path}: standup_order must be a list of owner names")
    minutes = data.get("standup_minutes_per_owner")
    if isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes > 0:
        settings.standup_minutes_per_owner = float(minutes)
    elif minutes is not None:
        settings.warnings.append(f"{path}: standup_minutes_per_owner must be a positive number")


def save_theme(settings: Settings, theme: str) -> None:
    """Remember ``theme``: change only the ``theme =`` value, keeping every comment,
    blank line and key of the file as the user wrote it (tomlkit edits the file in
    place; a regular expression lost the comment on the ``theme =`` line).

    A file that is not valid TOML is left alone (it already gave a warning at start-up,
    and rewriting it could lose what the user is in the middle of fixing). Failing to
    save is not worth interrupting the user for: the error is swallowed.
    """
    import tomlkit  # only here: the first frame never pays for it
    from tomlkit.exceptions import TOMLKitError

    settings.theme = theme
    path = settings.path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        return
    try:
        document = tomlkit.parse(text)
    except TOMLKitError:
        return
    # tomlkit puts a new top-level key before the first [table], and a changed value
    # keeps its line's comment.
    document["theme"] = theme
    new_text = tomlkit.dumps(document)
    if not new_text.endswith("\n"):
        new_text += "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
    except OSError:
        pass
