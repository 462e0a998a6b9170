"""Many trackers in one store: what names one, how ``--tracker`` picks one, and the
values the portfolio and the owner view show (no I/O; the store computes them).

Part of the core: the store, the CLI and the screens all import it, and it imports only
the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker_tui.domain import Checkpoint, Task, TrackerError


@dataclass(frozen=True, slots=True)
class TrackerRef:
    """One tracker of a store: its key, its name (what ``--tracker`` matches), the
    document's title, and its revision (its own change counter)."""

    id: int
    name: str
    title: str = ""
    revision: int = 0


@dataclass(frozen=True, slots=True)
class TrackerCounts:
    """A tracker and how many rows of each kind it holds (``tracker-tui trackers``)."""

    tracker: TrackerRef
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class LastChange:
    """The newest change to a tracker: who made it, and when (ISO 8601, UTC)."""

    user: str
    at: str


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    """One row of the portfolio: a tracker's figures, each from an aggregate query."""

    tracker: TrackerRef
    tasks: int
    done: int
    mean_progress: float
    open_risks_by_impact: tuple[tuple[str, int], ...]
    stale: int
    next_checkpoint: Checkpoint | None
    last_change: LastChange | None

    @property
    def open_risks(self) -> int:
        return sum(count for _, count in self.open_risks_by_impact)


@dataclass(frozen=True, slots=True)
class OwnerTask:
    """An open task of one owner, and the tracker it is in (the owner view's row)."""

    tracker: TrackerRef
    task: Task


def stale_before(today: date, stale_days: int) -> date:
    """Tasks not Complete whose Last Update is before this day are stale."""
    return date.fromordinal(today.toordinal() - stale_days)


def names_line(trackers: Sequence[TrackerRef]) -> str:
    """The trackers' names, for a one-line message: ``"Alpha", "Beta"``."""
    return ", ".join(f'"{tracker.name}"' for tracker in trackers) or "none"


def match_tracker(trackers: Sequence[TrackerRef], wanted: str) -> TrackerRef:
    """The tracker ``wanted`` names: its whole name, else a unique prefix of it, whatever
    the case.

    Raises:
        TrackerError: no tracker, or several, match; the message lists the names.
    """
    folded = wanted.strip().casefold()
    exact = [tracker for tracker in trackers if tracker.name.casefold() == folded]
    if exact:
        return exact[0]
    found = [tracker for tracker in trackers if tracker.name.casefold().startswith(folded)]
    if len(found) == 1 and folded:
        return found[0]
    if not trackers:
        raise TrackerError(f"no tracker {wanted!r}: the store holds no tracker yet")
    if found and folded:
        raise TrackerError(
            f"{wanted!r} names more than one tracker ({names_line(found)}); "
            f"say more of the name. Trackers: {names_line(trackers)}"
        )
    raise TrackerError(f"no tracker {wanted!r}; the trackers are {names_line(trackers)}")


def choose_tracker(
    trackers: Sequence[TrackerRef], wanted: str | None, last_opened: int | None
) -> TrackerRef | None:
    """The tracker a command works on: the one ``wanted`` names (``--tracker``); else the
    only one; else the one this user opened last; None when the store holds none.

    Raises:
        TrackerError: ``wanted`` matches no tracker or several; or there are several,
            none named and none opened before. The message lists the names.
    """
    if wanted is not None:
        return match_tracker(trackers, wanted)
    if not trackers:
        return None
    if len(trackers) == 1:
        return trackers[0]
    for tracker in trackers:
        if tracker.id == last_opened:
            return tracker
    raise TrackerError(
        f"the store holds {len(trackers)} trackers; choose one with --tracker NAME: "
        f"{names_line(trackers)}"
    )
