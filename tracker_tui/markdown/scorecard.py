"""Scorecard tables: metrics kept as a table with a target and a current column.

``| Metric | Target | Current | Status | Notes |`` (or KPI, Dimension...; any order, the
headers as ``synonyms.SYNONYMS["metric"]`` lists them) is
read as metrics: the name column is the metric's text, Current its value and Target its
target, as numbers; a unit both share (``97.5%`` and ``99%``: ``%``) is split off. The
other columns go to the metric's ``extra``, and so do the Current and Target cells as
written (``_current``, ``_target``), so that a cell that is not a plain number ("TBD",
``3h 20m``, ``<1/100 LOC``) is never lost. Export writes the table back in its own layout:
a cell as written while its number is unchanged, else the number with its unit.

The table is a metric ``ListBlock`` whose style says ``layout: table`` and records the
header, the delimiter line and the role of each column.
"""

from __future__ import annotations

import json
import re

from tracker_tui.domain import Metric
from tracker_tui.markdown.lines import escape_cell, table_row
from tracker_tui.markdown.synonyms import field_for

#: ``extra`` keys of the cells as written (``_``: hidden from the JSON export's extra).
CURRENT_CELL = "_current"
TARGET_CELL = "_target"

# ">80%", "≤ 2.5s", "520ms", "99.8 %", "0": a comparison, a number, a unit.
_NUMBER_RE = re.compile(
    r"^(?P<cmp><=|>=|≤|≥|<|>)?\s*(?P<number>[-+]?\d+(?:\.\d+)?)\s*(?P<unit>%|[^\W\d_]{1,10})?$"
)


def scorecard_roles(columns: list[str]) -> list[str] | None:
    """Each column's role (``text``, ``value``, ``target`` or ``extra:<label>``) when the
    header is a scorecard's (a name, a target and a current column), else None."""
    roles: list[str] = []
    for label in columns:
        found = field_for("metric", label)
        # The first column of each field takes it; the others are kept as extra.
        taken = found is not None and found[0] not in roles
        roles.append(found[0] if found is not None and taken else f"extra:{label}")
    if not {"text", "value", "target"} <= set(roles):
        return None
    return roles


def _number(cell: str) -> tuple[str, str, str] | None:
    """(comparison, number, unit) of a cell that is one number, else None."""
    match = _NUMBER_RE.match(cell.strip())
    if match is None:
        return None
    return match["cmp"] or "", match["number"], match["unit"] or ""


def _numbers(current: str, target: str) -> tuple[str, str, str]:
    """(value, target, unit) as the store keeps them: numbers, the unit both share (or
    the one a lone number has); empty where a cell is no number or the units differ."""
    now, goal = _number(current), _number(target)
    units = {found[2] for found in (now, goal) if found is not None}
    if len(units) > 1:
        return "", "", ""
    value = now[1] if now is not None and not now[0] else ""
    wanted = ""
    if goal is not None:
        # "≤ 4h" and "<10%" are met at or below; ">80%" and "≥ 95" at or above.
        wanted = ("<=" if goal[0] in ("<", "<=", "≤") else "") + goal[1]
    return value, wanted, next(iter(units), "")


def read_scorecard(
    lines: list[str], roles: list[str], rows: list[list[str]]
) -> tuple[list[Metric], dict[str, str]]:
    """The metrics of a scorecard table (its header and delimiter ``lines``, its
    ``rows`` fitted to the header), and the list style that writes it back."""
    metrics = []
    for cells in rows:
        extra: dict[str, str] = {}
        text = current = target = ""
        for role, cell in zip(roles, cells, strict=True):
            if role == "text":
                text = cell
            elif role == "value":
                current = extra[CURRENT_CELL] = cell
            elif role == "target":
                target = extra[TARGET_CELL] = cell
            else:
                extra[role.removeprefix("extra:")] = cell
        value, wanted, unit = _numbers(current, target)
        metrics.append(
            Metric(key=None, text=text, value=value, unit=unit, target=wanted, extra=extra)
        )
    style = {
        "layout": "table",
        "header": lines[0],
        "delimiter": lines[1],
        "roles": json.dumps(roles),
    }
    return metrics, style


def _cell(written: str | None, number: str, unit: str, *, target: bool) -> str:
    """A Current or Target cell: as written while it still says ``number``, else the
    number with its unit."""
    if written is not None:
        if target:
            unchanged = _numbers("", written)[1] == number
        else:
            unchanged = _numbers(written, "")[0] == number
        if unchanged:
            return written
    if not number:
        return ""
    bare = number.removeprefix("<=")
    shown = f"{bare}{unit}" if unit in ("", "%") else f"{bare} {unit}"
    return f"≤ {shown}" if number.startswith("<=") else shown


def scorecard_lines(metrics: list[Metric], style: dict[str, str]) -> list[str]:
    """The scorecard table of ``metrics``, in the layout ``style`` recorded."""
    roles: list[str] = json.loads(style["roles"])
    header, delimiter = style["header"], style["delimiter"]
    open_end = not header.rstrip().endswith("|") or header.rstrip().endswith("\\|")
    lines = [header, delimiter]
    for metric in metrics:
        cells = []
        for role in roles:
            if role == "text":
                cell = metric.text
            elif role == "value":
                cell = _cell(
                    metric.extra.get(CURRENT_CELL), metric.value, metric.unit, target=False
                )
            elif role == "target":
                cell = _cell(metric.extra.get(TARGET_CELL), metric.target, metric.unit, target=True)
            else:
                cell = metric.extra.get(role.removeprefix("extra:"), "")
            cells.append(escape_cell(cell))
        row = table_row(cells)
        lines.append(row[:-2] if open_end else row)
    return lines
