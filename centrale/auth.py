"""Local accounts for a small team: a TOML file of bcrypt hashes, roles, sign-in limits.

The users file (env CENTRALE_USERS, default `data/users.toml`, git-ignored)::

    [users.marie]
    role = "editor"                 # "viewer" or "editor"
    password_hash = "$2b$12$…"      # bcrypt, salted; never the password

    [oidc]                          # optional, for Streamlit's native sign-in
    editors = ["marie@idelux.be"]   # e-mails that get the editor role

Failed sign-ins are counted per user name in a small JSON file beside the
users file (shared by every session and process) and logged, one line each,
in `signin-failures.log`: after MAX_FAILURES failures in FAILURE_WINDOW, the
name is refused until the window has passed, even with the right password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from centrale.config import REPO_ROOT
from centrale.locks import exclusive, write_atomic

ROLES = ("viewer", "editor")
ROLE_LABELS = {"viewer": "lecteur", "editor": "éditeur"}
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=10)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt's limit: longer passwords are refused, not cut
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class AccountError(Exception):
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
    value = os.environ.get("CENTRALE_USERS")
    return Path(value).expanduser() if value else REPO_ROOT / "data" / "users.toml"


def _failures_path(path: Path) -> Path:
    return path.with_name(path.stem + ".signin-failures.json")


def failures_log_path(path: Path | None = None) -> Path:
    path = path or users_path()
    return path.with_name("signin-failures.log")


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


def _log_failure(path: Path, name: str, reason: str, now: dt.datetime) -> None:
    # The name as typed may hold anything: keep it printable and short in the log.
    shown = "".join(c if c.isprintable() else "?" for c in name)[:64]
    with open(failures_log_path(path), "a", encoding="utf-8") as handle:
        handle.write(f"{now.isoformat(timespec='seconds')}\t{shown}\t{reason}\n")


def sign_in(name: str, password: str, path: Path | None = None, now=None) -> SignIn:
    """Check a local account's password, with rate limiting of failures per name."""
    path = path or users_path()
    now = now or dt.datetime.now()
    name = (name or "").strip()
    key = name.lower()
    with _locked_failures(path) as failures:
        recent = _recent(failures.get(key, []), now)
        if len(recent) >= MAX_FAILURES:
            failures[key] = recent
            _log_failure(path, name, "bloqué (trop d'échecs)", now)
            wait = FAILURE_WINDOW - (now - dt.datetime.fromisoformat(min(recent)))
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            return SignIn(
                None,
                f"Trop de tentatives échouées pour ce nom : réessayez dans {minutes} minute(s).",
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
            failures.pop(key, None)
            role = entry.get("role") if entry.get("role") in ROLES else "viewer"
            return SignIn(User(name, role, "local"))
        failures[key] = recent + [now.isoformat()]
        _log_failure(path, name, "échec", now)
        return SignIn(None, "Nom d'utilisateur ou mot de passe incorrect.")


def failed_sign_ins(path: Path | None = None, limit: int = 200) -> list[str]:
    """The last lines of the failed sign-in log (time, name, reason), newest last."""
    log = failures_log_path(path)
    if not log.is_file():
        return []
    return log.read_text(encoding="utf-8").splitlines()[-limit:]
