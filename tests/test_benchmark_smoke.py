"""The benchmark still runs: ``benchmarks/bench.py --quick`` completes and prints every
figure by name, each with a measurement. Timings are never asserted here (they depend on
the machine); the figures themselves are in docs/performance.md."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from requirements import in_ci, missing

BENCH = ROOT / "benchmarks" / "bench.py"


def _figures_of(path: Path) -> tuple[str, ...]:
    """``FIGURES`` of a benchmark module, read without importing it; a ``*part.FIGURES``
    in it is read from ``benchmarks/part.py`` in turn."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "FIGURES" for target in node.targets
        ):
            assert isinstance(node.value, ast.Tuple | ast.List)
            names: list[str] = []
            for element in node.value.elts:
                if isinstance(element, ast.Starred):
                    assert isinstance(element.value, ast.Attribute)
                    assert isinstance(element.value.value, ast.Name)
                    names.extend(_figures_of(path.with_name(f"{element.value.value.id}.py")))
                else:
                    names.append(ast.literal_eval(element))
            return tuple(names)
    raise AssertionError(f"{path.name} has no FIGURES")


def _figure_names() -> tuple[str, ...]:
    """``FIGURES`` from bench.py."""
    return _figures_of(BENCH)


@pytest.mark.slow
def test_quick_benchmark_prints_every_figure(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    report_path = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--quiet", "--json-out", str(report_path)],
        capture_output=True,
        text=True,
        timeout=480,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = _figure_names()
    assert len(names) >= 13
    if not Path("/usr/bin/chromium").exists():  # the browser figures need Debian's chromium
        if in_ci():
            missing("no /usr/bin/chromium for the browser figures")
        names = tuple(name for name in names if not name.startswith("browser:"))
    table = result.stdout
    not_printed = [name for name in names if name not in table]
    assert not not_printed, f"not printed: {not_printed}\n{table}\n{result.stderr[-3000:]}"
    assert "Textual" in table and "machine:" in table

    report = json.loads(report_path.read_text(encoding="utf-8"))
    measured = {figure["name"]: figure for figure in report["figures"]}
    unmeasured = [name for name in names if not measured.get(name, {}).get("samples")]
    # The viewers' figures need a PostgreSQL cluster (bench_viewers.py starts one).
    no_postgres = report["config"].get("postgres_missing")
    if no_postgres:
        unmeasured = [name for name in unmeasured if not _needs_postgres(name)]
    assert not unmeasured, f"no measurement for: {unmeasured}\n{table}\n{result.stderr[-3000:]}"
    for figure in report["figures"]:
        assert figure["status"] in ("PASS", "MISS", "info"), figure
    if no_postgres:
        missing(f"the viewers' figures were not measured: {no_postgres}")


def _needs_postgres(name: str) -> bool:
    return name.startswith(("viewers", "restart"))
