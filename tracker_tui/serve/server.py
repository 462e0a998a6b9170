"""The web server: textual-serve's, made safe by default.

What changes from textual-serve's ``Server``:

- every request (the page, the WebSocket, each static file, any other path) needs the
  token, from the query string or from the cookie the first request set; without it,
  403. The page's first request is redirected to the same address without the token,
  so the address bar never shows it;
- static files are served from a list made at start of textual-serve's own files, so
  there is no directory listing and no path outside them;
- each WebSocket starts a ``DashboardSession`` (no shell, bounded stop), up to
  ``--max-sessions`` at once; a page asked for over the cap says so;
- the access log shows the path, never the query string; the token is in no log line;
- stopping (Ctrl-C, SIGTERM, SIGHUP) ends every tab's process before the server exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from string import Template
from urllib.parse import unquote, urlencode, urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server

from tracker_tui.sanitize import clean_text
from tracker_tui.serve.access import (
    MAX_NAME_LENGTH,
    NAME_PARAMETER,
    TOKEN_PARAMETER,
    base_path,
    token_matches,
)
from tracker_tui.serve.sessions import DashboardSession, SessionCap, session_argv

log = logging.getLogger("tracker-tui.serve")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Seconds between WebSocket pings: a tab that vanished without closing (a laptop lid,
#: a dropped network) is noticed within two of them, and its process ended.
HEARTBEAT = 5.0
#: What the browser is told about every response: no caching, no framing, no referrer.
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class ServeOptions:
    """What ``tracker-tui serve`` was asked for."""

    host: str
    port: int
    token: str
    title: str
    dashboard_arguments: tuple[str, ...]
    default_name: str
    read_only: bool = False
    max_sessions: int = 20
    public_url: str | None = None
    #: Added to each tab's environment (tests and benchmarks pin the clock with it).
    environment: dict[str, str] = field(default_factory=dict)


class PathOnlyAccessLog(AbstractAccessLogger):
    """One line per request with its path and status: never its query string, which
    carries the token on the first request."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.0f ms", request.method, request.path, response.status, time * 1000
        )


def _page(name: str) -> Template:
    return Template(files("tracker_tui.serve").joinpath("pages", name).read_text("utf-8"))


