"""The tracker's rules, as pure functions: statuses, progress, dates and IDs.

The store applies these to every write, whether it comes from the CLI, a keystroke in the
dashboard or an import, so that validation lives in one place. Nothing here touches a
database or a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from tracker_tui.domain import (
    COMPLETE,
    DEFAULT_RISK_STATUSES,
    DEFAULT_TASK_STATUSES,
    ENTITIES,
    IN_PROGRESS,
    NOT_STARTED,
    Checkpoint,
    Decision,
    Risk,
    Task,
    ValidationError,
)
from tracker_tui.fields import DEFAULT_MAX_LENGTH as DEFAULT_MAX_LENGTH
from tracker_tui.fields import field_specs, max_lengths, names

# Words and symbols that real trackers use for a status, mapped to the default set. Keys
# are lower-case, with emoji and punctuation already removed by ``_status_words``.
_TASK_STATUS_LOOKUP: dict[str, str] = {
    "not started": "Not Started",
    "todo": "Not Started",
    "to do": "Not Started",
    "planned": "Not Started",
    "pending": "Not Started",
    "queued": "Not Started",
    "backlog": "Not Started",
    "open": "Not Started",
    "new": "Not Started",
    "in progress": "In Progress",
    "in-progress": "In Progress",
    "ongoing": "In Progress",
    "active": "In Progress",
    "started": "In Progress",
    "wip": "In Progress",
    "underway": "In Progress",
    "green": "In Progress",
    "on track": "In Progress",
    "blocked": "Blocked",
    "red": "Blocked",
    "stuck": "Blocked",
    "at risk": "At Risk",
    "amber": "At Risk",
    "yellow": "At Risk",
    "delayed": "At Risk",
    "on hold": "On Hold",
    "paused": "On Hold",
    "deferred": "On Hold",
    "complete": "Complete",
    "completed": "Complete",
    "done": "Complete",
    "finished": "Complete",
    "closed": "Complete",
    "delivered": "Complete",
    "shipped": "Complete",
    "resolved": "Complete",
}

_RISK_STATUS_LOOKUP: dict[str, str] = {
    "open": "Open",
    "active": "Open",
    "new": "Open",
    "red": "Open",
    "amber": "Monitoring",
    "monitoring": "Monitoring",
    "watch": "Monitoring",
    # Not "mitigating" (work under way is not Mitigated) nor "in progress" (not Monitoring):
    # a status is mapped only to one that means the same; others join the list as written.
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "done": "Resolved",
    "fixed": "Resolved",
    "green": "Resolved",
    "closed": "Closed",
}

# Emoji that carry a status on their own, when no word is given.
_EMOJI_STATUS: dict[str, str] = {
    "✅": "Complete",
    "✔": "Complete",
    "☑": "Complete",
    "🟢": "In Progress",
    "🟡": "At Risk",
    "🟠": "At Risk",
    "🔴": "Blocked",
    "⛔": "Blocked",
    "🚫": "Blocked",
    "⏸": "On Hold",
    "⚪": "Not Started",
    "⬜": "Not Started",
    "🔄": "In Progress",
    "🚧": "In Progress",
    "⏳": "In Progress",
}

# The risk register's RAG colours and ticks, when no word is given.
_RISK_EMOJI_STATUS: dict[str, str] = {
    "✅": "Resolved",
    "✔": "Resolved",
    "🟢": "Resolved",
    "🟡": "Monitoring",
    "🟠": "Monitoring",
    "🔴": "Open",
}

#: The import's status mapping, per kind: words (after ``_status_words``) and emoji that
#: stand for a status. The README's table is generated from these (tools/readme_tables.py).
IMPORT_STATUS_WORDS: dict[str, dict[str, str]] = {
    "task": _TASK_STATUS_LOOKUP,
    "risk": _RISK_STATUS_LOOKUP,
}
IMPORT_STATUS_EMOJI: dict[str, dict[str, str]] = {
    "task": _EMOJI_STATUS,
    "risk": _RISK_EMOJI_STATUS,
}

# ASCII digits only: ``\d`` would also accept Arabic-Indic and other Unicode digits.
_DONE_MARKS = ("✅", "✔", "☑")
_PROGRESS_RE = re.compile(r"^\s*([+-]?)\s*([0-9]{1,3})\s*%?\s*$")
_ID_RE = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def _status_words(text: str) -> str:
    """Lower-case words of a status, with emoji, symbols and markup removed."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LN" or char in " -":
            kept.append(char)
        else:
            kept.append(" ")
    return " ".join("".join(kept).lower().replace("_", " ").split())


