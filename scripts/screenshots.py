"""Screenshots of every page of the real app, for the README (`make screenshots`).

    .venv/bin/python scripts/screenshots.py --db data/centrale.duckdb --out docs/screenshots

Builds the store from the demo sources if `--db` is missing, starts
`streamlit run dashboard.py` on a free local port, opens each page registered
in dashboard.py in headless Debian chromium (1400×900, network cut: any
external request is blocked and reported), waits until the page and its maps
are drawn, and writes `<out>/<page>.png` (palette PNG, well under 300 kB).
The commune page is shown for Bertrix (`?nis=84009`).
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from centrale.build import build_store  # noqa: E402
from centrale.config import settings  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
EXTRA_QUERY = {"commune": "nis=84009"}
MAX_PNG_BYTES = 300_000


def page_paths(entry_point: Path) -> list[tuple[str, str]]:
    """(url path, file stem) of every st.Page in the entry point; '' for the default page."""
    pages = []
    for node in ast.walk(ast.parse(entry_point.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            stem = Path(ast.literal_eval(node.args[0])).stem
            url_path = "" if kwargs.get("default") else kwargs.get("url_path") or stem
            pages.append((url_path, stem))
    return pages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, CENTRALE_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit s'est arrêté :\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("streamlit ne répond pas après 90 s")


def wait_rendered(page) -> None:
    """Until Streamlit's run is over (no running indicator) and the maps have pixels."""
    page.wait_for_selector('[data-testid="stMain"]', state="visible")
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(
            """() => !document.querySelector('[data-testid="stStatusWidget"]')
                     && !document.querySelector('[data-testid="stSkeleton"]')"""
        )
    for canvas in page.locator(".maplibregl-canvas").all():
        canvas.wait_for(state="visible")
    page.wait_for_timeout(1500)  # WebGL maps and plotly transitions settle


def small_png(png: bytes) -> bytes:
    """The screenshot as a 256-colour palette PNG: a quarter of the size, same look."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=settings().db_path)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    parser.add_argument("--date", help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("chromium absent : captures impossibles (apt-get install chromium)")
        return 2
    from playwright.sync_api import sync_playwright

    db = args.db if args.db.is_absolute() else REPO_ROOT / args.db
    if not db.exists():
        print(f"Base absente : construction depuis les données de démonstration -> {db}")
        build_store(settings(), settings().sample_dir, db, progress=lambda _: None)
    out = args.out if args.out.is_absolute() else REPO_ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = out / ".streamlit.log"
    process = start_app(db, port, log)
    blocked: list[str] = []

    def route(request_route) -> None:
        parsed = urlparse(request_route.request.url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
            context.route("**/*", route)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(base)  # the entry point first: it registers the navigation
            wait_rendered(page)
            for url_path, stem in page_paths(REPO_ROOT / "dashboard.py"):
                query = [q for q in (EXTRA_QUERY.get(url_path), args.date and f"date={args.date}")]
                query = [q for q in query if q]
                page.goto(f"{base}/{url_path}" + ("?" + "&".join(query) if query else ""))
                wait_rendered(page)
                png = small_png(page.screenshot())
                target = out / f"{stem}.png"
                target.write_bytes(png)
                flag = "  (> 300 kB !)" if len(png) > MAX_PNG_BYTES else ""
                print(f"{target} : {len(png) // 1024} ko{flag}")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.unlink(missing_ok=True)
    if blocked:
        print("Requêtes externes bloquées :\n  " + "\n  ".join(blocked))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