class DashboardServer(Server):
    """Serves the dashboard to browsers: one process per tab on one store."""

    def __init__(self, options: ServeOptions) -> None:
        super().__init__(
            command="tracker-tui",
            host=options.host,
            port=options.port,
            title=options.title,
            public_url=options.public_url,
        )
        self.options = options
        self.base = base_path(options.public_url)
        self.cap = SessionCap(options.max_sessions)
        self._websockets: set[web.WebSocketResponse] = set()
        self._dashboard_page = _page("dashboard.html")
        self._refusal_page = _page("refusal.html")
        self._static_files = _static_files(Path(self.statics_path))
        self._stopping = asyncio.Event()
        #: The port listened on (``--port 0``: the one the OS chose), once listening.
        self.bound_port = options.port

    # Cookies do not tell ports apart: the port in their names keeps two servers on one
    # host from overwriting each other's.
    @property
    def token_cookie(self) -> str:
        return f"tracker_tui_token_{self.bound_port}"

    @property
    def name_cookie(self) -> str:
        return f"tracker_tui_name_{self.bound_port}"

    # -- the application ---------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._require_token], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.get("/static/{path:.+}", self.handle_static),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _require_token(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        in_query = request.query.get(TOKEN_PARAMETER)
        given = in_query if in_query is not None else request.cookies.get(self.token_cookie)
        if not token_matches(given, self.options.token) or not self._same_origin(request):
            return self._refusal(
                403,
                "Forbidden",
                "This address needs the access token: open the URL that "
                "<code>tracker-tui serve</code> printed.",
            )
        if in_query is not None and request.path == "/":
            # The first visit: the token goes into a cookie and out of the address bar.
            rest = {key: value for key, value in request.query.items() if key != TOKEN_PARAMETER}
            location = self.base + (f"?{urlencode(rest)}" if rest else "")
            response: web.StreamResponse = web.Response(status=303, headers={"Location": location})
            self._set_token_cookie(response)
        else:
            response = await handler(request)
        if not response.prepared:
            response.headers.update(_HEADERS)
        return response

    def _same_origin(self, request: web.Request) -> bool:
        """A request a browser sends from another site's page carries its Origin: refuse
        it, so that a page elsewhere cannot drive a tab with this browser's cookie."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        netloc = urlsplit(origin).netloc
        allowed = {request.host}
        if self.options.public_url:
            allowed.add(urlsplit(self.options.public_url).netloc)
        return netloc in allowed

    def _set_token_cookie(self, response: web.StreamResponse) -> None:
        response.set_cookie(
            self.token_cookie,
            self.options.token,
            path=self.base,
            httponly=True,
            samesite="Strict",
            secure=self.public_url.startswith("https:"),
        )

    def _refusal(self, status: int, heading: str, text: str) -> web.Response:
        body = self._refusal_page.substitute(heading=html.escape(heading), text=text)
        response = web.Response(status=status, text=body, content_type="text/html")
        response.headers.update(_HEADERS)
        return response

    # -- the page and its files ----------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.cap.full:
            return self._over_cap_page()
        font_size = request.query.get("fontsize", "16")
        body = self._dashboard_page.substitute(
            title=html.escape(self.title),
            read_only="true" if self.options.read_only else "false",
            default_name=html.escape(self.options.default_name),
            name_cookie=self.name_cookie,
            cookie_path=html.escape(self.base),
            max_name=MAX_NAME_LENGTH,
            font_size=int(font_size) if font_size.isdigit() and 6 <= int(font_size) <= 48 else 16,
        )
        return web.Response(text=body, content_type="text/html")

    def _over_cap_page(self) -> web.Response:
        limit = self.cap.limit
        return self._refusal(
            503,
            "Too many open dashboards",
            f"All {limit} dashboards this server allows are open. Close another tab of it, "
            "then reload this page, or ask whoever runs the server to raise "
            "<code>--max-sessions</code>.",
        )

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        path = self._static_files.get(request.match_info["path"])
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    # -- one process per tab -------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        if self._stopping.is_set() or not self.cap.reserve():
            await websocket.prepare(request)
            await websocket.send_bytes(
                f"\r\n  All {self.cap.limit} dashboards this server allows are open: close "
                "another tab, then reload this one.\r\n".encode()
            )
            await websocket.close()
            return websocket
        session: DashboardSession | None = None
        reserved = True
        try:
            await websocket.prepare(request)
            self._websockets.add(websocket)
            name = self._editor_name(request)

            async def close() -> None:
                await websocket.close()

            session = DashboardSession(
                session_argv(self.options.dashboard_arguments),
                {**self.options.environment, "TRACKER_TUI_USER": name},
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
            )
            await session.start(_size(request, "width", 80), _size(request, "height", 24))
            self.cap.open.add(session)
            self.cap.release_reservation()
            reserved = False
            log.info(
                "tab opened for %s (process %s); %d open", name, session.pid, len(self.cap.open)
            )
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a broken message from a browser: end that tab only
            log.warning("tab ended: %s", type(error).__name__)
        finally:
            if reserved:
                self.cap.release_reservation()
            if session is not None:
                await session.stop()
                self.cap.open.discard(session)
                log.info("tab closed (process %s); %d open", session.pid, len(self.cap.open))
            self._websockets.discard(websocket)
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    def _editor_name(self, request: web.Request) -> str:
        """The name this tab edits under: the one the browser gave, else the server's.

        Only a label for the history (anyone with the token may type any name): it is
        cleaned of control characters and cut short, and never reaches a command line.
        """
        if self.options.read_only:
            return self.options.default_name
        given = request.cookies.get(self.name_cookie) or request.query.get(NAME_PARAMETER, "")
        name = clean_text(unquote(given)).strip()[:MAX_NAME_LENGTH]
        return name or self.options.default_name

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's process ends before the server does."""
        self._stopping.set()
        await self.cap.stop_all()
        for websocket in list(self._websockets):
            with contextlib.suppress(Exception):
                await websocket.close()

    # -- running -----------------------------------------------------------------------

    async def run(self, ready: Callable[[int], None]) -> None:
        """Serve until SIGINT, SIGTERM or SIGHUP; ``ready`` gets the port once listening.

        Raises:
            OSError: the address cannot be listened on (the port is taken...).
        """
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(number, self._stopping.set)
        runner = web.AppRunner(
            await self._make_app(),
            access_log_class=PathOnlyAccessLog,
            access_log=log,
            shutdown_timeout=2.0,
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.options.host, self.options.port)
            await site.start()
            self.bound_port = _bound_port(runner, self.options.port)
            ready(self.bound_port)
            await self._stopping.wait()
            log.info("stopping: ending %d open tab(s)", len(self.cap.open))
        finally:
            await runner.cleanup()
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(number)


def _static_files(root: Path) -> dict[str, Path]:
    """textual-serve's static files by their path under ``static/``, listed once: only
    these are ever served."""
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def _size(request: web.Request, name: str, default: int) -> int:
    text = request.query.get(name, "")
    return min(int(text), 1000) if text.isdigit() and int(text) > 0 else default


def _bound_port(runner: web.AppRunner, asked: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return asked
