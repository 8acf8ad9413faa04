"""The app answers only to its own names: a foreign Host header (DNS rebinding) is
refused on the websocket that carries every page's content. Real server, raw sockets."""

from __future__ import annotations

import base64
import os
import socket
import tomllib
from urllib.parse import urlparse

import pytest

from centrale.config import REPO_ROOT
from devtools.live_app import running_app


def _upgrade(url: str, host: str) -> str:
    """The status line the server answers to a websocket upgrade sent with `host`."""
    where = urlparse(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n")[0].decode()


def test_only_local_names_are_allowed_by_default():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert set(config["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}


@pytest.mark.slow
def test_a_foreign_host_header_is_refused(demo_db, tmp_path):
    with running_app(demo_db, tmp_path / "app.log") as app:
        port = urlparse(app.url).port
        assert " 101 " in _upgrade(app.url, f"127.0.0.1:{port}")
        assert " 101 " in _upgrade(app.url, f"localhost:{port}")
        for foreign in (
            f"evil.example:{port}",
            "evil.example",
            f"attacker.localhost.example:{port}",
        ):
            status = _upgrade(app.url, foreign)
            assert " 101 " not in status, (foreign, status)


HOSTS = (
    "localhost",
    "localhost:8501",
    "LOCALHOST.",
    "127.0.0.1:8501",
    "[::1]:8501",
    "evil.example",
    "attacker.localhost.example:8501",
    "user@localhost",
    "localhost:99999",
    "localhost:abc",
    "localhost/path",
    "localhost?q",
    "localhost#f",
    "",
    None,
    "sub.centrale.example",
    "centrale.example",
)
PATTERNS = (
    [],
    ["localhost", "127.0.0.1", "::1"],
    ["*.centrale.example"],
    ["*"],
    ["Centrale.Example."],
)


@pytest.mark.parametrize("patterns", PATTERNS)
def test_the_cookie_routes_read_hosts_as_the_websocket_does(patterns, monkeypatch):
    """Our host check (public option, no private import) against Streamlit's own: a
    Streamlit upgrade that changes its reading fails here instead of drifting."""
    from streamlit import config
    from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

    from ui.session_routes import host_allowed

    monkeypatch.setattr(config, "get_option", lambda name: patterns)
    for host in HOSTS:
        assert host_allowed(host, patterns) == is_host_allowed(host), (host, patterns)
