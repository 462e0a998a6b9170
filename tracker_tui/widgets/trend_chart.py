"""Charts over time: ``TrendChart`` (lines with axes, on textual-plotext) and
``small_sparkline`` (Textual's Sparkline renderable, for a cell of a table).

Series are told apart by their marker as well as by their colour, so that a chart reads
under ``NO_COLOR`` and in 16 colours; in ASCII mode (``--ascii``) the markers, the frame
and the sparkline's bars are ASCII too. Points recovered from the document are drawn
with a light dot in grey, and the legend says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.color import Color
from rich.text import Text
from textual.app import RenderResult
from textual.renderables.sparkline import Sparkline
from textual_plotext import PlotextPlot

from tracker_tui.widgets.glyphs import ascii_mode

#: One colour and one marker per series, in order (the markers alone tell them apart).
COLOURS = ("cyan", "green", "magenta", "yellow", "blue", "red", "white", "orange")
MARKERS = ("●", "+", "x", "◆", "■", "▲", "*", "o")
ASCII_MARKERS = ("o", "+", "x", "*", "#", "@", "%", "=")
RECOVERED_MARKER = "·"
ASCII_RECOVERED_MARKER = "."
RECOVERED_LABEL = "recovered from the document"
#: Box-drawing characters plotext draws its frame and ticks with, in ASCII.
_ASCII_FRAME = str.maketrans("─│┌┐└┘├┤┬┴┼╭╮╰╯", "-|+++++++++++++")
_ASCII_BARS = "_.,-~=*#"


def marker(index: int, *, ascii: bool) -> str:
    markers = ASCII_MARKERS if ascii else MARKERS
    return markers[index % len(markers)]


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


@dataclass(frozen=True, slots=True)
class ChartLine:
    """One series as the chart draws it: x is days from the chart's first day."""

    label: str
    xs: tuple[int, ...]
    ys: tuple[float, ...]
    recovered_xs: tuple[int, ...] = ()
    recovered_ys: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class ChartData:
    """Everything one chart shows."""

    lines: tuple[ChartLine, ...]
    first_day: date
    days: int
    y_max: float | None = None
    marks: tuple[tuple[int, str], ...] = ()  # dated checkpoints: (x, label)


def _tick_label(day: date, *, long: bool) -> str:
    """``May 9``; ``May 2024`` on a chart that spans more than a year."""
    return f"{day:%b %Y}" if long else f"{day:%b} {day.day}"


class TrendChart(PlotextPlot):
    """A line chart of ``ChartData``, redrawn at whatever size the widget gets."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data: ChartData | None = None

    def show(self, data: ChartData | None) -> None:
        self.data = data
        self.refresh()

    def render(self) -> RenderResult:
        ascii = ascii_mode(self)
        plt = self.plt
        plt.clear_figure()
        data = self.data
        if data is not None:
            self._draw_lines(data, ascii=ascii)
        rendered = super().render()
        if ascii and isinstance(rendered, Text):
            # One character for one: the colour spans stay where they were.
            rendered.plain = rendered.plain.translate(_ASCII_FRAME)
        return rendered

    def _thin(self, xs: tuple[int, ...], ys: tuple[float, ...]) -> tuple[list[int], list[float]]:
        """At most one point per column: plotext's time grows with the points (a year
        of days, nine lines, is most of the screen's time), and a column shows one."""
        step = max(1, -(-len(xs) // max(1, self.size.width)))
        if step == 1:
            return list(xs), list(ys)
        keep = list(range(0, len(xs), step))
        if keep[-1] != len(xs) - 1:
            keep.append(len(xs) - 1)
        return [xs[i] for i in keep], [ys[i] for i in keep]

    def _draw_lines(self, data: ChartData, *, ascii: bool) -> None:
        # No legend inside the plot (it would cover the lines): the screen draws its
        # own beside the chart, with each series' marker.
        plt = self.plt
        for index, line in enumerate(data.lines):
            if line.recovered_xs:
                plt.plot(
                    *self._thin(line.recovered_xs, line.recovered_ys),
                    marker=ASCII_RECOVERED_MARKER if ascii else RECOVERED_MARKER,
                    color="gray",
                )
            if line.xs:
                plt.plot(
                    *self._thin(line.xs, line.ys),
                    marker=marker(index, ascii=ascii),
                    color=colour(index),
                )
        for x, _label in data.marks:
            plt.vline(x, "gray")
        last = max(1, data.days - 1)
        ticks = sorted({0, last // 3, 2 * last // 3, last}) if last >= 3 else [0, last]
        start = data.first_day.toordinal()
        long = data.days > 366
        plt.xticks(
            [float(tick) for tick in ticks],
            [_tick_label(date.fromordinal(start + tick), long=long) for tick in ticks],
        )
        plt.xlim(0, last)
        top = max(
            1.0,
            data.y_max
            or max((y for line in data.lines for y in line.ys + line.recovered_ys), default=1),
        )
        plt.ylim(0, top)
        # Few labels, never two on one row (plotext would pick which one shows).
        if data.y_max == 100:
            ticks_y = [0.0, 25.0, 50.0, 75.0, 100.0]
        else:
            ticks_y = sorted({0.0, float(round(top / 2)), top})
        plt.yticks(ticks_y, [f"{tick:g}" for tick in ticks_y])


def small_sparkline(values: Sequence[float], width: int, *, ascii: bool) -> Sparkline[float]:
    """Textual's Sparkline renderable of ``values`` in ``width`` cells (ASCII bars in
    ASCII mode)."""
    # One hue, low to high: red at the top would say "bad" of a success rate.
    sparkline: Sparkline[float] = Sparkline(
        list(values), width=width, min_color=Color.parse("grey50"), max_color=Color.parse("cyan")
    )
    if ascii:
        sparkline.BARS = _ASCII_BARS
    return sparkline
