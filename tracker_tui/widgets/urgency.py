"""Urgency: one ordered scale, and how each colour mode draws it so that it reads the same.

The scale is ``Urgency`` (Low < Medium < High < Critical, after ``DEFAULT_IMPACTS``). Risk
impacts map onto it (``P0``..``P3`` and ``Sev 1``..``Sev 4`` too), and so do the statuses
that call for attention (Blocked, At Risk, an Open risk, a stale task). Whatever the
terminal, the most urgent thing on screen is drawn the loudest:

========  ========================  ============================  =====================
urgency   full colour               16 colours (``TERM=xterm``)   ``NO_COLOR``
========  ========================  ============================  =====================
Critical  bold, reverse red         bold, reverse bright red      bold, reverse video
High      bold red                  bold bright red               reverse video
Medium    yellow                    yellow                        bold
Low       plain                     plain                         dim
========  ========================  ============================  =====================

Why each mode needs its own styles:

- ``NO_COLOR``: Textual turns every colour into a grey of the same luminance; red becomes
  a dark grey that is almost invisible on a dark background. Only attributes survive.
- 16 colours: Textual first turns ANSI colour names into truecolor through its ANSI theme
  (Monokai: "red" is pink, "yellow" is orange), and Rich then takes the nearest of the 16
  colours: yellow came back as bright red and red as magenta. So the 16-colour styles are
  spelled as the exact colours of Rich's standard palette, which map back to themselves.

``status_style`` and ``impact_style`` ask the running app which mode it is in.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Literal

from tracker_tui.domain import DEFAULT_IMPACTS
from tracker_tui.widgets.textual_private import running_app

if TYPE_CHECKING:
    from textual.app import App

ColourMode = Literal["full", "16", "none"]


class Urgency(IntEnum):
    """How much a value calls for attention; higher is more urgent."""

    NONE = 0  # no urgency (a calm status, an impact we cannot place)
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


#: The impact scale, weakest first: the same order as the risk form's choices.
IMPACT_SCALE: dict[str, Urgency] = {
    impact.casefold(): Urgency(rank) for rank, impact in enumerate(DEFAULT_IMPACTS, start=1)
}
#: Other words registers use for an impact.
_IMPACT_WORDS: dict[str, Urgency] = {
    "minor": Urgency.LOW,
    "moderate": Urgency.MEDIUM,
    "major": Urgency.HIGH,
    "very high": Urgency.CRITICAL,
    "severe": Urgency.CRITICAL,
    "blocker": Urgency.CRITICAL,
}
#: ``P0`` (the most urgent) .. ``P3``; ``Sev 1`` (the most urgent) .. ``Sev 4``.
_NUMBERED = re.compile(r"(p|sev)[\s-]*(\d{1,2})")
_BY_PRIORITY = (Urgency.CRITICAL, Urgency.HIGH, Urgency.MEDIUM)  # P0, P1, P2; then Low
_BY_SEVERITY = (Urgency.CRITICAL, Urgency.CRITICAL, Urgency.HIGH, Urgency.MEDIUM)  # Sev 0..3


def impact_urgency(impact: str) -> Urgency:
    """Where a risk impact sits on the scale (``Urgency.NONE`` when it cannot be placed)."""
    folded = " ".join(impact.casefold().split())
    if folded in IMPACT_SCALE:
        return IMPACT_SCALE[folded]
    if folded in _IMPACT_WORDS:
        return _IMPACT_WORDS[folded]
    numbered = _NUMBERED.fullmatch(folded)
    if numbered is None:
        return Urgency.NONE
    scale = _BY_PRIORITY if numbered.group(1) == "p" else _BY_SEVERITY
    number = int(numbered.group(2))
    return scale[number] if number < len(scale) else Urgency.LOW


#: Statuses that call for attention (task and risk statuses, case-insensitive).
STATUS_URGENCY: dict[str, Urgency] = {
    "blocked": Urgency.HIGH,
    "at risk": Urgency.MEDIUM,
    "open": Urgency.MEDIUM,
}

# Rich's standard palette (rich._palettes.STANDARD_PALETTE), by ANSI index: a truecolor
# value from it is mapped back to exactly that index on a 16-colour terminal.
_ANSI16 = {
    "yellow": "#aa5500",
    "magenta": "#aa00aa",
    "bright_black": "#555555",
    "bright_red": "#ff5555",
    "bright_green": "#55ff55",
    "bright_cyan": "#55ffff",
}

URGENCY_STYLES: dict[ColourMode, dict[Urgency, str]] = {
    "full": {
        Urgency.CRITICAL: "bold reverse red",
        Urgency.HIGH: "bold red",
        Urgency.MEDIUM: "yellow",
        Urgency.LOW: "",
        Urgency.NONE: "",
    },
    "16": {
        Urgency.CRITICAL: f"bold reverse {_ANSI16['bright_red']}",
        Urgency.HIGH: f"bold {_ANSI16['bright_red']}",
        Urgency.MEDIUM: _ANSI16["yellow"],
        Urgency.LOW: "",
        Urgency.NONE: "",
    },
    "none": {
        Urgency.CRITICAL: "bold reverse",
        Urgency.HIGH: "reverse",
        Urgency.MEDIUM: "bold",
        Urgency.LOW: "dim",
        Urgency.NONE: "",
    },
}

#: The calm statuses: a colour that says what kind of state it is, never urgency. Under
#: NO_COLOR they are plain (a closed risk dim): greys would only blur the urgent ones.
_CALM_STATUS_STYLES: dict[ColourMode, dict[str, str]] = {
    "full": {
        "complete": "green",
        "in progress": "cyan",
        "on hold": "blue",  # not magenta: in Monokai magenta is the same pink as red
        "monitoring": "cyan",
        "mitigated": "green",
        "resolved": "green",
        "closed": "bright_black",
    },
    "16": {
        "complete": _ANSI16["bright_green"],
        "in progress": _ANSI16["bright_cyan"],
        "on hold": _ANSI16["magenta"],
        "monitoring": _ANSI16["bright_cyan"],
        "mitigated": _ANSI16["bright_green"],
        "resolved": _ANSI16["bright_green"],
        "closed": _ANSI16["bright_black"],
    },
    "none": {"closed": "dim"},
}


def colour_mode(app: App[Any] | None = None) -> ColourMode:
    """The colour mode of ``app`` (default: the running app; "full" outside one)."""
    if app is None:
        app = running_app()
        if app is None:
            return "full"
    if app.no_color:
        return "none"
    system = app.console.color_system
    return "16" if system in ("standard", "windows") else "full"


def urgency_style(urgency: Urgency, mode: ColourMode | None = None) -> str:
    """The Rich style that draws ``urgency`` in ``mode`` (default: the running app's)."""
    return URGENCY_STYLES[mode or colour_mode()][urgency]


def impact_style(impact: str, mode: ColourMode | None = None) -> str:
    """The Rich style for a risk impact (Low/Medium/High/Critical, P0.., Sev 1..)."""
    return urgency_style(impact_urgency(impact), mode)


def status_style(status: str, mode: ColourMode | None = None) -> str:
    """The Rich style for a task or risk status."""
    mode = mode or colour_mode()
    folded = " ".join(status.casefold().split())
    urgency = STATUS_URGENCY.get(folded)
    if urgency is not None:
        return URGENCY_STYLES[mode][urgency]
    return _CALM_STATUS_STYLES[mode].get(folded, "")