def _lookup(text: str, lookup: dict[str, str], known: Iterable[str]) -> str | None:
    words = _status_words(text)
    for status in known:
        if status.lower() == words or status.lower() == text.strip().lower():
            return status
    if words in lookup:
        return lookup[words]
    # "Complete (2024-05-09)" or "In progress - QA": try the leading words.
    for size in (2, 1):
        head = " ".join(words.split()[:size])
        if head in lookup:
            return lookup[head]
    return None


def cycle_status(statuses: Sequence[str], current: str, step: int) -> str:
    """The status ``step`` places on from ``current`` in ``statuses`` (the ``s``/``S``
    keys), wrapping round at either end. A status not in the list counts as standing
    just before the first, so ``s`` moves it to the first."""
    index = statuses.index(current) if current in statuses else -1
    return statuses[(index + step) % len(statuses)]


#: What a user may type for a task status besides its name (``set --status``, any edit),
#: as lower-case words. Only words that can mean nothing else: a risk status ("Open",
#: "Resolved", "Closed") or a RAG colour ("amber") typed for a task is refused, because
#: mapping it onto a task status is a guess that can wipe the task's progress. (An
#: import, which must read any tracker, maps those too: see ``canonical_status``.)
TASK_STATUS_SYNONYMS: dict[str, str] = {
    "done": COMPLETE,
    "completed": COMPLETE,
    "finished": COMPLETE,
    "✅": COMPLETE,
    "✔": COMPLETE,
    "☑": COMPLETE,
    "todo": NOT_STARTED,
    "to do": NOT_STARTED,
    "wip": IN_PROGRESS,
    "ongoing": IN_PROGRESS,
    "started": IN_PROGRESS,
    "paused": "On Hold",
}
#: As ``TASK_STATUS_SYNONYMS``, for a risk: a task status ("Complete", "In Progress")
#: typed for a risk is refused.
RISK_STATUS_SYNONYMS: dict[str, str] = {
    "fixed": "Resolved",
    "✅": "Resolved",
    "✔": "Resolved",
}


def match_status(text: str, known: Sequence[str]) -> str:
    """The canonical spelling of a task status typed by a user: its name in any case
    (``in progress``, ``In-Progress``) or one of ``TASK_STATUS_SYNONYMS`` (``done``).

    Args:
        text: what the user typed.
        known: the store's list of task statuses.

    Raises:
        ValidationError: anything else, a risk status included; the message lists
            ``known``.
    """
    return _match_known_status(
        text, known, TASK_STATUS_SYNONYMS, kind="task", other=("risk", DEFAULT_RISK_STATUSES)
    )


def match_risk_status(text: str, known: Sequence[str]) -> str:
    """As ``match_status``, for the risk register's own list (``RISK_STATUS_SYNONYMS``)."""
    return _match_known_status(
        text, known, RISK_STATUS_SYNONYMS, kind="risk", other=("task", DEFAULT_TASK_STATUSES)
    )


def _typed_words(text: str) -> str:
    """A typed status compared case-insensitively, ``-`` and ``_`` taken as spaces."""
    return " ".join(text.replace("-", " ").replace("_", " ").casefold().split())


def _match_known_status(
    text: str,
    known: Sequence[str],
    synonyms: dict[str, str],
    *,
    kind: str,
    other: tuple[str, Sequence[str]],
) -> str:
    cleaned = " ".join(str(text).split())
    typed = _typed_words(cleaned)
    for status in known:
        if _typed_words(status) == typed:
            return status
    mapped = synonyms.get(typed)
    if mapped is not None and mapped in known:
        return mapped
    other_kind, other_statuses = other
    belongs = any(_typed_words(status) == typed for status in other_statuses)
    what = (
        f"{cleaned!r} is a {other_kind} status, not a {kind} status"
        if belongs
        else (f"unknown {'risk ' if kind == 'risk' else ''}status {cleaned!r}")
    )
    raise ValidationError(f"{what}; use one of: {', '.join(known)}", field="status")


def canonical_status(text: str, known: Sequence[str], *, kind: str = "task") -> str | None:
    """Map a status as written in a document (``✅ Complete``, ``🟡 AMBER``, ``Done``) to
    the store's set, or ``None`` when nothing matches (the importer then adds it as is)."""
    lookup = _RISK_STATUS_LOOKUP if kind == "risk" else _TASK_STATUS_LOOKUP
    if kind == "task" and any(mark in text for mark in _DONE_MARKS):
        # A tick says "done" even beside a RAG colour ("✅ Green" is a finished workstream).
        return "Complete" if "Complete" in known or not known else None
    mapped = _lookup(text, lookup, known)
    if mapped is not None:
        return mapped
    for emoji, status in (_RISK_EMOJI_STATUS if kind == "risk" else _EMOJI_STATUS).items():
        if emoji in text:
            return status
    return None


