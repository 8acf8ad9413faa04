"""Local accounts: salted hashes, roles, rate-limited and logged failures, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import tomllib

import pytest

from centrale.access import auth
from centrale.config import REPO_ROOT

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", path)
    return path


def test_the_file_holds_a_salted_bcrypt_hash_never_the_password(users):
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = tomllib.loads(text)["users"]["marie"]
    assert entry["role"] == "editor" and entry["password_hash"].startswith("$2b$12$")
    auth.add_user("paul", PASSWORD, "viewer", users)
    hashes = {e["password_hash"] for e in auth.local_users(users).values()}
    assert len(hashes) == 2  # same password, different salts
    assert oct(users.stat().st_mode & 0o777) == "0o600"


def test_sign_in_gives_the_role_and_refuses_wrong_passwords_alike(users):
    assert auth.sign_in("marie", PASSWORD, users).user == auth.User("marie", "editor", "local")
    wrong_password = auth.sign_in("marie", "mauvais mot de passe", users)
    unknown_user = auth.sign_in("inconnu", PASSWORD, users)
    assert wrong_password.user is None and unknown_user.user is None
    assert (
        wrong_password.message
        == unknown_user.message
        == ("Nom d'utilisateur ou mot de passe incorrect.")
    )


def test_failures_slow_down_the_guessing_address_never_the_owner(users):
    start = dt.datetime(2026, 3, 2, 9, 0)
    stranger, owner = "203.0.113.9", "198.51.100.7"
    for i in range(auth.FREE_FAILURES):  # the first failures cost nothing
        assert auth.sign_in("marie", f"essai {i}", users, now=start, address=stranger).user is None
    # The stranger keeps trying marie's name each time the wait ends (the attack that
    # locked the editor out): every try must wait longer (2, 4, 8… s)...
    waits, now = [], start
    for i in range(12):
        outcome = auth.sign_in("marie", f"intrus {i}", users, now=now, address=stranger)
        if "patientez" in outcome.message:
            waits.append(outcome.message)
            now += auth.MAX_DELAY  # the stranger waits, then tries again
        else:
            now += dt.timedelta(seconds=1)
        # ...while marie, from her own address, gets in at once every time.
        assert auth.sign_in("marie", PASSWORD, users, now=now, address=owner).user is not None
    assert waits and all("s avant de réessayer" in w for w in waits)
    # Even the right password waits on the stranger's address (it may be a lucky guess).
    assert auth.sign_in("marie", PASSWORD, users, now=now, address=stranger).user is None
    # The owner's own typos slow her down at most MAX_DELAY, then she gets in.
    for i in range(auth.FREE_FAILURES + 2):
        auth.sign_in("marie", f"faute {i}", users, now=now, address=owner)
    assert "patientez" in auth.sign_in("marie", PASSWORD, users, now=now, address=owner).message
    assert auth.sign_in("marie", PASSWORD, users, now=now + auth.MAX_DELAY, address=owner).user


def test_every_sign_in_is_in_the_audit_log_with_its_address(users):
    now = dt.datetime(2026, 3, 2, 9, 0)
    auth.sign_in("marie", "mauvais mot de passe", users, now=now, address="203.0.113.9")
    auth.sign_in("marie", PASSWORD, users, now=now, address="198.51.100.7")
    auth.sign_in("mar\tie\n", "x", users, now=now, address="198.51.100.7")
    log = [line.split("\t")[1:] for line in auth.sign_in_log(users)]
    assert log == [
        ["marie", "203.0.113.9", "échec"],
        ["marie", "198.51.100.7", "réussie"],
        ["mar?ie", "198.51.100.7", "échec"],
    ]
    assert stat.S_IMODE(auth.audit_log_path(users).stat().st_mode) == 0o600


def test_the_forwarded_address_is_believed_only_from_the_trusted_proxy():
    proxy = frozenset({"127.0.0.1", "::1"})
    # Straight from a browser: its own header is ignored (it could write anything).
    assert auth.client_address("203.0.113.9", "198.51.100.7", proxy) == "203.0.113.9"
    # From the proxy: what the proxy saw, the right-most entry, not one the client added.
    assert auth.client_address(None, "203.0.113.9", proxy) == "203.0.113.9"
    assert auth.client_address("127.0.0.1", "10.0.0.1, 203.0.113.9", proxy) == "203.0.113.9"
    assert auth.client_address("::1", "203.0.113.9, 127.0.0.1", proxy) == "203.0.113.9"
    # No proxy configured: the loopback is the address, whatever the header says.
    assert auth.client_address(None, "203.0.113.9", frozenset()) == "127.0.0.1"
    assert auth.client_address(None, None, proxy) == "127.0.0.1"


def test_the_proxy_setting_comes_from_the_environment(monkeypatch):
    from centrale.config import settings

    monkeypatch.setenv("CENTRALE_TRUSTED_PROXIES", "127.0.0.1, ::1")
    assert settings().trusted_proxies == {"127.0.0.1", "::1"}
    monkeypatch.delenv("CENTRALE_TRUSTED_PROXIES")
    assert settings().trusted_proxies == frozenset()


@pytest.mark.slow  # 40 bcrypt checks at the product's cost (rounds=12)
def test_the_failure_log_and_counts_stay_bounded(users, monkeypatch):
    monkeypatch.setattr(auth, "LOG_MAX_BYTES", 1024)
    monkeypatch.setattr(auth, "MAX_TRACKED", 10)
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(40):
        auth.sign_in(f"invente-{i}", "x", users, now=start + dt.timedelta(seconds=i))
    assert auth.audit_log_path(users).stat().st_size <= 1024
    assert auth.sign_in_log(users)[-1].split("\t")[1] == "invente-39"
    counts = auth._failures_path(users).read_text()
    assert counts.count("paire:") <= 10


@pytest.mark.parametrize(
    ("name", "password", "role", "match"),
    [
        ("marie", "court", "editor", "trop court"),
        ("marie", "é" * 40, "editor", "trop long"),
        ("../root", PASSWORD, "editor", "nom d'utilisateur invalide"),
        ('a"]\n[users.x', PASSWORD, "editor", "nom d'utilisateur invalide"),
        ("marie", PASSWORD, "admin", "rôle inconnu"),
    ],
)
def test_bad_accounts_are_refused(tmp_path, name, password, role, match):
    with pytest.raises(auth.AccountError, match=match):
        auth.add_user(name, password, role, tmp_path / "users.toml")
    assert not (tmp_path / "users.toml").exists()


def test_cli_reads_the_password_from_stdin_not_argv(tmp_path):
    path = tmp_path / "users.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "user",
            "add",
            "marie",
            "--role",
            "editor",
            "--users",
            str(path),
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Compte « marie » enregistré (éditeur)" in done.stdout
    assert auth.sign_in("marie", PASSWORD, path).user.role == "editor"
    refused = subprocess.run(
        [sys.executable, "-m", "etl", "user", "add", "paul", "--users", str(path)],
        input="court\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert refused.returncode == 1 and "trop court" in refused.stderr
