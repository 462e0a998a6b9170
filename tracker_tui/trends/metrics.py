"""Metrics with values: finding one by a prefix of its name, and checking a new value.

Pure rules: the store calls them inside ``Store.set_metric_value``, so that
``tracker-tui metric`` and any form on the Plan screen refuse the same input the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from tracker_tui.domain import Metric, NotFoundError, ValidationError

# ASCII digits only: "١٢" is not taken for a number that the markdown then cannot read.
_NUMBER_RE = re.compile(
    r"^\s*(?P<number>[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(?P<unit>.*?)\s*$"
)
# What follows a number and is the rest of it, not a unit: "97,5" (a decimal comma),
# "1e309" (an exponent), "0x10" (hex), "5 2" (another number).
_NOT_A_UNIT_RE = re.compile(r"^(?:[0-9.,]|[eE][-+]?[0-9]|[xX][0-9a-fA-F])")
_MAX_UNIT = 40
#: A target met at or below it (a duration, a backlog): ``--target "<=5"``.
AT_MOST = "<="


def metric_name(metric: Metric) -> str:
    """A metric's name as people type it: its text without a closing full stop."""
    return metric.text.strip().rstrip(".").strip()


def match_metric(metrics: Sequence[Metric], name: str) -> Metric:
    """The one metric whose name starts with ``name``, whatever the case (an exact name
    wins over longer ones it begins).

    Raises:
        NotFoundError: none matches, or several do (the message lists them).
    """
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        raise NotFoundError("give a metric's name (or the start of it)")
    exact = [m for m in metrics if " ".join(metric_name(m).split()).casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    found = [m for m in metrics if " ".join(m.text.split()).casefold().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"no metric starts with {name!r}")
    names = "; ".join(metric_name(m)[:40] for m in found[:4])
    more = f" and {len(found) - 4} more" if len(found) > 4 else ""
    raise NotFoundError(f"{name!r} matches {len(found)} metrics ({names}{more}): say more")


def refuse_taken_name(metrics: Sequence[Metric], name: str, key: int | None) -> None:
    """Refuse ``name`` for the metric ``key`` (None: a new one) when another metric has
    it, whatever the case: two of one name could no longer be told apart by
    ``tracker-tui metric NAME`` (it would match both, for ever).

    Raises:
        ValidationError: another metric has that name.
    """
    wanted = " ".join(metric_name(Metric(key=None, text=name)).split()).casefold()
    for metric in metrics:
        if metric.key != key and " ".join(metric_name(metric).split()).casefold() == wanted:
            raise ValidationError(f"a metric named {metric_name(metric)!r} exists", field="text")


def split_number(text: str, *, field: str) -> tuple[str, str]:
    """``"99 %"`` as (``"99"``, ``"%"``): a number and the unit written after it.

    Raises:
        ValidationError: not a number (with or without a unit after it).
    """
    match = _NUMBER_RE.match(text)
    if (
        match is None
        or not math.isfinite(float(match["number"]))
        or _NOT_A_UNIT_RE.match(match["unit"])
    ):
        hint = " (without commas: 97.5, 1500)" if "," in text else ""
        raise ValidationError(f"{field} must be a number, not {text.strip()!r}{hint}", field=field)
    number = match["number"].lstrip("+")
    if number.startswith("."):
        number = "0" + number
    number = number.removesuffix(".")  # "5." is 5
    if float(number) == 0:
        number = number.lstrip("-")  # "-0" is 0
    return number, match["unit"]


def metric_values(
    metric: Metric, value: str | None, *, unit: str | None = None, target: str | None = None
) -> dict[str, str]:
    """The fields to save for a new value (and/or unit, target) of ``metric``.

    A unit may come with ``--unit`` or after the number (``97.5%``); a target written
    with a unit must use the metric's.

    Raises:
        ValidationError: a value or target that is not a number; a unit too long; a
            target whose unit differs from the metric's.
    """
    values: dict[str, str] = {}
    given_unit = (unit or "").strip()
    if value is not None:
        number, written_unit = split_number(value, field="value")
        if written_unit and given_unit and written_unit != given_unit:
            raise ValidationError(
                f"the value's unit {written_unit!r} differs from the unit given, {given_unit!r}",
                field="unit",
            )
        values["value"] = number
        given_unit = given_unit or written_unit
    if len(given_unit) > _MAX_UNIT:
        raise ValidationError(f"a unit is at most {_MAX_UNIT} characters", field="unit")
    if "*" in given_unit:
        # The markdown bullet writes the value and unit in bold (``**97.5 %**``).
        raise ValidationError("a unit cannot hold '*'", field="unit")
    if unit is not None or given_unit:
        values["unit"] = given_unit
    the_unit = values.get("unit", metric.unit)
    if target is not None:
        at_most = target.strip().startswith(("<=", "≤"))
        bare = target.strip().removeprefix("<=").removeprefix("≤")
        number, target_unit = split_number(bare, field="target")
        if target_unit and target_unit != the_unit:
            raise ValidationError(
                f"the target's unit {target_unit!r} differs from the metric's unit "
                f"{the_unit or '(none)'!r}",
                field="target",
            )
        values["target"] = AT_MOST + number if at_most else number
    if not values:
        raise ValidationError("give a value, --unit or --target", field="value")
    return values


def target_parts(target: str) -> tuple[bool, float] | None:
    """A stored target as (at most?, number): ``99`` is met at 99 or above, ``<=5`` at
    5 or below. None when there is no target."""
    at_most = target.startswith(AT_MOST)
    try:
        return at_most, float(target.removeprefix(AT_MOST))
    except ValueError:
        return None


def meets_target(metric: Metric) -> bool | None:
    """Whether the latest value meets the target (None when either is missing)."""
    parts = target_parts(metric.target)
    try:
        value = float(metric.value)
    except ValueError:
        return None
    if parts is None:
        return None
    at_most, target = parts
    return value <= target if at_most else value >= target
