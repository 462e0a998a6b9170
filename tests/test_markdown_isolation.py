"""The markdown layer is pure: importing it loads no UI and no database."""

from __future__ import annotations

import subprocess
import sys


def test_markdown_imports_no_textual_or_sqlalchemy() -> None:
    code = (
        "import sys, tracker_tui.markdown, tracker_tui.markdown.sample\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'sqlalchemy', 'sqlmodel', 'rich', 'markdown_it'})\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
