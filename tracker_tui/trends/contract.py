"""``tracker-tui trend``'s output: the documented JSON contract, and CSV.

The JSON shape (``version`` 1) is a contract for scripts (README, "For scripts"): keys
are only ever added, never renamed or removed, without a new ``version``::

    {
      "version": 1,
      "kind": "programme" | "milestone" | "metric",
      "name": "Programme" | "M2" | "Pipeline success rate ...",
      "unit": "%" (a metric's own unit for a metric),
      "target": null | "99" | "<=5" (metrics only),
      "from": "YYYY-MM-DD" | null, "to": "YYYY-MM-DD",
      "points": [{"date": "YYYY-MM-DD", "value": 42.9, "recovered": false}, ...],
      "forecast": null | {"milestone", "kind", "progress", "expected", "earliest",
                          "latest", "rate_per_day"} (milestones only),
      "extra": null | {"Status": "✅ On Track", "Notes": "..."} (metrics only: the other
               columns of the scorecard table it was imported from; {} for a bullet)
    }

One point per day, oldest first; ``recovered`` marks a point taken from the imported
document rather than from the store's history.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from tracker_tui.trends.forecast import Forecast
from tracker_tui.trends.model import Series

CONTRACT_VERSION = 1


@dataclass(frozen=True, slots=True)
class TrendOutput:
    """One series as ``trend`` prints it."""

    kind: str
    series: Series
    until: date
    unit: str = "%"
    target: str | None = None
    forecast: Forecast | None = None
    extra: dict[str, str] | None = None

    def as_json(self) -> dict[str, object]:
        points = self.series.points
        return {
            "version": CONTRACT_VERSION,
            "kind": self.kind,
            "name": self.series.name,
            "unit": self.unit,
            "target": self.target,
            "from": points[0].day.isoformat() if points else None,
            "to": self.until.isoformat(),
            "points": [
                {"date": p.day.isoformat(), "value": round(p.value, 2), "recovered": p.recovered}
                for p in points
            ],
            "forecast": self.forecast.as_json() if self.forecast else None,
            "extra": self.extra,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "value", "recovered"])
        for p in self.series.points:
            writer.writerow([p.day.isoformat(), f"{p.value:.2f}", "true" if p.recovered else ""])
        return out.getvalue()
