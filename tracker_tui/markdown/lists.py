"""Bullet lists of one entity kind: which section holds which kind, and each item's form.

- activity: ``- **2024-06-02** – text`` (found by the section heading, or by dated labels);
- checkpoint: ``- **Week 6 Tuesday** – text`` (heading: Checkpoints, Upcoming...); a date
  its words do not hold is written beside the label, ``**Week 6 Tuesday (2024-06-11)**``;
- cadence: ``- **Daily** text`` or ``- Monday: text`` (heading: Cadence, Communication);
- metric: ``- text`` (heading: Metrics, KPIs).

A list's style (``ListBlock.style``) records how the document wrote it: ``marker``
(``-``, ``*``, ``+``), ``sep`` (the exact text between label and text, e.g. `` – ``),
``dash`` (the dash in ``sep``, if any) and, for cadence, ``form`` (``bold`` or ``colon``).
Items that use a minority separator or marker are written back in the list's majority
style (a punctuation change only; every word is kept).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from tracker_tui.document import Entity
from tracker_tui.domain import ActivityEntry, CadenceItem, Checkpoint
from tracker_tui.markdown.metric_text import metric_text, read_metric
from tracker_tui.markdown.scorecard import scorecard_lines
from tracker_tui.rules import written_date

_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "checkpoint",
        re.compile(r"\b(checkpoints?|upcoming|milestones ahead|key dates|look ?ahead)\b"),
    ),
    ("cadence", re.compile(r"\b(cadences?|communications?|rituals)\b")),
    ("metric", re.compile(r"\b(metrics?|kpis?|measures)\b")),
    ("activity", re.compile(r"\b(activity|activities|log|changelog|updates|history|journal)\b")),
)

_BOLD_DASH_RE = re.compile(
    r"^(?P<marker>[-*+])[ \t]+\*\*(?P<label>[^ \t*](?:.*?[^ \t])?)\*\*(?!\*)"
    r"(?P<sep>[ \t]*[–—:-][ \t]*)(?P<text>.*)$"
)
_BOLD_RE = re.compile(
    r"^(?P<marker>[-*+])[ \t]+\*\*(?P<label>[^ \t*](?:.*?[^ \t])?)\*\*(?!\*)"
    r"(?P<sep>[ \t]*(?:[–—:-][ \t]*)?)(?P<text>.*)$"
)
_COLON_RE = re.compile(
    r"^(?P<marker>[-*+])[ \t]+(?P<label>[^ \t:*`\[\]|](?:[^:*`\[\]|]{0,38}[^ \t:*`\[\]|])?)"
    r"(?P<sep>:[ \t]*)(?P<text>.*)$"
)
_PLAIN_RE = re.compile(r"^(?P<marker>[-*+])(?:[ \t]+(?P<text>.*))?$")
_DATE_LABEL_RE = re.compile(
    r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4})"
)
_DASHES = "–—-"
#: A checkpoint label's date beside its words: ``Week 6 Tuesday (2024-06-11)``.
#: (A date alone, ``(2024-06-11)``, is a checkpoint with a date and no words.)
_DATED_LABEL_RE = re.compile(
    r"^(?:(?P<when>.*?\S)[ \t]+)?\((?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\)$"
)
#: What a bullet's bold label says when the item has none (its when, its label).
EMPTY_LABEL = "–"

DEFAULT_STYLE: dict[str, dict[str, str]] = {
    "activity": {"marker": "-", "sep": " – ", "dash": "–"},
    "checkpoint": {"marker": "-", "sep": " – ", "dash": "–"},
    "cadence": {"marker": "-", "sep": " ", "form": "bold"},
    "metric": {"marker": "-"},
}


def kind_for_heading(heading: str) -> str | None:
    """The list kind a section holds, from its heading's first three words (so that
    "Phase 5: System Stability & Metrics" is not a metrics section)."""
    words = " ".join(heading.lower().split()[:3])
    for kind, pattern in _KIND_WORDS:
        if pattern.search(words):
            return kind
    return None


@dataclass
class Item:
    """A bullet read in a given form: label and separator are empty for metrics."""

    marker: str
    label: str
    sep: str
    text: str
    form: str


def read_item(kind: str, line: str) -> Item | None:
    """The bullet ``line`` as an item of ``kind``, or None if it has another shape."""
    if kind == "metric":
        match = _PLAIN_RE.match(line)
        if match is None:
            return None
        return Item(match["marker"], "", "", (match["text"] or "").strip(), "plain")
    if kind in ("activity", "checkpoint"):
        match = _BOLD_DASH_RE.match(line)
        if match is None:
            return None
        return Item(match["marker"], match["label"], match["sep"], match["text"].strip(), "bold")
    match = _BOLD_RE.match(line)
    form = "bold"
    if match is None:
        match = _COLON_RE.match(line)
        form = "colon"
        if match is None:
            return None
    return Item(match["marker"], match["label"], match["sep"], match["text"].strip(), form)


def is_dated(item: Item) -> bool:
    return _DATE_LABEL_RE.match(item.label) is not None


def reread(item: Item, line: str, sep: str) -> Item:
    """``item`` re-read with the list's majority separator, so that a text that starts
    with a dash or colon keeps it (``**Daily** -5 builds`` with separator `` ``)."""
    if item.sep == sep or not item.label:
        return item
    head = 1 + line[1:].index(item.label) + len(item.label)
    if item.form == "bold":
        head += 2
    rest = line[head:]
    if rest.startswith(sep):
        return Item(item.marker, item.label, sep, rest[len(sep) :].strip(), item.form)
    return item


def list_style(kind: str, items: list[Item]) -> dict[str, str]:
    """The majority marker and separator of a list's items (first seen wins a tie)."""
    style = {"marker": Counter(i.marker for i in items).most_common(1)[0][0]}
    if kind == "metric":
        return style
    sep = Counter(i.sep for i in items).most_common(1)[0][0]
    style["sep"] = sep
    dash = next((c for c in sep if c in _DASHES), "")
    if dash:
        style["dash"] = dash
    if kind == "cadence":
        style["form"] = items[0].form
    return style


