"""README.md's header and status tables are the importer's own lists, as generated."""

from __future__ import annotations

from conftest import ROOT, load_tool

readme_tables = load_tool("readme_tables")


def test_readme_lists_every_header_synonym_and_status_word_the_code_knows() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_tables.blocks(text) == ["headers", "statuses"]
    assert readme_tables.regenerate(text) == text, "run python tools/readme_tables.py"


def test_readme_tables_name_what_the_issue_asks_for() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    headers = text[text.index("<!-- generated: headers -->") :]
    for word in ("`decided by`", "`approver`", "`dri`", "`risk id`", "`mitigation plan`", "`rag`"):
        assert word in headers
    statuses = text[text.index("<!-- generated: statuses -->") :]
    assert "| risk | Mitigated | `mitigated` |" in statuses  # Mitigating is not among them
    assert "`mitigating`" not in statuses and "`reopened`" not in statuses


def test_a_stale_table_is_caught() -> None:
    stale = "x\n<!-- generated: statuses -->\n| old |\n<!-- end generated -->\ny\n"
    fresh = readme_tables.regenerate(stale)
    assert fresh != stale and "| task | Complete |" in fresh and fresh.endswith("y\n")
