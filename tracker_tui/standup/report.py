"""The update to post after a stand-up: markdown, plain text or JSON from a Since view.

Markdown renders cleanly on GitHub and in Slack: bold lines rather than headings, ``-``
bullets, no tables, the programme bar as a text sparkline in a code span. Every list is
capped at ``MAX_ITEMS`` with "… and N more". JSON is the documented contract (README,
"Running a stand-up"): every list in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, tzinfo
from typing import Any, TypeVar

from tracker_tui.domain import TaskGlance
from tracker_tui.rules import checkpoint_date, countdown
from tracker_tui.sanitize import display_text
from tracker_tui.standup.baseline import ago, local_time
from tracker_tui.standup.since import RiskMove, SinceView, TaskMove

#: The most items a list of the markdown or text report shows.
MAX_ITEMS = 10
#: Cells of the programme's text sparkline.
BAR_CELLS = 20
#: The JSON contract's version: bumped when a key changes meaning or goes away.
JSON_VERSION = 1

T = TypeVar("T")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _md(text: str) -> str:
    """User text for markdown: one line, sanitised, markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", display_text(text))


def _plain(text: str) -> str:
    return display_text(text)


def short(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut at ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def distinct(old: str, new: str, limit: int = 30) -> tuple[str, str]:
    """``old`` and ``new`` cut to ``limit`` characters so that they still read apart:
    two titles that share their first ``limit`` characters are shown from a little before
    where they differ (``…rehearsals`` → ``…rehearsals, dry run``), not as the same text
    twice."""
    before, after = short(old, limit), short(new, limit)
    if before != after:
        return before, after
    old, new = " ".join(old.split()), " ".join(new.split())
    common = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    start = max(0, common - 10)
    return "…" + short(old[start:], limit - 1), "…" + short(new[start:], limit - 1)


def signed(value: float) -> str:
    """``+6``, ``-10``, ``±0`` (a whole percentage)."""
    number = round(value)
    if number == 0:
        return "±0"
    return f"+{number}" if number > 0 else f"-{-number}"


def bar(percent: float, *, ascii: bool = False, cells: int = BAR_CELLS) -> str:
    """The programme as a text bar: ``██████████░░░░░░░░░░`` (``#####.....`` in ASCII)."""
    filled = max(0, min(cells, round(percent * cells / 100)))
    full, empty = ("#", ".") if ascii else ("█", "░")
    return full * filled + empty * (cells - filled)


def headline(view: SinceView) -> str:
    """``Programme at 62 % (+6 since the baseline), 2 tasks completed.``"""
    completed = len(view.completed)
    tasks = "task" if completed == 1 else "tasks"
    return (
        f"Programme at {round(view.programme_now)} % ({signed(view.programme_delta)} since "
        f"the baseline), {completed} {tasks} completed."
    )


def since_line(view: SinceView, tz: tzinfo) -> str:
    """``Since Mon 2024-06-03 09:30 (26 h ago, the last stand-up)``."""
    baseline = view.baseline
    note = f"; {baseline.note}" if baseline.note else ""
    return (
        f"Since {local_time(baseline.at, tz)} ({ago(baseline.at, view.now)}, "
        f"{baseline.source}{note})"
    )


def changes_line(view: SinceView) -> str:
    """``4 changes by 2 people`` (or what to do when there is no history at all)."""
    if view.no_history:
        start = view.tracker_start
        when = f" on {start.astimezone(UTC):%Y-%m-%d}" if start else ""
        offer = f"; use --since {start:%Y-%m-%d} for the import as the baseline" if start else ""
        return f"No edits recorded since the import{when}{offer}."
    people = len(view.people)
    return (
        f"{view.change_count} change{'' if view.change_count == 1 else 's'} by "
        f"{people} {'person' if people == 1 else 'people'}"
    )


def progress_text(move: TaskMove, arrow: str) -> str:
    """``40 % → 60 % (+20)``; ``new at 30 %``; empty when progress did not move."""
    if move.progress is None:
        return ""
    before, after = move.progress
    if before is None:
        return f"new at {after or 0} %"
    return f"{before} %{arrow}{after or 0} % ({signed(move.delta or 0)})"


def move_details(move: TaskMove, arrow: str, clean: Callable[[str], str]) -> list[str]:
    """What moved for one task, part by part (progress, status, owner...)."""
    parts: list[str] = []
    if move.created:
        parts.append("new")
    if move.deleted:
        parts.append("deleted")
    progress = progress_text(move, arrow)
    if progress and not move.created:
        parts.append(progress)
    elif move.created:
        parts.append(f"{move.status}, {move.progress_now} %")
    for label, pair in (
        ("", move.status_change),
        ("owner ", move.owner_change),
        ("milestone ", move.milestone_change),
        ("title ", move.title_change),
    ):
        if pair is not None and not move.created:
            old, new = distinct(*pair)
            parts.append(f"{label}{clean(old) or '-'}{arrow}{clean(new)}")
    if move.notes_changed and not move.created:
        parts.append("notes edited")
    return parts


def risk_details(move: RiskMove, arrow: str, clean: Callable[[str], str]) -> list[str]:
    """What happened to one risk: new / closed / changed, then its impact and status."""
    parts = ["new" if move.opened else "closed" if move.closed else "changed"]
    for label, pair in (("impact ", move.impact_change), ("", move.status_change)):
        if pair is not None:
            parts.append(f"{label}{clean(pair[0]) or '-'}{arrow}{clean(pair[1])}")
    return parts


def _capped(items: Sequence[T], limit: int) -> tuple[Sequence[T], int]:
    return items[:limit], max(0, len(items) - limit)


def _more(hidden: int) -> str:
    return f"… and {hidden} more"


class _Lines:
    """The report's lines, in markdown or plain text."""

    def __init__(self, markdown: bool, ascii: bool) -> None:
        self.markdown = markdown
        self.arrow = " -> " if ascii else " → "
        self.dash = " - " if ascii else " – "
        self.dot = " - " if ascii else " · "
        self.clean = _md if markdown else _plain
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        self.lines.append("")
        self.lines.append(f"**{text}**" if self.markdown else text)

    def bullet(self, text: str) -> None:
        self.lines.append(f"- {text}")

    def section(self, title: str, items: Sequence[T], line: Callable[[T], str]) -> None:
        if not items:
            return
        self.heading(f"{title} ({len(items)})")
        shown, hidden = _capped(items, MAX_ITEMS)
        for item in shown:
            self.bullet(line(item))
        if hidden:
            self.bullet(f"_{_more(hidden)}_" if self.markdown else _more(hidden))

    def task_label(self, task_id: str, title: str, owner: str) -> str:
        ident = f"`{display_text(task_id)}`" if self.markdown else display_text(task_id)
        who = f"{self.dash}{self.clean(owner)}" if owner.strip() else ""
        return f"{ident} {self.clean(short(title, 50))}{who}"

    def move(self, move: TaskMove) -> str:
        details = ", ".join(move_details(move, self.arrow, self.clean))
        by = f" (by {', '.join(self.clean(user) for user in move.users)})" if move.users else ""
        return f"{self.task_label(move.id, move.title, move.owner)}: {details}{by}"

    def risk(self, move: RiskMove) -> str:
        parts = risk_details(move, self.arrow, self.clean)
        ident = f"`{display_text(move.id)}`" if self.markdown else display_text(move.id)
        impact = f" ({self.clean(move.impact)})" if move.impact else ""
        who = f"{self.dash}{self.clean(move.owner)}" if move.owner.strip() else ""
        return f"{ident} {self.clean(short(move.description, 60))}{impact}{who}: {', '.join(parts)}"


def render_report(
    view: SinceView,
    title: str,
    *,
    markdown: bool = True,
    ascii: bool = False,
    tz: tzinfo = UTC,
    name: str | None = None,
) -> str:
    """The stand-up report as markdown (``markdown``) or plain text, headed with the
    tracker's ``name`` (two trackers imported from one file share their ``title``)."""
    out = _Lines(markdown, ascii)
    name = out.clean(name or title) or "Tracker"
    out.lines.append(f"**Stand-up: {name}**" if markdown else f"Stand-up: {name}")
    out.lines.append(since_line(view, tz))
    out.lines.append("")
    out.lines.append(headline(view))
    out.lines.append(changes_line(view) + ("" if view.no_history else "."))
    sparkline = f"{bar(view.programme_now, ascii=ascii)} {round(view.programme_now)} %"
    out.lines.append(f"`{sparkline}`" if markdown else sparkline)
    for forecast in view.forecasts:
        out.lines.append(out.clean(forecast.line(out.dot)))
    out.section("Completed", view.completed, out.move)
    out.section("Moved", view.moved, out.move)
    out.section("Blocked / At Risk", view.attention, lambda task: _attention(out, task))
    out.section("No movement", view.no_movement, lambda task: _idle(out, view, task))
    out.section("Risks", view.risk_moves, out.risk)
    out.section(
        "Decisions",
        view.decisions,
        lambda d: (
            f"{out.clean(d.date)} {out.clean(short(d.decision, 80))}"
            + (f"{out.dash}{out.clean(d.owner)}" if d.owner.strip() else "")
        ),
    )
    out.section("Log", view.log, lambda e: f"{out.clean(e.date)} {out.clean(short(e.text, 80))}")
    if view.next_checkpoint is not None:
        checkpoint = view.next_checkpoint
        out.heading("Next checkpoint")
        due = checkpoint_date(checkpoint)
        countdown_text = "" if due is None else f" ({countdown(due, view.today)})"
        out.lines.append(
            f"{out.clean(checkpoint.when)}{countdown_text}"
            f"{out.dash}{out.clean(short(checkpoint.text, 100))}"
        )
    if not view.moves and not view.risk_moves and not view.decisions and not view.log:
        out.lines.append("")
        out.lines.append("No changes since the baseline.")
    report = "\n".join(out.lines) + "\n"
    # The cuts ("…rehearsals", "… and 3 more") are drawn like the rest in --ascii.
    return report.replace("…", "...") if ascii else report


def _attention(out: _Lines, task: TaskGlance) -> str:
    label = out.task_label(task.id, task.title, task.owner)
    return f"{label}: {out.clean(task.status)}, {task.progress} %"


def _idle(out: _Lines, view: SinceView, task: TaskGlance) -> str:
    days = view.idle_days(task)
    idle = f"no update for {days} days" if days is not None else "never updated"
    return f"{out.task_label(task.id, task.title, task.owner)}: {task.progress} %, {idle}"


# -- JSON ------------------------------------------------------------------------------


def _pair(pair: tuple[Any, Any] | None) -> dict[str, Any] | None:
    return None if pair is None else {"from": pair[0], "to": pair[1]}


def _move_json(move: TaskMove) -> dict[str, Any]:
    progress = None
    if move.progress is not None:
        progress = {"from": move.progress[0], "to": move.progress[1], "delta": move.delta}
    return {
        "id": move.id,
        "title": move.title,
        "owner": move.owner,
        "status": move.status,
        "progress": move.progress_now,
        "progress_change": progress,
        "status_change": _pair(move.status_change),
        "owner_change": _pair(move.owner_change),
        "milestone_change": _pair(move.milestone_change),
        "title_change": _pair(move.title_change),
        "notes_changed": move.notes_changed,
        "created": move.created,
        "deleted": move.deleted,
        "completed": move.completed,
        "users": list(move.users),
    }


def _task_json(view: SinceView, task: TaskGlance) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "owner": task.owner,
        "status": task.status,
        "progress": task.progress,
        "last_update": task.last_update.isoformat() if task.last_update else None,
        "idle_days": view.idle_days(task),
    }


