"""Who may use a served dashboard: the access token, and where the server may listen.

Standard library only, so that the command can check its options (and print the URL to
open) before aiohttp and textual-serve are imported.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from urllib.parse import urlsplit

#: Set instead of ``--token``: a token in the environment stays out of ``ps`` output.
TOKEN_ENV = "TRACKER_TUI_TOKEN"
#: Tells a tab's process the server's pid: it must not outlive it.
PARENT_ENV = "TRACKER_TUI_SERVE_PARENT"
#: The query parameter the printed URL carries the token in.
TOKEN_PARAMETER = "token"
#: The query parameter (and the cookie's stem) of the name a browser edits under.
NAME_PARAMETER = "name"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8421
DEFAULT_MAX_SESSIONS = 20
#: A name typed in a browser is a label in the history, so it is kept short.
MAX_NAME_LENGTH = 40
_MIN_TOKEN_LENGTH = 16


def new_token() -> str:
    """A random token: 32 bytes from the OS's generator, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def chosen_token(option: str | None) -> str:
    """The token ``--token`` gives, else ``TRACKER_TUI_TOKEN``, else a new random one.

    Raises:
        ValueError: the token given is too short to guess-proof, or has characters
            that a URL would have to escape.
    """
    token = option if option is not None else os.environ.get(TOKEN_ENV)
    if token is None or token == "":
        return new_token()
    if len(token) < _MIN_TOKEN_LENGTH:
        raise ValueError(
            f"the token must be at least {_MIN_TOKEN_LENGTH} characters long "
            "(leave --token out to get a random one)"
        )
    if not all(
        character.isascii() and (character.isalnum() or character in "-_.~") for character in token
    ):
        raise ValueError("the token may hold only letters, digits and - _ . ~")
    return token


def token_matches(given: str | None, token: str) -> bool:
    """Whether ``given`` is the token, compared in constant time (no timing leak)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def is_loopback(host: str) -> bool:
    """Whether ``host`` only ever reaches this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it could resolve to anything
        return False


def base_path(public_url: str | None) -> str:
    """The path the dashboard is served under, ending in ``/`` (``/tracker/`` behind a
    proxy at that sub-path, else ``/``)."""
    if not public_url:
        return "/"
    path = urlsplit(public_url).path
    return path.rstrip("/") + "/"


def browser_url(host: str, port: int, public_url: str | None) -> str:
    """Where a browser opens the dashboard, without the token."""
    if public_url:
        return public_url.rstrip("/") + "/"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def url_with_token(url: str, token: str) -> str:
    return f"{url}?{TOKEN_PARAMETER}={token}"


def plain_http_warning(host: str, port: int, box: str) -> str:
    """What ``serve`` prints when it listens beyond loopback: how to keep it private;
    ``box`` is this machine's name, for the tunnel's command."""
    return (
        f"warning: listening on {host}, not only on this machine. The traffic is plain HTTP:\n"
        "anyone on the path can read the token and the tracker. Put a TLS proxy in front\n"
        "(README: In the browser), or listen on 127.0.0.1 and reach it through an SSH tunnel:\n"
        f"  ssh -L {port}:localhost:{port} {box}\n"
        f"then open http://localhost:{port}/ on your own machine."
    )
