"""The cookie routes answer only the dashboard's own page, with a token spent once."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # starlette 1.10 prefers httpx2 for its test client; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from centrale.access import auth, sessions
from ui import session_routes

SAME_ORIGIN = {"Host": "127.0.0.1:8501", "Sec-Fetch-Site": "same-origin"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    auth.add_user("marie", "un-mot-de-passe-solide", "editor", users)
    monkeypatch.setenv("CENTRALE_USERS", str(users))
    monkeypatch.setenv("CENTRALE_SESSION_HOURS", "8")
    app = Starlette(routes=session_routes.ROUTES)
    with TestClient(app, base_url="http://127.0.0.1:8501") as test_client:
        yield test_client


def _open(client, token: str, **headers):
    return client.post(session_routes.OPEN_PATH, content=f"jeton={token}", headers=FORM | headers)


def test_a_token_from_the_session_sets_a_strict_http_only_cookie_once(client):
    value = sessions.issue("marie")
    token = sessions.HANDOFF.issue(value)
    answer = _open(client, token, **SAME_ORIGIN)
    assert answer.status_code == 204
    set_cookie = answer.headers["set-cookie"]
    assert set_cookie.startswith(f"{sessions.COOKIE_NAME}={value};")
    for flag in ("HttpOnly", "SameSite=strict", "Max-Age=28800", "Path=/"):
        assert flag.lower() in set_cookie.lower()
    assert "secure" not in set_cookie.lower()
    assert _open(client, token, **SAME_ORIGIN).status_code == 403  # spent
    # Behind Caddy (TLS ends there and says so): the cookie is Secure.
    again = _open(
        client, sessions.HANDOFF.issue(value), **SAME_ORIGIN, **{"X-Forwarded-Proto": "https"}
    )
    assert "secure" in again.headers["set-cookie"].lower()


def test_other_sites_and_hosts_are_refused(client):
    value = sessions.issue("marie")
    for headers in (
        {"Host": "127.0.0.1:8501", "Sec-Fetch-Site": "cross-site"},
        {"Host": "127.0.0.1:8501", "Sec-Fetch-Site": "same-site"},
        {"Host": "127.0.0.1:8501", "Origin": "http://evil.example"},
        {"Host": "127.0.0.1:8501"},  # neither header: not from a browser page of ours
        {"Host": "evil.example", "Sec-Fetch-Site": "same-origin"},  # DNS rebinding
    ):
        token = sessions.HANDOFF.issue(value)
        answer = _open(client, token, **headers)
        assert answer.status_code == 403 and "set-cookie" not in answer.headers, headers
    # An old browser without Sec-Fetch-Site but with its own Origin is accepted.
    token = sessions.HANDOFF.issue(value)
    assert (
        _open(client, token, Host="127.0.0.1:8501", Origin="http://127.0.0.1:8501").status_code
        == 204
    )
    assert _open(client, "inventé", **SAME_ORIGIN).status_code == 403


def test_closing_revokes_the_cookie_and_expires_it(client):
    value = sessions.issue("marie")
    assert sessions.verify(value) is not None
    client.cookies.set(sessions.COOKIE_NAME, value)
    refused = client.post(session_routes.CLOSE_PATH, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and sessions.verify(value) is not None
    answer = client.post(session_routes.CLOSE_PATH, headers=SAME_ORIGIN)
    assert answer.status_code == 204
    assert "max-age=0" in answer.headers["set-cookie"].lower()
    assert sessions.verify(value) is None
