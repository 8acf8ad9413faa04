"""A local sign-in that survives a page reload: a signed cookie value, checked on the server.

The cookie (HttpOnly, SameSite=Strict, set by the server's own route, see
`ui/session_routes.py`) holds a value signed with itsdangerous (`URLSafeSerializer`):
the JSON claims `{"u": name, "e": expires, "n": nonce}` and their signature.

- the signing key is the server's secret (`session-secret.key` beside the users file,
  created 0600 at first use, never committed), salted **with the account's current
  password hash**: a changed password or a removed account ends every session of that
  account at once;
- `e` (expiry, Unix seconds, fixed when the value is issued) is checked here, whatever
  the browser keeps;
- `n` (nonce) is what sign-out revokes (`sessions-revoked.json`, pruned as entries
  expire), so a copied cookie stops working when its owner signs out.

The role is never in the cookie: `verify` reads it from the users file, so a
changed role takes effect on the next page.

The browser cannot receive a cookie through Streamlit's websocket, so after a
successful password check the session hands the cookie value to the route
through a one-time token (`HANDOFF`): random, known only to that page, valid
`HANDOFF_SECONDS`, usable once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import threading
import time
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from centrale.access import auth
from centrale.access.auth import User
from centrale.config import env_text
from centrale.locks import exclusive, write_atomic

COOKIE_NAME = "centrale_session"
DEFAULT_HOURS = 8.0  # a working day (CENTRALE_SESSION_HOURS)
HANDOFF_SECONDS = 60
MAX_HANDOFFS = 1000  # pending one-time tokens kept at most (the oldest are dropped)
MAX_REVOKED = 20_000
_SALT = "centrale-session-v2"  # v1 was a hand-written HMAC: its values are refused


def lifetime() -> dt.timedelta:
    """How long a sign-in lasts (env CENTRALE_SESSION_HOURS, default 8 h)."""
    value = env_text("CENTRALE_SESSION_HOURS")
    hours = float(value.replace(",", ".")) if value else DEFAULT_HOURS
    return dt.timedelta(hours=max(hours, 0.0))


def secret_path(users: Path | None = None) -> Path:
    return (users or auth.users_path()).with_name("session-secret.key")


def revoked_path(users: Path | None = None) -> Path:
    return (users or auth.users_path()).with_name("sessions-revoked.json")


def _secret(users: Path | None) -> bytes:
    """The signing key, created (32 random bytes, mode 0600) the first time it is needed."""
    path = secret_path(users)
    if not path.is_file():
        with exclusive(path.with_name(path.name + ".lock")):
            if not path.is_file():  # another process may have made it meanwhile
                write_atomic(path, secrets.token_hex(32).encode("ascii"), mode=0o600)
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise OSError(f"clé de session trop courte dans {path} : supprimez ce fichier")
    return key


def _serializer(key: bytes, password_hash: str) -> URLSafeSerializer:
    """Signs and checks values of one account: the password hash is part of the salt."""
    return URLSafeSerializer(key, salt=f"{_SALT}|{password_hash}")


def issue(name: str, users: Path | None = None, now: float | None = None) -> str:
    """The cookie value for `name`, a local account that just proved its password."""
    entry = auth.local_users(users).get(name)
    if entry is None:
        raise KeyError(name)
    now = time.time() if now is None else now
    claims = {
        "u": name,
        "e": int(now + lifetime().total_seconds()),
        "n": secrets.token_urlsafe(16),
    }
    return _serializer(_secret(users), entry["password_hash"]).dumps(claims)


def _claimed(value: str) -> tuple[str, int, str] | None:
    """(name, expires, nonce) a value claims, NOT yet verified, or None if malformed.

    The account must be known before the signature can be checked (its password hash
    salts the key), so the claims are read first; nothing is trusted until `verify`
    has checked the signature with that account's salt. The payload is JSON."""
    _valid, claims = URLSafeSerializer(b"unverified", salt=_SALT).loads_unsafe(value or "")
    if not isinstance(claims, dict) or set(claims) != {"u", "e", "n"}:
        return None
    name, expires, nonce = claims["u"], claims["e"], claims["n"]
    if not (isinstance(name, str) and type(expires) is int and isinstance(nonce, str)):
        return None
    return name, expires, nonce


def verify(value: str, users: Path | None = None, now: float | None = None) -> User | None:
    """The user a cookie value stands for, with the role the users file gives now; None
    when it is malformed, forged, expired, revoked, or its account was removed or its
    password changed."""
    claimed = _claimed(value)
    if claimed is None:
        return None
    name, expires, nonce = claimed
    now = time.time() if now is None else now
    if expires <= now:
        return None
    entry = auth.local_users(users).get(name)
    if entry is None:
        return None
    try:
        _serializer(_secret(users), entry["password_hash"]).loads(value)
    except BadSignature:
        return None
    if nonce in _read_revoked(revoked_path(users)):
        return None
    return auth.account(name, users)


def _read_revoked(path: Path) -> dict[str, int]:
    if not path.is_file():
        return {}
    with contextlib.suppress(ValueError, OSError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def revoke(value: str, users: Path | None = None, now: float | None = None) -> bool:
    """End the session a (genuine) cookie value stands for, everywhere; True if it was
    one. Revoked nonces are kept until their cookie would have expired anyway."""
    claimed = _claimed(value)
    if claimed is None or verify(value, users, now) is None:
        return False
    _name, expires, nonce = claimed
    now = time.time() if now is None else now
    path = revoked_path(users)
    with exclusive(path.with_name(path.name + ".lock")):
        revoked = {n: e for n, e in _read_revoked(path).items() if e > now}
        revoked[nonce] = expires
        if len(revoked) > MAX_REVOKED:  # keep the latest-expiring ones
            revoked = dict(sorted(revoked.items(), key=lambda kv: kv[1])[-MAX_REVOKED:])
        write_atomic(path, json.dumps(revoked).encode("utf-8"), mode=0o600)
    return True


class Handoff:
    """One-time tokens that carry a cookie value from a Streamlit session to the route
    that sets it (thread-safe: script threads issue, the server's event loop redeems)."""

    def __init__(self, seconds: float = HANDOFF_SECONDS) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[str, float]] = {}

    def issue(self, cookie_value: str, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._pending = {t: p for t, p in self._pending.items() if p[1] > now}
            while len(self._pending) >= MAX_HANDOFFS:
                self._pending.pop(next(iter(self._pending)))
            self._pending[token] = (cookie_value, now + self._seconds)
        return token

    def redeem(self, token: str, now: float | None = None) -> str | None:
        """The cookie value of an unused, unexpired token (which is then spent), else None."""
        now = time.monotonic() if now is None else now
        with self._lock:
            pending = self._pending.pop(token or "", None)
        if pending is None or pending[1] <= now:
            return None
        return pending[0]


HANDOFF = Handoff()  # the server process's one queue (empty until someone signs in)
