"""``python -m tracker_tui``: the same as the ``tracker-tui`` command."""

from tracker_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
