"""Layers: the store, markdown, domain, rules, config, sanitize and the export formats never
import Textual or Rich, and the path to the dashboard's first frame (open, tasks, summary)
never imports SQLAlchemy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_docs import run_python, tasks_document

from tracker_tui.store import Store


def _modules(code: str) -> dict[str, object]:
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


#: Modules that the CLI, the store and the markdown round trip share: no UI library.
CORE_MODULES = (
    "tracker_tui.store",
    "tracker_tui.store.writer",
    "tracker_tui.store.exchange",
    "tracker_tui.store.safety",
    "tracker_tui.markdown",
    "tracker_tui.domain",
    "tracker_tui.rules",
    "tracker_tui.config",
    "tracker_tui.sanitize",
    "tracker_tui.export_formats",
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_layers_do_not_import_textual_or_rich(module: str) -> None:
    """Each core module on its own, in a fresh interpreter: neither Textual nor Rich."""
    result = _modules(
        f"""
        import json, sys
        import {module}
        ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
        print(json.dumps({{"ui": ui}}))
        """
    )
    assert result["ui"] == []


def test_first_frame_reads_do_not_import_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with Store.open(path) as store:
        store.import_document(tasks_document(50))
    result = _modules(
        f"""
        import json, sys
        from tracker_tui.store import Store
        store = Store.open({str(path)!r})
        tasks, summary = store.tasks(), store.summary()
        store.risks(); store.activity(limit=20); store.checkpoints(); store.statuses()
        store.data_version(); store.revision(); store.changes_since(0); store.history("T-1")
        store.export_document()
        heavy = sorted(
            m for m in sys.modules
            if m.split(".")[0] in ("sqlalchemy", "sqlmodel", "pydantic", "textual")
        )
        print(json.dumps({{"tasks": len(tasks), "count": summary.tasks, "heavy": heavy}}))
        """
    )
    assert result["tasks"] == 50 and result["count"] == 50
    assert result["heavy"] == []
