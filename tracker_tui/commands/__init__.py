"""The ``tracker-tui`` commands, one module each, run by ``tracker_tui.cli``.

``tracker_tui.cli`` parses the command line and imports a command's module only when
that command runs, so ``--version`` and ``--help`` import none of them. This package's
own import stays as light: only the names the parser and the commands share live here.

- ``dashboard``: the dashboard on a store (no command), and ``demo``
- ``importing``: ``import``
- ``editing``: ``set``, ``log`` and ``title``
- ``undoing``: ``undo`` and ``redo``
- ``exporting``: ``export``
- ``history``: ``history``
- ``check``: ``check``
- ``share``: ``share``
- ``trends``: ``trend`` and ``metric``
- ``opening``: opening the store the common options name
- ``output``: how a command writes: Rich text for people, data verbatim (files go through
  ``tracker_tui.export_files``, shared with the dashboard)
"""

from __future__ import annotations

#: ``set`` options per kind, in the order results are shown.
TASK_OPTIONS = ("status", "progress", "owner", "milestone", "title", "notes")
RISK_OPTIONS = ("status", "impact", "mitigation", "owner", "description")
SET_OPTIONS = tuple(dict.fromkeys(TASK_OPTIONS + RISK_OPTIONS))

EXPORT_FORMATS = ("markdown", "json", "csv")
#: The tables ``export --format csv`` writes. Spelt out, not imported from
#: ``export_formats`` (which loads the field declarations): argparse needs only the names,
#: on every command's start; tests/test_cli_formats.py holds the two lists equal.
CSV_TABLES = ("tasks", "activity", "checkpoints", "risks", "decisions", "cadence", "metrics")
