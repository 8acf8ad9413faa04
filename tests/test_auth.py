"""Local accounts: salted hashes, roles, rate-limited and logged failures, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import tomllib

import pytest

from centrale import auth
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


def test_failures_slow_down_without_locking_the_owner_out_and_are_logged(users):
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(auth.FREE_FAILURES):  # the first failures cost nothing
        assert auth.sign_in("marie", f"essai {i}", users, now=start).user is None
    # A stranger keeps failing on marie's name: each try must wait longer (2, 4, 8… s)...
    waits, now = [], start
    for i in range(8):
        outcome = auth.sign_in("marie", f"intrus {i}", users, now=now)
        if "patientez" in outcome.message:
            waits.append(outcome.message)
            now += auth.MAX_DELAY  # the stranger waits, then tries again
        else:
            now += dt.timedelta(seconds=1)
    assert waits and all("s avant de réessayer" in w for w in waits)
    # ...but marie, waiting the delay (never more than MAX_DELAY), signs in.
    assert auth.sign_in("marie", PASSWORD, users, now=now + auth.MAX_DELAY).user is not None
    # Another name is not slowed by marie's failures.
    auth.add_user("paul", PASSWORD, "viewer", users)
    assert auth.sign_in("paul", PASSWORD, users, now=now).user is not None
    log = auth.failed_sign_ins(users)
    assert log[0].split("\t")[1:] == ["marie", "échec"]
    assert stat.S_IMODE(auth.failures_log_path(users).stat().st_mode) == 0o600


def test_one_address_guessing_many_names_is_slowed_down(users):
    start = dt.datetime(2026, 3, 2, 9, 0)
    outcomes = [
        auth.sign_in(f"nom{i}", "faux mot de passe", users, now=start, address="203.0.113.9")
        for i in range(auth.FREE_FAILURES + 1)
    ]
    assert "patientez" in outcomes[-1].message
    # Another address is not slowed.
    other = auth.sign_in("marie", PASSWORD, users, now=start, address="198.51.100.1")
    assert other.user is not None


@pytest.mark.slow  # 40 bcrypt checks at the product's cost (rounds=12)
def test_the_failure_log_and_counts_stay_bounded(users, monkeypatch):
    monkeypatch.setattr(auth, "LOG_MAX_BYTES", 1024)
    monkeypatch.setattr(auth, "MAX_TRACKED", 10)
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(40):
        auth.sign_in(f"invente-{i}", "x", users, now=start + dt.timedelta(seconds=i))
    assert auth.failures_log_path(users).stat().st_size <= 1024
    assert auth.failed_sign_ins(users)[-1].split("\t")[1] == "invente-39"
    counts = auth._failures_path(users).read_text()
    assert counts.count("nom:") <= 10


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
