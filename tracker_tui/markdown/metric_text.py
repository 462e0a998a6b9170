"""A metric bullet with a value: ``- Pipeline success rate — **97.5 %** (target 99 %)``.

A metric without a value stays the plain bullet it was. Once it has one, the value (and
its unit and target) follow the name after an em dash, in a form ``read_metric`` reads
back to the same value, unit and target.
"""

from __future__ import annotations

import re

from tracker_tui.domain import Metric

_VALUE_RE = re.compile(
    r"^(?P<text>.*?)\s+—\s+\*\*(?P<value>[-+]?\d+(?:\.\d+)?)(?:\s?(?P<unit>[^*\s][^*]*?))?\*\*"
    # The unit after the target may hold brackets ("req/s (p95)"): the bracket closing
    # the target is the last on the line.
    r"(?:\s+\(target\s+(?P<target>(?:<=)?[-+]?\d+(?:\.\d+)?)(?:\s?.*)?\))?\s*$"
)


def read_metric(text: str) -> Metric:
    """A metric bullet's text as a metric (with its value, unit and target if written)."""
    match = _VALUE_RE.match(text)
    if match is None:
        return Metric(key=None, text=text)
    return Metric(
        key=None,
        text=match["text"],
        value=match["value"],
        unit=(match["unit"] or "").strip(),
        target=match["target"] or "",
    )


def metric_text(metric: Metric) -> str:
    """The bullet's text for ``metric``: its name alone until it has a value."""
    if not metric.value:
        return metric.text
    unit = f" {metric.unit}" if metric.unit else ""
    line = f"{metric.text} — **{metric.value}{unit}**"
    if metric.target:
        line += f" (target {metric.target}{unit})"
    return line
