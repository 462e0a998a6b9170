"""Files that ship with tracker-tui: the bundled sample tracker.

In a wheel, pyproject force-includes the repository's top-level ``data/`` as
``tracker_tui/data``, where ``importlib.resources`` finds it. An editable checkout has no
``tracker_tui/data``, so we fall back to ``data/`` beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tracker_tui.domain import TrackerError

SAMPLE_NAME = "sample-tracker.md"


def _candidates() -> list[Traversable]:
    return [
        files("tracker_tui") / "data" / SAMPLE_NAME,
        Path(__file__).resolve().parent.parent / "data" / SAMPLE_NAME,
    ]


def sample_tracker() -> Traversable:
    """The bundled sample tracker, as an ``importlib.resources`` Traversable.

    Raises:
        TrackerError: the installation lacks the sample (a broken package).
    """
    for candidate in _candidates():
        if candidate.is_file():
            return candidate
    raise TrackerError(f"the bundled {SAMPLE_NAME} is missing from this installation")


def sample_tracker_text() -> str:
    """The sample's markdown; works even when the package is imported from a zip."""
    return sample_tracker().read_text(encoding="utf-8")
