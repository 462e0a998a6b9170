"""The Snapshot header's forecasts ("M2 95 % · ~Jun 20"), computed after the first frame.

A forecast reads the last ``forecast_window_days`` of the history, which the first frame
must not wait for: it is read in a worker once that frame is on the terminal, and again
(coalesced) after each change of the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from tracker_tui.screens._failures import reading

if TYPE_CHECKING:
    from tracker_tui.config import Settings
    from tracker_tui.store.store import Store
    from tracker_tui.trends.forecast import Forecast
    from tracker_tui.widgets.snapshot_header import SnapshotHeader

#: Edits in a burst (a run of ``+``) are followed by one forecast, this long after.
COALESCE_SECONDS = 0.5


class ForecastsRead(Message, bubble=False):
    """Each milestone's forecast was computed (``run``: which request it answers)."""

    def __init__(self, forecasts: list[Forecast], run: int) -> None:
        self.forecasts = forecasts
        self.run = run
        super().__init__()


class HeaderForecasts(Screen[None]):
    """A screen whose header shows a forecast per milestone (the Snapshot screen)."""

    store: Store
    settings: Settings
    _forecasts_on = False
    _forecast_timer: Timer | None = None
    _forecast_runs = 0

    @property
    def header(self) -> SnapshotHeader:
        raise NotImplementedError

    def start_forecasts(self) -> None:
        """The first frame is shown: forecasts from now on."""
        self._forecasts_on = True
        self._read_forecasts()

    def request_forecasts(self) -> None:
        """The figures moved: forecast again, once a burst of edits is over."""
        if not self._forecasts_on:
            return
        if self._forecast_timer is not None:
            self._forecast_timer.stop()
        self._forecast_timer = self.set_timer(COALESCE_SECONDS, self._read_forecasts)

    def _read_forecasts(self) -> None:
        self._forecast_runs += 1
        self._forecast(self._forecast_runs)

    # Not exclusive: cancelling a read half-way saves nothing, and a cancelled worker
    # fails whoever waits for it; a stale answer is dropped by its run number instead.
    @work(thread=True, exit_on_error=False, group="forecasts")
    def _forecast(self, run: int) -> None:
        with reading(self, "the forecasts"):
            today = self.settings.current_date(self.store.clock)
            window = self.settings.forecast_window_days
            found = self.store.milestone_forecasts(window_days=window, today=today)
            self.post_message(ForecastsRead(found, run))
        if run == 1:
            # The Trends screen's modules (plotext is a tenth of a second to import) and
            # its history (the store keeps it until the next edit) while nobody waits,
            # rather than after the 7 that opens it.
            from tracker_tui.screens.trends import prepare_trends

            with reading(self, "the history"):
                prepare_trends(self.store, self.settings)

    def on_forecasts_read(self, message: ForecastsRead) -> None:
        if message.run != self._forecast_runs:
            return
        self.header.show_forecasts(
            {f.name: f.short() for f in message.forecasts if f.kind in ("estimate", "no-movement")}
        )
