"""``tracker-tui serve`` without a browser: the token, the address, the options, and the
server's gate, driven in-process through aiohttp's test client (the browser tests, in
``test_serve_browser.py``, run the real thing in Chromium)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import COMMAND, SAMPLE

from tracker_tui.errors_log import write_log
from tracker_tui.serve import access
from tracker_tui.serve.server import DashboardServer, ServeOptions

TOKEN = "unit-token-0123456789abcdef"


# -- the token and the address -------------------------------------------------------------


def test_a_token_is_made_at_random_unless_one_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access.TOKEN_ENV, raising=False)
    first, second = access.chosen_token(None), access.chosen_token(None)
    assert first != second and len(first) >= 43
    monkeypatch.setenv(access.TOKEN_ENV, "from-the-environment-123")
    assert access.chosen_token(None) == "from-the-environment-123"
    assert access.chosen_token("from-the-option-12345") == "from-the-option-12345"
    for bad in ("short", "has spaces in it 12345", "ünïcode-token-123456"):
        with pytest.raises(ValueError):
            access.chosen_token(bad)


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = access.hmac.compare_digest

    def spy(given: bytes, token: bytes) -> bool:
        compared.append((given, token))
        return real(given, token)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert access.token_matches(TOKEN, TOKEN)
    assert not access.token_matches(TOKEN[:-1] + "x", TOKEN)
    assert not access.token_matches(None, TOKEN)
    assert len(compared) == 2


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("box.example", False),
    ],
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert access.is_loopback(host) is loopback


def test_urls_and_sub_paths() -> None:
    assert access.browser_url("127.0.0.1", 8421, None) == "http://127.0.0.1:8421/"
    assert access.browser_url("::1", 8421, None) == "http://[::1]:8421/"
    assert (
        access.browser_url("127.0.0.1", 8421, "https://x.org/tracker") == "https://x.org/tracker/"
    )
    assert access.base_path("https://x.org/tracker") == "/tracker/"
    assert access.base_path(None) == "/"


def test_the_token_is_kept_out_of_the_error_log(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_log(RuntimeError("boom"), ["serve", "--token", TOKEN, f"--token={TOKEN}"])
    text = path.read_text()
    assert TOKEN not in text
    assert "--token *** --token=***" in text


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_TUI_")}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    env["TRACKER_TUI_USER"] = "tester"
    env["TRACKER_TUI_DB"] = str(tmp_path / "tracker.db")
    return env


def _serve(environment: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "serve", *argv], env=environment, capture_output=True, text=True, timeout=60
    )


def test_bad_options_are_refused_before_anything_is_served(environment: dict[str, str]) -> None:
    refused = _serve(environment, "--token", "short")
    assert refused.returncode == 2 and "at least 16 characters" in refused.stderr
    refused = _serve(environment, "--read-only")
    assert refused.returncode == 1 and "--read-only cannot start one" in refused.stderr
    imported = subprocess.run(
        [*COMMAND, "import", str(SAMPLE)], env=environment, capture_output=True, timeout=60
    )
    assert imported.returncode == 0
    refused = _serve(environment, "--tracker", "Release 2")
    assert refused.returncode == 1
    assert "no tracker 'Release 2'" in refused.stderr and "Version 1.00" in refused.stderr
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr


def test_the_tracker_named_reaches_every_tab() -> None:
    from argparse import Namespace

    from tracker_tui.commands.serve import _dashboard_arguments

    asked = Namespace(read_only=True, ascii=False, tracker="Release 2")
    assert _dashboard_arguments(asked) == ("--read-only", "--tracker", "Release 2")
    assert _dashboard_arguments(Namespace(read_only=False, ascii=True)) == ("--ascii",)


def test_listening_beyond_loopback_prints_the_tunnel_command(environment: dict[str, str]) -> None:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [*COMMAND, "serve", "--demo", "--host", "0.0.0.0", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        printed = [process.stdout.readline() for _ in range(3)]
        assert "demo" in printed[0] or "Version 1.00" in printed[0]
        assert printed[2].strip().startswith(f"http://0.0.0.0:{port}/?token=")
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "plain HTTP" in errors
    assert f"  ssh -L {port}:localhost:{port} {socket.gethostname()}\n" in errors


# -- the gate, in-process ---------------------------------------------------------------------


def _options(**changes: object) -> ServeOptions:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": 8421,
        "token": TOKEN,
        "title": "T",
        "dashboard_arguments": (),
        "default_name": "alice",
    }
    values.update(changes)
    return ServeOptions(**values)


async def _client(server: DashboardServer) -> TestClient:
    client: TestClient = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


@pytest.fixture
async def behind_proxy() -> AsyncIterator[TestClient]:
    client = await _client(DashboardServer(_options(public_url="https://example.org/tracker")))
    yield client
    await client.close()


async def test_behind_a_proxy_the_cookie_and_redirect_keep_the_sub_path(
    behind_proxy: TestClient,
) -> None:
    response = await behind_proxy.get(f"/?token={TOKEN}&name=ann", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/tracker/?name=ann"
    cookie = response.cookies["tracker_tui_token_8421"]
    assert cookie["path"] == "/tracker/" and cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Strict"


async def test_a_page_of_another_site_cannot_open_a_tab(
    behind_proxy: TestClient,
) -> None:
    cookie = {"Cookie": f"tracker_tui_token_8421={TOKEN}"}
    other = await behind_proxy.get("/ws", headers={**cookie, "Origin": "https://evil.example"})
    assert other.status == 403
    same = await behind_proxy.get("/", headers={**cookie, "Origin": "https://example.org"})
    assert same.status == 200
    assert "frame-ancestors 'none'" in same.headers["Content-Security-Policy"]
    assert same.headers["Cache-Control"] == "no-store"


def test_a_name_from_a_browser_is_a_clean_short_label() -> None:
    from aiohttp.test_utils import make_mocked_request

    server = DashboardServer(_options())
    cookie = f"tracker_tui_name_8421={'%1B%5B31mEve%07' + 'x' * 80}"
    request = make_mocked_request("GET", "/ws", headers={"Cookie": cookie})
    name = server._editor_name(request)
    assert name.startswith("Eve") and "\x1b" not in name and len(name) == access.MAX_NAME_LENGTH
    assert server._editor_name(make_mocked_request("GET", "/ws")) == "alice"
    presenter = DashboardServer(_options(read_only=True))
    assert presenter._editor_name(request) == "alice"
