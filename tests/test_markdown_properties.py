"""Properties: export then import gives back the document; arbitrary text is refused
with a TrackerError or imported, never anything else."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker_tui.document import Block, Document, ListBlock, RawBlock, TableBlock
from tracker_tui.domain import (
    ActivityEntry,
    CadenceItem,
    Checkpoint,
    Decision,
    Metric,
    Risk,
    Task,
    TrackerError,
    TrackerInfo,
)
from tracker_tui.markdown import parse_document, render_document
from tracker_tui.sanitize import clean_text

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that break naive markdown writers.
AWKWARD = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("|\\*-–—_`[]()#!<>:%█░ \t"),
    ),
    max_size=25,
).map(lambda s: clean_text(s).strip())
LABEL = (
    st.text(alphabet=st.sampled_from("abcXYZ019 -/.:é漢"), min_size=1, max_size=15)
    .map(str.strip)
    .filter(bool)
)
WORDS = (
    st.text(alphabet=st.sampled_from("abcdefgh ABC"), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
DATES = st.dates(date(2000, 1, 1), date(2099, 12, 31))

TASK_LABELS = {
    "id": ["Task ID", "ID", "Key"],
    "title": ["Title", "Task", "Name", "Workstream"],
    "milestone": ["Milestone"],
    "owner": ["Owner", "Assignee", "Lead"],
    "status": ["Status", "State"],
    "progress": ["Progress", "% Complete", "Completion"],
    "last_update": ["Last Update", "Updated"],
    "notes": ["Notes", "Comments"],
}
RISK_LABELS = {
    "id": ["ID", "Risk ID"],
    "description": ["Description", "Risk", "Issue"],
    "impact": ["Impact", "Severity"],
    "mitigation": ["Mitigation"],
    "owner": ["Owner"],
    "status": ["Status"],
}
DECISION_LABELS = {
    "date": ["Date"],
    "decision": ["Decision"],
    "rationale": ["Rationale", "Why"],
    "owner": ["Owner"],
}
EXTRA_LABELS = ["Area", "Scope", "Evidence", "Target Phase"]
# (status, status_text) as the importer reads them; the last ones match nothing.
TASK_STATUSES = [
    ("Complete", ""),
    ("In Progress", ""),
    ("Blocked", ""),
    ("Complete", "✅ Complete"),
    ("At Risk", "🟡 AMBER"),
    ("Complete", "Done"),
    ("In Progress", "in progress"),
    ("Parked", ""),
    ("Needs Review", ""),
]
RISK_STATUSES = [("Open", ""), ("Resolved", ""), ("Closed", "✅ Closed"), ("Watching", "")]
HEADINGS = {
    "task": "Tasks",
    "risk": "Issues & Risks",
    "decision": "Decision Log",
    "activity": "Activity Log",
    "checkpoint": "Upcoming Checkpoints",
    "cadence": "Communication Cadence",
    "metric": "Metrics to Monitor",
}
DEFAULTS = {"task": Task(id="", title=""), "risk": Risk(id="", description="")}


@st.composite
def columns(draw: st.DrawFn, labels: dict[str, list[str]], required: list[str]) -> tuple:
    optional = [f for f in labels if f not in required]
    chosen = required + draw(st.lists(st.sampled_from(optional), unique=True))
    extras = draw(st.lists(st.sampled_from(EXTRA_LABELS), unique=True, max_size=2))
    pairs = [(draw(st.sampled_from(labels[f])), f) for f in chosen]
    pairs += [(label, f"extra:{label}") for label in extras]
    pairs = draw(st.permutations(pairs))
    return [label for label, _ in pairs], [f for _, f in pairs]


@st.composite
def table_block(draw: st.DrawFn, kind: str, ids: list[int]) -> TableBlock:
    if kind == "task":
        required = ["id", "title", draw(st.sampled_from(["progress", "status"]))]
        labels, fields = draw(columns(TASK_LABELS, required))
    elif kind == "risk":
        required = ["id", "description", draw(st.sampled_from(["impact", "mitigation"]))]
        labels, fields = draw(columns(RISK_LABELS, required))
    else:
        required = ["decision", draw(st.sampled_from(["date", "rationale"]))]
        labels, fields = draw(columns(DECISION_LABELS, required))
    items = []
    for _ in range(draw(st.integers(0, 4))):
        values: dict[str, object] = {}
        extra = {}
        for field in fields:
            if field.startswith("extra:"):
                extra[field[6:]] = draw(AWKWARD)
            elif field == "id":
                ids[0] += 1
                values["id"] = f"{'UT' if kind == 'task' else 'RK'}-{ids[0]:03d}"
            elif field == "status":
                statuses = TASK_STATUSES if kind == "task" else RISK_STATUSES
                values["status"], values["status_text"] = draw(st.sampled_from(statuses))
            elif field == "progress":
                values["progress"] = draw(st.integers(0, 100))
            elif field == "last_update":
                values["last_update"] = draw(st.none() | DATES)
            else:
                values[field] = draw(AWKWARD)
        if kind == "task" and "progress" not in fields and values.get("status") == "Complete":
            values["progress"] = 100  # done is 100 % where the table gives no figure
        if kind == "decision":
            values.setdefault("date", "")
            values.setdefault("decision", "")
            items.append(Decision(key=None, extra=extra, **values))
        else:
            items.append(dataclasses.replace(DEFAULTS[kind], extra=extra, **values))
    return TableBlock(kind, labels, fields, items)


@st.composite
def list_block(draw: st.DrawFn, kind: str) -> ListBlock:
    marker = draw(st.sampled_from("-*+"))
    count = draw(st.integers(1, 4))
    if kind == "metric":
        return ListBlock(
            kind, [Metric(None, draw(AWKWARD)) for _ in range(count)], {"marker": marker}
        )
    if kind == "cadence":
        form = draw(st.sampled_from(["bold", "colon"]))
        # "**Daily** - x" reads as separator " - "; cadence texts cannot start with one.
        text = AWKWARD.filter(lambda t: not t.startswith(("-", "–", "—", ":")))
        label = LABEL.filter(lambda s: ":" not in s) if form == "colon" else LABEL
        items = [CadenceItem(None, draw(label), draw(text)) for _ in range(count)]
        sep = ": " if form == "colon" else " "
        return ListBlock(kind, items, {"marker": marker, "sep": sep, "form": form})
    dash = draw(st.sampled_from("–—-"))
    make = ActivityEntry if kind == "activity" else Checkpoint
    items = [make(None, draw(LABEL), draw(AWKWARD)) for _ in range(count)]
    return ListBlock(kind, items, {"marker": marker, "sep": f" {dash} ", "dash": dash})


HANDLES = st.text(alphabet=st.sampled_from("abcxyz"), min_size=1, max_size=6)


@st.composite
def checklist_block(draw: st.DrawFn, ids: list[int]) -> tuple[str, TableBlock]:
    """A checklist under ``## Phase N: words``: items with IDs, owners and dates."""
    number = draw(st.integers(1, 99))
    # A heading's inner runs of spaces are not significant in markdown (the milestone is read
    # with them collapsed, as a renderer would show it), so the drawn heading has none.
    milestone = f"Phase {number}: {' '.join(draw(WORDS).split())}"
    items = []
    for _ in range(draw(st.integers(1, 4))):
        ids[0] += 1
        done = draw(st.booleans())
        items.append(
            Task(
                id=f"CK-{ids[0]:03d}",
                title=draw(WORDS),
                milestone=milestone,
                owner=draw(st.just("") | HANDLES),
                status="Complete" if done else "Not Started",
                progress=100 if done else 0,
                last_update=draw(st.none() | DATES),
            )
        )
    style = {"layout": "checklist", "prefix": f"P{number}"}
    return milestone, TableBlock("task", [], [], items, style)


