"""Running the app as a 16-colour terminal or a ``NO_COLOR`` one would show it.

Holds no tests: imported by tests/test_app_colours.py and tests/test_snapshots_colours.py.

- ``use_colour_mode(monkeypatch, mode)`` before the app is built: ``"none"`` sets NO_COLOR
  (Textual reads it in ``App.__init__`` and turns colours into greys); ``"16"`` gives the
  app's console the standard colour system, as ``TERM=xterm`` does.
- ``show_as_terminal(app, mode)`` after it is built: in 16 colours, every colour on screen
  is mapped to the nearest of the 16, as Rich does when it writes to such a terminal, and
  then drawn in xterm's own 16 colours, so that SVG snapshots and the segments tests read
  show what xterm shows (Rich's SVG theme would draw "bright green" dark green).
- ``screen_cells(app)``: each line on screen as (text, style) segments, after every filter.
- ``with_every_urgency(store)``: the sample with every impact and the alarming statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from tracker_tui.domain import FixedClock

Mode = Literal["full", "16", "none"]


#: xterm's default 16 colours, by ANSI index.
XTERM_16 = (
    "#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
    "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff",
)  # fmt: skip


class SixteenColours(LineFilter):
    """Every colour replaced by the nearest of the 16 standard ones (Rich's downgrade, as
    on a 16-colour terminal), drawn as xterm draws that one."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, _as_xterm(style), control) for text, style, control in segments]


def ansi_number(color: RichColor | None) -> int | None:
    """The ANSI colour (0-15) a 16-colour terminal draws ``color`` in."""
    if color is None or color.is_default:
        return None
    if color.triplet is not None and color.triplet.hex in XTERM_16:
        return XTERM_16.index(color.triplet.hex)  # already drawn by SixteenColours
    return color.downgrade(ColorSystem.STANDARD).number


def _xterm(color: RichColor | None) -> RichColor | None:
    number = ansi_number(color)
    return color if number is None else RichColor.parse(XTERM_16[number])


@lru_cache(maxsize=1024)
def _as_xterm(style: Style | None) -> Style | None:
    if style is None:
        return None
    return style + Style.from_color(_xterm(style.color), _xterm(style.bgcolor))


def use_colour_mode(monkeypatch: pytest.MonkeyPatch, mode: Mode) -> None:
    """Make the next app built a ``mode`` one (call before building it)."""
    import textual.constants

    if mode == "none":
        monkeypatch.setenv("NO_COLOR", "1")
    elif mode == "16":
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")


def show_as_terminal(monkeypatch: pytest.MonkeyPatch, app: Any, mode: Mode) -> None:
    """Draw ``app`` as a ``mode`` terminal shows it (16 colours: the terminal's downgrade)."""
    if mode != "16":
        return
    own_filters = app.get_line_filters

    def with_sixteen() -> Sequence[LineFilter]:
        return [*own_filters(), SixteenColours()]

    monkeypatch.setattr(app, "get_line_filters", with_sixteen)


def screen_cells(app: Any) -> list[list[tuple[str, Style]]]:
    """Each line of the screen as (text, style) pairs, as the terminal receives them."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append([(text, style or Style()) for text, style, _ in strip])
    return lines


#: When the urgent edits are made: their Last Update and stamps are drawn, so the pinned
#: screens must not depend on the day the tests run.
EDITED_AT = FixedClock(datetime(2024, 6, 4, 9, 30, tzinfo=UTC))


def with_every_urgency(store: Any) -> Any:
    """The sample register with every impact: R-01 Critical, R-02 High, R-03 Medium, R-04 Low;
    and the task statuses that call for attention: UT-002 Blocked, UT-003 At Risk (edited
    on a fixed day, by the store's user)."""
    from tracker_tui.store.store import Store

    with Store.open(store.target, user=store.user, clock=EDITED_AT) as editor:
        editor.update_risk("R-01", {"impact": "Critical", "status": "Open"})
        editor.update_risk("R-04", {"impact": "Low"})
        editor.update_task("UT-002", {"status": "Blocked"})
        editor.update_task("UT-003", {"status": "At Risk"})
    return store