def match_impact(text: str, known: Iterable[str]) -> str:
    """A risk impact as the register spells it: ``high`` becomes ``High`` when ``known``
    (the default impacts, then those already in the store) has it in any case; an impact
    nobody uses yet is kept as written (real registers use P0-P3, "Sev 1"...).

    Args:
        text: the impact as typed, already sanitised.
        known: spellings to match, best first.
    """
    cleaned = " ".join(text.split())
    folded = cleaned.casefold()
    for impact in known:
        if impact.casefold() == folded:
            return impact
    return cleaned


def parse_progress(value: str | int, current: int = 0) -> int:
    """The new progress figure for ``value``: ``40``, ``40%``, or relative ``+10``/``-10``.

    Relative values clamp at 0 and 100; absolute values outside 0-100 are refused.

    Raises:
        ValidationError: not an integer percentage.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        # None, 1.5, a date...: only whole numbers (or their text) are progress figures.
        raise ValidationError(
            f"progress must be a whole number from 0 to 100, or +N/-N, not {value!r}",
            field="progress",
        )
    if isinstance(value, int):
        sign, number = "", value
    else:
        match = _PROGRESS_RE.match(value)
        if match is None:
            raise ValidationError(
                f"progress must be a whole number from 0 to 100, or +N/-N, not {value!r}",
                field="progress",
            )
        sign, number = match.group(1), int(match.group(2))
    if sign:
        delta = number if sign == "+" else -number
        return max(0, min(100, current + delta))
    if not 0 <= number <= 100:
        raise ValidationError(f"progress must be from 0 to 100, not {number}", field="progress")
    return number


def relative_delta(value: str) -> int | None:
    """``+10`` → 10, ``-5`` → -5, anything else → None (an absolute value)."""
    if isinstance(value, str):
        match = _PROGRESS_RE.match(value)
        if match and match.group(1):
            number = int(match.group(2))
            return number if match.group(1) == "+" else -number
    return None


def is_forced_progress(status: str, progress: int, *, not_started: str = NOT_STARTED) -> bool:
    """Whether ``progress`` is only what ``status`` forces (Complete at 100%, Not Started
    at 0%), rather than a figure somebody reported."""
    return (status == COMPLETE and progress == 100) or (status == not_started and progress == 0)


def progress_before(
    states: Iterable[tuple[str, int]], *, not_started: str = NOT_STARTED
) -> int | None:
    """The progress a task had before a status forced it to 100% or 0%.

    Args:
        states: the task's earlier (status, progress) pairs, newest first, as its history
            tells them.
        not_started: the store's name for Not Started.

    Returns:
        The newest figure that was not forced (and is below 100, which only Complete may
        have), or None when the history holds none.
    """
    for status, progress in states:
        if progress < 100 and not is_forced_progress(status, progress, not_started=not_started):
            return progress
    return None


def reconcile_status_progress(
    status: str,
    progress: int,
    *,
    old_status: str,
    old_progress: int,
    status_changed: bool,
    progress_changed: bool,
    in_progress: str = "In Progress",
    not_started: str = NOT_STARTED,
    earlier_progress: Callable[[], int | None] | None = None,
) -> tuple[str, int]:
    """Keep status and progress telling the same story when an edit changes one of them.

    - Complete ⇔ 100%: setting one sets the other, and lowering a Complete task's
      progress makes it In Progress.
    - A task set to Not Started is at 0% ("Not Started, 90%" reads as nonsense), and
      progress above 0% on a Not Started task makes it In Progress.
    - A task leaving Complete (at 100%) or Not Started (at 0%) gets back the progress it
      had before that status forced its figure: ``earlier_progress()``, read from its
      history (see ``progress_before``). Without one, a Complete task reopened with any
      other status is at 90% (a visible, editable stand-in rather than a guess at the
      real figure) and a Not Started task stays at 0%.
    - Other status changes leave progress alone.

    When one edit sets both, they are taken as given (a Not Started task at 20% is the
    user's call), except that Complete and 100% must agree.

    Args:
        earlier_progress: called only when a forced figure is left behind, so that the
            caller reads the history only then.

    Raises:
        ValidationError: one edit sets both, and they contradict each other (Complete at
            40%, or 100% with a status other than Complete): the user must pick one.
    """
    if status_changed and progress_changed:
        if (status == COMPLETE) != (progress == 100):
            raise ValidationError(
                f"status {status!r} and progress {progress}% contradict each other: "
                "Complete means 100%",
                field="progress",
            )
        return status, progress
    if status_changed:
        if status == COMPLETE:
            return status, 100
        if status == not_started:
            return status, 0
        if is_forced_progress(old_status, progress, not_started=not_started):
            earlier = earlier_progress() if earlier_progress is not None else None
            if earlier is not None and 0 <= earlier < 100:
                return status, earlier
        if old_status == COMPLETE and progress == 100:
            # Reopening a finished task with no earlier figure: it is no longer 100% done.
            return status, 90
        return status, progress
    if progress_changed:
        if progress == 100:
            return COMPLETE, progress
        if old_status == COMPLETE or (old_status == not_started and progress > 0):
            # Work reported on a task that was done, or not begun: it is under way now.
            return in_progress, progress
    return status, progress


_DAY_SHAPE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(text: str, *, field: str = "date") -> date | None:
    """A ``YYYY-MM-DD`` date, or None for empty, ``-`` or ``–``.

    Raises:
        ValidationError: any other text.
    """
    cleaned = text.strip()
    if cleaned in ("", "-", "–", "—", "n/a", "N/A"):
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        # "2024-02-30" has the form: say what is wrong with it instead.
        if _DAY_SHAPE_RE.match(cleaned):
            message = f"{field} must be a real day (YYYY-MM-DD): there is no {cleaned}"
        else:
            message = f"{field} must be a date as YYYY-MM-DD, not {cleaned!r}"
        raise ValidationError(message, field=field) from None


_ISO_DATE_RE = re.compile(r"\b(\d{4})[-/](\d{2})[-/](\d{2})\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# "10 June 2024", "10th Jun, 2024"; "June 10, 2024", "Jun 10th 2024".
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+(\d{{4}})\b", re.I)
_MONTH_DAY_RE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(\d{{4}})\b", re.I)

#: How long a checkpoint stays "next" once its date has passed: a lead wants to see the
#: one just missed, not one from last quarter that nobody struck off.
OVERDUE_DAYS = 7


def find_date(text: str) -> date | None:
    """The first real date ``text`` holds: ``2024-06-10``, ``2024/06/10``, ``10 June
    2024``, ``June 10, 2024``; None for words alone ("Week 6 Tuesday") or ambiguous
    numbers (``10/06/2024``)."""
    found: list[tuple[int, date]] = []
    for pattern, order in (
        (_ISO_DATE_RE, (1, 2, 3)),
        (_DAY_MONTH_RE, (3, 2, 1)),
        (_MONTH_DAY_RE, (3, 1, 2)),
    ):
        for match in pattern.finditer(text):
            year, month, day = (match[i] for i in order)
            number = _MONTHS.get(month.casefold().rstrip("."), 0) if month.isalpha() else 0
            try:
                found.append((match.start(), date(int(year), number or int(month), int(day))))
            except ValueError:
                continue
            break
    return min(found)[1] if found else None


def written_date(checkpoint: Checkpoint) -> date | None:
    """The date a checkpoint's words hold (its when, else its text): what an import fills
    ``date`` from, and what export need not repeat."""
    return find_date(checkpoint.when) or find_date(checkpoint.text)


def checkpoint_date(checkpoint: Checkpoint) -> date | None:
    """A checkpoint's date: its ``date`` field, else a date its words hold. Every reader
    of checkpoint dates (header, stand-up, Trends, portfolio) asks this."""
    if checkpoint.date:
        try:
            return date.fromisoformat(checkpoint.date)
        except ValueError:
            pass
    return written_date(checkpoint)


def next_checkpoint(checkpoints: Sequence[Checkpoint], today: date) -> Checkpoint | None:
    """The checkpoint to show as next: the earliest dated one overdue by at most
    ``OVERDUE_DAYS``, else the earliest dated on or after ``today``, else the first
    undated one in the plan's order."""
    recent = today - timedelta(days=OVERDUE_DAYS)
    dated = [
        (day, index, item)
        for index, item in enumerate(checkpoints)
        if (day := checkpoint_date(item)) is not None and day >= recent
    ]
    if dated:
        return min(dated, key=lambda found: found[:2])[2]
    return next((item for item in checkpoints if checkpoint_date(item) is None), None)


def countdown(day: date, today: date) -> str:
    """How far off ``day`` is: ``in 3 days``, ``tomorrow``, ``today``, ``overdue by 1 day``."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return f"overdue by {-days} day{'s' if days < -1 else ''}"


def next_id(existing: Iterable[str], default_prefix: str) -> str:
    """The ID that continues the store's pattern: UT-008 after UT-007, R-06 after R-05.

    The prefix is the most common among ``existing``; the number is one more than the
    highest with that prefix, zero-padded to the widest width in use. The result never
    equals an existing ID, compared case-insensitively (IDs are unique that way).
    """
    taken = {identifier.strip().casefold() for identifier in existing}
    numbers: dict[str, list[tuple[int, int]]] = {}
    for identifier in taken:
        match = _ID_RE.match(identifier)
        if match:
            digits = match.group("number")
            numbers.setdefault(match.group("prefix"), []).append((int(digits), len(digits)))
    # Recover the prefix's spelling (``UT-``) from the original IDs, not the folded ones.
    spelled: dict[str, str] = {}
    for identifier in existing:
        match = _ID_RE.match(identifier.strip())
        if match:
            spelled.setdefault(match.group("prefix").casefold(), match.group("prefix"))
    if not numbers:
        candidate, number, width, prefix = f"{default_prefix}1", 1, 1, default_prefix
    else:
        folded = max(numbers, key=lambda key: (len(numbers[key]), key))
        prefix = spelled.get(folded, folded)
        number = max(value for value, _ in numbers[folded]) + 1
        width = max(size for _, size in numbers[folded])
        candidate = f"{prefix}{number:0{width}d}"
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
    return candidate


def shared_ids(task_ids: Iterable[str], risk_ids: Iterable[str]) -> list[str]:
    """IDs that a task and a risk both use (compared case-insensitively, as IDs are),
    spelled as the task has it, in task order: ``set ID`` needs ``--task`` or ``--risk``
    for them. Decisions have no IDs of their own, so cannot clash."""
    risks = {identifier.strip().casefold() for identifier in risk_ids}
    return list(
        dict.fromkeys(
            identifier for identifier in task_ids if identifier.strip().casefold() in risks
        )
    )


def require_text(value: str, *, field: str, max_length: int = 2000) -> str:
    """A required one-line-or-more text field, stripped; refused when empty or too long."""
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError(f"{field} cannot be empty", field=field)
    return limit_text(cleaned, field=field, max_length=max_length)


def limit_text(value: str, *, field: str, max_length: int = 10_000) -> str:
    """Refuse text longer than ``max_length`` characters (a runaway paste)."""
    if len(value) > max_length:
        raise ValidationError(
            f"{field} is too long ({len(value):,} characters; the limit is {max_length:,})",
            field=field,
        )
    return value


# -- field limits and IDs: one source of truth for the store, the importer and the forms --

#: Longest text each field accepts from an edit (form, CLI, keystroke): a runaway paste is
#: refused, never cut. Imported documents are bounded by the markdown layer's own limits.
#: Declared with each field in the domain (``spec(max_length=...)``).
FIELD_MAX_LENGTH: dict[str, int] = max_lengths(*ENTITIES.values())
#: Fields that keep tabs and newlines; every other field is one line.
MULTILINE_FIELDS = frozenset(
    item.name
    for entity in ENTITIES.values()
    for item in field_specs(entity)
    if item.kind == "multiline"
)

#: What a user may set on a task, a risk and a decision (``set``, forms, quick edits), as
#: the domain declares them; the store re-exports these as ``tracker_tui.store.TASK_FIELDS``/
#: ``RISK_FIELDS``.
TASK_FIELDS: tuple[str, ...] = names(Task, editable=True)
RISK_FIELDS: tuple[str, ...] = names(Risk, editable=True)
DECISION_FIELDS: tuple[str, ...] = names(Decision, editable=True)

_ID_FORBIDDEN = re.compile(r"[\s|]")


def max_length(field: str) -> int:
    """The longest text ``field`` accepts from an edit."""
    return FIELD_MAX_LENGTH.get(field, DEFAULT_MAX_LENGTH)


def validate_id(text: str) -> str:
    """A new task or risk ID as typed: stripped, non-empty, at most 40 characters, and
    without spaces or ``|`` (it is typed on command lines and sits in markdown tables).

    Raises:
        ValidationError: the ID cannot be used.
    """
    cleaned = require_text(text, field="id", max_length=max_length("id"))
    if _ID_FORBIDDEN.search(cleaned):
        raise ValidationError("an ID cannot contain spaces or '|'", field="id")
    return cleaned


def validate_date_text(text: str, *, field: str = "date") -> str:
    """A date field as stored from an edit: ``YYYY-MM-DD``, or empty (for empty, ``-``,
    ``n/a``...). Imported text that is not a date is kept by the store as long as nobody
    edits it; only a new value has to pass here.

    Raises:
        ValidationError: any other text.
    """
    parsed = parse_date(text, field=field)
    return parsed.isoformat() if parsed else ""
