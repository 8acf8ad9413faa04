"""The sign-in cookie's value: signed, expiring, revocable, bound to the account (real files)."""

from __future__ import annotations

import stat
import time

import pytest
from itsdangerous import URLSafeSerializer

from centrale.access import auth, sessions

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", path)
    auth.add_user("paul.dupont@idelux.be", PASSWORD, "viewer", path)
    return path


def _claims(value: str) -> dict:
    """What a value claims, read without its signature (as a thief could)."""
    return URLSafeSerializer(b"any", salt="any").loads_unsafe(value)[1]


def _resigned(claims: dict, key: bytes, password_hash: str) -> str:
    """A value for `claims` signed like the server signs, with `key` and that hash."""
    return URLSafeSerializer(key, salt=f"centrale-session-v2|{password_hash}").dumps(claims)


def _hash(users, name: str) -> str:
    return auth.local_users(users)[name]["password_hash"]


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
    claims = _claims(value) | {"e": int(now) + 10 * 24 * 3600}
    payload = URLSafeSerializer(b"x", salt="x").dump_payload(claims).decode()
    later = payload + value[value.index(".") :]  # the new claims, the old signature
    assert sessions.verify(later, users, now=now + 9 * 3600) is None
    monkeypatch.setenv("CENTRALE_SESSION_HOURS", "0,5")
    assert sessions.lifetime().total_seconds() == 1800


def test_tampered_or_foreign_values_are_refused(users, tmp_path):
    value = sessions.issue("paul.dupont@idelux.be", users)
    assert _claims(value)["u"] == "paul.dupont@idelux.be"
    payload, signature = value.rsplit(".", 1)
    as_marie = URLSafeSerializer(b"x", salt="x").dump_payload(_claims(value) | {"u": "marie"})
    assert sessions.verify(f"{as_marie.decode()}.{signature}", users) is None  # viewer -> editor
    # (the first character: the last one's low bits are base64 padding, ignored on decoding)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert sessions.verify(f"{payload}.{flipped}", users) is None
    for junk in ("", "v1", "x.y.z", value + ".x", "." + value, "v1.!!.1.a.b", value[:-3]):
        assert sessions.verify(junk, users) is None
    # Claims of another shape, even correctly signed, are refused.
    key = sessions._secret(users)
    for odd in ({"u": "marie"}, {"u": "marie", "e": "9999999999", "n": "x"}, ["marie"]):
        assert sessions.verify(_resigned(odd, key, _hash(users, "marie")), users) is None
    # Another server (another key) cannot mint values for this one.
    elsewhere = tmp_path / "ailleurs" / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", elsewhere)
    assert sessions.verify(sessions.issue("marie", elsewhere), users) is None


def test_other_key_expired_tampered_and_revoked_values_are_refused(users):
    """The four ways a value must fail, next to a genuine one that passes."""
    now = time.time()
    value = sessions.issue("marie", users, now=now)
    claims, key, hashed = _claims(value), sessions._secret(users), _hash(users, "marie")
    assert sessions.verify(_resigned(claims, key, hashed), users, now=now) is not None
    # signed by another key, with the very same claims
    assert sessions.verify(_resigned(claims, b"k" * 64, hashed), users, now=now) is None
    # expired: the server's clock past the expiry it signed
    assert sessions.verify(value, users, now=claims["e"]) is None
    # tampered: the claims changed after signing (a longer life), signature kept
    longer = URLSafeSerializer(b"x", salt="x").dump_payload(claims | {"e": claims["e"] + 9999})
    assert sessions.verify(f"{longer.decode()}.{value.rsplit('.', 1)[1]}", users, now=now) is None
    # revoked: signed out elsewhere
    assert sessions.revoke(value, users, now=now)
    assert sessions.verify(value, users, now=now) is None


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