def make_entity(kind: str, item: Item) -> Entity:
    if kind == "activity":
        return ActivityEntry(key=None, date=item.label, text=item.text)
    # The mark export writes for an item without a label reads back as none.
    label = "" if item.label == EMPTY_LABEL else item.label
    if kind == "checkpoint":
        return read_checkpoint(label, item.text)
    if kind == "cadence":
        return CadenceItem(key=None, label=label, text=item.text)
    return read_metric(item.text)


def read_checkpoint(label: str, text: str) -> Checkpoint:
    """A checkpoint from its bullet: ``when`` as written, and its date from beside the
    label (``Week 6 (2024-06-11)``), else from a date its words hold."""
    match = _DATED_LABEL_RE.match(label)
    if match is not None:
        split = Checkpoint(key=None, when=match["when"] or "", text=text, date=match["date"])
        # Split only where export would write the label back the same way.
        if _is_date(match["date"]) and checkpoint_label(split) == label:
            return split
    found = written_date(Checkpoint(key=None, when=label, text=text))
    return Checkpoint(key=None, when=label, text=text, date=found.isoformat() if found else "")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def checkpoint_label(checkpoint: Checkpoint) -> str:
    """The bullet's label: the when, with the date beside it only when the words do not
    already hold that date (what ``read_checkpoint`` reads back)."""
    written = written_date(checkpoint)
    if checkpoint.date and checkpoint.date != (written.isoformat() if written else ""):
        return f"{checkpoint.when} ({checkpoint.date})".lstrip()
    return checkpoint.when


def _one_line(text: str) -> str:
    return text.replace("\n", " ") if "\n" in text else text


def render_items(kind: str, items: list[Entity], style: dict[str, str]) -> list[str]:
    """The bullet lines of a list, in its style (defaults for a list the store made)."""
    defaults = DEFAULT_STYLE[kind]
    marker = style.get("marker") or defaults["marker"]
    if kind == "metric" and style.get("layout") == "table":
        return scorecard_lines(items, style)  # type: ignore[arg-type]
    if kind == "metric":
        return [f"{marker} {_one_line(metric_text(item))}".rstrip() for item in items]  # type: ignore[arg-type]
    sep = style.get("sep")
    if sep is None:
        dash = style.get("dash")
        sep = f" {dash} " if dash else defaults["sep"]
    lines = []
    for item in items:
        if kind == "activity":
            label, text = item.date, item.text  # type: ignore[union-attr]
        elif kind == "checkpoint":
            label, text = checkpoint_label(item), item.text  # type: ignore[arg-type,union-attr]
        else:
            label, text = item.label, item.text  # type: ignore[union-attr]
        label = _one_line(label).strip() or EMPTY_LABEL
        if kind == "cadence" and style.get("form", defaults["form"]) == "colon":
            lines.append(f"{marker} {label}{sep}{_one_line(text)}")
        else:
            lines.append(f"{marker} **{label}**{sep}{_one_line(text)}")
    return lines
