"""A local sign-in survives F5 through its cookie, and sign-out ends it, in chromium."""

from __future__ import annotations

import time

import pytest

from centrale.access import auth, sessions
from devtools.live_app import AppStartError, running_app
from tests.browser.conftest import VIEWPORT, Offline, wait_rendered

pytestmark = [pytest.mark.slow, pytest.mark.browser]
PASSWORD = "un-mot-de-passe-solide"
IMPORT_TITLE = "Importer des données"
DEADLINE = 60  # seconds, generous: the machine is shared


def _poll(check, what: str):
    deadline = time.monotonic() + DEADLINE
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"toujours pas après {DEADLINE} s : {what}")
        time.sleep(0.2)


def _session_cookie(context):
    found = [c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME]
    return found[0] if found else None


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


@pytest.fixture
def app(demo_db, tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user("marie", PASSWORD, "editor", users)
    env = {
        "CENTRALE_USERS": str(users),
        "CENTRALE_SOURCES": str(tmp_path / "sources"),
        "CENTRALE_REQUIRE_LOGIN": "1",
        "CENTRALE_SESSION_HOURS": "2",
    }
    try:
        with running_app(demo_db, tmp_path / "streamlit.log", extra_env=env, timeout=90) as server:
            yield server
    except AppStartError as error:
        pytest.fail(str(error))


def test_sign_in_survives_reload_and_sign_out_ends_it(app, browser):
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
    offline = Offline()
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app.url)
    wait_rendered(page, "Nom d'utilisateur")
    page.get_by_label("Nom d'utilisateur").first.fill("marie")
    page.get_by_label("Mot de passe").first.fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").first.click()
    page.locator(".centrale-kpi").first.wait_for()
    assert "marie" in _sidebar(page) and "éditeur" in _sidebar(page)

    # The page fetched its cookie: HTTP-only, SameSite=Strict, with an expiry (2 h).
    cookie = _poll(lambda: _session_cookie(context), "cookie de session posé")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert 1.9 * 3600 < cookie["expires"] - time.time() <= 2 * 3600 + 5
    assert cookie["secure"] is False  # plain http on the loopback; Secure behind TLS
    assert page.evaluate("document.cookie").find(sessions.COOKIE_NAME) == -1

    # F5: a new Streamlit session, still marie, still editor (the import page is listed).
    page.reload()
    wait_rendered(page, "Se déconnecter")
    assert "marie" in _sidebar(page) and "éditeur" in _sidebar(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_text(IMPORT_TITLE).count() == 1
    assert page.get_by_text("Nom d'utilisateur").count() == 0

    # Sign out: back to the sign-in page, the cookie is dropped, and F5 keeps it that way.
    page.get_by_role("button", name="Se déconnecter").click()
    wait_rendered(page, "Nom d'utilisateur")
    _poll(lambda: _session_cookie(context) is None, "cookie effacé à la déconnexion")
    page.reload()
    wait_rendered(page, "Nom d'utilisateur")
    assert "marie" not in _sidebar(page)
    assert page.locator(".centrale-kpi").count() == 0
    context.close()

    # The value copied before sign-out is revoked on the server: replayed, it opens nothing.
    replay = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
    replay.route("**/*", offline.route)
    kept = ("name", "value", "expires", "httpOnly", "sameSite")
    replay.add_cookies([{k: cookie[k] for k in kept} | {"url": app.url}])
    assert _session_cookie(replay)["value"] == cookie["value"]
    replayed = replay.new_page()
    replayed.set_default_timeout(60_000)
    replayed.goto(app.url)
    wait_rendered(replayed, "Nom d'utilisateur")
    assert "marie" not in _sidebar(replayed)
    replay.close()
    assert not offline.blocked, offline.blocked
