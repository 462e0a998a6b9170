"""Issue 15's figures: how fast the importer reads each layout (a table, a checklist,
records written as sections, dated decision headings), and the corpus end to end.

    python benchmarks/bench_layouts.py [--rows 20000]

Target: every layout reads a 20 MB file (the size limit) in well under a minute, so
that the largest accepted document is refused or read within seconds to tens of
seconds, never a hang (see ``tracker_tui/markdown/limits.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

from tracker_tui.domain import TrackerError
from tracker_tui.markdown import parse_document, render_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def documents(rows: int) -> dict[str, str]:
    return {
        "table": "# T\n\n| ID | Title | Status | Progress |\n|---|---|---|---|\n"
        + "".join(f"| T-{i} | task {i} | Done | 100% |\n" for i in range(rows)),
        "checklist": "# T\n\n## Phase 1\n"
        + "".join(f"- [ ] task {i} @ann 2024-01-01\n" for i in range(rows)),
        "sections": "# Risks\n\n"
        + "".join(
            f"### R-{i}: risk {i}\n**Severity:** High\n**Status:** Open\n\n" for i in range(rows)
        ),
        "dated headings": "# Log\n\n## Decision log\n\n"
        + "".join(f"### 2024-01-01 — decision {i}\nBecause {i}.\n\n" for i in range(rows)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    for name, text in documents(args.rows).items():
        started = time.perf_counter()
        doc = parse_document(text)
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        render_document(doc)
        rendered = time.perf_counter() - started
        mb = len(text.encode()) / 1e6
        rate = mb / parsed
        print(
            f"{name:15} {args.rows} records, {mb:.1f} MB: parse {parsed:.2f} s "
            f"({rate:.2f} MB/s, 20 MB in {20 / rate:.0f} s), render {rendered:.2f} s"
        )
    if CORPUS.is_dir():
        files = [p for p in sorted(CORPUS.glob("*.md")) if p.name != "README.md"]
        started = time.perf_counter()
        for path in files:
            # A refused document is part of the corpus.
            with contextlib.suppress(TrackerError):
                render_document(parse_document(path.read_text(encoding="utf-8-sig")))
        took = time.perf_counter() - started
        print(f"corpus          {len(files)} documents: parse + render {took:.2f} s")


if __name__ == "__main__":
    main()
