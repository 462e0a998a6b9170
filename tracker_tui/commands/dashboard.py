"""The dashboard: on the store (``tracker-tui`` with no command) or on the sample (``demo``).

Only these commands import Textual (through ``tracker_tui.app``), and only once the
store has opened: a store that cannot be used fails without waiting for it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tracker_tui.collection_pauses import Resume, collection_paused
from tracker_tui.commands.opening import open_store
from tracker_tui.domain import TrackerError

if TYPE_CHECKING:
    from tracker_tui.store.store import Store


def cmd_dashboard(
    args: argparse.Namespace,
    *,
    mode: str | None = None,
    since: str | None = None,
    refusals: Callable[[Store], None] | None = None,
) -> int:
    """Open the dashboard on the store ``--db`` names, until the user quits; on the
    screen ``mode`` when given (``standup``, with its ``--since``), once ``refusals``
    (the command's own checks, raising ``TrackerError``) have passed on the store.

    A store that holds no tracker yet (a fresh install) opens the empty dashboard, which
    says how to start one: ``t`` names it, ``n`` adds its first task. Nothing is written
    until then, so merely looking creates no file. Refused, before Textual starts: a
    store the page check finds damaged (the error then names the backup to recover
    from), and ``--read-only`` on a store that does not exist yet (there is nothing to
    watch, and a read-only user cannot create it).
    """
    # No cycle collection until the first frame is on the terminal: the start-up (Textual
    # imported, the stylesheet parsed, the first screen built) makes objects by the
    # hundred thousand, and ~120 young-generation collections of them cost ~17 ms of
    # the stand-up's ~400 ms first frame, for no garbage (issue 13). The app resumes it,
    # freezing what the start-up made (collection_pauses).
    resume_collection = collection_paused()
    try:
        return _run_dashboard(args, mode, since, refusals, resume_collection)
    finally:
        resume_collection()  # the app never drew (a refusal, a crash): on, nothing frozen


def _run_dashboard(
    args: argparse.Namespace,
    mode: str | None,
    since: str | None,
    refusals: Callable[[Store], None] | None,
    resume_collection: Resume,
) -> int:
    # The page check that refuses a damaged store reads the whole file (~30 ms for a
    # 20 MB store): it runs on a thread while Textual is imported (~150 ms), and the
    # dashboard starts only once it has passed. The other checks (not ours, newer,
    # first page damaged) are made by the open itself.
    with open_store(args, verify=False) as store:
        check = store.verify_in_background()
        try:
            if refusals is not None:
                refusals(store)
            if store.read_only and not store.exists:
                raise TrackerError(
                    f"no tracker in {store.target.describe()} yet, and --read-only cannot "
                    "start one: import one with 'tracker-tui import FILE', or open the "
                    "dashboard without --read-only"
                )
            from tracker_tui.app import run_dashboard  # no other command imports Textual
        except BaseException:
            check.wait()  # damage, when found, explains a failure better than its symptom
            raise
        check.wait()
        # The screen and its baseline only when ``standup`` asked for them; a tracker
        # named with --tracker opens on its Snapshot (the portfolio is `0` away).
        opening: dict[str, str | None] = {}
        if mode is not None:
            opening = {"mode": mode, "since": since}
        elif getattr(args, "tracker", None):
            opening = {"mode": "snapshot"}
        run_dashboard(
            store,
            ascii=args.ascii,
            owner=getattr(args, "owner", None),
            resume_collection=resume_collection,
            **opening,
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Open the dashboard on a copy of the bundled sample tracker, in a temporary store
    that is removed afterwards: nothing the user does in the demo is kept."""
    import tempfile

    from tracker_tui.markdown import parse_document
    from tracker_tui.resources import sample_tracker_text
    from tracker_tui.store import Store, current_user

    document = parse_document(sample_tracker_text())
    user = current_user(args.as_name)
    with tempfile.TemporaryDirectory(prefix="tracker-tui-demo-", ignore_cleanup_errors=True) as tmp:
        target = str(Path(tmp) / "demo.db")
        with Store.open(target, user=user) as store:
            store.import_document(document)
        with Store.open(target, user=user, read_only=args.read_only) as store:
            from tracker_tui.app import run_dashboard  # no other command imports Textual

            run_dashboard(store, ascii=args.ascii)
    return 0
