"""Write the importer's header and status tables into README.md, from the code's lists.

``python tools/readme_tables.py`` rewrites each block between ``<!-- generated: NAME -->``
and ``<!-- end generated -->``; ``--check`` only says whether the README is up to date
(exit 1 if not). tests/test_readme_tables.py runs the check.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from tracker_tui.markdown.reference import header_table, status_table

README = Path(__file__).resolve().parents[1] / "README.md"
TABLES: dict[str, Callable[[], str]] = {"headers": header_table, "statuses": status_table}
_BLOCK_RE = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.DOTALL)


def regenerate(text: str) -> str:
    """``text`` with every generated block replaced by its table as the code gives it."""

    def fill(match: re.Match[str]) -> str:
        table = TABLES[match.group(2)]()
        return f"{match.group(1)}{table}\n{match.group(4)}"

    return _BLOCK_RE.sub(fill, text)


def blocks(text: str) -> list[str]:
    """The names of the generated blocks in ``text``, in order."""
    return [match.group(2) for match in _BLOCK_RE.finditer(text)]


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    updated = regenerate(text)
    if "--check" in argv:
        if updated != text:
            print("README.md: the generated tables are out of date; run tools/readme_tables.py")
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
