"""The sign-in cookie's value: signed, expiring, revocable, bound to the account (real files)."""

from __future__ import annotations

import stat
import time

import pytest

from centrale.access import auth, sessions

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", path)
    auth.add_user("paul.dupont@idelux.be", PASSWORD, "viewer", path)
    return path


def _with_part(value: str, index: int, new: str) -> str:
    parts = value.split(".")
    parts[index] = new
    return ".".join(parts)


def test_a_value_gives_back_its_user_and_the_key_file_is_private(users):
    value = sessions.issue("marie", users)
    assert sessions.verify(value, users) == auth.User("marie", "editor", "local")
    other = sessions.issue("paul.dupont@idelux.be", users)  # dots and @ in the name
    assert sessions.verify(other, users).name == "paul.dupont@idelux.be"
    key = sessions.secret_path(users)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 64
    assert "marie" not in key.read_text() and sessions.issue("marie", users) != value


def test_expiry_is_checked_on_the_server(users, monkeypatch):
    monkeypatch.setenv("CENTRALE_SESSION_HOURS", "8")
    now = time.time()
    value = sessions.issue("marie", users, now=now)
    assert sessions.verify(value, users, now=now + 8 * 3600 - 5) is not None
    assert sessions.verify(value, users, now=now + 8 * 3600 + 1) is None
    # Pushing the expiry forward breaks the signature.
    later = _with_part(value, 2, str(int(now) + 10 * 24 * 3600))
    assert sessions.verify(later, users, now=now + 9 * 3600) is None
    monkeypatch.setenv("CENTRALE_SESSION_HOURS", "0,5")
    assert sessions.lifetime().total_seconds() == 1800


def test_tampered_or_foreign_values_are_refused(users, tmp_path):
    value = sessions.issue("paul.dupont@idelux.be", users)
    as_marie = _with_part(value, 1, sessions._b64("marie"))  # a viewer claims the editor
    assert sessions.verify(as_marie, users) is None
    signature = value.split(".")[4]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert sessions.verify(_with_part(value, 4, flipped), users) is None
    for junk in ("", "v1", "x.y.z", "v2" + value[2:], value + ".x", "v1.!!.1.a.b"):
        assert sessions.verify(junk, users) is None
    # Another server (another key) cannot mint values for this one.
    elsewhere = tmp_path / "ailleurs" / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", elsewhere)
    assert sessions.verify(sessions.issue("marie", elsewhere), users) is None


def test_role_changes_and_password_changes_and_removals_take_effect(users):
    value = sessions.issue("marie", users)
    text = users.read_text(encoding="utf-8")
    # The role is read from the file at each check, never from the cookie.
    users.write_text(text.replace('role = "editor"', 'role = "viewer"', 1), encoding="utf-8")
    assert sessions.verify(value, users).role == "viewer"
    users.write_text(text, encoding="utf-8")
    # A new password ends the sessions opened with the old one.
    auth.add_user("marie", "un tout autre mot de passe", "editor", users)
    assert sessions.verify(value, users) is None
    fresh = sessions.issue("marie", users)
    # A removed account is signed out.
    users.write_text(text.split("[users.marie]")[0], encoding="utf-8")
    assert sessions.verify(fresh, users) is None


def test_sign_out_revokes_the_value_everywhere_and_the_list_forgets_expired_ones(users):
    now = time.time()
    old = sessions.issue("marie", users, now=now - 9 * 3600)  # already expired
    value = sessions.issue("marie", users, now=now)
    kept = sessions.issue("marie", users, now=now)  # another browser of marie
    assert sessions.revoke(value, users, now=now)
    assert sessions.verify(value, users, now=now) is None
    assert sessions.verify(kept, users, now=now) is not None
    assert not sessions.revoke(old, users, now=now)  # not genuine any more: nothing to note
    assert not sessions.revoke("forgé", users, now=now)
    revoked = sessions.revoked_path(users)
    assert stat.S_IMODE(revoked.stat().st_mode) == 0o600
    sessions.revoke(kept, users, now=now)
    later = sessions.issue("marie", users, now=now + 9 * 3600)
    sessions.revoke(later, users, now=now + 9 * 3600)  # the first two have expired by now
    assert len(sessions._read_revoked(revoked)) == 1


def test_a_handoff_token_is_spent_once_and_expires():
    handoff = sessions.Handoff(seconds=60)
    token = handoff.issue("valeur", now=100.0)
    assert handoff.redeem("autre", now=101.0) is None
    assert handoff.redeem(token, now=101.0) == "valeur"
    assert handoff.redeem(token, now=102.0) is None  # once only
    late = handoff.issue("valeur", now=100.0)
    assert handoff.redeem(late, now=161.0) is None
    assert len({handoff.issue("v") for _ in range(50)}) == 50
    for _ in range(sessions.MAX_HANDOFFS + 10):
        handoff.issue("v")
    assert len(handoff._pending) <= sessions.MAX_HANDOFFS
