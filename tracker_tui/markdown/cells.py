"""Table cells as entity values and back: IDs, progress, dates and statuses.

A cell's markdown is kept as the value (links, bold, code stay as written). Where the
value the store keeps would render differently from the source cell, the source text is
kept as a *format hint* in the entity's ``extra`` under a key starting with ``_``, and
export writes the hint back as long as it still says the same thing as the value:

- ``_id_link``: the target of an ID cell written as a link, ``[EPIC-1](EPIC-1/README.md)``;
- ``_id_sep``: the text between ID and title in a cell holding both (``1. Docs``), when it
  is not the default (``. `` after a number, ``: `` otherwise);
- ``_progress_text``: a progress cell that is not plain ``N%`` (``████████░░ 77%``, ``60``,
  ``60% complete``, empty); a changed figure is written into the same text;
- ``_last_update_text``: a last-update cell that is not ``YYYY-MM-DD`` or empty (``–``,
  ``2024-05-09 (late)``, ``20-03-2024``);
- ``_wrap_<field>``: bold, code or a link around an ID, status or date (``**{}**``);
- ``_id_generated``, ``_status_blank``, ``_cells``, ``_completed_text``: see below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tracker_tui.rules import canonical_status

HINT_ID_LINK = "_id_link"
HINT_ID_SEP = "_id_sep"
HINT_PROGRESS = "_progress_text"
HINT_LAST_UPDATE = "_last_update_text"
#: A Completed cell that is not ``YYYY-MM-DD`` or empty.
HINT_COMPLETED = "_completed_text"
#: The ID was made by the importer (the cell or checklist item had none): export leaves
#: it out.
HINT_ID_GENERATED = "_id_generated"
#: The status cell was empty (the kind's first status was assumed): export leaves it
#: empty while the status is still that one.
HINT_BLANK_STATUS = "_status_blank"
#: A row with fewer cells than its header: export writes it as short (while the
#: missing cells are still empty).
HINT_CELLS = "_cells"
#: ``_wrap_<field>``: the formatting around a cell (``**{}**``), see ``unwrap``.
WRAP_PREFIX = "_wrap_"
HINT_KEYS = (
    HINT_ID_LINK,
    HINT_ID_SEP,
    HINT_PROGRESS,
    HINT_LAST_UPDATE,
    HINT_COMPLETED,
    HINT_ID_GENERATED,
    HINT_BLANK_STATUS,
    HINT_CELLS,
)


def wrap_hint(field: str) -> str:
    return WRAP_PREFIX + field


_LINK_RE = re.compile(r"^\[([^\]]*)\]\((.*)\)$")
# "1. Documentation Refactoring", "UT-001: Title", "R-2 – Title".
_ID_TITLE_RE = re.compile(
    r"^(?P<id>(?:[A-Za-z]+[-_]?)?[0-9]+(?:[.-][0-9]+)*)"
    r"(?P<sep>\.[ \t]+|:[ \t]+|[ \t]+[–—-][ \t]+)(?P<title>\S.*)$"
)
_PERCENT_RE = re.compile(r"(?<![0-9])([0-9]{1,3})(?:\.[0-9]+)?[ \t]*%")
_NUMBER_RE = re.compile(r"^[ \t]*([0-9]{1,3})(?:\.[0-9]+)?[ \t]*$")
_BAR_RE = re.compile(r"[█░]+")
_ISO_PREFIX_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


def split_id_cell(text: str) -> tuple[str, str | None]:
    """``[INIT-0001](url)`` → (``INIT-0001``, ``url``); plain text → (text, None)."""
    match = _LINK_RE.match(text)
    if match is None:
        return text, None
    return match.group(1).strip(), match.group(2)


def id_cell(identifier: str, link: str | None) -> str:
    return f"[{identifier}]({link})" if link is not None else identifier


def split_id_title(text: str) -> tuple[str, str, str] | None:
    """``1. Documentation`` → (``1``, ``. ``, ``Documentation``), or None."""
    match = _ID_TITLE_RE.match(text)
    if match is None:
        return None
    return match.group("id"), match.group("sep"), match.group("title")


def default_id_sep(identifier: str) -> str:
    return ". " if identifier.isdigit() else ": "


def _progress_match(text: str) -> re.Match[str] | None:
    return _PERCENT_RE.search(text) or _NUMBER_RE.match(text)


def progress_from_text(text: str) -> int | None:
    """The percentage a progress cell states (``77%``, ``60``, ``~72% done``), capped at
    100, or None when it states none."""
    match = _progress_match(text)
    return None if match is None else min(100, int(match.group(1)))


def progress_cell(progress: int, hint: str | None) -> str:
    """The cell for ``progress``: the source text when it still states this figure, the
    source text with the figure (and any ``█░`` bar) redrawn, or plain ``N%``."""
    if hint is None:
        return f"{progress}%"
    match = _progress_match(hint)
    if match is None:
        return hint if progress == 0 else f"{progress}%"
    if min(100, int(match.group(1))) == progress:
        return hint
    text = hint[: match.start(1)] + str(progress) + hint[match.end(1) :]
    bar = _BAR_RE.search(text)
    if bar is not None and bar.end() <= match.start(1):
        width = bar.end() - bar.start()
        filled = round(progress * width / 100)
        text = text[: bar.start()] + "█" * filled + "░" * (width - filled) + text[bar.end() :]
    return text


def date_from_text(text: str) -> date | None:
    """The ``YYYY-MM-DD`` date a cell starts with, or None (``–``, empty, other forms)."""
    match = _ISO_PREFIX_RE.match(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def date_cell(value: date | None, hint: str | None) -> str:
    """The cell for a date: the source text when it still says ``value``, else ISO or ''."""
    if hint is not None and date_from_text(hint) == value:
        return hint
    return value.isoformat() if value is not None else ""


class StatusReader:
    """Resolves status cells of one kind to the store's set, remembering statuses that
    match nothing (they are kept as written and join the document's list)."""

    def __init__(self, defaults: Sequence[str], kind: str) -> None:
        self.kind = kind
        self.default = defaults[0]
        self.known = list(defaults)
        self.unknown: list[str] = []
        #: (as written, read as) for each spelling that is not the status itself.
        self.mapped: list[tuple[str, str]] = []
        self._cache: dict[str, tuple[str, str]] = {}

    def peek(self, text: str) -> str | None:
        """The status ``text`` means, without adding it to the list when it is new."""
        return canonical_status(text, self.known, kind=self.kind)

    def read(self, text: str) -> tuple[str, str]:
        """(status, status_text): status_text is the source spelling when it differs."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        if not text:
            result = (self.default, "")
        else:
            mapped = canonical_status(text, self.known, kind=self.kind)
            if mapped is None:
                self.known.append(text)
                self.unknown.append(text)
                mapped = text
            result = (mapped, "" if mapped == text else text)
            if mapped != text:
                self.mapped.append((text, mapped))
        self._cache[text] = result
        return result


class StatusWriter:
    """Chooses the cell text for a status: the document's spelling while it still means
    the entity's status, else the status itself."""

    def __init__(self, defaults: Sequence[str], kind: str) -> None:
        self.defaults = tuple(defaults)
        self.kind = kind
        self._cache: dict[tuple[str, str], str] = {}

    def write(self, status: str, status_text: str) -> str:
        if not status_text or status_text == status:
            return status
        key = (status, status_text)
        cell = self._cache.get(key)
        if cell is None:
            mapped = canonical_status(status_text, (*self.defaults, status), kind=self.kind)
            cell = status_text if mapped == status else status
            self._cache[key] = cell
        return cell
