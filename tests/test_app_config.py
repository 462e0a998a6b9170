"""Settings: the config file, the keymap and the saved theme."""

from __future__ import annotations

from pathlib import Path

from tracker_tui.app import make_app
from tracker_tui.config import Settings, config_path, load_settings, save_theme
from tracker_tui.store.store import Store


def test_defaults_when_there_is_no_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.toml")
    assert (settings.stale_days, settings.complete_adds_activity) == (7, True)
    assert settings.keymap == {}
    assert settings.warnings == []


def test_config_path_is_in_the_isolated_config_dir(tmp_path: Path) -> None:
    assert config_path().is_relative_to(tmp_path)
    assert config_path().name == "config.toml"


def test_reads_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'theme = "nord"\nstale_days = 3\ncomplete_adds_activity = false\n'
        '[keymap]\n"snapshot.status-next" = "x"\n"app.quit" = ["ctrl+q", "Q"]\n'
    )
    settings = load_settings(path)
    assert settings.theme == "nord"
    assert settings.stale_days == 3
    assert settings.complete_adds_activity is False
    assert settings.keymap == {"snapshot.status-next": "x", "app.quit": "ctrl+q,Q"}


def test_a_broken_file_warns_and_uses_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("stale_days = = 3")
    settings = load_settings(path)
    assert settings.stale_days == 7
    assert settings.warnings


def test_save_theme_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('stale_days = 3\n\n[keymap]\n"app.quit" = "Q"\n')
    settings = load_settings(path)
    save_theme(settings, "gruvbox")
    again = load_settings(path)
    assert (again.theme, again.stale_days, again.keymap) == ("gruvbox", 3, {"app.quit": "Q"})


COMMENTED_CONFIG = """\
# tracker-tui settings (mine)
theme = "textual-dark"          # saved when you change the theme in the app (ctrl+p)
stale_days = 3                  # we review twice a week

[keymap]                        # binding id = keys
"app.quit" = "Q"                # Q, not q: q is too easy to hit
"""


def test_save_theme_keeps_every_comment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(COMMENTED_CONFIG)
    save_theme(load_settings(path), "nord")
    assert path.read_text() == COMMENTED_CONFIG.replace('"textual-dark"', '"nord"')


def test_save_theme_adds_the_key_before_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('stale_days = 3  # twice a week\n\n[keymap]\n"app.quit" = "Q"\n')
    save_theme(load_settings(path), "gruvbox")
    text = path.read_text()
    assert "# twice a week" in text
    assert text.index('theme = "gruvbox"') < text.index("[keymap]")
    assert load_settings(path).keymap == {"app.quit": "Q"}


async def test_theme_change_in_the_app_keeps_comments(
    seed_store: Store, frozen_settings: Settings
) -> None:
    frozen_settings.path.write_text(COMMENTED_CONFIG)
    app = make_app(seed_store, load_settings(frozen_settings.path))
    app.settings.today = frozen_settings.today
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert frozen_settings.path.read_text() == COMMENTED_CONFIG.replace('"textual-dark"', '"nord"')


async def test_keymap_rebinds_a_key(seed_store: Store, frozen_settings: Settings) -> None:
    frozen_settings.keymap = {"snapshot.status-next": "x"}
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        assert seed_store.task("UT-001").status == "Complete"
        await pilot.press("x", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seed_store.task("UT-001").status != "Complete"


async def test_theme_change_is_saved(seed_store: Store, frozen_settings: Settings) -> None:
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert load_settings(frozen_settings.path).theme == "nord"


async def test_saved_theme_is_used(seed_store: Store, frozen_settings: Settings) -> None:
    frozen_settings.theme = "gruvbox"
    app = make_app(seed_store, frozen_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "gruvbox"
