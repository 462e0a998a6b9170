"""``tracker-tui trend`` (a series, for scripts) and ``tracker-tui metric`` (a metric's
value: set it, or show its series)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tracker_tui.commands.opening import open_store, require_tracker
from tracker_tui.commands.output import print_json, rich_console, say, write_stdout
from tracker_tui.domain import NotFoundError, TrackerError

if TYPE_CHECKING:
    from tracker_tui.domain import Metric
    from tracker_tui.trends.contract import TrendOutput
    from tracker_tui.trends.model import Series


def _window_days() -> int:
    from tracker_tui.config import load_settings

    return load_settings().forecast_window_days


def _text_lines(output: TrendOutput) -> str:
    unit = f" {output.unit}" if output.unit else ""
    lines = [f"{output.series.name} ({output.kind})"]
    if not output.series.points:
        lines.append("not enough history yet")
    for point in output.series.points:
        mark = "  recovered from the document" if point.recovered else ""
        lines.append(f"{point.day.isoformat()}  {point.value:7.1f}{unit}{mark}")
    if output.forecast is not None:
        lines.append(f"forecast: {output.forecast.text()}")
    return "\n".join(lines) + "\n"


def cmd_trend(args: argparse.Namespace) -> int:
    """Print one series, one point per day: the programme's (default), a milestone's
    or a metric's, from ``--from`` to ``--to``."""
    from tracker_tui.trends.contract import TrendOutput
    from tracker_tui.trends.forecast import forecast
    from tracker_tui.trends.series import compute_trends, metric_series

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise TrackerError("--from is after --to: nothing to show")
    with open_store(args, read_only=True) as store:
        require_tracker(store)
        inputs = store.trend_inputs()
        until = args.date_to or inputs.today
        if args.metric:
            metric = store.metric(args.metric)
            series = metric_series(
                inputs, str(metric.key), _name(metric), start=args.date_from, end=until
            )
            output = TrendOutput(
                "metric",
                series,
                until,
                unit=metric.unit,
                target=metric.target,
                extra=_shown_extra(metric),
            )
        else:
            trends = compute_trends(inputs, start=args.date_from, end=until)
            if args.milestone:
                found = _milestone(trends.milestones, args.milestone)
                whole = compute_trends(inputs, end=until)
                complete = next(s for s in whole.milestones if s.name == found.name)
                output = TrendOutput(
                    "milestone",
                    found,
                    until,
                    forecast=forecast(complete, until, window_days=_window_days()),
                )
            else:
                output = TrendOutput("programme", trends.programme, until)
    if args.format == "json":
        write_stdout(output.to_json())
    elif args.format == "csv":
        write_stdout(output.to_csv())
    else:
        write_stdout(_text_lines(output))
    return 0


def _milestone(milestones: tuple[Series, ...], name: str) -> Series:
    wanted = name.strip().casefold()
    for series in milestones:
        if series.name.casefold() == wanted:
            return series
    known = ", ".join(series.name or "(none)" for series in milestones) or "none"
    raise NotFoundError(f"no milestone {name!r} in that range (milestones: {known})")


def _name(metric: Metric) -> str:
    from tracker_tui.trends.metrics import metric_name

    return metric_name(metric)


def _shown_extra(metric: Metric) -> dict[str, str]:
    """The scorecard's other columns, as the JSON export gives them (without the cells
    kept as written for export)."""
    from tracker_tui.domain import Metric
    from tracker_tui.fields import export_value, spec_of

    shown: dict[str, str] = export_value(spec_of(Metric, "extra"), metric.extra)
    return shown


def _metric_json(metric: Metric, series: Series | None) -> dict[str, object]:
    from tracker_tui.trends.metrics import meets_target

    value: dict[str, object] = {
        "metric": _name(metric),
        "value": metric.value or None,
        "unit": metric.unit,
        "target": metric.target or None,
        "meets_target": meets_target(metric),
        # A scorecard row's other columns (Status, Notes...), as the JSON export has them.
        "extra": _shown_extra(metric),
    }
    if series is not None:
        value["points"] = [
            {"date": p.day.isoformat(), "value": round(p.value, 4)} for p in series.points
        ]
    return value


def _described(metric: Metric) -> str:
    from tracker_tui.trends.metrics import meets_target

    unit = f" {metric.unit}" if metric.unit else ""
    line = f"{_name(metric)}: {metric.value or '-'}{unit if metric.value else ''}"
    if metric.target:
        met = meets_target(metric)
        verdict = "" if met is None else ("  meets it" if met else "  below target")
        line += f"  (target {metric.target}{unit}){verdict}"
    return line


def cmd_metric(args: argparse.Namespace) -> int:
    """Give a metric a value (and/or a unit, a target), or show its series."""
    from tracker_tui.trends.series import metric_series

    setting = args.value is not None or args.unit is not None or args.target is not None
    with open_store(args, read_only=None if setting else True) as store:
        require_tracker(store)
        if setting:
            metric = store.set_metric_value(
                args.name, args.value, unit=args.unit, target=args.target
            )
            series = None
        else:
            metric = store.metric(args.name)
            series = metric_series(store.trend_inputs(), str(metric.key), _name(metric))
    if args.format == "json":
        print_json(_metric_json(metric, series))
        return 0
    console = rich_console()
    say(console, _described(metric))
    if series is not None:
        if not series.points:
            say(console, "no values recorded yet")
        unit = f" {metric.unit}" if metric.unit else ""
        for point in series.points:
            say(console, f"{point.day.isoformat()}  {point.value:g}{unit}")
    return 0
