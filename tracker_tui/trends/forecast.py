"""When each milestone reaches 100 %, at the rate of a recent window.

A plain function of a series (no Textual, no store): the Trends screen, the Snapshot
header, ``tracker-tui trend`` and the stand-up report call it alike.

The estimate is today plus the days the remaining percentage takes at the window's mean
daily rate; its range comes from the fastest and the slowest 7-day week inside the
window. With no movement in the window (or movement backwards) there is no date: the
forecast says "no movement", never a date in the year 9999. An estimate further out than
``HORIZON_DAYS`` is said the same way, as the rate shown cannot be told from standing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from tracker_tui.trends.model import Point, Series

DEFAULT_WINDOW_DAYS = 14
#: Five years: an estimate beyond this is "no movement" in all but name.
HORIZON_DAYS = 5 * 365
_WEEK = 7

ForecastKind = Literal["done", "estimate", "no-movement", "no-history"]


@dataclass(frozen=True, slots=True)
class Forecast:
    """One milestone's forecast.

    ``kind``: ``done`` (at 100 % already), ``estimate`` (``expected``, between
    ``earliest`` and ``latest``; ``latest`` None when the slowest week did not move),
    ``no-movement`` (nothing moved forward in the window) or ``no-history`` (fewer than
    two days in the window).
    """

    name: str
    kind: ForecastKind
    progress: float
    expected: date | None = None
    earliest: date | None = None
    latest: date | None = None
    rate_per_day: float = 0.0

    def short(self) -> str:
        """Compact, for the Snapshot header: ``~Jun 20``, ``done``, ``no movement``."""
        if self.kind == "estimate" and self.expected is not None:
            return "~" + _day(self.expected)
        return {"done": "done", "no-movement": "no movement"}.get(self.kind, "no history")

    def span(self) -> str:
        """The estimate's range, ``Jun 14 to Jul 3`` ("" when it is one day or none)."""
        if self.kind != "estimate" or self.earliest == self.latest is not None:
            return ""
        earliest = _day(self.earliest) if self.earliest else "?"
        latest = _day(self.latest) if self.latest else "later"
        return f"{earliest} to {latest}"

    def text(self) -> str:
        """One line, for the Trends screen and the stand-up: the date and its range."""
        if self.kind != "estimate" or self.expected is None:
            return self.short()
        span = self.span()
        return f"~{_day(self.expected)} ({span})" if span else f"~{_day(self.expected)}"

    def line(self, separator: str = " · ") -> str:
        """One line naming the milestone, for the stand-up: ``M2 95 % · ~Jun 20 (Jun 14
        to Jul 2)`` or ``M3: no movement``; the tasks with no milestone as ``(none)``,
        as the Trends legend and the Snapshot header name them."""
        name = self.name or "(none)"
        if self.kind != "estimate":
            return f"{name}: {self.short()}"
        return f"{name} {round(self.progress)} %{separator}{self.text()}"

    def as_json(self) -> dict[str, object]:
        return {
            "milestone": self.name,
            "kind": self.kind,
            "progress": round(self.progress, 1),
            "expected": _iso(self.expected),
            "earliest": _iso(self.earliest),
            "latest": _iso(self.latest),
            "rate_per_day": round(self.rate_per_day, 3),
        }


def _day(value: date) -> str:
    return f"{value:%b} {value.day}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _value_on(points: list[Point], day: date) -> float | None:
    """The series' value at the end of ``day`` (its last point on or before it)."""
    found = None
    for point in points:
        if point.day > day:
            break
        found = point.value
    return found


def _finish(today: date, remaining: float, rate: float) -> date | None:
    if rate <= 0:
        return None
    days = math.ceil(remaining / rate)
    return today + timedelta(days=days) if days <= HORIZON_DAYS else None


def forecast(series: Series, today: date, *, window_days: int = DEFAULT_WINDOW_DAYS) -> Forecast:
    """The date ``series`` (a milestone's progress, 0-100) reaches 100 %, at the rate
    of the ``window_days`` days up to ``today``."""
    points = [point for point in series.points if point.day <= today]
    progress = points[-1].value if points else 0.0
    if progress >= 100:
        return Forecast(series.name, "done", progress)
    window_start = today - timedelta(days=max(1, window_days))
    start_value = _value_on(points, window_start)
    in_window = [point for point in points if point.day > window_start]
    if start_value is None:
        # The history begins inside the window: measure from its first day.
        if len(in_window) < 2:
            return Forecast(series.name, "no-history", progress)
        window_start, start_value = in_window[0].day, in_window[0].value
    elif not in_window:
        return Forecast(series.name, "no-history", progress)
    span = (today - window_start).days
    rate = (progress - start_value) / span if span > 0 else 0.0
    remaining = 100 - progress
    expected = _finish(today, remaining, rate)
    if expected is None:
        return Forecast(series.name, "no-movement", progress, rate_per_day=rate)
    weekly: list[float] = []
    week_end = today
    while (week_end - window_start).days >= _WEEK:
        week_start = week_end - timedelta(days=_WEEK)
        begin, finish = _value_on(points, week_start), _value_on(points, week_end)
        if begin is not None and finish is not None:
            weekly.append((finish - begin) / _WEEK)
        week_end = week_start
    fastest = max(weekly, default=rate)
    slowest = min(weekly, default=rate)
    return Forecast(
        series.name,
        "estimate",
        progress,
        expected=expected,
        earliest=_finish(today, remaining, max(fastest, rate)),
        latest=_finish(today, remaining, min(slowest, rate)),
        rate_per_day=rate,
    )


def forecasts(
    milestones: tuple[Series, ...], today: date, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Forecast]:
    """One forecast per milestone, in the order given."""
    return [forecast(series, today, window_days=window_days) for series in milestones]
