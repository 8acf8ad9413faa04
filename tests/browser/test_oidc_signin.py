"""Sign-in through OIDC against a real OpenID provider started here, in a real browser.

The provider is the npm package `oidc-provider` (package.json, `npm ci`), run
by `tests/oidc/provider.mjs` on a free local port; the dashboard gets an
`[auth]` section in a temporary secrets file (`secrets.files`), sign-in
required. Roles come from the ID token's `roles` claim: Léa (viewer) never
sees the import page, not even by its URL; Marc (editor) does.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from devtools.live_app import REPO_ROOT, free_port, running_app
from tests.browser.conftest import VIEWPORT, Offline, wait_rendered

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PROVIDER = REPO_ROOT / "tests" / "oidc" / "provider.mjs"
PROVIDER_PACKAGE = REPO_ROOT / "node_modules" / "oidc-provider"
START_SECONDS = 60
CLIENT_ID = "centrale-dashboard"
IMPORT_TITLE = "Importer des données"


@pytest.fixture
def provider(tmp_path):
    """The OpenID provider on a free port; yields its issuer URL."""
    node = shutil.which("node")
    if not node or not PROVIDER_PACKAGE.exists():
        pytest.skip("node ou oidc-provider absent : lancez « npm ci » (voir .ci/run)")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    log = (tmp_path / "provider.log").open("wb")
    app_port = free_port()
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    process = subprocess.Popen(
        [node, str(PROVIDER), str(port), CLIENT_ID, client_secret, redirect],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration") as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("le fournisseur OIDC ne démarre pas :\n" + _read(tmp_path))
            time.sleep(0.2)
        yield {"issuer": issuer, "secret": client_secret, "app_port": app_port}
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _read(folder: Path) -> str:
    return (folder / "provider.log").read_text(errors="replace")[-2000:]


def _secrets_file(folder: Path, provider: dict) -> Path:
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{provider["app_port"]}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{provider["secret"]}"\n'
        f'server_metadata_url = "{provider["issuer"]}/.well-known/openid-configuration"\n'
        # Streamlit asks prompt=select_account by default, which not every provider
        # supports; "login" is standard OIDC (and right for a shared office computer).
        'client_kwargs = { prompt = "login" }\n',
        encoding="utf-8",
    )
    return path


def _sign_in(browser, app_url: str, login: str):
    """A fresh browser context signs in as `login` through the provider's pages."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-BE", service_workers="block")
    offline = Offline()  # the provider is on 127.0.0.1 too: nothing leaves the machine
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    wait_rendered(page, "Connexion")
    assert page.get_by_text(IMPORT_TITLE).count() == 0  # nothing before signing in
    assert not offline.blocked, offline.blocked
    page.get_by_role("button", name="Se connecter").first.click()
    page.wait_for_selector('input[name="login"]')  # the provider's own login page
    assert page.url.startswith("http://127.0.0.1:") and "/interaction/" in page.url
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', "mot-de-passe-de-test")
    page.click('button[type="submit"]')
    page.wait_for_selector('button[type="submit"]:has-text("Continue")')  # consent
    page.click('button[type="submit"]')
    page.wait_for_url(f"{app_url}/**")
    # The test provider's own pages ask for web fonts (blocked, not ours); the
    # dashboard must ask for nothing outside once back.
    on_provider = len(offline.blocked)
    wait_rendered(page, "Se déconnecter")
    assert not offline.blocked[on_provider:], offline.blocked[on_provider:]
    return context, page


def test_oidc_sign_in_roles_from_token(provider, demo_db, browser, tmp_path):
    users = tmp_path / "users.toml"  # no local accounts, no [oidc] editors list
    env = {
        "CENTRALE_SOURCES": str(tmp_path / "sources"),
        "CENTRALE_USERS": str(users),
        "CENTRALE_REQUIRE_LOGIN": "1",
        "STREAMLIT_SECRETS_FILES": str(_secrets_file(tmp_path, provider)),
    }
    log = tmp_path / "streamlit.log"
    with running_app(demo_db, log, extra_env=env, port=provider["app_port"]) as server:
        # The viewer: signed in, reads the dashboard, never reaches the import page.
        context, page = _sign_in(browser, server.url, "lea")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "lea.lectrice@idelux.be" in sidebar.inner_text().replace(
            "\u2060", ""
        )  # plain(): no mailto link
        assert "lecteur" in sidebar.inner_text()
        assert sidebar.get_by_text(IMPORT_TITLE).count() == 0
        page.goto(f"{server.url}/data")
        wait_rendered(page)
        assert page.get_by_text("Fichier à importer").count() == 0
        assert page.locator("h1", has_text=IMPORT_TITLE).count() == 0
        context.close()

        # The editor (roles = ["editor"] in the token): the import page is there.
        context, page = _sign_in(browser, server.url, "marc")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "marc.editeur@idelux.be" in sidebar.inner_text().replace("\u2060", "")
        assert "éditeur" in sidebar.inner_text()
        sidebar.get_by_text(IMPORT_TITLE).click()
        page.locator("h1", has_text=IMPORT_TITLE).wait_for()
        context.close()
