"""One export, two doors: the dashboard's "Export markdown" writes what ``tracker-tui
export`` writes, and like it never leaves half a file behind."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from conftest import settle

from tracker_tui import export_files
from tracker_tui.app import TrackerApp
from tracker_tui.cli import main
from tracker_tui.export_files import export_name
from tracker_tui.store.store import Store


def test_export_name_is_the_title_and_the_day() -> None:
    day = date(2024, 6, 5)
    assert export_name("Version 1.00 Progress Tracker", day) == (
        "version-1-00-progress-tracker-2024-06-05.md"
    )
    assert export_name("", day, 2) == "tracker-2024-06-05-2.md"


async def test_palette_export_is_the_clis_export(
    app: TrackerApp, seed_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The palette's export and ``export -o`` write the same bytes, each by a rename of a
    finished temporary file in the same folder."""
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def replace(source: str, target: Path) -> None:
        renames.append((Path(source), Path(target)))
        assert Path(source).read_text(encoding="utf-8")  # complete before it is renamed
        real_replace(source, target)

    monkeypatch.setattr(export_files.os, "replace", replace)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.export_markdown()
        await settle(pilot)
    (from_app,) = out.glob("*.md")
    from_cli = tmp_path / "cli.md"
    assert main(["--db", str(seed_store.target.path), "export", "-o", str(from_cli)]) == 0
    assert from_app.read_bytes() == from_cli.read_bytes()
    assert [target for _, target in renames] == [from_app, from_cli]
    assert all(source.parent == target.parent for source, target in renames)
    assert sorted(out.iterdir()) == [from_app]  # no temporary file left


async def test_a_failed_palette_export_leaves_no_file(
    app: TrackerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails mid-write: no file at all (not half of one), and the user is told."""

    def fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_files.os, "fsync", fsync)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.export_markdown()
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
    assert list(out.iterdir()) == []
    target = out / export_name("Version 1.00 Progress Tracker", date(2024, 6, 5))
    assert errors == [f"cannot write {target}: No space left on device"]
