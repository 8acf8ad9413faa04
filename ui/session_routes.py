"""The two HTTP routes that set and clear the sign-in cookie (served by `app.py`'s st.App).

Streamlit talks to the browser through a websocket, which cannot set a cookie;
these small Starlette routes can. Both answer only a same-origin `fetch` from
the dashboard's own page, on a host of `server.allowedHosts`:

- `POST /api/session/ouvrir` with `jeton=<one-time token>`: the session that
  just checked a password issued the token (`centrale.access.sessions.HANDOFF`); the
  route spends it and sets the signed cookie (HttpOnly, SameSite=Strict,
  Max-Age, Secure behind TLS). A page of another site cannot call it (no
  token, and the browser says `Sec-Fetch-Site: cross-site`).
- `POST /api/session/fermer`: revokes the cookie sent (if genuine) and expires it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from centrale.access import sessions

OPEN_PATH = "/api/session/ouvrir"
CLOSE_PATH = "/api/session/fermer"


def host_allowed(host: str | None, patterns: list[str] | None) -> bool:
    """Is `host` (a Host header, port allowed) one of `patterns` (server.allowedHosts:
    exact names, `*.suffix`, or `*`; empty allows any)? The same reading as the
    websocket's own check, so that "our host" has one definition: test_hosts.py compares
    the two on hostile headers."""
    if not patterns:
        return True
    if host is None:
        return False
    try:
        parsed = urlparse(f"//{host}")
        name = parsed.hostname
        _ = parsed.port  # a non-numeric or out-of-range port is refused
    except ValueError:
        return False
    if name is None or parsed.username or parsed.password or parsed.path or parsed.query:
        return False
    if parsed.fragment:
        return False
    name = name.lower().rstrip(".")
    for pattern in (p.strip().lower().rstrip(".") for p in patterns):
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def _host_allowed(host: str | None) -> bool:
    import streamlit as st  # public option reading; the routes run inside Streamlit's server

    return host_allowed(host, st.get_option("server.allowedHosts"))


def _same_origin(request: Request) -> bool:
    """A request made by a page of this very site (not a form or fetch from elsewhere)."""
    host = request.headers.get("host")
    if not _host_allowed(host):
        return False
    site = request.headers.get("sec-fetch-site")
    if site is not None:  # every current browser sends it
        return site == "same-origin"
    origin = request.headers.get("origin")
    return bool(origin) and urlparse(origin).netloc == host


def _secure(request: Request) -> bool:
    """Behind TLS: Streamlit's own (https) or Caddy's, which says so in X-Forwarded-Proto."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _answer(status: int) -> Response:
    return Response(status_code=status, headers={"Cache-Control": "no-store"})


async def open_session(request: Request) -> Response:
    if not _same_origin(request):
        return _answer(403)
    # The body is `jeton=…` (urlencoded), read without python-multipart.
    fields = parse_qs((await request.body())[:1024].decode("ascii", "replace"))
    value = sessions.HANDOFF.redeem((fields.get("jeton") or [""])[0])
    if value is None:
        return _answer(403)
    response = _answer(204)
    response.set_cookie(
        sessions.COOKIE_NAME,
        value,
        max_age=int(sessions.lifetime().total_seconds()),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


async def close_session(request: Request) -> Response:
    if not _same_origin(request):
        return _answer(403)
    value = request.cookies.get(sessions.COOKIE_NAME)
    if value:
        await run_in_threadpool(sessions.revoke, value)  # file I/O off the event loop
    response = _answer(204)
    response.delete_cookie(
        sessions.COOKIE_NAME, path="/", secure=_secure(request), httponly=True, samesite="strict"
    )
    return response


ROUTES = [
    Route(OPEN_PATH, open_session, methods=["POST"]),
    Route(CLOSE_PATH, close_session, methods=["POST"]),
]
