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
from requirements import missing

BENCH = ROOT / "benchmarks" / "bench.py"


def _figure_names() -> tuple[str, ...]:
    """``FIGURES`` from bench.py, read without importing it."""
    tree = ast.parse(BENCH.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "FIGURES" for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("bench.py has no FIGURES")


@pytest.mark.slow
def test_quick_benchmark_prints_every_figure(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    report_path = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--quiet", "--json-out", str(report_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = _figure_names()
    assert len(names) >= 13
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
