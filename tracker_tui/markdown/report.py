"""What the importer understood of a document: ``import --dry-run`` prints it, and a refusal
names the closest thing in it.

Pure data (no printing): the CLI lays it out as text or JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Found:
    """One table, list, checklist or run of record sections, with the lines it spans."""

    first_line: int
    last_line: int
    layout: str  # table, checklist, sections, dated headings, list
    kind: str | None  # what it was read as; None: kept as plain text
    items: int = 0
    rule: str = ""
    #: For a table or record: (header as written, field or "extra"), in order.
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Why it was kept as text, or which --kind would read it.
    note: str = ""

    def describe(self) -> str:
        """``a table at line 12 with columns Area, Status, Evidence``."""
        where = f"line {self.first_line}"
        if self.headers:
            names = [h for h, _ in self.headers]
            shown = ", ".join(names[:6]) + (", …" if len(names) > 6 else "")
            return f"a {self.layout} at {where} with columns {shown}"
        return f"a {self.layout} at {where}"


@dataclass
class Reading:
    """Everything found, in document order."""

    found: list[Found] = field(default_factory=list)
    #: (kind, as written, read as): each status spelling that was not the status itself.
    statuses: list[tuple[str, str, str]] = field(default_factory=list)
    #: (line, heading) of each section kept as plain text.
    text_sections: list[tuple[int, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self.found:
            if item.kind is not None:
                totals[item.kind] = totals.get(item.kind, 0) + item.items
        return totals

    def closest(self) -> Found | None:
        """The most tracker-like thing kept as text: a table first, then anything."""
        kept = [f for f in self.found if f.kind is None]
        tables = [f for f in kept if f.layout == "table"]
        shown = tables or kept
        return shown[0] if shown else None

    def as_json(self) -> dict[str, object]:
        return {
            "found": [asdict(f) for f in self.found],
            "statuses": [
                {"kind": kind, "written": written, "read_as": read}
                for kind, written, read in self.statuses
            ],
            "text_sections": [{"line": line, "heading": text} for line, text in self.text_sections],
            "counts": self.counts(),
        }
