"""Reading the Since view from a store: the baseline, then one history query and the rows
it needs, all on one snapshot of the store (a write committed meanwhile is all in it or
not at all). What the CLI's ``report`` and the Stand-up screen both call.
"""

from __future__ import annotations

from datetime import date, tzinfo
from typing import TYPE_CHECKING

from tracker_tui.collection_pauses import collection_paused
from tracker_tui.standup.baseline import (
    baseline_for,
    history_time,
    parse_history_time,
)
from tracker_tui.standup.since import SinceView, build_since

if TYPE_CHECKING:
    from tracker_tui.store.store import Store
    from tracker_tui.trends.forecast import Forecast


def milestone_forecasts(
    store: Store, *, window_days: int, today: date | None = None
) -> tuple[Forecast, ...]:
    """Each open milestone's forecast (one at 100 % is not open), for the report and the
    screen's top, at the window (``forecast_window_days``) the Trends screen uses."""
    found = store.milestone_forecasts(window_days=window_days, today=today)
    return tuple(forecast for forecast in found if forecast.kind != "done")


def tracker_name(store: Store) -> str | None:
    """The name of the tracker the report is about (what ``--tracker`` and the tabs
    call it), or None when the store holds none."""
    tracker = store.tracker()
    return tracker.name if tracker is not None else None


def read_since(
    store: Store,
    since: str | None = None,
    *,
    stale_days: int = 7,
    forecast_window_days: int | None = None,
    today: date | None = None,
    tz: tzinfo | None = None,
) -> SinceView:
    """The Since view of ``store`` for ``since`` (as ``--since`` takes it), with the
    forecasts at ``forecast_window_days`` (None: without them, for a caller that reads
    them later with ``milestone_forecasts``, as the screen does after its first frame).

    Raises:
        TrackerError: as ``baseline_for``.
    """
    # No cycle collection meanwhile: the view makes tens of thousands of objects (a big
    # day: ~7,000 moves, 10,000 tasks), enough to start several collections that walk
    # them all; a third of the time measured, and none of it garbage (collection_pauses).
    resume = collection_paused()
    try:
        return _read_since(store, since, stale_days, forecast_window_days, today, tz)
    finally:
        resume()


def _read_since(
    store: Store,
    since: str | None,
    stale_days: int,
    forecast_window_days: int | None,
    today: date | None,
    tz: tzinfo | None,
) -> SinceView:
    with store.snapshot():
        baseline = baseline_for(store, since, tz=tz)
        start = store.tracker_start()
        history = store.history_since(history_time(baseline.at))
        # "No history at all": nothing but the import was ever recorded.
        no_history = not history and (start is None or not store.has_edits_after(start))
        view = build_since(
            baseline,
            now=store.clock.now(),
            today=today or store.clock.today(),
            stale_days=stale_days,
            history=history,
            tasks=store.task_glances(),
            risks=store.risks(),
            decisions=store.decisions(),
            checkpoints=store.checkpoints(),
            tracker_start=parse_history_time(start),
            no_history=no_history,
        )
        if forecast_window_days is not None:
            view.forecasts = milestone_forecasts(
                store, window_days=forecast_window_days, today=today
            )
    return view
