"""Where tracker-tui's start-up (or first keystroke) goes: run the dashboard under cProfile
in a pseudo-terminal, quit it as soon as the first task row is on screen (optionally after
some keystrokes), and print the heaviest calls.

    .venv/bin/python benchmarks/profile_startup.py --db STORE [--keys "-"] [--top 40]
    .venv/bin/python benchmarks/profile_startup.py --db STORE --sort tottime

``--importtime`` runs it with ``python -X importtime`` instead and prints the slowest
imports (cumulative, in ms).
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_pty import PtySession  # noqa: E402

PYTHON = sys.executable
TRACKER = str(Path(PYTHON).with_name("tracker-tui"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--marker",
        default=r"\b[A-Z]+-\d+\b.*\d%",
        help="regex a screen line must match (default: a task row)",
    )
    parser.add_argument("--keys", default="", help="keys to send after the first frame")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tracker-profile-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "XDG_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    # Cached bytecode, as an installed app has it (kept out of the repository).
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "tracker-bench-pycache")
    env.update(
        TERM="xterm-256color",
        TEXTUAL_ANIMATIONS="none",
        TRACKER_TUI_USER="bench",
        XDG_CONFIG_HOME=str(work),
        XDG_DATA_HOME=str(work),
        XDG_STATE_HOME=str(work),
        XDG_CACHE_HOME=str(work),
    )
    output = work / "startup.prof"
    if args.importtime:
        argv = [PYTHON, "-X", "importtime", TRACKER, "--db", args.db]
        env["PYTHONUNBUFFERED"] = "1"
    else:
        argv = [PYTHON, "-m", "cProfile", "-o", str(output), TRACKER, "--db", args.db]
    pattern = re.compile(args.marker)
    session = PtySession(argv, env=env)
    moment = session.wait_for(
        lambda s: any(pattern.search(line) for line in s.screen.lines()), timeout=60
    )
    if moment is None:
        print("no first frame", file=sys.stderr)
        session.stop()
        return 1
    print(f"first frame after {moment - session.started:.3f} s (profiled)", file=sys.stderr)
    for key in args.keys:
        session.send(key)
        session.wait_quiet(0.5, timeout=10)
    session.stop(quit_keys=b"q", grace=10)
    if args.importtime:
        rows = []
        for line in session.plain().splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)", line)
            if match:
                rows.append((int(match.group(2)), int(match.group(1)), match.group(4)))
        for cumulative, own, name in sorted(rows, reverse=True)[: args.top]:
            print(f"{cumulative / 1000:8.1f} ms  {own / 1000:7.1f} ms own  {name}")
        return 0
    deadline = time.time() + 10
    while not output.exists() and time.time() < deadline:
        time.sleep(0.1)
    stats = pstats.Stats(str(output))
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
