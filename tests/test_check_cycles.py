"""tools/check_cycles.py, the CI rule "no import cycles": it finds loops, and only loops."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_tool

check_cycles = load_tool("check_cycles")


def test_a_graph_that_points_one_way_has_no_loop() -> None:
    graph = {"p.a": {"p.b", "p.c"}, "p.b": {"p.c"}, "p.c": set()}
    assert check_cycles.report(graph) == []


def test_each_loop_is_reported_with_its_modules_and_a_chain() -> None:
    graph = {
        "p.a": {"p.b"},
        "p.b": {"p.c"},
        "p.c": {"p.a", "p.d"},
        "p.d": set(),
        "p.x": {"p.y"},
        "p.y": {"p.x"},
    }
    assert check_cycles.strongly_connected(graph) == [["p.a", "p.b", "p.c"], ["p.x", "p.y"]]
    assert check_cycles.shortest_loop(graph, ["p.a", "p.b", "p.c"]) == [
        "p.a",
        "p.b",
        "p.c",
        "p.a",
    ]
    first = check_cycles.report(graph)[0]
    assert "3 modules import each other" in first
    assert "p.c -> p.a" in first  # the arrow inside the loop, not the one out of it (p.d)
    assert "p.d" not in first


def test_a_loop_through_a_package_init_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # import-linter's sibling contract cannot see this one: a parent is no sibling.
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("from loopy.inner import VALUE\n")
    (package / "inner.py").write_text("import loopy\n\nVALUE = 1\n")
    (package / "alone.py").write_text("from loopy.inner import VALUE\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert check_cycles.main(["check_cycles", "loopy"]) == 1
    out = capsys.readouterr().out
    assert "loopy -> loopy.inner -> loopy" in out
    assert "alone" not in out
