"""How the Stand-up screen draws: the top lines, the sections' options, an owner's page and
the end summary, as Rich ``Text`` (user text sanitised, never read as markup).

Kept apart from ``standup.py`` (the keys and the walk-through's state): this module only
turns the Since view's values into lines.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TypeVar

from rich.console import Console
from rich.text import Text
from textual.widgets.option_list import Option

from tracker_tui.domain import Risk, Task, TaskGlance
from tracker_tui.sanitize import display_text
from tracker_tui.standup.baseline import describe
from tracker_tui.standup.owners import OwnerPage
from tracker_tui.standup.report import changes_line, move_details, risk_details, short, signed
from tracker_tui.standup.since import RiskMove, SinceView, TaskMove, owner_key
from tracker_tui.widgets.glyphs import fitting_prefix, glyphs
from tracker_tui.widgets.progress import progress_cell, status_style
from tracker_tui.widgets.urgency import Urgency, impact_style, urgency_style

T = TypeVar("T")

#: The sections of the overview, in order: (key, title).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("moved", "Moved"),
    ("completed", "Completed"),
    ("attention", "Blocked / At Risk"),
    ("idle", "No movement"),
    ("risks", "Risks"),
    ("decisions", "Decisions"),
    ("log", "Log"),
)
#: Cells of a task's progress bar in a list.
BAR_WIDTH = 11
#: Where a task's or risk's detail lines start: under its title, past its ID.
DETAIL_INDENT = " " * 9


@dataclass(frozen=True, slots=True)
class Line:
    """One option of the list: its id (``section:moved``, ``task:UT-003``, ``risk:R-01``,
    ``line:N``), what it shows, and the task it stands for (enter opens it)."""

    id: str
    prompt: Text
    task: TaskGlance | None = None

    def option(self, width: int, console: Console) -> Option:
        return Option(hanging(self.prompt, width, console), id=self.id)


def hanging(prompt: Text, width: int, console: Console) -> Text:
    """``prompt`` with each detail line that is too long for ``width`` wrapped under its
    own start (a hanging indent), rather than back to the list's left edge, where it
    would run under the task IDs."""
    room = width - len(DETAIL_INDENT)
    lines = prompt.split("\n")
    if room < 20 or all(line.cell_len <= width for line in lines):
        return prompt
    result = Text(end="")
    for number, line in enumerate(lines):
        if number:
            result.append("\n")
        if not line.plain.startswith(DETAIL_INDENT) or line.cell_len <= width:
            result.append_text(line)
            continue
        body = line[len(DETAIL_INDENT) :]
        for part_number, part in enumerate(body.wrap(console, room)):
            if part_number:
                result.append("\n")
            part.rstrip()
            result.append(DETAIL_INDENT)
            result.append_text(part)
    return result


#: The top's forecast lines, under its three (``.standup-top``'s max-height is 3 + this):
#: more milestones than fit say how many more, and where they all are.
MAX_FORECAST_LINES = 4


def top_lines(view: SinceView, tz: tzinfo, *, ascii: bool, read_only: bool) -> Text:
    """``Since Mon 09:30 (26 h ago) · the last stand-up`` / ``4 changes by 2 people`` /
    the programme's bar with its delta (▲ +6 %) / a line per open milestone's forecast."""
    g = glyphs(ascii)
    baseline = view.baseline
    text = Text.assemble(("Since ", "bold"), (describe(baseline, view.now, tz), "bold"))
    # The note, when the baseline was moved, says where it came from better than its source.
    text.append(f"{g.separator}{baseline.note or baseline.source}")
    if read_only:
        text.append(f"{g.separator}read-only: nothing is recorded", style="dim")
    text.append("\n")
    line = changes_line(view)
    if view.people and not view.no_history:
        line += ": " + ", ".join(display_text(name) for name in view.people)
    text.append(line, style="dim" if view.no_history else "")
    text.append("\n")
    text.append("Programme ")
    text.append_text(progress_cell(view.programme_now, 26, ascii=ascii))
    delta = view.programme_delta
    arrow = ("^" if ascii else "▲") if delta > 0 else ("v" if ascii else "▼") if delta < 0 else "="
    style = "green" if delta > 0 else urgency_style(Urgency.MEDIUM) if delta < 0 else "dim"
    text.append(f"  {arrow} {signed(delta)} %", style=style)
    shown = view.forecasts
    if len(shown) > MAX_FORECAST_LINES:
        shown = shown[: MAX_FORECAST_LINES - 1]
    for forecast in shown:
        text.append(f"\n{display_text(forecast.line(g.separator))}")
    if hidden := len(view.forecasts) - len(shown):
        text.append(f"\n+{hidden} more forecasts: 7 Trends", style="dim")
    return text


def cell(value: str, width: int, *, ascii: bool, style: str = "") -> Text:
    """User text cut to ``width`` terminal cells and padded to it: by cells, not
    characters, so that a wide (CJK, emoji) title keeps the columns after it in line,
    and with the mode's truncation mark (``~`` with ``--ascii``)."""
    text = Text(" ".join(display_text(value).split()), style=style)
    if text.cell_len > width:
        mark = glyphs(ascii).truncated
        # No space before the mark ("charter,…", not "charter, …"), as ``short`` cuts.
        text.plain = text.plain[: fitting_prefix(text.plain, width - 1)].rstrip() + mark
    text.pad_right(width - text.cell_len)
    return text


