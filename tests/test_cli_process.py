"""The ``tracker-tui`` command as users run it: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COMMAND

from tracker_tui.resources import sample_tracker


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TRACKER_TUI_")
    }
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        environment[name] = str(tmp_path / name.lower())
    environment["HOME"] = str(tmp_path / "home")
    environment["TRACKER_TUI_USER"] = "tester"
    environment["TRACKER_TUI_DB"] = str(tmp_path / "tracker.db")
    return environment


def tracker_tui(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    result = tracker_tui(env, "import", str(sample_tracker()))
    assert result.returncode == 0, result.stderr
    return env


def test_script_exit_codes(loaded):
    assert tracker_tui(loaded, "--version").returncode == 0
    assert tracker_tui(loaded, "set", "UT-003", "--progress", "-10").returncode == 0
    for argv, code in [
        (("set", "UT-999", "--progress", "1"), 1),
        (("set", "UT-003", "--status", "Nonsense"), 1),
        (("import", "/nonexistent/tracker.md"), 1),
        (("export", "--format", "csv"), 2),
        (("frobnicate",), 2),
    ]:
        result = tracker_tui(loaded, *argv)
        assert result.returncode == code, (argv, result.stderr)
        assert "Traceback" not in result.stderr
        if code == 1:
            assert result.stderr.startswith("tracker-tui: ")
            assert result.stderr.count("\n") == 1


def test_python_dash_m(loaded):
    result = subprocess.run(
        [sys.executable, "-m", "tracker_tui", "export", "--format", "json"],
        env=loaded,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert '"UT-007"' in result.stdout


def test_closed_pipe_is_quiet(loaded):
    process = subprocess.Popen(
        [*COMMAND, "export", "--format", "json"],
        env=loaded,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader goes away before the first byte: `| head -0`
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert stderr == ""


@pytest.fixture
def large(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A store whose export (about 400 KB) is far larger than a pipe's buffer (64 KB)."""
    rows = "".join(
        f"| UT-{n:04d} | Task {n} with a title long enough to fill the row | In Progress "
        f"| 40% | Owner {n % 7} | 2024-05-01 | notes {n} |\n"
        for n in range(1, 4001)
    )
    document = tmp_path / "large.md"
    document.write_text(
        "# Large tracker\n\n## Snapshot\n\n"
        "| ID | Title | Status | Progress | Owner | Last Update | Notes |\n"
        "|---|---|---|---|---|---|---|\n" + rows,
        encoding="utf-8",
    )
    result = tracker_tui(env, "import", str(document))
    assert result.returncode == 0, result.stderr
    return env


@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["PYTHONUNBUFFERED", "buffered"])
@pytest.mark.parametrize("export_format", ["markdown", "json"])
def test_export_into_head_exits_141(large, unbuffered, export_format):
    """``export | head -1``: the reader leaves after one line, mid-export; the README
    promises 141 and no traceback. (A raw, unbuffered stdout took a short write as the
    whole export and exited 0.)"""
    command = COMMAND
    environment = {**large, "PYTHONUNBUFFERED": unbuffered}
    process = subprocess.Popen(
        [*command, "export", "--format", export_format],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline()  # what `head -1` reads, then it exits
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert stderr == ""


def test_non_ui_commands_never_import_textual(loaded):
    code = (
        "import sys; from tracker_tui.cli import main; "
        "codes = [main(['export', '--format', 'json']), main(['history']), main(['check']), "
        "main(['set', 'UT-001', '--owner', 'Ann']), main(['log', 'hello'])]; "
        "assert codes == [0, 0, 0, 0, 0], codes; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=loaded,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_utf8_output_on_a_latin1_terminal(loaded):
    tracker_tui(loaded, "set", "UT-003", "--notes", "shipped ✅ — done")
    environment = {**loaded, "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}
    result = subprocess.run(
        [
            *COMMAND,
            "set",
            "UT-003",
            "--owner",
            "Zoë ✅",
        ],
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
