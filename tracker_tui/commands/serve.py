"""``tracker-tui serve``: the dashboard in a browser, one process per tab on one store.

Checked before anything is served: the store opens (and, with ``--read-only``, holds a
tracker), the token is long enough, the host is loopback or the warning is printed.
aiohttp and textual-serve are imported only then.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker_tui.commands.opening import open_store
from tracker_tui.commands.output import PROG
from tracker_tui.domain import TrackerError
from tracker_tui.serve.access import (
    browser_url,
    chosen_token,
    is_loopback,
    plain_http_warning,
    url_with_token,
)


def cmd_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Serve the dashboard until Ctrl-C or SIGTERM; every tab's process ends with it."""
    try:
        token = chosen_token(args.token)
    except ValueError as error:
        parser.error(str(error))
    with _store_target(args) as (target, title):
        return _serve(args, token, target, title)


@contextlib.contextmanager
def _store_target(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """The store the tabs open, and its tracker's title; with ``--demo``, a throwaway
    copy of the bundled sample, removed when the server stops."""
    from tracker_tui.store import Store, current_user

    if not args.demo:
        with open_store(args, read_only=True) as store:
            if args.read_only and not store.exists:
                raise TrackerError(
                    f"no tracker in {store.target.describe()} yet, and --read-only cannot "
                    "start one: import one with 'tracker-tui import FILE' first"
                )
            title = store.tracker_info().title if store.exists else ""
            yield store.target.url, title
        return
    from tracker_tui.markdown import parse_document
    from tracker_tui.resources import sample_tracker_text

    document = parse_document(sample_tracker_text())
    with tempfile.TemporaryDirectory(prefix="tracker-tui-demo-", ignore_cleanup_errors=True) as tmp:
        target = str(Path(tmp) / "demo.db")
        with Store.open(target, user=current_user(args.as_name)) as store:
            store.import_document(document)
            title = store.tracker_info().title
        yield target, title


def _dashboard_arguments(args: argparse.Namespace) -> tuple[str, ...]:
    """The options each tab's dashboard runs with: the same view as asked. The store
    goes in the environment (``TRACKER_TUI_DB``): a URL's password stays out of ``ps``."""
    arguments: list[str] = []
    if args.read_only:
        arguments.append("--read-only")
    if args.ascii:
        arguments.append("--ascii")
    # Matched against the store's names when the store opened above: a wrong one was
    # refused there, in one line, rather than by every tab.
    tracker = getattr(args, "tracker", None)
    if tracker is not None:
        arguments += ["--tracker", tracker]
    return tuple(arguments)


def _serve(args: argparse.Namespace, token: str, target: str, title: str) -> int:
    import asyncio
    import logging

    from tracker_tui.serve.server import DashboardServer, ServeOptions
    from tracker_tui.store import current_user
    from tracker_tui.store.target import DB_ENV

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr
    )
    options = ServeOptions(
        host=args.host,
        port=args.port,
        token=token,
        title=title or PROG,
        dashboard_arguments=_dashboard_arguments(args),
        environment={DB_ENV: target},
        default_name=current_user(args.as_name),
        read_only=args.read_only,
        max_sessions=args.max_sessions,
        public_url=args.public_url,
    )
    server = DashboardServer(options)

    def ready(port: int) -> None:
        if not is_loopback(args.host):
            print(plain_http_warning(args.host, port, socket.gethostname()), file=sys.stderr)
        url = url_with_token(browser_url(args.host, port, args.public_url), token)
        view = "read-only presenter view" if args.read_only else "editable"
        print(
            f"{PROG} serve: {title or 'an empty store'} ({view}), {args.max_sessions} tabs at most"
        )
        print(f"open in your browser:\n  {url}")
        print("Ctrl-C stops the server and every tab.", flush=True)

    try:
        asyncio.run(server.run(ready))
    except OSError as error:
        raise TrackerError(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}; "
            "pick another port with --port"
        ) from None
    return 0