def _task_head(task_id: str, title: str, status: str, progress: int, ascii: bool) -> Text:
    text = Text.assemble((f"{display_text(task_id):<8}", "bold"), " ")
    text.append_text(cell(title, 34, ascii=ascii))
    text.append(" ")
    status_cell = cell(status, 11, ascii=ascii, style=status_style(status))
    status_cell.pad_right(1)
    text.append_text(status_cell)
    text.append_text(progress_cell(float(progress), BAR_WIDTH, ascii=ascii))
    return text


def move_line(move: TaskMove, *, ascii: bool, owner: bool = True) -> Text:
    """A moved task: its head, then what moved and who moved it, indented."""
    g = glyphs(ascii)
    text = _task_head(move.id, move.title, move.status, move.progress_now, ascii)
    details = ", ".join(move_details(move, g.arrow, display_text))
    who = f" (by {', '.join(display_text(u) for u in move.users)})" if move.users else ""
    text.append("\n" + DETAIL_INDENT)
    if owner and move.owner.strip():
        text.append(f"{display_text(move.owner)}: ", style="italic")
    text.append(details)
    text.append(who, style="dim")
    return text


def task_line(view: SinceView, task: TaskGlance, *, ascii: bool, note: str = "") -> Text:
    text = _task_head(task.id, task.title, task.status, task.progress, ascii)
    move = view.moves.get(task.id)
    if move is not None:
        g = glyphs(ascii)
        details = ", ".join(move_details(move, g.arrow, display_text))
        who = f" (by {', '.join(display_text(u) for u in move.users)})" if move.users else ""
        text.append(f"\n{DETAIL_INDENT}moved: ")
        text.append(details)
        text.append(who, style="dim")
    elif view.is_stale(task):
        days = view.idle_days(task)
        text.append(
            f"\n{DETAIL_INDENT}no movement for {days} days", style=urgency_style(Urgency.MEDIUM)
        )
    elif note:
        text.append(f"\n{DETAIL_INDENT}{note}", style="dim")
    return text


def risk_line(
    risk_id: str, description: str, impact: str, status: str, owner: str, what: str = ""
) -> Text:
    text = Text.assemble((f"{display_text(risk_id):<8}", "bold"), " ")
    if impact:
        text.append(f"{display_text(impact)}", style=impact_style(impact))
        text.append(" ")
    text.append(short(display_text(description), 48))
    text.append(f"  {display_text(status)}", style=status_style(status))
    if what or owner.strip():
        text.append("\n" + DETAIL_INDENT)
        if owner.strip():
            text.append(f"{display_text(owner)}", style="italic")
        if what:
            text.append(f"{': ' if owner.strip() else ''}{what}")
    return text