def report_json(view: SinceView, title: str, name: str | None = None) -> dict[str, Any]:
    """The report as the JSON contract (README, "Running a stand-up") holds it."""
    start = view.tracker_start
    checkpoint = view.next_checkpoint
    return {
        "version": JSON_VERSION,
        "tracker": {"title": title, "name": name or title},
        "now": view.now.astimezone(UTC).isoformat(timespec="seconds"),
        "baseline": {
            "at": view.baseline.at.astimezone(UTC).isoformat(timespec="seconds"),
            "source": view.baseline.source,
            "note": view.baseline.note,
            "ago": ago(view.baseline.at, view.now),
        },
        "tracker_start": start.astimezone(UTC).isoformat(timespec="seconds") if start else None,
        "no_history": view.no_history,
        "programme": {
            "progress": round(view.programme_now, 1),
            "at_baseline": round(view.programme_then, 1),
            "delta": round(view.programme_delta, 1),
            "tasks": len(view.tasks),
        },
        "changes": view.change_count,
        "people": list(view.people),
        "completed": [_move_json(move) for move in view.completed],
        "moved": [_move_json(move) for move in view.moved],
        "attention": [_task_json(view, task) for task in view.attention],
        "no_movement": [_task_json(view, task) for task in view.no_movement],
        "risks": [
            {
                "id": move.id,
                "description": move.description,
                "owner": move.owner,
                "impact": move.impact,
                "status": move.status,
                "opened": move.opened,
                "closed": move.closed,
                "impact_change": _pair(move.impact_change),
                "status_change": _pair(move.status_change),
                "users": list(move.users),
            }
            for move in view.risk_moves
        ],
        "decisions": [
            {"date": d.date, "decision": d.decision, "rationale": d.rationale, "owner": d.owner}
            for d in view.decisions
        ],
        "log": [{"date": entry.date, "text": entry.text} for entry in view.log],
        "checkpoints_due": [
            {
                "due": item.due.isoformat(),
                "when": item.checkpoint.when,
                "text": item.checkpoint.text,
            }
            for item in view.checkpoints_due
        ],
        "next_checkpoint": (
            None
            if checkpoint is None
            else {
                "when": checkpoint.when,
                "text": checkpoint.text,
                # Added (keys only grow): the checkpoint's date, null when it has none.
                "due": None if (day := checkpoint_date(checkpoint)) is None else day.isoformat(),
            }
        ),
        "forecasts": [forecast.as_json() for forecast in view.forecasts],
    }


def render(
    view: SinceView,
    title: str,
    report_format: str,
    *,
    ascii: bool = False,
    tz: tzinfo = UTC,
    name: str | None = None,
) -> str:
    """The report in ``report_format`` (``md``, ``text`` or ``json``) of the tracker
    ``name`` (its title when None)."""
    if report_format == "json":
        return json.dumps(report_json(view, title, name), indent=2, ensure_ascii=False) + "\n"
    return render_report(view, title, markdown=report_format == "md", ascii=ascii, tz=tz, name=name)
