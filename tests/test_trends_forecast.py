"""The forecast per milestone: a date from the window's rate, a range from its fastest
and slowest week, and no date at all when nothing moves."""

from __future__ import annotations

from datetime import date, timedelta

from tracker_tui.trends.forecast import forecast
from tracker_tui.trends.model import Point, Series

TODAY = date(2024, 6, 5)


def _series(values: list[float]) -> Series:
    first = TODAY - timedelta(days=len(values) - 1)
    return Series("M2", tuple(Point(first + timedelta(days=i), v) for i, v in enumerate(values)))


def test_a_flat_series_says_no_movement_never_a_date() -> None:
    result = forecast(_series([40.0] * 30), TODAY)
    assert result.kind == "no-movement" and result.expected is None
    assert result.short() == "no movement" and "9999" not in result.text()


def test_a_steady_rate_gives_a_date_and_a_range() -> None:
    # 2 points a day for 30 days, now at 60 %: 40 to go at 2 a day is 20 days.
    result = forecast(_series([2.0 * day for day in range(31)]), TODAY)
    assert result.kind == "estimate"
    assert result.expected == TODAY + timedelta(days=20)
    assert result.earliest == result.latest == result.expected
    assert result.short() == "~Jun 25" and result.text() == "~Jun 25"


def test_the_range_comes_from_the_fastest_and_slowest_week() -> None:
    # Last 14 days: the earlier week +7 (1 a day), the last week +21 (3 a day); at 58 %.
    values = [30.0] * 17 + [30.0 + day for day in range(1, 8)] + [37.0 + 3 * d for d in range(1, 8)]
    result = forecast(_series(values), TODAY, window_days=14)
    assert result.kind == "estimate"
    assert result.earliest == TODAY + timedelta(days=14)  # 42 left at 3 a day
    assert result.latest == TODAY + timedelta(days=42)  # at 1 a day
    assert result.earliest <= result.expected <= result.latest
    assert result.expected == TODAY + timedelta(days=21)  # 2 a day over the window
    assert result.text() == "~Jun 26 (Jun 19 to Jul 17)"


def test_a_milestone_already_done() -> None:
    result = forecast(_series([90.0, 100.0]), TODAY)
    assert result.kind == "done" and result.short() == "done"


def test_a_window_with_one_point_is_not_enough() -> None:
    result = forecast(_series([50.0]), TODAY)
    assert result.kind == "no-history" and result.expected is None


def test_a_crawl_beyond_five_years_is_no_movement() -> None:
    result = forecast(_series([10.0] * 14 + [10.01]), TODAY)
    assert result.kind == "no-movement"


def test_going_backwards_is_no_movement() -> None:
    assert forecast(_series([80.0 - d for d in range(20)]), TODAY).kind == "no-movement"