#: Items a section (or an owner's task list) shows before "… and N more": a big day moves
#: thousands of tasks, and a list of them all took ~8 s to open on 10,000 tasks (every
#: option is measured and wrapped); ``enter`` on the "more" line shows the section whole.
SECTION_CAP = 50
#: The id prefix of a section's "… and N more" line.
MORE = "more:"


def more_line(section: str, hidden: int, *, ascii: bool) -> Line:
    """The line that stands for a section's ``hidden`` items beyond the cap."""
    ellipsis = glyphs(ascii).ellipsis
    return Line(
        f"{MORE}{section}",
        Text(f"  {ellipsis} and {hidden} more (enter shows them all)", style="dim"),
    )


def capped(section: str, items: Sequence[T], expanded: Collection[str]) -> Sequence[T]:
    """The items a section shows: the first ``SECTION_CAP`` unless it was expanded."""
    return items if section in expanded else items[:SECTION_CAP]


def overview_lines(
    view: SinceView, collapsed: set[str], *, ascii: bool, expanded: Collection[str] = ()
) -> list[Line]:
    """The sections, each a header (``▼ Moved (3)``) and, unless collapsed, its items
    (the first ``SECTION_CAP``, unless ``expanded`` names the section)."""
    g = glyphs(ascii)
    lines: list[Line] = []
    counter = iter(range(1_000_000))

    def add(
        section: str, title: str, items: Sequence[object], make: Callable[[object], Line]
    ) -> None:
        folded = section in collapsed
        mark = (">" if folded else "v") if ascii else ("▶" if folded else "▼")
        header = Text.assemble((f"{mark} {title} ", "bold"), (f"({len(items)})", "dim"))
        lines.append(Line(f"section:{section}", header))
        if folded:
            return
        if not items:
            lines.append(Line(f"line:{next(counter)}", Text("  nothing", style="dim")))
        shown = capped(section, items, expanded)
        for item in shown:
            lines.append(make(item))
        if len(shown) < len(items):
            lines.append(more_line(section, len(items) - len(shown), ascii=ascii))

    def moved(item: object) -> Line:
        assert isinstance(item, TaskMove)
        return Line(f"task:{item.id}", move_line(item, ascii=ascii), view.tasks_by_id.get(item.id))

    def plain_task(item: object) -> Line:
        assert isinstance(item, TaskGlance)
        note = f"{display_text(item.owner)}" if item.owner.strip() else ""
        return Line(f"task:{item.id}", task_line(view, item, ascii=ascii, note=note), item)

    def risk(item: object) -> Line:
        assert isinstance(item, RiskMove)
        what = ", ".join(risk_details(item, g.arrow, display_text))
        return Line(
            f"risk:{item.id}",
            risk_line(item.id, item.description, item.impact, item.status, item.owner, what),
        )

    def decision(item: object) -> Line:
        text = Text.assemble(
            (f"{display_text(getattr(item, 'date', ''))} ", "bold"),
            short(display_text(getattr(item, "decision", "")), 60),
        )
        owner = display_text(getattr(item, "owner", ""))
        if owner:
            text.append(f"{g.dash}{owner}", style="italic")
        return Line(f"line:{next(counter)}", text)

    def entry(item: object) -> Line:
        text = Text.assemble(
            (f"{display_text(getattr(item, 'date', ''))} ", "bold"),
            short(display_text(getattr(item, "text", "")), 66),
        )
        return Line(f"line:{next(counter)}", text)

    sources: dict[str, tuple[Sequence[object], Callable[[object], Line]]] = {
        "moved": (view.moved, moved),
        "completed": (view.completed, moved),
        "attention": (view.attention, plain_task),
        "idle": (view.no_movement, plain_task),
        "risks": (view.risk_moves, risk),
        "decisions": (view.decisions, decision),
        "log": (view.log, entry),
    }
    for section, title in SECTIONS:
        items, make = sources[section]
        add(section, title, items, make)
    if view.checkpoints_due:
        lines.append(Line("section:due", Text("Checkpoints due in 7 days", style="bold")))
        for item in view.checkpoints_due:
            text = Text.assemble(
                (f"{item.due.isoformat()} ", "bold"), short(display_text(item.checkpoint.text), 60)
            )
            lines.append(Line(f"line:{next(counter)}", text))
    return lines


