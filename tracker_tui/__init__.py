"""tracker-tui: a keyboard-driven terminal dashboard for programme progress trackers."""

__version__ = "0.1.0"
