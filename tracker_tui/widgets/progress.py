"""Progress bars as Rich ``Text``: unicode blocks, or ``#``/``-`` in ASCII mode.

A plain renderer (no widget) so that a table cell, the Snapshot header and any other
screen draw the same bar.
"""

from __future__ import annotations

from rich.text import Text

from tracker_tui.widgets import urgency

_EIGHTHS = " ▏▎▍▌▋▊▉"


def progress_bar(
    percent: float,
    width: int,
    *,
    ascii: bool = False,
    style: str = "green",
    empty_style: str = "bright_black",
) -> Text:
    """A bar ``width`` cells wide filled to ``percent`` (clamped to 0..100)."""
    width = max(0, width)
    fraction = min(max(percent, 0.0), 100.0) / 100.0
    if ascii:
        filled = round(fraction * width)
        return Text.assemble(("#" * filled, style), ("-" * (width - filled), empty_style))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    bar = Text("█" * full, style=style)
    if part and full < width:
        bar.append(_EIGHTHS[part], style)
        full += 1
    bar.append("░" * (width - full), empty_style)
    return bar


def progress_cell(percent: float, width: int, *, ascii: bool = False, style: str = "green") -> Text:
    """A bar followed by the percentage (`███░░  60%`), fitting ``width`` cells.

    When there is no room for a bar, only the percentage is shown.
    """
    label = f"{round(percent):>3d}%"
    bar_width = width - len(label) - 1
    if bar_width < 3:
        return Text(label)
    text = progress_bar(percent, bar_width, ascii=ascii, style=style)
    text.append(" " + label)
    return text


def status_style(status: str) -> str:
    """A Rich style for a task or risk status, for the running app's colour mode.

    Kept here for the callers that draw bars and statuses side by side; the styles are
    declared in ``tracker_tui.widgets.urgency``.
    """
    return urgency.status_style(status)