def owner_lines(
    view: SinceView, page: OwnerPage, *, ascii: bool, expanded: Collection[str] = ()
) -> list[Line]:
    """One owner's page: their tasks (Blocked, At Risk, stale first; what moved for each;
    the first ``SECTION_CAP`` unless ``expanded`` holds "tasks:<owner>") and the open
    risks they own."""
    lines: list[Line] = [
        Line("section:tasks", Text.assemble(("Tasks ", "bold"), (f"({len(page.tasks)})", "dim")))
    ]
    if not page.tasks:
        lines.append(Line("line:no-tasks", Text("  no open tasks", style="dim")))
    section = f"tasks:{owner_key(page.name)}"  # each owner's page expands on its own
    shown = capped(section, page.tasks, expanded)
    for task in shown:
        lines.append(Line(f"task:{task.id}", task_line(view, task, ascii=ascii), task))
    if len(shown) < len(page.tasks):
        lines.append(more_line(section, len(page.tasks) - len(shown), ascii=ascii))
    lines.append(
        Line("section:risks", Text.assemble(("Risks ", "bold"), (f"({len(page.risks)})", "dim")))
    )
    if not page.risks:
        lines.append(Line("line:no-risks", Text("  no open risks", style="dim")))
    for risk in page.risks:
        lines.append(Line(f"risk:{risk.id}", _owned_risk(risk)))
    return lines


def _owned_risk(risk: Risk) -> Text:
    return risk_line(
        risk.id, risk.description, risk.impact, risk.status, "", short(risk.mitigation, 60)
    )


def edit_line(before: Task | None, after: Task, *, ascii: bool) -> str:
    """One edit of the walk-through, as its summary lists it: ``UT-002 progress 70 % →
    80 %, status In Progress → Complete``."""
    arrow = glyphs(ascii).arrow
    parts = []
    if before is None or before.progress != after.progress:
        was = f"{before.progress} %" if before is not None else "-"
        parts.append(f"progress {was}{arrow}{after.progress} %")
    if before is None or before.status != after.status:
        was = before.status if before is not None else "-"
        parts.append(f"status {was}{arrow}{after.status}")
    return f"{after.id} {', '.join(parts) or 'saved'}"


def countdown_text(seconds_left: float) -> str:
    """``1:42``; ``-0:15`` past zero."""
    whole = int(seconds_left) if seconds_left >= 0 else -int(-seconds_left + 0.999)
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def walk_header(index: int, total: int, name: str, *, ascii: bool) -> Text:
    """``Owner 3 of 7 · DevOps Lead``."""
    g = glyphs(ascii)
    return Text.assemble(
        (f"Owner {index + 1} of {total}", "bold"), g.separator, (display_text(name), "bold")
    )


def escape_hint(ascii: bool) -> str:
    g = glyphs(ascii)
    return f"escape: back to the sections{g.separator}y: copy the report"


def summary_lines(
    *,
    length_seconds: float,
    owners: Sequence[str],
    total_owners: int,
    edits: Sequence[str],
    recorded: str,
    ascii: bool,
) -> list[Line]:
    """The end of the walk-through: its length, the owners covered, the edits made, and
    whether it was recorded."""
    minutes, seconds = divmod(int(length_seconds), 60)
    lines = [
        Line(
            "summary:length", Text.assemble(("Length ", "bold"), f"{minutes} min {seconds:02d} s")
        ),
        Line(
            "summary:owners",
            Text.assemble(("Owners covered ", "bold"), f"{len(owners)} of {total_owners}"),
        ),
    ]
    lines += [
        Line(f"summary:owner:{i}", Text(f"  {display_text(n)}")) for i, n in enumerate(owners)
    ]
    lines.append(Line("summary:edits", Text.assemble(("Edits made ", "bold"), str(len(edits)))))
    lines += [Line(f"summary:edit:{i}", Text(f"  {display_text(e)}")) for i, e in enumerate(edits)]
    lines.append(Line("summary:recorded", Text(recorded, style="italic")))
    return lines
