"""Local accounts: salted hashes, roles, rate-limited and logged failures, the CLI."""

from __future__ import annotations

import datetime as dt
import os
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


def test_five_failures_in_ten_minutes_block_the_name_and_are_logged(users):
    start = dt.datetime(2026, 3, 2, 9, 0)
    for i in range(auth.MAX_FAILURES):
        assert auth.sign_in("marie", f"essai {i}", users, now=start).user is None
    blocked = auth.sign_in("marie", PASSWORD, users, now=start + dt.timedelta(minutes=1))
    assert blocked.user is None and "Trop de tentatives" in blocked.message
    # Another name is not blocked by marie's failures.
    auth.add_user("paul", PASSWORD, "viewer", users)
    assert auth.sign_in("paul", PASSWORD, users, now=start).user is not None
    later = start + auth.FAILURE_WINDOW + dt.timedelta(seconds=1)
    assert auth.sign_in("marie", PASSWORD, users, now=later).user is not None
    log = auth.failed_sign_ins(users)
    assert len(log) == auth.MAX_FAILURES + 1
    assert log[0].split("\t")[1:] == ["marie", "échec"]
    assert log[-1].endswith("bloqué (trop d'échecs)")


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