@st.composite
def section_block(draw: st.DrawFn, kind: str, ids: list[int]) -> TableBlock:
    """Risks as ``### RK-001: description`` sections, or decisions as dated headings,
    each followed by ``**Field:** value`` lines."""
    items: list[object] = []
    for _ in range(draw(st.integers(1, 3))):
        extra = {
            label: draw(WORDS)
            for label in draw(st.lists(st.sampled_from(EXTRA_LABELS), unique=True, max_size=2))
        }
        if kind == "risk":
            ids[0] += 1
            status, status_text = draw(st.sampled_from(RISK_STATUSES))
            items.append(
                Risk(
                    id=f"RK-{ids[0]:03d}",
                    description=draw(WORDS),
                    impact=draw(st.just("") | st.sampled_from(["High", "Low", "P1"])),
                    mitigation=draw(st.just("") | WORDS),
                    owner=draw(st.just("") | WORDS),
                    status=status,
                    status_text=status_text,
                    extra=extra,
                )
            )
        else:
            items.append(
                Decision(
                    key=None,
                    date=draw(DATES).isoformat(),
                    decision=draw(WORDS),
                    rationale=draw(st.just("") | WORDS),
                    owner=draw(st.just("") | WORDS),
                    extra=extra,
                )
            )
    style = {"layout": "sections", "level": "###", "sep": ": " if kind == "risk" else " — "}
    if kind == "decision":
        style["dated"] = "1"
    return TableBlock(kind, [], [], items, style)  # type: ignore[arg-type]


