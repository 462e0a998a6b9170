"""The baseline of a stand-up: the moment "what changed since" counts from.

By default it is the start of the last recorded stand-up; failing that, the start of the
previous working day (on Monday, Friday's). ``--since`` takes ``YYYY-MM-DD``,
``YYYY-MM-DD HH:MM``, ``yesterday``, ``last`` (the last stand-up), ``Nd`` and ``Nh``.
A baseline before the tracker existed (its import) is moved up to the import, and says so.

Times are aware datetimes; "local" is the ``tz`` given (the machine's zone by default), in
which dates typed by the user and the times shown are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from tracker_tui.store.store import Store

#: What ``--since`` accepts, for the one-line error.
SINCE_FORMS = "YYYY-MM-DD, 'YYYY-MM-DD HH:MM', yesterday, last, Nd or Nh"

_RELATIVE = re.compile(r"^(\d{1,5})\s*([dh])$")

#: Where a baseline came from, as the Since view names it.
LAST_STANDUP = "the last stand-up"
PREVIOUS_WORKING_DAY = "the previous working day"
THE_IMPORT = "the import"
SINCE_OPTION = "--since"


@dataclass(frozen=True, slots=True)
class Baseline:
    """The moment changes are counted from (aware), where it came from, and a note when
    it was moved (a baseline before the tracker existed)."""

    at: datetime
    source: str
    note: str = ""


def local_zone() -> tzinfo:
    """The machine's time zone."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def previous_working_day(today: date) -> date:
    """The working day before ``today``: Friday for a Monday (and for a weekend day)."""
    weekday = today.weekday()  # Monday 0 ... Sunday 6
    back = {0: 3, 6: 2, 5: 1}.get(weekday, 1)
    return today - timedelta(days=back)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def parse_since(text: str, now: datetime, tz: tzinfo) -> datetime | None:
    """The moment ``--since TEXT`` names, or None for ``last`` (the caller knows the last
    stand-up).

    Raises:
        TrackerError: ``text`` is none of the accepted forms, or a time in the future.
    """
    value = " ".join(text.strip().lower().split())
    local_now = now.astimezone(tz)
    if value == "last":
        return None
    if value == "yesterday":
        moment = _midnight(local_now.date() - timedelta(days=1), tz)
    elif match := _RELATIVE.match(value):
        amount, unit = int(match[1]), match[2]
        if amount < 1:
            raise TrackerError(f"--since {text.strip()!r}: expected a positive number")
        moment = now - (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    else:
        moment = _parse_absolute(value, text, tz)
    if moment > now:
        raise TrackerError(
            f"--since {text.strip()!r} is in the future (now is {local_now:%Y-%m-%d %H:%M})"
        )
    return moment


def _parse_absolute(value: str, text: str, tz: tzinfo) -> datetime:
    try:
        if len(value) == 10:
            return _midnight(date.fromisoformat(value), tz)
        moment = datetime.strptime(value.replace("t", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise TrackerError(
            f"--since {text.strip()!r} is not a time; expected {SINCE_FORMS}"
        ) from None
    return moment.replace(tzinfo=tz)


def resolve_baseline(
    since: str | None,
    *,
    now: datetime,
    tz: tzinfo,
    last_standup: datetime | None,
    tracker_start: datetime | None,
) -> Baseline:
    """The baseline for ``since`` (None: the default rule).

    ``last_standup`` is the start of the last recorded stand-up; ``tracker_start`` the
    moment the tracker was imported (or first written), before which the history
    describes other rows.

    Raises:
        TrackerError: a bad ``--since``, one in the future, or ``last`` with no stand-up
            recorded yet.
    """
    if since is not None and since.strip():
        moment = parse_since(since, now, tz)
        if moment is None:
            if last_standup is None:
                raise TrackerError(
                    "--since last: no stand-up has been recorded yet; "
                    f"try --since yesterday, or one of {SINCE_FORMS}"
                )
            baseline = Baseline(last_standup, LAST_STANDUP)
        else:
            baseline = Baseline(moment, SINCE_OPTION)
    elif last_standup is not None:
        baseline = Baseline(last_standup, LAST_STANDUP)
    else:
        day = previous_working_day(now.astimezone(tz).date())
        baseline = Baseline(_midnight(day, tz), PREVIOUS_WORKING_DAY)
    if tracker_start is not None and baseline.at < tracker_start:
        return Baseline(tracker_start, THE_IMPORT, "showing everything since the import")
    return baseline


def ago(moment: datetime, now: datetime) -> str:
    """How long before ``now``: "just now", "40 min ago", "26 h ago", "9 d ago"."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    hours = seconds // 3600
    if hours < 72:
        return f"{hours} h ago"
    return f"{hours // 24} d ago"


def local_time(moment: datetime, tz: tzinfo) -> str:
    """``Mon 2024-06-03 09:30``, in the zone ``tz``."""
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def describe(baseline: Baseline, now: datetime, tz: tzinfo) -> str:
    """The baseline as every view shows it: ``Mon 2024-06-03 09:30 (26 h ago)``."""
    return f"{local_time(baseline.at, tz)} ({ago(baseline.at, now)})"


def history_time(moment: datetime) -> str:
    """A moment as the history's ``at`` column holds it (ISO 8601, UTC, to the second),
    so that text comparison in SQL orders like time."""
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_history_time(text: str | None) -> datetime | None:
    """A history timestamp as an aware datetime (None for missing or bad text)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment


def baseline_for(store: Store, since: str | None, *, tz: tzinfo | None = None) -> Baseline:
    """The baseline ``since`` names (None: the last stand-up, else the previous working
    day), moved up to the import when it is earlier.

    Raises:
        TrackerError: a bad ``--since``, one in the future, or ``last`` with none recorded.
    """
    last = store.last_standup()
    return resolve_baseline(
        since,
        now=store.clock.now(),
        tz=tz or local_zone(),
        last_standup=parse_history_time(last.started_at) if last else None,
        tracker_start=parse_history_time(store.tracker_start()),
    )
