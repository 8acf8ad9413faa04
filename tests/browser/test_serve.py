"""`make serve`: Caddy (Debian package) in front with TLS from its local authority,
Streamlit on 127.0.0.1 only, XSRF on, upload limit, sign-in required.

Skipped when `caddy` is not installed (.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from centrale.sessions import COOKIE_NAME
from deploy.serve import root_certificate
from devtools.live_app import REPO_ROOT, free_port
from tests.browser.conftest import VIEWPORT, Offline, wait_rendered

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DEADLINE = 120  # seconds, generous: the machine may be busy


@pytest.fixture
def served(demo_db, tmp_path):
    if not shutil.which("caddy"):
        pytest.skip("caddy absent : apt-get install caddy (voir .ci/run)")
    users = tmp_path / "users.toml"
    env = dict(os.environ, CENTRALE_USERS=str(users), CENTRALE_DB=str(demo_db))
    env["CENTRALE_SOURCES"] = str(tmp_path / "sources")
    subprocess.run(
        [sys.executable, "-m", "etl", "user", "add", "marie", "--role", "editor"],
        input="un-mot-de-passe-solide\n",
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    https, http, app = free_port(), free_port(), free_port()
    state = tmp_path / "state"
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "deploy.serve", "--https-port", str(https)]
    command += ["--http-port", str(http), "--app-port", str(app), "--state", str(state)]
    command += ["--secrets", str(tmp_path / "no-secrets.toml"), "--upload-mb", "5"]
    server = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"https://localhost:{https}"
    try:
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                context = ssl.create_default_context(cafile=root_certificate(state))
                with urllib.request.urlopen(f"{url}/_stcore/health", context=context) as r:
                    if r.read() == b"ok":
                        break
            except (OSError, ssl.SSLError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail((tmp_path / "serve.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield {"url": url, "context": context, "app_port": app}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _status(request, context) -> int:
    try:
        with urllib.request.urlopen(request, context=context, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_served_behind_tls_with_sign_in(served, browser):
    url, context = served["url"], served["context"]
    # TLS verified against the authority generated at the first start; security headers.
    with urllib.request.urlopen(f"{url}/", context=context) as answer:
        assert answer.status == 200
        assert "max-age" in answer.headers["Strict-Transport-Security"]
    # Streamlit itself listens on the loopback only.
    with urllib.request.urlopen(f"http://127.0.0.1:{served['app_port']}/_stcore/health") as r:
        assert r.read() == b"ok"
    # XSRF on: an upload without the token is refused; one over the limit never passes.
    upload = f"{url}/_stcore/upload_file/session/file"
    small = urllib.request.Request(upload, data=b"x" * 1000, method="PUT")
    assert _status(small, context) == 403
    big = urllib.request.Request(upload, data=b"x" * (6 << 20), method="PUT")
    # Refused either way: 403 (XSRF), 413 (Caddy's limit) or 502 when Streamlit answers
    # and closes before the proxy has sent the whole body.
    assert _status(big, context) in (403, 413, 502)

    # In a browser, through the proxy (websocket over TLS): only the sign-in page.
    page_context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
    offline = Offline()
    page_context.route("**/*", offline.route)
    page = page_context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    wait_rendered(page, "Connexion")
    assert page.get_by_text("Nom d'utilisateur").count() >= 1
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.get_by_label("Nom d'utilisateur").first.fill("marie")
    page.get_by_label("Mot de passe").first.fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").first.click()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    assert "marie" in page.locator('[data-testid="stSidebar"]').inner_text()
    # The sign-in cookie came through the proxy, marked Secure (TLS ends at Caddy).
    deadline = time.monotonic() + DEADLINE
    while not (found := [c for c in page_context.cookies() if c["name"] == COOKIE_NAME]):
        assert time.monotonic() < deadline, "pas de cookie de session derrière Caddy"
        time.sleep(0.2)
    assert found[0]["secure"] and found[0]["httpOnly"] and found[0]["sameSite"] == "Strict"
    page_context.close()
    assert not offline.blocked, offline.blocked