@st.composite
def documents(draw: st.DrawFn) -> Document:
    title = draw(WORDS)
    snapshot = draw(st.none() | DATES)
    slot = draw(st.sampled_from(["heading", "line", "title"] if snapshot else ["heading", "line"]))
    when = snapshot.isoformat() if snapshot else "–"
    head = f"# {title} — {when}" if slot == "title" else f"# {title}"
    if slot == "line":
        head += f"\n\n_Last updated: {when}_"
    kinds = draw(
        st.lists(st.sampled_from(list(HEADINGS)), min_size=1, max_size=6).filter(
            lambda ks: any(k in ("task", "risk", "decision", "activity") for k in ks)
        )
    )
    ids = [0]
    blocks: list[Block] = [RawBlock(head)]
    for position, kind in enumerate(kinds):
        heading = HEADINGS[kind]
        if slot == "heading" and position == 0:
            heading = f"{heading} (Updated {when})"
        intro = draw(st.none() | WORDS)
        blocks.append(RawBlock(f"\n## {heading}" + (f"\n\n{intro}\n" if intro else "")))
        layout = draw(st.sampled_from(["table", "other"]))
        if kind == "task" and layout == "other":
            milestone, checklist = draw(checklist_block(ids))
            blocks.append(RawBlock(f"\n## {milestone}"))
            blocks.append(checklist)
        elif kind in ("risk", "decision") and layout == "other":
            blocks.append(draw(section_block(kind, ids)))
        elif kind in ("task", "risk", "decision"):
            blocks.append(draw(table_block(kind, ids)))
        else:
            blocks.append(draw(list_block(kind)))
    merged: list[Block] = []
    for block in blocks:  # the importer reads adjacent raw text as one block
        if merged and isinstance(block, RawBlock) and isinstance(merged[-1], RawBlock):
            merged[-1] = RawBlock(merged[-1].text + "\n" + block.text)
        else:
            merged.append(block)
    doc = Document(TrackerInfo(title, snapshot), merged)
    for kind, known in (("task", {"Parked", "Needs Review"}), ("risk", {"Watching"})):
        found = [i.status for i in doc.items(kind) if i.status in known]  # type: ignore[union-attr]
        statuses = list(dict.fromkeys(found))
        if kind == "task":
            doc.task_statuses = statuses
        else:
            doc.risk_statuses = statuses
    return doc


@SETTINGS
@given(documents())
def test_parse_of_render_is_the_document(doc: Document) -> None:
    assert parse_document(render_document(doc)) == doc


MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "| ID | Title | Status | Progress |",
                "| Date | Decision | Rationale |",
                "| Risk | Impact |",
                "|---|---|---|---|",
                "| --- | :-: |",
                "| a | b \\| c | 50% | ✅ |",
                "| [X-1](u) | ██░ 7% | – |",
                "",
                "```",
                "# Title (Updated 2024-01-01)",
                "## Activity Log",
                "## Cadence",
                "## Metrics",
                "_Last updated: 2024-13-01_",
                "- **2024-01-01** – done",
                "- **Daily** — x",
                "- Monday: x",
                "- **",
                "  indented",
                "1. Phase | x",
                "- [ ] UT-1: task @ann 2024-01-01",
                "- [x] **X-2** — done (Owner: Bo)",
                "- [ ]",
                "  - [x] nested",
                "## Phase 1: Build ✅",
                "## Decision log",
                "### 2024-01-01 — Use it",
                "### RISK-001: Lint",
                "## R-01 — x",
                "**Severity:** High",
                "**Mitigation:**",
                "**Status:** **Mitigating**",
                "---",
                "| Risk ID | Impact |",
                "| **RISK-001** | `High` |",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), MARKDOWNISH))
def test_arbitrary_text_raises_only_tracker_error(text: str) -> None:
    try:
        doc = parse_document(text)
    except TrackerError as error:
        assert "\n" not in str(error)
        return
    again = parse_document(render_document(doc))
    assert again.tracker == doc.tracker
    assert {k: list(again.items(k)) for k in HEADINGS} == {k: list(doc.items(k)) for k in HEADINGS}
