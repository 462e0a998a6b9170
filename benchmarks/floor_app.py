"""The floor: the smallest Textual app there is (one ``Static``), started the way
``tracker-tui`` is started, so that the benchmark can express every start-up time as a
ratio to what Textual itself costs on this machine.

Run: ``python benchmarks/floor_app.py`` (ctrl+q quits). The benchmark waits for
``FLOOR-READY`` to appear on the pseudo-terminal.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "FLOOR-READY"


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(f"{MARKER} a minimal Textual app")


def main() -> None:
    FloorApp().run()


if __name__ == "__main__":
    main()
