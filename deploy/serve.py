"""`make serve` (`python -m deploy.serve`): the dashboard for a team, behind Caddy with TLS.

    python -m deploy.serve [--host localhost] [--https-port 8443] [--app-port 8501]
                           [--upload-mb 20] [--state data/serve]

- Caddy (Debian's `caddy` package) terminates TLS with a certificate from its
  own local authority, generated at the first start in `<state>/caddy/`
  (`pki/authorities/local/root.crt` is what the team's browsers import);
  bodies over the upload limit are refused (413) before reaching the app.
- Streamlit listens on 127.0.0.1 only (never reachable but through Caddy),
  with XSRF protection forced on, the same upload limit, sign-in required
  (CENTRALE_REQUIRE_LOGIN=1). It refuses to start unless sign-in is configured
  (`[auth]` in .streamlit/secrets.toml, or local accounts).
- The dashboard opens the store read-only; only builds replace it (os.replace).

Stops both on Ctrl-C / SIGTERM. A systemd unit for a server: docs/how-to/publier-pour-une-equipe.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from centrale.access import auth
from centrale.config import REPO_ROOT, settings

# What the page may load: only this server (no CDN, no tiles, no fonts from outside);
# inline scripts and eval are Streamlit's own and plotly's, blob: workers are the map's.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "child-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

CADDYFILE = """\
{{
	admin off
	skip_install_trust
	auto_https disable_redirects
	http_port {http_port}
	https_port {https_port}
	storage file_system {{
		root {storage}
	}}
}}

# Plain HTTP only sends the browser to HTTPS, on the same name and the HTTPS port.
http://:{http_port} {{
	redir https://{{host}}:{https_port}{{uri}} 308
}}

{host}:{https_port} {{
	tls internal
	request_body {{
		max_size {upload_mb}MB
	}}
	header {{
		Strict-Transport-Security "max-age=31536000"
		X-Content-Type-Options nosniff
		X-Frame-Options DENY
		Content-Security-Policy "{csp}"
		Referrer-Policy same-origin
		-Server
	}}
	reverse_proxy 127.0.0.1:{app_port} {{
		# TLS ends here: Streamlit's XSRF cookie gets the Secure flag it cannot know of.
		header_down Set-Cookie "^(_streamlit_xsrf=.*)$" "$1; Secure"
	}}
}}
"""


def caddyfile(
    host: str, https_port: int, http_port: int, app_port: int, upload_mb: int, storage: Path
) -> str:
    return CADDYFILE.format(
        host=host,
        https_port=https_port,
        http_port=http_port,
        app_port=app_port,
        upload_mb=upload_mb,
        storage=storage,
        csp=CONTENT_SECURITY_POLICY,
    )


def sign_in_configured(secrets_file: Path) -> bool:
    """OIDC ([auth] in the secrets file) or at least one local account."""
    if secrets_file.is_file():
        with secrets_file.open("rb") as handle:
            if tomllib.load(handle).get("auth"):
                return True
    return bool(auth.local_users())


def root_certificate(state: Path) -> Path:
    return state / "caddy" / "pki" / "authorities" / "local" / "root.crt"


def streamlit_command(app_port: int, upload_mb: int, host: str) -> list[str]:
    # The websocket answers only to these Host headers (no DNS rebinding): the
    # loopback names, and the server's name that Caddy passes on.
    hosts = dict.fromkeys(["localhost", "127.0.0.1", "::1", host])
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "app.py"),
        "--server.address=127.0.0.1",
        f"--server.port={app_port}",
        "--server.headless=true",
        "--server.enableXsrfProtection=true",
        "--server.enableCORS=true",
        f"--server.maxUploadSize={upload_mb}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        *(f"--server.allowedHosts={name}" for name in hosts),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve")
    parser.add_argument("--host", default="localhost", help="nom du serveur (certificat)")
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--http-port", type=int, default=8080, help="redirige vers HTTPS")
    parser.add_argument("--app-port", type=int, default=8501, help="Streamlit, sur 127.0.0.1")
    parser.add_argument("--upload-mb", type=int, default=settings().max_upload_bytes >> 20)
    parser.add_argument("--state", type=Path, default=REPO_ROOT / "data" / "serve")
    parser.add_argument("--secrets", type=Path, default=REPO_ROOT / ".streamlit" / "secrets.toml")
    args = parser.parse_args(argv)

    caddy = shutil.which("caddy")
    if not caddy:
        print("Caddy est absent : sudo apt-get install caddy", file=sys.stderr)
        return 2
    if not sign_in_configured(args.secrets):
        print(
            "Publication refusée : la connexion n'est pas configurée. Créez un compte "
            "(python -m etl user add NOM --role editor) ou une section [auth] (OIDC) dans "
            f"{args.secrets}.",
            file=sys.stderr,
        )
        return 1
    if not settings().db_path.is_file():
        print(f"Base absente : {settings().db_path} (make etl)", file=sys.stderr)
        return 1
    args.state.mkdir(parents=True, exist_ok=True)
    config = args.state / "Caddyfile"
    config.write_text(
        caddyfile(
            args.host,
            args.https_port,
            args.http_port,
            args.app_port,
            args.upload_mb,
            (args.state / "caddy").resolve(),
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, CENTRALE_REQUIRE_LOGIN="1", STREAMLIT_SECRETS_FILES=str(args.secrets))
    # Caddy reaches Streamlit from the loopback: its X-Forwarded-For names the client.
    env["CENTRALE_TRUSTED_PROXIES"] = "127.0.0.1,::1"
    app = subprocess.Popen(
        streamlit_command(args.app_port, args.upload_mb, args.host), cwd=REPO_ROOT, env=env
    )
    # XDG_DATA_HOME too: Caddy keeps nothing in the user's home.
    proxy_env = dict(os.environ, XDG_DATA_HOME=str(args.state), XDG_CONFIG_HOME=str(args.state))
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"], env=proxy_env
    )
    print(
        f"Tableau de bord : https://{args.host}:{args.https_port}/ (connexion exigée)\n"
        f"Autorité locale à importer dans les navigateurs : {root_certificate(args.state)}",
        flush=True,
    )
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and app.poll() is None and proxy.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in (proxy, app):
            child.terminate()
        for child in (proxy, app):
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
