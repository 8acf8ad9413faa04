"""Local accounts for a small team: a TOML file of bcrypt hashes, roles, sign-in limits.

The users file (env CENTRALE_USERS, default `data/users.toml`, git-ignored)::

    [users.marie]
    role = "editor"                 # "viewer" or "editor"
    password_hash = "$2b$12$…"      # bcrypt, salted; never the password

    [oidc]                          # optional, for Streamlit's native sign-in
    editors = ["marie@idelux.be"]   # e-mails that get the editor role

Failed sign-ins are counted per (user name, client address) and per address, in
a small JSON file beside the users file (shared by every session and process).
After FREE_FAILURES failures in FAILURE_WINDOW, each further try *from that
address* must wait a delay that doubles with every failure, up to MAX_DELAY. A
stranger typing wrong passwords on an editor's name slows down only their own
address: the editor, from an address that has not failed, signs in at once.

The client address is the connection's, or — only when the connection comes
from a proxy listed in CENTRALE_TRUSTED_PROXIES (`make serve` lists Caddy's
loopback) — the one the proxy puts in `X-Forwarded-For` (`client_address`).

Every sign-in, successful or not, is one line of `signin-audit.log` (time,
name, address, outcome; readable by its owner only, kept under LOG_MAX_BYTES).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from centrale.config import REPO_ROOT, env_text, settings
from centrale.errors import CentraleError
from centrale.locks import exclusive, write_atomic

ROLES = ("viewer", "editor")
ROLE_LABELS = {"viewer": "lecteur", "editor": "éditeur"}
FREE_FAILURES = 3  # failures before any delay
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_DELAY = dt.timedelta(seconds=60)
MAX_TRACKED = 2000  # names and addresses remembered at most (the oldest are forgotten)
LOG_MAX_BYTES = 256 * 1024
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt's limit: longer passwords are refused, not cut
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class AccountError(CentraleError):
    """A user cannot be added or changed; the message (French) says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # "viewer" | "editor"
    method: str = "local"  # "local" | "oidc" | "open"

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `user` when it succeeded, else a French message."""

    user: User | None
    message: str = ""


@functools.cache
def _dummy_hash() -> bytes:
    """Checked when the user name is unknown, so that a wrong name takes as long as a
    wrong password (no way to learn which names exist from the timing)."""
    return bcrypt.hashpw(b"centrale-dummy-password", bcrypt.gensalt(rounds=12))


def users_path() -> Path:
    value = env_text("CENTRALE_USERS")
    return Path(value).expanduser() if value else REPO_ROOT / "data" / "users.toml"


def _failures_path(path: Path) -> Path:
    return path.with_name(path.stem + ".signin-failures.json")


def audit_log_path(path: Path | None = None) -> Path:
    path = path or users_path()
    return path.with_name("signin-audit.log")


UNKNOWN_ADDRESS = "inconnue"
LOOPBACK = "127.0.0.1"


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: frozenset[str] | None = None
) -> str:
    """The address of the person signing in.

    `peer` is the connection's address (None: Streamlit's way of saying loopback);
    `forwarded_for` the request's X-Forwarded-For header. The header is believed
    only when the connection comes from a trusted proxy (CENTRALE_TRUSTED_PROXIES);
    then the address is its right-most entry that is not itself a trusted proxy
    (what our proxy saw), never an entry the client could have written.
    """
    trusted = settings().trusted_proxies if trusted is None else trusted
    peer = (peer or LOOPBACK).strip()
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return hops[0][:64] if hops else peer


def read_accounts(path: Path | None = None) -> dict:
    """The parsed users file ({} when there is none)."""
    path = path or users_path()
    if not path.is_file():
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def local_users(path: Path | None = None) -> dict[str, dict]:
    """name -> {role, password_hash} of the local accounts."""
    return {
        name: entry
        for name, entry in read_accounts(path).get("users", {}).items()
        if isinstance(entry, dict) and entry.get("password_hash")
    }


def account(name: str, path: Path | None = None) -> User | None:
    """The local account `name` with the role the users file gives it now (None if absent)."""
    entry = local_users(path).get(name)
    return None if entry is None else User(name, _role(entry), "local")


def _role(entry: dict) -> str:
    role = entry.get("role")
    return role if isinstance(role, str) and role in ROLES else "viewer"


def oidc_editors(path: Path | None = None) -> set[str]:
    """E-mail addresses (lower case) that get the editor role after an OIDC sign-in."""
    editors = read_accounts(path).get("oidc", {}).get("editors", [])
    return {str(e).strip().lower() for e in editors if str(e).strip()}


# The identity provider may say the role itself, in the token's `roles` claim (a list
# or one string, as Keycloak, Entra ID and Authentik can send it).
ROLE_CLAIM = "roles"
EDITOR_CLAIM_VALUES = {"editor", "éditeur", "editeur"}


def role_from_claims(claims: dict, editors: set[str]) -> str:
    """'editor' if the token's `roles` claim names the editor role or its e-mail is listed
    under [oidc] editors; otherwise 'viewer'."""
    value = claims.get(ROLE_CLAIM) or []
    roles = {value} if isinstance(value, str) else set(value)
    if {str(r).strip().lower() for r in roles} & EDITOR_CLAIM_VALUES:
        return "editor"
    email = str(claims.get("email") or "").strip().lower()
    return "editor" if email and email in editors else "viewer"


def _check_password(password: str) -> bytes:
    encoded = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise AccountError(f"mot de passe trop long : au plus {MAX_PASSWORD_BYTES} octets.")
    return encoded


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def add_user(name: str, password: str, role: str = "viewer", path: Path | None = None) -> Path:
    """Create or update a local account (salted bcrypt hash); returns the users file.

    The file is rewritten whole through a temporary file (other sections kept)
    and made readable by its owner only.
    """
    path = path or users_path()
    if not USER_NAME.fullmatch(name or ""):
        raise AccountError(
            "nom d'utilisateur invalide : lettres, chiffres, « . », « _ », « - » ou « @ », "
            "64 caractères au plus, en commençant par une lettre ou un chiffre."
        )
    if role not in ROLES:
        raise AccountError(f"rôle inconnu « {role} » : attendu viewer ou editor.")
    hashed = bcrypt.hashpw(_check_password(password), bcrypt.gensalt(rounds=12)).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Read, change and write under one lock: two `user add` at once keep both accounts.
    with exclusive(path.with_name(path.name + ".lock")):
        accounts = read_accounts(path)
        users = dict(local_users(path))
        users[name] = {"role": role, "password_hash": hashed}
        lines = ["# Comptes du tableau de bord (python -m etl user add). Ne pas versionner.", ""]
        for user, entry in sorted(users.items()):
            lines += [
                f"[users.{_toml_string(user)}]",
                f"role = {_toml_string(entry.get('role', 'viewer'))}",
                f"password_hash = {_toml_string(entry['password_hash'])}",
                "",
            ]
        editors = sorted(oidc_editors(path)) if accounts.get("oidc") else []
        if editors:
            lines += [
                "[oidc]",
                "editors = [" + ", ".join(_toml_string(e) for e in editors) + "]",
                "",
            ]
        write_atomic(path, "\n".join(lines).encode("utf-8"), mode=0o600)
    return path


@contextlib.contextmanager
def _locked_failures(path: Path):
    """The failure counts, read and written under an exclusive lock."""
    failures_file = _failures_path(path)
    failures_file.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(failures_file.with_name(failures_file.name + ".lock")):
        data = {}
        if failures_file.is_file():
            with contextlib.suppress(ValueError):
                data = json.loads(failures_file.read_text(encoding="utf-8"))
        yield data
        write_atomic(failures_file, json.dumps(data).encode("utf-8"), mode=0o600)


def _recent(stamps: list[str], now: dt.datetime) -> list[str]:
    return [s for s in stamps if now - dt.datetime.fromisoformat(s) < FAILURE_WINDOW]


def required_wait(stamps: list[str], now: dt.datetime) -> dt.timedelta:
    """How long from `now` the next try must wait, after these recent failures."""
    extra = len(stamps) - FREE_FAILURES
    if extra < 0 or not stamps:
        return dt.timedelta(0)
    delay = min(MAX_DELAY, dt.timedelta(seconds=2**extra))
    return max(dt.timedelta(0), dt.datetime.fromisoformat(max(stamps)) + delay - now)


def _forget_oldest(failures: dict) -> None:
    """Keep the counts file small whatever names are invented."""
    if len(failures) > MAX_TRACKED:
        by_age = sorted(failures, key=lambda k: max(failures[k], default=""))
        for key in by_age[: len(failures) - MAX_TRACKED]:
            del failures[key]


def _printable(text: str, limit: int = 64) -> str:
    return "".join(c if c.isprintable() and c != "\t" else "?" for c in text)[:limit]


def _audit(path: Path, name: str, address: str, outcome: str, now: dt.datetime) -> None:
    # The name as typed may hold anything: keep it printable and short in the log.
    log = audit_log_path(path)
    stamp = now.isoformat(timespec="seconds")
    line = f"{stamp}\t{_printable(name)}\t{_printable(address)}\t{outcome}\n".encode()
    old = log.read_bytes() if log.is_file() else b""
    if len(old) + len(line) > LOG_MAX_BYTES:  # keep the newest half: bounded, still useful
        old = old[-LOG_MAX_BYTES // 2 :]
        old = old[old.find(b"\n") + 1 :]
    write_atomic(log, old + line, mode=0o600)


def sign_in(
    name: str, password: str, path: Path | None = None, now=None, address: str | None = None
) -> SignIn:
    """Check a local account's password.

    Failures slow down further tries of the same name *from the same address*, and
    every try from an address that keeps failing (`address`: the client's, see
    `client_address`). A correct password from an address that has not failed
    always goes through, whatever was tried on that name from elsewhere.
    """
    path = path or users_path()
    now = now or dt.datetime.now()
    name = (name or "").strip()
    address = (address or "").strip() or UNKNOWN_ADDRESS
    keys = [f"paire:{name.lower()}|{address}", f"adresse:{address}"]
    with _locked_failures(path) as failures:
        for key in keys:
            recent = _recent(failures.pop(key, []), now)
            if recent:
                failures[key] = recent
        wait = max(required_wait(failures.get(k, []), now) for k in keys)
        if wait > dt.timedelta(0):
            _audit(path, name, address, "refusée (attente imposée)", now)
            seconds = max(1, int(wait.total_seconds() + 0.999))
            return SignIn(
                None,
                f"Plusieurs tentatives ont échoué : patientez {seconds} s avant de réessayer.",
            )
        entry = local_users(path).get(name)
        encoded = (password or "").encode("utf-8")
        good = False
        if len(encoded) <= MAX_PASSWORD_BYTES:
            hashed = entry["password_hash"].encode() if entry else _dummy_hash()
            try:
                good = bcrypt.checkpw(encoded, hashed) and entry is not None
            except ValueError:  # a damaged hash in the file
                good = False
        if good:
            failures.pop(keys[0], None)  # the address keeps its count: it may guess others
            _audit(path, name, address, "réussie", now)
            return SignIn(User(name, _role(entry or {}), "local"))
        for key in keys:
            failures[key] = failures.get(key, []) + [now.isoformat()]
        _forget_oldest(failures)
        _audit(path, name, address, "échec", now)
        return SignIn(None, "Nom d'utilisateur ou mot de passe incorrect.")


def sign_in_log(path: Path | None = None, limit: int = 200) -> list[str]:
    """The last lines of the sign-in audit log (time, name, address, outcome), newest last."""
    log = audit_log_path(path)
    if not log.is_file():
        return []
    return log.read_text(encoding="utf-8").splitlines()[-limit:]
